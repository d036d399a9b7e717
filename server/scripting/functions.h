#pragma once
// Redis 7.0 functions: libraries loaded with FUNCTION LOAD into the functions engine's own Lua
// state, whose registered functions FCALL runs. Everything here is used with the script mutex
// held (ServerState::script_mu(), taken for rows with script_lock). The set of libraries
// changes only with every engine locked as well (FUNCTION LOAD/DELETE/FLUSH/RESTORE lock all),
// so a snapshot taken with every engine locked may read it without the script mutex.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "server/scripting/lua_api.h"

namespace ks {

class Scripting;

// redis.register_function, in the library API FUNCTION LOAD's code sees.
int LuaRegisterFunction(lua_State* L);
// Points the functions state's globals at the library API (load=true) or back at the real
// globals, as Redis swaps them around running a library's code.
void SetLoadGlobals(lua_State* L, bool load);

class Functions {
 public:
  struct Function {
    std::string name;
    std::string library;
    std::string description;
    bool has_description = false;
    uint32_t flags = 0;  // ScriptFlag bits
    int ref = LUA_NOREF;  // the callback, in the registry
  };
  struct Library {
    std::string name;
    std::string code;
    std::vector<std::string> functions;  // in registration order
  };

  explicit Functions(Scripting& sc);
  ~Functions();
  Functions(const Functions&) = delete;
  Functions& operator=(const Functions&) = delete;

  // FUNCTION LOAD: compiles and runs the library code, registering its functions. Returns
  // the error text, or empty with *name set to the library's name.
  std::string Load(std::string_view code, bool replace, std::string* name);
  const Function* Find(std::string_view name) const;
  bool Delete(std::string_view library);
  void Flush();
  const std::map<std::string, Library>& libraries() const { return libraries_; }
  // Every library's code, by name (RDB files, FUNCTION DUMP).
  std::vector<std::string> Codes() const;
  // FUNCTION RESTORE and loading files: registers libraries given by code, all or none. With
  // flush the current ones go first; with replace a library of the same name is replaced,
  // else it is an error (Redis's libraryJoin). Returns the error text, or empty.
  std::string Restore(std::span<const std::string> codes, bool flush, bool replace);
  size_t function_count() const { return functions_.size(); }
  lua_State* lua() { return L_; }

 private:
  void Unref(const Function& f);

  Scripting& sc_;
  lua_State* L_;
  std::map<std::string, Library> libraries_;
  boost::unordered_flat_map<std::string, Function> functions_;
};

}  // namespace ks
