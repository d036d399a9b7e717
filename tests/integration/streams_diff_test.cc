// Differential test of the stream family: every sequence runs against keyshard and a real
// redis-server 7.0, reply by reply. IDs are explicit wherever an automatic ID (the server's
// clock) would differ; the shape of automatic IDs is checked on keyshard alone. Replies that
// carry idle times or delivery times taken from the clock (XPENDING's extended form, XINFO
// CONSUMERS, XINFO STREAM FULL after a read) are compared with those numbers masked. Plain
// keys land on different engines, so XREAD over several streams crosses engines.
#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

using Case = DiffCase;

class StreamsDiff : public DiffTest<Case> {
 protected:
  // Compares cmd's replies; commands whose replies hold clock readings compare with every
  // integer masked.
  void Compare(const Cmd& cmd, const std::string& context) {
    auto [k, r] = Both(cmd);
    std::string name = cmd[0];
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool clocky = (name == "XPENDING" && cmd.size() > 3) || (name == "XINFO" && cmd.size() > 1 &&
                                                              (cmd[1] == "CONSUMERS" || cmd[1] == "STREAM"));
    if (clocky) {
      static const std::regex num("\\(integer\\) [0-9]+");
      k = std::regex_replace(k, num, "(integer) N");
      r = std::regex_replace(r, num, "(integer) N");
    }
    EXPECT_EQ(k, r) << context << ": " << Shown(cmd);
  }
};

TEST_P(StreamsDiff, SameRepliesAsRedis) {
  for (const Cmd& cmd : GetParam().cmds) Compare(cmd, GetParam().name);
}

