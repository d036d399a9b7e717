// Differential test of the sorted set family: every command, its options and its error
// replies run against keyshard (8 engines) and a real redis-server 7.0, reply by reply (RESP3
// shapes are checked by tests/compat/zsets.cases and zset_family_test.cc). Plain key names spread over engines, so ZUNIONSTORE, ZRANGESTORE, ZMPOP
// and the other multi-key commands mix engines; {t}-tagged keys share one. The random tests
// compare long seeded sequences over small (listpack) and large (skiplist) sets.
#include <gtest/gtest.h>

#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

class ZSetsDiff : public DiffTest<ScriptCase> {
 protected:
  // A seeded random sequence over a few keys; scores and members drawn to collide often. Lex
  // ranges go to `lex`, a set whose members all score 0: with mixed scores Redis's lex answers
  // depend on its skiplist's random levels.
  void RandomSequence(uint32_t seed, int steps, const std::vector<std::string>& keys, const std::string& lex_key) {
    std::mt19937 rng(seed);
    auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
    auto num = [&](int lo, int hi) { return std::to_string(lo + static_cast<int>(rng() % (hi - lo + 1))); };
    auto member = [&]() { return rng() % 8 == 0 ? std::string() : "m" + num(0, 300); };
    const std::vector<std::string> scores = {"0", "1", "-1", "2.5", "-0.125", "inf", "-inf", "1e10", "7", "42"};
    const std::vector<std::string> bounds = {"-inf", "+inf", "(1", "0", "2.5", "(7", "42", "-1"};
    const std::vector<std::string> lex = {"-", "+", "[m1", "(m2", "[m150", "(m", "[", "[z"};
    for (int step = 0; step < steps; ++step) {
      std::string k = pick(keys), k2 = pick(keys), k3 = pick(keys);
      const std::string& lk = lex_key;
      Cmd cmd;
      switch (rng() % 23) {
        case 0: case 1: case 2: {
          cmd = {"ZADD", k};
          if (rng() % 3 == 0) cmd.push_back(pick({"NX", "XX", "GT", "LT", "CH"}));
          for (int i = 0, n = 1 + static_cast<int>(rng() % 6); i < n; ++i) {
            cmd.push_back(rng() % 2 ? num(-50, 50) : pick(scores));
            cmd.push_back(member());
          }
          break;
        }
        case 3: cmd = {"ZINCRBY", k, pick(scores), member()}; break;
        case 4: cmd = {"ZREM", k, member(), member()}; break;
        case 5: cmd = {"ZRANGE", k, num(-10, 10), num(-10, 10), pick({"WITHSCORES", "REV", "REV"})}; break;
        case 6: cmd = {"ZRANGEBYSCORE", k, pick(bounds), pick(bounds), "WITHSCORES", "LIMIT", num(0, 3), num(-1, 5)}; break;
        case 7: cmd = {"ZREVRANGEBYSCORE", k, pick(bounds), pick(bounds), "WITHSCORES"}; break;
        case 8: cmd = {"ZRANGEBYLEX", lk, pick(lex), pick(lex)}; break;
        case 9: cmd = {"ZREVRANGEBYLEX", lk, pick(lex), pick(lex), "LIMIT", num(0, 2), num(1, 4)}; break;
        case 10: cmd = {"ZCOUNT", k, pick(bounds), pick(bounds)}; break;
        case 11: cmd = {"ZLEXCOUNT", lk, pick(lex), pick(lex)}; break;
        case 12: cmd = {pick({"ZRANK", "ZREVRANK", "ZSCORE"}), k, member()}; break;
        case 13: cmd = {"ZREMRANGEBYRANK", k, num(-10, 10), num(-10, 10)}; break;
        case 14: cmd = {"ZREMRANGEBYSCORE", k, pick(bounds), pick(bounds)}; break;
        case 15: cmd = {"ZREMRANGEBYLEX", lk, pick(lex), pick(lex)}; break;
        case 16: cmd = {pick({"ZPOPMIN", "ZPOPMAX"}), k, num(1, 3)}; break;
        case 17: cmd = {pick({"ZUNIONSTORE", "ZINTERSTORE"}), k, "2", k2, k3, "WEIGHTS", pick(scores), "2", "AGGREGATE", pick({"SUM", "MIN", "MAX"})}; break;
        case 18: cmd = {pick({"ZUNION", "ZINTER", "ZDIFF"}), "2", k2, k3, "WITHSCORES"}; break;
        case 19: cmd = {"ZRANGESTORE", k, k2, num(-5, 5), num(-5, 20)}; break;
        case 20: cmd = {"ZMPOP", "2", k, k2, pick({"MIN", "MAX"}), "COUNT", num(1, 4)}; break;
        case 21: cmd = {"ZMSCORE", k, member(), member()}; break;
        case 22: cmd = {"ZADD", lk, "0", member(), "0", member(), "0", member()}; break;
      }
      Same(cmd, "seed " + std::to_string(seed) + " step " + std::to_string(step));
      if (step % 50 == 0)
        for (const auto& key : {keys[0], keys[1], lex_key}) {
          Same({"ZRANGE", key, "0", "-1", "WITHSCORES"}, "state");
          Same({"OBJECT", "ENCODING", key}, "state");
        }
      if (HasFailure()) return;  // the first divergence is the informative one
    }
  }
};

