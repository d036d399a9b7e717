// EngineSnapshot tests: a snapshot started on an engine holds exactly the data of its start
// moment, whatever happens to the keys while it is written (changes in place, overwrites,
// deletes, new keys, TTLs, removal by expiry and by eviction, FLUSHDB and SWAPDB), as long as
// every change is announced with BeforeSlotChange first, as the dispatcher does. The files are
// read back with keyshard's loader and checked by redis-check-rdb.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "persistence/rdb_reader.h"
#include "persistence/snapshot.h"
#include "routing/shard_set.h"
#include "server/persist/engine_hooks.h"
#include "tests/support/direct_client.h"
#include "tests/support/processes.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

using Cmd = std::vector<std::string>;

// Passes slot changes to a snapshot, as EngineHooks does, and counts them.
class ForwardingObserver final : public EngineObserver {
 public:
  void BeforeSlotChange(uint16_t slot) override {
    ++announced;
    if (snapshot) snapshot->BeforeSlotChange(slot);
  }
  void KeyRemoved(int, uint16_t, std::string_view, RemovalCause cause) override {
    ++(cause == RemovalCause::kExpired ? expired : evicted);
  }
  EngineSnapshot* snapshot = nullptr;
  int announced = 0, expired = 0, evicted = 0;
};

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::vector<std::string> DirEntries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Every key of databases 0..15 with its type, value and absolute expiry (PEXPIRETIME), one
// line each, sorted. Reads only (no lazy expiry happens when the clock has not moved past a
// TTL).
std::string Dump(DirectClient& c) { return DumpKeyspace(c, /*with_encoding=*/false); }

size_t CountKeys(const std::string& dump) { return std::count(dump.begin(), dump.end(), '\n'); }

void Must(DirectClient& c, const Cmd& cmd) {
  std::string r = c.Run(cmd);
  ASSERT_FALSE(r.starts_with("(error)")) << cmd[0] << " " << (cmd.size() > 1 ? cmd[1] : "") << ": " << r;
}

// Keys of every type and compact/big encoding in databases 0, 3, 4 and 15, some with TTLs
// (relative to the manual clock: 10 s, 100 s, one hour).
void Fill(DirectClient& c) {
  auto many = [](Cmd head, int n, auto item) {
    for (int i = 0; i < n; ++i) item(head, i);
    return head;
  };
  for (int db : {0, 3, 4, 15}) {
    std::string p = "db" + std::to_string(db) + ":";
    Must(c, {"SELECT", std::to_string(db)});
    Must(c, {"SET", p + "s:int", "12345"});
    Must(c, {"SET", p + "s:short", "hello"});
    Must(c, {"SET", p + "s:long", std::string(300, 'a') + "tail"});
    Must(c, {"SET", p + "s:ttl", "v", "PX", "100000"});
    Must(c, {"SET", p + "s:short-ttl", "soon", "PX", "10000"});
    Must(c, {"RPUSH", p + "l:small", "a", "1", "-200", "bb"});
    Must(c, many({"RPUSH", p + "l:big"}, 2000, [](Cmd& h, int i) { h.push_back("elem-" + std::to_string(i)); }));
    Must(c, {"HSET", p + "h:small", "f1", "v1", "f2", "2"});
    Must(c, many({"HSET", p + "h:big"}, 300, [](Cmd& h, int i) {
          h.push_back("field" + std::to_string(i));
          h.push_back("value" + std::to_string(i));
        }));
    Must(c, {"PEXPIRE", p + "h:small", "3600000"});
    Must(c, {"SADD", p + "set:ints", "1", "-2", "300", "70000"});
    Must(c, {"SADD", p + "set:str", "a", "b", "c"});
    Must(c, many({"SADD", p + "set:big"}, 700, [](Cmd& h, int i) { h.push_back("m" + std::to_string(i)); }));
    Must(c, {"ZADD", p + "z:small", "1", "one", "2.5", "two", "-inf", "bottom"});
    Must(c, many({"ZADD", p + "z:big"}, 200, [](Cmd& h, int i) {
          h.push_back(std::to_string(i * 0.25));
          h.push_back("member" + std::to_string(i));
        }));
    Must(c, {"PEXPIRE", p + "z:big", "100000"});
    for (int i = 0; i < 200; ++i) Must(c, {"SET", p + "plain:" + std::to_string(i), "value-" + std::to_string(i)});
  }
  Must(c, {"SELECT", "0"});
}

