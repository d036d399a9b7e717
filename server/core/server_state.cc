#include "server/core/server_state.h"

#include <malloc.h>

#include <algorithm>
#include <random>

#include "persistence/aof_log.h"
#include "server/persist/aof_feed.h"
#include "server/persist/engine_hooks.h"
#include "server/persist/snapshots.h"
#include "server/scripting/scripting.h"
#include "server/multi/watch_registry.h"

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
      shards_(static_cast<int>(config_.shards), clock),
      random_(SeedFromDevice()),
      start_ms_(clock->NowMs()) {
  PublishLimits();
  watches_ = std::make_unique<WatchRegistry>(shards_);
  keyspace_events_.Add(watches_.get());
  for (int i = 0; i < shards_.size(); ++i) {
    hooks_.push_back(std::make_unique<EngineHooks>(*this, i));
    Engine& e = shards_.engine(i);
    EngineGuard lk(e);
    e.set_observer(hooks_.back().get());
  }
  scripting_ = std::make_unique<Scripting>(*this);
  snapshots_ = std::make_unique<Snapshots>(*this);
  snapshots_->rdb().last_save_sec.store(start_ms_ / 1000);
  struct mallinfo2 mi = mallinfo2();
  startup_bytes_ = static_cast<int64_t>(mi.uordblks + mi.hblkhd);
  ApplyMemoryPolicies(config_);
}

ServerState::~ServerState() {
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
  const int n = shards_.size();
  for (int i = 0; i < n; ++i) {
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

void ServerState::PublishLimits() {
  auto set = [](std::atomic<int64_t>& a, int64_t v) { a.store(v, std::memory_order_relaxed); };
  set(limits_.proto_max_bulk_len, config_.proto_max_bulk_len);
  set(limits_.busy_reply_threshold, config_.busy_reply_threshold);
  set(limits_.client_query_buffer_limit, config_.client_query_buffer_limit);
  set(limits_.tcp_keepalive, config_.tcp_keepalive);
  set(limits_.maxclients, config_.maxclients);
  limits_.requirepass_set.store(!config_.requirepass.empty(), std::memory_order_relaxed);
  limits_.rdbcompression.store(config_.rdbcompression == "yes", std::memory_order_relaxed);
  set(limits_.list_max_listpack_size, config_.list_max_listpack_size);
  set(limits_.hash_max_listpack_entries, config_.hash_max_listpack_entries);
  set(limits_.hash_max_listpack_value, config_.hash_max_listpack_value);
  set(limits_.set_max_intset_entries, config_.set_max_intset_entries);
  set(limits_.zset_max_listpack_entries, config_.zset_max_listpack_entries);
  set(limits_.zset_max_listpack_value, config_.zset_max_listpack_value);
  set(limits_.hll_sparse_max_bytes, config_.hll_sparse_max_bytes);
  if (AofSet* a = aof())
    if (auto p = ParseFsyncPolicy(config_.appendfsync)) a->set_fsync(*p);
}

}  // namespace ks
