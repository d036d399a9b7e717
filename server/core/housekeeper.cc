#include "server/core/housekeeper.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "server/persist/snapshots.h"

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
        EngineGuard lk(e);
        r = e.ActiveExpireStep(kStepChecks);
      }
      if (r.first == 0 || r.second * 10 < r.first || Clock::now() > deadline) break;
    }
  }
}

bool Housekeeper::EvictInBackground(ShardSet& shards, std::chrono::microseconds budget) {
  using Clock = std::chrono::steady_clock;
  // Keys per lock hold: short enough that a client waiting for the engine is not held up
  // for more than tens of microseconds by this thread.
  constexpr size_t kStepKeys = 32;
  const auto deadline = Clock::now() + budget;
  bool behind = false;
  for (int i = 0; i < shards.size(); ++i) {
    Engine& e = shards.engine(i);
    for (;;) {
      EvictStatus st;
      {
        EngineGuard lk(e);
        st = e.EvictSome(kStepKeys);
      }
      if (st != EvictStatus::kRunning) break;
      if (Clock::now() > deadline) {
        behind = true;
        break;
      }
      // Let a client thread blocked on the engine's lock take it before the next step.
      std::this_thread::yield();
    }
  }
  return behind;
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

void Housekeeper::NoteLatency(std::string_view event, std::chrono::steady_clock::duration took) {
  // The latency monitor's events for background work, as Redis's expire and eviction cycles.
  const int64_t threshold = state_.limits().get(state_.limits().latency_monitor_threshold);
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
  if (threshold > 0 && ms >= threshold)
    state_.latency().Add(event, state_.clock()->NowMs() / 1000, static_cast<uint32_t>(ms));
}

void Housekeeper::Loop() {
  using Clock = std::chrono::steady_clock;
  // With a memory budget the thread looks for an engine whose command-time eviction stopped
  // at its time limit (a few relaxed loads, no locks), then evicts in passes of at most
  // kEvictPass until every engine is within budget. It looks every kEvictPollBusy for a
  // second after the last such engine, else every kEvictPollIdle (1 kHz wake-ups cost an idle
  // server ~2.5% of a core); without a budget it sleeps a tick.
  constexpr auto kEvictPass = std::chrono::milliseconds(5);
  constexpr auto kEvictPollBusy = std::chrono::milliseconds(1);
  constexpr auto kEvictPollIdle = std::chrono::milliseconds(10);
  constexpr auto kBusyFor = std::chrono::seconds(1);
  auto last_behind = Clock::now() - kBusyFor;
  auto period = [this] {
    std::lock_guard clk(state_.config_mu());
    return std::chrono::milliseconds(1000 / std::max<int64_t>(1, state_.config().hz));
  };
  ShardSet& shards = state_.shards();
  auto next_tick = Clock::now() + period();
  bool evicting = false;
  std::unique_lock lk(mu_);
  while (!stop_) {
    const bool limited = state_.limits().memory_limited.load(std::memory_order_relaxed);
    const auto poll = Clock::now() - last_behind < kBusyFor ? kEvictPollBusy : kEvictPollIdle;
    auto wake = limited ? std::min(next_tick, Clock::now() + poll) : next_tick;
    cv_.wait_until(lk, wake, [this] { return stop_; });
    if (stop_) break;
    lk.unlock();
    bool tick = Clock::now() >= next_tick;
    // Under CLIENT PAUSE the data set holds still: no active expiry, no eviction.
    const bool paused = state_.pause().Active();
    if (tick) {
      if (!paused && state_.active_expire().load(std::memory_order_relaxed)) {
        const auto start = Clock::now();
        ActiveExpireCycle(shards);
        NoteLatency("expire-cycle", Clock::now() - start);
      }
      CloseIdleClients(state_);
      const ServerStats& st = state_.stats();
      state_.instant_metrics().Track(state_.clock()->NowMs(),
                                     {st.Sum(&ThreadCounters::commands), st.Sum(&ThreadCounters::net_input_bytes),
                                      st.Sum(&ThreadCounters::net_output_bytes)});
      state_.snapshots().CheckSavePoints(state_.clock()->NowMs(), state_.Dirty());
      next_tick = Clock::now() + period();
    }
    if (limited && !paused) {
      // Every tick also checks all engines, for budgets lowered without a command's eviction.
      bool behind = evicting || tick;
      bool marked = false;
      for (int i = 0; i < shards.size(); ++i) marked |= shards.engine(i).TakeEvictionBehind();
      if (marked) last_behind = Clock::now();
      const auto start = Clock::now();
      evicting = (behind || marked) && EvictInBackground(shards, kEvictPass);
      NoteLatency("eviction-cycle", Clock::now() - start);
      if (evicting) last_behind = Clock::now();
    } else {
      evicting = false;
    }
    state_.PublishEngineNotes();
    lk.lock();
  }
}

}  // namespace ks
