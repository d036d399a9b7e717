// List family through the real dispatcher. Expected replies and error texts were checked
// against redis-server 7.0.15; lists_diff_test.cc compares the two servers directly.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/list.h"
#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "server/families/list_ops.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

const List* ListAt(TestServer& srv, std::string_view key) {
  Entry* e = Lookup(srv, key);
  return e && e->type() == ObjType::kList ? static_cast<const List*>(e->obj()) : nullptr;
}

uint16_t EngineOf(TestServer& srv, std::string_view key) { return RouteKey(srv.state.shards(), key).engine; }

// Two keys that the slot table puts on different engines.
std::pair<std::string, std::string> KeysOnTwoEngines(TestServer& srv) {
  std::string a = "src";
  for (int i = 0;; ++i) {
    std::string b = "dst" + std::to_string(i);
    if (EngineOf(srv, a) != EngineOf(srv, b)) return {a, b};
  }
}

TEST(ListFamily, PushesReturnLengthAndKeepOrder) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"RPUSH", "l", "b", "c"}), "(integer) 2");
  EXPECT_EQ(c.Run({"LPUSH", "l", "a", "z"}), "(integer) 4");
  EXPECT_EQ(c.Run({"LRANGE", "l", "0", "-1"}), "[\"z\", \"a\", \"b\", \"c\"]");
  EXPECT_EQ(c.Run({"TYPE", "l"}), "list");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "l"}), "\"quicklist\"");
}

TEST(ListFamily, PushXOnlyTouchesExistingLists) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"LPUSHX", "l", "a"}), "(integer) 0");
  EXPECT_EQ(c.Run({"RPUSHX", "l", "a"}), "(integer) 0");
  EXPECT_EQ(c.Run({"EXISTS", "l"}), "(integer) 0");
  c.Run({"RPUSH", "l", "m"});
  EXPECT_EQ(c.Run({"LPUSHX", "l", "a", "b"}), "(integer) 3");
  EXPECT_EQ(c.Run({"RPUSHX", "l", "z"}), "(integer) 4");
  EXPECT_EQ(c.Run({"LRANGE", "l", "0", "-1"}), "[\"b\", \"a\", \"m\", \"z\"]");
}

TEST(ListFamily, EveryCommandRejectsOtherTypes) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"SET", "s", "x"});
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"LPUSH", "s", "a"}, {"RPUSHX", "s", "a"}, {"LPOP", "s"}, {"RPOP", "s", "2"}, {"LLEN", "s"},
           {"LRANGE", "s", "0", "1"}, {"LINDEX", "s", "0"}, {"LSET", "s", "0", "a"}, {"LINSERT", "s", "BEFORE", "a", "b"},
           {"LREM", "s", "0", "a"}, {"LTRIM", "s", "0", "1"}, {"LPOS", "s", "a"}, {"LMOVE", "s", "d", "LEFT", "LEFT"},
           {"RPOPLPUSH", "s", "d"}, {"LMPOP", "1", "s", "LEFT"}}) {
    EXPECT_EQ(c.Run(cmd), Err(err::kWrongType)) << cmd[0];
  }
  EXPECT_EQ(c.Run({"GET", "s"}), "\"x\"");
}

TEST(ListFamily, PoppingTheLastElementDeletesTheKey) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a", "b"});
  EXPECT_EQ(c.Run({"LPOP", "l"}), "\"a\"");
  EXPECT_EQ(c.Run({"RPOP", "l"}), "\"b\"");
  EXPECT_EQ(c.Run({"EXISTS", "l"}), "(integer) 0");
  EXPECT_EQ(c.Run({"LPOP", "l"}), "(nil)");
}

TEST(ListFamily, PopWithCountRepliesArraysAndNullShapes) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(c.Run({"LPOP", "l", "2"}), "[\"a\", \"b\"]");
  EXPECT_EQ(c.Run({"RPOP", "l", "0"}), "[]");
  EXPECT_EQ(c.Run({"RPOP", "l", "10"}), "[\"c\"]");
  EXPECT_EQ(c.Run({"EXISTS", "l"}), "(integer) 0");
  c.Run({"LPOP", "l", "2"});
  EXPECT_EQ(c.raw(), "*-1\r\n");  // a missing key with a count: null array
  c.Run({"LPOP", "l", "0"});
  EXPECT_EQ(c.raw(), "*-1\r\n");
  c.Run({"LPOP", "l"});
  EXPECT_EQ(c.raw(), "$-1\r\n");
  c.Run({"HELLO", "3"});
  c.Run({"LPOP", "l", "2"});
  EXPECT_EQ(c.raw(), "_\r\n");
  c.Run({"LMPOP", "1", "l", "LEFT"});
  EXPECT_EQ(c.raw(), "_\r\n");
}

