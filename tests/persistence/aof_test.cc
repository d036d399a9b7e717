// Append-only logs: what each write command logs, replay after a restart (every type, TTLs,
// commands spanning engines), and how a cut-off or corrupt log is handled.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "persistence/aof_format.h"
#include "persistence/aof_log.h"
#include "routing/shard_set.h"
#include "routing/slots.h"
#include "server/persist/aof_feed.h"
#include "server/resharding/log_precopy.h"
#include "server/resharding/resharder.h"
#include "server/resharding/slot_map_file.h"
#include "tests/support/direct_client.h"
#include "tests/support/processes.h"

namespace ks::test {
namespace {

namespace fs = std::filesystem;

Config AofConfig(const std::string& dir, std::string truncated = "yes") {
  Config c;
  c.dir = dir;
  c.appendonly = "yes";
  c.appendfsync = "always";
  c.aof_load_truncated = truncated;
  return c;
}

// A server with its logs open, as main.cc starts one; Restart() drops it (flushing the
// logs) and starts a new one on the same directory at the same time.
struct AofServer {
  explicit AofServer(std::string d, std::string truncated = "yes") : dir(std::move(d)), truncated(truncated) {}
  std::optional<std::string> Start(int64_t now_ms) {
    aof.reset();
    srv = std::make_unique<TestServer>(4, AofConfig(dir, truncated));
    srv->clock.Set(now_ms);
    if (auto err = LoadSlotMapAtStartup(srv->state)) return err;
    auto err = StartAof(srv->service, [&](bool f) { srv->clock.Set(f ? 0 : now_ms); }, &aof);
    return err;
  }
  void Stop() {
    if (srv) srv->state.set_aof(nullptr);
    aof.reset();
  }
  ~AofServer() { Stop(); }
  std::string dir, truncated;
  std::unique_ptr<TestServer> srv;
  std::unique_ptr<AofSet> aof;
};

int EngineOf(TestServer& s, std::string_view key) { return s.state.shards().slots().EngineOf(KeySlot(key)); }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The readers whose replies must be the same before and after a restart.
const std::vector<std::vector<std::string>> kProbes = {
    {"GET", "str"},          {"PTTL", "str"},           {"GET", "ttl"},         {"PTTL", "ttl"},
    {"GET", "float"},        {"PTTL", "float"},         {"LRANGE", "list", "0", "-1"}, {"PTTL", "list"},
    {"HGETALL", "hash"},     {"HGET", "hash", "f"},     {"SCARD", "set"},       {"SMISMEMBER", "set", "1", "2", "3", "x", "y"},
    {"ZRANGE", "zset", "0", "-1", "WITHSCORES"},        {"PTTL", "zset"},       {"MGET", "m1", "m2", "m3", "m4"},
    {"GET", "renamed"},      {"EXISTS", "torename"},    {"SMEMBERS", "sdst"},   {"SMEMBERS", "ssrc"},
    {"LRANGE", "bigl", "0", "-1"}, {"GET", "gone"},     {"GET", "expiring"},    {"DBSIZE"},
    {"SELECT", "5"},         {"GET", "in5"},            {"DBSIZE"},             {"SELECT", "0"},
};

std::vector<std::string> Probe(TestServer& s) {
  DirectClient c(s);
  std::vector<std::string> out;
  for (auto& p : kProbes) out.push_back(c.Run(p));
  return out;
}

TEST(Aof, ReplayRestoresEveryTypeWithAbsoluteTtls) {
  AofServer a(MakeTempDir("ks-aof"));
  const int64_t t0 = 1'700'000'000'000;
  ASSERT_EQ(a.Start(t0), std::nullopt);
  {
    DirectClient c(*a.srv);
    for (auto cmd : std::vector<std::vector<std::string>>{
             {"SET", "str", "v"},
             {"SET", "ttl", "v", "EX", "100"},
             {"INCRBYFLOAT", "float", "1.1"},
             {"SETEX", "gone", "1", "x"},
             {"SET", "expiring", "x", "PX", "500"},
             {"RPUSH", "list", "a", "b", "c", "d"},
             {"LPOP", "list"},
             {"EXPIRE", "list", "1000"},
             {"HSET", "hash", "f", "1", "g", "2"},
             {"HINCRBYFLOAT", "hash", "f", "0.5"},
             {"SADD", "set", "1", "2", "3", "x", "y"},
             {"SPOP", "set", "2"},
             {"ZADD", "zset", "1.5", "a", "2", "b", "-inf", "c"},
             {"ZINCRBY", "zset", "0.25", "a"},
             {"PEXPIRE", "zset", "123456"},
             {"MSET", "m1", "1", "m2", "2", "m3", "3", "m4", "4"},
             {"SET", "torename", "r"},
             {"RENAME", "torename", "renamed"},
             {"SADD", "ssrc", "a", "b"},
             {"SMOVE", "ssrc", "sdst", "a"},
             {"SELECT", "5"},
             {"SET", "in5", "five"},
             {"SELECT", "0"},
         })
      c.Run(cmd);
    std::vector<std::string> big = {"RPUSH", "bigl"};
    for (int i = 0; i < 1000; ++i) big.push_back("e" + std::to_string(i));
    c.Run(big);
    c.Run({"LPOP", "bigl"});
    // Its engine differs from its source's, so the rename is logged as its effect.
    ASSERT_NE(EngineOf(*a.srv, "torename"), EngineOf(*a.srv, "renamed"));
  }
  a.srv->clock.Set(t0 + 1000);  // "gone" and "expiring" are past their time
  std::vector<std::string> before = Probe(*a.srv);
  EXPECT_EQ(before[20], "(nil)");
  a.Stop();
  ASSERT_EQ(a.Start(t0 + 1000), std::nullopt);
  EXPECT_EQ(Probe(*a.srv), before);
  // TTLs were logged as absolute times: a restart later shows them shorter.
  a.Stop();
  ASSERT_EQ(a.Start(t0 + 51'000), std::nullopt);
  DirectClient c(*a.srv);
  EXPECT_EQ(c.Run({"PTTL", "ttl"}), "(integer) 49000");
  EXPECT_EQ(c.Run({"PTTL", "list"}), "(integer) 949000");
}

TEST(Aof, WritesAfterRestartAppendToTheSameLog) {
  AofServer a(MakeTempDir("ks-aof"));
  ASSERT_EQ(a.Start(1000), std::nullopt);
  DirectClient(*a.srv).Run({"INCR", "n"});
  a.Stop();
  ASSERT_EQ(a.Start(1000), std::nullopt);
  DirectClient(*a.srv).Run({"INCR", "n"});
  a.Stop();
  ASSERT_EQ(a.Start(1000), std::nullopt);
  EXPECT_EQ(DirectClient(*a.srv).Run({"GET", "n"}), "\"2\"");
}

TEST(Aof, FlushAllReplaysPerEngineWithoutTouchingOtherEnginesData) {
  AofServer a(MakeTempDir("ks-aof"));
  ASSERT_EQ(a.Start(1000), std::nullopt);
  {
    DirectClient c(*a.srv);
    c.Run({"MSET", "a", "1", "b", "2", "c", "3", "d", "4"});
    c.Run({"FLUSHALL"});
    c.Run({"MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6"});
  }
  a.Stop();
  ASSERT_EQ(a.Start(1000), std::nullopt);
  EXPECT_EQ(DirectClient(*a.srv).Run({"DBSIZE"}), "(integer) 6");
}

// Writes one key, then damages engine e's incremental file with f.
template <typename F>
std::string DamagedLog(AofServer& a, F&& f) {
  EXPECT_EQ(a.Start(1000), std::nullopt);
  DirectClient(*a.srv).Run({"SET", "k", "v"});
  DirectClient(*a.srv).Run({"SET", "k2", "v2"});
  int e = EngineOf(*a.srv, "k");
  a.Stop();
  std::string path = a.dir + "/appendonlydir/appendonly.aof-" + std::to_string(e) + ".1.incr.aof";
  std::string data = ReadAll(path);
  EXPECT_FALSE(data.empty());
  f(data);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  return path;
}

TEST(Aof, TruncatedTailIsCutAndLoadingGoesOnWhenAllowed) {
  AofServer a(MakeTempDir("ks-aof"), "yes");
  std::string path = DamagedLog(a, [](std::string& d) { d += "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$5\r\nhel"; });
  size_t full = ReadAll(path).size();
  ASSERT_EQ(a.Start(1000), std::nullopt);
  EXPECT_EQ(DirectClient(*a.srv).Run({"GET", "k"}), "\"v\"");
  EXPECT_EQ(DirectClient(*a.srv).Run({"EXISTS", "x"}), "(integer) 0");
  a.Stop();
  EXPECT_EQ(ReadAll(path).size(), full - std::string("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$5\r\nhel").size());
}

TEST(Aof, TruncatedTailRefusesToStartWhenNotAllowed) {
  AofServer a(MakeTempDir("ks-aof"), "no");
  std::string path = DamagedLog(a, [](std::string& d) { d += "*2\r\n$3\r\nDEL"; });
  auto err = a.Start(1000);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("Unexpected end of file"), std::string::npos) << *err;
  EXPECT_NE(err->find(path), std::string::npos) << *err;
  EXPECT_NE(err->find("aof-load-truncated"), std::string::npos) << *err;
}

TEST(Aof, CorruptMiddleRefusesToStartNamingFileOffsetAndTheFixTool) {
  AofServer a(MakeTempDir("ks-aof"), "yes");
  size_t bad = 0;
  std::string path = DamagedLog(a, [&](std::string& d) {
    // Break the first command's array header; later commands stay intact.
    bad = 0;
    d[0] = '!';
  });
  auto err = a.Start(1000);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("Bad file format"), std::string::npos) << *err;
  EXPECT_NE(err->find(path), std::string::npos) << *err;
  EXPECT_NE(err->find("at offset " + std::to_string(bad)), std::string::npos) << *err;
  EXPECT_NE(err->find("redis-check-aof --fix"), std::string::npos) << *err;
}

// Live resharding copies a big collection to the target's log in parts, over several holds
// of the source's lock: the parts, replayed over whatever the log held under the key, must
// give the value one rebuild gives.
TEST(AofRebuild, PartsReplayOverAnOldValueToTheWholeValue) {
  Config config = TestServer::NoSavePoints();
  config.enable_debug_command = "yes";  // DEBUG DIGEST-VALUE compares the values
  TestServer src(1, config), dst(1, config);
  DirectClient a(src), b(dst);
  std::vector<std::string> list{"RPUSH", "list"}, set{"SADD", "set"}, ints{"SADD", "ints"}, hash{"HSET", "hash"},
      zset{"ZADD", "zset"};
  for (int i = 0; i < 3000; ++i) {
    std::string n = std::to_string(i);
    list.push_back("e" + n);
    set.push_back("m" + n);
    hash.insert(hash.end(), {"f" + n, "v" + n});
    zset.insert(zset.end(), {std::to_string(i * 0.5), "z" + n});
    if (i < 400) ints.push_back(n);
  }
  for (auto* cmd : {&list, &set, &ints, &hash, &zset}) ASSERT_EQ(a.Run(*cmd).rfind("(integer)", 0), 0u) << a.Run(*cmd);
  a.Run({"HSET", "small", "a", "1", "b", "2"});
  a.Run({"ZADD", "smallz", "1", "x", "2", "y"});
  a.Run({"SET", "str", "value"});
  a.Run({"PEXPIREAT", "zset", "9999999999999"});
  a.Run({"PEXPIREAT", "str", "9999999999999"});
  const std::vector<std::string> keys{"list", "set", "ints", "hash", "zset", "small", "smallz", "str"};
  // Old values under the same names, of other types or with other members.
  for (const auto& k : keys) b.Run({"RPUSH", k, "old"});
  b.Run({"DEL", "zset"});
  b.Run({"ZADD", "zset", "7", "stale"});
  for (const auto& k : keys) {
    std::string out;
    RebuildCursor cur;
    int parts = 0;
    {
      EngineGuard g(src.state.shards(), 0);
      const Entry* e = g.engine().db(0).Find(KeySlot(k), k);
      ASSERT_NE(e, nullptr) << k;
      while (!AppendKeyRebuildPart(out, e, cur, 512)) ++parts;
    }
    if (k == "list" || k == "set" || k == "hash" || k == "zset") {
      EXPECT_GT(parts, 10) << k;
    }
    AofReader r(out);
    std::vector<std::string_view> args;
    while (r.Next(args) == AofReader::Status::kCommand) b.Run(std::vector<std::string>(args.begin(), args.end()));
    EXPECT_EQ(r.offset(), out.size()) << k;
    const std::string digest = a.Run({"DEBUG", "DIGEST-VALUE", k});
    EXPECT_EQ(digest.size(), 42u) << digest;  // [<40 hex digits>]
    EXPECT_EQ(b.Run({"DEBUG", "DIGEST-VALUE", k}), digest) << k;
    EXPECT_EQ(b.Run({"PEXPIRETIME", k}), a.Run({"PEXPIRETIME", k})) << k;
  }
  EXPECT_EQ(b.Run({"DEBUG", "DIGEST"}), a.Run({"DEBUG", "DIGEST"}));
}

// Live resharding's copy ahead of the two-engine hold (LogPreCopy): the hold writes only the
// keys changed, deleted or created after their copy, and with the slot then owned by the
// target (a crash right after slots.conf named it), the target's log alone replays to the
// source's keys. A cancelled copy's DELs leave no key behind.
TEST(AofSlotMove, TheHoldWritesOnlyKeysChangedAfterTheCopy) {
  AofServer a(MakeTempDir("ks-aof-move"));
  ASSERT_EQ(a.Start(1000), std::nullopt);
  ShardSet& shards = a.srv->state.shards();
  const uint16_t slot = KeySlot("{t}");
  const uint16_t from = shards.slots().EngineOf(slot), to = (from + 1) % 4;
  auto c = std::make_unique<DirectClient>(*a.srv);  // gone before the restart
  std::vector<std::string> zadd{"ZADD", "{t}big"};
  for (int i = 0; i < 5000; ++i) zadd.insert(zadd.end(), {std::to_string(i), "member-" + std::to_string(i)});
  c->Run(zadd);
  for (auto cmd : std::vector<std::vector<std::string>>{{"SET", "{t}same", "s"},
                                                        {"RPUSH", "{t}list", "a", "b"},
                                                        {"SET", "{t}gone", "g"},
                                                        {"SELECT", "3"},
                                                        {"HSET", "{t}h3", "f", "v"},
                                                        {"SELECT", "0"}})
    c->Run(cmd);
  LogPreCopy copy(shards);
  a.srv->state.keyspace_events().Add(&copy);
  copy.Begin(from, to, std::vector<uint16_t>{slot});
  std::atomic<bool> cancel{false};
  ASSERT_EQ(copy.Copy(*a.aof, cancel), LogPreCopy::Result::kCopied);
  c->Run({"ZADD", "{t}big", "-1", "late"});
  c->Run({"DEL", "{t}gone"});
  c->Run({"SET", "{t}new", "n"});
  c->Run({"RPUSH", "{t}list", "c"});
  {
    EngineLocks locks;
    EngineIds ids{from, to};
    locks.Lock(shards, ids);
    EXPECT_TRUE(copy.Valid(a.aof.get()));
    EXPECT_EQ(copy.AppendDirty(a.aof->log(to), false), 4u);  // big, gone (DEL), new, list
  }
  copy.End();
  a.srv->state.keyspace_events().Remove(&copy);
  c.reset();
  auto probe = [](TestServer& s) {
    DirectClient p(s);
    return std::vector<std::string>{p.Run({"ZCARD", "{t}big"}), p.Run({"ZSCORE", "{t}big", "late"}),
                                    p.Run({"ZSCORE", "{t}big", "member-4999"}), p.Run({"GET", "{t}same"}),
                                    p.Run({"LRANGE", "{t}list", "0", "-1"}), p.Run({"EXISTS", "{t}gone"}),
                                    p.Run({"GET", "{t}new"}), p.Run({"DBSIZE"}), p.Run({"SELECT", "3"}),
                                    p.Run({"HGETALL", "{t}h3"})};
  };
  const std::vector<std::string> before = probe(*a.srv);
  EXPECT_EQ(before[0], "(integer) 5001");
  // slots.conf naming the target, as step 3 of a move writes it; nothing else is moved.
  SlotOwners owners;
  for (int s = 0; s < kNumSlots; ++s) owners[s] = shards.slots().EngineOf(static_cast<uint16_t>(s));
  owners[slot] = to;
  ASSERT_EQ(SaveSlotMap(a.dir, owners, a.srv->state.shards().ActiveIds()), "");
  a.Stop();
  ASSERT_EQ(a.Start(1000), std::nullopt);
  EXPECT_EQ(a.srv->state.shards().slots().EngineOf(slot), to);
  EXPECT_EQ(probe(*a.srv), before);

  // A copy undone, as a cancelled or failed batch undoes it: with slots.conf naming the copy's
  // target (which held none of the keys before), none of them comes back.
  {
    ShardSet& sh = a.srv->state.shards();
    LogPreCopy undo(sh);
    undo.Begin(to, from, std::vector<uint16_t>{slot});
    ASSERT_EQ(undo.Copy(*a.aof, cancel), LogPreCopy::Result::kCopied);
    EngineGuard g(sh, from);
    undo.Undo(a.aof->log(from));
  }
  owners[slot] = from;
  ASSERT_EQ(SaveSlotMap(a.dir, owners, a.srv->state.shards().ActiveIds()), "");
  a.Stop();
  ASSERT_EQ(a.Start(1000), std::nullopt);
  DirectClient after(*a.srv);
  EXPECT_EQ(after.Run({"EXISTS", "{t}big", "{t}same", "{t}list", "{t}new"}), "(integer) 0");
}

TEST(AofReader, EveryTruncatedPrefixOfACommandIsTruncatedNotCorrupt) {
  std::string cmd;
  AppendRespCommand(cmd, {"SET", "key", "value"});
  std::vector<std::string_view> args;
  for (size_t n = 1; n < cmd.size(); ++n) {
    AofReader r(std::string_view(cmd).substr(0, n));
    EXPECT_EQ(r.Next(args), AofReader::Status::kTruncated) << n;
    EXPECT_EQ(r.offset(), 0u);
  }
  AofReader r(cmd);
  ASSERT_EQ(r.Next(args), AofReader::Status::kCommand);
  EXPECT_EQ(args, (std::vector<std::string_view>{"SET", "key", "value"}));
  EXPECT_EQ(r.Next(args), AofReader::Status::kEnd);
}

TEST(AofReader, BytesThatAreNotRespAreCorrupt) {
  std::vector<std::string_view> args;
  for (std::string_view bad : {"+OK\r\n", "*1\r\n+x\r\n", "*1\r\n$1\r\nab\r\n", "*x\r\n", "*1\r\n$-1\r\n"}) {
    AofReader r(bad);
    EXPECT_EQ(r.Next(args), AofReader::Status::kCorrupt) << bad;
  }
}

}  // namespace
}  // namespace ks::test
