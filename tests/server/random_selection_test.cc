// Fairness of the commands that pick at random: SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER and
// RANDOMKEY, on the small encodings (intset, listpack) and the large ones (hashtable, skiplist),
// dense and sparse (filled, then mostly emptied: where picking a bucket and then walking its
// chain shows its bias). Each case draws 10,000 members of a 30-member collection and checks
// the chi-square statistic against Redis's bound for 29 degrees of freedom (set.tcl, "SRANDMEMBER
// with a dict containing long chain": 73, a probability of about 0.00001 for a fair pick). The
// server's random source is seeded, so every run draws the same members.
#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "tests/support/direct_client.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

constexpr int kMembers = 30;
constexpr int kDraws = 10000;
constexpr double kChiSquareBound = 73;  // df = 29, as in Redis's set.tcl
constexpr uint64_t kSeed = 20261207;

enum class Type { kSet, kHash, kZSet, kKeys };
enum class Layout {
  kSmall,   // intset or listpack (for keys: one engine)
  kLarge,   // hashtable or skiplist (for keys: eight engines)
  kSparse,  // large, after adding 100 times as many members and removing all but 30
};

struct Case {
  std::string name;
  Type type;
  Layout layout;
  std::vector<std::string> cmd;  // the command, its key (if any) after the name
  bool pop = false;              // SPOP: add the popped members back after each call
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string Member(Type t, Layout l, int i) {
  // Integers make an intset; the set's large layouts need members that are not.
  if (t == Type::kSet && l == Layout::kSmall) return std::to_string(i);
  return (t == Type::kKeys ? "key" : "m") + std::to_string(i);
}

class RandomSelection : public ::testing::TestWithParam<Case> {
 protected:
  TestServer srv{GetParam().type == Type::kKeys && GetParam().layout == Layout::kSmall ? 1 : 8};
  DirectClient c{srv};

  void SetUp() override { srv.state.random_source().Seed(kSeed); }

  // Fills key "k" (or the keyspace) with the 30 members, in the layout the case names.
  void Fill() {
    const Case& p = GetParam();
    const int added = p.layout == Layout::kSparse ? kMembers * 100 : kMembers;
    if (p.layout == Layout::kLarge && p.type == Type::kHash) c.Run({"CONFIG", "SET", "hash-max-listpack-entries", "16"});
    if (p.layout == Layout::kLarge && p.type == Type::kZSet) c.Run({"CONFIG", "SET", "zset-max-listpack-entries", "16"});
    std::vector<std::string> add, remove;
    switch (p.type) {
      case Type::kSet: add = {"SADD", "k"}, remove = {"SREM", "k"}; break;
      case Type::kHash: add = {"HSET", "k"}, remove = {"HDEL", "k"}; break;
      case Type::kZSet: add = {"ZADD", "k"}, remove = {"ZREM", "k"}; break;
      case Type::kKeys: add = {"MSET"}, remove = {"DEL"}; break;
    }
    for (int i = 0; i < added; ++i) {
      std::string m = Member(p.type, p.layout, i);
      if (p.type == Type::kZSet) add.push_back(std::to_string(i));
      add.push_back(m);
      if (p.type == Type::kHash || p.type == Type::kKeys) add.push_back("v");
      if (i >= kMembers) remove.push_back(m);
    }
    c.Run(add);
    if (remove.size() > 2) c.Run(remove);
    if (p.type == Type::kKeys) {
      ASSERT_EQ(c.Run({"DBSIZE"}), "(integer) " + std::to_string(kMembers));
      return;
    }
    std::string expected = p.layout == Layout::kSmall ? (p.type == Type::kSet ? "intset" : "listpack")
                                                      : (p.type == Type::kZSet ? "skiplist" : "hashtable");
    ASSERT_EQ(c.Run({"OBJECT", "ENCODING", "k"}), "\"" + expected + "\"");
  }

