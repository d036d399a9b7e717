// The runner reads replies with resp/'s ReplyReader and compares them as Reply (FromResp):
// each RESP2 and RESP3 form must come out in the case-file notation as before.
#include <gtest/gtest.h>

#include "resp/reply_parser.h"
#include "tools/compat/reply.h"

namespace keyshard::compat {
namespace {

using ks::ReplyReader;
using Status = ks::ReplyStatus;

// Takes the next reply off r as the runner sees it.
Status Next(ReplyReader& r, Reply* out, std::string* err) {
  ks::RespValue v;
  Status s = r.Next(&v, err);
  if (s == Status::kOk) *out = FromResp(v);
  return s;
}

struct Wire {
  std::string bytes;
  std::string rendered;
};

class Resp3Wire : public ::testing::TestWithParam<Wire> {};

TEST_P(Resp3Wire, ParsesWholeMessage) {
  ReplyReader r;
  r.Feed(GetParam().bytes);
  Reply out;
  std::string err;
  ASSERT_EQ(Next(r, &out, &err), Status::kOk) << err;
  EXPECT_EQ(Render(out), GetParam().rendered);
  EXPECT_EQ(r.buffered(), 0u);
}

TEST_P(Resp3Wire, EveryTruncatedPrefixIsIncompleteAndConsumesNothing) {
  const std::string& b = GetParam().bytes;
  for (size_t n = 0; n < b.size(); ++n) {
    ReplyReader r;
    r.Feed(std::string_view(b).substr(0, n));
    Reply out;
    std::string err;
    ASSERT_EQ(Next(r, &out, &err), Status::kIncomplete) << "prefix " << n;
    EXPECT_EQ(r.buffered(), n);
    r.Feed(std::string_view(b).substr(n));  // the rest completes it
    ASSERT_EQ(Next(r, &out, &err), Status::kOk);
    EXPECT_EQ(Render(out), GetParam().rendered);
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, Resp3Wire,
    ::testing::Values(Wire{"+OK\r\n", "+OK"}, Wire{"-ERR bad\r\n", "!\"ERR bad\""}, Wire{":-12\r\n", "-12"},
                      Wire{"$3\r\nfoo\r\n", "\"foo\""}, Wire{"$-1\r\n", "nil"}, Wire{"*-1\r\n", "nil"},
                      Wire{"_\r\n", "nil"}, Wire{"$0\r\n\r\n", "\"\""}, Wire{",3.25\r\n", ",3.25"},
                      Wire{",inf\r\n", ",inf"}, Wire{"#t\r\n", "#t"}, Wire{"(12345678901234567890\r\n", "(12345678901234567890"},
                      Wire{"!9\r\nERR oops!\r\n", "!\"ERR oops!\""}, Wire{"=8\r\ntxt:abcd\r\n", "=\"abcd\""},
                      Wire{"*2\r\n$1\r\na\r\n:1\r\n", "[\"a\", 1]"}, Wire{"~2\r\n+a\r\n+b\r\n", "~[+a, +b]"},
                      Wire{"%2\r\n+k\r\n:1\r\n$2\r\nk2\r\n*1\r\n_\r\n", "{+k: 1, \"k2\": [nil]}"},
                      Wire{">2\r\n+message\r\n$1\r\nx\r\n", ">[+message, \"x\"]"},
                      Wire{"|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n", "\"v\""}, Wire{"*0\r\n", "[]"}));

TEST(FromResp, ReadsPipelinedRepliesInOrder) {
  ReplyReader r;
  std::string b = "+A\r\n:2\r\n";
  r.Feed(b);
  Reply out;
  std::string err;
  ASSERT_EQ(Next(r, &out, &err), Status::kOk);
  EXPECT_EQ(Render(out), "+A");
  ASSERT_EQ(Next(r, &out, &err), Status::kOk);
  EXPECT_EQ(Render(out), "2");
  EXPECT_EQ(Next(r, &out, &err), Status::kIncomplete);
}

TEST(FromResp, RejectsMalformedInput) {
  for (std::string bad : {"?x\r\n", ":12a\r\n", "$3\r\nfooX\r\n", "#x\r\n", "$-2\r\n", "%-1\r\n"}) {
    ReplyReader r;
    r.Feed(bad);
    Reply out;
    std::string err;
    EXPECT_EQ(Next(r, &out, &err), Status::kError) << bad;
    EXPECT_FALSE(err.empty());
  }
}

}  // namespace
}  // namespace keyshard::compat
