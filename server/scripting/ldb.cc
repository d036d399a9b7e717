// The Lua debugger's session, REPL and output formats (Redis 7.0's eval.c, ldb*).
#include "server/scripting/ldb.h"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/server_state.h"
#include "server/scripting/scripting.h"

namespace ks {

namespace {

constexpr size_t kMaxBreakpoints = 64;  // LDB_BREAKPOINTS_MAX
constexpr size_t kMaxLenDefault = 256;  // LDB_MAX_LEN_DEFAULT
constexpr int kMaxDepth = LUA_MINSTACK / 2;

bool EqualsAny(const std::string& s, const char* a, const char* b) {
  return strcasecmp(s.c_str(), a) == 0 || strcasecmp(s.c_str(), b) == 0;
}

void CatValue(std::string& out, lua_State* L, int idx, int level) {
  if (level++ == kMaxDepth) {
    out += "<max recursion level reached! Nested table?>";
    return;
  }
  if (idx < 0) idx = lua_gettop(L) + idx + 1;
  const int t = lua_type(L, idx);
  switch (t) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, idx, &len);
      AppendRepr(out, std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      out += lua_toboolean(L, idx) ? "true" : "false";
      break;
    case LUA_TNUMBER: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", static_cast<double>(lua_tonumber(L, idx)));
      out += buf;
      break;
    }
    case LUA_TNIL:
      out += "nil";
      break;
    case LUA_TTABLE: {
      // Both renderings at once; which one applies is known only at the end.
      int expected = 1;
      bool is_array = true;
      std::string as_array, as_map;
      lua_pushnil(L);
      while (lua_next(L, idx)) {
        if (is_array && (lua_type(L, -2) != LUA_TNUMBER || lua_tonumber(L, -2) != expected)) is_array = false;
        CatValue(as_array, L, -1, level);
        as_array += "; ";
        as_map += '[';
        CatValue(as_map, L, -2, level);
        as_map += "]=";
        CatValue(as_map, L, -1, level);
        as_map += "; ";
        lua_pop(L, 1);
        ++expected;
      }
      std::string& chosen = is_array ? as_array : as_map;
      if (!chosen.empty()) chosen.resize(chosen.size() - 2);
      out += '{';
      out += chosen;
      out += '}';
      break;
    }
    case LUA_TFUNCTION:
    case LUA_TUSERDATA:
    case LUA_TTHREAD:
    case LUA_TLIGHTUSERDATA: {
      const char* name = t == LUA_TFUNCTION ? "function"
                         : t == LUA_TUSERDATA ? "userdata"
                         : t == LUA_TTHREAD   ? "thread"
                                              : "light-userdata";
      char buf[96];
      std::snprintf(buf, sizeof buf, "\"%s@%p\"", name, lua_topointer(L, idx));
      out += buf;
      break;
    }
    default:
      out += "\"<unknown-lua-type>\"";
  }
}

// ldbRedisProtocolToHuman: one reply from p (advanced past it) in human form.
void ProtocolToHuman(std::string& out, std::string_view& p) {
  if (p.empty()) return;
  const char type = p[0];
  const size_t cr = p.find('\r');
  if (cr == std::string_view::npos) {
    p = {};
    return;
  }
  const std::string_view head = p.substr(1, cr - 1);
  const std::string_view line = p.substr(0, cr);
  p.remove_prefix(std::min(p.size(), cr + 2));
  int64_t n = 0;
  switch (type) {
    case ':':
      out += head;
      return;
    case '$':
    case '=': {
      StrToLL(head, &n);
      if (n < 0) {
        out += "NULL";
        return;
      }
      const size_t len = std::min<size_t>(static_cast<size_t>(n), p.size());
      AppendRepr(out, p.substr(0, len));
      p.remove_prefix(std::min(p.size(), len + 2));
      return;
    }
    case '+':
    case '-':
      AppendRepr(out, line);
      return;
    case '(':
      out += head;
      return;
    case '*':
    case '~':
    case '>': {
      StrToLL(head, &n);
      if (type == '*' && n < 0) {
        out += "NULL";
        return;
      }
      out += type == '~' ? "~(" : "[";
      for (int64_t j = 0; j < n; ++j) {
        ProtocolToHuman(out, p);
        if (j != n - 1) out += ',';
      }
      out += type == '~' ? ")" : "]";
      return;
    }
    case '%':
    case '|':
      StrToLL(head, &n);
      out += '{';
      for (int64_t j = 0; j < n; ++j) {
        ProtocolToHuman(out, p);
        out += " => ";
        ProtocolToHuman(out, p);
        if (j != n - 1) out += ',';
      }
      out += '}';
      return;
    case '_':
      out += "(null)";
      return;
    case '#':
      out += head == "t" ? "#true" : "#false";
      return;
    case ',':
      out += "(double) ";
      out += head;
      return;
    default:
      return;
  }
}

}  // namespace

