// The list object against a std::deque model: every operation, every fill setting, elements
// from empty to larger than a node, and the node invariants after each step.
#include "engine/list.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace ks {
namespace {

struct ListDeleter {
  void operator()(List* l) const { List::Destroy(l); }
};
using ListPtr = std::unique_ptr<List, ListDeleter>;

std::vector<std::string> Contents(const List& l) {
  std::vector<std::string> out;
  for (List::Cursor c = l.CursorAt(0); c.Valid(); c.Next()) out.emplace_back(c.Value());
  return out;
}

std::vector<std::string> Model(const std::deque<std::string>& d) { return {d.begin(), d.end()}; }

TEST(List, PushPopBothEndsKeepsOrder) {
  ListPtr l(List::New(-2));
  l->Push(ListEnd::kTail, "b");
  l->Push(ListEnd::kHead, "a");
  l->Push(ListEnd::kTail, "c");
  EXPECT_EQ(Contents(*l), (std::vector<std::string>{"a", "b", "c"}));
  std::string got;
  l->Pop(ListEnd::kTail, [&](std::string_view v) { got = v; });
  EXPECT_EQ(got, "c");
  l->Pop(ListEnd::kHead, [&](std::string_view v) { got = v; });
  EXPECT_EQ(got, "a");
  EXPECT_EQ(l->size(), 1u);
  EXPECT_TRUE(l->Check());
}

TEST(List, SmallListIsOneNode) {
  ListPtr l(List::New(-2));
  for (int i = 0; i < 100; ++i) l->Push(ListEnd::kTail, "element-" + std::to_string(i));
  EXPECT_EQ(l->node_count(), 1u);
  EXPECT_TRUE(l->Check());
}

TEST(List, NegativeFillSplitsNodesByBytes) {
  ListPtr l(List::New(-1));  // 4 KB nodes
  std::string v(100, 'x');
  for (int i = 0; i < 1000; ++i) l->Push(ListEnd::kTail, v);
  // ~102 bytes per element: about 39 per 4 KB node.
  EXPECT_GE(l->node_count(), 1000u / 40);
  EXPECT_LE(l->node_count(), 1000u / 35);
  EXPECT_TRUE(l->Check());
}

TEST(List, PositiveFillLimitsEntriesPerNode) {
  ListPtr l(List::New(5));
  for (int i = 0; i < 23; ++i) l->Push(ListEnd::kHead, std::to_string(i));
  EXPECT_EQ(l->node_count(), 5u);  // 5+5+5+5+3
  EXPECT_TRUE(l->Check());
}

TEST(List, ElementLargerThanANodeGetsItsOwnNode) {
  ListPtr l(List::New(-1));
  l->Push(ListEnd::kTail, "a");
  l->Push(ListEnd::kTail, std::string(10000, 'z'));
  l->Push(ListEnd::kTail, "b");
  EXPECT_EQ(l->node_count(), 3u);
  EXPECT_EQ(l->At(1), std::string(10000, 'z'));
  EXPECT_TRUE(l->Check());
}

TEST(List, ElementLengthsAcrossVarintBoundaries) {
  ListPtr l(List::New(-5));
  std::vector<size_t> lens = {0, 1, 125, 126, 127, 128, 129, 16381, 16382, 16383, 16384, 16385, 70000};
  for (size_t n : lens) l->Push(ListEnd::kTail, std::string(n, 'q'));
  ASSERT_TRUE(l->Check());
  for (size_t i = 0; i < lens.size(); ++i) EXPECT_EQ(l->At(i).size(), lens[i]) << i;
  // Walk backwards over them too.
  size_t i = lens.size();
  for (List::Cursor c = l->CursorAt(lens.size() - 1); c.Valid(); c.Prev()) EXPECT_EQ(c.Value().size(), lens[--i]);
  EXPECT_EQ(i, 0u);
}

TEST(List, BinarySafeElements) {
  ListPtr l(List::New(-2));
  std::string bin("\x00\x80\xff\r\n", 5);
  l->Push(ListEnd::kTail, bin);
  EXPECT_EQ(l->At(0), bin);
}

TEST(List, InsertAtPivotBeforeAndAfterFirstMatch) {
  ListPtr l(List::New(-2));
  for (const char* v : {"a", "b", "a"}) l->Push(ListEnd::kTail, v);
  EXPECT_TRUE(l->InsertAtPivot("a", "x", false));
  EXPECT_TRUE(l->InsertAtPivot("b", "y", true));
  EXPECT_FALSE(l->InsertAtPivot("zz", "w", true));
  EXPECT_EQ(Contents(*l), (std::vector<std::string>{"x", "a", "b", "y", "a"}));
}

TEST(List, InsertIntoFullNodeSplitsIt) {
  ListPtr l(List::New(4));
  for (int i = 0; i < 8; ++i) l->Push(ListEnd::kTail, std::to_string(i));
  ASSERT_EQ(l->node_count(), 2u);
  EXPECT_TRUE(l->InsertAtPivot("1", "new", true));
  EXPECT_EQ(Contents(*l), (std::vector<std::string>{"0", "1", "new", "2", "3", "4", "5", "6", "7"}));
  EXPECT_TRUE(l->Check());
}

TEST(List, RemoveFromHeadTailAndAll) {
  auto make = [] {
    ListPtr l(List::New(3));  // small nodes, so removals cross node boundaries
    for (const char* v : {"a", "b", "a", "c", "a", "a", "d", "a"}) l->Push(ListEnd::kTail, v);
    return l;
  };
  ListPtr l = make();
  EXPECT_EQ(l->Remove("a", 2), 2u);
  EXPECT_EQ(Contents(*l), (std::vector<std::string>{"b", "c", "a", "a", "d", "a"}));
  l = make();
  EXPECT_EQ(l->Remove("a", -3), 3u);
  EXPECT_EQ(Contents(*l), (std::vector<std::string>{"a", "b", "a", "c", "d"}));
  l = make();
  EXPECT_EQ(l->Remove("a", 0), 5u);
  EXPECT_EQ(Contents(*l), (std::vector<std::string>{"b", "c", "d"}));
  EXPECT_TRUE(l->Check());
  EXPECT_EQ(l->Remove("b", INT64_MIN), 1u);
  EXPECT_EQ(l->Remove("zz", 0), 0u);
  EXPECT_TRUE(l->Check());
}

TEST(List, EraseRangeDropsWholeAndPartialNodes) {
  ListPtr l(List::New(4));
  for (int i = 0; i < 20; ++i) l->Push(ListEnd::kTail, std::to_string(i));
  l->EraseRange(2, 11);
  EXPECT_EQ(Contents(*l), (std::vector<std::string>{"0", "1", "13", "14", "15", "16", "17", "18", "19"}));
  EXPECT_TRUE(l->Check());
  l->EraseRange(0, l->size());
  EXPECT_EQ(l->size(), 0u);
  EXPECT_EQ(l->node_count(), 0u);
  EXPECT_TRUE(l->Check());
}

TEST(List, SetGrowsAndShrinksElementsInPlace) {
  ListPtr l(List::New(-2));
  for (const char* v : {"a", "b", "c"}) l->Push(ListEnd::kTail, v);
  l->Set(1, std::string(300, 'B'));
  l->Set(2, "");
  l->Set(0, "alpha");
  EXPECT_EQ(Contents(*l), (std::vector<std::string>{"alpha", std::string(300, 'B'), ""}));
  EXPECT_TRUE(l->Check());
}

TEST(List, CloneIsIndependent) {
  ListPtr l(List::New(2));
  for (int i = 0; i < 7; ++i) l->Push(ListEnd::kTail, std::to_string(i));
  ListPtr c(l->Clone());
  l->Pop(ListEnd::kHead, [](std::string_view) {});
  EXPECT_EQ(c->size(), 7u);
  EXPECT_EQ(Contents(*c), (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6"}));
  EXPECT_TRUE(c->Check());
}

TEST(List, SmallListsStayCompact) {
  ListPtr l(List::New(-2));
  for (int i = 0; i < 10; ++i) l->Push(ListEnd::kTail, "value-" + std::to_string(i));  // 7-8 bytes each
  // Header + one node holding ~100 bytes of elements: no per-element allocations.
  EXPECT_LE(l->AllocatedBytes(), 48u + 24u + 10 * 10 + 32u);
}

// Random operations against a deque, for several node settings.
// fill, compress depth and packed threshold as List::New takes them.
void RunRandomOperations(int fill, int compress, uint64_t threshold, uint64_t seed) {
  std::mt19937_64 rng(seed);
  ListPtr l(List::New(fill, compress, threshold));
  std::deque<std::string> d;
  auto value = [&] {
    int kind = rng() % 10;
    size_t n = kind < 7 ? rng() % 8 : kind < 9 ? rng() % 300 : rng() % 9000;
    return std::string(n, static_cast<char>('a' + rng() % 3));
  };
  // Start long enough to span many nodes.
  for (int i = 0; i < 1500; ++i) {
    std::string v = value();
    l->Push(ListEnd::kTail, v);
    d.push_back(v);
  }
  for (int step = 0; step < 6000; ++step) {
    int op = rng() % 12;
    if (op <= 3 || d.empty()) {
      std::string v = value();
      if (op % 2) {
        l->Push(ListEnd::kHead, v);
        d.push_front(v);
      } else {
        l->Push(ListEnd::kTail, v);
        d.push_back(v);
      }
    } else if (op <= 5) {
      std::string got;
      if (op == 4) {
        l->Pop(ListEnd::kHead, [&](std::string_view v) { got = v; });
        ASSERT_EQ(got, d.front());
        d.pop_front();
      } else {
        l->Pop(ListEnd::kTail, [&](std::string_view v) { got = v; });
        ASSERT_EQ(got, d.back());
        d.pop_back();
      }
    } else if (op == 6) {
      size_t i = rng() % d.size();
      ASSERT_EQ(l->At(i), d[i]);
    } else if (op == 7) {
      size_t i = rng() % d.size();
      std::string v = value();
      l->Set(i, v);
      d[i] = v;
    } else if (op == 8) {
      std::string pivot = d[rng() % d.size()], v = value();
      bool after = rng() % 2;
      ASSERT_TRUE(l->InsertAtPivot(pivot, v, after));
      auto it = std::find(d.begin(), d.end(), pivot);
      d.insert(after ? it + 1 : it, v);
    } else if (op == 9) {
      std::string v = d[rng() % d.size()];
      int64_t count = static_cast<int64_t>(rng() % 5) - 2;
      size_t want = 0;
      if (count >= 0) {
        for (auto it = d.begin(); it != d.end() && (count == 0 || want < static_cast<size_t>(count));)
          if (*it == v) {
            it = d.erase(it);
            ++want;
          } else {
            ++it;
          }
      } else {
        for (size_t i = d.size(); i-- > 0 && want < static_cast<size_t>(-count);)
          if (d[i] == v) {
            d.erase(d.begin() + static_cast<ptrdiff_t>(i));
            ++want;
          }
      }
      ASSERT_EQ(l->Remove(v, count), want);
    } else if (op == 10) {
      size_t from = rng() % d.size(), n = rng() % (d.size() - from + 1);
      n = std::min<size_t>(n, 50);
      l->EraseRange(from, n);
      d.erase(d.begin() + static_cast<ptrdiff_t>(from), d.begin() + static_cast<ptrdiff_t>(from + n));
    } else {
      // Walk a range backwards from a random index.
      size_t i = rng() % d.size();
      List::Cursor c = l->CursorAt(i);
      for (size_t j = i + 1; j-- > 0; c.Prev()) {
        ASSERT_TRUE(c.Valid());
        ASSERT_EQ(c.Value(), d[j]);
      }
      ASSERT_FALSE(c.Valid());
    }
    ASSERT_EQ(l->size(), d.size()) << "step " << step;
    if (step % 50 == 0) {
      ASSERT_TRUE(l->Check()) << "step " << step;
      ASSERT_EQ(Contents(*l), Model(d)) << "step " << step;
    }
  }
  ASSERT_TRUE(l->Check());
  ASSERT_EQ(Contents(*l), Model(d));
  if (compress > 0) {
    ListPtr c(l->Clone());
    ASSERT_TRUE(c->Check());
    ASSERT_EQ(Contents(*c), Model(d));
  }
}

class ListModel : public ::testing::TestWithParam<int> {};

TEST_P(ListModel, RandomOperationsMatchDeque) {
  RunRandomOperations(GetParam(), 0, List::kDefaultPackedThreshold, GetParam() * 7919 + 1);
}

INSTANTIATE_TEST_SUITE_P(Fills, ListModel, ::testing::Values(-5, -2, -1, 0, 1, 3, 128));

// The same with inner nodes compressed (depth 1..3) and with a low packed threshold, so that
// every operation meets compressed and plain nodes.
class CompressedListModel : public ::testing::TestWithParam<std::tuple<int, int, uint64_t>> {};

TEST_P(CompressedListModel, RandomOperationsMatchDeque) {
  auto [depth, fill, threshold] = GetParam();
  RunRandomOperations(fill, depth, threshold, static_cast<uint64_t>(depth * 131 + fill * 7 + 3) + threshold);
}

INSTANTIATE_TEST_SUITE_P(Depths, CompressedListModel,
                         ::testing::Combine(::testing::Values(1, 2, 3), ::testing::Values(-2, 3, 16),
                                            ::testing::Values(List::kDefaultPackedThreshold, uint64_t{200})));

// Which nodes are compressed after pushes: all but `depth` at each end, as quicklist.c.
TEST(List, CompressesAllButTheEndNodes) {
  for (int depth = 1; depth <= 3; ++depth) {
    ListPtr l(List::New(16, depth));
    for (int i = 0; i < 16 * 20; ++i) l->Push(i < 160 ? ListEnd::kTail : ListEnd::kHead, std::string(40, 'x'));
    ASSERT_EQ(l->node_count(), 20u);
    EXPECT_EQ(l->CompressedNodes(), 20u - 2 * static_cast<size_t>(depth)) << depth;
    EXPECT_TRUE(l->Check());
    // Reading an inner node leaves it compressed.
    EXPECT_EQ(l->At(16 * 10), std::string(40, 'x'));
    EXPECT_EQ(l->CompressedNodes(), 20u - 2 * static_cast<size_t>(depth));
    // Popping down to 2*depth nodes leaves every node raw.
    for (int i = 0; i < 16 * (20 - 2 * depth); ++i) l->Pop(ListEnd::kTail, [](std::string_view) {});
    EXPECT_EQ(l->CompressedNodes(), 0u) << depth;
    EXPECT_TRUE(l->Check());
  }
}

TEST(List, CompressionShrinksMemoryAndSkipsSmallOrIncompressibleNodes) {
  ListPtr raw(List::New(-2)), packed(List::New(-2, 1));
  for (int i = 0; i < 20000; ++i) {
    std::string v = "element:" + std::to_string(i % 100) + ":padding-padding-padding";
    raw->Push(ListEnd::kTail, v);
    packed->Push(ListEnd::kTail, v);
  }
  EXPECT_GT(packed->CompressedNodes(), 10u);
  EXPECT_LT(packed->AllocatedBytes() * 3, raw->AllocatedBytes());
  EXPECT_EQ(packed->RawBytes(), raw->RawBytes());
  // Under 48 bytes a node is never compressed (fill 1: one short element per node).
  ListPtr tiny(List::New(1, 1));
  for (int i = 0; i < 10; ++i) tiny->Push(ListEnd::kTail, "aaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(tiny->CompressedNodes(), 0u);
  // Random bytes do not compress by 8 bytes: kept raw.
  std::mt19937_64 rng(5);
  ListPtr noise(List::New(1, 1));
  for (int i = 0; i < 5; ++i) {
    std::string v(200, '\0');
    for (char& ch : v) ch = static_cast<char>(rng());
    noise->Push(ListEnd::kTail, v);
  }
  EXPECT_EQ(noise->CompressedNodes(), 0u);
}

TEST(List, LargeElementsGetPlainNodes) {
  ListPtr l(List::New(-2, 0, 100));
  l->Push(ListEnd::kTail, "a");
  l->Push(ListEnd::kTail, std::string(100, 'b'));  // at the threshold: plain
  l->Push(ListEnd::kTail, "c");
  l->Push(ListEnd::kHead, std::string(99, 'd'));  // below it: packed with "a"
  EXPECT_EQ(l->node_count(), 3u);
  EXPECT_EQ(l->PlainNodes(), 1u);
  // Replacing a packed element with a large one splits its node around a plain node.
  l->Set(0, std::string(150, 'e'));
  EXPECT_EQ(Contents(*l), (std::vector<std::string>{std::string(150, 'e'), "a", std::string(100, 'b'), "c"}));
  EXPECT_EQ(l->PlainNodes(), 2u);
  // And a plain element replaced by a small one goes back into a packed node.
  l->Set(2, "f");
  EXPECT_EQ(Contents(*l), (std::vector<std::string>{std::string(150, 'e'), "a", "f", "c"}));
  EXPECT_EQ(l->PlainNodes(), 1u);
  EXPECT_TRUE(l->Check());
}

}  // namespace
}  // namespace ks
