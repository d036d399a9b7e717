// Sorted set family through the real dispatcher. Replies, error texts, RESP3 types and OBJECT
// ENCODING results were checked against redis-server 7.0.15; zsets_diff_test.cc compares the
// two servers directly.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "server/families/zset_ops.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

class ZSetFamily : public ::testing::Test {
 protected:
  TestServer srv;
  DirectClient c{srv};
};

TEST_F(ZSetFamily, ZaddOptionsCountAddedOrChanged) {
  EXPECT_EQ(c.Run({"ZADD", "z", "1", "a", "2", "b"}), "(integer) 2");
  EXPECT_EQ(c.Run({"ZADD", "z", "NX", "5", "a", "3", "c"}), "(integer) 1");
  EXPECT_EQ(c.Run({"ZADD", "z", "XX", "CH", "5", "a", "9", "d"}), "(integer) 1");
  EXPECT_EQ(c.Run({"ZADD", "z", "GT", "CH", "1", "a", "7", "b"}), "(integer) 1");
  EXPECT_EQ(c.Run({"ZADD", "z", "LT", "CH", "10", "a"}), "(integer) 0");
  EXPECT_EQ(c.Run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}), R"(["c", "3", "a", "5", "b", "7"])");
  EXPECT_EQ(c.Run({"ZADD", "z", "INCR", "2.5", "a"}), "\"7.5\"");
  EXPECT_EQ(c.Run({"ZADD", "z", "NX", "INCR", "1", "a"}), "(nil)");
  EXPECT_EQ(c.Run({"ZADD", "missing", "XX", "1", "a"}), "(integer) 0");
  EXPECT_EQ(c.Run({"EXISTS", "missing"}), "(integer) 0");
}

TEST_F(ZSetFamily, ZaddRejectsConflictingOptionsWithRedisTexts) {
  EXPECT_EQ(c.Run({"ZADD", "z", "NX", "XX", "1", "a"}), Err(err::kZAddXxNx));
  EXPECT_EQ(c.Run({"ZADD", "z", "GT", "LT", "1", "a"}), Err(err::kZAddGtLtNx));
  EXPECT_EQ(c.Run({"ZADD", "z", "NX", "GT", "1", "a"}), Err(err::kZAddGtLtNx));
  EXPECT_EQ(c.Run({"ZADD", "z", "INCR", "1", "a", "2", "b"}), Err(err::kZAddIncrPairs));
  EXPECT_EQ(c.Run({"ZADD", "z", "1", "a", "2"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"ZADD", "z", "x", "a"}), Err(err::kNotFloat));
  EXPECT_EQ(c.Run({"ZADD", "z", "nan", "a"}), Err(err::kNotFloat));
  EXPECT_EQ(c.Run({"ZADD", "z", "inf", "a"}), "(integer) 1");
  EXPECT_EQ(c.Run({"ZINCRBY", "z", "-inf", "a"}), Err(err::kZScoreNan));
  EXPECT_EQ(c.Run({"ZSCORE", "z", "a"}), "\"inf\"");
}

TEST_F(ZSetFamily, WrongTypeAndEmptySetsAreHandledAsInRedis) {
  c.Run({"SET", "s", "x"});
  for (auto cmd : std::vector<std::vector<std::string>>{
           {"ZADD", "s", "1", "a"}, {"ZSCORE", "s", "a"}, {"ZRANGE", "s", "0", "1"}, {"ZPOPMIN", "s"},
           {"ZCARD", "s"}, {"ZUNION", "1", "s"}, {"ZRANDMEMBER", "s"}, {"ZSCAN", "s", "0"}})
    EXPECT_EQ(c.Run(cmd), Err(err::kWrongType)) << cmd[0];
  c.Run({"ZADD", "z", "1", "a"});
  EXPECT_EQ(c.Run({"ZREM", "z", "a"}), "(integer) 1");
  EXPECT_EQ(c.Run({"EXISTS", "z"}), "(integer) 0");
  c.Run({"ZADD", "z", "1", "a", "2", "b"});
  EXPECT_EQ(c.Run({"ZREMRANGEBYSCORE", "z", "-inf", "+inf"}), "(integer) 2");
  EXPECT_EQ(c.Run({"EXISTS", "z"}), "(integer) 0");
}

