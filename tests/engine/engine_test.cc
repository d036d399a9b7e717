// Engine and Db: keyspace tables per slot, volatile counts, lazy and active expiry.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "engine/engine.h"
#include "routing/slots.h"

namespace ks {
namespace {

Entry* Str(std::string_view key, std::string_view value, int64_t expire_ms = Entry::kNoExpire) {
  return Entry::NewString(key, value, StringEncodingFor(value), expire_ms);
}

std::set<std::string> SlotKeys(const Db& d, uint16_t slot) {
  std::set<std::string> out;
  d.ForEachInSlot(slot, [&](Entry* e) { out.emplace(e->key()); });
  return out;
}

class EngineTest : public ::testing::Test {
 protected:
  ManualClock clock;
  Engine engine{0, &clock};
  int64_t Now() const { return clock.NowMs(); }
};

TEST_F(EngineTest, PutThenFindReturnsTheEntry) {
  engine.Put(0, 7, Str("k", "v"));
  Entry* e = engine.Find(0, 7, "k");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->str(), "v");
  EXPECT_EQ(engine.KeyCount(0), 1u);
  EXPECT_EQ(engine.Find(1, 7, "k"), nullptr) << "databases are separate";
}

TEST_F(EngineTest, PutReplacesTheOldValueAndKeepsOneKey) {
  engine.Put(0, 7, Str("k", "v1"));
  engine.Put(0, 7, Str("k", "v2"));
  EXPECT_EQ(engine.Find(0, 7, "k")->str(), "v2");
  EXPECT_EQ(engine.KeyCount(0), 1u);
}

TEST_F(EngineTest, FindDeletesAKeyOnceItsTimeHasCome) {
  engine.Put(0, 3, Str("k", "v", Now() + 100));
  clock.Advance(99);
  EXPECT_NE(engine.Find(0, 3, "k"), nullptr);
  clock.Advance(1);
  EXPECT_EQ(engine.Find(0, 3, "k"), nullptr);
  EXPECT_EQ(engine.KeyCount(0), 0u);
  EXPECT_EQ(engine.db(0).volatile_size(), 0u);
  EXPECT_EQ(engine.stats().expired_keys, 1u);
}

TEST_F(EngineTest, FindForReadCountsHitsAndMisses) {
  engine.Put(0, 1, Str("k", "v"));
  engine.FindForRead(0, 1, "k");
  engine.FindForRead(0, 1, "nope");
  engine.FindForRead(0, 1, "nope");
  EXPECT_EQ(engine.stats().keyspace_hits, 1u);
  EXPECT_EQ(engine.stats().keyspace_misses, 2u);
}

TEST_F(EngineTest, FindWithoutTouchKeepsTheIdleTime) {
  engine.Put(0, 1, Str("k", "v"));
  clock.Advance(5000);
  engine.RefreshLruClock();
  EXPECT_EQ(engine.IdleSeconds(engine.Find(0, 1, "k", /*touch=*/false)), 5u);
  EXPECT_EQ(engine.IdleSeconds(engine.Find(0, 1, "k", /*touch=*/false)), 5u);
  engine.Find(0, 1, "k");
  EXPECT_EQ(engine.IdleSeconds(engine.Find(0, 1, "k", false)), 0u);
}

TEST_F(EngineTest, SetExpireAddsAndRemovesTtlWithVolatileCounts) {
  engine.Put(0, 9, Str("k", "v"));
  Entry* e = engine.Find(0, 9, "k");
  e = engine.SetExpire(0, 9, e, Now() + 1000);
  EXPECT_EQ(e->expire_ms(), Now() + 1000);
  EXPECT_EQ(engine.db(0).volatile_size(), 1u);
  EXPECT_EQ(engine.db(0).SlotVolatile(9), 1u);
  EXPECT_EQ(engine.Find(0, 9, "k"), e) << "the table points at the moved entry";
  e = engine.SetExpire(0, 9, e, Now() + 2000);  // changing a TTL keeps the count
  EXPECT_EQ(engine.db(0).volatile_size(), 1u);
  e = engine.SetExpire(0, 9, e, Entry::kNoExpire);
  EXPECT_FALSE(e->has_expire());
  EXPECT_EQ(engine.db(0).volatile_size(), 0u);
  EXPECT_EQ(engine.db(0).SlotVolatile(9), 0u);
  EXPECT_EQ(engine.Find(0, 9, "k")->str(), "v");
}

TEST_F(EngineTest, DetachHandsOverALiveEntryButNotAnExpiredOne) {
  engine.Put(0, 2, Str("live", "1"));
  engine.Put(0, 2, Str("dead", "2", Now() + 10));
  Entry* e = engine.Detach(0, 2, "live");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->key(), "live");
  Entry::Free(e);
  clock.Advance(10);
  EXPECT_EQ(engine.Detach(0, 2, "dead"), nullptr);
  EXPECT_EQ(engine.KeyCount(0), 0u);
  EXPECT_EQ(engine.db(0).volatile_size(), 0u);
}

