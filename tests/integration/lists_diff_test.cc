// Differential test of the list family: every sequence runs against keyshard (8 engines) and a
// real redis-server 7.0, reply by reply, and the replies must be identical (values, integers,
// null shapes and exact error texts). Plain key names spread over engines, which is the point
// for LMOVE/RPOPLPUSH/LMPOP; {t} hash tags put keys on one engine. A seeded random walk then
// compares long mixed sequences under several list-max-listpack-size settings.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

using Case = DiffCase;

// Every test starts from the default node size.
template <typename Param>
class ListsDiffTest : public DiffTest<Param> {
 protected:
  void SetUp() override { this->Connect({{"CONFIG", "SET", "list-max-listpack-size", "-2"}}); }
};

using ListsDiff = ListsDiffTest<Case>;

TEST_P(ListsDiff, SameRepliesAsRedis) {
  for (const Cmd& cmd : GetParam().cmds) Same(cmd, GetParam().name);
}

Cmd Numbers(std::string cmd, std::string key, int n) {
  Cmd c = {std::move(cmd), std::move(key)};
  for (int i = 0; i < n; ++i) c.push_back(std::to_string(i));
  return c;
}

std::vector<Case> Cases() {
  const std::string big(700, 'x');
  return {
      {"PushAndRange",
       {{"LPUSH", "l", "a"}, {"RPUSH", "l", "b", "c"}, {"LPUSH", "l", "z", "y"}, {"LRANGE", "l", "0", "-1"},
        {"LLEN", "l"}, {"TYPE", "l"}, {"OBJECT", "ENCODING", "l"}, {"RPUSH", "l", "", std::string("\0\xff\r\n", 4), big},
        {"LRANGE", "l", "-3", "-1"}, {"LLEN", "missing"}, {"LPUSH", "l"}, {"RPUSH"}, {"LLEN", "l", "x"}}},
      {"PushX",
       {{"LPUSHX", "px", "a"}, {"RPUSHX", "px", "a", "b"}, {"EXISTS", "px"}, {"RPUSH", "px", "m"},
        {"LPUSHX", "px", "a", "b"}, {"RPUSHX", "px", "y", "z"}, {"LRANGE", "px", "0", "-1"}, {"LPUSHX", "px"}}},
      {"PopAndCounts",
       {{"RPUSH", "p", "a", "b", "c", "d", "e"}, {"LPOP", "p"}, {"RPOP", "p"}, {"LPOP", "p", "2"},
        {"RPOP", "p", "0"}, {"LPOP", "p", "0"}, {"RPOP", "p", "10"}, {"EXISTS", "p"}, {"LPOP", "p"},
        {"RPOP", "p"}, {"LPOP", "p", "3"}, {"LPOP", "p", "0"}, {"LPOP", "p", "-1"}, {"RPOP", "p", "abc"},
        {"LPOP", "p", "1", "2"}, {"RPUSH", "p", "x"}, {"RPOP", "p", "99999999999999999999"}, {"LPOP"}}},
      {"PopNullShapesInResp3",
       {{"HELLO", "3"}, {"RPUSH", "p3", "a"}, {"LPOP", "p3", "1"}, {"LPOP", "p3"}, {"LPOP", "p3", "2"},
        {"LMPOP", "1", "p3", "LEFT"}, {"LPOS", "p3", "a"}, {"LPOS", "p3", "a", "COUNT", "0"},
        {"RPOPLPUSH", "p3", "q3"}, {"LINDEX", "p3", "0"}}},
      {"RangeIndexes",
       {{"RPUSH", "r", "a", "b", "c", "d", "e"}, {"LRANGE", "r", "0", "0"}, {"LRANGE", "r", "1", "3"},
        {"LRANGE", "r", "-2", "-1"}, {"LRANGE", "r", "-100", "1"}, {"LRANGE", "r", "3", "100"},
        {"LRANGE", "r", "4", "2"}, {"LRANGE", "r", "5", "10"}, {"LRANGE", "r", "-1", "-2"},
        {"LRANGE", "r", "-9223372036854775808", "9223372036854775807"}, {"LRANGE", "r", "x", "1"},
        {"LRANGE", "r", "0", "1.5"}, {"LRANGE", "missing", "0", "-1"}, {"LRANGE", "missing", "x", "1"}}},
      {"IndexAndSet",
       {{"RPUSH", "i", "a", "b", "c"}, {"LINDEX", "i", "0"}, {"LINDEX", "i", "-1"}, {"LINDEX", "i", "3"},
        {"LINDEX", "i", "-4"}, {"LINDEX", "i", "x"}, {"LINDEX", "missing", "x"}, {"LSET", "i", "1", "B"},
        {"LSET", "i", "-1", big}, {"LRANGE", "i", "0", "-1"}, {"LSET", "i", "3", "x"}, {"LSET", "i", "-4", "x"},
        {"LSET", "i", "x", "y"}, {"LSET", "missing", "0", "x"}, {"LSET", "missing", "x", "x"},
        {"LSET", "i", "0", ""}, {"LINDEX", "i", "0"}}},
      {"Insert",
       {{"RPUSH", "ins", "a", "c", "a"}, {"LINSERT", "ins", "BEFORE", "c", "b"}, {"LINSERT", "ins", "after", "a", "x"},
        {"LINSERT", "ins", "before", "zz", "q"}, {"LINSERT", "ins", "middle", "a", "q"},
        {"LINSERT", "missing", "BEFORE", "a", "b"}, {"LINSERT", "missing", "middle", "a", "b"},
        {"EXISTS", "missing"}, {"LRANGE", "ins", "0", "-1"}, {"LINSERT", "ins", "BEFORE", "a"}}},
      {"Remove",
       {{"RPUSH", "rem", "x", "a", "x", "b", "x", "c", "x"}, {"LREM", "rem", "2", "x"}, {"LRANGE", "rem", "0", "-1"},
        {"LREM", "rem", "-1", "x"}, {"LREM", "rem", "0", "x"}, {"LRANGE", "rem", "0", "-1"},
        {"LREM", "rem", "-9223372036854775808", "a"}, {"LREM", "rem", "0", "b"}, {"LREM", "rem", "0", "c"},
        {"EXISTS", "rem"}, {"LREM", "rem", "0", "c"}, {"LREM", "rem", "x", "c"}, {"LREM", "missing", "x", "c"}}},
      {"Trim",
       {{"RPUSH", "tr", "a", "b", "c", "d", "e", "f"}, {"LTRIM", "tr", "1", "-2"}, {"LRANGE", "tr", "0", "-1"},
        {"LTRIM", "tr", "-100", "100"}, {"LTRIM", "tr", "1", "1"}, {"LRANGE", "tr", "0", "-1"},
        {"LTRIM", "tr", "5", "10"}, {"EXISTS", "tr"}, {"LTRIM", "missing", "0", "1"},
        {"LTRIM", "missing", "x", "1"}, {"LTRIM", "tr", "0", "x"}}},
      {"Pos",
       {{"RPUSH", "pos", "a", "b", "c", "a", "b", "c", "a"}, {"LPOS", "pos", "a"}, {"LPOS", "pos", "zz"},
        {"LPOS", "pos", "a", "RANK", "2"}, {"LPOS", "pos", "a", "RANK", "-1"}, {"LPOS", "pos", "a", "RANK", "-3"},
        {"LPOS", "pos", "a", "RANK", "4"}, {"LPOS", "pos", "a", "COUNT", "0"}, {"LPOS", "pos", "a", "COUNT", "2"},
        {"LPOS", "pos", "a", "COUNT", "2", "RANK", "-1"}, {"LPOS", "pos", "c", "MAXLEN", "3"},
        {"LPOS", "pos", "c", "MAXLEN", "2"}, {"LPOS", "pos", "c", "RANK", "-1", "MAXLEN", "2"},
        {"LPOS", "pos", "a", "COUNT", "0", "MAXLEN", "4"}, {"LPOS", "pos", "zz", "COUNT", "1"},
        {"LPOS", "pos", "a", "RANK", "-9223372036854775808"},
        {"LPOS", "pos", "a", "RANK", "-9223372036854775808", "COUNT", "1"},
        {"LPOS", "pos", "a", "RANK", "9223372036854775807"}, {"LPOS", "missing", "a"},
        {"LPOS", "missing", "a", "COUNT", "1"}}},
      {"PosErrors",
       {{"RPUSH", "pe", "a"}, {"LPOS", "pe", "a", "RANK", "0"}, {"LPOS", "pe", "a", "RANK", "x"},
        {"LPOS", "pe", "a", "COUNT", "-1"}, {"LPOS", "pe", "a", "COUNT", "x"}, {"LPOS", "pe", "a", "MAXLEN", "-1"},
        {"LPOS", "pe", "a", "MAXLEN", "x"}, {"LPOS", "pe", "a", "RANK"}, {"LPOS", "pe", "a", "BOGUS", "1"},
        {"LPOS", "missing", "a", "RANK", "0"}, {"LPOS", "pe"}}},
      {"MoveAcrossEngines",
       {{"RPUSH", "src", "a", "b", "c"}, {"LMOVE", "src", "dst", "LEFT", "RIGHT"},
        {"LMOVE", "src", "dst", "RIGHT", "LEFT"}, {"LMOVE", "src", "dst", "left", "left"},
        {"LRANGE", "dst", "0", "-1"}, {"EXISTS", "src"}, {"LMOVE", "src", "dst", "LEFT", "LEFT"},
        {"RPOPLPUSH", "dst", "other"}, {"RPOPLPUSH", "dst", "other"}, {"LRANGE", "other", "0", "-1"},
        {"RPOPLPUSH", "missing", "dst"}, {"LMOVE", "src", "dst", "UP", "LEFT"}, {"LMOVE", "src", "dst", "LEFT"},
        {"RPOPLPUSH", "src"}}},
      {"MoveOnOneEngine",
       {{"RPUSH", "{t}a", "1", "2", "3"}, {"LMOVE", "{t}a", "{t}b", "RIGHT", "LEFT"},
        {"RPOPLPUSH", "{t}a", "{t}b"}, {"LRANGE", "{t}a", "0", "-1"}, {"LRANGE", "{t}b", "0", "-1"}}},
      {"MoveRotates",
       {{"RPUSH", "rot", "a", "b", "c"}, {"RPOPLPUSH", "rot", "rot"}, {"LRANGE", "rot", "0", "-1"},
        {"LMOVE", "rot", "rot", "LEFT", "RIGHT"}, {"LRANGE", "rot", "0", "-1"}, {"RPUSH", "one", "x"},
        {"LMOVE", "one", "one", "LEFT", "RIGHT"}, {"LRANGE", "one", "0", "-1"}}},
      {"MoveTypeChecks",
       {{"RPUSH", "ls", "a"}, {"SET", "str", "v"}, {"LMOVE", "ls", "str", "LEFT", "LEFT"}, {"LLEN", "ls"},
        {"LMOVE", "str", "ls", "LEFT", "LEFT"}, {"RPOPLPUSH", "ls", "str"}, {"RPOPLPUSH", "nolist", "str"},
        {"LMOVE", "nolist", "str", "LEFT", "LEFT"}}},
      {"MPop",
       {{"RPUSH", "mb", "1", "2", "3", "4"}, {"RPUSH", "mc", "x"}, {"LMPOP", "3", "ma", "mb", "mc", "LEFT"},
        {"LMPOP", "3", "ma", "mb", "mc", "RIGHT", "COUNT", "2"}, {"LMPOP", "3", "ma", "mb", "mc", "left", "count", "10"},
        {"EXISTS", "mb"}, {"LMPOP", "3", "ma", "mb", "mc", "RIGHT"}, {"LMPOP", "3", "ma", "mb", "mc", "RIGHT"},
        {"RPUSH", "{t}m1", "a", "b"}, {"LMPOP", "2", "{t}m0", "{t}m1", "RIGHT", "COUNT", "1"}}},
      {"MPopErrors",
       {{"SET", "mstr", "v"}, {"RPUSH", "mlist", "a"}, {"LMPOP", "2", "mstr", "mlist", "LEFT"},
        {"LMPOP", "2", "mlist", "mstr", "LEFT"}, {"LMPOP", "0", "ma", "LEFT"}, {"LMPOP", "-1", "ma", "LEFT"},
        {"LMPOP", "x", "ma", "LEFT"}, {"LMPOP", "2", "ma", "LEFT"}, {"LMPOP", "9223372036854775807", "ma", "LEFT"},
        {"LMPOP", "1", "ma", "MIDDLE"}, {"LMPOP", "1", "ma", "LEFT", "COUNT", "0"},
        {"LMPOP", "1", "ma", "LEFT", "COUNT", "x"}, {"LMPOP", "1", "ma", "LEFT", "COUNT"},
        {"LMPOP", "1", "ma", "LEFT", "COUNT", "1", "COUNT", "1"}, {"LMPOP", "1", "ma", "LEFT", "extra"},
        {"LMPOP", "1", "ma"}}},
      {"WrongType",
       {{"SET", "s", "v"}, {"LPUSH", "s", "a"}, {"RPUSHX", "s", "a"}, {"LPOP", "s"}, {"RPOP", "s", "1"},
        {"LLEN", "s"}, {"LRANGE", "s", "0", "-1"}, {"LINDEX", "s", "0"}, {"LSET", "s", "0", "a"},
        {"LINSERT", "s", "BEFORE", "a", "b"}, {"LREM", "s", "0", "a"}, {"LTRIM", "s", "0", "1"},
        {"LPOS", "s", "a"}, {"GET", "s"}}},
      {"LongListsWithSmallNodes",
       {{"CONFIG", "SET", "list-max-listpack-size", "4"}, Numbers("RPUSH", "long", 60),
        {"OBJECT", "ENCODING", "long"}, {"LINDEX", "long", "25"}, {"LINDEX", "long", "-25"},
        {"LRANGE", "long", "10", "14"}, {"LSET", "long", "13", big}, {"LINSERT", "long", "AFTER", "21", "21b"},
        {"LINSERT", "long", "BEFORE", "0", "first"}, {"LRANGE", "long", "20", "25"}, {"LREM", "long", "0", "7"},
        {"LTRIM", "long", "3", "-4"}, {"LRANGE", "long", "0", "6"}, {"LLEN", "long"}, {"LPOS", "long", big},
        {"LPOP", "long", "5"}, {"RPOP", "long", "5"}, {"LRANGE", "long", "0", "-1"}}},
  };
}

