#include "server/core/forward.h"

#include <algorithm>

#include <boost/container/small_vector.hpp>

#include "resp/reply_builder.h"
#include "resp/reply_parser.h"

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

namespace {

// A blocking command's reply when nothing came (or it was unblocked with TIMEOUT): RESP2's
// null array or null bulk, RESP3's null.
bool IsNilReply(std::string_view r) { return r == "*-1\r\n" || r == "$-1\r\n" || r == "_\r\n"; }

// Redis's afterErrorReply: the code is what precedes the first space within the error line's
// first 32 bytes (with its '-'), else ERR.
std::string_view ErrorCode(std::string_view line) {
  const size_t space = line.substr(0, 32).find(' ');
  return line.size() > 1 && line[0] == '-' && space != std::string_view::npos && space > 1 ? line.substr(1, space - 1)
                                                                                        : std::string_view("ERR");
}

// The reply of a command blocked on a remote (see UnblockRemoteClient).
RemoteReplyFn WaitRemoteBlock(std::shared_ptr<RemoteBlock> block, std::shared_ptr<ClientInfo> info,
                              std::shared_ptr<DeferredReplies> deferred, bool reply_on, RemoteReplyFn fill) {
  return [block = std::move(block), info = std::move(info), deferred = std::move(deferred), reply_on,
          fill = std::move(fill)](std::string_view reply) {
    block->active = false;
    info->remote_block.store(block->gen << 2 | kNotRemoteBlocked, std::memory_order_relaxed);
    if (IsNilReply(reply)) {
      if (block->unblocked == RemoteUnblock::Kind::kError) {
        // CLIENT UNBLOCK ERROR came while a reroute's TIMEOUT was already on its way.
        std::string line;
        ReplyBuilder(&line).Error(err::kUnblocked);
        return fill(line);
      }
      // Its slot moved: dispatched again (held by the fence, then routed to the new owner).
      // Only while the connection waits for this reply (CLIENT REPLY ON): it reads nothing
      // meanwhile, so its input can take the command.
      if (block->rerouting && !block->unblocked && reply_on) {
        std::string req;
        ReplyBuilder enc(&req);
        enc.Array(block->args.size());
        for (const std::string& a : block->args) enc.Bulk(a);
        deferred->Requeue(std::move(req));
        return fill("");
      }
    }
    fill(reply);
  };
}

}  // namespace