void LdbCatValue(std::string& out, lua_State* L, int idx) { CatValue(out, L, idx, 0); }

// ---- the session ---------------------------------------------------------------------------

bool Ldb::Start(CommandContext& ctx, Execution& ex) {
  const bool fork_mode = ctx.client.ldb == LdbMode::kFork;
  fd_ = ctx.client.info ? ctx.client.info->fd : -1;
  // ldbEnable's reset: every session starts stepping, with no breakpoints.
  step_ = true;
  lua_bp_ = false;
  breakpoints_.clear();
  logs_.clear();
  maxlen_ = kMaxLenDefault;
  maxlen_hint_sent_ = false;
  // Requests the client pipelined after its EVAL were read by the connection already: the
  // debugger reads them first, as they would have come from the socket.
  cbuf_.assign(ctx.client.unread_input);
  forked_ = false;
  std::string* out = ctx.rb.output();
  if (fork_mode) {
    if (fd_ < 0) {
      ctx.rb.Error("ERR Fork() failed: can't run EVAL in debugging mode: the client has no socket");
      return false;
    }
    // The child must own the whole dataset at the moment of the fork, in a consistent
    // state: every engine locked (with the script mutex already held, waiting while
    // holding is allowed, see routing/shard_set.h). The script's state behind run_mu is
    // held too, so no other thread is inside it at the fork.
    ex.locks().LockAll(state_.shards());
    std::unique_lock run_state = state_.scripting().LockRunState();
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == -1) {
      const int e = errno;
      run_state.unlock();
      ctx.rb.Error(std::string("ERR Fork() failed: can't run EVAL in debugging mode: ") + std::strerror(e));
      return false;
    }
    run_state.unlock();
    if (pid > 0) {
      // The parent: the client is the child's now. Nothing more is written to it here, and
      // the connection closes its descriptor without shutting the socket down.
      state_.scripting().AddDebugChild(pid);
      if (out) out->clear();
      ctx.client.socket_handed_off = true;
      ctx.client.close_after_reply = true;
      return false;
    }
    // The child: one thread, holding the script mutex and every engine. It must not touch
    // the append-only logs, other clients or anything guarded by a mutex another thread may
    // have held at the fork: no AOF, no keyspace events or notifications, no stats.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);
    struct sigaction act {};
    sigemptyset(&act.sa_mask);
    act.sa_handler = SIG_IGN;
    sigaction(SIGTERM, &act, nullptr);
    sigaction(SIGINT, &act, nullptr);
    state_.set_aof(nullptr);
    state_.keyspace_events().RemoveAll();
    state_.DropNotifications();
    forked_ = true;
    static constexpr char kMsg[] = "keyshard: Redis forked for debugging eval\n";
    (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  } else {
    std::fprintf(stderr, "keyshard: Redis synchronous debugging eval session started\n");
  }
  // Replies of requests before the EVAL go out first, in order.
  if (out && !out->empty()) {
    WriteAll(*out);
    out->clear();
  }
  active_ = true;
  // The script's lines, as the debugger lists them (trailing newlines dropped).
  std::string_view body = ctx.arg(1);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
  src_.clear();
  size_t pos = 0;
  while (!body.empty()) {
    const size_t nl = body.find('\n', pos);
    src_.emplace_back(body.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return true;
}

void Ldb::End(CommandContext& ctx) {
  Log("<endsession>");
  SendLogs();
  if (forked_) {
    if (std::string* out = ctx.rb.output()) WriteAll(*out);
    static constexpr char kMsg[] = "keyshard: Lua debugging session child exiting\n";
    (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
    _exit(0);
  }
  std::fprintf(stderr, "keyshard: Redis synchronous debugging eval session ended\n");
  // The connection closes after the reply: that is how the client learns the session ended.
  ctx.client.close_after_reply = true;
  active_ = false;
  src_.clear();
  cbuf_.clear();
}

bool Ldb::WriteAll(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // Redis's session socket has a 5 second send timeout.
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, 5000) > 0) continue;
    }
    return false;
  }
  return true;
}

