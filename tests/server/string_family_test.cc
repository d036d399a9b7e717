// String family through the real dispatcher. Expected replies and error texts were checked
// against redis-server 7.0.15; strings_diff_test.cc compares the two servers directly.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

std::string EncodingOf(TestServer& srv, std::string_view key) {
  Entry* e = Lookup(srv, key);
  return e ? std::string(EncodingName(e->encoding())) : "(none)";
}

int64_t ExpireOf(TestServer& srv, std::string_view key) {
  Entry* e = Lookup(srv, key);
  return e ? e->expire_ms() : -2;
}

std::pair<uint64_t, uint64_t> HitsMisses(TestServer& srv) {
  uint64_t h = 0, m = 0;
  for (int i = 0; i < srv.state.shards().size(); ++i) {
    h += srv.state.shards().engine(i).stats().keyspace_hits;
    m += srv.state.shards().engine(i).stats().keyspace_misses;
  }
  return {h, m};
}

// A key holding a list, planted directly (no list commands needed). Removed without running a
// list destructor, since its object is a dummy.
class PlantedList {
 public:
  PlantedList(TestServer& srv, std::string_view key) : srv_(srv), k_(RouteKey(srv.state.shards(), key)) {
    srv_.state.shards().engine(k_.engine).Put(0, k_.slot, Entry::NewObject(key, ObjType::kList, Encoding::kQuicklist, nullptr));
  }
  ~PlantedList() { std::free(srv_.state.shards().engine(k_.engine).Detach(0, k_.slot, k_.key)); }

 private:
  TestServer& srv_;
  KeyRef k_;
};

TEST(StringFamily, SetThenGetReturnsValue) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "v"}), "OK");
  EXPECT_EQ(c.Run({"GET", "k"}), "\"v\"");
  EXPECT_EQ(c.Run({"GET", "missing"}), "(nil)");
}

TEST(StringFamily, SetExExpiresWithTheClock) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "v", "EX", "10"}), "OK");
  srv.clock.Advance(9999);
  EXPECT_EQ(c.Run({"GET", "k"}), "\"v\"");
  srv.clock.Advance(1);
  EXPECT_EQ(c.Run({"GET", "k"}), "(nil)");
}

TEST(StringFamily, SetExpiryUnitsGiveAbsoluteTimes) {
  TestServer srv;
  DirectClient c(srv);
  int64_t now = srv.clock.NowMs();
  EXPECT_EQ(c.Run({"SET", "a", "v", "PX", "1500"}), "OK");
  EXPECT_EQ(ExpireOf(srv, "a"), now + 1500);
  EXPECT_EQ(c.Run({"SET", "b", "v", "EXAT", std::to_string(now / 1000 + 100)}), "OK");
  EXPECT_EQ(ExpireOf(srv, "b"), (now / 1000 + 100) * 1000);
  EXPECT_EQ(c.Run({"SET", "c", "v", "pxat", std::to_string(now + 7)}), "OK");
  EXPECT_EQ(ExpireOf(srv, "c"), now + 7);
  EXPECT_EQ(c.Run({"SET", "d", "v", "ex", "10", "EX", "20"}), "OK");  // repeats allowed, last wins
  EXPECT_EQ(ExpireOf(srv, "d"), now + 20000);
}

TEST(StringFamily, SetRejectsConflictingOptions) {
  TestServer srv;
  DirectClient c(srv);
  for (auto args : std::vector<std::vector<std::string>>{
           {"SET", "k", "v", "NX", "XX"},
           {"SET", "k", "v", "EX", "10", "PX", "100"},
           {"SET", "k", "v", "KEEPTTL", "EX", "10"},
           {"SET", "k", "v", "EX", "10", "KEEPTTL"},
           {"SET", "k", "v", "EX"},
           {"SET", "k", "v", "PERSIST"},
           {"SET", "k", "v", "bogus"},
       }) {
    EXPECT_EQ(c.Run(args), Err(err::kSyntax)) << args[3];
  }
  EXPECT_EQ(c.Run({"SET", "k", "v", "NX", "NX", "GET", "GET", "KEEPTTL", "KEEPTTL"}), "(nil)");
}

