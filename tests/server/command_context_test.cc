// CommandContext's typed lookups (Lookup, LookupOrReply, LookupOrCreate), its one completion
// for in-place writes (Changed), and the "key modified" hook (server/core/keyspace_events.h)
// that every change to the keyspace signals: by commands through ctx, by the engines' expiry
// and eviction, and by FLUSHDB/FLUSHALL/SWAPDB.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "engine/hash.h"
#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "server/core/keyspace_events.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

// Records every signal as readable text: "written k", "expired k@3", "flushdb 0".
class Recorder final : public KeyspaceListener {
 public:
  void KeyModified(int db, std::string_view key, uint16_t slot, KeyEvent cause, uint64_t) override {
    static const char* kNames[] = {"written", "deleted", "expired", "evicted"};
    std::string s = std::string(kNames[static_cast<int>(cause)]) + " " + std::string(key);
    if (db != 0) s += "@" + std::to_string(db);
    if (slot != KeySlot(key)) s += " (wrong slot)";
    events.push_back(s);
  }
  void DbChanged(DbEvent event, int db, int other) override {
    static const char* kNames[] = {"flushdb", "flushall", "swapdb"};
    std::string s = std::string(kNames[static_cast<int>(event)]) + " " + std::to_string(db);
    if (event == DbEvent::kSwapDb) s += " " + std::to_string(other);
    events.push_back(s);
  }
  // The events since the last call, then forgets them.
  std::vector<std::string> Take() { return std::exchange(events, {}); }

  std::vector<std::string> events;
};

using Events = std::vector<std::string>;

// A context for running lookups by hand, as a handler would, for key `key` of client c.
struct HandCtx {
  HandCtx(TestServer& srv, DirectClient& c, std::string_view cmd, std::string_view key)
      : args{cmd, key},
        rb(&out),
        ctx{args, rb, c.state(), srv.state, *srv.state.commands().Find(cmd), {}},
        lock(srv.state.shards().engine(RouteKey(srv.state.shards(), key).engine).mutex()) {
    ctx.keys.push_back(RouteKey(srv.state.shards(), key));
  }
  const KeyRef& k() const { return ctx.keys[0]; }
  EngineStats& stats() { return ctx.engine(k()).stats(); }

  std::vector<std::string_view> args;
  std::string out;
  ReplyBuilder rb;
  CommandContext ctx;
  std::lock_guard<std::mutex> lock;
};

class CommandContextTest : public ::testing::Test {
 protected:
  CommandContextTest() { srv.state.keyspace_events().Add(&rec); }
  ~CommandContextTest() override { srv.state.keyspace_events().Remove(&rec); }

  TestServer srv{4};
  DirectClient c{srv};
  Recorder rec;
};

// ---- Lookups ---------------------------------------------------------------------------------

TEST_F(CommandContextTest, LookupReportsAnotherTypeWithoutReplying) {
  c.Run({"SET", "s", "v"});
  HandCtx h(srv, c, "hget", "s");
  KeyLookup r = h.ctx.Lookup(h.k(), ObjType::kHash, Access::kRead);
  EXPECT_TRUE(r.wrong_type);
  EXPECT_EQ(r.entry, nullptr);
  EXPECT_EQ(h.out, "");
  r = h.ctx.Lookup(h.k(), ObjType::kString, Access::kRead);
  EXPECT_FALSE(r.wrong_type);
  ASSERT_NE(r.entry, nullptr);
  EXPECT_EQ(r.entry->str(), "v");
}

TEST_F(CommandContextTest, LookupOrReplyRepliesWrongTypeOnce) {
  c.Run({"SET", "s", "v"});
  HandCtx h(srv, c, "hget", "s");
  KeyLookup r = h.ctx.LookupOrReply(h.k(), ObjType::kHash, Access::kRead);
  EXPECT_TRUE(r.wrong_type);
  EXPECT_EQ(DecodeAll(h.out), Err(err::kWrongType));
  h.out.clear();
  r = h.ctx.LookupOrReply(h.k(), ObjType::kString, Access::kRead);
  EXPECT_FALSE(r.wrong_type);
  EXPECT_EQ(h.out, "");
}

