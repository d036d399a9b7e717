// Administration commands: SHUTDOWN, SLOWLOG, LATENCY, ROLE, WAIT, MODULE, and the cluster
// connection commands READONLY / READWRITE / ASKING (which answer as a non-cluster Redis).
// LOLWUT is in lolwut.cc, DEBUG in debug_family.cc.
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "server/blocking/blocking.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/core/shutdown.h"

namespace ks {
namespace {

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. On success nothing is replied: the server
// stops and the connection closes, as with Redis.
void ShutdownCmd(CommandContext& ctx) {
  ShutdownFlags f;
  bool abort = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    if (EqualsNoCase(a, "nosave"))
      f.nosave = true;
    else if (EqualsNoCase(a, "save"))
      f.save = true;
    else if (EqualsNoCase(a, "now"))
      f.now = true;
    else if (EqualsNoCase(a, "force"))
      f.force = true;
    else if (EqualsNoCase(a, "abort"))
      abort = true;
    else
      return ctx.rb.Error(err::kSyntax);
  }
  if ((abort && (f.nosave || f.save || f.now || f.force)) || (f.nosave && f.save)) return ctx.rb.Error(err::kSyntax);
  // Without replicas a shutdown never waits for them, so there is never one to abort.
  if (abort) return ctx.rb.Error(err::kNoShutdownInProgress);
  if (Shutdown(ctx.server, f, ctx.client.thread_index)) return ctx.rb.Error(err::kShutdownFailed);
  ctx.client.close_after_reply = true;
}

// ---- SLOWLOG ------------------------------------------------------------------------------

void SlowlogGet(CommandContext& ctx) {
  int64_t count = 10;
  if (ctx.argc() > 3) return ctx.rb.Error(err::SubcommandSyntax(ctx.arg(1).substr(0, 128), "SLOWLOG"));
  if (ctx.argc() == 3) {
    if (!StrToLL(ctx.arg(2), &count) || count < -1) return ctx.rb.Error(err::kSlowlogCount);
  }
  std::vector<SlowLogEntry> entries = ctx.server.slowlog().Get(count);
  ctx.rb.Array(entries.size());
  for (const SlowLogEntry& e : entries) {
    ctx.rb.Array(6);
    ctx.rb.Int(e.id);
    ctx.rb.Int(e.time_sec);
    ctx.rb.Int(e.duration_us);
    ctx.rb.Array(e.args.size());
    for (const auto& a : e.args) ctx.rb.Bulk(a);
    ctx.rb.Bulk(e.peer);
    ctx.rb.Bulk(e.name);
  }
}

void SlowlogLen(CommandContext& ctx) { ctx.rb.Int(static_cast<int64_t>(ctx.server.slowlog().Len())); }

void SlowlogReset(CommandContext& ctx) {
  ctx.server.slowlog().Reset();
  ctx.rb.Ok();
}

void SlowlogHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

// ---- LATENCY ------------------------------------------------------------------------------

int64_t NowSec(CommandContext& ctx) { return ctx.NowMs() / 1000; }

void LatencyLatest(CommandContext& ctx) {
  auto events = ctx.server.latency().Snapshot();
  ctx.rb.Array(events.size());
  for (const auto& [name, ts] : events) {
    const LatencySample& last = ts.samples[(ts.idx + LatencySeries::kLen - 1) % LatencySeries::kLen];
    ctx.rb.Array(4);
    ctx.rb.Bulk(name);
    ctx.rb.Int(last.time);
    ctx.rb.Int(last.latency);
    ctx.rb.Int(ts.max);
  }
}

void LatencyHistory(CommandContext& ctx) {
  auto events = ctx.server.latency().Snapshot();
  auto it = events.find(std::string(ctx.arg(2)));
  if (it == events.end()) return ctx.rb.Array(0);
  std::vector<LatencySample> samples = it->second.InOrder();
  ctx.rb.Array(samples.size());
  for (const LatencySample& s : samples) {
    ctx.rb.Array(2);
    ctx.rb.Int(s.time);
    ctx.rb.Int(s.latency);
  }
}

void LatencyGraphCmd(CommandContext& ctx) {
  auto events = ctx.server.latency().Snapshot();
  auto it = events.find(std::string(ctx.arg(2)));
  if (it == events.end())
    return ctx.rb.Error("ERR No samples available for event '" + std::string(ctx.arg(2)) + "'");
  ctx.rb.Verbatim(LatencyGraph(it->first, it->second, NowSec(ctx)));
}

void LatencyDoctor(CommandContext& ctx) {
  LatencyDoctorSettings s;
  {
    std::lock_guard lk(ctx.server.config_mu());
    const Config& c = ctx.server.config();
    s.threshold_ms = c.latency_monitor_threshold;
    s.slowlog_slower_than = c.slowlog_log_slower_than;
    s.fsync_always = c.appendfsync == "always";
    s.hz = c.hz;
  }
  ctx.rb.Verbatim(LatencyDoctorReport(ctx.server.latency().Snapshot(), NowSec(ctx), s));
}

void LatencyReset(CommandContext& ctx) {
  std::vector<std::string> names;
  for (size_t i = 2; i < ctx.argc(); ++i) names.emplace_back(ctx.arg(i));
  ctx.rb.Int(static_cast<int64_t>(ctx.server.latency().Reset(names)));
}

// One command's entry of LATENCY HISTOGRAM (Redis's fillCommandCDF).
void ReplyCommandCdf(CommandContext& ctx, const CommandSpec& spec, const LatencyHistogram& h) {
  ctx.rb.Bulk(spec.full_name);
  ctx.rb.Map(2);
  ctx.rb.Bulk("calls");
  ctx.rb.Int(h.total());
  ctx.rb.Bulk("histogram_usec");
  auto points = h.CumulativeLog();
  ctx.rb.Map(points.size());
  for (auto& [us, count] : points) {
    ctx.rb.Int(us);
    ctx.rb.Int(count);
  }
}

void LatencyHistogramCmd(CommandContext& ctx) {
  CommandStats& cs = ctx.server.command_stats();
  std::vector<std::pair<const CommandSpec*, std::unique_ptr<LatencyHistogram>>> found;
  auto add = [&](const CommandSpec* spec) {
    auto h = std::make_unique<LatencyHistogram>();
    if (!cs.Histogram(spec->id, h.get())) return false;
    found.emplace_back(spec, std::move(h));
    return true;
  };
  if (ctx.argc() == 2) {
    for (const CommandSpec* spec : ctx.server.commands().by_id()) add(spec);
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      // "config|get" names a subcommand, as in Redis's lookupCommandBySds.
      std::string_view name = ctx.arg(i);
      size_t bar = name.find('|');
      const CommandSpec* spec = ctx.server.commands().Find(name.substr(0, bar));
      if (spec && bar != std::string_view::npos)
        spec = spec->subcommands.empty() ? nullptr : CommandRegistry::FindSub(*spec, name.substr(bar + 1));
      // A container's own histogram stays empty (its subcommands are what runs), and Redis
      // 7.0 then skips its subcommands too.
      if (!spec || !add(spec)) continue;
      for (const CommandSpec& sub : spec->subcommands) add(&sub);
    }
  }
  ctx.rb.Map(found.size());
  for (auto& [spec, h] : found) ReplyCommandCdf(ctx, *spec, *h);
}

void LatencyHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "GRAPH <event>",
      "    Return an ASCII latency graph for the <event> class.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
      "    If no commands are specified then all histograms are replied.",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

// ---- Replication and cluster surface of a lone master ---------------------------------------

// ROLE: a master with replication offset 0 and no replicas (until replication exists).
void Role(CommandContext& ctx) {
  ctx.rb.Array(3);
  ctx.rb.Bulk("master");
  ctx.rb.Int(0);
  ctx.rb.Array(0);
}

// Redis's getTimeoutFromObjectOrReply in milliseconds: 0 = forever.
bool ParseMsTimeout(CommandContext& ctx, std::string_view arg, int64_t* out) {
  int64_t v;
  if (!StrToLL(arg, &v)) {
    ctx.rb.Error(err::kTimeoutNotInteger);
    return false;
  }
  if (v < 0) {
    ctx.rb.Error(err::kTimeoutNegative);
    return false;
  }
  if (v > 0 && v > INT64_MAX - ctx.NowMs()) {
    ctx.rb.Error(err::kTimeoutOutOfRange);
    return false;
  }
  *out = v;
  return true;
}

// WAIT numreplicas timeout: no replica ever acknowledges, so asking for none answers 0 at
// once and asking for more waits out the timeout (forever for 0), then answers 0.
void Wait(CommandContext& ctx) {
  int64_t n, timeout;
  if (!StrToLL(ctx.arg(1), &n)) return ctx.rb.Error(err::kNotInteger);
  if (!ParseMsTimeout(ctx, ctx.arg(2), &timeout)) return;
  if (n <= 0) return ctx.rb.Int(0);
  BlockOnKeys(ctx, {}, timeout, TimeoutReply::kZero);
}

