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
#include <functional>
#include <span>

#include "routing/shard_set.h"
#include "server/persist/aof_feed.h"

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
  // keys): the union of their engines, or every engine if one of them needs all.
  void Acquire(std::span<CommandContext* const> cmds);
  // Locks the engines owning these keys (a script's declared KEYS, before its commands run).
  void LockKeys(std::span<const std::string_view> keys);
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

  ServerState& state_;
  EngineLocks locks_;
  bool wrote_ = false;
  bool released_ = false;
  TouchedEngines touched_;
  AofSet* aof_ = nullptr;
  std::vector<std::function<void()>> after_unlock_;
};

// Acquire, Run, Release for one command.
void Execute(ServerState& state, CommandContext& ctx);

}  // namespace ks
