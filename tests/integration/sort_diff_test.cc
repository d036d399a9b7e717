// Differential test of SORT and SORT_RO against a real redis-server 7.0 (keyshard with 8
// engines): lists, sets and sorted sets, numeric and ALPHA, ASC/DESC, LIMIT, BY (patterns,
// hash fields, constants), GET (#, patterns, hash fields), STORE, and Redis's error texts.
// Key names carry no hash tags on purpose: the weights, the GET targets and the STORE
// destination live on other engines than the sorted key. Replies whose order Redis leaves to
// a set's hash table layout (SORT of a set BY a constant, without STORE) are compared as
// multisets.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

// An array reply as the test client renders it ("[\"a\", \"b\"]"), its elements sorted: an
// order-free comparison (the elements compared here hold no ", ").
std::string Sorted(const std::string& reply) {
  if (reply.size() < 2 || reply.front() != '[') return reply;
  std::vector<std::string> items;
  const std::string body = reply.substr(1, reply.size() - 2);
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t sep = body.find(", ", pos);
    if (sep == std::string::npos) sep = body.size();
    items.push_back(body.substr(pos, sep - pos));
    pos = sep + 2;
  }
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& i : items) out += i + "|";
  return out;
}

class SortDiff : public DiffTest<ScriptCase> {
 protected:
  // A line "~ cmd" compares cmd's replies unordered (see the top).
  void RunScript(const std::string& script, const std::string& context) {
    for (const std::string& line : ScriptLines(script)) {
      if (line.rfind("~ ", 0) == 0) {
        Cmd cmd = SplitScriptLine(line.substr(2));
        auto [k, r] = Both(cmd);
        EXPECT_EQ(Sorted(k), Sorted(r)) << context << ": " << Shown(cmd);
        continue;
      }
      Cmd cmd = SplitScriptLine(line);
      if (!cmd.empty()) Same(cmd, context);
    }
  }
};

TEST_P(SortDiff, SameRepliesAsRedis) { RunScript(GetParam().script, GetParam().name); }

std::vector<ScriptCase> Cases() {
  return {
      {"NumericAlphaLimit",
       R"(rpush l 3 1 2 10 -5 2.5 1e2 0x10 inf -inf
sort l
sort l desc
sort l asc limit 1 3
sort l limit 0 0
sort l limit -5 2
sort l limit 2 -1
sort l limit 100 5
sort l limit 9223372036854775807 9223372036854775807
sort l limit -9223372036854775808 3
sort l limit abc 1
sort l limit 1
sort l alpha
sort l alpha desc limit 2 4
rpush words banana Apple cherry apple 10 9 "" Banana
sort words
sort words alpha
sort words alpha desc
sort_ro words alpha limit 1 2
sort nokey
sort nokey alpha desc limit 0 10
sort nokey store dst0
exists dst0
rpush nan nan 1
sort nan
rpush spaces " 1" 2
sort spaces
rpush big 1e400 1
sort big
rpush small 1e-400 1
sort small
rpush dup 3 3 1 1 2
sort dup
sort dup alpha
set str x
sort str
sort l foo
sort l store
sort l get
sort l by
sort l limit 1 1 desc alpha asc
sort_ro l store x
hset h f v
sort h)"},
      {"SetsAndSortedSets",
       R"(sadd ints 5 3 -1 100 7
sort ints
sort ints desc limit 1 2
sort ints by nosort
sort ints by nosort desc
sadd strs c a b 1 z
sort strs alpha
sort strs alpha desc limit 0 2
~ sort strs by nosort
sort strs by nosort store sdst
lrange sdst 0 -1
sort strs
zadd z 3 c 1 a 2 b 5 e 4 d
object encoding z
sort z by nosort
object encoding z
sort z by nosort desc
sort z by nosort limit 1 2
sort z by nosort desc limit 1 3
sort z by nosort limit 10 2
sort z alpha
sort z alpha desc limit 0 3
zadd zn 1 10 2 9 3 8
sort zn
sort zn by nosort
sort_ro zn by nosort desc limit 1 1
sort zn desc store zdst
lrange zdst 0 -1
type zdst)"},
      {"ByAndGetPatternsAcrossEngines",
       R"(rpush ids 1 2 3 4 5
mset w_1 50 w_2 30 w_3 30 w_4 x w_5 -1
sort ids by w_*
mset w_4 10
sort ids by w_*
sort ids by w_* desc
sort ids by w_* limit 1 2
sort ids by w_* desc limit 0 3
sort ids by w_* alpha
sort ids by w_* alpha desc limit 1 3
mset name_1 alice name_2 bob name_3 carol name_5 eve
sort ids by w_* get name_*
sort ids by w_* get # get name_*
sort ids by w_* get name_* get # get nosuch_*
sort ids get # get name_* limit 1 2 desc
sort ids by nosort get name_*
sort ids by nosort desc get name_* get #
sort ids get constant
sort ids get #
hset user_1 age 30 name A
hset user_2 age 25 name B
hset user_3 age 41 name C
hset user_4 name D
sort ids by user_*->age
sort ids by user_*->age get user_*->name
sort ids by user_*->age desc get user_*->name get # limit 0 2
sort ids by user_*->name alpha get user_*->age
sort ids by user_*-> get user_*->
sort ids by user_*->nofield
sort ids get user_*->age get w_*->x
rpush ids2 1 2 3
sort ids2 by w_* get name_* store dst
lrange dst 0 -1
type dst
sort ids2 by w_* get nosuch_* get name_* store dst
lrange dst 0 -1
set bad_1 abc
rpush onlybad 1
sort onlybad by bad_*
sort onlybad by bad_* alpha
sort onlybad by bad_* store dst
lrange dst 0 -1
rpush empty_src x
lpop empty_src
sort empty_src store dst
exists dst
sadd members x y z
mset wt_x 3 wt_y 1 wt_z 2
sort members by wt_*
sort members by wt_* get # get wt_* desc
sort members by wt_* store sdst2
lrange sdst2 0 -1
zadd zm 1 x 2 y 3 z
sort zm by wt_* get wt_*
sort zm by wt_* limit 0 1
sort_ro zm by wt_* get # limit 1 2 desc
sort ids by w_* get # store ids
lrange ids 0 -1)"},
  };
}

