// The Lua environment of Redis 7.0 (script_lua.c, eval.c): the libraries, the redis table,
// math.random on rand48, the error handler, and the sandbox.
//
// The sandbox. Redis 7.0 patches its bundled Lua with read-only tables; Debian's Lua 5.1 has
// none, so the same behaviour comes from proxies: the globals the script sees, and every
// library table reachable from them, are empty tables whose metatable reads through to the
// real table (__index) and refuses writes (__newindex: "Attempt to modify a readonly
// table"). Reading a missing global raises "Script attempted to access nonexistent global
// variable". next/pairs/ipairs/rawget see through a proxy, and rawset on one is refused, so
// iteration and raw access behave as on Redis's tables. The real globals stay reachable only
// from C (the registry), where KEYS and ARGV are set for each run.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "resp/reply_parser.h"
#include "server/core/command_context.h"
#include "server/core/server_state.h"
#include "server/scripting/functions.h"
#include "server/scripting/lua_cmsgpack.h"
#include "server/scripting/lua_struct.h"
#include "server/scripting/lua_values.h"
#include "server/scripting/scripting.h"

extern "C" {
#include <lua-bitop.h>
#include <lua-cjson.h>
}

namespace ks {

namespace {

constexpr const char* kRunKey = "ks_run";            // registry: ScriptRun* while a script runs
constexpr const char* kScriptingKey = "ks_scripting";  // registry: Scripting*
constexpr const char* kProxiesKey = "ks_proxies";    // registry: weak table proxy -> real table
constexpr const char* kCompatVersion = "7.0.15";
constexpr int kCompatVersionNum = 0x07000f;

void* RegistryPointer(lua_State* L, const char* key) {
  lua_getfield(L, LUA_REGISTRYINDEX, key);
  void* p = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return p;
}

ScriptRun* CurrentRun(lua_State* L) { return static_cast<ScriptRun*>(RegistryPointer(L, kRunKey)); }
Scripting* Owner(lua_State* L) { return static_cast<Scripting*>(RegistryPointer(L, kScriptingKey)); }

// Pushes Redis's error table and raises it.
int RaiseError(lua_State* L, const char* text) {
  PushErrorTable(L, text);
  return lua_error(L);
}

// ---- redis.call / redis.pcall ---------------------------------------------------------

// Redis logs every error of a reply as it turns it into a Lua value (luaPushErrorBuff).
void LogReplyErrors(Ldb& ldb, const RespValue& v) {
  if (v.IsError()) ldb.Log("<error> -" + v.str);
  for (const RespValue& e : v.elems) LogReplyErrors(ldb, e);
}

enum class CallOutcome { kReply, kReplyError, kError };

// The part of redis.call that holds C++ objects; it returns before anything is raised.
CallOutcome DoCall(lua_State* L, ScriptRun& run, int argc) {
  std::vector<std::string> argv;
  argv.reserve(static_cast<size_t>(argc));
  bool bad = false;
  for (int j = 1; j <= argc; ++j) {
    if (lua_type(L, j) == LUA_TNUMBER) {
      // Not lua_tostring: its %.14g loses precision.
      char buf[64];
      int n = std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(lua_tonumber(L, j)));
      argv.emplace_back(buf, static_cast<size_t>(n));
    } else if (lua_type(L, j) == LUA_TSTRING) {
      size_t len;
      const char* s = lua_tolstring(L, j, &len);
      argv.emplace_back(s, len);
    } else {
      bad = true;
      break;
    }
  }
  lua_pop(L, argc);
  if (bad) {
    LdbPushError(L, "Lua redis lib command arguments must be strings or integers");
    return CallOutcome::kError;
  }
  Ldb& ldb = Owner(L)->ldb();
  if (ldb.logging()) [[unlikely]] {
    // The command as the debugger shows it: at most ten arguments.
    std::string log = "<redis>";
    for (size_t j = 0; j < argv.size(); ++j) {
      if (j == 10) {
        log += " ... (" + std::to_string(argv.size() - j - 1) + " more)";
        break;
      }
      log += ' ';
      log += argv[j];
    }
    ldb.Log(std::move(log));
  }
  std::string err = run.Call(argv);
  if (!err.empty()) {
    LdbPushError(L, err);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "ignore_error_stats_update");
    return CallOutcome::kError;
  }
  RespValue v;
  ParseReply(run.out, &v);
  PushReply(L, v, run.client.resp == 3);
  if (ldb.logging()) [[unlikely]] {
    LogReplyErrors(ldb, v);
    ldb.LogReply(run.out);
  }
  return v.IsError() ? CallOutcome::kReplyError : CallOutcome::kReply;
}

