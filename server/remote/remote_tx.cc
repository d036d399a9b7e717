#include "server/remote/remote_tx.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "resp/reply_builder.h"
#include "routing/shard_set.h"
#include "routing/slots.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/forward.h"
#include "server/core/server_state.h"
#include "server/multi/transaction.h"
#include "server/scripting/scripting.h"

namespace ks {
namespace {

Transaction& Tx(ClientState& c) {
  if (!c.tx) c.tx = std::make_unique<Transaction>();
  return *c.tx;
}

// EVALSHA and EVALSHA_RO name a script by its sha, which a remote may not have yet.
bool IsEvalSha(const CommandSpec& spec) { return spec.name == "evalsha" || spec.name == "evalsha_ro"; }

}  // namespace

RemoteRoute PrepareRemoteCommand(ServerState& state, CommandContext& ctx, RemoteRequest& req) {
  const CommandSpec& spec = ctx.spec;
  // The one keyed command of the transactions group is WATCH. The others go over the client's
  // lease when it has one (RemotePool routes them), so they keep their order with it.
  if (!HasWord(spec.acl, "@transaction")) return RemoteRoute::kLocal;
  Transaction& tx = Tx(ctx.client);
  if (tx.in_multi) {
    ctx.rb.Error(err::kWatchInMulti);
    return RemoteRoute::kRefused;
  }
  Watcher& w = tx.watcher;
  // WATCH state on two servers could not make one EXEC atomic.
  if ((w.remote >= 0 && w.remote != req.remote) || !w.keys.empty()) {
    ctx.rb.Error(err::kCrossSlot);
    return RemoteRoute::kRefused;
  }
  if (w.remote < 0 && ctx.client.deferred->Waiting() > 0) {
    ctx.client.remote_wait = RemoteWait::kRetry;
    return RemoteRoute::kRetry;
  }
  req.lease = true;
  if (w.remote < 0) {
    w.remote = req.remote;
    // The pool is looked up when it runs: at shutdown it may be gone (remotes() is null then).
    w.release_remote = [&state, thread = req.thread_index, id = req.client_id, r = req.remote] {
      if (RemoteShards* remotes = state.remotes()) remotes->ReleaseLease(thread, id, r);
    };
  }
  return RemoteRoute::kLocal;
}

RemoteReplyFn WrapRemoteReply(ServerState& state, CommandContext& ctx, const RemoteRequest& req, RemoteReplyFn done) {
  if (!IsEvalSha(ctx.spec) || ctx.args.size() < 2) return done;
  // The remote may never have seen the script (it was loaded here, or the remote restarted):
  // sent again as EVAL with the body this server has, as redis-py's Script does by hand.
  std::vector<std::string> args(ctx.args.begin(), ctx.args.end());
  args[0] = ctx.spec.name == "evalsha_ro" ? "EVAL_RO" : "EVAL";
  return [&state, req, args = std::move(args), done = std::move(done)](std::string_view reply) mutable {
    if (!reply.starts_with("-NOSCRIPT")) return done(reply);
    {
      std::lock_guard lk(state.script_mu());
      const Scripting::Script* s = state.scripting().FindEval(args[1]);
      if (!s) return done(reply);
      args[1] = s->body;
    }
    std::vector<std::string_view> views(args.begin(), args.end());
    state.remotes()->Send(req, views, std::move(done));
  };
}

bool ExecOnRemote(ServerState& state, CommandContext& ctx) {
  ClientState& client = ctx.client;
  if (!client.tx || !client.tx->in_multi || !client.deferred || !state.remotes()) return false;
  Transaction& tx = *client.tx;
  Watcher& w = tx.watcher;
  const SlotMap& map = state.shards().slots();
  // Where the transaction's keys are: here (a queued command's keys or WATCHed local keys), and
  // on which remotes.
  bool local = !w.keys.empty();
  int remote = w.remote;
  bool several = false;
  if (map.has_remotes() && !tx.dirty_exec)  // a dirty one is refused for its errors
    for (const QueuedCommand& q : tx.queue)
      if (OverWholeKeyspace(*q.spec)) {
        // It would see or change this server's part, or one remote's, of the keyspace only.
        tx.Discard();
        ctx.rb.Error(err::ExecAbortBecause(err::WholeKeyspaceNotHere(q.spec->name)));
        return true;
      }
  for (const QueuedCommand& q : tx.queue) {
    std::vector<std::string_view> argv(q.args.begin(), q.args.end());
    for (int i : CommandKeyIndexes(*q.spec, static_cast<int>(argv.size()), argv.data())) {
      const ShardId owner = map.Owner(KeySlot(argv[i]));
      if (owner.local()) {
        local = true;
      } else {
        if (remote >= 0 && remote != owner.index) several = true;
        remote = owner.index;
      }
    }
  }
  if (remote < 0) return false;  // all here: EXEC runs as always
  if (tx.dirty_exec) {
    tx.Discard();
    ctx.rb.Error(err::kExecAbort);
    return true;
  }
  if (local || several || static_cast<size_t>(remote) >= state.remotes()->size()) {
    // Never in part: refused whole, as EXEC with a key on a remote always was.
    const std::string name = static_cast<size_t>(remote) < state.remote_names().size() ? state.remote_names()[remote] : "?";
    tx.Discard();
    ctx.rb.Error(err::ExecAbortBecause(err::RemoteNotHere(name)));
    return true;
  }
  RemoteRequest req = RequestFor(ctx, static_cast<uint16_t>(remote));
  req.lease = w.remote == remote;
  // The lease outlives the local transaction: given back once EXEC's reply is in.
  std::function<void()> release = std::exchange(w.release_remote, nullptr);
  RemoteReplyFn done = client.reply_mode == ReplyMode::kOn ? client.deferred->Reserve()
                                                            : RemoteReplyFn([](std::string_view) {});
  RemoteShards& remotes = *state.remotes();
  const auto ignore = [](std::string_view) {};
  // Back to back within this call: Send queues each on the same connection at once, so no
  // other client's command can come between MULTI and EXEC.
  const std::string_view multi[] = {"MULTI"}, exec[] = {"EXEC"};
  remotes.Send(req, multi, ignore);
  RemoteReplyFn on_exec = [done = std::move(done), release = std::move(release)](std::string_view reply) {
    done(reply);
    if (release) release();
  };
  for (const QueuedCommand& q : tx.queue) {
    std::vector<std::string_view> argv(q.args.begin(), q.args.end());
    remotes.Send(req, argv, ignore);
    // In flight until EXEC's reply (a queued command's own reply is QUEUED): a slot move away
    // from the remote waits for the transaction.
    on_exec = CountInFlight(state, *q.spec, argv, std::move(on_exec));
  }
  remotes.Send(req, exec, std::move(on_exec));
  tx.Discard();
  return true;
}

}  // namespace ks
