// RDB encoder/decoder tests: the byte formats (CRC64, listpack, intset), a round trip of every
// type and encoding through keyshard's writer and reader, corrupt and truncated files, and the
// differential checks against a real redis-server 7.0: its dump.rdb (generated here, at test
// time) loads into keyshard with the same data, redis-check-rdb accepts our files, and a
// redis-server started on one of our files serves exactly our data.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "persistence/atomic_file.h"
#include "persistence/crc64.h"
#include "persistence/rdb_codec.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "server/persist/rdb_startup.h"
#include "tests/support/direct_client.h"
#include "tests/support/processes.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

using Cmd = std::vector<std::string>;

TEST(Crc64, MatchesRedisCheckValue) {
  // Redis's crc64.c self-test: crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
  EXPECT_EQ(Crc64(0, "123456789", 9), 0xe9c6d914c4b8d9caULL);
}

TEST(Listpack, RoundTripsEveryEncodingWidth) {
  std::vector<std::string> in = {"0", "127", "128", "-1", "-4096", "4095", "4096", "-32768",
                                 "32767", "8388607", "-8388608", "2147483647", "-2147483648",
                                 "9223372036854775807", "-9223372036854775808", "007", "-0",
                                 "", "abc", std::string(63, 'x'), std::string(64, 'y'),
                                 std::string(4095, 'z'), std::string(4096, 'w'), std::string(70000, 'v')};
  rdb::ListpackBuilder lp;
  for (const auto& s : in) lp.Append(s);
  std::string blob = lp.Finish();
  std::vector<std::string> out;
  ASSERT_TRUE(rdb::ForEachListpack(blob, [&](std::string_view s) { out.emplace_back(s); }));
  EXPECT_EQ(out, in);
}

TEST(Listpack, RejectsEveryTruncation) {
  rdb::ListpackBuilder lp;
  for (const char* s : {"1", "hello", "-5000", "123456789012"}) lp.Append(s);
  std::string blob = lp.Finish();
  for (size_t n = 0; n < blob.size(); ++n)
    EXPECT_FALSE(rdb::ForEachListpack(blob.substr(0, n), [](std::string_view) {})) << n;
}

TEST(Intset, EncodesAndParsesEachWidth) {
  for (size_t w : {2, 4, 8}) {
    std::vector<int64_t> v = {-3, 0, 7, w == 2 ? 300 : w == 4 ? 70000 : (1LL << 40)};
    std::vector<int64_t> back;
    ASSERT_TRUE(rdb::ParseIntset(rdb::EncodeIntset(v, w), &back));
    EXPECT_EQ(back, v);
  }
  std::vector<int64_t> back;
  EXPECT_FALSE(rdb::ParseIntset(rdb::EncodeIntset({5, 3}, 2), &back));  // not sorted
}

// ---- a data set with every type and encoding ------------------------------------------

constexpr const char* kFarExpiry = "4102444800000";  // 2100-01-01, valid for a real server too

std::vector<Cmd> FillCommands() {
  std::vector<Cmd> c;
  c.push_back({"SET", "s:int", "12345"});
  c.push_back({"SET", "s:neg", "-7"});
  c.push_back({"SET", "s:int64", "9223372036854775807"});
  c.push_back({"SET", "s:lead0", "0123"});
  c.push_back({"SET", "s:short", "hello"});
  c.push_back({"SET", "s:empty", ""});
  c.push_back({"SET", "s:long", std::string(300, 'a') + "tail"});
  std::string noisy;
  for (int i = 0; i < 200; ++i) noisy += static_cast<char>('!' + (i * 37) % 90);
  c.push_back({"SET", "s:noisy", noisy});
  c.push_back({"SET", "s:ttl", "v", "PXAT", kFarExpiry});
  c.push_back({"RPUSH", "l:small", "a", "1", "-200", "70000", "bb", "9223372036854775807"});
  Cmd big = {"RPUSH", "l:big"};
  for (int i = 0; i < 3000; ++i) big.push_back(i % 3 ? "elem-" + std::to_string(i) : std::to_string(i));
  c.push_back(big);
  c.push_back({"RPUSH", "l:huge-elem", std::string(10000, 'q'), "x"});
  c.push_back({"HSET", "h:small", "f1", "v1", "f2", "2", "num", "-99"});
  Cmd hbig = {"HSET", "h:big"};
  for (int i = 0; i < 300; ++i) {
    hbig.push_back("field" + std::to_string(i));
    hbig.push_back("value" + std::to_string(i));
  }
  c.push_back(hbig);
  c.push_back({"HSET", "h:longval", "f", std::string(100, 'z')});
  c.push_back({"PEXPIREAT", "h:small", kFarExpiry});
  c.push_back({"SADD", "set:i16", "1", "-2", "300"});
  c.push_back({"SADD", "set:i32", "1", "70000", "-70000"});
  c.push_back({"SADD", "set:i64", "1", "5000000000"});
  Cmd sbig = {"SADD", "set:bigints"};
  for (int i = 0; i < 600; ++i) sbig.push_back(std::to_string(i * 7));
  c.push_back(sbig);
  c.push_back({"SADD", "set:str", "a", "b", "c", "10"});
  c.push_back({"ZADD", "z:small", "1", "one", "2.5", "two", "-3", "neg", "inf", "top", "-inf", "bottom", "1e300", "huge"});
  Cmd zbig = {"ZADD", "z:big"};
  for (int i = 0; i < 200; ++i) {
    zbig.push_back(std::to_string(i * 0.25));
    zbig.push_back("member" + std::to_string(i));
  }
  c.push_back(zbig);
  c.push_back({"ZADD", "z:longmember", "1", std::string(80, 'm')});
  c.push_back({"PEXPIREAT", "z:big", kFarExpiry});
  c.push_back({"SELECT", "3"});
  c.push_back({"SET", "db3:k", "in three"});
  c.push_back({"RPUSH", "db3:l", "x", "y"});
  c.push_back({"SELECT", "15"});
  c.push_back({"HSET", "db15:h", "a", "b"});
  c.push_back({"SELECT", "0"});
  return c;
}

