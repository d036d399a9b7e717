#include "routing/shard_set.h"

#include <algorithm>

namespace ks {

ShardSet::ShardSet(int engines, const Clock* clock, int active)
    : clock_(clock), active_(active > 0 && active < engines ? active : engines), map_(active_) {
  engines_.reserve(engines);
  for (int i = 0; i < engines; ++i) {
    engines_.push_back(std::make_unique<Engine>(i, clock));
    engines_.back()->set_slot_fn(&KeySlot);
  }
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
  for (;;) {
    for (size_t i = 0; i < slots.size(); ++i) engines[i] = map.EngineOf(slots[i]);
    shards.RunRouteHook();
    EngineIds ids(engines.begin(), engines.end());
    ids.insert(ids.end(), extra.begin(), extra.end());
    Lock(shards, ids);
    bool same = true;
    for (size_t i = 0; i < slots.size() && same; ++i) same = map.EngineOf(slots[i]) == engines[i];
    if (same) return;
    UnlockAll();
    shards.CountReroute();
  }
}

void EngineLocks::Lock(ShardSet& shards, EngineIds& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (uint16_t id : ids) {
    Engine& e = shards.engine(id);
    if (ThreadHeldEngines::Holds(&e)) continue;
    e.mutex().lock();
    held_.push_back(&e);
  }
}

void EngineLocks::LockAll(ShardSet& shards) {
  for (int i = 0; i < shards.size(); ++i) {
    Engine& e = shards.engine(i);
    if (ThreadHeldEngines::Holds(&e)) continue;
    e.mutex().lock();
    held_.push_back(&e);
  }
}

bool EngineLocks::holds(const Engine* e) const {
  return std::find(held_.begin(), held_.end(), e) != held_.end();
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
