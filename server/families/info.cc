// INFO [section ...]: every section of Redis 7.0 with its field names, plus a "# Keyshard"
// section describing each engine. This file parses the section names and builds the
// server, clients, memory, persistence and stats sections; the others are in
// info_sections.cc.
#include <malloc.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "persistence/aof_log.h"
#include "server/blocking/blocking.h"
#include "server/core/command_context.h"
#include "server/pubsub/pubsub.h"
#include "server/pubsub/tracking.h"
#include "server/core/command_registry.h"
#include "server/families/info_format.h"
#include "server/families/info_sections.h"
#include "server/families/memory_stats.h"
#include "server/families/server_cmds.h"
#include "server/persist/snapshots.h"

namespace ks {

using info::Field;
using info::FieldF;
using info::FieldU;
using info::Human;

namespace {

// INFO reports Redis's version so tools that gate on it work; see HELLO in connection_family.cc.
constexpr std::string_view kCompatVersion = "7.0.15";

enum Section : uint32_t {
  kServer = 1 << 0,
  kClients = 1 << 1,
  kMemory = 1 << 2,
  kPersistence = 1 << 3,
  kStats = 1 << 4,
  kReplication = 1 << 5,
  kCpu = 1 << 6,
  kModules = 1 << 7,
  kCommandStats = 1 << 8,
  kErrorStats = 1 << 9,
  kLatencyStats = 1 << 10,
  kCluster = 1 << 11,
  kKeyspace = 1 << 12,
  kKeyshard = 1 << 13,
  // Redis 7.0's sets: "default" leaves out commandstats and latencystats; "all" has every
  // section; "everything" adds the sections modules generate (there are none).
  kDefault = kServer | kClients | kMemory | kPersistence | kStats | kReplication | kCpu | kModules | kErrorStats |
             kCluster | kKeyspace | kKeyshard,
  kAll = kDefault | kCommandStats | kLatencyStats,
};

uint32_t ParseSections(CommandContext& ctx) {
  if (ctx.argc() == 1) return kDefault;
  static const std::pair<std::string_view, uint32_t> kNames[] = {
      {"server", kServer},           {"clients", kClients},           {"memory", kMemory},
      {"persistence", kPersistence}, {"stats", kStats},               {"replication", kReplication},
      {"cpu", kCpu},                 {"modules", kModules},           {"commandstats", kCommandStats},
      {"errorstats", kErrorStats},   {"latencystats", kLatencyStats}, {"cluster", kCluster},
      {"keyspace", kKeyspace},       {"keyshard", kKeyshard},         {"default", kDefault},
      {"all", kAll},                 {"everything", kAll},
  };
  uint32_t s = 0;
  for (size_t i = 1; i < ctx.argc(); ++i)
    for (auto& [name, bit] : kNames)
      if (EqualsNoCase(ctx.arg(i), name)) s |= bit;
  return s;
}

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

std::string ExecutablePath() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string BuildInfo(CommandContext& ctx, uint32_t sections) {
  InfoInput in{ctx.server, {}, ctx.NowMs(), {}};
  {
    std::lock_guard lk(ctx.server.config_mu());
    in.cfg = ctx.server.config();
  }
  if (sections & (kStats | kKeyspace | kKeyshard)) in.engines = CollectEngines(ctx.server.shards());
  std::string out;
  struct Part {
    Section bit;
    std::string_view title;
    void (*fill)(std::string&, InfoInput&);
  };
  static constexpr Part kParts[] = {
      {kServer, "Server", InfoServer},
      {kClients, "Clients", InfoClients},
      {kMemory, "Memory", InfoMemory},
      {kPersistence, "Persistence", InfoPersistence},
      {kStats, "Stats", InfoStats},
      {kReplication, "Replication", InfoReplication},
      {kCpu, "CPU", InfoCpu},
      {kModules, "Modules", nullptr},  // no module is ever loaded: the header alone, as Redis
      {kCommandStats, "Commandstats", InfoCommandStats},
      {kErrorStats, "Errorstats", InfoErrorStats},
      {kLatencyStats, "Latencystats", InfoLatencyStats},
      {kCluster, "Cluster", InfoCluster},
      {kKeyspace, "Keyspace", InfoKeyspace},
      {kKeyshard, "Keyshard", InfoKeyshard},
  };
  for (const Part& p : kParts) {
    if (!(sections & p.bit)) continue;
    if (!out.empty()) out += "\r\n";
    out.append("# ").append(p.title).append("\r\n");
    if (p.fill) p.fill(out, in);
  }
  return out;
}

void Info(CommandContext& ctx) { ctx.rb.Verbatim(BuildInfo(ctx, ParseSections(ctx))); }

}  // namespace

void InfoServer(std::string& out, InfoInput& in) {
  ServerState& st = in.st;
  Field(out, "redis_version", kCompatVersion);
  Field(out, "redis_git_sha1", "00000000");
  Field(out, "redis_git_dirty", 0);
  Field(out, "redis_build_id", "6b65797368617264");  // "keyshard" in hex
  Field(out, "redis_mode", "standalone");
  struct utsname u;
  if (uname(&u) == 0) Field(out, "os", std::string(u.sysname) + " " + u.release + " " + u.machine);
  Field(out, "arch_bits", static_cast<int64_t>(sizeof(void*) * 8));
  Field(out, "monotonic_clock", "POSIX clock_gettime");
  Field(out, "multiplexing_api", "epoll");
  Field(out, "atomicvar_api", "c11-builtin");
  Field(out, "gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                                std::to_string(__GNUC_PATCHLEVEL__));
  Field(out, "process_id", static_cast<int64_t>(getpid()));
  Field(out, "process_supervised", "no");
  Field(out, "run_id", st.run_id());
  Field(out, "tcp_port", st.port().load());
  Field(out, "server_time_usec", in.now_ms * 1000);
  int64_t up = (in.now_ms - st.start_ms()) / 1000;
  Field(out, "uptime_in_seconds", up);
  Field(out, "uptime_in_days", up / 86400);
  Field(out, "hz", in.cfg.hz);
  Field(out, "configured_hz", in.cfg.hz);
  Field(out, "lru_clock", (in.now_ms / 1000) & ((1 << 24) - 1));  // Redis's LRU_CLOCK_MAX
  Field(out, "executable", ExecutablePath());
  Field(out, "config_file", st.config_path());
  Field(out, "io_threads_active", 0);
}

void InfoClients(std::string& out, InfoInput& in) {
  std::vector<std::shared_ptr<ClientInfo>> clients = in.st.clients().Snapshot();
  int64_t blocked = 0, with_timeout = 0;
  uint64_t max_in = 0, max_out = 0;
  for (const auto& c : clients) {
    if (auto b = c->blocked()) {
      ++blocked;
      with_timeout += b->timeout_ms > 0 ? 1 : 0;
    } else if (c->remote_block_state() == kRemoteBlocked) {
      // Blocked through keyshard on a remote shard: a blocked client here too, as in Redis.
      ++blocked;
      with_timeout += c->remote_block_timeout.load(std::memory_order_relaxed) ? 1 : 0;
    }
    max_in = std::max(max_in, c->query_buf_bytes.load(std::memory_order_relaxed));
    max_out = std::max(max_out, c->output_buf_bytes.load(std::memory_order_relaxed));
  }
  Field(out, "connected_clients", static_cast<int64_t>(clients.size()));
  Field(out, "cluster_connections", 0);
  Field(out, "maxclients", in.cfg.maxclients);
  FieldU(out, "client_recent_max_input_buffer", max_in);
  FieldU(out, "client_recent_max_output_buffer", max_out);
  Field(out, "blocked_clients", blocked);
  Field(out, "tracking_clients", in.st.tracking().clients());
  Field(out, "clients_in_timeout_table", with_timeout);
}

void InfoMemory(std::string& out, InfoInput& in) {
  // used_memory is what maxmemory is held to: the engines' accounting plus the heap in use
  // at start-up (docs/ARCHITECTURE.md states how it compares with RSS).
  MemoryFigures m = CollectMemory(in.st);
  const int64_t peak = in.st.NotePeakMemory(m.used);
  struct mallinfo2 mi = mallinfo2();
  const int64_t allocated = static_cast<int64_t>(mi.uordblks + mi.hblkhd);
  const int64_t active = static_cast<int64_t>(mi.arena + mi.hblkhd);  // obtained from the OS
  const int64_t resident = m.rss;
  int64_t client_bufs = 0;
  for (const auto& c : in.st.clients().Snapshot())
    client_bufs += static_cast<int64_t>(c->query_buf_bytes.load(std::memory_order_relaxed) +
                                        c->output_buf_bytes.load(std::memory_order_relaxed));
  const int64_t overhead = m.startup + client_bufs;
  const int64_t dataset = std::max<int64_t>(0, m.used - overhead);
  auto ratio = [](int64_t a, int64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  long pages = sysconf(_SC_PHYS_PAGES);
  const int64_t system_memory = static_cast<int64_t>(pages) * sysconf(_SC_PAGESIZE);
  Field(out, "used_memory", m.used);
  Field(out, "used_memory_human", Human(m.used));
  Field(out, "used_memory_rss", m.rss);
  Field(out, "used_memory_rss_human", Human(m.rss));
  Field(out, "used_memory_peak", peak);
  Field(out, "used_memory_peak_human", Human(peak));
  FieldF(out, "used_memory_peak_perc", "%.2f%%", ratio(m.used, peak) * 100);
  Field(out, "used_memory_overhead", overhead);
  Field(out, "used_memory_startup", m.startup);
  Field(out, "used_memory_dataset", dataset);
  FieldF(out, "used_memory_dataset_perc", "%.2f%%", ratio(dataset, m.used - m.startup) * 100);
  Field(out, "allocator_allocated", allocated);
  Field(out, "allocator_active", active);
  Field(out, "allocator_resident", resident);
  Field(out, "total_system_memory", system_memory);
  Field(out, "total_system_memory_human", Human(system_memory));
  // No scripting engine or function library is loaded here.
  for (std::string_view f : {"used_memory_lua", "used_memory_vm_eval"}) Field(out, f, 0);
  Field(out, "used_memory_lua_human", Human(0));
  for (std::string_view f : {"used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions",
                             "number_of_libraries", "used_memory_vm_functions", "used_memory_vm_total"})
    Field(out, f, 0);
  Field(out, "used_memory_vm_total_human", Human(0));
  Field(out, "used_memory_functions", 0);
  Field(out, "used_memory_scripts", 0);
  Field(out, "used_memory_scripts_human", Human(0));
  Field(out, "maxmemory", in.cfg.maxmemory);
  Field(out, "maxmemory_human", Human(in.cfg.maxmemory));
  Field(out, "maxmemory_policy", in.cfg.maxmemory_policy);
  FieldF(out, "allocator_frag_ratio", "%.2f", ratio(active, allocated));
  Field(out, "allocator_frag_bytes", active - allocated);
  FieldF(out, "allocator_rss_ratio", "%.2f", ratio(resident, active));
  Field(out, "allocator_rss_bytes", resident - active);
  FieldF(out, "rss_overhead_ratio", "%.2f", ratio(m.rss, resident));
  Field(out, "rss_overhead_bytes", m.rss - resident);
  FieldF(out, "mem_fragmentation_ratio", "%.2f", ratio(m.rss, m.used));
  Field(out, "mem_fragmentation_bytes", m.rss - m.used);
  Field(out, "mem_not_counted_for_evict", 0);
  Field(out, "mem_replication_backlog", 0);
  Field(out, "mem_total_replication_buffers", 0);
  Field(out, "mem_clients_slaves", 0);
  Field(out, "mem_clients_normal", client_bufs);
  Field(out, "mem_cluster_links", 0);
  Field(out, "mem_aof_buffer", 0);
  Field(out, "mem_allocator", "libc");
  Field(out, "active_defrag_running", 0);
  Field(out, "lazyfree_pending_objects", 0);
  Field(out, "lazyfreed_objects", 0);
}

void InfoPersistence(std::string& out, InfoInput& in) {
  ServerState& st = in.st;
  Snapshots& snaps = st.snapshots();
  Snapshots::RdbStats& r = snaps.rdb();
  const bool rdb_running = snaps.running() && snaps.running_kind() == SnapshotJob::Kind::kRdb;
  const bool aof_running = snaps.running() && snaps.running_kind() == SnapshotJob::Kind::kAofBase;
  const int64_t running_secs = snaps.running() ? (in.now_ms - snaps.started_ms()) / 1000 : -1;
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
  Field(out, "rdb_last_load_keys_expired", st.rdb_keys_expired().load());
  Field(out, "rdb_last_load_keys_loaded", st.rdb_keys_loaded().load());
  AofSet* aof = st.aof();
  Field(out, "aof_enabled", aof ? 1 : 0);
  Field(out, "aof_rewrite_in_progress", aof_running ? 1 : 0);
  Field(out, "aof_rewrite_scheduled", aof && aof->stats().rewrite_scheduled.load() ? 1 : 0);
  Field(out, "aof_last_rewrite_time_sec", aof ? aof->stats().last_rewrite_time_sec.load() : -1);
  Field(out, "aof_current_rewrite_time_sec", aof_running ? running_secs : -1);
  Field(out, "aof_last_bgrewrite_status", !aof || aof->stats().last_rewrite_ok.load() ? "ok" : "err");
  Field(out, "aof_rewrites", aof ? static_cast<int64_t>(aof->stats().rewrites.load()) : 0);
  Field(out, "aof_rewrites_consecutive_failures", aof && !aof->stats().last_rewrite_ok.load() ? 1 : 0);
  Field(out, "aof_last_write_status", !aof || aof->stats().last_write_ok.load() ? "ok" : "err");
  Field(out, "aof_last_cow_size", 0);
  Field(out, "module_fork_in_progress", 0);
  Field(out, "module_fork_last_cow_size", 0);
  if (aof) {
    Field(out, "aof_current_size", static_cast<int64_t>(aof->CurrentSize()));
    Field(out, "aof_base_size", static_cast<int64_t>(aof->BaseSize()));
    Field(out, "aof_pending_rewrite", aof->stats().rewrite_scheduled.load() ? 1 : 0);
    // Each command's log bytes are written before its reply: nothing stays buffered.
    Field(out, "aof_buffer_length", 0);
    Field(out, "aof_pending_bio_fsync", 0);
    Field(out, "aof_delayed_fsync", 0);
  }
}

void InfoStats(std::string& out, InfoInput& in) {
  ServerState& st = in.st;
  ServerStats& s = st.stats();
  EngineStats sum;
  for (auto& e : in.engines) {
    sum.expired_keys += e.stats.expired_keys;
    sum.evicted_keys += e.stats.evicted_keys;
    sum.keyspace_hits += e.stats.keyspace_hits;
    sum.keyspace_misses += e.stats.keyspace_misses;
  }
  InstantMetrics& im = st.instant_metrics();
  FieldU(out, "total_connections_received", s.connections_received.load());
  FieldU(out, "total_commands_processed", s.Sum(&ThreadCounters::commands));
  Field(out, "instantaneous_ops_per_sec", static_cast<int64_t>(im.Rate(InstantMetrics::kOps)));
  FieldU(out, "total_net_input_bytes", s.Sum(&ThreadCounters::net_input_bytes));
  FieldU(out, "total_net_output_bytes", s.Sum(&ThreadCounters::net_output_bytes));
  Field(out, "total_net_repl_input_bytes", 0);
  Field(out, "total_net_repl_output_bytes", 0);
  FieldF(out, "instantaneous_input_kbps", "%.2f", im.Rate(InstantMetrics::kNetInput) / 1024);
  FieldF(out, "instantaneous_output_kbps", "%.2f", im.Rate(InstantMetrics::kNetOutput) / 1024);
  Field(out, "instantaneous_input_repl_kbps", "0.00");
  Field(out, "instantaneous_output_repl_kbps", "0.00");
  FieldU(out, "rejected_connections", s.rejected_connections.load());
  for (std::string_view f : {"sync_full", "sync_partial_ok", "sync_partial_err"}) Field(out, f, 0);
  FieldU(out, "expired_keys", sum.expired_keys);
  Field(out, "expired_stale_perc", "0.00");
  Field(out, "expired_time_cap_reached_count", 0);
  Field(out, "expire_cycle_cpu_milliseconds", 0);
  FieldU(out, "evicted_keys", sum.evicted_keys);
  Field(out, "evicted_clients", 0);
  Field(out, "total_eviction_exceeded_time", 0);
  Field(out, "current_eviction_exceeded_time", 0);
  FieldU(out, "keyspace_hits", sum.keyspace_hits);
  FieldU(out, "keyspace_misses", sum.keyspace_misses);
  Field(out, "pubsub_channels", std::to_string(st.pubsub().ChannelCount(ChannelKind::kGlobal)));
  Field(out, "pubsub_patterns", std::to_string(st.pubsub().NumPat()));
  Field(out, "pubsubshard_channels", std::to_string(st.pubsub().ChannelCount(ChannelKind::kShard)));
  // No fork, no migrate cache, no replicas, no defragmentation: Redis's names, always 0.
  for (std::string_view f : {"latest_fork_usec", "total_forks", "migrate_cached_sockets", "slave_expires_tracked_keys",
                             "active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits",
                             "active_defrag_key_misses", "total_active_defrag_time", "current_active_defrag_time"})
    Field(out, f, 0);
  Field(out, "tracking_total_keys", st.tracking().total_keys());
  Field(out, "tracking_total_items", st.tracking().total_items());
  Field(out, "tracking_total_prefixes", st.tracking().total_prefixes());
  Field(out, "unexpected_error_replies", 0);
  FieldU(out, "total_error_replies", st.command_stats().total_error_replies());
  Field(out, "dump_payload_sanitizations", 0);
  FieldU(out, "total_reads_processed", s.Sum(&ThreadCounters::reads));
  FieldU(out, "total_writes_processed", s.Sum(&ThreadCounters::writes));
  Field(out, "io_threaded_reads_processed", 0);
  Field(out, "io_threaded_writes_processed", 0);
  Field(out, "reply_buffer_shrinks", 0);
  Field(out, "reply_buffer_expands", 0);
}

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