TEST_F(ZSetFamily, Resp3RepliesScoresAsDoublesAndPairsAsArrays) {
  c.Run({"HELLO", "3"});
  c.Run({"ZADD", "z", "1", "a", "2.5", "b", "3", "c"});
  EXPECT_EQ(c.Run({"ZSCORE", "z", "b"}), "(double) 2.5");
  EXPECT_EQ(c.Run({"ZSCORE", "z", "nope"}), "(nil)");
  EXPECT_EQ(c.Run({"ZMSCORE", "z", "a", "x"}), "[(double) 1, (nil)]");
  EXPECT_EQ(c.Run({"ZRANGE", "z", "0", "1", "WITHSCORES"}), R"([["a", (double) 1], ["b", (double) 2.5]])");
  EXPECT_EQ(c.Run({"ZPOPMIN", "z"}), R"(["a", (double) 1])");
  EXPECT_EQ(c.Run({"ZPOPMAX", "z", "1"}), R"([["c", (double) 3]])");
  EXPECT_EQ(c.Run({"ZMPOP", "1", "z", "MIN"}), R"(["z", [["b", (double) 2.5]]])");
  EXPECT_EQ(c.Run({"ZMPOP", "1", "z", "MIN"}), "(nil)");
  EXPECT_EQ(c.Run({"ZINCRBY", "n", "1e300", "m"}), "(double) 1.0000000000000001e+300");
}

TEST_F(ZSetFamily, RangesByScoreLexAndRankWithLimit) {
  c.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"});
  EXPECT_EQ(c.Run({"ZRANGE", "z", "(1", "4", "BYSCORE", "LIMIT", "1", "2"}), R"(["c", "d"])");
  EXPECT_EQ(c.Run({"ZRANGE", "z", "4", "(1", "BYSCORE", "REV", "LIMIT", "1", "-1"}), R"(["c", "b"])");
  EXPECT_EQ(c.Run({"ZREVRANGE", "z", "0", "1"}), R"(["e", "d"])");
  EXPECT_EQ(c.Run({"ZRANGE", "z", "0", "1", "LIMIT", "0", "1"}), Err(err::kZLimitNeedsBy));
  EXPECT_EQ(c.Run({"ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"}), Err(err::kZLexNoScores));
  EXPECT_EQ(c.Run({"ZRANGEBYSCORE", "z", "x", "1"}), Err(err::kZMinMaxNotFloat));
  EXPECT_EQ(c.Run({"ZRANGEBYLEX", "z", "a", "+"}), Err(err::kZMinMaxNotLex));
  EXPECT_EQ(c.Run({"ZCOUNT", "z", "(2", "+inf"}), "(integer) 3");
  c.Run({"ZADD", "l", "0", "a", "0", "b", "0", "c"});
  EXPECT_EQ(c.Run({"ZRANGEBYLEX", "l", "(a", "+"}), R"(["b", "c"])");
  EXPECT_EQ(c.Run({"ZLEXCOUNT", "l", "[b", "[c"}), "(integer) 2");
}

// OBJECT ENCODING follows Redis 7.0: listpack up to zset-max-listpack-entries members of at most
// zset-max-listpack-value bytes, skiplist beyond; stored results are encoded by their size.
TEST_F(ZSetFamily, EncodingConvertsAtRedisThresholds) {
  c.Run({"CONFIG", "SET", "zset-max-listpack-entries", "3"});
  c.Run({"CONFIG", "SET", "zset-max-listpack-value", "5"});
  c.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "z"}), "\"listpack\"");
  c.Run({"ZADD", "z", "4", "d"});
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "z"}), "\"skiplist\"");
  c.Run({"ZREM", "z", "d", "c"});
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "z"}), "\"skiplist\"");  // never converts back
  c.Run({"ZADD", "long", "1", "abcdef"});
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "long"}), "\"skiplist\"");
  EXPECT_EQ(c.Run({"ZUNIONSTORE", "u", "1", "z"}), "(integer) 2");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "u"}), "\"listpack\"");
  EXPECT_EQ(c.Run({"ZRANGESTORE", "r", "long", "0", "-1"}), "(integer) 1");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "r"}), "\"skiplist\"");
  c.Run({"CONFIG", "SET", "zset-max-listpack-entries", "0"});
  c.Run({"ZADD", "zero", "1", "a"});
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "zero"}), "\"skiplist\"");
}

TEST_F(ZSetFamily, StoresAcrossEnginesWithSetSources) {
  // Plain names land on different engines of the 8.
  c.Run({"ZADD", "alpha", "1", "a", "2", "b"});
  c.Run({"ZADD", "beta", "10", "b", "20", "c"});
  c.Run({"SADD", "gamma", "a", "c"});
  EXPECT_EQ(c.Run({"ZUNIONSTORE", "dest", "3", "alpha", "beta", "gamma", "WEIGHTS", "1", "1", "5"}), "(integer) 3");
  EXPECT_EQ(c.Run({"ZRANGE", "dest", "0", "-1", "WITHSCORES"}), R"(["a", "6", "b", "12", "c", "25"])");
  EXPECT_EQ(c.Run({"ZINTER", "2", "alpha", "gamma", "WITHSCORES"}), R"(["a", "2"])");
  EXPECT_EQ(c.Run({"ZDIFFSTORE", "dest", "2", "alpha", "beta"}), "(integer) 1");
  EXPECT_EQ(c.Run({"ZRANGE", "dest", "0", "-1"}), R"(["a"])");
  EXPECT_EQ(c.Run({"ZINTERSTORE", "dest", "2", "alpha", "nothing"}), "(integer) 0");
  EXPECT_EQ(c.Run({"EXISTS", "dest"}), "(integer) 0");
  EXPECT_EQ(c.Run({"ZINTERCARD", "2", "alpha", "beta"}), "(integer) 1");
  EXPECT_EQ(c.Run({"ZUNION", "0", "alpha"}), Err(err::ZNeedsInputKey("zunion")));
  EXPECT_EQ(c.Run({"ZUNION", "1", "alpha", "WEIGHTS", "x"}), Err(err::kZWeightNotFloat));
}

