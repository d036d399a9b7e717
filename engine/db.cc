#include "engine/db.h"

#include <boost/container_hash/hash.hpp>
#include <utility>

namespace ks {

size_t EntryHash::operator()(std::string_view k) const {
  return boost::hash_range(k.begin(), k.end());
}

Db::~Db() { Clear(); }

Db::SlotKeys* Db::SlotFor(uint16_t slot) {
  if (!slots_) {
    slots_.reset(new SlotKeys*[kNumSlots]());
    bytes_ += kNumSlots * sizeof(SlotKeys*);
  }
  SlotKeys*& sk = slots_[slot];
  if (!sk) {
    sk = new SlotKeys();
    AddCharge(*sk, kSlotKeysBytes);
  }
  return sk;
}

Entry* Db::Find(uint16_t slot, std::string_view key) const {
  if (!slots_ || !slots_[slot]) return nullptr;
  const EntrySet& set = slots_[slot]->set;
  auto it = set.find(key);
  return it == set.end() ? nullptr : *it;
}

void Db::Insert(uint16_t slot, Entry* e) {
  SlotKeys* sk = SlotFor(slot);
  size_t buckets = sk->set.bucket_count();
  sk->set.insert(e);
  if (sk->set.bucket_count() != buckets) AddCharge(*sk, TableBytes(sk->set.bucket_count()) - TableBytes(buckets));
  AddCharge(*sk, ChargeNew(e));
  ++size_;
  if (e->has_expire()) {
    ++sk->volatile_count;
    ++volatile_;
  }
}

void Db::Replace(uint16_t slot, Entry* old_e, Entry* new_e) {
  SlotKeys* sk = slots_[slot];
  auto it = sk->set.find(old_e->key());
  // The set hashes by key bytes, which old and new share, so swapping the pointer in place
  // keeps the table consistent.
  const_cast<Entry*&>(*it) = new_e;
  Uncharge(*sk, Charge(old_e));
  AddCharge(*sk, ChargeNew(new_e));
  if (old_e->has_expire() != new_e->has_expire()) {
    if (new_e->has_expire()) {
      ++sk->volatile_count;
      ++volatile_;
    } else {
      --sk->volatile_count;
      --volatile_;
    }
  }
}

Entry* Db::SetExpire(uint16_t slot, Entry* e, int64_t expire_ms) {
  SlotKeys* sk = slots_[slot];
  auto it = sk->set.find(e->key());
  bool had = e->has_expire();
  Uncharge(*sk, Charge(e));
  Entry* n = Entry::SetExpire(e, expire_ms);
  AddCharge(*sk, Charge(n));
  // Same key bytes, so the slot's hash position is unchanged.
  const_cast<Entry*&>(*it) = n;
  if (had != n->has_expire()) {
    if (had) {
      --sk->volatile_count;
      --volatile_;
    } else {
      ++sk->volatile_count;
      ++volatile_;
    }
  }
  return n;
}

Entry* Db::Detach(uint16_t slot, std::string_view key) {
  if (!slots_ || !slots_[slot]) return nullptr;
  SlotKeys* sk = slots_[slot];
  auto it = sk->set.find(key);
  if (it == sk->set.end()) return nullptr;
  Entry* e = *it;
  sk->set.erase(it);
  Uncharge(*sk, Charge(e));
  --size_;
  if (e->has_expire()) {
    --sk->volatile_count;
    --volatile_;
  }
  if (sk->set.empty()) DropSlotTable(slot);
  else ShrinkSlotTable(*sk);
  return e;
}

void Db::ShrinkSlotTable(SlotKeys& sk) {
  // Tables grow as keys arrive but never shrink on their own: once a table is mostly empty
  // (after expiry or eviction of most of a slot), rebuild it at its size. SCAN walks whole
  // slots, so a rebuild cannot make it miss keys.
  size_t buckets = sk.set.bucket_count();
  // Below a third full: a table that just doubled is over 40% full, so inserts and deletes
  // around one size do not rebuild it back and forth.
  if (buckets < 32 || sk.set.size() * 3 >= buckets) return;
  sk.set.rehash(0);
  Uncharge(sk, TableBytes(buckets) - TableBytes(sk.set.bucket_count()));
}

void Db::DropSlotTable(uint16_t slot) {
  bytes_ -= slots_[slot]->bytes;  // the table and kSlotKeysBytes: its keys are gone
  delete slots_[slot];
  slots_[slot] = nullptr;
}

size_t Db::SlotSize(uint16_t slot) const {
  return slots_ && slots_[slot] ? slots_[slot]->set.size() : 0;
}

uint32_t Db::SlotVolatile(uint16_t slot) const {
  return slots_ && slots_[slot] ? slots_[slot]->volatile_count : 0;
}

int Db::NextNonEmptySlot(int from) const {
  if (!slots_ || size_ == 0) return -1;
  for (int s = from; s < kNumSlots; ++s)
    if (slots_[s]) return s;
  return -1;
}

Entry* Db::NthInSlot(uint16_t slot, size_t i) const {
  for (Entry* e : slots_[slot]->set)
    if (i-- == 0) return e;
  return nullptr;
}

std::unique_ptr<Db::SlotKeys> Db::TakeSlot(uint16_t slot) {
  if (!slots_ || !slots_[slot]) return nullptr;
  std::unique_ptr<SlotKeys> sk(slots_[slot]);
  slots_[slot] = nullptr;
  size_ -= sk->set.size();
  volatile_ -= sk->volatile_count;
  bytes_ -= sk->bytes;
  return sk;
}

void Db::AdoptSlot(uint16_t slot, std::unique_ptr<SlotKeys> sk) {
  if (!sk) return;
  if (!slots_) {
    slots_.reset(new SlotKeys*[kNumSlots]());
    bytes_ += kNumSlots * sizeof(SlotKeys*);
  }
  size_ += sk->set.size();
  volatile_ += sk->volatile_count;
  bytes_ += sk->bytes;
  slots_[slot] = sk.release();
}

void Db::Clear() {
  if (!slots_) return;
  for (int s = 0; s < kNumSlots; ++s) {
    SlotKeys* sk = slots_[s];
    if (!sk) continue;
    for (Entry* e : sk->set) Entry::Free(e);
    delete sk;
  }
  slots_.reset();
  size_ = 0;
  volatile_ = 0;
  bytes_ = 0;
}

void Db::Swap(Db& other) noexcept {
  std::swap(slots_, other.slots_);
  std::swap(size_, other.size_);
  std::swap(volatile_, other.volatile_);
  std::swap(bytes_, other.bytes_);
}

}  // namespace ks
