#include "server/core/client_pause.h"

#include <algorithm>

#include "engine/clock.h"
#include "server/core/command.h"

namespace ks {

void ClientPause::Pause(PauseType type, int64_t end_ms) {
  std::lock_guard lk(mu_);
  const PauseType cur = type_.load(std::memory_order_relaxed);
  if (cur == PauseType::kNone) end_ms_ = 0;
  if (static_cast<uint8_t>(type) > static_cast<uint8_t>(cur)) type_.store(type, std::memory_order_relaxed);
  hold_.store(true, std::memory_order_relaxed);
  end_ms_ = std::max(end_ms_, end_ms);
  // Held connections wait until the old end: wake them to wait for the new one.
  WakeAllLocked();
}

void ClientPause::Unpause() {
  std::lock_guard lk(mu_);
  type_.store(PauseType::kNone, std::memory_order_relaxed);
  hold_.store(false, std::memory_order_relaxed);
  end_ms_ = 0;
  WakeAllLocked();
}

void ClientPause::WakeAllLocked() {
  for (auto& [id, wake] : waiters_) wake();
}

bool ClientPause::CheckExpired() {
  std::lock_guard lk(mu_);
  if (type_.load(std::memory_order_relaxed) == PauseType::kNone) return false;
  if (clock_->NowMs() < end_ms_) return true;
  type_.store(PauseType::kNone, std::memory_order_relaxed);
  hold_.store(false, std::memory_order_relaxed);
  end_ms_ = 0;
  WakeAllLocked();
  return false;
}

bool ClientPause::HoldsSlow(uint32_t flag_bits) {
  if (!CheckExpired()) return false;
  const PauseType t = type_.load(std::memory_order_relaxed);
  if (t == PauseType::kAll) return true;
  return t == PauseType::kWrite && (flag_bits & (kCmdWrite | kCmdMayReplicate));
}

int64_t ClientPause::RemainingMs() {
  std::lock_guard lk(mu_);
  if (type_.load(std::memory_order_relaxed) == PauseType::kNone) return 0;
  return std::max<int64_t>(0, end_ms_ - clock_->NowMs());
}

uint64_t ClientPause::AddWaiter(std::function<void()> wake) {
  std::lock_guard lk(mu_);
  const uint64_t id = ++next_waiter_;
  waiters_.emplace(id, std::move(wake));
  return id;
}

void ClientPause::RemoveWaiter(uint64_t id) {
  std::lock_guard lk(mu_);
  waiters_.erase(id);
}

}  // namespace ks