int GenericCall(lua_State* L, bool raise) {
  ScriptRun* run = CurrentRun(L);
  if (!run) return RaiseError(L, "redis.call/pcall can only be called inside a script invocation");
  const int argc = lua_gettop(L);
  if (argc == 0) {
    LdbPushError(L, "Please specify at least one argument for this redis lib call");
    return raise ? lua_error(L) : 1;
  }
  CallOutcome r = DoCall(L, *run, argc);
  if (raise && r != CallOutcome::kReply) return lua_error(L);
  return 1;
}

int RedisCall(lua_State* L) { return GenericCall(L, true); }
int RedisPcall(lua_State* L) { return GenericCall(L, false); }

// Redis's pcall: an error table from redis.call is caught as its message string.
int LuaPcall(lua_State* L) {
  const int argc = lua_gettop(L);
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0)) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) lua_replace(L, -2);
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

// ---- the rest of the redis table -------------------------------------------------------

int Sha1hexFn(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  char digest[41];
  {
    std::string hex = Sha1Hex(std::string_view(s ? s : "", s ? len : 0));
    std::memcpy(digest, hex.data(), 41);
  }
  lua_pushstring(L, digest);
  return 1;
}

int ErrorReplyFn(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  size_t len;
  const char* e = lua_tolstring(L, -1, &len);
  if (len > 0 && e[0] == '-') {
    PushErrorTable(L, std::string_view(e, len));
  } else {
    std::string with_dash = "-";
    with_dash.append(e, len);
    PushErrorTable(L, with_dash);
  }
  return 1;
}

int StatusReplyFn(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushstring(L, "ok");
  lua_pushvalue(L, -3);
  lua_settable(L, -3);
  return 1;
}

int LogFn(lua_State* L) {
  const int argc = lua_gettop(L);
  if (argc < 2) return RaiseError(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, -argc)) return RaiseError(L, "First argument must be a number (log level).");
  const int level = static_cast<int>(lua_tonumber(L, -argc));
  if (level < 0 || level > 3) return RaiseError(L, "Invalid debug level.");
  if (level < 2) return 0;  // below the default verbosity (notice)
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int j = 1; j < argc; ++j) {
    size_t len;
    const char* s = lua_tolstring(L, -argc + j, &len);
    if (!s) continue;
    if (j != 1) luaL_addchar(&b, ' ');
    luaL_addlstring(&b, s, len);
  }
  luaL_pushresult(&b);
  std::fprintf(stderr, "keyshard: %s\n", lua_tostring(L, -1));
  return 0;
}

int SetRespFn(lua_State* L) {
  ScriptRun* run = CurrentRun(L);
  if (!run) return RaiseError(L, "redis.setresp can only be called inside a script invocation");
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.setresp() requires one argument.");
  const int resp = static_cast<int>(lua_tonumber(L, -1));
  if (resp != 2 && resp != 3) return RaiseError(L, "RESP version must be 2 or 3.");
  run->client.resp = resp;
  return 0;
}

