#pragma once
// ShardSet: the engines of this process and the versioned slot map that routes each hash slot
// to one of them. The routing layer is the only one that takes engine mutexes: commands lock
// the engines they touch through EngineLocks (always in ascending engine order, so
// multi-engine commands are atomic and never deadlock), other work through EngineGuard or
// SlotGuard. Locking by slot re-checks ownership once the engines are held and routes again
// if a slot moved in between, so slots can change hands while commands run.
#include <atomic>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "routing/slot_fence.h"
#include "routing/slot_map.h"
#include "routing/slots.h"

namespace ks {

class ShardSet {
 public:
  // `engines` engines exist; the first `active` (0: all) share the slots at first, the
  // others are spares that live resharding can give slots to later.
  ShardSet(int engines, const Clock* clock, int active = 0);

  int size() const { return static_cast<int>(engines_.size()); }
  // How many engines shared the slots at first (the configured `shards`).
  int initial_active() const { return initial_active_; }
  // Whether engine i takes part in routing: slots may be given to it. Spares (and engines
  // removed at run time) are not; the resharding code switches engines on and off and
  // persists the set with the slot map (slots.conf).
  bool IsActive(int i) const { return active_[static_cast<size_t>(i)].load(std::memory_order_acquire); }
  void SetActive(int i, bool on) { active_[static_cast<size_t>(i)].store(on, std::memory_order_release); }
  // The active engines, ascending.
  std::vector<int> ActiveIds() const;
  Engine& engine(int i) { return *engines_[i]; }
  const SlotMap& slots() const { return map_; }
  // Slots whose keys are being copied to or from a remote shard (commands on them are held).
  SlotFence& fence() { return fence_; }
  const Clock* clock() const { return clock_; }

  // Gives slot to engine `to`. Takes the old and new owners' locks itself; the keys of the
  // slot must move with it (the resharding code, or a test, does that under the same locks
  // through `move_keys`, called with both engines locked).
  void AssignSlot(uint16_t slot, uint16_t to, const std::function<void(Engine& from, Engine& to)>& move_keys);

  // Gives slot to engine `to` when the caller already holds the old and new owners' locks
  // and has moved the slot's keys (live resharding moves several slots per lock hold).
  void AssignSlotLocked(uint16_t slot, uint16_t to) { map_.Assign(slot, ShardId::Local(to)); }
  // The same for any owner (a remote shard too), with the engines the slot routes to before
  // and after (EngineOf) locked and the keys already where `to` holds them.
  void AssignSlotOwnerLocked(uint16_t slot, ShardId to) { map_.Assign(slot, to); }
  // Start-up only (see SlotMap::Reset).
  void ResetSlots(const std::array<uint16_t, kNumSlots>& engines) { map_.Reset(engines); }

  // Tests only: called after a command's keys are routed and before their engines are
  // locked, so a test can move a slot in exactly that window.
  void set_route_hook_for_test(std::function<void()> hook) { route_hook_ = std::move(hook); }
  void RunRouteHook() {
    if (route_hook_) [[unlikely]] route_hook_();
  }
  // How many times a command found a slot moved after locking and routed again.
  uint64_t reroutes() const { return reroutes_.load(std::memory_order_relaxed); }
  void CountReroute() { reroutes_.fetch_add(1, std::memory_order_relaxed); }

 private:
  const Clock* clock_;
  std::vector<std::unique_ptr<Engine>> engines_;
  int initial_active_;
  std::unique_ptr<std::atomic<bool>[]> active_;
  SlotMap map_;
  SlotFence fence_;
  std::function<void()> route_hook_;
  std::atomic<uint64_t> reroutes_{0};
};

// Inline room for 16 (MSET and MGET of 10 keys, as redis-benchmark sends, allocate nothing).
using EngineIds = boost::container::small_vector<uint16_t, 16>;

// Holds the mutexes of a set of engines. Taking several never blocks while holding one: the
// first is locked, the others tried in order; on a failure everything is released, the
// failed one is waited for, and the attempt starts again from it (std::lock's algorithm).
// So an EngineLocks that starts empty can never be part of a deadlock cycle.
//
// Asking for engines while some are already held (a script whose redis.call reaches an
// engine it did not declare) locks the missing ones, waiting while holding, and keeps them
// until UnlockAll; engines already held, by this EngineLocks or by the thread's running
// Execution (ThreadHeldEngines), are not locked again. That hold-and-wait is safe only
// because one holder at a time does it: the script mutex (ServerState::script_mu()) admits
// one script, and every other holder backs off as above.
class EngineLocks {
 public:
  EngineLocks() = default;
  ~EngineLocks() { UnlockAll(); }
  EngineLocks(const EngineLocks&) = delete;
  EngineLocks& operator=(const EngineLocks&) = delete;