TEST_P(ZSetsDiff, SameRepliesAsRedis) { SameScript(GetParam().script, GetParam().name); }

std::vector<ScriptCase> Cases() {
  return {
      {"AddScoreRankCardRem",
       R"zs(zadd z 1 a 2 b 3 c
zadd z nx 5 a 6 d
zadd z xx 7 a 8 e
zadd z xx ch 9 a 9 b
zadd z gt 1 a
zadd z lt 1 a
zadd z gt ch 100 a
zadd z incr 1 a
zadd z nx incr 1 a
zadd z xx incr 1 zz
zadd z xx nx 1 a
zadd z gt lt 1 a
zadd z gt nx 1 a
zadd z incr 1 a 2 b
zadd z 1
zadd z 1 a 2
zadd z abc a
zadd z nan a
zadd z inf a
zadd z incr -inf a
zadd z -inf b
zadd z +inf c
zrange z 0 -1 withscores
zadd nz xx 1 a
exists nz
zadd nz xx incr 1 a
zincrby z 1.5 d
zincrby z abc d
zincrby newz 2 m
zincrby z 1 a
zadd z 0.1 f 1e20 g -0 h 1.5e-300 i 123456789012 j
zrange z 0 -1 withscores
zscore z f
zscore z g
zscore z h
zscore z i
zscore z nope
zscore nokey a
zmscore z f g nope
zmscore nokey a b
zrank z f
zrevrank z f
zrank z nope
zcard z
zcard nokey
zrem z a f nope
zrem nokey a
set str x
zadd str 1 a
zscore str a
zcard str
zrank str a
zmscore str a
zrem str a
zincrby str 1 a
zadd e 1 a
zrem e a
exists e
zrange z 0 -1
zrange z -3 -1 withscores)zs"},
      {"RangesCountsRemovals",
       R"zs(zrange z 1 0
zrange z 100 200
zrange z -100 100
zrevrange z 0 1 withscores
zrange z 0 1 rev withscores
zadd s 1 a 2 b 3 c 4 d 5 e 5 f 5 g
zrangebyscore s 2 4
zrangebyscore s (2 4
zrangebyscore s 2 (4
zrangebyscore s -inf +inf withscores
zrangebyscore s -inf +inf limit 1 2
zrangebyscore s -inf +inf limit 1 -1
zrangebyscore s -inf +inf limit -1 2
zrangebyscore s -inf +inf limit 100 2
zrangebyscore s -inf +inf limit 0 0
zrevrangebyscore s +inf -inf limit 1 2 withscores
zrevrangebyscore s 4 2
zrevrangebyscore s 2 4
zrangebyscore s 4 2
zrange s (1 5 byscore limit 1 3
zrange s 5 (1 byscore rev limit 1 3 withscores
zrangebyscore s a b
zrangebyscore s "" ""
zrangebyscore s "( 1" 3
zrangebyscore s 0x2 3
zcount s 2 4
zcount s (5 5
zcount s -inf +inf
zcount s a 1
zcount nokey 1 2
zadd l 0 a 0 b 0 c 0 d 0 e 0 f
zrangebylex l - +
zrangebylex l [b (e
zrangebylex l (b [e limit 1 2
zrevrangebylex l + - limit 0 3
zrevrangebylex l [e [b
zrange l [e [b bylex rev
zrangebylex l a b
zrangebylex l [a +b
zrangebylex l + -
zlexcount l - +
zlexcount l [b [d
zlexcount l a [d
zremrangebylex l [b (d
zrange l 0 -1
zremrangebyrank s 0 1
zrange s 0 -1
zremrangebyrank s -1 -1
zremrangebyrank s 5 10
zremrangebyrank s a 1
zremrangebyscore s (3 5
zrange s 0 -1 withscores
zremrangebyscore s a 1
zremrangebyscore s -inf +inf
exists s
zremrangebyrank nokey 0 1
zremrangebyrank str 0 1)zs"},
      {"PopsZmpopRandmemberScanErrors",
       R"zs(zadd z 1 a 2 b 3 c 4 d 5 e
zpopmin z
zpopmax z
zpopmin z 2
zpopmin z 0
zpopmin z -1
zpopmin z 1 2
zpopmin nokey
zpopmin nokey 3
set str x
zpopmin str
zpopmax str 0
zpopmax z 10
exists z
zadd z1 1 a 2 b
zadd z2 3 c 4 d
zmpop 2 nokey z1 min
zmpop 2 nokey z1 max count 10
zmpop 2 z1 z2 max count 1
zmpop 3 nokey str z2 min
zmpop 2 z2 str min
zmpop 1 nokey min
zmpop 0 z min
zmpop abc z min
zmpop 1 z foo
zmpop 5 z min
zmpop 1 z2 min count 0
zmpop 1 z2 min count 1 count 2
zmpop 1 z2 min foo
zrandmember nokey
zrandmember nokey 5
zrandmember str
zrandmember str 1
zrandmember nokey -9223372036854775808
zrandmember nokey -4611686018427387904 withscores
zrandmember nokey 1 foo
zrandmember nokey 1 withscores foo
zadd r 1 a 2 b 3 c
zrandmember r 0
zrandmember r 3
zrandmember r 10 withscores
zrandmember r 9223372036854775807
zscan nokey 0
zscan nokey abc
zscan r abc
zscan r 0
zscan r 0 match a*
zscan r 0 count 0
zscan r 0 count abc
zscan r 0 type zset
zscan r 0 match
zscan r 0 count 100 match *)zs"},
      {"UnionInterDiffAndStores",
       R"zs(zscan str 0
zadd u1 1 a 2 b 3 c
zadd u2 10 b 20 c 30 d
sadd s1 a d x
zunion 2 u1 u2
zunion 2 u1 u2 withscores
zunion 3 u1 u2 s1 withscores
zunion 2 u1 u2 weights 2 0.5 withscores
zunion 2 u1 u2 aggregate min withscores
zunion 2 u1 u2 aggregate max withscores
zinter 2 u1 u2 withscores
zinter 3 u1 u2 s1 withscores
zinter 2 u1 s1 withscores
zinter 2 u1 u2 weights 1 -1 aggregate sum withscores
zdiff 2 u1 u2 withscores
zdiff 2 u1 s1
zdiff 1 nokey
zdiff 2 nokey u1
zunionstore out 2 u1 u2
zrange out 0 -1 withscores
object encoding out
zinterstore out 2 u1 u2 weights 2 3
zrange out 0 -1 withscores
zdiffstore out 2 u1 u2
zrange out 0 -1 withscores
zinterstore out 2 u1 nokey
exists out
zunionstore str 1 u1
type str
zintercard 2 u1 u2
zintercard 2 u1 u2 limit 1
zintercard 2 u1 u2 limit 0
zintercard 0 u1
zintercard abc u1
zintercard 2 u1
zintercard 1 u1 limit -1
zintercard 1 u1 limit abc
zintercard 1 u1 withscores
zunionstore d 0 z
zunion 0 z
zunion abc z
zunion 2 z
zunion 1 z weights abc
zunion 1 z weights 1 2
zset str2 x
set str2 x
zunion 2 u1 str2
zunion 1 str2 weights abc
zdiff 1 u1 weights 1
zunion 1 u1 aggregate foo
zunion 1 u1 aggregate
zunionstore out 1 u1 withscores
zinter 1 u1 limit 1
zadd inf1 inf a -inf b
zadd inf2 -inf a inf b
zunion 2 inf1 inf2 withscores
zinter 2 inf1 inf2 withscores
zunion 2 inf1 inf2 weights 0 1 withscores
zinter 2 inf1 inf2 weights 0 0 withscores
zinter 2 inf1 inf2 weights 0 0 aggregate min withscores
zrangestore dst u2 0 -1
zrange dst 0 -1 withscores
zrangestore dst u2 (10 +inf byscore limit 0 1
zrange dst 0 -1 withscores
zrangestore dst u2 + - bylex rev
zrangestore dst nokey 0 -1
exists dst
zrangestore dst u2 0 -1 withscores
zrangestore dst str 0 -1
zrangestore dst u2 0 -1 rev
zrange dst 0 -1
zrangestore u2 u2 0 0
zrange u2 0 -1 withscores)zs"},
      {"EncodingConversions",
       R"zs(config set zset-max-listpack-entries 4
config set zset-max-listpack-value 8
zadd a 1 m1 2 m2 3 m3 4 m4
object encoding a
zadd a 5 m5
object encoding a
zrem a m5 m4
object encoding a
zadd b 1 123456789
object encoding b
zadd c 1 x 2 123456789
object encoding c
zadd c2 1 123456789 2 x
object encoding c2
zrangestore d a 0 1
object encoding d
zunionstore d 1 c
object encoding d
zrangestore d c 0 0
object encoding d
zrangestore d c 0 -1
object encoding d
zadd e 1 m1 2 m2 3 m3 4 m4
zadd e xx 5 m5
object encoding e
zadd e nx 1 m1
zincrby e 1 m9
object encoding e
zincrby f 1 123456789
object encoding f
zinterstore g 2 a a
object encoding g
zrange g 0 -1 withscores
zadd h 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h 9 i
zrange h 0 -1 withscores
zrange h 2 5
zrevrange h 2 5 withscores
zrank h e
zrevrank h e
zscore h e
zadd h 4.5 e
zrank h e
zadd h 100 a
zrange h 0 -1 withscores
zrangebyscore h (2 8 limit 1 3 withscores
zrevrangebyscore h 8 (2 limit 1 3
zcount h 3 (8
zadd hl 0 a 0 b 0 c 0 d 0 e 0 f 0 g
zrangebylex hl [b (f
zrevrangebylex hl (f [b limit 1 2
zlexcount hl (a [g
zremrangebylex hl [c [d
zrange hl 0 -1
zremrangebyrank h 1 3
zrange h 0 -1 withscores
zremrangebyscore h 7 8
zrange h 0 -1 withscores
zpopmin h 2
zpopmax h 2
zrange h 0 -1 withscores
zmpop 1 h max count 1
zrandmember h 100 withscores
zunionstore u 2 h hl
zrange u 0 -1 withscores
object encoding u
config set zset-max-listpack-entries 128
config set zset-max-listpack-value 64
zadd big 1 m1
zadd big 2 m2 3 m3)zs"},
  };
}

INSTANTIATE_TEST_SUITE_P(ZSets, ZSetsDiff, ::testing::ValuesIn(Cases()), CaseName());

// Keys on different engines: small sets stay listpacks (up to 128 members).
TEST_F(ZSetsDiff, RandomSequencesAcrossEnginesMatchRedis) {
  RandomSequence(7, 3000, {"za", "zb", "zc", "zd", "ze"}, "zlex");
}

// Low listpack limits make most sets skiplists, converted mid-sequence.
TEST_F(ZSetsDiff, RandomSequencesOverSkiplistsMatchRedis) {
  for (Client* c : {kc_.get(), rc_.get()}) ASSERT_EQ(c->Run({"CONFIG", "SET", "zset-max-listpack-entries", "8"}), "OK");
  RandomSequence(11, 3000, {"{t}a", "{t}b", "zc", "zd"}, "{t}lex");
  for (Client* c : {kc_.get(), rc_.get()}) c->Run({"CONFIG", "SET", "zset-max-listpack-entries", "128"});
}

// A full ZSCAN of a large set returns every member exactly as ZRANGE does, whatever the cursor
// order (which differs from Redis's: the hash tables differ).
TEST_F(ZSetsDiff, FullZscanOfLargeSetReturnsEveryMember) {
  Cmd add = {"ZADD", "big"};
  for (int i = 0; i < 1000; ++i) {
    add.push_back(std::to_string(i % 97));
    add.push_back("member:" + std::to_string(i));
  }
  Same(add, "load");
  Same({"OBJECT", "ENCODING", "big"}, "load");
  std::set<std::string> seen;
  std::string cursor = "0";
  do {
    std::string reply = kc_->Run({"ZSCAN", "big", cursor, "COUNT", "50"});
    // ["<cursor>", ["m", "s", ...]]
    size_t q1 = reply.find('"'), q2 = reply.find('"', q1 + 1);
    cursor = reply.substr(q1 + 1, q2 - q1 - 1);
    for (size_t p = reply.find("\"member:", q2); p != std::string::npos; p = reply.find("\"member:", p + 1))
      seen.insert(reply.substr(p + 1, reply.find('"', p + 1) - p - 1));
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace ks::test
