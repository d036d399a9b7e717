#pragma once
// WATCH's registry: which clients watch which keys, fed by the "key modified" signal
// (server/core/keyspace_events.h). Clients live on several I/O threads and writes signal from
// whichever thread runs them, so the registry is split into stripes by hash slot, each with
// its own mutex; a stripe's mutex is taken with the key's engine already locked (signals
// are sent under engine locks, WATCH registers under its key's engine lock), never the other
// way round. With nobody watching, a signal costs one relaxed load of the watched-key count.
//
// Redis 7.0's rules: any write, delete, expiry or eviction of a watched key dirties its
// watchers, except that a key already logically expired when it was WATCHed may be deleted
// (by expiry or a command) without that counting as a change; FLUSHDB/FLUSHALL dirty the
// watchers of keys that exist in the flushed database, SWAPDB those of keys existing in
// either database (touchAllWatchedKeysInDb). Entries are keyed by slot, so a slot that moves
// to another process can dirty its watchers (DirtySlot).
#include <array>
#include <atomic>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/core/keyspace_events.h"
#include "server/multi/transaction.h"

namespace ks {

class ShardSet;

class WatchRegistry final : public KeyspaceListener {
 public:
  explicit WatchRegistry(ShardSet& shards) : shards_(shards) {}

  // WATCH of one key by w, with the key's engine locked. A key already watched by w in db
  // is not added twice.
  void Watch(Watcher& w, int db, std::string_view key, uint16_t slot);
  // Removes every entry of w (no engine lock needed).
  void Unwatch(Watcher& w);
  // EXEC's isWatchedKeyExpired, with the engines of w's keys locked: a key that was not
  // expired when WATCHed and is logically expired now makes the transaction fail.
  bool AnyWatchedKeyExpired(Watcher& w);
  // Dirties every watcher of a key in slot, in any database (a slot leaving this process).
  void DirtySlot(uint16_t slot);

  void KeyModified(int db, std::string_view key, uint16_t slot, KeyEvent cause) override;
  void DbChanged(DbEvent event, int db, int other) override;

  // Keys watched now, over all clients (tests, INFO).
  int64_t watched_keys() const { return count_.load(std::memory_order_relaxed); }

 private:
  struct WatchEntry {
    Watcher* watcher;
    bool expired;  // the key was logically expired when WATCHed
  };
  struct Key {
    int db;
    uint16_t slot;
    std::string key;
    bool operator==(const Key& o) const { return db == o.db && key == o.key; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  struct alignas(64) Stripe {
    std::mutex mu;
    boost::unordered_flat_map<Key, std::vector<WatchEntry>, KeyHash> keys;
  };
  static constexpr size_t kStripes = 64;
  Stripe& StripeOf(uint16_t slot) { return stripes_[slot % kStripes]; }
  // Whether key exists in db (possibly expired), and whether it is logically expired. The
  // engine owning slot is locked by the caller.
  void Probe(int db, uint16_t slot, std::string_view key, bool* exists, bool* expired);
  // touchAllWatchedKeysInDb(emptied, replaced_with): replaced_with < 0 for FLUSHDB/FLUSHALL.
  void TouchAllInDb(int emptied, int replaced_with);

  ShardSet& shards_;
  std::array<Stripe, kStripes> stripes_;
  std::atomic<int64_t> count_{0};
};

}  // namespace ks
