// ZSet in both encodings against a simple model (a std::set of (score, member)): inserts,
// score updates, removals, ranks, score and lex ranges, rank deletions and cursors must agree
// after every step, and the listpack's compact score forms must round-trip every double.
#include "engine/zset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace ks {
namespace {

using Model = std::set<std::pair<double, std::string>>;

std::vector<std::pair<std::string, double>> Contents(const ZSet& z) {
  std::vector<std::pair<std::string, double>> out;
  z.ForRanks(0, static_cast<int64_t>(z.size()) - 1, false,
             [&](std::string_view m, double s) { out.emplace_back(std::string(m), s); });
  return out;
}

std::vector<std::pair<std::string, double>> Contents(const Model& m) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [s, k] : m) out.emplace_back(k, s);
  return out;
}

class ZSetEncodings : public ::testing::TestWithParam<bool> {
 protected:
  ZSet New() const { return GetParam() ? ZSet::NewListpack() : ZSet::NewSkiplist(); }
};

TEST_P(ZSetEncodings, KeepsElementsOrderedByScoreThenMember) {
  ZSet z = New();
  z.Insert("b", 2);
  z.Insert("a", 2);
  z.Insert("c", 1);
  z.Insert("", 2);
  EXPECT_EQ(Contents(z), (std::vector<std::pair<std::string, double>>{{"c", 1}, {"", 2}, {"a", 2}, {"b", 2}}));
  EXPECT_EQ(z.listpack(), GetParam());
  z.Free();
}

TEST_P(ZSetEncodings, AgreesWithModelUnderRandomOperations) {
  std::mt19937_64 rng(GetParam() ? 1 : 2);
  ZSet z = New();
  Model model;
  std::map<std::string, double> scores;
  const int kMembers = GetParam() ? 60 : 2000;
  for (int step = 0; step < 20000; ++step) {
    std::string m = "m" + std::to_string(rng() % kMembers);
    double s = static_cast<double>(static_cast<int>(rng() % 200) - 100) / ((rng() % 3) + 1);
    switch (rng() % 6) {
      case 0:
      case 1:
      case 2: {
        auto it = scores.find(m);
        if (it == scores.end()) {
          z.Insert(m, s);
        } else if (rng() % 2) {
          z.UpdateScore(m, it->second, s);
          model.erase({it->second, m});
        } else {  // as ZADD does: the place Score() found, handed back
          double cur;
          const void* where;
          ASSERT_TRUE(z.Score(m, &cur, &where));
          EXPECT_EQ(cur, it->second);
          z.UpdateScore(m, cur, s, where);
          model.erase({it->second, m});
        }
        scores[m] = s;
        model.insert({s, m});
        break;
      }
      case 3: {
        bool had = scores.count(m);
        EXPECT_EQ(z.Remove(m), had);
        if (had) {
          model.erase({scores[m], m});
          scores.erase(m);
        }
        break;
      }
      case 4: {
        double got;
        int64_t r = z.Rank(m, rng() % 2, &got);
        if (!scores.count(m)) {
          EXPECT_EQ(r, -1);
        } else {
          auto pos = std::distance(model.begin(), model.find({scores[m], m}));
          EXPECT_TRUE(r == pos || r == static_cast<int64_t>(model.size()) - 1 - pos);
          EXPECT_EQ(got, scores[m]);
        }
        break;
      }
      case 5: {
        ZScoreRange r{std::min(s, s / 2), std::max(s, s / 2), rng() % 2 == 0, rng() % 2 == 0};
        int64_t first = -1, last = -1, i = 0;
        for (const auto& [sc, k] : model) {
          bool in = (r.minex ? sc > r.min : sc >= r.min) && (r.maxex ? sc < r.max : sc <= r.max);
          if (in && first < 0) first = i;
          if (in) last = i;
          ++i;
        }
        auto [f, l] = z.ScoreRanks(r);
        if (first < 0)
          EXPECT_GT(f, l);
        else
          EXPECT_EQ(std::make_pair(f, l), std::make_pair(first, last));
        break;
      }
    }
    ASSERT_EQ(z.size(), model.size());
    if (step % 997 == 0) {
      ASSERT_EQ(Contents(z), Contents(model)) << "step " << step;
    }
  }
  // Reverse cursors walk the same elements backwards.
  std::vector<std::pair<std::string, double>> rev;
  z.ForRanks(0, static_cast<int64_t>(z.size()) - 1, true,
             [&](std::string_view m, double s) { rev.emplace_back(std::string(m), s); });
  auto fwd = Contents(model);
  std::reverse(fwd.begin(), fwd.end());
  EXPECT_EQ(rev, fwd);
  z.Free();
}

