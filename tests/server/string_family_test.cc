#include <gtest/gtest.h>

#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

TEST(StringFamily, SetThenGetReturnsValue) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "v"}), "OK");
  EXPECT_EQ(c.Run({"GET", "k"}), "\"v\"");
  EXPECT_EQ(c.Run({"GET", "missing"}), "(nil)");
}

TEST(StringFamily, SetExExpiresWithTheClock) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "v", "EX", "10"}), "OK");
  srv.clock.Advance(9999);
  EXPECT_EQ(c.Run({"GET", "k"}), "\"v\"");
  srv.clock.Advance(1);
  EXPECT_EQ(c.Run({"GET", "k"}), "(nil)");
}

TEST(StringFamily, MsetAcrossEnginesThenMget) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"MSET", "a", "1", "b", "2", "c", "3", "{t}x", "4"}), "OK");
  EXPECT_EQ(c.Run({"MGET", "a", "b", "c", "{t}x", "nope"}), "[\"1\", \"2\", \"3\", \"4\", (nil)]");
}

}  // namespace
}  // namespace ks::test
