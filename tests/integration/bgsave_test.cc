// BGSAVE, SAVE points, MISCONF and the final save on shutdown against a real keyshard process,
// with a real redis-server 7.0 as the reference for reply texts and as a reader of our files.
// The data check is deterministic: every write sent after BGSAVE's reply happened after the
// snapshot's moment, so none of them may be in the files.
// Differential tests compare each edge (failed saves, save values, FLUSHALL with save points)
// with what redis-server does in the same situation.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

namespace fs = std::filesystem;
using Cmd = std::vector<std::string>;

constexpr const char* kMisconf =
    "(error) MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
    "Commands that may modify the data set are disabled, because this instance is configured to report errors "
    "during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs "
    "for details about the RDB error.";

// The fields of INFO <section> as a map.
std::map<std::string, std::string> Info(Client& c, const std::string& section) {
  std::string r = c.Run({"INFO", section});
  if (r.size() >= 2 && r.front() == '"') r = r.substr(1, r.size() - 2);
  std::map<std::string, std::string> m;
  std::istringstream in(r);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon != std::string::npos && line[0] != '#') m[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return m;
}

long Int(const std::string& s) { return std::atol(s.c_str()); }

// Polls pred every 10 ms until it holds or `ms` passed.
bool WaitUntil(const std::function<bool()>& pred, int ms = 10000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool WaitBgsaveDone(Client& c) {
  return WaitUntil([&] { return Info(c, "persistence")["rdb_bgsave_in_progress"] == "0"; });
}

std::string Resp(const Cmd& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Keys k<from>..k<to-1> set to `value` with pipelined MSETs of 1000 keys; true if all were OK.
bool FillKeys(Client& c, int from, int to, const std::string& value, const std::string& prefix = "k") {
  const int kBatch = 1000, kPerWrite = 20;
  std::string bytes;
  int replies = 0;
  auto flush = [&] {
    std::string r = c.RunRaw(bytes, replies);
    bytes.clear();
    bool ok = r.find("(error)") == std::string::npos && r.find("<closed>") == std::string::npos;
    replies = 0;
    return ok;
  };
  for (int i = from; i < to; i += kBatch) {
    Cmd mset = {"MSET"};
    for (int k = i; k < std::min(to, i + kBatch); ++k) {
      mset.push_back(prefix + std::to_string(k));
      mset.push_back(value);
    }
    bytes += Resp(mset);
    if (++replies == kPerWrite && !flush()) return false;
  }
  return replies == 0 || flush();
}

// ---- BGSAVE replies and INFO persistence ----------------------------------------------

TEST(Bgsave, RepliesStartedThenInProgressAndReportsTheOutcomeInInfo) {
  KeyshardProcess ks;
  ASSERT_TRUE(ks.running());
  Client c(ks.port());
  ASSERT_TRUE(FillKeys(c, 0, 200000, "value"));
  auto before = Info(c, "persistence");
  EXPECT_EQ(before["rdb_bgsave_in_progress"], "0");
  EXPECT_EQ(before["rdb_last_bgsave_status"], "ok");
  EXPECT_GE(Int(before["rdb_changes_since_last_save"]), 200000);
  const long saves = Int(before["rdb_saves"]);
  const long lastsave = IntReply(c.Run({"LASTSAVE"}));
  EXPECT_EQ(lastsave, Int(before["rdb_last_save_time"]));

  // Pipelined, the second BGSAVE arrives while 200k keys are still being written (and fsynced).
  EXPECT_EQ(c.RunRaw(Resp({"BGSAVE"}) + Resp({"BGSAVE"}), 2),
            "Background saving started | (error) ERR Background save already in progress");
  ASSERT_TRUE(WaitBgsaveDone(c));
  auto after = Info(c, "persistence");
  EXPECT_EQ(after["rdb_last_bgsave_status"], "ok");
  EXPECT_EQ(Int(after["rdb_saves"]), saves + 1);
  EXPECT_EQ(after["rdb_changes_since_last_save"], "0");
  EXPECT_EQ(after["rdb_current_bgsave_time_sec"], "-1");
  EXPECT_GE(Int(after["rdb_last_bgsave_time_sec"]), 0);
  EXPECT_GE(IntReply(c.Run({"LASTSAVE"})), lastsave);
  EXPECT_EQ(IntReply(c.Run({"LASTSAVE"})), Int(after["rdb_last_save_time"]));
  for (int e = 0; e < 8; ++e) EXPECT_TRUE(fs::exists(ks.dir() + "/dump-" + std::to_string(e) + ".rdb")) << e;
  EXPECT_EQ(IntReply(c.Run({"DBSIZE"})), 200000);
  c.Run({"SET", "one", "more"});
  EXPECT_EQ(Info(c, "persistence")["rdb_changes_since_last_save"], "1");
}

// ---- the files hold the moment of the BGSAVE ------------------------------------------

TEST(Bgsave, WritesAfterTheReplyAreNotInTheFilesAndRedisReadsThem) {
  constexpr int kKeys = 100000, kWriters = 4;
  std::string data_dir;
  std::map<int, long> engine_keys;
  {
    KeyshardProcess ks;
    ASSERT_TRUE(ks.running());
    data_dir = ks.dir();
    Client c(ks.port());
    ASSERT_TRUE(FillKeys(c, 0, kKeys, "before"));
    const long saves = Int(Info(c, "persistence")["rdb_saves"]);
    for (const auto& [k, v] : Info(c, "keyshard"))
      if (k.rfind("engine", 0) == 0 && k != "engines") engine_keys[std::atoi(k.c_str() + 6)] = Int(v.substr(5));
    ASSERT_EQ(engine_keys.size(), 8u);

    // A client blocked before the snapshot, served after it began: the key it moves to must
    // be in the files as it was.
    ASSERT_EQ(c.Run({"RPUSH", "dst", "old"}), "(integer) 1");
    Client blocked(ks.port());
    std::string blocked_reply;
    std::thread waiter([&] { blocked_reply = blocked.Run({"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"}); });
    ASSERT_TRUE(WaitUntil([&] { return Info(c, "clients")["blocked_clients"] == "1"; }));

    ASSERT_EQ(c.Run({"BGSAVE"}), "Background saving started");
    // Everything below is sent after the reply: after the snapshot's moment.
    EXPECT_EQ(c.Run({"RPUSH", "src", "moved"}), "(integer) 1");
    waiter.join();
    EXPECT_EQ(blocked_reply, "\"moved\"");
    std::vector<std::thread> writers;
    std::vector<char> ok(kWriters, 0);  // not vector<bool>: its bits share bytes across threads
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        Client wc(ks.port());
        const int from = w * kKeys / kWriters, to = (w + 1) * kKeys / kWriters;
        bool good = FillKeys(wc, from, to, "after") && FillKeys(wc, from, to, "x", "new");
        for (int k = from; k < to && good; k += 97) good = wc.Run({"DEL", "k" + std::to_string(k)}) == "(integer) 1";
        ok[w] = good;
      });
    }
    for (auto& t : writers) t.join();
    for (int w = 0; w < kWriters; ++w) EXPECT_TRUE(ok[w]) << w;
    ASSERT_TRUE(WaitBgsaveDone(c));
    auto info = Info(c, "persistence");
    EXPECT_EQ(info["rdb_last_bgsave_status"], "ok");
    EXPECT_EQ(Int(info["rdb_saves"]), saves + 1);
    EXPECT_GT(Int(info["rdb_changes_since_last_save"]), 0);
    ks.Kill();  // no final save: the files are the BGSAVE's
  }

  // A redis-server reads one engine's file as it is: that engine's keys, all "before".
  {
    std::string rdir = MakeTempDir("ks-bgsave");
    fs::copy_file(data_dir + "/dump-3.rdb", rdir + "/dump.rdb");
    RedisProcess redis({"--dir", rdir});
    ASSERT_TRUE(redis.running());
    Client rc(redis.port());
    EXPECT_EQ(IntReply(rc.Run({"DBSIZE"})), engine_keys[3]);
    for (int i = 0; i < 20; ++i) {
      std::string key = rc.Run({"RANDOMKEY"});
      ASSERT_EQ(key.substr(0, 2), "\"k") << key;
      key = key.substr(1, key.size() - 2);
      EXPECT_EQ(rc.Run({"GET", key}), key == "dst" ? "(error) WRONGTYPE Operation against a key holding the wrong kind of value" : "\"before\"");
    }
    redis.Stop();
    fs::remove_all(rdir);
  }

  // Restarted on the same directory, keyshard holds exactly the data of the BGSAVE's moment.
  KeyshardProcess again({"--dir", data_dir});
  ASSERT_TRUE(again.running());
  Client c(again.port());
  EXPECT_EQ(IntReply(c.Run({"DBSIZE"})), kKeys + 1);
  EXPECT_EQ(c.Run({"LRANGE", "dst", "0", "-1"}), "[\"old\"]");
  EXPECT_EQ(c.Run({"EXISTS", "src"}), "(integer) 0");
  long wrong = 0;
  for (int i = 0; i < kKeys; i += 1000) {
    Cmd mget = {"MGET"};
    for (int k = i; k < i + 1000; ++k) mget.push_back("k" + std::to_string(k));
    std::string want = "[";
    for (int k = i; k < i + 1000; ++k) want += (k == i ? "" : ", ") + std::string("\"before\"");
    if (c.Run(mget) != want + "]") ++wrong;
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(c.Run({"EXISTS", "new0", "new99999", "new50000"}), "(integer) 0");
  again.Stop();
  fs::remove_all(data_dir);
}

