#pragma once
// ShardSet: the engines of this process and the slot table that maps each of the 16384 hash
// slots to one of them. Commands lock the engines they touch through EngineLocks, always in
// ascending engine order, so multi-engine commands are atomic and never deadlock.
#include <array>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "routing/slots.h"

namespace ks {

// Which engine owns each slot. Seeded evenly: engine i owns a contiguous run of slots.
class SlotTable {
 public:
  static SlotTable Even(int engines);
  uint16_t EngineOf(uint16_t slot) const { return owner_[slot]; }

 private:
  std::array<uint16_t, 16384> owner_{};
};

class ShardSet {
 public:
  ShardSet(int engines, const Clock* clock);

  int size() const { return static_cast<int>(engines_.size()); }
  Engine& engine(int i) { return *engines_[i]; }
  const SlotTable& slots() const { return table_; }
  Engine& EngineForSlot(uint16_t slot) { return *engines_[table_.EngineOf(slot)]; }
  const Clock* clock() const { return clock_; }

 private:
  const Clock* clock_;
  std::vector<std::unique_ptr<Engine>> engines_;
  SlotTable table_;
};

// Holds the mutexes of a set of engines, taken in ascending id order and released in reverse.
class EngineLocks {
 public:
  EngineLocks() = default;
  ~EngineLocks() { UnlockAll(); }
  EngineLocks(const EngineLocks&) = delete;
  EngineLocks& operator=(const EngineLocks&) = delete;

  // ids need not be sorted or unique.
  void Lock(ShardSet& shards, boost::container::small_vector<uint16_t, 8>& ids);  // sorts ids
  void LockAll(ShardSet& shards);
  void UnlockAll();
  bool empty() const { return held_.empty(); }
  const boost::container::small_vector<Engine*, 8>& held() const { return held_; }

 private:
  boost::container::small_vector<Engine*, 8> held_;
};

}  // namespace ks
