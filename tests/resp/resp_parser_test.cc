#include "resp/resp_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ks {
namespace {

std::vector<std::string> Args(const ArgVector& a) { return {a.begin(), a.end()}; }

struct Valid {
  std::string name;
  std::string bytes;
  std::vector<std::string> args;
};

std::vector<Valid> ValidMessages() {
  std::string big(100000, 'x');
  big[0] = '\r';
  big[1] = '\n';  // binary-safe: CRLF inside a bulk is data
  return {
      {"Multibulk", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n", {"SET", "k", "value"}},
      {"MultibulkEmptyBulk", "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", {"ECHO", ""}},
      {"Inline", "SET k v\r\n", {"SET", "k", "v"}},
      {"InlineLfOnly", "PING\n", {"PING"}},
      {"InlineQuoted", "SET \"a b\" 'c d' \"\\x41\\n\"\r\n", {"SET", "a b", "c d", "A\n"}},
      {"LargeBulk", "*2\r\n$4\r\nECHO\r\n$100000\r\n" + big + "\r\n", {"ECHO", big}},
  };
}

TEST(RespParser, ValidMessagesParseWhole) {
  for (const Valid& v : ValidMessages()) {
    RequestParser p;
    ArgVector args;
    ParseResult r = p.Parse(v.bytes, args);
    ASSERT_EQ(r.status, ParseStatus::kOk) << v.name;
    EXPECT_EQ(r.consumed, v.bytes.size()) << v.name;
    EXPECT_EQ(Args(args), v.args) << v.name;
  }
}

TEST(RespParser, EveryTruncatedPrefixIsIncompleteWithNothingConsumed) {
  for (const Valid& v : ValidMessages()) {
    RequestParser p;
    ArgVector args;
    for (size_t n = 0; n < v.bytes.size(); ++n) {
      ParseResult r = p.Parse(std::string_view(v.bytes).substr(0, n), args);
      ASSERT_EQ(r.status, ParseStatus::kIncomplete) << v.name << " prefix " << n;
      ASSERT_EQ(r.consumed, 0u) << v.name << " prefix " << n;
      ASSERT_TRUE(args.empty()) << v.name << " prefix " << n;
    }
  }
}

TEST(RespParser, LargeBulkReportsTheBytesItNeeds) {
  std::string head = "*2\r\n$4\r\nECHO\r\n$100000\r\n";
  RequestParser p;
  ArgVector args;
  ParseResult r = p.Parse(head + "xyz", args);
  ASSERT_EQ(r.status, ParseStatus::kIncomplete);
  EXPECT_EQ(r.needed, head.size() + 100000 + 2);
}

TEST(RespParser, PipelinedCommandsParseOneAtATime) {
  std::string data = "*1\r\n$4\r\nPING\r\nECHO hi\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*0\r\n";
  RequestParser p;
  ArgVector args;
  std::vector<std::vector<std::string>> seen;
  size_t pos = 0;
  while (pos < data.size()) {
    ParseResult r = p.Parse(std::string_view(data).substr(pos), args);
    ASSERT_EQ(r.status, ParseStatus::kOk) << "at " << pos;
    ASSERT_GT(r.consumed, 0u);
    pos += r.consumed;
    if (!args.empty()) seen.push_back(Args(args));
  }
  EXPECT_EQ(seen, (std::vector<std::vector<std::string>>{{"PING"}, {"ECHO", "hi"}, {"GET", "k"}}));
}

struct Malformed {
  std::string name;
  std::string bytes;
  std::string error;
  ParserLimits limits = {};
};

class RespParserErrors : public testing::TestWithParam<Malformed> {};

TEST_P(RespParserErrors, AnswerWithRedisExactError) {
  const Malformed& m = GetParam();
  RequestParser p(m.limits);
  ArgVector args;
  ParseResult r = p.Parse(m.bytes, args);
  ASSERT_EQ(r.status, ParseStatus::kError) << m.name;
  EXPECT_EQ(r.error, m.error);
  EXPECT_TRUE(args.empty());
}

ParserLimits SmallBulk() {
  ParserLimits l;
  l.max_bulk_len = 1024 * 1024;
  return l;
}
ParserLimits Unauthenticated() {
  ParserLimits l;
  l.unauthenticated = true;
  return l;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RespParserErrors,
    testing::Values(
        Malformed{"MultibulkCountNotNumber", "*abc\r\n", "ERR Protocol error: invalid multibulk length"},
        Malformed{"MultibulkCountTooBig", "*2147483648\r\n", "ERR Protocol error: invalid multibulk length"},
        Malformed{"MultibulkCountSign", "*+1\r\n", "ERR Protocol error: invalid multibulk length"},
        Malformed{"ExpectedDollar", "*1\r\n+foo\r\n", "ERR Protocol error: expected '$', got '+'"},
        Malformed{"ExpectedDollarInline", "*2\r\n$3\r\nGET\r\nfoo\r\n", "ERR Protocol error: expected '$', got 'f'"},
        Malformed{"BulkLengthNotNumber", "*1\r\n$x\r\n", "ERR Protocol error: invalid bulk length"},
        Malformed{"BulkLengthNegative", "*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"},
        Malformed{"BulkBeyondProtoMaxBulkLen", "*1\r\n$1048577\r\n", "ERR Protocol error: invalid bulk length",
                  SmallBulk()},
        Malformed{"UnauthenticatedMultibulk", "*11\r\n", "ERR Protocol error: unauthenticated multibulk length",
                  Unauthenticated()},
        Malformed{"UnauthenticatedBulk", "*1\r\n$16385\r\n", "ERR Protocol error: unauthenticated bulk length",
                  Unauthenticated()},
        Malformed{"UnbalancedDoubleQuote", "SET \"a b\r\n", "ERR Protocol error: unbalanced quotes in request"},
        Malformed{"UnbalancedSingleQuote", "SET 'a\r\n", "ERR Protocol error: unbalanced quotes in request"},
        Malformed{"QuoteFollowedByText", "SET \"a\"b c\r\n", "ERR Protocol error: unbalanced quotes in request"},
        Malformed{"TooBigInline", std::string(64 * 1024 + 1, 'a'), "ERR Protocol error: too big inline request"},
        Malformed{"TooBigMbulkCount", "*" + std::string(64 * 1024 + 1, '1'),
                  "ERR Protocol error: too big mbulk count string"},
        Malformed{"TooBigBulkCount", "*1\r\n$" + std::string(64 * 1024 + 1, '1'),
                  "ERR Protocol error: too big bulk count string"}),
    [](const testing::TestParamInfo<Malformed>& i) { return i.param.name; });

TEST(RespParser, InlineSplitsLikeSdssplitargs) {
  RequestParser p;
  ArgVector args;
  ASSERT_EQ(p.Parse("  SET\tk   v  \r\n", args).status, ParseStatus::kOk);
  EXPECT_EQ(Args(args), (std::vector<std::string>{"SET", "k", "v"}));
  // \v is a separator only between words, not inside one.
  ASSERT_EQ(p.Parse("ECHO a\vb\r\n", args).status, ParseStatus::kOk);
  EXPECT_EQ(Args(args), (std::vector<std::string>{"ECHO", "a\vb"}));
  // A NUL byte ends the line, as Redis parses it as a C string.
  std::string nul("ECHO a\0b\r\n", 10);
  ParseResult r = p.Parse(nul, args);
  ASSERT_EQ(r.status, ParseStatus::kOk);
  EXPECT_EQ(r.consumed, nul.size());
  EXPECT_EQ(Args(args), (std::vector<std::string>{"ECHO", "a"}));
  ASSERT_EQ(p.Parse("SET 'it\\'s' \"q\\\"\"\r\n", args).status, ParseStatus::kOk);
  EXPECT_EQ(Args(args), (std::vector<std::string>{"SET", "it's", "q\""}));
}

TEST(RespParser, EmptyLineAndZeroCountAreNoCommand) {
  RequestParser p;
  ArgVector args;
  ParseResult r = p.Parse("\r\n", args);
  EXPECT_EQ(r.status, ParseStatus::kOk);
  EXPECT_EQ(r.consumed, 2u);
  EXPECT_TRUE(args.empty());
  r = p.Parse("*-1\r\n", args);
  EXPECT_EQ(r.status, ParseStatus::kOk);
  EXPECT_EQ(r.consumed, 5u);
  EXPECT_TRUE(args.empty());
}

}  // namespace
}  // namespace ks