// keyshard has no replicas and logs every script's effects to the AOF; the flags are checked
// as Redis checks them.
int SetReplFn(lua_State* L) {
  if (!CurrentRun(L)) return RaiseError(L, "redis.set_repl can only be called inside a script invocation");
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.set_repl() requires two arguments.");
  const int flags = static_cast<int>(lua_tonumber(L, -1));
  if ((flags & ~3) != 0) return RaiseError(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  return 0;
}

int AclCheckCmdFn(lua_State* L) {
  ScriptRun* run = CurrentRun(L);
  if (!run) return RaiseError(L, "redis.acl_check_cmd can only be called inside a script invocation");
  const int argc = lua_gettop(L);
  if (argc == 0) return RaiseError(L, "Please specify at least one argument for this redis lib call");
  for (int j = 1; j <= argc; ++j)
    if (!lua_isstring(L, j)) return RaiseError(L, "Lua redis lib command arguments must be strings or integers");
  size_t len;
  const char* name = lua_tolstring(L, 1, &len);
  const CommandSpec* spec = run->state.commands().Find(std::string_view(name, len));
  if (spec && !spec->subcommands.empty() && argc >= 2) {
    const char* sub = lua_tolstring(L, 2, &len);
    spec = CommandRegistry::FindSub(*spec, std::string_view(sub, len));
  }
  if (!spec) return RaiseError(L, "Invalid command passed to redis.acl_check_cmd()");
  // Only the default user, who may run everything.
  lua_pushboolean(L, 1);
  return 1;
}

// Outside a debugging session (SCRIPT DEBUG), as in Redis: no breakpoint, debug() is a no-op.
int BreakpointFn(lua_State* L) {
  Ldb& ldb = Owner(L)->ldb();
  if (ldb.active()) ldb.BreakOnNextLine();
  lua_pushboolean(L, ldb.active());
  return 1;
}
// "<debug> line N: " and the arguments as the debugger prints values.
int DebugFn(lua_State* L) {
  Ldb& ldb = Owner(L)->ldb();
  if (!ldb.active()) return 0;
  int argc = lua_gettop(L);
  std::string log = "<debug> line " + std::to_string(ldb.current_line()) + ": ";
  while (argc--) {
    LdbCatValue(log, L, -1 - argc);
    if (argc != 0) log += ", ";
  }
  ldb.Log(std::move(log));
  return 0;
}
// Effects replication is always on in Redis 7.
int ReplicateCommandsFn(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

// math.random and math.randomseed on rand48, as Redis replaces them (the same sequence on
// every platform).
int MathRandom(lua_State* L) {
  if (!CurrentRun(L)) return luaL_error(L, "math.random can only be called inside a script invocation");
  const lua_Number r = static_cast<lua_Number>(Owner(L)->Rand48() % 2147483647) / 2147483647.0;
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int MathRandomseed(lua_State* L) {
  if (!CurrentRun(L)) return luaL_error(L, "math.randomseed can only be called inside a script invocation");
  Owner(L)->Srand48(luaL_checkint(L, 1));
  return 0;
}

// ---- the sandbox's proxies -------------------------------------------------------------

// Replaces the table at idx by its real table if it is a proxy.
void Unproxy(lua_State* L, int idx) {
  if (!lua_istable(L, idx)) return;
  lua_getfield(L, LUA_REGISTRYINDEX, kProxiesKey);
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  if (lua_istable(L, -1)) lua_replace(L, idx);
  else lua_pop(L, 1);
  lua_pop(L, 1);
}

bool IsProxy(lua_State* L, int idx) {
  lua_getfield(L, LUA_REGISTRYINDEX, kProxiesKey);
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  bool r = lua_istable(L, -1);
  lua_pop(L, 2);
  return r;
}

int ReadonlyNewIndex(lua_State* L) { return luaL_error(L, "Attempt to modify a readonly table"); }

// __index of the globals proxy: upvalue 1 is the real globals table.
int GlobalsIndex(lua_State* L) {
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (!lua_isnil(L, -1)) return 1;
  if (!lua_isstring(L, 2) && !lua_isnumber(L, 2))
    return luaL_error(L, "Second argument to luaProtectedTableError must be a string or number");
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", lua_tostring(L, 2));
}

int SandboxNext(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  Unproxy(L, 1);
  lua_settop(L, 2);
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

int SandboxPairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, lua_upvalueindex(1));  // next
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

int IpairsAux(lua_State* L) {
  int i = luaL_checkint(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  ++i;
  lua_pushinteger(L, i);
  lua_rawgeti(L, 1, i);
  return lua_isnil(L, -1) ? 0 : 2;
}

int SandboxIpairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  Unproxy(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));  // IpairsAux
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  return 3;
}

int SandboxRawget(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  Unproxy(L, 1);
  lua_settop(L, 2);
  lua_rawget(L, 1);
  return 1;
}

int SandboxRawset(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  if (IsProxy(L, 1)) {
    // Raised without a position, as Redis's patched rawset does.
    lua_pushstring(L, "Attempt to modify a readonly table");
    return lua_error(L);
  }
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

// Pushes a read-only proxy of the table at idx (absolute); globals=true reads missing keys
// as an error. Registers it in the proxies table.
void PushProxy(lua_State* L, int idx, bool globals) {
  lua_newtable(L);  // the proxy
  lua_newtable(L);  // its metatable
  if (globals) {
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, GlobalsIndex, 1);
  } else {
    lua_pushvalue(L, idx);
  }
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadonlyNewIndex);
  lua_setfield(L, -2, "__newindex");
  // getmetatable() answers a table that cannot be changed either.
  lua_newtable(L);
  lua_newtable(L);
  lua_pushcfunction(L, ReadonlyNewIndex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_getfield(L, LUA_REGISTRYINDEX, kProxiesKey);
  lua_pushvalue(L, -2);
  lua_pushvalue(L, idx);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

// Replaces every table field of the table at idx (absolute) by a read-only proxy, depth
// first (the library tables and any table inside them).
void ProtectFields(lua_State* L, int idx) {
  std::vector<std::string> names;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_istable(L, -1) && lua_type(L, -2) == LUA_TSTRING) names.emplace_back(lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  for (const std::string& n : names) {
    lua_getfield(L, idx, n.c_str());
    const int t = lua_gettop(L);
    ProtectFields(L, t);
    PushProxy(L, t, false);
    lua_pushstring(L, n.c_str());
    lua_insert(L, -2);
    lua_rawset(L, idx);
    lua_pop(L, 1);
  }
}

void SetFn(lua_State* L, const char* name, lua_CFunction f) {
  lua_pushcfunction(L, f);
  lua_setfield(L, -2, name);
}
void SetNum(lua_State* L, const char* name, lua_Number n) {
  lua_pushnumber(L, n);
  lua_setfield(L, -2, name);
}

void OpenLib(lua_State* L, const char* name, lua_CFunction open) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 0);
}

// Redis 7.0's error handler (eval.c): the error becomes a table carrying where it happened;
// the C function that raised it (redis.call) is skipped for the script's line.
constexpr const char* kErrorHandler = R"(
local dbg = debug
__redis__err__handler = function(err)
  local i = dbg.getinfo(2,'nSl')
  if i and i.what == 'C' then
    i = dbg.getinfo(3,'nSl')
  end
  if type(err) ~= 'table' then
    err = {err='ERR ' .. tostring(err)}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
)";

}  // namespace

