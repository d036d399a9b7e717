// INFO [section ...]: Redis's field names for what keyshard measures, plus a "# Keyshard"
// section describing each engine.
#include <malloc.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "persistence/aof_log.h"
#include "server/persist/snapshots.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/families/memory_stats.h"
#include "server/families/server_cmds.h"

namespace ks {
namespace {

// INFO reports Redis's version so tools that gate on it work; see HELLO in connection_family.cc.
constexpr std::string_view kCompatVersion = "7.0.15";

enum Section : uint32_t {
  kServer = 1 << 0,
  kClients = 1 << 1,
  kMemory = 1 << 2,
  kStats = 1 << 3,
  kKeyspace = 1 << 4,
  kKeyshard = 1 << 5,
  kPersistence = 1 << 6,
  kAllSections = (1 << 7) - 1,
};

uint32_t ParseSections(CommandContext& ctx) {
  if (ctx.argc() == 1) return kAllSections;
  static const std::pair<std::string_view, uint32_t> kNames[] = {
      {"server", kServer},     {"clients", kClients},         {"memory", kMemory},
      {"stats", kStats},       {"keyspace", kKeyspace},       {"keyshard", kKeyshard},
      {"persistence", kPersistence},
      {"default", kAllSections}, {"all", kAllSections},       {"everything", kAllSections},
  };
  uint32_t s = 0;
  for (size_t i = 1; i < ctx.argc(); ++i)
    for (auto& [name, bit] : kNames)
      if (EqualsNoCase(ctx.arg(i), name)) s |= bit;
  return s;
}

void Field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(":").append(value).append("\r\n");
}
void Field(std::string& out, std::string_view name, int64_t value) { Field(out, name, std::to_string(value)); }

// Redis's bytesToHuman: "1.25M".
std::string Human(int64_t n) {
  static const char* kUnits[] = {"B", "K", "M", "G", "T", "P"};
  double d = static_cast<double>(n);
  int u = 0;
  while (d >= 1024 && u < 5) {
    d /= 1024;
    ++u;
  }
  char buf[64];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%lldB", static_cast<long long>(n));
  else
    std::snprintf(buf, sizeof buf, "%.2f%s", d, kUnits[u]);
  return buf;
}

// Bytes malloc has handed out (glibc's mallinfo2: small blocks plus mmapped ones).
int64_t UsedMemory() {
  struct mallinfo2 mi = mallinfo2();
  return static_cast<int64_t>(mi.uordblks + mi.hblkhd);
}

struct EngineCounts {
  int64_t keys = 0, expires = 0;
  EngineStats stats;
  std::array<std::pair<int64_t, int64_t>, kNumDbs> per_db{};  // keys, expires
};

std::vector<EngineCounts> CollectEngines(ShardSet& shards) {
  std::vector<EngineCounts> v(static_cast<size_t>(shards.size()));
  for (int i = 0; i < shards.size(); ++i) {
    Engine& e = shards.engine(i);
    EngineGuard lk(e);
    EngineCounts& c = v[static_cast<size_t>(i)];
    for (int d = 0; d < kNumDbs; ++d) {
      int64_t keys = static_cast<int64_t>(e.db(d).size());
      int64_t expires = static_cast<int64_t>(e.db(d).volatile_size());
      c.per_db[d] = {keys, expires};
      c.keys += keys;
      c.expires += expires;
    }
    c.stats = e.stats();
  }
  return v;
}

std::string BuildInfo(CommandContext& ctx, uint32_t sections) {
  ServerState& st = ctx.server;
  std::string out;
  auto header = [&](std::string_view title) {
    if (!out.empty()) out += "\r\n";
    out.append("# ").append(title).append("\r\n");
  };
  Config cfg;
  {
    std::lock_guard lk(st.config_mu());
    cfg = st.config();
  }
  int64_t now_ms = st.clock()->NowMs();
  std::vector<EngineCounts> engines;
  if (sections & (kStats | kKeyspace | kKeyshard)) engines = CollectEngines(st.shards());

  if (sections & kServer) {
    header("Server");
    Field(out, "redis_version", kCompatVersion);
    Field(out, "redis_mode", "standalone");
    struct utsname u;
    if (uname(&u) == 0) Field(out, "os", std::string(u.sysname) + " " + u.release + " " + u.machine);
    Field(out, "arch_bits", static_cast<int64_t>(sizeof(void*) * 8));
    Field(out, "multiplexing_api", "epoll");
    Field(out, "process_id", static_cast<int64_t>(getpid()));
    Field(out, "run_id", st.run_id());
    Field(out, "tcp_port", st.port().load());
    Field(out, "server_time_usec", now_ms * 1000);
    int64_t up = (now_ms - st.start_ms()) / 1000;
    Field(out, "uptime_in_seconds", up);
    Field(out, "uptime_in_days", up / 86400);
    Field(out, "hz", cfg.hz);
    Field(out, "configured_hz", cfg.hz);
  }
  if (sections & kClients) {
    header("Clients");
    std::vector<std::shared_ptr<ClientInfo>> clients = st.clients().Snapshot();
    int64_t blocked = 0;
    for (const auto& c : clients) blocked += c->blocked() ? 1 : 0;
    Field(out, "connected_clients", static_cast<int64_t>(clients.size()));
    Field(out, "maxclients", cfg.maxclients);
    Field(out, "blocked_clients", blocked);
  }
  if (sections & kMemory) {
    header("Memory");
    // used_memory is what maxmemory is held to: the engines' accounting plus the heap in use
    // at start-up (docs/ARCHITECTURE.md states how it compares with RSS).
    MemoryFigures m = CollectMemory(st);
    Field(out, "used_memory", m.used);
    Field(out, "used_memory_human", Human(m.used));
    Field(out, "used_memory_rss", m.rss);
    Field(out, "used_memory_rss_human", Human(m.rss));
    Field(out, "used_memory_startup", m.startup);
    Field(out, "used_memory_dataset", m.dataset);
    Field(out, "allocator_allocated", UsedMemory());
    Field(out, "maxmemory", cfg.maxmemory);
    Field(out, "maxmemory_human", Human(cfg.maxmemory));
    Field(out, "maxmemory_policy", cfg.maxmemory_policy);
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.2f", m.used ? static_cast<double>(m.rss) / static_cast<double>(m.used) : 0.0);
    Field(out, "mem_fragmentation_ratio", ratio);
    Field(out, "mem_fragmentation_bytes", m.rss - m.used);
    Field(out, "mem_allocator", "libc");
  }
  if (sections & kPersistence) {
    header("Persistence");
    Snapshots& snaps = st.snapshots();
    Snapshots::RdbStats& r = snaps.rdb();
    const bool rdb_running = snaps.running() && snaps.running_kind() == SnapshotJob::Kind::kRdb;
    const bool aof_running = snaps.running() && snaps.running_kind() == SnapshotJob::Kind::kAofBase;
    const int64_t running_secs = snaps.running() ? (now_ms - snaps.started_ms()) / 1000 : -1;
    Field(out, "loading", 0);
    Field(out, "async_loading", 0);
    // No fork: nothing is copied on write.
    Field(out, "current_cow_peak", 0);
    Field(out, "current_cow_size", 0);
    Field(out, "current_cow_size_age", 0);
    Field(out, "current_fork_perc", "0.00");
    Field(out, "current_save_keys_processed", 0);
    Field(out, "current_save_keys_total", 0);
    Field(out, "rdb_changes_since_last_save", static_cast<int64_t>(st.Dirty() - r.dirty_at_save.load()));
    Field(out, "rdb_bgsave_in_progress", rdb_running ? 1 : 0);
    Field(out, "rdb_last_save_time", r.last_save_sec.load());
    Field(out, "rdb_last_bgsave_status", r.last_bgsave_ok.load() ? "ok" : "err");
    Field(out, "rdb_last_bgsave_time_sec", r.last_bgsave_time_sec.load());
    Field(out, "rdb_current_bgsave_time_sec", rdb_running ? running_secs : -1);
    Field(out, "rdb_saves", static_cast<int64_t>(r.saves.load()));
    Field(out, "rdb_last_cow_size", 0);
    AofSet* aof = st.aof();
    Field(out, "aof_enabled", aof ? 1 : 0);
    Field(out, "aof_rewrite_in_progress", aof_running ? 1 : 0);
    Field(out, "aof_rewrite_scheduled", aof && aof->stats().rewrite_scheduled.load() ? 1 : 0);
    Field(out, "aof_last_rewrite_time_sec", aof ? aof->stats().last_rewrite_time_sec.load() : -1);
    Field(out, "aof_current_rewrite_time_sec", aof_running ? running_secs : -1);
    Field(out, "aof_last_bgrewrite_status", !aof || aof->stats().last_rewrite_ok.load() ? "ok" : "err");
    Field(out, "aof_rewrites", aof ? static_cast<int64_t>(aof->stats().rewrites.load()) : 0);
    Field(out, "aof_last_write_status", !aof || aof->stats().last_write_ok.load() ? "ok" : "err");
    Field(out, "aof_last_cow_size", 0);
    Field(out, "module_fork_in_progress", 0);
    Field(out, "module_fork_last_cow_size", 0);
    if (aof) {
      Field(out, "aof_current_size", static_cast<int64_t>(aof->CurrentSize()));
      Field(out, "aof_base_size", static_cast<int64_t>(aof->BaseSize()));
      Field(out, "aof_pending_rewrite", aof->stats().rewrite_scheduled.load() ? 1 : 0);
    }
  }
  if (sections & kStats) {
    header("Stats");
    ServerStats& s = st.stats();
    EngineStats sum;
    for (auto& e : engines) {
      sum.expired_keys += e.stats.expired_keys;
      sum.evicted_keys += e.stats.evicted_keys;
      sum.keyspace_hits += e.stats.keyspace_hits;
      sum.keyspace_misses += e.stats.keyspace_misses;
    }
    auto u = [](uint64_t v) { return static_cast<int64_t>(v); };
    Field(out, "total_connections_received", u(s.connections_received.load()));
    Field(out, "total_commands_processed", u(s.Sum(&ThreadCounters::commands)));
    Field(out, "total_net_input_bytes", u(s.Sum(&ThreadCounters::net_input_bytes)));
    Field(out, "total_net_output_bytes", u(s.Sum(&ThreadCounters::net_output_bytes)));
    Field(out, "rejected_connections", u(s.rejected_connections.load()));
    Field(out, "expired_keys", u(sum.expired_keys));
    Field(out, "evicted_keys", u(sum.evicted_keys));
    Field(out, "keyspace_hits", u(sum.keyspace_hits));
    Field(out, "keyspace_misses", u(sum.keyspace_misses));
  }
  if (sections & kKeyspace) {
    header("Keyspace");
    for (int d = 0; d < kNumDbs; ++d) {
      int64_t keys = 0, expires = 0;
      for (auto& e : engines) {
        keys += e.per_db[d].first;
        expires += e.per_db[d].second;
      }
      // avg_ttl is not sampled by keyshard's expiry cycle; 0 is Redis's "unknown".
      if (keys)
        Field(out, "db" + std::to_string(d),
              "keys=" + std::to_string(keys) + ",expires=" + std::to_string(expires) + ",avg_ttl=0");
    }
  }
  if (sections & kKeyshard) {
    header("Keyshard");
    MemoryFigures m = CollectMemory(st);
    Field(out, "engines", static_cast<int64_t>(engines.size()));
    for (size_t i = 0; i < engines.size(); ++i) {
      const EngineCounts& e = engines[i];
      Field(out, "engine" + std::to_string(i),
            "keys=" + std::to_string(e.keys) + ",expires=" + std::to_string(e.expires) +
                ",hits=" + std::to_string(e.stats.keyspace_hits) + ",misses=" + std::to_string(e.stats.keyspace_misses) +
                ",expired=" + std::to_string(e.stats.expired_keys) + ",evicted=" + std::to_string(e.stats.evicted_keys) +
                ",used_memory=" + std::to_string(m.engines[i].used) + ",maxmemory=" + std::to_string(m.engines[i].maxmemory) +
                ",maxmemory_policy=" + std::string(PolicyName(m.engines[i].policy)));
    }
  }
  return out;
}

void Info(CommandContext& ctx) { ctx.rb.Verbatim(BuildInfo(ctx, ParseSections(ctx))); }

}  // namespace

void RegisterInfoCommand(CommandRegistry& reg) {
  reg.Add({.name = "info",
           .arity = -1,
           .flags = "loading stale",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@slow @dangerous",
           .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
           .handler = Info,
           .lock = LockMode::kSelf,
           .group = "server", .since = "1.0.0",
           .summary = "Returns server information and statistics, by section.",
           .complexity = "O(1)"});
}

}  // namespace ks
