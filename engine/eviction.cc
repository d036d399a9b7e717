// Eviction for one engine, following Redis 7.0's evict.c: sampling into a pool of the best
// candidates, the LFU counter, and the tenacity time limit.
#include "engine/eviction.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "common/strconv.h"
#include "engine/engine.h"

namespace ks {
namespace {

constexpr std::pair<std::string_view, EvictionPolicy> kPolicies[] = {
    {"noeviction", EvictionPolicy::kNoEviction},         {"allkeys-lru", EvictionPolicy::kAllKeysLru},
    {"allkeys-lfu", EvictionPolicy::kAllKeysLfu},        {"allkeys-random", EvictionPolicy::kAllKeysRandom},
    {"volatile-lru", EvictionPolicy::kVolatileLru},      {"volatile-lfu", EvictionPolicy::kVolatileLfu},
    {"volatile-random", EvictionPolicy::kVolatileRandom}, {"volatile-ttl", EvictionPolicy::kVolatileTtl},
};

// Redis's evictionTimeLimitUs: 500 us at the default tenacity 10, growing 15% per step above,
// unlimited at 100.
uint64_t TimeLimitUs(int tenacity) {
  if (tenacity <= 10) return 50ull * static_cast<uint64_t>(tenacity);
  if (tenacity < 100) return static_cast<uint64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
  return std::numeric_limits<uint64_t>::max();
}

}  // namespace

std::string_view PolicyName(EvictionPolicy p) {
  for (auto& [n, v] : kPolicies)
    if (v == p) return n;
  return "noeviction";
}

std::optional<EvictionPolicy> ParsePolicy(std::string_view name) {
  for (auto& [n, v] : kPolicies)
    if (EqualsNoCase(n, name)) return v;
  return std::nullopt;
}

uint32_t LfuDecrAndReturn(uint32_t access, uint32_t now_minutes, int decay_time) {
  uint32_t ldt = access >> 8, counter = access & 255;
  uint32_t elapsed = now_minutes >= ldt ? now_minutes - ldt : 65535 - ldt + now_minutes;
  uint32_t periods = decay_time > 0 ? elapsed / static_cast<uint32_t>(decay_time) : 0;
  if (periods) counter = periods > counter ? 0 : counter - periods;
  return counter;
}

uint32_t LfuLogIncr(uint32_t counter, int log_factor, double r) {
  if (counter == 255) return 255;
  double baseval = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
  double p = 1.0 / (baseval * log_factor + 1);
  return r < p ? counter + 1 : counter;
}

uint32_t Engine::LfuTouch(uint32_t access) {
  uint32_t now = LfuMinutes(LruClock());
  uint32_t counter = LfuDecrAndReturn(access, now, mem_.lfu_decay_time);
  double r = static_cast<double>(NextRandom() >> 11) * (1.0 / 9007199254740992.0);
  counter = LfuLogIncr(counter, mem_.lfu_log_factor, r);
  return now << 8 | counter;
}

// A random key of the db (with a TTL if volatile_only). Slots are drawn at random, so keys in
// sparse slots are a little more likely; within a slot the pick is uniform.
Entry* Engine::SampleKey(int db, bool volatile_only, uint16_t* slot) {
  Db& d = dbs_[db];
  if (volatile_only ? d.volatile_size() == 0 : d.size() == 0) return nullptr;
  int s = -1;
  // This engine owns a share of the slots: draws within the range of slots that held keys
  // usually hit a non-empty one; otherwise take the next suitable slot after a random start.
  // The range is re-read now and then, so that slots gaining keys outside it get sampled.
  if (++samples_taken_ % 4096 == 0) RefreshSampleRange(db);
  const SlotRange r = sample_range_[db];
  for (int tries = 0; tries < 64 && s < 0; ++tries) {
    int c = r.lo + static_cast<int>(NextRandom() % (r.hi - r.lo + 1u));
    if (volatile_only ? d.SlotVolatile(c) > 0 : d.SlotSize(c) > 0) s = c;
  }
  if (s < 0) {
    RefreshSampleRange(db);
    int start = static_cast<int>(NextRandom() % kNumSlots);
    for (int i = 0; i < kNumSlots && s < 0; ++i) {
      int c = (start + i) % kNumSlots;
      if (volatile_only ? d.SlotVolatile(c) > 0 : d.SlotSize(c) > 0) s = c;
    }
    if (s < 0) return nullptr;
  }
  *slot = static_cast<uint16_t>(s);
  size_t n = d.SlotSize(*slot);
  if (!volatile_only) return d.NthInSlot(*slot, NextRandom() % n);
  // The k-th key with a TTL, k random among them.
  size_t k = NextRandom() % d.SlotVolatile(*slot);
  Entry* found = nullptr;
  d.ForEachInSlot(*slot, [&](Entry* e) {
    if (!found && e->has_expire() && k-- == 0) found = e;
  });
  return found;
}

void Engine::RefreshSampleRange(int db) {
  const Db& d = dbs_[db];
  int lo = d.NextNonEmptySlot(0);
  if (lo < 0) {
    sample_range_[db] = SlotRange{};
    return;
  }
  int hi = lo;
  for (int s = lo; (s = d.NextNonEmptySlot(s)) >= 0; ++s) hi = s;
  sample_range_[db] = SlotRange{static_cast<uint16_t>(lo), static_cast<uint16_t>(hi)};
}

// Redis's evictionPoolPopulate: samples keys of one db and keeps the best in the pool, which
// stays sorted by ascending idle score.
void Engine::PopulatePool(int db, bool volatile_only) {
  for (int i = 0; i < mem_.samples; ++i) {
    uint16_t slot;
    Entry* e = SampleKey(db, volatile_only, &slot);
    if (!e) return;
    uint64_t idle;
    switch (mem_.policy) {
      case EvictionPolicy::kAllKeysLfu:
      case EvictionPolicy::kVolatileLfu:
        idle = 255 - LfuFreq(e);
        break;
      case EvictionPolicy::kVolatileTtl:
        idle = std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(e->expire_ms());
        break;
      default:
        idle = IdleSeconds(e);
    }
    std::string_view key = e->key();
    auto same = std::find_if(pool_.begin(), pool_.end(),
                             [&](const EvictionCandidate& c) { return c.db == db && c.key == key; });
    if (same != pool_.end()) pool_.erase(same);  // re-placed below with its current score
    auto pos = std::find_if(pool_.begin(), pool_.end(), [&](const EvictionCandidate& c) { return c.idle >= idle; });
    if (pool_.size() >= kEvictionPoolSize) {
      if (pos == pool_.begin()) continue;  // worse than every candidate held
      pool_.erase(pool_.begin());          // drop the worst to make room
      --pos;
    }
    pool_.insert(pos, EvictionCandidate{idle, db, slot, std::string(key)});
  }
}

bool Engine::EvictOne() {
  const bool volatile_only = IsVolatile(mem_.policy);
  auto evict = [&](int db, uint16_t slot, std::string_view key) { RemoveByEngine(db, slot, key, RemovalCause::kEvicted); };
  if (mem_.policy == EvictionPolicy::kAllKeysRandom || mem_.policy == EvictionPolicy::kVolatileRandom) {
    for (int i = 0; i < kNumDbs; ++i) {
      int db = evict_next_db_;
      evict_next_db_ = (evict_next_db_ + 1) % kNumDbs;
      uint16_t slot;
      if (Entry* e = SampleKey(db, volatile_only, &slot)) {
        std::string key(e->key());
        evict(db, slot, key);
        return true;
      }
    }
    return false;
  }
  for (;;) {
    bool any = false;
    for (int db = 0; db < kNumDbs; ++db) {
      if (volatile_only ? dbs_[db].volatile_size() == 0 : dbs_[db].size() == 0) continue;
      any = true;
      PopulatePool(db, volatile_only);
    }
    if (!any) return false;
    // The best candidate that still exists (keys may have gone since they were pooled).
    while (!pool_.empty()) {
      EvictionCandidate c = std::move(pool_.back());
      pool_.pop_back();
      Entry* e = dbs_[c.db].Find(c.slot, c.key);
      if (e && (!volatile_only || e->has_expire())) {
        evict(c.db, c.slot, c.key);
        return true;
      }
    }
  }
}

EvictStatus Engine::PerformEvictions() {
  if (!OverBudget()) return EvictStatus::kOk;
  if (mem_.policy == EvictionPolicy::kNoEviction) return EvictStatus::kFail;
  const uint64_t limit_us = TimeLimitUs(mem_.tenacity);
  const auto start = std::chrono::steady_clock::now();
  for (size_t n = 1; OverBudget(); ++n) {
    if (!EvictOne()) return EvictStatus::kFail;
    if (n % 16 == 0 && static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                  std::chrono::steady_clock::now() - start).count()) > limit_us) {
      if (!OverBudget()) return EvictStatus::kOk;
      // The housekeeper carries on from here (Redis's evictionTimeProc).
      eviction_behind_.store(true, std::memory_order_relaxed);
      return EvictStatus::kRunning;
    }
  }
  return EvictStatus::kOk;
}

EvictStatus Engine::EvictSome(size_t max_keys) {
  if (!OverBudget()) return EvictStatus::kOk;
  if (mem_.policy == EvictionPolicy::kNoEviction) return EvictStatus::kFail;
  for (size_t n = 0; n < max_keys; ++n) {
    if (!EvictOne()) return EvictStatus::kFail;
    if (!OverBudget()) return EvictStatus::kOk;
  }
  return EvictStatus::kRunning;
}

}  // namespace ks
