// The hash object in both encodings: set/get/delete, pair-header edge cases of the listpack
// (values crossing the one-byte header limit in both directions), insertion order, conversion,
// clone, random pairs and the HSCAN cursor over a hashtable that resizes between calls.
#include "engine/hash.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/entry.h"
#include "engine/object_ops.h"

namespace ks {
namespace {

// Owns a Hash for a test and frees it at the end.
struct HashHolder {
  Hash h = Hash::NewListpack();
  ~HashHolder() { h.Free(); }
};

std::map<std::string, std::string> Contents(const Hash& h) {
  std::map<std::string, std::string> m;
  h.ForEach([&](std::string_view f, std::string_view v) { m.emplace(f, v); });
  return m;
}

std::vector<std::string> FieldOrder(const Hash& h) {
  std::vector<std::string> out;
  h.ForEach([&](std::string_view f, std::string_view) { out.emplace_back(f); });
  return out;
}

TEST(Hash, NewHashIsAnEmptyListpack) {
  HashHolder x;
  EXPECT_TRUE(x.h.listpack());
  EXPECT_TRUE(x.h.empty());
  EXPECT_EQ(x.h.size(), 0u);
  EXPECT_FALSE(x.h.Exists("a"));
}

TEST(Hash, ListpackKeepsInsertionOrderAndUpdatesInPlace) {
  HashHolder x;
  EXPECT_TRUE(x.h.Set("b", "1"));
  EXPECT_TRUE(x.h.Set("a", "2"));
  EXPECT_TRUE(x.h.Set("c", "3"));
  EXPECT_FALSE(x.h.Set("a", "two"));
  EXPECT_EQ(FieldOrder(x.h), (std::vector<std::string>{"b", "a", "c"}));
  std::string_view v;
  ASSERT_TRUE(x.h.Get("a", &v));
  EXPECT_EQ(v, "two");
  EXPECT_EQ(x.h.size(), 3u);
  EXPECT_TRUE(x.h.Delete("a"));
  EXPECT_FALSE(x.h.Delete("a"));
  EXPECT_EQ(FieldOrder(x.h), (std::vector<std::string>{"b", "c"}));
}

// Values and fields around the one-byte pair header limits (field < 15, value < 16 bytes),
// replaced by longer and shorter ones, must never disturb the neighbouring pairs.
TEST(Hash, ListpackValueRewritesAcrossHeaderSizesKeepNeighbours) {
  const std::vector<size_t> lens = {0, 1, 14, 15, 16, 17, 127, 128, 129, 300, 16383, 16384};
  for (size_t field_len : {size_t{1}, size_t{14}, size_t{15}, size_t{200}}) {
    HashHolder x;
    std::string field(field_len, 'f');
    x.h.Set("before", "B");
    x.h.Set(field, "start");
    x.h.Set("after", "A");
    for (size_t a : lens) {
      for (size_t b : lens) {
        std::string va(a, 'x'), vb(b, 'y');
        x.h.Set(field, va);
        x.h.Set(field, vb);
        std::string_view got;
        ASSERT_TRUE(x.h.Get(field, &got)) << field_len << " " << a << "->" << b;
        ASSERT_EQ(got, vb) << field_len << " " << a << "->" << b;
        ASSERT_TRUE(x.h.Get("before", &got));
        ASSERT_EQ(got, "B");
        ASSERT_TRUE(x.h.Get("after", &got));
        ASSERT_EQ(got, "A");
        ASSERT_EQ(x.h.size(), 3u);
      }
    }
    EXPECT_EQ(FieldOrder(x.h), (std::vector<std::string>{"before", field, "after"}));
  }
}

TEST(Hash, EmptyFieldsAndValuesAndBinaryBytesRoundTrip) {
  HashHolder x;
  std::string bin("a\0\xff\r\n", 5);
  x.h.Set("", "");
  x.h.Set(bin, bin);
  std::string_view v;
  ASSERT_TRUE(x.h.Get("", &v));
  EXPECT_EQ(v, "");
  ASSERT_TRUE(x.h.Get(bin, &v));
  EXPECT_EQ(v, bin);
  EXPECT_FALSE(x.h.Get(std::string("a\0", 2), &v));
}

TEST(Hash, RandomListpackOperationsMatchAMap) {
  std::mt19937 rng(7);
  HashHolder x;
  std::map<std::string, std::string> model;
  for (int i = 0; i < 20000; ++i) {
    std::string f = "f" + std::to_string(rng() % 40);
    if (rng() % 3 == 0) {
      EXPECT_EQ(x.h.Delete(f), model.erase(f) == 1);
    } else {
      std::string v(rng() % 40, static_cast<char>('a' + rng() % 26));
      EXPECT_EQ(x.h.Set(f, v), model.count(f) == 0);
      model[f] = v;
    }
  }
  EXPECT_EQ(Contents(x.h), model);
  EXPECT_EQ(x.h.size(), model.size());
}

TEST(Hash, ConversionKeepsEveryPairAndHashtableWorksTheSame) {
  HashHolder x;
  for (int i = 0; i < 200; ++i) x.h.Set("field:" + std::to_string(i), "v" + std::to_string(i));
  auto before = Contents(x.h);
  x.h.ConvertToHashtable();
  EXPECT_FALSE(x.h.listpack());
  EXPECT_EQ(Contents(x.h), before);
  EXPECT_EQ(x.h.size(), 200u);
  // Values growing past the node's allocation, and shrinking.
  EXPECT_FALSE(x.h.Set("field:5", std::string(1000, 'z')));
  EXPECT_FALSE(x.h.Set("field:6", ""));
  std::string_view v;
  ASSERT_TRUE(x.h.Get("field:5", &v));
  EXPECT_EQ(v, std::string(1000, 'z'));
  ASSERT_TRUE(x.h.Get("field:6", &v));
  EXPECT_EQ(v, "");
  EXPECT_TRUE(x.h.Delete("field:7"));
  EXPECT_FALSE(x.h.Exists("field:7"));
  EXPECT_EQ(x.h.size(), 199u);
}

TEST(Hash, CloneIsDeepInBothEncodings) {
  for (bool convert : {false, true}) {
    HashHolder x;
    x.h.Set("a", "1");
    x.h.Set("b", "2");
    if (convert) x.h.ConvertToHashtable();
    Hash c = x.h.Clone();
    x.h.Set("a", "changed");
    std::string_view v;
    ASSERT_TRUE(c.Get("a", &v));
    EXPECT_EQ(v, "1");
    EXPECT_EQ(c.listpack(), !convert);
    EXPECT_EQ(c.size(), 2u);
    c.Free();
  }
}

TEST(Hash, ObjectOpsFreeCloneAndSizeAHashEntry) {
  Hash h = Hash::NewListpack();
  h.Set("f", "v");
  Entry* e = Entry::NewObject("k", ObjType::kHash, Encoding::kListpack, h.ptr());
  Entry* c = Entry::CloneAs(e, "k2");
  EXPECT_GT(ObjectBytes(ObjType::kHash, c->obj()), 0u);
  EXPECT_TRUE(Hash(c->obj()).Exists("f"));
  Entry::Free(e);
  Entry::Free(c);
}

TEST(Hash, TenSmallFieldsFitOneSmallBlock) {
  HashHolder x;
  for (int i = 0; i < 10; ++i) x.h.Set("field:" + std::to_string(i), "value-0000");
  // 4-byte header + 10 * (1-byte pair header + 7 + 10): the memory figure depends on it.
  x.h.ShrinkToFit();
  EXPECT_LE(x.h.bytes(), 200u);
}

TEST(Hash, RandomPairComesFromTheHash) {
  for (bool convert : {false, true}) {
    HashHolder x;
    for (int i = 0; i < 50; ++i) x.h.Set("f" + std::to_string(i), "v" + std::to_string(i));
    if (convert) x.h.ConvertToHashtable();
    std::set<std::string> seen;
    Rng rng(1);
    for (int i = 0; i < 2000; ++i) {
      auto [f, v] = x.h.RandomPair(rng);
      ASSERT_EQ("v" + std::string(f.substr(1)), v);
      seen.emplace(f);
    }
    EXPECT_GT(seen.size(), 40u) << "random pairs should cover most fields";
  }
}

TEST(Hash, ListpackScanReturnsEverythingWithCursorZero) {
  HashHolder x;
  x.h.Set("a", "1");
  x.h.Set("b", "2");
  size_t n = 0;
  EXPECT_EQ(x.h.Scan(0, [&](std::string_view, std::string_view) { ++n; }), 0u);
  EXPECT_EQ(n, 2u);
}

// Redis's guarantee: a full iteration returns every element present from start to end, even
// when the table grows and shrinks between calls.
TEST(Hash, HashtableScanReturnsEveryStableFieldAcrossResizes) {
  HashHolder x;
  for (int i = 0; i < 300; ++i) x.h.Set("stable" + std::to_string(i), "v");
  x.h.ConvertToHashtable();
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0;
  do {
    cursor = x.h.Scan(cursor, [&](std::string_view f, std::string_view) { seen.emplace(f); });
    // Grow, then shrink, while the iteration is under way.
    if (step < 20)
      for (int i = 0; i < 100; ++i) x.h.Set("tmp" + std::to_string(step * 100 + i), "t");
    else if (step < 40)
      for (int i = 0; i < 100; ++i) x.h.Delete("tmp" + std::to_string((step - 20) * 100 + i));
    ++step;
  } while (cursor != 0);
  for (int i = 0; i < 300; ++i) EXPECT_TRUE(seen.count("stable" + std::to_string(i))) << i;
}

}  // namespace
}  // namespace ks
