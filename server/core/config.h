#pragma once
// Config: every option keyshard understands, declared once in a table (name, type, default,
// description, settable at run time). proxy.toml, the command line, CONFIG GET/SET and the
// README's option list all come from that table.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ks {

struct Config {
  std::string bind = "127.0.0.1";
  int64_t port = 6379;
  int64_t shards = 8;
  int64_t threads = 0;  // 0: one per core
  std::string dir = ".";
  std::string requirepass;
  int64_t maxclients = 10000;
  int64_t proto_max_bulk_len = 512ll * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024ll * 1024 * 1024;
  int64_t timeout = 0;  // idle seconds before closing a client; 0 = never
  int64_t hz = 10;
  int64_t databases = 16;
  int64_t tcp_backlog = 511;
  int64_t tcp_keepalive = 300;
  // RDB save points (server/snapshots.h): "<seconds> <changes>" pairs, "" for none.
  std::string save = "3600 1 300 100 60 10000";
  std::string stop_writes_on_bgsave_error = "yes";
  // RDB snapshots (persistence/rdb_writer.h): each engine writes <dir>/<stem>-<engine>.rdb.
  std::string dbfilename = "dump.rdb";
  // A Redis dump loaded at start-up on top of keyshard's own files (migration from Redis).
  std::string import_rdb;
  std::string rdbcompression = "yes";
  std::string rdbchecksum = "yes";
  // Append-only file (persistence/aof_log.h).
  std::string appendonly = "no";
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  std::string appendfsync = "everysec";
  std::string aof_load_truncated = "yes";
  int64_t auto_aof_rewrite_percentage = 100;
  int64_t auto_aof_rewrite_min_size = 64ll * 1024 * 1024;
  // Compact encodings of small collections (Redis 7.0's defaults and limits).
  int64_t list_max_listpack_size = -2;
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  // A sparse HyperLogLog becomes dense past this many bytes (Redis's default).
  int64_t hll_sparse_max_bytes = 3000;
  int64_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;
  // Memory budget: maxmemory limits used_memory; what start-up left is divided evenly among
  // the engines (ServerState::ApplyMemoryPolicies).
  int64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  int64_t maxmemory_samples = 5;
  int64_t maxmemory_eviction_tenacity = 10;
  int64_t lfu_log_factor = 10;
  int64_t lfu_decay_time = 1;
  // Monitoring (SLOWLOG, LATENCY, INFO latencystats).
  int64_t slowlog_log_slower_than = 10000;  // us; -1 off, 0 every command
  int64_t slowlog_max_len = 128;
  int64_t latency_monitor_threshold = 0;    // ms; 0 off
  std::string latency_tracking = "yes";
  std::string latency_tracking_info_percentiles = "50 99 99.9";
  // Administration.
  std::string enable_debug_command = "no";  // no | yes | local
  std::string enable_module_command = "no";  // no | yes | local (no module can load either way)
  std::string protected_mode = "yes";
  std::string shutdown_on_sigterm = "default";
  std::string shutdown_on_sigint = "default";
  int64_t shutdown_timeout = 10;
  int64_t list_compress_depth = 0;
  // Output-buffer limits per client class, "<class> <hard> <soft> <soft-seconds>" for
  // normal, slave (replica) and pubsub, as CONFIG GET prints them (Redis's defaults).
  // Keyspace notification classes (server/pubsub/notifications.h), "" for none.
  std::string notify_keyspace_events;
  int64_t tracking_table_max_keys = 1000000;
  std::string client_output_buffer_limit = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
  // Milliseconds a script may run before other clients get BUSY (alias lua-time-limit).
  int64_t busy_reply_threshold = 5000;
  // Per-engine overrides from proxy.toml tables [engine.N]; -1 / empty: use the default.
  struct EngineOverride {
    int64_t maxmemory = -1;
    std::string maxmemory_policy;
  };
  std::map<int64_t, EngineOverride> engine_overrides;
  // Live resharding and the admin HTTP server (server/resharding/, proxy/admin_server.h).
  int64_t max_shards = 0;  // engines that exist, spares included; 0: shards
  int64_t admin_port = 0;  // 0: no admin server
  std::string admin_bind = "127.0.0.1";
  std::string admin_token;
  int64_t EngineCount() const { return max_shards > shards ? max_shards : shards; }
  // Remote shards (issue 16): Redis servers owning slots behind the same routing, from
  // proxy.toml's [remote.<name>] tables; remote i is ShardId::Remote(i), in the file's order.
  struct Remote {
    std::string name;      // the table's name: slots.conf, INFO, the admin API and errors use it
    std::string address;   // "host:port" ("[v6]:port")
    std::string host;      // parsed from address by ValidateConfig
    int port = 0;
    std::string password;  // AUTH to the remote when set
    std::string slots;     // slots it owns at first start (no slots.conf yet): "a-b,c"
  };
  std::vector<Remote> remotes;
  int64_t remote_timeout = 1000;  // ms a forwarded command may wait for its reply
  int64_t remote_pool_size = 2;   // pipelined connections per remote, per I/O thread, per protocol
};

