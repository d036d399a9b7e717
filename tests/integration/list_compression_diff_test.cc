// Lists with compressed inner nodes (list-compress-depth) and plain nodes (DEBUG
// QUICKLIST-PACKED-THRESHOLD) against a real redis-server 7.0 set up the same way: random list
// commands must reply identically, MEMORY USAGE must drop with compression, and RDB files with
// compressed and plain nodes must travel both ways (and pass redis-check-rdb).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

using Cmd = std::vector<std::string>;

// Both servers: the compression depth, a low packed threshold, DEBUG allowed.
void Configure(Client& c, int depth, const std::string& threshold) {
  ASSERT_EQ(c.Run({"CONFIG", "SET", "list-compress-depth", std::to_string(depth)}), "OK");
  ASSERT_EQ(c.Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", threshold}), "OK");
}

// Elements that compress well (repeated letters), short ones, numbers and some over the
// packed threshold used below (300 bytes).
std::string Elem(std::mt19937& rng) {
  int r = static_cast<int>(rng() % 20);
  if (r < 12) return std::string(1 + rng() % 3, static_cast<char>('a' + rng() % 4));
  if (r < 15) return std::to_string(rng() % 1000);
  if (r < 18) return std::string(20 + rng() % 200, static_cast<char>('p' + rng() % 3));
  return std::string(300 + rng() % 700, static_cast<char>('x' + rng() % 2));
}

void FillList(Client& c, const std::string& key, int n, std::mt19937& rng) {
  for (int i = 0; i < n; i += 50) {
    Cmd cmd = {"RPUSH", key};
    for (int j = 0; j < 50; ++j) cmd.push_back(Elem(rng));
    c.Run(cmd);
  }
}

class ListCompressionDiff : public ::testing::TestWithParam<int> {};

TEST_P(ListCompressionDiff, RandomCommandsMatchRedis) {
  const int depth = GetParam();
  KeyshardProcess ks({"--enable-debug-command", "yes"});
  RedisProcess redis({"--enable-debug-command", "yes"});
  ASSERT_TRUE(ks.running());
  ASSERT_TRUE(redis.running());
  Client k(ks.port()), r(redis.port());
  for (Client* c : {&k, &r}) {
    Configure(*c, depth, "300b");
    ASSERT_EQ(c->Run({"CONFIG", "SET", "list-max-listpack-size", "8"}), "OK");  // many nodes
  }
  auto same = [&](const Cmd& cmd, int step) {
    std::string a = k.Run(cmd), b = r.Run(cmd);
    std::string shown;
    for (const auto& s : cmd) shown += s.substr(0, 20) + " ";
    EXPECT_EQ(a, b) << "step " << step << ": " << shown;
  };
  std::mt19937 fill_rng(7), fill_rng2(7);
  FillList(k, "{t}a", 600, fill_rng);
  FillList(r, "{t}a", 600, fill_rng2);
  std::mt19937 rng(static_cast<unsigned>(depth * 31 + 1));
  const std::vector<std::string> keys = {"{t}a", "{t}b", "{t}c"};
  auto key = [&] { return keys[rng() % keys.size()]; };
  auto idx = [&] { return std::to_string(static_cast<int>(rng() % 400) - 200); };
  auto end = [&] { return std::string(rng() % 2 ? "LEFT" : "RIGHT"); };
  for (int step = 0; step < 1500; ++step) {
    Cmd cmd;
    switch (rng() % 16) {
      case 0:
      case 1: {
        cmd = {rng() % 2 ? "LPUSH" : "RPUSH", key()};
        for (int i = 0, n = 1 + static_cast<int>(rng() % 8); i < n; ++i) cmd.push_back(Elem(rng));
        break;
      }
      case 2: cmd = {rng() % 2 ? "LPOP" : "RPOP", key(), std::to_string(rng() % 4)}; break;
      case 3: cmd = {"LRANGE", key(), idx(), idx()}; break;
      case 4: cmd = {"LINDEX", key(), idx()}; break;
      case 5: cmd = {"LSET", key(), idx(), Elem(rng)}; break;
      case 6: cmd = {"LINSERT", key(), rng() % 2 ? "BEFORE" : "AFTER", Elem(rng), Elem(rng)}; break;
      case 7: cmd = {"LREM", key(), std::to_string(static_cast<int>(rng() % 5) - 2), Elem(rng)}; break;
      case 8: cmd = {"LTRIM", key(), idx(), std::to_string(-1 - static_cast<int>(rng() % 50))}; break;
      case 9: cmd = {"LPOS", key(), Elem(rng), "RANK", rng() % 2 ? "-1" : "2", "COUNT", "0"}; break;
      case 10: cmd = {"LMOVE", key(), key(), end(), end()}; break;
      case 11: cmd = {"BLMPOP", "0.01", "2", key(), key(), end(), "COUNT", std::to_string(1 + rng() % 5)}; break;
      case 12: cmd = {"SORT", key(), "BY", "nosort", "LIMIT", idx(), "20", "STORE", key()}; break;
      case 13: cmd = {"LRANGE", key(), "0", "-1"}; break;
      case 14: cmd = {"OBJECT", "ENCODING", key()}; break;
      default: cmd = {"LLEN", key()}; break;
    }
    same(cmd, step);
    if (::testing::Test::HasFailure()) return;  // the first divergence is the useful one
    if (step % 300 == 299) {
      // DUMP/RESTORE of a list with compressed nodes: the payload reloads here and there.
      std::string payload = k.Run({"DUMP", "{t}a"});
      if (payload != "(nil)") same({"LRANGE", "{t}a", "0", "-1"}, step);
      // The node layout (count, fill, compression, bytes) follows Redis's too.
      for (const auto& key_name : keys) {
        std::string x = k.Run({"DEBUG", "OBJECT", key_name}), y = r.Run({"DEBUG", "OBJECT", key_name});
        auto cut = [](const std::string& t) { return t.find("ql_nodes") == std::string::npos ? t : t.substr(t.find("ql_nodes")); };
        EXPECT_EQ(cut(x), cut(y)) << "DEBUG OBJECT at step " << step << " " << key_name;
        // Compressed nodes are written as the LZF blobs Redis keeps: DUMP is byte for byte.
        EXPECT_EQ(k.Run({"DUMP", key_name}), r.Run({"DUMP", key_name})) << "DUMP at step " << step << " " << key_name;
      }
      ASSERT_EQ(k.Run({"DEBUG", "RELOAD"}), "OK");
      ASSERT_EQ(r.Run({"DEBUG", "RELOAD"}), "OK");
    }
  }
  for (const auto& key_name : keys) same({"LRANGE", key_name, "0", "-1"}, -1);
}

INSTANTIATE_TEST_SUITE_P(Depths, ListCompressionDiff, ::testing::Values(1, 2));

TEST(ListCompression, PackedThresholdRepliesAsRedis) {
  KeyshardProcess ks({"--enable-debug-command", "yes"});
  RedisProcess redis({"--enable-debug-command", "yes"});
  ASSERT_TRUE(ks.running());
  ASSERT_TRUE(redis.running());
  Client k(ks.port()), r(redis.port());
  for (const Cmd& cmd : std::vector<Cmd>{{"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1b"},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "-1"},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", ""},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "abc"},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1.5k"},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4293918720"},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4293918721"},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4gb"},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100KB"},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD"},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1", "2"},
                                         {"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "18446744073709551615"}})
    EXPECT_EQ(k.Run(cmd), r.Run(cmd)) << cmd.back();
  // Without enable-debug-command, DEBUG is refused before the subcommand is looked at.
  KeyshardProcess plain;
  RedisProcess plain_redis;
  Client pk(plain.port()), pr(plain_redis.port());
  EXPECT_EQ(pk.Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1b"}),
            pr.Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1b"}));
}

TEST(ListCompression, MemoryUsageDropsWithCompression) {
  KeyshardProcess ks;
  ASSERT_TRUE(ks.running());
  Client k(ks.port());
  auto usage = [&](const std::string& key) { return std::stoll(k.Run({"MEMORY", "USAGE", key}).substr(10)); };
  std::mt19937 rng1(3), rng2(3);
  FillList(k, "raw", 20000, rng1);
  ASSERT_EQ(k.Run({"CONFIG", "SET", "list-compress-depth", "1"}), "OK");
  FillList(k, "packed", 20000, rng2);
  EXPECT_EQ(k.Run({"LRANGE", "raw", "0", "-1"}), k.Run({"LRANGE", "packed", "0", "-1"}));
  EXPECT_LT(usage("packed") * 2, usage("raw")) << usage("packed") << " vs " << usage("raw");
}

// DEBUG OBJECT's quicklist fields (nodes, fill, compressed, uncompressed size) and the
// serialized length as Redis, before and after DEBUG RELOAD (which keeps the file's nodes and
// plain nodes even when the limits have changed since).
TEST(ListCompression, DebugObjectMatchesRedisAcrossReload) {
  KeyshardProcess ks({"--enable-debug-command", "yes"});
  RedisProcess redis({"--enable-debug-command", "yes"});
  ASSERT_TRUE(ks.running());
  ASSERT_TRUE(redis.running());
  Client k(ks.port()), r(redis.port());
  auto fields = [](std::string s) {
    s = s.substr(s.find("encoding:"));
    size_t a = s.find(" lru:"), b = s.find(" ql_nodes");
    return s.erase(a, b - a);
  };
  std::mt19937 rng1(5), rng2(5);
  for (auto [c, rng] : {std::pair{&k, &rng1}, std::pair{&r, &rng2}}) {
    Configure(*c, 1, "100b");
    ASSERT_EQ(c->Run({"CONFIG", "SET", "list-max-listpack-size", "3"}), "OK");
    FillList(*c, "l", 400, *rng);
    c->Run({"RPUSH", "small", "a", std::string(150, 'b'), "c", "d", "e", "f", "g"});
  }
  for (const char* key : {"l", "small"}) {
    EXPECT_EQ(fields(k.Run({"DEBUG", "OBJECT", key})), fields(r.Run({"DEBUG", "OBJECT", key})));
    // Compressed nodes as LZF blobs, plain nodes as PLAIN containers: DUMP is byte for byte
    // Redis's, with rdbcompression on and off.
    EXPECT_EQ(k.Run({"DUMP", key}), r.Run({"DUMP", key})) << key;
    for (Client* c : {&k, &r}) ASSERT_EQ(c->Run({"CONFIG", "SET", "rdbcompression", "no"}), "OK");
    EXPECT_EQ(k.Run({"DUMP", key}), r.Run({"DUMP", key})) << key << " without rdbcompression";
    for (Client* c : {&k, &r}) ASSERT_EQ(c->Run({"CONFIG", "SET", "rdbcompression", "yes"}), "OK");
  }
  for (Client* c : {&k, &r}) {
    ASSERT_EQ(c->Run({"CONFIG", "SET", "list-max-listpack-size", "128"}), "OK");
    ASSERT_EQ(c->Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"}), "OK");
    ASSERT_EQ(c->Run({"DEBUG", "RELOAD"}), "OK");
  }
  for (const char* key : {"l", "small"}) {
    EXPECT_EQ(fields(k.Run({"DEBUG", "OBJECT", key})), fields(r.Run({"DEBUG", "OBJECT", key})));
    EXPECT_EQ(k.Run({"LRANGE", key, "0", "-1"}), r.Run({"LRANGE", key, "0", "-1"}));
  }
}

// The dump keyshard writes of one engine (the largest file), after checking every file.
std::string CheckedLargestDump(const KeyshardProcess& ks) {
  std::string best;
  off_t best_size = -1;
  for (int i = 0; i < 8; ++i) {
    std::string f = ks.dir() + "/dump-" + std::to_string(i) + ".rdb";
    struct stat st{};
    if (stat(f.c_str(), &st) != 0) return "";
    std::string cmd = "redis-check-rdb " + f + " > " + ks.dir() + "/check.log 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << f;
    if (st.st_size > best_size) best_size = st.st_size, best = "dump-" + std::to_string(i) + ".rdb";
  }
  return best;
}

TEST(ListCompression, CompressedAndPlainNodesTravelThroughRdbBothWays) {
  // keyshard -> redis-server.
  KeyshardProcess ks({"--enable-debug-command", "yes"});
  ASSERT_TRUE(ks.running());
  Client k(ks.port());
  Configure(k, 1, "300b");
  std::mt19937 rng(11);
  FillList(k, "{l}big", 5000, rng);
  FillList(k, "{l}small", 50, rng);
  std::string big = k.Run({"LRANGE", "{l}big", "0", "-1"}), small = k.Run({"LRANGE", "{l}small", "0", "-1"});
  ASSERT_EQ(k.Run({"SAVE"}), "OK");
  std::string file = CheckedLargestDump(ks);
  ASSERT_FALSE(file.empty());
  {
    RedisProcess redis({"--dir", ks.dir(), "--dbfilename", file});
    ASSERT_TRUE(redis.running());
    Client r(redis.port());
    EXPECT_EQ(r.Run({"LRANGE", "{l}big", "0", "-1"}), big);
    EXPECT_EQ(r.Run({"LRANGE", "{l}small", "0", "-1"}), small);
  }
  // And back after a restart of keyshard on its own files.
  ks.Stop();
  {
    KeyshardProcess again({"--dir", ks.dir()});
    Client k2(again.port());
    EXPECT_EQ(k2.Run({"LRANGE", "{l}big", "0", "-1"}), big);
  }
  // redis-server (compressed nodes, plain nodes) -> keyshard.
  RedisProcess redis({"--enable-debug-command", "yes", "--list-compress-depth", "2"});
  ASSERT_TRUE(redis.running());
  Client r(redis.port());
  ASSERT_EQ(r.Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "300b"}), "OK");
  std::mt19937 rng2(12);
  FillList(r, "big", 5000, rng2);
  std::string rbig = r.Run({"LRANGE", "big", "0", "-1"});
  ASSERT_EQ(r.Run({"SAVE"}), "OK");
  KeyshardProcess imported({"--import-rdb", redis.dir() + "/dump.rdb"});
  ASSERT_TRUE(imported.running());
  Client ki(imported.port());
  EXPECT_EQ(ki.Run({"LRANGE", "big", "0", "-1"}), rbig);
  // DUMP payloads of compressed lists restore on the other side, both ways.
  ASSERT_EQ(ki.Run({"CONFIG", "SET", "list-compress-depth", "1"}), "OK");
  auto dump = [](Client& c, const std::string& key) {
    std::string d = c.Run({"DUMP", key});
    return d.substr(1, d.size() - 2);  // the bulk string without the client's quotes
  };
  ASSERT_EQ(ki.Run({"RESTORE", "copy", "0", dump(r, "big")}), "OK");
  EXPECT_EQ(ki.Run({"LRANGE", "copy", "0", "-1"}), rbig);
  ASSERT_EQ(r.Run({"RESTORE", "back", "0", dump(ki, "copy")}), "OK");
  EXPECT_EQ(r.Run({"LRANGE", "back", "0", "-1"}), rbig);
}

