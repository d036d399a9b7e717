// Eviction that keeps up against a real process: an engine left over its budget by a lowered
// maxmemory (with tenacity 0, CONFIG SET's own eviction stops almost at once) comes back
// within budget with no client command, through the housekeeper's background eviction.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

TEST(CacheBackground, LoweredBudgetIsReachedWithoutClientCommands) {
  KeyshardProcess ks({"--maxmemory-policy", "allkeys-lru", "--maxmemory-eviction-tenacity", "0"});
  ASSERT_GT(ks.port(), 0);
  Client c(ks.port());
  const std::string value(200, 'v');
  for (int i = 0; i < 50000; ++i) c.Run({"SET", "key:" + std::to_string(i), value});
  const int64_t used = InfoInt(c, "memory", "used_memory");
  const int64_t target = used - (used / 4);
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory", std::to_string(target)}), "OK");
  // Only INFO from here on: it neither reads keys nor makes room. The deadline is a guard for
  // a loaded machine; the housekeeper reacts within milliseconds.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int64_t now_used = InfoInt(c, "memory", "used_memory");
  while (now_used > target && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    now_used = InfoInt(c, "memory", "used_memory");
  }
  EXPECT_LE(now_used, target);
  EXPECT_GT(InfoInt(c, "stats", "evicted_keys"), 16 * 8) << "more than CONFIG SET's own 16 keys per engine";
  std::printf("[ cache    ] used_memory %lld -> %lld (maxmemory %lld) without client commands\n",
              static_cast<long long>(used), static_cast<long long>(now_used), static_cast<long long>(target));
}

}  // namespace
}  // namespace ks::test
