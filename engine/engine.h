#pragma once
// Engine: one self-contained shard. It owns 16 databases, applies expiry (lazily on access and
// in a bounded active cycle) and keeps its own statistics. It knows nothing of the network,
// of other engines or of routing; callers lock mutex() around every use.
#include <array>
#include <atomic>
#include <boost/unordered/unordered_flat_map.hpp>
#include <deque>
#include <memory>
#include <string>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

#include "engine/clock.h"
#include "engine/db.h"
#include "engine/eviction.h"

namespace ks {

inline constexpr int kNumDbs = 16;

// Something waiting for a key of this engine to hold data (a client blocked in BLPOP...).
// The engine only queues waiters per key, first come first served; the server layer decides
// what serving one means.
class KeyWaiter {
 public:
  virtual ~KeyWaiter() = default;
};
using WaiterPtr = std::shared_ptr<KeyWaiter>;

// Why a key left the keyspace without a command deleting it.
enum class RemovalCause { kExpired, kEvicted };

// Told about changes the server layer must see, with the engine locked:
// - BeforeSlotChange(slot) before any key of the slot (in any database) is created, changed
//   or removed, so a snapshot in progress can copy the slot first (persistence/snapshot.h).
//   The dispatcher calls it for a write command's keys; the engine calls it for keys it
//   removes itself.
// - KeyRemoved(db, slot, key, cause) after the engine itself removed a key (expiry, eviction),
//   so that it can be logged (a DEL in the append-only file) or announced.
class EngineObserver {
 public:
  virtual ~EngineObserver() = default;
  virtual void BeforeSlotChange(uint16_t slot) = 0;
  virtual void KeyRemoved(int db, uint16_t slot, std::string_view key, RemovalCause cause) = 0;
};

// A slot's keys in every database and the clients waiting on them, taken out of one engine to
// be given to another by live resharding (Engine::TakeSlot / AdoptSlot): whole tables, so the
// hand-over costs the same for one key or a million.
struct SlotData {
  std::array<std::unique_ptr<Db::SlotKeys>, kNumDbs> dbs;
  struct Waiting {
    int db;
    std::string key;
    std::deque<WaiterPtr> queue;
  };
  std::vector<Waiting> waiters;
  bool lfu = false;  // the giving engine's access fields hold LFU counters

  size_t keys() const {
    size_t n = 0;
    for (const auto& d : dbs) n += d ? d->set.size() : 0;
    return n;
  }
  size_t bytes() const {
    size_t n = 0;
    for (const auto& d : dbs) n += d ? d->bytes : 0;
    return n;
  }
};

struct EngineStats {
  uint64_t expired_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t evicted_keys = 0;
  uint64_t commands = 0;  // commands run with this engine locked (the admin page's ops/s)
};

class Engine {
 public:
  Engine(int id, const Clock* clock) : id_(id), clock_(clock) { RefreshLruClock(); }
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  int id() const { return id_; }
  std::mutex& mutex() { return mu_; }
  int64_t NowMs() const { return clock_->NowMs(); }
  const Clock* clock() const { return clock_; }

  Db& db(int i) { return dbs_[i]; }

  // Finds a live key: an expired one is deleted here and reported missing. A found key's
  // access time is refreshed unless touch is false (OBJECT IDLETIME, CLIENT NO-TOUCH).
  Entry* Find(int db, uint16_t slot, std::string_view key, bool touch = true);
  // Like Find, and counts a keyspace hit or miss (Redis's lookupKeyRead).
  Entry* FindForRead(int db, uint16_t slot, std::string_view key, bool touch = true);

