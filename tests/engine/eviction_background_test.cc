// Eviction that keeps up after a command's time limit: EvictSome's bounded steps, the flag
// PerformEvictions leaves for the housekeeper, and the housekeeper bringing every engine of a
// server back within budget with no client command in between.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "engine/engine.h"
#include "routing/slots.h"
#include "server/core/housekeeper.h"
#include "tests/support/direct_client.h"

namespace ks {
namespace {

class EvictionSteps : public ::testing::Test {
 protected:
  ManualClock clock;
  Engine eng{0, &clock};

  void Fill(int n) {
    for (int i = 0; i < n; ++i) {
      std::string key = "k" + std::to_string(i);
      eng.Put(0, KeySlot(key), Entry::NewString(key, std::string(100, 'v'), Encoding::kRaw, Entry::kNoExpire));
    }
  }
  void Policy(EvictionPolicy p, uint64_t maxmemory, int tenacity) {
    MemoryPolicy m;
    m.policy = p;
    m.maxmemory = maxmemory;
    m.tenacity = tenacity;
    eng.SetMemoryPolicy(m);
  }
};

TEST_F(EvictionSteps, EvictSomeEvictsAtMostTheGivenNumberOfKeys) {
  Fill(1000);
  Policy(EvictionPolicy::kAllKeysLru, eng.UsedBytes() / 2, 100);
  EXPECT_EQ(eng.EvictSome(10), EvictStatus::kRunning);
  EXPECT_EQ(eng.KeyCount(0), 990u);
  EXPECT_EQ(eng.stats().evicted_keys, 10u);
}

TEST_F(EvictionSteps, RepeatedStepsReachTheBudgetAndThenReportOk) {
  Fill(1000);
  Policy(EvictionPolicy::kAllKeysRandom, eng.UsedBytes() / 2, 100);
  int steps = 0;
  while (eng.EvictSome(16) == EvictStatus::kRunning) ++steps;
  EXPECT_FALSE(eng.OverBudget());
  EXPECT_GT(steps, 1);
  const size_t left = eng.KeyCount(0);
  EXPECT_EQ(eng.EvictSome(16), EvictStatus::kOk);
  EXPECT_EQ(eng.KeyCount(0), left) << "nothing is evicted within budget";
}

TEST_F(EvictionSteps, EvictSomeFailsWhenNothingIsEvictable) {
  Fill(100);  // no TTLs: a volatile policy has nothing to take
  Policy(EvictionPolicy::kVolatileLru, eng.UsedBytes() / 2, 100);
  EXPECT_EQ(eng.EvictSome(16), EvictStatus::kFail);
  Policy(EvictionPolicy::kNoEviction, eng.UsedBytes() / 2, 100);
  EXPECT_EQ(eng.EvictSome(16), EvictStatus::kFail);
  EXPECT_EQ(eng.KeyCount(0), 100u);
}

TEST_F(EvictionSteps, TimeLimitedEvictionLeavesTheEngineMarkedBehindOnce) {
  Fill(2000);
  // Tenacity 0 is a zero time limit: PerformEvictions stops at its first check (16 keys).
  Policy(EvictionPolicy::kAllKeysLru, eng.UsedBytes() / 4, 0);
  EXPECT_FALSE(eng.TakeEvictionBehind());
  EXPECT_EQ(eng.PerformEvictions(), EvictStatus::kRunning);
  EXPECT_TRUE(eng.OverBudget());
  EXPECT_TRUE(eng.TakeEvictionBehind());
  EXPECT_FALSE(eng.TakeEvictionBehind()) << "taking the flag clears it";
}

TEST_F(EvictionSteps, EvictionWithinTheTimeLimitDoesNotMarkTheEngine) {
  Fill(1000);
  Policy(EvictionPolicy::kAllKeysLru, eng.UsedBytes() / 2, 100);
  EXPECT_EQ(eng.PerformEvictions(), EvictStatus::kOk);
  EXPECT_FALSE(eng.TakeEvictionBehind());
}

// A whole server: a lowered budget with tenacity 0 leaves every engine far over (CONFIG SET
// evicts only 16 keys per engine); the housekeeper's background pass, with no command sent,
// brings them all back.
class BackgroundEviction : public ::testing::Test {
 protected:
  test::TestServer srv{4};
  test::DirectClient c{srv};

  int64_t Info(const std::string& section, const std::string& field) {
    std::string info = c.Run({"INFO", section});
    size_t p = info.find(field + ":");
    if (p == std::string::npos) return -1;
    return std::stoll(info.substr(p + field.size() + 1));
  }
  size_t OverBudgetEngines() {
    return test::SumOverEngines(srv, [](Engine& e) { return e.OverBudget() ? 1 : 0; });
  }
  size_t Keys() {
    return test::SumOverEngines(srv, [](Engine& e) { return e.KeyCount(0); });
  }
  // Fills the keyspace, then lowers maxmemory to about half of what the keys use.
  void PushOverBudget() {
    ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}), "OK");
    ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory-eviction-tenacity", "0"}), "OK");
    const std::string value(200, 'v');
    for (int i = 0; i < 20000; ++i) c.Run({"SET", "key:" + std::to_string(i), value});
    const size_t engines = test::UsedBytes(srv);
    const int64_t used = Info("memory", "used_memory");
    ASSERT_GT(used, static_cast<int64_t>(engines));
    ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory", std::to_string(used - static_cast<int64_t>(engines) / 2)}), "OK");
    ASSERT_EQ(OverBudgetEngines(), 4u) << "CONFIG SET's own eviction should have stopped at its time limit";
  }
};

TEST_F(BackgroundEviction, HousekeeperPassBringsEveryEngineWithinBudgetWithoutCommands) {
  PushOverBudget();
  const size_t before = Keys();
  EXPECT_FALSE(Housekeeper::EvictInBackground(srv.state.shards(), std::chrono::seconds(60)));
  EXPECT_EQ(OverBudgetEngines(), 0u);
  EXPECT_LT(Keys(), before * 3 / 4);
  EXPECT_GE(Keys(), before / 4);
}

TEST_F(BackgroundEviction, PassStoppedByItsTimeBudgetReportsStillBehind) {
  PushOverBudget();
  // A zero budget allows one step per engine: far from enough for ~10000 keys.
  EXPECT_TRUE(Housekeeper::EvictInBackground(srv.state.shards(), std::chrono::microseconds(0)));
  EXPECT_GT(OverBudgetEngines(), 0u);
}

TEST_F(BackgroundEviction, HousekeeperThreadCatchesUpOnItsOwn) {
  PushOverBudget();
  Housekeeper hk(srv.state);
  hk.Start();
  // The thread reacts within 10 ms of the mark CONFIG SET left; the deadline is only a
  // guard against a hang on a loaded machine.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (OverBudgetEngines() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  hk.Stop();
  EXPECT_EQ(OverBudgetEngines(), 0u);
}

TEST_F(BackgroundEviction, NoevictionEnginesAreLeftAloneAndDoNotKeepThePassBusy) {
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory-policy", "noeviction"}), "OK");
  const std::string value(200, 'v');
  for (int i = 0; i < 2000; ++i) c.Run({"SET", "key:" + std::to_string(i), value});
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory", "1"}), "OK");
  EXPECT_FALSE(Housekeeper::EvictInBackground(srv.state.shards(), std::chrono::seconds(60)));
  EXPECT_EQ(Keys(), 2000u);
}

}  // namespace
}  // namespace ks
