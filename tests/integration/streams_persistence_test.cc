// Streams through every persistence path against real processes: our RDB files load in
// redis-server 7.0 (and pass redis-check-rdb), Redis's RDB imports into keyshard, DUMP
// payloads restore both ways, and the append-only file (each write's effect, and a rewrite)
// brings a stream back exactly after a restart. Compared by XRANGE, XINFO STREAM FULL,
// XINFO GROUPS/CONSUMERS-free probes (no clock readings) and XPENDING summaries.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

using Cmd = std::vector<std::string>;

// Builds streams with several nodes, deleted entries, two groups, pending entries owned by
// two consumers, a claimed entry and an empty stream with a group. Times are pinned with
// XCLAIM TIME so both servers hold the same values.
void Fill(Client& c, const std::string& tag) {
  c.Run({"CONFIG", "SET", "stream-node-max-entries", "10"});
  for (int i = 1; i <= 95; ++i) {
    Cmd add = {"XADD", tag + "s", std::to_string(1000 + i) + "-" + std::to_string(i % 3)};
    if (i % 4 == 0) {
      add.insert(add.end(), {"other", std::to_string(i)});
    } else {
      add.insert(add.end(), {"name", "n" + std::to_string(i), "n", std::to_string(i * 1000)});
    }
    c.Run(add);
  }
  c.Run({"XDEL", tag + "s", "1005-2", "1050-2", "1001-1"});
  c.Run({"XGROUP", "CREATE", tag + "s", "g1", "0"});
  c.Run({"XGROUP", "CREATE", tag + "s", "g2", "1040-0", "ENTRIESREAD", "7"});
  c.Run({"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", tag + "s", ">"});
  c.Run({"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", tag + "s", ">"});
  c.Run({"XACK", tag + "s", "g1", "1003-0"});
  c.Run({"XCLAIM", tag + "s", "g1", "carol", "0", "1004-1", "TIME", "1700000000000", "RETRYCOUNT", "4"});
  c.Run({"XGROUP", "CREATECONSUMER", tag + "s", "g2", "idle"});
  c.Run({"XGROUP", "CREATE", tag + "e", "g", "$", "MKSTREAM"});
  c.Run({"XADD", tag + "t", "MAXLEN", "0", "5-5", "f", "v"});
  c.Run({"CONFIG", "SET", "stream-node-max-entries", "100"});
}

std::vector<std::string> Probes(Client& c, const std::string& tag) {
  std::vector<Cmd> probes = {{"XRANGE", tag + "s", "-", "+"},
                             {"XREVRANGE", tag + "s", "+", "-", "COUNT", "7"},
                             {"XINFO", "STREAM", tag + "s"},
                             {"XINFO", "GROUPS", tag + "s"},
                             {"XPENDING", tag + "s", "g1"},
                             {"XPENDING", tag + "s", "g1", "-", "+", "100", "carol"},
                             {"XINFO", "STREAM", tag + "e"},
                             {"XINFO", "GROUPS", tag + "e"},
                             {"XINFO", "STREAM", tag + "t"},
                             {"TYPE", tag + "s"},
                             {"OBJECT", "ENCODING", tag + "s"}};
  std::vector<std::string> out;
  for (const Cmd& p : probes) out.push_back(p[0] + " " + p[1] + ": " + c.Run(p));
  // The extended XPENDING reply holds an idle time (now minus the delivery time): mask it.
  static const std::regex idle("\"carol\", \\(integer\\) [0-9]+");
  out[5] = std::regex_replace(out[5], idle, "\"carol\", (integer) IDLE");
  // Delivery and seen times are clock readings of the server that read the entries; they
  // travel with the value, so FULL must match once both hold the same bytes.
  out.push_back(c.Run({"XINFO", "STREAM", tag + "s", "FULL", "COUNT", "0"}));
  return out;
}

// DUMP's payload as bytes (the client's decoded reply is the bulk string in quotes).
// Element by element, so a failure names the probe that differs.
void ExpectSame(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "probe " << i;
}

std::string RawDump(Client& c, const std::string& key) {
  std::string r = c.Run({"DUMP", key});
  return r.size() >= 2 && r.front() == '"' ? r.substr(1, r.size() - 2) : r;
}

TEST(StreamsPersistence, OurRdbLoadsInRedisAndPassesCheckRdb) {
  KeyshardProcess ks;
  ASSERT_GT(ks.port(), 0);
  Client k(ks.port());
  Fill(k, "{st}");
  ASSERT_EQ(k.Run({"SAVE"}), "OK");
  std::vector<std::string> expected = Probes(k, "{st}");
  // The tagged keys share one engine: find its file (the largest) and check every file.
  std::string best;
  off_t best_size = -1;
  for (int i = 0; i < 8; ++i) {
    std::string f = ks.dir() + "/dump-" + std::to_string(i) + ".rdb";
    struct stat st{};
    ASSERT_EQ(stat(f.c_str(), &st), 0) << f;
    std::string cmd = "redis-check-rdb " + f + " > " + ks.dir() + "/check.log 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << f;
    if (st.st_size > best_size) best_size = st.st_size, best = "dump-" + std::to_string(i) + ".rdb";
  }
  RedisProcess redis({"--dir", ks.dir(), "--dbfilename", best});
  ASSERT_TRUE(redis.running());
  Client r(redis.port());
  ExpectSame(Probes(r, "{st}"), expected);
}

