// Caching against real processes: a write flood from many connections keeps used_memory
// within a few percent of maxmemory, and the OOM error and MEMORY USAGE's replies are
// exactly redis-server 7.0's.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

TEST(Cache, WriteFloodFromManyConnectionsStaysWithinTheBudget) {
  constexpr int64_t kMax = 32ll * 1024 * 1024;
  KeyshardProcess ks({"--maxmemory", std::to_string(kMax), "--maxmemory-policy", "allkeys-lru"});
  ASSERT_GT(ks.port(), 0);
  constexpr int kThreads = 16, kPerThread = 12000;  // ~100 MB written: three times the budget
  std::atomic<bool> done{false};
  std::atomic<int64_t> worst{0};
  std::thread watcher([&] {
    Client c(ks.port());
    while (!done.load()) {
      int64_t used = InfoInt(c, "memory", "used_memory");
      int64_t w = worst.load();
      while (used > w && !worst.compare_exchange_weak(w, used)) {
      }
    }
  });
  std::vector<std::thread> writers;
  std::atomic<int> errors{0};
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      Client c(ks.port());
      std::string value(500 + t * 10, 'v');
      for (int i = 0; i < kPerThread; ++i)
        if (c.Run({"SET", "key:" + std::to_string(t) + ":" + std::to_string(i), value}) != "OK") ++errors;
    });
  for (auto& w : writers) w.join();
  done = true;
  watcher.join();
  Client c(ks.port());
  EXPECT_EQ(errors.load(), 0);
  int64_t used = InfoInt(c, "memory", "used_memory");
  EXPECT_LE(used, kMax * 103 / 100);
  EXPECT_GE(used, kMax * 90 / 100);
  EXPECT_LE(worst.load(), kMax * 103 / 100) << "worst used_memory seen during the flood";
  EXPECT_GT(InfoInt(c, "stats", "evicted_keys"), 0);
  EXPECT_EQ(InfoInt(c, "memory", "maxmemory"), kMax);
  std::printf("[ cache    ] used_memory %lld of %lld after the flood, worst seen %lld (%.2f%%)\n",
              static_cast<long long>(used), static_cast<long long>(kMax), static_cast<long long>(worst.load()),
              100.0 * static_cast<double>(worst.load()) / static_cast<double>(kMax));
}

// Both servers get a budget far below what they use, so every denyoom command is refused.
// keyshard's budgets are per engine: the keys share a hash tag, hence the full engine.
TEST(CacheDiff, OomErrorAndMemoryUsageRepliesMatchRedis) {
  KeyshardProcess ks;
  RedisProcess redis;
  ASSERT_GT(ks.port(), 0);
  ASSERT_GT(redis.port(), 0);
  Client k(ks.port()), r(redis.port());
  const std::vector<std::vector<std::string>> cmds = {
      {"SET", "{t}present", "v"},
      {"MEMORY", "USAGE", "{t}missing"},
      {"MEMORY", "USAGE"},
      {"MEMORY", "USAGE", "{t}present", "SAMPLES"},
      {"MEMORY", "USAGE", "{t}present", "SAMPLES", "x"},
      {"MEMORY", "USAGE", "{t}present", "SAMPLES", "-1"},
      {"MEMORY", "USAGE", "{t}missing", "SAMPLES", "5"},
      {"CONFIG", "SET", "maxmemory-policy", "nosuchpolicy"},
      {"CONFIG", "SET", "maxmemory", "1"},
      {"SET", "{t}k", "v"},
      {"LPUSH", "{t}l", "v"},
      {"GET", "{t}present"},
      {"CONFIG", "SET", "maxmemory-policy", "volatile-lru"},
      {"SET", "{t}k", "v"},
      {"OBJECT", "FREQ", "{t}present"},
      {"DEL", "{t}present"},
      {"CONFIG", "SET", "maxmemory", "0"},
      {"SET", "{t}k", "v"},
  };
  for (const auto& cmd : cmds) {
    std::string what;
    for (const auto& a : cmd) what += a + " ";
    EXPECT_EQ(k.Run(cmd), r.Run(cmd)) << what;
  }
}

}  // namespace
}  // namespace ks::test