// Everything a client can see of databases 0..15: keys, types, encodings, values, expiry.
template <typename C>
std::string Snapshot(C& c) {
  return DumpKeyspace(c, /*with_encoding=*/true);
}

void Fill(TestServer& s) {
  DirectClient c(s);
  for (const auto& cmd : FillCommands()) ASSERT_NE(c.Run(cmd).substr(0, 7), "(error)") << cmd[0];
}

// The compact-encoding limits of a server's config, as the server would load with.
RdbLoadLimits LimitsOf(TestServer& s) {
  const Config& c = s.state.config();
  return {.list_fill = c.list_max_listpack_size,
          .list_compress = c.list_compress_depth,
          .hash_max_entries = c.hash_max_listpack_entries,
          .hash_max_value = c.hash_max_listpack_value,
          .set_max_intset = c.set_max_intset_entries,
          .zset_max_entries = c.zset_max_listpack_entries,
          .zset_max_value = c.zset_max_listpack_value};
}

// Every engine's RDB image loaded into `to`.
void CopyViaRdb(TestServer& from, TestServer& to, RdbSaveOptions opt = {}) {
  for (int i = 0; i < from.state.shards().size(); ++i) {
    Engine& e = from.state.shards().engine(i);
    std::string image;
    {
      std::lock_guard lock(e.mutex());
      image = EngineToRdb(e, opt);
    }
    RdbLoadStats stats;
    ASSERT_EQ(LoadRdb(image, "engine", to.state.shards(), LimitsOf(to), &stats), "");
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(RdbRoundTrip, KeepsEveryTypeEncodingValueAndTtl) {
  for (bool compress : {true, false}) {
    TestServer a(1), b(8);
    b.clock.Set(a.clock.NowMs());
    Fill(a);
    CopyViaRdb(a, b, {.compression = compress});
    DirectClient ca(a), cb(b);
    std::string expect = Snapshot(ca);
    EXPECT_NE(expect.find("set:i64 set \"intset\""), std::string::npos) << expect;
    EXPECT_NE(expect.find("z:big zset \"skiplist\""), std::string::npos);
    EXPECT_EQ(Snapshot(cb), expect);
  }
}

TEST(RdbRoundTrip, RoutesKeysOfEveryEngineBySlot) {
  TestServer a(8), b(3);
  b.clock.Set(a.clock.NowMs());
  Fill(a);
  CopyViaRdb(a, b);
  DirectClient ca(a), cb(b);
  EXPECT_EQ(Snapshot(cb), Snapshot(ca));
  EXPECT_EQ(cb.Run({"GET", "s:int"}), "\"12345\"");
}

TEST(RdbRoundTrip, SkipsKeysExpiredAtSaveOrAtLoad) {
  TestServer a(1), b(1);
  DirectClient ca(a);
  int64_t t0 = a.clock.NowMs();
  ca.Run({"SET", "gone", "x", "PXAT", std::to_string(t0 + 1000)});
  ca.Run({"SET", "later", "x", "PXAT", std::to_string(t0 + 5000)});
  ca.Run({"SET", "kept", "x"});
  a.clock.Advance(2000);
  Engine& e = a.state.shards().engine(0);
  std::string image;
  {
    std::lock_guard lock(e.mutex());
    image = EngineToRdb(e, {});
  }
  EXPECT_EQ(image.find("gone"), std::string::npos);
  b.clock.Set(t0 + 6000);
  RdbLoadStats stats;
  ASSERT_EQ(LoadRdb(image, "x", b.state.shards(), {}, &stats), "");
  EXPECT_EQ(stats.keys_loaded, 1u);
  EXPECT_EQ(stats.expired_skipped, 1u);
}

TEST(RdbReader, RefusesCorruptionWithFileNameAndOffset) {
  TestServer a(1);
  Fill(a);
  Engine& e = a.state.shards().engine(0);
  std::string image;
  {
    std::lock_guard lock(e.mutex());
    image = EngineToRdb(e, {});
  }
  std::string flipped = image;
  flipped[image.size() / 2] ^= 0x5a;
  TestServer b(1);
  std::string err = LoadRdb(flipped, "/data/dump-0.rdb", b.state.shards(), {}, nullptr);
  EXPECT_NE(err.find("/data/dump-0.rdb at offset "), std::string::npos) << err;
  for (size_t n : {size_t{0}, size_t{5}, size_t{9}, image.size() / 3, image.size() - 1}) {
    TestServer c(1);
    std::string e2 = LoadRdb(image.substr(0, n), "f.rdb", c.state.shards(), {}, nullptr);
    EXPECT_NE(e2.find("Bad RDB file f.rdb at offset"), std::string::npos) << n << " " << e2;
  }
  // A checksum of zero (rdbchecksum no) is not checked.
  TestServer d(1);
  std::string unchecked;
  {
    std::lock_guard lock(e.mutex());
    unchecked = EngineToRdb(e, {.checksum = false});
  }
  EXPECT_EQ(LoadRdb(unchecked, "f.rdb", d.state.shards(), {}, nullptr), "");
}

// A key of an object type Redis 7.0 does not know stops the load with an error naming it; the
// value never reaches the engine.
TEST(RdbReader, RefusesUnknownObjectTypes) {
  for (int type : {8, 20, 100, 200}) {  // (245-255 are opcodes, not types)
    std::string image = "REDIS0010";
    image += std::string("\xfe\x00", 2);  // SELECTDB 0
    image.push_back(static_cast<char>(type));
    image += "\x01k\x01v";  // key "k", then a would-be value
    image += "\xff";
    uint64_t crc = Crc64(0, image.data(), image.size());
    for (int i = 0; i < 8; ++i) image.push_back(static_cast<char>(crc >> (8 * i)));
    TestServer b(1);
    std::string err = LoadRdb(image, "f.rdb", b.state.shards(), {}, nullptr);
    EXPECT_NE(err.find("unknown object type " + std::to_string(type)), std::string::npos) << type << ": " << err;
  }
}

TEST(RdbReader, MissingFileIsNotAnError) {
  TestServer a(1);
  bool found = true;
  EXPECT_EQ(LoadRdbFile("/nonexistent/dir/dump.rdb", a.state.shards(), {}, nullptr, &found), "");
  EXPECT_FALSE(found);
}

TEST(RdbWriter, SavesAtomicallyAndLoadsBack) {
  TestServer a(1), b(1);
  b.clock.Set(a.clock.NowMs());
  Fill(a);
  std::string dir = MakeTempDir("ks-rdb");
  Engine& e = a.state.shards().engine(0);
  {
    std::lock_guard lock(e.mutex());
    ASSERT_EQ(WriteFileAtomically(dir + "/dump-0.rdb", EngineToRdb(e, {})), "");
  }
  bool found = false;
  ASSERT_EQ(LoadRdbFile(dir + "/dump-0.rdb", b.state.shards(), LimitsOf(b), nullptr, &found), "");
  EXPECT_TRUE(found);
  DirectClient ca(a), cb(b);
  EXPECT_EQ(Snapshot(cb), Snapshot(ca));
  EXPECT_EQ(std::system(("rm -rf " + dir).c_str()), 0);
}

// ---- against a real redis-server ----------------------------------------------------

TEST(RdbRedisCompat, LoadsARedisServerDump) {
  RedisProcess redis;
  ASSERT_TRUE(redis.running());
  Client rc(redis.port());
  for (const auto& cmd : FillCommands()) ASSERT_NE(rc.Run(cmd).substr(0, 7), "(error)") << cmd[0];
  ASSERT_EQ(rc.Run({"SAVE"}), "OK");
  std::string expect = Snapshot(rc);
  TestServer b(8);
  b.clock.Set(1700000000000);
  bool found = false;
  RdbLoadStats stats;
  ASSERT_EQ(LoadRdbFile(redis.dir() + "/dump.rdb", b.state.shards(), LimitsOf(b), &stats, &found), "");
  EXPECT_TRUE(found);
  EXPECT_GT(stats.keys_loaded, 20u);
  DirectClient cb(b);
  EXPECT_EQ(Snapshot(cb), expect);
}

TEST(RdbRedisCompat, RedisCheckRdbAcceptsOurFiles) {
  TestServer a(1);
  Fill(a);
  std::string dir = MakeTempDir("ks-rdb");
  Engine& e = a.state.shards().engine(0);
  for (bool compress : {true, false}) {
    {
      std::lock_guard lock(e.mutex());
      ASSERT_EQ(WriteFileAtomically(dir + "/ours.rdb", EngineToRdb(e, {.compression = compress})), "");
    }
    std::string cmd = "redis-check-rdb " + dir + "/ours.rdb > " + dir + "/check.log 2>&1";
    int rc = std::system(cmd.c_str());
    std::string log = ReadFile(dir + "/check.log");
    EXPECT_EQ(rc, 0) << log;
    EXPECT_NE(log.find("RDB looks OK"), std::string::npos) << log;
  }
  EXPECT_EQ(std::system(("rm -rf " + dir).c_str()), 0);
}

TEST(RdbRedisCompat, RedisServerServesOurFileExactly) {
  TestServer a(1);
  Fill(a);
  std::string dir = MakeTempDir("ks-rdb");
  Engine& e = a.state.shards().engine(0);
  {
    std::lock_guard lock(e.mutex());
    ASSERT_EQ(WriteFileAtomically(dir + "/ours.rdb", EngineToRdb(e, {})), "");
  }
  RedisProcess redis({"--dir", dir, "--dbfilename", "ours.rdb"});
  ASSERT_TRUE(redis.running());
  Client rc(redis.port());
  DirectClient ca(a);
  EXPECT_EQ(Snapshot(rc), Snapshot(ca));
  redis.Stop();
  EXPECT_EQ(std::system(("rm -rf " + dir).c_str()), 0);
}

}  // namespace
}  // namespace ks::test

