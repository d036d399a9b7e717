#include "server/multi/watch_registry.h"

#include <boost/container_hash/hash.hpp>
#include <utility>

#include "routing/shard_set.h"

namespace ks {

Watcher::~Watcher() { UnwatchAll(); }

void Watcher::UnwatchAll() {
  if (registry && !keys.empty()) registry->Unwatch(*this);
  keys.clear();
  dirty.store(false, std::memory_order_relaxed);
  remote = -1;
  if (release_remote) std::exchange(release_remote, nullptr)();
}

size_t WatchRegistry::KeyHash::operator()(const Key& k) const {
  size_t h = std::hash<std::string_view>()(k.key);
  boost::hash_combine(h, k.db);
  return h;
}

void WatchRegistry::Probe(int db, uint16_t slot, std::string_view key, bool* exists, bool* expired) {
  Engine& e = shards_.engine(shards_.slots().EngineOf(slot));
  const Entry* entry = e.db(db).Find(slot, key);  // raw: an expired entry is still there
  *exists = entry != nullptr;
  *expired = entry && e.IsExpired(entry, e.NowMs());
}

void WatchRegistry::Watch(Watcher& w, int db, std::string_view key, uint16_t slot) {
  for (const Watcher::Key& k : w.keys)
    if (k.db == db && k.key == key) return;
  bool exists, expired;
  Probe(db, slot, key, &exists, &expired);
  {
    Stripe& s = StripeOf(slot);
    std::lock_guard lk(s.mu);
    s.keys[Key{db, slot, std::string(key)}].push_back(WatchEntry{&w, expired});
  }
  w.keys.push_back(Watcher::Key{db, slot, std::string(key)});
  w.registry = this;
  count_.fetch_add(1, std::memory_order_relaxed);
}

void WatchRegistry::Unwatch(Watcher& w) {
  for (const Watcher::Key& k : w.keys) {
    Stripe& s = StripeOf(k.slot);
    std::lock_guard lk(s.mu);
    auto it = s.keys.find(Key{k.db, k.slot, k.key});
    if (it == s.keys.end()) continue;
    auto& v = it->second;
    for (size_t i = 0; i < v.size(); ++i)
      if (v[i].watcher == &w) {
        v[i] = v.back();
        v.pop_back();
        count_.fetch_sub(1, std::memory_order_relaxed);
        break;
      }
    if (v.empty()) s.keys.erase(it);
  }
}

bool WatchRegistry::AnyWatchedKeyExpired(Watcher& w) {
  for (const Watcher::Key& k : w.keys) {
    bool was_expired = false;
    {
      Stripe& s = StripeOf(k.slot);
      std::lock_guard lk(s.mu);
      auto it = s.keys.find(Key{k.db, k.slot, k.key});
      if (it == s.keys.end()) continue;
      for (const WatchEntry& e : it->second)
        if (e.watcher == &w) was_expired = e.expired;
    }
    if (was_expired) continue;
    bool exists, expired;
    Probe(k.db, k.slot, k.key, &exists, &expired);
    if (expired) return true;
  }
  return false;
}

void WatchRegistry::KeyModified(int db, std::string_view key, uint16_t slot, KeyEvent cause, uint64_t) {
  // The write fast path: nobody watches anything.
  if (count_.load(std::memory_order_relaxed) == 0) return;
  Stripe& s = StripeOf(slot);
  std::lock_guard lk(s.mu);
  if (s.keys.empty()) return;
  auto it = s.keys.find(Key{db, slot, std::string(key)});
  if (it == s.keys.end()) return;
  // Signals come after the change: a removal means the key is gone now.
  const bool gone = cause != KeyEvent::kWritten;
  for (WatchEntry& e : it->second) {
    if (e.expired && gone) {
      // An already expired key got deleted: logically no change (touchWatchedKey).
      e.expired = false;
      continue;
    }
    e.watcher->dirty.store(true, std::memory_order_release);
  }
}

void WatchRegistry::TouchAllInDb(int emptied, int replaced_with) {
  for (Stripe& s : stripes_) {
    std::lock_guard lk(s.mu);
    for (auto& [k, entries] : s.keys) {
      if (k.db != emptied) continue;
      bool in_emptied, emptied_expired, in_other = false, other_expired = false;
      Probe(emptied, k.slot, k.key, &in_emptied, &emptied_expired);
      if (replaced_with >= 0) Probe(replaced_with, k.slot, k.key, &in_other, &other_expired);
      if (!in_emptied && !in_other) continue;
      for (WatchEntry& e : entries) {
        if (e.expired) {
          if (!in_other) {
            e.expired = false;  // the expired key is deleted: no logical change
            continue;
          }
          if (other_expired) continue;  // an expired key stays expired
        } else if (!in_emptied && other_expired) {
          e.expired = true;  // a missing key replaced by an expired one
          continue;
        }
        e.watcher->dirty.store(true, std::memory_order_release);
      }
    }
  }
}

void WatchRegistry::DbChanged(DbEvent event, int db, int other) {
  if (count_.load(std::memory_order_relaxed) == 0) return;
  // Sent before the change, with every engine locked.
  switch (event) {
    case DbEvent::kFlushDb:
      return TouchAllInDb(db, -1);
    case DbEvent::kFlushAll:
      for (int d = 0; d < kNumDbs; ++d) TouchAllInDb(d, -1);
      return;
    case DbEvent::kSwapDb:
      TouchAllInDb(db, other);
      TouchAllInDb(other, db);
      return;
  }
}

void WatchRegistry::DirtySlot(uint16_t slot) {
  Stripe& s = StripeOf(slot);
  std::lock_guard lk(s.mu);
  for (auto& [k, entries] : s.keys)
    if (k.slot == slot)
      for (WatchEntry& e : entries) e.watcher->dirty.store(true, std::memory_order_release);
}

}  // namespace ks