TEST(StringFamily, SetRejectsBadExpireTimes) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "v", "EX", "0"}), Err(err::InvalidExpire("set")));
  EXPECT_EQ(c.Run({"SET", "k", "v", "PX", "-5"}), Err(err::InvalidExpire("set")));
  EXPECT_EQ(c.Run({"SET", "k", "v", "EX", "9223372036854775"}), Err(err::InvalidExpire("set")));
  EXPECT_EQ(c.Run({"SET", "k", "v", "EXAT", "9223372036854776"}), Err(err::InvalidExpire("set")));
  EXPECT_EQ(c.Run({"SET", "k", "v", "PX", "9223372036854775807"}), Err(err::InvalidExpire("set")));
  EXPECT_EQ(c.Run({"SET", "k", "v", "EX", "1.5"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"GET", "k"}), "(nil)");
}

TEST(StringFamily, SetNxAndXxRespectExistence) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "v", "XX"}), "(nil)");
  EXPECT_EQ(c.Run({"SET", "k", "v", "NX"}), "OK");
  EXPECT_EQ(c.Run({"SET", "k", "w", "NX"}), "(nil)");
  EXPECT_EQ(c.Run({"SET", "k", "w", "XX"}), "OK");
  EXPECT_EQ(c.Run({"GET", "k"}), "\"w\"");
  EXPECT_EQ(c.Run({"SET", "k", "x", "NX", "GET"}), "\"w\"");
  EXPECT_EQ(c.Run({"SET", "n", "x", "XX", "GET"}), "(nil)");
  EXPECT_EQ(c.Run({"GET", "n"}), "(nil)");
}

TEST(StringFamily, SetGetReturnsOldValueAndCountsAsRead) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "v1", "GET"}), "(nil)");
  EXPECT_EQ(c.Run({"SET", "k", "v2", "GET"}), "\"v1\"");
  EXPECT_EQ(c.Run({"GET", "k"}), "\"v2\"");
  EXPECT_EQ(HitsMisses(srv), (std::pair<uint64_t, uint64_t>{2, 1}));
}

TEST(StringFamily, SetDropsTtlUnlessKeepTtl) {
  TestServer srv;
  DirectClient c(srv);
  int64_t now = srv.clock.NowMs();
  EXPECT_EQ(c.Run({"SET", "k", "v", "EX", "10"}), "OK");
  EXPECT_EQ(c.Run({"SET", "k", "w", "KEEPTTL"}), "OK");
  EXPECT_EQ(ExpireOf(srv, "k"), now + 10000);
  EXPECT_EQ(c.Run({"SET", "k", "x"}), "OK");
  EXPECT_EQ(ExpireOf(srv, "k"), Entry::kNoExpire);
  EXPECT_EQ(c.Run({"SET", "k", "y", "PX", "5"}), "OK");
  EXPECT_EQ(ExpireOf(srv, "k"), now + 5);
  srv.clock.Advance(5);
  EXPECT_EQ(c.Run({"GET", "k"}), "(nil)");
}

TEST(StringFamily, OverwritingWithLongerAndShorterValuesKeepsContent) {
  TestServer srv;
  DirectClient c(srv);
  std::string big(5000, 'x');
  EXPECT_EQ(c.Run({"SET", "k", "a"}), "OK");
  EXPECT_EQ(c.Run({"SET", "k", big}), "OK");
  EXPECT_EQ(c.Run({"GET", "k"}), "\"" + big + "\"");
  EXPECT_EQ(c.Run({"SET", "k", "b", "EX", "100"}), "OK");
  EXPECT_EQ(c.Run({"GET", "k"}), "\"b\"");
  EXPECT_EQ(c.Run({"SET", "k", big, "KEEPTTL"}), "OK");
  EXPECT_EQ(c.Run({"STRLEN", "k"}), "(integer) 5000");
  EXPECT_NE(ExpireOf(srv, "k"), Entry::kNoExpire);
}

