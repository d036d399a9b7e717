#pragma once
// Redis's conversions between Lua values and replies (script_lua.c in Redis 7.0):
// a command's reply becomes a Lua value for redis.call, and a script's return value becomes
// the reply of EVAL/FCALL.
#include <string>
#include <string_view>

#include "server/scripting/lua_api.h"

namespace ks {

class ReplyBuilder;
struct RespValue;

// Pushes the Lua form of a reply: integer -> number, bulk -> string, null bulk/array ->
// false, status -> {ok=s}, error -> {err="CODE msg"}, array -> table; RESP3: map -> {map=t},
// set -> {set=t}, null -> nil, boolean, double -> {double=d}, big number -> {big_number=s},
// verbatim -> {verbatim_string={format=f,string=s}}. Attributes are dropped.
// resp3: the reply was written in RESP3 (its null is nil; RESP2's null bulk is false).
void PushReply(lua_State* L, const RespValue& v, bool resp3);

// Pushes Redis's error table {err="CODE msg"}: "-CODE msg" keeps its code, plain text gets
// ERR; surrounding CR/LF are trimmed (luaPushErrorBuff).
void PushErrorTable(lua_State* L, std::string_view text);

// Writes the value on top of the stack as a reply and pops it. script_resp is the protocol the
// script chose with redis.setresp (a boolean true/false is 1/nil under 2, a boolean under 3).
void WriteLuaReply(lua_State* L, ReplyBuilder& rb, int script_resp);

// The text of the error reply for a failed script call: the error value on top of the stack
// (the error handler's table {err=, source=, line=}, or a string) and the script's name, as
// luaCallFunction formats it. Pops the value.
std::string ScriptErrorText(lua_State* L, std::string_view script_name);

}  // namespace ks