void Ldb::SendLogs() {
  std::string proto = "*" + std::to_string(logs_.size()) + "\r\n";
  for (std::string& l : logs_) {
    for (char& c : l)
      if (c == '\r' || c == '\n') c = ' ';
    proto += '+';
    proto += l;
    proto += "\r\n";
  }
  logs_.clear();
  // A failed write is seen by the next read, which ends the session.
  WriteAll(proto);
}

void Ldb::LogReply(std::string_view reply) {
  std::string line = "<reply> ";
  ProtocolToHuman(line, reply);
  LogWithMaxLen(std::move(line));
}

void Ldb::LogWithMaxLen(std::string entry) {
  bool trimmed = false;
  if (maxlen_ && entry.size() > maxlen_) {
    entry.resize(maxlen_);
    entry += " ...";
    trimmed = true;
  }
  Log(std::move(entry));
  if (trimmed && !maxlen_hint_sent_) {
    maxlen_hint_sent_ = true;
    Log("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
  }
}

bool Ldb::IsBreakpoint(int line) const {
  for (int b : breakpoints_)
    if (b == line) return true;
  return false;
}

void Ldb::LogSourceLine(int line) {
  const bool bp = IsBreakpoint(line), current = current_line_ == line;
  const char* prefix = current && bp ? "->#" : current ? "-> " : bp ? "  #" : "   ";
  const char* text = line >= 1 && static_cast<size_t>(line) <= src_.size() ? src_[line - 1].c_str()
                                                                           : "<out of range source code line>";
  char num[32];
  std::snprintf(num, sizeof num, "%-3d", line);
  Log(std::string(prefix) + num + " " + text);
}

void Ldb::List(int around, int context) {
  for (int j = 1; j <= static_cast<int>(src_.size()); ++j) {
    if (around != 0 && std::abs(around - j) > context) continue;
    LogSourceLine(j);
  }
}

void Ldb::Print(lua_State* L, const std::string& name) {
  lua_Debug ar;
  for (int level = 0; lua_getstack(L, level, &ar) != 0; ++level) {
    const char* n;
    for (int i = 1; (n = lua_getlocal(L, &ar, i)) != nullptr; ++i) {
      if (name == n) {
        std::string s = "<value> ";
        LdbCatValue(s, L, -1);
        lua_pop(L, 1);
        LogWithMaxLen(std::move(s));
        return;
      }
      lua_pop(L, 1);
    }
  }
  if (name == "ARGV" || name == "KEYS") {
    lua_getglobal(L, name.c_str());
    std::string s = "<value> ";
    LdbCatValue(s, L, -1);
    lua_pop(L, 1);
    LogWithMaxLen(std::move(s));
  } else {
    Log("No such variable.");
  }
}

void Ldb::PrintAll(lua_State* L) {
  lua_Debug ar;
  int vars = 0;
  if (lua_getstack(L, 0, &ar) != 0) {
    const char* n;
    for (int i = 1; (n = lua_getlocal(L, &ar, i)) != nullptr; ++i) {
      if (!std::strstr(n, "(*temporary)")) {
        std::string s = std::string("<value> ") + n + " = ";
        LdbCatValue(s, L, -1);
        LogWithMaxLen(std::move(s));
        ++vars;
      }
      lua_pop(L, 1);
    }
  }
  if (vars == 0) Log("No local variables in the current context.");
}

void Ldb::Break(const std::vector<std::string>& argv) {
  if (argv.size() == 1) {
    if (breakpoints_.empty()) return Log("No breakpoints set. Use 'b <line>' to add one.");
    Log(std::to_string(breakpoints_.size()) + " breakpoints set:");
    for (int b : breakpoints_) LogSourceLine(b);
    return;
  }
  for (size_t j = 1; j < argv.size(); ++j) {
    int64_t line;
    if (!StrToLL(argv[j], &line)) {
      Log("Invalid argument:'" + argv[j] + "'");
    } else if (line == 0) {
      breakpoints_.clear();
      Log("All breakpoints removed.");
    } else if (line > 0) {
      if (breakpoints_.size() == kMaxBreakpoints) {
        Log("Too many breakpoints set.");
      } else if (line <= static_cast<int64_t>(src_.size()) && !IsBreakpoint(static_cast<int>(line))) {
        breakpoints_.push_back(static_cast<int>(line));
        List(static_cast<int>(line), 1);
      } else {
        Log("Wrong line number.");
      }
    } else {
      bool found = false;
      for (size_t i = 0; i < breakpoints_.size(); ++i)
        if (breakpoints_[i] == -line) {
          breakpoints_.erase(breakpoints_.begin() + static_cast<ptrdiff_t>(i));
          found = true;
          break;
        }
      Log(found ? "Breakpoint removed." : "No breakpoint in the specified line.");
    }
  }
}

void Ldb::Eval(lua_State* L, const std::vector<std::string>& argv) {
  std::string code;
  for (size_t j = 1; j < argv.size(); ++j) {
    if (j > 1) code += ' ';
    code += argv[j];
  }
  // An expression first (with "return"), then a statement.
  const std::string expr = "return " + code;
  if (luaL_loadbuffer(L, expr.data(), expr.size(), "@ldb_eval")) {
    lua_pop(L, 1);
    if (luaL_loadbuffer(L, code.data(), code.size(), "@ldb_eval")) {
      Log(std::string("<error> ") + lua_tostring(L, -1));
      lua_pop(L, 1);
      return;
    }
  }
  if (lua_pcall(L, 0, 1, 0)) {
    // An error raised as redis.call's table carries its text in err.
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      lua_replace(L, -2);
    }
    const char* e = lua_tostring(L, -1);
    Log(std::string("<error> ") + (e ? e : "(null)"));
    lua_pop(L, 1);
    return;
  }
  std::string s = "<retval> ";
  LdbCatValue(s, L, -1);
  lua_pop(L, 1);
  LogWithMaxLen(std::move(s));
}

