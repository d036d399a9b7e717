// Differential test of the set commands: every sequence runs against keyshard (8 engines) and a
// real redis-server 7.0, and each reply must agree. Keys are plain names, so the sources and
// destinations of SMOVE and the *STORE commands land on different engines. Unordered replies
// are compared as sets; random ones (SRANDMEMBER, SPOP with a count) by size, and sequences
// stay deterministic by popping whole sets or checking only sizes and membership afterwards.
// OBJECT ENCODING is compared after every kind of write.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/support/diff_servers.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

// How a reply is compared: a command's first word may be a marker that is not sent.
//   "~" unordered array, "#" random (type and length only), otherwise exact.
using Case = DiffCase;

// "array of N" for arrays, the reply itself otherwise (errors, nil, integers).
std::string Shape(const std::string& r) {
  if (r.empty()) return r;
  if (r.front() != '[') return r.front() == '"' ? "bulk" : r;
  return "array of " + std::to_string(ArrayItems(r).size());
}

Cmd Range(std::string cmd, std::string key, int from, int to, std::string prefix = "") {
  Cmd c = {std::move(cmd), std::move(key)};
  for (int i = from; i <= to; ++i) c.push_back(prefix + std::to_string(i));
  return c;
}

class SetsDiff : public DiffTest<Case> {
 protected:
  void SetUp() override { Connect({{"CONFIG", "SET", "set-max-intset-entries", "512"}}); }

  void RunCase(const Case& c) {
    for (const Cmd& raw : c.cmds) {
      Cmd cmd = raw;
      std::string mode;
      if (!cmd.empty() && (cmd[0] == "~" || cmd[0] == "#")) {
        mode = cmd[0];
        cmd.erase(cmd.begin());
      }
      auto [k, r] = Both(cmd);
      if (mode == "~") {
        k = SortedArray(k);
        r = SortedArray(r);
      } else if (mode == "#") {
        k = Shape(k);
        r = Shape(r);
      }
      std::string shown;
      for (size_t i = 0; i < cmd.size() && i < 8; ++i) shown += cmd[i] + " ";
      EXPECT_EQ(k, r) << "case " << c.name << ": " << shown;
    }
  }

