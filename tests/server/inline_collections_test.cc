// Small hashes, sorted sets and intsets live inline in their key's entry (Entry::PackObject);
// every write path through the dispatcher must read back the same values as a heap object
// would, and creating, changing and deleting them returns the memory figure to its start.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

class InlineCollections : public ::testing::Test {
 protected:
  TestServer srv{4};
  DirectClient c{srv};
};

TEST_F(InlineCollections, HashWritesReadBackAndTheFigureReturns) {
  WarmUpEngines(c);
  const size_t start = UsedBytes(srv);
  EXPECT_EQ(c.Run({"HSET", "h{t}", "a", "1", "b", "2", "c", "3"}), "(integer) 3");
  EXPECT_EQ(c.Run({"HSETNX", "h{t}", "d", "4"}), "(integer) 1");
  EXPECT_EQ(c.Run({"HINCRBY", "h{t}", "a", "10"}), "(integer) 11");
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "h{t}", "b", "0.5"}), "\"2.5\"");
  EXPECT_EQ(c.Run({"HDEL", "h{t}", "c", "nope"}), "(integer) 1");
  EXPECT_EQ(c.Run({"HGETALL", "h{t}"}),
            R"(["a", "11", "b", "2.5", "d", "4"])");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "h{t}"}), "\"listpack\"");
  EXPECT_EQ(c.Run({"PEXPIRE", "h{t}", "100000"}), "(integer) 1");
  EXPECT_EQ(c.Run({"COPY", "h{t}", "h2{t}"}), "(integer) 1");
  EXPECT_EQ(c.Run({"RENAME", "h{t}", "h3{t}"}), "OK");
  EXPECT_EQ(c.Run({"HGET", "h3{t}", "d"}), "\"4\"");
  EXPECT_EQ(c.Run({"HSET", "h3{t}", "e", "5"}), "(integer) 1");
  EXPECT_EQ(c.Run({"HLEN", "h3{t}"}), "(integer) 4");
  EXPECT_EQ(c.Run({"HLEN", "h2{t}"}), "(integer) 3");
  EXPECT_EQ(c.Run({"HSET", "h2{t}", "long", std::string(100, 'x')}), "(integer) 1");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "h2{t}"}), "\"hashtable\"");
  EXPECT_EQ(c.Run({"HDEL", "h3{t}", "a", "b", "d", "e"}), "(integer) 4");
  EXPECT_EQ(c.Run({"EXISTS", "h3{t}"}), "(integer) 0");
  EXPECT_EQ(c.Run({"DEL", "h2{t}"}), "(integer) 1");
  EXPECT_EQ(UsedBytes(srv), start);
}

TEST_F(InlineCollections, SortedSetWritesReadBackAndTheFigureReturns) {
  WarmUpEngines(c);
  const size_t start = UsedBytes(srv);
  EXPECT_EQ(c.Run({"ZADD", "z{t}", "1", "a", "2", "b", "3", "c", "4", "d"}), "(integer) 4");
  EXPECT_EQ(c.Run({"ZADD", "z{t}", "1", "a"}), "(integer) 0");
  EXPECT_EQ(c.Run({"ZINCRBY", "z{t}", "10", "a"}), "\"11\"");
  EXPECT_EQ(c.Run({"ZREM", "z{t}", "b", "nope"}), "(integer) 1");
  EXPECT_EQ(c.Run({"ZPOPMIN", "z{t}"}), R"(["c", "3"])");
  EXPECT_EQ(c.Run({"ZRANGE", "z{t}", "0", "-1", "WITHSCORES"}), R"(["d", "4", "a", "11"])");
  EXPECT_EQ(c.Run({"ZADD", "z{t}", "5", "e", "6", "f"}), "(integer) 2");
  EXPECT_EQ(c.Run({"ZREMRANGEBYSCORE", "z{t}", "5", "5"}), "(integer) 1");
  EXPECT_EQ(c.Run({"ZUNIONSTORE", "u{t}", "1", "z{t}"}), "(integer) 3");
  EXPECT_EQ(c.Run({"ZRANGE", "u{t}", "0", "-1"}), R"(["d", "f", "a"])");
  EXPECT_EQ(c.Run({"ZRANGESTORE", "r{t}", "z{t}", "0", "0"}), "(integer) 1");
  EXPECT_EQ(c.Run({"ZSCORE", "r{t}", "d"}), "\"4\"");
  EXPECT_EQ(c.Run({"EXPIRE", "z{t}", "100"}), "(integer) 1");
  EXPECT_EQ(c.Run({"ZCARD", "z{t}"}), "(integer) 3");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "z{t}"}), "\"listpack\"");
  EXPECT_EQ(c.Run({"ZMPOP", "1", "z{t}", "MAX", "COUNT", "2"}),
            R"(["z{t}", [["a", "11"], ["f", "6"]]])");
  EXPECT_EQ(c.Run({"ZADD", "z{t}", "1", std::string(100, 'm')}), "(integer) 1");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "z{t}"}), "\"skiplist\"");
  EXPECT_EQ(c.Run({"DEL", "z{t}", "u{t}", "r{t}"}), "(integer) 3");
  EXPECT_EQ(UsedBytes(srv), start);
}

TEST_F(InlineCollections, IntsetWritesReadBackAndTheFigureReturns) {
  WarmUpEngines(c);
  const size_t start = UsedBytes(srv);
  EXPECT_EQ(c.Run({"SADD", "s{t}", "1", "2", "3", "4", "5"}), "(integer) 5");
  EXPECT_EQ(c.Run({"SADD", "s{t}", "3"}), "(integer) 0");
  EXPECT_EQ(c.Run({"SADD", "s{t}", "100000"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SREM", "s{t}", "1", "9"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SMOVE", "s{t}", "d{t}", "2"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SMOVE", "s{t}", "d{t}", "3"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SMEMBERS", "d{t}"}), R"(["2", "3"])");
  EXPECT_EQ(c.Run({"SMEMBERS", "s{t}"}), R"(["4", "5", "100000"])");
  EXPECT_EQ(c.Run({"SINTERSTORE", "i{t}", "s{t}", "s{t}"}), "(integer) 3");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "i{t}"}), "\"intset\"");
  std::string popped = c.Run({"SPOP", "s{t}", "2"});
  EXPECT_EQ(c.Run({"SCARD", "s{t}"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SADD", "i{t}", "word"}), "(integer) 1");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "i{t}"}), "\"hashtable\"");
  EXPECT_EQ(c.Run({"SCARD", "i{t}"}), "(integer) 4");
  EXPECT_EQ(c.Run({"DEL", "s{t}", "d{t}", "i{t}"}), "(integer) 3");
  EXPECT_EQ(UsedBytes(srv), start);
}

}  // namespace
}  // namespace ks::test