void Ldb::Redis(lua_State* L, const std::vector<std::string>& argv) {
  if (!lua_checkstack(L, static_cast<int>(argv.size()) + 1)) {
    LogReply("max lua stack reached");
    return;
  }
  lua_getglobal(L, "redis");
  lua_getfield(L, -1, "call");
  for (size_t j = 1; j < argv.size(); ++j) lua_pushlstring(L, argv[j].data(), argv[j].size());
  // redis.call logs the command and its reply while stepping.
  step_ = true;
  lua_pcall(L, static_cast<int>(argv.size()) - 1, 1, 0);
  step_ = false;
  lua_pop(L, 2);
}

void Ldb::Trace(lua_State* L) {
  lua_Debug ar;
  int level = 0;
  while (lua_getstack(L, level, &ar)) {
    lua_getinfo(L, "Snl", &ar);
    if (std::strstr(ar.short_src, "user_script") != nullptr) {
      Log(std::string(level == 0 ? "In " : "From ") + (ar.name ? ar.name : "top level") + ":");
      LogSourceLine(ar.currentline);
    }
    ++level;
  }
  if (level == 0) Log("<error> Can't retrieve Lua stack.");
}

void Ldb::Maxlen(const std::vector<std::string>& argv) {
  if (argv.size() == 2) {
    int v = std::atoi(argv[1].c_str());
    maxlen_hint_sent_ = true;  // the user knows about the command
    if (v != 0 && v <= 60) v = 60;
    maxlen_ = static_cast<size_t>(static_cast<int64_t>(v));  // a negative one wraps, as in Redis
  }
  if (maxlen_)
    Log("<value> replies are truncated at " + std::to_string(static_cast<int>(maxlen_)) + " bytes.");
  else
    Log("<value> replies are unlimited.");
}

