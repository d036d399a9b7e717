#pragma once
// The command table's row type. Every fact Redis publishes about a command (arity, flags,
// key positions, ACL categories, tips, key specs) is written once in its family's table row;
// dispatch, key extraction, locking and COMMAND INFO/DOCS/GETKEYS are all derived from it.
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace ks {

struct CommandContext;
using CommandHandler = void (*)(CommandContext&);

// Argument indexes of a command's keys.
using KeyIndexes = boost::container::small_vector<int, 8>;

// Command flag bits the dispatcher acts on (the full list is kept as text for COMMAND INFO).
enum CmdFlag : uint32_t {
  kCmdWrite = 1 << 0,
  kCmdReadonly = 1 << 1,
  kCmdDenyOom = 1 << 2,
  kCmdAdmin = 1 << 3,
  kCmdNoAuth = 1 << 4,
  kCmdFast = 1 << 5,
  kCmdBlocking = 1 << 6,
  kCmdLoading = 1 << 7,
  kCmdStale = 1 << 8,
  kCmdNoScript = 1 << 9,
  kCmdMovableKeys = 1 << 10,
  kCmdNoMulti = 1 << 11,        // refused inside MULTI (SAVE, SHUTDOWN...)
  kCmdMayReplicate = 1 << 12,  // held by CLIENT PAUSE WRITE like a write (EVAL, PUBLISH...)
  kCmdSkipSlowlog = 1 << 13,   // never logged by SLOWLOG (EXEC, AUTH...)
  kCmdSkipMonitor = 1 << 14,
  kCmdAllowBusy = 1 << 15,     // answered while a script is busy (SCRIPT KILL, AUTH...)
};

// Redis 7 key specification, as COMMAND INFO reports it.
struct KeySpec {
  std::string_view flags;  // space separated, Redis's order: "RW access update"
  // begin_search: index (> 0) or keyword.
  int begin_index = 0;
  std::string_view begin_keyword = {};
  int begin_startfrom = 0;
  // find_keys: range (lastkey, keystep, limit) or keynum (keynumidx, firstkey, keystep).
  bool keynum = false;
  int last_key = 0;
  int key_step = 1;
  int limit = 0;
  int keynum_idx = 0;
  int first_key = 0;
  std::string_view notes = {};
};

// How the dispatcher locks engines before calling the handler.
enum class LockMode : uint8_t {
  kKeys,  // the engines owning the command's keys (none for keyless commands)
  kAll,   // every engine, for commands over the whole keyspace (KEYS, FLUSHALL, SWAPDB)
  kSelf,  // none: the handler locks what it needs itself (SCAN, INFO)
};

// What a write logs to the append-only file (server/persist/aof_feed.cc). Whatever a row does
// not declare logs its effect, which is always correct.
enum class AofLog : uint8_t {
  kEffect,    // each key's resulting value (rebuilt from the entry), or DEL if it is gone
  kVerbatim,  // the command as sent: replaying its arguments on one engine does the same
  kTtl,       // each key's resulting TTL (PEXPIREAT, or PERSIST): relative times made absolute
  // Verbatim, except that an EX or PX option (a relative expiry) logs the effect (SET +
  // PEXPIREAT), as Redis rewrites SET.
  kVerbatimUnlessRelativeTtl,
  // The effect of the keys the handler changed (those it signalled), nothing when it changed
  // none: SORT and GEORADIUS log only their STORE destination, and nothing without STORE.
  kChangedKeys,
  // A change to server-wide state rather than keys (FUNCTION LOAD/DELETE/FLUSH/RESTORE): logged
  // as sent, once, in engine 0's log (replaying every engine's copy would apply it several
  // times); it changes no slot, so a running snapshot copies nothing for it.
  kServerWide,
};

// What a command does when its client is inside MULTI (server/multi/transaction.h).
enum class InMulti : uint8_t {
  kQueue,      // queued (+QUEUED), run by EXEC: nearly every command
  kRun,        // runs at once; its handler answers the nesting error (MULTI, WATCH)
  kRunAlways,  // runs at once, even when out of memory (EXEC, DISCARD, QUIT, RESET)
};

struct CommandSpec {
  std::string_view name;  // lower case; subcommands carry only their own part ("list")
  int arity = 0;
  std::string_view flags;  // as COMMAND INFO lists them, space separated
  int first_key = 0, last_key = 0, step = 0;
  std::string_view acl;   // "@read @string @fast"
  std::string_view tips;  // "nondeterministic_output request_policy:all_shards"
  std::vector<KeySpec> key_specs;
  CommandHandler handler = nullptr;
  LockMode lock = LockMode::kKeys;
  // Redis's getkeys_proc, for keys no key spec can locate (SORT's STORE, the last of
  // GEORADIUS's STORE/STOREDIST): routing and COMMAND GETKEYS use it instead of the specs.
  void (*find_keys)(std::span<const std::string_view> args, KeyIndexes& out) = nullptr;
  // Chooses the lock mode per call instead of `lock`: SORT locks every engine when its BY/GET
  // patterns name keys that are only known while it runs, and only its own keys otherwise.
  LockMode (*lock_for)(std::span<const std::string_view> args) = nullptr;
  AofLog aof = AofLog::kEffect;
  // The option naming the second key's database when it may be another one (COPY ... DB n):
  // its effect is logged there.
  std::string_view dst_db_option = {};
  InMulti in_multi = InMulti::kQueue;
  // Commands that use the scripts' state (EVAL, FCALL, SCRIPT LOAD, FUNCTION LOAD...) set
  // this: the execution path takes the server's script mutex before it locks any engine
  // (Execute; EXEC whose queue holds one, ScriptLockFor in server/core/executor.h), and the
  // handler runs with it held.
  bool script_lock = false;
  // Never forwarded to a remote shard; a key there is refused (server/core/forward.h). WATCH
  // is forwarded over a connection leased to the client (server/remote/remote_tx.h).
  bool no_forward = false;
  // CONFIG SET: appends to `out` the options (name, value, ...) among those it sets that the
  // remote shards share (encoding thresholds). With any, it runs here first, then they go to
  // every remote as one CONFIG SET (server/remote/fanout.h, MirrorConfig).
  void (*remote_config)(std::span<const std::string_view> args, std::vector<std::string_view>& out) = nullptr;
  // COMMAND DOCS.
  std::string_view group;
  std::string_view since;
  std::string_view summary;
  std::string_view complexity;
  std::vector<CommandSpec> subcommands;
  // Allowed while a RESP2 client is subscribed (Redis's processCommand list: the subscribe
  // commands, PING, QUIT, RESET).
  bool subscribed_ok = false;

  // Filled in at registration.
  uint32_t flag_bits = 0;
  uint16_t id = 0;  // dense index of every row and subcommand row (per-command statistics)
  std::string full_name;  // "client|list"
  const CommandSpec* parent = nullptr;
};

// A container command (CLIENT, CONFIG, OBJECT...): Redis gives each the same arity, flags, ACL
// category and complexity, and its subcommands carry the rest.
inline CommandSpec ContainerRow(std::string_view name, std::string_view group, std::string_view since,
                                std::string_view summary, std::vector<CommandSpec> subcommands) {
  return {.name = name,
          .arity = -2,
          .flags = "",
          .first_key = 0, .last_key = 0, .step = 0,
          .acl = "@slow",
          .group = group, .since = since,
          .summary = summary,
          .complexity = "Depends on subcommand.",
          .subcommands = std::move(subcommands)};
}

}  // namespace ks
