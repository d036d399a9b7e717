// cmsgpack for Redis scripts: the observable behaviour of lua-cmsgpack 0.4.0 (what Redis 7.0
// embeds), with msgpuck doing the MessagePack byte work. tests/integration/lua_libs_diff_test.cc
// compares it with a real redis-server.
//
// Lua errors unwind with longjmp, so nothing here owns C++ objects with destructors while Lua
// code (metamethods, lua_checkstack failures) can raise: the output buffer is Lua userdata.
#include "server/scripting/lua_cmsgpack.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}
#include <msgpuck.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace {

// Tables nested deeper than this encode as nil, so a table holding itself still packs.
constexpr int kMaxNesting = 16;

constexpr const char* kStackMessage =
    "too many return values at once; use unpack_one or unpack_limit instead.";

// ---------------------------------------------------------------------------------------------
// Packing

// The bytes packed so far live in a userdata kept at stack index `slot`; growing replaces it.
struct OutBuf {
  char* data;
  size_t len;
  size_t cap;
  int slot;
};

void Reserve(lua_State* L, OutBuf* b, size_t more) {
  if (b->cap - b->len >= more) return;
  size_t cap = b->cap * 2;
  if (cap < b->len + more) cap = b->len + more;
  char* grown = static_cast<char*>(lua_newuserdata(L, cap));
  if (b->len > 0) std::memcpy(grown, b->data, b->len);
  lua_replace(L, b->slot);  // the old block becomes garbage
  b->data = grown;
  b->cap = cap;
}

void Append(lua_State* L, OutBuf* b, const char* p, size_t n) {
  Reserve(L, b, n);
  std::memcpy(b->data + b->len, p, n);
  b->len += n;
}

// Appends whatever `encode` writes into a scratch area big enough for any MessagePack header.
template <typename Encode>
void AppendEncoded(lua_State* L, OutBuf* b, Encode encode) {
  char tmp[16];
  char* end = encode(tmp);
  Append(L, b, tmp, static_cast<size_t>(end - tmp));
}

// Whether converting x to int64_t gives x back. Redis tests `(int64_t)x == x`; on x86-64 an
// out-of-range or NaN conversion yields INT64_MIN, which equals x only for x == -2^63.
bool IsInt64Equivalent(double x) {
  return std::isfinite(x) && x >= -9223372036854775808.0 && x < 9223372036854775808.0 &&
         std::trunc(x) == x;
}

// Redis's `(int)x == x` check on table keys, with the same x86-64 conversion rule.
bool IsIntEquivalent(double x) {
  return std::isfinite(x) && x >= -2147483648.0 && x < 2147483648.0 && std::trunc(x) == x;
}

void EncodeInteger(lua_State* L, OutBuf* b, int64_t n) {
  // msgpuck picks the smallest width, like lua-cmsgpack: fixint, then 8/16/32/64 bits.
  if (n >= 0) {
    AppendEncoded(L, b, [n](char* p) { return mp_encode_uint(p, static_cast<uint64_t>(n)); });
  } else {
    AppendEncoded(L, b, [n](char* p) { return mp_encode_int(p, n); });
  }
}

void EncodeNumber(lua_State* L, OutBuf* b, double n) {
  if (IsInt64Equivalent(n)) return EncodeInteger(L, b, static_cast<int64_t>(n));
  // A 32-bit float when it holds the value exactly (infinities included), else a double.
  bool as_float = std::isinf(n) || (!std::isnan(n) && std::fabs(n) <= 3.4028234663852886e38 &&
                                    static_cast<double>(static_cast<float>(n)) == n);
  if (as_float) {
    float f = static_cast<float>(n);
    AppendEncoded(L, b, [f](char* p) { return mp_encode_float(p, f); });
  } else {
    AppendEncoded(L, b, [n](char* p) { return mp_encode_double(p, n); });
  }
}

// A table is packed as an array when its keys are exactly the integers 1..n (an empty table
// included), else as a map.
bool TableIsArray(lua_State* L) {
  int top = lua_gettop(L);
  int count = 0;
  double max = 0;
  bool sequence = true;
  luaL_checkstack(L, 2, "in function table_is_an_array");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);  // keep the key for lua_next
    double n = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : 0;
    if (n <= 0 || !IsIntEquivalent(n)) {
      sequence = false;
      break;
    }
    if (n > max) max = n;
    ++count;
  }
  lua_settop(L, top);
  // No key repeats, so count == max means every key 1..max is present.
  return sequence && max == count;
}

void EncodeValue(lua_State* L, OutBuf* b, int level);

