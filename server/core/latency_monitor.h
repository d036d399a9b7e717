#pragma once
// LATENCY: Redis's latency monitor. Events ("command", "fast-command", "expire-cycle"...)
// that took at least latency-monitor-threshold milliseconds are kept per event name, the
// last 160 samples (one per second: a second sample in the same second keeps the larger),
// with each event's all-time maximum.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ks {

struct LatencySample {
  int32_t time = 0;     // unix seconds
  uint32_t latency = 0; // milliseconds
};

struct LatencySeries {
  static constexpr size_t kLen = 160;  // Redis's LATENCY_TS_LEN
  LatencySample samples[kLen];
  size_t idx = 0;  // next slot to write
  uint32_t max = 0;
  // The samples in time order, oldest first.
  std::vector<LatencySample> InOrder() const;
};

// Redis's analyzeLatencyForEvent, for LATENCY DOCTOR.
struct LatencyStats {
  uint32_t all_time_high = 0;
  uint32_t avg = 0;
  uint32_t min = 0, max = 0;
  uint32_t mad = 0;  // mean absolute deviation
  uint32_t samples = 0;
  int64_t period = 0;  // seconds between the first sample and now
};

class LatencyMonitor {
 public:
  void Add(std::string_view event, int64_t now_sec, uint32_t latency_ms);
  // Copies of every series, by event name.
  std::map<std::string, LatencySeries> Snapshot() const;
  // Resets the named events, or all when names is empty; returns how many were reset.
  size_t Reset(const std::vector<std::string>& names);

  static LatencyStats Analyze(const LatencySeries& s, int64_t now_sec);

 private:
  mutable std::mutex mu_;
  std::map<std::string, LatencySeries> events_;
};

// The ASCII sparkline LATENCY GRAPH draws (Redis's sparkline.c): 80 columns of the series,
// with each sample's age under it.
std::string LatencyGraph(std::string_view event, const LatencySeries& s, int64_t now_sec);
// What LATENCY DOCTOR's advice depends on.
struct LatencyDoctorSettings {
  int64_t threshold_ms = 0;            // latency-monitor-threshold
  int64_t slowlog_slower_than = 0;     // slowlog-log-slower-than (us)
  bool fsync_always = false;           // appendfsync always
  int64_t hz = 10;
};
// LATENCY DOCTOR's report (Redis's createLatencyReport).
std::string LatencyDoctorReport(const std::map<std::string, LatencySeries>& events, int64_t now_sec,
                                const LatencyDoctorSettings& s);

}  // namespace ks