// Every kind of change, on keys the writer may or may not have reached. Each goes through
// the dispatcher, which announces the slots first (BeforeWrite); expiry and eviction are
// announced by the engine itself.
void ChangeKeys(TestServer& s, DirectClient& c, std::vector<int> dbs) {
  for (int db : dbs) {
    std::string p = "db" + std::to_string(db) + ":";
    Must(c, {"SELECT", std::to_string(db)});
    // In place.
    Must(c, {"APPEND", p + "s:short", " world"});
    Must(c, {"INCRBY", p + "s:int", "5"});
    Must(c, {"RPUSH", p + "l:small", "new"});
    Must(c, {"LSET", p + "l:big", "7", "changed"});
    Must(c, {"HSET", p + "h:small", "f3", "v3"});
    Must(c, {"HDEL", p + "h:big", "field7"});
    Must(c, {"SADD", p + "set:ints", "99"});
    Must(c, {"SREM", p + "set:big", "m5"});
    Must(c, {"ZADD", p + "z:small", "100", "one"});
    Must(c, {"ZINCRBY", p + "z:big", "7", "member3"});
    // Overwritten, also with another type.
    Must(c, {"SET", p + "s:long", "short now"});
    Must(c, {"SET", p + "set:str", "a string now"});
    // Deleted.
    Must(c, {"DEL", p + "h:big", p + "plain:1"});
    Must(c, {"UNLINK", p + "plain:2"});
    Must(c, {"GETDEL", p + "plain:3"});
    // Created.
    Must(c, {"SET", p + "new:s", "created"});
    Must(c, {"RPUSH", p + "new:l", "x"});
    Must(c, {"COPY", p + "l:small", p + "new:copy"});
    // Renamed and moved.
    Must(c, {"RENAME", p + "plain:4", p + "renamed:4"});
    Must(c, {"MOVE", p + "plain:5", "9"});
    // TTLs given, changed and removed.
    Must(c, {"EXPIRE", p + "plain:6", "50"});
    Must(c, {"PEXPIRE", p + "s:ttl", "1"});
    Must(c, {"PERSIST", p + "z:big"});
  }
  // Removal by expiry: past the 10 s TTLs, a lookup deletes the key; the active cycle deletes
  // others.
  s.clock.Advance(20000);
  EXPECT_EQ(c.Run({"GET", "db0:s:short-ttl"}), "(nil)");
  Engine& e = s.state.shards().engine(0);
  {
    std::lock_guard lk(e.mutex());
    const uint64_t expired = e.stats().expired_keys;
    for (int i = 0; i < 20; ++i) e.ActiveExpireStep(1000);
    EXPECT_GT(e.stats().expired_keys, expired);
  }
}

// Removal by eviction: a budget under the engine's size with allkeys-random evicts keys. Run
// after the last ChangeKeys round: which keys go is random, and later rounds need theirs.
void EvictSome(TestServer& s) {
  Engine& e = s.state.shards().engine(0);
  {
    std::lock_guard lk(e.mutex());
    MemoryPolicy p = e.memory_policy();
    MemoryPolicy tight = p;
    const uint64_t evicted = e.stats().evicted_keys;
    tight.maxmemory = e.UsedBytes() * 9 / 10;
    tight.policy = EvictionPolicy::kAllKeysRandom;
    tight.tenacity = 100;  // no time limit
    e.SetMemoryPolicy(tight);
    EXPECT_EQ(e.PerformEvictions(), EvictStatus::kOk);
    EXPECT_GT(e.stats().evicted_keys, evicted);
    e.SetMemoryPolicy(p);
  }
}

// Whole databases: FLUSHDB and SWAPDB announce every slot (after them, every slot is copied).
void ChangeDatabases(DirectClient& c) {
  Must(c, {"SELECT", "15"});
  Must(c, {"FLUSHDB"});
  Must(c, {"SWAPDB", "3", "4"});
  Must(c, {"SELECT", "0"});
}

// The test's engine and a snapshot of it, with slot changes forwarded either by a test
// observer or by the server's own EngineHooks.
class SnapshotFixture : public ::testing::TestWithParam<bool> {
 protected:
  SnapshotFixture() : server_(1), engine_(server_.state.shards().engine(0)), dir_(MakeTempDir("ks-snap")) {}
  ~SnapshotFixture() override {
    std::lock_guard lk(engine_.mutex());
    engine_.set_observer(&server_.state.hooks(0));
    server_.state.hooks(0).set_snapshot(nullptr);
    std::filesystem::remove_all(dir_);
  }
  bool use_engine_hooks() const { return GetParam(); }

  std::unique_ptr<EngineSnapshot> Begin(const RdbSaveOptions& opt = {}) {
    std::lock_guard lk(engine_.mutex());
    auto snap = std::make_unique<EngineSnapshot>(engine_, opt);
    if (use_engine_hooks()) {
      server_.state.hooks(0).set_snapshot(snap.get());
    } else {
      observer_.snapshot = snap.get();
      engine_.set_observer(&observer_);
    }
    return snap;
  }
  void Detach() {
    std::lock_guard lk(engine_.mutex());
    server_.state.hooks(0).set_snapshot(nullptr);
    observer_.snapshot = nullptr;
  }

