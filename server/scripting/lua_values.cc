#include "server/scripting/lua_values.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "resp/reply_builder.h"
#include "resp/reply_parser.h"

namespace ks {

namespace {

void SetField(lua_State* L, const char* key, std::string_view value) {
  lua_pushlstring(L, value.data(), value.size());
  lua_setfield(L, -2, key);
}

// Lua numbers are doubles; Redis casts them with (long long), which on x86 turns NaN and
// anything out of range into INT64_MIN. C++ leaves that undefined, so it is spelled out.
int64_t LuaNumberToInt(lua_Number n) {
  if (std::isnan(n) || n >= 9223372036854775808.0 || n < -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(n);
}

bool RawStringField(lua_State* L, const char* key, std::string* out) {
  lua_pushstring(L, key);
  lua_rawget(L, -2);
  bool ok = lua_type(L, -1) == LUA_TSTRING;
  if (ok) {
    size_t len;
    const char* s = lua_tolstring(L, -1, &len);
    out->assign(s, len);
  }
  lua_pop(L, 1);
  return ok;
}

// The number of entries of the table on top of the stack (a map's or set's reply size).
size_t CountEntries(lua_State* L) {
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    ++n;
    lua_pop(L, 1);
  }
  return n;
}

}  // namespace

void PushErrorTable(lua_State* L, std::string_view text) {
  std::string_view code = "ERR", msg = text;
  if (!text.empty() && text[0] == '-') {
    size_t sp = text.find(' ');
    if (sp == std::string_view::npos) {
      msg = text.substr(1);
    } else {
      code = text.substr(1, sp - 1);
      msg = text.substr(sp + 1);
    }
  }
  while (!msg.empty() && (msg.front() == '\r' || msg.front() == '\n')) msg.remove_prefix(1);
  while (!msg.empty() && (msg.back() == '\r' || msg.back() == '\n')) msg.remove_suffix(1);
  std::string full(code);
  full += ' ';
  full += msg;
  lua_newtable(L);
  SetField(L, "err", full);
}

void PushReply(lua_State* L, const RespValue& v, bool resp3) {
  // Four slots cover the deepest push below; a reply nested past the stack's limit is cut
  // off as nil rather than overflowing it.
  if (!lua_checkstack(L, 4)) return;
  using T = RespValue::Type;
  switch (v.type) {
    case T::kInteger:
      lua_pushnumber(L, static_cast<lua_Number>(v.integer));
      return;
    case T::kBulk:
      lua_pushlstring(L, v.str.data(), v.str.size());
      return;
    case T::kNullArray:
      lua_pushboolean(L, 0);
      return;
    case T::kNull:
      // RESP2's null bulk ($-1) and RESP3's null (_) parse alike; the script's protocol
      // says which it was (a RESP2 reply never holds '_', a RESP3 one never '$-1').
      if (resp3)
        lua_pushnil(L);
      else
        lua_pushboolean(L, 0);
      return;
    case T::kSimple:
      lua_newtable(L);
      SetField(L, "ok", v.str);
      return;
    case T::kError:
      PushErrorTable(L, "-" + v.str);
      // Counted in the error stats when the command failed, not again by the script.
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, "ignore_error_stats_update");
      return;
    case T::kArray:
    case T::kPush:
      lua_newtable(L);
      for (size_t i = 0; i < v.elems.size(); ++i) {
        lua_pushnumber(L, static_cast<lua_Number>(i + 1));
        PushReply(L, v.elems[i], resp3);
        lua_settable(L, -3);
      }
      return;
    case T::kMap:
      lua_newtable(L);
      lua_newtable(L);
      for (size_t i = 0; i + 1 < v.elems.size(); i += 2) {
        PushReply(L, v.elems[i], resp3);
        PushReply(L, v.elems[i + 1], resp3);
        lua_settable(L, -3);
      }
      lua_setfield(L, -2, "map");
      return;
    case T::kSet:
      lua_newtable(L);
      lua_newtable(L);
      for (const RespValue& e : v.elems) {
        PushReply(L, e, resp3);
        lua_pushboolean(L, 1);
        lua_settable(L, -3);
      }
      lua_setfield(L, -2, "set");
      return;
    case T::kBool:
      lua_pushboolean(L, v.boolean);
      return;
    case T::kDouble:
      lua_newtable(L);
      lua_pushnumber(L, v.dbl);
      lua_setfield(L, -2, "double");
      return;
    case T::kBigNumber:
      lua_newtable(L);
      SetField(L, "big_number", v.str);
      return;
    case T::kVerbatim:
      lua_newtable(L);
      lua_newtable(L);
      SetField(L, "string", v.text());
      SetField(L, "format", v.format());
      lua_setfield(L, -2, "verbatim_string");
      return;
  }
  lua_pushnil(L);
}

