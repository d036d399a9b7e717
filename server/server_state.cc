#include "server/server_state.h"

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

ServerState::ServerState(Config config, const Clock* clock)
    : config_(std::move(config)),
      clock_(clock),
      shards_(static_cast<int>(config_.shards), clock),
      start_ms_(clock->NowMs()) {
  PublishLimits();
}

void ServerState::PublishLimits() {
  auto set = [](std::atomic<int64_t>& a, int64_t v) { a.store(v, std::memory_order_relaxed); };
  set(limits_.proto_max_bulk_len, config_.proto_max_bulk_len);
  set(limits_.list_max_listpack_size, config_.list_max_listpack_size);
  set(limits_.hash_max_listpack_entries, config_.hash_max_listpack_entries);
  set(limits_.hash_max_listpack_value, config_.hash_max_listpack_value);
  set(limits_.set_max_intset_entries, config_.set_max_intset_entries);
  set(limits_.zset_max_listpack_entries, config_.zset_max_listpack_entries);
  set(limits_.zset_max_listpack_value, config_.zset_max_listpack_value);
}

}  // namespace ks
