// Differential test of the hash family: every sequence runs against keyshard and a real
// redis-server 7.0, reply by reply. Replies must be identical, except where Redis's own reply
// is not determined by the data: the order of a hashtable-encoded hash (compared as a
// multiset), HRANDFIELD (shape, size and membership), HSCAN of a hashtable (a full iteration
// compared as a set). Listpack-encoded hashes keep insertion order on both servers, so their
// HGETALL/HKEYS/HVALS/HSCAN replies compare exactly. Plain keys land on different engines;
// {t}-tagged ones share one. RESP3 reply types are compared by tests/compat/hashes.cases
// (this client parses RESP2 only).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

using Case = DiffCase;

// Splits a decoded array reply "[a, b, ...]" into its top-level elements.
std::vector<std::string> Elements(const std::string& reply) {
  std::vector<std::string> out;
  if (reply.size() < 2 || (reply[0] != '[' && reply[0] != '{')) return out;
  int depth = 0;
  bool in_str = false;
  std::string cur;
  for (size_t i = 1; i + 1 < reply.size(); ++i) {
    char ch = reply[i];
    if (in_str) {
      cur += ch;
      if (ch == '"') in_str = false;
      continue;
    }
    if (ch == '"') in_str = true;
    if (ch == '[' || ch == '{') ++depth;
    if (ch == ']' || ch == '}') --depth;
    if (depth == 0 && ch == ',' && reply[i + 1] == ' ') {
      out.push_back(cur);
      cur.clear();
      ++i;
      continue;
    }
    cur += ch;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Pairs "f, v" of a flat field/value array, as a sorted list.
std::vector<std::string> SortedPairs(const std::string& reply) {
  auto e = Elements(reply);
  std::vector<std::string> pairs;
  for (size_t i = 0; i + 1 < e.size(); i += 2) pairs.push_back(e[i] + " => " + e[i + 1]);
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string Upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

class HashesDiff : public DiffTest<Case> {
 protected:
  void SetUp() override {
    // A smaller entry limit than the default 512 keeps the conversion cases short; the
    // defaults themselves are compared by ConfigDefaultsMatchRedis.
    Connect({{"CONFIG", "SET", "hash-max-listpack-entries", "128"}, {"CONFIG", "SET", "hash-max-listpack-value", "64"}});
  }

  std::string Encoding(Client& c, const std::string& key) { return c.Run({"OBJECT", "ENCODING", key}); }

  // Runs cmd on both servers and compares as the command's reply allows.
  void Same(const Cmd& cmd, const std::string& context) {
    auto [k, r] = Both(cmd);
    const std::string shown = Shown(cmd);
    const std::string name = Upper(cmd[0]);
    bool is_error = k.rfind("(error)", 0) == 0 || r.rfind("(error)", 0) == 0;
    if (is_error) {
      EXPECT_EQ(k, r) << context << ": " << shown;
      return;
    }
    bool hashtable = cmd.size() > 1 && Encoding(*rc_, cmd[1]) == "\"hashtable\"";
    if (name == "HRANDFIELD") {
      CompareRandField(cmd, k, r, context + ": " + shown);
    } else if (name == "HSCAN") {
      if (!hashtable || cmd[2] != "0") {
        if (!hashtable) {
          EXPECT_EQ(k, r) << context << ": " << shown;
        }
        return;
      }
      EXPECT_EQ(FullScan(*kc_, cmd), FullScan(*rc_, cmd)) << context << ": " << shown;
    } else if (hashtable && name == "HGETALL") {
      EXPECT_EQ(SortedPairs(k), SortedPairs(r)) << context << ": " << shown;
    } else if (hashtable && (name == "HKEYS" || name == "HVALS")) {
      EXPECT_EQ(Sorted(Elements(k)), Sorted(Elements(r))) << context << ": " << shown;
    } else {
      EXPECT_EQ(k, r) << context << ": " << shown;
    }
  }

  // HRANDFIELD: same type and size; every field from the hash; distinct for a positive count.
  void CompareRandField(const Cmd& cmd, const std::string& k, const std::string& r, const std::string& ctx) {
    if (cmd.size() == 2) {
      EXPECT_EQ(k == "(nil)", r == "(nil)") << ctx;
      if (k != "(nil)") {
        EXPECT_EQ(kc_->Run({"HEXISTS", cmd[1], k.substr(1, k.size() - 2)}), "(integer) 1") << ctx;
      }
      return;
    }
    auto ke = Elements(k), re = Elements(r);
    ASSERT_EQ(ke.size(), re.size()) << ctx << "\n keyshard: " << k << "\n redis: " << r;
    bool with_values = cmd.size() == 4;
    std::set<std::string> distinct;
    for (size_t i = 0; i < ke.size(); i += with_values ? 2 : 1) {
      std::string f = ke[i].substr(1, ke[i].size() - 2);
      std::string v = kc_->Run({"HGET", cmd[1], f});
      EXPECT_NE(v, "(nil)") << ctx << ": " << f;
      if (with_values) {
        EXPECT_EQ(ke[i + 1], v) << ctx;
      }
      distinct.insert(f);
    }
    if (cmd[2][0] != '-') {
      EXPECT_EQ(distinct.size(), with_values ? ke.size() / 2 : ke.size()) << ctx;
    }
    // A count covering the whole hash returns all of it on both.
    if (cmd[2][0] != '-' && ke.size() >= 1) {
      std::string len = rc_->Run({"HLEN", cmd[1]});
      int64_t n = std::stoll(len.substr(10));
      if (std::stoll(cmd[2]) >= n) {
        EXPECT_EQ(Sorted(ke), Sorted(re)) << ctx;
      }
    }
  }

  // Iterates HSCAN from cursor 0 to the end with cmd's options; the set of pairs seen.
  std::set<std::string> FullScan(Client& c, Cmd cmd) {
    std::set<std::string> seen;
    for (int guard = 0; guard < 100000; ++guard) {
      auto e = Elements(c.Run(cmd));
      if (e.size() != 2) return {"<bad reply>"};
      for (const auto& p : SortedPairs(e[1])) seen.insert(p);
      cmd[2] = e[0].substr(1, e[0].size() - 2);
      if (cmd[2] == "0") break;
    }
    return seen;
  }
};

TEST_P(HashesDiff, SameRepliesAsRedis) {
  for (const Cmd& cmd : GetParam().cmds) Same(cmd, GetParam().name);
}

Cmd HSetMany(const std::string& key, int n, const std::string& prefix = "f", const std::string& value = "v") {
  Cmd c = {"HSET", key};
  for (int i = 0; i < n; ++i) {
    c.push_back(prefix + std::to_string(i));
    c.push_back(value + std::to_string(i));
  }
  return c;
}

std::vector<Case> Cases() {
  const std::string v64(64, 'x'), v65(65, 'x');
  return {
      {"SetGetDel",
       {{"HSET", "h", "a", "1", "b", "2"}, {"HSET", "h", "a", "9", "c", "3"}, {"HGET", "h", "a"}, {"HGET", "h", "zz"},
        {"HGET", "none", "a"}, {"HGETALL", "h"}, {"HKEYS", "h"}, {"HVALS", "h"}, {"HLEN", "h"}, {"HDEL", "h", "a", "a", "zz"},
        {"HGETALL", "h"}, {"HDEL", "none", "a"}, {"HDEL", "h", "b", "c"}, {"EXISTS", "h"}, {"HSET", "h", "", ""},
        {"HGET", "h", ""}, {"HSET", "h", std::string("a\0b", 3), std::string("\r\n\xff", 3)}, {"HGETALL", "h"}}},
      {"ArityAndSyntax",
       {{"HSET", "h", "a"}, {"HSET", "h", "a", "1", "b"}, {"HSET", "h"}, {"HMSET", "h", "a", "1", "b"}, {"HMSET", "h"},
        {"HSETNX", "h", "a"}, {"HGET", "h"}, {"HMGET", "h"}, {"HDEL", "h"}, {"HLEN"}, {"HLEN", "h", "x"},
        {"HSTRLEN", "h"}, {"HEXISTS", "h"}, {"HKEYS"}, {"HVALS", "h", "x"}, {"HGETALL"}, {"HINCRBY", "h", "f"},
        {"HINCRBYFLOAT", "h", "f"}, {"HRANDFIELD"}, {"HSCAN", "h"}, {"EXISTS", "h"}}},
      {"MsetSetNxMgetExistsStrlen",
       {{"HMSET", "h", "a", "hello", "b", ""}, {"HSETNX", "h", "a", "x"}, {"HSETNX", "h", "c", "x"},
        {"HMGET", "h", "a", "zz", "b", "c"}, {"HMGET", "none", "a"}, {"HEXISTS", "h", "a"}, {"HEXISTS", "h", "zz"},
        {"HEXISTS", "none", "a"}, {"HSTRLEN", "h", "a"}, {"HSTRLEN", "h", "b"}, {"HSTRLEN", "h", "zz"},
        {"HSTRLEN", "none", "a"}, {"HSET", "h", "n", "-12345"}, {"HSTRLEN", "h", "n"}, {"HGETALL", "h"}}},
      {"WrongType",
       {{"SET", "s", "v"}, {"HSET", "s", "a", "1"}, {"HSETNX", "s", "a", "1"}, {"HMSET", "s", "a", "1"},
        {"HGET", "s", "a"}, {"HMGET", "s", "a"}, {"HDEL", "s", "a"}, {"HLEN", "s"}, {"HSTRLEN", "s", "a"},
        {"HEXISTS", "s", "a"}, {"HKEYS", "s"}, {"HVALS", "s"}, {"HGETALL", "s"}, {"HINCRBY", "s", "a", "1"},
        {"HINCRBY", "s", "a", "x"}, {"HINCRBYFLOAT", "s", "a", "1"}, {"HINCRBYFLOAT", "s", "a", "inf"},
        {"HRANDFIELD", "s"}, {"HRANDFIELD", "s", "2"}, {"HRANDFIELD", "s", "x"}, {"HSCAN", "s", "0"},
        {"HSCAN", "s", "x"}, {"HSET", "s", "a"}, {"GET", "s"}, {"HSET", "h", "a", "1"}, {"GET", "h"},
        {"INCR", "h"}, {"TYPE", "h"}}},
      {"IncrBy",
       {{"HINCRBY", "h", "n", "5"}, {"HINCRBY", "h", "n", "-7"}, {"HINCRBY", "h", "n", "x"}, {"HINCRBY", "h", "n", ""},
        {"HINCRBY", "h", "n", "1.5"}, {"HINCRBY", "h", "n", "99999999999999999999"},
        {"HSET", "h", "s", "abc", "z", "007", "sp", " 1", "m", "9223372036854775807", "mn", "-9223372036854775808"},
        {"HINCRBY", "h", "s", "1"}, {"HINCRBY", "h", "z", "1"}, {"HINCRBY", "h", "sp", "1"}, {"HINCRBY", "h", "m", "1"},
        {"HINCRBY", "h", "m", "0"}, {"HINCRBY", "h", "mn", "-1"}, {"HINCRBY", "h", "m", "-9223372036854775808"},
        {"HINCRBY", "none", "f", "x"}, {"EXISTS", "none"}, {"HGETALL", "h"}}},
      {"IncrByFloat",
       {{"HINCRBYFLOAT", "h", "f", "10.5"}, {"HINCRBYFLOAT", "h", "f", "0.1"}, {"HINCRBYFLOAT", "h", "f", "-5.6"},
        {"HINCRBYFLOAT", "h", "f", "5.0e3"}, {"HINCRBYFLOAT", "h", "f", "0x10"}, {"HINCRBYFLOAT", "h", "f", "abc"},
        {"HINCRBYFLOAT", "h", "f", "nan"}, {"HINCRBYFLOAT", "h", "f", "inf"}, {"HINCRBYFLOAT", "h", "f", "-inf"},
        {"HINCRBYFLOAT", "h", "f", " 1"}, {"HINCRBYFLOAT", "h", "f", ""},
        {"HSET", "h", "s", "abc", "big", "1e4932", "i", "3"}, {"HINCRBYFLOAT", "h", "s", "1"},
        {"HINCRBYFLOAT", "h", "big", "1e4932"}, {"HINCRBYFLOAT", "h", "i", "1.25"},
        {"HINCRBYFLOAT", "h", "g", "1.23456789012345678901"}, {"HINCRBYFLOAT", "h", "e", "1e70"},
        {"OBJECT", "ENCODING", "h"}, {"HINCRBYFLOAT", "none", "f", "inf"}, {"EXISTS", "none"}, {"HGETALL", "h"}}},
      {"Encodings",
       {HSetMany("big", 128), {"OBJECT", "ENCODING", "big"}, {"HSET", "big", "f0", "x"}, {"OBJECT", "ENCODING", "big"},
        {"HSET", "big", "f128", "v"}, {"OBJECT", "ENCODING", "big"}, {"HDEL", "big", "f1", "f2", "f3"},
        {"OBJECT", "ENCODING", "big"}, {"HLEN", "big"}, {"HGETALL", "big"}, {"HSET", "a", "f", v64},
        {"OBJECT", "ENCODING", "a"}, {"HSET", "a", "f", v65}, {"OBJECT", "ENCODING", "a"}, {"HSET", "b", v65, "1"},
        {"OBJECT", "ENCODING", "b"}, {"HSET", "c", "f", "1"}, {"HSETNX", "c", "f", v65}, {"OBJECT", "ENCODING", "c"},
        {"HSETNX", "c", "g", v65}, {"OBJECT", "ENCODING", "c"}, {"HSET", "d", "f", "1"}, {"HINCRBY", "d", v65, "1"},
        {"OBJECT", "ENCODING", "d"}, {"HSET", "e", "f", "1"}, {"HINCRBYFLOAT", "e", v65, "1"},
        {"OBJECT", "ENCODING", "e"}, {"HSET", "g", "f", "1"}, {"HGET", "g", v65}, {"HDEL", "g", v65},
        {"OBJECT", "ENCODING", "g"}, {"HMSET", "i", "x", "1", "y", v65}, {"OBJECT", "ENCODING", "i"},
        {"HSET", "j", "a", "1", "b", "2", "c", "3"}, {"CONFIG", "SET", "hash-max-listpack-entries", "2"},
        {"HSET", "j", "a", "5"}, {"OBJECT", "ENCODING", "j"}, {"CONFIG", "SET", "hash-max-listpack-entries", "0"},
        {"HSET", "k", "a", "1"}, {"OBJECT", "ENCODING", "k"}, {"CONFIG", "SET", "hash-max-listpack-entries", "128"},
        {"CONFIG", "SET", "hash-max-ziplist-value", "3"}, {"HSET", "l", "abc", "1"}, {"OBJECT", "ENCODING", "l"},
        {"HSET", "l", "abcd", "1"}, {"OBJECT", "ENCODING", "l"}, {"CONFIG", "SET", "hash-max-listpack-value", "64"}}},
      {"KeysOnDifferentEngines",
       {{"HSET", "user:1", "name", "ann"}, {"HSET", "user:2", "name", "bob"}, {"HSET", "user:3", "name", "cy"},
        {"HSET", "{t}x", "f", "1"}, {"HSET", "{t}y", "f", "2"}, {"HGET", "user:1", "name"}, {"HGET", "user:2", "name"},
        {"HGET", "user:3", "name"}, {"COPY", "user:1", "user:9"}, {"HGETALL", "user:9"}, {"RENAME", "user:2", "{t}z"},
        {"HGETALL", "{t}z"}, {"EXISTS", "user:2"}, {"DEL", "user:1", "user:3", "{t}x"}, {"DBSIZE"}, {"TYPE", "{t}y"}}},
      {"TtlIsKept",
       {{"HSET", "h", "a", "1"}, {"EXPIRE", "h", "100"}, {"HSET", "h", "b", "2"}, {"HINCRBY", "h", "n", "1"},
        {"HINCRBYFLOAT", "h", "n", "1.5"}, {"HDEL", "h", "a"}, {"TTL", "h"}, {"HDEL", "h", "b", "n"}, {"TTL", "h"},
        {"HSET", "h", "a", "1"}, {"TTL", "h"}}},
      {"RandField",
       {{"HRANDFIELD", "none"}, {"HRANDFIELD", "none", "3"}, {"HRANDFIELD", "none", "-3", "WITHVALUES"},
        {"HRANDFIELD", "none", "x"}, {"HRANDFIELD", "none", "1", "foo"},
        {"HRANDFIELD", "none", "-4611686018427387904", "WITHVALUES"}, HSetMany("h", 5),
        {"HRANDFIELD", "h"}, {"HRANDFIELD", "h", "0"}, {"HRANDFIELD", "h", "1"}, {"HRANDFIELD", "h", "3"},
        {"HRANDFIELD", "h", "5"}, {"HRANDFIELD", "h", "50"}, {"HRANDFIELD", "h", "50", "WITHVALUES"},
        {"HRANDFIELD", "h", "-3"}, {"HRANDFIELD", "h", "-30", "withvalues"}, {"HRANDFIELD", "h", "1", "WITHVALUES"},
        {"HRANDFIELD", "h", "x"}, {"HRANDFIELD", "h", "1.5"}, {"HRANDFIELD", "h", "1", "foo"},
        {"HRANDFIELD", "h", "1", "WITHVALUES", "x"}, {"HRANDFIELD", "h", "-9223372036854775808"},
        {"HRANDFIELD", "h", "9223372036854775808"}, {"HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"},
        {"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}, HSetMany("big", 300), {"HRANDFIELD", "big"},
        {"HRANDFIELD", "big", "5"}, {"HRANDFIELD", "big", "200", "WITHVALUES"}, {"HRANDFIELD", "big", "299"},
        {"HRANDFIELD", "big", "1000"}, {"HRANDFIELD", "big", "-500", "WITHVALUES"}}},
      {"Scan",
       {{"HSCAN", "none", "0"}, {"HSCAN", "none", "x"}, {"HSCAN", "none", "0", "foo"},
        {"HSET", "h", "apple", "1", "banana", "2", "avocado", "3"}, {"HSCAN", "h", "0"}, {"HSCAN", "h", "7"},
        {"HSCAN", "h", "-1"}, {"HSCAN", "h", "", "COUNT", "1"}, {"HSCAN", "h", "0", "MATCH", "a*"},
        {"HSCAN", "h", "0", "match", "*", "count", "100"}, {"HSCAN", "h", "x"}, {"HSCAN", "h", "1.5"},
        {"HSCAN", "h", "18446744073709551615"}, {"HSCAN", "h", "18446744073709551616"}, {"HSCAN", "h", " 0"},
        {"HSCAN", "h", "0", "COUNT", "0"}, {"HSCAN", "h", "0", "COUNT", "-1"}, {"HSCAN", "h", "0", "COUNT", "x"},
        {"HSCAN", "h", "0", "TYPE", "hash"}, {"HSCAN", "h", "0", "MATCH"}, {"HSCAN", "h", "0", "foo", "bar"},
        HSetMany("big", 1000, "field:"), {"HSCAN", "big", "0"}, {"HSCAN", "big", "0", "COUNT", "7"},
        {"HSCAN", "big", "0", "COUNT", "1000"}, {"HSCAN", "big", "0", "MATCH", "field:1*", "COUNT", "3"},
        {"HSCAN", "big", "0", "MATCH", "nomatch*"}}},
  };
}

INSTANTIATE_TEST_SUITE_P(Hashes, HashesDiff, ::testing::ValuesIn(Cases()), CaseName());

// keyshard's default thresholds must be Redis 7.0's.
TEST_F(HashesDiff, ConfigDefaultsMatchRedis) {
  KeyshardProcess fresh_ks;
  RedisProcess fresh_redis;
  ASSERT_TRUE(fresh_ks.running() && fresh_redis.running());
  Client k(fresh_ks.port()), r(fresh_redis.port());
  for (const char* opt : {"hash-max-listpack-entries", "hash-max-listpack-value"})
    EXPECT_EQ(k.Run({"CONFIG", "GET", opt}), r.Run({"CONFIG", "GET", opt})) << opt;
}

// A long seeded random sequence over a few hashes (some tagged onto one engine, some spread),
// with fields and values that cross the listpack limits and exercise the number parsers.
TEST_F(HashesDiff, RandomSequencesMatchRedis) {
  std::mt19937 rng(20240611);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  const std::vector<std::string> keys = {"{t}a", "{t}b", "c", "d", "str"};
  std::vector<std::string> fields = {"f1", "f2", "f3", "", "n", "x", std::string(65, 'L')};
  for (int i = 0; i < 40; ++i) fields.push_back("g" + std::to_string(i));
  const std::vector<std::string> values = {"", "0", "1", "-1", "abc", "3.5", "9223372036854775807",
                                           "-9223372036854775808", "007", std::string(64, 'v'),
                                           std::string(65, 'w')};
  const std::vector<std::string> ints = {"0", "1", "-1", "100", "x", "1.5", "9223372036854775807"};
  const std::vector<std::string> floats = {"0", "1", "-1.5", "0.1", "1e3", "abc", "inf"};
  const std::vector<std::string> counts = {"0", "1", "2", "5", "-1", "-5", "100", "x"};
  ASSERT_EQ(kc_->Run({"SET", "str", "v"}), rc_->Run({"SET", "str", "v"}));
  for (int step = 0; step < 4000; ++step) {
    std::string k = pick(keys), f = pick(fields);
    Cmd cmd;
    switch (rng() % 18) {
      case 0: cmd = {"HSET", k, f, pick(values)}; break;
      case 1: cmd = {"HSET", k, f, pick(values), pick(fields), pick(values)}; break;
      case 2: cmd = {"HSETNX", k, f, pick(values)}; break;
      case 3: cmd = {"HGET", k, f}; break;
      case 4: cmd = {"HMGET", k, f, pick(fields)}; break;
      case 5: cmd = {"HDEL", k, f, pick(fields)}; break;
      case 6: cmd = {"HLEN", k}; break;
      case 7: cmd = {"HSTRLEN", k, f}; break;
      case 8: cmd = {"HEXISTS", k, f}; break;
      case 9: cmd = {"HGETALL", k}; break;
      case 10: cmd = {pick({"HKEYS", "HVALS"}), k}; break;
      case 11: cmd = {"HINCRBY", k, f, pick(ints)}; break;
      case 12: cmd = {"HINCRBYFLOAT", k, f, pick(floats)}; break;
      case 13: cmd = {"HRANDFIELD", k, pick(counts)}; break;
      case 14: cmd = {"HRANDFIELD", k, pick(counts), "WITHVALUES"}; break;
      case 15: cmd = {"HSCAN", k, "0", "COUNT", pick({"1", "5", "100"})}; break;
      case 16: cmd = {"OBJECT", "ENCODING", k}; break;
      case 17: cmd = {"HMSET", k, f, pick(values)}; break;
    }
    Same(cmd, "step " + std::to_string(step));
    if (HasFailure()) break;  // the first divergence is the informative one
  }
}

}  // namespace
}  // namespace ks::test
