#include "tools/compat/resp3_reader.h"

#include <gtest/gtest.h>

namespace keyshard::compat {
namespace {

struct Wire {
  std::string bytes;
  std::string rendered;
};

class Resp3Wire : public ::testing::TestWithParam<Wire> {};

TEST_P(Resp3Wire, ParsesWholeMessage) {
  Resp3Reader r;
  r.Feed(GetParam().bytes.data(), GetParam().bytes.size());
  Reply out;
  std::string err;
  ASSERT_EQ(r.Next(&out, &err), Resp3Reader::Status::kOk) << err;
  EXPECT_EQ(Render(out), GetParam().rendered);
  EXPECT_EQ(r.buffered(), 0u);
}

TEST_P(Resp3Wire, EveryTruncatedPrefixIsIncompleteAndConsumesNothing) {
  const std::string& b = GetParam().bytes;
  for (size_t n = 0; n < b.size(); ++n) {
    Resp3Reader r;
    r.Feed(b.data(), n);
    Reply out;
    std::string err;
    ASSERT_EQ(r.Next(&out, &err), Resp3Reader::Status::kIncomplete) << "prefix " << n;
    EXPECT_EQ(r.buffered(), n);
    r.Feed(b.data() + n, b.size() - n);  // the rest completes it
    ASSERT_EQ(r.Next(&out, &err), Resp3Reader::Status::kOk);
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

TEST(Resp3Reader, ReadsPipelinedRepliesInOrder) {
  Resp3Reader r;
  std::string b = "+A\r\n:2\r\n";
  r.Feed(b.data(), b.size());
  Reply out;
  std::string err;
  ASSERT_EQ(r.Next(&out, &err), Resp3Reader::Status::kOk);
  EXPECT_EQ(Render(out), "+A");
  ASSERT_EQ(r.Next(&out, &err), Resp3Reader::Status::kOk);
  EXPECT_EQ(Render(out), "2");
  EXPECT_EQ(r.Next(&out, &err), Resp3Reader::Status::kIncomplete);
}

TEST(Resp3Reader, RejectsMalformedInput) {
  for (std::string bad : {"?x\r\n", ":12a\r\n", "$3\r\nfooX\r\n", "#x\r\n", "$-2\r\n", "%-1\r\n"}) {
    Resp3Reader r;
    r.Feed(bad.data(), bad.size());
    Reply out;
    std::string err;
    EXPECT_EQ(r.Next(&out, &err), Resp3Reader::Status::kProtocolError) << bad;
    EXPECT_FALSE(err.empty());
  }
}

}  // namespace
}  // namespace keyshard::compat
