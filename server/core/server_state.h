#pragma once
// ServerState: what all connections share: the engines, the command table, run-time
// configuration, counters and the client registry. Passed down to every command.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/random.h"
#include "routing/shard_set.h"
#include "server/core/client_pause.h"
#include "server/core/client_state.h"
#include "server/core/command_registry.h"
#include "server/core/command_stats.h"
#include "server/core/instant_metrics.h"
#include "server/core/latency_monitor.h"
#include "server/core/slowlog.h"
#include "server/core/config.h"
#include "server/core/keyspace_events.h"

namespace ks {

class AofSet;
class PubSub;
class NoteQueue;
class Tracking;
class EngineHooks;
class Resharder;
class Snapshots;
class Scripting;
class RemoteShards;

// What the dispatcher answers while a script runs past busy-reply-threshold.
enum class ScriptBusy : uint8_t { kNo, kEval, kFunction };
class WatchRegistry;

// A counter per I/O thread, so the hot path never shares a cache line between threads.
struct alignas(64) ThreadCounters {
  std::atomic<uint64_t> commands{0};
  std::atomic<uint64_t> net_input_bytes{0};
  std::atomic<uint64_t> net_output_bytes{0};
  std::atomic<uint64_t> error_replies{0};
  std::atomic<uint64_t> dirty{0};  // keys changed by write commands (Redis's server.dirty)
  std::atomic<uint64_t> reads{0};   // socket reads (total_reads_processed)
  std::atomic<uint64_t> writes{0};  // socket writes (total_writes_processed)

  // Adds n to a counter only this thread writes (commands, net bytes): a plain load and store,
  // without the locked read-modify-write of fetch_add that the hot path would pay per command.
  // A CONFIG RESETSTAT racing with it can leave a few counts from before the reset.
  static void AddOwn(std::atomic<uint64_t>& c, uint64_t n) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
};

struct ServerStats {
  static constexpr int kMaxThreads = 256;
  std::array<ThreadCounters, kMaxThreads> per_thread;
  std::atomic<uint64_t> connections_received{0};
  std::atomic<uint64_t> rejected_connections{0};
  // Clients closed for passing their client-output-buffer-limit.
  std::atomic<uint64_t> obuf_limit_disconnections{0};

  uint64_t Sum(std::atomic<uint64_t> ThreadCounters::*field) const {
    uint64_t s = 0;
    for (const auto& t : per_thread) s += (t.*field).load(std::memory_order_relaxed);
    return s;
  }
};

class ClientRegistry {
 public:
  uint64_t NextId() { return next_id_.fetch_add(1) + 1; }
  void Add(std::shared_ptr<ClientInfo> c);
  void Remove(uint64_t id);
  std::vector<std::shared_ptr<ClientInfo>> Snapshot() const;
  size_t size() const;
  std::shared_ptr<ClientInfo> Find(uint64_t id) const;

 private:
  std::atomic<uint64_t> next_id_{0};
  mutable std::mutex mu_;
  std::map<uint64_t, std::shared_ptr<ClientInfo>> clients_;
};

// Options read on hot paths, copied out of Config so commands need no lock to read them.
// CONFIG SET republishes them.
struct HotLimits {
  std::atomic<int64_t> proto_max_bulk_len{0};
  std::atomic<int64_t> client_query_buffer_limit{0};
  std::atomic<int64_t> tcp_keepalive{0};
  std::atomic<int64_t> maxclients{0};
  std::atomic<bool> requirepass_set{false};  // a new connection starts unauthenticated
  std::atomic<bool> protected_mode{true};
  std::atomic<bool> rdbcompression{false};   // DUMP compresses
  std::atomic<int64_t> list_max_listpack_size{0};
  std::atomic<int64_t> hash_max_listpack_entries{0};
  std::atomic<int64_t> hash_max_listpack_value{0};
  std::atomic<int64_t> set_max_intset_entries{0};
  std::atomic<int64_t> zset_max_listpack_entries{0};
  std::atomic<int64_t> zset_max_listpack_value{0};
  std::atomic<int64_t> busy_reply_threshold{0};  // ms
  std::atomic<int64_t> hll_sparse_max_bytes{0};
  std::atomic<int64_t> stream_node_max_bytes{0};
  std::atomic<int64_t> stream_node_max_entries{0};
  // Whether any engine has a memory budget: the one load the dispatcher pays for eviction.
  std::atomic<bool> memory_limited{false};
  // Per-command monitoring, read after every command.
  std::atomic<int64_t> slowlog_log_slower_than{0};
  std::atomic<int64_t> slowlog_max_len{0};
  std::atomic<int64_t> latency_monitor_threshold{0};
  std::atomic<bool> latency_tracking{false};
  // notify-keyspace-events as NotifyClass bits (server/pubsub/notifications.h).
  std::atomic<uint32_t> notify_flags{0};
  std::atomic<int64_t> tracking_table_max_keys{0};
  // client-output-buffer-limit per ClientClass: hard and soft bytes, soft seconds.
  std::atomic<int64_t> obuf_hard[3] = {0, 0, 0};
  std::atomic<int64_t> obuf_soft[3] = {0, 0, 0};
  std::atomic<int64_t> obuf_soft_seconds[3] = {0, 0, 0};

