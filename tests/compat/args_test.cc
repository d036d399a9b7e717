#include "tools/compat/args.h"

#include <gtest/gtest.h>

namespace keyshard::compat {
namespace {

std::vector<std::string> Split(const std::string& line) {
  std::string err;
  auto toks = SplitArgs(line, &err);
  EXPECT_TRUE(toks.has_value()) << err;
  std::vector<std::string> out;
  if (toks)
    for (auto& t : *toks) out.push_back(t.text);
  return out;
}

TEST(SplitArgs, SplitsOnWhitespaceLikeRedisCli) {
  EXPECT_EQ(Split("SET  key\tvalue "), (std::vector<std::string>{"SET", "key", "value"}));
}

TEST(SplitArgs, DoubleQuotesTakeEscapes) {
  EXPECT_EQ(Split(R"(SET "a b" "\x00\xffz\n\"")"),
            (std::vector<std::string>{"SET", "a b", std::string("\x00\xffz\n\"", 5)}));
}

TEST(SplitArgs, SingleQuotesOnlyEscapeTheQuote) {
  EXPECT_EQ(Split(R"(ECHO 'it\'s \n')"), (std::vector<std::string>{"ECHO", "it's \\n"}));
}

TEST(SplitArgs, EmptyQuotedArgumentIsKept) {
  EXPECT_EQ(Split(R"(SET k "")"), (std::vector<std::string>{"SET", "k", ""}));
}

TEST(SplitArgs, RejectsUnbalancedAndGluedQuotes) {
  std::string err;
  EXPECT_FALSE(SplitArgs(R"(SET "abc)", &err));
  EXPECT_FALSE(SplitArgs(R"(SET "a"b)", &err));
  EXPECT_FALSE(SplitArgs("SET 'a", &err));
}

TEST(SplitArgs, StopsAfterUnquotedArrowOnly) {
  std::string err;
  auto toks = SplitArgs(R"(ECHO "=>" => "=> x)", &err, true);
  ASSERT_TRUE(toks);
  ASSERT_EQ(toks->size(), 3u);
  EXPECT_TRUE((*toks)[1].quoted);
  EXPECT_EQ((*toks)[2].text, "=>");
}

TEST(QuoteArg, RoundTripsThroughSplitArgs) {
  for (std::string s : {std::string("plain"), std::string(""), std::string("a b"), std::string("\x00\x01\xfe", 3),
                        std::string("q\"uote"), std::string("=>"), std::string("#hash"), std::string("back\\slash")}) {
    auto parts = Split("CMD " + QuoteArg(s));
    ASSERT_EQ(parts.size(), 2u) << QuoteArg(s);
    EXPECT_EQ(parts[1], s);
  }
}

}  // namespace
}  // namespace keyshard::compat
