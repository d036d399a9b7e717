#include "server/core/command_stats.h"

#include <algorithm>
#include <bit>

namespace ks {
namespace {

int BucketIndex(int64_t v) {
  const int pow2ceiling = 64 - std::countl_zero(static_cast<uint64_t>(v | LatencyHistogram::kSubBucketMask));
  return pow2ceiling - (LatencyHistogram::kSubBucketHalfCountMagnitude + 1);
}
int SubBucketIndex(int64_t v, int bucket) { return static_cast<int>(v >> bucket); }
int64_t ValueFromIndex(int bucket, int sub) { return static_cast<int64_t>(sub) << bucket; }

}  // namespace

int LatencyHistogram::CountsIndexFor(int64_t v) {
  const int bucket = BucketIndex(v);
  const int sub = SubBucketIndex(v, bucket);
  return ((bucket + 1) << kSubBucketHalfCountMagnitude) + (sub - kSubBucketHalfCount);
}

int64_t LatencyHistogram::ValueAtIndex(int index) {
  int bucket = (index >> kSubBucketHalfCountMagnitude) - 1;
  int sub = (index & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
  if (bucket < 0) {
    sub -= kSubBucketHalfCount;
    bucket = 0;
  }
  return ValueFromIndex(bucket, sub);
}

int64_t LatencyHistogram::LowestEquivalent(int64_t v) {
  const int bucket = BucketIndex(v);
  return ValueFromIndex(bucket, SubBucketIndex(v, bucket));
}

int64_t LatencyHistogram::HighestEquivalent(int64_t v) {
  const int bucket = BucketIndex(v);
  const int sub = SubBucketIndex(v, bucket);
  const int adjusted = sub >= kSubBucketCount ? bucket + 1 : bucket;
  return LowestEquivalent(v) + (int64_t{1} << adjusted) - 1;
}

void LatencyHistogram::Record(int64_t ns) {
  ns = std::clamp(ns, kMin, kMax);
  auto& c = counts_[static_cast<size_t>(CountsIndexFor(ns))];
  c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  total_.store(total_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void LatencyHistogram::Reset() {
  for (auto& c : counts_) c.store(0, std::memory_order_relaxed);
  total_.store(0, std::memory_order_relaxed);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) {
    const int64_t n = other.counts_[i].load(std::memory_order_relaxed);
    if (n) counts_[i].store(counts_[i].load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  total_.store(total_.load(std::memory_order_relaxed) + other.total(), std::memory_order_relaxed);
}

int64_t LatencyHistogram::ValueAtPercentile(double p) const {
  const double requested = std::min(p, 100.0);
  int64_t count_at = static_cast<int64_t>((requested / 100) * static_cast<double>(total()) + 0.5);
  count_at = std::max<int64_t>(count_at, 1);
  int64_t cumulative = 0;
  int64_t value = 0;
  for (int i = 0; i < kCountsLen; ++i) {
    cumulative += counts_[static_cast<size_t>(i)].load(std::memory_order_relaxed);
    if (cumulative >= count_at) {
      value = ValueAtIndex(i);
      break;
    }
  }
  if (p == 0.0) return LowestEquivalent(value);
  return HighestEquivalent(value);
}

std::vector<std::pair<int64_t, int64_t>> LatencyHistogram::CumulativeLog() const {
  // hdr_iter_log_init(&iter, h, 1024, 2) and hdr_iter_next, step by step.
  std::vector<std::pair<int64_t, int64_t>> out;
  const int64_t total_count = total();
  int index = -1;
  int64_t cumulative = 0, value = 0, highest = 0, previous = 0;
  int64_t level = 1024;
  int64_t level_lowest = LowestEquivalent(level);
  auto move_next = [&] {
    ++index;
    if (index >= kCountsLen) return false;
    cumulative += counts_[static_cast<size_t>(index)].load(std::memory_order_relaxed);
    value = ValueAtIndex(index);
    highest = HighestEquivalent(value);
    return true;
  };
  for (;;) {
    bool reported = false;
    if (cumulative < total_count || ValueAtIndex(index + 1) > level_lowest) {
      for (;;) {
        if (value >= level_lowest) {
          level *= 2;
          level_lowest = LowestEquivalent(level);
          reported = true;
          break;
        }
        if (!move_next()) break;
      }
    }
    if (!reported) break;
    if (cumulative > previous) out.emplace_back(highest / 1000, cumulative);
    previous = cumulative;
  }
  return out;
}

CommandStats::~CommandStats() {
  for (auto& s : slices_) {
    CommandCounters* c = s.load();
    if (!c) continue;
    for (size_t i = 0; i < commands_; ++i) delete c[i].hist.load();
    delete[] c;
  }
}

CommandCounters* CommandStats::NewSlice(int thread) {
  std::lock_guard lk(alloc_mu_);
  CommandCounters* c = slices_[static_cast<size_t>(thread)].load(std::memory_order_acquire);
  if (!c) {
    c = new CommandCounters[commands_];
    slices_[static_cast<size_t>(thread)].store(c, std::memory_order_release);
  }
  return c;
}

LatencyHistogram* CommandStats::NewHistogram(CommandCounters& c) {
  // Only the counters' own thread records into them, so no other writer can race this.
  auto* h = new LatencyHistogram();
  c.hist.store(h, std::memory_order_release);
  return h;
}

CommandTotals CommandStats::Totals(uint16_t id) const {
  CommandTotals t;
  for (const auto& s : slices_) {
    const CommandCounters* c = s.load(std::memory_order_acquire);
    if (!c) continue;
    t.calls += c[id].calls.load(std::memory_order_relaxed);
    t.usec += c[id].usec.load(std::memory_order_relaxed);
    t.rejected += c[id].rejected.load(std::memory_order_relaxed);
    t.failed += c[id].failed.load(std::memory_order_relaxed);
  }
  return t;
}

bool CommandStats::Histogram(uint16_t id, LatencyHistogram* out) const {
  bool any = false;
  for (const auto& s : slices_) {
    const CommandCounters* c = s.load(std::memory_order_acquire);
    if (!c) continue;
    const LatencyHistogram* h = c[id].hist.load(std::memory_order_acquire);
    if (!h) continue;
    out->Merge(*h);
    any = true;
  }
  return any && out->total() > 0;
}

void CommandStats::CountError(std::string_view code, uint64_t n) {
  total_errors_.fetch_add(n, std::memory_order_relaxed);
  std::lock_guard lk(errors_mu_);
  auto it = errors_.find(std::string(code));
  if (it != errors_.end()) {
    it->second += n;
  } else if (errors_.size() < kMaxErrorCodes) {
    errors_.emplace(std::string(code), n);
  }
}

std::map<std::string, uint64_t> CommandStats::Errors() const {
  std::lock_guard lk(errors_mu_);
  return errors_;
}

void CommandStats::Reset() {
  for (auto& s : slices_) {
    CommandCounters* c = s.load(std::memory_order_acquire);
    if (!c) continue;
    for (size_t i = 0; i < commands_; ++i) {
      c[i].calls.store(0, std::memory_order_relaxed);
      c[i].usec.store(0, std::memory_order_relaxed);
      c[i].rejected.store(0, std::memory_order_relaxed);
      c[i].failed.store(0, std::memory_order_relaxed);
      if (LatencyHistogram* h = c[i].hist.load(std::memory_order_acquire)) h->Reset();
    }
  }
  total_errors_.store(0, std::memory_order_relaxed);
  std::lock_guard lk(errors_mu_);
  errors_.clear();
}

}  // namespace ks