  int64_t get(const std::atomic<int64_t>& v) const { return v.load(std::memory_order_relaxed); }
};

static_assert(RandomSource::kMaxThreads == ServerStats::kMaxThreads);

class ServerState {
 public:
  ServerState(Config config, const Clock* clock);
  ~ServerState();

  Config& config() { return config_; }  // read-mostly; CONFIG SET holds config_mu()
  std::mutex& config_mu() { return config_mu_; }
  const HotLimits& limits() const { return limits_; }
  // Copies config() into limits(); call with config_mu() held after changing options.
  void PublishLimits();
  // Gives each engine its budget and policy from c: (maxmemory - startup_bytes) / shards each
  // (maxmemory 0: unlimited),
  // unless proxy.toml's [engine.N] overrides it. Locks engines one at a time; call without
  // config_mu() held (handlers take config_mu() under engine locks).
  void ApplyMemoryPolicies(const Config& c);
  ShardSet& shards() { return shards_; }
  const CommandRegistry& commands() const { return commands_; }
  ServerStats& stats() { return stats_; }
  ClientRegistry& clients() { return clients_; }
  // The one random source of commands that pick at random, seeded from std::random_device;
  // tests seed it (random_source().Seed) to make picks repeatable.
  RandomSource& random_source() { return random_; }
  // A generator for one command run by I/O thread `thread` (ClientState::thread_index).
  Rng random(int thread) { return random_.ForThread(thread); }
  const Clock* clock() const { return clock_; }
  int64_t start_ms() const { return start_ms_; }
  // Heap bytes in use when the server was built, before any data (Redis's used_memory_startup);
  // used_memory is this plus the engines' figures.
  int64_t startup_bytes() const { return startup_bytes_; }
  // Address the server listens on, once known.
  std::atomic<int>& port() { return port_; }
  void set_run_id(std::string id) { run_id_ = std::move(id); }
  const std::string& run_id() const { return run_id_; }
  // The append-only logs while appendonly is on, else null (persistence/aof_log.h).
  AofSet* aof() const { return aof_.load(std::memory_order_acquire); }
  void set_aof(AofSet* a) { aof_.store(a, std::memory_order_release); }
  // CONFIG SET appendonly: turns the logs on (opening them and writing a base of what the
  // engines hold, with every engine locked at the switch) or off. Returns the error.
  std::optional<std::string> SetAppendOnly(bool on);
  // The "key modified" listeners (server/core/keyspace_events.h).
  KeyspaceEvents& keyspace_events() { return keyspace_events_; }
  // WATCH's registry (server/multi/watch_registry.h), one of those listeners.
  WatchRegistry& watches() { return *watches_; }
  // Taken by scripts before any engine lock, and by EXEC when its queue holds a script
  // (ScriptLockFor in server/core/executor.h).
  std::mutex& script_mu() { return script_mu_; }
  // Channels, patterns and their subscribers (server/pubsub/pubsub.h).
  PubSub& pubsub() { return *pubsub_; }
  // Keyspace events the engines raised themselves (expired, evicted), published by whoever
  // unlocks next: PublishEngineNotes, after the unlock.
  NoteQueue& engine_notes() { return *engine_notes_; }
  // Also delivers the invalidations client tracking owes (server/pubsub/tracking.h).
  void PublishEngineNotes();
  // Client-side caching's tracking table (server/pubsub/tracking.h).
  Tracking& tracking() { return *tracking_; }
  // Each engine's observer (server/engine_hooks.h).
  EngineHooks& hooks(int engine) { return *hooks_[engine]; }
  // RDB snapshots and AOF bases in the background (server/snapshots.h).
  Snapshots& snapshots() { return *snapshots_; }
  // Live slot moves between engines (server/resharding/resharder.h).
  Resharder& resharder() { return *resharder_; }
  // Remote shards (server/core/remote_shards.h): names from the configuration, in order
  // (remote i is ShardId::Remote(i)); the network side, set once at start-up, or null.
  const std::vector<std::string>& remote_names() const { return remote_names_; }
  RemoteShards* remotes() const { return remotes_; }
  void set_remotes(RemoteShards* r) { remotes_ = r; }
  // Changes since start-up, an approximation of Redis's server.dirty: the keys each
  // write command named.
  uint64_t Dirty() const { return stats_.Sum(&ThreadCounters::dirty); }
  // stop-writes-on-bgsave-error is on, save points are set and the last background save
  // failed: Redis's writeCommandsDeniedByDiskError for RDB.
  bool WritesStoppedByDiskError();
  // Lua scripts and functions (server/scripting/scripting.h).
  Scripting& scripting() { return *scripting_; }
  // Set while a script has run past busy-reply-threshold: other clients then get BUSY.
  std::atomic<ScriptBusy>& script_busy() { return script_busy_; }