INSTANTIATE_TEST_SUITE_P(Sort, SortDiff, ::testing::ValuesIn(Cases()), [](const auto& info) { return info.param.name; });

// Seeded random lists sorted by random weights on other engines, with LIMIT (Redis's pqsort:
// its order of equal weights must come out the same), GET and STORE.
class SortRandomDiff : public DiffTest<int> {};

TEST_P(SortRandomDiff, SameSortsAsRedis) {
  const int seed = GetParam();
  std::mt19937 rng(static_cast<uint32_t>(seed));
  const int n = seed == 1 ? 30 : 300;
  Cmd push = {"RPUSH", "items"};
  for (int i = 0; i < n; ++i) {
    const std::string id = std::to_string(rng() % (n / 2));  // repeats: equal elements too
    push.push_back(id);
    // Few distinct weights: many ties, which only the element order (numeric) or nothing
    // (ALPHA BY: equal weights) breaks.
    Same({"SET", "wt:" + id, std::to_string(rng() % 7)}, "weights");
    Same({"SET", "aw:" + id, std::string(1, static_cast<char>('a' + rng() % 4))}, "alpha weights");
    Same({"HSET", "obj:" + id, "v", std::to_string(rng() % 100), "name", "n" + id}, "hashes");
  }
  Same(push, "items");
  for (int step = 0; step < 200; ++step) {
    Cmd cmd = {rng() % 4 ? "SORT" : "SORT_RO", "items"};
    switch (rng() % 4) {
      case 0: cmd.insert(cmd.end(), {"BY", "wt:*"}); break;
      case 1: cmd.insert(cmd.end(), {"BY", "aw:*", "ALPHA"}); break;
      case 2: cmd.insert(cmd.end(), {"BY", "obj:*->v"}); break;
      case 3: break;
    }
    if (rng() % 2) cmd.push_back(rng() % 2 ? "DESC" : "ASC");
    if (rng() % 3) cmd.insert(cmd.end(), {"LIMIT", std::to_string(rng() % (n + 5)), std::to_string(rng() % 20)});
    if (rng() % 2) cmd.insert(cmd.end(), {"GET", "#"});
    if (rng() % 3 == 0) cmd.insert(cmd.end(), {"GET", "obj:*->name"});
    const bool store = cmd[0] == "SORT" && rng() % 4 == 0;
    if (store) cmd.insert(cmd.end(), {"STORE", "sorted:out"});
    Same(cmd, "seed " + std::to_string(seed) + " step " + std::to_string(step));
    if (store) Same({"LRANGE", "sorted:out", "0", "-1"}, "stored");
    if (HasFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Sort, SortRandomDiff, ::testing::Values(1, 2, 3));

}  // namespace
}  // namespace ks::test
