#pragma once
// The server's clock, frozen at 0 while the append-only logs replay: the logs hold absolute
// expiry times and replay must not expire anything half-way (Redis does not expire keys while
// loading either). Once live, keys past their time expire as usual.
#include <atomic>

#include "engine/clock.h"

namespace ks {

class LoadingClock final : public Clock {
 public:
  explicit LoadingClock(const Clock* inner) : inner_(inner) {}
  int64_t NowMs() const override { return frozen_.load(std::memory_order_relaxed) ? 0 : inner_->NowMs(); }
  void set_frozen(bool f) { frozen_.store(f, std::memory_order_relaxed); }

 private:
  const Clock* inner_;
  std::atomic<bool> frozen_{false};
};

}  // namespace ks