TEST(ListFamily, PopCountMustBePositive) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a"});
  EXPECT_EQ(c.Run({"LPOP", "l", "-1"}), Err(err::kMustBePositive));
  EXPECT_EQ(c.Run({"RPOP", "l", "x"}), Err(err::kMustBePositive));
  EXPECT_EQ(c.Run({"LPOP", "l", "1", "2"}), Err(err::WrongArgs("lpop")));
  EXPECT_EQ(c.Run({"LLEN", "l"}), "(integer) 1");
}

TEST(ListFamily, RangeFollowsRedisIndexRules) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a", "b", "c", "d"});
  EXPECT_EQ(c.Run({"LRANGE", "l", "1", "2"}), "[\"b\", \"c\"]");
  EXPECT_EQ(c.Run({"LRANGE", "l", "-2", "100"}), "[\"c\", \"d\"]");
  EXPECT_EQ(c.Run({"LRANGE", "l", "-100", "0"}), "[\"a\"]");
  EXPECT_EQ(c.Run({"LRANGE", "l", "3", "1"}), "[]");
  EXPECT_EQ(c.Run({"LRANGE", "l", "4", "10"}), "[]");
  EXPECT_EQ(c.Run({"LRANGE", "l", "-9223372036854775808", "9223372036854775807"}),
            "[\"a\", \"b\", \"c\", \"d\"]");
  EXPECT_EQ(c.Run({"LRANGE", "missing", "0", "-1"}), "[]");
  EXPECT_EQ(c.Run({"LRANGE", "l", "x", "1"}), Err(err::kNotInteger));
}

TEST(ListFamily, IndexAndSet) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(c.Run({"LINDEX", "l", "0"}), "\"a\"");
  EXPECT_EQ(c.Run({"LINDEX", "l", "-1"}), "\"c\"");
  EXPECT_EQ(c.Run({"LINDEX", "l", "3"}), "(nil)");
  EXPECT_EQ(c.Run({"LINDEX", "l", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"LINDEX", "missing", "x"}), "(nil)");  // the key is looked up first
  EXPECT_EQ(c.Run({"LSET", "l", "-2", "B"}), "OK");
  EXPECT_EQ(c.Run({"LINDEX", "l", "1"}), "\"B\"");
  EXPECT_EQ(c.Run({"LSET", "l", "3", "x"}), Err(err::kIndexOutOfRange));
  EXPECT_EQ(c.Run({"LSET", "l", "-4", "x"}), Err(err::kIndexOutOfRange));
  EXPECT_EQ(c.Run({"LSET", "missing", "0", "x"}), Err(err::kNoSuchKey));
  EXPECT_EQ(c.Run({"LSET", "l", "x", "x"}), Err(err::kNotInteger));
}

TEST(ListFamily, InsertAroundPivot) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a", "c"});
  EXPECT_EQ(c.Run({"LINSERT", "l", "BEFORE", "c", "b"}), "(integer) 3");
  EXPECT_EQ(c.Run({"LINSERT", "l", "after", "c", "d"}), "(integer) 4");
  EXPECT_EQ(c.Run({"LINSERT", "l", "AFTER", "zz", "d"}), "(integer) -1");
  EXPECT_EQ(c.Run({"LINSERT", "missing", "AFTER", "a", "b"}), "(integer) 0");
  EXPECT_EQ(c.Run({"LINSERT", "l", "middle", "a", "b"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"LRANGE", "l", "0", "-1"}), "[\"a\", \"b\", \"c\", \"d\"]");
}

TEST(ListFamily, RemoveCountsFromEitherEnd) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "x", "a", "x", "b", "x"});
  EXPECT_EQ(c.Run({"LREM", "l", "-1", "x"}), "(integer) 1");
  EXPECT_EQ(c.Run({"LRANGE", "l", "0", "-1"}), "[\"x\", \"a\", \"x\", \"b\"]");
  EXPECT_EQ(c.Run({"LREM", "l", "1", "x"}), "(integer) 1");
  EXPECT_EQ(c.Run({"LREM", "l", "0", "x"}), "(integer) 1");
  EXPECT_EQ(c.Run({"LREM", "l", "0", "a"}), "(integer) 1");
  EXPECT_EQ(c.Run({"LREM", "l", "0", "b"}), "(integer) 1");
  EXPECT_EQ(c.Run({"EXISTS", "l"}), "(integer) 0");
  EXPECT_EQ(c.Run({"LREM", "l", "0", "b"}), "(integer) 0");
  EXPECT_EQ(c.Run({"LREM", "l", "x", "b"}), Err(err::kNotInteger));  // parsed before the lookup
}

