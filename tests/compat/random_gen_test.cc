#include "tools/compat/random_gen.h"

#include <gtest/gtest.h>

#include <set>

namespace keyshard::compat {
namespace {

TEST(RandomGenerator, SameSeedSameSequence) {
  RandomGenerator a(42, DefaultFamilies()), b(42, DefaultFamilies()), c(43, DefaultFamilies());
  auto sa = a.Generate(500), sb = b.Generate(500), sc = c.Generate(500);
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
}

TEST(RandomGenerator, DefaultFamiliesStayOffCollectionsAndNondeterminism) {
  RandomGenerator g(1, DefaultFamilies());
  std::set<std::string> seen;
  for (auto& cmd : g.Generate(20000)) seen.insert(cmd[0]);
  for (const char* forbidden : {"LPUSH", "HSET", "SADD", "RANDOMKEY", "TIME", "INFO", "SPOP", "CLIENT"})
    EXPECT_FALSE(seen.count(forbidden)) << forbidden;
  for (const char* wanted : {"SET", "GETEX", "MSETNX", "LCS", "INCRBYFLOAT", "SETRANGE", "EXPIRE", "PEXPIREAT",
                             "COPY", "RENAMENX", "KEYS", "SWAPDB", "MOVE", "SELECT", "NOSUCHCMD"})
    EXPECT_TRUE(seen.count(wanted)) << wanted;
}

TEST(RandomGenerator, CollectionFamiliesOnRequest) {
  std::vector<std::string> fams;
  std::string err;
  ASSERT_TRUE(ParseFamilies("strings,lists,hashes,sets", &fams, &err)) << err;
  RandomGenerator g(1, fams);
  std::set<std::string> seen;
  for (auto& cmd : g.Generate(5000)) seen.insert(cmd[0]);
  EXPECT_TRUE(seen.count("LPUSH") && seen.count("HSET") && seen.count("SADD"));
}

TEST(RandomGenerator, AllFamiliesCoverEveryCollectionCommand) {
  RandomGenerator g(3, AllFamilies());
  std::set<std::string> seen;
  for (auto& cmd : g.Generate(60000)) seen.insert(cmd[0]);
  for (const char* wanted :
       {"LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LLEN", "LRANGE", "LINDEX", "LSET", "LINSERT",
        "LREM", "LTRIM", "LPOS", "LMOVE", "RPOPLPUSH", "LMPOP", "HSET", "HSETNX", "HGET", "HMGET", "HMSET",
        "HDEL", "HLEN", "HSTRLEN", "HEXISTS", "HKEYS", "HVALS", "HGETALL", "HINCRBY", "HINCRBYFLOAT",
        "HRANDFIELD", "SADD", "SREM", "SCARD", "SISMEMBER", "SMISMEMBER", "SMEMBERS", "SRANDMEMBER", "SPOP",
        "SMOVE", "SINTER", "SINTERCARD", "SINTERSTORE", "SUNION", "SUNIONSTORE", "SDIFF", "SDIFFSTORE",
        "ZADD", "ZINCRBY", "ZREM", "ZCARD", "ZCOUNT", "ZLEXCOUNT", "ZSCORE", "ZMSCORE", "ZRANK", "ZREVRANK",
        "ZRANGE", "ZRANGESTORE", "ZREVRANGE", "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX",
        "ZREVRANGEBYLEX", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZREMRANGEBYLEX", "ZPOPMIN", "ZPOPMAX",
        "ZMPOP", "ZRANDMEMBER", "ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE",
        "ZINTERCARD", "OBJECT"})
    EXPECT_TRUE(seen.count(wanted)) << wanted;
  // On an empty key these wait for their timeout: not generated.
  for (const char* forbidden : {"BLPOP", "BRPOP", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZMPOP"})
    EXPECT_FALSE(seen.count(forbidden)) << forbidden;
}

TEST(RandomGenerator, SpopOnlyWhereItsEffectIsDetermined) {
  RandomGenerator g(5, {"sets"});
  size_t spops = 0;
  for (auto& cmd : g.Generate(20000)) {
    if (cmd[0] != "SPOP" || cmd.size() != 3) continue;  // Invalid() may cut it to "SPOP"
    ++spops;
    EXPECT_TRUE(cmd[2] == "0" || cmd[2] == "100000" || cmd[2] == "-1" || cmd[2] == "notanumber" ||
                cmd[2] == "99999999999999999999")
        << cmd[2];
  }
  EXPECT_GT(spops, 100u);
}

TEST(RandomGenerator, SometimesCrossesEncodingLimits) {
  RandomGenerator g(9, {"hashes", "sets", "zsets"});
  bool big_hash = false, big_intset = false, big_zset = false;
  for (auto& cmd : g.Generate(20000)) {
    if (cmd[0] == "HSET" && cmd.size() > 2 + 2 * 128) big_hash = true;
    if (cmd[0] == "SADD" && cmd.size() > 2 + 512) big_intset = true;
    if (cmd[0] == "ZADD" && cmd.size() > 2 + 2 * 128) big_zset = true;
  }
  EXPECT_TRUE(big_hash && big_intset && big_zset);
}

TEST(RandomGenerator, UsesHashTaggedAndPlainKeys) {
  RandomGenerator g(7, DefaultFamilies());
  bool tagged = false, plain = false;
  for (auto& cmd : g.Generate(2000)) {
    if (cmd[0] != "GET" || cmd.size() != 2) continue;
    (cmd[1].find('{') != std::string::npos ? tagged : plain) = true;
  }
  EXPECT_TRUE(tagged);
  EXPECT_TRUE(plain);
}

TEST(ParseFamilies, RejectsUnknownNames) {
  std::vector<std::string> fams;
  std::string err;
  EXPECT_FALSE(ParseFamilies("strings,streams", &fams, &err));
  EXPECT_NE(err.find("streams"), std::string::npos);
  EXPECT_TRUE(ParseFamilies("zsets", &fams, &err)) << err;
  EXPECT_TRUE(ParseFamilies("all", &fams, &err));
  EXPECT_EQ(fams.size(), AllFamilies().size());
}

}  // namespace
}  // namespace keyshard::compat
