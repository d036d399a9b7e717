#include "server/scripting/scripting.h"

#include <openssl/sha.h>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <thread>

#include <boost/container/small_vector.hpp>

#include "server/core/call_stats.h"
#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "server/core/server_state.h"
#include "server/persist/snapshots.h"
#include "server/scripting/functions.h"

namespace ks {

std::string Sha1Hex(std::string_view s) {
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
  static const char kHex[] = "0123456789abcdef";
  std::string out(40, '0');
  for (int i = 0; i < SHA_DIGEST_LENGTH; ++i) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 15];
  }
  return out;
}

bool ParseScriptFlag(std::string_view name, uint32_t* flag) {
  static const std::pair<std::string_view, uint32_t> kNames[] = {
      {"no-writes", kScriptNoWrites},   {"allow-oom", kScriptAllowOom},
      {"allow-stale", kScriptAllowStale}, {"no-cluster", kScriptNoCluster},
      {"allow-cross-slot-keys", kScriptAllowCrossSlot},
  };
  for (auto& [n, f] : kNames)
    if (n == name) {
      *flag = f;
      return true;
    }
  return false;
}

// ---- ScriptRun ----------------------------------------------------------------------------

ScriptRun::ScriptRun(ServerState& st, CommandContext& caller_ctx)
    : state(st), caller(caller_ctx), ex(caller_ctx.outer ? *caller_ctx.outer : own.emplace(st)) {
  client.info = caller_ctx.client.info;
  client.db = caller_ctx.client.db;
  client.resp = 2;
  client.thread_index = caller_ctx.client.thread_index;
}

std::string ScriptRun::Call(std::span<const std::string> argv) {
  boost::container::small_vector<std::string_view, 8> args(argv.begin(), argv.end());
  const CommandSpec* spec = state.commands().Find(args[0]);
  if (spec && !spec->subcommands.empty() && args.size() >= 2) spec = CommandRegistry::FindSub(*spec, args[1]);
  if (!spec) return "Unknown Redis command called from script";
  const int arity = spec->arity;
  const bool arity_ok =
      arity > 0 ? args.size() == static_cast<size_t>(arity) : args.size() >= static_cast<size_t>(-arity);
  if (!arity_ok || !spec->handler) return "Wrong number of args calling Redis command from script";
  if (spec->flag_bits & kCmdNoScript) return "This Redis command is not allowed from script";
  if (spec->flag_bits & kCmdWrite) {
    if (read_only) return "Write commands are not allowed from read-only scripts.";
    if (!state.snapshots().rdb().last_bgsave_ok.load(std::memory_order_relaxed) && state.WritesStoppedByDiskError())
      return "-" + std::string(err::kBgsaveError);
    // From the first write on, SCRIPT KILL would leave half a script applied.
    state.scripting().MarkWritten();
  }
  out.clear();
  ReplyBuilder rb(&out);
  rb.set_resp3(client.resp == 3);
  CommandContext ctx{std::span<const std::string_view>(args.data(), args.size()), rb, client, state, *spec, {}};
  ctx.outer = &ex;
  ctx.allow_oom = allow_oom;
  // Counted as a call of its own, as Redis's scriptCall runs it through call(); the slow log
  // names the script's client as Redis names its Lua client.
  const CommandTimer& timer = CommandTimer::Get();
  const uint64_t start = timer.Now();
  ex.Acquire(ctx);
  ex.Run(ctx);
  // A forked debugging child keeps out of the server's shared statistics (their locks may
  // have been held by another thread at the fork, and its counts would be lost anyway).
  if (!state.scripting().ldb().forked())
    RecordCall(state, client, *spec, ctx.args, timer.ElapsedUs(start, timer.Now()), rb.errors_written() > 0,
               CallOrigin::kScript);
  return {};
}

// ---- Scripting ----------------------------------------------------------------------------

Scripting::Scripting(ServerState& state) : state_(state), ldb_(state) {
  eval_lua_ = NewState(false);
  functions_ = std::make_unique<Functions>(*this);
}

std::string Scripting::LoadLibraries(std::vector<std::string>* codes) {
  if (codes->empty()) return {};
  std::lock_guard lk(state_.script_mu());
  std::string e = functions_->Restore(*codes, false, false);
  codes->clear();
  if (!e.empty()) return "Failed loading the functions of an RDB file: " + e;
  return {};
}

