#pragma once
// Pub/sub: the registry of channels, patterns and shard channels and the clients subscribed
// to them (Redis's server.pubsub_channels / pubsub_patterns / pubsubshard_channels), and
// delivery. A subscriber is a handle the connection implements (proxy/): Send queues bytes for
// the connection's own I/O thread and never blocks, so a publisher on any thread delivers
// under the registry's read lock without waiting for a slow subscriber. Each publisher's
// messages reach every subscriber in the order it published them.
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ks {

// A client that receives messages. Thread-safe: publishers call it from any thread.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // Queues one encoded message. A client over its output-buffer limit is disconnected
  // instead, and the message dropped.
  virtual void Send(std::string_view frame) = 0;
  // The client's protocol (2 or 3), which decides how its messages are encoded.
  virtual int resp() const = 0;
};

enum class ChannelKind : uint8_t { kGlobal, kShard };

struct PubSubHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

class PubSub {
 public:
  // Each returns true if the subscription is new.
  bool Subscribe(ChannelKind kind, std::string_view channel, const std::shared_ptr<Subscriber>& s);
  bool Unsubscribe(ChannelKind kind, std::string_view channel, const Subscriber* s);
  bool PSubscribe(std::string_view pattern, const std::shared_ptr<Subscriber>& s);
  bool PUnsubscribe(std::string_view pattern, const Subscriber* s);

  // Delivers message to the channel's subscribers, then (global channels only) to every
  // matching pattern subscription; returns how many deliveries were made (PUBLISH's reply).
  int64_t Publish(ChannelKind kind, std::string_view channel, std::string_view message);

  // PUBSUB CHANNELS / SHARDCHANNELS: active channels, those matching pattern if given.
  std::vector<std::string> Channels(ChannelKind kind, std::optional<std::string_view> pattern) const;
  // PUBSUB NUMSUB / SHARDNUMSUB for one channel.
  int64_t NumSub(ChannelKind kind, std::string_view channel) const;
  // PUBSUB NUMPAT: distinct patterns with a subscriber.
  int64_t NumPat() const;
  // INFO's pubsub_channels / pubsubshard_channels.
  int64_t ChannelCount(ChannelKind kind) const;

  // MONITOR clients: each gets a line for every command run (FeedMonitors).
  void AddMonitor(const std::shared_ptr<Subscriber>& s);
  void RemoveMonitor(const Subscriber* s);
  bool has_monitors() const { return monitor_count_.load(std::memory_order_relaxed) != 0; }
  void FeedMonitors(std::string_view frame);

 private:
  using Subscribers = std::vector<std::shared_ptr<Subscriber>>;
  using ChannelMap = boost::unordered_flat_map<std::string, Subscribers, PubSubHash, std::equal_to<>>;

  ChannelMap& map(ChannelKind k) { return k == ChannelKind::kGlobal ? channels_ : shard_channels_; }
  const ChannelMap& map(ChannelKind k) const { return k == ChannelKind::kGlobal ? channels_ : shard_channels_; }

  mutable std::shared_mutex mu_;
  ChannelMap channels_;
  ChannelMap shard_channels_;
  // Patterns in the order first subscribed, so deliveries to one client keep a stable order.
  std::vector<std::pair<std::string, Subscribers>> patterns_;
  Subscribers monitors_;
  std::atomic<int> monitor_count_{0};
};

// One client's subscriptions (Redis's c->pubsub_channels and friends), owned by its
// connection's thread.
struct ClientSubscriptions {
  using Set = boost::unordered_flat_set<std::string, PubSubHash, std::equal_to<>>;
  Set channels;
  Set patterns;
  Set shard_channels;
  // Redis's clientSubscriptionsCount: what SUBSCRIBE / PSUBSCRIBE replies count.
  int64_t count() const { return static_cast<int64_t>(channels.size() + patterns.size()); }
  int64_t total() const { return count() + static_cast<int64_t>(shard_channels.size()); }
};

}  // namespace ks