  // Every member a full SSCAN iteration returns, or the first error.
  static std::set<std::string> SscanAll(Client& c, const std::string& key, const Cmd& opts, std::string* error) {
    std::set<std::string> out;
    std::string cursor = "0";
    for (int calls = 0; calls < 100000; ++calls) {
      Cmd cmd = {"SSCAN", key, cursor};
      cmd.insert(cmd.end(), opts.begin(), opts.end());
      std::string r = c.Run(cmd);
      if (r.rfind("[\"", 0) != 0) {
        *error = r;
        return out;
      }
      size_t q = r.find('"', 2);
      cursor = r.substr(2, q - 2);
      for (auto& item : ArrayItems(r.substr(q + 3, r.size() - q - 4))) out.insert(item);
      if (cursor == "0") break;
    }
    return out;
  }
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"AddRemoveCardMembership",
       {{"SADD", "s", "a", "b", "a", "1"},
        {"SADD", "s", "b", "c"},
        {"SCARD", "s"},
        {"~", "SMEMBERS", "s"},
        {"SISMEMBER", "s", "a"},
        {"SISMEMBER", "s", "zz"},
        {"SISMEMBER", "nope", "a"},
        {"SMISMEMBER", "s", "a", "zz", "1", "c"},
        {"SMISMEMBER", "nope", "a"},
        {"SREM", "s", "a", "zz", "a"},
        {"SREM", "nope", "a"},
        {"SREM", "s", "b", "c", "1"},
        {"EXISTS", "s"},
        {"SCARD", "s"},
        {"SMEMBERS", "nope"},
        {"SADD", "bin", "", " ", "x y", "\xff\x00"},
        {"~", "SMEMBERS", "bin"},
        {"SISMEMBER", "bin", ""},
        {"TYPE", "bin"}}},
      {"ArityErrors",
       {{"SADD", "s"},
        {"SREM", "s"},
        {"SCARD"},
        {"SCARD", "a", "b"},
        {"SISMEMBER", "s"},
        {"SISMEMBER", "s", "a", "b"},
        {"SMISMEMBER", "s"},
        {"SMEMBERS"},
        {"SRANDMEMBER"},
        {"SPOP"},
        {"SMOVE", "a", "b"},
        {"SMOVE", "a", "b", "c", "d"},
        {"SINTER"},
        {"SINTERCARD", "1"},
        {"SINTERSTORE", "d"},
        {"SUNION"},
        {"SUNIONSTORE", "d"},
        {"SDIFF"},
        {"SDIFFSTORE", "d"},
        {"SSCAN", "s"}}},
      {"WrongType",
       {{"SET", "str", "v"},
        {"SADD", "s", "a"},
        {"SADD", "str", "a"},
        {"SREM", "str", "a"},
        {"SCARD", "str"},
        {"SISMEMBER", "str", "a"},
        {"SMISMEMBER", "str", "a"},
        {"SMEMBERS", "str"},
        {"SRANDMEMBER", "str"},
        {"SRANDMEMBER", "str", "3"},
        {"SRANDMEMBER", "str", "0"},
        {"SPOP", "str"},
        {"SPOP", "str", "0"},
        {"SPOP", "str", "-1"},
        {"SMOVE", "str", "s", "a"},
        {"SMOVE", "s", "str", "a"},
        {"SMOVE", "nope", "str", "a"},
        {"SINTER", "s", "str"},
        {"SINTER", "nope", "str"},
        {"SINTERCARD", "2", "nope", "str"},
        {"SINTERSTORE", "d", "s", "str"},
        {"SUNION", "str", "s"},
        {"SUNIONSTORE", "d", "s", "str"},
        {"SDIFF", "s", "str"},
        {"SDIFF", "nope", "str"},
        {"SDIFFSTORE", "d", "s", "str"},
        {"SSCAN", "str", "0"},
        {"SSCAN", "str", "x"},
        {"GET", "str"},
        {"~", "SMEMBERS", "s"},
        {"EXISTS", "d"}}},
      {"Encodings",
       {{"SADD", "i", "1", "-2", "40000", "-3000000000", "9223372036854775807", "-9223372036854775808"},
        {"OBJECT", "ENCODING", "i"},
        {"~", "SMEMBERS", "i"},
        {"SISMEMBER", "i", "65537"},
        {"SREM", "i", "40000", "9223372036854775807"},
        {"OBJECT", "ENCODING", "i"},
        {"SADD", "i", "x"},
        {"OBJECT", "ENCODING", "i"},
        {"SREM", "i", "x"},
        {"OBJECT", "ENCODING", "i"},
        {"SADD", "n1", "01"},
        {"OBJECT", "ENCODING", "n1"},
        {"SADD", "n2", "-0"},
        {"OBJECT", "ENCODING", "n2"},
        {"SADD", "n3", "+1"},
        {"OBJECT", "ENCODING", "n3"},
        {"SADD", "n4", "9223372036854775808"},
        {"OBJECT", "ENCODING", "n4"},
        Range("SADD", "big", 1, 512),
        {"OBJECT", "ENCODING", "big"},
        {"SADD", "big", "512"},
        {"OBJECT", "ENCODING", "big"},
        {"SADD", "big", "513"},
        {"OBJECT", "ENCODING", "big"},
        {"SCARD", "big"},
        {"CONFIG", "SET", "set-max-intset-entries", "3"},
        {"SADD", "small", "1", "2", "3"},
        {"OBJECT", "ENCODING", "small"},
        {"SADD", "small", "4"},
        {"OBJECT", "ENCODING", "small"},
        {"SADD", "small2", "1", "2", "3", "4"},
        {"OBJECT", "ENCODING", "small2"},
        {"CONFIG", "SET", "set-max-intset-entries", "512"}}},
      {"StoreEncodings",
       {{"SADD", "h", "a", "1", "2"},
        {"SADD", "i", "1", "2", "3"},
        {"SINTERSTORE", "d1", "h", "i"},
        {"OBJECT", "ENCODING", "d1"},
        {"SUNIONSTORE", "d2", "h", "i"},
        {"OBJECT", "ENCODING", "d2"},
        {"SDIFFSTORE", "d3", "h", "i"},
        {"OBJECT", "ENCODING", "d3"},
        {"SDIFFSTORE", "d4", "i", "h"},
        {"OBJECT", "ENCODING", "d4"},
        Range("SADD", "big", 1, 600),
        {"OBJECT", "ENCODING", "big"},
        {"SUNIONSTORE", "d5", "big"},
        {"OBJECT", "ENCODING", "d5"},
        {"SINTERSTORE", "d6", "big", "i"},
        {"OBJECT", "ENCODING", "d6"},
        {"SADD", "first", "a", "b", "1", "2", "3", "4", "5", "6"},
        {"SADD", "x", "a"},
        {"SADD", "y", "b"},
        {"SDIFFSTORE", "d7", "first", "x", "y"},
        {"OBJECT", "ENCODING", "d7"},
        {"SDIFFSTORE", "d8", "first", "x", "y", "nope"},
        {"OBJECT", "ENCODING", "d8"},
        {"SADD", "xy", "a", "b"},
        {"SDIFFSTORE", "d9", "first", "xy"},
        {"OBJECT", "ENCODING", "d9"},
        Range("SADD", "r1", 1, 140),
        Range("SADD", "r2", 141, 280),
        {"SDIFFSTORE", "d10", "big", "r1", "r2"},
        {"OBJECT", "ENCODING", "d10"},
        {"SDIFFSTORE", "d11", "big", "r1"},
        {"OBJECT", "ENCODING", "d11"},
        {"SMOVE", "h", "m1", "1"},
        {"OBJECT", "ENCODING", "m1"},
        {"SMOVE", "h", "m2", "a"},
        {"OBJECT", "ENCODING", "m2"},
        {"SMOVE", "m2", "i", "a"},
        {"OBJECT", "ENCODING", "i"}}},
      {"AlgebraAcrossEngines",
       {{"SADD", "a", "1", "2", "3", "x"},
        {"SADD", "b", "2", "3", "4", "x"},
        {"SADD", "c", "3", "x", "y"},
        {"~", "SINTER", "a", "b", "c"},
        {"~", "SINTER", "a"},
        {"~", "SINTER", "a", "a"},
        {"SINTER", "a", "nope"},
        {"SINTER", "nope", "a"},
        {"~", "SUNION", "a", "b", "c", "nope"},
        {"SUNION", "nope"},
        {"~", "SDIFF", "a", "b", "nope"},
        {"~", "SDIFF", "a", "c"},
        {"~", "SDIFF", "c", "a", "b"},
        {"SDIFF", "a", "a"},
        {"SDIFF", "a", "b", "a"},
        {"SDIFF", "nope", "a"},
        {"~", "SDIFF", "a"},
        {"SINTERCARD", "3", "a", "b", "c"},
        {"SINTERCARD", "1", "a"},
        {"SINTERCARD", "2", "a", "b", "LIMIT", "1"},
        {"SINTERCARD", "2", "a", "b", "limit", "0"},
        {"SINTERCARD", "2", "a", "b", "LIMIT", "100"},
        {"SINTERCARD", "2", "a", "nope"},
        {"SINTERCARD", "2", "a", "a"}}},
      {"StoreAcrossEngines",
       {{"SADD", "a", "1", "2", "3", "x"},
        {"SADD", "b", "2", "3", "4", "x"},
        {"SET", "dst", "string"},
        {"EXPIRE", "dst", "1000"},
        {"SINTERSTORE", "dst", "a", "b"},
        {"TTL", "dst"},
        {"~", "SMEMBERS", "dst"},
        {"SUNIONSTORE", "dst", "a", "b"},
        {"~", "SMEMBERS", "dst"},
        {"SDIFFSTORE", "dst", "a", "b"},
        {"~", "SMEMBERS", "dst"},
        {"SINTERSTORE", "a", "a", "b"},
        {"~", "SMEMBERS", "a"},
        {"SUNIONSTORE", "b", "a", "b"},
        {"~", "SMEMBERS", "b"},
        {"SDIFFSTORE", "b", "b", "a"},
        {"~", "SMEMBERS", "b"},
        {"SDIFFSTORE", "b", "b", "b"},
        {"EXISTS", "b"},
        {"SADD", "dst", "keep"},
        {"SINTERSTORE", "dst", "a", "nope"},
        {"EXISTS", "dst"},
        {"SET", "dst", "v"},
        {"SUNIONSTORE", "dst", "nope"},
        {"EXISTS", "dst"},
        {"SET", "dst", "v"},
        {"SDIFFSTORE", "dst", "nope", "a"},
        {"EXISTS", "dst"},
        {"SADD", "c", "1"},
        {"SDIFFSTORE", "dst", "c", "a"},
        {"EXISTS", "dst"}}},
      {"SmoveAcrossEngines",
       {{"SADD", "a", "x", "y", "1"},
        {"SADD", "b", "y"},
        {"SMOVE", "a", "b", "x"},
        {"SMOVE", "a", "b", "y"},
        {"SMOVE", "a", "b", "nope"},
        {"~", "SMEMBERS", "a"},
        {"~", "SMEMBERS", "b"},
        {"SMOVE", "a", "a", "1"},
        {"SMOVE", "a", "a", "2"},
        {"SMOVE", "a", "newkey", "1"},
        {"EXISTS", "a"},
        {"OBJECT", "ENCODING", "newkey"},
        {"SMOVE", "nope", "b", "x"},
        {"EXPIRE", "b", "1000"},
        {"SMOVE", "newkey", "b", "1"},
        {"TTL", "b"},
        {"EXISTS", "newkey"},
        {"~", "SMEMBERS", "b"}}},
      {"SpopAndSrandmember",
       {{"SADD", "s", "a", "b", "c"},
        {"#", "SRANDMEMBER", "s"},
        {"#", "SRANDMEMBER", "s", "2"},
        {"#", "SRANDMEMBER", "s", "-7"},
        {"~", "SRANDMEMBER", "s", "3"},
        {"~", "SRANDMEMBER", "s", "100"},
        {"SRANDMEMBER", "s", "0"},
        {"SRANDMEMBER", "nope"},
        {"SRANDMEMBER", "nope", "5"},
        {"SRANDMEMBER", "nope", "-5"},
        {"SRANDMEMBER", "s", "x"},
        {"SRANDMEMBER", "nope", "x"},
        {"SRANDMEMBER", "s", "-9223372036854775808"},
        {"SRANDMEMBER", "s", "1", "2"},
        {"SCARD", "s"},
        {"SPOP", "s", "0"},
        {"SPOP", "s", "-1"},
        {"SPOP", "s", "x"},
        {"SPOP", "s", "1", "2"},
        {"#", "SPOP", "s", "2"},
        {"SCARD", "s"},
        {"#", "SPOP", "s"},
        {"EXISTS", "s"},
        {"SPOP", "s"},
        {"SPOP", "s", "3"},
        {"SADD", "t", "a", "b", "1"},
        {"~", "SPOP", "t", "3"},
        {"EXISTS", "t"},
        {"SADD", "t", "5"},
        {"SPOP", "t"},
        {"EXISTS", "t"},
        Range("SADD", "big", 1, 600),
        {"EXPIRE", "big", "1000"},
        {"#", "SPOP", "big", "590"},
        {"OBJECT", "ENCODING", "big"},
        {"SCARD", "big"},
        {"TTL", "big"},
        Range("SADD", "big2", 1, 600),
        {"#", "SPOP", "big2", "100"},
        {"OBJECT", "ENCODING", "big2"},
        {"SCARD", "big2"},
        Range("SADD", "h", 1, 50, "m"),
        {"#", "SRANDMEMBER", "h", "10"},
        {"#", "SRANDMEMBER", "h", "40"},
        {"#", "SRANDMEMBER", "h", "-100"},
        {"#", "SPOP", "h", "45"},
        {"SCARD", "h"},
        {"OBJECT", "ENCODING", "h"}}},
      {"SintercardErrors",
       {{"SADD", "s", "a"},
        {"SINTERCARD", "0", "s"},
        {"SINTERCARD", "-1", "s"},
        {"SINTERCARD", "x", "s"},
        {"SINTERCARD", "99999999999999999999", "s"},
        {"SINTERCARD", "3", "s"},
        {"SINTERCARD", "2", "s"},
        {"SINTERCARD", "1", "s", "LIMIT", "-1"},
        {"SINTERCARD", "1", "s", "LIMIT", "x"},
        {"SINTERCARD", "1", "s", "LIMIT"},
        {"SINTERCARD", "1", "s", "FOO"},
        {"SINTERCARD", "1", "s", "LIMIT", "1", "LIMIT", "2"},
        {"SINTERCARD", "1", "s", "s"}}},
      {"SscanOptionsAndErrors",
       {{"SADD", "i", "3", "1", "2", "-10"},
        {"SSCAN", "i", "0"},
        {"SSCAN", "i", "999", "COUNT", "1"},
        {"SSCAN", "i", "0", "MATCH", "-*"},
        {"SSCAN", "i", "0", "match", "*", "count", "100"},
        {"SSCAN", "nope", "0"},
        {"SSCAN", "nope", "0", "BAD"},
        {"SSCAN", "i", "0", "COUNT", "0"},
        {"SSCAN", "i", "0", "COUNT", "-1"},
        {"SSCAN", "i", "0", "COUNT", "x"},
        {"SSCAN", "i", "0", "TYPE", "set"},
        {"SSCAN", "i", "0", "MATCH"},
        {"SSCAN", "i", "x"},
        {"SSCAN", "i", "-1"},
        {"SSCAN", "i", ""},
        {"SSCAN", "i", " 1"},
        {"SSCAN", "i", "18446744073709551616"},
        {"SSCAN", "nope", "x"}}},
  };
  return cases;
}