  // The members one call returned.
  std::vector<std::string> Draw() {
    const Case& p = GetParam();
    std::string reply = c.Run(p.cmd);
    std::vector<std::string> got;
    if (reply.size() > 1 && reply.front() == '"') got.push_back(reply.substr(1, reply.size() - 2));
    else got = UnquotedItems(reply);
    if (p.pop) {
      std::vector<std::string> back = {"SADD", "k"};
      back.insert(back.end(), got.begin(), got.end());
      c.Run(back);
    }
    return got;
  }
};

TEST_P(RandomSelection, EveryMemberIsEquallyLikely) {
  Fill();
  if (HasFatalFailure()) return;
  std::map<std::string, int> counts;
  for (int i = 0; i < kMembers; ++i) counts[Member(GetParam().type, GetParam().layout, i)] = 0;
  int drawn = 0;
  while (drawn < kDraws) {
    std::vector<std::string> got = Draw();
    ASSERT_FALSE(got.empty());
    for (const std::string& m : got) {
      auto it = counts.find(m);
      ASSERT_NE(it, counts.end()) << m << " is not a member";
      ++it->second;
      ++drawn;
    }
  }
  const double expected = static_cast<double>(drawn) / kMembers;
  double chi_square = 0;
  for (const auto& [m, n] : counts) chi_square += (n - expected) * (n - expected) / expected;
  RecordProperty("chi_square", std::to_string(chi_square));
  EXPECT_LT(chi_square, kChiSquareBound) << "draws: " << drawn;
}

std::vector<Case> Cases() {
  struct Layouts {
    Layout layout;
    const char* name;
  };
  const Layouts layouts[] = {{Layout::kSmall, "Small"}, {Layout::kLarge, "Large"}, {Layout::kSparse, "Sparse"}};
  std::vector<Case> v;
  for (const auto& [l, ln] : layouts) {
    const std::string s = ln;
    // One member a call, repeats allowed (negative count), distinct members when few are wanted
    // (Redis's case 4) and when most of the collection is (case 3).
    v.push_back({"Srandmember" + s, Type::kSet, l, {"SRANDMEMBER", "k"}});
    v.push_back({"SrandmemberNegativeCount" + s, Type::kSet, l, {"SRANDMEMBER", "k", "-10"}});
    v.push_back({"SrandmemberFew" + s, Type::kSet, l, {"SRANDMEMBER", "k", "5"}});
    v.push_back({"SrandmemberMost" + s, Type::kSet, l, {"SRANDMEMBER", "k", "20"}});
    v.push_back({"Spop" + s, Type::kSet, l, {"SPOP", "k"}, true});
    v.push_back({"SpopCount" + s, Type::kSet, l, {"SPOP", "k", "5"}, true});
    // Few would remain: Redis draws the survivors instead.
    v.push_back({"SpopMost" + s, Type::kSet, l, {"SPOP", "k", "26"}, true});
    v.push_back({"Hrandfield" + s, Type::kHash, l, {"HRANDFIELD", "k"}});
    v.push_back({"HrandfieldNegativeCount" + s, Type::kHash, l, {"HRANDFIELD", "k", "-10"}});
    v.push_back({"HrandfieldFew" + s, Type::kHash, l, {"HRANDFIELD", "k", "5"}});
    v.push_back({"HrandfieldMost" + s, Type::kHash, l, {"HRANDFIELD", "k", "20"}});
    v.push_back({"Zrandmember" + s, Type::kZSet, l, {"ZRANDMEMBER", "k"}});
    v.push_back({"ZrandmemberNegativeCount" + s, Type::kZSet, l, {"ZRANDMEMBER", "k", "-10"}});
    v.push_back({"ZrandmemberFew" + s, Type::kZSet, l, {"ZRANDMEMBER", "k", "5"}});
    v.push_back({"ZrandmemberMost" + s, Type::kZSet, l, {"ZRANDMEMBER", "k", "20"}});
    v.push_back({"Randomkey" + s, Type::kKeys, l, {"RANDOMKEY"}});
  }
  return v;
}

INSTANTIATE_TEST_SUITE_P(All, RandomSelection, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

// The same seed gives the same picks: what makes the tests above repeatable.
TEST(RandomSource, SameSeedSamePicks) {
  auto picks = [](uint64_t seed) {
    TestServer srv;
    DirectClient c(srv);
    srv.state.random_source().Seed(seed);
    c.Run({"SADD", "s", "a", "b", "c", "d", "e", "f", "g", "h"});
    return c.Run({"SRANDMEMBER", "s", "-50"}) + c.Run({"SPOP", "s", "3"});
  };
  EXPECT_EQ(picks(7), picks(7));
  EXPECT_NE(picks(7), picks(8));
}

}  // namespace
}  // namespace ks::test
