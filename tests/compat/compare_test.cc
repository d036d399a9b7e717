#include "tools/compat/compare.h"

#include <gtest/gtest.h>

#include "tools/compat/matcher.h"

namespace keyshard::compat {
namespace {

using Argv = std::vector<std::string>;
Reply B(const char* s) { return Reply::Bulk(s); }
Reply I(long long v) { return Reply::Integer(v); }
Reply Arr(std::vector<Reply> v) { return Reply::Array(std::move(v)); }

struct CompareCase {
  Argv argv;
  Reply target, reference;
  bool agree;
};

class ComparePolicies : public ::testing::TestWithParam<CompareCase> {};

TEST_P(ComparePolicies, AgreeOnlyWhereThePolicyAllows) {
  const auto& c = GetParam();
  auto why = CompareReplies(c.argv, c.target, c.reference);
  EXPECT_EQ(!why.has_value(), c.agree) << Render(c.target) << " vs " << Render(c.reference) << ": "
                                       << why.value_or("agree");
}

INSTANTIATE_TEST_SUITE_P(
    All, ComparePolicies,
    ::testing::Values(
        CompareCase{{"GET", "k"}, B("v"), B("v"), true}, CompareCase{{"GET", "k"}, B("v"), B("w"), false},
        CompareCase{{"GET", "k"}, Reply::Status("v"), B("v"), false},
        CompareCase{{"GET", "k"}, Reply::Nil(), B(""), false},
        CompareCase{{"MGET", "a", "b"}, Arr({B("1"), B("2")}), Arr({B("2"), B("1")}), false},
        CompareCase{{"KEYS", "*"}, Arr({B("1"), B("2")}), Arr({B("2"), B("1")}), true},
        CompareCase{{"smembers", "s"}, Arr({B("1"), B("2")}), Arr({B("1"), B("3")}), false},
        CompareCase{{"HGETALL", "h"}, Arr({B("f"), B("1"), B("g"), B("2")}), Arr({B("g"), B("2"), B("f"), B("1")}), true},
        CompareCase{{"HGETALL", "h"}, Arr({B("f"), B("2"), B("g"), B("1")}), Arr({B("g"), B("2"), B("f"), B("1")}), false},
        CompareCase{{"TTL", "k"}, I(99), I(100), true}, CompareCase{{"TTL", "k"}, I(98), I(100), false},
        CompareCase{{"TTL", "k"}, I(-1), I(0), false}, CompareCase{{"PTTL", "k"}, I(99950), I(100000), true},
        CompareCase{{"PTTL", "k"}, I(99800), I(100000), false},
        CompareCase{{"SET", "k", "v"}, Reply::Error("ERR syntax error"), Reply::Error("ERR syntax error"), true},
        CompareCase{{"SET", "k", "v"}, Reply::Error("ERR syntax"), Reply::Error("ERR syntax error"), false},
        CompareCase{{"KEYS", "*"}, Reply::Error("ERR x"), Reply::Error("ERR y"), false},
        CompareCase{{"SRANDMEMBER", "s", "2"}, Arr({B("a"), B("b")}), Arr({B("c"), B("a")}), true},
        CompareCase{{"SRANDMEMBER", "s", "2"}, Arr({B("a")}), Arr({B("c"), B("a")}), false},
        CompareCase{{"SRANDMEMBER", "s", "5"}, Arr({B("a"), B("b")}), Arr({B("b"), B("a")}), true},
        CompareCase{{"SRANDMEMBER", "s", "5"}, Arr({B("a"), B("b")}), Arr({B("b"), B("c")}), false},
        CompareCase{{"SRANDMEMBER", "s"}, B("a"), B("b"), true}, CompareCase{{"SRANDMEMBER", "s"}, B("a"), Reply::Nil(), false},
        CompareCase{{"SCAN", "0"}, Arr({B("0"), Arr({B("a"), B("b"), B("a")})}), Arr({B("0"), Arr({B("b"), B("a")})}), true},
        CompareCase{{"SCAN", "0"}, Arr({B("0"), Arr({B("a")})}), Arr({B("0"), Arr({B("b"), B("a")})}), false},
        CompareCase{{"SCAN", "17"}, Arr({B("3"), Arr({B("a")})}), Arr({B("9"), Arr({B("z")})}), true},
        CompareCase{{"INFO"}, B("# Server\r\nredis_version:7"), B("# Server\r\nkeyshard"), true},
        CompareCase{{"CLIENT", "ID"}, I(3), I(9), true}, CompareCase{{"CONFIG", "GET", "*max*"},
                                                                   Arr({B("a"), B("1"), B("b"), B("2")}),
                                                                   Arr({B("b"), B("2"), B("a"), B("1")}), true},
        CompareCase{{"HELLO", "3"},
                    Reply::Map({B("server"), B("keyshard"), B("version"), B("0.1"), B("proto"), I(3)}),
                    Reply::Map({B("server"), B("redis"), B("version"), B("7.0.15"), B("proto"), I(3)}), true},
        CompareCase{{"HELLO", "3"}, Reply::Map({B("server"), B("keyshard"), B("proto"), I(2)}),
                    Reply::Map({B("server"), B("redis"), B("proto"), I(3)}), false}));

TEST(ExpectationFor, PassesOnTheReplyItWasMadeFrom) {
  std::vector<std::pair<Argv, Reply>> cases = {
      {{"GET", "k"}, B("v")},
      {{"KEYS", "*"}, Arr({B("a"), B("b")})},
      {{"HGETALL", "h"}, Arr({B("f"), B("1")})},
      {{"TTL", "k"}, I(100)},
      {{"SCAN", "0"}, Arr({B("0"), Arr({B("a")})})},
      {{"INFO"}, B("x")},
      {{"SET", "k"}, Reply::Error("ERR wrong number of arguments for 'set' command")}};
  for (const auto& [argv, reply] : cases) {
    auto m = ParseMatcher(ExpectationFor(argv, reply));
    ASSERT_TRUE(m.matcher) << ExpectationFor(argv, reply) << ": " << m.error;
    EXPECT_TRUE(Matches(*m.matcher, reply)) << ExpectationFor(argv, reply);
  }
  EXPECT_EQ(ExpectationFor({"TTL", "k"}, I(100)), "int(99..101)");
}

}  // namespace
}  // namespace keyshard::compat
