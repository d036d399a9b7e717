// Memory accounting through the real dispatcher (every type created and deleted returns the
// engines to their figure), MEMORY USAGE/STATS, the OOM refusal, CONFIG SET of the budget at
// run time, and OBJECT FREQ/IDLETIME following the policy.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/core/errors.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

class MemoryFamily : public ::testing::Test {
 protected:
  TestServer srv{4};
  DirectClient c{srv};

  void Fill(std::string_view cmd, std::string_view key, int n, bool pairs, std::string_view prefix) {
    for (int i = 0; i < n; ++i) {
      std::vector<std::string> a{std::string(cmd), std::string(key)};
      if (pairs) a.push_back(std::to_string(i));
      a.push_back(std::string(prefix) + std::to_string(i));
      c.Run(a);
    }
  }
};

TEST_F(MemoryFamily, CreatingAndDeletingEveryTypeReturnsToTheStartingFigure) {
  WarmUpEngines(c);
  const size_t start = UsedBytes(srv);
  c.Run({"SET", "s1", "hello"});
  c.Run({"SET", "s2", std::string(300, 'x')});
  c.Run({"APPEND", "s2", std::string(500, 'y')});
  c.Run({"SETEX", "s3", "100", "v"});
  Fill("RPUSH", "list", 2000, false, "element-");
  Fill("SADD", "iset", 100, false, "");
  Fill("SADD", "hset", 1000, false, "member-");
  Fill("HSET", "hsmall", 10, true, "v");
  Fill("HSET", "hbig", 1000, true, "value-");
  Fill("ZADD", "zsmall", 10, true, "m");
  Fill("ZADD", "zbig", 1000, true, "member-");
  const size_t full = UsedBytes(srv);
  EXPECT_GT(full, start + 100000);
  // Shrinking in place is charged too.
  for (int i = 0; i < 500; ++i) c.Run({"SREM", "hset", "member-" + std::to_string(i)});
  c.Run({"LTRIM", "list", "0", "9"});
  EXPECT_LT(UsedBytes(srv), full);
  EXPECT_EQ(c.Run({"DEL", "s1", "s2", "s3", "list", "iset", "hset", "hsmall", "hbig", "zsmall", "zbig"}), "(integer) 10");
  EXPECT_EQ(UsedBytes(srv), start);
}

TEST_F(MemoryFamily, RenameCopyExpiryAndFlushKeepTheFigure) {
  WarmUpEngines(c);
  const size_t start = UsedBytes(srv);
  Fill("SADD", "a{t}", 300, false, "m");
  c.Run({"COPY", "a{t}", "b{t}"});
  c.Run({"RENAME", "a{t}", "c{t}"});
  c.Run({"PEXPIRE", "b{t}", "10"});
  srv.clock.Advance(20);
  EXPECT_EQ(c.Run({"EXISTS", "b{t}"}), "(integer) 0");
  c.Run({"DEL", "c{t}"});
  EXPECT_EQ(UsedBytes(srv), start);
  Fill("HSET", "h", 100, true, "v");
  c.Run({"FLUSHALL"});
  EXPECT_EQ(UsedBytes(srv), 0u);
}

TEST_F(MemoryFamily, MemoryUsageReportsExistingKeysOnly) {
  EXPECT_EQ(c.Run({"MEMORY", "USAGE", "nokey"}), "(nil)");
  c.Run({"SET", "k", std::string(1000, 'x')});
  std::string r = c.Run({"MEMORY", "USAGE", "k"});
  ASSERT_EQ(r.rfind("(integer) ", 0), 0u) << r;
  EXPECT_GE(std::stoll(r.substr(10)), 1000);
  EXPECT_EQ(c.Run({"MEMORY", "USAGE", "k", "SAMPLES", "0"}), r);
  EXPECT_EQ(c.Run({"MEMORY", "USAGE", "k", "SAMPLES", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"MEMORY", "USAGE", "k", "SAMPLES", "-1"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"MEMORY", "USAGE", "k", "FOO"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"MEMORY", "USAGE"}), Err("ERR wrong number of arguments for 'memory|usage' command"));
}

