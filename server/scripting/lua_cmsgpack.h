#pragma once
// The `cmsgpack` Lua library as Redis 7.0 ships it to scripts (lua-cmsgpack 0.4.0 behaviour:
// pack, unpack, unpack_one, unpack_limit), written on top of msgpuck. Opening it also sets the
// global `cmsgpack`, as Redis's loader expects.
struct lua_State;

extern "C" int luaopen_cmsgpack(lua_State* L);
