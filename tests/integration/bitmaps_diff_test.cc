// Differential test of the bitmap commands: every sequence runs against keyshard and a real
// redis-server 7.0, reply by reply (values, integers, exact error texts, RESP3 shapes). Keys
// without hash tags spread over the 8 engines, so BITOP's sources and destination sit on
// different engines; GET/SETRANGE/APPEND/OBJECT ENCODING show bitmaps are plain strings.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

class BitmapsDiff : public DiffTest<DiffCase> {};

TEST_P(BitmapsDiff, SameRepliesAsRedis) {
  for (const Cmd& cmd : GetParam().cmds) Same(cmd, GetParam().name);
}

std::vector<DiffCase> Cases() {
  return {
      {"SetBitGetBit",
       {{"SETBIT", "b", "7", "1"}, {"GET", "b"}, {"SETBIT", "b", "7", "1"}, {"SETBIT", "b", "7", "0"},
        {"GETBIT", "b", "7"}, {"SETBIT", "b", "100", "1"}, {"STRLEN", "b"}, {"GET", "b"}, {"GETBIT", "b", "100"},
        {"GETBIT", "b", "101"}, {"GETBIT", "b", "100000"}, {"GETBIT", "missing", "0"},
        {"OBJECT", "ENCODING", "b"}, {"SETBIT", "b", "0", "1"}, {"GET", "b"}}},
      {"SetBitErrors",
       {{"SETBIT", "b", "-1", "1"}, {"SETBIT", "b", "x", "1"}, {"SETBIT", "b", "1.5", "1"}, {"SETBIT", "b", "0", "2"},
        {"SETBIT", "b", "0", "-1"}, {"SETBIT", "b", "0", "x"}, {"SETBIT", "b", "x", "x"},
        {"SETBIT", "b", "4294967296", "1"}, {"SETBIT", "b", "99999999999999999999", "1"},
        {"SETBIT", "b", "+1", "1"}, {"SETBIT", "b", "01", "1"}, {"GETBIT", "b", "-1"}, {"GETBIT", "b", "x"},
        {"GETBIT", "b", "4294967296"}, {"SETBIT", "b", "0"}, {"GETBIT", "b"}, {"EXISTS", "b"},
        {"LPUSH", "l", "x"}, {"SETBIT", "l", "0", "1"}, {"GETBIT", "l", "0"}, {"SETBIT", "l", "-1", "1"},
        {"SETBIT", "l", "0", "5"}}},
      {"OffsetLimitFollowsProtoMaxBulkLen",
       {{"CONFIG", "SET", "proto-max-bulk-len", "1mb"}, {"SETBIT", "b", "8388608", "1"},
        {"SETBIT", "b", "8388607", "1"}, {"STRLEN", "b"}, {"GETBIT", "b", "8388607"}, {"GETBIT", "b", "8388608"},
        {"BITFIELD", "b", "SET", "u8", "8388600", "255"}, {"BITFIELD", "b", "SET", "u8", "8388601", "1"},
        {"STRLEN", "b"}, {"BITFIELD", "b", "GET", "u8", "#1048576"}, {"BITCOUNT", "b"},
        {"CONFIG", "SET", "proto-max-bulk-len", "512mb"}}},
      {"BitsAreStrings",
       {{"SET", "s", "foo"}, {"GETBIT", "s", "1"}, {"GETBIT", "s", "0"}, {"SETBIT", "s", "7", "1"}, {"GET", "s"},
        {"OBJECT", "ENCODING", "s"}, {"APPEND", "s", "bar"}, {"SETRANGE", "s", "10", "x"}, {"BITCOUNT", "s"},
        {"GET", "s"}, {"SET", "n", "12345"}, {"OBJECT", "ENCODING", "n"}, {"GETBIT", "n", "2"}, {"BITCOUNT", "n"},
        {"BITPOS", "n", "1"}, {"BITFIELD", "n", "GET", "u8", "0"}, {"SETBIT", "n", "0", "1"}, {"GET", "n"},
        {"OBJECT", "ENCODING", "n"}, {"SET", "e", "ab"}, {"SETBIT", "e", "0", "0"}, {"OBJECT", "ENCODING", "e"},
        {"SET", "t", "v", "EX", "1000"}, {"SETBIT", "t", "3", "1"}, {"TTL", "t"}}},
      {"BitCount",
       {{"SET", "s", "foobar"}, {"BITCOUNT", "s"}, {"BITCOUNT", "s", "0", "0"}, {"BITCOUNT", "s", "1", "1"},
        {"BITCOUNT", "s", "-2", "-1"}, {"BITCOUNT", "s", "5", "1"}, {"BITCOUNT", "s", "-100", "100"},
        {"BITCOUNT", "s", "1", "1", "BYTE"}, {"BITCOUNT", "s", "5", "30", "BIT"}, {"BITCOUNT", "s", "5", "30", "bit"},
        {"BITCOUNT", "s", "-5", "-1", "BIT"}, {"BITCOUNT", "s", "0", "-1", "BIT"}, {"BITCOUNT", "s", "7", "7", "BIT"},
        {"BITCOUNT", "s", "1", "6", "BIT"}, {"BITCOUNT", "s", "47", "100", "BIT"},
        {"BITCOUNT", "s", "9", "8", "BIT"}, {"SET", "one", "a"}, {"BITCOUNT", "one", "-1", "-5"},
        {"BITCOUNT", "one", "-1", "-5", "BIT"}, {"BITPOS", "one", "1", "-1", "-5"}, {"BITPOS", "one", "1", "-1", "-5", "BIT"}, {"BITCOUNT", "s", "0", "0", "BITS"}, {"BITCOUNT", "s", "0"},
        {"BITCOUNT", "s", "0", "1", "BIT", "x"}, {"BITCOUNT", "s", "a", "1"}, {"BITCOUNT", "s", "0", "b"},
        {"BITCOUNT", "missing"}, {"BITCOUNT", "missing", "0"}, {"BITCOUNT", "missing", "a", "b"},
        {"BITCOUNT", "missing", "0", "1", "bad"}, {"SET", "empty", ""}, {"BITCOUNT", "empty"},
        {"BITCOUNT", "empty", "0", "-1", "BIT"}, {"LPUSH", "l", "x"}, {"BITCOUNT", "l"},
        {"BITCOUNT", "s", "-9223372036854775808", "9223372036854775807"},
        {"BITCOUNT", "s", "-9223372036854775808", "9223372036854775807", "BIT"}}},
      {"BitPos",
       {{"SET", "s", std::string("\xff\xf0\x00", 3)}, {"BITPOS", "s", "0"}, {"BITPOS", "s", "1"},
        {"BITPOS", "s", "0", "0"}, {"BITPOS", "s", "1", "2"}, {"BITPOS", "s", "0", "2"},
        {"BITPOS", "s", "1", "1", "-1"}, {"BITPOS", "s", "0", "0", "0"}, {"BITPOS", "s", "1", "0", "0", "BIT"},
        {"BITPOS", "s", "0", "3", "9", "BIT"}, {"BITPOS", "s", "0", "3", "13", "BIT"},
        {"BITPOS", "s", "1", "7", "15", "bit"}, {"BITPOS", "s", "1", "13", "23", "BIT"},
        {"BITPOS", "s", "0", "-3", "-1", "BIT"}, {"BITPOS", "s", "1", "5", "2"}, {"BITPOS", "s", "1", "5", "2", "BIT"},
        {"BITPOS", "s", "0", "1", "1", "BYTE"}, {"BITPOS", "s", "0", "0", "1", "BYTES"}, {"BITPOS", "s", "2"},
        {"BITPOS", "s", "-1"}, {"BITPOS", "s", "x"}, {"BITPOS", "s", "1", "x"}, {"BITPOS", "s", "1", "0", "x"},
        {"BITPOS", "s", "1", "0", "1", "BIT", "x"}, {"BITPOS", "missing", "0"}, {"BITPOS", "missing", "1"},
        {"BITPOS", "missing", "1", "x"}, {"BITPOS", "missing", "3"}, {"SET", "ones", std::string("\xff\xff", 2)},
        {"BITPOS", "ones", "0"}, {"BITPOS", "ones", "0", "0"}, {"BITPOS", "ones", "0", "0", "-1"},
        {"BITPOS", "ones", "0", "0", "-1", "BIT"}, {"BITPOS", "ones", "0", "3", "BIT"}, {"SET", "empty", ""},
        {"BITPOS", "empty", "0"}, {"BITPOS", "empty", "1"}, {"LPUSH", "l", "x"}, {"BITPOS", "l", "0"},
        {"SET", "z", std::string(40, '\0')}, {"BITPOS", "z", "1"}, {"SETBIT", "z", "300", "1"},
        {"BITPOS", "z", "1"}, {"BITPOS", "z", "1", "5"}, {"BITPOS", "z", "1", "38", "39"},
        {"BITPOS", "z", "1", "290", "310", "BIT"}}},
      {"BitOpAcrossEngines",
       {{"SET", "a", "abcdef"}, {"SET", "b", "xy"}, {"SET", "c", std::string("\x01\x02\x03\x04", 4)},
        {"BITOP", "AND", "dst", "a", "b", "c"}, {"GET", "dst"}, {"BITOP", "or", "dst", "a", "b", "c"}, {"GET", "dst"},
        {"BITOP", "XOR", "dst", "a", "b", "c", "missing"}, {"GET", "dst"}, {"BITOP", "NOT", "dst", "a"},
        {"GET", "dst"}, {"OBJECT", "ENCODING", "dst"}, {"BITOP", "AND", "dst", "a", "missing"}, {"GET", "dst"},
        {"SET", "dst", "x", "EX", "1000"}, {"BITOP", "OR", "dst", "b"}, {"TTL", "dst"}, {"GET", "dst"},
        {"BITOP", "OR", "dst", "missing", "missing2"}, {"EXISTS", "dst"}, {"BITOP", "NOT", "a", "a"}, {"GET", "a"},
        {"BITOP", "AND", "a", "a", "a"}, {"GET", "a"}, {"LPUSH", "l", "x"}, {"BITOP", "OR", "l", "b"}, {"TYPE", "l"},
        {"GET", "l"}, {"LPUSH", "l2", "x"}, {"BITOP", "OR", "dst", "b", "l2"}, {"BITOP", "NOT", "dst", "a", "b"},
        {"BITOP", "NOT", "dst"}, {"BITOP", "NAND", "dst", "a"}, {"BITOP", "AND", "dst"},
        {"SET", "n", "12"}, {"BITOP", "XOR", "dst", "n", "b"}, {"GET", "dst"}, {"SET", "e", ""},
        {"BITOP", "NOT", "dst", "e"}, {"EXISTS", "dst"}}},
      {"BitFieldBasics",
       {{"BITFIELD", "f", "SET", "i8", "0", "100", "GET", "i8", "0"}, {"GET", "f"},
        {"BITFIELD", "f", "INCRBY", "i8", "0", "100"}, {"BITFIELD", "f", "INCRBY", "u2", "100", "1", "GET", "u2", "100"},
        {"BITFIELD", "f", "SET", "u8", "#1", "255", "GET", "u8", "#1", "GET", "i8", "8"}, {"GET", "f"},
        {"BITFIELD", "f", "GET", "i64", "0", "GET", "u63", "1", "GET", "i1", "3", "GET", "u1", "3"},
        {"BITFIELD", "f", "SET", "i64", "0", "-9223372036854775808", "GET", "i64", "0"},
        {"BITFIELD", "f", "INCRBY", "i64", "0", "-1"}, {"BITFIELD", "f", "GET", "u63", "#1"},
        {"BITFIELD", "f"}, {"BITFIELD", "missing"}, {"BITFIELD", "missing", "GET", "u8", "0"}, {"EXISTS", "missing"},
        {"BITFIELD", "g", "SET", "u8", "1000", "1"}, {"STRLEN", "g"}, {"BITFIELD", "g", "GET", "u16", "1000"},
        {"BITFIELD", "g", "GET", "i16", "#100"}, {"SET", "s", "hello"}, {"BITFIELD", "s", "GET", "u8", "0",
        "GET", "u8", "8", "GET", "i32", "4", "GET", "u8", "36", "GET", "u8", "100"}, {"OBJECT", "ENCODING", "s"},
        {"BITFIELD", "s", "INCRBY", "u8", "0", "1"}, {"GET", "s"}, {"OBJECT", "ENCODING", "s"}}},
      {"BitFieldOverflow",
       {{"BITFIELD", "o", "SET", "u8", "0", "255", "INCRBY", "u8", "0", "10"},
        {"BITFIELD", "o", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "300", "INCRBY", "u8", "0", "-1000"},
        {"BITFIELD", "o", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300", "INCRBY", "u8", "0", "1", "GET", "u8", "0"},
        {"BITFIELD", "o", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "127", "INCRBY", "i8", "0", "-300"},
        {"BITFIELD", "o", "OVERFLOW", "sat", "INCRBY", "i8", "0", "200", "INCRBY", "i8", "0", "-1000"},
        {"BITFIELD", "o", "overflow", "fail", "INCRBY", "i8", "0", "-200", "SET", "i8", "0", "200", "SET", "i8",
         "0", "-128"},
        {"BITFIELD", "o", "OVERFLOW", "SAT", "SET", "u8", "0", "-1", "SET", "u8", "0", "300", "SET", "i4", "0", "100",
         "SET", "i4", "0", "-100"},
        {"BITFIELD", "o", "OVERFLOW", "WRAP", "SET", "u8", "0", "-1", "SET", "i4", "0", "100", "SET", "u4", "0", "17"},
        {"BITFIELD", "o", "OVERFLOW", "FAIL", "SET", "u4", "0", "16", "OVERFLOW", "WRAP", "SET", "u4", "0", "16"},
        {"BITFIELD", "o", "SET", "i64", "0", "9223372036854775807", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "1",
         "OVERFLOW", "WRAP", "INCRBY", "i64", "0", "1", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "-1"},
        {"BITFIELD", "o", "SET", "u63", "0", "9223372036854775807", "INCRBY", "u63", "0", "1",
         "OVERFLOW", "SAT", "INCRBY", "u63", "0", "-9223372036854775808"},
        {"BITFIELD", "nf", "OVERFLOW", "FAIL", "SET", "u8", "0", "300"}, {"EXISTS", "nf"}, {"GET", "nf"}}},
      {"BitFieldErrors",
       {{"BITFIELD", "f", "GET", "u64", "0"}, {"BITFIELD", "f", "GET", "i65", "0"}, {"BITFIELD", "f", "GET", "u0", "0"},
        {"BITFIELD", "f", "GET", "I8", "0"}, {"BITFIELD", "f", "GET", "x8", "0"}, {"BITFIELD", "f", "GET", "i", "0"},
        {"BITFIELD", "f", "GET", "u8", "-1"}, {"BITFIELD", "f", "GET", "u8", "#-1"}, {"BITFIELD", "f", "GET", "u8", "x"},
        {"BITFIELD", "f", "GET", "u8", "#x"}, {"BITFIELD", "f", "GET", "u8", "4294967296"},
        {"BITFIELD", "f", "GET", "u8", "#536870912"}, {"BITFIELD", "f", "GET", "u8", "#2305843009213693952"},
        {"BITFIELD", "f", "SET", "u8", "0", "x"}, {"BITFIELD", "f", "INCRBY", "u8", "0", "1.5"},
        {"BITFIELD", "f", "SET", "u8", "0"}, {"BITFIELD", "f", "GET", "u8"}, {"BITFIELD", "f", "OVERFLOW"},
        {"BITFIELD", "f", "OVERFLOW", "BAD", "GET", "u8", "0"}, {"BITFIELD", "f", "FOO", "u8", "0"},
        {"BITFIELD", "f", "GET", "u8", "0", "SET", "u8", "0", "1", "GET"}, {"EXISTS", "f"},
        {"BITFIELD", "f", "SET", "u8", "0", "1", "SET", "u64", "0", "1"}, {"EXISTS", "f"}, {"LPUSH", "l", "x"},
        {"BITFIELD", "l", "GET", "u8", "0"}, {"BITFIELD", "l", "SET", "u8", "0", "1"}, {"BITFIELD", "l"},
        {"BITFIELD_RO", "l", "GET", "u8", "0"}}},
      {"BitFieldRo",
       {{"SET", "r", "abc"}, {"BITFIELD_RO", "r", "GET", "u8", "0", "GET", "i4", "#3"}, {"BITFIELD_RO", "r"},
        {"BITFIELD_RO", "r", "SET", "u8", "0", "1"}, {"BITFIELD_RO", "r", "INCRBY", "u8", "0", "1"},
        {"BITFIELD_RO", "r", "OVERFLOW", "SAT", "GET", "u8", "0"}, {"BITFIELD_RO", "r", "GET", "u64", "0"},
        {"BITFIELD_RO", "missing", "GET", "u8", "0"}, {"BITFIELD_RO", "missing", "SET", "u8", "0", "1"},
        {"EXISTS", "missing"}, {"GET", "r"}}},
      {"Resp3Replies",
       {{"HELLO", "3"}, {"BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u8", "0", "256", "SET", "u8", "0", "3"},
        {"BITFIELD_RO", "f", "GET", "u8", "0"}, {"SETBIT", "f", "1", "1"}, {"BITCOUNT", "f"}, {"BITPOS", "f", "1"},
        {"BITOP", "NOT", "g", "f"}, {"GET", "g"}}},
  };
}

INSTANTIATE_TEST_SUITE_P(Bitmaps, BitmapsDiff, ::testing::ValuesIn(Cases()), CaseName());

// A seeded random sequence of bitmap and string commands over keys on several engines, with
// arguments near the edges (negative and large offsets, every field width, all overflow
// modes). Every reply must match.
TEST_F(BitmapsDiff, RandomSequencesMatchRedis) {
  std::mt19937 rng(20261207);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto num = [&](int lo, int hi) { return std::to_string(lo + static_cast<int>(rng() % (hi - lo + 1))); };
  const std::vector<std::string> keys = {"a", "b", "c", "d", "{t}e", "{t}f"};
  const std::vector<std::string> values = {"", "0", "12345", "foobar", std::string("\xff\x00\x0f", 3),
                                           std::string(20, '\xff'), "hello world"};
  const std::vector<std::string> types = {"u1", "i1", "u3", "i5", "u8", "i8", "u16", "i16", "i32", "u31",
                                          "i63", "u63", "i64"};
  const std::vector<std::string> incs = {"0", "1", "-1", "100", "-100", "65535", "9223372036854775807",
                                         "-9223372036854775808"};
  const std::vector<std::string> idx = {"0", "1", "2", "-1", "-3", "7", "10", "30", "-100", "100"};
  for (int step = 0; step < 3000; ++step) {
    std::string k = pick(keys);
    Cmd cmd;
    switch (rng() % 12) {
      case 0: cmd = {"SETBIT", k, num(0, 200), num(0, 1)}; break;
      case 1: cmd = {"GETBIT", k, num(0, 220)}; break;
      case 2: cmd = {"BITCOUNT", k, pick(idx), pick(idx), pick({"BIT", "BYTE"})}; break;
      case 3: cmd = {"BITCOUNT", k, pick(idx), pick(idx)}; break;
      case 4: cmd = {"BITPOS", k, num(0, 1), pick(idx), pick(idx), pick({"BIT", "BYTE"})}; break;
      case 5: cmd = {"BITPOS", k, num(0, 1), pick(idx)}; break;
      case 6: cmd = {"BITOP", pick({"AND", "OR", "XOR"}), k, pick(keys), pick(keys), pick(keys)}; break;
      case 7: cmd = {"BITOP", "NOT", k, pick(keys)}; break;
      case 8:
        cmd = {"BITFIELD", k, "OVERFLOW", pick({"WRAP", "SAT", "FAIL"}), pick({"SET", "INCRBY"}), pick(types),
               (rng() % 2 ? "#" : "") + num(0, 40), pick(incs), "GET", pick(types), num(0, 200)};
        break;
      case 9: cmd = {"SET", k, pick(values)}; break;
      case 10: cmd = {"GET", k}; break;
      case 11: cmd = {pick({"APPEND", "SETRANGE"}), k, pick({"0", "3", "x"}), pick(values)}; break;
    }
    if (cmd[0] == "APPEND") cmd = {"APPEND", k, cmd[3]};
    Same(cmd, "step " + std::to_string(step));
    if (HasFailure()) break;  // the first divergence is the informative one
  }
  for (const std::string& k : keys) Same({"GET", k}, "final " + k);
}

}  // namespace
}  // namespace ks::test
