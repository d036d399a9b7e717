#pragma once
// SlotFence: slots whose data is on its way between shards (a move to or from a remote
// shard copies keys over the network, which cannot happen under an engine lock).
//
// While a slot is fenced, a command touching it does not run and gets no error: the
// dispatcher holds the client (as CLIENT PAUSE does, the command stays unread in its buffer)
// and the connection waits for Lift's wake-up, then parses and routes the command again,
// under the map the move left. One relaxed load per command while nothing is fenced.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <span>

#include "engine/db.h"  // kNumSlots

namespace ks {

class SlotFence {
 public:
  // True if any slot is fenced (one relaxed load: the common answer is no).
  bool active() const { return raised_.load(std::memory_order_relaxed) != 0; }
  bool Fenced(uint16_t slot) const { return fenced_[slot].load(std::memory_order_acquire); }
  // True if any of the slots is fenced.
  bool AnyFenced(std::span<const uint16_t> slots) const {
    if (!active()) [[likely]]
      return false;
    for (uint16_t s : slots)
      if (Fenced(s)) return true;
    return false;
  }

  // Fences the slots (the resharder, before it copies them).
  void Raise(std::span<const uint16_t> slots);
  // Lifts the fence of the slots and wakes every held client.
  void Lift(std::span<const uint16_t> slots);

  // Commands forwarded to a remote shard and not yet answered, per slot: the forwarding code
  // counts them (BeginRemote when it sends, EndRemote when the reply or its error arrives),
  // so a move from a remote can wait for the ones sent before its fence (InFlight == 0).
  // `blocking`: a blocking command (BLPOP...), which may wait there for long; counted apart
  // too, so the move can wait for the others first and then have these rerouted.
  void BeginRemote(uint16_t slot, bool blocking = false) {
    if (blocking) blocking_[slot].fetch_add(1, std::memory_order_acq_rel);
    in_flight_[slot].fetch_add(1, std::memory_order_acq_rel);
  }
  void EndRemote(uint16_t slot, bool blocking = false) {
    in_flight_[slot].fetch_sub(1, std::memory_order_acq_rel);
    if (blocking) blocking_[slot].fetch_sub(1, std::memory_order_acq_rel);
  }
  uint32_t InFlight(uint16_t slot) const { return in_flight_[slot].load(std::memory_order_acquire); }
  uint32_t BlockingInFlight(uint16_t slot) const { return blocking_[slot].load(std::memory_order_acquire); }

  // Bumped by every Lift: a client held at generation g whose wake-up was registered after
  // a Lift (generation() != g) must not wait.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // A held client registers how to wake it; Lift calls it (from the resharder's thread).
  uint64_t AddWaiter(std::function<void()> wake);
  void RemoveWaiter(uint64_t id);

 private:
  std::array<std::atomic<bool>, kNumSlots> fenced_{};
  std::array<std::atomic<uint32_t>, kNumSlots> in_flight_{};
  std::array<std::atomic<uint32_t>, kNumSlots> blocking_{};
  std::atomic<uint32_t> raised_{0};
  std::atomic<uint64_t> generation_{0};
  std::mutex mu_;
  uint64_t next_waiter_ = 0;
  std::map<uint64_t, std::function<void()>> waiters_;
};

}  // namespace ks
