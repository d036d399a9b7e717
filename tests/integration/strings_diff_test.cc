// Differential test of the string family: every sequence runs against keyshard and a real
// redis-server 7.0, reply by reply, and the replies must be identical (values, integers and
// exact error texts). Keys use {t} hash tags where a case needs them on one engine, and no
// tag where the point is to spread them over engines (MSET/MSETNX/MGET). Nothing here depends
// on wall-clock timing: TTLs are long, absolute or already past.
#include <gtest/gtest.h>

#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

struct Case {
  std::string name;
  std::vector<Cmd> cmds;
  // Commands of other families the case uses; it is skipped while keyshard lacks one.
  std::vector<std::string> needs = {};
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class StringsDiff : public DiffTest<Case> {
 protected:
  bool KeyshardKnows(const std::string& name) {
    return kc_->Run({name}).rfind("(error) ERR unknown command", 0) != 0;
  }
};

TEST_P(StringsDiff, SameRepliesAsRedis) {
  const Case& c = GetParam();
  for (const auto& n : c.needs)
    if (!KeyshardKnows(n)) GTEST_SKIP() << "keyshard has no " << n << " yet";
  for (const Cmd& cmd : c.cmds) Same(cmd, c.name);
}

std::string Repeat(char ch, size_t n) { return std::string(n, ch); }

std::vector<Case> Cases() {
  const std::string big = Repeat('x', 600);
  return {
      {"GetSet",
       {{"GET", "k"}, {"SET", "k", "v"}, {"GET", "k"}, {"SET", "k", ""}, {"GET", "k"},
        {"SET", "k", std::string("a\0b\r\nc", 6)}, {"GET", "k"}, {"SET", "k", big}, {"GET", "k"},
        {"GET"}, {"GET", "a", "b"}, {"SET", "k"}}},
      {"SetConditions",
       {{"SET", "k", "v", "XX"}, {"SET", "k", "v", "NX"}, {"SET", "k", "w", "NX"}, {"SET", "k", "w", "xx"},
        {"GET", "k"}, {"SET", "k", "x", "NX", "GET"}, {"SET", "k", "x", "XX", "GET"}, {"SET", "n", "x", "XX", "GET"},
        {"GET", "n"}, {"SET", "n", "y", "nx", "get"}, {"SET", "k", "v", "NX", "NX"}, {"SET", "k", "v", "GET", "GET"},
        {"SET", "k", "v", "KEEPTTL", "KEEPTTL"}}},
      {"SetSyntaxErrors",
       {{"SET", "k", "v", "NX", "XX"}, {"SET", "k", "v", "XX", "NX"}, {"SET", "k", "v", "EX", "10", "PX", "10"},
        {"SET", "k", "v", "EX", "10", "EXAT", "10"}, {"SET", "k", "v", "PXAT", "10", "EX", "10"},
        {"SET", "k", "v", "KEEPTTL", "EX", "10"}, {"SET", "k", "v", "PX", "10", "KEEPTTL"}, {"SET", "k", "v", "EX"},
        {"SET", "k", "v", "PERSIST"}, {"SET", "k", "v", "foo"}, {"SET", "k", "v", "EX", "10", "foo"},
        {"SET", "k", "v", "NXX"}, {"GET", "k"}}},
      {"SetExpireErrors",
       {{"SET", "k", "v", "EX", "0"}, {"SET", "k", "v", "EX", "-1"}, {"SET", "k", "v", "PX", "0"},
        {"SET", "k", "v", "EXAT", "0"}, {"SET", "k", "v", "PXAT", "-10"}, {"SET", "k", "v", "EX", "abc"},
        {"SET", "k", "v", "EX", "1.5"}, {"SET", "k", "v", "EX", "9223372036854775807"},
        {"SET", "k", "v", "EX", "9223372036854775"}, {"SET", "k", "v", "PX", "9223372036854775807"},
        {"SET", "k", "v", "EXAT", "9223372036854776"}, {"SET", "k", "v", "EX", "99999999999999999999"},
        {"SET", "k", "v", "NX", "EX", "0"}, {"GET", "k"}}},
      {"SetExpiresAndKeepTtl",
       {{"SET", "k", "v", "EX", "100"}, {"TTL", "k"}, {"SET", "k", "w", "KEEPTTL"}, {"TTL", "k"}, {"GET", "k"},
        {"SET", "k", "x"}, {"TTL", "k"}, {"SET", "k", "y", "PX", "100000"}, {"TTL", "k"},
        {"SET", "k", "z", "EXAT", "4000000000"}, {"TTL", "k"}, {"SET", "k", "a", "PXAT", "1"}, {"GET", "k"},
        {"SET", "k", "b", "ex", "10", "ex", "1000"}, {"TTL", "k"}, {"SET", "k", "c", "KEEPTTL", "GET"}, {"TTL", "k"},
        {"SET", "k2", "v", "KEEPTTL"}, {"TTL", "k2"}},
       {"TTL"}},
      {"SetNxExPsetex",
       {{"SETNX", "k", "1"}, {"SETNX", "k", "2"}, {"GET", "k"}, {"SETEX", "k", "100", "v"}, {"TTL", "k"},
        {"GET", "k"}, {"PSETEX", "k", "100000", "w"}, {"TTL", "k"}, {"SETEX", "k", "0", "v"},
        {"SETEX", "k", "-5", "v"}, {"SETEX", "k", "abc", "v"}, {"SETEX", "k", "9223372036854775807", "v"},
        {"PSETEX", "k", "0", "v"}, {"PSETEX", "k", "1.5", "v"}, {"PSETEX", "k", "9223372036854775807", "v"},
        {"SETEX", "k", "10"}, {"SETNX", "k"}, {"PSETEX", "k", "1", "v", "x"}, {"GET", "k"}},
       {"TTL"}},
      {"GetEx",
       {{"GETEX", "k"}, {"GETEX", "k", "EX", "-1"}, {"GETEX", "k", "foo"}, {"SET", "k", "v"}, {"GETEX", "k"},
        {"TTL", "k"}, {"GETEX", "k", "EX", "100"}, {"TTL", "k"}, {"GETEX", "k", "PX", "200000"}, {"TTL", "k"},
        {"GETEX", "k", "EXAT", "4000000000"}, {"TTL", "k"}, {"GETEX", "k", "PXAT", "4000000000000"}, {"TTL", "k"},
        {"GETEX", "k", "PERSIST"}, {"TTL", "k"}, {"GETEX", "k", "EX", "10", "EX", "20"}, {"TTL", "k"},
        {"GETEX", "k", "EX", "0"}, {"GETEX", "k", "EX", "abc"}, {"GETEX", "k", "PX", "-1"},
        {"GETEX", "k", "EX", "9223372036854775807"}, {"GETEX", "k", "EX"}, {"GETEX", "k", "PERSIST", "EX", "10"},
        {"GETEX", "k", "EX", "10", "PERSIST"}, {"GETEX", "k", "KEEPTTL"}, {"GETEX", "k", "NX"},
        {"GETEX", "k", "GET"}, {"GETEX", "k", "EX", "10", "PX", "10"}, {"GETEX", "k", "PERSIST", "PERSIST"},
        {"GETEX", "k", "EXAT", "1"}, {"GET", "k"}, {"SET", "k", "v"}, {"GETEX", "k", "PXAT", "1"}, {"GET", "k"},
        {"GETEX"}},
       {"TTL"}},
      {"GetDelGetSet",
       {{"GETDEL", "k"}, {"SET", "k", "v"}, {"GETDEL", "k"}, {"GET", "k"}, {"GETSET", "k", "1"},
        {"GETSET", "k", "2"}, {"GET", "k"}, {"SETEX", "k", "100", "3"}, {"GETSET", "k", "4"}, {"TTL", "k"},
        {"GETDEL"}, {"GETSET", "k"}, {"GETDEL", "k", "x"}},
       {"TTL"}},
      {"MsetMgetAcrossEngines",
       {{"MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6"},
        {"MGET", "a", "b", "c", "d", "e", "f", "g"}, {"MSET", "a", "x", "a", "y"}, {"GET", "a"},
        {"MSET", "a", "1", "b"}, {"MSET", "a"}, {"MGET"}, {"SETEX", "b", "100", "v"}, {"MSET", "b", "w"},
        {"TTL", "b"}},
       {"TTL"}},
      {"MsetNxAllOrNothing",
       {{"MSETNX", "a", "1", "b", "2", "c", "3"}, {"MSETNX", "d", "4", "e", "5", "a", "x"},
        {"MGET", "a", "b", "c", "d", "e"}, {"MSETNX", "f", "1", "f", "2"}, {"GET", "f"}, {"MSETNX", "g", "1", "h"},
        {"MSETNX", "g"}, {"MGET", "g", "h"}}},
      {"AppendStrlen",
       {{"STRLEN", "k"}, {"APPEND", "k", "hello"}, {"APPEND", "k", " world"}, {"GET", "k"}, {"STRLEN", "k"},
        {"APPEND", "k", ""}, {"APPEND", "e", ""}, {"EXISTS", "e"}, {"STRLEN", "e"}, {"SET", "n", "123"},
        {"APPEND", "n", "4"}, {"GET", "n"}, {"INCR", "n"}, {"APPEND", "n", big}, {"STRLEN", "n"},
        {"SETEX", "t", "100", "a"}, {"APPEND", "t", "b"}, {"TTL", "t"}, {"APPEND", "k"}, {"STRLEN"}},
       {"TTL", "EXISTS"}},
      {"GetRangeAndSubstr",
       {{"GETRANGE", "k", "0", "-1"}, {"SET", "k", "Hello World"}, {"GETRANGE", "k", "0", "4"},
        {"GETRANGE", "k", "-5", "-1"}, {"GETRANGE", "k", "0", "-1"}, {"GETRANGE", "k", "-100", "100"},
        {"GETRANGE", "k", "5", "3"}, {"GETRANGE", "k", "-1", "-5"}, {"GETRANGE", "k", "20", "30"},
        {"GETRANGE", "k", "-100", "-50"}, {"GETRANGE", "k", "0", "9223372036854775807"},
        {"GETRANGE", "k", "-9223372036854775808", "3"}, {"SUBSTR", "k", "1", "3"}, {"GETRANGE", "k", "a", "1"},
        {"GETRANGE", "k", "1", "b"}, {"GETRANGE", "none", "a", "1"}, {"SET", "i", "12345"},
        {"GETRANGE", "i", "1", "-2"}, {"SET", "e", ""}, {"GETRANGE", "e", "0", "-1"}, {"GETRANGE", "e", "-1", "0"},
        {"GETRANGE", "k", "0"}, {"SUBSTR", "k"}}},
      {"SetRange",
       {{"SETRANGE", "k", "0", ""}, {"EXISTS", "k"}, {"SETRANGE", "k", "3", "ab"}, {"GET", "k"},
        {"SETRANGE", "k", "1", "xyz"}, {"GET", "k"}, {"SETRANGE", "k", "10", "z"}, {"GET", "k"},
        {"SETRANGE", "k", "0", ""}, {"SETRANGE", "k", "-1", "x"}, {"SETRANGE", "k", "x", "x"},
        {"SETRANGE", "k", "1.5", "x"}, {"SETRANGE", "none", "-1", ""}, {"SETRANGE", "k", "536870911", "xy"},
        {"SETRANGE", "k", "536870912", ""}, {"SETRANGE", "n", "536870912", "x"}, {"SET", "i", "12345"},
        {"SETRANGE", "i", "0", "9"}, {"GET", "i"}, {"INCR", "i"}, {"SETEX", "t", "100", "abc"},
        {"SETRANGE", "t", "1", "X"}, {"TTL", "t"}, {"GET", "t"}, {"SETRANGE", "k", "1"}},
       {"TTL", "EXISTS"}},
      {"IncrDecr",
       {{"INCR", "n"}, {"INCR", "n"}, {"DECR", "n"}, {"INCRBY", "n", "100"}, {"DECRBY", "n", "-50"},
        {"DECRBY", "n", "1000"}, {"GET", "n"}, {"DECR", "m"}, {"INCRBY", "o", "-7"}, {"DECRBY", "p", "7"},
        {"INCRBY", "n", "abc"}, {"INCRBY", "n", "1.5"}, {"INCRBY", "n", ""}, {"INCRBY", "n", "99999999999999999999"},
        {"DECRBY", "n", "x"}, {"DECRBY", "n", "-9223372036854775808"}, {"INCRBY", "n", "-9223372036854775808"},
        {"SET", "s", "abc"}, {"INCR", "s"}, {"SET", "s", " 1"}, {"INCR", "s"}, {"SET", "s", "1 "}, {"DECR", "s"},
        {"SET", "s", "01"}, {"INCR", "s"}, {"SET", "s", "+1"}, {"INCR", "s"}, {"SET", "s", "-0"}, {"INCR", "s"},
        {"SET", "s", ""}, {"INCR", "s"}, {"SET", "s", "1.0"}, {"INCRBY", "s", "1"},
        {"SET", "s", "9223372036854775807"}, {"INCR", "s"}, {"INCRBY", "s", "1"}, {"DECRBY", "s", "-1"},
        {"SET", "s", "-9223372036854775808"}, {"DECR", "s"}, {"INCRBY", "s", "-1"},
        {"INCRBY", "s", "9223372036854775807"}, {"SET", "s", "9223372036854775808"}, {"INCR", "s"},
        {"SETEX", "t", "100", "5"}, {"INCR", "t"}, {"INCRBY", "t", "10"}, {"TTL", "t"}, {"INCR"},
        {"INCRBY", "n"}, {"DECR", "n", "1"}},
       {"TTL"}},
      {"IncrByFloat",
       {{"INCRBYFLOAT", "f", "1"}, {"INCRBYFLOAT", "f", "0.1"}, {"INCRBYFLOAT", "f", "-1.1"},
        {"INCRBYFLOAT", "f", "1e5"}, {"INCRBYFLOAT", "f", "0x10"}, {"INCRBYFLOAT", "f", "-5.0e-3"},
        {"INCRBYFLOAT", "f", "1.23456789012345678901"}, {"SET", "g", "3.0e3"}, {"INCRBYFLOAT", "g", "1.5"},
        {"SET", "g", "10.50"}, {"INCRBYFLOAT", "g", "0.1"}, {"SET", "g", "5"}, {"INCRBYFLOAT", "g", "-5"},
        {"SET", "g", "-0.5"}, {"INCRBYFLOAT", "g", "0.5"}, {"INCRBYFLOAT", "g", "abc"}, {"INCRBYFLOAT", "g", " 1"},
        {"INCRBYFLOAT", "g", "1 "}, {"INCRBYFLOAT", "g", ""}, {"INCRBYFLOAT", "g", "nan"},
        {"INCRBYFLOAT", "g", "inf"}, {"INCRBYFLOAT", "g", "-inf"}, {"SET", "h", "abc"}, {"INCRBYFLOAT", "h", "1"},
        {"SET", "h", "1e4932"}, {"INCRBYFLOAT", "h", "1e4932"}, {"SET", "h", "1e308"},
        {"INCRBYFLOAT", "h", "1e308"}, {"SET", "h", "0.1"}, {"INCRBYFLOAT", "h", "0.2"},
        {"INCRBYFLOAT", "h", "1e-20"}, {"SETEX", "t", "100", "1.5"}, {"INCRBYFLOAT", "t", "1"}, {"TTL", "t"},
        {"INCRBYFLOAT", "t"}},
       {"TTL"}},
      {"Lcs",
       {{"MSET", "{t}a", "ohmytext", "{t}b", "mynewtext"}, {"LCS", "{t}a", "{t}b"}, {"LCS", "{t}a", "{t}b", "LEN"},
        {"LCS", "{t}a", "{t}b", "IDX"}, {"LCS", "{t}a", "{t}b", "IDX", "MINMATCHLEN", "4"},
        {"LCS", "{t}a", "{t}b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"},
        {"LCS", "{t}a", "{t}b", "idx", "withmatchlen"}, {"LCS", "{t}a", "{t}b", "WITHMATCHLEN"},
        {"LCS", "{t}a", "{t}b", "MINMATCHLEN", "-3", "IDX"}, {"LCS", "{t}a", "{t}b", "LEN", "MINMATCHLEN", "2"},
        {"LCS", "{t}a", "{t}none"}, {"LCS", "{t}none", "{t}none", "IDX"}, {"LCS", "{t}a", "{t}a", "IDX"},
        {"LCS", "{t}a", "{t}b", "LEN", "IDX"}, {"LCS", "{t}a", "{t}b", "MINMATCHLEN"},
        {"LCS", "{t}a", "{t}b", "MINMATCHLEN", "x"}, {"LCS", "{t}a", "{t}b", "foo"}, {"LCS", "{t}a"},
        {"MSET", "{t}c", "GATTACAGATTACA", "{t}d", "TAGACCATAGGACAT"}, {"LCS", "{t}c", "{t}d"},
        {"LCS", "{t}c", "{t}d", "IDX", "WITHMATCHLEN"}, {"LCS", "{t}d", "{t}c", "IDX", "MINMATCHLEN", "2"},
        {"MSET", "{t}e", Repeat('a', 300) + "xyz" + Repeat('b', 10), "{t}f", "xyz" + Repeat('a', 300) + "bb"},
        {"LCS", "{t}e", "{t}f", "LEN"}, {"LCS", "{t}e", "{t}f"}, {"LCS", "{t}e", "{t}f", "IDX", "WITHMATCHLEN"},
        {"MSET", "{t}n", "12345", "{t}m", "1x3y5"}, {"LCS", "{t}n", "{t}m", "IDX"}}},
      {"LcsTableLimit",
       {{"CONFIG", "SET", "proto-max-bulk-len", "1048576"},
        {"MSET", "{t}a", Repeat('a', 600), "{t}b", Repeat('a', 600)}, {"LCS", "{t}a", "{t}b", "LEN"},
        {"SET", "{t}b", Repeat('a', 400)}, {"LCS", "{t}a", "{t}b", "LEN"},
        {"SETRANGE", "{t}a", "1048570", "1234567"}, {"SETRANGE", "{t}a", "1048570", "123456"},
        {"APPEND", "{t}a", "x"}, {"SETRANGE", "{t}x", "1048576", "x"}, {"SETRANGE", "{t}x", "1048576", ""},
        {"CONFIG", "SET", "proto-max-bulk-len", "536870912"}, {"APPEND", "{t}a", "x"}},
       {"CONFIG"}},
      {"WrongType",
       {{"LPUSH", "l", "a"}, {"GET", "l"}, {"GETDEL", "l"}, {"GETSET", "l", "v"}, {"GETEX", "l"},
        {"GETEX", "l", "EX", "abc"}, {"GETEX", "l", "foo"}, {"SET", "l", "v", "GET"}, {"APPEND", "l", "v"},
        {"STRLEN", "l"}, {"SETRANGE", "l", "0", "v"}, {"SETRANGE", "l", "0", ""}, {"SETRANGE", "l", "-1", "v"},
        {"GETRANGE", "l", "0", "1"}, {"GETRANGE", "l", "x", "1"}, {"INCR", "l"}, {"DECRBY", "l", "1"},
        {"INCRBY", "l", "x"}, {"INCRBYFLOAT", "l", "1"}, {"INCRBYFLOAT", "l", "x"}, {"LCS", "l", "x"},
        {"LCS", "x", "l", "foo"}, {"MGET", "l", "x"}, {"MSETNX", "l", "1"}, {"SETNX", "l", "1"},
        {"SET", "l", "v", "NX"}, {"SET", "l", "v", "XX", "GET"}, {"SET", "l", "v"}, {"GET", "l"}},
       {"LPUSH"}},
      {"ObjectEncoding",
       {{"SET", "a", "12345"}, {"OBJECT", "ENCODING", "a"}, {"SET", "a", "012"}, {"OBJECT", "ENCODING", "a"},
        {"SET", "a", Repeat('x', 44)}, {"OBJECT", "ENCODING", "a"}, {"SET", "a", Repeat('x', 45)},
        {"OBJECT", "ENCODING", "a"}, {"SET", "a", "-9223372036854775808"}, {"OBJECT", "ENCODING", "a"},
        {"SET", "a", "9223372036854775808"}, {"OBJECT", "ENCODING", "a"}, {"APPEND", "b", "12"},
        {"OBJECT", "ENCODING", "b"}, {"APPEND", "b", ""}, {"OBJECT", "ENCODING", "b"}, {"INCR", "b"},
        {"OBJECT", "ENCODING", "b"}, {"SETRANGE", "b", "0", ""}, {"OBJECT", "ENCODING", "b"},
        {"SETRANGE", "b", "0", "9"}, {"OBJECT", "ENCODING", "b"}, {"SETRANGE", "c", "0", "1"},
        {"OBJECT", "ENCODING", "c"}, {"INCRBYFLOAT", "d", "1"}, {"OBJECT", "ENCODING", "d"},
        {"SET", "d", "123456789012345678901234567890123456789012345678"}, {"INCRBYFLOAT", "d", "1"},
        {"OBJECT", "ENCODING", "d"}, {"MSET", "e", "7", "f", "x"}, {"OBJECT", "ENCODING", "e"},
        {"OBJECT", "ENCODING", "f"}, {"MSETNX", "g", "8"}, {"OBJECT", "ENCODING", "g"}, {"GETSET", "g", "x"},
        {"OBJECT", "ENCODING", "g"}, {"SETEX", "h", "100", "5"}, {"OBJECT", "ENCODING", "h"},
        {"SETNX", "i", Repeat('y', 50)}, {"OBJECT", "ENCODING", "i"}, {"GETEX", "h", "PERSIST"},
        {"OBJECT", "ENCODING", "h"}, {"DECRBY", "j", "5"}, {"OBJECT", "ENCODING", "j"}},
       {"OBJECT"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Strings, StringsDiff, ::testing::ValuesIn(Cases()), CaseName());

// A long seeded random sequence of string commands over a few keys, with arguments drawn from
// values that exercise the edge cases (numbers near the limits, floats, empty strings, negative
// and out-of-range offsets). Every reply must match.
TEST_F(StringsDiff, RandomSequencesMatchRedis) {
  std::mt19937 rng(20240607);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  const std::vector<std::string> keys = {"{t}a", "{t}b", "{t}c", "{t}d"};
  const std::vector<std::string> values = {"",   "0",  "1",   "-1",  "10",  "abc", "3.5",  "-2.25", "1e3",
                                           "007", " 1", "9223372036854775807", "-9223372036854775808",
                                           "hello world", std::string(50, 'z')};
  const std::vector<std::string> ints = {"0",  "1",  "-1",  "2",    "5",  "-3",  "100", "x",
                                         "1.5", "9223372036854775807", "-9223372036854775808"};
  const std::vector<std::string> floats = {"0", "1", "-1", "0.5", "-2.75", "1e2", "abc", "3.0e-2", "inf"};
  const std::vector<std::string> offsets = {"0", "1", "3", "-1", "-5", "20", "-100", "100", "x"};
  for (int step = 0; step < 3000; ++step) {
    std::string k = pick(keys), k2 = pick(keys);
    Cmd cmd;
    switch (rng() % 22) {
      case 0: cmd = {"GET", k}; break;
      case 1: cmd = {"SET", k, pick(values)}; break;
      case 2: cmd = {"SET", k, pick(values), pick({"NX", "XX", "GET", "KEEPTTL"})}; break;
      case 3: cmd = {"SETNX", k, pick(values)}; break;
      case 4: cmd = {"GETSET", k, pick(values)}; break;
      case 5: cmd = {"GETDEL", k}; break;
      case 6: cmd = {"MGET", k, k2, pick(keys)}; break;
      case 7: cmd = {"MSET", k, pick(values), k2, pick(values)}; break;
      case 8: cmd = {"MSETNX", k, pick(values), k2, pick(values)}; break;
      case 9: cmd = {"APPEND", k, pick(values)}; break;
      case 10: cmd = {"STRLEN", k}; break;
      case 11: cmd = {"GETRANGE", k, pick(offsets), pick(offsets)}; break;
      case 12: cmd = {"SETRANGE", k, pick(offsets), pick(values)}; break;
      case 13: cmd = {"INCR", k}; break;
      case 14: cmd = {"DECR", k}; break;
      case 15: cmd = {"INCRBY", k, pick(ints)}; break;
      case 16: cmd = {"DECRBY", k, pick(ints)}; break;
      case 17: cmd = {"INCRBYFLOAT", k, pick(floats)}; break;
      case 18: cmd = {"LCS", k, k2, pick({"LEN", "IDX", "WITHMATCHLEN", "X"})}; break;
      case 19: cmd = {"LCS", k, k2}; break;
      case 20: cmd = {"GETEX", k, pick({"EX", "PX", "PERSIST", "EXAT"}), pick({"100", "0", "-1", "x", "4000000000"})}; break;
      case 21: cmd = {"SET", k, pick(values), pick({"EX", "PX"}), pick({"1000", "0", "x"})}; break;
    }
    Same(cmd, "step " + std::to_string(step));
    if (HasFailure()) break;  // the first divergence is the informative one
  }
}

}  // namespace
}  // namespace ks::test
