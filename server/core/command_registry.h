#pragma once
// CommandRegistry: the command table. Families add their rows at start-up; afterwards it is
// read-only and shared by all threads.
#include <boost/container/small_vector.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "server/core/command.h"

namespace ks {

class CommandRegistry {
 public:
  CommandRegistry();  // registers every family
  CommandRegistry(const CommandRegistry&) = delete;
  CommandRegistry& operator=(const CommandRegistry&) = delete;

  void Add(CommandSpec spec);

  // Case-insensitive; nullptr if unknown.
  const CommandSpec* Find(std::string_view name) const;
  static const CommandSpec* FindSub(const CommandSpec& parent, std::string_view sub);

  const std::deque<CommandSpec>& all() const { return commands_; }
  // Every row and subcommand row by CommandSpec::id.
  const std::vector<const CommandSpec*>& by_id() const { return by_id_; }

 private:
  void Finish(CommandSpec& spec, const CommandSpec* parent);

  std::deque<CommandSpec> commands_;  // stable addresses
  std::vector<const CommandSpec*> by_id_;
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  struct NameEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };
  boost::unordered_flat_map<std::string, const CommandSpec*, NameHash, NameEq> by_name_;
};

// Parses a spec's flag text into CmdFlag bits.
uint32_t ParseCommandFlags(std::string_view flags);

// The keys of a command, located from its spec (range or keynum key specs). Returns argument
// indexes. A malformed numkeys yields the keys that can be located; the handler reports
// the error.
// A row's find_keys (Redis's getkeys procedure) locates the keys for routing; COMMAND GETKEYS
// (as_getkeys) uses the key specs instead when none of them is unknown, as Redis 7.0 does:
// GEORADIUS ... STORE a STOREDIST b routes a and b's last, b, but GETKEYS lists a and b.
KeyIndexes CommandKeyIndexes(const CommandSpec& spec, int argc, const std::string_view* argv,
                             bool as_getkeys = false);

// Whether the command works over the whole keyspace rather than named keys (KEYS, SCAN,
// DBSIZE, RANDOMKEY, FLUSHALL, FLUSHDB, SWAPDB): a keyless @keyspace row, or a row locking
// every engine. It touches every slot: a slot fence holds it, and inside a transaction or a
// script (which run on one server) it is refused while remote shards own slots.
bool OverWholeKeyspace(const CommandSpec& spec);

// Where a key spec's keys begin (Redis's begin_search): its index, or the argument after its
// keyword; 0 when the keyword is absent or the start is unknown.
int KeySpecBegin(const KeySpec& ks, int argc, const std::string_view* argv);

}  // namespace ks
