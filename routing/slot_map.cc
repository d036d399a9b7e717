#include "routing/slot_map.h"

namespace ks {

SlotMap::SlotMap(int engines) {
  for (int s = 0; s < kNumSlots; ++s)
    owner_[s].store(ShardId::Local(static_cast<uint16_t>(s * engines / kNumSlots)).Pack(), std::memory_order_relaxed);
}

void SlotMap::Assign(uint16_t slot, ShardId to) {
  owner_[slot].store(to.Pack(), std::memory_order_release);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void SlotMap::Reset(const std::array<uint16_t, kNumSlots>& engines) {
  for (int s = 0; s < kNumSlots; ++s) owner_[s].store(ShardId::Local(engines[s]).Pack(), std::memory_order_release);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace ks