TEST(ListFamily, TrimKeepsRangeAndDeletesWhenEmpty) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a", "b", "c", "d", "e"});
  EXPECT_EQ(c.Run({"LTRIM", "l", "1", "-2"}), "OK");
  EXPECT_EQ(c.Run({"LRANGE", "l", "0", "-1"}), "[\"b\", \"c\", \"d\"]");
  EXPECT_EQ(c.Run({"LTRIM", "l", "-100", "100"}), "OK");
  EXPECT_EQ(c.Run({"LLEN", "l"}), "(integer) 3");
  EXPECT_EQ(c.Run({"LTRIM", "l", "2", "1"}), "OK");
  EXPECT_EQ(c.Run({"EXISTS", "l"}), "(integer) 0");
  EXPECT_EQ(c.Run({"LTRIM", "missing", "0", "1"}), "OK");
  EXPECT_EQ(c.Run({"LTRIM", "missing", "x", "1"}), Err(err::kNotInteger));
}

TEST(ListFamily, PosOptions) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a", "b", "c", "a", "b", "c", "a"});
  EXPECT_EQ(c.Run({"LPOS", "l", "a"}), "(integer) 0");
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "RANK", "2"}), "(integer) 3");
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "RANK", "-1"}), "(integer) 6");
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "COUNT", "0"}), "[(integer) 0, (integer) 3, (integer) 6]");
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "COUNT", "2", "RANK", "-1"}), "[(integer) 6, (integer) 3]");
  EXPECT_EQ(c.Run({"LPOS", "l", "c", "MAXLEN", "3"}), "(integer) 2");
  EXPECT_EQ(c.Run({"LPOS", "l", "c", "MAXLEN", "2"}), "(nil)");
  EXPECT_EQ(c.Run({"LPOS", "l", "zz", "COUNT", "1"}), "[]");
  EXPECT_EQ(c.Run({"LPOS", "missing", "a"}), "(nil)");
  EXPECT_EQ(c.Run({"LPOS", "missing", "a", "COUNT", "1"}), "[]");
  // Redis 7.0 negates RANK in a long: the most negative rank returns every match from the tail.
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "RANK", "-9223372036854775808", "COUNT", "1"}),
            "[(integer) 6, (integer) 3, (integer) 0]");
}

TEST(ListFamily, PosErrors) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a"});
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "RANK", "0"}), Err(err::kLposRankZero));
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "RANK", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "COUNT", "-1"}), Err(err::kLposCountNegative));
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "COUNT", "x"}), Err(err::kLposCountNegative));
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "MAXLEN", "-1"}), Err(err::kLposMaxlenNegative));
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "RANK"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"LPOS", "l", "a", "BOGUS", "1"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"LPOS", "missing", "a", "RANK", "0"}), Err(err::kLposRankZero));  // options first
}

TEST(ListFamily, MoveAcrossEnginesIsOneStep) {
  TestServer srv;
  DirectClient c(srv);
  auto [src, dst] = KeysOnTwoEngines(srv);
  c.Run({"RPUSH", src, "a", "b"});
  EXPECT_EQ(c.Run({"LMOVE", src, dst, "RIGHT", "LEFT"}), "\"b\"");
  EXPECT_EQ(c.Run({"LMOVE", src, dst, "LEFT", "RIGHT"}), "\"a\"");
  EXPECT_EQ(c.Run({"EXISTS", src}), "(integer) 0");
  EXPECT_EQ(c.Run({"LRANGE", dst, "0", "-1"}), "[\"b\", \"a\"]");
  EXPECT_EQ(c.Run({"RPOPLPUSH", dst, src}), "\"a\"");
  EXPECT_EQ(c.Run({"LRANGE", src, "0", "-1"}), "[\"a\"]");
  EXPECT_EQ(c.Run({"LMOVE", "missing", dst, "LEFT", "LEFT"}), "(nil)");
  EXPECT_EQ(c.Run({"LMOVE", src, dst, "LEFT", "UP"}), Err(err::kSyntax));
}

