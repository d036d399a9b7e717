// Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT. CLIENT is in client_cmds.cc.
#include <mutex>
#include <string>

#include "server/core/arg_parser.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/families/connection_cmds.h"
#include "server/core/errors.h"
#include "server/core/families.h"

namespace ks {
namespace {

// HELLO reports our own name as "server" but a Redis-compatible "version": client libraries
// gate features (RESP3, CLIENT SETINFO...) on that version, and keyshard aims at Redis 7.0.
constexpr std::string_view kServerName = "keyshard";
constexpr std::string_view kCompatVersion = "7.0.15";

std::string RequirePass(CommandContext& ctx) {
  std::lock_guard lk(ctx.server.config_mu());
  return ctx.server.config().requirepass;
}

// Only the "default" user exists: it needs no password unless requirepass is set.
bool CheckPassword(CommandContext& ctx, std::string_view user, std::string_view pass) {
  if (user != "default") return false;
  std::string required = RequirePass(ctx);
  return required.empty() || required == pass;
}

void Ping(CommandContext& ctx) {
  if (ctx.argc() > 2) return ctx.rb.Error(err::WrongArgs("ping"));
  if (ctx.argc() == 2) return ctx.rb.Bulk(ctx.arg(1));
  ctx.rb.Simple("PONG");
}

void Echo(CommandContext& ctx) { ctx.rb.Bulk(ctx.arg(1)); }

void Quit(CommandContext& ctx) {
  ctx.rb.Ok();
  ctx.client.close_after_reply = true;
}

void Reset(CommandContext& ctx) {
  ClientState& c = ctx.client;
  // Redis's clearClientConnectionState: the transaction and the watched keys go too.
  if (c.tx) c.tx->Discard();
  c.SetDb(0);
  c.SetResp(2);
  ctx.rb.set_resp3(false);
  c.reply_mode = ReplyMode::kOn;
  c.info->no_evict.store(false, std::memory_order_relaxed);
  c.info->no_touch.store(false, std::memory_order_relaxed);
  c.info->set_name({});
  c.authenticated = RequirePass(ctx).empty();
  ctx.rb.Simple("RESET");
}

void Hello(CommandContext& ctx) {
  int64_t ver = 0;
  size_t next = 1;
  if (ctx.argc() >= 2) {
    if (!StrToLL(ctx.arg(1), &ver)) return ctx.rb.Error(err::kProtoVersionNotInteger);
    if (ver < 2 || ver > 3) return ctx.rb.Error(err::kNoProto);
    next = 2;
  }
  std::string_view user, pass, name;
  bool auth = false, setname = false;
  for (size_t j = next; j < ctx.argc(); ++j) {
    size_t more = ctx.argc() - 1 - j;
    std::string_view opt = ctx.arg(j);
    if (EqualsNoCase(opt, "auth") && more >= 2) {
      user = ctx.arg(j + 1);
      pass = ctx.arg(j + 2);
      auth = true;
      j += 2;
    } else if (EqualsNoCase(opt, "setname") && more >= 1) {
      name = ctx.arg(j + 1);
      setname = true;
      ++j;
    } else {
      return ctx.rb.Error("ERR Syntax error in HELLO option '" + std::string(opt) + "'");
    }
  }
  if (auth) {
    if (!CheckPassword(ctx, user, pass)) return ctx.rb.Error(err::kWrongPass);
    ctx.client.authenticated = true;
  }
  if (!ctx.client.authenticated) return ctx.rb.Error(err::kHelloNoAuth);
  if (setname) {
    if (!ValidClientName(name)) return ctx.rb.Error(err::kBadClientName);
    ctx.client.info->set_name(std::string(name));
  }
  if (ver) {
    ctx.client.SetResp(static_cast<int>(ver));
    // The HELLO reply itself is already in the new protocol, as in Redis.
    ctx.rb.set_resp3(ver == 3);
  }
  ctx.rb.Map(7);
  ctx.rb.Bulk("server");
  ctx.rb.Bulk(kServerName);
  ctx.rb.Bulk("version");
  ctx.rb.Bulk(kCompatVersion);
  ctx.rb.Bulk("proto");
  ctx.rb.Int(ctx.client.resp);
  ctx.rb.Bulk("id");
  ctx.rb.Int(static_cast<int64_t>(ctx.client.info->id));
  ctx.rb.Bulk("mode");
  ctx.rb.Bulk("standalone");
  ctx.rb.Bulk("role");
  ctx.rb.Bulk("master");
  ctx.rb.Bulk("modules");
  ctx.rb.Array(0);
}

void Auth(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.rb.Error(err::kSyntax);
  std::string_view user = "default", pass;
  if (ctx.argc() == 2) {
    // The one-argument form is an error when there is no password, as in Redis.
    if (RequirePass(ctx).empty()) return ctx.rb.Error(err::kAuthNotConfigured);
    pass = ctx.arg(1);
  } else {
    user = ctx.arg(1);
    pass = ctx.arg(2);
  }
  if (!CheckPassword(ctx, user, pass)) return ctx.rb.Error(err::kWrongPass);
  ctx.client.authenticated = true;
  ctx.rb.Ok();
}

void Select(CommandContext& ctx) {
  int64_t id;
  if (!StrToLL(ctx.arg(1), &id)) return ctx.rb.Error(err::kNotInteger);
  if (id < INT32_MIN || id > INT32_MAX) return ctx.rb.Error(err::kIntRange);
  if (id < 0 || id >= kNumDbs) return ctx.rb.Error(err::kDbIndexRange);
  ctx.client.SetDb(static_cast<int>(id));
  ctx.rb.Ok();
}

}  // namespace

bool ValidClientName(std::string_view name) {
  // Redis allows only printable ASCII without spaces ('!' to '~').
  for (char c : name)
    if (c < '!' || c > '~') return false;
  return true;
}

void RegisterConnectionFamily(CommandRegistry& reg) {
  reg.Add({.name = "ping",
           .arity = -1,
           .flags = "fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @connection",
           .tips = "request_policy:all_shards response_policy:all_succeeded",
           .handler = Ping,
           .group = "connection", .since = "1.0.0",
           .summary = "Returns PONG, or the given message.",
           .complexity = "O(1)"});
  reg.Add({.name = "echo",
           .arity = 2,
           .flags = "loading stale fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @connection",
           .handler = Echo,
           .group = "connection", .since = "1.0.0",
           .summary = "Returns the given string.",
           .complexity = "O(1)"});
  reg.Add({.name = "quit",
           .arity = -1,
           .flags = "noscript loading stale fast no_auth allow_busy",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @connection",
           .handler = Quit,
           .in_multi = InMulti::kRunAlways,
           .group = "connection", .since = "1.0.0",
           .summary = "Replies OK, then closes the connection.",
           .complexity = "O(1)"});
  reg.Add({.name = "reset",
           .arity = 1,
           .flags = "noscript loading stale fast no_auth allow_busy",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @connection",
           .handler = Reset,
           .in_multi = InMulti::kRunAlways,
           .group = "connection", .since = "6.2.0",
           .summary = "Returns the connection to its initial state (db 0, RESP2, no name, replies on).",
           .complexity = "O(1)"});
  reg.Add({.name = "hello",
           .arity = -1,
           .flags = "noscript loading stale fast no_auth allow_busy",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @connection",
           .handler = Hello,
           .group = "connection", .since = "6.0.0",
           .summary = "Picks the protocol version, optionally authenticates and names the connection; describes the server.",
           .complexity = "O(1)"});
  reg.Add({.name = "auth",
           .arity = -2,
           .flags = "noscript loading stale fast no_auth allow_busy",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @connection",
           .handler = Auth,
           .group = "connection", .since = "1.0.0",
           .summary = "Authenticates the connection as the default user.",
           .complexity = "O(N) where N is the number of passwords defined for the user"});
  reg.Add({.name = "select",
           .arity = 2,
           .flags = "loading stale fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @connection",
           .handler = Select,
           .group = "connection", .since = "1.0.0",
           .summary = "Switches the connection to another numbered database.",
           .complexity = "O(1)"});
  RegisterClientCommand(reg);
}

}  // namespace ks