  // Redis's LRU clock: seconds, 24 bits, refreshed by the housekeeper (and tests) so that
  // touching a key costs no clock read.
  uint32_t LruClock() const { return lru_clock_.load(std::memory_order_relaxed); }
  void RefreshLruClock() {
    lru_clock_.store(static_cast<uint32_t>(clock_->NowMs() / 1000) & kLruClockMax, std::memory_order_relaxed);
  }
  static constexpr uint32_t kLruClockMax = (1u << 24) - 1;
  // Seconds since the entry was last accessed, as OBJECT IDLETIME reports it.
  uint64_t IdleSeconds(const Entry* e) const {
    uint32_t now = LruClock(), a = e->access();
    return now >= a ? now - a : (kLruClockMax - a) + now;
  }
  // Refreshes a found key's access field: the LRU clock, or under an LFU policy the decayed
  // and probabilistically incremented counter (Redis's updateLFU).
  void Touch(Entry* e) {
    if (!lfu_) e->set_access(LruClock());
    else e->set_access(LfuTouch(e->access()));
  }
  // The LFU counter as OBJECT FREQ reports it (decayed, not incremented).
  uint32_t LfuFreq(const Entry* e) const {
    return LfuDecrAndReturn(e->access(), LfuMinutes(LruClock()), mem_.lfu_decay_time);
  }

  // Memory: heap bytes of every key, value and table of the 16 databases (see Db::bytes).
  size_t UsedBytes() const {
    size_t n = 0;
    for (const auto& d : dbs_) n += d.bytes();
    return n;
  }
  const MemoryPolicy& memory_policy() const { return mem_; }
  void SetMemoryPolicy(const MemoryPolicy& p) {
    mem_ = p;
    lfu_ = IsLfu(p.policy);
    pool_.clear();
  }
  bool OverBudget() const { return mem_.maxmemory && UsedBytes() > mem_.maxmemory; }
  // Evicts keys by the policy until the engine is within its budget (Redis's
  // performEvictions): kFail when over budget with nothing evictable (the caller replies OOM),
  // kRunning when the tenacity time limit stopped it first (the command may proceed).
  EvictStatus PerformEvictions();
  // At most max_keys evictions while over budget: the housekeeper's short steps that finish
  // what PerformEvictions' time limit left (kOk within budget, kRunning still over, kFail
  // nothing evictable).
  EvictStatus EvictSome(size_t max_keys);
  // Set when PerformEvictions stopped at its time limit still over budget; read and cleared
  // without the lock by the housekeeper, which then carries on evicting.
  bool TakeEvictionBehind() { return eviction_behind_.exchange(false, std::memory_order_relaxed); }

  // Stores e under its key, freeing any previous value.
  void Put(int db, uint16_t slot, Entry* e);
  // Sets or removes (Entry::kNoExpire) the TTL of a live entry; returns its new address.
  Entry* SetExpire(int db, uint16_t slot, Entry* e, int64_t expire_ms) {
    return dbs_[db].SetExpire(slot, e, expire_ms);
  }
  // Deletes a live key; false if it did not exist.
  bool Delete(int db, uint16_t slot, std::string_view key);
  // Removes a live key and hands its entry to the caller.
  Entry* Detach(int db, uint16_t slot, std::string_view key);

  bool IsExpired(const Entry* e, int64_t now) const {
    return e->has_expire() && e->expire_ms() <= now;
  }

  // One step of the active expiry cycle: examines at most max_checks volatile keys, deleting
  // the expired ones. Returns {examined, deleted}. Resumes where the last call stopped.
  std::pair<size_t, size_t> ActiveExpireStep(size_t max_checks);

  size_t KeyCount(int db) const { return dbs_[db].size(); }
  void FlushDb(int db) { dbs_[db].Clear(); }
  void FlushAll() {
    for (auto& d : dbs_) d.Clear();
  }
  void SwapDb(int a, int b) { dbs_[a].Swap(dbs_[b]); }

  EngineStats& stats() { return stats_; }

