#include "common/strconv.h"

#include <gtest/gtest.h>

namespace ks {
namespace {

TEST(StrToLL, AcceptsWhatRedisString2llAccepts) {
  int64_t v;
  EXPECT_TRUE(StrToLL("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(StrToLL("-42", &v));
  EXPECT_EQ(v, -42);
  EXPECT_TRUE(StrToLL("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(StrToLL("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
}

TEST(StrToLL, RejectsWhatRedisRejects) {
  int64_t v;
  for (const char* bad : {"", "-", "+1", "01", "-0", " 1", "1 ", "1a", "9223372036854775808",
                          "-9223372036854775809", "1.0", "0x10"})
    EXPECT_FALSE(StrToLL(bad, &v)) << bad;
}

TEST(StrToD, AcceptsInfinityRejectsNanAndSpaces) {
  double d;
  EXPECT_TRUE(StrToD("inf", &d));
  EXPECT_TRUE(StrToD("-inf", &d));
  EXPECT_TRUE(StrToD("+inf", &d));
  EXPECT_TRUE(StrToD("1.5e3", &d));
  EXPECT_EQ(d, 1500);
  EXPECT_FALSE(StrToD("nan", &d));
  EXPECT_FALSE(StrToD(" 1", &d));
  EXPECT_FALSE(StrToD("1x", &d));
  EXPECT_FALSE(StrToD("", &d));
}

TEST(LDToStr, PrintsLikeIncrbyfloat) {
  EXPECT_EQ(LDToStr(10.5L), "10.5");
  EXPECT_EQ(LDToStr(3.0L), "3");
  EXPECT_EQ(LDToStr(-0.0L), "0");
  EXPECT_EQ(LDToStr(5.0e3L), "5000");
}

TEST(StrToScanCursor, FollowsRedisCursorParsing) {
  uint64_t c;
  EXPECT_TRUE(StrToScanCursor("", &c));
  EXPECT_EQ(c, 0u);
  EXPECT_TRUE(StrToScanCursor("+17", &c));
  EXPECT_EQ(c, 17u);
  EXPECT_TRUE(StrToScanCursor("-1", &c));
  EXPECT_EQ(c, UINT64_MAX);
  EXPECT_FALSE(StrToScanCursor(" 5", &c));
  EXPECT_FALSE(StrToScanCursor("5x", &c));
  EXPECT_FALSE(StrToScanCursor("-", &c));
  EXPECT_FALSE(StrToScanCursor("18446744073709551616", &c));
}

TEST(GlobMatch, SupportsRedisPatterns) {
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("h\\*llo", "h*llo"));
  EXPECT_FALSE(GlobMatch("h\\*llo", "hello"));
  EXPECT_TRUE(GlobMatch("*a*b*", "xxaxxbxx"));
  EXPECT_FALSE(GlobMatch("*a*b*", "xxbxxaxx"));
  EXPECT_TRUE(GlobMatch("HELLO", "hello", true));
  EXPECT_FALSE(GlobMatch("a", ""));
  EXPECT_TRUE(GlobMatch("", ""));
}

}  // namespace
}  // namespace ks
