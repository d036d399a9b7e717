#pragma once
// SlotMap: which shard owns each of the 16384 hash slots, versioned so that slots can move
// while commands run.
//
// A shard is a local engine today and, later, a remote endpoint (a Redis server behind the
// same routing): ShardId says which. Owners are atomics: a command reads the owner of its
// keys' slots without any lock, locks those engines, and then reads the owners again
// (EngineLocks::LockSlots). A slot's owner changes only with the engines it moves between
// both locked (ShardSet::AssignSlot), so once a command holds the engine the map names, that
// answer cannot change until the command unlocks: a command that raced a move sees the
// second read differ and routes again.
#include <array>
#include <atomic>
#include <cstdint>

#include "engine/db.h"  // kNumSlots

namespace ks {

struct ShardId {
  enum class Kind : uint8_t { kLocal, kRemote };
  Kind kind = Kind::kLocal;
  uint16_t index = 0;  // an engine of this process, or (later) a remote endpoint

  static constexpr ShardId Local(uint16_t i) { return {Kind::kLocal, i}; }
  static constexpr ShardId Remote(uint16_t i) { return {Kind::kRemote, i}; }
  constexpr bool local() const { return kind == Kind::kLocal; }
  constexpr uint32_t Pack() const { return (static_cast<uint32_t>(kind) << 16) | index; }
  static constexpr ShardId Unpack(uint32_t v) {
    return {static_cast<Kind>(v >> 16), static_cast<uint16_t>(v & 0xffff)};
  }
  friend bool operator==(ShardId a, ShardId b) { return a.Pack() == b.Pack(); }
};

// A slot's owner as one 16-bit code, as slots.conf and the start-up map carry it: a local
// engine's id, or kRemoteOwner | the remote shard's index (remotes are numbered in the order
// the configuration lists them; slots.conf names them).
constexpr uint16_t kRemoteOwner = 0x8000;
constexpr uint16_t OwnerCode(ShardId id) { return id.local() ? id.index : static_cast<uint16_t>(kRemoteOwner | id.index); }
constexpr ShardId ShardOfCode(uint16_t code) {
  return (code & kRemoteOwner) ? ShardId::Remote(code & 0x7fff) : ShardId::Local(code);
}

class SlotMap {
 public:
  // Seeded evenly: local engine i owns a contiguous run of slots.
  static SlotMap Even(int engines) { return SlotMap(engines); }
  explicit SlotMap(int engines);
  SlotMap(const SlotMap&) = delete;
  SlotMap& operator=(const SlotMap&) = delete;

  ShardId Owner(uint16_t slot) const {
    return ShardId::Unpack(owner_[slot].load(std::memory_order_acquire));
  }
  // The local engine that owns slot. A slot owned by a remote shard answers its home engine
  // (the one the even seed gives it), so local code that meets such a slot (loading an old
  // dump, a lock taken before the owner is checked) stays within the engines; the execution
  // path checks Owner() under the lock and never runs a command there (executor.cc).
  uint16_t EngineOf(uint16_t slot) const {
    const ShardId o = Owner(slot);
    return o.local() ? o.index : HomeOf(slot);
  }
  uint16_t HomeOf(uint16_t slot) const { return static_cast<uint16_t>(slot * seed_engines_ / kNumSlots); }
  // The owner's code (OwnerCode): what slots.conf saves.
  uint16_t CodeOf(uint16_t slot) const { return OwnerCode(Owner(slot)); }
  // True once any slot is owned by a remote shard: the execution path looks at owners only then.
  bool has_remotes() const { return remotes_.load(std::memory_order_acquire) != 0; }
  // Bumped by every change of owner; routing caches and the admin API read it.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

  // Gives slot to a new owner. Only ShardSet::AssignSlot calls this, with the old and new
  // owners' engines locked.
  void Assign(uint16_t slot, ShardId to);
  // Start-up only, with nothing else running: every slot's owner at once (the persisted map,
  // or one engine owning everything while its append-only log replays).
  // Entries are owner codes (OwnerCode): local engines or remote shards.
  void Reset(const std::array<uint16_t, kNumSlots>& codes);

 private:
  int seed_engines_;
  std::atomic<uint32_t> remotes_{0};  // slots owned by remote shards
  std::array<std::atomic<uint32_t>, kNumSlots> owner_;
  std::atomic<uint64_t> version_{1};
};

}  // namespace ks
