// cmsgpack and struct in a plain Lua state: encodings fixed by the MessagePack format and the
// struct format language, round trips and error texts. The byte-for-byte comparison with a real
// redis-server is tests/integration/lua_libs_diff_test.cc.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/lua_state.h"

namespace ks::test {
namespace {

struct Probe {
  const char* exprs;
  const char* shown;  // LuaProbe's printout
};

void PrintTo(const Probe& p, std::ostream* os) { *os << p.exprs; }

class LuaLibsTest : public ::testing::TestWithParam<Probe> {};

TEST_P(LuaLibsTest, PrintsExpectedResult) {
  LuaState lua;
  EXPECT_EQ(lua.Run(LuaProbe(GetParam().exprs)), GetParam().shown);
}

INSTANTIATE_TEST_SUITE_P(
    CmsgpackPack, LuaLibsTest,
    ::testing::Values(
        Probe{"hex(cmsgpack.pack(nil, true, false))", "ok|\"c0c3c2\""},
        Probe{"hex(cmsgpack.pack(0, 127, 128, 255, 256))", "ok|\"007fcc80ccffcd0100\""},
        Probe{"hex(cmsgpack.pack(65536, 2^32))", "ok|\"ce00010000cf0000000100000000\""},
        Probe{"hex(cmsgpack.pack(-1, -32, -33, -129))", "ok|\"ffe0d0dfd1ff7f\""},
        Probe{"hex(cmsgpack.pack(-32769, -2^31 - 1))", "ok|\"d2ffff7fffd3ffffffff7fffffff\""},
        // Exactly representable as a 32-bit float: float; otherwise double.
        Probe{"hex(cmsgpack.pack(0.5)), hex(cmsgpack.pack(0.1))", "ok|\"ca3f000000\"|\"cb3fb999999999999a\""},
        Probe{"hex(cmsgpack.pack(string.rep('x', 31)):sub(1, 1))", "ok|\"bf\""},
        Probe{"hex(cmsgpack.pack(string.rep('x', 32)):sub(1, 2))", "ok|\"d920\""},
        Probe{"hex(cmsgpack.pack(string.rep('x', 256)):sub(1, 3))", "ok|\"da0100\""},
        Probe{"hex(cmsgpack.pack(string.rep('x', 65536)):sub(1, 5))", "ok|\"db00010000\""},
        Probe{"hex(cmsgpack.pack({1, 2})), hex(cmsgpack.pack({})), hex(cmsgpack.pack({a = 1}))",
              "ok|\"920102\"|\"90\"|\"81a16101\""},
        // A hole makes it a map.
        Probe{"hex(cmsgpack.pack({1, nil, 3}))", "ok|\"8201010303\""},
        // Tables nested past 16 levels pack as nil, so a cycle packs too.
        Probe{"(function() local t = {} t[1] = t return hex(cmsgpack.pack(t)) end)()",
              "ok|\"91919191919191919191919191919191c0\""},
        Probe{"cmsgpack.pack()",
              "err|\"user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.)\""}));

INSTANTIATE_TEST_SUITE_P(
    CmsgpackUnpack, LuaLibsTest,
    ::testing::Values(
        Probe{"cmsgpack.unpack(cmsgpack.pack(1, 'a', {2, {k = false}}, 0.25))",
              "ok|1|\"a\"|{1=2,2={\"k\"=false}}|0.25"},
        Probe{"cmsgpack.unpack('\\211\\255\\255\\255\\255\\255\\255\\255\\254')", "ok|-2"},
        Probe{"cmsgpack.unpack('\\147\\1\\192\\3')", "ok|{1=1,3=3}"},
        Probe{"cmsgpack.unpack_one(cmsgpack.pack(1, 2))", "ok|1|1"},
        Probe{"cmsgpack.unpack_one(cmsgpack.pack(1, 2), 1)", "ok|-1|2"},
        Probe{"cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)", "ok|2|1|2"},
        Probe{"cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)", "ok|1|2|3"},
        Probe{"cmsgpack.unpack('\\146\\1')", "err|\"user_script:1: Missing bytes in input.\""},
        Probe{"cmsgpack.unpack('\\196\\1a')", "err|\"user_script:1: Bad data format in input.\""},
        Probe{"cmsgpack.unpack_one('\\1', 3)",
              "err|\"user_script:1: Start offset 3 greater than input length 1.\""},
        Probe{"cmsgpack.unpack_one('\\1\\2\\3', -1)",
              "err|\"user_script:1: Invalid request to unpack with offset of -1 and limit of 3.\""},
        Probe{"cmsgpack.unpack('\\129\\192\\1')", "err|\"table index is nil\""}));

INSTANTIATE_TEST_SUITE_P(
    Struct, LuaLibsTest,
    ::testing::Values(
        Probe{"hex(struct.pack('<i', 1)), hex(struct.pack('>i', 1))", "ok|\"01000000\"|\"00000001\""},
        Probe{"hex(struct.pack('bBhH', -1, 255, -2, 258))", "ok|\"fffffeff0201\""},
        Probe{"hex(struct.pack('>lLT', -1, 1, 2))",
              "ok|\"ffffffffffffffff00000000000000010000000000000002\""},
        Probe{"hex(struct.pack('i3 I2', -1, 513))", "ok|\"ffffff0102\""},
        Probe{"hex(struct.pack('>f d', 1.5, -2))", "ok|\"3fc00000c000000000000000\""},
        Probe{"hex(struct.pack('c2 c0 s x', 'abc', 'de', 'f'))", "ok|\"6162646566" "0000\""},
        Probe{"hex(struct.pack('!4 b i', 1, 2))", "ok|\"0100000002000000\""},
        Probe{"struct.unpack('<h >H b', '\\254\\255\\1\\2\\255')", "ok|-2|258|-1|6"},
        Probe{"struct.unpack('b c0 s', '\\3abcxy\\0')", "ok|\"abc\"|\"xy\"|8"},
        Probe{"struct.unpack('!8 b d', struct.pack('!8 b d', 7, 0.5))", "ok|7|0.5|17"},
        Probe{"struct.unpack('b', 'xyz', 3)", "ok|122|4"},
        Probe{"struct.size('!8 b d'), struct.size('bhi')", "ok|16|7"},
        Probe{"struct.size('s')", "err|\"user_script:1: bad argument #1 to 'size' (option 's' has no fixed size)\""},
        Probe{"struct.pack('y')", "err|\"user_script:1: bad argument #1 to 'pack' (invalid format option 'y')\""},
        Probe{"struct.pack('c3', 'ab')", "err|\"user_script:1: bad argument #3 to 'pack' (string too short)\""},
        Probe{"struct.unpack('i', 'ab')",
              "err|\"user_script:1: bad argument #2 to 'unpack' (data string too short)\""},
        Probe{"struct.unpack('i', 'abcd', 0)",
              "err|\"user_script:1: bad argument #3 to 'unpack' (offset must be 1 or greater)\""},
        Probe{"struct.size('i33')", "err|\"user_script:1: integral size 33 is larger than limit of 32\""},
        Probe{"struct.size('!3')", "err|\"user_script:1: alignment 3 is not a power of 2\""}));

TEST(LuaLibs, OpeningSetsGlobals) {
  LuaState lua;
  EXPECT_EQ(lua.Run("return type(cmsgpack.pack) .. type(struct.pack) .. cmsgpack._VERSION"),
            "functionfunctionlua-cmsgpack 0.4.0");
}

}  // namespace
}  // namespace ks::test