TEST_P(ZSetEncodings, RemoveRanksDeletesExactlyThatRun) {
  ZSet z = New();
  for (int i = 0; i < 50; ++i) z.Insert("m" + std::to_string(100 + i), i);
  z.RemoveRanks(10, 19);
  EXPECT_EQ(z.size(), 40u);
  double s;
  EXPECT_FALSE(z.Score("m110", &s));
  EXPECT_FALSE(z.Score("m119", &s));
  EXPECT_TRUE(z.Score("m120", &s));
  EXPECT_EQ(z.Rank("m120", false, &s), 10);
  z.RemoveRanks(0, 39);
  EXPECT_EQ(z.size(), 0u);
  z.Free();
}

TEST_P(ZSetEncodings, LexRangesFollowRedisBoundSyntax) {
  ZSet z = New();
  for (std::string m : {"a", "b", "c", "d", "e"}) z.Insert(m, 0);
  ZLexRange r;
  ASSERT_TRUE(ParseLexRange("[b", "(d", &r));
  EXPECT_EQ(z.LexRanks(r), (std::pair<int64_t, int64_t>{1, 2}));
  ASSERT_TRUE(ParseLexRange("-", "+", &r));
  EXPECT_EQ(z.LexRanks(r), (std::pair<int64_t, int64_t>{0, 4}));
  ASSERT_TRUE(ParseLexRange("(e", "+", &r));
  auto [f, l] = z.LexRanks(r);
  EXPECT_GT(f, l);
  EXPECT_FALSE(ParseLexRange("b", "[d", &r));
  EXPECT_FALSE(ParseLexRange("+x", "[d", &r));
  z.Free();
}

TEST_P(ZSetEncodings, CloneIsIndependent) {
  ZSet z = New();
  z.Insert("x", 1.5);
  ZSet c = z.Clone();
  z.Remove("x");
  double s;
  EXPECT_TRUE(c.Score("x", &s));
  EXPECT_EQ(s, 1.5);
  EXPECT_EQ(c.listpack(), GetParam());
  z.Free();
  c.Free();
}

