#include "server/core/config.h"

#include <cctype>
#include <cstdio>

#include "common/strconv.h"
#include "engine/eviction.h"
#include "server/pubsub/notifications.h"

namespace ks {

const std::vector<OptionDef>& ConfigOptions() {
  static const std::vector<OptionDef> kOptions = {
      {"bind", OptionType::kString, false, 0, 0, "Address to listen on.", &Config::bind},
      {"port", OptionType::kInt, false, 0, 65535, "TCP port; 0 picks a free one and logs it.", nullptr, &Config::port},
      {"shards", OptionType::kInt, false, 1, 1024, "Number of embedded engines keys are spread over.", nullptr, &Config::shards},
      {"threads", OptionType::kInt, false, 0, 256, "I/O threads; 0 means one per core.", nullptr, &Config::threads},
      {"dir", OptionType::kString, false, 0, 0, "Working directory for data files.", &Config::dir},
      {"requirepass", OptionType::kString, true, 0, 0, "Password clients must AUTH with; empty for none.", &Config::requirepass},
      {"maxclients", OptionType::kInt, true, 1, 1000000, "Maximum simultaneous clients.", nullptr, &Config::maxclients},
      {"proto-max-bulk-len", OptionType::kMemory, true, 1024 * 1024, INT64_MAX, "Largest bulk string a client may send.", nullptr, &Config::proto_max_bulk_len},
      {"client-query-buffer-limit", OptionType::kMemory, true, 1024 * 1024, INT64_MAX, "Largest unprocessed input buffered per client.", nullptr, &Config::client_query_buffer_limit},
      {"timeout", OptionType::kInt, true, 0, INT32_MAX, "Close clients idle this many seconds; 0 never.", nullptr, &Config::timeout},
      {"hz", OptionType::kInt, true, 1, 500, "Background task frequency (active expiry), per second.", nullptr, &Config::hz},
      {"databases", OptionType::kInt, false, 16, 16, "Number of databases (fixed at 16).", nullptr, &Config::databases},
      {"tcp-backlog", OptionType::kInt, false, 0, INT32_MAX, "Listen backlog.", nullptr, &Config::tcp_backlog},
      {"tcp-keepalive", OptionType::kInt, true, 0, INT32_MAX, "TCP keepalive period in seconds; 0 off.", nullptr, &Config::tcp_keepalive},
      {"list-max-listpack-size", OptionType::kInt, true, INT32_MIN, INT32_MAX, "Largest list node: entries if > 0, or -1..-5 for 4..64 KB.", nullptr, &Config::list_max_listpack_size, "list-max-ziplist-size", {}, true},
      {"hash-max-listpack-entries", OptionType::kMemory, true, 0, INT64_MAX, "Hashes up to this many fields stay compact.", nullptr, &Config::hash_max_listpack_entries, "hash-max-ziplist-entries", {}, true},
      {"hash-max-listpack-value", OptionType::kMemory, true, 0, INT64_MAX, "Hashes whose fields and values are all this short stay compact.", nullptr, &Config::hash_max_listpack_value, "hash-max-ziplist-value", {}, true},
      {"set-max-intset-entries", OptionType::kMemory, true, 0, INT64_MAX, "Sets of integers up to this size stay an intset.", nullptr, &Config::set_max_intset_entries, {}, {}, true},
      {"zset-max-listpack-entries", OptionType::kMemory, true, 0, INT64_MAX, "Sorted sets up to this many members stay compact.", nullptr, &Config::zset_max_listpack_entries, "zset-max-ziplist-entries", {}, true},
      {"zset-max-listpack-value", OptionType::kMemory, true, 0, INT64_MAX, "Sorted sets whose members are all this short stay compact.", nullptr, &Config::zset_max_listpack_value, "zset-max-ziplist-value", {}, true},
      {"hll-sparse-max-bytes", OptionType::kMemory, true, 0, INT64_MAX, "A sparse HyperLogLog larger than this many bytes becomes dense.", nullptr, &Config::hll_sparse_max_bytes},
      {"stream-node-max-bytes", OptionType::kMemory, true, 0, INT64_MAX, "Largest stream node (listpack) in bytes; 0 unlimited.", nullptr, &Config::stream_node_max_bytes, {}, {}, true},
      {"stream-node-max-entries", OptionType::kInt, true, 0, INT64_MAX, "Most entries in one stream node; 0 unlimited.", nullptr, &Config::stream_node_max_entries, {}, {}, true},
      {"maxmemory", OptionType::kMemory, true, 0, INT64_MAX, "Memory budget for all engines together, divided evenly among them; 0 unlimited.", nullptr, &Config::maxmemory},
      {"maxmemory-policy", OptionType::kString, true, 0, 0, "What to evict when over budget (Redis 7.0's policies).", &Config::maxmemory_policy, nullptr, {}, "volatile-lru|volatile-lfu|volatile-random|volatile-ttl|allkeys-lru|allkeys-lfu|allkeys-random|noeviction"},
      {"maxmemory-samples", OptionType::kInt, true, 1, 64, "Keys sampled per eviction (more is closer to true LRU/LFU).", nullptr, &Config::maxmemory_samples},
      {"maxmemory-eviction-tenacity", OptionType::kInt, true, 0, 100, "Time one write may spend evicting: 10 is 500 us, 100 unlimited.", nullptr, &Config::maxmemory_eviction_tenacity},
      {"lfu-log-factor", OptionType::kInt, true, 0, INT32_MAX, "LFU counter growth: higher needs more hits per increment.", nullptr, &Config::lfu_log_factor},
      {"busy-reply-threshold", OptionType::kInt, true, 0, INT64_MAX, "Milliseconds a script runs before other clients get BUSY; 0 never.", nullptr, &Config::busy_reply_threshold, "lua-time-limit"},
      {"lfu-decay-time", OptionType::kInt, true, 0, INT32_MAX, "Minutes per LFU counter decrement; 0 never decays.", nullptr, &Config::lfu_decay_time},
      {"notify-keyspace-events", OptionType::kString, true, 0, 0, "Keyspace notification classes, e.g. \"KEA\" (Redis's letters K E g $ l s h z x e t m d n A); \"\" off.", &Config::notify_keyspace_events},
      {"tracking-table-max-keys", OptionType::kInt, true, 0, INT64_MAX, "Keys the client tracking table remembers at most; past it, keys are invalidated to make room; 0 no limit.", nullptr, &Config::tracking_table_max_keys},
      {"client-output-buffer-limit", OptionType::kString, true, 0, 0, "Disconnect a client whose unsent output passes <hard> bytes, or stays over <soft> for <soft-seconds>: \"<class> <hard> <soft> <soft-seconds>\" for normal, replica and pubsub clients (0 = no limit).", &Config::client_output_buffer_limit},
      {"save", OptionType::kString, true, 0, 0, "RDB snapshot points \"<seconds> <changes> ...\": a BGSAVE when that many changes are that old; \"\" off.", &Config::save},
      {"stop-writes-on-bgsave-error", OptionType::kBool, true, 0, 0, "Refuse writes (MISCONF) while the last background save failed and save points are set.", &Config::stop_writes_on_bgsave_error},
      {"import-rdb", OptionType::kString, false, 0, 0, "At start-up, load this RDB file (a redis-server dump.rdb) too, routing every key to its engine, then save.", &Config::import_rdb},
      {"dbfilename", OptionType::kString, false, 0, 0, "RDB file name; each engine writes <stem>-<engine><ext> (dump-3.rdb).", &Config::dbfilename},
      {"rdbcompression", OptionType::kBool, true, 0, 0, "LZF-compress strings longer than 20 bytes in RDB files and DUMP payloads.", &Config::rdbcompression},
      {"rdbchecksum", OptionType::kBool, true, 0, 0, "Write a CRC64 trailer in RDB files (0 when off; loading checks a non-zero one).", &Config::rdbchecksum},
      {"appendonly", OptionType::kBool, true, 0, 0, "Log every write to per-engine append-only files and replay them at start-up.", &Config::appendonly},
      {"appendfilename", OptionType::kString, false, 0, 0, "Stem of the append-only files' names.", &Config::appendfilename},
      {"appenddirname", OptionType::kString, false, 0, 0, "Folder under dir holding the append-only files.", &Config::appenddirname},
      {"appendfsync", OptionType::kString, true, 0, 0, "When the log is fsynced: always (before replying), everysec or no.", &Config::appendfsync, nullptr, {}, "always|everysec|no"},
      {"aof-load-truncated", OptionType::kBool, true, 0, 0, "Load a log whose last command was cut off (dropping it) instead of refusing to start.", &Config::aof_load_truncated},
      {"auto-aof-rewrite-percentage", OptionType::kInt, true, 0, INT32_MAX, "Rewrite the log when it grew this many percent over its last rewrite; 0 off.", nullptr, &Config::auto_aof_rewrite_percentage},
      {"max-shards", OptionType::kInt, false, 0, 1024, "Engines that exist, spares included: POST /api/engines adds one live; 0 means shards.", nullptr, &Config::max_shards},
      {"remote-timeout", OptionType::kInt, false, 1, INT32_MAX, "Milliseconds a command forwarded to a remote shard may wait for its reply (blocking commands: their own timeout plus this).", nullptr, &Config::remote_timeout},
      {"remote-pool-size", OptionType::kInt, false, 1, 64, "Pipelined connections to each remote shard per I/O thread (per protocol version); a client always uses the same one.", nullptr, &Config::remote_pool_size},
      {"admin-port", OptionType::kInt, false, 0, 65535, "Port of the admin HTTP server (page and API for resharding); 0 off.", nullptr, &Config::admin_port},
      {"admin-bind", OptionType::kString, false, 0, 0, "Address the admin server listens on; not loopback needs admin-token.", &Config::admin_bind},
      {"admin-token", OptionType::kString, false, 0, 0, "Bearer token the admin API's changes require; empty for none.", &Config::admin_token},
      {"auto-aof-rewrite-min-size", OptionType::kMemory, true, 0, INT64_MAX, "Smallest log size that triggers an automatic rewrite.", nullptr, &Config::auto_aof_rewrite_min_size},
      {"slowlog-log-slower-than", OptionType::kInt, true, -1, INT64_MAX, "SLOWLOG records commands that took at least this many microseconds; -1 off, 0 every command.", nullptr, &Config::slowlog_log_slower_than},
      {"slowlog-max-len", OptionType::kInt, true, 0, INT64_MAX, "Entries SLOWLOG keeps (the oldest go first).", nullptr, &Config::slowlog_max_len},
      {"latency-monitor-threshold", OptionType::kInt, true, 0, INT64_MAX, "LATENCY records events that took at least this many milliseconds; 0 off.", nullptr, &Config::latency_monitor_threshold},
      {"latency-tracking", OptionType::kBool, true, 0, 0, "Keep a latency histogram per command (INFO latencystats, LATENCY HISTOGRAM).", &Config::latency_tracking},
      {"latency-tracking-info-percentiles", OptionType::kString, true, 0, 0, "Percentiles INFO latencystats reports, space separated, each 0..100.", &Config::latency_tracking_info_percentiles},
      {"enable-debug-command", OptionType::kString, false, 0, 0, "Allow DEBUG: no, yes, or local (from loopback connections only).", &Config::enable_debug_command, nullptr, {}, "no|yes|local"},
      {"enable-module-command", OptionType::kString, false, 0, 0, "Allow MODULE LOAD/LOADEX/UNLOAD: no, yes, or local. keyshard loads no modules: allowed, LOAD fails.", &Config::enable_module_command, nullptr, {}, "no|yes|local"},
      {"protected-mode", OptionType::kBool, true, 0, 0, "Without a password, refuse connections from non-loopback addresses.", &Config::protected_mode},
      {"shutdown-on-sigterm", OptionType::kString, true, 0, 0, "SHUTDOWN flags SIGTERM uses: default, or any of save, nosave, now, force.", &Config::shutdown_on_sigterm},
      {"shutdown-on-sigint", OptionType::kString, true, 0, 0, "SHUTDOWN flags SIGINT uses: default, or any of save, nosave, now, force.", &Config::shutdown_on_sigint},
      {"shutdown-timeout", OptionType::kInt, true, 0, INT32_MAX, "Seconds SHUTDOWN waits for replicas (none exist yet).", nullptr, &Config::shutdown_timeout},
      {"list-compress-depth", OptionType::kInt, true, 0, INT32_MAX, "Quicklist nodes at each end of a list left uncompressed; 0 compresses none.", nullptr, &Config::list_compress_depth, {}, {}, true},
  };
  return kOptions;
}

const OptionDef* FindOption(std::string_view name) {
  for (const auto& o : ConfigOptions())
    if (EqualsNoCase(o.name, name) || (!o.alias.empty() && EqualsNoCase(o.alias, name))) return &o;
  return nullptr;
}

std::string FormatPercentile(double d) {
  // Redis prints "%f" and trims trailing zeros (and a trailing dot): 99.9, 50.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%f", d);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

std::vector<double> ParsePercentiles(std::string_view text) {
  std::vector<double> v;
  for (size_t p = 0; p < text.size();) {
    size_t q = text.find(' ', p);
    if (q == std::string_view::npos) q = text.size();
    double d;
    if (q > p && StrToD(text.substr(p, q - p), &d)) v.push_back(d);
    p = q + 1;
  }
  return v;
}

bool ParseMemory(std::string_view s, int64_t* out) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  std::string_view num = s.substr(0, i);
  std::string unit = ToLower(s.substr(i));
  int64_t mul = 1;
  if (unit.empty() || unit == "b") mul = 1;
  else if (unit == "k") mul = 1000;
  else if (unit == "kb") mul = 1024;
  else if (unit == "m") mul = 1000 * 1000;
  else if (unit == "mb") mul = 1024 * 1024;
  else if (unit == "g") mul = 1000ll * 1000 * 1000;
  else if (unit == "gb") mul = 1024ll * 1024 * 1024;
  else return false;
  int64_t v;
  if (!StrToLL(num, &v)) return false;
  if (v != 0 && (v > INT64_MAX / mul || v < INT64_MIN / mul)) return false;
  *out = v * mul;
  return true;
}

std::string FormatOption(const Config& c, const OptionDef& o) {
  if (o.str) return c.*(o.str);
  return std::to_string(c.*(o.num));
}

std::optional<std::string> SetOption(Config& c, const OptionDef& o, std::string_view value) {
  if (o.str) {
    std::string v(value);
    std::string_view choices = o.type == OptionType::kBool ? "yes|no" : o.choices;
    if (!choices.empty()) {
      // Redis matches these words case-insensitively and stores them in lower case.
      v = ToLower(value);
      bool ok = false;
      std::string list;
      for (size_t p = 0; p <= choices.size();) {
        size_t bar = choices.find('|', p);
        if (bar == std::string_view::npos) bar = choices.size();
        std::string_view word = choices.substr(p, bar - p);
        ok |= word == v;
        list += (list.empty() ? "" : ", ") + std::string(word);
        p = bar + 1;
      }
      if (!ok) return o.type == OptionType::kBool ? "argument must be 'yes' or 'no'" : "argument(s) must be one of the following: " + list;
    }
    if (o.str == &Config::latency_tracking_info_percentiles) {
      // Space separated percentiles, each a number within 0..100 (Redis's texts).
      std::string out;
      for (size_t p = 0; p < value.size();) {
        size_t q = value.find(' ', p);
        if (q == std::string_view::npos) q = value.size();
        std::string_view w = value.substr(p, q - p);
        p = q + 1;
        if (w.empty()) continue;
        double d;
        if (!StrToD(w, &d)) return std::string("Invalid latency-tracking-info-percentiles parameters");
        if (d > 100.0 || d < 0.0)
          return std::string("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
        out += (out.empty() ? "" : " ") + FormatPercentile(d);
      }
      v = out;
    }
    if (o.str == &Config::shutdown_on_sigterm || o.str == &Config::shutdown_on_sigint) {
      // Redis's flags option: any of the words, printed in this order.
      static constexpr std::string_view kWords[] = {"save", "nosave", "now", "force"};
      bool seen[4] = {};
      for (size_t p = 0; p < value.size();) {
        size_t q = value.find(' ', p);
        if (q == std::string_view::npos) q = value.size();
        std::string w = ToLower(value.substr(p, q - p));
        p = q + 1;
        if (w.empty() || w == "default") continue;
        size_t i = 0;
        while (i < 4 && kWords[i] != w) ++i;
        if (i == 4) return std::string("argument(s) must be one of the following: default, save, nosave, now, force");
        seen[i] = true;
      }
      if (seen[0] && seen[1]) return std::string("argument(s) must be one of the following: default, save, nosave, now, force");
      v.clear();
      for (size_t i = 0; i < 4; ++i)
        if (seen[i]) v += (v.empty() ? "" : " ") + std::string(kWords[i]);
      if (v.empty()) v = "default";
    }
    if (o.str == &Config::save) {
      // Pairs of "<seconds> <changes>" separated by single spaces: Redis splits on each
      // space, so a doubled, leading or trailing one makes an empty word, which is refused.
      std::vector<std::string_view> words;
      for (size_t p = 0; !value.empty() && p <= value.size();) {
        size_t q = value.find(' ', p);
        if (q == std::string_view::npos) q = value.size();
        words.push_back(value.substr(p, q - p));
        p = q + 1;
      }
      if (words.size() % 2) return std::string("Invalid save parameters");
      v.clear();
      for (std::string_view w : words) {
        int64_t n;
        if (w.empty() || !StrToLL(w, &n) || n < 0) return std::string("Invalid save parameters");
        v += (v.empty() ? "" : " ") + std::to_string(n);
      }
    }
    if (o.str == &Config::notify_keyspace_events) {
      auto flags = ParseNotifyFlags(value);
      if (!flags) return std::string("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      v = FormatNotifyFlags(*flags);
    }
    if (o.str == &Config::client_output_buffer_limit) {
      // Redis checks every group first, then applies them over the current classes.
      std::vector<std::string_view> words;
      for (size_t p = 0; p < value.size();) {
        while (p < value.size() && value[p] == ' ') ++p;
        size_t q = value.find(' ', p);
        if (q == std::string_view::npos) q = value.size();
        if (q > p) words.push_back(value.substr(p, q - p));
        p = q;
      }
      if (words.size() % 4) return std::string("Wrong number of arguments in buffer limit configuration.");
      OutputBufferLimit lim[3];
      ParseOutputBufferLimits(c.client_output_buffer_limit, lim);
      for (size_t i = 0; i < words.size(); i += 4) {
        std::string cls = ToLower(words[i]);
        int idx = cls == "normal" ? 0 : (cls == "replica" || cls == "slave") ? 1 : cls == "pubsub" ? 2 : -1;
        if (idx < 0) return std::string("Invalid client class specified in buffer limit configuration.");
        int64_t n[3];
        for (int j = 0; j < 3; ++j)
          if (!ParseMemory(words[i + 1 + j], &n[j]) || n[j] < 0)
            return std::string("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
        lim[idx] = {n[0], n[1], n[2]};
      }
      static constexpr std::string_view kNames[3] = {"normal", "slave", "pubsub"};
      v.clear();
      for (int j = 0; j < 3; ++j)
        v += (j ? " " : "") + std::string(kNames[j]) + " " + std::to_string(lim[j].hard) + " " +
             std::to_string(lim[j].soft) + " " + std::to_string(lim[j].soft_seconds);
    }
    c.*(o.str) = std::move(v);
    return std::nullopt;
  }
  int64_t v;
  if (o.type == OptionType::kMemory) {
    if (!ParseMemory(value, &v)) return "argument must be a memory value";
  } else if (!StrToLL(value, &v)) {
    return "argument couldn't be parsed into an integer";
  }
  if (v < o.min || v > o.max) return "argument must be between " + std::to_string(o.min) + " and " + std::to_string(o.max) + " inclusive";
  c.*(o.num) = v;
  return std::nullopt;
}

void ParseOutputBufferLimits(std::string_view canonical, OutputBufferLimit limits[3]) {
  std::vector<std::string> w;
  for (size_t p = 0; p < canonical.size();) {
    size_t q = canonical.find(' ', p);
    if (q == std::string_view::npos) q = canonical.size();
    if (q > p) w.emplace_back(canonical.substr(p, q - p));
    p = q + 1;
  }
  for (size_t i = 0; i + 3 < w.size(); i += 4) {
    int idx = w[i] == "normal" ? 0 : w[i] == "pubsub" ? 2 : 1;
    int64_t n[3] = {0, 0, 0};
    for (int j = 0; j < 3; ++j) ParseMemory(w[i + 1 + j], &n[j]);
    limits[idx] = {n[0], n[1], n[2]};
  }
}

bool ParseHostPort(std::string_view address, std::string* host, int* port) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view h = address.substr(0, colon);
  if (h.front() == '[') {  // [v6]:port
    if (h.size() < 3 || h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return false;  // a bare IPv6 address is ambiguous: "[::1]:6379"
  }
  for (char ch : h)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_' && ch != ':') return false;
  int64_t p;
  if (!StrToLL(address.substr(colon + 1), &p) || p < 1 || p > 65535) return false;
  *host = std::string(h);
  *port = static_cast<int>(p);
  return true;
}

namespace {

std::optional<std::string> ValidateRemotes(const Config& c) {
  for (size_t i = 0; i < c.remotes.size(); ++i) {
    const Config::Remote& r = c.remotes[i];
    const std::string where = "[remote." + r.name + "]";
    if (r.name.empty() || !std::isalpha(static_cast<unsigned char>(r.name[0])))
      return where + ": a remote's name must start with a letter";
    for (char ch : r.name)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_')
        return where + ": a remote's name may hold letters, digits, '-' and '_'";
    std::string host;
    int port;
    if (r.address.empty()) return where + ": 'address' (\"host:port\") is required";
    if (!ParseHostPort(r.address, &host, &port))
      return where + ": bad address '" + r.address + "' (want \"host:port\", e.g. \"10.0.0.2:6379\" or \"[::1]:6379\")";
    for (size_t j = 0; j < i; ++j)
      if (c.remotes[j].name == r.name) return where + " is configured twice";
  }
  if (c.remotes.size() > 0x7fff) return std::string("too many remote shards");
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ValidateConfig(const Config& c) {
  for (const auto& o : ConfigOptions()) {
    if (!o.num) continue;
    int64_t v = c.*(o.num);
    if (v < o.min || v > o.max) {
      std::string msg = "'";
      msg.append(o.name).append("' must be between ").append(std::to_string(o.min));
      msg.append(" and ").append(std::to_string(o.max)).append(", got ").append(std::to_string(v));
      return msg;
    }
  }
  if (c.bind.empty()) return std::string("'bind' must not be empty");
  if (!ParsePolicy(c.maxmemory_policy)) return "'maxmemory-policy' is not a policy: " + c.maxmemory_policy;
  for (const auto& [id, o] : c.engine_overrides) {
    if (id < 0 || id >= c.EngineCount())
      return "[engine." + std::to_string(id) + "] names no engine: shards is " + std::to_string(c.EngineCount());
    if (!o.maxmemory_policy.empty() && !ParsePolicy(o.maxmemory_policy))
      return "[engine." + std::to_string(id) + "] maxmemory-policy is not a policy: " + o.maxmemory_policy;
  }
  if (c.max_shards != 0 && c.max_shards < c.shards)
    return "'max-shards' (" + std::to_string(c.max_shards) + ") must be 0 or at least 'shards' (" + std::to_string(c.shards) + ")";
  if (auto err = ValidateRemotes(c)) return err;
  if (c.admin_port != 0 && c.admin_token.empty() && c.admin_bind != "127.0.0.1" && c.admin_bind != "::1" &&
      c.admin_bind != "localhost")
    return "'admin-bind' " + c.admin_bind + " is not a loopback address: set 'admin-token' so that changes need it";
  return std::nullopt;
}

}  // namespace ks