void WriteLuaReply(lua_State* L, ReplyBuilder& rb, int script_resp) {
  if (!lua_checkstack(L, 4)) {
    rb.Error("ERR reached lua stack limit");
    lua_pop(L, 1);
    return;
  }
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      rb.Bulk(std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(L, -1))
          rb.Int(1);
        else
          rb.Null();
      } else {
        rb.Bool(lua_toboolean(L, -1));
      }
      break;
    case LUA_TNUMBER:
      rb.Int(LuaNumberToInt(lua_tonumber(L, -1)));
      break;
    case LUA_TTABLE: {
      std::string s;
      // {err=...}: an error reply, as the script's error would be.
      lua_pushstring(L, "err");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TSTRING) {
        size_t len;
        const char* e = lua_tolstring(L, -1, &len);
        rb.Error(std::string_view(e, len));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (RawStringField(L, "ok", &s)) {
        for (char& c : s)
          if (c == '\r' || c == '\n') c = ' ';
        rb.Simple(s);
        break;
      }
      lua_pushstring(L, "double");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TNUMBER) {
        rb.Double(lua_tonumber(L, -1));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (RawStringField(L, "big_number", &s)) {
        for (char& c : s)
          if (c == '\r' || c == '\n') c = ' ';
        rb.BigNumber(s);
        break;
      }
      lua_pushstring(L, "verbatim_string");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TTABLE) {
        std::string format, text;
        if (RawStringField(L, "format", &format) && RawStringField(L, "string", &text)) {
          rb.Verbatim(text, std::string_view(format).substr(0, 3));
          lua_pop(L, 2);
          return;
        }
      }
      lua_pop(L, 1);
      lua_pushstring(L, "map");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TTABLE) {
        rb.Map(CountEntries(L));
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pushvalue(L, -2);
          WriteLuaReply(L, rb, script_resp);  // the key
          WriteLuaReply(L, rb, script_resp);  // the value
        }
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      lua_pushstring(L, "set");
      lua_rawget(L, -2);
      if (lua_type(L, -1) == LUA_TTABLE) {
        rb.Set(CountEntries(L));
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pop(L, 1);
          lua_pushvalue(L, -1);
          WriteLuaReply(L, rb, script_resp);
        }
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      // An array: elements 1, 2, ... up to the first nil.
      size_t n = 0;
      for (;;) {
        lua_rawgeti(L, -1, static_cast<int>(n + 1));
        bool nil = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (nil) break;
        ++n;
      }
      rb.Array(n);
      for (size_t i = 1; i <= n; ++i) {
        lua_rawgeti(L, -1, static_cast<int>(i));
        WriteLuaReply(L, rb, script_resp);
      }
      break;
    }
    default:
      rb.Null();
  }
  lua_pop(L, 1);
}

std::string ScriptErrorText(lua_State* L, std::string_view script_name) {
  std::string out;
  if (!lua_istable(L, -1)) {
    const char* msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
    out = "ERR Error running script ";
    out += script_name;
    out += ", ";
    out += std::string_view(msg).substr(0, 100);
    out += "\n";
    lua_pop(L, 1);
    return out;
  }
  std::string err, source, line;
  auto field = [&](const char* key, std::string* dst) {
    lua_getfield(L, -1, key);
    bool ok = lua_isstring(L, -1);
    if (ok) dst->assign(lua_tostring(L, -1));
    lua_pop(L, 1);
    return ok;
  };
  field("err", &err);
  bool has_source = field("source", &source);
  bool has_line = field("line", &line);
  out = err;
  if (has_source && has_line) {
    out += " script: ";
    out += script_name;
    out += ", on ";
    out += source;
    out += ":";
    out += line;
    out += ".";
  }
  lua_pop(L, 1);
  return out;
}

}  // namespace ks
