#pragma once
// The Lua 5.1 C API as Debian ships it (liblua5.1-0-dev), plus the cjson and bit modules.
// Lua raises errors with longjmp: a C function called from Lua must not have C++ objects
// with destructors alive when it (or a lua_* call that can fail) raises.
extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}
