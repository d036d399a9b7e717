#pragma once
// Lua scripting (EVAL/EVALSHA/SCRIPT) and functions (FUNCTION/FCALL), Redis 7.0's.
//
// Scripts run one at a time: the script mutex (ServerState::script_mu()) is taken before any
// engine lock, and the script's declared KEYS lock their engines up front (Execution::LockKeys). A redis.call that
// reaches an engine the script does not hold locks it then and keeps it to the end
// (EngineLocks' hold-and-wait, safe because only the script holder does it; see
// routing/shard_set.h and docs/ARCHITECTURE.md). Every call of a script runs through the one
// execution path inside one Execution, which makes them one unit in the AOF (a MULTI ... EXEC
// block per engine, as Redis 7 propagates a script's effects).
//
// One Lua state serves EVAL scripts and one the function libraries, both used only under
// the script mutex (per-thread states would only multiply memory and compile work, since
// scripts are serialized anyway).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "server/core/client_state.h"
#include "server/core/executor.h"
#include "server/scripting/ldb.h"
#include "server/scripting/lua_api.h"

namespace ks {

class ServerState;
struct CommandContext;
class Functions;

// Shebang and register_function flags (Redis's SCRIPT_FLAG_*).
enum ScriptFlag : uint32_t {
  kScriptNoWrites = 1 << 0,
  kScriptAllowOom = 1 << 1,
  kScriptAllowStale = 1 << 2,
  kScriptNoCluster = 1 << 3,
  kScriptAllowCrossSlot = 1 << 4,
  kScriptEvalCompat = 1 << 5,  // an EVAL script without a shebang line
};

// Parses a flag name ("no-writes"...); false if unknown.
bool ParseScriptFlag(std::string_view name, uint32_t* flag);

// One running script or function: what redis.call and the count hook need.
struct ScriptRun {
  ScriptRun(ServerState& st, CommandContext& caller_ctx);

  // Runs one redis.call; on success the reply is in `out` (in the script's protocol) and
  // the result is empty, otherwise it is the error text for the script ("-CODE msg" or a
  // message that gets ERR).
  std::string Call(std::span<const std::string> argv);

  ServerState& state;
  CommandContext& caller;
  ClientState client;  // the script's own client: its database and redis.setresp's protocol
  // Every call runs in one Execution: the script's own, or that of the EXEC running it
  // (caller.outer), so a script in a transaction is part of the transaction's unit.
  std::optional<Execution> own;
  Execution& ex;
  bool read_only = false;
  bool allow_oom = false;
  bool eval = true;
  std::string name;  // the sha of an EVAL script, or the function's name
  std::chrono::steady_clock::time_point start;
  std::string out;
};

class Scripting {
 public:
  explicit Scripting(ServerState& state);
  ~Scripting();
  Scripting(const Scripting&) = delete;
  Scripting& operator=(const Scripting&) = delete;

  // ---- EVAL scripts; all with the script mutex held (rows with script_lock) ----
  struct Script {
    std::string body;
    uint32_t flags = 0;
  };
  // Compiles body into the EVAL state (once per sha) and caches it. Returns the script, or
  // nullptr with *error set to the reply's text.
  const Script* LoadEval(std::string_view body, std::string* sha, std::string* error);
  const Script* FindEval(std::string_view sha) const;
  // SCRIPT FLUSH: drops every script and starts a fresh Lua state.
  void FlushEval();
  // Runs a loaded script for ctx (EVAL/EVALSHA[_RO]) and writes its reply.
  void RunEval(CommandContext& ctx, const std::string& sha, const Script& s, std::span<const std::string_view> keys,
               std::span<const std::string_view> args, bool ro_command);