// ---- syntax, against redis-server ----------------------------------------------------

TEST(Bgsave, SyntaxRepliesMatchRedis) {
  KeyshardProcess ks;
  RedisProcess redis;
  ASSERT_TRUE(ks.running());
  ASSERT_TRUE(redis.running());
  Client kc(ks.port()), rc(redis.port());
  for (const Cmd& cmd : {Cmd{"BGSAVE", "foo"}, Cmd{"BGSAVE", "schedule", "extra"}, Cmd{"LASTSAVE", "x"},
                         Cmd{"BGSAVE", "SCHEDULE"}}) {
    std::string want = rc.Run(cmd);
    EXPECT_EQ(kc.Run(cmd), want) << cmd[0] << " " << cmd[1];
    ASSERT_TRUE(WaitBgsaveDone(kc));
    ASSERT_TRUE(WaitBgsaveDone(rc));
  }
  EXPECT_EQ(kc.Run({"BGSAVE", "foo"}), "(error) ERR syntax error");
}

// ---- MISCONF -----------------------------------------------------------------------

// A redis-server and a keyshard that both save on "3600 1" (keyshard's files in `data`), and a
// client to each. Both are killed at the end, so that neither saves on the way out.
struct SavingPair {
  RedisProcess redis{{"--save", "3600 1"}};
  const std::string data = MakeTempDir("ks-bgsave");
  KeyshardProcess ks{{"--dir", data, "--save", "3600 1"}};
  Client rc{redis.port()}, kc{ks.port()};
  ~SavingPair() {
    ks.Kill();
    redis.Kill();
    fs::remove_all(data);
  }
};

