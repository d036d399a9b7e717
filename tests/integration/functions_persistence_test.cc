// Function libraries survive restarts and move between keyshard and redis-server 7.0: in RDB
// files (FUNCTION2 records, in engine 0's file), through the AOF (FUNCTION LOAD/DELETE/FLUSH/
// RESTORE replayed, rewrite bases keep the libraries) and as FUNCTION DUMP / RESTORE payloads,
// both directions.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

const std::string kLib1 =
    "#!lua name=lib1\nredis.register_function('f1', function(keys, args) return redis.call('set', keys[1], args[1]) end)";
const std::string kLib2 =
    "#!lua name=lib2\nredis.register_function{function_name='f2', callback=function() return 'two' end, "
    "flags={'no-writes'}, description='the second'}";
const std::string kLib3 = "#!lua name=lib3\nredis.register_function('f3', function() return 3 end)";

// FUNCTION DUMP's bytes (hiredis: the payload is binary).
std::string Dump(int port) {
  redisContext* c = redisConnect("127.0.0.1", port);
  std::string out;
  if (auto* r = static_cast<redisReply*>(redisCommand(c, "FUNCTION DUMP"))) {
    if (r->type == REDIS_REPLY_STRING) out.assign(r->str, r->len);
    freeReplyObject(r);
  }
  redisFree(c);
  return out;
}

// FUNCTION RESTORE payload [policy]; the reply as text ("OK" or the error).
std::string Restore(int port, const std::string& payload, const char* policy = nullptr) {
  redisContext* c = redisConnect("127.0.0.1", port);
  std::vector<const char*> argv = {"FUNCTION", "RESTORE", payload.data()};
  std::vector<size_t> lens = {8, 7, payload.size()};
  if (policy) {
    argv.push_back(policy);
    lens.push_back(std::strlen(policy));
  }
  std::string out;
  if (auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()))) {
    out.assign(r->str ? r->str : "", r->str ? r->len : 0);
    freeReplyObject(r);
  }
  redisFree(c);
  return out;
}

// FUNCTION LIST WITHCODE by library name (the order of a plain LIST is Redis's hash order).
std::string List(Client& c) {
  std::string out;
  for (const char* lib : {"lib1", "lib2", "lib3", "other"})
    out += c.Run({"FUNCTION", "LIST", "LIBRARYNAME", lib, "WITHCODE"}) + "\n";
  return out;
}

TEST(FunctionsPersistence, RdbFilesCarryLibrariesBothWays) {
  std::string listed;
  KeyshardProcess ks;
  ASSERT_TRUE(ks.running());
  {
    Client c(ks.port());
    ASSERT_EQ(c.Run({"FUNCTION", "LOAD", kLib1}), "\"lib1\"");
    ASSERT_EQ(c.Run({"FUNCTION", "LOAD", kLib2}), "\"lib2\"");
    ASSERT_EQ(c.Run({"SAVE"}), "OK");
    listed = List(c);
  }
  ks.Stop();
  const std::string file0 = ks.dir() + "/dump-0.rdb";
  EXPECT_EQ(std::system(("redis-check-rdb '" + file0 + "' > /dev/null 2>&1").c_str()), 0);

  // A restart registers each library once (they are in engine 0's file only).
  {
    KeyshardProcess again({"--dir", ks.dir()});
    ASSERT_TRUE(again.running());
    Client c(again.port());
    EXPECT_EQ(List(c), listed);
    EXPECT_EQ(c.Run({"FCALL", "f1", "1", "k", "v"}), "OK");
  }

  // redis-server 7.0 loads keyshard's engine-0 file with its functions...
  RedisProcess redis;
  ASSERT_TRUE(redis.running());
  redis.Stop();
  std::filesystem::copy_file(file0, redis.dir() + "/dump.rdb");
  RedisProcess loaded({"--dir", redis.dir()});
  ASSERT_TRUE(loaded.running());
  Client r(loaded.port());
  EXPECT_EQ(List(r), listed);
  EXPECT_EQ(r.Run({"FCALL", "f2", "0"}), "\"two\"");
  // ... and keyshard imports redis-server's file with its functions.
  ASSERT_EQ(r.Run({"FUNCTION", "LOAD", kLib3}), "\"lib3\"");
  ASSERT_EQ(r.Run({"SET", "plain", "key"}), "OK");
  ASSERT_EQ(r.Run({"SAVE"}), "OK");
  const std::string redis_list = List(r);
  // (loaded runs in redis's directory: its own is unused.)
  KeyshardProcess imported({"--import-rdb", redis.dir() + "/dump.rdb"});
  ASSERT_TRUE(imported.running());
  Client k(imported.port());
  EXPECT_EQ(List(k), redis_list);
  EXPECT_EQ(k.Run({"FCALL", "f3", "0"}), "(integer) 3");
  EXPECT_EQ(k.Run({"GET", "plain"}), "\"key\"");
}

