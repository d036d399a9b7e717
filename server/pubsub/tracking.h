#pragma once
// Client-side caching (Redis's tracking.c): which clients may hold which keys, and the
// invalidation messages sent when those keys change.
//
// The tracking table maps key names (all databases alike, as in Redis) to the ids of the
// clients that read them; BCAST clients instead subscribe to key prefixes. The table listens
// to the "key modified" hook (server/core/keyspace_events.h), which fires with engines locked:
// there it only records the messages owed (under its own mutex), and Deliver() sends them
// through the clients' push queues once the engines are unlocked (ServerState::PublishEngineNotes,
// called by every path that unlocks). With nobody tracking and the table empty, a change
// costs one relaxed atomic load.
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <atomic>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/core/keyspace_events.h"
#include "server/pubsub/pubsub.h"

namespace ks {

struct ClientInfo;
struct ClientState;
class ClientRegistry;

// Redis's CLIENT_TRACKING_* flags, kept in ClientState::tracking (the client's own thread) and
// mirrored in ClientInfo::tracking_flags (read by other threads: CLIENT LIST, invalidators).
enum TrackingFlag : uint32_t {
  kTrackOn = 1 << 0,
  kTrackBcast = 1 << 1,
  kTrackOptin = 1 << 2,
  kTrackOptout = 1 << 3,
  kTrackNoloop = 1 << 4,
  kTrackCaching = 1 << 5,      // CLIENT CACHING given for the next command
  kTrackBrokenRedir = 1 << 6,  // the redirect client went away
};

// Whether a read of a client with these flags remembers its keys (Redis's
// trackingRememberKeys): not BCAST; OPTIN only after CLIENT CACHING YES, OPTOUT all but after
// CLIENT CACHING NO.
inline bool RemembersReads(uint32_t t) {
  if (!(t & kTrackOn) || (t & kTrackBcast)) return false;
  const bool caching = t & kTrackCaching;
  return !(((t & kTrackOptin) && !caching) || ((t & kTrackOptout) && caching));
}

class Tracking : public KeyspaceListener {
 public:
  explicit Tracking(ClientRegistry& clients) : clients_(clients) {}

  // CLIENT TRACKING ON, options already checked (Redis's enableTracking): prefixes only with
  // kTrackBcast. redirect 0 means none.
  void Enable(ClientState& c, uint64_t redirect, uint32_t options, const std::vector<std::string>& prefixes);
  // CLIENT TRACKING OFF, RESET, and a closing connection.
  void Disable(ClientState& c);
  // The client's BCAST prefixes, in order (CLIENT TRACKINGINFO).
  std::vector<std::string> Prefixes(uint64_t id) const;
  // Whether any of prefixes overlaps another or one the client already has; the error text.
  std::string PrefixCollision(uint64_t id, const std::vector<std::string>& prefixes) const;

  // After a read-only command with keys: remembers them for the client (trackingRememberKeys).
  void RememberKeys(uint64_t id, std::span<const std::string_view> keys);

  // Before each command while anyone tracks: invalidates keys until the table holds at most
  // max_keys (Redis's trackingLimitUsedSlots); 0 is no limit.
  void EnforceLimit(uint64_t max_keys);

  // Sends what changes owed, after the engines are unlocked. One relaxed load when nothing is.
  void Deliver();

  // Remote shards (proxy/remote_events.h), from any thread, nothing locked: keys a remote
  // reported changed, invalidated as a local change of them would be (by nobody: NOLOOP
  // cannot tell whose change it was), and delivered.
  void InvalidateRemote(std::span<const std::string_view> keys);
  // Invalidates every remembered key for which pred is true and, when bcast, tells every
  // BCAST client to flush (a null invalidation), then delivers: a remote's invalidations may
  // have been missed (its connection was down) or the remote flushed.
  void InvalidateWhere(const std::function<bool(std::string_view key)>& pred, bool bcast);
  // BCAST clients now; on_bcast_change runs (outside the lock) when it goes 0 <-> non-zero.
  int64_t bcast_clients() const { return nbcast_.load(std::memory_order_relaxed); }
  void set_on_bcast_change(std::function<void()> f) { on_bcast_change_ = std::move(f); }

  // Whether the change hook has anything to do: someone tracks or the table holds keys.
  bool active() const { return active_.load(std::memory_order_relaxed); }

  // INFO. clients() is also the check before EnforceLimit: one relaxed load.
  int64_t clients() const;
  int64_t total_keys() const;
  int64_t total_items() const;
  int64_t total_prefixes() const;

  // KeyspaceListener.
  void KeyModified(int db, std::string_view key, uint16_t slot, KeyEvent cause, uint64_t client) override;
  void DbChanged(DbEvent event, int db, int other) override;

 private:
  // What invalidators need of a tracking client; under mu_.
  struct Client {
    std::shared_ptr<ClientInfo> info;
    uint32_t flags = 0;
    uint64_t redirect = 0;
    std::set<std::string> prefixes;
  };
  // One BCAST prefix: its clients, and the keys changed since the last Deliver with the id of
  // the client that changed each last (for NOLOOP; 0 for the server).
  struct Prefix {
    std::set<uint64_t> clients;
    std::map<std::string, uint64_t> keys;
  };
  struct Message {
    std::shared_ptr<Subscriber> to;
    std::string frame;
  };
  using Ids = boost::unordered_flat_set<uint64_t>;

  // Queues the message for c with payload (an encoded array of keys, or a null), following
  // its redirection (Redis's sendTrackingMessage). Under mu_.
  void QueueFor(uint64_t id, Client& c, std::string_view payload);
  // Invalidates key for the clients that read it, except who (NOLOOP). Under mu_.
  void InvalidateKey(std::string_view key, uint64_t who);
  void UpdateActive();
  // Recounts BCAST clients (under mu_); whether the count went 0 <-> non-zero.
  bool CountBcast();

  ClientRegistry& clients_;
  std::atomic<bool> active_{false};
  std::atomic<bool> pending_{false};
  std::atomic<int64_t> nclients_{0};
  std::atomic<int64_t> nbcast_{0};
  std::function<void()> on_bcast_change_;  // set before clients connect
  int timeout_counter_ = 0;  // EnforceLimit's rounds still over the limit
  mutable std::mutex mu_;
  boost::unordered_flat_map<uint64_t, Client> tracking_;
  boost::unordered_flat_map<std::string, Ids, PubSubHash, std::equal_to<>> table_;
  uint64_t items_ = 0;
  std::map<std::string, Prefix, std::less<>> prefixes_;
  bool bcast_dirty_ = false;
  std::vector<Message> out_;
  std::mutex deliver_mu_;  // one deliverer at a time, so messages keep the order raised
};

}  // namespace ks
