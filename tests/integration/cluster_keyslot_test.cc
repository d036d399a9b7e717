// CLUSTER KEYSLOT must agree with a real Redis Cluster node for every kind of key.
#include <gtest/gtest.h>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

TEST(ClusterKeyslot, MatchesRedisClusterNode) {
  KeyshardProcess ks;
  ASSERT_GT(ks.port(), 0);
  RedisProcess redis({"--cluster-enabled", "yes"});
  ASSERT_GT(redis.port(), 0);
  Client a(ks.port()), b(redis.port());
  for (const char* key : {"", "foo", "bar", "{user1}.a", "{user1}.b", "a{b}c", "{}x", "{a", "}a{", "{{a}}",
                          "key:000000000001", "\xff\xfe", "with space"}) {
    EXPECT_EQ(a.Run({"CLUSTER", "KEYSLOT", key}), b.Run({"CLUSTER", "KEYSLOT", key})) << key;
  }
  EXPECT_EQ(a.Run({"CLUSTER", "KEYSLOT"}), b.Run({"CLUSTER", "KEYSLOT"}));
  EXPECT_EQ(a.Run({"CLUSTER", "KEYSLOT", "a", "b"}), b.Run({"CLUSTER", "KEYSLOT", "a", "b"}));
}

}  // namespace
}  // namespace ks::test
