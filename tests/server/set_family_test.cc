// Set family through the real dispatcher, keys spread over 8 engines. Replies, error texts and
// OBJECT ENCODING results were checked against redis-server 7.0.15; sets_diff_test.cc compares
// the two servers directly.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "routing/slots.h"
#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "tests/support/direct_client.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

const std::string kWrongType = Err(err::kWrongType);

class SetFamily : public ::testing::Test {
 protected:
  TestServer srv;
  DirectClient c{srv};

  int EngineOf(std::string_view key) { return srv.state.shards().slots().EngineOf(KeySlot(key)); }
  std::string Encoding(std::string_view key) { return c.Run({"OBJECT", "ENCODING", key}); }

  std::vector<std::string> Members(std::string_view key) { return SortedQuotedStrings(c.Run({"SMEMBERS", key})); }
  static std::vector<std::string> Seq(int from, int to, std::string prefix = "") {
    std::vector<std::string> v;
    for (int i = from; i <= to; ++i) v.push_back(prefix + std::to_string(i));
    std::sort(v.begin(), v.end());
    return v;
  }
  void AddRange(std::string_view key, int from, int to, std::string prefix = "") {
    std::vector<std::string> cmd = {"SADD", std::string(key)};
    for (int i = from; i <= to; ++i) cmd.push_back(prefix + std::to_string(i));
    c.Run(cmd);
  }
  void PlantString(std::string_view key) { ASSERT_EQ(c.Run({"SET", key, "v"}), "OK"); }
  // Two keys on different engines, so multi-key commands cross engines.
  void ExpectDifferentEngines(std::string_view a, std::string_view b) { ASSERT_NE(EngineOf(a), EngineOf(b)); }
};

// ---- SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS ----