TEST_F(CommandContextTest, ReadLookupsCountHitsAndMissesWriteLookupsDoNot) {
  c.Run({"SET", "s", "v"});
  HandCtx h(srv, c, "get", "s");
  const uint64_t hits = h.stats().keyspace_hits, misses = h.stats().keyspace_misses;
  h.ctx.Lookup(h.k(), ObjType::kString, Access::kWrite);
  h.ctx.Lookup(h.k(), ObjType::kHash, Access::kWrite);
  EXPECT_EQ(h.stats().keyspace_hits, hits);
  EXPECT_EQ(h.stats().keyspace_misses, misses);
  h.ctx.Lookup(h.k(), ObjType::kString, Access::kRead);
  h.ctx.Lookup(h.k(), ObjType::kString, Access::kRead | Access::kWrite);
  EXPECT_EQ(h.stats().keyspace_hits, hits + 2);
  // A key of another type was found: Redis's lookupKeyRead counts it as a hit.
  h.ctx.Lookup(h.k(), ObjType::kList, Access::kRead);
  EXPECT_EQ(h.stats().keyspace_hits, hits + 3);
  EXPECT_EQ(h.stats().keyspace_misses, misses);
  HandCtx m(srv, c, "get", "missing");
  const uint64_t m_misses = m.stats().keyspace_misses;
  m.ctx.Lookup(m.k(), ObjType::kString, Access::kWrite);
  EXPECT_EQ(m.stats().keyspace_misses, m_misses);
  m.ctx.Lookup(m.k(), ObjType::kString, Access::kRead);
  EXPECT_EQ(m.stats().keyspace_misses, m_misses + 1);
}

TEST_F(CommandContextTest, LookupsTouchTheKeyUnlessNoTouch) {
  c.Run({"SET", "s", "v"});
  HandCtx h(srv, c, "get", "s");
  Entry* e = h.ctx.Lookup(h.k(), ObjType::kString, Access::kRead).entry;
  ASSERT_NE(e, nullptr);
  e->set_access(0);
  c.state().info->no_touch.store(true);
  h.ctx.Lookup(h.k(), ObjType::kString, Access::kRead);
  h.ctx.Lookup(h.k(), ObjType::kString, Access::kWrite);
  EXPECT_EQ(e->access(), 0u);
  c.state().info->no_touch.store(false);
  h.ctx.Lookup(h.k(), ObjType::kString, Access::kWrite);
  EXPECT_EQ(e->access(), h.ctx.engine(h.k()).LruClock());
}

TEST_F(CommandContextTest, LookupOrCreateStoresAnEmptyValueThatChangedDeletesAgain) {
  WarmUpEngines(c);
  const size_t start = UsedBytes(srv);
  rec.Take();
  {
    HandCtx h(srv, c, "hset", "h");
    KeyLookup r = h.ctx.LookupOrCreate(h.k(), ObjType::kHash, [&] {
      return Entry::NewObject("h", ObjType::kHash, Encoding::kListpack, Hash::NewListpack().ptr());
    });
    ASSERT_NE(r.entry, nullptr);
    EXPECT_EQ(h.ctx.Find(h.k()), r.entry);
    EXPECT_EQ(h.ctx.Changed(h.k(), r.entry), nullptr);  // left empty: deleted
    EXPECT_EQ(h.ctx.Find(h.k()), nullptr);
  }
  EXPECT_EQ(UsedBytes(srv), start);
  EXPECT_EQ(rec.Take(), Events{"deleted h"});
}

TEST_F(CommandContextTest, LookupOrCreateKeepsAnExistingValueAndRefusesAnotherType) {
  c.Run({"SET", "s", "v"});
  HandCtx h(srv, c, "hset", "s");
  bool made = false;
  KeyLookup r = h.ctx.LookupOrCreate(h.k(), ObjType::kHash, [&] {
    made = true;
    return static_cast<Entry*>(nullptr);
  });
  EXPECT_TRUE(r.wrong_type);
  EXPECT_FALSE(made);
  EXPECT_EQ(DecodeAll(h.out), Err(err::kWrongType));
}

// ---- Changed: the completion of an in-place write ------------------------------------------

