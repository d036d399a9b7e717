// Server commands: DBSIZE, FLUSHDB, FLUSHALL, TIME, SWAPDB, CONFIG. INFO is in info.cc and
// COMMAND in command_cmds.cc.
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/families/server_cmds.h"
#include "server/persist/snapshots.h"

namespace ks {
namespace {

// Locks one engine at a time: DBSIZE need not stop the whole server to add up counts.
void DbSize(CommandContext& ctx) {
  ShardSet& shards = ctx.shards();
  int64_t n = 0;
  for (int i = 0; i < shards.size(); ++i) {
    EngineGuard lk(shards.engine(i));
    n += static_cast<int64_t>(shards.engine(i).KeyCount(ctx.db()));
  }
  ctx.rb.Int(n);
}

// [SYNC|ASYNC]. ASYNC is accepted and done synchronously: the keys are gone when we reply
// either way, which is all a client can observe.
bool ParseFlushMode(CommandContext& ctx) {
  if (ctx.argc() > 2) return false;
  if (ctx.argc() == 2 && !EqualsNoCase(ctx.arg(1), "sync") && !EqualsNoCase(ctx.arg(1), "async")) return false;
  return true;
}

// Every engine is locked by the dispatcher (LockMode::kAll).
void FlushDb(CommandContext& ctx) {
  if (!ParseFlushMode(ctx)) return ctx.rb.Error(err::kSyntax);
  ctx.FlushDb();
  ctx.rb.Ok();
}

void FlushAll(CommandContext& ctx) {
  if (!ParseFlushMode(ctx)) return ctx.rb.Error(err::kSyntax);
  ctx.FlushAll();
  bool save_points;
  {
    std::lock_guard lk(ctx.server.config_mu());
    save_points = !ctx.server.config().save.empty();
  }
  // As Redis: with save points set, the empty data set is saved at once, so a crash after
  // FLUSHALL does not bring the keys back (a snapshot running meanwhile is let finish first).
  if (save_points)
    ctx.after_unlock = [&server = ctx.server] {
      server.snapshots().Wait();
      server.snapshots().SaveNow();
    };
  ctx.rb.Ok();
}

void Time(CommandContext& ctx) {
  int64_t ms = ctx.server.clock()->NowMs();
  ctx.rb.Array(2);
  ctx.rb.Bulk(std::to_string(ms / 1000));
  ctx.rb.Bulk(std::to_string((ms % 1000) * 1000));
}

bool ParseDbIndex(std::string_view s, int* out) {
  int64_t v;
  if (!StrToLL(s, &v) || v < INT32_MIN || v > INT32_MAX) return false;
  *out = static_cast<int>(v);
  return true;
}

// Every engine is locked (LockMode::kAll), so the swap is atomic across the keyspace.
void SwapDb(CommandContext& ctx) {
  int a, b;
  if (!ParseDbIndex(ctx.arg(1), &a)) return ctx.rb.Error(err::kInvalidFirstDb);
  if (!ParseDbIndex(ctx.arg(2), &b)) return ctx.rb.Error(err::kInvalidSecondDb);
  if (a < 0 || a >= kNumDbs || b < 0 || b >= kNumDbs) return ctx.rb.Error(err::kDbIndexRange);
  if (a != b)
    ctx.SwapDb(a, b);
  ctx.rb.Ok();
}

// CONFIG GET pattern [pattern ...]: name/value pairs, each option once, in table order per
// pattern.
void ConfigGet(CommandContext& ctx) {
  std::vector<std::pair<std::string_view, std::string>> found;
  {
    std::lock_guard lk(ctx.server.config_mu());
    const Config& c = ctx.server.config();
    for (size_t i = 2; i < ctx.argc(); ++i) {
      for (const OptionDef& o : ConfigOptions()) {
        // Redis answers under whichever name matched, the current one or its alias.
        for (std::string_view name : {o.name, o.alias}) {
          if (name.empty() || !GlobMatch(ctx.arg(i), name, true)) continue;
          bool dup = false;
          for (auto& [n, v] : found) dup |= n == name;
          if (!dup) found.emplace_back(name, FormatOption(c, o));
        }
      }
    }
  }
  ctx.rb.Map(found.size());
  for (auto& [n, v] : found) {
    ctx.rb.Bulk(n);
    ctx.rb.Bulk(v);
  }
}

// CONFIG SET name value [name value ...]: all or nothing, with Redis's checks and texts.
void ConfigSet(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) return ctx.rb.Error(err::kSyntax);
  std::vector<const OptionDef*> opts;
  std::string_view unknown, err_arg;
  const char* err_text = nullptr;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string_view name = ctx.arg(i);
    const OptionDef* o = FindOption(name);
    if (!o) {
      if (unknown.empty() && !err_text) unknown = name;
      continue;
    }
    if (!unknown.empty() || err_text) continue;
    if (!o->runtime) {
      err_text = "can't set immutable config";
      err_arg = name;
      continue;
    }
    for (const OptionDef* prev : opts)
      if (prev == o) {
        err_text = "duplicate parameter";
        err_arg = name;
      }
    opts.push_back(o);
  }
  if (!unknown.empty())
    return ctx.rb.Error("ERR Unknown option or number of arguments for CONFIG SET - '" + std::string(unknown) + "'");
  auto fail = [&](std::string_view arg, std::string_view why) {
    ctx.rb.Error("ERR CONFIG SET failed (possibly related to argument '" + std::string(arg) + "') - " +
                 std::string(why));
  };
  if (err_text) return fail(err_arg, err_text);

