#pragma once
// LDB, the Lua debugger of Redis 7.0 (eval.c's ldb* functions): SCRIPT DEBUG YES|SYNC makes
// the client's next EVAL a debugging session. The script stops before its first line (a
// line hook); the client then sends debugger commands as ordinary RESP requests, read
// straight from its socket, and each answer is an array of status lines ("* Stopped at 1,
// stop reason = step over", "<value> ...", "<redis> ...", "<reply> ..."). The session ends
// with "<endsession>", then the EVAL reply, then the connection closes.
//
// SYNC runs in this process and keeps the script's changes. YES forks: the child, which
// holds the script mutex and every engine (taken before the fork), runs the session on the
// client's socket and exits, so its changes vanish with it; the parent lets go of the
// engines and the client, and goes on serving. See docs/ARCHITECTURE.md, "The Lua
// debugger". One session runs at a time (under the script mutex), so the state lives once,
// in Scripting.
#include <string>
#include <string_view>
#include <vector>

#include "server/scripting/lua_api.h"

namespace ks {

struct CommandContext;
class Execution;
class ServerState;
struct ScriptRun;

class Ldb {
 public:
  explicit Ldb(ServerState& state) : state_(state) {}

  // Starts a session for ctx's EVAL, which runs in ex (holding the script mutex). Returns
  // false when the caller must not run the script: the parent of a forked session (the
  // client now belongs to the child), or a failed fork (the error is replied).
  bool Start(CommandContext& ctx, Execution& ex);
  // Ends the session after the EVAL ran (its reply written to ctx.rb): sends the last logs
  // and "<endsession>". A forked child sends the reply itself and exits here.
  void End(CommandContext& ctx);

  bool active() const { return active_; }
  // Whether this process is a forked session's child.
  bool forked() const { return forked_; }
  // Whether redis.call logs the commands it runs and their replies (Redis's ldbIsEnabled).
  bool logging() const { return active_ && step_; }
  int current_line() const { return current_line_; }
  // redis.breakpoint(): stop at the next line.
  void BreakOnNextLine() { lua_bp_ = true; }
  void Log(std::string line) { logs_.push_back(std::move(line)); }
  // Logs a reply in the script's protocol as "<reply> ..." (in Redis's human form).
  void LogReply(std::string_view reply);

  // The line hook's work: stops when stepping or at a breakpoint and runs the debugger's
  // REPL. Returns true when the script must be stopped with raise_text() as its error (the
  // caller raises: nothing here may be alive across Lua's longjmp).
  bool OnHook(lua_State* L, lua_Debug* ar, ScriptRun& run);
  const std::string& raise_text() const { return raise_; }

 private:
  enum class Repl { kResume, kClosed, kRaise };
  Repl RunRepl(lua_State* L);
  // Parses one request from cbuf_: 1 with *argv filled, 0 to read more, -1 on a protocol error.
  int ParseCommand(std::vector<std::string>* argv);
  void SendLogs();
  bool WriteAll(std::string_view data);

  void LogSourceLine(int line);
  void LogWithMaxLen(std::string entry);
  void List(int around, int context);
  void Print(lua_State* L, const std::string& name);
  void PrintAll(lua_State* L);
  void Break(const std::vector<std::string>& argv);
  void Eval(lua_State* L, const std::vector<std::string>& argv);
  void Redis(lua_State* L, const std::vector<std::string>& argv);
  void Trace(lua_State* L);
  void Maxlen(const std::vector<std::string>& argv);
  bool IsBreakpoint(int line) const;

  ServerState& state_;
  bool active_ = false;
  bool forked_ = false;
  int fd_ = -1;
  bool step_ = false;
  bool lua_bp_ = false;
  int current_line_ = -1;
  std::vector<int> breakpoints_;
  std::vector<std::string> logs_;
  std::vector<std::string> src_;
  std::string cbuf_;
  size_t maxlen_ = 256;
  bool maxlen_hint_sent_ = false;
  std::string raise_;
};

// Appends Redis's debugger rendering of the Lua value at idx (sdscatrepr strings, %g
// numbers, {a; b} arrays, {[k]=v} tables) to out.
void LdbCatValue(std::string& out, lua_State* L, int idx);

// Pushes the error table Redis's luaPushError makes, logging "<error> text" first when the
// debugger is logging (a no-op outside a session).
void LdbPushError(lua_State* L, std::string_view text);

}  // namespace ks
