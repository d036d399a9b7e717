#pragma once
// The execution path. Every way of running a command goes through an Execution: a client's
// command (Service::Dispatch), a blocked client being served (server/blocking), AOF replay
// (which dispatches what the log holds) and, next, EXEC (several commands under one lock
// hold) and commands called from scripts.
//
//   Acquire   route the keys to their engines, lock those engines in ascending order, re-check
//             that no slot moved meanwhile (route again if one did); KEYS/FLUSHALL-like
//             commands lock every engine, SCAN-like ones lock nothing themselves
//   Run       for each command, with the engines held: make room under a memory budget (OOM
//             refuses it) -> before-write (a running snapshot copies the slots first, the
//             change counter moves) -> the handler (whose ctx.Changed re-charges, packs or
//             deletes what it changed and signals "key modified") -> feed the AOF
//   Release   collect keys that blocked clients wait for and that now hold data -> unlock ->
//             write the AOF (fsync under appendfsync always) -> serve those blocked clients ->
//             work the handlers left for after the unlock (FLUSHALL's save)
//
// A one-key command takes one uncontended mutex and allocates nothing here.
//
// Atomic units in the logs: an Execution that runs several commands (EXEC, a script: they
// call BeginUnit), or one command over several engines, is one unit in the append-only logs:
// each engine's part is a MULTI ... EXEC block; a part of a unit over several engines ends with
// a "#ks-unit:<id>:<parts>" annotation, and all parts are written to their files before the
// engines are unlocked, so no later command can reach a file ahead of them. On load a unit
// is applied only when every part is complete (docs/ARCHITECTURE.md, "Transactions").
#include <functional>
#include <mutex>
#include <optional>
#include <span>

#include "routing/shard_set.h"
#include "server/persist/aof_feed.h"
#include "server/pubsub/notifications.h"

namespace ks {

struct CommandContext;
class ServerState;
struct ReadyKey;

class Execution {
 public:
  explicit Execution(ServerState& state) : state_(state) {}
  ~Execution() { Release(); }
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Locks what ctx's command needs and fills ctx.keys with its keys, routed under the locks.
  // extra_engines are locked with them (the engines a blocked client is queued in).
  void Acquire(CommandContext& ctx, std::span<const uint16_t> extra_engines = {});
  // The same for several commands at once, under one lock set (EXEC, a script's declared
  // keys): the union of their engines and extra_engines (EXEC: those of its WATCHed keys),
  // or every engine if one of them needs all. While the Execution lives, commands run in it
  // that lock engines themselves (SCAN, DBSIZE: LockMode::kSelf) skip the ones held here.
  void Acquire(std::span<CommandContext* const> cmds, std::span<const uint16_t> extra_engines = {});
  // Locks the engines owning these keys (a script's declared KEYS, before its commands run);
  // from here on commands run in it skip the engines held here, as above.
  void LockKeys(std::span<const std::string_view> keys);
  // Makes everything Run from here on one atomic unit in the logs (see above).
  void BeginUnit() { unit_ = true; }
  // Runs ctx's command with its engines held. Returns false if it was refused before its
  // handler ran (the OOM error is already written).
  bool Run(CommandContext& ctx);
  // Unlocks and finishes (see above). Keys made ready for blocked clients are served here,
  // or appended to *defer when given (the blocking code serves them in its own loop).
  void Release(std::vector<ReadyKey>* defer = nullptr);

  EngineLocks& locks() { return locks_; }

 private:
  // Locks the engines owning slots (the keys of cmds, in order) and extra_engines, or every
  // engine when all, and fills in each key's engine.
  void LockRouted(std::span<CommandContext* const> cmds, std::span<const uint16_t> slots, bool all,
                  std::span<const uint16_t> extra_engines);

  // Closes the unit's blocks in the logs, engines still locked.
  void EndUnit();

  ServerState& state_;
  EngineLocks locks_;
  std::optional<ThreadHeldEngines> held_;  // set by the several-command Acquire
  bool unit_ = false;
  bool wrote_ = false;
  bool released_ = false;
  TouchedEngines touched_;
  AofSet* aof_ = nullptr;
  std::vector<std::function<void()>> after_unlock_;
  std::vector<KeyspaceNote> notes_;
};

// Acquire, Run, Release for one command. Returns false, having run nothing, when a client
// that can forward (ctx.client.deferred) has a key that a remote shard owns by the time its
// engines are locked: the caller routes it again (server/core/forward.h).
bool Execute(ServerState& state, CommandContext& ctx);

// The hook for scripts inside transactions: scripts take the server's script mutex before
// they lock any engine, so an Execution about to run commands whose rows set
// CommandSpec::script_lock (EVAL, FCALL) must take it first. Returns it locked when one of
// cmds needs it, else an empty lock. EXEC calls it before Acquire.
std::unique_lock<std::mutex> ScriptLockFor(ServerState& state, std::span<CommandContext* const> cmds);

}  // namespace ks