namespace ks::test {
namespace {

TEST(RdbSave, SaveWritesOneFilePerEngineThatLoadsBack) {
  std::string dir = MakeTempDir("ks-rdb");
  Config cfg;
  cfg.dir = dir;
  TestServer a(4, cfg), b(2);
  b.clock.Set(a.clock.NowMs());
  Fill(a);
  DirectClient ca(a);
  ASSERT_EQ(ca.Run({"SAVE"}), "OK");
  for (int i = 0; i < 4; ++i) {
    bool found = false;
    ASSERT_EQ(LoadRdbFile(dir + "/dump-" + std::to_string(i) + ".rdb", b.state.shards(), LimitsOf(b), nullptr, &found), "");
    EXPECT_TRUE(found) << i;
  }
  DirectClient cb(b);
  EXPECT_EQ(Snapshot(cb), Snapshot(ca));
  EXPECT_EQ(std::system(("rm -rf " + dir).c_str()), 0);
}

}  // namespace
}  // namespace ks::test

namespace ks::test {
namespace {

TEST(RdbStartup, LoadsEveryEngineFileRoutingBySlotAndRefusesCorruptOnes) {
  std::string dir = MakeTempDir("ks-rdb");
  Config cfg;
  cfg.dir = dir;
  TestServer a(4, cfg), b(3, cfg), empty(2, cfg);
  b.clock.Set(a.clock.NowMs());
  Fill(a);
  DirectClient ca(a);
  ASSERT_EQ(ca.Run({"SAVE"}), "OK");
  uint64_t keys = 0;
  ASSERT_EQ(LoadRdbSnapshots(b.state, &keys), std::nullopt);
  EXPECT_GT(keys, 20u);
  DirectClient cb(b);
  EXPECT_EQ(Snapshot(cb), Snapshot(ca));
  // A corrupt file stops start-up with its name and offset.
  {
    std::fstream f(dir + "/dump-2.rdb", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3);
    f.put('X');
  }
  TestServer c(2, cfg);
  auto err = LoadRdbSnapshots(c.state, &keys);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find(dir + "/dump-2.rdb at offset"), std::string::npos) << *err;
  EXPECT_EQ(std::system(("rm -rf " + dir).c_str()), 0);
  // No files at all: nothing to load, not an error.
  Config none;
  none.dir = MakeTempDir("ks-rdb");
  TestServer d(2, none);
  EXPECT_EQ(LoadRdbSnapshots(d.state, &keys), std::nullopt);
  EXPECT_EQ(keys, 0u);
  EXPECT_EQ(std::system(("rm -rf " + none.dir).c_str()), 0);
}

}  // namespace
}  // namespace ks::test
