// CLIENT: the connection's own settings (name, reply mode, no-evict/no-touch) and the
// server's view of all connections (LIST, INFO, KILL).
#include <mutex>
#include <string>
#include <vector>

#include "server/core/arg_parser.h"
#include "server/blocking/blocking.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/families/connection_cmds.h"
#include "server/core/errors.h"
#include "server/pubsub/tracking.h"
#include "server/pubsub/tracking_cmds.h"

namespace ks {
namespace {

// One CLIENT LIST line, fields in Redis 7.0's order. Counters keyshard does not track (pub/sub,
// MULTI, per-client memory breakdown) read as Redis shows them for an idle client; the query
// and output buffer sizes come from the connection. lib-name/lib-ver are Redis 7.2's additions
// for CLIENT SETINFO.
std::string ClientLine(const ClientInfo& c, int64_t now_ms) {
  int64_t age = (now_ms - c.created_ms) / 1000;
  int64_t idle = (now_ms - c.last_interaction_ms.load(std::memory_order_relaxed)) / 1000;
  if (idle < 0) idle = 0;
  if (age < 0) age = 0;
  std::string flags;
  if (c.monitor.load(std::memory_order_relaxed)) flags += 'O';
  if (c.pubsub.load(std::memory_order_relaxed)) flags += 'P';
  if (c.blocked() || c.remote_block_state() == kRemoteBlocked) flags += 'b';
  const uint32_t tracking = c.tracking_flags.load(std::memory_order_relaxed);
  if (tracking & kTrackOn) flags += 't';
  if (tracking & kTrackBrokenRedir) flags += 'R';
  if (tracking & kTrackBcast) flags += 'B';
  if (c.no_evict.load(std::memory_order_relaxed)) flags += 'e';
  if (c.no_touch.load(std::memory_order_relaxed)) flags += 'T';
  if (flags.empty()) flags = "N";
  const CommandSpec* cmd = c.last_cmd.load(std::memory_order_relaxed);
  uint64_t qbuf = c.query_buf_bytes.load(std::memory_order_relaxed);
  uint64_t omem = c.output_buf_bytes.load(std::memory_order_relaxed);
  std::string s;
  s.reserve(320);
  s += "id=" + std::to_string(c.id);
  s += " addr=" + c.addr;
  s += " laddr=" + c.laddr;
  s += " fd=" + std::to_string(c.fd);
  s += " name=" + c.name();
  s += " age=" + std::to_string(age);
  s += " idle=" + std::to_string(idle);
  s += " flags=" + flags;
  s += " db=" + std::to_string(c.db.load(std::memory_order_relaxed));
  s += " sub=" + std::to_string(c.sub.load(std::memory_order_relaxed));
  s += " psub=" + std::to_string(c.psub.load(std::memory_order_relaxed));
  s += " ssub=" + std::to_string(c.ssub.load(std::memory_order_relaxed));
  s += " multi=-1";
  s += " qbuf=" + std::to_string(qbuf);
  s += " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0";
  s += " omem=" + std::to_string(omem);
  s += " tot-mem=" + std::to_string(qbuf + omem);
  s += " events=r cmd=";
  s += cmd ? cmd->full_name : std::string("NULL");
  s += " user=default redir=";
  s += (tracking & kTrackOn) ? std::to_string(c.tracking_redir.load(std::memory_order_relaxed)) : std::string("-1");
  s += " resp=" + std::to_string(c.resp.load(std::memory_order_relaxed));
  s += " lib-name=" + c.lib_name();
  s += " lib-ver=" + c.lib_ver();
  s += '\n';
  return s;
}

// Client types Redis knows (getClientType): a subscribed client is "pubsub", every other
// keyshard client "normal" (no replicas or masters yet).
enum class ClientType { kNormal, kPubSub, kOther };
bool ParseClientType(std::string_view t, ClientType* type) {
  if (EqualsNoCase(t, "normal")) {
    *type = ClientType::kNormal;
    return true;
  }
  if (EqualsNoCase(t, "pubsub")) {
    *type = ClientType::kPubSub;
    return true;
  }
  *type = ClientType::kOther;
  return EqualsNoCase(t, "master") || EqualsNoCase(t, "replica") || EqualsNoCase(t, "slave");
}
ClientType TypeOf(const ClientInfo& c) {
  return c.pubsub.load(std::memory_order_relaxed) ? ClientType::kPubSub : ClientType::kNormal;
}

// Client IDs are 1..LONG_MAX.
bool ParseClientId(std::string_view s, uint64_t* id) {
  int64_t v;
  if (!StrToLL(s, &v) || v < 1) return false;
  *id = static_cast<uint64_t>(v);
  return true;
}

void ClientId(CommandContext& ctx) { ctx.rb.Int(static_cast<int64_t>(ctx.client.info->id)); }

void ClientSetName(CommandContext& ctx) {
  std::string_view name = ctx.arg(2);
  if (!ValidClientName(name)) return ctx.rb.Error(err::kBadClientName);
  ctx.client.info->set_name(std::string(name));
  ctx.rb.Ok();
}

void ClientGetName(CommandContext& ctx) {
  std::string name = ctx.client.info->name();
  if (name.empty()) return ctx.rb.Null();
  ctx.rb.Bulk(name);
}

void ClientInfoCmd(CommandContext& ctx) { ctx.rb.Verbatim(ClientLine(*ctx.client.info, ctx.NowMs())); }

// CLIENT LIST [TYPE type] [ID id ...]
void ClientList(CommandContext& ctx) {
  std::vector<std::shared_ptr<ClientInfo>> all = ctx.server.clients().Snapshot();
  std::vector<std::shared_ptr<ClientInfo>> shown;
  if (ctx.argc() == 4 && EqualsNoCase(ctx.arg(2), "type")) {
    ClientType type;
    if (!ParseClientType(ctx.arg(3), &type))
      return ctx.rb.Error("ERR Unknown client type '" + std::string(ctx.arg(3)) + "'");
    for (auto& c : all)
      if (TypeOf(*c) == type) shown.push_back(c);
  } else if (ctx.argc() > 3 && EqualsNoCase(ctx.arg(2), "id")) {
    std::vector<uint64_t> ids;
    for (size_t i = 3; i < ctx.argc(); ++i) {
      uint64_t id;
      if (!ParseClientId(ctx.arg(i), &id)) return ctx.rb.Error(err::kInvalidClientId);
      ids.push_back(id);
    }
    // In the order asked, as Redis does.
    for (uint64_t id : ids)
      for (auto& c : all)
        if (c->id == id) shown.push_back(c);
  } else if (ctx.argc() != 2) {
    return ctx.rb.Error(err::kSyntax);
  } else {
    shown = std::move(all);
  }
  int64_t now = ctx.NowMs();
  std::string text;
  for (auto& c : shown) text += ClientLine(*c, now);
  ctx.rb.Verbatim(text);
}

// Closes another client's connection; our own closes after this command's reply.
void KillClient(CommandContext& ctx, ClientInfo& c) {
  if (&c == ctx.client.info.get()) {
    ctx.client.close_after_reply = true;
    return;
  }
  c.killed.store(true, std::memory_order_relaxed);
  if (c.kill) c.kill();
}

// CLIENT KILL ip:port | CLIENT KILL <filter> <value> [<filter> <value> ...]
void ClientKill(CommandContext& ctx) {
  std::vector<std::shared_ptr<ClientInfo>> all = ctx.server.clients().Snapshot();
  // A client killed already is gone for Redis, even if its connection has not finished
  // closing here yet (it leaves the registry when it has).
  std::erase_if(all, [](const auto& c) { return c->killed.load(std::memory_order_relaxed); });
  if (ctx.argc() == 3) {
    for (auto& c : all) {
      if (c->addr == ctx.arg(2)) {
        KillClient(ctx, *c);
        return ctx.rb.Ok();
      }
    }
    return ctx.rb.Error(err::kNoSuchClient);
  }
  uint64_t id = 0;
  bool by_type = false, skipme = true;
  ClientType type = ClientType::kNormal;
  std::string_view addr, laddr;
  bool by_addr = false, by_laddr = false;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    bool more = i + 1 < ctx.argc();
    std::string_view opt = ctx.arg(i);
    if (!more) return ctx.rb.Error(err::kSyntax);
    std::string_view val = ctx.arg(i + 1);
    if (EqualsNoCase(opt, "id")) {
      if (!ParseClientId(val, &id)) return ctx.rb.Error(err::kClientIdPositive);
    } else if (EqualsNoCase(opt, "type")) {
      if (!ParseClientType(val, &type))
        return ctx.rb.Error("ERR Unknown client type '" + std::string(val) + "'");
      by_type = true;
    } else if (EqualsNoCase(opt, "addr")) {
      addr = val;
      by_addr = true;
    } else if (EqualsNoCase(opt, "laddr")) {
      laddr = val;
      by_laddr = true;
    } else if (EqualsNoCase(opt, "user")) {
      // Only the default user exists, and every client is authenticated as it.
      if (val != "default") return ctx.rb.Error("ERR No such user '" + std::string(val) + "'");
    } else if (EqualsNoCase(opt, "skipme")) {
      if (EqualsNoCase(val, "yes")) {
        skipme = true;
      } else if (EqualsNoCase(val, "no")) {
        skipme = false;
      } else {
        return ctx.rb.Error(err::kSyntax);
      }
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  int64_t killed = 0;
  for (auto& c : all) {
    if (id && c->id != id) continue;
    if (by_type && TypeOf(*c) != type) continue;
    if (by_addr && c->addr != addr) continue;
    if (by_laddr && c->laddr != laddr) continue;
    if (skipme && c.get() == ctx.client.info.get()) continue;
    KillClient(ctx, *c);
    ++killed;
  }
  ctx.rb.Int(killed);
}

// ON|OFF for CLIENT NO-EVICT and NO-TOUCH.
void SetOnOff(CommandContext& ctx, std::atomic<bool>& flag) {
  if (EqualsNoCase(ctx.arg(2), "on")) {
    flag.store(true, std::memory_order_relaxed);
  } else if (EqualsNoCase(ctx.arg(2), "off")) {
    flag.store(false, std::memory_order_relaxed);
  } else {
    return ctx.rb.Error(err::kSyntax);
  }
  ctx.rb.Ok();
}

void ClientNoEvict(CommandContext& ctx) { SetOnOff(ctx, ctx.client.info->no_evict); }
void ClientNoTouch(CommandContext& ctx) { SetOnOff(ctx, ctx.client.info->no_touch); }

// The connection loop decides where replies go; OFF and SKIP write nothing here, so the reply
// to this very command is suppressed too, as in Redis.
void ClientReply(CommandContext& ctx) {
  std::string_view mode = ctx.arg(2);
  if (EqualsNoCase(mode, "on")) {
    ctx.client.reply_mode = ReplyMode::kOn;
    ctx.rb.Ok();
  } else if (EqualsNoCase(mode, "off")) {
    ctx.client.reply_mode = ReplyMode::kOff;
  } else if (EqualsNoCase(mode, "skip")) {
    if (ctx.client.reply_mode != ReplyMode::kOff) ctx.client.reply_mode = ReplyMode::kSkip;
  } else {
    ctx.rb.Error(err::kSyntax);
  }
}

// CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2).
void ClientSetInfo(CommandContext& ctx) {
  std::string_view attr = ctx.arg(2), val = ctx.arg(3);
  bool is_name = EqualsNoCase(attr, "lib-name");
  if (!is_name && !EqualsNoCase(attr, "lib-ver"))
    return ctx.rb.Error("ERR Unrecognized option '" + std::string(attr) + "'");
  if (!ValidClientName(val))
    return ctx.rb.Error("ERR " + std::string(attr) + " cannot contain spaces, newlines or special characters.");
  ctx.client.info->set_lib(std::string(val), std::string(val), is_name, !is_name);
  ctx.rb.Ok();
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's BLPOP-style wait now.
void ClientUnblock(CommandContext& ctx) {
  if (ctx.argc() > 4)
    return ctx.rb.Error("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
  int64_t id;
  if (!StrToLL(ctx.arg(2), &id)) return ctx.rb.Error(err::kNotInteger);
  bool with_error = false;
  if (ctx.argc() == 4) {
    if (EqualsNoCase(ctx.arg(3), "error"))
      with_error = true;
    else if (!EqualsNoCase(ctx.arg(3), "timeout"))
      return ctx.rb.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
  }
  for (const auto& c : ctx.server.clients().Snapshot()) {
    if (c->id != static_cast<uint64_t>(id)) continue;
    if (std::shared_ptr<BlockedClient> b = c->blocked()) return ctx.rb.Int(UnblockClient(*b, with_error) ? 1 : 0);
    // Blocked on a remote shard: its thread sends CLIENT UNBLOCK there, and the command's
    // own reply (nil, the UNBLOCKED error, or what the remote had popped already) comes back
    // the normal way. 1 once per wait, as Redis unblocks a client once.
    uint64_t blocked = c->remote_block.load();
    if (c->unblock_remote && (blocked & 3) == kRemoteBlocked &&
        c->remote_block.compare_exchange_strong(blocked, (blocked & ~uint64_t{3}) | kRemoteUnblockSent)) {
      c->unblock_remote({with_error ? RemoteUnblock::Kind::kError : RemoteUnblock::Kind::kTimeout, blocked >> 2, 0, nullptr});
      return ctx.rb.Int(1);
    }
    return ctx.rb.Int(0);
  }
  ctx.rb.Int(0);
}

// CLIENT PAUSE timeout [WRITE|ALL]: held commands wait in their connections
// (server/core/client_pause.h). The reply comes once commands other I/O threads had already
// started have finished, so nothing the pause covers runs after OK.
void ClientPauseCmd(CommandContext& ctx) {
  if (ctx.argc() > 4) return ctx.rb.Error(err::SubcommandSyntax(ctx.arg(1).substr(0, 128), "CLIENT"));
  PauseType type = PauseType::kAll;
  if (ctx.argc() == 4) {
    if (EqualsNoCase(ctx.arg(3), "write"))
      type = PauseType::kWrite;
    else if (!EqualsNoCase(ctx.arg(3), "all"))
      return ctx.rb.Error(err::kPauseMode);
  }
  int64_t ms;
  if (!StrToLL(ctx.arg(2), &ms)) return ctx.rb.Error(err::kTimeoutNotInteger);
  if (ms < 0) return ctx.rb.Error(err::kTimeoutNegative);
  const int64_t now = ctx.NowMs();
  if (ms > INT64_MAX - now) return ctx.rb.Error(err::kTimeoutOutOfRange);
  ctx.server.pause().Pause(type, now + ms);
  ctx.server.QuiesceIoThreads(ctx.client.thread_index);
  ctx.rb.Ok();
}

void ClientUnpause(CommandContext& ctx) {
  ctx.server.pause().Unpause();
  ctx.rb.Ok();
}

void ClientHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "    * ID <client-id>",
      "      Kill connections by client id.",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "    * ID <client-id> [<client-id> ...]",
      "      Return clients of specified IDs only.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are:",
      "    * LIB-NAME: the client lib name.",
      "    * LIB-VER: the client lib version.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "NO-TOUCH (ON|OFF)",
      "    Will not touch LRU/LFU stats when this mode is on.",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

}  // namespace

void RegisterClientCommand(CommandRegistry& reg) {
  reg.Add(ContainerRow("client", "connection", "2.4.0",
                       "A container for client connection commands.", {
               {.name = "unpause",
                .arity = 2,
                .flags = "admin noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@admin @slow @dangerous @connection",
                .handler = ClientUnpause,
                .lock = LockMode::kSelf,
                .group = "connection", .since = "6.2.0",
                .summary = "Resumes processing commands from paused clients.",
                .complexity = "O(N) Where N is the number of paused clients"},
               {.name = "pause",
                .arity = -3,
                .flags = "admin noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@admin @slow @dangerous @connection",
                .handler = ClientPauseCmd,
                .lock = LockMode::kSelf,
                .group = "connection", .since = "2.9.50",
                .summary = "Suspends commands processing.",
                .complexity = "O(1)"},
               {.name = "id",
                .arity = 2,
                .flags = "noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .handler = ClientId,
                .group = "connection", .since = "5.0.0",
                .summary = "Returns the unique ID of the connection.",
                .complexity = "O(1)"},
               {.name = "setname",
                .arity = 3,
                .flags = "noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .handler = ClientSetName,
                .group = "connection", .since = "2.6.9",
                .summary = "Names the connection (an empty name clears it).",
                .complexity = "O(1)"},
               {.name = "getname",
                .arity = 2,
                .flags = "noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .handler = ClientGetName,
                .group = "connection", .since = "2.6.9",
                .summary = "Returns the connection's name, or nil.",
                .complexity = "O(1)"},
               {.name = "info",
                .arity = 2,
                .flags = "noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .tips = "nondeterministic_output",
                .handler = ClientInfoCmd,
                .group = "connection", .since = "6.2.0",
                .summary = "Describes this connection in CLIENT LIST's format.",
                .complexity = "O(1)"},
               {.name = "list",
                .arity = -2,
                .flags = "admin noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@admin @slow @dangerous @connection",
                .tips = "nondeterministic_output",
                .handler = ClientList,
                .group = "connection", .since = "2.4.0",
                .summary = "Describes every connection, one line each, optionally filtered by type or ID.",
                .complexity = "O(N) where N is the number of client connections"},
               {.name = "kill",
                .arity = -3,
                .flags = "admin noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@admin @slow @dangerous @connection",
                .handler = ClientKill,
                .group = "connection", .since = "2.4.0",
                .summary = "Closes connections chosen by address, ID, type or user.",
                .complexity = "O(N) where N is the number of client connections"},
               {.name = "setinfo",
                .arity = 4,
                .flags = "noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .tips = "request_policy:all_nodes response_policy:all_succeeded",
                .handler = ClientSetInfo,
                .group = "connection", .since = "7.2.0",
                .summary = "Records the client library's name or version (Redis 7.2; no 7.0 reference row).",
                .complexity = "O(1)"},
               {.name = "no-evict",
                .arity = 3,
                .flags = "admin noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@admin @slow @dangerous @connection",
                .handler = ClientNoEvict,
                .group = "connection", .since = "7.0.0",
                .summary = "Exempts the connection from client eviction, or not.",
                .complexity = "O(1)"},
               {.name = "no-touch",
                .arity = 3,
                .flags = "noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .handler = ClientNoTouch,
                .group = "connection", .since = "7.2.0",
                .summary = "Stops the connection's reads from refreshing keys' access times (Redis 7.2).",
                .complexity = "O(1)"},
               {.name = "reply",
                .arity = 3,
                .flags = "noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .handler = ClientReply,
                .group = "connection", .since = "3.2.0",
                .summary = "Turns replies to this connection on, off, or off for the next command.",
                .complexity = "O(1)"},
               {.name = "tracking",
                .arity = -3,
                .flags = "noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .handler = ClientTracking,
                .group = "connection", .since = "6.0.0",
                .summary = "Enable or disable server assisted client side caching support",
                .complexity = "O(1). Some options may introduce additional complexity."},
               {.name = "caching",
                .arity = 3,
                .flags = "noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .handler = ClientCaching,
                .group = "connection", .since = "6.0.0",
                .summary = "Instruct the server about tracking or not keys in the next request",
                .complexity = "O(1)"},
               {.name = "getredir",
                .arity = 2,
                .flags = "noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .handler = ClientGetRedir,
                .group = "connection", .since = "6.0.0",
                .summary = "Get tracking notifications redirection client ID if any",
                .complexity = "O(1)"},
               {.name = "trackinginfo",
                .arity = 2,
                .flags = "noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .handler = ClientTrackingInfo,
                .group = "connection", .since = "6.2.0",
                .summary = "Return information about server assisted client side caching for the current connection",
                .complexity = "O(1)"},
               {.name = "unblock",
                .arity = -3,
                .flags = "admin noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@admin @slow @dangerous @connection",
                .handler = ClientUnblock,
                .group = "connection", .since = "5.0.0",
                .summary = "Ends the wait of a client blocked in a blocking command.",
                .complexity = "O(log N) where N is the number of client connections"},
               {.name = "help",
                .arity = 2,
                .flags = "loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow @connection",
                .handler = ClientHelp,
                .group = "connection", .since = "5.0.0",
                .summary = "Lists the CLIENT subcommands.",
                .complexity = "O(1)"},
           }));
}

}  // namespace ks