// Removes dir, runs BGSAVE and waits for it to fail.
void FailABgsave(Client& c, const std::string& dir) {
  fs::remove_all(dir);
  ASSERT_EQ(c.Run({"BGSAVE"}), "Background saving started");
  ASSERT_TRUE(WaitUntil([&] {
    auto info = Info(c, "persistence");
    return info["rdb_bgsave_in_progress"] == "0" && info["rdb_last_bgsave_status"] == "err";
  }));
}

// Both servers up, then one failed BGSAVE on each. redis-server has chdir'ed to its
// directory: removing it makes the child's file fail.
void FailBgsaveOnBoth(SavingPair& s) {
  ASSERT_TRUE(s.redis.running());
  ASSERT_TRUE(s.ks.running());
  FailABgsave(s.rc, s.redis.dir());
  FailABgsave(s.kc, s.data);
}

TEST(Bgsave, FailedSaveStopsWritesWithMisconfUntilASaveSucceeds) {
  const std::string data = MakeTempDir("ks-bgsave");
  KeyshardProcess ks({"--dir", data, "--save", "3600 1 300 100 60 10000"});  // Redis's default save points
  ASSERT_TRUE(ks.running());
  Client c(ks.port());
  ASSERT_EQ(c.Run({"SET", "k", "v"}), "OK");
  const long lastsave = IntReply(c.Run({"LASTSAVE"}));
  FailABgsave(c, data);
  EXPECT_EQ(IntReply(c.Run({"LASTSAVE"})), lastsave);
  EXPECT_EQ(c.Run({"SET", "k", "w"}), kMisconf);
  EXPECT_EQ(c.Run({"DEL", "k"}), kMisconf);
  EXPECT_EQ(c.Run({"GET", "k"}), "\"v\"");
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 1");

  // Only while the option is on...
  ASSERT_EQ(c.Run({"CONFIG", "SET", "stop-writes-on-bgsave-error", "no"}), "OK");
  EXPECT_EQ(c.Run({"SET", "k", "w"}), "OK");
  ASSERT_EQ(c.Run({"CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"}), "OK");
  EXPECT_EQ(c.Run({"SET", "k", "x"}), kMisconf);
  // ...and save points are set.
  ASSERT_EQ(c.Run({"CONFIG", "SET", "save", ""}), "OK");
  EXPECT_EQ(c.Run({"SET", "k", "x"}), "OK");
  ASSERT_EQ(c.Run({"CONFIG", "SET", "save", "3600 1"}), "OK");
  EXPECT_EQ(c.Run({"SET", "k", "y"}), kMisconf);

  // A successful save clears it.
  fs::create_directories(data);
  ASSERT_EQ(c.Run({"BGSAVE"}), "Background saving started");
  ASSERT_TRUE(WaitBgsaveDone(c));
  EXPECT_EQ(Info(c, "persistence")["rdb_last_bgsave_status"], "ok");
  EXPECT_EQ(c.Run({"SET", "k", "z"}), "OK");
  EXPECT_GE(IntReply(c.Run({"LASTSAVE"})), lastsave);
  ks.Kill();
  fs::remove_all(data);
}

