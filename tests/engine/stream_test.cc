// The listpack codec and the stream object (engine/listpack.h, engine/stream.h) on their own:
// every integer and string encoding width both ways, in-place integer replacement, node
// splitting by count and bytes, range walks in both directions, deletion and trimming, and the
// structural validation the RDB reader relies on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/listpack.h"
#include "engine/stream.h"

namespace ks {
namespace {

TEST(Listpack, EveryEncodingRoundTripsForwardAndBackward) {
  std::vector<std::string> items = {"0", "127", "128", "-1", "-4096", "4095", "4096", "-32768", "32767",
                                    "-8388608", "8388607", "2147483647", "-2147483648", "9223372036854775807",
                                    "-9223372036854775808", "", "007", "+1", "-0", std::string(63, 'a'),
                                    std::string(64, 'b'), std::string(4095, 'c'), std::string(4096, 'd')};
  uint8_t* lp = lp::New();
  for (const auto& s : items) lp = lp::Append(lp, s);
  size_t count = 0;
  ASSERT_TRUE(lp::Validate({reinterpret_cast<char*>(lp), lp::Bytes(lp)}, &count));
  EXPECT_EQ(count, items.size());
  EXPECT_EQ(lp::RawCount(lp), items.size());
  char buf[24];
  uint32_t p = lp::First(lp);
  for (const auto& s : items) {
    ASSERT_NE(p, 0u);
    EXPECT_EQ(lp::Get(lp, p).Str(buf), s);
    p = lp::Next(lp, p);
  }
  EXPECT_EQ(p, 0u);
  p = lp::Last(lp);
  for (size_t i = items.size(); i-- > 0;) {
    ASSERT_NE(p, 0u);
    EXPECT_EQ(lp::Get(lp, p).Str(buf), items[i]);
    p = lp::Prev(lp, p);
  }
  // Canonical integers are stored as integers, others as strings (Redis's lpAppend).
  EXPECT_TRUE(lp::Get(lp, lp::First(lp)).is_int);
  lp::Free(lp);
}

TEST(Listpack, ReplaceIntGrowsAndShrinksInPlace) {
  uint8_t* lp = lp::New();
  lp = lp::AppendInt(lp, 1);
  lp = lp::Append(lp, "tail");
  lp = lp::ReplaceInt(lp, lp::First(lp), 123456789012LL);
  EXPECT_EQ(lp::GetInt(lp, lp::First(lp)), 123456789012LL);
  lp = lp::ReplaceInt(lp, lp::First(lp), 5);
  EXPECT_EQ(lp::GetInt(lp, lp::First(lp)), 5);
  char buf[24];
  EXPECT_EQ(lp::Get(lp, lp::Next(lp, lp::First(lp))).Str(buf), "tail");
  size_t n;
  EXPECT_TRUE(lp::Validate({reinterpret_cast<char*>(lp), lp::Bytes(lp)}, &n));
  lp::Free(lp);
}

TEST(Listpack, ValidateRefusesCorruption) {
  uint8_t* lp = lp::New();
  lp = lp::Append(lp, "hello");
  std::string blob(reinterpret_cast<char*>(lp), lp::Bytes(lp));
  size_t n;
  EXPECT_TRUE(lp::Validate(blob, &n));
  for (size_t i = 0; i < blob.size(); ++i) {
    std::string bad = blob;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    size_t m;
    (void)lp::Validate(bad, &m);  // must not read out of bounds (ASan builds check)
  }
  EXPECT_FALSE(lp::Validate(blob.substr(0, blob.size() - 1), &n));
  lp::Free(lp);
}

using FV = std::vector<std::pair<std::string_view, std::string_view>>;

std::vector<StreamID> Ids(const Stream& s, StreamID a, StreamID b, bool rev, size_t count = 0) {
  std::vector<StreamID> out;
  s.Range(a, b, rev, count, [&](StreamID id, const std::vector<Stream::Field>&) {
    out.push_back(id);
    return true;
  });
  return out;
}

TEST(Stream, NodesSplitByEntriesAndBytesAndValidate) {
  Stream s;
  for (uint64_t i = 1; i <= 1000; ++i) s.Append({i, 0}, FV{{"f", "v"}, {"n", std::to_string(i)}}, 4096, 100);
  EXPECT_EQ(s.length(), 1000u);
  EXPECT_EQ(s.node_count(), 10u);
  Stream big;
  std::string v(1000, 'x');
  for (uint64_t i = 1; i <= 10; ++i) big.Append({i, 0}, FV{{"f", v}}, 4096, 100);
  EXPECT_GT(big.node_count(), 2u);  // about four 1 KB entries per 4 KB node
  for (const Stream* st : {&s, &big}) {
    size_t total = 0;
    for (auto& [master, lp] : st->nodes()) {
      size_t n;
      ASSERT_TRUE(ValidateStreamNode({reinterpret_cast<const char*>(lp), lp::Bytes(lp)}, master, &n));
      total += n;
    }
    EXPECT_EQ(total, st->length());
  }
}

TEST(Stream, RangesBothWaysWithCountsAndFieldsOfBothEntryForms) {
  Stream s;
  s.Append({1, 1}, FV{{"a", "1"}, {"b", "2"}}, 4096, 3);
  s.Append({1, 2}, FV{{"a", "x"}, {"b", "-5"}}, 4096, 3);  // same fields as the master
  s.Append({2, 0}, FV{{"z", ""}}, 4096, 3);                 // different fields
  s.Append({5, 0}, FV{{"a", "1"}, {"b", "2"}}, 4096, 3);   // next node
  EXPECT_EQ(s.node_count(), 2u);
  EXPECT_EQ(Ids(s, {}, StreamID::Max(), false), (std::vector<StreamID>{{1, 1}, {1, 2}, {2, 0}, {5, 0}}));
  EXPECT_EQ(Ids(s, {}, StreamID::Max(), true, 2), (std::vector<StreamID>{{5, 0}, {2, 0}}));
  EXPECT_EQ(Ids(s, {1, 2}, {2, 0}, false), (std::vector<StreamID>{{1, 2}, {2, 0}}));
  EXPECT_EQ(Ids(s, {3, 0}, {4, 0}, false), std::vector<StreamID>{});
  std::vector<std::string> fields;
  s.Range({1, 2}, {2, 0}, false, 0, [&](StreamID, const std::vector<Stream::Field>& fs) {
    char b1[24], b2[24];
    for (auto& f : fs) fields.push_back(std::string(f.field.Str(b1)) + "=" + std::string(f.value.Str(b2)));
    return true;
  });
  EXPECT_EQ(fields, (std::vector<std::string>{"a=x", "b=-5", "z="}));
}

TEST(Stream, DeleteAndTrimKeepCountsAndFreeEmptyNodes) {
  Stream s;
  for (uint64_t i = 1; i <= 50; ++i) s.Append({i, 0}, FV{{"f", "v"}}, 4096, 10);
  size_t before = s.AllocatedBytes();
  EXPECT_TRUE(s.Delete({3, 0}));
  EXPECT_FALSE(s.Delete({3, 0}));
  EXPECT_FALSE(s.Delete({99, 0}));
  EXPECT_EQ(s.length(), 49u);
  for (uint64_t i = 41; i <= 50; ++i) EXPECT_TRUE(s.Delete({i, 0}));
  EXPECT_EQ(s.node_count(), 4u);  // the last node emptied and went
  Stream::TrimArgs approx{.by = Stream::TrimBy::kMaxLen, .maxlen = 25, .approx = true, .limit = 10000};
  EXPECT_EQ(s.Trim(approx), 9);  // only whole nodes: the first one (9 live entries)
  EXPECT_EQ(s.length(), 30u);
  Stream::TrimArgs exact{.by = Stream::TrimBy::kMaxLen, .maxlen = 25};
  EXPECT_EQ(s.Trim(exact), 5);
  EXPECT_EQ(s.length(), 25u);
  EXPECT_EQ(s.first_id(), (StreamID{16, 0}));
  Stream::TrimArgs minid{.by = Stream::TrimBy::kMinId, .minid = {33, 0}};
  EXPECT_EQ(s.Trim(minid), 17);
  EXPECT_EQ(s.first_id(), (StreamID{33, 0}));
  EXPECT_LT(s.AllocatedBytes(), before);
  std::unique_ptr<Stream> c(s.Clone());
  EXPECT_EQ(Ids(*c, {}, StreamID::Max(), false), Ids(s, {}, StreamID::Max(), false));
}

TEST(Stream, GroupsShareNacksBetweenGroupAndConsumerPels) {
  Stream s;
  s.Append({1, 0}, FV{{"f", "v"}}, 4096, 100);
  StreamGroup* g = s.CreateGroup("g", {}, Stream::kInvalidEntriesRead);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(s.CreateGroup("g", {}, 0), nullptr);
  StreamConsumer* c = g->CreateConsumer("c", 7);
  auto* n = new StreamNack{5, 1, c};
  g->pel.emplace(StreamID{1, 0}, n);
  c->pel.emplace(StreamID{1, 0}, n);
  std::unique_ptr<Stream> copy(s.Clone());
  StreamGroup* cg = copy->FindGroup("g");
  ASSERT_NE(cg, nullptr);
  EXPECT_EQ(cg->pel.at({1, 0})->consumer, cg->FindConsumer("c"));
  EXPECT_EQ(g->DeleteConsumer("c"), 1u);
  EXPECT_TRUE(g->pel.empty());
  EXPECT_TRUE(s.DestroyGroup("g"));
  EXPECT_FALSE(s.DestroyGroup("g"));
}

TEST(StreamID, ParseIncrDecrAndEncode) {
  StreamID id;
  bool seq_given;
  EXPECT_TRUE(ParseStreamID("5", 7, &id, &seq_given));
  EXPECT_EQ(id, (StreamID{5, 7}));
  EXPECT_FALSE(seq_given);
  EXPECT_TRUE(ParseStreamID("18446744073709551615-18446744073709551615", 0, &id));
  EXPECT_EQ(id, StreamID::Max());
  EXPECT_FALSE(id.Incr());
  EXPECT_FALSE(ParseStreamID("18446744073709551616", 0, &id));
  EXPECT_FALSE(ParseStreamID("1-x", 0, &id));
  StreamID z{};
  EXPECT_FALSE(z.Decr());
  StreamID a{1, 0};
  EXPECT_TRUE(a.Decr());
  EXPECT_EQ(a, (StreamID{0, UINT64_MAX}));
  uint8_t b[16];
  a.Encode(b);
  EXPECT_EQ(StreamID::Decode(b), a);
}

}  // namespace
}  // namespace ks