TEST(StreamsPersistence, RedisRdbImportsIntoKeyshard) {
  RedisProcess redis;
  ASSERT_GT(redis.port(), 0);
  Client r(redis.port());
  Fill(r, "");
  Fill(r, "{x}");
  ASSERT_EQ(r.Run({"SAVE"}), "OK");
  std::vector<std::string> expected = Probes(r, ""), expected_x = Probes(r, "{x}");
  KeyshardProcess ks({"--import-rdb", redis.dir() + "/dump.rdb"});
  ASSERT_GT(ks.port(), 0);
  Client k(ks.port());
  ExpectSame(Probes(k, ""), expected);
  ExpectSame(Probes(k, "{x}"), expected_x);
  // Written back by keyshard and read again after a restart.
  ASSERT_EQ(k.Run({"SAVE"}), "OK");
  ks.Stop();
  KeyshardProcess again({"--dir", ks.dir()});
  ASSERT_GT(again.port(), 0);
  Client k2(again.port());
  ExpectSame(Probes(k2, ""), expected);
}

TEST(StreamsPersistence, DumpRestoreBothWays) {
  KeyshardProcess ks;
  RedisProcess redis;
  ASSERT_GT(ks.port(), 0);
  ASSERT_GT(redis.port(), 0);
  Client k(ks.port()), r(redis.port());
  Fill(k, "");
  Fill(r, "");
  // Same entries, same groups, same pinned times: the payloads are byte-identical except for
  // the clock readings of XREADGROUP; the claimed stream "t" and the empty "e" have none.
  EXPECT_EQ(k.Run({"DUMP", "t"}), r.Run({"DUMP", "t"}));
  EXPECT_EQ(k.Run({"DUMP", "e"}), r.Run({"DUMP", "e"}));
  // Redis's payload restores in keyshard and keyshard's in Redis.
  for (const std::string key : {"s", "e", "t"}) {
    std::string from_redis = RawDump(r, key);
    std::string from_ks = RawDump(k, key);
    EXPECT_EQ(k.Run({"RESTORE", "r-" + key, "0", from_redis}), "OK") << key;
    EXPECT_EQ(r.Run({"RESTORE", "k-" + key, "0", from_ks}), "OK") << key;
    for (const Cmd& p : std::vector<Cmd>{{"XRANGE", "", "-", "+"}, {"XINFO", "STREAM", "", "FULL"}, {"XINFO", "GROUPS", ""}}) {
      Cmd a = p, b = p;
      for (auto& x : a)
        if (x.empty()) x = "r-" + key;
      for (auto& x : b)
        if (x.empty()) x = key;
      EXPECT_EQ(k.Run(a), r.Run(b)) << key;
      for (auto& x : a)
        if (x == "r-" + key) x = "k-" + key;
      EXPECT_EQ(r.Run(a), k.Run(b)) << key;
    }
  }
}

// After a replay, consumers' seen-times are the replay's (Redis: the load time; here the
// frozen loading clock, 0): masked.
std::vector<std::string> MaskSeen(std::vector<std::string> v) {
  static const std::regex seen("\"seen-time\", \\(integer\\) [0-9]+");
  for (auto& s : v) s = std::regex_replace(s, seen, "\"seen-time\", (integer) T");
  return v;
}

TEST(StreamsPersistence, AppendOnlyFileRestoresStreamsAfterRestartAndRewrite) {
  // The node size is part of the configuration, so a replay builds the same nodes.
  const std::vector<std::string> opts = {"--appendonly", "yes", "--stream-node-max-entries", "10"};
  KeyshardProcess ks(opts);
  ASSERT_GT(ks.port(), 0);
  std::vector<std::string> expected;
  auto probes = [](Client& k) {
    std::vector<std::string> got = Probes(k, "");
    got.push_back(k.Run({"XINFO", "STREAM", "auto", "FULL"}));
    got.push_back(k.Run({"XINFO", "STREAM", "gone"}));
    return MaskSeen(got);
  };
  {
    Client k(ks.port());
    Fill(k, "");
    k.Run({"CONFIG", "SET", "stream-node-max-entries", "10"});
    // Automatic IDs, approximate trimming, group reads and claims: logged by their effect.
    for (int i = 0; i < 30; ++i) k.Run({"XADD", "auto", "MAXLEN", "~", "10", "*", "i", std::to_string(i)});
    k.Run({"XGROUP", "CREATE", "auto", "g", "0"});
    k.Run({"XREADGROUP", "GROUP", "g", "c", "COUNT", "3", "STREAMS", "auto", ">"});
    k.Run({"XAUTOCLAIM", "auto", "g", "d", "0", "0", "COUNT", "1"});
    k.Run({"XTRIM", "s", "MINID", "~", "1035"});
    k.Run({"XADD", "auto", "MINID", "~", "0", "*", "last", "x"});
    k.Run({"XADD", "gone", "1-1", "f", "v"});
    k.Run({"XADD", "gone", "MINID", "~", "5", "2-1", "f", "v"});  // the first node goes
    k.Run({"XTRIM", "gone", "MAXLEN", "0"});
    expected = probes(k);
  }
  ks.Kill();
  std::vector<std::string> again_opts = {"--dir", ks.dir()};
  again_opts.insert(again_opts.end(), opts.begin(), opts.end());
  KeyshardProcess again(again_opts);
  ASSERT_GT(again.port(), 0);
  {
    Client k(again.port());
    ExpectSame(probes(k), expected);
    ASSERT_EQ(k.Run({"BGREWRITEAOF"}), "Background append only file rewriting started");
    for (int i = 0; i < 100000 && InfoInt(k, "persistence", "aof_rewrite_in_progress") != 0; ++i) {
      k.Run({"XLEN", "s"});  // a round trip while the rewrite runs in the background
    }
  }
  again.Kill();
  KeyshardProcess third(again_opts);
  ASSERT_GT(third.port(), 0);
  Client k(third.port());
  ExpectSame(probes(k), expected);
}

}  // namespace
}  // namespace ks::test