  // Blocking support: FIFO queues of waiters per (db, key).
  void AddWaiter(int db, std::string_view key, WaiterPtr w);
  void RemoveWaiter(int db, std::string_view key, const KeyWaiter* w);
  WaiterPtr FrontWaiter(int db, std::string_view key) const;
  // Every waiter of a key, in queue order (a copy: serving them changes the queue).
  std::vector<WaiterPtr> Waiters(int db, std::string_view key) const;
  bool has_waiters() const { return waited_keys_ > 0; }
  // Calls f(db, key) for every waited key that now exists (and is not expired).
  template <typename F>
  void ForEachReadyKey(F&& f) {
    for (int db = 0; db < kNumDbs; ++db)
      for (auto& [key, q] : waiters_[db])
        if (!q.empty() && Find(db, KeySlotOf(key), key, false)) f(db, std::string_view(key));
  }
  // Live resharding: removes the slot's keys (every database) and its waiters from this
  // engine, and installs them in another. Both engines locked; the slot must hold no key in
  // the adopting one. Memory follows the tables.
  SlotData TakeSlot(uint16_t slot);
  void AdoptSlot(uint16_t slot, SlotData data);

  // At most one observer (owned by the caller, set before use, with the engine locked).
  void set_observer(EngineObserver* o) { observer_ = o; }
  // While *hold is true (CLIENT PAUSE), a lookup hides an expired key without deleting it,
  // so the data set does not change under a paused server (Redis's expireIfNeeded).
  void set_expiry_hold(const std::atomic<bool>* hold) { expiry_hold_ = hold; }
  EngineObserver* observer() const { return observer_; }
  bool expiry_held() const { return expiry_hold_ && expiry_hold_->load(std::memory_order_relaxed); }
  // Announces a coming change to a slot's keys (see EngineObserver::BeforeSlotChange).
  void BeforeSlotChange(uint16_t slot) {
    if (observer_) observer_->BeforeSlotChange(slot);
  }
  // The same for every slot (FLUSHALL, FLUSHDB, SWAPDB).
  void BeforeAllSlotsChange() {
    if (observer_)
      for (int s = 0; s < kNumSlots; ++s) observer_->BeforeSlotChange(static_cast<uint16_t>(s));
  }

  // The engine does not route, but it needs a key's slot to look it up; set by the owner.
  void set_slot_fn(uint16_t (*fn)(std::string_view)) { slot_fn_ = fn; }

 private:
  int id_;
  const Clock* clock_;
  std::mutex mu_;
  std::array<Db, kNumDbs> dbs_;
  EngineStats stats_;
  const std::atomic<bool>* expiry_hold_ = nullptr;
  EngineObserver* observer_ = nullptr;
  // Removes an expired or evicted key, telling the observer before and after.
  void RemoveByEngine(int db, uint16_t slot, std::string_view key, RemovalCause cause);
  std::atomic<uint32_t> lru_clock_{0};
  MemoryPolicy mem_;
  bool lfu_ = false;  // mem_.policy is an LFU one: access() holds an LFU counter
  std::vector<EvictionCandidate> pool_;
  std::atomic<bool> eviction_behind_{false};
  uint64_t rng_ = 0x9E3779B97F4A7C15ull;
  uint64_t NextRandom() {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return rng_;
  }
  uint32_t LfuTouch(uint32_t access);
  // Eviction helpers (engine/eviction.cc).
  Entry* SampleKey(int db, bool volatile_only, uint16_t* slot);
  // Slots [lo, hi] of a db that held keys when last looked at (all slots until then): random
  // slot draws are made there, so an engine owning 1/8 of the slots does not miss 7 draws in 8.
  struct SlotRange {
    uint16_t lo = 0, hi = kNumSlots - 1;
  };
  std::array<SlotRange, kNumDbs> sample_range_{};
  uint32_t samples_taken_ = 0;
  void RefreshSampleRange(int db);
  void PopulatePool(int db, bool volatile_only);
  bool EvictOne();
  int evict_next_db_ = 0;
  uint16_t KeySlotOf(std::string_view key) const { return slot_fn_(key); }
  uint16_t (*slot_fn_)(std::string_view) = nullptr;
  struct StrHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::array<boost::unordered_flat_map<std::string, std::deque<WaiterPtr>, StrHash, std::equal_to<>>, kNumDbs> waiters_;
  size_t waited_keys_ = 0;
  // Active expiry cursor.
  int expire_db_ = 0;
  int expire_slot_ = 0;
};

}  // namespace ks
