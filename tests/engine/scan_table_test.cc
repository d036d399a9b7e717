#include "engine/scan_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace ks {
namespace {

struct Node {
  std::string key;
  Node* next = nullptr;
};
struct Traits {
  static std::string_view Key(const Node* n) { return n->key; }
  static Node*& Next(Node* n) { return n->next; }
};
using Table = ScanTable<Node, Traits>;

std::vector<Node*> MakeNodes(int n, const char* prefix = "k") {
  std::vector<Node*> v;
  for (int i = 0; i < n; ++i) v.push_back(new Node{std::string(prefix) + std::to_string(i)});
  return v;
}

TEST(ScanTable, InsertFindRemove) {
  Table t;
  auto nodes = MakeNodes(1000);
  for (Node* n : nodes) t.Insert(n);
  EXPECT_EQ(t.size(), 1000u);
  EXPECT_EQ(t.Find("k17"), nodes[17]);
  EXPECT_EQ(t.Find("nope"), nullptr);
  for (int i = 0; i < 1000; i += 2) delete t.Remove("k" + std::to_string(i));
  EXPECT_EQ(t.size(), 500u);
  EXPECT_EQ(t.Find("k16"), nullptr);
  EXPECT_EQ(t.Find("k17"), nodes[17]);
  t.Clear([](Node* n) { delete n; });
  EXPECT_EQ(t.size(), 0u);
}

TEST(ScanTable, FullScanReturnsEveryElementOnce) {
  Table t;
  for (Node* n : MakeNodes(777)) t.Insert(n);
  std::multiset<std::string> seen;
  uint64_t c = 0;
  do {
    c = t.Scan(c, [&](const Node* n) { seen.insert(n->key); });
  } while (c != 0);
  EXPECT_EQ(seen.size(), 777u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 777u);
  t.Clear([](Node* n) { delete n; });
}

TEST(ScanTable, ScanSurvivesGrowthAndShrinkBetweenCalls) {
  Table t;
  auto stable = MakeNodes(300, "s");
  for (Node* n : stable) t.Insert(n);
  std::set<std::string> seen;
  uint64_t c = 0;
  int step = 0;
  std::vector<Node*> extra;
  do {
    c = t.Scan(c, [&](const Node* n) { seen.insert(n->key); });
    ++step;
    if (step == 5) {  // grow a lot mid-iteration
      extra = MakeNodes(5000, "x");
      for (Node* n : extra) t.Insert(n);
    }
    if (step == 40) {  // then shrink back
      for (Node* n : extra) t.Remove(n->key);
      for (Node* n : extra) delete n;
      extra.clear();
    }
  } while (c != 0);
  for (Node* n : stable) EXPECT_TRUE(seen.count(n->key)) << n->key;
  t.Clear([](Node* n) { delete n; });
}

TEST(ScanTable, RandomReturnsMembers) {
  Table t;
  for (Node* n : MakeNodes(50)) t.Insert(n);
  std::set<std::string> got;
  Rng rng(1);
  for (int i = 0; i < 2000; ++i) got.insert(t.Random(rng)->key);
  EXPECT_GT(got.size(), 40u);
  t.Clear([](Node* n) { delete n; });
}

}  // namespace
}  // namespace ks
