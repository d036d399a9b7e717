// BGREWRITEAOF, CONFIG SET appendonly and --import-rdb against a real process: rewrites
// during a write flood lose nothing, the logs turned on at run time hold what the engines
// already had, and a redis-server dump imports into the engines by slot.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

namespace fs = std::filesystem;

std::string InfoField(Client& c, const std::string& section, const std::string& field) {
  std::string info = c.Run({"INFO", section});
  size_t p = info.find(field + ":");
  if (p == std::string::npos) return "";
  size_t e = info.find_first_of("\r\n\"", p);
  return info.substr(p + field.size() + 1, e - p - field.size() - 1);
}

// Polls until no rewrite runs (deadline 20 s).
void WaitForRewrite(Client& c) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (InfoField(c, "persistence", "aof_rewrite_in_progress") != "0" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

TEST(AofRewrite, RewritesDuringAWriteFloodLoseNoAcknowledgedWrite) {
  KeyshardProcess first({"--appendonly", "yes", "--appendfsync", "always", "--save", ""});
  ASSERT_GT(first.port(), 0);
  {
    Client setup(first.port());
    for (int b = 0; b < 20; ++b) {
      std::vector<std::string> mset = {"MSET"};
      for (int i = b * 100; i < (b + 1) * 100; ++i) {
        mset.push_back("pre:" + std::to_string(i));
        mset.push_back(std::string(50, 'x'));
      }
      setup.Run(mset);
    }
  }
  constexpr int kClients = 3;
  std::atomic<bool> stop{false};
  std::vector<long> acked(kClients, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t)
    threads.emplace_back([&, t] {
      Client c(first.port());
      std::string id = std::to_string(t);
      for (long i = 0; !stop.load(); ++i) {
        if (IntReply(c.Run({"INCR", "counter:" + id})) != i + 1) return;
        if (IntReply(c.Run({"RPUSH", "list:" + id, std::to_string(i)})) != i + 1) return;
        acked[t] = i + 1;
      }
    });
  Client admin(first.port());
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(admin.Run({"BGREWRITEAOF"}), "Background append only file rewriting started");
    WaitForRewrite(admin);
    EXPECT_EQ(InfoField(admin, "persistence", "aof_last_bgrewrite_status"), "ok");
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(InfoField(admin, "persistence", "aof_rewrites"), "3");
  // Every engine's manifest now names an RDB base and one incremental file.
  std::string dir = first.dir() + "/appendonlydir";
  int bases = 0;
  for (const auto& ent : fs::directory_iterator(dir)) bases += ent.path().string().ends_with(".base.rdb");
  EXPECT_EQ(bases, 8);
  std::string check = "redis-check-aof " + dir + "/appendonly.aof-0.manifest > " + first.dir() + "/check.log 2>&1";
  EXPECT_EQ(std::system(check.c_str()), 0);
  first.Kill();

  KeyshardProcess second({"--dir", first.dir(), "--appendonly", "yes", "--save", ""});
  ASSERT_GT(second.port(), 0);
  Client c(second.port());
  for (int t = 0; t < kClients; ++t) {
    std::string id = std::to_string(t);
    EXPECT_GT(acked[t], 0);
    EXPECT_EQ(c.Run({"GET", "counter:" + id}), "\"" + std::to_string(acked[t]) + "\"") << t;
    EXPECT_EQ(IntReply(c.Run({"LLEN", "list:" + id})), acked[t]) << t;
  }
  EXPECT_EQ(IntReply(c.Run({"EXISTS", "pre:0", "pre:1999"})), 2);
}

TEST(AofRewrite, BgrewriteaofWhileOneRunsIsRefusedAsRedis) {
  KeyshardProcess ks({"--appendonly", "yes", "--save", ""});
  ASSERT_GT(ks.port(), 0);
  Client c(ks.port());
  EXPECT_EQ(c.Run({"BGREWRITEAOF", "x"}), "(error) ERR wrong number of arguments for 'bgrewriteaof' command");
  // Enough data that the first rewrite is still running when the second arrives.
  for (int b = 0; b < 50; ++b) {
    std::vector<std::string> args = {"MSET"};
    for (int i = 0; i < 2000; ++i) {
      args.push_back("k:" + std::to_string(b) + ":" + std::to_string(i));
      args.push_back(std::string(100, 'v'));
    }
    c.Run(args);
  }
  EXPECT_EQ(c.Run({"BGREWRITEAOF"}), "Background append only file rewriting started");
  std::string second = c.Run({"BGREWRITEAOF"});
  // Either still running (Redis's error) or, on a fast machine, already done and started again.
  EXPECT_TRUE(second == "(error) ERR Background append only file rewriting already in progress" ||
              second == "Background append only file rewriting started")
      << second;
  WaitForRewrite(c);
}

TEST(AofRewrite, AppendonlyTurnedOnAtRunTimeLogsWhatTheEnginesAlreadyHeld) {
  KeyshardProcess first({"--save", ""});
  ASSERT_GT(first.port(), 0);
  Client c(first.port());
  for (int i = 0; i < 500; ++i) c.Run({"SET", "before:" + std::to_string(i), std::to_string(i)});
  c.Run({"RPUSH", "list", "a", "b", "c"});
  EXPECT_EQ(c.Run({"CONFIG", "SET", "appendonly", "yes"}), "OK");
  EXPECT_EQ(c.Run({"CONFIG", "GET", "appendonly"}), "[\"appendonly\", \"yes\"]");
  EXPECT_EQ(InfoField(c, "persistence", "aof_enabled"), "1");
  for (int i = 0; i < 500; ++i) c.Run({"SET", "after:" + std::to_string(i), std::to_string(i)});
  c.Run({"RPUSH", "list", "d"});
  first.Kill();

  KeyshardProcess second({"--dir", first.dir(), "--appendonly", "yes", "--save", ""});
  ASSERT_GT(second.port(), 0);
  Client d(second.port());
  EXPECT_EQ(d.Run({"DBSIZE"}), "(integer) 1001");
  EXPECT_EQ(d.Run({"GET", "before:499"}), "\"499\"");
  EXPECT_EQ(d.Run({"GET", "after:499"}), "\"499\"");
  EXPECT_EQ(d.Run({"LRANGE", "list", "0", "-1"}), "[\"a\", \"b\", \"c\", \"d\"]");
  // Off again: later writes are not logged.
  EXPECT_EQ(d.Run({"CONFIG", "SET", "appendonly", "no"}), "OK");
  EXPECT_EQ(InfoField(d, "persistence", "aof_enabled"), "0");
  d.Run({"SET", "unlogged", "1"});
  second.Kill();
  KeyshardProcess third({"--dir", first.dir(), "--appendonly", "yes", "--save", ""});
  Client e(third.port());
  EXPECT_EQ(e.Run({"EXISTS", "unlogged"}), "(integer) 0");
  EXPECT_EQ(e.Run({"DBSIZE"}), "(integer) 1001");
}

TEST(ImportRdb, ARedisDumpLoadsIntoTheEnginesAndStaysAfterRestart) {
  RedisProcess redis;
  ASSERT_GT(redis.port(), 0);
  Client r(redis.port());
  for (int i = 0; i < 300; ++i) r.Run({"SET", "s:" + std::to_string(i), std::to_string(i * 7)});
  r.Run({"RPUSH", "list", "1", "two", "3"});
  r.Run({"HSET", "hash", "f", "v", "g", "w"});
  r.Run({"SADD", "ints", "1", "2", "3"});
  r.Run({"SADD", "words", "a", "b"});
  r.Run({"ZADD", "zset", "1.5", "a", "2", "b"});
  r.Run({"SET", "ttl", "v", "EX", "1000"});
  r.Run({"SELECT", "3"});
  r.Run({"SET", "in3", "three"});
  r.Run({"SELECT", "0"});
  ASSERT_EQ(r.Run({"SAVE"}), "OK");
  std::string dump = redis.dir() + "/dump.rdb";

  const std::vector<std::vector<std::string>> probes = {
      {"DBSIZE"}, {"GET", "s:0"}, {"GET", "s:299"}, {"LRANGE", "list", "0", "-1"}, {"HGET", "hash", "g"},
      {"SMISMEMBER", "ints", "1", "2", "3", "4"}, {"SCARD", "words"}, {"ZRANGE", "zset", "0", "-1", "WITHSCORES"},
      {"OBJECT", "ENCODING", "ints"}, {"OBJECT", "ENCODING", "hash"}, {"EXISTS", "ttl"}};
  std::vector<std::string> expected;
  for (const auto& p : probes) expected.push_back(r.Run(p));

  KeyshardProcess first({"--import-rdb", dump});
  ASSERT_GT(first.port(), 0);
  {
    Client k(first.port());
    for (size_t i = 0; i < probes.size(); ++i) EXPECT_EQ(k.Run(probes[i]), expected[i]) << probes[i][0];
    long ttl = IntReply(k.Run({"TTL", "ttl"}));
    EXPECT_GT(ttl, 900);
    EXPECT_LE(ttl, 1000);
    k.Run({"SELECT", "3"});
    EXPECT_EQ(k.Run({"GET", "in3"}), "\"three\"");
  }
  first.Kill();  // no final save: the import itself must have saved
  KeyshardProcess second({"--dir", first.dir()});
  ASSERT_GT(second.port(), 0);
  Client k(second.port());
  for (size_t i = 0; i < probes.size(); ++i) EXPECT_EQ(k.Run(probes[i]), expected[i]) << probes[i][0];

  // A missing file stops the start-up with a message naming it.
  KeyshardProcess missing({"--import-rdb", redis.dir() + "/nope.rdb"});
  EXPECT_EQ(missing.port(), 0);
}

}  // namespace
}  // namespace ks::test