TEST(StringFamily, SetNxSetExPsetEx) {
  TestServer srv;
  DirectClient c(srv);
  int64_t now = srv.clock.NowMs();
  EXPECT_EQ(c.Run({"SETNX", "k", "1"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SETNX", "k", "2"}), "(integer) 0");
  EXPECT_EQ(c.Run({"GET", "k"}), "\"1\"");
  EXPECT_EQ(c.Run({"SETEX", "k", "10", "v"}), "OK");
  EXPECT_EQ(ExpireOf(srv, "k"), now + 10000);
  EXPECT_EQ(c.Run({"PSETEX", "k", "10", "v"}), "OK");
  EXPECT_EQ(ExpireOf(srv, "k"), now + 10);
  EXPECT_EQ(c.Run({"SETEX", "k", "0", "v"}), Err(err::InvalidExpire("setex")));
  EXPECT_EQ(c.Run({"PSETEX", "k", "-1", "v"}), Err(err::InvalidExpire("psetex")));
  EXPECT_EQ(c.Run({"SETEX", "k", "x", "v"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"SETEX", "k", "10"}), Err(err::WrongArgs("setex")));
}

TEST(StringFamily, GetExChangesOrRemovesTheTtl) {
  TestServer srv;
  DirectClient c(srv);
  int64_t now = srv.clock.NowMs();
  EXPECT_EQ(c.Run({"SET", "k", "v"}), "OK");
  EXPECT_EQ(c.Run({"GETEX", "k"}), "\"v\"");
  EXPECT_EQ(ExpireOf(srv, "k"), Entry::kNoExpire);
  EXPECT_EQ(c.Run({"GETEX", "k", "EX", "10"}), "\"v\"");
  EXPECT_EQ(ExpireOf(srv, "k"), now + 10000);
  EXPECT_EQ(c.Run({"GETEX", "k", "PX", "10", "px", "20"}), "\"v\"");
  EXPECT_EQ(ExpireOf(srv, "k"), now + 20);
  EXPECT_EQ(c.Run({"GETEX", "k", "PERSIST"}), "\"v\"");
  EXPECT_EQ(ExpireOf(srv, "k"), Entry::kNoExpire);
  EXPECT_EQ(c.Run({"GETEX", "k", "PXAT", std::to_string(now + 50)}), "\"v\"");
  srv.clock.Advance(50);
  EXPECT_EQ(c.Run({"GETEX", "k"}), "(nil)");
}

TEST(StringFamily, GetExWithPastAbsoluteTimeDeletesTheKey) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "v"}), "OK");
  EXPECT_EQ(c.Run({"GETEX", "k", "EXAT", "1"}), "\"v\"");
  EXPECT_EQ(Lookup(srv, "k"), nullptr);
}

TEST(StringFamily, GetExErrorsFollowRedisOrder) {
  TestServer srv;
  DirectClient c(srv);
  // A syntax error comes first; a missing key answers nil before the time is validated.
  EXPECT_EQ(c.Run({"GETEX", "none", "EX", "10", "PERSIST"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"GETEX", "none", "KEEPTTL"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"GETEX", "none", "NX"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"GETEX", "none", "EX", "-1"}), "(nil)");
  EXPECT_EQ(c.Run({"SET", "k", "v"}), "OK");
  EXPECT_EQ(c.Run({"GETEX", "k", "EX", "-1"}), Err(err::InvalidExpire("getex")));
  EXPECT_EQ(c.Run({"GETEX", "k", "PX", "abc"}), Err(err::kNotInteger));
  PlantedList list(srv, "l");
  EXPECT_EQ(c.Run({"GETEX", "l", "EX", "abc"}), Err(err::kWrongType));
}

TEST(StringFamily, GetDelAndGetSet) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"GETDEL", "k"}), "(nil)");
  EXPECT_EQ(c.Run({"GETSET", "k", "1"}), "(nil)");
  EXPECT_EQ(c.Run({"SET", "k", "1", "EX", "100"}), "OK");
  EXPECT_EQ(c.Run({"GETSET", "k", "2"}), "\"1\"");
  EXPECT_EQ(ExpireOf(srv, "k"), Entry::kNoExpire);  // GETSET drops the TTL like SET
  EXPECT_EQ(c.Run({"GETDEL", "k"}), "\"2\"");
  EXPECT_EQ(c.Run({"GET", "k"}), "(nil)");
}

