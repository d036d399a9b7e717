#include "engine/engine.h"

#include <string>
#include <vector>

namespace ks {

Entry* Engine::Find(int db, uint16_t slot, std::string_view key, bool touch) {
  Db& d = dbs_[db];
  Entry* e = d.Find(slot, key);
  if (!e) return nullptr;
  if (e->has_expire() && e->expire_ms() <= clock_->NowMs()) {
    if (!expiry_held()) RemoveByEngine(db, slot, key, RemovalCause::kExpired);
    return nullptr;
  }
  if (touch) Touch(e);
  return e;
}

Entry* Engine::FindForRead(int db, uint16_t slot, std::string_view key, bool touch) {
  Entry* e = Find(db, slot, key, touch);
  if (e)
    ++stats_.keyspace_hits;
  else
    ++stats_.keyspace_misses;
  return e;
}

void Engine::Put(int db, uint16_t slot, Entry* e) {
  Db& d = dbs_[db];
  e->set_access(lfu_ ? (LfuMinutes(LruClock()) << 8 | kLfuInitVal) : LruClock());
  // Overwrite in place: detaching first would free and rebuild a slot's table whenever the
  // key is alone in its slot.
  if (Entry* old = d.Find(slot, e->key())) {
    if (lfu_) e->set_access(old->access());  // Redis's dbOverwrite keeps the LFU counter
    d.Replace(slot, old, e);
    Entry::Free(old);
  } else {
    d.Insert(slot, e);
  }
}

bool Engine::Delete(int db, uint16_t slot, std::string_view key) {
  Entry* e = Detach(db, slot, key);
  if (!e) return false;
  Entry::Free(e);
  return true;
}

Entry* Engine::Detach(int db, uint16_t slot, std::string_view key) {
  Db& d = dbs_[db];
  Entry* e = d.Find(slot, key);
  if (!e) return nullptr;
  if (e->has_expire() && e->expire_ms() <= clock_->NowMs()) {
    RemoveByEngine(db, slot, key, RemovalCause::kExpired);
    return nullptr;
  }
  return d.Detach(slot, key);
}

void Engine::RemoveByEngine(int db, uint16_t slot, std::string_view key, RemovalCause cause) {
  if (observer_) observer_->BeforeSlotChange(slot);
  Entry* e = dbs_[db].Detach(slot, key);
  if (!e) return;
  // The key may live in e itself: tell the observer before freeing it.
  if (observer_) observer_->KeyRemoved(db, slot, e->key(), cause);
  Entry::Free(e);
  ++(cause == RemovalCause::kExpired ? stats_.expired_keys : stats_.evicted_keys);
}

std::pair<size_t, size_t> Engine::ActiveExpireStep(size_t max_checks) {
  int64_t now = clock_->NowMs();
  size_t examined = 0, deleted = 0;
  // Visit at most every (db, slot) once per call, starting at the saved cursor.
  for (int visited = 0; visited < kNumDbs * kNumSlots && examined < max_checks; ++visited) {
    Db& d = dbs_[expire_db_];
    if (d.volatile_size() == 0) {
      // Skip the whole database.
      visited += kNumSlots - expire_slot_ - 1;
      expire_slot_ = 0;
      expire_db_ = (expire_db_ + 1) % kNumDbs;
      continue;
    }
    uint16_t slot = static_cast<uint16_t>(expire_slot_);
    if (d.SlotVolatile(slot) > 0) {
      // Only keys with a TTL count as examined, as in Redis (which samples its expires dict):
      // counting the persistent ones too made the cycle stop while expired keys remained.
      examined += d.SlotVolatile(slot);
      if (observer_) {
        // Collect first: the observer is told key by key, and the table must not change
        // while it is walked.
        std::vector<std::string> gone;
        d.ForEachInSlot(slot, [&](Entry* e) {
          if (IsExpired(e, now)) gone.emplace_back(e->key());
        });
        for (const std::string& k : gone) RemoveByEngine(expire_db_, slot, k, RemovalCause::kExpired);
        deleted += gone.size();
      } else {
        size_t n = d.EraseIfInSlot(slot, [&](Entry* e) { return IsExpired(e, now); });
        stats_.expired_keys += n;
        deleted += n;
      }
    }
    if (++expire_slot_ == kNumSlots) {
      expire_slot_ = 0;
      expire_db_ = (expire_db_ + 1) % kNumDbs;
    }
  }
  return {examined, deleted};
}

SlotData Engine::TakeSlot(uint16_t slot) {
  SlotData d;
  d.lfu = lfu_;
  for (int db = 0; db < kNumDbs; ++db) {
    d.dbs[db] = dbs_[db].TakeSlot(slot);
    if (waiters_[db].empty()) continue;
    for (auto& [key, q] : waiters_[db])
      if (KeySlotOf(key) == slot) d.waiters.push_back({db, key, std::move(q)});
    for (size_t i = d.waiters.size(); i-- > 0 && d.waiters[i].db == db;) {
      waiters_[db].erase(d.waiters[i].key);
      --waited_keys_;
    }
  }
  return d;
}

void Engine::AdoptSlot(uint16_t slot, SlotData d) {
  for (int db = 0; db < kNumDbs; ++db) {
    if (!d.dbs[db]) continue;
    if (d.lfu != lfu_) {
      // The access field means LRU seconds under one policy and an LFU counter under the
      // other: start the adopted keys afresh, as new keys would.
      for (Entry* e : d.dbs[db]->set) e->set_access(lfu_ ? (LfuMinutes(LruClock()) << 8 | kLfuInitVal) : LruClock());
    }
    dbs_[db].AdoptSlot(slot, std::move(d.dbs[db]));
    sample_range_[db] = SlotRange{};  // the slot may lie outside the range eviction draws from
  }
  for (auto& w : d.waiters) {
    auto [it, inserted] = waiters_[w.db].emplace(std::move(w.key), std::deque<WaiterPtr>{});
    if (inserted) ++waited_keys_;
    for (auto& p : w.queue) it->second.push_back(std::move(p));
  }
}

void Engine::AddWaiter(int db, std::string_view key, WaiterPtr w) {
  auto it = waiters_[db].find(key);
  if (it == waiters_[db].end()) {
    it = waiters_[db].emplace(std::string(key), std::deque<WaiterPtr>{}).first;
    ++waited_keys_;
  }
  it->second.push_back(std::move(w));
}

void Engine::RemoveWaiter(int db, std::string_view key, const KeyWaiter* w) {
  auto it = waiters_[db].find(key);
  if (it == waiters_[db].end()) return;
  auto& q = it->second;
  for (auto qi = q.begin(); qi != q.end(); ++qi)
    if (qi->get() == w) {
      q.erase(qi);
      break;
    }
  if (q.empty()) {
    waiters_[db].erase(it);
    --waited_keys_;
  }
}

std::vector<WaiterPtr> Engine::Waiters(int db, std::string_view key) const {
  auto it = waiters_[db].find(key);
  if (it == waiters_[db].end()) return {};
  return {it->second.begin(), it->second.end()};
}

WaiterPtr Engine::FrontWaiter(int db, std::string_view key) const {
  auto it = waiters_[db].find(key);
  if (it == waiters_[db].end() || it->second.empty()) return nullptr;
  return it->second.front();
}

}  // namespace ks