TEST_F(EngineTest, DeleteReportsWhetherTheKeyExisted) {
  engine.Put(0, 2, Str("k", "v"));
  EXPECT_TRUE(engine.Delete(0, 2, "k"));
  EXPECT_FALSE(engine.Delete(0, 2, "k"));
}

TEST_F(EngineTest, RekeyMovesValueAndTtlUnderTheNewName) {
  Entry* e = Str("old", "value", Now() + 500);
  Entry* n = Entry::Rekey(e, "a-much-longer-new-name");
  EXPECT_EQ(n->key(), "a-much-longer-new-name");
  EXPECT_EQ(n->str(), "value");
  EXPECT_EQ(n->expire_ms(), Now() + 500);
  EXPECT_EQ(n->type(), ObjType::kString);
  Entry::Free(n);
}

TEST_F(EngineTest, ActiveExpireStepDeletesExpiredKeysAcrossDatabases) {
  for (int i = 0; i < 50; ++i) {
    std::string k = "k" + std::to_string(i);
    engine.Put(i % 3, KeySlot(k), Str(k, "v", Now() + (i < 30 ? 100 : 100000)));
  }
  engine.Put(0, KeySlot("persistent"), Str("persistent", "v"));
  clock.Advance(100);
  size_t deleted = 0;
  for (int i = 0; i < 100; ++i) deleted += engine.ActiveExpireStep(16).second;
  EXPECT_EQ(deleted, 30u);
  EXPECT_EQ(engine.KeyCount(0) + engine.KeyCount(1) + engine.KeyCount(2), 21u);
  EXPECT_EQ(engine.db(0).volatile_size() + engine.db(1).volatile_size() + engine.db(2).volatile_size(), 20u);
  EXPECT_EQ(engine.stats().expired_keys, 30u);
}

TEST_F(EngineTest, ActiveExpireStepRespectsItsBudgetAndResumes) {
  for (int i = 0; i < 40; ++i) {
    std::string k = "key:" + std::to_string(i);
    engine.Put(0, KeySlot(k), Str(k, "v", Now() + 1));
  }
  clock.Advance(1);
  auto [examined, deleted] = engine.ActiveExpireStep(10);
  EXPECT_GE(examined, 10u);
  EXPECT_LT(deleted, 40u) << "one step stops after its budget";
  size_t total = deleted;
  for (int i = 0; i < 20 && total < 40; ++i) total += engine.ActiveExpireStep(10).second;
  EXPECT_EQ(total, 40u);
  EXPECT_EQ(engine.KeyCount(0), 0u);
}

TEST_F(EngineTest, ActiveExpireStepWithNothingVolatileExaminesNothing) {
  engine.Put(0, 5, Str("k", "v"));
  EXPECT_EQ(engine.ActiveExpireStep(100), (std::pair<size_t, size_t>{0, 0}));
  EXPECT_EQ(engine.KeyCount(0), 1u);
}