TEST(StringFamily, MsetAcrossEnginesThenMget) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"MSET", "a", "1", "b", "2", "c", "3", "{t}x", "4"}), "OK");
  EXPECT_EQ(c.Run({"MGET", "a", "b", "c", "{t}x", "nope"}), "[\"1\", \"2\", \"3\", \"4\", (nil)]");
  EXPECT_EQ(c.Run({"MSET", "a", "1", "b"}), Err(err::WrongArgs("mset")));
}

TEST(StringFamily, MgetReturnsNilForWrongType) {
  TestServer srv;
  DirectClient c(srv);
  PlantedList list(srv, "l");
  EXPECT_EQ(c.Run({"SET", "s", "v"}), "OK");
  EXPECT_EQ(c.Run({"MGET", "s", "l"}), "[\"v\", (nil)]");
}

TEST(StringFamily, MsetNxIsAllOrNothingAcrossEngines) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"MSETNX", "a", "1", "b", "2", "c", "3"}), "(integer) 1");
  EXPECT_EQ(c.Run({"MSETNX", "d", "4", "e", "5", "c", "x"}), "(integer) 0");
  EXPECT_EQ(c.Run({"MGET", "a", "b", "c", "d", "e"}), "[\"1\", \"2\", \"3\", (nil), (nil)]");
  EXPECT_EQ(c.Run({"MSETNX", "f", "1", "f", "2"}), "(integer) 1");  // the last duplicate wins
  EXPECT_EQ(c.Run({"GET", "f"}), "\"2\"");
  EXPECT_EQ(c.Run({"MSETNX", "a", "1", "b"}), Err(err::WrongArgs("msetnx")));
}

TEST(StringFamily, MsetDropsTtl) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "a", "v", "EX", "10"}), "OK");
  EXPECT_EQ(c.Run({"MSET", "a", "w"}), "OK");
  EXPECT_EQ(ExpireOf(srv, "a"), Entry::kNoExpire);
}

TEST(StringFamily, AppendGrowsAndKeepsTtl) {
  TestServer srv;
  DirectClient c(srv);
  int64_t now = srv.clock.NowMs();
  EXPECT_EQ(c.Run({"APPEND", "k", "hel"}), "(integer) 3");
  EXPECT_EQ(c.Run({"SET", "k", "hell", "EX", "100"}), "OK");
  EXPECT_EQ(c.Run({"APPEND", "k", "o"}), "(integer) 5");
  std::string expect = "hello";
  for (int i = 0; i < 200; ++i) {
    std::string piece = std::to_string(i);
    expect += piece;
    ASSERT_EQ(c.Run({"APPEND", "k", piece}), "(integer) " + std::to_string(expect.size()));
  }
  EXPECT_EQ(c.Run({"GET", "k"}), "\"" + expect + "\"");
  EXPECT_EQ(ExpireOf(srv, "k"), now + 100000);
}

TEST(StringFamily, AppendAndSetRangeObeyProtoMaxBulkLen) {
  Config cfg;
  cfg.proto_max_bulk_len = 10;
  TestServer srv(8, cfg);
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "12345"}), "OK");
  EXPECT_EQ(c.Run({"APPEND", "k", "67890"}), "(integer) 10");
  EXPECT_EQ(c.Run({"APPEND", "k", "x"}), Err(err::kStringTooLong));
  EXPECT_EQ(c.Run({"SETRANGE", "k", "9", "xy"}), Err(err::kStringTooLong));
  EXPECT_EQ(c.Run({"SETRANGE", "k", "9", "x"}), "(integer) 10");
  EXPECT_EQ(c.Run({"SETRANGE", "new", "10", "x"}), Err(err::kStringTooLong));
  EXPECT_EQ(c.Run({"SETRANGE", "new", "9223372036854775807", "x"}), Err(err::kStringTooLong));
  EXPECT_EQ(c.Run({"SETRANGE", "new", "100", ""}), "(integer) 0");  // empty value: no check
  EXPECT_EQ(c.Run({"GET", "k"}), "\"123456789x\"");
}

