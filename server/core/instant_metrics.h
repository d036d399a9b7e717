#pragma once
// Redis's instantaneous metrics (instantaneous_ops_per_sec, instantaneous_input_kbps...):
// the housekeeper samples running totals every tick and INFO reports the average rate over
// the last 16 samples.
#include <array>
#include <cstdint>
#include <mutex>

namespace ks {

class InstantMetrics {
 public:
  enum Metric { kOps, kNetInput, kNetOutput, kCount };
  static constexpr int kSamples = 16;  // Redis's STATS_METRIC_SAMPLES

  // A new sample of each metric's running total at now_ms.
  void Track(int64_t now_ms, const std::array<uint64_t, kCount>& totals) {
    std::lock_guard lk(mu_);
    for (int m = 0; m < kCount; ++m) {
      Series& s = series_[m];
      if (s.last_ms) {
        const int64_t dt = now_ms - s.last_ms;
        const uint64_t dv = totals[m] - s.last_value;
        s.samples[s.idx] = dt > 0 ? static_cast<double>(dv) * 1000 / static_cast<double>(dt) : 0;
        s.idx = (s.idx + 1) % kSamples;
      }
      s.last_ms = now_ms;
      s.last_value = totals[m];
    }
  }
  // The average per-second rate over the kept samples.
  double Rate(Metric m) const {
    std::lock_guard lk(mu_);
    double sum = 0;
    for (double v : series_[m].samples) sum += v;
    return sum / kSamples;
  }

 private:
  struct Series {
    std::array<double, kSamples> samples{};
    int idx = 0;
    int64_t last_ms = 0;
    uint64_t last_value = 0;
  };
  mutable std::mutex mu_;
  std::array<Series, kCount> series_;
};

}  // namespace ks
