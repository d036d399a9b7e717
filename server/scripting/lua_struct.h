#pragma once
// The `struct` Lua library as Redis 7.0 ships it to scripts (Roberto Ierusalimschy's struct
// library: pack, unpack, size with its format language). Opening it also sets the global
// `struct`.
struct lua_State;

extern "C" int luaopen_struct(lua_State* L);
