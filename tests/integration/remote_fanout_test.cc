// Remote shards, second step (issue 16): keyshard with two engines and two real redis-server
// remotes ("b" and "c", a quarter of the slots each). Multi-key commands split across the
// three servers must answer what one redis-server answers; whole-keyspace commands cover the
// remotes; what cannot be atomic across the network is refused whole; transactions and
// scripts whose keys are all on one remote run there.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tests/support/processes.h"
#include "tests/support/raw_client.h"

namespace ks::test {
namespace {

constexpr const char* kCrossSlot = "(error) CROSSSLOT Keys in request don't hash to the same slot";

class RemoteFanout : public ::testing::Test {
 protected:
  void SetUp() override {
    b_ = std::make_unique<RedisProcess>();
    c_ = std::make_unique<RedisProcess>();
    ref_ = std::make_unique<RedisProcess>();
    ASSERT_GT(b_->port(), 0);
    ASSERT_GT(c_->port(), 0);
    ASSERT_GT(ref_->port(), 0);
    dir_ = MakeTempDir("keyshard-fanout");
    const std::string conf = dir_ + "/ks.toml";
    {
      std::ofstream f(conf);
      f << "shards = 2\nremote-timeout = 500\n"
        << "[remote.b]\naddress = \"127.0.0.1:" << b_->port() << "\"\nslots = \"8192-12287\"\n"
        << "[remote.c]\naddress = \"127.0.0.1:" << c_->port() << "\"\nslots = \"12288-16383\"\n";
    }
    ks_ = std::make_unique<KeyshardProcess>(std::vector<std::string>{"--config", conf});
    ASSERT_GT(ks_->port(), 0);
    kc_ = std::make_unique<Client>(ks_->port());
    rc_ = std::make_unique<Client>(ref_->port());
  }

  static int64_t Int(const std::string& reply) {
    const size_t sp = reply.find(' ');
    return std::stoll(sp == std::string::npos ? reply : reply.substr(sp + 1));
  }
  int64_t Slot(const std::string& key) { return Int(kc_->Run({"CLUSTER", "KEYSLOT", key})); }
  // The strings of an array reply from keyshard.
  std::vector<std::string> Strings(const std::vector<std::string>& cmd) {
    RawClient cl(ks_->port());
    std::vector<RespValue> r;
    EXPECT_EQ(ParseReplies(cl.Call(cmd), &r).status, ReplyStatus::kOk);
    std::vector<std::string> out;
    if (!r.empty())
      for (const RespValue& e : r[0].elems) out.push_back(e.str);
    return out;
  }

  // The side a slot is on: 0 (engines), 1 (b) or 2 (c).
  static int SideOf(int64_t slot) { return slot < 8192 ? 0 : slot < 12288 ? 1 : 2; }
  // A key name (hash tag `tag`) whose slot is on side 0 (engines), 1 (b) or 2 (c).
  std::string TagOn(int side) {
    for (int i = 0;; ++i) {
      const std::string k = "{t" + std::to_string(i) + "}";
      if (SideOf(Slot(k)) == side) return k;
    }
  }

  // The same commands to keyshard and the reference redis-server, replies compared.
  void ExpectSame(const std::vector<std::vector<std::string>>& cmds) {
    for (const auto& cmd : cmds) {
      std::string line;
      for (const auto& a : cmd) line += a + " ";
      EXPECT_EQ(kc_->Run(cmd), rc_->Run(cmd)) << line;
    }
  }

