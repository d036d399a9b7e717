// The cmsgpack and struct Lua libraries against a real redis-server 7.0, which embeds the
// originals: every probe (a Lua expression list, printed by LuaProbe) runs through EVAL there
// and in a plain Lua state with our libraries here, and the printed results must be identical,
// errors included.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/lua_state.h"
#include "tests/support/processes.h"

namespace ks::test {
namespace {

// Packed bytes, unpacked values, round trips and errors of cmsgpack.
const std::vector<std::string> kMsgpackProbes = {
    // Scalars: the width chosen for every integer range, floats vs doubles.
    "hex(cmsgpack.pack(nil)), hex(cmsgpack.pack(true)), hex(cmsgpack.pack(false))",
    "hex(cmsgpack.pack(0)), hex(cmsgpack.pack(1)), hex(cmsgpack.pack(127)), hex(cmsgpack.pack(128))",
    "hex(cmsgpack.pack(255)), hex(cmsgpack.pack(256)), hex(cmsgpack.pack(65535)), hex(cmsgpack.pack(65536))",
    "hex(cmsgpack.pack(4294967295)), hex(cmsgpack.pack(4294967296)), hex(cmsgpack.pack(2^53))",
    "hex(cmsgpack.pack(-1)), hex(cmsgpack.pack(-32)), hex(cmsgpack.pack(-33)), hex(cmsgpack.pack(-128))",
    "hex(cmsgpack.pack(-129)), hex(cmsgpack.pack(-32768)), hex(cmsgpack.pack(-32769))",
    "hex(cmsgpack.pack(-2147483648)), hex(cmsgpack.pack(-2147483649)), hex(cmsgpack.pack(-2^53))",
    "hex(cmsgpack.pack(-2^63)), hex(cmsgpack.pack(2^63)), hex(cmsgpack.pack(2^64)), hex(cmsgpack.pack(-2^64))",
    "hex(cmsgpack.pack(0.5)), hex(cmsgpack.pack(0.1)), hex(cmsgpack.pack(-0.0)), hex(cmsgpack.pack(3.14))",
    "hex(cmsgpack.pack(1/0)), hex(cmsgpack.pack(-1/0)), hex(cmsgpack.pack(0/0)), hex(cmsgpack.pack(1e300))",
    "hex(cmsgpack.pack(1e20)), hex(cmsgpack.pack(-1.5)), hex(cmsgpack.pack(2^-149)), hex(cmsgpack.pack(1e-320))",
    // Strings at the fixstr / str8 / str16 / str32 boundaries.
    "hex(cmsgpack.pack('')), hex(cmsgpack.pack('a')), hex(cmsgpack.pack('a\\0b'))",
    "hex(cmsgpack.pack(string.rep('x', 31)):sub(1, 4)), hex(cmsgpack.pack(string.rep('x', 32)):sub(1, 6))",
    "hex(cmsgpack.pack(string.rep('x', 255)):sub(1, 6)), hex(cmsgpack.pack(string.rep('x', 256)):sub(1, 8))",
    "hex(cmsgpack.pack(string.rep('x', 65535)):sub(1, 8)), #cmsgpack.pack(string.rep('x', 65535))",
    "hex(cmsgpack.pack(string.rep('x', 65536)):sub(1, 12)), #cmsgpack.pack(string.rep('x', 65536))",
    "hex(cmsgpack.pack(string.rep('x', 100000)):sub(1, 12)), #cmsgpack.pack(string.rep('x', 100000))",
    // Tables: sequences as arrays, anything else as maps, the nesting limit.
    "hex(cmsgpack.pack({})), hex(cmsgpack.pack({1, 2, 3})), hex(cmsgpack.pack({'a', {true, false}}))",
    "hex(cmsgpack.pack({1, nil, 3})), hex(cmsgpack.pack({[1] = 1, [2] = 2})), hex(cmsgpack.pack({[2] = 2}))",
    "hex(cmsgpack.pack({a = 1})), hex(cmsgpack.pack({[0] = 1})), hex(cmsgpack.pack({[1.5] = 1})), hex(cmsgpack.pack({[-1] = 1}))",
    "hex(cmsgpack.pack({x = {y = {z = 'deep'}}})), hex(cmsgpack.pack({[true] = false}))",
    "hex(cmsgpack.pack({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})), hex(cmsgpack.pack({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))",
    "(function() local t = {} for i = 1, 70000 do t[i] = i % 7 end local p = cmsgpack.pack(t) return hex(p:sub(1, 8)), #p end)()",
    "(function() local t = {} for i = 1, 16 do t['k' .. i] = i end local p = cmsgpack.pack(t) return hex(p:sub(1, 3)), #p end)()",
    "(function() local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return hex(cmsgpack.pack(t)) end)()",
    "(function() local t = {} t[1] = t return hex(cmsgpack.pack(t)) end)()",
    "(function() local t = {} t.self = t return #cmsgpack.pack(t) end)()",
    "hex(cmsgpack.pack(string.len)), hex(cmsgpack.pack(coroutine.create(function() end)))",
    // Several arguments, none.
    "hex(cmsgpack.pack(1, 'two', {3}, nil, 4.5))",
    "cmsgpack.pack()",
    // Unpacking every type byte.
    "cmsgpack.unpack('\\204\\255'), cmsgpack.unpack('\\205\\1\\0'), cmsgpack.unpack('\\206\\1\\0\\0\\0'), cmsgpack.unpack('\\206\\255\\255\\255\\255')",
    "cmsgpack.unpack('\\207\\128\\0\\0\\0\\0\\0\\0\\0'), cmsgpack.unpack('\\207\\127\\255\\255\\255\\255\\255\\255\\255')",
    "cmsgpack.unpack('\\207\\0\\0\\0\\1\\0\\0\\0\\0'), cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')",
    "cmsgpack.unpack('\\208\\128'), cmsgpack.unpack('\\209\\128\\0'), cmsgpack.unpack('\\210\\128\\0\\0\\0')",
    "cmsgpack.unpack('\\211\\128\\0\\0\\0\\0\\0\\0\\0'), cmsgpack.unpack('\\224'), cmsgpack.unpack('\\255')",
    "cmsgpack.unpack('\\202\\63\\192\\0\\0'), cmsgpack.unpack('\\203\\63\\185\\153\\153\\153\\153\\153\\154')",
    "cmsgpack.unpack('\\192'), cmsgpack.unpack('\\194'), cmsgpack.unpack('\\195')",
    "cmsgpack.unpack('\\163abc'), cmsgpack.unpack('\\217\\3abc'), cmsgpack.unpack('\\218\\0\\3abc'), cmsgpack.unpack('\\219\\0\\0\\0\\3abc')",
    "cmsgpack.unpack('\\146\\1\\2'), cmsgpack.unpack('\\220\\0\\2\\1\\2'), cmsgpack.unpack('\\221\\0\\0\\0\\2\\1\\2')",
    "cmsgpack.unpack('\\129\\161a\\1'), cmsgpack.unpack('\\222\\0\\1\\1\\2'), cmsgpack.unpack('\\223\\0\\0\\0\\1\\161k\\145\\1')",
    "cmsgpack.unpack('\\147\\1\\192\\3'), cmsgpack.unpack('\\130\\1\\192\\2\\3')",
    "cmsgpack.unpack(''), select('#', cmsgpack.unpack(''))",
    "cmsgpack.unpack('\\1\\2\\3'), select('#', cmsgpack.unpack('\\1\\2\\3'))",
    // Round trips.
    "cmsgpack.unpack(cmsgpack.pack(1, -1, 0.25, 'str', true, false, nil, {1, 2}, {k = {1, {v = 'x'}}}))",
    "cmsgpack.unpack(cmsgpack.pack(2^63, -2^63, 2^53 + 1, 1e300, 1/0, -1/0, 0.1, 3.4e38, -128, -32769))",
    "(function() for _, n in ipairs({31, 32, 255, 256, 65535, 65536, 70000}) do local s = string.rep('y', n) if cmsgpack.unpack(cmsgpack.pack(s)) ~= s then return n end end return 'all' end)()",
    "(function() local v = cmsgpack.unpack(cmsgpack.pack(0/0)) return v ~= v end)()",
    // unpack_one / unpack_limit and offsets.
    "cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))",
    "cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1), cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)",
    "cmsgpack.unpack_one(cmsgpack.pack('abc', {1}), 4), cmsgpack.unpack_one('\\1', 1)",
    "cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2), cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5)",
    "cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0), cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)",
    "cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 1, 2), cmsgpack.unpack_limit('', 1)",
    "cmsgpack.unpack_one('\\1\\2', 2), cmsgpack.unpack_one('', 0)",
    // Errors.
    "cmsgpack.unpack_one('\\1\\2', 5)",
    "cmsgpack.unpack_one('\\1\\2', -1)",
    "cmsgpack.unpack_limit('\\1\\2\\3', -2)",
    "cmsgpack.unpack_limit('\\1\\2\\3')",
    "cmsgpack.unpack_limit('\\1\\2\\3', 'x')",
    "cmsgpack.unpack()",
    "cmsgpack.unpack(nil)",
    "cmsgpack.unpack({})",
    "cmsgpack.unpack(12)",
    "cmsgpack.unpack('\\193')",
    "cmsgpack.unpack('\\196\\1a')",
    "cmsgpack.unpack('\\199\\1\\1a')",
    "cmsgpack.unpack('\\212\\1\\1')",
    "cmsgpack.unpack('\\145')",
    "cmsgpack.unpack('\\146\\1')",
    "cmsgpack.unpack('\\146\\193\\1')",
    "cmsgpack.unpack('\\204')",
    "cmsgpack.unpack('\\205\\1')",
    "cmsgpack.unpack('\\202\\1\\2')",
    "cmsgpack.unpack('\\203\\1\\2\\3\\4')",
    "cmsgpack.unpack('\\217')",
    "cmsgpack.unpack('\\217\\5ab')",
    "cmsgpack.unpack('\\218\\0')",
    "cmsgpack.unpack('\\220\\0')",
    "cmsgpack.unpack('\\129\\1')",
    "cmsgpack.unpack('\\1\\2\\145')",
    "cmsgpack.unpack('\\129\\192\\1')",
    "cmsgpack.unpack('\\129\\203\\255\\248\\0\\0\\0\\0\\0\\0\\1')",
    "select('#', cmsgpack.unpack(string.rep('\\1', 7000)))",
    "select('#', cmsgpack.unpack(string.rep('\\1', 9000)))",
    "cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION",
};

// Every struct format option, both byte orders, alignment, and the errors.
const std::vector<std::string> kStructProbes = {
    "hex(struct.pack('b', 1)), hex(struct.pack('b', -1)), hex(struct.pack('B', 255)), hex(struct.pack('b', 300)), hex(struct.pack('B', -1))",
    "hex(struct.pack('h', -2)), hex(struct.pack('H', 65535)), hex(struct.pack('>h', -2)), hex(struct.pack('>H', 258))",
    "hex(struct.pack('l', -3)), hex(struct.pack('L', 2^40)), hex(struct.pack('>l', -3)), hex(struct.pack('>L', 2^40))",
    "hex(struct.pack('T', 7)), hex(struct.pack('>T', 7)), hex(struct.pack('i', -4)), hex(struct.pack('I', 2^32 - 1))",
    "hex(struct.pack('i1', -1)), hex(struct.pack('i2', -1)), hex(struct.pack('i3', -1)), hex(struct.pack('>i3', 65536))",
    "hex(struct.pack('i8', -2^63)), hex(struct.pack('I8', 2^63)), hex(struct.pack('I8', 2^64)), hex(struct.pack('i8', -2^64))",
    "hex(struct.pack('i16', -1)), hex(struct.pack('>i16', -1)), hex(struct.pack('I16', 5)), hex(struct.pack('i32', -2))",
    "hex(struct.pack('I4', 0/0)), hex(struct.pack('i4', 3.9)), hex(struct.pack('i4', -3.9)), hex(struct.pack('i0', 5))",
    "hex(struct.pack('f', 0.1)), hex(struct.pack('>f', 0.1)), hex(struct.pack('f', 1e300)), hex(struct.pack('f', -1/0))",
    "hex(struct.pack('d', 0.1)), hex(struct.pack('>d', 0.1)), hex(struct.pack('d', -0.0)), hex(struct.pack('<d', 1/0))",
    "hex(struct.pack('c3', 'abcdef')), hex(struct.pack('c0', 'abcdef')), hex(struct.pack('c', 'xyz')), hex(struct.pack('s', 'ab'))",
    "hex(struct.pack('s', '')), hex(struct.pack('c0', '')), hex(struct.pack('x')), hex(struct.pack('bxxb', 1, 2))",
    "hex(struct.pack(' < b > h ', 1, 2)), hex(struct.pack('', 1)), hex(struct.pack('c2', 12))",
    "hex(struct.pack('!4 b i', 1, 2)), hex(struct.pack('!8 b d', 1, 2)), hex(struct.pack('! b d', 1, 2)), hex(struct.pack('!2 b i', 1, 2))",
    "hex(struct.pack('!1 b i', 1, 2)), hex(struct.pack('b i', 1, 2)), hex(struct.pack('!4 b h b l', 1, 2, 3, 4))",
    "hex(struct.pack('!8 b i3 b', 1, 2, 3)), hex(struct.pack('!4 b c3 i', 1, 'abc', 2)), hex(struct.pack('!4 b s i', 1, 'ab', 2))",
    "hex(struct.pack('!4 b x i', 1, 2)), hex(struct.pack('!8 b T b L', 1, 2, 3, 4)), hex(struct.pack('!8 b f', 1, 2))",
    "hex(struct.pack('>!4 b i <i', 1, 2, 3)), hex(struct.pack('!16 b d', 1, 2)), hex(struct.pack('!4 b i6 b', 1, 2, 3))",
    "struct.unpack('b', '\\255'), struct.unpack('B', '\\255'), struct.unpack('h', '\\254\\255'), struct.unpack('>H', '\\1\\2')",
    "struct.unpack('l', struct.pack('l', -5)), struct.unpack('L', struct.pack('L', 2^53)), struct.unpack('T', struct.pack('T', 99))",
    "struct.unpack('i', struct.pack('i', -2^31)), struct.unpack('I', struct.pack('I', 2^32 - 1)), struct.unpack('>i', struct.pack('>i', -9))",
    "struct.unpack('i3', '\\255\\255\\255'), struct.unpack('I3', '\\255\\255\\255'), struct.unpack('>i3', '\\128\\0\\0')",
    "struct.unpack('i8', string.rep('\\255', 8)), struct.unpack('I8', string.rep('\\255', 8)), struct.unpack('i8', '\\0\\0\\0\\0\\0\\0\\0\\128')",
    "struct.unpack('i16', string.rep('\\255', 16)), struct.unpack('I16', string.rep('\\255', 16)), struct.unpack('i12', string.rep('\\1', 12))",
    "struct.unpack('>i16', '\\128' .. string.rep('\\0', 15)), struct.unpack('i10', string.rep('\\0', 9) .. '\\128'), struct.unpack('i0', '')",
    "struct.unpack('f', struct.pack('f', 0.1)), struct.unpack('>f', struct.pack('>f', -2.5)), struct.unpack('d', struct.pack('d', 0.1))",
    "struct.unpack('>d', struct.pack('>d', 1e300)), struct.unpack('<d', struct.pack('<d', -1/0))",
    "struct.unpack('c3', 'abcdef'), struct.unpack('c3c2', 'abcdef'), struct.unpack('bc0', '\\3abcdef')",
    "struct.unpack('c1c0', '3abcdef'), struct.unpack('s', 'ab\\0cd'), struct.unpack('ss', 'ab\\0\\0x\\0')",
    "struct.unpack('bxb', '\\1\\2\\3'), struct.unpack('!4 b i', struct.pack('!4 b i', 7, 8)), struct.unpack('!8 b d', struct.pack('!8 b d', 7, 0.5))",
    "struct.unpack('b', 'abc', 2), struct.unpack('b', 'abc', 3), struct.unpack('', 'abc', 4), struct.unpack('c0', 'abc')",
    "struct.unpack(' < h > h ', '\\1\\2\\1\\2'), struct.unpack('!4 b c3 i', struct.pack('!4 b c3 i', 1, 'abc', 2))",
    "struct.size('b'), struct.size('h'), struct.size('l'), struct.size('T'), struct.size('i'), struct.size('i7'), struct.size('f'), struct.size('d')",
    "struct.size(''), struct.size('x'), struct.size('c'), struct.size('c9'), struct.size('bB hH lL iI')",
    "struct.size('!4 b i'), struct.size('!8 b d'), struct.size('! b d'), struct.size('!2 b i b'), struct.size('!8 b i3 b'), struct.size('y'), struct.size('b7')",
    "struct.size(' <>!4bBhHlLiITfdxc5')",
    // Errors.
    "struct.size('s')",
    "struct.size('c0')",
    "struct.size('b!3')",
    "struct.size('i33')",
    "struct.size('i99999999999')",
    "struct.size('#')",
    "struct.size()",
    "struct.pack('y')",
    "struct.pack('b')",
    "struct.pack('i', 'x')",
    "struct.pack('i', '12')",
    "struct.pack('c3', 'ab')",
    "struct.pack('bc3', 1, 'ab')",
    "struct.pack('s', {})",
    "struct.pack('f')",
    "struct.pack('!5 b', 1)",
    "struct.pack('I33', 1)",
    "struct.pack({})",
    "struct.unpack('i', 'ab')",
    "struct.unpack('i', 'abcd', 0)",
    "struct.unpack('i', 'abcd', -3)",
    "struct.unpack('i', 'abcd', 6)",
    "struct.unpack('i', 'abcd', 5)",
    "struct.unpack('c0', 'abcd')",
    "struct.unpack('c1c0', 'xabcd')",
    "struct.unpack('bc0', '\\9abcd')",
    "struct.unpack('s', 'abcd')",
    "struct.unpack('z', 'abcd')",
    "struct.unpack('', 'abcd', 10), struct.unpack('x', 'abcd', 5)",
    "struct.unpack('i')",
    "struct.unpack('!3 i', 'abcd')",
    "select('#', struct.unpack(string.rep('b', 9000), string.rep('a', 9000)))",
};

class LuaLibsDiffTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { redis_ = std::make_unique<RedisProcess>(); }
  static void TearDownTestSuite() { redis_.reset(); }
  static std::unique_ptr<RedisProcess> redis_;
};

std::unique_ptr<RedisProcess> LuaLibsDiffTest::redis_;

TEST_P(LuaLibsDiffTest, SameResultAsRedis) {
  ASSERT_TRUE(redis_->running()) << "redis-server did not start";
  Client redis(redis_->port());
  ASSERT_TRUE(redis.connected());
  std::string probe = LuaProbe(GetParam());
  std::string theirs = redis.Run({"EVAL", probe, "0"});
  LuaState ours;
  // Client shows a bulk string reply in double quotes.
  EXPECT_EQ("\"" + ours.Run(probe) + "\"", theirs) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Cmsgpack, LuaLibsDiffTest, ::testing::ValuesIn(kMsgpackProbes));
INSTANTIATE_TEST_SUITE_P(Struct, LuaLibsDiffTest, ::testing::ValuesIn(kStructProbes));

}  // namespace
}  // namespace ks::test