  // Routes each slot to its engine, locks those engines and the `extra` ones, then checks
  // that every slot is still owned by the engine it was routed to; if one moved meanwhile,
  // unlocks and routes again. On return engines[i] is the owner of slots[i], and stays so
  // until UnlockAll.
  void LockSlots(ShardSet& shards, std::span<const uint16_t> slots, std::span<uint16_t> engines,
                 std::span<const uint16_t> extra = {});
  // LockSlots for one slot, the common case, inline: returns the engine that owns it, locked.
  uint16_t LockSlot(ShardSet& shards, uint16_t slot) {
    if (!held_.empty()) [[unlikely]] return LockSlotHeld(shards, slot);
    const SlotMap& map = shards.slots();
    for (;;) {
      const uint16_t id = map.EngineOf(slot);
      shards.RunRouteHook();
      Engine& e = shards.engine(id);
      e.mutex().lock();
      if (map.EngineOf(slot) == id) [[likely]] {
        held_.push_back(&e);
        return id;
      }
      e.mutex().unlock();
      shards.CountReroute();
    }
  }
  // Locks the given engines not yet held (ids need not be sorted or unique; sorts them).
  void Lock(ShardSet& shards, EngineIds& ids);
  // Locks every engine not yet held.
  void LockAll(ShardSet& shards);
  void UnlockAll() {
    if (held_.empty()) return;
    if (held_.size() == 1) {
      held_[0]->mutex().unlock();
      held_.clear();
      return;
    }
    UnlockMany();
  }
  bool empty() const { return held_.empty(); }
  bool holds(const Engine* e) const;
  const boost::container::small_vector<Engine*, 8>& held() const { return held_; }

 private:
  void UnlockMany();
  // Unlocks the engines taken after the first `keep` (a late lock whose slot moved).
  void UnlockFrom(size_t keep);
  uint16_t LockSlotHeld(ShardSet& shards, uint16_t slot);
  // Locks ids (sorted, unique, none held) without blocking while holding any of them (the
  // engines held before the call stay held while it waits: a script's late locks).
  void LockNoWait(ShardSet& shards, std::span<const uint16_t> ids);
  boost::container::small_vector<Engine*, 8> held_;
};

// The engines that a running Execution of several commands (EXEC, a script) holds on this
// thread. A command inside it that locks engines itself (LockMode::kSelf: SCAN, DBSIZE,
// INFO, BGSAVE) must not lock them again, so EngineGuard, SlotGuard and EngineLocks::Lock /
// LockAll skip the engines listed here. A script run inside EXEC runs in EXEC's Execution,
// so Executions never nest and the per-command LockSlot(s) path does not look.
class ThreadHeldEngines {
 public:
  explicit ThreadHeldEngines(const EngineLocks* held) : prev_(current_) { current_ = held; }
  ~ThreadHeldEngines() { current_ = prev_; }
  ThreadHeldEngines(const ThreadHeldEngines&) = delete;
  ThreadHeldEngines& operator=(const ThreadHeldEngines&) = delete;
  static bool Holds(const Engine* e) { return current_ && current_->holds(e); }

 private:
  static thread_local const EngineLocks* current_;
  const EngineLocks* prev_;
};

// One engine locked for a scope: housekeeping steps, INFO's figures, start-up wiring.
class EngineGuard {
 public:
  EngineGuard(ShardSet& shards, int id) : EngineGuard(shards.engine(id)) {}
  explicit EngineGuard(Engine& e) : e_(e), locked_(!ThreadHeldEngines::Holds(&e)) {
    if (locked_) e_.mutex().lock();
  }
  ~EngineGuard() {
    if (locked_) e_.mutex().unlock();
  }
  EngineGuard(const EngineGuard&) = delete;
  EngineGuard& operator=(const EngineGuard&) = delete;
  Engine& engine() { return e_; }

 private:
  Engine& e_;
  bool locked_;
};

// The engine that owns a slot, locked, ownership re-checked (loading keys, SCAN).
class SlotGuard {
 public:
  // An owner this thread's Execution holds (ThreadHeldEngines) is used without locking it again.
  SlotGuard(ShardSet& shards, uint16_t slot);
  Engine& engine() { return *e_; }
  uint16_t engine_id() const { return id_; }

 private:
  EngineLocks locks_;
  Engine* e_;
  uint16_t id_;
};

}  // namespace ks
