// The collection families of the random generator: lists, hashes, sets and sorted sets with
// their options and error cases. Each type has its own small key pool (plain keys land on
// different engines, {t}/{u} keys share a slot), so most commands meet a value of their own
// type; a share of keys come from the shared pool and make the WRONGTYPE paths run.
//
// Encodings: now and then a command adds 130-600 members at once or a value longer than 64
// bytes, which turns a listpack hash/zset into a hashtable/skiplist and an intset into a
// hashtable; *STORE commands and DEL make small fresh ones again. OBJECT ENCODING is compared.
//
// Lex ranges (ZRANGEBYLEX, ZLEXCOUNT, BYLEX, ...) run only on keys whose members all have
// score 0 (kLexKeys): with mixed scores their answer is unspecified, even run to run in Redis.
//
// Random replies: SRANDMEMBER, HRANDFIELD and ZRANDMEMBER change nothing and are compared by
// type and length (compare.cc). SPOP is generated only where its effect is determined: a count
// of 0, or a count larger than any set can grow here (the whole set is popped). Blocking
// commands (BLPOP, BZPOPMIN, ...) are left out: on an empty key they wait for their timeout.
#include "tools/compat/random_gen.h"

namespace keyshard::compat {

namespace {

using Argv = std::vector<std::string>;

const std::vector<std::string> kListKeys = {"l1", "l2", "l3", "{t}l1", "{t}l2", "{u}l"};
const std::vector<std::string> kHashKeys = {"h1", "h2", "{t}h1", "{t}h2", "{u}h"};
const std::vector<std::string> kSetKeys = {"s1", "s2", "s3", "{t}s1", "{t}s2", "{u}s"};
const std::vector<std::string> kZsetKeys = {"z1", "z2", "z3", "{t}z1", "{t}z2", "{u}z"};
// Lex-range commands are defined only on sets whose members all have one score; on others
// Redis's answer depends on the skiplist's random node levels. These keys get score 0 only.
const std::vector<std::string> kLexKeys = {"zl1", "zl2", "{t}zl"};

// No set can hold more members than this: bulk SADD draws from 0..599 and m0..m199, single
// members from a few dozen more. SPOP with this count is therefore always a whole-set pop.
constexpr const char* kWholeSetCount = "100000";

const std::string kLongValue(70, 'x');  // longer than the 64-byte listpack value limit

std::string Side(bool left) { return left ? "LEFT" : "RIGHT"; }

}  // namespace

std::string RandomGenerator::CollKey(const std::vector<std::string>& pool) {
  return Chance(15) ? Key() : Pick(pool);
}

std::vector<std::string> RandomGenerator::CollKeys(const std::vector<std::string>& pool, size_t min, size_t max) {
  std::vector<std::string> out;
  size_t n = min + Below(max - min + 1);
  for (size_t i = 0; i < n; ++i) out.push_back(CollKey(pool));
  return out;
}

std::string RandomGenerator::Count(bool allow_negative) {
  static const std::vector<std::string> positive = {"0", "1", "1", "2", "3", "5", "10", "1000"};
  static const std::vector<std::string> negative = {"-1", "-2", "-5", "-20"};
  static const std::vector<std::string> edge = {"abc", "-9223372036854775808", "9223372036854775807", "1.5"};
  if (Chance(4)) return Pick(edge);
  if (allow_negative && Chance(30)) return Pick(negative);
  if (!allow_negative && Chance(3)) return Pick(negative);
  return Pick(positive);
}

std::string RandomGenerator::ListValue() {
  static const std::vector<std::string> v = {"a", "b", "c", "x", "1", "2"};
  if (Chance(2)) return kLongValue;
  return Chance(60) ? Pick(v) : Value();
}

std::string RandomGenerator::Field() {
  static const std::vector<std::string> f = {"f1", "f2", "f3", "f4", "1", "-2", "", "f0"};
  return Chance(5) ? "f" + std::to_string(Below(200)) : Pick(f);
}

std::string RandomGenerator::Member() {
  static const std::vector<std::string> s = {"a", "b", "c", "x y", "", "007", "1.0", "-0",
                                             "9223372036854775807", "-9223372036854775808",
                                             "18446744073709551616", "m1"};
  if (Chance(1)) return kLongValue;
  if (Chance(55)) return std::to_string(static_cast<long long>(Below(20)) - 3);
  return Pick(s);
}

std::string RandomGenerator::ZMember() {
  static const std::vector<std::string> m = {"a", "b", "c", "d", "e", "f", "g", "h", "", "A"};
  if (Chance(1)) return kLongValue;
  return Chance(8) ? "m" + std::to_string(Below(200)) : Pick(m);
}

std::string RandomGenerator::Score() {
  static const std::vector<std::string> special = {"1.5", "-0.5", "inf", "-inf", "+inf", "1e3", "0", "-0",
                                                   "0.1", "1e-300", "123456789012345678"};
  static const std::vector<std::string> bad = {"abc", "nan", "", "1x", "(1"};
  if (Chance(3)) return Pick(bad);
  if (Chance(25)) return Pick(special);
  return std::to_string(static_cast<long long>(Below(11)) - 5);
}

std::string RandomGenerator::ScoreBound() {
  static const std::vector<std::string> b = {"-inf", "+inf", "inf", "(1", "2", "(2.5", "-1", "(-inf",
                                             "0", "(0", "5", "1.5", "(5", "-5"};
  static const std::vector<std::string> bad = {"abc", "(", "[1", "nan", "(nan"};
  return Chance(4) ? Pick(bad) : Pick(b);
}

std::string RandomGenerator::LexBound() {
  static const std::vector<std::string> b = {"-", "+", "[a", "(a", "[c", "(c", "[e", "(h", "[", "(", "[m1", "(zz"};
  static const std::vector<std::string> bad = {"a", "abc", "", "{a"};
  return Chance(4) ? Pick(bad) : Pick(b);
}

std::vector<std::string> RandomGenerator::Lists() {
  switch (Below(21)) {
    case 0:
    case 1:
    case 2: {
      Argv a = {Chance(50) ? "LPUSH" : "RPUSH", CollKey(kListKeys)};
      if (Chance(2)) {
        for (size_t i = 0, n = 100 + Below(200); i < n; ++i) a.push_back(std::to_string(i));
        return a;
      }
      for (size_t i = 0, n = 1 + Below(4); i < n; ++i) a.push_back(ListValue());
      return a;
    }
    case 3: return {Chance(50) ? "LPUSHX" : "RPUSHX", CollKey(kListKeys), ListValue(), ListValue()};
    case 4:
    case 5: {
      Argv a = {Chance(50) ? "LPOP" : "RPOP", CollKey(kListKeys)};
      if (Chance(40)) a.push_back(Count(false));
      return a;
    }
    case 6: return {"LLEN", CollKey(kListKeys)};
    case 7:
    case 8: return {"LRANGE", CollKey(kListKeys), IntArg(), Chance(30) ? "-1" : IntArg()};
    case 9: return {"LINDEX", CollKey(kListKeys), IntArg()};
    case 10: return {"LSET", CollKey(kListKeys), IntArg(), ListValue()};
    case 11: {
      const char* where = Chance(5) ? "MIDDLE" : Chance(50) ? "BEFORE" : "AFTER";
      return {"LINSERT", CollKey(kListKeys), where, ListValue(), ListValue()};
    }
    case 12: return {"LREM", CollKey(kListKeys), std::to_string(static_cast<long long>(Below(7)) - 3), ListValue()};
    case 13: return {"LTRIM", CollKey(kListKeys), IntArg(), IntArg()};
    case 14: {
      Argv a = {"LPOS", CollKey(kListKeys), ListValue()};
      static const std::vector<std::string> rank = {"1", "2", "-1", "-2", "0", "-9223372036854775808", "x"};
      static const std::vector<std::string> len = {"0", "1", "3", "10", "-1", "x"};
      if (Chance(40)) a.insert(a.end(), {"RANK", Pick(rank)});
      if (Chance(40)) a.insert(a.end(), {"COUNT", Pick(std::vector<std::string>{"0", "1", "2", "5", "-1", "x"})});
      if (Chance(30)) a.insert(a.end(), {"MAXLEN", Pick(len)});
      if (Chance(3)) a.push_back("BOGUS");
      return a;
    }
    case 15:
    case 16: return {"LMOVE", CollKey(kListKeys), CollKey(kListKeys), Side(Chance(50)), Side(Chance(50))};
    case 17: return {"RPOPLPUSH", CollKey(kListKeys), CollKey(kListKeys)};
    case 18: {
      Argv keys = CollKeys(kListKeys, 1, 3);
      Argv a = {"LMPOP", std::to_string(keys.size())};
      if (Chance(4)) a[1] = Pick(std::vector<std::string>{"0", "-1", "5", "x"});
      a.insert(a.end(), keys.begin(), keys.end());
      a.push_back(Chance(3) ? "MIDDLE" : Side(Chance(50)));
      if (Chance(50)) a.insert(a.end(), {"COUNT", Count(false)});
      return a;
    }
    case 19: return {"DEL", CollKey(kListKeys)};
    default: return {"OBJECT", "ENCODING", CollKey(kListKeys)};
  }
}

std::vector<std::string> RandomGenerator::Hashes() {
  switch (Below(22)) {
    case 0:
    case 1:
    case 2:
    case 3: {
      Argv a = {Chance(80) ? "HSET" : "HMSET", CollKey(kHashKeys)};
      if (Chance(3)) {
        for (size_t i = 0, n = 100 + Below(100); i < n; ++i) a.insert(a.end(), {"f" + std::to_string(i), Value()});
        return a;
      }
      for (size_t i = 0, n = 1 + Below(3); i < n; ++i) a.insert(a.end(), {Field(), Chance(3) ? kLongValue : Value()});
      if (Chance(3)) a.pop_back();  // odd argument count
      return a;
    }
    case 4: return {"HSETNX", CollKey(kHashKeys), Field(), Value()};
    case 5:
    case 6: return {"HGET", CollKey(kHashKeys), Field()};
    case 7: {
      Argv a = {"HMGET", CollKey(kHashKeys)};
      for (size_t i = 0, n = 1 + Below(4); i < n; ++i) a.push_back(Field());
      return a;
    }
    case 8: {
      Argv a = {"HDEL", CollKey(kHashKeys)};
      for (size_t i = 0, n = 1 + Below(3); i < n; ++i) a.push_back(Field());
      return a;
    }
    case 9: return {"HLEN", CollKey(kHashKeys)};
    case 10: return {"HSTRLEN", CollKey(kHashKeys), Field()};
    case 11: return {"HEXISTS", CollKey(kHashKeys), Field()};
    case 12: return {Chance(50) ? "HKEYS" : "HVALS", CollKey(kHashKeys)};
    case 13: return {"HGETALL", CollKey(kHashKeys)};
    case 14:
    case 15: return {"HINCRBY", CollKey(kHashKeys), Field(), IntArg()};
    case 16: return {"HINCRBYFLOAT", CollKey(kHashKeys), Field(), FloatArg()};
    case 17:
    case 18: {
      Argv a = {"HRANDFIELD", CollKey(kHashKeys)};
      if (Chance(70)) a.push_back(Count(true));
      if (a.size() == 3 && Chance(50)) a.push_back("WITHVALUES");
      // With WITHVALUES Redis refuses a count below -LONG_MAX/2; without it, Redis 7.0 starts
      // a reply of 2^63 elements (docs/COMPAT.md, known differences): only the first is sent.
      if (a.size() == 4 && Chance(5)) a[2] = "-9223372036854775807";
      if (Chance(2)) a.push_back("BOGUS");
      return a;
    }
    case 19: return {"DEL", CollKey(kHashKeys)};
    default: return {"OBJECT", "ENCODING", CollKey(kHashKeys)};
  }
}

std::vector<std::string> RandomGenerator::Sets() {
  switch (Below(24)) {
    case 0:
    case 1:
    case 2:
    case 3: {
      Argv a = {"SADD", CollKey(kSetKeys)};
      if (Chance(3)) {
        // Integers: 505-599 of them cross the 512-entry intset limit about half the time.
        const bool ints = Chance(70);
        const size_t n = ints ? 505 + Below(95) : 100 + Below(100);
        for (size_t i = 0; i < n; ++i) a.push_back(ints ? std::to_string(i) : "m" + std::to_string(i));
        return a;
      }
      for (size_t i = 0, n = 1 + Below(4); i < n; ++i) a.push_back(Member());
      return a;
    }
    case 4:
    case 5: {
      Argv a = {"SREM", CollKey(kSetKeys)};
      for (size_t i = 0, n = 1 + Below(3); i < n; ++i) a.push_back(Member());
      return a;
    }
    case 6: return {"SCARD", CollKey(kSetKeys)};
    case 7: return {"SISMEMBER", CollKey(kSetKeys), Member()};
    case 8: {
      Argv a = {"SMISMEMBER", CollKey(kSetKeys)};
      for (size_t i = 0, n = 1 + Below(4); i < n; ++i) a.push_back(Member());
      return a;
    }
    case 9: return {"SMEMBERS", CollKey(kSetKeys)};
    case 10: {
      Argv a = {"SRANDMEMBER", CollKey(kSetKeys)};
      if (Chance(70)) a.push_back(Count(true));
      return a;
    }
    case 11: {
      // Only determined pops (see the file comment); -1 is an error.
      static const std::vector<std::string> counts = {"0", kWholeSetCount, kWholeSetCount, "-1"};
      return {"SPOP", CollKey(kSetKeys), Pick(counts)};
    }
    case 12:
    case 13: return {"SMOVE", CollKey(kSetKeys), CollKey(kSetKeys), Member()};
    case 14:
    case 15: {
      Argv a = {Pick(std::vector<std::string>{"SINTER", "SUNION", "SDIFF"})};
      for (auto& k : CollKeys(kSetKeys, 1, 3)) a.push_back(k);
      return a;
    }
    case 16:
    case 17: {
      Argv keys = CollKeys(kSetKeys, 1, 3);
      Argv a = {"SINTERCARD", std::to_string(keys.size())};
      if (Chance(4)) a[1] = Pick(std::vector<std::string>{"0", "-1", "5", "x"});
      a.insert(a.end(), keys.begin(), keys.end());
      if (Chance(40)) a.insert(a.end(), {"LIMIT", Pick(std::vector<std::string>{"0", "1", "2", "100", "-1", "x"})});
      return a;
    }
    case 18:
    case 19:
    case 20: {
      Argv a = {Pick(std::vector<std::string>{"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}), CollKey(kSetKeys)};
      for (auto& k : CollKeys(kSetKeys, 1, 3)) a.push_back(k);
      return a;
    }
    case 21: return {"DEL", CollKey(kSetKeys)};
    default: return {"OBJECT", "ENCODING", CollKey(kSetKeys)};
  }
}

// ZUNION/ZINTER/ZDIFF/ZINTERCARD and their STORE forms. Inputs may be sets (score 1).
std::vector<std::string> RandomGenerator::ZsetStoreOrCombine() {
  auto inputs = [&](size_t min, size_t max) {
    Argv keys;
    for (size_t i = 0, n = min + Below(max - min + 1); i < n; ++i)
      keys.push_back(Chance(15) ? CollKey(kSetKeys) : CollKey(kZsetKeys));
    return keys;
  };
  auto numkeys = [&](const Argv& keys) {
    return Chance(4) ? Pick(std::vector<std::string>{"0", "-1", "9", "x"}) : std::to_string(keys.size());
  };
  auto weights_aggregate = [&](Argv& a, size_t n) {
    static const std::vector<std::string> w = {"1", "2", "0", "-1", "0.5", "inf", "-inf", "abc"};
    if (Chance(30)) {
      a.push_back("WEIGHTS");
      for (size_t i = 0; i < n; ++i) a.push_back(Pick(w));
      if (Chance(5)) a.push_back("1");  // one weight too many
    }
    if (Chance(30)) a.insert(a.end(), {"AGGREGATE", Pick(std::vector<std::string>{"SUM", "MIN", "MAX", "AVG"})});
  };
  switch (Below(7)) {
    case 0:
    case 1: {
      Argv keys = inputs(1, 3);
      Argv a = {Chance(50) ? "ZUNION" : "ZINTER", numkeys(keys)};
      a.insert(a.end(), keys.begin(), keys.end());
      weights_aggregate(a, keys.size());
      if (Chance(50)) a.push_back("WITHSCORES");
      return a;
    }
    case 2:
    case 3: {
      Argv keys = inputs(1, 3);
      Argv a = {Chance(50) ? "ZUNIONSTORE" : "ZINTERSTORE", CollKey(kZsetKeys), numkeys(keys)};
      a.insert(a.end(), keys.begin(), keys.end());
      weights_aggregate(a, keys.size());
      return a;
    }
    case 4: {
      Argv keys = inputs(1, 3);
      Argv a = {"ZDIFF", numkeys(keys)};
      a.insert(a.end(), keys.begin(), keys.end());
      if (Chance(50)) a.push_back("WITHSCORES");
      return a;
    }
    case 5: {
      Argv keys = inputs(1, 3);
      Argv a = {"ZDIFFSTORE", CollKey(kZsetKeys), numkeys(keys)};
      a.insert(a.end(), keys.begin(), keys.end());
      return a;
    }
    default: {
      Argv keys = inputs(1, 3);
      Argv a = {"ZINTERCARD", numkeys(keys)};
      a.insert(a.end(), keys.begin(), keys.end());
      if (Chance(40)) a.insert(a.end(), {"LIMIT", Pick(std::vector<std::string>{"0", "1", "2", "100", "-1", "x"})});
      return a;
    }
  }
}

std::vector<std::string> RandomGenerator::Zsets() {
  auto limit = [&](Argv& a) {
    static const std::vector<std::string> off = {"0", "1", "2", "-1", "x"};
    static const std::vector<std::string> cnt = {"0", "1", "3", "-1", "100", "x"};
    a.insert(a.end(), {"LIMIT", Pick(off), Pick(cnt)});
  };
  switch (Below(35)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4: {
      Argv a = {"ZADD", CollKey(kZsetKeys)};
      if (Chance(3)) {
        const bool floats = Chance(30);
        for (size_t i = 0, n = 100 + Below(100); i < n; ++i)
          a.insert(a.end(), {floats ? std::to_string(i) + ".5" : std::to_string(i % 50), "m" + std::to_string(i)});
        return a;
      }
      if (Chance(20)) a.push_back(Chance(50) ? "NX" : "XX");
      if (Chance(20)) a.push_back(Chance(50) ? "GT" : "LT");
      if (Chance(20)) a.push_back("CH");
      const bool incr = Chance(15);
      if (incr) a.push_back("INCR");
      for (size_t i = 0, n = incr && Chance(90) ? 1 : 1 + Below(3); i < n; ++i) a.insert(a.end(), {Score(), ZMember()});
      if (Chance(3)) a.pop_back();
      return a;
    }
    case 5: return {"ZINCRBY", CollKey(kZsetKeys), Score(), ZMember()};
    case 6: {
      Argv a = {"ZREM", CollKey(kZsetKeys)};
      for (size_t i = 0, n = 1 + Below(3); i < n; ++i) a.push_back(ZMember());
      return a;
    }
    case 7: return {"ZCARD", CollKey(kZsetKeys)};
    case 8: return {"ZCOUNT", CollKey(kZsetKeys), ScoreBound(), ScoreBound()};
    case 9: return {"ZLEXCOUNT", Pick(kLexKeys), LexBound(), LexBound()};
    case 10: return {"ZSCORE", CollKey(kZsetKeys), ZMember()};
    case 11: {
      Argv a = {"ZMSCORE", CollKey(kZsetKeys)};
      for (size_t i = 0, n = 1 + Below(3); i < n; ++i) a.push_back(ZMember());
      return a;
    }
    case 12: return {Chance(50) ? "ZRANK" : "ZREVRANK", CollKey(kZsetKeys), ZMember()};
    case 13:
    case 14:
    case 15: {
      const bool store = Chance(25);
      const size_t by = Below(3);
      const auto& pool = by == 2 ? kLexKeys : kZsetKeys;
      Argv a = store ? Argv{"ZRANGESTORE", Pick(pool), Pick(pool)} : Argv{"ZRANGE", by == 2 ? Pick(pool) : CollKey(pool)};
      if (by == 0) a.insert(a.end(), {IntArg(), Chance(30) ? "-1" : IntArg()});
      else if (by == 1) a.insert(a.end(), {ScoreBound(), ScoreBound(), "BYSCORE"});
      else a.insert(a.end(), {LexBound(), LexBound(), "BYLEX"});
      if (Chance(30)) a.push_back("REV");
      if (Chance(by == 0 ? 5 : 30)) limit(a);
      if (!store && Chance(by == 2 ? 5 : 40)) a.push_back("WITHSCORES");
      return a;
    }
    case 16: {
      Argv a = {"ZREVRANGE", CollKey(kZsetKeys), IntArg(), Chance(30) ? "-1" : IntArg()};
      if (Chance(40)) a.push_back("WITHSCORES");
      return a;
    }
    case 17:
    case 18: {
      Argv a = {Chance(50) ? "ZRANGEBYSCORE" : "ZREVRANGEBYSCORE", CollKey(kZsetKeys), ScoreBound(), ScoreBound()};
      if (Chance(40)) a.push_back("WITHSCORES");
      if (Chance(30)) limit(a);
      return a;
    }
    case 19: {
      Argv a = {Chance(50) ? "ZRANGEBYLEX" : "ZREVRANGEBYLEX", Pick(kLexKeys), LexBound(), LexBound()};
      if (Chance(30)) limit(a);
      return a;
    }
    case 20: return {"ZREMRANGEBYRANK", CollKey(kZsetKeys), IntArg(), IntArg()};
    case 21: return {"ZREMRANGEBYSCORE", CollKey(kZsetKeys), ScoreBound(), ScoreBound()};
    case 22: return {"ZREMRANGEBYLEX", Pick(kLexKeys), LexBound(), LexBound()};
    case 23:
    case 24: {
      Argv a = {Chance(50) ? "ZPOPMIN" : "ZPOPMAX", CollKey(kZsetKeys)};
      if (Chance(50)) a.push_back(Count(false));
      return a;
    }
    case 25: {
      Argv keys = CollKeys(kZsetKeys, 1, 3);
      Argv a = {"ZMPOP", std::to_string(keys.size())};
      if (Chance(4)) a[1] = Pick(std::vector<std::string>{"0", "-1", "5", "x"});
      a.insert(a.end(), keys.begin(), keys.end());
      a.push_back(Chance(3) ? "MIDDLE" : Chance(50) ? "MIN" : "MAX");
      if (Chance(50)) a.insert(a.end(), {"COUNT", Count(false)});
      return a;
    }
    case 26: {
      Argv a = {"ZRANDMEMBER", CollKey(kZsetKeys)};
      if (Chance(70)) a.push_back(Count(true));
      if (a.size() == 3 && Chance(50)) a.push_back("WITHSCORES");
      return a;
    }
    case 27:
    case 28:
    case 29:
    case 30: return ZsetStoreOrCombine();
    case 31: {
      Argv a = {"ZADD", Pick(kLexKeys)};
      if (Chance(20)) a.push_back(Pick(std::vector<std::string>{"NX", "XX", "CH"}));
      const bool bulk = Chance(3);
      for (size_t i = 0, n = bulk ? 100 + Below(100) : 1 + Below(3); i < n; ++i)
        a.insert(a.end(), {"0", bulk ? "m" + std::to_string(i) : ZMember()});
      return a;
    }
    case 32: return {"DEL", Chance(20) ? Pick(kLexKeys) : CollKey(kZsetKeys)};
    default: return {"OBJECT", "ENCODING", CollKey(kZsetKeys)};
  }
}

}  // namespace keyshard::compat