TEST(Bgsave, MisconfRepliesMatchRedis) {
  SavingPair s;
  ASSERT_NO_FATAL_FAILURE(FailBgsaveOnBoth(s));
  for (const Cmd& cmd : {Cmd{"SET", "a", "b"}, Cmd{"GET", "a"}, Cmd{"PING"}, Cmd{"INCR", "n"}, Cmd{"DBSIZE"},
                         Cmd{"LASTSAVE", "x"}}) {
    std::string want = s.rc.Run(cmd);
    EXPECT_EQ(s.kc.Run(cmd), want) << cmd[0];
  }
  EXPECT_EQ(s.kc.Run({"SET", "a", "b"}), kMisconf);
}

// Redis 7.0 counts every attempt in rdb_saves (stat_rdb_saves++ before the fork), failed
// ones too.
TEST(Bgsave, RdbSavesCountsFailedAttemptsAsRedis) {
  SavingPair s;
  ASSERT_NO_FATAL_FAILURE(FailBgsaveOnBoth(s));
  EXPECT_EQ(Info(s.kc, "persistence")["rdb_saves"], Info(s.rc, "persistence")["rdb_saves"]);
}

// A failed SAVE: Redis replies a bare "ERR", and (not being a background save) leaves
// rdb_last_bgsave_status alone, so writes go on.
TEST(Bgsave, FailedSaveRepliesAndStaysWritableAsRedis) {
  SavingPair s;
  ASSERT_TRUE(s.redis.running());
  ASSERT_TRUE(s.ks.running());
  fs::remove_all(s.redis.dir());
  fs::remove_all(s.data);
  for (const Cmd& cmd : {Cmd{"SAVE"}, Cmd{"SET", "a", "b"}}) {
    std::string want = s.rc.Run(cmd);
    EXPECT_EQ(s.kc.Run(cmd), want) << cmd[0];
  }
  auto ki = Info(s.kc, "persistence"), ri = Info(s.rc, "persistence");
  for (const char* field : {"rdb_last_bgsave_status", "rdb_bgsave_in_progress"}) EXPECT_EQ(ki[field], ri[field]) << field;
}

