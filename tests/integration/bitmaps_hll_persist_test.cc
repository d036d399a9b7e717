// Bitmaps and HyperLogLogs through persistence against real processes: the append-only logs
// replay every bitmap and HLL write (verbatim on one engine, as effects across engines) to
// the same bytes, and RDB files carry HLL values between keyshard and redis-server both ways.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

void AddMany(Client& c, const std::string& key, int from, int to) {
  std::vector<std::string> cmd = {"PFADD", key};
  for (int i = from; i < to; ++i) cmd.push_back("v" + std::to_string(i));
  c.Run(cmd);
}

TEST(BitmapsHllPersist, AofReplayRebuildsTheSameBytes) {
  const std::vector<std::string> keys = {"bm", "bf", "a", "b", "and", "not", "sparse", "dense", "merged", "todense"};
  std::map<std::string, std::string> before;
  KeyshardProcess first({"--appendonly", "yes", "--appendfsync", "always"});
  ASSERT_GT(first.port(), 0);
  {
    Client c(first.port());
    c.Run({"SETBIT", "bm", "1000", "1"});
    c.Run({"SETBIT", "bm", "3", "1"});
    c.Run({"BITFIELD", "bf", "SET", "u8", "#2", "200", "OVERFLOW", "SAT", "INCRBY", "i16", "40", "-99999"});
    c.Run({"SET", "a", "abcdef"});
    c.Run({"SET", "b", "xy"});
    c.Run({"BITOP", "AND", "and", "a", "b"});  // keys on several engines: logged as effects
    c.Run({"BITOP", "NOT", "not", "a"});
    AddMany(c, "sparse", 0, 50);
    AddMany(c, "dense", 0, 3000);
    c.Run({"PFMERGE", "merged", "sparse", "dense"});
    AddMany(c, "todense", 100, 110);
    c.Run({"PFDEBUG", "TODENSE", "todense"});
    for (const auto& k : keys) before[k] = c.Run({"GET", k});
    EXPECT_EQ(c.Run({"PFDEBUG", "ENCODING", "dense"}), "dense");
  }
  first.Kill();
  KeyshardProcess second({"--dir", first.dir(), "--appendonly", "yes"});
  ASSERT_GT(second.port(), 0);
  Client c(second.port());
  for (const auto& k : keys) EXPECT_EQ(c.Run({"GET", k}), before[k]) << k;
}

// The engine's RDB file (the one holding the {h}-tagged keys) loads into redis-server with the
// same bytes, and a redis-server dump imports into keyshard with the same bytes.
TEST(BitmapsHllPersist, RdbCarriesHllValuesBothWays) {
  std::map<std::string, std::string> values;
  KeyshardProcess ks;
  ASSERT_GT(ks.port(), 0);
  {
    Client c(ks.port());
    AddMany(c, "{h}sparse", 0, 40);
    AddMany(c, "{h}dense", 0, 4000);
    c.Run({"PFCOUNT", "{h}dense"});  // a valid cache travels too
    c.Run({"SETBIT", "{h}bits", "5000", "1"});
    for (const std::string k : {"{h}sparse", "{h}dense", "{h}bits"}) values[k] = c.Run({"GET", k});
    ASSERT_EQ(c.Run({"SAVE"}), "OK");
  }
  bool found = false;
  for (const auto& entry : std::filesystem::directory_iterator(ks.dir())) {
    std::string name = entry.path().filename().string();
    if (name.rfind("dump-", 0) != 0) continue;
    RedisProcess redis({"--dir", ks.dir(), "--dbfilename", name});
    ASSERT_GT(redis.port(), 0) << name;
    Client r(redis.port());
    if (r.Run({"EXISTS", "{h}dense"}) != "(integer) 1") continue;
    found = true;
    for (const auto& [k, v] : values) EXPECT_EQ(r.Run({"GET", k}), v) << k;
    EXPECT_EQ(r.Run({"PFCOUNT", "{h}sparse", "{h}dense"}).substr(0, 9), "(integer)");
  }
  EXPECT_TRUE(found);

  RedisProcess redis;
  ASSERT_GT(redis.port(), 0);
  std::map<std::string, std::string> from_redis;
  {
    Client r(redis.port());
    AddMany(r, "rs", 0, 30);
    AddMany(r, "rd", 0, 5000);
    r.Run({"SETBIT", "rb", "77", "1"});
    for (const std::string k : {"rs", "rd", "rb"}) from_redis[k] = r.Run({"GET", k});
    ASSERT_EQ(r.Run({"SAVE"}), "OK");
  }
  KeyshardProcess imported({"--import-rdb", redis.dir() + "/dump.rdb"});
  ASSERT_GT(imported.port(), 0);
  Client k(imported.port());
  for (const auto& [key, v] : from_redis) EXPECT_EQ(k.Run({"GET", key}), v) << key;
  EXPECT_EQ(k.Run({"PFDEBUG", "ENCODING", "rd"}), "dense");
}

}  // namespace
}  // namespace ks::test
