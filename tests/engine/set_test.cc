// SetObject: the intset and hashtable encodings, conversion rules, and the iteration,
// sampling and copy operations the set commands build on.
#include "engine/set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace ks {
namespace {

constexpr size_t kMax = 512;

// Owns a SetObject for the length of a test.
struct Owned {
  SetObject* s = SetObject::NewIntset();
  ~Owned() { SetObject::Free(s); }
  bool Add(std::string_view m, size_t max = kMax) { return SetObject::Add(s, m, max); }
  bool Remove(std::string_view m) { return SetObject::Remove(s, m); }
};

std::vector<std::string> Members(const SetObject* s) {
  std::vector<std::string> out;
  s->ForEach([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// prefix followed by i ("m17"); built by appending, which keeps GCC 12's -Wrestrict quiet.
std::string Name(std::string_view prefix, int i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

Rng& TestRandom() {
  static Rng rng(42);
  return rng;
}

TEST(SetObject, IntegersStayInASortedIntset) {
  Owned o;
  for (auto m : {"5", "-3", "100", "0", "7"}) EXPECT_TRUE(o.Add(m));
  EXPECT_FALSE(o.Add("5"));
  EXPECT_EQ(o.s->encoding(), Encoding::kIntset);
  EXPECT_EQ(Members(o.s), (std::vector<std::string>{"-3", "0", "5", "7", "100"}));
  EXPECT_TRUE(o.s->Contains("100"));
  EXPECT_FALSE(o.s->Contains("101"));
  EXPECT_FALSE(o.s->Contains("abc"));
}

TEST(SetObject, IntsetWidthGrowsToFitTheWidestMemberAndNeverShrinks) {
  Owned o;
  o.Add("1");
  EXPECT_EQ(o.s->intset_width(), 2u);
  o.Add("-40000");  // below int16: prepended while widening
  EXPECT_EQ(o.s->intset_width(), 4u);
  o.Add("9223372036854775807");  // appended while widening
  EXPECT_EQ(o.s->intset_width(), 8u);
  EXPECT_EQ(Members(o.s), (std::vector<std::string>{"-40000", "1", "9223372036854775807"}));
  EXPECT_TRUE(o.Remove("9223372036854775807"));
  EXPECT_TRUE(o.Remove("-40000"));
  EXPECT_EQ(o.s->intset_width(), 8u);
  EXPECT_EQ(Members(o.s), std::vector<std::string>{"1"});
  EXPECT_TRUE(o.s->Contains("1"));
}

TEST(SetObject, WideValuesAreNotFoundInANarrowIntset) {
  Owned o;
  o.Add("1");
  // 65537 truncated to 16 bits would be 1: lookups must not truncate.
  EXPECT_FALSE(o.s->Contains("65537"));
  EXPECT_FALSE(o.Remove("65537"));
  EXPECT_EQ(o.s->size(), 1u);
}

TEST(SetObject, NonCanonicalIntegersForceAHashtable) {
  for (const char* m : {"01", "+1", " 1", "-0", "1.0", "9223372036854775808", ""}) {
    Owned o;
    o.Add("1");
    o.Add(m);
    EXPECT_EQ(o.s->encoding(), Encoding::kHashtable) << m;
    EXPECT_TRUE(o.s->Contains(m)) << m;
    EXPECT_TRUE(o.s->Contains("1")) << m;
    EXPECT_EQ(o.s->size(), 2u) << m;
  }
}

TEST(SetObject, ConvertsPastMaxIntsetEntriesExactly) {
  Owned o;
  for (int i = 0; i < 4; ++i) o.Add(std::to_string(i), 4);
  EXPECT_EQ(o.s->encoding(), Encoding::kIntset);
  EXPECT_FALSE(o.Add("3", 4));  // not added: no conversion
  EXPECT_EQ(o.s->encoding(), Encoding::kIntset);
  EXPECT_TRUE(o.Add("4", 4));
  EXPECT_EQ(o.s->encoding(), Encoding::kHashtable);
  EXPECT_EQ(Sorted(Members(o.s)), (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  // Never back: removing members keeps the hashtable.
  for (int i = 0; i < 4; ++i) o.Remove(std::to_string(i));
  EXPECT_EQ(o.s->encoding(), Encoding::kHashtable);
}

TEST(SetObject, ZeroMaxIntsetEntriesMeansNoIntset) {
  Owned o;
  o.Add("1", 0);
  EXPECT_EQ(o.s->encoding(), Encoding::kHashtable);
}

TEST(SetObject, HashtableAddRemoveContains) {
  Owned o;
  for (int i = 0; i < 2000; ++i) EXPECT_TRUE(o.Add(Name("m", i)));
  EXPECT_FALSE(o.Add("m7"));
  EXPECT_EQ(o.s->size(), 2000u);
  for (int i = 0; i < 2000; i += 2) EXPECT_TRUE(o.Remove(Name("m", i)));
  EXPECT_FALSE(o.Remove("m0"));
  EXPECT_EQ(o.s->size(), 1000u);
  EXPECT_FALSE(o.s->Contains("m10"));
  EXPECT_TRUE(o.s->Contains("m11"));
  EXPECT_TRUE(o.Add(std::string("bin\0ary", 7)));
  EXPECT_TRUE(o.s->Contains(std::string("bin\0ary", 7)));
  EXPECT_FALSE(o.s->Contains("bin"));
}

TEST(SetObject, CloneIsDeepForBothEncodings) {
  for (bool big : {false, true}) {
    Owned o;
    for (int i = 0; i < 20; ++i) o.Add(big ? Name("x", i) : std::to_string(i));
    SetObject* c = SetObject::Clone(o.s);
    EXPECT_EQ(c->encoding(), o.s->encoding());
    EXPECT_EQ(Sorted(Members(c)), Sorted(Members(o.s)));
    o.Add("extra");
    o.Remove(big ? "x1" : "1");
    EXPECT_EQ(c->size(), 20u);
    EXPECT_TRUE(c->Contains(big ? "x1" : "1"));
    EXPECT_FALSE(c->Contains("extra"));
    SetObject::Free(c);
  }
}

TEST(SetObject, ForEachWhileStopsEarly) {
  for (bool big : {false, true}) {
    Owned o;
    for (int i = 0; i < 100; ++i) o.Add(big ? Name("x", i) : std::to_string(i));
    int seen = 0;
    o.s->ForEachWhile([&](std::string_view) { return ++seen < 7; });
    EXPECT_EQ(seen, 7);
  }
}

TEST(SetObject, RandomMemberAndSamplesAreMembers) {
  for (bool big : {false, true}) {
    Owned o;
    for (int i = 0; i < 50; ++i) o.Add(big ? Name("x", i) : std::to_string(i));
    std::set<std::string> seen;
    char buf[kSetIntBuf];
    for (int i = 0; i < 2000; ++i) {
      std::string m(o.s->RandomMember(TestRandom(), buf));
      EXPECT_TRUE(o.s->Contains(m));
      seen.insert(m);
    }
    EXPECT_EQ(seen.size(), 50u) << "every member comes up in 2000 draws";
    for (size_t count : {1u, 5u, 20u, 49u}) {
      auto sample = o.s->SampleDistinct(count, TestRandom());
      std::set<std::string> distinct(sample.begin(), sample.end());
      EXPECT_EQ(sample.size(), count);
      EXPECT_EQ(distinct.size(), count);
      for (auto& m : sample) EXPECT_TRUE(o.s->Contains(m));
    }
  }
}

// The SSCAN guarantee: a member present for the whole iteration is returned, even while the
// table grows and shrinks between steps.
TEST(SetObject, FullScanReturnsEveryMemberPresentThroughoutDespiteResizes) {
  Owned o;
  for (int i = 0; i < 500; ++i) o.Add(Name("keep", i));
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = o.s->ScanTableStep(cursor, [&](std::string_view m) { seen.emplace(m); });
    // Churn: grow a lot, then shrink back, while the iteration is in progress.
    if (step == 3)
      for (int i = 0; i < 3000; ++i) o.Add(Name("tmp", i));
    if (step == 40)
      for (int i = 0; i < 3000; ++i) o.Remove(Name("tmp", i));
    ++step;
  } while (cursor != 0);
  for (int i = 0; i < 500; ++i) EXPECT_TRUE(seen.count(Name("keep", i))) << i;
}

TEST(SetObject, AllocatedBytesGrowWithMembers) {
  Owned small, big;
  small.Add("1");
  for (int i = 0; i < 1000; ++i) big.Add(Name("member-", i));
  EXPECT_GT(small.s->AllocatedBytes(), 0u);
  EXPECT_GT(big.s->AllocatedBytes(), 1000u * 16);
}

}  // namespace
}  // namespace ks