lua_State* Scripting::NewState(bool functions) {
  lua_State* L = luaL_newstate();
  lua_pushlightuserdata(L, this);
  lua_setfield(L, LUA_REGISTRYINDEX, kScriptingKey);
  lua_newtable(L);
  lua_newtable(L);
  lua_pushstring(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, kProxiesKey);

  OpenLib(L, "", luaopen_base);
  OpenLib(L, LUA_TABLIBNAME, luaopen_table);
  OpenLib(L, LUA_STRLIBNAME, luaopen_string);
  OpenLib(L, LUA_MATHLIBNAME, luaopen_math);
  OpenLib(L, LUA_DBLIBNAME, luaopen_debug);
  luaopen_cjson(L);
  lua_setglobal(L, "cjson");
  lua_settop(L, 0);
  luaopen_bit(L);
  lua_setglobal(L, "bit");
  lua_settop(L, 0);
  // cmsgpack and struct, as Redis 7.0 embeds them (server/scripting/lua_cmsgpack.h,
  // lua_struct.h); the sandbox below protects them like every other global table.
  luaopen_cmsgpack(L);
  lua_setglobal(L, "cmsgpack");
  lua_settop(L, 0);
  luaopen_struct(L);
  lua_setglobal(L, "struct");
  lua_settop(L, 0);

  // What Redis 7.0 leaves out of the base library.
  for (const char* name : {"print", "dofile", "loadfile", "getfenv", "setfenv", "newproxy", "module", "require"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_pushcfunction(L, LuaPcall);
  lua_setglobal(L, "pcall");

  lua_newtable(L);
  SetFn(L, "call", RedisCall);
  SetFn(L, "pcall", RedisPcall);
  SetFn(L, "log", LogFn);
  SetNum(L, "LOG_DEBUG", 0);
  SetNum(L, "LOG_VERBOSE", 1);
  SetNum(L, "LOG_NOTICE", 2);
  SetNum(L, "LOG_WARNING", 3);
  SetNum(L, "REDIS_VERSION_NUM", kCompatVersionNum);
  lua_pushstring(L, kCompatVersion);
  lua_setfield(L, -2, "REDIS_VERSION");
  SetFn(L, "setresp", SetRespFn);
  SetFn(L, "sha1hex", Sha1hexFn);
  SetFn(L, "error_reply", ErrorReplyFn);
  SetFn(L, "status_reply", StatusReplyFn);
  SetFn(L, "set_repl", SetReplFn);
  SetNum(L, "REPL_NONE", 0);
  SetNum(L, "REPL_AOF", 1);
  SetNum(L, "REPL_SLAVE", 2);
  SetNum(L, "REPL_REPLICA", 2);
  SetNum(L, "REPL_ALL", 3);
  SetFn(L, "acl_check_cmd", AclCheckCmdFn);
  if (!functions) {
    SetFn(L, "replicate_commands", ReplicateCommandsFn);
    SetFn(L, "breakpoint", BreakpointFn);
    SetFn(L, "debug", DebugFn);
  }
  lua_setglobal(L, "redis");

  lua_getglobal(L, "math");
  SetFn(L, "random", MathRandom);
  SetFn(L, "randomseed", MathRandomseed);
  lua_pop(L, 1);

  luaL_loadbuffer(L, kErrorHandler, std::strlen(kErrorHandler), "@err_handler_def");
  lua_pcall(L, 0, 0, 0);
  lua_getglobal(L, "__redis__err__handler");
  lua_setfield(L, LUA_REGISTRYINDEX, "ks_err_handler");
  if (functions) {
    // The functions engine keeps its error handler out of the globals.
    lua_pushnil(L);
    lua_setglobal(L, "__redis__err__handler");
  }
  lua_pushnil(L);
  lua_setglobal(L, "debug");

  // next/pairs/ipairs/rawget/rawset that see through proxies.
  lua_pushcfunction(L, SandboxNext);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "next");
  lua_pushcclosure(L, SandboxPairs, 1);
  lua_setglobal(L, "pairs");
  lua_pushcfunction(L, IpairsAux);
  lua_pushcclosure(L, SandboxIpairs, 1);
  lua_setglobal(L, "ipairs");
  lua_pushcfunction(L, SandboxRawget);
  lua_setglobal(L, "rawget");
  lua_pushcfunction(L, SandboxRawset);
  lua_setglobal(L, "rawset");

  // Protect: library tables become proxies, then the globals themselves.
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  const int g = lua_gettop(L);
  lua_pushnil(L);
  lua_setfield(L, g, "_G");
  ProtectFields(L, g);
  // Strings' methods go through the string library's proxy too.
  lua_pushstring(L, "");
  lua_getmetatable(L, -1);
  lua_getfield(L, g, "string");
  lua_setfield(L, -2, "__index");
  lua_pop(L, 2);
  PushProxy(L, g, true);
  lua_pushvalue(L, -1);
  lua_setfield(L, g, "_G");
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, "ks_globals_proxy");
  lua_getmetatable(L, -1);
  lua_getfield(L, -1, "__index");
  lua_setfield(L, LUA_REGISTRYINDEX, "ks_index_runtime");
  lua_pop(L, 1);
  if (functions) {
    // What FUNCTION LOAD's library code sees instead of the globals: only a redis table
    // with register_function, log and the version (function_lua.c's library API).
    lua_newtable(L);
    const int load_g = lua_gettop(L);
    lua_newtable(L);
    const int api = lua_gettop(L);
    SetFn(L, "register_function", LuaRegisterFunction);
    SetFn(L, "log", LogFn);
    SetNum(L, "LOG_DEBUG", 0);
    SetNum(L, "LOG_VERBOSE", 1);
    SetNum(L, "LOG_NOTICE", 2);
    SetNum(L, "LOG_WARNING", 3);
    SetNum(L, "REDIS_VERSION_NUM", kCompatVersionNum);
    lua_pushstring(L, kCompatVersion);
    lua_setfield(L, -2, "REDIS_VERSION");
    PushProxy(L, api, true);
    lua_setfield(L, load_g, "redis");
    lua_settop(L, load_g);
    lua_pushcclosure(L, GlobalsIndex, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "ks_index_load");
  }
  lua_pushvalue(L, g);
  lua_setfield(L, LUA_REGISTRYINDEX, "ks_globals");
  // From here on, code loaded into this state sees the proxy as its globals.
  lua_replace(L, LUA_GLOBALSINDEX);
  lua_settop(L, 0);
  return L;
}