TEST(StringFamily, SetRangePadsWithZerosAndKeepsTtl) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SETRANGE", "k", "3", "ab"}), "(integer) 5");
  EXPECT_EQ(c.Run({"GET", "k"}), std::string("\"\0\0\0ab\"", 7));
  EXPECT_EQ(c.Run({"GETEX", "k", "EX", "100"}), std::string("\"\0\0\0ab\"", 7));
  EXPECT_EQ(c.Run({"SETRANGE", "k", "1", "xyz"}), "(integer) 5");
  EXPECT_EQ(c.Run({"GET", "k"}), std::string("\"\0xyzb\"", 7));
  EXPECT_EQ(c.Run({"SETRANGE", "k", "0", ""}), "(integer) 5");
  EXPECT_NE(ExpireOf(srv, "k"), Entry::kNoExpire);
  EXPECT_EQ(c.Run({"SETRANGE", "none", "5", ""}), "(integer) 0");
  EXPECT_EQ(Lookup(srv, "none"), nullptr);
  EXPECT_EQ(c.Run({"SETRANGE", "k", "-1", "x"}), Err(err::kOffsetRange));
  EXPECT_EQ(c.Run({"SETRANGE", "k", "x", "x"}), Err(err::kNotInteger));
}

struct RangeCase {
  const char* start;
  const char* end;
  const char* reply;
};

class GetRangeTest : public ::testing::TestWithParam<RangeCase> {};

TEST_P(GetRangeTest, MatchesRedisClamping) {
  TestServer srv;
  DirectClient c(srv);
  ASSERT_EQ(c.Run({"SET", "k", "Hello World"}), "OK");
  const RangeCase& rc = GetParam();
  EXPECT_EQ(c.Run({"GETRANGE", "k", rc.start, rc.end}), rc.reply);
  EXPECT_EQ(c.Run({"SUBSTR", "k", rc.start, rc.end}), rc.reply);
}

INSTANTIATE_TEST_SUITE_P(
    Ranges, GetRangeTest,
    ::testing::Values(RangeCase{"0", "4", "\"Hello\""}, RangeCase{"-5", "-1", "\"World\""},
                      RangeCase{"0", "-1", "\"Hello World\""}, RangeCase{"-100", "100", "\"Hello World\""},
                      RangeCase{"5", "3", "\"\""}, RangeCase{"-1", "-5", "\"\""}, RangeCase{"20", "30", "\"\""},
                      RangeCase{"10", "10", "\"d\""}, RangeCase{"-100", "-50", "\"H\""},
                      RangeCase{"0", "9223372036854775807", "\"Hello World\""}));

TEST(StringFamily, GetRangeEdgeCases) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"GETRANGE", "none", "0", "10"}), "\"\"");
  EXPECT_EQ(c.Run({"GETRANGE", "none", "a", "10"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"SET", "i", "12345"}), "OK");
  EXPECT_EQ(c.Run({"GETRANGE", "i", "1", "-2"}), "\"234\"");
  EXPECT_EQ(c.Run({"SET", "e", ""}), "OK");
  EXPECT_EQ(c.Run({"GETRANGE", "e", "0", "-1"}), "\"\"");
  PlantedList list(srv, "l");
  EXPECT_EQ(c.Run({"GETRANGE", "l", "0", "1"}), Err(err::kWrongType));
  EXPECT_EQ(c.Run({"GETRANGE", "l", "x", "1"}), Err(err::kNotInteger));  // arguments come first
}

TEST(StringFamily, StrLenCountsBytes) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"STRLEN", "none"}), "(integer) 0");
  EXPECT_EQ(c.Run({"SET", "k", "-12345"}), "OK");
  EXPECT_EQ(c.Run({"STRLEN", "k"}), "(integer) 6");
}

