#include "server/core/call_stats.h"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "server/pubsub/pubsub.h"
#include "server/pubsub/pubsub_family.h"

namespace ks {

// The TSC is used only where it is invariant (constant rate, running in every power state).
// Its rate is measured once against the monotonic clock.
CommandTimer::CommandTimer() {
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

const CommandTimer& CommandTimer::Get() {
  static const CommandTimer timer;
  return timer;
}

uint64_t CommandTimer::Now() const {
#if defined(__x86_64__)
  if (us_per_tick_ > 0) [[likely]]
    return __rdtsc();
#endif
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

void RecordCall(ServerState& state, const ClientState& client, const CommandSpec& spec,
                std::span<const std::string_view> args, int64_t duration_us, bool failed, CallOrigin origin) {
  // MONITOR sees what ran, as Redis's call() feeds it: not admin commands, not rejected ones.
  if (state.pubsub().has_monitors() && !(spec.flag_bits & (kCmdAdmin | kCmdSkipMonitor))) [[unlikely]]
    FeedMonitors(state, client, spec, args, origin);
  CommandStats& cs = state.command_stats();
  CommandCounters& c = cs.At(client.thread_index, spec.id);
  CommandStats::Add(c.calls, 1);
  CommandStats::Add(c.usec, static_cast<uint64_t>(duration_us));
  if (failed) CommandStats::Add(c.failed, 1);
  const HotLimits& hot = state.limits();
  if (hot.latency_tracking.load(std::memory_order_relaxed)) cs.RecordLatency(c, duration_us);
  const int64_t slower_than = hot.get(hot.slowlog_log_slower_than);
  const int64_t latency_threshold = hot.get(hot.latency_monitor_threshold);
  const bool slow = slower_than >= 0 && duration_us >= slower_than;
  const bool latency = latency_threshold > 0 && duration_us / 1000 >= latency_threshold;
  if (!slow && !latency) [[likely]]
    return;
  const int64_t now_sec = state.clock()->NowMs() / 1000;
  if (latency)
    state.latency().Add((spec.flag_bits & kCmdFast) ? "fast-command" : "command", now_sec,
                        static_cast<uint32_t>(duration_us / 1000));
  if (!slow || (spec.flag_bits & kCmdSkipSlowlog)) return;
  const bool script = origin == CallOrigin::kScript;
  state.slowlog().Push(args, now_sec, duration_us, script ? std::string("?:0") : client.info->addr,
                       script ? std::string() : client.info->name(),
                       static_cast<size_t>(hot.get(hot.slowlog_max_len)));
}

}  // namespace ks
