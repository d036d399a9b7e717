// Eviction policies of one engine with a ManualClock: which keys each policy gives up, the
// LFU counter's arithmetic, and refusing (kFail) when nothing may be evicted.
#include <gtest/gtest.h>

#include <string>

#include "engine/engine.h"
#include "engine/eviction.h"
#include "routing/slots.h"

namespace ks {
namespace {

class Eviction : public ::testing::Test {
 protected:
  ManualClock clock;
  Engine eng{0, &clock};

  void Add(const std::string& key, int64_t expire_ms = Entry::kNoExpire) {
    eng.Put(0, KeySlot(key), Entry::NewString(key, std::string(100, 'v'), Encoding::kRaw, expire_ms));
  }
  bool Has(const std::string& key) { return eng.db(0).Find(KeySlot(key), key) != nullptr; }
  void Policy(EvictionPolicy p, uint64_t maxmemory) {
    MemoryPolicy m;
    m.policy = p;
    m.maxmemory = maxmemory;
    m.tenacity = 100;  // no time limit: these tests check what is evicted, not how fast
    eng.SetMemoryPolicy(m);
  }
  void Later(int64_t seconds) {
    clock.Advance(seconds * 1000);
    eng.RefreshLruClock();
  }
  // Budget that fits about `keys` of the keys added by Add (db 0's slot array is fixed).
  uint64_t BudgetFor(size_t keys) {
    const size_t fixed = kNumSlots * sizeof(void*);
    return (eng.UsedBytes() - fixed) * keys / eng.KeyCount(0) + fixed;
  }
};

TEST_F(Eviction, NoEvictionFailsOverBudgetAndPassesUnder) {
  for (int i = 0; i < 100; ++i) Add("k" + std::to_string(i));
  Policy(EvictionPolicy::kNoEviction, eng.UsedBytes() + 1);
  EXPECT_EQ(eng.PerformEvictions(), EvictStatus::kOk);
  Policy(EvictionPolicy::kNoEviction, eng.UsedBytes() / 2);
  EXPECT_EQ(eng.PerformEvictions(), EvictStatus::kFail);
  EXPECT_EQ(eng.KeyCount(0), 100u);
}

TEST_F(Eviction, ZeroMaxmemoryNeverEvicts) {
  for (int i = 0; i < 100; ++i) Add("k" + std::to_string(i));
  Policy(EvictionPolicy::kAllKeysRandom, 0);
  EXPECT_EQ(eng.PerformEvictions(), EvictStatus::kOk);
  EXPECT_EQ(eng.KeyCount(0), 100u);
}

TEST_F(Eviction, AllKeysLruEvictsTheLongestIdle) {
  for (int i = 0; i < 1000; ++i) Add("k" + std::to_string(i));
  Later(100);
  for (int i = 500; i < 1000; ++i) ASSERT_TRUE(eng.Find(0, KeySlot("k" + std::to_string(i)), "k" + std::to_string(i)));
  Later(1);
  Policy(EvictionPolicy::kAllKeysLru, BudgetFor(800));
  ASSERT_EQ(eng.PerformEvictions(), EvictStatus::kOk);
  EXPECT_LE(eng.UsedBytes(), eng.memory_policy().maxmemory);
  int recent_evicted = 0;
  for (int i = 500; i < 1000; ++i) recent_evicted += !Has("k" + std::to_string(i));
  EXPECT_EQ(recent_evicted, 0);
  EXPECT_GE(eng.stats().evicted_keys, 150u);
}

TEST_F(Eviction, AllKeysLfuEvictsTheLeastFrequent) {
  MemoryPolicy m;
  m.policy = EvictionPolicy::kAllKeysLfu;
  eng.SetMemoryPolicy(m);
  for (int i = 0; i < 1000; ++i) Add("k" + std::to_string(i));
  for (int round = 0; round < 30; ++round)
    for (int i = 0; i < 300; ++i) eng.Find(0, KeySlot("k" + std::to_string(i)), "k" + std::to_string(i));
  Policy(EvictionPolicy::kAllKeysLfu, BudgetFor(600));
  ASSERT_EQ(eng.PerformEvictions(), EvictStatus::kOk);
  int hot_evicted = 0;
  for (int i = 0; i < 300; ++i) hot_evicted += !Has("k" + std::to_string(i));
  EXPECT_EQ(hot_evicted, 0);
}

TEST_F(Eviction, VolatileTtlEvictsTheSoonestToExpireAndKeepsPersistentKeys) {
  int64_t now = clock.NowMs();
  for (int i = 0; i < 500; ++i) Add("v" + std::to_string(i), now + 1000000 + i * 1000);
  for (int i = 0; i < 500; ++i) Add("p" + std::to_string(i));
  Policy(EvictionPolicy::kVolatileTtl, BudgetFor(900));
  ASSERT_EQ(eng.PerformEvictions(), EvictStatus::kOk);
  for (int i = 0; i < 500; ++i) EXPECT_TRUE(Has("p" + std::to_string(i)));
  int late_evicted = 0;
  for (int i = 250; i < 500; ++i) late_evicted += !Has("v" + std::to_string(i));
  EXPECT_EQ(late_evicted, 0);
}

TEST_F(Eviction, VolatilePoliciesOnlyEvictKeysWithTtl) {
  for (EvictionPolicy p : {EvictionPolicy::kVolatileLru, EvictionPolicy::kVolatileLfu, EvictionPolicy::kVolatileRandom}) {
    eng.FlushAll();
    int64_t now = clock.NowMs();
    for (int i = 0; i < 200; ++i) Add("v" + std::to_string(i), now + 1000000);
    for (int i = 0; i < 200; ++i) Add("p" + std::to_string(i));
    Policy(p, BudgetFor(300));
    ASSERT_EQ(eng.PerformEvictions(), EvictStatus::kOk) << PolicyName(p);
    for (int i = 0; i < 200; ++i) EXPECT_TRUE(Has("p" + std::to_string(i))) << PolicyName(p);
    EXPECT_LT(eng.db(0).volatile_size(), 200u);
  }
}

TEST_F(Eviction, VolatilePolicyWithoutVolatileKeysFails) {
  for (int i = 0; i < 100; ++i) Add("p" + std::to_string(i));
  Policy(EvictionPolicy::kVolatileLru, BudgetFor(50));
  EXPECT_EQ(eng.PerformEvictions(), EvictStatus::kFail);
  EXPECT_EQ(eng.KeyCount(0), 100u);
}

TEST_F(Eviction, AllKeysRandomEvictsUntilUnderBudget) {
  for (int i = 0; i < 1000; ++i) Add("k" + std::to_string(i));
  Policy(EvictionPolicy::kAllKeysRandom, BudgetFor(500));
  ASSERT_EQ(eng.PerformEvictions(), EvictStatus::kOk);
  EXPECT_LE(eng.UsedBytes(), eng.memory_policy().maxmemory);
  EXPECT_GT(eng.KeyCount(0), 400u);
}

TEST_F(Eviction, EvictsAcrossDatabases) {
  for (int i = 0; i < 100; ++i) {
    std::string k = "k" + std::to_string(i);
    eng.Put(3, KeySlot(k), Entry::NewString(k, std::string(100, 'v'), Encoding::kRaw));
  }
  const size_t fixed = kNumSlots * sizeof(void*);  // db 3's slot array stays
  Policy(EvictionPolicy::kAllKeysLru, fixed + (eng.UsedBytes() - fixed) / 2);
  ASSERT_EQ(eng.PerformEvictions(), EvictStatus::kOk);
  EXPECT_LT(eng.KeyCount(3), 100u);
}

TEST(Lfu, LogIncrAlwaysCountsUpToTheInitialValueThenSlowsDown) {
  EXPECT_EQ(LfuLogIncr(0, 10, 0.999), 1u);
  EXPECT_EQ(LfuLogIncr(kLfuInitVal, 10, 0.999), kLfuInitVal + 1);
  // At counter init+1 the chance is 1/(1*10+1).
  EXPECT_EQ(LfuLogIncr(kLfuInitVal + 1, 10, 0.05), kLfuInitVal + 2);
  EXPECT_EQ(LfuLogIncr(kLfuInitVal + 1, 10, 0.5), kLfuInitVal + 1);
  EXPECT_EQ(LfuLogIncr(255, 0, 0.0), 255u);
}

TEST(Lfu, DecrAndReturnDecaysOnePerDecayPeriod) {
  uint32_t access = 100u << 8 | 20;
  EXPECT_EQ(LfuDecrAndReturn(access, 100, 1), 20u);
  EXPECT_EQ(LfuDecrAndReturn(access, 105, 1), 15u);
  EXPECT_EQ(LfuDecrAndReturn(access, 110, 2), 15u);
  EXPECT_EQ(LfuDecrAndReturn(access, 200, 1), 0u);
  EXPECT_EQ(LfuDecrAndReturn(access, 200, 0), 20u);
  // The 16-bit minute clock wraps.
  EXPECT_EQ(LfuDecrAndReturn(65530u << 8 | 20, 3, 1), 12u);
}

TEST(Lfu, PolicyNamesRoundTrip) {
  for (auto p : {EvictionPolicy::kNoEviction, EvictionPolicy::kAllKeysLru, EvictionPolicy::kAllKeysLfu,
                 EvictionPolicy::kAllKeysRandom, EvictionPolicy::kVolatileLru, EvictionPolicy::kVolatileLfu,
                 EvictionPolicy::kVolatileRandom, EvictionPolicy::kVolatileTtl})
    EXPECT_EQ(ParsePolicy(PolicyName(p)), p);
  EXPECT_EQ(ParsePolicy("ALLKEYS-LRU"), EvictionPolicy::kAllKeysLru);
  EXPECT_FALSE(ParsePolicy("lru"));
}

}  // namespace
}  // namespace ks
