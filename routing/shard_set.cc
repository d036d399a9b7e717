#include "routing/shard_set.h"

#include <algorithm>

namespace ks {

ShardSet::ShardSet(int engines, const Clock* clock, int active)
    : clock_(clock),
      initial_active_(active > 0 && active < engines ? active : engines),
      active_(std::make_unique<std::atomic<bool>[]>(static_cast<size_t>(engines))),
      map_(initial_active_) {
  for (int i = 0; i < engines; ++i) active_[static_cast<size_t>(i)].store(i < initial_active_);
  engines_.reserve(engines);
  for (int i = 0; i < engines; ++i) {
    engines_.push_back(std::make_unique<Engine>(i, clock));
    engines_.back()->set_slot_fn(&KeySlot);
  }
}

std::vector<int> ShardSet::ActiveIds() const {
  std::vector<int> ids;
  for (int i = 0; i < size(); ++i)
    if (IsActive(i)) ids.push_back(i);
  return ids;
}

void ShardSet::AssignSlot(uint16_t slot, uint16_t to,
                          const std::function<void(Engine& from, Engine& to)>& move_keys) {
  // Routed and re-checked as LockSlots does, without the test hook (a hook may call this).
  for (;;) {
    uint16_t from = map_.EngineOf(slot);
    EngineLocks locks;
    EngineIds ids{from, to};
    locks.Lock(*this, ids);
    if (map_.EngineOf(slot) != from) continue;
    if (from == to) return;
    if (move_keys) move_keys(engine(from), engine(to));
    map_.Assign(slot, ShardId::Local(to));
    return;
  }
}

void EngineLocks::LockSlots(ShardSet& shards, std::span<const uint16_t> slots, std::span<uint16_t> engines,
                            std::span<const uint16_t> extra) {
  const SlotMap& map = shards.slots();
  // Engines held before this call stay held: a slot cannot move away from one of them, so a
  // retry only ever drops what this call took.
  const size_t keep = held_.size();
  for (;;) {
    for (size_t i = 0; i < slots.size(); ++i) engines[i] = map.EngineOf(slots[i]);
    shards.RunRouteHook();
    EngineIds ids(engines.begin(), engines.end());
    ids.insert(ids.end(), extra.begin(), extra.end());
    Lock(shards, ids);
    bool same = true;
    for (size_t i = 0; i < slots.size() && same; ++i) same = map.EngineOf(slots[i]) == engines[i];
    if (same) return;
    UnlockFrom(keep);
    shards.CountReroute();
  }
}

uint16_t EngineLocks::LockSlotHeld(ShardSet& shards, uint16_t slot) {
  const SlotMap& map = shards.slots();
  for (;;) {
    const uint16_t id = map.EngineOf(slot);
    shards.RunRouteHook();
    Engine& e = shards.engine(id);
    if (holds(&e)) return id;  // held: the slot cannot move away from it
    e.mutex().lock();
    if (map.EngineOf(slot) == id) {
      held_.push_back(&e);
      return id;
    }
    e.mutex().unlock();
    shards.CountReroute();
  }
}

void EngineLocks::Lock(ShardSet& shards, EngineIds& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  // Engines held here or by the thread's running Execution are not locked again.
  ids.erase(std::remove_if(ids.begin(), ids.end(),
                           [&](uint16_t id) {
                             const Engine* e = &shards.engine(id);
                             return holds(e) || ThreadHeldEngines::Holds(e);
                           }),
            ids.end());
  LockNoWait(shards, ids);
}

void EngineLocks::LockAll(ShardSet& shards) {
  EngineIds ids;
  for (int i = 0; i < shards.size(); ++i) ids.push_back(static_cast<uint16_t>(i));
  Lock(shards, ids);
}

void EngineLocks::LockNoWait(ShardSet& shards, std::span<const uint16_t> ids) {
  const size_t n = ids.size();
  if (n == 0) return;
  size_t first = 0;
  for (;;) {
    shards.engine(ids[first]).mutex().lock();
    size_t failed = n;
    for (size_t i = 0; i < n; ++i) {
      if (i == first) continue;
      if (!shards.engine(ids[i]).mutex().try_lock()) {
        failed = i;
        break;
      }
    }
    if (failed == n) {
      for (uint16_t id : ids) held_.push_back(&shards.engine(id));
      return;
    }
    // Back off: release what this attempt took, then wait for the one that was busy.
    for (size_t i = 0; i < failed; ++i)
      if (i != first) shards.engine(ids[i]).mutex().unlock();
    shards.engine(ids[first]).mutex().unlock();
    first = failed;
  }
}

bool EngineLocks::holds(const Engine* e) const {
  return std::find(held_.begin(), held_.end(), e) != held_.end();
}

void EngineLocks::UnlockFrom(size_t keep) {
  while (held_.size() > keep) {
    held_.back()->mutex().unlock();
    held_.pop_back();
  }
}

void EngineLocks::UnlockMany() {
  for (auto it = held_.rbegin(); it != held_.rend(); ++it) (*it)->mutex().unlock();
  held_.clear();
}

thread_local const EngineLocks* ThreadHeldEngines::current_ = nullptr;

SlotGuard::SlotGuard(ShardSet& shards, uint16_t slot) {
  // Held by this thread's Execution: its owner cannot change while held.
  const uint16_t owner = shards.slots().EngineOf(slot);
  if (ThreadHeldEngines::Holds(&shards.engine(owner))) {
    id_ = owner;
    e_ = &shards.engine(id_);
    return;
  }
  id_ = locks_.LockSlot(shards, slot);
  e_ = &shards.engine(id_);
}

}  // namespace ks
