#pragma once
// A plain Lua 5.1 state with the standard libraries plus keyshard's cmsgpack and struct, for
// testing those libraries without a server; and probe scripts whose result is one printable
// string, so the same probe can run here and in a real redis-server's EVAL and be compared.
#include <string>
#include <string_view>

struct lua_State;

namespace ks::test {

class LuaState {
 public:
  LuaState();
  ~LuaState();
  LuaState(const LuaState&) = delete;
  LuaState& operator=(const LuaState&) = delete;

  lua_State* get() const { return L_; }
  // Runs `chunk` under the chunk name Redis gives scripts ("@user_script", so error positions
  // read "user_script:1: ...") and returns its first result through tostring(), or
  // "error: <message>" when loading or running it fails.
  std::string Run(std::string_view chunk);

 private:
  lua_State* L_;
};

// A one-line script evaluating the Lua expression list `exprs` under pcall and returning one
// string that shows every result: "ok" or "err" followed by "|value" per result. Strings show
// as %q, numbers as %.17g, tables with keys sorted. The expressions may call hex(s), which
// hex-encodes a string, and show(v), the printer itself.
std::string LuaProbe(std::string_view exprs);

}  // namespace ks::test