Scripting::~Scripting() {
  KillDebugChildren();
  functions_.reset();
  if (eval_lua_) lua_close(eval_lua_);
}

namespace {

// Reads a "#!lua flags=a,b" first line into *flags; an EVAL script without one is in
// compatibility mode. Returns the error text, or empty.
std::string ParseShebang(std::string_view body, uint32_t* flags) {
  *flags = 0;
  if (body.substr(0, 2) != "#!") {
    *flags = kScriptEvalCompat;
    return {};
  }
  const size_t eol = body.find('\n');
  if (eol == std::string_view::npos) return "ERR Invalid script shebang";
  std::string_view line = body.substr(0, eol);
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && std::isspace(static_cast<unsigned char>(line[pos]))) ++pos;
    size_t end = pos;
    while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end]))) ++end;
    if (end > pos) parts.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  if (parts.empty() || parts[0] != "#!lua")
    return "ERR Unexpected engine in script shebang: " + std::string(parts.empty() ? line : parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].substr(0, 6) != "flags=") return "ERR Unknown lua shebang option: " + std::string(parts[i]);
    std::string_view list = parts[i].substr(6);
    if (list.empty()) continue;
    size_t p = 0;
    for (;;) {
      size_t comma = list.find(',', p);
      std::string_view f = list.substr(p, comma == std::string_view::npos ? std::string_view::npos : comma - p);
      uint32_t bit;
      if (!ParseScriptFlag(f, &bit)) return "ERR Unexpected flag in script shebang: " + std::string(f);
      *flags |= bit;
      if (comma == std::string_view::npos) break;
      p = comma + 1;
    }
  }
  return {};
}

}  // namespace

const Scripting::Script* Scripting::LoadEval(std::string_view body, std::string* sha, std::string* error) {
  *sha = Sha1Hex(body);
  if (auto it = scripts_.find(*sha); it != scripts_.end()) return &it->second;
  uint32_t flags;
  *error = ParseShebang(body, &flags);
  if (!error->empty()) return nullptr;
  // The shebang line becomes a comment, so line numbers stay those of the body.
  std::string code(body);
  if (!(flags & kScriptEvalCompat)) code[0] = code[1] = '-';
  lua_State* L = eval_lua_;
  if (luaL_loadbuffer(L, code.data(), code.size(), "@user_script")) {
    *error = "ERR Error compiling script (new function): ";
    *error += lua_tostring(L, -1);
    lua_pop(L, 1);
    return nullptr;
  }
  lua_setfield(L, LUA_REGISTRYINDEX, ("f_" + *sha).c_str());
  return &scripts_.emplace(*sha, Script{std::string(body), flags}).first->second;
}

const Scripting::Script* Scripting::FindEval(std::string_view sha) const {
  auto it = scripts_.find(std::string(sha));
  return it == scripts_.end() ? nullptr : &it->second;
}

void Scripting::FlushEval() {
  scripts_.clear();
  lua_close(eval_lua_);
  eval_lua_ = NewState(false);
}

void Scripting::RunEval(CommandContext& ctx, const std::string& sha, const Script& s,
                        std::span<const std::string_view> keys, std::span<const std::string_view> args,
                        bool ro_command) {
  ScriptRun run(state_, ctx);
  run.eval = true;
  run.name = sha;
  run.read_only = ro_command || (s.flags & kScriptNoWrites);
  run.allow_oom = s.flags & kScriptAllowOom;
  lua_State* L = eval_lua_;
  lua_getfield(L, LUA_REGISTRYINDEX, "ks_err_handler");
  lua_getfield(L, LUA_REGISTRYINDEX, ("f_" + sha).c_str());
  RunPushed(ctx, L, run, keys, args);
}

void Scripting::RunPushed(CommandContext& ctx, lua_State* L, ScriptRun& run, std::span<const std::string_view> keys,
                          std::span<const std::string_view> args) {
  run.ex.LockKeys(keys);
  run.ex.BeginUnit();
  BeginRun(run);
  Call(L, run, keys, args);
  lua_pop(L, 1);  // the error handler
  EndRun();
  if (run.own) run.ex.Release();
  // SELECT inside the script changed only the script's database.
  ctx.client.info->db.store(ctx.client.db, std::memory_order_relaxed);
}

