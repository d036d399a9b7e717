#pragma once
// Per-command statistics, as INFO commandstats / errorstats / latencystats and LATENCY
// HISTOGRAM report them: calls, time, rejected and failed calls per command row, error
// replies per error code, and a latency histogram per command.
//
// Counters are kept per I/O thread (only that thread writes its slice, so the hot path pays
// plain loads and stores, no shared cache line); readers add the slices up.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ks {

// The histogram Redis 7 keeps per command (hdr_histogram with lowest value 1, highest 1e9 ns
// and 2 significant figures), laid out exactly as hdr_histogram lays it out, so percentiles
// and LATENCY HISTOGRAM's buckets come out as redis-server reports them.
class LatencyHistogram {
 public:
  static constexpr int64_t kMin = 1;
  static constexpr int64_t kMax = 1000000000;  // 1 s in ns
  static constexpr int kSubBucketHalfCountMagnitude = 7;
  static constexpr int kSubBucketHalfCount = 128;
  static constexpr int kSubBucketCount = 256;
  static constexpr int64_t kSubBucketMask = 255;
  static constexpr int kBucketCount = 23;
  static constexpr int kCountsLen = (kBucketCount + 1) * kSubBucketHalfCount;

  // Records one value in ns, clamped to [kMin, kMax] as Redis does. Only the owning thread
  // records; others read.
  void Record(int64_t ns);
  void Reset();
  // Adds other's counts into this one (a reader summing the threads' histograms).
  void Merge(const LatencyHistogram& other);
  int64_t total() const { return total_.load(std::memory_order_relaxed); }
  // hdr_value_at_percentile: the highest value equivalent to the one at percentile p.
  int64_t ValueAtPercentile(double p) const;
  // hdr's logarithmic iteration (first bucket 1024 ns, base 2) as LATENCY HISTOGRAM walks it:
  // (highest equivalent value in us, cumulative count) at each level where the count grew.
  std::vector<std::pair<int64_t, int64_t>> CumulativeLog() const;

  static int CountsIndexFor(int64_t v);
  static int64_t ValueAtIndex(int index);
  static int64_t LowestEquivalent(int64_t v);
  static int64_t HighestEquivalent(int64_t v);

 private:
  std::array<std::atomic<int64_t>, kCountsLen> counts_{};
  std::atomic<int64_t> total_{0};
};

// One command row's counters on one thread.
struct CommandCounters {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> usec{0};
  std::atomic<uint64_t> rejected{0};
  std::atomic<uint64_t> failed{0};
  // Allocated on the command's first call on this thread, as Redis allocates its histogram
  // on a command's first call.
  std::atomic<LatencyHistogram*> hist{nullptr};
};

// A command's counters summed over threads.
struct CommandTotals {
  uint64_t calls = 0, usec = 0, rejected = 0, failed = 0;
};

class CommandStats {
 public:
  static constexpr int kMaxThreads = 256;
  // Redis tracks at most this many distinct error codes in errorstats.
  static constexpr size_t kMaxErrorCodes = 128;

  explicit CommandStats(size_t commands) : commands_(commands) {}
  ~CommandStats();

  // The slice of I/O thread `thread` (allocated on its first use).
  CommandCounters& At(int thread, uint16_t id) { return Slice(thread)[id]; }
  static void Add(std::atomic<uint64_t>& c, uint64_t n) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Records a call's duration in its histogram (latency-tracking). Inline: it runs after
  // every command, and only a command's first call on a thread allocates.
  void RecordLatency(CommandCounters& c, int64_t usec) {
    LatencyHistogram* h = c.hist.load(std::memory_order_acquire);
    if (!h) [[unlikely]]
      h = NewHistogram(c);
    h->Record(usec * 1000);
  }

  CommandTotals Totals(uint16_t id) const;
  // The command's histogram summed over threads; false if it was never called.
  bool Histogram(uint16_t id, LatencyHistogram* out) const;

  // An error reply with this code ("ERR", "WRONGTYPE"...).
  void CountError(std::string_view code, uint64_t n);
  std::map<std::string, uint64_t> Errors() const;
  uint64_t total_error_replies() const { return total_errors_.load(std::memory_order_relaxed); }

  // CONFIG RESETSTAT.
  void Reset();

 private:
  CommandCounters* Slice(int thread) {
    CommandCounters* c = slices_[static_cast<size_t>(thread)].load(std::memory_order_acquire);
    return c ? c : NewSlice(thread);
  }
  CommandCounters* NewSlice(int thread);
  static LatencyHistogram* NewHistogram(CommandCounters& c);

  size_t commands_;
  std::array<std::atomic<CommandCounters*>, kMaxThreads> slices_{};
  std::mutex alloc_mu_;
  mutable std::mutex errors_mu_;
  std::map<std::string, uint64_t> errors_;
  std::atomic<uint64_t> total_errors_{0};
};

}  // namespace ks
