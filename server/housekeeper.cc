#include "server/housekeeper.h"

#include <chrono>

#include "server/snapshots.h"

namespace ks {

void Housekeeper::Start() { thread_ = std::thread([this] { Loop(); }); }

void Housekeeper::Stop() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Housekeeper::ActiveExpireCycle(ShardSet& shards) {
  using Clock = std::chrono::steady_clock;
  // Like Redis: keep going while more than 10% of what we look at has expired, within a
  // time budget (25 ms a tick over all engines), taking each engine's lock only briefly.
  constexpr size_t kStepChecks = 256;
  auto deadline = Clock::now() + std::chrono::milliseconds(25);
  for (int i = 0; i < shards.size(); ++i) {
    Engine& e = shards.engine(i);
    e.RefreshLruClock();
    for (;;) {
      std::pair<size_t, size_t> r;
      {
        std::lock_guard lk(e.mutex());
        r = e.ActiveExpireStep(kStepChecks);
      }
      if (r.first == 0 || r.second * 10 < r.first || Clock::now() > deadline) break;
    }
  }
}

void Housekeeper::CloseIdleClients(ServerState& state) {
  int64_t timeout_s;
  {
    std::lock_guard lk(state.config_mu());
    timeout_s = state.config().timeout;
  }
  if (timeout_s <= 0) return;
  int64_t now = state.clock()->NowMs();
  for (const auto& c : state.clients().Snapshot()) {
    if (now - c->last_interaction_ms.load(std::memory_order_relaxed) > timeout_s * 1000 && c->kill &&
        !c->killed.exchange(true))
      c->kill();
  }
}

void Housekeeper::Loop() {
  std::unique_lock lk(mu_);
  while (!stop_) {
    int64_t hz;
    {
      std::lock_guard clk(state_.config_mu());
      hz = state_.config().hz;
    }
    cv_.wait_for(lk, std::chrono::milliseconds(1000 / hz), [this] { return stop_; });
    if (stop_) break;
    lk.unlock();
    ActiveExpireCycle(state_.shards());
    CloseIdleClients(state_);
    state_.snapshots().CheckSavePoints(state_.clock()->NowMs(), state_.Dirty());
    lk.lock();
  }
}

}  // namespace ks