std::vector<Case> Cases() {
  const std::string max = "18446744073709551615-18446744073709551615";
  return {
      {"AddAndRange",
       {{"XADD", "s", "1-1", "a", "1", "b", "2"}, {"XADD", "s", "1-2", "a", "3", "b", "4"}, {"XADD", "s", "1-*", "a", "5"},
        {"XADD", "s", "2", "c", "7"}, {"XADD", "s", "3-0", "a", "1", "b", "2"}, {"XADD", "s", "3-1", "x", "-12", "y", "9999999999"},
        {"XLEN", "s"}, {"XRANGE", "s", "-", "+"}, {"XRANGE", "s", "-", "+", "COUNT", "2"},
        {"XRANGE", "s", "-", "+", "COUNT", "0"}, {"XRANGE", "s", "-", "+", "COUNT", "-1"}, {"XRANGE", "s", "(1-1", "+"},
        {"XRANGE", "s", "-", "(2-0"}, {"XRANGE", "s", "1", "1"}, {"XRANGE", "s", "2", "1"}, {"XREVRANGE", "s", "+", "-"},
        {"XREVRANGE", "s", "+", "-", "COUNT", "1"}, {"XREVRANGE", "s", "(3", "-"}, {"XRANGE", "none", "-", "+"},
        {"XLEN", "none"}, {"TYPE", "s"}, {"OBJECT", "ENCODING", "s"}, {"XINFO", "STREAM", "s"}}},
      {"AddErrors",
       {{"XADD", "s", "1-1", "a", "1"}, {"XADD", "s", "1-1", "a", "1"}, {"XADD", "s", "0-0", "a", "1"},
        {"XADD", "s", "0", "a", "1"}, {"XADD", "s2", "0-0", "a", "1"}, {"XADD", "s2", "0-1", "a"},
        {"XADD", "s2", "0-1"}, {"XADD", "s2", "NOMKSTREAM", "5-1", "a", "1"}, {"EXISTS", "s2"},
        {"XADD", "s", "MAXLEN", "-1", "5-1", "a", "1"}, {"XADD", "s", "MAXLEN", "abc", "5-1", "a", "1"},
        {"XADD", "s", "LIMIT", "5", "5-1", "a", "1"}, {"XADD", "s", "MAXLEN", "5", "LIMIT", "5", "5-1", "a", "1"},
        {"XADD", "s", "MAXLEN", "5", "MINID", "1", "5-1", "a", "1"}, {"XADD", "s", "MINID", "-", "5-1", "a", "1"},
        {"XADD", "s", "bad-id", "a", "1"}, {"XADD", "s", "1-2-3", "a", "1"}, {"XADD", "s", "-1", "a", "1"},
        {"XADD", "s", max, "a", "1"}, {"XADD", "s", "5-1", "a", "1"}, {"XADD", "s", "LIMIT", "-1", "6-1", "a", "1"},
        {"XADD", "s", "MAXLEN", "~", "-1", "6-1", "a", "1"}, {"XADD", "s"}, {"XADD", "s", "6-1"}, {"XLEN", "s"},
        {"XADD", "m", "18446744073709551615-*", "a", "1"}, {"XADD", "m", "18446744073709551615-*", "a", "1"}}},
      {"RangeErrors",
       {{"XADD", "s", "1-1", "a", "1"}, {"XRANGE", "s", "(" + max, "+"}, {"XRANGE", "s", "-", "(0-0"},
        {"XRANGE", "s", "(-", "+"}, {"XRANGE", "s", "-", "(+"}, {"XRANGE", "s", "x", "+"}, {"XRANGE", "s", "-", "+", "foo"},
        {"XRANGE", "s", "-", "+", "COUNT"}, {"XRANGE", "s", "-", "+", "COUNT", "x"}, {"XREVRANGE", "s", "-", "+"},
        {"XRANGE", "s"}, {"XRANGE", "none", "x", "+"}}},
      {"DelAndTrim",
       {{"XADD", "s", "1-1", "a", "1"}, {"XADD", "s", "2-1", "a", "2"}, {"XADD", "s", "3-1", "a", "3"},
        {"XADD", "s", "4-1", "a", "4"}, {"XADD", "s", "5-1", "a", "5"}, {"XDEL", "s", "2-1", "9-9", "2-1"},
        {"XDEL", "s", "bad"}, {"XDEL", "none", "bad"}, {"XRANGE", "s", "-", "+"}, {"XINFO", "STREAM", "s"},
        {"XDEL", "s", "1-1"}, {"XINFO", "STREAM", "s"}, {"XTRIM", "s", "MAXLEN", "2"}, {"XRANGE", "s", "-", "+"},
        {"XTRIM", "s"}, {"XTRIM", "s", "foo", "1"}, {"XTRIM", "s", "MAXLEN", "~", "1", "LIMIT", "0"},
        {"XTRIM", "s", "MAXLEN", "=", "1"}, {"XTRIM", "s", "MINID", "9"}, {"XTRIM", "none", "MAXLEN", "1"},
        {"XTRIM", "s", "MAXLEN", "1", "LIMIT", "1"}, {"XLEN", "s"}, {"EXISTS", "s"}, {"XINFO", "STREAM", "s"},
        {"XADD", "e", "MAXLEN", "0", "1-1", "f", "v"}, {"EXISTS", "e"}, {"XINFO", "STREAM", "e"},
        {"XDEL", "s", "5-1"}, {"XLEN", "s"}, {"EXISTS", "s"}}},
      {"WrongType",
       {{"SET", "str", "x"}, {"XADD", "str", "1-1", "a", "1"}, {"XLEN", "str"}, {"XRANGE", "str", "-", "+"},
        {"XREVRANGE", "str", "+", "-"}, {"XDEL", "str", "1-1"}, {"XTRIM", "str", "MAXLEN", "1"},
        {"XREAD", "STREAMS", "str", "0"}, {"XGROUP", "CREATE", "str", "g", "$"}, {"XINFO", "STREAM", "str"},
        {"XACK", "str", "g", "1-1"}, {"XPENDING", "str", "g"}, {"XSETID", "str", "1-1"},
        {"XADD", "s", "1-1", "a", "1"}, {"GET", "s"}, {"LPUSH", "s", "x"}}},
      {"ReadAcrossEngines",
       {{"XADD", "a", "1-1", "f", "a1"}, {"XADD", "b", "2-1", "f", "b1"}, {"XADD", "c", "3-1", "f", "c1"},
        {"XREAD", "STREAMS", "a", "b", "c", "0", "0", "0"}, {"XREAD", "COUNT", "1", "STREAMS", "a", "b", "c", "0", "2-1", "0"},
        {"XREAD", "STREAMS", "a", "b", "$", "0"}, {"XREAD", "STREAMS", "a", "none", "0", "0"},
        {"XREAD", "STREAMS", "a", "b"}, {"XREAD", "STREAMS", "a", "b", "0"}, {"XREAD", "STREAMS", "a", ">"},
        {"XREAD", "GROUP", "g", "c", "STREAMS", "a", "0"}, {"XREAD", "NOACK", "STREAMS", "a", "0"},
        {"XREAD", "COUNT", "x", "STREAMS", "a", "0"}, {"XREAD", "BLOCK", "x", "STREAMS", "a", "0"},
        {"XREAD", "BLOCK", "-1", "STREAMS", "a", "0"}, {"XREAD", "a", "0"}, {"XREAD", "FOO", "STREAMS", "a", "0"},
        {"XREAD", "BLOCK", "10", "STREAMS", "a", "0"}, {"XREAD", "BLOCK", "10", "STREAMS", "a", "$"}}},
      {"Groups",
       {{"XGROUP", "CREATE", "g1", "grp", "$"}, {"XGROUP", "CREATE", "g1", "grp", "$", "MKSTREAM"},
        {"XGROUP", "CREATE", "g1", "grp", "$", "MKSTREAM"}, {"XGROUP", "CREATE", "g1", "grp2", "0", "ENTRIESREAD", "-5"},
        {"XGROUP", "CREATE", "g1", "grp2", "0", "ENTRIESREAD", "3", "foo"}, {"XGROUP", "CREATE", "g1", "grp3", "bad"},
        {"XINFO", "GROUPS", "g1"}, {"XADD", "g1", "1-1", "f", "v"}, {"XADD", "g1", "2-1", "f", "v"},
        {"XADD", "g1", "3-1", "f", "v", "g", "h"}, {"XADD", "g1", "4-1", "f", "v"}, {"XINFO", "GROUPS", "g1"},
        {"XREADGROUP", "GROUP", "grp", "alice", "COUNT", "2", "STREAMS", "g1", ">"},
        {"XREADGROUP", "GROUP", "grp", "bob", "STREAMS", "g1", ">"}, {"XREADGROUP", "GROUP", "grp", "bob", "STREAMS", "g1", ">"},
        {"XREADGROUP", "GROUP", "grp", "alice", "STREAMS", "g1", "0"},
        {"XREADGROUP", "GROUP", "nogrp", "alice", "STREAMS", "g1", ">"},
        {"XREADGROUP", "GROUP", "grp", "alice", "STREAMS", "none", ">"},
        {"XREADGROUP", "GROUP", "grp", "alice", "STREAMS", "g1", "$"},
        {"XREADGROUP", "GROUP", "grp", "alice", "STREAMS", "g1"}, {"XREADGROUP", "STREAMS", "g1", ">"},
        {"XPENDING", "g1", "grp"}, {"XPENDING", "g1", "nogrp"}, {"XPENDING", "g1", "grp", "-", "+", "10", "bob"},
        {"XPENDING", "g1", "grp", "-", "+", "10", "carol"}, {"XPENDING", "g1", "grp", "IDLE", "0", "-", "+", "10"},
        {"XPENDING", "g1", "grp", "-", "+"}, {"XPENDING", "g1", "grp", "IDLE", "5", "-", "+"},
        {"XPENDING", "g1", "grp", "-", "+", "abc"}, {"XPENDING", "g1", "grp", "(" + max, "+", "1"},
        {"XINFO", "GROUPS", "g1"}, {"XINFO", "CONSUMERS", "g1", "grp"}, {"XINFO", "CONSUMERS", "g1", "nogrp"},
        {"XACK", "g1", "grp", "1-1", "9-9"}, {"XACK", "g1", "grp", "bad"}, {"XACK", "g1", "nogrp", "bad"},
        {"XPENDING", "g1", "grp"}, {"XDEL", "g1", "2-1"}, {"XREADGROUP", "GROUP", "grp", "alice", "STREAMS", "g1", "0"},
        {"XREADGROUP", "GROUP", "grp", "alice", "NOACK", "STREAMS", "g1", ">"}, {"XINFO", "GROUPS", "g1"},
        {"XGROUP", "SETID", "g1", "grp", "0"}, {"XGROUP", "SETID", "g1", "grp", "0", "ENTRIESREAD", "1"},
        {"XGROUP", "SETID", "g1", "grp", "$", "ENTRIESREAD", "-2"}, {"XGROUP", "SETID", "g1", "nogrp", "0"},
        {"XGROUP", "SETID", "none", "grp", "0"}, {"XGROUP", "SETID", "g1", "grp", "0", "foo", "1"},
        {"XGROUP", "SETID", "g1", "nogrp", "0", "ENTRIESREAD", "x"}, {"XINFO", "GROUPS", "g1"},
        {"XGROUP", "CREATECONSUMER", "g1", "grp", "zed"}, {"XGROUP", "CREATECONSUMER", "g1", "grp", "zed"},
        {"XGROUP", "CREATECONSUMER", "none", "grp", "zed"}, {"XGROUP", "DELCONSUMER", "g1", "grp", "bob"},
        {"XGROUP", "DELCONSUMER", "g1", "grp", "nobody"}, {"XPENDING", "g1", "grp"}, {"XINFO", "GROUPS", "g1"},
        {"XGROUP", "DESTROY", "g1", "grp2"}, {"XGROUP", "DESTROY", "g1", "grp"}, {"XGROUP", "DESTROY", "g1", "nope"},
        {"XGROUP", "FOO"}, {"XGROUP", "HELP"}, {"XINFO", "HELP"}, {"XGROUP", "CREATE"}, {"XINFO", "FOO", "g1"},
        {"XINFO", "STREAM", "g1", "FOO"}, {"XINFO", "STREAM", "none"}, {"XINFO", "GROUPS", "none"}}},
      {"ClaimAndAutoclaim",
       {{"XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"}, {"XADD", "s", "1-1", "f", "1"}, {"XADD", "s", "2-1", "f", "2"},
        {"XADD", "s", "3-1", "f", "3"}, {"XADD", "s", "4-1", "f", "4"},
        {"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"}, {"XDEL", "s", "2-1"},
        {"XCLAIM", "s", "g", "carol", "0", "2-1", "3-1", "JUSTID"}, {"XPENDING", "s", "g"},
        {"XCLAIM", "s", "g", "carol", "0", "3-1", "TIME", "12345", "RETRYCOUNT", "7"},
        {"XPENDING", "s", "g", "-", "+", "10"}, {"XCLAIM", "s", "g", "carol", "0", "3-1", "foo"},
        {"XCLAIM", "s", "g", "carol", "abc", "3-1"}, {"XCLAIM", "s", "g", "carol", "0", "3-1", "IDLE", "abc"},
        {"XCLAIM", "s", "g", "carol", "0", "3-1", "TIME", "x"}, {"XCLAIM", "s", "g", "carol", "0", "3-1", "RETRYCOUNT", "x"},
        {"XCLAIM", "s", "g", "carol", "0", "3-1", "LASTID", "x"}, {"XCLAIM", "s", "nog", "carol", "0", "3-1"},
        {"XCLAIM", "s", "g", "dave", "0", "4-1", "FORCE", "JUSTID", "LASTID", "10-1"},
        {"XCLAIM", "s", "g", "dave", "100000000", "1-1"}, {"XINFO", "GROUPS", "s"}, {"XADD", "s", "5-1", "x", "y"},
        {"XCLAIM", "s", "g", "erin", "0", "5-1", "FORCE", "TIME", "1000", "RETRYCOUNT", "3"},
        {"XPENDING", "s", "g", "-", "+", "10"}, {"XAUTOCLAIM", "s", "g", "erin", "0", "0", "COUNT", "1"},
        {"XAUTOCLAIM", "s", "g", "erin", "0", "0"}, {"XAUTOCLAIM", "s", "g", "erin", "0", "0", "COUNT", "0"},
        {"XAUTOCLAIM", "s", "g", "erin", "0", "0", "JUSTID", "foo"}, {"XAUTOCLAIM", "s", "nog", "erin", "0", "0"},
        {"XAUTOCLAIM", "s", "g", "erin", "x", "0"}, {"XAUTOCLAIM", "s", "g", "erin", "0", "(" + max},
        {"XAUTOCLAIM", "s", "g", "frank", "0", "(1-1", "JUSTID"}, {"XDEL", "s", "4-1"},
        {"XAUTOCLAIM", "s", "g", "frank", "0", "0", "JUSTID"}, {"XPENDING", "s", "g"}, {"XINFO", "GROUPS", "s"}}},
      {"SetId",
       {{"XADD", "s", "1-1", "a", "1"}, {"XADD", "s", "2-1", "a", "1"}, {"XDEL", "s", "2-1"}, {"XSETID", "s", "1-1"},
        {"XSETID", "s", "100-1"}, {"XADD", "s", "50-1", "a", "1"}, {"XSETID", "none", "1-1"},
        {"XSETID", "s", "200-1", "ENTRIESADDED", "0"}, {"XSETID", "s", "200-1", "MAXDELETEDID", "300-0"},
        {"XSETID", "s", "200-1", "ENTRIESADDED", "10", "MAXDELETEDID", "3-0"}, {"XSETID", "s", "200-1", "ENTRIESADDED", "-1"},
        {"XSETID", "s", "200-1", "FOO"}, {"XSETID", "s", "x"}, {"XINFO", "STREAM", "s"}}},
      {"KeyspaceCommands",
       {{"XADD", "big", "1-1", "a", "1"}, {"TYPE", "big"}, {"OBJECT", "ENCODING", "big"}, {"COPY", "big", "big2"},
        {"XRANGE", "big2", "-", "+"}, {"RENAME", "big2", "big3"}, {"XRANGE", "big3", "-", "+"}, {"EXPIRE", "big3", "100"},
        {"TTL", "big3"}, {"DEL", "big3"}, {"EXISTS", "big3"}, {"XGROUP", "CREATE", "big", "g", "0"},
        {"COPY", "big", "{big}x"}, {"XINFO", "GROUPS", "{big}x"}, {"MOVE", "big", "1"}, {"SELECT", "1"},
        {"XINFO", "GROUPS", "big"}}},
  };
}