// Redis's deliberately simple request parser (ldbReplParseCommand): forgiving, arguments of
// 1 to 1024 bytes, at most 1024 of them.
int Ldb::ParseCommand(std::vector<std::string>* argv) {
  argv->clear();
  if (cbuf_.empty()) return 0;
  const std::string_view buf = cbuf_;
  size_t p = buf.find('*');
  if (p == std::string_view::npos) return -1;
  size_t eol = buf.find("\r\n", p);
  if (eol == std::string_view::npos) return 0;
  const int argc = std::atoi(std::string(buf.substr(p + 1, eol - p - 1)).c_str());
  if (argc <= 0 || argc > 1024) return -1;
  p = eol + 2;
  while (static_cast<int>(argv->size()) < argc) {
    if (p >= buf.size()) return 0;
    if (buf[p] != '$') return -1;
    eol = buf.find("\r\n", p);
    if (eol == std::string_view::npos) return 0;
    const int len = std::atoi(std::string(buf.substr(p + 1, eol - p - 1)).c_str());
    if (len <= 0 || len > 1024) return -1;
    p = eol + 2;
    if (p + static_cast<size_t>(len) + 2 > buf.size()) return 0;
    argv->emplace_back(buf.substr(p, static_cast<size_t>(len)));
    p += static_cast<size_t>(len);
    if (buf[p] != '\r' || buf[p + 1] != '\n') return -1;
    p += 2;
  }
  return 1;
}