TEST(StringFamily, IncrDecrFamily) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"INCR", "n"}), "(integer) 1");
  EXPECT_EQ(c.Run({"INCRBY", "n", "41"}), "(integer) 42");
  EXPECT_EQ(c.Run({"DECR", "n"}), "(integer) 41");
  EXPECT_EQ(c.Run({"DECRBY", "n", "-9"}), "(integer) 50");
  EXPECT_EQ(c.Run({"DECRBY", "n", "100"}), "(integer) -50");
  EXPECT_EQ(c.Run({"GET", "n"}), "\"-50\"");
  EXPECT_EQ(c.Run({"DECR", "fresh"}), "(integer) -1");
}

TEST(StringFamily, IncrRejectsNonIntegersAndOverflow) {
  TestServer srv;
  DirectClient c(srv);
  for (const char* v : {"abc", " 1", "1 ", "01", "+1", "1.0", "", "9223372036854775808", "-0"}) {
    ASSERT_EQ(c.Run({"SET", "k", v}), "OK");
    EXPECT_EQ(c.Run({"INCR", "k"}), Err(err::kNotInteger)) << v;
  }
  EXPECT_EQ(c.Run({"INCRBY", "k", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"SET", "k", "9223372036854775807"}), "OK");
  EXPECT_EQ(c.Run({"INCR", "k"}), Err(err::kOverflow));
  EXPECT_EQ(c.Run({"SET", "k", "-9223372036854775808"}), "OK");
  EXPECT_EQ(c.Run({"DECR", "k"}), Err(err::kOverflow));
  EXPECT_EQ(c.Run({"INCRBY", "k", "-1"}), Err(err::kOverflow));
  EXPECT_EQ(c.Run({"DECRBY", "k", "-9223372036854775808"}), Err(err::kDecrOverflow));
  EXPECT_EQ(c.Run({"INCRBY", "k", "9223372036854775807"}), "(integer) -1");
}

TEST(StringFamily, CountersKeepTtl) {
  TestServer srv;
  DirectClient c(srv);
  int64_t now = srv.clock.NowMs();
  EXPECT_EQ(c.Run({"SET", "n", "1", "EX", "100"}), "OK");
  EXPECT_EQ(c.Run({"INCR", "n"}), "(integer) 2");
  EXPECT_EQ(c.Run({"INCRBYFLOAT", "n", "0.5"}), "\"2.5\"");
  EXPECT_EQ(ExpireOf(srv, "n"), now + 100000);
  srv.clock.Advance(100000);
  EXPECT_EQ(c.Run({"INCR", "n"}), "(integer) 1");  // expired: starts from zero
}

struct FloatCase {
  const char* start;  // nullptr: key missing
  const char* incr;
  const char* reply;
};

class IncrByFloatTest : public ::testing::TestWithParam<FloatCase> {};

TEST_P(IncrByFloatTest, FormatsLikeRedis) {
  TestServer srv;
  DirectClient c(srv);
  const FloatCase& fc = GetParam();
  if (fc.start) ASSERT_EQ(c.Run({"SET", "f", fc.start}), "OK");
  EXPECT_EQ(c.Run({"INCRBYFLOAT", "f", fc.incr}), fc.reply);
}

INSTANTIATE_TEST_SUITE_P(
    Floats, IncrByFloatTest,
    ::testing::Values(
        FloatCase{nullptr, "1", "\"1\""}, FloatCase{"10.5", "0.1", "\"10.6\""}, FloatCase{"5", "-5", "\"0\""},
        FloatCase{"-0.5", "0.5", "\"0\""}, FloatCase{"3.0e3", "1.5", "\"3001.5\""},
        FloatCase{nullptr, "0x10", "\"16\""}, FloatCase{nullptr, "1e5", "\"100000\""},
        FloatCase{"3000", "1.23456789012345678901", "\"3001.23456789012345669\""},
        FloatCase{"abc", "1", "(error) ERR value is not a valid float"},
        FloatCase{"1", "abc", "(error) ERR value is not a valid float"},
        FloatCase{"1", " 1", "(error) ERR value is not a valid float"},
        FloatCase{"1", "nan", "(error) ERR value is not a valid float"},
        FloatCase{nullptr, "inf", "(error) ERR increment would produce NaN or Infinity"},
        FloatCase{"1e4932", "1e4932", "(error) ERR increment would produce NaN or Infinity"}));

