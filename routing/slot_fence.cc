#include "routing/slot_fence.h"

#include <vector>

namespace ks {

void SlotFence::Raise(std::span<const uint16_t> slots) {
  std::lock_guard lk(mu_);
  for (uint16_t s : slots)
    if (!fenced_[s].exchange(true, std::memory_order_acq_rel)) raised_.fetch_add(1, std::memory_order_relaxed);
}

void SlotFence::Lift(std::span<const uint16_t> slots) {
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard lk(mu_);
    for (uint16_t s : slots)
      if (fenced_[s].exchange(false, std::memory_order_acq_rel)) raised_.fetch_sub(1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    // Every held client is woken: one held for a slot still fenced is held again when it
    // routes its command anew, which costs a parse.
    for (auto& [id, f] : waiters_) wake.push_back(f);
  }
  for (auto& f : wake) f();
}

uint64_t SlotFence::AddWaiter(std::function<void()> wake) {
  std::lock_guard lk(mu_);
  const uint64_t id = next_waiter_++;
  waiters_.emplace(id, std::move(wake));
  return id;
}

void SlotFence::RemoveWaiter(uint64_t id) {
  std::lock_guard lk(mu_);
  waiters_.erase(id);
}

}  // namespace ks
