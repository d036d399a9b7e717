#include "server/pubsub/tracking.h"

#include "server/core/client_state.h"
#include "server/core/server_state.h"

namespace ks {
namespace {

void AppendBulk(std::string& out, std::string_view s) {
  out += '$';
  out += std::to_string(s.size());
  out += "\r\n";
  out.append(s);
  out += "\r\n";
}

std::string KeyArray(std::string_view key) {
  std::string p = "*1\r\n";
  AppendBulk(p, key);
  return p;
}

}  // namespace

void Tracking::UpdateActive() {
  active_.store(!tracking_.empty() || !table_.empty() || !prefixes_.empty(), std::memory_order_relaxed);
}

bool Tracking::CountBcast() {
  int64_t n = 0;
  for (const auto& [id, c] : tracking_) n += (c.flags & kTrackBcast) != 0;
  const int64_t before = nbcast_.exchange(n, std::memory_order_relaxed);
  return (before == 0) != (n == 0);
}

void Tracking::Enable(ClientState& c, uint64_t redirect, uint32_t options, const std::vector<std::string>& prefixes) {
  bool bcast_changed;
  {
  std::lock_guard lk(mu_);
  const uint64_t id = c.info->id;
  Client& t = tracking_[id];
  t.info = c.info;
  t.redirect = redirect;
  // As enableTracking: a second ON keeps CACHING and the prefixes already given, and resets
  // the other options to the new ones.
  uint32_t flags = (c.tracking & kTrackCaching) | kTrackOn;
  if (options & kTrackBcast) {
    flags |= kTrackBcast;
    auto add = [&](const std::string& p) {
      prefixes_[p].clients.insert(id);
      t.prefixes.insert(p);
    };
    if (prefixes.empty()) add(std::string());
    for (const auto& p : prefixes) add(p);
  }
  flags |= options & (kTrackOptin | kTrackOptout | kTrackNoloop);
  c.tracking = flags;
  t.flags = flags & ~kTrackCaching;
  c.info->tracking_redir.store(redirect, std::memory_order_relaxed);
  c.info->tracking_flags.store(flags & ~kTrackCaching, std::memory_order_relaxed);
  nclients_.store(static_cast<int64_t>(tracking_.size()), std::memory_order_relaxed);
  UpdateActive();
  bcast_changed = CountBcast();
  }
  if (bcast_changed && on_bcast_change_) on_bcast_change_();
}

void Tracking::Disable(ClientState& c) {
  if (!(c.tracking & kTrackOn)) return;
  bool bcast_changed;
  {
  std::lock_guard lk(mu_);
  const uint64_t id = c.info->id;
  // Keys the client read stay in the table until they change or are evicted (as in Redis,
  // which removes ids lazily rather than walk the table when a client leaves).
  if (auto it = tracking_.find(id); it != tracking_.end()) {
    for (const auto& p : it->second.prefixes) {
      auto pit = prefixes_.find(p);
      if (pit == prefixes_.end()) continue;
      pit->second.clients.erase(id);
      if (pit->second.clients.empty()) prefixes_.erase(pit);
    }
    tracking_.erase(it);
  }
  c.tracking = 0;
  c.info->tracking_flags.store(0, std::memory_order_relaxed);
  nclients_.store(static_cast<int64_t>(tracking_.size()), std::memory_order_relaxed);
  UpdateActive();
  bcast_changed = CountBcast();
  }
  if (bcast_changed && on_bcast_change_) on_bcast_change_();
}

std::vector<std::string> Tracking::Prefixes(uint64_t id) const {
  std::lock_guard lk(mu_);
  auto it = tracking_.find(id);
  if (it == tracking_.end()) return {};
  return {it->second.prefixes.begin(), it->second.prefixes.end()};
}

std::string Tracking::PrefixCollision(uint64_t id, const std::vector<std::string>& prefixes) const {
  auto overlap = [](std::string_view a, std::string_view b) {
    return a.substr(0, std::min(a.size(), b.size())) == b.substr(0, std::min(a.size(), b.size()));
  };
  std::lock_guard lk(mu_);
  auto it = tracking_.find(id);
  for (size_t i = 0; i < prefixes.size(); ++i) {
    if (it != tracking_.end())
      for (const auto& have : it->second.prefixes)
        if (overlap(have, prefixes[i]))
          return "ERR Prefix '" + prefixes[i] + "' overlaps with an existing prefix '" + have +
                 "'. Prefixes for a single client must not overlap.";
    for (size_t j = i + 1; j < prefixes.size(); ++j)
      if (overlap(prefixes[i], prefixes[j]))
        return "ERR Prefix '" + prefixes[i] + "' overlaps with another provided prefix '" + prefixes[j] +
               "'. Prefixes for a single client must not overlap.";
  }
  return {};
}

void Tracking::RememberKeys(uint64_t id, std::span<const std::string_view> keys) {
  std::lock_guard lk(mu_);
  for (std::string_view k : keys) {
    auto it = table_.find(k);
    if (it == table_.end()) it = table_.emplace(std::string(k), Ids{}).first;
    if (it->second.insert(id).second) ++items_;
  }
  UpdateActive();
}

void Tracking::QueueFor(uint64_t id, Client& c, std::string_view payload) {
  if (c.redirect) {
    std::shared_ptr<ClientInfo> target = clients_.Find(c.redirect);
    std::shared_ptr<Subscriber> sink = target ? target->sink.lock() : nullptr;
    if (!sink) {
      // The redirect client is gone: the tracking client learns it, if RESP3 lets it.
      c.info->tracking_flags.fetch_or(kTrackBrokenRedir, std::memory_order_relaxed);
      if (c.info->resp.load(std::memory_order_relaxed) == 3)
        if (auto self = c.info->sink.lock())
          out_.push_back({std::move(self), ">2\r\n$21\r\ntracking-redir-broken\r\n:" + std::to_string(c.redirect) + "\r\n"});
      return;
    }
    if (target->resp.load(std::memory_order_relaxed) == 3) {
      out_.push_back({std::move(sink), ">2\r\n$10\r\ninvalidate\r\n" + std::string(payload)});
    } else if (target->pubsub.load(std::memory_order_relaxed)) {
      // RESP2 has no pushes: a subscribed client gets a message on __redis__:invalidate.
      out_.push_back({std::move(sink), "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n" + std::string(payload)});
    }
    return;
  }
  // Without redirection only RESP3 can be told; a RESP2 client gets nothing.
  if (c.info->resp.load(std::memory_order_relaxed) != 3) return;
  (void)id;
  if (auto self = c.info->sink.lock()) out_.push_back({std::move(self), ">2\r\n$10\r\ninvalidate\r\n" + std::string(payload)});
}

void Tracking::InvalidateKey(std::string_view key, uint64_t who) {
  auto it = table_.find(key);
  if (it == table_.end()) return;
  std::string payload;
  for (uint64_t id : it->second) {
    auto c = tracking_.find(id);
    if (c == tracking_.end()) continue;
    const uint32_t flags = c->second.info->tracking_flags.load(std::memory_order_relaxed);
    // A client that switched to BCAST no longer gets what it read before; NOLOOP skips the
    // client's own changes.
    if (!(flags & kTrackOn) || (flags & kTrackBcast)) continue;
    if ((flags & kTrackNoloop) && id == who) continue;
    if (payload.empty()) payload = KeyArray(key);
    QueueFor(id, c->second, payload);
  }
  items_ -= it->second.size();
  table_.erase(it);
  if (!out_.empty()) pending_.store(true, std::memory_order_relaxed);
}

void Tracking::KeyModified(int, std::string_view key, uint16_t, KeyEvent, uint64_t who) {
  if (!active_.load(std::memory_order_relaxed)) return;
  std::lock_guard lk(mu_);
  // BCAST: remember the key under every prefix it matches, with who changed it last, to be
  // sent as one array per prefix by Deliver (Redis sends once per event loop).
  for (auto& [p, state] : prefixes_)
    if (key.starts_with(p)) {
      state.keys[std::string(key)] = who;
      bcast_dirty_ = true;
      pending_.store(true, std::memory_order_relaxed);
    }
  InvalidateKey(key, who);
  UpdateActive();
}

void Tracking::DbChanged(DbEvent event, int, int) {
  if (event == DbEvent::kSwapDb) return;  // Redis 7.0's SWAPDB leaves tracking alone
  if (!active_.load(std::memory_order_relaxed)) return;
  std::lock_guard lk(mu_);
  // Keys are tracked across databases, so any flush invalidates everything: one null to every
  // tracking client (encoded in its own protocol, as Redis does even when redirecting).
  for (auto& [id, c] : tracking_) {
    const bool resp3 = c.info->resp.load(std::memory_order_relaxed) == 3;
    QueueFor(id, c, resp3 ? "_\r\n" : "$-1\r\n");
  }
  table_.clear();
  items_ = 0;
  if (!out_.empty()) pending_.store(true, std::memory_order_relaxed);
  UpdateActive();
}

void Tracking::InvalidateRemote(std::span<const std::string_view> keys) {
  if (!active_.load(std::memory_order_relaxed)) return;
  for (std::string_view k : keys) KeyModified(0, k, 0, KeyEvent::kWritten, 0);
  Deliver();
}

void Tracking::InvalidateWhere(const std::function<bool(std::string_view)>& pred, bool bcast) {
  if (!active_.load(std::memory_order_relaxed)) return;
  {
    std::lock_guard lk(mu_);
    std::vector<std::string> keys;
    for (const auto& [k, ids] : table_)
      if (pred(k)) keys.push_back(k);
    for (const auto& k : keys) InvalidateKey(k, 0);
    if (bcast)
      for (auto& [id, c] : tracking_)
        if (c.flags & kTrackBcast) {
          const bool resp3 = c.info->resp.load(std::memory_order_relaxed) == 3;
          QueueFor(id, c, resp3 ? "_\r\n" : "$-1\r\n");
        }
    if (!out_.empty()) pending_.store(true, std::memory_order_relaxed);
    UpdateActive();
  }
  Deliver();
}

void Tracking::EnforceLimit(uint64_t max_keys) {
  if (max_keys == 0) return;
  {
    std::lock_guard lk(mu_);
    if (table_.size() <= max_keys) {
      timeout_counter_ = 0;
      return;
    }
    // As trackingLimitUsedSlots: invalidate keys as if they changed, with more effort each
    // time the table is still over after the last try.
    int effort = 100 * (timeout_counter_ + 1);
    while (effort-- > 0 && table_.size() > max_keys) {
      std::string key = table_.begin()->first;
      InvalidateKey(key, 0);
    }
    timeout_counter_ = table_.size() > max_keys ? timeout_counter_ + 1 : 0;
    UpdateActive();
  }
  Deliver();
}

void Tracking::Deliver() {
  if (!pending_.load(std::memory_order_relaxed)) return;
  std::lock_guard dl(deliver_mu_);
  std::vector<Message> msgs;
  {
    std::lock_guard lk(mu_);
    if (bcast_dirty_) {
      bcast_dirty_ = false;
      for (auto& [p, state] : prefixes_) {
        if (state.keys.empty()) continue;
        std::string all = "*" + std::to_string(state.keys.size()) + "\r\n";
        for (const auto& [k, who] : state.keys) AppendBulk(all, k);
        for (uint64_t id : state.clients) {
          auto c = tracking_.find(id);
          if (c == tracking_.end()) continue;
          if (c->second.info->tracking_flags.load(std::memory_order_relaxed) & kTrackNoloop) {
            // Leave out the keys this client changed last itself.
            std::string adhoc;
            size_t n = 0;
            for (const auto& [k, who] : state.keys)
              if (who != id) {
                AppendBulk(adhoc, k);
                ++n;
              }
            if (n) QueueFor(id, c->second, "*" + std::to_string(n) + "\r\n" + adhoc);
          } else {
            QueueFor(id, c->second, all);
          }
        }
        state.keys.clear();
      }
    }
    msgs.swap(out_);
    pending_.store(false, std::memory_order_relaxed);
  }
  for (auto& m : msgs) m.to->Send(m.frame);
}

int64_t Tracking::clients() const { return nclients_.load(std::memory_order_relaxed); }

int64_t Tracking::total_keys() const {
  std::lock_guard lk(mu_);
  return static_cast<int64_t>(table_.size());
}

int64_t Tracking::total_items() const {
  std::lock_guard lk(mu_);
  return static_cast<int64_t>(items_);
}

int64_t Tracking::total_prefixes() const {
  std::lock_guard lk(mu_);
  return static_cast<int64_t>(prefixes_.size());
}

}  // namespace ks
