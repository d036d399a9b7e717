#include "server/scripting/functions.h"

#include <chrono>
#include <cstring>

#include "server/scripting/lua_values.h"
#include "server/scripting/scripting.h"

namespace ks {

namespace {

constexpr const char* kLoadingKey = "ks_loading";  // registry: LoadCtx* while FUNCTION LOAD runs
constexpr int64_t kLoadTimeoutMs = 500;            // Redis's LOAD_TIMEOUT_MS

struct LoadCtx {
  std::vector<Functions::Function> funcs;
  std::chrono::steady_clock::time_point start;
};

LoadCtx* Loading(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kLoadingKey);
  void* p = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return static_cast<LoadCtx*>(p);
}

bool ValidName(std::string_view n) {
  if (n.empty()) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

constexpr const char* kBadName =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

// Reads register_function's arguments (positional or one table of named ones) into f, the
// callback left on top of the stack. Returns the error text, or nullptr. Only static texts,
// so the caller raises with nothing to destroy.
const char* ReadRegisterArgs(lua_State* L, int argc, Functions::Function* f) {
  if (argc == 1) {
    if (!lua_istable(L, 1))
      return "calling redis.register_function with a single argument is only applicable to Lua table "
             "(representing named arguments).";
    bool have_name = false, have_cb = false;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
      const char* key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
      if (std::strcmp(key, "function_name") == 0) {
        if (!lua_isstring(L, -1)) return "function_name argument given to redis.register_function must be a string";
        f->name = lua_tostring(L, -1);
        have_name = true;
      } else if (std::strcmp(key, "description") == 0) {
        if (!lua_isstring(L, -1)) return "description argument given to redis.register_function must be a string";
        f->description = lua_tostring(L, -1);
        f->has_description = true;
      } else if (std::strcmp(key, "callback") == 0) {
        if (!lua_isfunction(L, -1)) return "callback argument given to redis.register_function must be a function";
        have_cb = true;
        lua_pushvalue(L, -1);
        lua_replace(L, 2);  // slot 2 keeps the callback
      } else if (std::strcmp(key, "flags") == 0) {
        if (!lua_istable(L, -1))
          return "flags argument to redis.register_function must be a table representing function flags";
        for (int i = 1;; ++i) {
          lua_rawgeti(L, -1, i);
          if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
          }
          uint32_t bit;
          if (!lua_isstring(L, -1) || !ParseScriptFlag(lua_tostring(L, -1), &bit)) return "unknown flag given";
          f->flags |= bit;
          lua_pop(L, 1);
        }
      } else {
        return "unknown argument given to redis.register_function";
      }
      lua_pop(L, 1);
    }
    if (!have_name) return "redis.register_function must get a function name argument";
    if (!have_cb) return "redis.register_function must get a callback argument";
    lua_pushvalue(L, 2);
    return nullptr;
  }
  if (argc != 2) return "wrong number of arguments to redis.register_function";
  if (!lua_isstring(L, 1)) return "first argument to redis.register_function must be a string";
  if (!lua_isfunction(L, 2)) return "second argument to redis.register_function must be a function";
  f->name = lua_tostring(L, 1);
  lua_pushvalue(L, 2);
  return nullptr;
}

// Adds the function whose callback is on top of the stack; returns an error text or nullptr.
const char* Register(lua_State* L, LoadCtx& load) {
  Functions::Function f;
  const int argc = lua_gettop(L);
  if (argc == 1 && lua_istable(L, 1)) lua_settop(L, 2);  // room for the callback
  const char* e = ReadRegisterArgs(L, argc, &f);
  if (e) return e;
  if (!ValidName(f.name)) return kBadName;
  for (const auto& other : load.funcs)
    if (other.name == f.name) return "Function already exists in the library";
  f.ref = luaL_ref(L, LUA_REGISTRYINDEX);
  load.funcs.push_back(std::move(f));
  return nullptr;
}

void LoadHook(lua_State* L, lua_Debug*) {
  LoadCtx* load = Loading(L);
  if (!load) return;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - load->start);
  if (ms.count() <= kLoadTimeoutMs) return;
  lua_sethook(L, LoadHook, LUA_MASKLINE, 0);
  PushErrorTable(L, "FUNCTION LOAD timeout");
  lua_error(L);
}

}  // namespace

int LuaRegisterFunction(lua_State* L) {
  LoadCtx* load = Loading(L);
  if (!load) {
    PushErrorTable(L, "redis.register_function can only be called on FUNCTION LOAD command");
    return lua_error(L);
  }
  const char* e = Register(L, *load);
  if (e) {
    PushErrorTable(L, e);
    return lua_error(L);
  }
  return 0;
}

Functions::Functions(Scripting& sc) : sc_(sc), L_(sc.NewState(true)) {}

Functions::~Functions() { lua_close(L_); }

void Functions::Unref(const Function& f) { luaL_unref(L_, LUA_REGISTRYINDEX, f.ref); }