TEST_F(ZSetFamily, ZscanOfSkiplistReturnsEveryMember) {
  std::vector<std::string> add = {"ZADD", "big"};
  for (int i = 0; i < 300; ++i) {
    add.push_back(std::to_string(i));
    add.push_back("m" + std::to_string(i));
  }
  c.Run(add);
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "big"}), "\"skiplist\"");
  std::set<std::string> seen;
  std::string cursor = "0";
  do {
    std::string r = c.Run({"ZSCAN", "big", cursor, "COUNT", "20"});
    size_t q1 = r.find('"'), q2 = r.find('"', q1 + 1);
    cursor = r.substr(q1 + 1, q2 - q1 - 1);
    for (size_t p = r.find("\"m", q2); p != std::string::npos; p = r.find("\"m", p + 1))
      seen.insert(r.substr(p + 1, r.find('"', p + 1) - p - 1));
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 300u);
  c.Run({"ZADD", "small", "1.5", "x"});
  EXPECT_EQ(c.Run({"ZSCAN", "small", "0"}), R"(["0", ["x", "1.5"]])");
}

// The pop a blocking BZPOPMIN handler calls: [key, member, score] from the first non-empty key.
TEST_F(ZSetFamily, ZPopFirstServesTheFirstNonEmptyKeyInBzpopShape) {
  c.Run({"ZADD", "second", "1", "a", "2", "b"});
  const CommandSpec* spec = srv.state.commands().Find("zpopmin");
  ASSERT_NE(spec, nullptr);
  std::string out;
  ReplyBuilder rb(&out);
  std::string_view args[] = {"bzpopmin", "first", "second"};
  CommandContext ctx{args, rb, c.state(), srv.state, *spec, {}};
  ctx.keys.push_back(RouteKey(srv.state.shards(), "first"));
  ctx.keys.push_back(RouteKey(srv.state.shards(), "second"));
  {
    std::scoped_lock lk(srv.state.shards().engine(ctx.keys[0].engine).mutex());
    if (ctx.keys[1].engine != ctx.keys[0].engine) {
      std::scoped_lock lk2(srv.state.shards().engine(ctx.keys[1].engine).mutex());
      EXPECT_EQ(ZPopFirst(ctx, ctx.keys, true, -1, ZPopReply::kKeyFlat), ZPopStatus::kPopped);
    } else {
      EXPECT_EQ(ZPopFirst(ctx, ctx.keys, true, -1, ZPopReply::kKeyFlat), ZPopStatus::kPopped);
    }
  }
  EXPECT_EQ(DecodeAll(out), R"(["second", "b", "2"])");
  out.clear();
  std::span<const KeyRef> only_first(ctx.keys.data(), 1);
  std::scoped_lock lk(srv.state.shards().engine(ctx.keys[0].engine).mutex());
  EXPECT_EQ(ZPopFirst(ctx, only_first, false, 1, ZPopReply::kKeyFlat), ZPopStatus::kEmpty);
  EXPECT_EQ(out, "");
}

TEST_F(ZSetFamily, ZrandmemberShapesAndErrors) {
  c.Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(c.Run({"ZRANDMEMBER", "z", "5", "WITHSCORES"}), R"(["c", "3", "b", "2", "a", "1"])");
  std::string two = c.Run({"ZRANDMEMBER", "z", "-2"});
  EXPECT_EQ(std::count(two.begin(), two.end(), '"'), 4);
  EXPECT_EQ(c.Run({"ZRANDMEMBER", "z", "0"}), "[]");
  EXPECT_EQ(c.Run({"ZRANDMEMBER", "nokey"}), "(nil)");
  EXPECT_EQ(c.Run({"ZRANDMEMBER", "z", "1", "x"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"ZRANDMEMBER", "z", "-9223372036854775808"}), Err(err::ValueRange(-INT64_MAX, INT64_MAX)));
  EXPECT_EQ(c.Run({"ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"}), Err(err::kValueOutOfRange));
}

}  // namespace
}  // namespace ks::test