  // ---- Functions (FUNCTION LOAD, FCALL); all with the script mutex held (rows with script_lock) ----
  Functions& functions() { return *functions_; }
  // Registers the libraries an RDB file held (stats.libraries), taking the script mutex;
  // a library already registered is an error, as in Redis. Clears *codes.
  std::string LoadLibraries(std::vector<std::string>* codes);
  // Runs function `name` for ctx (FCALL/FCALL_RO) and writes its reply.
  void RunFunction(CommandContext& ctx, std::string_view name, std::span<const std::string_view> keys,
                   std::span<const std::string_view> args, bool ro_command);
  // The function running now (FUNCTION STATS): false if none is.
  bool RunningFunction(std::string* name, std::vector<std::string>* command, int64_t* duration_ms);
  // Library and function counts as last seen with the script mutex free (FUNCTION STATS answers
  // while a function holds it).
  void set_function_counts(size_t libs, size_t fns) {
    lib_count_.store(libs, std::memory_order_relaxed);
    fn_count_.store(fns, std::memory_order_relaxed);
  }
  void function_counts(size_t* libs, size_t* fns) const {
    *libs = lib_count_.load(std::memory_order_relaxed);
    *fns = fn_count_.load(std::memory_order_relaxed);
  }

  // ---- The running script, for SCRIPT KILL / FUNCTION KILL from other threads ----
  // Returns the reply's error text, or empty when the kill was requested.
  std::string Kill(bool eval);
  // Called by the count hook every 100000 instructions: flags the server busy past
  // busy-reply-threshold and reports whether a kill was requested.
  bool Interrupt(ScriptRun& run);
  // Brackets a run (sets and clears what Kill and the hook look at).
  void BeginRun(ScriptRun& run);
  void EndRun();
  // The first write of the running script makes it unkillable.
  void MarkWritten() { written_.store(true, std::memory_order_relaxed); }

  // math.random's generator: Redis's rand48, one sequence for all scripts.
  int32_t Rand48();
  void Srand48(int32_t seed);
  // A Lua state set up as Redis's (libraries, sandbox, redis.*); functions=true for the
  // functions engine's (no KEYS/ARGV, no redis.breakpoint/debug/replicate_commands).
  lua_State* NewState(bool functions);
  // Runs the function on top of L's stack (below it the error handler) with keys and args,
  // as EVAL (globals KEYS/ARGV, no arguments) or FCALL (two table arguments) does, and
  // writes the reply to run.caller.
  void Call(lua_State* L, ScriptRun& run, std::span<const std::string_view> keys,
            std::span<const std::string_view> args);
  // All of an EVAL's or FCALL's run of the function on top of L's stack (below it the error
  // handler, popped here): its keys locked, Call bracketed by BeginRun/EndRun, then the
  // client's database as the script left it.
  void RunPushed(CommandContext& ctx, lua_State* L, ScriptRun& run, std::span<const std::string_view> keys,
                 std::span<const std::string_view> args);

  ServerState& state() { return state_; }

  // ---- The Lua debugger (SCRIPT DEBUG); used under the script mutex ----
  Ldb& ldb() { return ldb_; }
  // Holds the running script's state still (a debugging session forks with it held).
  std::unique_lock<std::mutex> LockRunState() { return std::unique_lock<std::mutex>(run_mu_); }
  // Remembers a forked debugging session's process: a thread reaps it when it exits, and
  // the server kills the ones still running when it stops (as Redis kills them at shutdown).
  void AddDebugChild(int pid);
  void KillDebugChildren();

 private:
  ServerState& state_;
  lua_State* eval_lua_ = nullptr;
  boost::unordered_flat_map<std::string, Script> scripts_;
  std::unique_ptr<Functions> functions_;
  uint64_t rand48_ = 0x1234ABCD330Eull;
  int gc_count_ = 0;

  // The running script (guarded by run_mu_; the hook reads kill_ without it).
  std::mutex run_mu_;
  bool running_ = false;
  bool running_eval_ = true;
  std::string running_name_;
  std::vector<std::string> running_command_;
  std::chrono::steady_clock::time_point running_start_;
  std::atomic<bool> written_{false};
  std::atomic<bool> kill_{false};
  std::atomic<size_t> lib_count_{0}, fn_count_{0};
  Ldb ldb_;
  struct DebugChildren {
    std::mutex mu;
    std::vector<int> pids;
  };
  std::shared_ptr<DebugChildren> debug_children_ = std::make_shared<DebugChildren>();
};

// SHA-1 of s as 40 lower-case hex digits (script ids, redis.sha1hex).
std::string Sha1Hex(std::string_view s);

}  // namespace ks
