#include "server/core/server_state.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "persistence/aof_log.h"
#include "server/core/remote_shards.h"
#include "server/persist/aof_feed.h"
#include "server/persist/engine_hooks.h"
#include "server/persist/snapshots.h"
#include "server/scripting/scripting.h"
#include "server/multi/watch_registry.h"
#include "server/resharding/resharder.h"
#include "server/pubsub/notifications.h"
#include "server/pubsub/pubsub.h"
#include "server/pubsub/tracking.h"

namespace ks {

void ClientRegistry::Add(std::shared_ptr<ClientInfo> c) {
  std::lock_guard lk(mu_);
  clients_[c->id] = std::move(c);
}

void ClientRegistry::Remove(uint64_t id) {
  std::lock_guard lk(mu_);
  clients_.erase(id);
}

std::vector<std::shared_ptr<ClientInfo>> ClientRegistry::Snapshot() const {
  std::lock_guard lk(mu_);
  std::vector<std::shared_ptr<ClientInfo>> v;
  v.reserve(clients_.size());
  for (auto& [id, c] : clients_) v.push_back(c);
  return v;
}

std::shared_ptr<ClientInfo> ClientRegistry::Find(uint64_t id) const {
  std::lock_guard lk(mu_);
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second;
}

size_t ClientRegistry::size() const {
  std::lock_guard lk(mu_);
  return clients_.size();
}

namespace {

uint64_t SeedFromDevice() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

ServerState::ServerState(Config config, const Clock* clock)
    : config_(std::move(config)),
      clock_(clock),
      shards_(static_cast<int>(config_.EngineCount()), clock, static_cast<int>(config_.shards)),
      random_(SeedFromDevice()),
      start_ms_(clock->NowMs()),
      command_stats_(std::make_unique<CommandStats>(commands_.by_id().size())),
      pause_(clock),
      main_tid_(static_cast<int>(gettid())),
      pubsub_(std::make_unique<PubSub>()),
      engine_notes_(std::make_unique<NoteQueue>()),
      tracking_(std::make_unique<Tracking>(clients_)) {
  PublishLimits();
  for (const Config::Remote& r : config_.remotes) remote_names_.push_back(r.name);
  watches_ = std::make_unique<WatchRegistry>(shards_);
  keyspace_events_.Add(watches_.get());
  keyspace_events_.Add(tracking_.get());
  ChangeReplId();
  for (int i = 0; i < shards_.size(); ++i) {
    hooks_.push_back(std::make_unique<EngineHooks>(*this, i));
    Engine& e = shards_.engine(i);
    EngineGuard lk(e);
    e.set_observer(hooks_.back().get());
    e.set_expiry_hold(pause_.expiry_hold());
  }
  scripting_ = std::make_unique<Scripting>(*this);
  snapshots_ = std::make_unique<Snapshots>(*this);
  resharder_ = std::make_unique<Resharder>(*this);
  snapshots_->rdb().last_save_sec.store(start_ms_ / 1000);
  struct mallinfo2 mi = mallinfo2();
  startup_bytes_ = static_cast<int64_t>(mi.uordblks + mi.hblkhd);
  ApplyMemoryPolicies(config_);
}

void ServerState::ChangeReplId() {
  static const char* kHex = "0123456789abcdef";
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  std::string id;
  for (int i = 0; i < 40; ++i) id += kHex[gen() % 16];
  std::lock_guard lk(replid_mu_);
  replid_ = std::move(id);
}

ServerState::~ServerState() {
  resharder_.reset();
  snapshots_.reset();
  for (int i = 0; i < shards_.size(); ++i) {
    Engine& e = shards_.engine(i);
    EngineGuard lk(e);
    e.set_observer(nullptr);
  }
}

std::optional<std::string> ServerState::SetAppendOnly(bool on) {
  if (!on) {
    if (AofSet* a = aof()) {
      EngineLocks locks;
      locks.LockAll(shards_);
      set_aof(nullptr);
      locks.UnlockAll();
      for (int e = 0; e < a->engines(); ++e) a->log(e).Sync();
    }
    return std::nullopt;
  }
  if (aof()) return std::nullopt;
  auto set = std::make_unique<AofSet>(AofOptionsFrom(*this));
  if (auto err = set->Open()) return err;
  // The new logs start from a base holding everything the engines hold now: the rewrite's
  // switch (every engine locked) is where the logs begin, and the AOF is published there.
  snapshots_->Wait();
  AofSet* s = set.get();
  aof_sets_.push_back(std::move(set));
  std::string err = snapshots_->RewriteAofNow(*s, [this, s] { set_aof(s); });
  if (!err.empty()) {
    set_aof(nullptr);
    return err;
  }
  return std::nullopt;
}

bool ServerState::WritesStoppedByDiskError() {
  if (snapshots_->rdb().last_bgsave_ok.load()) return false;
  std::lock_guard lk(config_mu_);
  return config_.stop_writes_on_bgsave_error == "yes" && !config_.save.empty();
}

void ServerState::ApplyMemoryPolicies(const Config& c) {
  bool limited = false;
  // Spare engines (max-shards) get the same share as the engines that start with slots.
  const int n = shards_.initial_active();
  for (int i = 0; i < shards_.size(); ++i) {
    MemoryPolicy p;
    // used_memory (startup heap + engines) is what maxmemory limits, as in Redis: the engines
    // share what start-up left, evenly (at least a byte each, since 0 means unlimited).
    if (c.maxmemory > 0)
      p.maxmemory = c.maxmemory > startup_bytes_ ? std::max<uint64_t>(1, static_cast<uint64_t>(c.maxmemory - startup_bytes_) / static_cast<uint64_t>(n)) : 1;
    p.policy = ParsePolicy(c.maxmemory_policy).value_or(EvictionPolicy::kNoEviction);
    if (auto it = c.engine_overrides.find(i); it != c.engine_overrides.end()) {
      if (it->second.maxmemory >= 0) p.maxmemory = static_cast<uint64_t>(it->second.maxmemory);
      if (!it->second.maxmemory_policy.empty())
        p.policy = ParsePolicy(it->second.maxmemory_policy).value_or(p.policy);
    }
    p.samples = static_cast<int>(c.maxmemory_samples);
    p.tenacity = static_cast<int>(c.maxmemory_eviction_tenacity);
    p.lfu_log_factor = static_cast<int>(c.lfu_log_factor);
    p.lfu_decay_time = static_cast<int>(c.lfu_decay_time);
    limited |= p.maxmemory > 0;
    Engine& e = shards_.engine(i);
    EngineGuard lk(e);
    e.SetMemoryPolicy(p);
    e.PerformEvictions();  // a lowered budget takes effect at once, as in Redis
  }
  limits_.memory_limited.store(limited, std::memory_order_relaxed);
}

void ServerState::PublishEngineNotes() {
  engine_notes_->Flush(*pubsub_, limits_.notify_flags.load(std::memory_order_relaxed));
  tracking_->Deliver();
}

void ServerState::PublishLimits() {
  auto set = [](std::atomic<int64_t>& a, int64_t v) { a.store(v, std::memory_order_relaxed); };
  set(limits_.proto_max_bulk_len, config_.proto_max_bulk_len);
  set(limits_.busy_reply_threshold, config_.busy_reply_threshold);
  set(limits_.client_query_buffer_limit, config_.client_query_buffer_limit);
  set(limits_.tcp_keepalive, config_.tcp_keepalive);
  set(limits_.maxclients, config_.maxclients);
  limits_.requirepass_set.store(!config_.requirepass.empty(), std::memory_order_relaxed);
  limits_.protected_mode.store(config_.protected_mode == "yes", std::memory_order_relaxed);
  limits_.rdbcompression.store(config_.rdbcompression == "yes", std::memory_order_relaxed);
  set(limits_.list_max_listpack_size, config_.list_max_listpack_size);
  set(limits_.list_compress_depth, config_.list_compress_depth);
  set(limits_.hash_max_listpack_entries, config_.hash_max_listpack_entries);
  set(limits_.hash_max_listpack_value, config_.hash_max_listpack_value);
  set(limits_.set_max_intset_entries, config_.set_max_intset_entries);
  set(limits_.zset_max_listpack_entries, config_.zset_max_listpack_entries);
  set(limits_.zset_max_listpack_value, config_.zset_max_listpack_value);
  set(limits_.hll_sparse_max_bytes, config_.hll_sparse_max_bytes);
  set(limits_.slowlog_log_slower_than, config_.slowlog_log_slower_than);
  set(limits_.slowlog_max_len, config_.slowlog_max_len);
  set(limits_.latency_monitor_threshold, config_.latency_monitor_threshold);
  limits_.latency_tracking.store(config_.latency_tracking == "yes", std::memory_order_relaxed);
  set(limits_.stream_node_max_bytes, config_.stream_node_max_bytes);
  set(limits_.stream_node_max_entries, config_.stream_node_max_entries);
  set(limits_.tracking_table_max_keys, config_.tracking_table_max_keys);
  const uint32_t notify = ParseNotifyFlags(config_.notify_keyspace_events).value_or(0);
  // Remote shards raise the same events (proxy/remote_events.h): they catch up.
  if (limits_.notify_flags.exchange(notify, std::memory_order_relaxed) != notify && remotes_) remotes_->EventsChanged();
  OutputBufferLimit obuf[3];
  ParseOutputBufferLimits(config_.client_output_buffer_limit, obuf);
  for (int i = 0; i < 3; ++i) {
    set(limits_.obuf_hard[i], obuf[i].hard);
    set(limits_.obuf_soft[i], obuf[i].soft);
    set(limits_.obuf_soft_seconds[i], obuf[i].soft_seconds);
  }
  if (AofSet* a = aof())
    if (auto p = ParseFsyncPolicy(config_.appendfsync)) a->set_fsync(*p);
}

}  // namespace ks