Ldb::Repl Ldb::RunRepl(lua_State* L) {
  std::vector<std::string> argv;
  for (;;) {
    for (;;) {
      const int r = ParseCommand(&argv);
      if (r == 1) break;
      if (r < 0) {
        raise_ = "protocol error";
        return Repl::kRaise;
      }
      char buf[1024];
      ssize_t n;
      for (;;) {
        n = fd_ < 0 ? -1 : ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          // The connection's socket is non-blocking: wait for the client, as Redis's
          // blocking read does.
          pollfd p{fd_, POLLIN, 0};
          if (::poll(&p, 1, -1) >= 0 || errno == EINTR) continue;
        }
        break;
      }
      if (n <= 0) {
        // The client left: the script runs on without stopping.
        step_ = false;
        breakpoints_.clear();
        return Repl::kClosed;
      }
      cbuf_.append(buf, static_cast<size_t>(n));
      if (cbuf_.size() > (1u << 20)) {
        cbuf_.clear();
        raise_ = "max client buffer reached";
        return Repl::kRaise;
      }
    }
    // Like Redis, the rest of the buffer goes with the request.
    cbuf_.clear();
    const std::string& cmd = argv[0];
    if (EqualsAny(cmd, "h", "help")) {
      static constexpr const char* kHelp[] = {
          "Redis Lua debugger help:",
          "[h]elp               Show this help.",
          "[s]tep               Run current line and stop again.",
          "[n]ext               Alias for step.",
          "[c]ontinue           Run till next breakpoint.",
          "[l]ist               List source code around current line.",
          "[l]ist [line]        List source code around [line].",
          "                     line = 0 means: current position.",
          "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
          "                     to show before/after [line].",
          "[w]hole              List all source code. Alias for 'list 1 1000000'.",
          "[p]rint              Show all the local variables.",
          "[p]rint <var>        Show the value of the specified variable.",
          "                     Can also show global vars KEYS and ARGV.",
          "[b]reak              Show all breakpoints.",
          "[b]reak <line>       Add a breakpoint to the specified line.",
          "[b]reak -<line>      Remove breakpoint from the specified line.",
          "[b]reak 0            Remove all breakpoints.",
          "[t]race              Show a backtrace.",
          "[e]val <code>        Execute some Lua code (in a different callframe).",
          "[r]edis <cmd>        Execute a Redis command.",
          "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
          "                     Specifying zero as <len> means unlimited.",
          "[a]bort              Stop the execution of the script. In sync",
          "                     mode dataset changes will be retained.",
          "",
          "Debugger functions you can call from Lua scripts:",
          "redis.debug()        Produce logs in the debugger console.",
          "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
          "                     next line of code.",
      };
      for (const char* l : kHelp) Log(l);
    } else if (EqualsAny(cmd, "s", "step") || EqualsAny(cmd, "n", "next")) {
      step_ = true;
      return Repl::kResume;
    } else if (EqualsAny(cmd, "c", "continue")) {
      return Repl::kResume;
    } else if (EqualsAny(cmd, "t", "trace")) {
      Trace(L);
    } else if (EqualsAny(cmd, "m", "maxlen")) {
      Maxlen(argv);
    } else if (EqualsAny(cmd, "b", "break")) {
      Break(argv);
    } else if (EqualsAny(cmd, "e", "eval")) {
      Eval(L, argv);
    } else if (EqualsAny(cmd, "a", "abort")) {
      raise_ = "script aborted for user request";
      return Repl::kRaise;
    } else if (argv.size() > 1 && EqualsAny(cmd, "r", "redis")) {
      Redis(L, argv);
    } else if (EqualsAny(cmd, "p", "print")) {
      if (argv.size() == 2)
        Print(L, argv[1]);
      else
        PrintAll(L);
    } else if (EqualsAny(cmd, "l", "list")) {
      int around = current_line_, context = 5;
      if (argv.size() > 1) {
        const int num = std::atoi(argv[1].c_str());
        if (num > 0) around = num;
      }
      if (argv.size() > 2) context = std::atoi(argv[2].c_str());
      List(around, context);
    } else if (EqualsAny(cmd, "w", "whole")) {
      List(1, 1000000);
    } else {
      Log("<error> Unknown Redis Lua debugger command or wrong number of arguments.");
    }
    SendLogs();
  }
}

bool Ldb::OnHook(lua_State* L, lua_Debug* ar, ScriptRun& run) {
  lua_getstack(L, 0, ar);
  lua_getinfo(L, "Sl", ar);
  current_line_ = ar->currentline;
  const bool bp = IsBreakpoint(current_line_) || lua_bp_;
  bool timeout = false;
  // Lines of the debugger's own eval code, or of the error handler, are not the script's.
  if (std::strstr(ar->short_src, "user_script") == nullptr) return false;
  if (ar->event == LUA_HOOKCOUNT && !step_ && !bp) {
    const int64_t threshold = state_.limits().get(state_.limits().busy_reply_threshold);
    const int64_t elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - run.start).count();
    if (elapsed < (threshold ? threshold : 5000)) return false;
    timeout = true;
    step_ = true;
  }
  if (!step_ && !bp) return false;
  const char* reason = bp ? (lua_bp_ ? "redis.breakpoint() called" : "break point")
                          : timeout ? "timeout reached, infinite loop?"
                                    : "step over";
  step_ = false;
  lua_bp_ = false;
  Log("* Stopped at " + std::to_string(current_line_) + ", stop reason = " + reason);
  LogSourceLine(current_line_);
  SendLogs();
  const Repl r = RunRepl(L);
  if (r == Repl::kRaise) return true;
  if (r == Repl::kClosed && timeout) {
    // Nobody will ever stop this loop: end the script instead of running it forever.
    raise_ = "timeout during Lua debugging with client closing connection";
    return true;
  }
  run.start = std::chrono::steady_clock::now();
  return false;
}

}  // namespace ks
