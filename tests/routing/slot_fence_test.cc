#include "routing/slot_fence.h"

#include <gtest/gtest.h>

#include <vector>

namespace ks {
namespace {

TEST(SlotFence, RaisedSlotsAreFencedUntilLifted) {
  SlotFence f;
  EXPECT_FALSE(f.active());
  std::vector<uint16_t> a{1, 2, 3}, b{3, 4};
  f.Raise(a);
  f.Raise(b);  // 3 twice: counted once
  EXPECT_TRUE(f.active());
  EXPECT_TRUE(f.Fenced(4));
  EXPECT_FALSE(f.Fenced(5));
  std::vector<uint16_t> probe{7, 2};
  EXPECT_TRUE(f.AnyFenced(probe));
  f.Lift(a);
  EXPECT_TRUE(f.active());
  EXPECT_FALSE(f.Fenced(3));
  EXPECT_TRUE(f.Fenced(4));
  f.Lift(b);
  EXPECT_FALSE(f.active());
  EXPECT_FALSE(f.AnyFenced(probe));
}

TEST(SlotFence, LiftWakesEveryWaiterAndMovesTheGeneration) {
  SlotFence f;
  std::vector<uint16_t> s{9};
  f.Raise(s);
  int woken = 0;
  const uint64_t g = f.generation();
  uint64_t w1 = f.AddWaiter([&] { ++woken; });
  f.AddWaiter([&] { ++woken; });
  f.RemoveWaiter(w1);
  f.Lift(s);
  EXPECT_EQ(woken, 1);
  EXPECT_NE(f.generation(), g);
}

TEST(SlotFence, CountsForwardedCommandsPerSlot) {
  SlotFence f;
  f.BeginRemote(10);
  f.BeginRemote(10);
  f.EndRemote(10);
  EXPECT_EQ(f.InFlight(10), 1u);
  EXPECT_EQ(f.InFlight(11), 0u);
  f.EndRemote(10);
  EXPECT_EQ(f.InFlight(10), 0u);
}

}  // namespace
}  // namespace ks
