// slots.conf: the map and the active engines written and read back, files from before the
// active line, and the errors naming the bad line.
#include "server/resharding/slot_map_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/processes.h"

namespace ks {
namespace {

void Write(const std::string& dir, const std::string& text) { std::ofstream(SlotMapPath(dir)) << text; }

SlotOwners ThreeWay() {
  SlotOwners o;
  for (int s = 0; s < kNumSlots; ++s) o[s] = static_cast<uint16_t>(s < 5000 ? 0 : s < 10000 ? 2 : 4);
  return o;
}

TEST(SlotMapFile, MapAndActiveEnginesRoundTrip) {
  const std::string dir = test::MakeTempDir("slotmap");
  ASSERT_EQ(SaveSlotMap(dir, ThreeWay(), {0, 2, 4, 5}), "");
  std::optional<SlotOwners> owners;
  std::optional<std::vector<int>> active;
  ASSERT_EQ(LoadSlotMap(dir, 6, &owners, &active), std::nullopt);
  ASSERT_TRUE(owners && active);
  EXPECT_EQ(*owners, ThreeWay());
  EXPECT_EQ(*active, (std::vector<int>{0, 2, 4, 5}));  // 5: added, owns nothing yet
}

TEST(SlotMapFile, FileWithoutActiveLineLoadsWithNoSet) {
  const std::string dir = test::MakeTempDir("slotmap");
  Write(dir, "# older file\n0-8191 0\n8192-16383 1\n");
  std::optional<SlotOwners> owners;
  std::optional<std::vector<int>> active;
  ASSERT_EQ(LoadSlotMap(dir, 2, &owners, &active), std::nullopt);
  EXPECT_TRUE(owners.has_value());
  EXPECT_FALSE(active.has_value());
}

TEST(SlotMapFile, NoFileIsNoMap) {
  std::optional<SlotOwners> owners;
  std::optional<std::vector<int>> active;
  EXPECT_EQ(LoadSlotMap(test::MakeTempDir("slotmap"), 2, &owners, &active), std::nullopt);
  EXPECT_FALSE(owners.has_value());
}

TEST(SlotMapFile, BadActiveLinesAreNamed) {
  struct Case {
    std::string text, error_part;
  } cases[] = {
      {"active 0\n0-8191 0\n8192-16383 1\n", "line 1: engine 1 owns slot 8192 but is not active"},
      {"active 0 1 1\n0-16383 0\n", "line 1: engine 1 listed twice"},
      {"active 0 x\n0-16383 0\n", "line 1: bad engine number in the active line"},
      {"active 0 7\n0-16383 0\n", "line 1: engine 7 does not exist (max-shards is 2)"},
      {"active\n0-16383 0\n", "line 1: no active engine"},
      {"active 0\nactive 0\n0-16383 0\n", "line 2: a second active line"},
  };
  for (const Case& c : cases) {
    const std::string dir = test::MakeTempDir("slotmap");
    Write(dir, c.text);
    std::optional<SlotOwners> owners;
    std::optional<std::vector<int>> active;
    auto err = LoadSlotMap(dir, 2, &owners, &active);
    ASSERT_TRUE(err.has_value()) << c.text;
    EXPECT_NE(err->find(c.error_part), std::string::npos) << *err;
    EXPECT_FALSE(owners.has_value());
  }
}

}  // namespace
}  // namespace ks