std::string Functions::Load(std::string_view code, bool replace, std::string* name) {
  if (code.substr(0, 2) != "#!") return "ERR Missing library metadata";
  std::string_view line = code.substr(0, code.find('\n'));
  std::vector<std::string_view> parts;
  for (size_t pos = 0; pos < line.size();) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    size_t end = line.find(' ', pos);
    if (end == std::string_view::npos) end = line.size();
    if (end > pos) parts.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  std::string_view engine = parts[0].substr(2);
  if (engine != "lua" && engine != "LUA" && engine != "Lua") return "ERR Engine '" + std::string(engine) + "' not found";
  std::string lib;
  bool have_name = false;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].substr(0, 5) != "name=") return "ERR Invalid metadata value given: " + std::string(parts[i]);
    lib = parts[i].substr(5);
    have_name = true;
  }
  if (!have_name) return "ERR Library name was not given";
  if (!ValidName(lib)) return "ERR " + std::string(kBadName);
  auto old = libraries_.find(lib);
  if (old != libraries_.end() && !replace) return "ERR Library '" + lib + "' already exists";

  std::string body(code);
  body[0] = body[1] = '-';  // the metadata line becomes a comment; line numbers stay
  lua_State* L = L_;
  if (luaL_loadbuffer(L, body.data(), body.size(), "@user_function")) {
    std::string e = "ERR Error compiling function: ";
    e += lua_tostring(L, -1);
    lua_pop(L, 1);
    return e;
  }
  LoadCtx load;
  load.start = std::chrono::steady_clock::now();
  lua_pushlightuserdata(L, &load);
  lua_setfield(L, LUA_REGISTRYINDEX, kLoadingKey);
  SetLoadGlobals(L, true);
  lua_sethook(L, LoadHook, LUA_MASKCOUNT, 100000);
  const int rc = lua_pcall(L, 0, 0, 0);
  lua_sethook(L, nullptr, 0, 0);
  SetLoadGlobals(L, false);
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kLoadingKey);
  std::string error;
  if (rc) {
    std::string msg;
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) msg = lua_tostring(L, -1);
      lua_pop(L, 1);
    } else if (lua_isstring(L, -1)) {
      msg = "ERR " + std::string(lua_tostring(L, -1));
    }
    lua_pop(L, 1);
    error = "ERR Error registering functions: " + msg;
  } else if (load.funcs.empty()) {
    error = "ERR No functions registered";
  } else {
    for (const Function& f : load.funcs) {
      auto it = functions_.find(f.name);
      if (it != functions_.end() && it->second.library != lib) {
        error = "ERR Function " + f.name + " already exists";
        break;
      }
    }
  }
  if (!error.empty()) {
    for (const Function& f : load.funcs) Unref(f);
    return error;
  }
  if (old != libraries_.end()) Delete(lib);
  Library& l = libraries_[lib];
  l.name = lib;
  l.code = std::string(code);
  for (Function& f : load.funcs) {
    f.library = lib;
    l.functions.push_back(f.name);
    functions_[f.name] = std::move(f);
  }
  *name = lib;
  sc_.set_function_counts(libraries_.size(), functions_.size());
  return {};
}

const Functions::Function* Functions::Find(std::string_view name) const {
  auto it = functions_.find(std::string(name));
  return it == functions_.end() ? nullptr : &it->second;
}

bool Functions::Delete(std::string_view library) {
  auto it = libraries_.find(std::string(library));
  if (it == libraries_.end()) return false;
  for (const std::string& f : it->second.functions) {
    auto fit = functions_.find(f);
    if (fit == functions_.end()) continue;
    Unref(fit->second);
    functions_.erase(fit);
  }
  libraries_.erase(it);
  sc_.set_function_counts(libraries_.size(), functions_.size());
  return true;
}

std::vector<std::string> Functions::Codes() const {
  std::vector<std::string> out;
  out.reserve(libraries_.size());
  for (const auto& [name, lib] : libraries_) out.push_back(lib.code);
  return out;
}

std::string Functions::Restore(std::span<const std::string> codes, bool flush, bool replace) {
  // On any failure everything returns to the libraries held before (loaded again from code).
  const std::vector<std::string> before = Codes();
  auto rollback = [&] {
    Flush();
    std::string ignored;
    for (const std::string& c : before) Load(c, false, &ignored);
  };
  if (flush) Flush();
  std::vector<std::string> names;
  for (const std::string& code : codes) {
    std::string name;
    // A library met twice in the payload itself is always an error.
    std::string e = Load(code, false, &name);
    if (!e.empty() && replace && e.ends_with("already exists") && e.starts_with("ERR Library ")) {
      bool ours = false;
      for (const std::string& n : names) ours |= e == "ERR Library '" + n + "' already exists";
      if (!ours) e = Load(code, true, &name);
    }
    if (!e.empty()) {
      rollback();
      // Redis reports a clash with an existing library without the quotes FUNCTION LOAD uses.
      if (e.starts_with("ERR Library '") && e.ends_with("' already exists"))
        e = "ERR Library " + e.substr(13, e.size() - 13 - 16) + " already exists";
      return e;
    }
    names.push_back(name);
  }
  return {};
}

void Functions::Flush() {
  for (auto& [n, f] : functions_) Unref(f);
  functions_.clear();
  libraries_.clear();
  sc_.set_function_counts(0, 0);
}

}  // namespace ks