// OBJECT ENCODING results, checked on redis-server 7.0.15 for each command.
TEST(StringFamily, EncodingsFollowRedis) {
  TestServer srv;
  DirectClient c(srv);
  std::string long_text(45, 'x');
  c.Run({"SET", "a", "12345"});
  EXPECT_EQ(EncodingOf(srv, "a"), "int");
  c.Run({"SET", "a", "012"});
  EXPECT_EQ(EncodingOf(srv, "a"), "embstr");
  c.Run({"SET", "a", long_text});
  EXPECT_EQ(EncodingOf(srv, "a"), "raw");
  c.Run({"SET", "a", "9223372036854775808"});
  EXPECT_EQ(EncodingOf(srv, "a"), "embstr");
  c.Run({"MSET", "b", "7", "c", "x"});
  EXPECT_EQ(EncodingOf(srv, "b"), "int");
  EXPECT_EQ(EncodingOf(srv, "c"), "embstr");
  c.Run({"APPEND", "d", "12"});  // a new key is encoded like SET
  EXPECT_EQ(EncodingOf(srv, "d"), "int");
  c.Run({"APPEND", "d", ""});  // an existing one becomes raw, even appending nothing
  EXPECT_EQ(EncodingOf(srv, "d"), "raw");
  c.Run({"INCR", "d"});
  EXPECT_EQ(EncodingOf(srv, "d"), "int");
  c.Run({"SETRANGE", "d", "0", ""});  // nothing written: unchanged
  EXPECT_EQ(EncodingOf(srv, "d"), "int");
  c.Run({"SETRANGE", "d", "0", "9"});
  EXPECT_EQ(EncodingOf(srv, "d"), "raw");
  c.Run({"SETRANGE", "e", "0", "1"});
  EXPECT_EQ(EncodingOf(srv, "e"), "raw");
  c.Run({"INCRBYFLOAT", "f", "1"});  // never int-encoded
  EXPECT_EQ(EncodingOf(srv, "f"), "embstr");
  c.Run({"SET", "g", "123456789012345678901234567890123456789012345678"});
  c.Run({"INCRBYFLOAT", "g", "1"});
  EXPECT_EQ(EncodingOf(srv, "g"), "raw");
  c.Run({"GETSET", "h", "5"});
  EXPECT_EQ(EncodingOf(srv, "h"), "int");
  c.Run({"SETEX", "i", "100", "5"});
  EXPECT_EQ(EncodingOf(srv, "i"), "int");
  c.Run({"SETNX", "j", long_text});
  EXPECT_EQ(EncodingOf(srv, "j"), "raw");
}

TEST(StringFamily, ReadCommandsCountHitsAndMisses) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"SET", "k", "v"});
  c.Run({"INCR", "n"});     // writes do not count
  c.Run({"APPEND", "k", "x"});
  EXPECT_EQ(HitsMisses(srv), (std::pair<uint64_t, uint64_t>{0, 0}));
  c.Run({"GET", "k"});
  c.Run({"MGET", "k", "x", "y"});
  c.Run({"STRLEN", "k"});
  c.Run({"GETRANGE", "none", "0", "1"});
  c.Run({"LCS", "k", "none"});
  c.Run({"GETEX", "k"});
  c.Run({"GETSET", "none2", "v"});
  c.Run({"GETDEL", "none3"});
  EXPECT_EQ(HitsMisses(srv), (std::pair<uint64_t, uint64_t>{5, 6}));
}

