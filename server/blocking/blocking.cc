#include "server/blocking/blocking.h"

#include <cmath>
#include <deque>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/executor.h"
#include "routing/slots.h"

namespace ks {

int64_t BlockTimeoutMs(const CommandSpec& spec, std::span<const std::string_view> args) {
  int64_t ms = 0;
  std::string_view err;
  if (spec.name == "xread" || spec.name == "xreadgroup") {
    for (size_t i = 1; i + 1 < args.size(); ++i)
      if (EqualsNoCase(args[i], "block")) return StrToLL(args[i + 1], &ms) && ms > 0 ? ms : 0;
    return 0;
  }
  if (args.size() < 2) return 0;
  const std::string_view arg = (spec.name == "blmpop" || spec.name == "bzmpop") ? args[1] : args.back();
  return ParseBlockTimeout(arg, &ms, &err) ? ms : 0;
}

bool ParseBlockTimeout(std::string_view arg, int64_t* timeout_ms, std::string_view* err) {
  long double secs;
  if (!StrToLD(arg, &secs)) {
    *err = "ERR timeout is not a float or out of range";
    return false;
  }
  // Redis truncates seconds*1000 to a long long; values that do not fit (inf, 1e30) come out
  // as LLONG_MIN on x86 and are reported as negative, and a positive timeout under 1 ms
  // truncates to 0, which means "forever".
  long double ms = secs * 1000.0L;
  int64_t tval = (std::isfinite(ms) && ms < 9.2233720368547758e18L && ms > -9.2233720368547758e18L)
                     ? static_cast<int64_t>(ms)
                     : INT64_MIN;
  if (tval < 0) {
    *err = "ERR timeout is negative";
    return false;
  }
  // Redis adds the current time in ms (about 2^40) and refuses a sum that overflows.
  if (tval > INT64_MAX - (int64_t{1} << 41)) {
    *err = "ERR timeout is out of range";
    return false;
  }
  *timeout_ms = tval;
  return true;
}

void BlockOnKeys(CommandContext& ctx, std::span<const KeyRef> keys, int64_t timeout_ms, TimeoutReply on_timeout,
                 const std::vector<std::string>* args) {
  if (ctx.serving) {
    ctx.would_block = true;
    return;
  }
  if (ctx.in_exec || ctx.outer) {
    // Inside a transaction or a script nothing may block: the answer is the timeout's, even for 0.
    if (on_timeout == TimeoutReply::kNullArray)
      ctx.rb.NullArray();
    else
      ctx.rb.Null();
    return;
  }
  auto w = std::make_shared<BlockedClient>();
  if (args)
    w->args = *args;
  else
    w->args.assign(ctx.args.begin(), ctx.args.end());
  w->spec = &ctx.spec;
  w->db = ctx.db();
  w->resp = ctx.client.resp;
  w->client_id = ctx.client.info->id;
  w->timeout_ms = timeout_ms;
  w->on_timeout = on_timeout;
  for (const KeyRef& k : keys) {
    bool dup = false;
    for (auto& [slot, key] : w->waits) dup |= key == k.key;
    if (dup) continue;
    w->waits.emplace_back(k.slot, std::string(k.key));
    ctx.engine(k).AddWaiter(ctx.db(), k.key, w);
  }
  ctx.client.blocked = w;
  ctx.client.info->SetBlocked(w);
}

void UnregisterWaiter(ServerState& state, BlockedClient& w) {
  for (auto& [slot, key] : w.waits) {
    SlotGuard lk(state.shards(), slot);  // the slot's owner, re-checked under its lock
    lk.engine().RemoveWaiter(w.db, key, &w);
  }
}

void CollectReadyKeys(Engine& e, ReadyKeys& out) {
  if (!e.has_waiters()) return;
  e.ForEachReadyKey([&](int db, std::string_view key) {
    out.push_back(ReadyKey{static_cast<uint16_t>(e.id()), db, std::string(key)});
  });
}

namespace {

// Re-runs w's command through the execution path with its engines (and those it is queued
// in) locked. Returns true if w was served (or is no longer waiting and was dropped), false if
// its key cannot serve it now. Keys its command makes ready in turn go to more.
bool TryServe(ServerState& state, BlockedClient& w, ReadyKeys& more) {
  ShardSet& shards = state.shards();
  std::vector<std::string_view> args(w.args.begin(), w.args.end());
  // A stand-in for the blocked client: commands read only its database and protocol.
  ClientState client;
  client.info = std::make_shared<ClientInfo>();
  client.info->id = w.client_id;
  client.db = w.db;
  client.resp = w.resp;
  std::string out;
  ReplyBuilder rb(&out);
  rb.set_resp3(w.resp == 3);
  CommandContext ctx{args, rb, client, state, *w.spec, {}};
  ctx.serving = true;

  EngineIds queued;
  for (auto& [slot, key] : w.waits) queued.push_back(shards.slots().EngineOf(slot));
  Execution ex(state);
  ex.Acquire(ctx, queued);
  std::function<void()> wake;
  {
    std::lock_guard lk(w.mu);
    if (w.state == BlockedClient::State::kWaiting) {
      ex.Run(ctx);
      if (ctx.would_block) {
        // Still nothing for it: the key stays queued and is not ready again for this waiter.
        ReadyKeys ignored;
        ex.Release(&ignored);
        return false;
      }
      w.reply = std::move(out);
      w.state = BlockedClient::State::kServed;
      wake = w.wake;
    }
  }
  // Served (or gone): leave every queue. The waited keys are the command's keys, so their
  // slots' owners are locked here and cannot change.
  for (auto& [slot, key] : w.waits) shards.engine(shards.slots().EngineOf(slot)).RemoveWaiter(w.db, key, &w);
  // Its command may have filled other waited keys (BLMOVE pushes to its destination); the
  // served client's reply waits for its log, as any write's does.
  ex.Release(&more);
  if (wake) wake();
  return true;
}

}  // namespace

void ServeReadyKeys(ServerState& state, ReadyKeys keys) {
  std::deque<ReadyKey> work(keys.begin(), keys.end());
  // Bounded: each round serves or drops a waiter, and waiters are finite.
  while (!work.empty()) {
    ReadyKey rk = std::move(work.front());
    work.pop_front();
    const uint16_t slot = KeySlot(rk.key);
    // A stream serves every waiter it can, not just a prefix of the queue: waiters of other
    // consumer groups, or XREADs after a later ID, may want what the first one does not.
    std::vector<WaiterPtr> all;
    {
      SlotGuard lk(state.shards(), slot);
      Entry* ent = lk.engine().Find(rk.db, slot, rk.key, false);
      if (ent && ent->type() == ObjType::kStream) all = lk.engine().Waiters(rk.db, rk.key);
    }
    if (!all.empty()) {
      for (WaiterPtr& w : all) {
        ReadyKeys more;
        TryServe(state, static_cast<BlockedClient&>(*w), more);
        for (auto& m : more) work.push_back(std::move(m));
      }
      continue;
    }
    for (;;) {
      WaiterPtr front;
      {
        // By slot, not rk.engine: the slot may have moved since the key was found ready, and
        // its waiters with it.
        SlotGuard lk(state.shards(), slot);
        front = lk.engine().FrontWaiter(rk.db, rk.key);
      }
      if (!front) break;
      ReadyKeys more;
      bool served = TryServe(state, static_cast<BlockedClient&>(*front), more);
      for (auto& m : more) work.push_back(std::move(m));
      if (!served) break;
    }
  }
}

void RerouteWaiters(std::vector<SlotData::Waiting>& waiters) {
  for (auto& waiting : waiters)
    for (WaiterPtr& p : waiting.queue) {
      auto* w = static_cast<BlockedClient*>(p.get());  // the only kind of waiter
      std::lock_guard lk(w->mu);
      if (w->state != BlockedClient::State::kWaiting) continue;
      w->state = BlockedClient::State::kRerouted;
      if (w->wake) w->wake();
    }
}

bool UnblockClient(BlockedClient& w, bool with_error) {
  std::lock_guard lk(w.mu);
  if (w.state != BlockedClient::State::kWaiting) return false;
  std::string out;
  ReplyBuilder rb(&out);
  rb.set_resp3(w.resp == 3);
  if (with_error)
    rb.Error(err::kUnblocked);
  else if (w.on_timeout == TimeoutReply::kNullArray)
    rb.NullArray();
  else if (w.on_timeout == TimeoutReply::kZero)
    rb.Int(0);
  else
    rb.Null();
  w.reply = std::move(out);
  w.state = BlockedClient::State::kUnblocked;
  if (w.wake) w.wake();
  return true;
}

}  // namespace ks