TEST_F(EngineTest, SlotsListTheirOwnKeysOnly) {
  Db& d = engine.db(0);
  engine.Put(0, 10, Str("a", "1"));
  engine.Put(0, 10, Str("b", "2"));
  engine.Put(0, 20, Str("c", "3"));
  EXPECT_EQ(SlotKeys(d, 10), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(SlotKeys(d, 20), (std::set<std::string>{"c"}));
  EXPECT_TRUE(SlotKeys(d, 11).empty());
  EXPECT_EQ(d.SlotSize(10), 2u);
  EXPECT_EQ(d.SlotSize(11), 0u);
}

TEST_F(EngineTest, NextNonEmptySlotWalksSlotsInOrder) {
  Db& d = engine.db(0);
  EXPECT_EQ(d.NextNonEmptySlot(0), -1);
  engine.Put(0, 5, Str("a", "1"));
  engine.Put(0, 16383, Str("b", "2"));
  EXPECT_EQ(d.NextNonEmptySlot(0), 5);
  EXPECT_EQ(d.NextNonEmptySlot(5), 5);
  EXPECT_EQ(d.NextNonEmptySlot(6), 16383);
  EXPECT_EQ(d.NextNonEmptySlot(16384), -1);
  engine.Delete(0, 5, "a");
  EXPECT_EQ(d.NextNonEmptySlot(0), 16383) << "an emptied slot is skipped";
}

TEST_F(EngineTest, EraseIfInSlotDropsASlotAndKeepsCountsRight) {
  Db& d = engine.db(0);
  engine.Put(0, 10, Str("a", "1", Now() + 1000));
  engine.Put(0, 10, Str("b", "2"));
  engine.Put(0, 11, Str("c", "3", Now() + 1000));
  EXPECT_EQ(d.EraseIfInSlot(10, [](Entry*) { return true; }), 2u);
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(d.volatile_size(), 1u);
  EXPECT_EQ(d.SlotSize(10), 0u);
  EXPECT_EQ(d.NextNonEmptySlot(0), 11);
}

TEST_F(EngineTest, NthInSlotReachesEveryKeyOfTheSlot) {
  Db& d = engine.db(0);
  for (int i = 0; i < 5; ++i) engine.Put(0, 42, Str("k" + std::to_string(i), "v"));
  std::set<std::string> seen;
  for (size_t i = 0; i < d.SlotSize(42); ++i) seen.emplace(d.NthInSlot(42, i)->key());
  EXPECT_EQ(seen.size(), 5u);
}

TEST_F(EngineTest, MovingAnEntryBetweenDatabasesKeepsBothCountsRight) {
  engine.Put(0, 4, Str("k", "v", Now() + 1000));
  engine.Put(1, 4, engine.Detach(0, 4, "k"));
  EXPECT_EQ(engine.KeyCount(0), 0u);
  EXPECT_EQ(engine.KeyCount(1), 1u);
  EXPECT_EQ(engine.db(0).volatile_size(), 0u);
  EXPECT_EQ(engine.db(1).volatile_size(), 1u);
}

TEST_F(EngineTest, SwapDbAndFlushDb) {
  engine.Put(0, 1, Str("a", "1"));
  engine.Put(3, 1, Str("b", "2"));
  engine.SwapDb(0, 3);
  EXPECT_NE(engine.Find(0, 1, "b"), nullptr);
  EXPECT_NE(engine.Find(3, 1, "a"), nullptr);
  engine.FlushDb(0);
  EXPECT_EQ(engine.KeyCount(0), 0u);
  EXPECT_EQ(engine.KeyCount(3), 1u);
  engine.FlushAll();
  EXPECT_EQ(engine.KeyCount(3), 0u);
}

}  // namespace
}  // namespace ks