void ClusterDisabled(CommandContext& ctx) { ctx.rb.Error(err::kClusterDisabled); }

// ---- MODULE -------------------------------------------------------------------------------

// keyshard loads no modules: LIST is empty. As in Redis, LOAD, LOADEX and UNLOAD are refused
// unless enable-module-command allows them; then LOAD fails (there is no module API to load
// into) and UNLOAD finds nothing.
bool ModuleAllowed(CommandContext& ctx) {
  std::string mode;
  {
    std::lock_guard lk(ctx.server.config_mu());
    mode = ctx.server.config().enable_module_command;
  }
  if (mode == "yes" || (mode == "local" && ctx.client.local)) return true;
  ctx.rb.Error(err::kModuleNotAllowed);
  return false;
}

void ModuleList(CommandContext& ctx) { ctx.rb.Array(0); }

void ModuleLoad(CommandContext& ctx) {
  if (!ModuleAllowed(ctx)) return;
  std::fprintf(stderr, "keyshard: Module %.*s failed to load: keyshard has no module API\n",
               static_cast<int>(ctx.arg(2).size()), ctx.arg(2).data());
  ctx.rb.Error(err::kModuleLoadFailed);
}

void ModuleUnload(CommandContext& ctx) {
  if (!ModuleAllowed(ctx)) return;
  ctx.rb.Error(err::kModuleUnloadFailed);
}

void ModuleHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LIST",
      "    Return a list of loaded modules.",
      "LOAD <path> [<arg> ...]",
      "    Load a module library from <path>, passing to it any optional arguments.",
      "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
      "    Load a module library from <path>, while passing it module configurations and optional arguments.",
      "UNLOAD <name>",
      "    Unload a module.",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

CommandSpec Sub(std::string_view name, int arity, std::string_view flags, std::string_view acl, std::string_view tips,
                CommandHandler h, std::string_view since, std::string_view summary, std::string_view complexity) {
  return {.name = name,
          .arity = arity,
          .flags = flags,
          .first_key = 0, .last_key = 0, .step = 0,
          .acl = acl,
          .tips = tips,
          .handler = h,
          .lock = LockMode::kSelf,
          .group = "server", .since = since,
          .summary = summary,
          .complexity = complexity};
}

constexpr std::string_view kAdminAcl = "@admin @slow @dangerous";
constexpr std::string_view kAdminFlags = "admin noscript loading stale";

}  // namespace

