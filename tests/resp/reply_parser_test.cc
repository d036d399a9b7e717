#include "resp/reply_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "resp/reply_builder.h"
#include "tests/resp/reply_parser_invariants.h"

namespace ks {
namespace {

using V = RespValue;
using Type = RespValue::Type;

struct Wire {
  std::string name;
  std::string bytes;
  RespValue value;
};

RespValue WithAttributes(RespValue v, std::vector<RespValue> attrs) {
  v.attributes = std::move(attrs);
  return v;
}

RespValue Dbl(double d, std::string text) {
  RespValue v = V::Double(d);
  v.str = std::move(text);
  return v;
}

// One sample of every type, in the exact form Redis writes it.
std::vector<Wire> Samples() {
  std::string big(70000, 'x');
  big[10] = '\r';
  big[11] = '\n';  // CRLF inside a bulk is data
  return {
      {"Simple", "+OK\r\n", V::Simple("OK")},
      {"Error", "-ERR bad thing\r\n", V::Error("ERR bad thing")},
      {"BlobError", "!21\r\nSYNTAX invalid syntax\r\n", V::Error("SYNTAX invalid syntax")},
      {"Integer", ":-12\r\n", V::Integer(-12)},
      {"IntegerMax", ":9223372036854775807\r\n", V::Integer(INT64_MAX)},
      {"Bulk", "$3\r\nfoo\r\n", V::Bulk("foo")},
      {"EmptyBulk", "$0\r\n\r\n", V::Bulk("")},
      {"BinaryBulk", "$70000\r\n" + big + "\r\n", V::Bulk(big)},
      {"NullBulk", "$-1\r\n", V::Null()},
      {"NullArray", "*-1\r\n", V::NullArray()},
      {"Resp3Null", "_\r\n", V::Null()},
      {"EmptyArray", "*0\r\n", V::Array({})},
      {"Array", "*3\r\n$1\r\na\r\n:1\r\n$-1\r\n", V::Array({V::Bulk("a"), V::Integer(1), V::Null()})},
      {"NestedArray", "*2\r\n*1\r\n+x\r\n*0\r\n", V::Array({V::Array({V::Simple("x")}), V::Array({})})},
      {"Double", ",3.141\r\n", Dbl(3.141, "3.141")},
      {"DoubleExponent", ",1.25e+20\r\n", Dbl(1.25e20, "1.25e+20")},
      {"DoubleInf", ",inf\r\n", Dbl(INFINITY, "inf")},
      {"DoubleNegInf", ",-inf\r\n", Dbl(-INFINITY, "-inf")},
      {"DoubleNan", ",nan\r\n", Dbl(NAN, "nan")},
      {"True", "#t\r\n", V::Bool(true)},
      {"False", "#f\r\n", V::Bool(false)},
      {"BigNumber", "(1234567999999999999999999999999999999\r\n", V::BigNumber("1234567999999999999999999999999999999")},
      {"NegativeBigNumber", "(-3492890328409238509324850943850943825024385\r\n",
       V::BigNumber("-3492890328409238509324850943850943825024385")},
      {"Verbatim", "=29\r\ntxt:This is a verbatim\nstring\r\n", V::Verbatim("txt", "This is a verbatim\nstring")},
      {"Map", "%2\r\n+k\r\n:1\r\n$2\r\nk2\r\n*1\r\n_\r\n",
       V::Map({V::Simple("k"), V::Integer(1), V::Bulk("k2"), V::Array({V::Null()})})},
      {"Set", "~3\r\n:0\r\n:1\r\n:2\r\n", V::Set({V::Integer(0), V::Integer(1), V::Integer(2)})},
      {"Push", ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n", V::Push({V::Bulk("server-cpu-usage"), V::Integer(42)})},
      {"Attribute", "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$4\r\nreal\r\n",
       WithAttributes(V::Bulk("real"),
                      {V::Bulk("key-popularity"), V::Array({V::Bulk("key:123"), V::Integer(90)})})},
      {"AttributeOnNestedElement", "*2\r\n:1\r\n|1\r\n+a\r\n:2\r\n:3\r\n",
       V::Array({V::Integer(1), WithAttributes(V::Integer(3), {V::Simple("a"), V::Integer(2)})})},
      {"EmptyAttribute", "|0\r\n:7\r\n", V::Integer(7)},
  };
}

std::string AllBytes() {
  std::string all;
  for (const Wire& w : Samples()) all += w.bytes;
  return all;
}

std::vector<RespValue> AllValues() {
  std::vector<RespValue> all;
  for (const Wire& w : Samples()) all.push_back(w.value);
  return all;
}

// Every reply a reader yields from bytes fed in pieces of the given sizes (cycled).
std::vector<RespValue> ReadInPieces(const std::string& bytes, std::vector<size_t> pieces) {
  ReplyReader reader;
  std::vector<RespValue> got;
  size_t off = 0;
  for (size_t i = 0; off < bytes.size(); ++i) {
    size_t n = std::min(pieces[i % pieces.size()], bytes.size() - off);
    reader.Feed(std::string_view(bytes).substr(off, n));
    off += n;
    RespValue v;
    std::string err;
    ReplyStatus s;
    while ((s = reader.Next(&v, &err)) == ReplyStatus::kOk) got.push_back(std::move(v));
    EXPECT_EQ(s, ReplyStatus::kIncomplete) << err;
  }
  EXPECT_EQ(reader.buffered(), 0u);
  return got;
}

TEST(ReplyParser, EveryTypeParsesWhole) {
  for (const Wire& w : Samples()) {
    RespValue v;
    ReplyParseResult r = ParseReply(w.bytes, &v);
    ASSERT_EQ(r.status, ReplyStatus::kOk) << w.name << ": " << r.error;
    EXPECT_EQ(r.consumed, w.bytes.size()) << w.name;
    EXPECT_EQ(v, w.value) << w.name;
  }
}

TEST(ReplyParser, KeepsTheTextOfDoublesAndTheFormatOfVerbatimStrings) {
  RespValue v;
  ASSERT_EQ(ParseReply(",-1.5e-7\r\n", &v).status, ReplyStatus::kOk);
  EXPECT_EQ(v.str, "-1.5e-7");
  EXPECT_EQ(v.dbl, -1.5e-7);
  ASSERT_EQ(ParseReply(",+2\r\n", &v).status, ReplyStatus::kOk);
  EXPECT_EQ(v.dbl, 2);
  ASSERT_EQ(ParseReply(",-nan\r\n", &v).status, ReplyStatus::kOk);
  EXPECT_TRUE(std::isnan(v.dbl));
  ASSERT_EQ(ParseReply(",1e400\r\n", &v).status, ReplyStatus::kOk);  // beyond double: inf
  EXPECT_EQ(v.dbl, INFINITY);
  ASSERT_EQ(ParseReply("=8\r\nmkd:# hi\r\n", &v).status, ReplyStatus::kOk);
  EXPECT_EQ(v.format(), "mkd");
  EXPECT_EQ(v.text(), "# hi");
  EXPECT_EQ(V::Bulk("x").format(), "");
  EXPECT_EQ(V::Bulk("x").text(), "x");
}

TEST(ReplyParser, EveryTruncatedPrefixIsIncompleteWithNothingConsumed) {
  for (const Wire& w : Samples()) {
    for (size_t n = 0; n < w.bytes.size(); ++n) {
      RespValue v;
      ReplyParseResult r = ParseReply(std::string_view(w.bytes).substr(0, n), &v);
      ASSERT_EQ(r.status, ReplyStatus::kIncomplete) << w.name << " prefix " << n << ": " << r.error;
      ASSERT_EQ(r.consumed, 0u) << w.name << " prefix " << n;
    }
  }
}

TEST(ReplyParser, ResumesOnAGrowingBufferAndFinishesExactlyAtTheLastByte) {
  for (const Wire& w : Samples()) {
    ReplyParser p;
    RespValue v;
    for (size_t n = 0; n < w.bytes.size(); ++n)
      ASSERT_EQ(p.Parse(std::string_view(w.bytes).substr(0, n), &v).status, ReplyStatus::kIncomplete)
          << w.name << " prefix " << n;
    ReplyParseResult r = p.Parse(w.bytes, &v);
    ASSERT_EQ(r.status, ReplyStatus::kOk) << w.name << ": " << r.error;
    EXPECT_EQ(r.consumed, w.bytes.size());
    EXPECT_EQ(v, w.value) << w.name;
  }
}

TEST(ReplyParser, ALargeBulkReportsTheBytesItNeeds) {
  RespValue v;
  ReplyParseResult r = ParseReply("$100000\r\nabc", &v);
  EXPECT_EQ(r.status, ReplyStatus::kIncomplete);
  EXPECT_EQ(r.needed, 9u + 100000 + 2);
}

TEST(ReplyReader, EverySplitPointOfAStreamGivesTheSameReplies) {
  const std::string all = AllBytes();
  const std::vector<RespValue> want = AllValues();
  for (size_t cut = 0; cut <= all.size(); cut += (cut < 400 ? 1 : 997)) {
    std::vector<size_t> pieces = {cut ? cut : 1, all.size()};
    ASSERT_EQ(ReadInPieces(all, pieces), want) << "split at " << cut;
  }
}

TEST(ReplyReader, ByteByByteFeedingGivesTheSameReplies) {
  EXPECT_EQ(ReadInPieces(AllBytes(), {1}), AllValues());
  EXPECT_EQ(ReadInPieces(AllBytes(), {2, 3, 5, 7}), AllValues());
}

TEST(ReplyReader, AnErrorIsStickyUntilReset) {
  ReplyReader r;
  r.Feed("+A\r\n?\r\n+B\r\n");
  RespValue v;
  std::string err;
  ASSERT_EQ(r.Next(&v, &err), ReplyStatus::kOk);
  EXPECT_EQ(v, V::Simple("A"));
  EXPECT_EQ(r.Next(&v, &err), ReplyStatus::kError);
  EXPECT_NE(err.find("unknown reply type byte"), std::string::npos) << err;
  err.clear();
  EXPECT_EQ(r.Next(&v, &err), ReplyStatus::kError);
  EXPECT_FALSE(err.empty());
  r.Reset();
  EXPECT_EQ(r.buffered(), 0u);
  r.Feed(":5\r\n");
  ASSERT_EQ(r.Next(&v, &err), ReplyStatus::kOk);
  EXPECT_EQ(v, V::Integer(5));
}

TEST(ReplyReader, SurvivesBeingMovedMidReply) {
  ReplyReader a;
  a.Feed("*2\r\n:1\r\n");
  RespValue v;
  std::string err;
  ASSERT_EQ(a.Next(&v, &err), ReplyStatus::kIncomplete);
  ReplyReader b = std::move(a);
  b.Feed(":2\r\n");
  ASSERT_EQ(b.Next(&v, &err), ReplyStatus::kOk) << err;
  EXPECT_EQ(v, V::Array({V::Integer(1), V::Integer(2)}));
}

TEST(ParseReplies, ReturnsEveryPipelinedReplyInOrder) {
  std::vector<RespValue> got;
  ReplyParseResult r = ParseReplies(AllBytes(), &got);
  EXPECT_EQ(r.status, ReplyStatus::kOk) << r.error;
  EXPECT_EQ(r.consumed, AllBytes().size());
  EXPECT_EQ(got, AllValues());
}

TEST(ParseReplies, StopsBeforeAPartialReply) {
  std::vector<RespValue> got;
  ReplyParseResult r = ParseReplies("+A\r\n:2\r\n$5\r\nab", &got);
  EXPECT_EQ(r.status, ReplyStatus::kIncomplete);
  EXPECT_EQ(r.consumed, 8u);
  EXPECT_EQ(r.needed, 8u + 4 + 5 + 2);
  EXPECT_EQ(got, (std::vector<RespValue>{V::Simple("A"), V::Integer(2)}));
}

TEST(ParseReplies, KeepsTheRepliesBeforeBadInput) {
  std::vector<RespValue> got;
  ReplyParseResult r = ParseReplies("+A\r\n:x\r\n+B\r\n", &got);
  EXPECT_EQ(r.status, ReplyStatus::kError);
  EXPECT_EQ(r.consumed, 4u);
  EXPECT_NE(r.error.find("invalid integer"), std::string::npos) << r.error;
  EXPECT_EQ(got, std::vector<RespValue>{V::Simple("A")});
}

struct Bad {
  std::string name;
  std::string bytes;
  std::string error;  // a part of the message
};

class Malformed : public ::testing::TestWithParam<Bad> {};

TEST_P(Malformed, IsAnErrorThatConsumesNothing) {
  ReplyParser p;
  RespValue v;
  ReplyParseResult r = p.Parse(GetParam().bytes, &v);
  ASSERT_EQ(r.status, ReplyStatus::kError) << GetParam().bytes;
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_NE(r.error.find(GetParam().error), std::string::npos) << r.error;
  // The parser starts afresh after an error.
  r = p.Parse("+OK\r\n", &v);
  ASSERT_EQ(r.status, ReplyStatus::kOk);
  EXPECT_EQ(v, V::Simple("OK"));
}

INSTANTIATE_TEST_SUITE_P(
    All, Malformed,
    ::testing::Values(
        Bad{"UnknownTypeByte", "?x\r\n", "unknown reply type byte '?'"},
        Bad{"UnknownTypeInsideArray", "*2\r\n:1\r\n@\r\n", "unknown reply type byte '@'"},
        Bad{"BinaryTypeByteShownEscaped", std::string("\0\r\n", 3), "unknown reply type byte '\\x00'"},
        Bad{"LongBadLineShownShort", "," + std::string(40, '9') + "x\r\n", "invalid double '" + std::string(32, '9') + "...'"},
        Bad{"IntegerWithLetters", ":12a\r\n", "invalid integer '12a'"},
        Bad{"IntegerEmpty", ":\r\n", "invalid integer"},
        Bad{"IntegerOverflow", ":9223372036854775808\r\n", "invalid integer"},
        Bad{"IntegerPlusSign", ":+1\r\n", "invalid integer"},
        Bad{"BulkLengthNotANumber", "$abc\r\n", "invalid bulk length 'abc'"},
        Bad{"BulkLengthMinusTwo", "$-2\r\n", "invalid bulk length '-2'"},
        Bad{"BulkLengthEmpty", "$\r\n", "invalid bulk length"},
        Bad{"BlobErrorMinusOne", "!-1\r\n", "invalid bulk length '-1'"},
        Bad{"VerbatimMinusOne", "=-1\r\n", "invalid bulk length '-1'"},
        Bad{"BulkMissingCrlf", "$3\r\nfooX\r\n", "not terminated by CRLF"},
        Bad{"BulkLfOnly", "$3\r\nfoo\n\r\n", "not terminated by CRLF"},
        Bad{"ArrayLengthMinusTwo", "*-2\r\n", "invalid aggregate length '-2'"},
        Bad{"MapMinusOne", "%-1\r\n", "invalid aggregate length '-1'"},
        Bad{"SetMinusOne", "~-1\r\n", "invalid aggregate length '-1'"},
        Bad{"PushMinusOne", ">-1\r\n", "invalid aggregate length '-1'"},
        Bad{"AttributeMinusOne", "|-1\r\n", "invalid aggregate length '-1'"},
        Bad{"ArrayLengthNotANumber", "*x\r\n", "invalid aggregate length 'x'"},
        Bad{"BooleanOther", "#x\r\n", "invalid boolean 'x'"},
        Bad{"BooleanLong", "#true\r\n", "invalid boolean"},
        Bad{"NullWithText", "_x\r\n", "invalid null"},
        Bad{"DoubleWord", ",abc\r\n", "invalid double 'abc'"},
        Bad{"DoubleTrailing", ",1.5x\r\n", "invalid double"},
        Bad{"DoubleSpace", ", 1\r\n", "invalid double"},
        Bad{"DoubleEmpty", ",\r\n", "invalid double"},
        Bad{"BigNumberLetters", "(12a\r\n", "invalid big number"},
        Bad{"BigNumberEmpty", "(\r\n", "invalid big number"},
        Bad{"VerbatimWithoutFormat", "=3\r\nabc\r\n", "'fmt:' prefix"},
        Bad{"VerbatimWithoutColon", "=5\r\ntxtab\r\n", "'fmt:' prefix"},
        Bad{"StreamedBulk", "$?\r\n", "streamed RESP3"},
        Bad{"StreamedArray", "*?\r\n", "streamed RESP3"},
        Bad{"StreamedChunk", ";4\r\n", "streamed RESP3"},
        Bad{"StreamedEnd", ".\r\n", "streamed RESP3"},
        Bad{"NumberLineWithoutEnd", "$" + std::string(40, '1'), "line longer than 32"},
        Bad{"ErrorDeepInside", "*1\r\n%1\r\n:1\r\n*2\r\n:1\r\n$-3\r\n", "invalid bulk length '-3'"}),
    [](const auto& info) { return info.param.name; });

TEST(ReplyLimits, DeepNestingFromAHostileServerIsAnErrorNotACrash) {
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "*1\r\n";
  RespValue v;
  ReplyParseResult r = ParseReply(deep, &v);
  EXPECT_EQ(r.status, ReplyStatus::kError);
  EXPECT_NE(r.error.find("nested deeper than 128"), std::string::npos) << r.error;
  // Up to the limit a reply parses, and it is destroyed without trouble.
  std::string ok;
  for (int i = 0; i < 128; ++i) ok += "*1\r\n";
  ok += ":1\r\n";
  ASSERT_EQ(ParseReply(ok, &v).status, ReplyStatus::kOk);
}

struct LimitCase {
  std::string name;
  ReplyLimits limits;
  std::vector<std::string> accepted;  // parse whole
  std::vector<std::string> waiting;   // incomplete: within the limit, more bytes to come
  std::vector<std::string> refused;   // errors containing `error`, before the bytes arrive
  std::string error;
};

class Limit : public ::testing::TestWithParam<LimitCase> {};

TEST_P(Limit, HoldsAtItsBound) {
  const LimitCase& c = GetParam();
  RespValue v;
  for (const std::string& b : c.accepted) EXPECT_EQ(ParseReply(b, &v, c.limits).status, ReplyStatus::kOk) << b;
  for (const std::string& b : c.waiting) EXPECT_EQ(ParseReply(b, &v, c.limits).status, ReplyStatus::kIncomplete) << b;
  for (const std::string& b : c.refused) {
    ReplyParseResult r = ParseReply(b, &v, c.limits);
    EXPECT_EQ(r.status, ReplyStatus::kError) << b;
    EXPECT_NE(r.error.find(c.error), std::string::npos) << r.error;
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, Limit,
    ::testing::Values(
        // An attribute map is a level of its own.
        LimitCase{"Depth",
                  {.max_depth = 2},
                  {"*1\r\n*1\r\n:1\r\n", "*1\r\n*0\r\n", "*1\r\n|1\r\n:1\r\n:2\r\n:3\r\n"},
                  {"*1\r\n*1\r\n"},
                  {"*1\r\n*1\r\n*0\r\n", "*1\r\n|1\r\n:1\r\n*0\r\n:3\r\n"},
                  "nested deeper than 2"},
        LimitCase{"BulkLength",
                  {.max_bulk_len = 5},
                  {"$5\r\nhello\r\n"},
                  {"$5\r\n"},
                  {"$6\r\n", "!6\r\n", "=6\r\n"},
                  "bulk length 6 above the limit of 5"},
        LimitCase{"BulkLengthDefaultsToProtoMaxBulkLen",
                  {},
                  {},
                  {"$536870912\r\n"},
                  {"$536870913\r\n"},
                  "bulk length 536870913 above the limit of 536870912"},
        LimitCase{"AggregateLength",
                  {.max_aggregate_len = 2},
                  {"*2\r\n:1\r\n:2\r\n", "%2\r\n:1\r\n:2\r\n:3\r\n:4\r\n"},
                  {"*2\r\n:1\r\n"},
                  {"*3\r\n", "%3\r\n", "~3\r\n", ">3\r\n", "|3\r\n"},
                  "aggregate length 3 above the limit of 2"},
        // Two billion announced elements and a few sent: the parser waits without having
        // reserved room for the announced count.
        LimitCase{"AggregateLengthDefaultsToIntMax",
                  {},
                  {},
                  {"*2147483647\r\n:1\r\n:2\r\n", "%2147483647\r\n"},
                  {"*2147483648\r\n"},
                  "aggregate length 2147483648 above the limit of 2147483647"},
        LimitCase{"LineLength",
                  {.max_line_len = 4},
                  {"+abcd\r\n"},
                  {"+abcd", "+abcd\r"},
                  {"+abcde\r\n", "-abcdef"},
                  "line longer than 4 bytes"}),
    [](const auto& info) { return info.param.name; });

// A seeded stand-in for the fuzz target (reply_parser_fuzz.cc) that runs with every build:
// samples edited at random with protocol bytes, under default and under small limits.
TEST(ReplyParser, MutatedRepliesKeepEveryInvariant) {
  const std::string alphabet = "$*%~>|!=:#_,(+-.;?\r\n\r\n0123456789tfx";
  const std::vector<Wire> samples = Samples();
  std::mt19937 rng(7);
  for (int iter = 0; iter < 4000; ++iter) {
    std::string b = samples[rng() % samples.size()].bytes + samples[rng() % samples.size()].bytes;
    if (b.size() > 2000) b.resize(2000);
    for (int edits = 1 + rng() % 4; edits > 0; --edits) {
      size_t at = rng() % (b.size() + 1);
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 4) {
        case 0: if (at < b.size()) b[at] = c; break;
        case 1: b.insert(b.begin() + at, c); break;
        case 2: if (at < b.size()) b.erase(at, 1 + rng() % 3); break;
        case 3: b.resize(at); break;
      }
    }
    ReplyLimits limits = iter % 2 ? ReplyLimits() : test::LimitsFromByte(static_cast<unsigned char>(rng()));
    ASSERT_EQ(test::ReplyParserInvariantViolation(b, limits), "") << "iteration " << iter << ": " << b;
  }
}

TEST(ReplyParser, ALoneCarriageReturnInsideALineIsData) {
  RespValue v;
  ASSERT_EQ(ParseReply("+a\rb\r\n", &v).status, ReplyStatus::kOk);
  EXPECT_EQ(v, V::Simple("a\rb"));
}

// Writes v through a builder in the given protocol.
std::string Write(const RespValue& v, bool resp3) {
  std::string out;
  ReplyBuilder rb(&out);
  rb.set_resp3(resp3);
  WriteReply(v, rb);
  return out;
}

TEST(WriteReply, RoundTripsEveryTypeInResp3) {
  for (const Wire& w : Samples()) {
    RespValue back;
    ASSERT_EQ(ParseReply(Write(w.value, true), &back).status, ReplyStatus::kOk) << w.name;
    RespValue want = w.value;
    if (want.type == Type::kNullArray) want = V::Null();  // RESP3 has one null
    EXPECT_EQ(back, want) << w.name;
  }
}

TEST(WriteReply, WritesRedisBytesBackUnchanged) {
  // Everything but forms Redis itself never writes in RESP3 (blob errors, $-1, *-1, |0).
  for (const Wire& w : Samples()) {
    if (w.name == "BlobError" || w.name == "EmptyAttribute" || w.bytes.find("$-1") != std::string::npos ||
        w.bytes.find("*-1") != std::string::npos)
      continue;
    EXPECT_EQ(Write(w.value, true), w.bytes) << w.name;
  }
}

struct Resp2Form {
  RespValue value;
  std::string bytes;
};

class WriteResp2 : public ::testing::TestWithParam<Resp2Form> {};

TEST_P(WriteResp2, GivesTheFormRedisSendsToRESP2Clients) { EXPECT_EQ(Write(GetParam().value, false), GetParam().bytes); }

INSTANTIATE_TEST_SUITE_P(
    All, WriteResp2,
    ::testing::Values(Resp2Form{V::Null(), "$-1\r\n"}, Resp2Form{V::NullArray(), "*-1\r\n"},
                      Resp2Form{V::Map({V::Integer(0), V::Bool(false), V::Integer(1), V::Bool(true)}),
                                "*4\r\n:0\r\n:0\r\n:1\r\n:1\r\n"},
                      Resp2Form{V::Set({V::Bulk("a")}), "*1\r\n$1\r\na\r\n"},
                      Resp2Form{V::Push({V::Bulk("a")}), "*1\r\n$1\r\na\r\n"},
                      Resp2Form{V::Double(3.141), "$5\r\n3.141\r\n"}, Resp2Form{V::Double(INFINITY), "$3\r\ninf\r\n"},
                      Resp2Form{V::BigNumber("12345678901234567890"), "$20\r\n12345678901234567890\r\n"},
                      Resp2Form{V::Verbatim("txt", "hi"), "$2\r\nhi\r\n"},
                      Resp2Form{WithAttributes(V::Bulk("v"), {V::Simple("a"), V::Integer(1)}), "$1\r\nv\r\n"},
                      Resp2Form{V::Error("ERR x"), "-ERR x\r\n"}));

}  // namespace
}  // namespace ks
