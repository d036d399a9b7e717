// coverage: which commands the reference describes in its COMMAND reply that the target
// lacks or describes differently (arity, flags, first/last/step key positions).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "tools/compat/connection.h"
#include "tools/compat/reply.h"

namespace keyshard::compat {

struct CommandInfo {
  std::string name;  // lower case; subcommands as "config|get"
  long long arity = 0;
  std::set<std::string> flags;
  long long first_key = 0, last_key = 0, step = 0;
};

// Parses a COMMAND reply (RESP2 or RESP3), subcommands included.
std::map<std::string, CommandInfo> ParseCommandReply(const Reply& reply);

struct CoverageRow {
  std::string name;
  std::string status;  // "missing" or "differs"
  std::string detail;
};

struct CoverageReport {
  std::string target, reference;
  size_t reference_total = 0;
  size_t present = 0;    // known to the target
  size_t identical = 0;  // known and described the same way
  std::vector<CoverageRow> rows;
  std::string error;
};

CoverageReport CompareCommandTables(const std::map<std::string, CommandInfo>& target,
                                    const std::map<std::string, CommandInfo>& reference);

CoverageReport RunCoverage(const Endpoint& target, const Endpoint& reference);

std::string CoverageText(const CoverageReport& r, bool color, bool show_missing);
std::string CoverageJson(const CoverageReport& r);

}  // namespace keyshard::compat