RemoteReplyFn CountInFlight(ServerState& state, const CommandSpec& spec, std::span<const std::string_view> args,
                            RemoteReplyFn done, bool blocking, int errors_thread) {
  SlotFence& fence = state.shards().fence();
  // Inline for up to 4 keys: with the error count folded in, one allocation per forward.
  boost::container::small_vector<uint16_t, 4> slots;
  for (int i : CommandKeyIndexes(spec, static_cast<int>(args.size()), args.data())) {
    slots.push_back(KeySlot(args[i]));
    fence.BeginRemote(slots.back(), blocking);
  }
  return [&state, &spec, slots = std::move(slots), blocking, errors_thread, done = std::move(done)](std::string_view reply) {
    SlotFence& fence = state.shards().fence();
    for (uint16_t s : slots) fence.EndRemote(s, blocking);
    if (errors_thread >= 0) CountRemoteError(state, errors_thread, spec, reply);
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

void CountRemoteError(ServerState& state, int thread_index, const CommandSpec& spec, std::string_view reply) {
  if (reply.empty() || (reply[0] != '-' && reply[0] != '!')) [[likely]]
    return;
  std::string blob;
  if (reply[0] == '!') {
    // RESP3's blob error: !<len>\r\n<text>\r\n, counted as its text would be.
    RespValue v;
    if (ParseReply(reply, &v).status != ReplyStatus::kOk) return;
    blob = "-" + v.str;
    reply = blob;
  }
  CommandStats& cs = state.command_stats();
  cs.CountError(ErrorCode(reply.substr(0, reply.find('\r'))), 1);
  CommandStats::Add(cs.At(thread_index, spec.id).failed, 1);
}

void UnblockRemoteClient(ServerState& state, ClientState& client, const RemoteUnblock& u) {
  RemoteBlock* b = client.remote_block.get();
  RemoteShards* remotes = state.remotes();
  if (!b || !b->active || b->gen != u.gen || !remotes) return;
  if (u.kind == RemoteUnblock::Kind::kReroute) {
    if (b->remote != u.remote || b->rerouting || b->unblocked || !u.slots) return;
    const bool moving = std::any_of(b->slots.begin(), b->slots.end(), [&](uint16_t s) {
      return std::binary_search(u.slots->begin(), u.slots->end(), s);
    });
    if (!moving) return;
    b->rerouting = true;
    remotes->Unblock(client.thread_index, client.info->id, false);
    return;
  }
  b->unblocked = u.kind;
  remotes->Unblock(client.thread_index, client.info->id, u.kind == RemoteUnblock::Kind::kError);
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
  RemoteRequest req = RequestFor(ctx, target);
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
  // Under CLIENT REPLY OFF/SKIP the command still runs there; its reply is dropped (its
  // error still counted, as Redis counts errors it does not send).
  const bool reply_on = ctx.client.reply_mode == ReplyMode::kOn;
  RemoteReplyFn done = reply_on ? ctx.client.deferred->Reserve() : RemoteReplyFn([](std::string_view) {});
  if (ctx.client.tracking) [[unlikely]]
    done = TrackRemoteRead(state, spec, ctx.client, ctx.args, req, std::move(done));
  if (req.blocking) {
    // Counted inside WaitRemoteBlock's wrapping (which may turn a nil into UNBLOCKED's error).
    done = [&state, thread = req.thread_index, &spec, done = std::move(done)](std::string_view reply) {
      CountRemoteError(state, thread, spec, reply);
      done(reply);
    };
    // Blocked on the remote: CLIENT UNBLOCK and a move of its slot away from there reach it
    // through this (UnblockRemoteClient).
    auto block = std::make_shared<RemoteBlock>();
    block->remote = target;
    for (int i : idx) block->slots.push_back(KeySlot(ctx.args[i]));
    std::sort(block->slots.begin(), block->slots.end());
    block->args.assign(ctx.args.begin(), ctx.args.end());
    ctx.client.remote_block = block;
    ctx.client.info->remote_block_timeout.store(req.block_timeout_ms > 0, std::memory_order_relaxed);
    block->gen = (ctx.client.info->remote_block.load(std::memory_order_relaxed) >> 2) + 1;
    ctx.client.info->remote_block.store(block->gen << 2 | kRemoteBlocked, std::memory_order_relaxed);
    done = WaitRemoteBlock(std::move(block), ctx.client.info, ctx.client.deferred, reply_on, std::move(done));
  }
  // Counted until the final reply (after an EVALSHA's retry as EVAL, if any).
  remotes->Send(req, ctx.args,
                WrapRemoteReply(state, ctx, req,
                                CountInFlight(state, spec, ctx.args, std::move(done), req.blocking,
                                              req.blocking ? -1 : req.thread_index)));
  return RemoteRoute::kForwarded;
}

RemoteRequest RequestFor(const CommandContext& ctx, uint16_t remote) {
  RemoteRequest req;
  req.remote = remote;
  req.thread_index = ctx.client.thread_index;
  req.client_id = ctx.client.info->id;
  req.db = ctx.client.db;
  req.resp = ctx.client.resp;
  return req;
}

int FirstRemoteKey(ServerState& state, const CommandContext& ctx) {
  const SlotMap& map = state.shards().slots();
  for (size_t i = 0; i < ctx.keys.size(); ++i)
    if (!map.Owner(ctx.keys[i].slot).local()) return static_cast<int>(i);
  return -1;
}

}  // namespace ks