TEST_F(CommandContextTest, EmptiedCollectionsAreDeleted) {
  c.Run({"RPUSH", "l", "a"});
  c.Run({"HSET", "h", "f", "v"});
  c.Run({"SADD", "s", "m"});
  c.Run({"ZADD", "z", "1", "m"});
  rec.Take();
  EXPECT_EQ(c.Run({"LPOP", "l"}), "\"a\"");
  EXPECT_EQ(c.Run({"HDEL", "h", "f"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SREM", "s", "m"}), "(integer) 1");
  EXPECT_EQ(c.Run({"ZREM", "z", "m"}), "(integer) 1");
  EXPECT_EQ(c.Run({"EXISTS", "l", "h", "s", "z"}), "(integer) 0");
  EXPECT_EQ(rec.Take(), (Events{"deleted l", "deleted h", "deleted s", "deleted z"}));
}

TEST_F(CommandContextTest, SmallCompactObjectsMoveIntoTheirEntryAfterEveryWrite) {
  c.Run({"HSET", "h", "a", "1"});
  c.Run({"SADD", "s", "1"});
  c.Run({"ZADD", "z", "1", "a"});
  for (std::string_view k : {"h", "s", "z"}) EXPECT_TRUE(Lookup(srv, k)->inline_obj()) << k;
  c.Run({"HSET", "h", "b", "2"});
  c.Run({"HINCRBY", "h", "a", "5"});
  c.Run({"SADD", "s", "2"});
  c.Run({"ZADD", "z", "2", "b"});
  c.Run({"ZINCRBY", "z", "1", "a"});
  for (std::string_view k : {"h", "s", "z"}) EXPECT_TRUE(Lookup(srv, k)->inline_obj()) << k;
  EXPECT_EQ(c.Run({"HGETALL", "h"}), R"(["a", "6", "b", "2"])");
  EXPECT_EQ(c.Run({"SCARD", "s"}), "(integer) 2");
  EXPECT_EQ(c.Run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}), R"(["a", "2", "b", "2"])");
}

// The memory figure of srv minus what charging every key afresh gives (0 when every change
// was re-charged). Leaves the keys charged afresh.
int64_t Uncharged(TestServer& srv) {
  const size_t figure = UsedBytes(srv);
  SumOverEngines(srv, [](Engine& e) {
    for (int db = 0; db < kNumDbs; ++db) {
      Db& d = e.db(db);
      for (int s = d.NextNonEmptySlot(0); s >= 0; s = d.NextNonEmptySlot(s + 1))
        d.ForEachInSlot(static_cast<uint16_t>(s), [&](Entry* x) { d.Reaccount(static_cast<uint16_t>(s), x); });
    }
    return 0;
  });
  return static_cast<int64_t>(figure) - static_cast<int64_t>(UsedBytes(srv));
}

// After each in-place write of every collection type, the memory figure is what charging every
// key afresh gives: no change escaped re-charging.
TEST_F(CommandContextTest, InPlaceWritesAreRecharged) {
  std::string big(300, 'x');
  for (int i = 0; i < 50; ++i) {
    std::string n = std::to_string(i);
    c.Run({"RPUSH", "l{t}", n + big});
    c.Run({"LPUSH", "l{t}", n});
    c.Run({"HSET", "h{t}", "f" + n, n + big});
    c.Run({"SADD", "s{t}", "m" + n + big});
    c.Run({"ZADD", "z{t}", n, "m" + n + big});
    ASSERT_EQ(Uncharged(srv), 0) << i;
  }
  const std::vector<std::vector<std::string>> writes = {
      {"LSET", "l{t}", "3", std::string(6000, 'y')},
      {"LINSERT", "l{t}", "BEFORE", "7", big},
      {"LREM", "l{t}", "0", "9"},
      {"LTRIM", "l{t}", "2", "-3"},
      {"LMOVE", "l{t}", "l2{t}", "LEFT", "RIGHT"},
      {"RPOP", "l{t}", "3"},
      {"HDEL", "h{t}", "f1", "f2"},
      {"HINCRBY", "h{t}", "counter", "5"},
      {"HINCRBYFLOAT", "h{t}", "counter", "0.5"},
      {"HSETNX", "h{t}", "new", big},
      {"SREM", "s{t}", "m1" + big},
      {"SMOVE", "s{t}", "s2{t}", "m2" + big},
      {"SPOP", "s{t}"},
      {"ZREM", "z{t}", "m3" + big},
      {"ZINCRBY", "z{t}", "3", "m4" + big},
      {"ZPOPMIN", "z{t}", "2"},
      {"ZREMRANGEBYRANK", "z{t}", "0", "1"},
      {"COPY", "h{t}", "h2{t}", "DB", "3"},
  };
  for (const auto& w : writes) {
    c.Run(w);
    EXPECT_EQ(Uncharged(srv), 0) << w[0];
  }
}

// ---- The key-modified hook -------------------------------------------------------------------

TEST_F(CommandContextTest, WritesSignalEachChangedKeyOnce) {
  struct Case {
    std::initializer_list<std::string_view> cmd;
    Events want;
  };
  const Case cases[] = {
      {{"SET", "a", "1"}, {"written a"}},
      {{"SET", "a", "2", "GET"}, {"written a"}},
      {{"INCR", "a"}, {"written a"}},
      {{"APPEND", "a", "x"}, {"written a"}},
      {{"MSET", "a", "1", "b", "2"}, {"written a", "written b"}},
      {{"EXPIRE", "a", "100"}, {"written a"}},
      {{"PERSIST", "a"}, {"written a"}},
      {{"HSET", "h", "f", "v", "g", "w"}, {"written h"}},
      {{"HINCRBY", "h", "n", "1"}, {"written h"}},
      {{"LPUSH", "l", "x", "y"}, {"written l"}},
      {{"RPOPLPUSH", "l", "l2"}, {"written l", "written l2"}},
      {{"SADD", "s", "1", "2"}, {"written s"}},
      {{"SMOVE", "s", "s2", "1"}, {"written s", "written s2"}},
      {{"ZADD", "z", "1", "m", "2", "n"}, {"written z"}},
      {{"ZPOPMIN", "z"}, {"written z"}},
      {{"SUNIONSTORE", "u", "s", "s2"}, {"written u"}},
      {{"RENAME", "a", "a2"}, {"deleted a", "written a2"}},
      {{"COPY", "a2", "a3", "DB", "2"}, {"written a3@2"}},
      {{"MOVE", "a2", "1"}, {"deleted a2", "written a2@1"}},
      {{"DEL", "b", "nope", "l2"}, {"deleted b", "deleted l2"}},
      {{"GETDEL", "a3"}, {}},  // a3 is in database 2
      {{"LPOP", "l"}, {"deleted l"}},
  };
  for (const Case& cs : cases) {
    c.Run(cs.cmd);
    EXPECT_EQ(rec.Take(), cs.want) << *cs.cmd.begin();
  }
}

TEST_F(CommandContextTest, ReadsNeverSignal) {
  c.Run({"SET", "a", "1", "PX", "100000"});
  c.Run({"HSET", "h", "f", "v"});
  c.Run({"RPUSH", "l", "x"});
  c.Run({"SADD", "s", "m"});
  c.Run({"ZADD", "z", "1", "m"});
  rec.Take();
  for (auto cmd : std::initializer_list<std::initializer_list<std::string_view>>{
           {"GET", "a"}, {"MGET", "a", "h", "nope"}, {"STRLEN", "a"}, {"TTL", "a"}, {"TYPE", "h"},
           {"EXISTS", "a", "h"}, {"HGETALL", "h"}, {"HGET", "a", "f"}, {"LRANGE", "l", "0", "-1"},
           {"SMEMBERS", "s"}, {"SINTER", "s", "nope"}, {"ZRANGE", "z", "0", "-1"},
           {"ZUNION", "2", "z", "s"}, {"OBJECT", "ENCODING", "h"}, {"DUMP", "h"}, {"KEYS", "*"}}) {
    c.Run(cmd);
    EXPECT_EQ(rec.Take(), Events{}) << *cmd.begin();
  }
}

TEST_F(CommandContextTest, WritesThatChangeNothingOrFailDoNotSignal) {
  c.Run({"SET", "a", "x"});
  c.Run({"HSET", "h", "f", "v"});
  c.Run({"SADD", "s", "m"});
  c.Run({"ZADD", "z", "1", "m"});
  c.Run({"RPUSH", "l", "x"});
  rec.Take();
  for (auto cmd : std::initializer_list<std::initializer_list<std::string_view>>{
           {"SET", "a", "y", "NX"}, {"INCR", "a"}, {"SETRANGE", "a", "0", ""}, {"HSET", "a", "f", "v"},
           {"HDEL", "h", "nope"}, {"HSETNX", "h", "f", "w"}, {"SADD", "s", "m"}, {"SREM", "s", "nope"},
           {"ZADD", "z", "NX", "5", "m"}, {"ZREM", "z", "nope"}, {"LREM", "l", "0", "nope"},
           {"LPUSHX", "nope", "x"}, {"LPOP", "nope"}, {"DEL", "nope"}, {"EXPIRE", "nope", "10"},
           {"PERSIST", "a"}, {"SMOVE", "s", "s2", "nope"}}) {
    c.Run(cmd);
    EXPECT_EQ(rec.Take(), Events{}) << *cmd.begin();
  }
}

TEST_F(CommandContextTest, ExpiryIsSignalledAsExpired) {
  c.Run({"SET", "a", "1", "PX", "100"});
  c.Run({"HSET", "h", "f", "v"});
  c.Run({"PEXPIRE", "h", "100"});
  c.Run({"SELECT", "3"});
  c.Run({"SET", "b", "1", "PX", "100"});
  c.Run({"SELECT", "0"});
  rec.Take();
  srv.clock.Advance(200);
  EXPECT_EQ(c.Run({"GET", "a"}), "(nil)");  // found expired on access
  EXPECT_EQ(rec.Take(), Events{"expired a"});
  EXPECT_EQ(c.Run({"HSET", "h", "g", "w"}), "(integer) 1");  // expired, then created anew
  EXPECT_EQ(rec.Take(), (Events{"expired h", "written h"}));
  // The active cycle finds the rest.
  SumOverEngines(srv, [](Engine& e) { return e.ActiveExpireStep(100000).second; });
  EXPECT_EQ(rec.Take(), Events{"expired b@3"});
}

TEST_F(CommandContextTest, EvictionIsSignalledAsEvicted) {
  TestServer one{1};
  DirectClient d{one};
  Recorder r;
  one.state.keyspace_events().Add(&r);
  d.Run({"SET", "a", "1"});
  d.Run({"SET", "b", "2"});
  r.Take();
  Engine& e = one.state.shards().engine(0);
  {
    std::lock_guard lk(e.mutex());
    MemoryPolicy p;
    p.policy = EvictionPolicy::kAllKeysRandom;
    p.maxmemory = 1;
    e.SetMemoryPolicy(p);
    e.PerformEvictions();
  }
  Events got = r.Take();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (Events{"evicted a", "evicted b"}));
  one.state.keyspace_events().Remove(&r);
}

