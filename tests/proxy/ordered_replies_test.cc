// OrderedReplies: replies of forwarded commands arrive in any order; the client sees them in
// pipeline order, local replies included, and nothing behind a missing reply is released.
#include "proxy/ordered_replies.h"

#include <gtest/gtest.h>

namespace ks {
namespace {

TEST(OrderedReplies, WithNothingPendingRepliesGoStraightOut) {
  std::string out;
  OrderedReplies r(&out);
  r.tail()->append("+a\r\n");
  EXPECT_EQ(out, "+a\r\n");
  EXPECT_EQ(r.waiting(), 0u);
}

TEST(OrderedReplies, LocalRepliesWaitBehindAnUnansweredRemoteOne) {
  std::string out;
  OrderedReplies r(&out);
  r.tail()->append(":1\r\n");
  const uint64_t a = r.Reserve();
  r.tail()->append(":2\r\n");  // a local command after it
  EXPECT_EQ(out, ":1\r\n");
  r.Fill(a, "$1\r\nx\r\n");
  EXPECT_EQ(out, ":1\r\n$1\r\nx\r\n:2\r\n");
  EXPECT_EQ(r.waiting(), 0u);
  EXPECT_EQ(r.tail(), &out);
}

TEST(OrderedReplies, OutOfOrderFillsAreReleasedInPipelineOrder) {
  std::string out;
  OrderedReplies r(&out);
  const uint64_t a = r.Reserve();
  r.tail()->append("+after-a\r\n");
  const uint64_t b = r.Reserve();
  const uint64_t c = r.Reserve();
  r.tail()->append("+after-c\r\n");
  r.Fill(c, "+c\r\n");
  r.Fill(b, "+b\r\n");
  EXPECT_EQ(out, "");
  EXPECT_EQ(r.waiting(), 3u);
  r.Fill(a, "+a\r\n");
  EXPECT_EQ(out, "+a\r\n+after-a\r\n+b\r\n+c\r\n+after-c\r\n");
  EXPECT_EQ(r.waiting(), 0u);
}

TEST(OrderedReplies, AFillForAnUnknownOrRepeatedReservationIsIgnored) {
  std::string out;
  OrderedReplies r(&out);
  const uint64_t a = r.Reserve();
  r.Fill(a + 5, "+nope\r\n");
  EXPECT_EQ(out, "");
  r.Fill(a, "+a\r\n");
  r.Fill(a, "+again\r\n");
  EXPECT_EQ(out, "+a\r\n");
}

}  // namespace
}  // namespace ks
