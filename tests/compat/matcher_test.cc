#include "tools/compat/matcher.h"

#include <gtest/gtest.h>

namespace keyshard::compat {
namespace {

Matcher Parse(const std::string& text) {
  auto p = ParseMatcher(text);
  EXPECT_TRUE(p.matcher.has_value()) << text << ": " << p.error;
  return p.matcher.value_or(Matcher{});
}

struct MatchCase {
  const char* expect;
  Reply reply;
  bool matches;
};

class MatcherTable : public ::testing::TestWithParam<MatchCase> {};

TEST_P(MatcherTable, MatchesAsDocumented) {
  const auto& c = GetParam();
  EXPECT_EQ(Matches(Parse(c.expect), c.reply), c.matches) << c.expect << " vs " << Render(c.reply);
}

Reply Arr(std::vector<Reply> v) { return Reply::Array(std::move(v)); }
Reply B(const char* s) { return Reply::Bulk(s); }

INSTANTIATE_TEST_SUITE_P(
    All, MatcherTable,
    ::testing::Values(
        MatchCase{"+OK", Reply::Status("OK"), true}, MatchCase{"+OK", B("OK"), false},
        MatchCase{"\"OK\"", B("OK"), true}, MatchCase{"\"OK\"", Reply::Status("OK"), false},
        MatchCase{"'a\\'b'", B("a'b"), true}, MatchCase{"\"\\x00\"", Reply::Bulk(std::string(1, '\0')), true},
        MatchCase{"42", Reply::Integer(42), true}, MatchCase{"-7", Reply::Integer(-7), true},
        MatchCase{"42", B("42"), false}, MatchCase{"nil", Reply::Nil(), true}, MatchCase{"nil", B(""), false},
        MatchCase{"int", Reply::Integer(-5), true}, MatchCase{"int", B("5"), false},
        MatchCase{"int(1..3)", Reply::Integer(3), true}, MatchCase{"int(1..3)", Reply::Integer(4), false},
        MatchCase{"any", Reply::Error("ERR x"), true},
        MatchCase{"!\"ERR syntax error\"", Reply::Error("ERR syntax error"), true},
        MatchCase{"!\"ERR syntax error\"", Reply::Error("ERR syntax error "), false},
        MatchCase{"!/^WRONGTYPE/", Reply::Error("WRONGTYPE Operation"), true},
        MatchCase{"!/^WRONGTYPE/", B("WRONGTYPE"), false}, MatchCase{"/^he.*o$/", B("hello"), true},
        MatchCase{"float(3.14)", B("3.14000000000000012"), true}, MatchCase{"float(3.14)", B("3.15"), false},
        MatchCase{"float(3.14, 0.01)", B("3.145"), true}, MatchCase{"float(1.5)", Reply::Double(1.5, "1.5"), true},
        MatchCase{"float(inf)", B("inf"), true},
        MatchCase{"[\"a\", nil, 1]", Arr({B("a"), Reply::Nil(), Reply::Integer(1)}), true},
        MatchCase{"[\"a\", \"b\"]", Arr({B("b"), B("a")}), false}, MatchCase{"[]", Arr({}), true},
        MatchCase{"~[\"a\", \"b\"]", Arr({B("b"), B("a")}), true},
        MatchCase{"~[\"a\", \"b\"]", Reply::Set({B("b"), B("a")}), true},
        MatchCase{"~[\"a\", \"a\"]", Arr({B("a"), B("b")}), false},
        MatchCase{"~[int, 5]", Arr({Reply::Integer(5), Reply::Integer(7)}), true},
        MatchCase{"{\"f\": \"1\", \"g\": \"2\"}", Reply::Map({B("g"), B("2"), B("f"), B("1")}), true},
        MatchCase{"{\"f\": \"1\", \"g\": \"2\"}", Arr({B("g"), B("2"), B("f"), B("1")}), true},
        MatchCase{"{\"f\": \"1\"}", Reply::Map({B("f"), B("2")}), false},
        MatchCase{",1.5", Reply::Double(1.5, "1.5"), true}, MatchCase{"#t", Reply::Bool(true), true},
        MatchCase{"#f", Reply::Bool(true), false},
        MatchCase{"[[\"x\", 1], ~[]]  # trailing comment", Arr({Arr({B("x"), Reply::Integer(1)}), Arr({})}), true}));

TEST(Matcher, LooseOnlyWithWildcardsSomewhere) {
  EXPECT_FALSE(Parse("[\"a\", ~[1, 2], {\"k\": nil}]").IsLoose());
  EXPECT_TRUE(Parse("[\"a\", [int]]").IsLoose());
  EXPECT_TRUE(Parse("!/ERR/").IsLoose());
  EXPECT_TRUE(Parse("float(1)").IsLoose());
}

TEST(Matcher, DescribeRoundTrips) {
  for (const char* text : {"+OK", "\"a\\x00b\"", "nil", "-3", "int(0..100)", "!\"ERR x\"", "!/^E\\/R/",
                           "~[\"a\", 1]", "{\"k\": [nil, any]}", ">[\"message\"]", "#t", ",2.5"}) {
    Matcher m = Parse(text);
    Matcher again = Parse(Describe(m));
    EXPECT_EQ(Describe(again), Describe(m)) << text;
  }
}

TEST(Matcher, ReportsErrorsAndIncompleteInput) {
  EXPECT_TRUE(ParseMatcher("[\"a\", ").incomplete);
  EXPECT_TRUE(ParseMatcher("{\"a\": 1").incomplete);
  for (const char* bad : {"OK", "\"open", "!ERR", "int(1-2)", "float(x)", "[1 2]", "1 2", "!/(/", "#x", ""}) {
    auto p = ParseMatcher(bad);
    EXPECT_FALSE(p.matcher.has_value()) << bad;
    EXPECT_FALSE(p.error.empty()) << bad;
  }
  EXPECT_FALSE(ParseMatcher("[1 2]").incomplete);
}

}  // namespace
}  // namespace keyshard::compat