void SetLoadGlobals(lua_State* L, bool load) {
  lua_getfield(L, LUA_REGISTRYINDEX, "ks_globals_proxy");
  lua_getmetatable(L, -1);
  lua_getfield(L, LUA_REGISTRYINDEX, load ? "ks_index_load" : "ks_index_runtime");
  lua_setfield(L, -2, "__index");
  lua_pop(L, 2);
}

// The count hook: every 100000 instructions, check the time and a pending SCRIPT KILL.
void ScriptHook(lua_State* L, lua_Debug*) {
  ScriptRun* run = CurrentRun(L);
  if (!run || !Owner(L)->Interrupt(*run)) return;
  std::fprintf(stderr, "keyshard: Lua script killed by user with SCRIPT KILL.\n");
  // From now on on every line, so a pcall catching the error cannot keep the script alive.
  lua_sethook(L, ScriptHook, LUA_MASKLINE, 0);
  RaiseError(L, "Script killed by user with SCRIPT KILL...");
}

// The debugger's hook (luaLdbLineHook): every line of the script, and every 100000
// instructions for its infinite-loop timeout. Raises what the debugger asks for (abort).
static void LdbLineHook(lua_State* L, lua_Debug* ar) {
  ScriptRun* run = CurrentRun(L);
  if (!run) return;
  Ldb& ldb = Owner(L)->ldb();
  if (!ldb.OnHook(L, ar, *run)) return;
  LdbPushError(L, ldb.raise_text());
  lua_error(L);
}

