#include "server/core/service.h"

#include <algorithm>
#include <cctype>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "server/core/executor.h"
#include "server/core/forward.h"
#include "server/multi/multi.h"
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

// Commands are timed with the CPU's time-stamp counter where it is invariant (constant rate,
// running in every power state): reading it is one instruction, where clock_gettime costs
// tens, and every command reads the clock twice. Its rate is measured once against the
// monotonic clock; without an invariant TSC the monotonic clock is read instead.
class CommandTimer {
 public:
  CommandTimer() {
#if defined(__x86_64__)
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    bool constant = false, nonstop = false;
    while (std::getline(cpuinfo, line) && line.rfind("flags", 0) != 0) {
    }
    std::istringstream flags(line);
    for (std::string f; flags >> f;) {
      constant |= f == "constant_tsc";
      nonstop |= f == "nonstop_tsc";
    }
    if (!constant || !nonstop) return;
    using namespace std::chrono;
    const auto t0 = steady_clock::now();
    const uint64_t c0 = __rdtsc();
    while (steady_clock::now() - t0 < milliseconds(2)) {
    }
    const uint64_t c1 = __rdtsc();
    const auto t1 = steady_clock::now();
    if (c1 > c0) us_per_tick_ = duration<double, std::micro>(t1 - t0).count() / static_cast<double>(c1 - c0);
#endif
  }
  uint64_t Now() const {
#if defined(__x86_64__)
    if (us_per_tick_ > 0) [[likely]]
      return __rdtsc();
#endif
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
  }
  int64_t ElapsedUs(uint64_t start, uint64_t end) const {
    if (us_per_tick_ > 0) return static_cast<int64_t>(static_cast<double>(end - start) * us_per_tick_);
    return static_cast<int64_t>(end - start);
  }

 private:
  double us_per_tick_ = 0;
};

const CommandTimer& Timer() {
  static const CommandTimer timer;
  return timer;
}

}  // namespace

void Service::Dispatch(std::span<const std::string_view> args, ClientState& client, ReplyBuilder& rb) {
  const uint64_t errors_before = rb.errors_written();
  const CommandSpec* ran = Run(args, client, rb);
  // Every error reply counts in INFO errorstats / total_error_replies, and a command that
  // ran and replied with one is a failed call (Redis's afterErrorReply / call()).
  if (const uint64_t errors = rb.errors_written() - errors_before) [[unlikely]] {
    state_.command_stats().CountError(rb.last_error_code(), errors);
    if (ran) CommandStats::Add(state_.command_stats().At(client.thread_index, ran->id).failed, 1);
  }
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
  const CommandTimer& timer = Timer();
  const uint64_t start = timer.Now();
  if (!state_.shards().slots().has_remotes()) [[likely]] {
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
  // MONITOR sees what ran, as Redis's call() feeds it: not admin commands, not rejected ones.
  if (state_.pubsub().has_monitors() && !(spec->flag_bits & (kCmdAdmin | kCmdSkipMonitor))) [[unlikely]]
    FeedMonitors(state_, client, *spec, args);

  CommandCounters& c = cs.At(client.thread_index, spec->id);
  CommandStats::Add(c.calls, 1);
  CommandStats::Add(c.usec, static_cast<uint64_t>(duration));
  const HotLimits& hot = state_.limits();
  if (hot.latency_tracking.load(std::memory_order_relaxed)) cs.RecordLatency(c, duration);
  const int64_t slower_than = hot.get(hot.slowlog_log_slower_than);
  const int64_t latency_threshold = hot.get(hot.latency_monitor_threshold);
  if ((slower_than >= 0 && duration >= slower_than) || (latency_threshold > 0 && duration / 1000 >= latency_threshold))
    [[unlikely]] RecordSlow(args, client, *spec, duration);
  return spec;
}

void Service::RecordSlow(std::span<const std::string_view> args, ClientState& client, const CommandSpec& spec,
                         int64_t duration_us) {
  const HotLimits& hot = state_.limits();
  const int64_t now_sec = state_.clock()->NowMs() / 1000;
  const int64_t latency_threshold = hot.get(hot.latency_monitor_threshold);
  if (latency_threshold > 0 && duration_us / 1000 >= latency_threshold)
    state_.latency().Add((spec.flag_bits & kCmdFast) ? "fast-command" : "command", now_sec,
                         static_cast<uint32_t>(duration_us / 1000));
  const int64_t slower_than = hot.get(hot.slowlog_log_slower_than);
  if (slower_than < 0 || duration_us < slower_than || (spec.flag_bits & kCmdSkipSlowlog)) return;
  state_.slowlog().Push(args, now_sec, duration_us, client.info->addr, client.info->name(),
                        static_cast<size_t>(hot.get(hot.slowlog_max_len)));
}

}  // namespace ks