TEST_F(MemoryFamily, MemoryStatsAndInfoReportTheEnginesFigure) {
  c.Run({"SET", "k", std::string(1000, 'x')});
  std::string stats = c.Run({"MEMORY", "STATS"});
  EXPECT_NE(stats.find("\"dataset.bytes\", (integer) " + std::to_string(UsedBytes(srv))), std::string::npos) << stats;
  EXPECT_NE(stats.find("\"keys.count\", (integer) 1"), std::string::npos) << stats;
  std::string info = c.Run({"INFO", "memory"});
  EXPECT_NE(info.find("used_memory_dataset:" + std::to_string(UsedBytes(srv))), std::string::npos) << info;
  EXPECT_NE(info.find("maxmemory_policy:noeviction"), std::string::npos);
  EXPECT_NE(info.find("mem_fragmentation_ratio:"), std::string::npos);
}

// Budgets are per engine: the keys share a hash tag so they share the engine that is full.
TEST_F(MemoryFamily, NoevictionRefusesWritesButNotReadsOrDeletes) {
  c.Run({"SET", "k{t}", "v"});
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory", "1"}), "OK");
  EXPECT_EQ(c.Run({"SET", "k2{t}", "v"}), Err(err::kOom));
  EXPECT_EQ(c.Run({"LPUSH", "l{t}", "v"}), Err(err::kOom));
  EXPECT_EQ(c.Run({"GET", "k{t}"}), "\"v\"");
  EXPECT_EQ(c.Run({"DEL", "k{t}"}), "(integer) 1");
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory", "0"}), "OK");
  EXPECT_EQ(c.Run({"SET", "k2{t}", "v"}), "OK");
}

TEST_F(MemoryFamily, VolatilePolicyWithoutVolatileKeysRefusesWrites) {
  c.Run({"SET", "k{t}", "v"});
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory-policy", "volatile-lru", "maxmemory", "1"}), "OK");
  EXPECT_EQ(c.Run({"SET", "k2{t}", "v"}), Err(err::kOom));
}

TEST_F(MemoryFamily, ConfigSetAtRunTimeStartsEvicting) {
  for (int i = 0; i < 2000; ++i) c.Run({"SET", "key:" + std::to_string(i), std::string(200, 'v')});
  const size_t used = UsedBytes(srv);
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}), "OK");
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory", std::to_string(srv.state.startup_bytes() + used / 2)}), "OK");
  EXPECT_EQ(c.Run({"CONFIG", "GET", "maxmemory-policy"}), "[\"maxmemory-policy\", \"allkeys-lru\"]");
  for (int i = 2000; i < 3000; ++i) EXPECT_EQ(c.Run({"SET", "key:" + std::to_string(i), std::string(200, 'v')}), "OK");
  EXPECT_LE(UsedBytes(srv), used / 2 + 4096);
  std::string info = c.Run({"INFO", "stats"});
  EXPECT_EQ(info.find("evicted_keys:0\r\n"), std::string::npos) << info;
}

TEST_F(MemoryFamily, ConfigSetRejectsUnknownPolicy) {
  EXPECT_EQ(c.Run({"CONFIG", "SET", "maxmemory-policy", "lru"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one "
                "of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, "
                "allkeys-lfu, allkeys-random, noeviction"));
}

TEST_F(MemoryFamily, ObjectFreqAndIdletimeFollowThePolicy) {
  c.Run({"SET", "k", "v"});
  EXPECT_EQ(c.Run({"OBJECT", "FREQ", "k"}), Err(err::kLfuNotSelected));
  EXPECT_EQ(c.Run({"OBJECT", "IDLETIME", "k"}), "(integer) 0");
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}), "OK");
  c.Run({"SET", "f", "v"});
  EXPECT_EQ(c.Run({"OBJECT", "FREQ", "f"}), "(integer) 5");
  for (int i = 0; i < 10; ++i) c.Run({"GET", "f"});
  std::string freq = c.Run({"OBJECT", "FREQ", "f"});
  ASSERT_EQ(freq.rfind("(integer) ", 0), 0u);
  EXPECT_GT(std::stoll(freq.substr(10)), 5);
  EXPECT_EQ(c.Run({"OBJECT", "IDLETIME", "f"}), Err(err::kLfuSelected));
}

}  // namespace
}  // namespace ks::test
