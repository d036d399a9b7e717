#pragma once
// CLIENT PAUSE / UNPAUSE (Redis 7): while a pause lasts, commands it covers are held, not
// refused: the connection keeps the command unread and runs it when the pause ends. A WRITE
// pause holds commands that may change data or replicate (write and may_replicate rows:
// SET, EVAL, PUBLISH, PFCOUNT...); an ALL pause holds every command. Active expiry and
// eviction stop while paused, and lazily expired keys are hidden but not deleted, so the
// data set does not change under a paused server.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace ks {

class Clock;

enum class PauseType : uint8_t { kNone = 0, kWrite = 1, kAll = 2 };

class ClientPause {
 public:
  explicit ClientPause(const Clock* clock) : clock_(clock) {}

  // A pause until end_ms (the clock's ms): a stronger or longer pause than the current one
  // extends it, a weaker or shorter one does not shorten it (Redis's pauseClients).
  void Pause(PauseType type, int64_t end_ms);
  // Ends the pause and wakes every held connection.
  void Unpause();

  // True if a command with these flag bits is held now. One relaxed load while not paused.
  bool Holds(uint32_t flag_bits) {
    if (type_.load(std::memory_order_relaxed) == PauseType::kNone) [[likely]]
      return false;
    return HoldsSlow(flag_bits);
  }
  // Whether expiry and eviction are suspended (any pause in force).
  bool Active() {
    if (type_.load(std::memory_order_relaxed) == PauseType::kNone) return false;
    return CheckExpired();
  }
  // True while any pause is in force (until the next Holds/Active notices it ended): the
  // engines read it to hide expired keys instead of deleting them.
  const std::atomic<bool>* expiry_hold() const { return &hold_; }
  // Milliseconds the pause has left (0 if none).
  int64_t RemainingMs();

  // A held connection registers how to wake it; Unpause (or a new pause ending) calls it.
  uint64_t AddWaiter(std::function<void()> wake);
  void RemoveWaiter(uint64_t id);

 private:
  bool HoldsSlow(uint32_t flag_bits);
  // Ends an expired pause; returns whether one is still in force.
  bool CheckExpired();
  void WakeAllLocked();

  const Clock* clock_;
  std::atomic<PauseType> type_{PauseType::kNone};
  std::atomic<bool> hold_{false};
  std::mutex mu_;
  int64_t end_ms_ = 0;
  uint64_t next_waiter_ = 0;
  std::map<uint64_t, std::function<void()>> waiters_;
};

}  // namespace ks
