#include "tools/compat/shrink.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace keyshard::compat {
namespace {

bool Contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::vector<int> Range(int n) {
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  return v;
}

TEST(Shrink, FindsTheSingleCulprit) {
  std::function<bool(const std::vector<int>&)> fails = [](const std::vector<int>& v) { return Contains(v, 613); };
  EXPECT_EQ(Shrink(Range(1000), fails), std::vector<int>{613});
}

TEST(Shrink, KeepsEveryElementThatTheFailureNeedsInOrder) {
  // A "divergence" that needs a set, then a read of it later: 3 before 900 before 42 is not it,
  // 3 and 900 must both stay and keep their order.
  std::function<bool(const std::vector<int>&)> fails = [](const std::vector<int>& v) {
    auto a = std::find(v.begin(), v.end(), 3);
    auto b = std::find(v.begin(), v.end(), 900);
    return a != v.end() && b != v.end() && a < b;
  };
  EXPECT_EQ(Shrink(Range(1000), fails), (std::vector<int>{3, 900}));
}

TEST(Shrink, ResultIsOneMinimal) {
  // Fails when the sum of the kept elements reaches 10: several answers are minimal.
  std::function<bool(const std::vector<int>&)> fails = [](const std::vector<int>& v) {
    int s = 0;
    for (int x : v) s += x;
    return s >= 10;
  };
  auto out = Shrink(Range(20), fails);
  ASSERT_TRUE(fails(out));
  for (size_t i = 0; i < out.size(); ++i) {
    auto less = out;
    less.erase(less.begin() + static_cast<long>(i));
    EXPECT_FALSE(fails(less)) << "element " << out[i] << " is removable";
  }
}

TEST(Shrink, StopsAtTheTestBudget) {
  ShrinkStats stats;
  std::function<bool(const std::vector<int>&)> fails = [](const std::vector<int>& v) { return Contains(v, 7); };
  auto out = Shrink(Range(1000), fails, 3, &stats);
  EXPECT_TRUE(stats.budget_exhausted);
  EXPECT_EQ(stats.tests, 3u);
  EXPECT_TRUE(fails(out));
}

TEST(Shrink, LeavesASingleElementAlone) {
  std::function<bool(const std::vector<int>&)> fails = [](const std::vector<int>&) { return true; };
  EXPECT_EQ(Shrink(std::vector<int>{5}, fails), std::vector<int>{5});
}

}  // namespace
}  // namespace keyshard::compat