INSTANTIATE_TEST_SUITE_P(Encodings, ZSetEncodings, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Listpack" : "Skiplist"; });

std::string Key(int i) {
  std::string k = "k";
  k += std::to_string(i);
  return k;
}

TEST(ZSetListpack, ScoresRoundTripInEveryCompactForm) {
  const double values[] = {0,       1,        -16,     223,     224,    -17,          1e6,
                           -1e6,    4.5,      -0.125,  1e20,    -1e300, 9007199254740992.0,
                           9007199254740993.0, 0.1, std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min()};
  ZSet z = ZSet::NewListpack();
  int i = 0;
  for (double v : values) z.Insert(Key(i++), v);
  i = 0;
  for (double v : values) {
    double got;
    ASSERT_TRUE(z.Score(Key(i++), &got));
    EXPECT_EQ(got, v);
  }
  z.Free();
}

TEST(ZSetListpack, SmallIntegerScoresCostOneByte) {
  ZSet z = ZSet::NewListpack();
  for (int i = 0; i < 10; ++i) z.Insert("member:" + std::to_string(i), i);
  // 4-byte header + 10 x (1 head byte holding length and score + 8 member bytes).
  EXPECT_EQ(z.bytes(), 4u + 10 * 9);
  z.Insert("member:x", 12);  // past the packed scores: a length byte and a score byte
  EXPECT_EQ(z.bytes(), 4u + 10 * 9 + 10);
  z.Free();
}

TEST(ZSetListpack, EveryHeadFormRoundTrips) {
  ZSet z = ZSet::NewListpack();
  std::vector<std::pair<std::string, double>> want;
  const double scores[] = {0, 11, 12, -1, -0.0, 0.5, 1e300, 223, 224, -16, -17, 9007199254740992.0};
  const size_t lens[] = {0, 1, 14, 15, 16, 62, 63, 64, 127, 128, 300};
  int i = 0;
  for (size_t len : lens) {
    for (double s : scores) {
      std::string m(len, 'a');
      std::string tag = std::to_string(i++);
      if (len >= tag.size()) m.replace(0, tag.size(), tag);
      else if (len > 0) m = tag.substr(0, len);
      double existing;
      if (z.Score(m, &existing)) continue;
      z.Insert(m, s);
      want.emplace_back(m, s == 0 ? 0 : s);
    }
  }
  EXPECT_EQ(z.size(), want.size());
  for (const auto& [m, s] : want) {
    double got;
    ASSERT_TRUE(z.Score(m, &got)) << m.size();
    EXPECT_EQ(got, s) << m.size();
  }
  // Walking forwards and backwards sees every element in (score, member) order.
  std::sort(want.begin(), want.end(), [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  size_t k = 0;
  for (ZSet::Cursor c = z.At(0, false); c.Valid(); c.Next(), ++k) {
    ASSERT_LT(k, want.size());
    EXPECT_EQ(c.member(), want[k].first);
    EXPECT_EQ(c.score(), want[k].second);
  }
  EXPECT_EQ(k, want.size());
  k = want.size();
  for (ZSet::Cursor c = z.At(static_cast<int64_t>(want.size()) - 1, true); c.Valid(); c.Next()) {
    ASSERT_GT(k, 0u);
    --k;
    EXPECT_EQ(c.member(), want[k].first);
  }
  EXPECT_EQ(k, 0u);
  z.Free();
}

TEST(ZSetListpack, ConvertsToSkiplistKeepingEveryElement) {
  ZSet z = ZSet::NewListpack();
  for (int i = 0; i < 100; ++i) z.Insert("m" + std::to_string(i), i % 7);
  auto before = Contents(z);
  z.ConvertToSkiplist();
  EXPECT_FALSE(z.listpack());
  EXPECT_EQ(Contents(z), before);
  z.Free();
}

TEST(ZSetSkiplist, ScanVisitsEveryMemberOnce) {
  ZSet z = ZSet::NewSkiplist();
  for (int i = 0; i < 500; ++i) z.Insert("m" + std::to_string(i), i);
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = z.Scan(
        cursor, [](void* arg, std::string_view m, double) { static_cast<std::multiset<std::string>*>(arg)->emplace(m); },
        &seen);
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 500u);
  z.Free();
}

TEST(ZSetSkiplist, BytesFollowInsertsAndRemovalsInConstantTime) {
  ZSet z = ZSet::NewSkiplist();
  size_t empty = z.bytes();
  for (int i = 0; i < 100; ++i) z.Insert("m" + std::to_string(i), i);
  EXPECT_GT(z.bytes(), empty + 100 * 2);
  z.RemoveRanks(0, 49);
  for (int i = 50; i < 100; ++i) z.Remove("m" + std::to_string(i));
  EXPECT_EQ(z.size(), 0u);
  EXPECT_LE(z.bytes(), empty + 64 * sizeof(void*));  // only the hash table's buckets may remain
  z.Free();
}

TEST(ZSetRanges, ScoreBoundsParseAsRedisDoes) {
  ZScoreRange r;
  ASSERT_TRUE(ParseScoreRange("(1", "+inf", &r));
  EXPECT_TRUE(r.minex);
  EXPECT_EQ(r.min, 1);
  EXPECT_TRUE(std::isinf(r.max));
  ASSERT_TRUE(ParseScoreRange("", "(", &r));  // strtod reads "" as 0
  EXPECT_EQ(r.min, 0);
  EXPECT_FALSE(ParseScoreRange("abc", "1", &r));
  EXPECT_FALSE(ParseScoreRange("nan", "1", &r));
}

// A new score walks to the old and the new place side by side and relinks from both: every
// rank, forwards and backwards, stays right whichever way and however far a member moves,
// with tied scores (order by member) and members that stay in place.
TEST(ZSetSkiplist, NewScoresKeepEveryRank) {
  std::mt19937_64 rng(7);
  ZSet z = ZSet::NewSkiplist();
  Model model;
  std::map<std::string, double> scores;
  for (int i = 0; i < 3000; ++i) {
    std::string m = "m" + std::to_string(i);
    double s = static_cast<double>(rng() % 500);
    z.Insert(m, s);
    scores[m] = s;
    model.insert({s, m});
  }
  for (int step = 1; step <= 20000; ++step) {
    std::string m = "m" + std::to_string(rng() % 3000);
    double cur = scores[m];
    // Mostly small moves (often in place), sometimes across the whole set.
    double s = rng() % 4 ? cur + static_cast<double>(static_cast<int>(rng() % 5) - 2) : static_cast<double>(rng() % 500);
    if (s == cur) continue;
    double got;
    const void* where;
    ASSERT_TRUE(z.Score(m, &got, &where));
    z.UpdateScore(m, cur, s, where);
    model.erase({cur, m});
    model.insert({s, m});
    scores[m] = s;
    if (step % 2500 == 0) {
      int64_t rank = 0;
      for (const auto& [sc, k] : model) {
        ASSERT_EQ(z.Rank(k, false, &got), rank) << k << " step " << step;
        ASSERT_EQ(z.Rank(k, true, &got), static_cast<int64_t>(model.size()) - 1 - rank);
        ZSet::Cursor c = z.At(rank, false);
        ASSERT_TRUE(c.Valid());
        ASSERT_EQ(c.member(), k);
        ASSERT_EQ(c.score(), sc);
        ++rank;
      }
    }
  }
  z.Free();
}

}  // namespace
}  // namespace ks