TEST(FunctionsPersistence, AofReplaysLibraryChangesAndRewriteKeepsThem) {
  KeyshardProcess first({"--appendonly", "yes", "--appendfsync", "always"});
  ASSERT_TRUE(first.running());
  std::string listed;
  {
    Client c(first.port());
    ASSERT_EQ(c.Run({"FUNCTION", "LOAD", kLib1}), "\"lib1\"");
    ASSERT_EQ(c.Run({"FUNCTION", "LOAD", kLib2}), "\"lib2\"");
    // Refused changes are not logged (a replay would fail on them).
    ASSERT_EQ(c.Run({"FUNCTION", "LOAD", kLib2}), "(error) ERR Library 'lib2' already exists");
    ASSERT_EQ(c.Run({"FUNCTION", "DELETE", "nosuch"}), "(error) ERR Library not found");
    ASSERT_EQ(c.Run({"BGREWRITEAOF"}), "Background append only file rewriting started");
    for (int i = 0; i < 500 && c.Run({"INFO", "persistence"}).find("aof_rewrite_in_progress:1") != std::string::npos; ++i)
      c.Run({"PING"});
    ASSERT_EQ(c.Run({"FUNCTION", "DELETE", "lib1"}), "OK");
    ASSERT_EQ(c.Run({"FUNCTION", "LOAD", "REPLACE", kLib3}), "\"lib3\"");
    listed = List(c);
  }
  first.Kill();
  KeyshardProcess second({"--dir", first.dir(), "--appendonly", "yes"});
  ASSERT_TRUE(second.running());
  {
    Client c(second.port());
    EXPECT_EQ(List(c), listed);
    // FLUSH and RESTORE are logged too.
    const std::string payload = Dump(second.port());
    ASSERT_EQ(c.Run({"FUNCTION", "FLUSH"}), "OK");
    ASSERT_EQ(Restore(second.port(), payload), "OK");
    ASSERT_EQ(c.Run({"FUNCTION", "DELETE", "lib2"}), "OK");
    listed = List(c);
  }
  second.Kill();
  KeyshardProcess third({"--dir", first.dir(), "--appendonly", "yes"});
  ASSERT_TRUE(third.running());
  Client c(third.port());
  EXPECT_EQ(List(c), listed);
  EXPECT_EQ(c.Run({"FCALL", "f3", "0"}), "(integer) 3");
}

TEST(FunctionsPersistence, DumpAndRestorePayloadsMoveBothWays) {
  KeyshardProcess ks;
  RedisProcess redis;
  ASSERT_TRUE(ks.running() && redis.running());
  Client k(ks.port()), r(redis.port());
  for (Client* c : {&k, &r}) {
    ASSERT_EQ(c->Run({"FUNCTION", "LOAD", kLib1}), "\"lib1\"");
    ASSERT_EQ(c->Run({"FUNCTION", "LOAD", kLib2}), "\"lib2\"");
  }
  // The payloads hold the same records (Redis writes them in its hash order, keyshard by
  // name), and one library gives byte-identical payloads.
  const std::string from_ks = Dump(ks.port()), from_redis = Dump(redis.port());
  ASSERT_FALSE(from_ks.empty());
  EXPECT_EQ(from_ks.size(), from_redis.size());
  {
    Client k1(ks.port()), r1(redis.port());
    for (Client* c : {&k1, &r1}) c->Run({"FUNCTION", "DELETE", "lib2"});
    EXPECT_EQ(Dump(ks.port()), Dump(redis.port()));
  }

  // Each server restores the other's payload, with every policy, replying alike.
  const std::string lib3_only = [&] {
    Client t(ks.port());
    t.Run({"FUNCTION", "FLUSH"});
    t.Run({"FUNCTION", "LOAD", kLib3});
    std::string p = Dump(ks.port());
    t.Run({"FUNCTION", "FLUSH"});
    return p;
  }();
  for (auto [target, source] : {std::pair{ks.port(), from_redis}, std::pair{redis.port(), from_ks}}) {
    Client c(target);
    c.Run({"FUNCTION", "FLUSH"});
    EXPECT_EQ(Restore(target, source), "OK");
    // keyshard names the first clash in payload order, redis-server in its hash order (seeded
    // at random per process): either library.
    for (const char* policy : {static_cast<const char*>(nullptr), "APPEND"}) {
      const std::string e = Restore(target, source, policy);
      EXPECT_TRUE(e == "ERR Library lib1 already exists" || e == "ERR Library lib2 already exists") << e;
    }
    EXPECT_EQ(Restore(target, source, "REPLACE"), "OK");
    EXPECT_EQ(Restore(target, lib3_only, "FLUSH"), "OK");
    EXPECT_EQ(c.Run({"FUNCTION", "LIST"}).find("lib1"), std::string::npos);
    EXPECT_EQ(Restore(target, source, "APPEND"), "OK");
    EXPECT_EQ(c.Run({"FCALL", "f2", "0"}), "\"two\"");
    EXPECT_EQ(c.Run({"FCALL", "f3", "0"}), "(integer) 3");
    EXPECT_EQ(Restore(target, source, "bogus"),
              "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
    EXPECT_EQ(Restore(target, source.substr(0, source.size() - 1)), "ERR DUMP payload version or checksum are wrong");
    // A function name taken by another library fails even with REPLACE, and changes nothing.
    c.Run({"FUNCTION", "FLUSH"});
    c.Run({"FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('f1', function() return 0 end)"});
    EXPECT_EQ(Restore(target, source, "REPLACE"), "ERR Function f1 already exists");
    EXPECT_EQ(c.Run({"FCALL", "f1", "0"}), "(integer) 0");
    EXPECT_EQ(c.Run({"FCALL", "f2", "0"}), "(error) ERR Function not found");
  }
  EXPECT_EQ(List(k), List(r));
}

}  // namespace
}  // namespace ks::test
