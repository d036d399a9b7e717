#include "engine/entry.h"

#include <gtest/gtest.h>

#include <string>

namespace ks {
namespace {

TEST(Entry, StringKeepsKeyAndValueInOneBlock) {
  Entry* e = Entry::NewString("key", "value", Encoding::kEmbstr);
  EXPECT_EQ(e->key(), "key");
  EXPECT_EQ(e->str(), "value");
  EXPECT_FALSE(e->has_expire());
  EXPECT_EQ(e->expire_ms(), Entry::kNoExpire);
  Entry::Free(e);
}

TEST(Entry, AddingAndRemovingTtlKeepsKeyAndValue) {
  Entry* e = Entry::NewString("k", "v", Encoding::kEmbstr);
  e = Entry::SetExpire(e, 12345);
  EXPECT_TRUE(e->has_expire());
  EXPECT_EQ(e->expire_ms(), 12345);
  EXPECT_EQ(e->key(), "k");
  EXPECT_EQ(e->str(), "v");
  e = Entry::SetExpire(e, 999);
  EXPECT_EQ(e->expire_ms(), 999);
  e = Entry::SetExpire(e, Entry::kNoExpire);
  EXPECT_FALSE(e->has_expire());
  EXPECT_EQ(e->key(), "k");
  EXPECT_EQ(e->str(), "v");
  Entry::Free(e);
}

TEST(Entry, ResizeStringZeroFillsAndKeepsPrefix) {
  Entry* e = Entry::NewString("k", "abc", Encoding::kRaw, 5);
  e = Entry::ResizeString(e, 6);
  EXPECT_EQ(e->str(), std::string("abc\0\0\0", 6));
  EXPECT_EQ(e->expire_ms(), 5);
  e = Entry::SetString(e, "x", Encoding::kEmbstr);
  EXPECT_EQ(e->str(), "x");
  EXPECT_EQ(e->key(), "k");
  Entry::Free(e);
}

TEST(Entry, RepeatedGrowthIsAmortised) {
  Entry* e = Entry::NewString("k", "", Encoding::kRaw);
  size_t reallocs = 0;
  for (size_t n = 1; n <= 100000; ++n) {
    Entry* before = e;
    e = Entry::ResizeString(e, n);
    e->mutable_str()[n - 1] = 'x';
    if (e != before) ++reallocs;
  }
  EXPECT_EQ(e->str().size(), 100000u);
  EXPECT_LT(reallocs, 40u);
  Entry::Free(e);
}

TEST(Entry, CloneAsCopiesValueTtlUnderNewKey) {
  Entry* e = Entry::NewString("a", "payload", Encoding::kEmbstr, 42);
  Entry* c = Entry::CloneAs(e, "bbbb");
  EXPECT_EQ(c->key(), "bbbb");
  EXPECT_EQ(c->str(), "payload");
  EXPECT_EQ(c->expire_ms(), 42);
  Entry::Free(e);
  Entry::Free(c);
}

TEST(StringEncoding, FollowsRedisRules) {
  EXPECT_EQ(StringEncodingFor("123"), Encoding::kInt);
  EXPECT_EQ(StringEncodingFor("-9223372036854775808"), Encoding::kInt);
  EXPECT_EQ(StringEncodingFor("9223372036854775808"), Encoding::kEmbstr);
  EXPECT_EQ(StringEncodingFor("0123"), Encoding::kEmbstr);
  EXPECT_EQ(StringEncodingFor("+1"), Encoding::kEmbstr);
  EXPECT_EQ(StringEncodingFor("-0"), Encoding::kEmbstr);
  EXPECT_EQ(StringEncodingFor(std::string(44, 'a')), Encoding::kEmbstr);
  EXPECT_EQ(StringEncodingFor(std::string(45, 'a')), Encoding::kRaw);
}

}  // namespace
}  // namespace ks
