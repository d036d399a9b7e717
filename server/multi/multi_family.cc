// MULTI, EXEC, DISCARD, WATCH, UNWATCH, as Redis 7.0 (multi.c). The dispatcher
// (server/core/service.cc) checks and queues commands while a client is inside MULTI; EXEC
// runs the queue as one Execution: the union of the queued commands' engines and of the
// WATCHed keys' engines is locked once, so the WATCH check and the commands are atomic, and
// the writes are one unit in the append-only logs (server/core/executor.h).
#include <memory>
#include <vector>

#include "routing/shard_set.h"
#include "server/core/call_stats.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/executor.h"
#include "server/core/forward.h"
#include "server/core/families.h"
#include "server/multi/multi.h"
#include "server/multi/watch_registry.h"
#include "server/remote/remote_tx.h"

namespace ks {
namespace {

Transaction& Tx(ClientState& c) {
  if (!c.tx) c.tx = std::make_unique<Transaction>();
  return *c.tx;
}

void Multi(CommandContext& ctx) {
  Transaction& tx = Tx(ctx.client);
  if (tx.in_multi) return ctx.rb.Error(err::kMultiNested);
  tx.in_multi = true;
  ctx.rb.Ok();
}

void Discard(CommandContext& ctx) {
  if (!ctx.client.tx || !ctx.client.tx->in_multi) return ctx.rb.Error(err::kDiscardWithoutMulti);
  ctx.client.tx->Discard();
  ctx.rb.Ok();
}

// WATCH key [key ...], with the keys' engines locked: a write to a key after this registers
// under the same engine lock, so it cannot slip by.
void Watch(CommandContext& ctx) {
  Transaction& tx = Tx(ctx.client);
  if (tx.in_multi) return ctx.rb.Error(err::kWatchInMulti);
  // Keys already WATCHed on a remote shard (server/remote/remote_tx.h): one EXEC cannot be
  // atomic over both.
  if (tx.watcher.remote >= 0) return ctx.rb.Error(err::kCrossSlot);
  // No point in watching more once a watched key changed.
  if (!tx.watcher.dirty.load(std::memory_order_acquire))
    for (const KeyRef& k : ctx.keys) ctx.server.watches().Watch(tx.watcher, ctx.db(), k.key, k.slot);
  ctx.rb.Ok();
}

void Unwatch(CommandContext& ctx) {
  if (ctx.client.tx) ctx.client.tx->watcher.UnwatchAll();
  ctx.rb.Ok();
}

void Exec(CommandContext& ctx) {
  ClientState& client = ctx.client;
  if (!client.tx || !client.tx->in_multi) return ctx.rb.Error(err::kExecWithoutMulti);
  Transaction& tx = *client.tx;
  ServerState& state = ctx.server;
  ShardSet& shards = state.shards();
  // All its keys on one remote: it runs there (server/remote/remote_tx.h).
  if (shards.slots().has_remotes()) [[unlikely]]
    if (ExecOnRemote(state, ctx)) return;

  const size_t n = tx.queue.size();
  std::vector<std::vector<std::string_view>> argv(n);
  std::vector<std::unique_ptr<CommandContext>> cmds;
  std::vector<CommandContext*> ptrs;
  cmds.reserve(n);
  ptrs.reserve(n);
  bool self_locking = false;
  for (size_t i = 0; i < n; ++i) {
    QueuedCommand& q = tx.queue[i];
    argv[i].assign(q.args.begin(), q.args.end());
    cmds.push_back(std::unique_ptr<CommandContext>(new CommandContext{argv[i], ctx.rb, client, state, *q.spec, {}}));
    cmds.back()->in_exec = true;
    ptrs.push_back(cmds.back().get());
    self_locking |= q.spec->lock == LockMode::kSelf;
  }
  // The engines of the WATCHed keys join the lock set: the dirty check and the commands are
  // one atomic step. A command that locks engines itself (SCAN, DBSIZE, INFO) would take
  // them out of order under ours: with one in the queue, every engine is held.
  EngineIds extra;
  for (const Watcher::Key& k : tx.watcher.keys) extra.push_back(shards.slots().EngineOf(k.slot));
  if (self_locking)
    for (int e = 0; e < shards.size(); ++e) extra.push_back(static_cast<uint16_t>(e));

  // A queued script (EVAL, FCALL) or script-cache command takes the script mutex before any
  // engine lock; the queue then runs in this one Execution (ctx.outer), a script too, without
  // taking the mutex again, so the whole transaction is one unit in the logs.
  std::unique_lock<std::mutex> script_lock = ScriptLockFor(state, ptrs);
  Execution ex(state);
  for (CommandContext* c : ptrs) c->outer = &ex;
  ex.Acquire(ptrs, extra);
  // Out of memory with a command that may grow it queued: the transaction is refused whole,
  // as Redis refuses EXEC before running any of it.
  if ((tx.queued_flags & kCmdDenyOom) && state.limits().memory_limited.load(std::memory_order_relaxed)) {
    for (Engine* e : ex.locks().held())
      if (e->PerformEvictions() == EvictStatus::kFail) {
        ex.Release();
        tx.Discard();
        return ctx.rb.Error(err::ExecAbortBecause(err::kOom));
      }
  }
  // Keys on a remote shard: a transaction runs on one server (the second step pins one whose
  // keys are all on one remote there); refused whole, never in part.
  if (shards.slots().has_remotes()) [[unlikely]]
    for (CommandContext* c : ptrs)
      if (int k = FirstRemoteKey(state, *c); k >= 0) {
        const uint16_t r = shards.slots().Owner(c->keys[k].slot).index;
        const std::string name = r < state.remote_names().size() ? state.remote_names()[r] : "?";
        ex.Release();
        tx.Discard();
        return ctx.rb.Error(err::ExecAbortBecause(err::RemoteNotHere(name)));
      }
  if (tx.dirty_exec) {
    ex.Release();
    tx.Discard();
    return ctx.rb.Error(err::kExecAbort);
  }
  Watcher& w = tx.watcher;
  if (w.dirty.load(std::memory_order_acquire) || (!w.keys.empty() && state.watches().AnyWatchedKeyExpired(w))) {
    ex.Release();
    tx.Discard();
    return ctx.rb.NullArray();
  }
  // Unwatch first: the transaction's own writes must not count as changes.
  w.UnwatchAll();
  ex.BeginUnit();
  ctx.rb.Array(n);
  // Each queued command counts as a call of its own, as Redis's execCommand runs each
  // through call(): commandstats, latency histogram, slow log.
  const CommandTimer& timer = CommandTimer::Get();
  for (CommandContext* c : ptrs) {
    const uint64_t errors_before = ctx.rb.errors_written();
    const uint64_t start = timer.Now();
    ex.Run(*c);
    const int64_t duration = timer.ElapsedUs(start, timer.Now());
    const uint64_t errors = ctx.rb.errors_written() - errors_before;
    client.nested_errors += errors;
    RecordCall(state, client, c->spec, c->args, duration, errors > 0);
  }
  ex.Release();
  tx.Discard();
}

}  // namespace

bool IsExec(const CommandSpec& spec) { return spec.handler == Exec; }

void QueueCommand(const CommandSpec& spec, std::span<const std::string_view> args, ClientState& client,
                  ReplyBuilder& rb) {
  Transaction& tx = *client.tx;
  // A transaction that will fail anyway keeps nothing more (Redis's queueMultiCommand).
  if (!tx.dirty_exec && !tx.watcher.dirty.load(std::memory_order_relaxed)) {
    tx.queue.push_back(QueuedCommand{&spec, std::vector<std::string>(args.begin(), args.end())});
    tx.queued_flags |= spec.flag_bits;
  }
  rb.Simple("QUEUED");
}

void RejectInMulti(const CommandSpec* spec, ClientState& client, ReplyBuilder& rb, std::string_view error) {
  Transaction& tx = *client.tx;
  if (spec && IsExec(*spec)) {
    tx.Discard();
    return rb.Error(err::ExecAbortBecause(error));
  }
  tx.Flag();
  rb.Error(error);
}

bool OutOfMemory(ServerState& state) {
  ShardSet& shards = state.shards();
  for (int i = 0; i < shards.size(); ++i) {
    EngineGuard lk(shards.engine(i));
    if (shards.engine(i).PerformEvictions() == EvictStatus::kFail) return true;
  }
  return false;
}

void RegisterMultiFamily(CommandRegistry& reg) {
  reg.Add({.name = "multi",
           .arity = 1,
           .flags = "noscript loading stale fast allow_busy",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @transaction",
           .handler = Multi,
           .in_multi = InMulti::kRun,
           .group = "transactions", .since = "1.2.0",
           .summary = "Mark the start of a transaction block",
           .complexity = "O(1)"});
  reg.Add({.name = "exec",
           .arity = 1,
           .flags = "noscript loading stale skip_slowlog",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@slow @transaction",
           .handler = Exec,
           .lock = LockMode::kSelf,
           .in_multi = InMulti::kRunAlways,
           .group = "transactions", .since = "1.2.0",
           .summary = "Execute all commands issued after MULTI",
           .complexity = "Depends on commands in the transaction"});
  reg.Add({.name = "discard",
           .arity = 1,
           .flags = "noscript loading stale fast allow_busy",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @transaction",
           .handler = Discard,
           .in_multi = InMulti::kRunAlways,
           .group = "transactions", .since = "2.0.0",
           .summary = "Discard all commands issued after MULTI",
           .complexity = "O(N), when N is the number of queued commands"});
  reg.Add({.name = "watch",
           .arity = -2,
           .flags = "noscript loading stale fast allow_busy",
           .first_key = 1, .last_key = -1, .step = 1,
           .acl = "@fast @transaction",
           .key_specs = {{.flags = "RO", .begin_index = 1, .last_key = -1, .key_step = 1, .limit = 0}},
           .handler = Watch,
           .in_multi = InMulti::kRun,
           .group = "transactions", .since = "2.2.0",
           .summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
           .complexity = "O(1) for every key."});
  reg.Add({.name = "unwatch",
           .arity = 1,
           .flags = "noscript loading stale fast allow_busy",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @transaction",
           .handler = Unwatch,
           .group = "transactions", .since = "2.2.0",
           .summary = "Forget about all watched keys",
           .complexity = "O(1)"});
}

}  // namespace ks