  Config applied;
  std::string appendonly_before;
  {
    std::lock_guard lk(ctx.server.config_mu());
    Config& live = ctx.server.config();
    appendonly_before = live.appendonly;
    // Apply to a copy so that a bad later value leaves every option unchanged.
    Config next = live;
    for (size_t k = 0; k < opts.size(); ++k)
      if (auto e = SetOption(next, *opts[k], ctx.arg(3 + 2 * k))) return fail(opts[k]->name, *e);
    for (const OptionDef* o : opts) {
      if (o->str) live.*(o->str) = next.*(o->str);
      if (o->num) live.*(o->num) = next.*(o->num);
    }
    ctx.server.PublishLimits();
    applied = live;
  }
  // Engines are locked one by one, outside config_mu (see ApplyMemoryPolicies).
  ctx.server.ApplyMemoryPolicies(applied);
  if (applied.appendonly != appendonly_before) {
    if (auto e = ctx.server.SetAppendOnly(applied.appendonly == "yes")) {
      std::fprintf(stderr, "keyshard: Unable to turn on AOF: %s\n", e->c_str());
      {
        std::lock_guard lk(ctx.server.config_mu());
        ctx.server.config().appendonly = appendonly_before;
      }
      return fail("appendonly", "Unable to turn on AOF. Check server logs.");
    }
  }
  ctx.rb.Ok();
}

// CONFIG SET's options for the remote shards: those the config table marks `remote` (how
// data is stored), under their current names; the others are keyshard's own.
void ConfigSetRemoteOptions(std::span<const std::string_view> args, std::vector<std::string_view>& out) {
  if (args.size() < 4 || args.size() % 2 != 0) return;
  for (size_t i = 2; i + 1 < args.size(); i += 2) {
    const OptionDef* o = FindOption(args[i]);
    if (!o || !o->remote) continue;
    out.push_back(o->name);
    out.push_back(args[i + 1]);
  }
}

void ConfigResetStat(CommandContext& ctx) {
  ServerStats& st = ctx.server.stats();
  for (ThreadCounters& t : st.per_thread) {
    t.commands.store(0, std::memory_order_relaxed);
    t.net_input_bytes.store(0, std::memory_order_relaxed);
    t.net_output_bytes.store(0, std::memory_order_relaxed);
    t.error_replies.store(0, std::memory_order_relaxed);
    t.reads.store(0, std::memory_order_relaxed);
    t.writes.store(0, std::memory_order_relaxed);
  }
  ctx.server.command_stats().Reset();
  st.connections_received.store(0, std::memory_order_relaxed);
  st.rejected_connections.store(0, std::memory_order_relaxed);
  ShardSet& shards = ctx.shards();
  for (int i = 0; i < shards.size(); ++i) {
    EngineGuard lk(shards.engine(i));
    shards.engine(i).stats() = EngineStats{};
  }
  ctx.rb.Ok();
}

void ConfigRewrite(CommandContext& ctx) {
  const std::string& path = ctx.server.config_path();
  if (path.empty()) return ctx.rb.Error(err::kNoConfigFile);
  Config current;
  {
    std::lock_guard lk(ctx.server.config_mu());
    current = ctx.server.config();
  }
  if (auto e = RewriteConfigFile(path, current)) {
    std::fprintf(stderr, "keyshard: CONFIG REWRITE failed: %s\n", e->c_str());
    return ctx.rb.Error("ERR Rewriting config file: " + *e);
  }
  std::fprintf(stderr, "keyshard: CONFIG REWRITE executed with success.\n");
  ctx.rb.Ok();
}

void ConfigHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

}  // namespace

void RegisterServerFamily(CommandRegistry& reg) {
  RegisterInfoCommand(reg);
  RegisterCommandCommand(reg);
  reg.Add({.name = "dbsize",
           .arity = 1,
           .flags = "readonly fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@keyspace @read @fast",
           .tips = "request_policy:all_shards response_policy:agg_sum",
           .handler = DbSize,
           .lock = LockMode::kSelf,
           .group = "server", .since = "1.0.0",
           .summary = "Returns the number of keys in the selected database.",
           .complexity = "O(1)"});
  reg.Add({.name = "flushdb",
           .arity = -1,
           .flags = "write",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@keyspace @write @slow @dangerous",
           .tips = "request_policy:all_shards response_policy:all_succeeded",
           .handler = FlushDb,
           .lock = LockMode::kAll,
           .group = "server", .since = "1.0.0",
           .summary = "Deletes every key of the selected database.",
           .complexity = "O(N) where N is the number of keys in the selected database"});
  reg.Add({.name = "flushall",
           .arity = -1,
           .flags = "write",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@keyspace @write @slow @dangerous",
           .tips = "request_policy:all_shards response_policy:all_succeeded",
           .handler = FlushAll,
           .lock = LockMode::kAll,
           .group = "server", .since = "1.0.0",
           .summary = "Deletes every key of every database.",
           .complexity = "O(N) where N is the total number of keys in all databases"});
  reg.Add({.name = "time",
           .arity = 1,
           .flags = "loading stale fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast",
           .tips = "nondeterministic_output",
           .handler = Time,
           .lock = LockMode::kSelf,
           .group = "server", .since = "2.6.0",
           .summary = "Returns the server's time as seconds and microseconds.",
           .complexity = "O(1)"});
  reg.Add({.name = "swapdb",
           .arity = 3,
           .flags = "write fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@keyspace @write @fast @dangerous",
           .handler = SwapDb,
           .lock = LockMode::kAll,
           .group = "server", .since = "4.0.0",
           .summary = "Swaps the contents of two databases.",
           .complexity = "O(N) where N is the count of clients watching or blocking on keys from both databases."});
  reg.Add(ContainerRow("config", "server", "2.0.0",
                       "A container for server configuration commands.", {
               {.name = "get",
                .arity = -3,
                .flags = "admin noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@admin @slow @dangerous",
                .handler = ConfigGet,
                .lock = LockMode::kSelf,
                .group = "server", .since = "2.0.0",
                .summary = "Returns the options whose names match any of the glob patterns, with their values.",
                .complexity = "O(N) when N is the number of configuration parameters provided"},
               {.name = "set",
                .arity = -4,
                .flags = "admin noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@admin @slow @dangerous",
                .tips = "request_policy:all_nodes response_policy:all_succeeded",
                .handler = ConfigSet,
                .lock = LockMode::kSelf,
                .remote_config = ConfigSetRemoteOptions,
                .group = "server", .since = "2.0.0",
                .summary = "Changes run-time options, all or none of them.",
                .complexity = "O(N) when N is the number of configuration parameters provided"},
               {.name = "resetstat",
                .arity = 2,
                .flags = "admin noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@admin @slow @dangerous",
                .handler = ConfigResetStat,
                .lock = LockMode::kSelf,
                .group = "server", .since = "2.0.0",
                .summary = "Zeroes the counters INFO reports.",
                .complexity = "O(1)"},
               {.name = "rewrite",
                .arity = 2,
                .flags = "admin noscript loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@admin @slow @dangerous",
                .handler = ConfigRewrite,
                .lock = LockMode::kSelf,
                .group = "server", .since = "2.8.0",
                .summary = "Persists the effective configuration to file.",
                .complexity = "O(1)"},
               {.name = "help",
                .arity = 2,
                .flags = "loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow",
                .handler = ConfigHelp,
                .lock = LockMode::kSelf,
                .group = "server", .since = "5.0.0",
                .summary = "Lists the CONFIG subcommands.",
                .complexity = "O(1)"},
           }));
}

}  // namespace ks
