#include "tests/support/lua_state.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include "server/scripting/lua_cmsgpack.h"
#include "server/scripting/lua_struct.h"

namespace ks::test {

LuaState::LuaState() : L_(luaL_newstate()) {
  luaL_openlibs(L_);
  // Opened the way Redis's loader does: each library sets its global itself.
  lua_pushcfunction(L_, luaopen_struct);
  lua_call(L_, 0, 0);
  lua_pushcfunction(L_, luaopen_cmsgpack);
  lua_call(L_, 0, 0);
}

LuaState::~LuaState() { lua_close(L_); }

std::string LuaState::Run(std::string_view chunk) {
  int top = lua_gettop(L_);
  std::string out;
  if (luaL_loadbuffer(L_, chunk.data(), chunk.size(), "@user_script") != 0 ||
      lua_pcall(L_, 0, 1, 0) != 0) {
    out = "error: ";
    const char* msg = lua_tostring(L_, -1);
    out += msg ? msg : "(non-string error)";
  } else {
    lua_getglobal(L_, "tostring");
    lua_pushvalue(L_, -2);
    lua_call(L_, 1, 1);
    size_t len;
    const char* s = lua_tolstring(L_, -1, &len);
    out.assign(s, len);
  }
  lua_settop(L_, top);
  return out;
}

std::string LuaProbe(std::string_view exprs) {
  // Locals only: Redis forbids scripts to create globals. Everything on one line so error
  // positions ("user_script:1:") are the same wherever the probe runs.
  std::string s =
      "local function hex(s) return (string.gsub(s, '.', function(c) "
      "return string.format('%02x', string.byte(c)) end)) end "
      "local show "
      "show = function(v, depth) depth = depth or 0 "
      "local t = type(v) "
      "if t == 'string' then return string.format('%q', v) "
      "elseif t == 'number' then return string.format('%.17g', v) "
      "elseif t == 'table' then "
      "if depth > 20 then return '{...}' end "
      "local keys = {} for k in pairs(v) do keys[#keys + 1] = k end "
      "local shown = {} for i, k in ipairs(keys) do shown[i] = {show(k, depth + 1), k} end "
      "table.sort(shown, function(a, b) return a[1] < b[1] end) "
      "local parts = {} for i, e in ipairs(shown) do "
      "parts[i] = e[1] .. '=' .. show(v[e[2]], depth + 1) end "
      "return '{' .. table.concat(parts, ',') .. '}' "
      "else return tostring(v) end end "
      "local function all(ok, ...) local out = {ok and 'ok' or 'err'} "
      "for i = 1, select('#', ...) do out[#out + 1] = show((select(i, ...))) end "
      "return table.concat(out, '|') end "
      "return all(pcall(function() return ";
  s += exprs;
  s += " end))";
  return s;
}

}  // namespace ks::test