  // Loads path into a fresh 8-engine server whose clock is at `at_ms` and dumps it.
  std::string LoadAndDump(const std::string& path, int64_t at_ms, uint64_t* keys_loaded = nullptr) {
    TestServer fresh(8);
    fresh.clock.Set(at_ms);
    RdbLoadStats stats;
    bool found = false;
    std::string err = LoadRdbFile(path, fresh.state.shards(), {}, &stats, &found);
    EXPECT_EQ(err, "");
    EXPECT_TRUE(found);
    if (keys_loaded) *keys_loaded = stats.keys_loaded;
    DirectClient c(fresh);
    return Dump(c);
  }

  TestServer server_;
  Engine& engine_;
  std::string dir_;
  ForwardingObserver observer_;
};

TEST_P(SnapshotFixture, FileHoldsTheDataOfItsStartWhateverChangesWhileWriting) {
  DirectClient c(server_);
  Fill(c);
  const int64_t start_ms = server_.clock.NowMs();
  const std::string expect = Dump(c);
  ASSERT_GT(CountKeys(expect), 800u);

  auto snap = Begin();
  const std::string path = dir_ + "/dump-0.rdb";
  ASSERT_EQ(snap->Open(path), "");
  // Changes before the writer reached anything, then after it went part of the way, then
  // to whole databases.
  ChangeKeys(server_, c, {0});
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(snap->Step(64));
  ChangeKeys(server_, c, {3});
  EvictSome(server_);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(snap->Step(64));
  ChangeDatabases(c);
  Must(c, {"FLUSHALL"});
  Must(c, {"SET", "db0:s:short", "after flushall"});
  while (snap->Step(4096)) {
  }
  ASSERT_EQ(snap->error(), "");
  Detach();
  ASSERT_EQ(snap->Finish(), "");
  EXPECT_EQ(snap->keys(), CountKeys(expect));
  if (!use_engine_hooks()) EXPECT_GT(observer_.announced, 0);

  // The server moved on; the file did not.
  EXPECT_NE(Dump(c), expect);
  uint64_t loaded = 0;
  EXPECT_EQ(LoadAndDump(path, start_ms, &loaded), expect);
  EXPECT_EQ(loaded, CountKeys(expect));
}

TEST_P(SnapshotFixture, ExpiryAndEvictionBeforeTheWriterArrivesDoNotLoseKeys) {
  DirectClient c(server_);
  Fill(c);
  const int64_t start_ms = server_.clock.NowMs();
  const std::string expect = Dump(c);
  auto snap = Begin();
  const std::string path = dir_ + "/dump-0.rdb";
  ASSERT_EQ(snap->Open(path), "");
  // Every key with a TTL gone by expiry, then half the rest by eviction, nothing copied yet.
  server_.clock.Advance(10LL * 3600 * 1000);
  {
    std::lock_guard lk(engine_.mutex());
    for (int i = 0; i < 50; ++i) engine_.ActiveExpireStep(1000);
    EXPECT_GT(engine_.stats().expired_keys, 0u);
    MemoryPolicy p = engine_.memory_policy();
    MemoryPolicy tight = p;
    tight.maxmemory = engine_.UsedBytes() * 2 / 3;
    tight.policy = EvictionPolicy::kAllKeysLru;
    tight.tenacity = 100;  // no time limit
    engine_.SetMemoryPolicy(tight);
    EXPECT_EQ(engine_.PerformEvictions(), EvictStatus::kOk);
    EXPECT_GT(engine_.stats().evicted_keys, 0u);
    engine_.SetMemoryPolicy(p);
  }
  if (!use_engine_hooks()) {
    EXPECT_GT(observer_.expired, 0);
    EXPECT_GT(observer_.evicted, 0);
  }
  while (snap->Step(64 * 1024)) {
  }
  Detach();
  ASSERT_EQ(snap->Finish(), "");
  EXPECT_EQ(LoadAndDump(path, start_ms), expect);
}