// An AOF rewrite and a rebuilt RENAME read compressed and plain nodes; the restart replays them.
TEST(ListCompression, AofRewriteOfCompressedListsReplays) {
  KeyshardProcess first({"--appendonly", "yes", "--enable-debug-command", "yes"});
  ASSERT_TRUE(first.running());
  Client c(first.port());
  Configure(c, 2, "300b");
  std::mt19937 rng(21);
  FillList(c, "l", 3000, rng);
  ASSERT_EQ(c.Run({"BGREWRITEAOF"}), "Background append only file rewriting started");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (c.Run({"INFO", "persistence"}).find("aof_rewrite_in_progress:0") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  c.Run({"LSET", "l", "1500", std::string(400, 'z')});  // after the rewrite: in the new log
  // A rename to another engine is logged as the value rebuilt element by element.
  for (auto [from, to] : {std::pair{"l", "a"}, std::pair{"a", "b"}, std::pair{"b", "c"}, std::pair{"c", "d"}})
    ASSERT_EQ(c.Run({"RENAME", from, to}), "OK");
  std::string want = c.Run({"LRANGE", "d", "0", "-1"});
  first.Stop();
  KeyshardProcess second({"--dir", first.dir(), "--appendonly", "yes"});
  ASSERT_TRUE(second.running());
  Client c2(second.port());
  EXPECT_EQ(c2.Run({"LRANGE", "d", "0", "-1"}), want);
  EXPECT_EQ(c2.Run({"EXISTS", "l"}), "(integer) 0");
}

}  // namespace
}  // namespace ks::test