TEST(ListFamily, MoveOntoItselfRotates) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(c.Run({"RPOPLPUSH", "l", "l"}), "\"c\"");
  EXPECT_EQ(c.Run({"LRANGE", "l", "0", "-1"}), "[\"c\", \"a\", \"b\"]");
  EXPECT_EQ(c.Run({"LMOVE", "l", "l", "LEFT", "RIGHT"}), "\"c\"");
  EXPECT_EQ(c.Run({"LRANGE", "l", "0", "-1"}), "[\"a\", \"b\", \"c\"]");
  c.Run({"RPUSH", "one", "x"});
  EXPECT_EQ(c.Run({"LMOVE", "one", "one", "LEFT", "LEFT"}), "\"x\"");  // a one-element list survives
  EXPECT_EQ(c.Run({"LRANGE", "one", "0", "-1"}), "[\"x\"]");
}

TEST(ListFamily, MoveChecksDestinationTypeBeforePopping) {
  TestServer srv;
  DirectClient c(srv);
  auto [src, dst] = KeysOnTwoEngines(srv);
  c.Run({"RPUSH", src, "a"});
  c.Run({"SET", dst, "x"});
  EXPECT_EQ(c.Run({"LMOVE", src, dst, "LEFT", "LEFT"}), Err(err::kWrongType));
  EXPECT_EQ(c.Run({"LLEN", src}), "(integer) 1");
  EXPECT_EQ(c.Run({"RPOPLPUSH", "missing", dst}), "(nil)");  // a missing source wins
}

TEST(ListFamily, MPopTakesTheFirstNonEmptyList) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "b", "1", "2", "3"});
  c.Run({"RPUSH", "c", "x"});
  EXPECT_EQ(c.Run({"LMPOP", "3", "a", "b", "c", "LEFT"}), "[\"b\", [\"1\"]]");
  EXPECT_EQ(c.Run({"LMPOP", "3", "a", "b", "c", "right", "COUNT", "5"}), "[\"b\", [\"3\", \"2\"]]");
  EXPECT_EQ(c.Run({"EXISTS", "b"}), "(integer) 0");
  EXPECT_EQ(c.Run({"LMPOP", "2", "a", "b", "LEFT"}), "(nil)");
  c.Run({"SET", "s", "v"});
  EXPECT_EQ(c.Run({"LMPOP", "2", "s", "c", "LEFT"}), Err(err::kWrongType));
  EXPECT_EQ(c.Run({"LMPOP", "2", "c", "s", "LEFT"}), "[\"c\", [\"x\"]]");
}

TEST(ListFamily, MPopArgumentErrors) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"LMPOP", "0", "a", "LEFT"}), Err(err::kNumkeysPositive));
  EXPECT_EQ(c.Run({"LMPOP", "x", "a", "LEFT"}), Err(err::kNumkeysPositive));
  EXPECT_EQ(c.Run({"LMPOP", "2", "a", "LEFT"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"LMPOP", "9223372036854775807", "a", "LEFT"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"LMPOP", "1", "a", "UP"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"LMPOP", "1", "a", "LEFT", "COUNT", "0"}), Err(err::kMpopCountPositive));
  EXPECT_EQ(c.Run({"LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"LMPOP", "1", "a", "LEFT", "COUNT"}), Err(err::kSyntax));
}

TEST(ListFamily, ListsExpireLikeOtherKeys) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a"});
  EXPECT_EQ(c.Run({"PEXPIRE", "l", "100"}), "(integer) 1");
  EXPECT_EQ(c.Run({"RPUSH", "l", "b"}), "(integer) 2");  // a push keeps the TTL
  srv.clock.Advance(100);
  EXPECT_EQ(c.Run({"LLEN", "l"}), "(integer) 0");
  EXPECT_EQ(c.Run({"RPUSH", "l", "c"}), "(integer) 1");
  EXPECT_EQ(c.Run({"TTL", "l"}), "(integer) -1");
}

TEST(ListFamily, CopyAndRenameCarryTheList) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"RPUSH", "l", "a", "b"});
  EXPECT_EQ(c.Run({"COPY", "l", "l2"}), "(integer) 1");
  c.Run({"RPOP", "l"});
  EXPECT_EQ(c.Run({"LRANGE", "l2", "0", "-1"}), "[\"a\", \"b\"]");
  EXPECT_EQ(c.Run({"RENAME", "l2", "l3"}), "OK");
  EXPECT_EQ(c.Run({"LRANGE", "l3", "0", "-1"}), "[\"a\", \"b\"]");
  EXPECT_EQ(c.Run({"DEL", "l", "l3"}), "(integer) 2");
}