void EncodeTable(lua_State* L, OutBuf* b, int level) {
  if (TableIsArray(L)) {
    size_t len = lua_objlen(L, -1);
    AppendEncoded(L, b, [len](char* p) { return mp_encode_array(p, static_cast<uint32_t>(len)); });
    for (size_t j = 1; j <= len; ++j) {
      luaL_checkstack(L, 1, "in function mp_encode_lua_table_as_array");
      lua_pushnumber(L, static_cast<lua_Number>(j));
      lua_gettable(L, -2);
      EncodeValue(L, b, level + 1);
    }
    return;
  }
  luaL_checkstack(L, 3, "in function mp_encode_lua_table_as_map");
  uint32_t count = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    ++count;
  }
  AppendEncoded(L, b, [count](char* p) { return mp_encode_map(p, count); });
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pushvalue(L, -2);  // a copy of the key to encode; the original stays for lua_next
    EncodeValue(L, b, level + 1);
    EncodeValue(L, b, level + 1);
  }
}

// Encodes the value on top of the stack and pops it.
void EncodeValue(lua_State* L, OutBuf* b, int level) {
  int type = lua_type(L, -1);
  if (type == LUA_TTABLE && level == kMaxNesting) type = LUA_TNIL;
  switch (type) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      AppendEncoded(L, b, [len](char* p) { return mp_encode_strl(p, static_cast<uint32_t>(len)); });
      Append(L, b, s, len);
      break;
    }
    case LUA_TBOOLEAN: {
      bool v = lua_toboolean(L, -1) != 0;
      AppendEncoded(L, b, [v](char* p) { return mp_encode_bool(p, v); });
      break;
    }
    case LUA_TNUMBER:
      EncodeNumber(L, b, lua_tonumber(L, -1));
      break;
    case LUA_TTABLE:
      EncodeTable(L, b, level);
      break;
    default:  // nil, and what MessagePack cannot hold (functions, userdata, threads)
      AppendEncoded(L, b, [](char* p) { return mp_encode_nil(p); });
      break;
  }
  lua_pop(L, 1);
}

// cmsgpack.pack(v1, v2, ...): the encodings of all arguments, concatenated.
int Pack(lua_State* L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, nargs)) return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  luaL_checkstack(L, 2, "in function mp_pack");
  constexpr size_t kInitial = 64;
  OutBuf b{static_cast<char*>(lua_newuserdata(L, kInitial)), 0, kInitial, lua_gettop(L)};
  for (int i = 1; i <= nargs; ++i) {
    lua_pushvalue(L, i);
    EncodeValue(L, &b, 0);
  }
  lua_pushlstring(L, b.data, b.len);
  return 1;
}

// ---------------------------------------------------------------------------------------------
// Unpacking

enum class DecodeError { kNone, kEof, kBadFormat };

struct Cursor {
  const char* p;
  const char* end;
  DecodeError err;
};

// lua-cmsgpack 0.4.0 predates the bin and ext types: their first bytes (and the never-used
// 0xc1) are a format error.
bool KnownFirstByte(uint8_t c) {
  return !(c == 0xc1 || (c >= 0xc4 && c <= 0xc9) || (c >= 0xd4 && c <= 0xd8));
}

// True when the header at c->p is complete; sets kEof otherwise. `missing` is what msgpuck's
// mp_check_* returned: the count of bytes still needed (<= 0 when none).
bool HeaderComplete(Cursor* c, ptrdiff_t missing) {
  if (missing > 0) c->err = DecodeError::kEof;
  return missing <= 0;
}

void DecodeValue(lua_State* L, Cursor* c);

void DecodeArray(lua_State* L, Cursor* c, uint32_t n) {
  lua_newtable(L);
  for (uint32_t j = 0; j < n; ++j) {
    lua_pushnumber(L, static_cast<lua_Number>(j) + 1);
    DecodeValue(L, c);
    if (c->err != DecodeError::kNone) return;
    lua_settable(L, -3);
  }
}

void DecodeMap(lua_State* L, Cursor* c, uint32_t n) {
  lua_newtable(L);
  for (uint32_t j = 0; j < n; ++j) {
    DecodeValue(L, c);
    if (c->err != DecodeError::kNone) return;
    DecodeValue(L, c);
    if (c->err != DecodeError::kNone) return;
    lua_settable(L, -3);  // a nil or NaN key raises Lua's own "table index is ..." error
  }
}