void RegisterAdminFamily(CommandRegistry& reg) {
  reg.Add({.name = "shutdown",
           .arity = -1,
           .flags = "admin noscript loading stale no_multi allow_busy",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = kAdminAcl,
           .handler = ShutdownCmd,
           .lock = LockMode::kSelf,
           .group = "server", .since = "1.0.0",
           .summary = "Synchronously saves the database(s) to disk and shuts down the server.",
           .complexity = "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)"});
  reg.Add(ContainerRow("slowlog", "server", "2.2.12", "A container for slow log commands.", {
      Sub("reset", 2, "admin loading stale", kAdminAcl, "request_policy:all_nodes response_policy:all_succeeded",
          SlowlogReset, "2.2.12", "Clears all entries from the slow log.",
          "O(N) where N is the number of entries in the slowlog"),
      Sub("get", -2, "admin loading stale", kAdminAcl, "request_policy:all_nodes nondeterministic_output",
          SlowlogGet, "2.2.12", "Returns the slow log's entries.", "O(N) where N is the number of entries returned"),
      Sub("len", 2, "admin loading stale", kAdminAcl,
          "request_policy:all_nodes response_policy:agg_sum nondeterministic_output", SlowlogLen, "2.2.12",
          "Returns the number of entries in the slow log.", "O(1)"),
      Sub("help", 2, "loading stale", "@slow", "", SlowlogHelp, "6.2.0", "Show helpful text about the different subcommands", "O(1)"),
  }));
  constexpr std::string_view kSpecial = "nondeterministic_output request_policy:all_nodes response_policy:special";
  reg.Add(ContainerRow("latency", "server", "2.8.13", "A container for latency diagnostics commands.", {
      Sub("graph", 3, kAdminFlags, kAdminAcl, kSpecial, LatencyGraphCmd, "2.8.13",
          "Returns a latency graph for an event.", "O(1)"),
      Sub("histogram", -2, kAdminFlags, kAdminAcl, kSpecial, LatencyHistogramCmd, "7.0.0",
          "Returns the cumulative distribution of latencies of a subset or all commands.",
          "O(N) where N is the number of commands with latency information being retrieved."),
      Sub("latest", 2, kAdminFlags, kAdminAcl, kSpecial, LatencyLatest, "2.8.13",
          "Returns the latest latency samples for all events.", "O(1)"),
      Sub("help", 2, "loading stale", "@slow", "", LatencyHelp, "2.8.13",
          "Returns helpful text about the different subcommands.", "O(1)"),
      Sub("history", 3, kAdminFlags, kAdminAcl, kSpecial, LatencyHistory, "2.8.13",
          "Returns timestamp-latency samples for an event.", "O(1)"),
      Sub("reset", -2, kAdminFlags, kAdminAcl, "request_policy:all_nodes response_policy:all_succeeded",
          LatencyReset, "2.8.13", "Resets the latency data for one or more events.", "O(1)"),
      Sub("doctor", 2, kAdminFlags, kAdminAcl, kSpecial, LatencyDoctor, "2.8.13",
          "Returns a human-readable latency analysis report.", "O(1)"),
  }));
  reg.Add({.name = "role",
           .arity = 1,
           .flags = "noscript loading stale fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@admin @fast @dangerous",
           .handler = Role,
           .lock = LockMode::kSelf,
           .group = "server", .since = "2.8.12",
           .summary = "Returns the replication role.",
           .complexity = "O(1)"});
  reg.Add({.name = "wait",
           .arity = 3,
           .flags = "noscript",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@slow @connection",
           .tips = "request_policy:all_shards response_policy:agg_min",
           .handler = Wait,
           .lock = LockMode::kSelf,
           .group = "generic", .since = "3.0.0",
           .summary = "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.",
           .complexity = "O(1)"});
  for (std::string_view name : {"readonly", "readwrite"})
    reg.Add({.name = name,
             .arity = 1,
             .flags = "loading stale fast",
             .first_key = 0, .last_key = 0, .step = 0,
             .acl = "@fast @connection",
             .handler = ClusterDisabled,
             .lock = LockMode::kSelf,
             .group = "cluster", .since = "3.0.0",
             .summary = name == "readonly" ? "Enables read-only queries for a connection to a Redis Cluster replica node."
                                           : "Enables read-write queries for a connection to a Redis Cluster replica node.",
             .complexity = "O(1)"});
  reg.Add({.name = "asking",
           .arity = 1,
           .flags = "fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @connection",
           .handler = ClusterDisabled,
           .lock = LockMode::kSelf,
           .group = "cluster", .since = "3.0.0",
           .summary = "Signals that a cluster client is following an -ASK redirect.",
           .complexity = "O(1)"});
  constexpr std::string_view kModuleFlags = "admin noscript no_async_loading";
  reg.Add(ContainerRow("module", "server", "4.0.0", "A container for module commands.", {
      Sub("loadex", -3, kModuleFlags, kAdminAcl, "", ModuleLoad, "7.0.0",
          "Loads a module using extended parameters.", "O(1)"),
      Sub("load", -3, kModuleFlags, kAdminAcl, "", ModuleLoad, "4.0.0", "Loads a module.", "O(1)"),
      Sub("list", 2, "admin noscript", kAdminAcl, "nondeterministic_output_order", ModuleList, "4.0.0",
          "Returns all loaded modules.", "O(N) where N is the number of loaded modules."),
      Sub("help", 2, "loading stale", "@slow", "", ModuleHelp, "5.0.0",
          "Returns helpful text about the different subcommands.", "O(1)"),
      Sub("unload", 3, kModuleFlags, kAdminAcl, "", ModuleUnload, "4.0.0", "Unloads a module.", "O(1)"),
  }));
}

}  // namespace ks
