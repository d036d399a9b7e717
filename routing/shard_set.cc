#include "routing/shard_set.h"

#include <algorithm>

namespace ks {

SlotTable SlotTable::Even(int engines) {
  SlotTable t;
  for (int s = 0; s < 16384; ++s) t.owner_[s] = static_cast<uint16_t>(s * engines / 16384);
  return t;
}

ShardSet::ShardSet(int engines, const Clock* clock) : clock_(clock), table_(SlotTable::Even(engines)) {
  engines_.reserve(engines);
  for (int i = 0; i < engines; ++i) {
    engines_.push_back(std::make_unique<Engine>(i, clock));
    engines_.back()->set_slot_fn(&KeySlot);
  }
}

void EngineLocks::Lock(ShardSet& shards, boost::container::small_vector<uint16_t, 8>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (uint16_t id : ids) {
    Engine& e = shards.engine(id);
    e.mutex().lock();
    held_.push_back(&e);
  }
}

void EngineLocks::LockAll(ShardSet& shards) {
  for (int i = 0; i < shards.size(); ++i) {
    Engine& e = shards.engine(i);
    e.mutex().lock();
    held_.push_back(&e);
  }
}

void EngineLocks::UnlockAll() {
  for (auto it = held_.rbegin(); it != held_.rend(); ++it) (*it)->mutex().unlock();
  held_.clear();
}

}  // namespace ks
