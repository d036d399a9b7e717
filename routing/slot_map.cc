#include "routing/slot_map.h"

namespace ks {

SlotMap::SlotMap(int engines) : seed_engines_(engines > 0 ? engines : 1) {
  for (int s = 0; s < kNumSlots; ++s)
    owner_[s].store(ShardId::Local(static_cast<uint16_t>(s * engines / kNumSlots)).Pack(), std::memory_order_relaxed);
}

void SlotMap::Assign(uint16_t slot, ShardId to) {
  const ShardId before = Owner(slot);
  if (before.local() != to.local()) {
    if (to.local())
      remotes_.fetch_sub(1, std::memory_order_acq_rel);
    else
      remotes_.fetch_add(1, std::memory_order_acq_rel);
  }
  owner_[slot].store(to.Pack(), std::memory_order_release);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void SlotMap::Reset(const std::array<uint16_t, kNumSlots>& codes) {
  uint32_t remote = 0;
  for (int s = 0; s < kNumSlots; ++s) {
    const ShardId id = ShardOfCode(codes[s]);
    remote += !id.local();
    owner_[s].store(id.Pack(), std::memory_order_release);
  }
  remotes_.store(remote, std::memory_order_release);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace ks