TEST_P(SnapshotFixture, KeyExpiredAtTheStartIsLeftOut) {
  DirectClient c(server_);
  Must(c, {"SET", "expired-before-start", "x", "PX", "500"});
  Must(c, {"SET", "lives-past-start", "y", "PX", "5000"});
  Must(c, {"SET", "kept", "z"});
  server_.clock.Advance(1000);  // nobody looks the first key up: it is still in the table
  const int64_t start_ms = server_.clock.NowMs();
  auto snap = Begin();
  const std::string path = dir_ + "/dump-0.rdb";
  ASSERT_EQ(snap->Open(path), "");
  server_.clock.Advance(10000);  // the second one expires while the snapshot runs
  EXPECT_EQ(c.Run({"GET", "lives-past-start"}), "(nil)");
  while (snap->Step(1)) {
  }
  Detach();
  ASSERT_EQ(snap->Finish(), "");
  EXPECT_EQ(snap->keys(), 2u);
  std::string image = ReadFile(path);
  EXPECT_EQ(image.find("expired-before-start"), std::string::npos);
  std::string dump = LoadAndDump(path, start_ms);
  EXPECT_EQ(dump.find("expired-before-start"), std::string::npos) << dump;
  EXPECT_NE(dump.find("0 lives-past-start string (integer) " + std::to_string(start_ms + 4000) + " = \"y\""),
            std::string::npos)
      << dump;
  EXPECT_NE(dump.find("0 kept string (integer) -1 = \"z\""), std::string::npos) << dump;
}

TEST_P(SnapshotFixture, TinyStepsWriteTheSameFile) {
  DirectClient c(server_);
  Fill(c);
  const int64_t start_ms = server_.clock.NowMs();
  const std::string expect = Dump(c);
  auto snap = Begin({.compression = false});
  const std::string path = dir_ + "/dump-0.rdb";
  ASSERT_EQ(snap->Open(path), "");
  int steps = 0;
  while (snap->Step(1)) {
    // A write now and then, between steps of one slot.
    if (++steps % 50 == 0) Must(c, {"SET", "db0:plain:" + std::to_string(steps % 200), "after"});
  }
  Detach();
  ASSERT_EQ(snap->Finish(), "");
  EXPECT_GT(steps, 100);
  EXPECT_EQ(LoadAndDump(path, start_ms), expect);
}

TEST_P(SnapshotFixture, RedisCheckRdbAcceptsTheFile) {
  DirectClient c(server_);
  Fill(c);
  for (bool compress : {true, false}) {
    auto snap = Begin({.compression = compress});
    const std::string path = dir_ + "/dump-0.rdb";
    ASSERT_EQ(snap->Open(path), "");
    ChangeKeys(server_, c, {0, 3});
    EvictSome(server_);
    ChangeDatabases(c);
    while (snap->Step(4096)) {
    }
    Detach();
    ASSERT_EQ(snap->Finish(), "");
    std::string cmd = "redis-check-rdb " + path + " > " + dir_ + "/check.log 2>&1";
    int rc = std::system(cmd.c_str());
    std::string log = ReadFile(dir_ + "/check.log");
    EXPECT_EQ(rc, 0) << log;
    EXPECT_NE(log.find("RDB looks OK"), std::string::npos) << log;
    Must(c, {"FLUSHALL"});
    Fill(c);
  }
}

TEST_P(SnapshotFixture, FileAppearsUnderItsNameOnlyOnFinish) {
  DirectClient c(server_);
  Fill(c);
  const std::string path = dir_ + "/dump-0.rdb";
  {
    // Abandoned half way: nothing under the name, and no temporary file left behind.
    auto snap = Begin();
    ASSERT_EQ(snap->Open(path), "");
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(snap->Step(1024));
    EXPECT_FALSE(Exists(path));
    Detach();
  }
  EXPECT_FALSE(Exists(path));
  EXPECT_EQ(DirEntries(dir_), std::vector<std::string>{});

  // An older file under the name stays whole until the new one is committed.
  {
    std::ofstream old(path);
    old << "old";
  }
  auto snap = Begin();
  ASSERT_EQ(snap->Open(path), "");
  while (snap->Step(1024)) EXPECT_EQ(ReadFile(path), "old");
  EXPECT_EQ(ReadFile(path), "old");
  Detach();
  ASSERT_EQ(snap->Finish(), "");
  EXPECT_TRUE(ReadFile(path).starts_with("REDIS0010"));
  EXPECT_EQ(DirEntries(dir_), std::vector<std::string>{"dump-0.rdb"});
}

TEST_P(SnapshotFixture, OpenInAMissingDirectoryFailsWithTheError) {
  auto snap = Begin();
  std::string err = snap->Open(dir_ + "/no/such/dir/dump-0.rdb");
  EXPECT_NE(err, "");
  EXPECT_EQ(snap->error(), err);
  EXPECT_FALSE(snap->Step(1024));
  Detach();
  EXPECT_EQ(snap->Finish(), err);
}

INSTANTIATE_TEST_SUITE_P(Observers, SnapshotFixture, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "EngineHooks" : "ForwardingObserver"; });

}  // namespace
}  // namespace ks::test