TEST_F(CommandContextTest, FlushAndSwapSignalWholeDatabases) {
  c.Run({"SELECT", "2"});
  c.Run({"SET", "a", "1"});
  EXPECT_EQ(c.Run({"FLUSHDB"}), "OK");
  EXPECT_EQ(c.Run({"SWAPDB", "2", "5"}), "OK");
  EXPECT_EQ(c.Run({"SWAPDB", "4", "4"}), "OK");  // nothing moves
  EXPECT_EQ(c.Run({"FLUSHALL"}), "OK");
  EXPECT_EQ(rec.Take(), (Events{"written a@2", "flushdb 2", "swapdb 2 5", "flushall -1"}));
}

TEST_F(CommandContextTest, ABlockedClientServedByAPushSignalsItsPop) {
  DirectClient waiter{srv};
  EXPECT_EQ(waiter.Run({"BLPOP", "l", "0"}), "");  // blocked: no reply yet
  EXPECT_EQ(rec.Take(), Events{});
  EXPECT_EQ(c.Run({"LPUSH", "l", "x"}), "(integer) 1");
  EXPECT_EQ(rec.Take(), (Events{"written l", "deleted l"}));
  EXPECT_EQ(c.Run({"EXISTS", "l"}), "(integer) 0");
}

TEST(KeyspaceEvents, NoListenersMeansNothingToCall) {
  KeyspaceEvents ev;
  EXPECT_FALSE(ev.any());
  ev.KeyModified(0, "k", 0, KeyEvent::kWritten);
  Recorder r;
  ev.Add(&r);
  EXPECT_TRUE(ev.any());
  ev.KeyModified(0, "k", KeySlot("k"), KeyEvent::kDeleted);
  ev.Remove(&r);
  EXPECT_FALSE(ev.any());
  ev.DbChanged(DbEvent::kFlushAll, -1);
  EXPECT_EQ(r.events, Events{"deleted k"});
}

}  // namespace
}  // namespace ks::test
