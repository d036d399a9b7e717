// Structural comparison of two endpoints' replies to the same command, as diff mode uses it.
// Most replies must be identical in type and value; the policy table below names the
// commands whose replies are unordered, random, time-dependent or server-specific.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tools/compat/reply.h"

namespace keyshard::compat {

enum class Policy {
  kExact,           // same type and value, arrays in order
  kUnordered,       // array/set compared as a multiset (SMEMBERS, KEYS, ...)
  kUnorderedPairs,  // flat field/value array or map compared as a set of pairs (HGETALL)
  kRandomCount,     // SRANDMEMBER/HRANDFIELD: type and length, whole-set replies as sets
  kScan,            // SCAN family: from cursor 0 the executor iterates to the end
  kTtlSeconds,      // TTL, EXPIRETIME: integers >= 0 within 1
  kTtlMillis,       // PTTL, PEXPIRETIME: integers >= 0 within 100
  kTypeOnly,        // INFO, TIME, CLIENT ID, ...: only the reply types must agree
  kHello,           // HELLO: same fields and proto/mode/role values; server/version/id differ
};

Policy PolicyFor(const std::vector<std::string>& argv);

// Index of the cursor argument of a SCAN-family command (SCAN 1, SSCAN/HSCAN/ZSCAN 2).
size_t ScanCursorIndex(const std::vector<std::string>& argv);
// HSCAN and ZSCAN return field/value pairs.
bool ScanReturnsPairs(const std::vector<std::string>& argv);

// nullopt when the replies agree under the command's policy, otherwise why not.
std::optional<std::string> CompareReplies(const std::vector<std::string>& argv, const Reply& target,
                                          const Reply& reference);

// An expectation in case-file notation that a reply to argv satisfies under its policy:
// exact for most commands, ~[...] / {..} for unordered ones, int(a..b) for TTLs, "any" for
// random and server-specific ones. Used to print reproductions that pass on the reference.
std::string ExpectationFor(const std::vector<std::string>& argv, const Reply& reply);

}  // namespace keyshard::compat