enum class OptionType { kString, kInt, kMemory, kBool };

struct OptionDef {
  std::string_view name;  // Redis's name, also the proxy.toml key
  OptionType type;
  bool runtime;           // CONFIG SET may change it
  int64_t min, max;       // for numbers
  std::string_view description;
  // Accessors to the field in Config.
  std::string Config::*str = nullptr;
  int64_t Config::*num = nullptr;
  std::string_view alias = {};  // Redis's older name (e.g. hash-max-ziplist-entries)
  std::string_view choices = {};  // for a string that takes one of a few words: "a|b|c"
  // Decides how a server stores data (encoding thresholds): a CONFIG SET of it through keyshard
  // is also sent to the remote shards, so a remote key's encoding follows it as an engine's
  // does (server/remote/remote_config.h). Values from the config file are not sent.
  bool remote = false;
};

const std::vector<OptionDef>& ConfigOptions();
const OptionDef* FindOption(std::string_view name);

// Current value as CONFIG GET prints it.
std::string FormatOption(const Config& c, const OptionDef& o);
// Parses and stores a value; returns an error message naming the problem, or nullopt.
std::optional<std::string> SetOption(Config& c, const OptionDef& o, std::string_view value);
// latency-tracking-info-percentiles: a percentile as Redis prints it ("99.9", "50"), and
// the list parsed back.
std::string FormatPercentile(double d);
std::vector<double> ParsePercentiles(std::string_view text);
// client-output-buffer-limit classes, in CONFIG GET's order.
enum class ClientClass : uint8_t { kNormal, kReplica, kPubSub };
struct OutputBufferLimit {
  int64_t hard = 0, soft = 0, soft_seconds = 0;  // bytes, bytes, seconds; 0 = no limit
};
// Parses the option's canonical text (all three classes) into limits[3].
void ParseOutputBufferLimits(std::string_view canonical, OutputBufferLimit limits[3]);

// Parses "512mb", "1gb", "100" (Redis's memtoll).
bool ParseMemory(std::string_view s, int64_t* out);

// Reads a proxy.toml file into c. Unknown keys and bad values are errors naming the key.
std::optional<std::string> LoadConfigFile(const std::string& path, Config& c);
// CONFIG REWRITE: writes current's values into the TOML file at path, keeping its comments
// and order (server/core/config_rewrite.cc). Returns the system error text.
std::optional<std::string> RewriteConfigFile(const std::string& path, const Config& current);
// Start-up checks across options (e.g. shards within 1..16384).
std::optional<std::string> ValidateConfig(const Config& c);
// "host:port" or "[v6]:port" (a remote shard's address).
bool ParseHostPort(std::string_view address, std::string* host, int* port);

}  // namespace ks