TEST_F(SetFamily, SaddCountsOnlyNewMembers) {
  EXPECT_EQ(c.Run({"SADD", "s", "a", "b", "a"}), "(integer) 2");
  EXPECT_EQ(c.Run({"SADD", "s", "b", "c"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SCARD", "s"}), "(integer) 3");
  EXPECT_EQ(Members("s"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(c.Run({"TYPE", "s"}), "set");
}

TEST_F(SetFamily, MembershipQueries) {
  c.Run({"SADD", "s", "a", "1"});
  EXPECT_EQ(c.Run({"SISMEMBER", "s", "a"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SISMEMBER", "s", "z"}), "(integer) 0");
  EXPECT_EQ(c.Run({"SISMEMBER", "missing", "a"}), "(integer) 0");
  EXPECT_EQ(c.Run({"SMISMEMBER", "s", "a", "z", "1"}), "[(integer) 1, (integer) 0, (integer) 1]");
  EXPECT_EQ(c.Run({"SMISMEMBER", "missing", "a", "b"}), "[(integer) 0, (integer) 0]");
  EXPECT_EQ(c.Run({"SCARD", "missing"}), "(integer) 0");
  EXPECT_EQ(c.Run({"SMEMBERS", "missing"}), "[]");
}

TEST_F(SetFamily, SremDeletesTheKeyWhenItEmpties) {
  c.Run({"SADD", "s", "a", "b", "1"});
  EXPECT_EQ(c.Run({"SREM", "s", "a", "zz"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SREM", "s", "b", "1", "b"}), "(integer) 2");
  EXPECT_EQ(c.Run({"EXISTS", "s"}), "(integer) 0");
  EXPECT_EQ(c.Run({"SREM", "s", "a"}), "(integer) 0");
  c.Run({"SADD", "i", "1", "2"});
  EXPECT_EQ(c.Run({"SREM", "i", "1", "2"}), "(integer) 2");
  EXPECT_EQ(c.Run({"EXISTS", "i"}), "(integer) 0");
}

TEST_F(SetFamily, EveryCommandRefusesAnotherType) {
  PlantString("str");
  c.Run({"SADD", "s", "a"});
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SCARD", "str"}, {"SISMEMBER", "str", "a"},
           {"SMISMEMBER", "str", "a"}, {"SMEMBERS", "str"}, {"SRANDMEMBER", "str"}, {"SRANDMEMBER", "str", "2"},
           {"SPOP", "str"}, {"SPOP", "str", "0"}, {"SMOVE", "str", "s", "a"}, {"SMOVE", "s", "str", "a"},
           {"SINTER", "s", "str"}, {"SINTER", "missing", "str"}, {"SINTERCARD", "2", "missing", "str"},
           {"SINTERSTORE", "d", "s", "str"}, {"SUNION", "s", "str"}, {"SUNIONSTORE", "d", "str"},
           {"SDIFF", "s", "str"}, {"SDIFF", "missing", "str"}, {"SDIFFSTORE", "d", "s", "str"}, {"SSCAN", "str", "0"}}) {
    EXPECT_EQ(c.Run(cmd), kWrongType) << cmd[0];
  }
  EXPECT_EQ(c.Run({"GET", "str"}), "\"v\"");
  EXPECT_EQ(Members("s"), std::vector<std::string>{"a"});
  // A missing source makes SMOVE answer 0 before the destination's type is looked at.
  EXPECT_EQ(c.Run({"SMOVE", "missing", "str", "a"}), "(integer) 0");
}

TEST_F(SetFamily, ArityErrorsNameTheCommand) {
  EXPECT_EQ(c.Run({"SADD", "s"}), Err(err::WrongArgs("sadd")));
  EXPECT_EQ(c.Run({"SCARD"}), Err(err::WrongArgs("scard")));
  EXPECT_EQ(c.Run({"SISMEMBER", "s", "a", "b"}), Err(err::WrongArgs("sismember")));
  EXPECT_EQ(c.Run({"SMOVE", "a", "b"}), Err(err::WrongArgs("smove")));
  EXPECT_EQ(c.Run({"SINTERCARD", "1"}), Err(err::WrongArgs("sintercard")));
  EXPECT_EQ(c.Run({"SINTERSTORE", "d"}), Err(err::WrongArgs("sinterstore")));
  EXPECT_EQ(c.Run({"SSCAN", "s"}), Err(err::WrongArgs("sscan")));
}

// ---- Encodings ----

TEST_F(SetFamily, IntegerSetsAreIntsetsUntilANonIntegerArrives) {
  c.Run({"SADD", "s", "1", "-2", "300000", "9223372036854775807"});
  EXPECT_EQ(Encoding("s"), "\"intset\"");
  c.Run({"SADD", "s", "x"});
  EXPECT_EQ(Encoding("s"), "\"hashtable\"");
  c.Run({"SREM", "s", "x"});
  EXPECT_EQ(Encoding("s"), "\"hashtable\"");
  c.Run({"SADD", "t", "007"});  // not canonical: a string
  EXPECT_EQ(Encoding("t"), "\"hashtable\"");
}

TEST_F(SetFamily, IntsetConvertsPastSetMaxIntsetEntries) {
  AddRange("s", 1, 512);
  EXPECT_EQ(Encoding("s"), "\"intset\"");
  c.Run({"SADD", "s", "513"});
  EXPECT_EQ(Encoding("s"), "\"hashtable\"");
  EXPECT_EQ(c.Run({"CONFIG", "SET", "set-max-intset-entries", "3"}), "OK");
  c.Run({"SADD", "t", "1", "2", "3"});
  EXPECT_EQ(Encoding("t"), "\"intset\"");
  c.Run({"SADD", "t", "4"});
  EXPECT_EQ(Encoding("t"), "\"hashtable\"");
}

TEST_F(SetFamily, StoredResultsAreIntsetsOnlyIfAllIntegersAndSmall) {
  c.Run({"SADD", "h", "a", "1", "2"});
  c.Run({"SADD", "i", "1", "2", "3"});
  EXPECT_EQ(c.Run({"SINTERSTORE", "d1", "h", "i"}), "(integer) 2");
  EXPECT_EQ(Encoding("d1"), "\"intset\"");
  EXPECT_EQ(c.Run({"SUNIONSTORE", "d2", "h", "i"}), "(integer) 4");
  EXPECT_EQ(Encoding("d2"), "\"hashtable\"");
  EXPECT_EQ(c.Run({"SDIFFSTORE", "d3", "h", "i"}), "(integer) 1");
  EXPECT_EQ(Encoding("d3"), "\"hashtable\"");
  EXPECT_EQ(c.Run({"SDIFFSTORE", "d4", "i", "h"}), "(integer) 1");
  EXPECT_EQ(Encoding("d4"), "\"intset\"");
  // A hashtable only because of its size gives an intset result when the result is small.
  AddRange("big", 1, 600);
  EXPECT_EQ(c.Run({"SUNIONSTORE", "d5", "big"}), "(integer) 600");
  EXPECT_EQ(Encoding("d5"), "\"hashtable\"");
  EXPECT_EQ(c.Run({"SINTERSTORE", "d6", "big", "i"}), "(integer) 3");
  EXPECT_EQ(Encoding("d6"), "\"intset\"");
}

// Redis's second SDIFF algorithm (chosen when the others are small against the first) copies
// the first set before removing, so non-integers removed later still leave a hashtable.
TEST_F(SetFamily, SdiffstoreEncodingFollowsRedisAlgorithmChoice) {
  c.Run({"SADD", "first", "a", "b", "1", "2", "3", "4", "5", "6"});
  c.Run({"SADD", "x", "a"});
  c.Run({"SADD", "y", "b"});
  EXPECT_EQ(c.Run({"SDIFFSTORE", "d", "first", "x", "y"}), "(integer) 6");
  EXPECT_EQ(Encoding("d"), "\"hashtable\"");
  // Two sets: always algorithm 1, which adds only the survivors.
  c.Run({"SADD", "xy", "a", "b"});
  EXPECT_EQ(c.Run({"SDIFFSTORE", "d", "first", "xy"}), "(integer) 6");
  EXPECT_EQ(Encoding("d"), "\"intset\"");
  // 600 integers minus two small sets: algorithm 2 passes through a 600-member hashtable.
  AddRange("big", 1, 600);
  AddRange("r1", 1, 140);
  AddRange("r2", 141, 280);
  EXPECT_EQ(c.Run({"SDIFFSTORE", "d", "big", "r1", "r2"}), "(integer) 320");
  EXPECT_EQ(Encoding("d"), "\"hashtable\"");
  EXPECT_EQ(c.Run({"SDIFFSTORE", "d", "big", "r1"}), "(integer) 460");
  EXPECT_EQ(Encoding("d"), "\"intset\"");
}

TEST_F(SetFamily, SmoveCreatesDestinationWithTheMembersEncoding) {
  c.Run({"SADD", "src", "1", "a"});
  EXPECT_EQ(c.Run({"SMOVE", "src", "ints", "1"}), "(integer) 1");
  EXPECT_EQ(Encoding("ints"), "\"intset\"");
  EXPECT_EQ(c.Run({"SMOVE", "src", "strs", "a"}), "(integer) 1");
  EXPECT_EQ(Encoding("strs"), "\"hashtable\"");
  EXPECT_EQ(c.Run({"EXISTS", "src"}), "(integer) 0");
}

// ---- SMOVE ----

TEST_F(SetFamily, SmoveAcrossEngines) {
  ExpectDifferentEngines("a", "b");
  c.Run({"SADD", "a", "x", "y"});
  c.Run({"SADD", "b", "y"});
  EXPECT_EQ(c.Run({"SMOVE", "a", "b", "x"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SMOVE", "a", "b", "y"}), "(integer) 1");  // already in b: still 1
  EXPECT_EQ(c.Run({"EXISTS", "a"}), "(integer) 0");
  EXPECT_EQ(Members("b"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(c.Run({"SMOVE", "b", "a", "nope"}), "(integer) 0");
  EXPECT_EQ(c.Run({"EXISTS", "a"}), "(integer) 0");
}

TEST_F(SetFamily, SmoveOntoItselfOnlyReportsMembership) {
  c.Run({"SADD", "s", "x"});
  EXPECT_EQ(c.Run({"SMOVE", "s", "s", "x"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SMOVE", "s", "s", "z"}), "(integer) 0");
  EXPECT_EQ(Members("s"), std::vector<std::string>{"x"});
}

TEST_F(SetFamily, SmoveKeepsTheDestinationTtl) {
  c.Run({"SADD", "src", "x"});
  c.Run({"SADD", "dst", "y"});
  c.Run({"EXPIRE", "dst", "100"});
  EXPECT_EQ(c.Run({"SMOVE", "src", "dst", "x"}), "(integer) 1");
  EXPECT_EQ(c.Run({"TTL", "dst"}), "(integer) 100");
}

// ---- SPOP, SRANDMEMBER ----

TEST_F(SetFamily, SpopRemovesWhatItReturns) {
  AddRange("s", 1, 10, "m");
  std::string popped = c.Run({"SPOP", "s"});
  ASSERT_EQ(popped.front(), '"');
  std::string m = popped.substr(1, popped.size() - 2);
  EXPECT_EQ(c.Run({"SISMEMBER", "s", m}), "(integer) 0");
  auto three = SortedQuotedStrings(c.Run({"SPOP", "s", "3"}));
  EXPECT_EQ(three.size(), 3u);
  for (auto& x : three) EXPECT_EQ(c.Run({"SISMEMBER", "s", x}), "(integer) 0");
  EXPECT_EQ(c.Run({"SCARD", "s"}), "(integer) 6");
  auto rest = SortedQuotedStrings(c.Run({"SPOP", "s", "100"}));
  EXPECT_EQ(rest.size(), 6u);
  EXPECT_EQ(c.Run({"EXISTS", "s"}), "(integer) 0");
  EXPECT_EQ(c.Run({"SPOP", "s"}), "(nil)");
  EXPECT_EQ(c.Run({"SPOP", "s", "2"}), "[]");
}

TEST_F(SetFamily, SpopLastMemberDeletesTheKey) {
  c.Run({"SADD", "s", "7"});
  EXPECT_EQ(c.Run({"SPOP", "s"}), "\"7\"");
  EXPECT_EQ(c.Run({"EXISTS", "s"}), "(integer) 0");
}

TEST_F(SetFamily, SpopArgumentErrors) {
  c.Run({"SADD", "s", "a"});
  PlantString("str");
  EXPECT_EQ(c.Run({"SPOP", "s", "-1"}), Err(err::kMustBePositive));
  EXPECT_EQ(c.Run({"SPOP", "str", "-1"}), Err(err::kMustBePositive));  // count before type
  EXPECT_EQ(c.Run({"SPOP", "s", "x"}), Err(err::kMustBePositive));
  EXPECT_EQ(c.Run({"SPOP", "s", "1", "2"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"SPOP", "s", "0"}), "[]");
  EXPECT_EQ(c.Run({"SCARD", "s"}), "(integer) 1");
}

// Popping most of a set draws the survivors into a new set, as Redis does, so an all-integer
// hashtable (large only) comes back as an intset; the key keeps its TTL.
TEST_F(SetFamily, SpopOfMostMembersRebuildsTheSurvivors) {
  AddRange("s", 1, 600);
  c.Run({"EXPIRE", "s", "100"});
  EXPECT_EQ(Encoding("s"), "\"hashtable\"");
  EXPECT_EQ(SortedQuotedStrings(c.Run({"SPOP", "s", "590"})).size(), 590u);
  EXPECT_EQ(Encoding("s"), "\"intset\"");
  EXPECT_EQ(c.Run({"SCARD", "s"}), "(integer) 10");
  EXPECT_EQ(c.Run({"TTL", "s"}), "(integer) 100");
  // Popping fewer keeps the hashtable.
  AddRange("t", 1, 600);
  c.Run({"SPOP", "t", "100"});
  EXPECT_EQ(Encoding("t"), "\"hashtable\"");
  EXPECT_EQ(c.Run({"SCARD", "t"}), "(integer) 500");
}

TEST_F(SetFamily, SpopCountRepliesASetInResp3) {
  c.Run({"SADD", "s", "a", "b", "c"});
  c.Run({"HELLO", "3"});
  EXPECT_EQ(c.Run({"SPOP", "s", "0"}), "~[]");
  EXPECT_EQ(c.Run({"SPOP", "missing", "2"}), "~[]");
  EXPECT_EQ(c.Run({"SPOP", "s", "1"}).substr(0, 2), "~[");
  EXPECT_EQ(c.Run({"SPOP", "missing"}), "(nil)");
}

TEST_F(SetFamily, SrandmemberCounts) {
  AddRange("s", 1, 5, "m");
  std::string one = c.Run({"SRANDMEMBER", "s"});
  EXPECT_EQ(one.substr(0, 2), "\"m");
  EXPECT_EQ(c.Run({"SRANDMEMBER", "s", "0"}), "[]");
  EXPECT_EQ(SortedQuotedStrings(c.Run({"SRANDMEMBER", "s", "10"})), Seq(1, 5, "m"));
  auto three = SortedQuotedStrings(c.Run({"SRANDMEMBER", "s", "3"}));
  EXPECT_EQ(std::set<std::string>(three.begin(), three.end()).size(), 3u);
  auto many = SortedQuotedStrings(c.Run({"SRANDMEMBER", "s", "-20"}));
  EXPECT_EQ(many.size(), 20u);
  for (auto& m : many) EXPECT_EQ(c.Run({"SISMEMBER", "s", m}), "(integer) 1");
  EXPECT_EQ(c.Run({"SCARD", "s"}), "(integer) 5");
  EXPECT_EQ(c.Run({"SRANDMEMBER", "missing"}), "(nil)");
  EXPECT_EQ(c.Run({"SRANDMEMBER", "missing", "3"}), "[]");
}

TEST_F(SetFamily, SrandmemberDistinctSamplesOfLargeSets) {
  AddRange("h", 1, 1000, "m");
  AddRange("i", 1, 400);
  for (const char* key : {"h", "i"}) {
    for (const char* n : {"5", "300", "399"}) {
      auto got = SortedQuotedStrings(c.Run({"SRANDMEMBER", key, n}));
      EXPECT_EQ(got.size(), std::stoul(n)) << key;
      EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size()) << key << " " << n;
    }
  }
}

TEST_F(SetFamily, SrandmemberArgumentErrors) {
  c.Run({"SADD", "s", "a"});
  EXPECT_EQ(c.Run({"SRANDMEMBER", "s", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"SRANDMEMBER", "s", "-9223372036854775808"}),
            "(error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
  EXPECT_EQ(c.Run({"SRANDMEMBER", "s", "1", "2"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"SRANDMEMBER", "missing", "x"}), Err(err::kNotInteger));
}

TEST_F(SetFamily, SrandmemberIsAlwaysAnArrayInResp3) {
  c.Run({"SADD", "s", "a", "b"});
  c.Run({"HELLO", "3"});
  EXPECT_EQ(SortedQuotedStrings(c.Run({"SRANDMEMBER", "s", "5"})), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.Run({"SRANDMEMBER", "s", "5"}).substr(0, 1), "[");
  EXPECT_EQ(c.Run({"SRANDMEMBER", "missing", "5"}), "[]");
  EXPECT_EQ(c.Run({"SRANDMEMBER", "missing"}), "(nil)");
}

// ---- SINTER, SUNION, SDIFF and their STORE forms, SINTERCARD ----

TEST_F(SetFamily, AlgebraAcrossEngines) {
  ExpectDifferentEngines("a", "b");
  c.Run({"SADD", "a", "1", "2", "3", "x"});
  c.Run({"SADD", "b", "2", "3", "4", "x"});
  c.Run({"SADD", "c", "3", "x", "y"});
  EXPECT_EQ(SortedQuotedStrings(c.Run({"SINTER", "a", "b", "c"})), (std::vector<std::string>{"3", "x"}));
  EXPECT_EQ(SortedQuotedStrings(c.Run({"SUNION", "a", "b", "c", "missing"})),
            (std::vector<std::string>{"1", "2", "3", "4", "x", "y"}));
  EXPECT_EQ(SortedQuotedStrings(c.Run({"SDIFF", "a", "b", "missing"})), (std::vector<std::string>{"1"}));
  EXPECT_EQ(SortedQuotedStrings(c.Run({"SDIFF", "a", "c"})), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(c.Run({"SINTER", "a", "missing"}), "[]");
  EXPECT_EQ(c.Run({"SDIFF", "missing", "a"}), "[]");
  EXPECT_EQ(c.Run({"SDIFF", "a", "a"}), "[]");
  EXPECT_EQ(SortedQuotedStrings(c.Run({"SINTER", "a", "a"})), (std::vector<std::string>{"1", "2", "3", "x"}));
  EXPECT_EQ(c.Run({"SINTERCARD", "3", "a", "b", "c"}), "(integer) 2");
  EXPECT_EQ(c.Run({"SINTERCARD", "2", "a", "b", "LIMIT", "1"}), "(integer) 1");
  EXPECT_EQ(c.Run({"SINTERCARD", "2", "a", "b", "limit", "0"}), "(integer) 3");
  EXPECT_EQ(c.Run({"SINTERCARD", "2", "a", "missing"}), "(integer) 0");
}

TEST_F(SetFamily, StoreCommandsReplaceTheDestinationAndDropItsTtl) {
  ExpectDifferentEngines("a", "b");
  c.Run({"SADD", "a", "1", "2"});
  c.Run({"SADD", "b", "2", "3"});
  PlantString("dst");
  c.Run({"EXPIRE", "dst", "100"});
  EXPECT_EQ(c.Run({"SUNIONSTORE", "dst", "a", "b"}), "(integer) 3");
  EXPECT_EQ(Members("dst"), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(c.Run({"TTL", "dst"}), "(integer) -1");
  EXPECT_EQ(c.Run({"SINTERSTORE", "dst", "a", "b"}), "(integer) 1");
  EXPECT_EQ(Members("dst"), std::vector<std::string>{"2"});
  EXPECT_EQ(c.Run({"SDIFFSTORE", "dst", "a", "b"}), "(integer) 1");
  EXPECT_EQ(Members("dst"), std::vector<std::string>{"1"});
}

TEST_F(SetFamily, StoreOfAnEmptyResultDeletesTheDestination) {
  c.Run({"SADD", "a", "1"});
  c.Run({"SADD", "b", "2"});
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{
           {"SINTERSTORE", "dst", "a", "b"}, {"SINTERSTORE", "dst", "a", "missing"},
           {"SUNIONSTORE", "dst", "missing"}, {"SDIFFSTORE", "dst", "a", "a"}, {"SDIFFSTORE", "dst", "missing", "a"}}) {
    PlantString("dst");
    EXPECT_EQ(c.Run(cmd), "(integer) 0") << cmd[0];
    EXPECT_EQ(c.Run({"EXISTS", "dst"}), "(integer) 0") << cmd[0];
  }
}

TEST_F(SetFamily, DestinationMayBeOneOfTheSources) {
  c.Run({"SADD", "a", "1", "2", "3"});
  c.Run({"SADD", "b", "2", "3", "4"});
  EXPECT_EQ(c.Run({"SINTERSTORE", "a", "a", "b"}), "(integer) 2");
  EXPECT_EQ(Members("a"), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(c.Run({"SUNIONSTORE", "b", "a", "b"}), "(integer) 3");
  EXPECT_EQ(Members("b"), (std::vector<std::string>{"2", "3", "4"}));
  EXPECT_EQ(c.Run({"SDIFFSTORE", "b", "b", "a"}), "(integer) 1");
  EXPECT_EQ(Members("b"), std::vector<std::string>{"4"});
  EXPECT_EQ(c.Run({"SDIFFSTORE", "b", "b", "b"}), "(integer) 0");
  EXPECT_EQ(c.Run({"EXISTS", "b"}), "(integer) 0");
}

TEST_F(SetFamily, SintercardArgumentErrors) {
  c.Run({"SADD", "s", "a"});
  EXPECT_EQ(c.Run({"SINTERCARD", "0", "s"}), Err(err::kNumkeysPositive));
  EXPECT_EQ(c.Run({"SINTERCARD", "-1", "s"}), Err(err::kNumkeysPositive));
  EXPECT_EQ(c.Run({"SINTERCARD", "x", "s"}), Err(err::kNumkeysPositive));
  EXPECT_EQ(c.Run({"SINTERCARD", "3", "s"}), Err(err::kNumkeysTooMany));
  EXPECT_EQ(c.Run({"SINTERCARD", "1", "s", "LIMIT", "-1"}), Err(err::kLimitNegative));
  EXPECT_EQ(c.Run({"SINTERCARD", "1", "s", "LIMIT", "x"}), Err(err::kLimitNegative));
  EXPECT_EQ(c.Run({"SINTERCARD", "1", "s", "LIMIT"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"SINTERCARD", "1", "s", "FOO", "1"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"SINTERCARD", "1", "s"}), "(integer) 1");
}

TEST_F(SetFamily, UnorderedRepliesAreSetsInResp3) {
  c.Run({"SADD", "a", "1", "2"});
  c.Run({"SADD", "b", "2", "x"});
  c.Run({"HELLO", "3"});
  EXPECT_EQ(c.Run({"SMEMBERS", "missing"}), "~[]");
  EXPECT_EQ(c.Run({"SINTER", "a", "b"}), "~[\"2\"]");
  EXPECT_EQ(c.Run({"SINTER", "a", "missing"}), "~[]");
  EXPECT_EQ(c.Run({"SDIFF", "b", "a"}), "~[\"x\"]");
  EXPECT_EQ(c.Run({"SUNION", "missing"}), "~[]");
  EXPECT_EQ(SortedQuotedStrings(c.Run({"SMEMBERS", "a"})), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(c.Run({"SMEMBERS", "a"}).substr(0, 2), "~[");
  EXPECT_EQ(c.Run({"SMISMEMBER", "a", "1"}), "[(integer) 1]");
}

TEST_F(SetFamily, ExpiredSetsAreMissing) {
  c.Run({"SADD", "s", "a"});
  c.Run({"SADD", "t", "a"});
  c.Run({"PEXPIRE", "s", "50"});
  srv.clock.Advance(51);
  EXPECT_EQ(c.Run({"SCARD", "s"}), "(integer) 0");
  EXPECT_EQ(c.Run({"SINTER", "t", "s"}), "[]");
  EXPECT_EQ(c.Run({"SADD", "s", "b"}), "(integer) 1");
  EXPECT_EQ(Members("s"), std::vector<std::string>{"b"});
  EXPECT_EQ(c.Run({"TTL", "s"}), "(integer) -1");
}

TEST_F(SetFamily, CopyAndRenameCarryTheSet) {
  c.Run({"SADD", "s", "1", "x"});
  EXPECT_EQ(c.Run({"COPY", "s", "s2"}), "(integer) 1");
  c.Run({"SREM", "s", "x"});
  EXPECT_EQ(Members("s2"), (std::vector<std::string>{"1", "x"}));
  EXPECT_EQ(c.Run({"RENAME", "s2", "s3"}), "OK");
  EXPECT_EQ(Members("s3"), (std::vector<std::string>{"1", "x"}));
  EXPECT_EQ(Encoding("s3"), "\"hashtable\"");
}

// ---- SSCAN ----

TEST_F(SetFamily, SscanOfAnIntsetReturnsEverythingWithCursorZero) {
  c.Run({"SADD", "s", "3", "1", "2", "-10"});
  EXPECT_EQ(c.Run({"SSCAN", "s", "0"}), "[\"0\", [\"-10\", \"1\", \"2\", \"3\"]]");
  EXPECT_EQ(c.Run({"SSCAN", "s", "12345", "COUNT", "1"}), "[\"0\", [\"-10\", \"1\", \"2\", \"3\"]]");
  EXPECT_EQ(c.Run({"SSCAN", "s", "0", "MATCH", "-*"}), "[\"0\", [\"-10\"]]");
  EXPECT_EQ(c.Run({"SSCAN", "missing", "0"}), "[\"0\", []]");
}

TEST_F(SetFamily, SscanFullIterationOfAHashtableSeesEveryMember) {
  AddRange("s", 1, 1000, "m");
  std::multiset<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    std::string r = c.Run({"SSCAN", "s", cursor, "COUNT", "20"});
    size_t q = r.find('"', 2);
    cursor = r.substr(2, q - 2);
    for (auto& m : SortedQuotedStrings(r.substr(q + 1))) seen.insert(m);
    // Members added and removed during the iteration do not disturb the guarantee.
    if (calls == 5) AddRange("s", 1, 3000, "tmp");
    if (calls == 20)
      for (int i = 1; i <= 3000; ++i) c.Run({"SREM", "s", "tmp" + std::to_string(i)});
    ++calls;
  } while (cursor != "0" && calls < 100000);
  for (auto& m : Seq(1, 1000, "m")) EXPECT_TRUE(seen.count(m)) << m;
  EXPECT_GT(calls, 10);
}

TEST_F(SetFamily, SscanMatchAndOptions) {
  AddRange("s", 1, 30, "m");
  c.Run({"SADD", "s", "other"});
  std::set<std::string> seen;
  std::string cursor = "0";
  do {
    std::string r = c.Run({"SSCAN", "s", cursor, "MATCH", "m1*", "COUNT", "5"});
    size_t q = r.find('"', 2);
    cursor = r.substr(2, q - 2);
    for (auto& m : SortedQuotedStrings(r.substr(q + 1))) seen.insert(m);
  } while (cursor != "0");
  EXPECT_EQ(seen, (std::set<std::string>{"m1", "m10", "m11", "m12", "m13", "m14", "m15", "m16", "m17", "m18", "m19"}));
  EXPECT_EQ(c.Run({"SSCAN", "s", "0", "COUNT", "0"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"SSCAN", "s", "0", "COUNT", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"SSCAN", "s", "0", "TYPE", "set"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"SSCAN", "s", "0", "MATCH"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"SSCAN", "s", "x"}), Err(err::kInvalidCursor));
  EXPECT_EQ(c.Run({"SSCAN", "missing", "0", "BAD"}), "[\"0\", []]");  // options read after lookup
}

}  // namespace
}  // namespace ks::test