INSTANTIATE_TEST_SUITE_P(Corpus, StreamsDiff, ::testing::ValuesIn(Cases()), CaseName());

// Many entries with small nodes: node boundaries, SAMEFIELDS and differing fields, deletion
// inside nodes, trimming across them and XINFO's radix-tree figures must all agree.
class StreamsNodesDiff : public DiffTest<int> {
 protected:
  void SetUp() override {
    Connect({{"CONFIG", "SET", "stream-node-max-entries", "7"}, {"CONFIG", "SET", "stream-node-max-bytes", "300"}});
  }
};

TEST_P(StreamsNodesDiff, RandomSequenceMatchesRedis) {
  std::mt19937_64 rng(static_cast<uint64_t>(GetParam()));
  auto pick = [&](std::vector<std::string> v) { return v[rng() % v.size()]; };
  const std::vector<std::string> keys = {"a", "b", "c", "{a}d"};
  uint64_t ms = 1;
  for (int step = 0; step < 600; ++step) {
    std::string k = pick(keys);
    Cmd cmd;
    switch (rng() % 14) {
      case 0:
      case 1:
      case 2:
      case 3: {
        ms += rng() % 3;
        cmd = {"XADD", k, std::to_string(ms) + "-" + pick({"*", "5", "*"})};
        int n = 1 + static_cast<int>(rng() % 3);
        bool same = rng() % 3 != 0;
        for (int i = 0; i < n; ++i) {
          cmd.push_back(same ? "f" + std::to_string(i) : pick({"x", "y", "123", "-7"}));
          cmd.push_back(pick({"v", "1", "-300", "99999999999", std::string(40, 'z'), ""}));
        }
        break;
      }
      case 4: cmd = {"XDEL", k, std::to_string(1 + rng() % ms) + "-" + pick({"0", "1", "5"})}; break;
      case 5: cmd = {"XTRIM", k, "MAXLEN", pick({"=", "~"}), std::to_string(rng() % 30)}; break;
      case 6: cmd = {"XTRIM", k, "MINID", pick({"=", "~"}), std::to_string(rng() % (ms + 1))}; break;
      case 7: cmd = {"XRANGE", k, std::to_string(rng() % (ms + 1)), "+", "COUNT", std::to_string(rng() % 12)}; break;
      case 8: cmd = {"XREVRANGE", k, "+", "-", "COUNT", std::to_string(1 + rng() % 12)}; break;
      case 9: cmd = {"XINFO", "STREAM", k}; break;
      case 10: cmd = {"XLEN", k}; break;
      case 11: cmd = {"XREAD", "COUNT", "5", "STREAMS", k, pick(keys), std::to_string(rng() % (ms + 1)), "0"}; break;
      case 12: cmd = {"XADD", k, "MAXLEN", pick({"~", "="}), std::to_string(rng() % 40), std::to_string(++ms) + "-0", "f0", "v"}; break;
      case 13: cmd = {"XRANGE", k, "-", "+"}; break;
    }
    if (cmd[0] == "XREAD" && cmd[4] == cmd[5]) cmd.erase(cmd.begin() + 5), cmd.erase(cmd.begin() + 6);
    auto [kr, rr] = Both(cmd);
    EXPECT_EQ(kr, rr) << "step " << step << ": " << Shown(cmd);
    if (HasFailure()) break;  // the first divergence is the informative one
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, StreamsNodesDiff, ::testing::Values(1, 2, 3));

}  // namespace
}  // namespace ks::test