TEST(StringFamily, WrongTypeErrors) {
  TestServer srv;
  DirectClient c(srv);
  PlantedList list(srv, "l");
  for (auto args : std::vector<std::vector<std::string>>{
           {"GET", "l"},          {"GETDEL", "l"},          {"GETSET", "l", "v"}, {"GETEX", "l"},
           {"SET", "l", "v", "GET"}, {"APPEND", "l", "v"}, {"STRLEN", "l"},      {"SETRANGE", "l", "0", "v"},
           {"INCR", "l"},         {"DECRBY", "l", "1"},     {"INCRBYFLOAT", "l", "1"},
       }) {
    EXPECT_EQ(c.Run(args), Err(err::kWrongType)) << args[0];
  }
  EXPECT_EQ(c.Run({"SETRANGE", "l", "0", ""}), Err(err::kWrongType));
  EXPECT_EQ(c.Run({"INCRBY", "l", "x"}), Err(err::kNotInteger));  // the argument is checked first
  EXPECT_EQ(c.Run({"LCS", "l", "x", "bogus"}), Err(err::kLcsWrongType));
  EXPECT_EQ(Lookup(srv, "l")->type(), ObjType::kList);
}

TEST(StringFamily, LcsRepliesInEveryForm) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"MSET", "{t}a", "ohmytext", "{t}b", "mynewtext"});
  EXPECT_EQ(c.Run({"LCS", "{t}a", "{t}b"}), "\"mytext\"");
  EXPECT_EQ(c.Run({"LCS", "{t}a", "{t}b", "LEN"}), "(integer) 6");
  EXPECT_EQ(c.Run({"LCS", "{t}a", "{t}b", "IDX"}),
            "[\"matches\", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8]], "
            "[[(integer) 2, (integer) 3], [(integer) 0, (integer) 1]]], \"len\", (integer) 6]");
  EXPECT_EQ(c.Run({"LCS", "{t}a", "{t}b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}),
            "[\"matches\", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8], (integer) 4]], \"len\", "
            "(integer) 6]");
  EXPECT_EQ(c.Run({"LCS", "{t}a", "none"}), "\"\"");
  EXPECT_EQ(c.Run({"LCS", "{t}a", "none", "IDX"}), "[\"matches\", [], \"len\", (integer) 0]");
}

TEST(StringFamily, LcsArgumentErrors) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"LCS", "a", "b", "LEN", "IDX"}), Err(err::kLcsIdxAndLen));
  EXPECT_EQ(c.Run({"LCS", "a", "b", "MINMATCHLEN"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"LCS", "a", "b", "MINMATCHLEN", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"LCS", "a", "b", "foo"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"LCS", "a", "b", "minmatchlen", "-5", "idx"}), "[\"matches\", [], \"len\", (integer) 0]");
}

TEST(StringFamily, LcsOnLongStringsUsesWiderCells) {
  TestServer srv;
  DirectClient c(srv);
  std::string a = std::string(300, 'a') + "xyz", b = "xyz" + std::string(300, 'a');
  c.Run({"MSET", "{t}a", a, "{t}b", b});
  EXPECT_EQ(c.Run({"LCS", "{t}a", "{t}b", "LEN"}), "(integer) 300");
  EXPECT_EQ(c.Run({"LCS", "{t}a", "{t}b"}), "\"" + std::string(300, 'a') + "\"");
  EXPECT_EQ(c.Run({"LCS", "{t}a", "{t}b", "IDX", "WITHMATCHLEN"}),
            "[\"matches\", [[[(integer) 0, (integer) 299], [(integer) 3, (integer) 302], (integer) 300]], "
            "\"len\", (integer) 300]");
}

TEST(StringFamily, LcsRefusesTablesOverProtoMaxBulkLen) {
  Config cfg;
  cfg.proto_max_bulk_len = 1024 * 1024;
  TestServer srv(8, cfg);
  DirectClient c(srv);
  c.Run({"MSET", "{t}a", std::string(600, 'a'), "{t}b", std::string(600, 'a')});
  EXPECT_EQ(c.Run({"LCS", "{t}a", "{t}b", "LEN"}), Err(err::kLcsOverLimit));
  c.Run({"SET", "{t}b", std::string(400, 'a')});
  EXPECT_EQ(c.Run({"LCS", "{t}a", "{t}b", "LEN"}), "(integer) 400");
}

}  // namespace
}  // namespace ks::test