// ---- save points -------------------------------------------------------------------

TEST(Bgsave, SavePointStartsABackgroundSave) {
  KeyshardProcess ks({"--save", ""});
  ASSERT_TRUE(ks.running());
  Client c(ks.port());
  ASSERT_EQ(c.Run({"CONFIG", "SET", "save", "1 1"}), "OK");
  EXPECT_EQ(c.Run({"CONFIG", "GET", "save"}), "[\"save\", \"1 1\"]");
  EXPECT_EQ(Info(c, "persistence")["rdb_saves"], "0");
  ASSERT_EQ(c.Run({"SET", "a", "b"}), "OK");
  EXPECT_TRUE(WaitUntil([&] { return Int(Info(c, "persistence")["rdb_saves"]) >= 1; }));
  ASSERT_TRUE(WaitBgsaveDone(c));
  EXPECT_EQ(Info(c, "persistence")["rdb_last_bgsave_status"], "ok");
  EXPECT_TRUE(fs::exists(ks.dir() + "/dump-0.rdb"));
  // No change since: no further save.
  const long saves = Int(Info(c, "persistence")["rdb_saves"]);
  EXPECT_EQ(Info(c, "persistence")["rdb_changes_since_last_save"], "0");
  ASSERT_EQ(c.Run({"CONFIG", "SET", "save", ""}), "OK");
  EXPECT_EQ(Int(Info(c, "persistence")["rdb_saves"]), saves);
}

