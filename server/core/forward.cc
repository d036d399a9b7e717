#include "server/core/forward.h"

#include "server/blocking/blocking.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/remote_shards.h"
#include "server/core/server_state.h"
#include "server/pubsub/tracking.h"
#include "server/remote/fanout.h"
#include "server/remote/remote_tx.h"

namespace ks {

RemoteReplyFn CountInFlight(ServerState& state, const CommandSpec& spec, std::span<const std::string_view> args,
                            RemoteReplyFn done) {
  SlotFence& fence = state.shards().fence();
  std::vector<uint16_t> slots;
  for (int i : CommandKeyIndexes(spec, static_cast<int>(args.size()), args.data())) {
    slots.push_back(KeySlot(args[i]));
    fence.BeginRemote(slots.back());
  }
  return [&fence, slots = std::move(slots), done = std::move(done)](std::string_view reply) {
    for (uint16_t s : slots) fence.EndRemote(s);
    done(reply);
  };
}

RemoteReplyFn TrackRemoteRead(ServerState& state, const CommandSpec& spec, ClientState& client,
                              std::span<const std::string_view> args, RemoteRequest& req, RemoteReplyFn done) {
  if (!(spec.flag_bits & kCmdReadonly) || !RemembersReads(client.tracking) || !state.remotes()) return done;
  const KeyIndexes idx = CommandKeyIndexes(spec, static_cast<int>(args.size()), args.data());
  if (idx.empty()) return done;
  std::vector<std::string_view> views;
  for (int i : idx) views.push_back(args[i]);
  state.tracking().RememberKeys(client.info->id, views);
  req.track = true;
  const uint64_t epoch = state.remotes()->TrackingEpoch(req.remote);
  return [&state, remote = req.remote, epoch, keys = std::vector<std::string>(views.begin(), views.end()),
          done = std::move(done)](std::string_view reply) {
    done(reply);
    RemoteShards* remotes = state.remotes();
    if (remotes && remotes->TrackingEpoch(remote) == epoch) return;
    std::vector<std::string_view> v(keys.begin(), keys.end());
    state.tracking().InvalidateRemote(v);
  };
}

RemoteRoute ForwardIfRemote(ServerState& state, CommandContext& ctx) {
  const CommandSpec& spec = ctx.spec;
  const KeyIndexes idx = CommandKeyIndexes(spec, static_cast<int>(ctx.args.size()), ctx.args.data());
  if (idx.empty()) return FanOutKeyspace(state, ctx);  // keyless; the whole keyspace covers remotes
  // "Keys" that are not keys (SSUBSCRIBE, SPUBLISH: shard channels, key specs flagged
  // not_key) are about this server's pub/sub, not about data on a remote.
  bool channels = !spec.key_specs.empty();
  for (const KeySpec& ks : spec.key_specs) channels &= ks.flags.find("not_key") != std::string_view::npos;
  if (channels) return RemoteRoute::kLocal;
  const SlotMap& map = state.shards().slots();
  bool local = false, remote = false, several = false;
  uint16_t target = 0;
  for (int i : idx) {
    const ShardId owner = map.Owner(KeySlot(ctx.args[i]));
    if (owner.local()) {
      local = true;
      continue;
    }
    if (remote && owner.index != target) several = true;
    remote = true;
    target = owner.index;
  }
  // A command that reaches keys it does not name (SORT's BY/GET patterns) could read any
  // shard's keys, and a remote's cannot be reached from a handler: refused, not answered wrong.
  const LockMode mode = spec.lock_for ? spec.lock_for(ctx.args) : spec.lock;
  if (mode == LockMode::kAll) {
    ctx.rb.Error(err::kCrossSlot);
    return RemoteRoute::kRefused;
  }
  if (!remote) return RemoteRoute::kLocal;
  // Split by the table's request policy (MGET, MSET, DEL...), or CROSSSLOT: never partial.
  if (local || several) return SplitAcrossShards(state, ctx, idx);
  RemoteShards* remotes = state.remotes();
  const std::vector<std::string>& names = state.remote_names();
  const std::string_view name = target < names.size() ? std::string_view(names[target]) : "?";
  // WATCH sets this connection's state: a remote key cannot be watched from here yet.
  if (!remotes || !ctx.client.deferred || target >= remotes->size() || spec.no_forward) {
    ctx.rb.Error(err::RemoteNotHere(name));
    return RemoteRoute::kRefused;
  }
  RemoteRequest req;
  req.remote = target;
  req.thread_index = ctx.client.thread_index;
  req.client_id = ctx.client.info->id;
  req.db = ctx.client.db;
  req.resp = ctx.client.resp;
  if (spec.flag_bits & kCmdBlocking) {
    // After the client's earlier forwarded commands (it goes over a connection of its own),
    // and nothing after it until it is answered: the client is blocked, as in Redis.
    if (ctx.client.deferred->Waiting() > 0) {
      ctx.client.remote_wait = RemoteWait::kRetry;
      return RemoteRoute::kRetry;
    }
    ctx.client.remote_wait = RemoteWait::kAfter;
    req.blocking = true;
    req.block_timeout_ms = BlockTimeoutMs(spec, ctx.args);
  }
  if (RemoteRoute r = PrepareRemoteCommand(state, ctx, req); r != RemoteRoute::kLocal) return r;  // WATCH's lease
  // Under CLIENT REPLY OFF/SKIP the command still runs there; its reply is dropped.
  RemoteReplyFn done = ctx.client.reply_mode == ReplyMode::kOn ? ctx.client.deferred->Reserve()
                                                                : RemoteReplyFn([](std::string_view) {});
  if (ctx.client.tracking) [[unlikely]]
    done = TrackRemoteRead(state, spec, ctx.client, ctx.args, req, std::move(done));
  // Counted until the final reply (after an EVALSHA's retry as EVAL, if any).
  remotes->Send(req, ctx.args, WrapRemoteReply(state, ctx, req, CountInFlight(state, spec, ctx.args, std::move(done))));
  return RemoteRoute::kForwarded;
}

int FirstRemoteKey(ServerState& state, const CommandContext& ctx) {
  const SlotMap& map = state.shards().slots();
  for (size_t i = 0; i < ctx.keys.size(); ++i)
    if (!map.Owner(ctx.keys[i].slot).local()) return static_cast<int>(i);
  return -1;
}

}  // namespace ks