  // cmds written to keyshard and to the reference redis-server in one write each (a pipeline):
  // the replies must be byte for byte the same, from reply `from` on.
  void ExpectSamePipeline(const std::vector<std::vector<std::string>>& cmds, size_t from = 0) {
    std::string bytes;
    for (const auto& cmd : cmds) bytes += EncodeCommand(cmd);
    auto run = [&](int port) {
      RawClient cl(port);
      EXPECT_EQ(::write(cl.fd(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
      std::vector<std::string> out;
      for (size_t i = 0; i < cmds.size(); ++i) out.push_back(cl.Next());
      return out;
    };
    const auto via = run(ks_->port()), direct = run(ref_->port());
    ASSERT_EQ(via.size(), direct.size());
    for (size_t i = from; i < via.size(); ++i) ASSERT_EQ(via[i], direct[i]) << "reply " << i;
  }

  static std::vector<std::string> Keys(int n) {
    std::vector<std::string> keys;
    for (int i = 0; i < n; ++i) keys.push_back("key:" + std::to_string(i));
    return keys;
  }

  std::unique_ptr<RedisProcess> b_, c_, ref_;
  std::string dir_;
  std::unique_ptr<KeyshardProcess> ks_;
  std::unique_ptr<Client> kc_, rc_;
};

TEST_F(RemoteFanout, SplitCommandsAnswerAsOneRedisServer) {
  const auto keys = Keys(40);
  std::vector<std::string> mset = {"MSET"}, mget = {"MGET"}, exists = {"EXISTS"}, touch = {"TOUCH"};
  for (const auto& k : keys) {
    mset.push_back(k);
    mset.push_back("v" + k);
  }
  for (size_t i = 0; i < keys.size(); i += 3) mget.push_back(keys[i]);
  mget.push_back("missing:1");
  mget.push_back(keys[0]);  // twice: both places answered
  for (size_t i = 0; i < keys.size(); i += 2) exists.push_back(keys[i]);
  exists.push_back(keys[2]);
  exists.push_back("missing:2");
  for (size_t i = 1; i < keys.size(); i += 4) touch.push_back(keys[i]);
  ExpectSame({mset, mget, exists, touch,
              {"DEL", keys[0], keys[1], keys[2], keys[3], keys[4], keys[5], "missing:3", keys[1]},
              {"UNLINK", keys[6], keys[7], keys[8], keys[9], keys[10], keys[11]},
              mget, exists, {"DBSIZE"}, {"MSET", keys[0]}, {"MGET"}});
  // The keys really are spread: every remote holds some.
  Client b(b_->port()), c(c_->port());
  EXPECT_NE(b.Run({"DBSIZE"}), "(integer) 0");
  EXPECT_NE(c.Run({"DBSIZE"}), "(integer) 0");
}

TEST_F(RemoteFanout, SplitRepliesKeepThePipelineOrderInResp2AndResp3) {
  for (bool resp3 : {false, true}) {
    kc_->Run({"FLUSHALL"});
    rc_->Run({"FLUSHALL"});
    std::vector<std::vector<std::string>> cmds;
    if (resp3) cmds.push_back({"HELLO", "3"});
    const auto keys = Keys(12);
    for (int round = 0; round < 50; ++round) {
      const std::string a = keys[round % 12], b = keys[(round * 5 + 1) % 12], c = keys[(round * 7 + 3) % 12];
      for (const auto& cmd : std::vector<std::vector<std::string>>{
               {"MSET", a, std::to_string(round), b, "x" + std::to_string(round)},
               {"INCR", c},
               {"MGET", a, b, c, "nope"},
               {"EXISTS", a, b, c},
               {"GET", b},
               {"DEL", c, a},
               {"TOUCH", a, b, c}})
        cmds.push_back(cmd);
    }
    // HELLO's reply names the server; everything after it must be byte for byte the same.
    ASSERT_NO_FATAL_FAILURE(ExpectSamePipeline(cmds, resp3 ? 1 : 0));
  }
}

TEST_F(RemoteFanout, WholeKeyspaceCommandsCoverTheRemotes) {
  const auto keys = Keys(90);
  std::vector<std::string> mset = {"MSET"};
  for (const auto& k : keys) {
    mset.push_back(k);
    mset.push_back("1");
  }
  kc_->Run(mset);
  EXPECT_EQ(kc_->Run({"DBSIZE"}), "(integer) 90");
  // KEYS: every key once, in the same order twice.
  const auto all = Strings({"KEYS", "*"});
  EXPECT_EQ(all, Strings({"KEYS", "*"}));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), std::set<std::string>(keys.begin(), keys.end()));
  EXPECT_EQ(all.size(), 90u);
  EXPECT_EQ(Strings({"KEYS", "key:1?"}).size(), 10u);
  // RANDOMKEY: existing keys, drawn from every side.
  std::set<int> sides;
  for (int i = 0; i < 150; ++i) {
    std::string k = kc_->Run({"RANDOMKEY"});
    ASSERT_GE(k.size(), 2u);
    k = k.substr(1, k.size() - 2);
    ASSERT_EQ(kc_->Run({"EXISTS", k}), "(integer) 1") << k;
    sides.insert(SideOf(Slot(k)));
  }
  EXPECT_EQ(sides.size(), 3u);
  // FLUSHDB / FLUSHALL (ASYNC passed through) empty every side.
  EXPECT_EQ(kc_->Run({"FLUSHALL", "ASYNC"}), "OK");
  EXPECT_EQ(kc_->Run({"DBSIZE"}), "(integer) 0");
  EXPECT_EQ(kc_->Run({"RANDOMKEY"}), "(nil)");
  EXPECT_EQ(kc_->Run({"KEYS", "*"}), "[]");
  kc_->Run(mset);
  EXPECT_EQ(kc_->Run({"FLUSHDB"}), "OK");
  Client b(b_->port()), c(c_->port());
  EXPECT_EQ(b.Run({"DBSIZE"}), "(integer) 0");
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 0");
  // SWAPDB swaps every shard's databases.
  kc_->Run(mset);
  EXPECT_EQ(kc_->Run({"SWAPDB", "0", "1"}), "OK");
  EXPECT_EQ(kc_->Run({"DBSIZE"}), "(integer) 0");
  kc_->Run({"SELECT", "1"});
  EXPECT_EQ(kc_->Run({"DBSIZE"}), "(integer) 90");
  EXPECT_EQ(Strings({"KEYS", "*"}).size(), 0u);  // a new connection: database 0
}

// Full SCAN iterations with COUNT, MATCH and TYPE: every matching key exactly once.
TEST_F(RemoteFanout, ScanFindsEveryKeyOnceAcrossShards) {
  std::vector<std::string> mset = {"MSET"};
  for (int i = 0; i < 300; ++i) {
    mset.push_back("s:" + std::to_string(i));
    mset.push_back("v");
  }
  kc_->Run(mset);
  for (int i = 0; i < 20; ++i) kc_->Run({"SADD", "set:" + std::to_string(i), "m"});
  struct Case {
    std::vector<std::string> opts;
    size_t expected;
  };
  for (const Case& cs : std::vector<Case>{{{"COUNT", "7"}, 320}, {{"MATCH", "s:1*", "COUNT", "50"}, 111},
                                          {{"TYPE", "set"}, 20}, {{}, 320}}) {
    std::map<std::string, int> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
      RawClient cl(ks_->port());
      std::vector<std::string> cmd = {"SCAN", cursor};
      cmd.insert(cmd.end(), cs.opts.begin(), cs.opts.end());
      std::vector<RespValue> r;
      const std::string raw = cl.Call(cmd);
      ASSERT_EQ(ParseReplies(raw, &r).status, ReplyStatus::kOk) << raw;
      ASSERT_EQ(r[0].elems.size(), 2u) << raw;
      cursor = r[0].elems[0].str;
      // A 64-bit integer that also parses as a signed one.
      ASSERT_NO_THROW((void)std::stoll(cursor)) << cursor;
      for (const RespValue& k : r[0].elems[1].elems) ++seen[k.str];
      ASSERT_LT(++calls, 10000);
    } while (cursor != "0");
    EXPECT_EQ(seen.size(), cs.expected);
    for (const auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;
  }
}

TEST_F(RemoteFanout, RedisPyScanIterFindsEveryKey) {
  std::vector<std::string> mset = {"MSET"};
  for (int i = 0; i < 500; ++i) {
    mset.push_back("p:" + std::to_string(i));
    mset.push_back("v");
  }
  kc_->Run(mset);
  const std::string script = dir_ + "/scan.py";
  {
    std::ofstream f(script);
    f << "import redis, sys\n"
         "r = redis.Redis(port=int(sys.argv[1]))\n"
         "keys = list(r.scan_iter(match='p:*', count=13))\n"
         "assert len(keys) == len(set(keys)), 'duplicates'\n"
         "assert set(keys) == {('p:%d' % i).encode() for i in range(500)}, len(keys)\n"
         "print('ok', len(keys))\n";
  }
  const std::string cmd = "/usr/bin/python3 " + script + " " + std::to_string(ks_->port()) + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[512];
  std::string out;
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  EXPECT_EQ(::pclose(p), 0) << out;
  EXPECT_EQ(out, "ok 500\n");
}

TEST_F(RemoteFanout, WhatCannotBeAtomicAcrossShardsIsRefusedWhole) {
  const std::string l = TagOn(0), b = TagOn(1), c = TagOn(2);
  kc_->Run({"SET", l + "a", "1"});
  kc_->Run({"SET", b + "a", "2"});
  kc_->Run({"SADD", l + "s", "x"});
  kc_->Run({"RPUSH", b + "l", "y"});
  for (const auto& cmd : std::vector<std::vector<std::string>>{
           {"MSETNX", l + "n", "1", b + "n", "2"},
           {"RENAME", l + "a", b + "z"},
           {"RENAMENX", b + "a", c + "z"},
           {"SMOVE", l + "s", b + "s", "x"},
           {"LMOVE", b + "l", l + "l", "LEFT", "RIGHT"},
           {"SUNIONSTORE", c + "d", l + "s", b + "s"},
           {"SINTERCARD", "2", l + "s", c + "s"},
           {"EVAL", "return 1", "2", l + "a", b + "a"}})
    EXPECT_EQ(kc_->Run(cmd), kCrossSlot) << cmd[0];
  // A key without its value: the arity error, before any part runs.
  EXPECT_EQ(kc_->Run({"MSET", l + "odd", "1", b + "odd"}), "(error) ERR wrong number of arguments for 'mset' command");
  EXPECT_EQ(kc_->Run({"EXISTS", l + "odd", b + "odd"}), "(integer) 0");
  // SORT's BY/GET patterns may form keys on any shard.
  kc_->Run({"RPUSH", l + "ids", "2", "1"});
  EXPECT_EQ(kc_->Run({"SORT", l + "ids", "BY", "w_*"}).rfind("(error) CROSSSLOT", 0), 0u);
  EXPECT_EQ(kc_->Run({"SORT", l + "ids", "GET", "n_*"}).rfind("(error) CROSSSLOT", 0), 0u);
  EXPECT_EQ(kc_->Run({"SORT", l + "ids"}), "[\"1\", \"2\"]");
  // Nothing of them ran.
  EXPECT_EQ(kc_->Run({"MGET", l + "n", b + "n", l + "a", b + "a", b + "z", c + "z"}),
            "[(nil), (nil), \"1\", \"2\", (nil), (nil)]");
  // A transaction over a remote and another shard: refused before any of it runs.
  kc_->Run({"MULTI"});
  kc_->Run({"SET", b + "t", "1"});
  kc_->Run({"SET", c + "t", "1"});
  const std::string exec = kc_->Run({"EXEC"});
  EXPECT_EQ(exec.rfind("(error) EXECABORT Transaction discarded because of: CROSSSLOT", 0), 0u) << exec;
  EXPECT_EQ(kc_->Run({"EXISTS", b + "t", c + "t"}), "(integer) 0");
  // A script reaching a remote's key it did not declare: the same error, from redis.call.
  const std::string eval = kc_->Run({"EVAL", "return redis.call('GET', ARGV[1])", "1", l + "a", b + "a"});
  EXPECT_NE(eval.find("CROSSSLOT Keys in request don't hash to the same slot"), std::string::npos) << eval;
}

TEST_F(RemoteFanout, TransactionOnOneRemoteRunsThere) {
  const std::string b = TagOn(1);
  kc_->Run({"SET", b + "n", "10"});
  EXPECT_EQ(kc_->Run({"MULTI"}), "OK");
  EXPECT_EQ(kc_->Run({"INCR", b + "n"}), "QUEUED");
  EXPECT_EQ(kc_->Run({"LPUSH", b + "l", "a", "b"}), "QUEUED");
  EXPECT_EQ(kc_->Run({"PING"}), "QUEUED");
  EXPECT_EQ(kc_->Run({"EXEC"}), "[(integer) 11, (integer) 2, PONG]");
  Client rb(b_->port());
  EXPECT_EQ(rb.Run({"GET", b + "n"}), "\"11\"");
  // An error inside is the remote's, as Redis answers it.
  kc_->Run({"MULTI"});
  kc_->Run({"INCR", b + "l"});
  kc_->Run({"GET", b + "n"});
  EXPECT_EQ(kc_->Run({"EXEC"}),
            "[(error) WRONGTYPE Operation against a key holding the wrong kind of value, \"11\"]");
  // DISCARD leaves nothing behind.
  kc_->Run({"MULTI"});
  kc_->Run({"SET", b + "n", "0"});
  EXPECT_EQ(kc_->Run({"DISCARD"}), "OK");
  EXPECT_EQ(kc_->Run({"GET", b + "n"}), "\"11\"");
}

TEST_F(RemoteFanout, PipelinedTransactionsOnARemoteKeepTheirPlace) {
  const std::string l = TagOn(0), b = TagOn(1), c = TagOn(2);
  std::vector<std::vector<std::string>> cmds;
  for (int round = 0; round < 20; ++round)
    for (const auto& cmd : std::vector<std::vector<std::string>>{{"SET", l + "a", std::to_string(round)},
                                                                  {"WATCH", b + "n"},
                                                                  {"MULTI"},
                                                                  {"INCR", b + "n"},
                                                                  {"LPUSH", b + "l", l + "a"},
                                                                  {"EXEC"},
                                                                  {"GET", l + "a"},
                                                                  {"MGET", b + "n", l + "a", c + "x"},
                                                                  {"MULTI"},
                                                                  {"INCR", c + "x"},
                                                                  {"EXEC"}})
      cmds.push_back(cmd);
  ASSERT_NO_FATAL_FAILURE(ExpectSamePipeline(cmds));
  Client rb(b_->port());
  EXPECT_EQ(rb.Run({"GET", b + "n"}), "\"20\"");
}

TEST_F(RemoteFanout, WatchOnARemoteKey) {
  const std::string b = TagOn(1), c = TagOn(2);
  kc_->Run({"SET", b + "w", "1"});
  // Untouched: EXEC runs.
  EXPECT_EQ(kc_->Run({"WATCH", b + "w"}), "OK");
  kc_->Run({"MULTI"});
  kc_->Run({"INCR", b + "w"});
  EXPECT_EQ(kc_->Run({"EXEC"}), "[(integer) 2]");
  // Another client (through keyshard) changes it: EXEC answers nil, nothing ran.
  Client other(ks_->port());
  EXPECT_EQ(kc_->Run({"WATCH", b + "w"}), "OK");
  EXPECT_EQ(other.Run({"SET", b + "w", "100"}), "OK");
  kc_->Run({"MULTI"});
  kc_->Run({"INCR", b + "w"});
  EXPECT_EQ(kc_->Run({"EXEC"}), "(nil)");
  EXPECT_EQ(kc_->Run({"GET", b + "w"}), "\"100\"");
  // UNWATCH gives the lease back: a later change does not abort the next transaction.
  EXPECT_EQ(kc_->Run({"WATCH", b + "w"}), "OK");
  EXPECT_EQ(kc_->Run({"UNWATCH"}), "OK");
  other.Run({"SET", b + "w", "5"});
  kc_->Run({"MULTI"});
  kc_->Run({"INCR", b + "w"});
  EXPECT_EQ(kc_->Run({"EXEC"}), "[(integer) 6]");
  // WATCH on two remotes cannot make one EXEC atomic.
  EXPECT_EQ(kc_->Run({"WATCH", b + "w"}), "OK");
  EXPECT_EQ(kc_->Run({"WATCH", c + "w"}), kCrossSlot);
  kc_->Run({"UNWATCH"});
}

TEST_F(RemoteFanout, ScriptsOnOneRemoteRunThere) {
  const std::string b = TagOn(1), c = TagOn(2);
  kc_->Run({"SET", b + "k", "v"});
  EXPECT_EQ(kc_->Run({"EVAL", "return redis.call('GET', KEYS[1])", "1", b + "k"}), "\"v\"");
  // Loaded here only: the remote answers NOSCRIPT and the body goes there as EVAL.
  const std::string sha = kc_->Run({"SCRIPT", "LOAD", "return redis.call('INCR', KEYS[1])"});
  const std::string bare = sha.substr(1, sha.size() - 2);
  Client rc(c_->port());
  EXPECT_EQ(rc.Run({"SCRIPT", "EXISTS", bare}), "[(integer) 0]");
  EXPECT_EQ(kc_->Run({"EVALSHA", bare, "1", c + "n"}), "(integer) 1");
  EXPECT_EQ(kc_->Run({"EVALSHA", bare, "1", c + "n"}), "(integer) 2");
  EXPECT_EQ(rc.Run({"GET", c + "n"}), "\"2\"");
  // Unknown anywhere: NOSCRIPT as Redis says it.
  EXPECT_EQ(kc_->Run({"EVALSHA", std::string(40, 'a'), "1", c + "n"}).rfind("(error) NOSCRIPT", 0), 0u);
  // FUNCTION LOAD reaches every remote, so FCALL runs where its keys are.
  EXPECT_EQ(kc_->Run({"FUNCTION", "LOAD",
                      "#!lua name=lib\nredis.register_function('get2', function(keys) return redis.call('GET', keys[1]) end)"}),
            "\"lib\"");
  EXPECT_EQ(kc_->Run({"FCALL", "get2", "1", b + "k"}), "\"v\"");
  EXPECT_EQ(kc_->Run({"FCALL", "get2", "1", "{local}missing"}), "(nil)");
  EXPECT_EQ(kc_->Run({"FUNCTION", "DELETE", "lib"}), "OK");
  EXPECT_EQ(Client(b_->port()).Run({"FUNCTION", "LIST"}), "[]");
}

TEST_F(RemoteFanout, ARemoteDownFailsTheSplitCommandWhole) {
  const auto keys = Keys(30);
  std::vector<std::string> mset = {"MSET"}, mget = {"MGET"};
  for (const auto& k : keys) {
    mset.push_back(k);
    mset.push_back("1");
    mget.push_back(k);
  }
  kc_->Run(mset);
  c_->Kill();
  for (const auto& cmd : std::vector<std::vector<std::string>>{mget, {"DEL", keys[0], keys[1], keys[2], keys[3], keys[4],
                                                                      keys[5], keys[6], keys[7], keys[8], keys[9]},
                                                               {"DBSIZE"}, {"KEYS", "*"}}) {
    const std::string r = kc_->Run(cmd);
    EXPECT_EQ(r.rfind("(error) ERR remote shard 'c' (", 0), 0u) << cmd[0] << ": " << r;
  }
  // The other shards keep serving.
  Client b(b_->port());
  EXPECT_NE(b.Run({"DBSIZE"}), "(integer) 0");
}

}  // namespace
}  // namespace ks::test