INSTANTIATE_TEST_SUITE_P(Lists, ListsDiff, ::testing::ValuesIn(Cases()), CaseName());

// Random sequences of every non-blocking list command over a few keys (spread over engines and
// tagged onto one), compared reply by reply, per node-size setting.
using ListsRandomDiff = ListsDiffTest<int>;

TEST_P(ListsRandomDiff, RandomCommandSequencesMatchRedis) {
  const int fill = GetParam();
  for (Client* c : {kc_.get(), rc_.get()})
    ASSERT_EQ(c->Run({"CONFIG", "SET", "list-max-listpack-size", std::to_string(fill)}), "OK");
  std::mt19937 rng(static_cast<unsigned>(fill + 100));
  const std::vector<std::string> keys = {"ka", "kb", "kc", "{t}x", "{t}y", "str"};
  Same({"SET", "str", "v"}, "setup");
  auto key = [&] { return keys[rng() % keys.size()]; };
  auto elem = [&]() -> std::string {
    int r = rng() % 20;
    if (r < 16) return std::string(1, static_cast<char>('a' + rng() % 5));
    if (r < 19) return std::to_string(rng() % 1000);
    return std::string(200 + rng() % 600, static_cast<char>('p' + rng() % 3));
  };
  auto idx = [&] { return std::to_string(static_cast<int>(rng() % 40) - 20); };
  auto end = [&] { return std::string(rng() % 2 ? "LEFT" : "RIGHT"); };
  for (int step = 0; step < 1500; ++step) {
    Cmd cmd;
    switch (rng() % 16) {
      case 0:
      case 1:
      case 2: {
        cmd = {rng() % 2 ? "LPUSH" : "RPUSH", key()};
        int n = 1 + rng() % 6;
        for (int i = 0; i < n; ++i) cmd.push_back(elem());
        break;
      }
      case 3: cmd = {rng() % 2 ? "LPUSHX" : "RPUSHX", key(), elem()}; break;
      case 4:
        cmd = {rng() % 2 ? "LPOP" : "RPOP", key()};
        if (rng() % 2) cmd.push_back(std::to_string(rng() % 4));
        break;
      case 5: cmd = {"LRANGE", key(), idx(), idx()}; break;
      case 6: cmd = {"LINDEX", key(), idx()}; break;
      case 7: cmd = {"LSET", key(), idx(), elem()}; break;
      case 8: cmd = {"LINSERT", key(), rng() % 2 ? "BEFORE" : "AFTER", elem(), elem()}; break;
      case 9: cmd = {"LREM", key(), std::to_string(static_cast<int>(rng() % 5) - 2), elem()}; break;
      case 10: cmd = {"LTRIM", key(), idx(), idx()}; break;
      case 11: {
        cmd = {"LPOS", key(), elem()};
        if (rng() % 2) cmd.insert(cmd.end(), {"RANK", std::to_string(rng() % 2 ? 1 + rng() % 3 : -1 - rng() % 3)});
        if (rng() % 2) cmd.insert(cmd.end(), {"COUNT", std::to_string(rng() % 3)});
        if (rng() % 3 == 0) cmd.insert(cmd.end(), {"MAXLEN", std::to_string(rng() % 10)});
        break;
      }
      case 12: cmd = {"LMOVE", key(), key(), end(), end()}; break;
      case 13: cmd = {"RPOPLPUSH", key(), key()}; break;
      case 14: {
        int n = 1 + rng() % 3;
        cmd = {"LMPOP", std::to_string(n)};
        for (int i = 0; i < n; ++i) cmd.push_back(key());
        cmd.push_back(end());
        if (rng() % 2) cmd.insert(cmd.end(), {"COUNT", std::to_string(1 + rng() % 4)});
        break;
      }
      default: cmd = {"LLEN", key()}; break;
    }
    Same(cmd, "fill " + std::to_string(fill) + " step " + std::to_string(step));
    if (HasFailure()) return;  // the first divergence is the useful one
  }
  for (const auto& k : keys) Same({"LRANGE", k, "0", "-1"}, "final");
}

INSTANTIATE_TEST_SUITE_P(Fills, ListsRandomDiff, ::testing::Values(-2, -1, 1, 3, 16));

}  // namespace
}  // namespace ks::test
