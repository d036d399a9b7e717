#include "server/core/executor.h"

#include "persistence/aof_log.h"
#include "server/blocking/blocking.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/forward.h"
#include "server/pubsub/tracking.h"
#include "server/core/server_state.h"

namespace ks {

namespace {

using Slots = EngineIds;

// Redis's trackingRememberKeys, called where call() does: after a read-only command of a
// tracking (non-BCAST) client, its keys are remembered, with the engines still held so that
// no change can slip between the read and the remembering. OPTIN remembers only after CLIENT
// CACHING YES, OPTOUT all but after CLIENT CACHING NO.
[[gnu::noinline]] void RememberTrackedKeys(ServerState& state, CommandContext& ctx) {
  const uint32_t t = ctx.client.tracking;
  if (t & kTrackBcast) return;
  const bool caching = t & kTrackCaching;
  if (((t & kTrackOptin) && !caching) || ((t & kTrackOptout) && caching)) return;
  const KeyIndexes idx = CommandKeyIndexes(ctx.spec, static_cast<int>(ctx.args.size()), ctx.args.data());
  if (idx.empty()) return;
  boost::container::small_vector<std::string_view, 8> keys;
  for (int i : idx) keys.push_back(ctx.args[i]);
  state.tracking().RememberKeys(ctx.client.info->id, keys);
}

// Appends ctx's keys at indexes idx to ctx.keys (engines not yet known) and their slots to slots.
void AddKeys(CommandContext& ctx, const KeyIndexes& idx, Slots& slots) {
  for (int i : idx) {
    const uint16_t slot = KeySlot(ctx.args[i]);
    ctx.keys.push_back(KeyRef{ctx.args[i], slot, 0});
    slots.push_back(slot);
  }
}

LockMode LockModeOf(const CommandContext& ctx) {
  return ctx.spec.lock_for ? ctx.spec.lock_for(ctx.args) : ctx.spec.lock;
}

}  // namespace

void Execution::Acquire(CommandContext& ctx, std::span<const uint16_t> extra_engines) {
  CommandContext* one[] = {&ctx};
  switch (LockModeOf(ctx)) {
    case LockMode::kSelf:
      return;
    case LockMode::kAll: {
      // A command with keys that also reaches others while it runs (SORT BY/GET) still gets
      // its own keys routed.
      Slots slots;
      ctx.keys.clear();
      AddKeys(ctx, CommandKeyIndexes(ctx.spec, static_cast<int>(ctx.args.size()), ctx.args.data()), slots);
      return LockRouted(one, {}, true, extra_engines);
    }
    case LockMode::kKeys:
      break;
  }
  const KeyIndexes idx = CommandKeyIndexes(ctx.spec, static_cast<int>(ctx.args.size()), ctx.args.data());
  ctx.keys.clear();
  if (idx.size() == 1 && extra_engines.empty()) {
    // The common case: one key, one engine, nothing to sort.
    const std::string_view key = ctx.args[idx[0]];
    const uint16_t slot = KeySlot(key);
    ctx.keys.push_back(KeyRef{key, slot, locks_.LockSlot(state_.shards(), slot)});
    return;
  }
  Slots slots;
  AddKeys(ctx, idx, slots);
  LockRouted(one, slots, false, extra_engines);
}

void Execution::Acquire(std::span<CommandContext* const> cmds, std::span<const uint16_t> extra_engines) {
  if (!held_) held_.emplace(&locks_);
  if (cmds.size() == 1) return Acquire(*cmds[0], extra_engines);
  bool all = false;
  Slots slots;
  for (CommandContext* ctx : cmds) {
    const LockMode mode = LockModeOf(*ctx);
    all |= mode == LockMode::kAll;
    if (mode == LockMode::kSelf) continue;
    ctx->keys.clear();
    AddKeys(*ctx, CommandKeyIndexes(ctx->spec, static_cast<int>(ctx->args.size()), ctx->args.data()), slots);
  }
  LockRouted(cmds, slots, all, extra_engines);
}

void Execution::LockKeys(std::span<const std::string_view> keys) {
  if (!held_) held_.emplace(&locks_);
  if (keys.empty()) return;
  Slots slots;
  for (std::string_view k : keys) slots.push_back(KeySlot(k));
  Slots engines(slots.size(), boost::container::default_init);
  locks_.LockSlots(state_.shards(), slots, engines);
}

void Execution::LockRouted(std::span<CommandContext* const> cmds, std::span<const uint16_t> slots, bool all,
                           std::span<const uint16_t> extra_engines) {
  ShardSet& shards = state_.shards();
  if (all) {
    // With every engine held no slot can move: the map's answer stands.
    locks_.LockAll(shards);
    for (CommandContext* ctx : cmds)
      for (KeyRef& k : ctx->keys) k.engine = shards.slots().EngineOf(k.slot);
    return;
  }
  if (slots.empty()) {
    if (!extra_engines.empty()) {
      EngineIds ids(extra_engines.begin(), extra_engines.end());
      locks_.Lock(shards, ids);
    }
    return;
  }
  Slots engines(slots.size(), boost::container::default_init);
  locks_.LockSlots(shards, slots, engines, extra_engines);
  size_t n = 0;
  for (CommandContext* ctx : cmds)
    for (KeyRef& k : ctx->keys) k.engine = engines[n++];
}

bool Execution::Run(CommandContext& ctx) {
  const CommandSpec& spec = ctx.spec;
  const bool write = spec.flag_bits & kCmdWrite;
  // With a memory budget, a command that may grow memory first makes room on the engines it
  // holds, or is refused when nothing can be evicted. Without one this costs a single relaxed
  // load. A blocked client being served was admitted when it blocked.
  if ((spec.flag_bits & kCmdDenyOom) && !ctx.serving && !ctx.in_exec && !ctx.allow_oom &&
      state_.limits().memory_limited.load(std::memory_order_relaxed))
    for (Engine* e : locks_.held())
      if (e->PerformEvictions() == EvictStatus::kFail) {
        ctx.rb.Error(err::kOom);
        return false;
      }
  if (write) {
    // Read under the locks: turning the AOF on (CONFIG SET appendonly) switches with every
    // engine locked, so each write is either in the new base or in the log. A unit keeps
    // the logs it started in.
    if (!wrote_ || !unit_) aof_ = state_.aof();
    wrote_ = true;
    BeforeWrite(ctx);
  }
  // A key on a remote shard cannot be served here (a transaction's or script's command; a
  // client's command goes back to ForwardIfRemote from Execute instead).
  if (state_.shards().slots().has_remotes()) [[unlikely]] {
    if (int k = FirstRemoteKey(state_, ctx); k >= 0) {
      const uint16_t r = state_.shards().slots().Owner(ctx.keys[k].slot).index;
      ctx.rb.Error(err::RemoteNotHere(r < state_.remote_names().size() ? state_.remote_names()[r] : "?"));
      return false;
    }
    // Over the whole keyspace inside a transaction or script: this server's part only would
    // be a partial answer (a client's own is split over every shard before it gets here).
    if ((ctx.in_exec || ctx.outer) && OverWholeKeyspace(spec)) {
      ctx.rb.Error(err::WholeKeyspaceNotHere(spec.full_name.empty() ? spec.name : std::string_view(spec.full_name)));
      return false;
    }
  }
  const uint64_t errors_before = ctx.rb.errors_written();
  spec.handler(ctx);
  for (Engine* e : locks_.held()) ++e->stats().commands;
  if (ctx.client.tracking) [[unlikely]]
    if (spec.flag_bits & kCmdReadonly) RememberTrackedKeys(state_, ctx);
  if (ctx.after_unlock) after_unlock_.push_back(std::move(ctx.after_unlock));
  if (!ctx.notes.empty()) [[unlikely]] {
    for (auto& n : ctx.notes) notes_.push_back(std::move(n));
    ctx.notes.clear();
  }
  // A blocked client's command that still finds nothing changed nothing: nothing to log.
  // A refused change of server-wide state (FUNCTION LOAD of an existing library) is not
  // logged: replaying it would fail again.
  if (write && aof_ && !ctx.would_block &&
      (spec.aof != AofLog::kServerWide || ctx.rb.errors_written() == errors_before)) {
    // One command over several engines is a unit of its own.
    if (!unit_) {
      bool several = spec.lock == LockMode::kAll;
      for (const KeyRef& k : ctx.keys) several |= k.engine != ctx.keys[0].engine;
      if (several) unit_ = true;
    }
    FeedAof(*aof_, ctx, touched_, unit_);
  }
  return true;
}

void Execution::EndUnit() {
  if (!unit_ || !aof_ || touched_.empty()) return;
  if (touched_.size() == 1) {
    aof_->log(touched_[0]).EndUnit({});
    return;
  }
  const std::string note = aof_->NewUnitNote(touched_.size());
  for (uint16_t e : touched_) aof_->log(e).EndUnit(note);
  // Every part reaches its file before any engine is unlocked: no later command can be in a
  // file ahead of a part of this unit, so a crash leaves either the whole unit or parts that
  // are last in their files, which the loader drops.
  for (uint16_t e : touched_) aof_->log(e).Write();
}

std::unique_lock<std::mutex> ScriptLockFor(ServerState& state, std::span<CommandContext* const> cmds) {
  for (CommandContext* c : cmds)
    if (c->spec.script_lock) return std::unique_lock<std::mutex>(state.script_mu());
  return {};
}

void Execution::Release(std::vector<ReadyKey>* defer) {
  if (released_) return;
  released_ = true;
  if (!wrote_ && after_unlock_.empty() && notes_.empty()) {
    // A read: nothing to log, nobody to serve; at most a lazily expired key to announce.
    held_.reset();
    locks_.UnlockAll();
    state_.PublishEngineNotes();
    return;
  }
  EndUnit();
  held_.reset();
  // A write may have given data to keys that blocked clients wait for: they are served right
  // after, before anyone else can take it (server/blocking/blocking.h).
  bool waiters = false;
  for (Engine* e : locks_.held()) waiters |= e->has_waiters();
  if (!waiters) {
    locks_.UnlockAll();
    for (uint16_t t : touched_) aof_->AfterCommand(t);  // the log before the reply
  } else {
    ReadyKeys ready;
    for (Engine* e : locks_.held()) CollectReadyKeys(*e, ready);
    locks_.UnlockAll();
    // The log is written (and under appendfsync always made durable) before the reply.
    for (uint16_t t : touched_) aof_->AfterCommand(t);
    if (!ready.empty()) {
      if (defer)
        for (auto& r : ready) defer->push_back(std::move(r));
      else
        ServeReadyKeys(state_, std::move(ready));
    }
  }
  // Keyspace events, after the unlock: first what the engines raised (a key this command
  // found expired), then the command's own, as Redis raises them in that order.
  state_.PublishEngineNotes();
  if (!notes_.empty()) {
    const uint32_t flags = state_.limits().notify_flags.load(std::memory_order_relaxed);
    for (const auto& n : notes_) PublishNote(state_.pubsub(), flags, n);
  }
  for (auto& f : after_unlock_) f();
}

// Flattened: the three steps and the one-key lock compile into one function, as the
// dispatcher's hand-written fast path once did.
[[gnu::flatten]] bool Execute(ServerState& state, CommandContext& ctx) {
  // Rows that use the scripts' state (EVAL, FCALL, FUNCTION LOAD...) run with the script
  // mutex, taken before any engine lock (EXEC takes it for its queue: ScriptLockFor).
  std::unique_lock<std::mutex> scripts;
  if (ctx.spec.script_lock) [[unlikely]]
    scripts = std::unique_lock<std::mutex>(state.script_mu());
  Execution ex(state);
  ex.Acquire(ctx);
  // Owners re-read with the engines held: a slot that went to a remote shard since the
  // client's command was routed (ForwardIfRemote) goes back there; nothing ran.
  if (state.shards().slots().has_remotes()) [[unlikely]]
    if (ctx.client.deferred && FirstRemoteKey(state, ctx) >= 0) return false;
  ex.Run(ctx);
  ex.Release();
  return true;
}

}  // namespace ks