void Scripting::RunFunction(CommandContext& ctx, std::string_view name, std::span<const std::string_view> keys,
                            std::span<const std::string_view> args, bool ro_command) {
  const Functions::Function* f = functions_->Find(name);
  if (!f) return ctx.rb.Error("ERR Function not found");
  if (ro_command && !(f->flags & kScriptNoWrites))
    return ctx.rb.Error("ERR Can not execute a script with write flag using *_ro command.");
  ScriptRun run(state_, ctx);
  run.eval = false;
  run.name = f->name;
  run.read_only = f->flags & kScriptNoWrites;
  run.allow_oom = f->flags & kScriptAllowOom;
  lua_State* L = functions_->lua();
  lua_getfield(L, LUA_REGISTRYINDEX, "ks_err_handler");
  lua_rawgeti(L, LUA_REGISTRYINDEX, f->ref);
  RunPushed(ctx, L, run, keys, args);
}

bool Scripting::RunningFunction(std::string* name, std::vector<std::string>* command, int64_t* duration_ms) {
  std::lock_guard lk(run_mu_);
  if (!running_ || running_eval_) return false;
  *name = running_name_;
  *command = running_command_;
  *duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - running_start_).count();
  return true;
}

void Scripting::BeginRun(ScriptRun& run) {
  run.start = std::chrono::steady_clock::now();
  std::lock_guard lk(run_mu_);
  running_ = true;
  running_eval_ = run.eval;
  running_name_ = run.name;
  running_start_ = run.start;
  running_command_.assign(run.caller.args.begin(), run.caller.args.end());
  written_.store(false, std::memory_order_relaxed);
  kill_.store(false, std::memory_order_relaxed);
}

void Scripting::EndRun() {
  std::lock_guard lk(run_mu_);
  running_ = false;
  written_.store(false, std::memory_order_relaxed);
  kill_.store(false, std::memory_order_relaxed);
  state_.script_busy().store(ScriptBusy::kNo, std::memory_order_relaxed);
}

bool Scripting::Interrupt(ScriptRun& run) {
  const int64_t threshold = state_.limits().get(state_.limits().busy_reply_threshold);
  if (threshold > 0 && state_.script_busy().load(std::memory_order_relaxed) == ScriptBusy::kNo) {
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - run.start).count();
    if (elapsed >= threshold) {
      std::fprintf(stderr,
                   "keyshard: Slow script detected: still in execution after %lld milliseconds. You can try killing "
                   "the script using the %s command. Script name is: %s.\n",
                   static_cast<long long>(elapsed), run.eval ? "SCRIPT KILL" : "FUNCTION KILL", run.name.c_str());
      state_.script_busy().store(run.eval ? ScriptBusy::kEval : ScriptBusy::kFunction, std::memory_order_relaxed);
    }
  }
  return kill_.load(std::memory_order_relaxed);
}

std::string Scripting::Kill(bool eval) {
  std::lock_guard lk(run_mu_);
  if (!running_) return std::string(err::kNotBusy);
  if (written_.load(std::memory_order_relaxed)) return std::string(err::kUnkillable);
  if (eval && !running_eval_) return std::string(err::kBusyFunction);
  if (!eval && running_eval_) return std::string(err::kBusyEval);
  kill_.store(true, std::memory_order_relaxed);
  return {};
}

void Scripting::AddDebugChild(int pid) {
  std::shared_ptr<DebugChildren> children = debug_children_;
  {
    std::lock_guard lk(children->mu);
    children->pids.push_back(pid);
  }
  std::thread([children, pid] {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::lock_guard lk(children->mu);
    children->pids.erase(std::remove(children->pids.begin(), children->pids.end(), pid), children->pids.end());
  }).detach();
}

void Scripting::KillDebugChildren() {
  std::lock_guard lk(debug_children_->mu);
  for (int pid : debug_children_->pids) {
    std::fprintf(stderr, "keyshard: Killing debugging session %d\n", pid);
    kill(pid, SIGKILL);
  }
}

// Redis's rand48 (rand.c): the 48-bit linear congruential generator of lrand48.
int32_t Scripting::Rand48() {
  rand48_ = (0x5DEECE66Dull * rand48_ + 0xB) & ((1ull << 48) - 1);
  return static_cast<int32_t>(rand48_ >> 17);
}

void Scripting::Srand48(int32_t seed) {
  rand48_ = (static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 16) | 0x330E;
}

}  // namespace ks