// Decodes one value at c->p onto the stack, or sets c->err.
void DecodeValue(lua_State* L, Cursor* c) {
  // The count of values a stream unpacks to is unknown up front: grow the stack one at a time.
  luaL_checkstack(L, 1, kStackMessage);
  if (c->p >= c->end) {
    c->err = DecodeError::kEof;
    return;
  }
  uint8_t first = static_cast<uint8_t>(*c->p);
  if (!KnownFirstByte(first)) {
    c->err = DecodeError::kBadFormat;
    return;
  }
  switch (mp_typeof(*c->p)) {
    case MP_NIL:
      mp_decode_nil(&c->p);
      lua_pushnil(L);
      return;
    case MP_BOOL:
      lua_pushboolean(L, mp_decode_bool(&c->p) ? 1 : 0);
      return;
    case MP_UINT: {
      if (!HeaderComplete(c, mp_check_uint(c->p, c->end))) return;
      uint64_t v = mp_decode_uint(&c->p);
      // lua-cmsgpack reads uint 64 as a signed 64-bit integer: 2^64-1 unpacks as -1.
      lua_pushnumber(L, first == 0xcf ? static_cast<lua_Number>(static_cast<int64_t>(v))
                                      : static_cast<lua_Number>(v));
      return;
    }
    case MP_INT:
      if (!HeaderComplete(c, mp_check_int(c->p, c->end))) return;
      lua_pushnumber(L, static_cast<lua_Number>(mp_decode_int(&c->p)));
      return;
    case MP_FLOAT:
      if (!HeaderComplete(c, mp_check_float(c->p, c->end))) return;
      lua_pushnumber(L, static_cast<lua_Number>(mp_decode_float(&c->p)));
      return;
    case MP_DOUBLE:
      if (!HeaderComplete(c, mp_check_double(c->p, c->end))) return;
      lua_pushnumber(L, mp_decode_double(&c->p));
      return;
    case MP_STR: {
      if (!HeaderComplete(c, mp_check_strl(c->p, c->end))) return;
      const char* p = c->p;
      uint32_t len = mp_decode_strl(&p);
      if (static_cast<size_t>(c->end - p) < len) {
        c->err = DecodeError::kEof;
        return;
      }
      lua_pushlstring(L, p, len);
      c->p = p + len;
      return;
    }
    case MP_ARRAY:
      if (!HeaderComplete(c, mp_check_array(c->p, c->end))) return;
      DecodeArray(L, c, mp_decode_array(&c->p));
      return;
    case MP_MAP:
      if (!HeaderComplete(c, mp_check_map(c->p, c->end))) return;
      DecodeMap(L, c, mp_decode_map(&c->p));
      return;
    default:  // bin and ext were rejected above
      c->err = DecodeError::kBadFormat;
      return;
  }
}

// Decodes up to `limit` values from the string at index 1 starting at byte `offset`.
// limit == 0 and offset == 0 mean "all values, no trailing offset" (so unpack_limit(s, 0) acts
// like unpack, as in lua-cmsgpack). Otherwise the first result is the offset of the next value,
// or -1 when the input is used up.
int UnpackFull(lua_State* L, int limit, int offset) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  bool decode_all = limit == 0 && offset == 0;
  if (offset < 0 || limit < 0) {
    // lua-cmsgpack reports the input length where it says "limit"; scripts may match the text.
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", offset,
                      static_cast<int>(len));
  }
  if (static_cast<size_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.", offset,
                      static_cast<int>(len));
  }
  if (decode_all) limit = INT_MAX;
  Cursor c{s + offset, s + len, DecodeError::kNone};
  int count = 0;
  for (; c.p < c.end && count < limit; ++count) {
    DecodeValue(L, &c);
    if (c.err == DecodeError::kEof) return luaL_error(L, "Missing bytes in input.");
    if (c.err == DecodeError::kBadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (decode_all) return count;
  luaL_checkstack(L, 1, "in function mp_unpack_full");
  lua_pushinteger(L, c.p == c.end ? -1 : static_cast<lua_Integer>(c.p - s));
  lua_insert(L, 2);  // the offset comes first, right above the input string
  return count + 1;
}

int Unpack(lua_State* L) { return UnpackFull(L, 0, 0); }

int UnpackOne(lua_State* L) {
  int offset = static_cast<int>(luaL_optinteger(L, 2, 0));
  lua_settop(L, 1);
  return UnpackFull(L, 1, offset);
}

int UnpackLimit(lua_State* L) {
  int limit = static_cast<int>(luaL_checkinteger(L, 2));
  int offset = static_cast<int>(luaL_optinteger(L, 3, 0));
  lua_settop(L, 1);
  return UnpackFull(L, limit, offset);
}

constexpr luaL_Reg kFunctions[] = {
    {"pack", Pack},
    {"unpack", Unpack},
    {"unpack_one", UnpackOne},
    {"unpack_limit", UnpackLimit},
    {nullptr, nullptr},
};

void SetString(lua_State* L, const char* key, const char* value) {
  lua_pushstring(L, value);
  lua_setfield(L, -2, key);
}

}  // namespace

extern "C" int luaopen_cmsgpack(lua_State* L) {
  lua_newtable(L);
  luaL_register(L, nullptr, kFunctions);
  // The identification fields lua-cmsgpack publishes; scripts can read them.
  SetString(L, "_NAME", "cmsgpack");
  SetString(L, "_VERSION", "lua-cmsgpack 0.4.0");
  SetString(L, "_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
  SetString(L, "_DESCRIPTION", "MessagePack C implementation for Lua");
  lua_pushvalue(L, -1);
  lua_setglobal(L, "cmsgpack");
  return 1;
}
