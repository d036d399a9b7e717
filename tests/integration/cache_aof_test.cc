// Keys the engines remove on their own reach the append-only file: with appendonly on, keys
// evicted under a small maxmemory and keys expired by the housekeeper (never read by a client)
// stay gone after SIGTERM and a restart on the same directory.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

// Every byte of every file of the AOF directory, concatenated.
std::string AofBytes(const std::string& dir) {
  std::string all;
  for (const auto& ent : std::filesystem::directory_iterator(dir + "/appendonlydir")) {
    std::ifstream in(ent.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str();
  }
  return all;
}

std::string RespDel(const std::string& key) {
  return "*2\r\n$3\r\nDEL\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n";
}

// Rewrites are off, so every removal stays visible in the incr files as a DEL.
const std::vector<std::string> kAofFlags = {"--appendonly", "yes", "--auto-aof-rewrite-percentage", "0"};

// A restart on the same directory with the AOF on and no memory budget: under the old
// budget, keys wrongly replayed could be evicted again at start-up and hide the fault.
std::vector<std::string> RestartFlags(const std::string& dir) {
  std::vector<std::string> flags = kAofFlags;
  flags.insert(flags.end(), {"--dir", dir});
  return flags;
}

TEST(CacheAof, EvictedKeysDoNotComeBackAfterRestart) {
  constexpr int64_t kMax = 8ll * 1024 * 1024;
  std::vector<std::string> flags = kAofFlags;
  flags.insert(flags.end(), {"--maxmemory", std::to_string(kMax), "--maxmemory-policy", "allkeys-lru"});
  KeyshardProcess first(flags);
  ASSERT_GT(first.port(), 0);
  constexpr int kKeys = 30000;  // ~30 MB of values: most must be evicted
  std::vector<std::string> evicted;
  long dbsize = 0;
  {
    Client c(first.port());
    const std::string value(1000, 'v');
    for (int i = 0; i < kKeys; ++i) ASSERT_EQ(c.Run({"SET", "key:" + std::to_string(i), value}), "OK");
    // Let background eviction settle, so nothing changes between what is recorded and SIGTERM.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_GT(InfoInt(c, "stats", "evicted_keys"), kKeys / 2);
    for (int i = 0; i < kKeys; ++i)
      if (IntReply(c.Run({"EXISTS", "key:" + std::to_string(i)})) == 0) evicted.push_back("key:" + std::to_string(i));
    dbsize = IntReply(c.Run({"DBSIZE"}));
    ASSERT_EQ(dbsize + static_cast<long>(evicted.size()), kKeys);
  }
  first.Stop();
  KeyshardProcess second(RestartFlags(first.dir()));
  ASSERT_GT(second.port(), 0);
  Client c(second.port());
  EXPECT_EQ(IntReply(c.Run({"DBSIZE"})), dbsize);
  size_t back = 0;
  for (const std::string& k : evicted) back += IntReply(c.Run({"EXISTS", k})) != 0;
  EXPECT_EQ(back, 0u) << "evicted keys found again after the restart";
}

TEST(CacheAof, KeysExpiredByTheHousekeeperAreLoggedAndStayGone) {
  KeyshardProcess first(kAofFlags);
  ASSERT_GT(first.port(), 0);
  constexpr int kKeys = 2000;
  long dbsize = 0;
  {
    Client c(first.port());
    for (int i = 0; i < kKeys; ++i) {
      ASSERT_EQ(c.Run({"SET", "keep:" + std::to_string(i), "v"}), "OK");
      ASSERT_EQ(c.Run({"SET", "gone:" + std::to_string(i), "v", "PX", "100"}), "OK");
    }
    // No key is read: only the active expiry cycle can remove them. The deadline is a guard.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (InfoInt(c, "stats", "expired_keys") < kKeys && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(InfoInt(c, "stats", "expired_keys"), kKeys);
    dbsize = IntReply(c.Run({"DBSIZE"}));
    EXPECT_EQ(dbsize, kKeys);
  }
  first.Stop();
  // The removal is in the log itself, not only implied by the absolute TTL.
  const std::string aof = AofBytes(first.dir());
  size_t logged = 0;
  for (int i = 0; i < kKeys; ++i) logged += aof.find(RespDel("gone:" + std::to_string(i))) != std::string::npos;
  EXPECT_EQ(logged, static_cast<size_t>(kKeys));
  KeyshardProcess second(RestartFlags(first.dir()));
  ASSERT_GT(second.port(), 0);
  Client c(second.port());
  EXPECT_EQ(IntReply(c.Run({"DBSIZE"})), dbsize);
  size_t back = 0;
  for (int i = 0; i < kKeys; ++i) back += IntReply(c.Run({"EXISTS", "gone:" + std::to_string(i)})) != 0;
  EXPECT_EQ(back, 0u);
}

}  // namespace
}  // namespace ks::test