TEST(Bgsave, ConfigSetSaveValidatesAsRedis) {
  KeyshardProcess ks({"--save", ""});  // as the reference starts
  RedisProcess redis;
  ASSERT_TRUE(ks.running());
  ASSERT_TRUE(redis.running());
  Client kc(ks.port()), rc(redis.port());
  EXPECT_EQ(kc.Run({"CONFIG", "SET", "save", "bad"}),
            "(error) ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
  for (const char* value : {"bad", "1", "-1 5", "1 1 2", "1 1", "3600 1 300 100", "1.5 1", "1 x", "", "900 1"}) {
    std::string want = rc.Run({"CONFIG", "SET", "save", value});
    EXPECT_EQ(kc.Run({"CONFIG", "SET", "save", value}), want) << "'" << value << "'";
    EXPECT_EQ(kc.Run({"CONFIG", "GET", "save"}), rc.Run({"CONFIG", "GET", "save"})) << "'" << value << "'";
  }
}

// Redis 7.0 splits the value on single spaces: a doubled, leading or trailing space makes an
// empty word, which is not a number.
TEST(Bgsave, ConfigSetSaveRefusesEmptyWordsAsRedis) {
  KeyshardProcess ks;
  RedisProcess redis;
  ASSERT_TRUE(ks.running());
  ASSERT_TRUE(redis.running());
  Client kc(ks.port()), rc(redis.port());
  for (const char* value : {"  10   20  ", "10  20", " 10 20", "10 20 "}) {
    std::string want = rc.Run({"CONFIG", "SET", "save", value});
    EXPECT_EQ(want, "(error) ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
    EXPECT_EQ(kc.Run({"CONFIG", "SET", "save", value}), want) << "'" << value << "'";
  }
}

// Redis 7.0's FLUSHALL with save points set writes the now empty data set at once (and stops
// a running BGSAVE), so a crash right after it does not bring the flushed keys back.
TEST(Bgsave, FlushallWithSavePointsSavesTheEmptyDataSetAsRedis) {
  std::map<std::string, std::string> replies;
  for (bool ours : {false, true}) {
    std::string dir = MakeTempDir("ks-bgsave"), dbsize;
    std::vector<std::string> flow;
    {
      std::unique_ptr<Process> p;
      if (ours) p = std::make_unique<KeyshardProcess>(std::vector<std::string>{"--dir", dir, "--save", "3600 1"});
      else p = std::make_unique<RedisProcess>(std::vector<std::string>{"--dir", dir, "--save", "3600 1"});
      ASSERT_TRUE(p->running());
      Client c(p->port());
      flow.push_back(c.Run({"SET", "a", "b"}));
      flow.push_back(c.Run({"SAVE"}));
      flow.push_back(c.Run({"FLUSHALL"}));
      flow.push_back(Info(c, "persistence")["rdb_changes_since_last_save"]);
      p->Kill();  // a crash: no final save
    }
    {
      std::unique_ptr<Process> p;
      if (ours) p = std::make_unique<KeyshardProcess>(std::vector<std::string>{"--dir", dir, "--save", ""});
      else p = std::make_unique<RedisProcess>(std::vector<std::string>{"--dir", dir, "--save", ""});
      ASSERT_TRUE(p->running());
      Client c(p->port());
      flow.push_back(c.Run({"DBSIZE"}));
      p->Kill();
    }
    std::string joined;
    for (const auto& f : flow) joined += f + " | ";
    replies[ours ? "keyshard" : "redis"] = joined;
    fs::remove_all(dir);
  }
  EXPECT_EQ(replies["redis"], "OK | OK | OK | 0 | (integer) 0 | ");
  EXPECT_EQ(replies["keyshard"], replies["redis"]);
}

// ---- shutdown ----------------------------------------------------------------------

TEST(Bgsave, SigtermWithSavePointsWritesTheFilesAndRestartLoadsThem) {
  std::string data_dir;
  {
    KeyshardProcess ks({"--save", "3600 1 300 100 60 10000"});  // Redis's default save points
    ASSERT_TRUE(ks.running());
    data_dir = ks.dir();
    Client c(ks.port());
    ASSERT_TRUE(FillKeys(c, 0, 5000, "kept"));
    ASSERT_EQ(c.Run({"RPUSH", "list", "a", "b"}), "(integer) 2");
    ASSERT_EQ(c.Run({"SET", "ttl", "v", "EX", "1000"}), "OK");
    EXPECT_FALSE(fs::exists(data_dir + "/dump-0.rdb"));
    ks.Stop();
  }
  for (int e = 0; e < 8; ++e) EXPECT_TRUE(fs::exists(data_dir + "/dump-" + std::to_string(e) + ".rdb")) << e;
  KeyshardProcess again({"--dir", data_dir, "--save", ""});
  ASSERT_TRUE(again.running());
  Client c(again.port());
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 5002");
  EXPECT_EQ(c.Run({"GET", "k4999"}), "\"kept\"");
  EXPECT_EQ(c.Run({"LRANGE", "list", "0", "-1"}), "[\"a\", \"b\"]");
  long ttl = IntReply(c.Run({"TTL", "ttl"}));
  EXPECT_GT(ttl, 990);
  EXPECT_LE(ttl, 1000);
  // Without save points, SIGTERM saves nothing.
  ASSERT_EQ(c.Run({"SET", "k0", "changed"}), "OK");
  again.Stop();
  KeyshardProcess third({"--dir", data_dir, "--save", ""});
  ASSERT_TRUE(third.running());
  Client c3(third.port());
  EXPECT_EQ(c3.Run({"GET", "k0"}), "\"kept\"");
  third.Stop();
  fs::remove_all(data_dir);
}

}  // namespace
}  // namespace ks::test