void LdbPushError(lua_State* L, std::string_view text) {
  Ldb& ldb = Owner(L)->ldb();
  if (ldb.logging()) [[unlikely]]
    ldb.Log("<error> " + std::string(text));
  PushErrorTable(L, text);
}

void Scripting::Call(lua_State* L, ScriptRun& run, std::span<const std::string_view> keys,
                     std::span<const std::string_view> args) {
  // Stack: error handler, function.
  lua_pushlightuserdata(L, &run);
  lua_setfield(L, LUA_REGISTRYINDEX, kRunKey);
  const bool debug = ldb_.active() && run.eval;
  const bool hook = debug || state_.limits().get(state_.limits().busy_reply_threshold) > 0;
  if (debug)
    lua_sethook(L, LdbLineHook, LUA_MASKLINE | LUA_MASKCOUNT, 100000);
  else if (hook)
    lua_sethook(L, ScriptHook, LUA_MASKCOUNT, 100000);
  auto push_array = [&](std::span<const std::string_view> items) {
    lua_createtable(L, static_cast<int>(items.size()), 0);
    for (size_t j = 0; j < items.size(); ++j) {
      lua_pushlstring(L, items[j].data(), items[j].size());
      lua_rawseti(L, -2, static_cast<int>(j + 1));
    }
  };
  int err;
  if (run.eval) {
    lua_getfield(L, LUA_REGISTRYINDEX, "ks_globals");
    push_array(keys);
    lua_setfield(L, -2, "KEYS");
    push_array(args);
    lua_setfield(L, -2, "ARGV");
    lua_pop(L, 1);
    err = lua_pcall(L, 0, 1, -2);
  } else {
    push_array(keys);
    push_array(args);
    err = lua_pcall(L, 2, 1, -4);
  }
  // A full collection now and then instead of Lua's own large cycles (Redis: every 50 runs).
  if (++gc_count_ == 50) {
    lua_gc(L, LUA_GCSTEP, 50);
    gc_count_ = 0;
  }
  ReplyBuilder& rb = run.caller.rb;
  if (err) {
    rb.Error(ScriptErrorText(L, run.name));
  } else {
    WriteLuaReply(L, rb, run.client.resp);
  }
  if (hook) lua_sethook(L, nullptr, 0, 0);
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kRunKey);
}

}  // namespace ks
