#pragma once
// Db: one numbered database inside one engine. Keys are grouped by hash slot so that a slot's
// keys can be listed, counted and dropped without touching the rest (live resharding moves
// whole slots between engines), and so SCAN can walk slots in order.
#include <boost/unordered/unordered_flat_set.hpp>
#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/entry.h"
#include "engine/object_ops.h"

namespace ks {

inline constexpr int kNumSlots = 16384;

struct EntryHash {
  using is_transparent = void;
  size_t operator()(std::string_view k) const;
  size_t operator()(const Entry* e) const { return (*this)(e->key()); }
};

struct EntryEq {
  using is_transparent = void;
  bool operator()(const Entry* a, const Entry* b) const { return a->key() == b->key(); }
  bool operator()(std::string_view a, const Entry* b) const { return a == b->key(); }
  bool operator()(const Entry* a, std::string_view b) const { return a->key() == b; }
};

using EntrySet = boost::unordered_flat_set<Entry*, EntryHash, EntryEq>;

class Db {
 public:
  Db() = default;
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Raw lookup: expired entries are returned too; Engine applies expiry.
  Entry* Find(uint16_t slot, std::string_view key) const;
  // Adds e; no key with the same name may exist.
  void Insert(uint16_t slot, Entry* e);
  // Points the table at new_e instead of old_e (same key). old_e must still be allocated (its
  // key is read to find it); the caller frees it afterwards. After a realloc use Modify.
  void Replace(uint16_t slot, Entry* old_e, Entry* new_e);
  // Sets or removes (kNoExpire) the TTL of e, a key of this slot, keeping the volatile
  // counts right. Returns e's possibly new address. Unlike Replace after Entry::SetExpire,
  // the table slot is found before e may be freed by the reallocation.
  Entry* SetExpire(uint16_t slot, Entry* e, int64_t expire_ms);
  // Lets f change e, a key of this slot, in ways that may move it (Entry::SetString,
  // ResizeString, or building a replacement and freeing e), then points the table at f's
  // result. As with SetExpire, the table slot is found before e may be freed.
  template <typename F>
  Entry* Modify(uint16_t slot, Entry* e, F&& f) {
    SlotKeys* sk = slots_[slot];
    auto it = sk->set.find(e->key());
    bool had = e->has_expire();
    Uncharge(*sk, Charge(e));
    Entry* n = f(e);
    AddCharge(*sk, ChargeNew(n));
    const_cast<Entry*&>(*it) = n;
    if (had && !n->has_expire()) {
      --sk->volatile_count;
      --volatile_;
    } else if (!had && n->has_expire()) {
      ++sk->volatile_count;
      ++volatile_;
    }
    return n;
  }
  // Removes the key from the table and returns its entry (not freed), or nullptr.
  Entry* Detach(uint16_t slot, std::string_view key);
  // Charges e's collection object at its current size (after it changed in place); e is a key
  // of this slot of this db. Returns the change in bytes.
  int64_t Reaccount(uint16_t slot, Entry* e) {
    if (e->type() == ObjType::kString) return 0;
    size_t old = e->charged_obj_bytes();
    e->set_charged_obj_bytes(ObjectBytes(e->type(), e->obj()));
    bytes_ += e->charged_obj_bytes() - old;
    slots_[slot]->bytes += e->charged_obj_bytes() - old;
    return static_cast<int64_t>(e->charged_obj_bytes()) - static_cast<int64_t>(old);
  }
  // Heap bytes of the keys, their values and the tables holding them (Engine's used memory).
  size_t bytes() const { return bytes_; }
  // What a key is charged: its allocation plus its collection object as last charged.
  static size_t Charge(const Entry* e) {
    return e->AllocatedBytes() + (e->type() == ObjType::kString ? 0 : e->charged_obj_bytes());
  }

  size_t size() const { return size_; }
  size_t volatile_size() const { return volatile_; }
  size_t SlotSize(uint16_t slot) const;
  uint32_t SlotVolatile(uint16_t slot) const;
  // Bytes charged for the slot's table and keys (0 when it has none).
  size_t SlotBytes(uint16_t slot) const { return slots_ && slots_[slot] ? slots_[slot]->bytes : 0; }
  // Smallest slot >= from that holds keys, or -1.
  int NextNonEmptySlot(int from) const;

  // Calls f(Entry*) for each key of the slot. f must not change the slot's table.
  template <typename F>
  void ForEachInSlot(uint16_t slot, F&& f) const {
    if (!slots_ || !slots_[slot]) return;
    for (Entry* e : slots_[slot]->set) f(e);
  }
  // Removes (and frees) the slot's entries for which pred(Entry*) is true; returns how many.
  template <typename Pred>
  size_t EraseIfInSlot(uint16_t slot, Pred&& pred) {
    if (!slots_ || !slots_[slot]) return 0;
    SlotKeys& sk = *slots_[slot];
    size_t n = boost::unordered::erase_if(sk.set, [&](Entry* e) {
      if (!pred(e)) return false;
      Uncharge(sk, Charge(e));
      if (e->has_expire()) {
        --sk.volatile_count;
        --volatile_;
      }
      Entry::Free(e);
      return true;
    });
    size_ -= n;
    if (sk.set.empty()) DropSlotTable(slot);
    else ShrinkSlotTable(sk);
    return n;
  }
  // The i-th key (in table order) of a slot; i < SlotSize(slot).
  Entry* NthInSlot(uint16_t slot, size_t i) const;

  void Clear();
  void Swap(Db& other) noexcept;

  // Live resharding hands a slot's keys to another engine as a whole table, in O(1): each
  // table keeps its own memory figure, so neither the keys nor their sizes are walked.
  struct SlotKeys {
    EntrySet set;
    uint32_t volatile_count = 0;
    size_t bytes = 0;  // the table, its entries and values, as charged to bytes_
  };
  // Removes the slot's table (null if the slot has no key here) and hands it over.
  std::unique_ptr<SlotKeys> TakeSlot(uint16_t slot);
  // Installs a table taken from another db; the slot must have no key here.
  void AdoptSlot(uint16_t slot, std::unique_ptr<SlotKeys> sk);

 private:
  void Uncharge(SlotKeys& sk, size_t n) {
    bytes_ -= n;
    sk.bytes -= n;
  }
  void AddCharge(SlotKeys& sk, size_t n) {
    bytes_ += n;
    sk.bytes += n;
  }
  SlotKeys* SlotFor(uint16_t slot);
  void DropSlotTable(uint16_t slot);
  void ShrinkSlotTable(SlotKeys& sk);
  // Charges a key about to be stored: its collection object at its current size.
  static size_t ChargeNew(Entry* e) {
    if (e->type() != ObjType::kString) e->set_charged_obj_bytes(ObjectBytes(e->type(), e->obj()));
    return Charge(e);
  }
  // Estimated heap bytes of a slot table with this many buckets: boost's flat set keeps
  // 8-byte slots in groups of 15 with 16 bytes of metadata per group.
  static size_t TableBytes(size_t buckets) { return buckets ? buckets * sizeof(Entry*) + (buckets / 15 + 1) * 16 : 0; }
  static constexpr size_t kSlotKeysBytes = 64;  // a SlotKeys allocation, rounded as malloc does

  // Allocated on first insert: most databases of most engines stay empty.
  std::unique_ptr<SlotKeys*[]> slots_;
  size_t size_ = 0;
  size_t volatile_ = 0;
  size_t bytes_ = 0;
};

}  // namespace ks