  // Per-command statistics (INFO commandstats/errorstats/latencystats, LATENCY HISTOGRAM).
  CommandStats& command_stats() { return *command_stats_; }
  SlowLog& slowlog() { return slowlog_; }
  LatencyMonitor& latency() { return latency_; }
  ClientPause& pause() { return pause_; }
  // Set by the network layer: returns once every I/O thread but `except` (-1: none) has
  // finished what it was running, so a command decided before a pause is not still in flight.
  void set_quiesce(std::function<void(int except)> f) { quiesce_ = std::move(f); }
  void QuiesceIoThreads(int except) {
    if (quiesce_) quiesce_(except);
  }
  // Set by main: stops the I/O threads, after which main exits (SHUTDOWN, SIGTERM).
  void set_stop_server(std::function<void()> f) { stop_server_ = std::move(f); }
  void StopServer() {
    if (stop_server_) stop_server_();
  }
  // True once a shutdown prepared the data (saved, logs synced): main exits without more.
  std::atomic<bool>& shutdown_prepared() { return shutdown_prepared_; }
  std::mutex& shutdown_mu() { return shutdown_mu_; }  // one shutdown at a time
  // DEBUG SET-ACTIVE-EXPIRE: whether the housekeeper runs the active expiry cycle.
  std::atomic<bool>& active_expire() { return active_expire_; }
  // DEBUG REPLYBUFFER RESIZING: whether connections give back a grown reply buffer.
  std::atomic<bool>& reply_buffer_resizing() { return reply_buffer_resizing_; }
  // Replication identity (ROLE, INFO replication, DEBUG CHANGE-REPL-ID).
  std::string replid() {
    std::lock_guard lk(replid_mu_);
    return replid_;
  }
  void ChangeReplId();
  // CPU time of the main thread (the one that built the state), for INFO cpu.
  int main_thread_tid() const { return main_tid_; }
  // The config file keyshard was started with (INFO config_file, CONFIG REWRITE); empty if none.
  void set_config_path(std::string p) { config_path_ = std::move(p); }
  const std::string& config_path() const { return config_path_; }
  InstantMetrics& instant_metrics() { return instant_; }
  // Highest used_memory seen (INFO used_memory_peak); raised by whoever measures.
  int64_t NotePeakMemory(int64_t used) {
    int64_t p = peak_memory_.load(std::memory_order_relaxed);
    while (used > p && !peak_memory_.compare_exchange_weak(p, used)) {
    }
    return std::max(p, used);
  }
  // What the RDB load at start-up found (INFO rdb_last_load_keys_loaded/expired).
  std::atomic<int64_t>& rdb_keys_loaded() { return rdb_keys_loaded_; }
  std::atomic<int64_t>& rdb_keys_expired() { return rdb_keys_expired_; }

 private:
  Config config_;
  std::mutex config_mu_;
  HotLimits limits_;
  const Clock* clock_;
  ShardSet shards_;
  CommandRegistry commands_;
  ServerStats stats_;
  ClientRegistry clients_;
  RandomSource random_;
  int64_t start_ms_;
  int64_t startup_bytes_ = 0;
  std::atomic<int> port_{0};
  std::string run_id_;
  std::atomic<AofSet*> aof_{nullptr};
  KeyspaceEvents keyspace_events_;
  std::unique_ptr<WatchRegistry> watches_;
  std::mutex script_mu_;
  std::unique_ptr<PubSub> pubsub_;
  std::unique_ptr<NoteQueue> engine_notes_;
  std::unique_ptr<Tracking> tracking_;
  std::vector<std::unique_ptr<EngineHooks>> hooks_;
  // Logs opened by CONFIG SET appendonly yes. Kept until exit even when turned off: a
  // command may still hold a pointer to one.
  std::vector<std::unique_ptr<AofSet>> aof_sets_;
  std::unique_ptr<CommandStats> command_stats_;
  SlowLog slowlog_;
  LatencyMonitor latency_;
  ClientPause pause_;
  std::function<void(int)> quiesce_;
  std::function<void()> stop_server_;
  std::atomic<bool> shutdown_prepared_{false};
  std::mutex shutdown_mu_;
  std::atomic<bool> active_expire_{true};
  std::atomic<bool> reply_buffer_resizing_{true};
  std::mutex replid_mu_;
  std::string replid_;
  int main_tid_;
  std::string config_path_;
  InstantMetrics instant_;
  std::atomic<int64_t> peak_memory_{0};
  std::atomic<int64_t> rdb_keys_loaded_{0};
  std::atomic<int64_t> rdb_keys_expired_{0};
  std::atomic<ScriptBusy> script_busy_{ScriptBusy::kNo};
  std::unique_ptr<Scripting> scripting_;
  std::unique_ptr<Snapshots> snapshots_;  // stopped before anything it uses
  std::vector<std::string> remote_names_;
  RemoteShards* remotes_ = nullptr;
  std::unique_ptr<Resharder> resharder_;  // last: its moves use the snapshots' hooks
};

}  // namespace ks
