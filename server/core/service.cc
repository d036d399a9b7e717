#include "server/core/service.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "server/core/call_stats.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/executor.h"
#include "server/core/forward.h"
#include "server/multi/multi.h"
#include "server/multi/transaction.h"
#include "server/persist/snapshots.h"
#include "server/pubsub/pubsub.h"
#include "server/pubsub/pubsub_family.h"
#include "server/pubsub/tracking.h"

namespace ks {
namespace {

// Redis formats these with printf's %s, which stops at a NUL byte.
std::string_view UpToNul(std::string_view s) { return s.substr(0, s.find('\0')); }

void ReplyUnknownCommand(std::span<const std::string_view> args, ReplyBuilder& rb) {
  // Same shape as Redis: the name and the first arguments, each quoted, up to ~128 bytes.
  std::string msg = "ERR unknown command '";
  msg.append(UpToNul(args[0]).substr(0, 128));
  msg += "', with args beginning with: ";
  std::string list;
  for (size_t i = 1; i < args.size() && list.size() < 128; ++i) {
    size_t room = 128 - list.size();
    list += "'";
    list.append(UpToNul(args[i]).substr(0, room));
    list += "' ";
  }
  msg += list;
  rb.Error(msg);
}

std::string Upper(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

bool ArityOk(int arity, size_t argc) {
  return arity > 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

// Whether the command (EXEC: its queued commands) has a key in a fenced slot. A command over
// the whole keyspace touches every slot: while a slot's keys are on their way, it would see
// them at both ends or at neither, and a flush would miss the copies.
[[gnu::noinline]] bool FencedKeys(const SlotFence& fence, const CommandSpec& spec,
                                  std::span<const std::string_view> args) {
  if (OverWholeKeyspace(spec)) return true;
  const KeyIndexes idx = CommandKeyIndexes(spec, static_cast<int>(args.size()), args.data());
  for (int i : idx)
    if (fence.Fenced(KeySlot(args[i]))) return true;
  return false;
}

}  // namespace

void Service::Dispatch(std::span<const std::string_view> args, ClientState& client, ReplyBuilder& rb) {
  const uint64_t errors_before = rb.errors_written();
  const CommandSpec* ran = Run(args, client, rb);
  // Every error reply counts in INFO errorstats / total_error_replies (Redis's
  // afterErrorReply).
  // (Run counts the failed call: an EXEC whose queued commands failed did not fail itself.)
  if (const uint64_t errors = rb.errors_written() - errors_before) [[unlikely]]
    state_.command_stats().CountError(rb.last_error_code(), errors);
  // CLIENT CACHING holds for the next command only (Redis's resetClient), which CLIENT
  // subcommands do not count as.
  if (client.tracking & kTrackCaching) [[unlikely]]
    if (!ran || (ran->parent ? ran->parent : ran)->name != "client") client.tracking &= ~kTrackCaching;
}

const CommandSpec* Service::Run(std::span<const std::string_view> args, ClientState& client, ReplyBuilder& rb) {
  // Inside MULTI a refused command fails the transaction (Redis's rejectCommand).
  const bool in_multi = client.tx && client.tx->in_multi;
  const CommandSpec* spec = state_.commands().Find(args[0]);
  if (!spec) {
    if (in_multi) client.tx->Flag();
    ReplyUnknownCommand(args, rb);
    return nullptr;
  }

  if (!spec->subcommands.empty() && args.size() >= 2) {
    const CommandSpec* sub = CommandRegistry::FindSub(*spec, args[1]);
    if (!sub) {
      if (in_multi) client.tx->Flag();
      rb.Error(err::UnknownSubcommand(UpToNul(args[1]), Upper(UpToNul(args[0]))));
      return nullptr;
    }
    spec = sub;
  }
  CommandStats& cs = state_.command_stats();
  // Refused before running: Redis's rejected_calls.
  auto reject = [&](std::string_view error) -> const CommandSpec* {
    CommandStats::Add(cs.At(client.thread_index, spec->id).rejected, 1);
    if (in_multi)
      RejectInMulti(spec, client, rb, error);
    else
      rb.Error(error);
    return nullptr;
  };
  if (!ArityOk(spec->arity, args.size())) return reject(err::WrongArgs(spec->full_name));
  if (!client.authenticated && !(spec->flag_bits & kCmdNoAuth)) return reject(err::kNoAuth);
  // A subscribed RESP2 client may only (un)subscribe, PING, QUIT or RESET: its replies share
  // the stream with messages. RESP3 tells them apart (push type), so it has no such limit.
  if (client.resp == 2 && !spec->subscribed_ok && client.info->pubsub.load(std::memory_order_relaxed)) [[unlikely]]
    return reject(err::NotInSubscribedContext(spec->full_name));
  if (!spec->handler) return reject(err::WrongArgs(spec->full_name));

  // A script past busy-reply-threshold holds the server, as in Redis: only commands flagged
  // allow_busy (SCRIPT KILL, FUNCTION KILL...) get through. One relaxed load otherwise.
  if (const ScriptBusy busy = state_.script_busy().load(std::memory_order_relaxed); busy != ScriptBusy::kNo)
    [[unlikely]] {
    if (!(spec->flag_bits & kCmdAllowBusy)) return reject(busy == ScriptBusy::kEval ? err::kBusyEval : err::kBusyFunction);
  }

  // Queueing under maxmemory: any command but EXEC, DISCARD, QUIT and RESET is refused
  // when memory cannot be made (EXEC checks its queue itself).
  if (in_multi && spec->in_multi != InMulti::kRunAlways &&
      state_.limits().memory_limited.load(std::memory_order_relaxed) && OutOfMemory(state_))
    return reject(err::kOom);

  // EXEC counts as what its queue holds (a write, may-replicate...).
  const uint32_t flags = spec->flag_bits | (in_multi && IsExec(*spec) ? client.tx->queued_flags : 0);
  // After a failed background save with save points set, writes (and PING) are refused
  // until a save succeeds, as in Redis. One relaxed load when all is well.
  if (!state_.snapshots().rdb().last_bgsave_ok.load(std::memory_order_relaxed) &&
      ((flags & kCmdWrite) || spec->name == "ping") && state_.WritesStoppedByDiskError())
    return reject(err::kBgsaveError);

  // CLIENT PAUSE holds the command (nothing replied); the connection runs it again later
  // (before queueing, as Redis: a write queued in MULTI waits out a WRITE pause).
  if (state_.pause().Holds(flags)) [[unlikely]] {
    client.held = true;
    return nullptr;
  }

  // A command on a slot whose keys are on their way between shards is held the same way,
  // until the resharder lifts the fence (server/resharding/remote_move.h).
  if (state_.shards().fence().active()) [[unlikely]] {
    if (!in_multi || spec->in_multi != InMulti::kQueue) {
      if (const uint64_t gen = state_.shards().fence().generation(); TouchesFencedSlot(*spec, args, client)) {
        client.held = true;
        client.fence_held = true;
        client.fence_generation = gen;
        return nullptr;
      }
    }
  }

  if (in_multi) {
    if (spec->flag_bits & kCmdNoMulti) return reject(err::kNotInMulti);
    if (spec->in_multi == InMulti::kQueue) {
      QueueCommand(*spec, args, client, rb);
      return nullptr;
    }
  }

  client.info->last_cmd.store(spec, std::memory_order_relaxed);
  ThreadCounters::AddOwn(state_.stats().per_thread[client.thread_index].commands, 1);

  // Keeps the tracking table within tracking-table-max-keys, as Redis's processCommand does.
  if (state_.tracking().clients()) [[unlikely]]
    state_.tracking().EnforceLimit(static_cast<uint64_t>(state_.limits().get(state_.limits().tracking_table_max_keys)));

  CommandContext ctx{args, rb, client, state_, *spec, {}};
  const CommandTimer& timer = CommandTimer::Get();
  const uint64_t errors_before = rb.errors_written();
  client.nested_errors = 0;
  const uint64_t start = timer.Now();
  // CONFIG SET of options the remotes share reaches them even while they own no slots yet.
  if (!state_.shards().slots().has_remotes() && !(spec->remote_config && state_.remotes())) [[likely]] {
    Execute(state_, ctx);
  } else {
    // Remote shards own slots: forward, refuse, or run here (and route again if a slot went
    // to a remote meanwhile).
    RemoteRoute route;
    while ((route = ForwardIfRemote(state_, ctx)) == RemoteRoute::kLocal && !Execute(state_, ctx)) {
    }
    if (route == RemoteRoute::kRetry) return nullptr;  // runs (and counts) later
  }
  const int64_t duration = timer.ElapsedUs(start, timer.Now());
  // A command that replied an error failed, unless the error was a queued command's inside
  // EXEC, which counted it as its own (Redis's call() counts each error once).
  const bool failed = rb.errors_written() - errors_before > client.nested_errors;
  RecordCall(state_, client, *spec, args, duration, failed);
  return spec;
}

bool Service::TouchesFencedSlot(const CommandSpec& spec, std::span<const std::string_view> args,
                                const ClientState& client) {
  const SlotFence& fence = state_.shards().fence();
  if (FencedKeys(fence, spec, args)) return true;
  if (IsExec(spec) && client.tx) {
    std::vector<std::string_view> a;
    for (const QueuedCommand& q : client.tx->queue) {
      a.assign(q.args.begin(), q.args.end());
      if (FencedKeys(fence, *q.spec, a)) return true;
    }
  }
  return false;
}

}  // namespace ks