TEST(ListFamily, NodeSizeFollowsListMaxListpackSize) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"CONFIG", "SET", "list-max-listpack-size", "4"}), "OK");
  std::vector<std::string> push = {"RPUSH", "l"};
  for (int i = 0; i < 10; ++i) push.push_back(std::to_string(i));
  c.Run(push);
  ASSERT_NE(ListAt(srv, "l"), nullptr);
  EXPECT_EQ(ListAt(srv, "l")->node_count(), 3u);
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "l"}), "\"quicklist\"");  // Redis 7.0: every list
  // A list keeps the setting it was created with, as in Redis.
  c.Run({"CONFIG", "SET", "list-max-listpack-size", "-2"});
  c.Run({"RPUSH", "l", "10", "11", "12"});
  EXPECT_EQ(ListAt(srv, "l")->node_count(), 4u);
  c.Run({"RPUSH", "fresh", "1", "2", "3", "4", "5", "6"});
  EXPECT_EQ(ListAt(srv, "fresh")->node_count(), 1u);
}

TEST(ListFamily, LongListsSpanNodesAndStayConsistent) {
  TestServer srv;
  DirectClient c(srv);
  std::vector<std::string> push = {"RPUSH", "l"};
  for (int i = 0; i < 5000; ++i) push.push_back("element:" + std::to_string(i));
  EXPECT_EQ(c.Run(push), "(integer) 5000");
  EXPECT_GT(ListAt(srv, "l")->node_count(), 1u);
  EXPECT_EQ(c.Run({"LINDEX", "l", "2500"}), "\"element:2500\"");
  EXPECT_EQ(c.Run({"LRANGE", "l", "-2", "-1"}), "[\"element:4998\", \"element:4999\"]");
  EXPECT_EQ(c.Run({"LSET", "l", "4000", "changed"}), "OK");
  EXPECT_EQ(c.Run({"LPOS", "l", "changed"}), "(integer) 4000");
  EXPECT_EQ(c.Run({"LTRIM", "l", "100", "-101"}), "OK");
  EXPECT_EQ(c.Run({"LLEN", "l"}), "(integer) 4800");
  EXPECT_EQ(c.Run({"LINDEX", "l", "0"}), "\"element:100\"");
  EXPECT_TRUE(ListAt(srv, "l")->Check());
}

TEST(ListFamily, ReadsCountHitsAndMisses) {
  TestServer srv;
  DirectClient c(srv);
  auto hits = [&] {
    uint64_t h = 0, m = 0;
    for (int i = 0; i < srv.state.shards().size(); ++i) {
      h += srv.state.shards().engine(i).stats().keyspace_hits;
      m += srv.state.shards().engine(i).stats().keyspace_misses;
    }
    return std::make_pair(h, m);
  };
  c.Run({"RPUSH", "l", "a"});
  c.Run({"LPOP", "missing"});  // writes do not count
  c.Run({"LLEN", "l"});
  c.Run({"LRANGE", "missing", "0", "1"});
  EXPECT_EQ(hits(), std::make_pair(uint64_t{1}, uint64_t{1}));
}

// The pops the blocking commands use, called as their handlers will call them.
TEST(ListOps, PopOneWithKeyTakesTheFirstListInKeyOrder) {
  TestServer srv;
  DirectClient c(srv);
  auto [a, b] = KeysOnTwoEngines(srv);
  c.Run({"RPUSH", b, "x", "y"});
  std::vector<std::string_view> args = {"blpop", a, b, "0"};
  std::string out;
  ReplyBuilder rb(&out);
  const CommandSpec* spec = srv.state.commands().Find("lpop");
  ASSERT_NE(spec, nullptr);
  CommandContext ctx{args, rb, c.state(), srv.state, *spec, {}};
  ctx.keys.push_back(RouteKey(srv.state.shards(), a));
  ctx.keys.push_back(RouteKey(srv.state.shards(), b));
  EXPECT_EQ(PopOneWithKey(ctx, ctx.keys, ListEnd::kTail), ListPop::kReplied);
  EXPECT_EQ(DecodeAll(out), "[\"" + b + "\", \"y\"]");
  out.clear();
  EXPECT_EQ(PopManyWithKey(ctx, ctx.keys, ListEnd::kHead, 5), ListPop::kReplied);
  EXPECT_EQ(DecodeAll(out), "[\"" + b + "\", [\"x\"]]");
  out.clear();
  EXPECT_EQ(PopOneWithKey(ctx, ctx.keys, ListEnd::kHead), ListPop::kEmpty);
  EXPECT_EQ(MoveElement(ctx, ctx.keys[0], ctx.keys[1], ListEnd::kHead, ListEnd::kHead), ListPop::kEmpty);
  EXPECT_EQ(out, "");  // nothing replied when there is nothing to pop
}

}  // namespace
}  // namespace ks::test
