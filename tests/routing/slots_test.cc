#include "routing/slots.h"

#include <gtest/gtest.h>

#include "routing/shard_set.h"

namespace ks {
namespace {

TEST(Crc16, MatchesXmodemCheckValue) {
  // The standard CRC-16/XMODEM check value for "123456789".
  EXPECT_EQ(Crc16("123456789", 9), 0x31C3);
}

TEST(KeySlot, MatchesRedisClusterKeyslot) {
  // Values from CLUSTER KEYSLOT on redis-server 7.0.
  EXPECT_EQ(KeySlot("foo"), 12182);
  EXPECT_EQ(KeySlot("bar"), 5061);
  EXPECT_EQ(KeySlot("hello"), 866);
  EXPECT_EQ(KeySlot(""), 0);
}

TEST(KeySlot, HashTagSelectsTheHashedPart) {
  EXPECT_EQ(KeySlot("{user1}.a"), KeySlot("{user1}.b"));
  EXPECT_EQ(KeySlot("{user1}.a"), KeySlot("user1"));
  EXPECT_EQ(KeySlot("x{user1}y"), KeySlot("user1"));
}

TEST(KeySlot, EmptyOrUnclosedTagHashesWholeKey) {
  EXPECT_EQ(KeySlot("{}a"), Crc16("{}a", 3) & 16383);
  EXPECT_EQ(KeySlot("{a"), Crc16("{a", 2) & 16383);
  // Only the first '{' counts, and the first '}' after it.
  EXPECT_EQ(KeySlot("{}{a}"), Crc16("{}{a}", 5) & 16383);
  EXPECT_EQ(KeySlot("{a}{b}"), KeySlot("a"));
}

TEST(SlotMap, EvenSeedingGivesContiguousEqualRuns) {
  SlotMap t = SlotMap::Even(8);
  EXPECT_EQ(t.EngineOf(0), 0);
  EXPECT_EQ(t.EngineOf(2047), 0);
  EXPECT_EQ(t.EngineOf(2048), 1);
  EXPECT_EQ(t.EngineOf(16383), 7);
}

}  // namespace
}  // namespace ks