TEST_P(SetsDiff, RepliesMatchRedis) { RunCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Sets, SetsDiff, ::testing::ValuesIn(Cases()), CaseName());

// A full SSCAN of a hashtable returns the same members on both servers, with and without
// MATCH and COUNT, even though cursors and batches differ.
TEST_F(SetsDiff, SscanFullIterationsAgree) {
  for (Client* c : {kc_.get(), rc_.get()}) {
    c->Run(Range("SADD", "h", 1, 700, "m"));
    c->Run({"SADD", "h", "other", "x y"});
  }
  const std::vector<Cmd> option_sets = {{}, {"COUNT", "1"}, {"COUNT", "7"}, {"COUNT", "1000"},
                                        {"MATCH", "m1*"}, {"MATCH", "m?", "COUNT", "3"}, {"MATCH", "nomatch*"}};
  for (const Cmd& opts : option_sets) {
    std::string kerr, rerr;
    auto km = SscanAll(*kc_, "h", opts, &kerr), rm = SscanAll(*rc_, "h", opts, &rerr);
    std::string shown;
    for (auto& a : opts) shown += a + " ";
    EXPECT_EQ(kerr, rerr) << shown;
    EXPECT_EQ(km, rm) << shown;
  }
}

// A seeded random walk over every deterministic set command, small integer and string members
// and a low set-max-intset-entries, so conversions, empty results and cross-engine stores come
// up often; every reply (unordered ones sorted) and every OBJECT ENCODING must agree.
TEST_F(SetsDiff, RandomSequencesAgree) {
  for (Client* c : {kc_.get(), rc_.get()}) ASSERT_EQ(c->Run({"CONFIG", "SET", "set-max-intset-entries", "6"}), "OK");
  const std::vector<std::string> keys = {"a", "b", "c", "d", "e", "{t}x", "{t}y", "str"};
  const std::vector<std::string> members = {"1", "2", "3", "-4", "70000", "5", "6", "7", "8", "x", "y", "01", ""};
  for (Client* c : {kc_.get(), rc_.get()}) c->Run({"SET", "str", "v"});
  std::mt19937 rng(7);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto some = [&](Cmd c, int min, int max) {
    int n = min + static_cast<int>(rng() % (max - min + 1));
    for (int i = 0; i < n; ++i) c.push_back(pick(keys));
    return c;
  };
  for (int step = 0; step < 3000; ++step) {
    Cmd cmd;
    bool unordered = false;
    switch (rng() % 14) {
      case 0:
      case 1: {
        cmd = {"SADD", pick(keys)};
        for (int i = 1 + rng() % 4; i > 0; --i) cmd.push_back(pick(members));
        break;
      }
      case 2: cmd = {"SREM", pick(keys), pick(members), pick(members)}; break;
      case 3: cmd = {"SMOVE", pick(keys), pick(keys), pick(members)}; break;
      case 4: cmd = some({"SINTERSTORE", pick(keys)}, 1, 3); break;
      case 5: cmd = some({"SUNIONSTORE", pick(keys)}, 1, 3); break;
      case 6: cmd = some({"SDIFFSTORE", pick(keys)}, 1, 4); break;
      case 7: cmd = some({"SINTER"}, 1, 3), unordered = true; break;
      case 8: cmd = some({"SUNION"}, 1, 3), unordered = true; break;
      case 9: cmd = some({"SDIFF"}, 1, 4), unordered = true; break;
      case 10: {
        int n = 1 + rng() % 3;
        cmd = some({"SINTERCARD", std::to_string(n)}, n, n);
        if (rng() % 2) cmd.insert(cmd.end(), {"LIMIT", std::to_string(rng() % 3)});
        break;
      }
      case 11: cmd = {"SMISMEMBER", pick(keys), pick(members), pick(members)}; break;
      case 12: cmd = {"SCARD", pick(keys)}; break;
      default: cmd = {"OBJECT", "ENCODING", pick(keys)}; break;
    }
    auto [k, r] = Both(cmd);
    if (unordered) {
      k = SortedArray(k);
      r = SortedArray(r);
    }
    std::string shown;
    for (auto& a : cmd) shown += a + " ";
    ASSERT_EQ(k, r) << "step " << step << ": " << shown;
  }
  for (const std::string& key : keys) {
    auto [k, r] = Both({"SMEMBERS", key});
    EXPECT_EQ(SortedArray(k), SortedArray(r)) << key;
  }
}

// Random elements are members, and SPOP removes exactly what it returns: checked on keyshard
// against the membership both servers agree on.
TEST_F(SetsDiff, PoppedMembersLeaveTheSet) {
  for (Client* c : {kc_.get(), rc_.get()}) c->Run(Range("SADD", "h", 1, 100, "m"));
  auto popped = ArrayItems(kc_->Run({"SPOP", "h", "30"}));
  ASSERT_EQ(popped.size(), 30u);
  for (auto& q : popped) {
    std::string m = q.substr(1, q.size() - 2);
    EXPECT_EQ(kc_->Run({"SISMEMBER", "h", m}), "(integer) 0") << m;
    EXPECT_EQ(rc_->Run({"SISMEMBER", "h", m}), "(integer) 1") << m;
    rc_->Run({"SREM", "h", m});
  }
  auto [k, r] = Both({"SMEMBERS", "h"});
  EXPECT_EQ(SortedArray(k), SortedArray(r));
}

}  // namespace
}  // namespace ks::test
