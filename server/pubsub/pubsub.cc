#include "server/pubsub/pubsub.h"

#include <algorithm>
#include <mutex>

#include "common/strconv.h"
#include "resp/reply_builder.h"

namespace ks {
namespace {

bool AddTo(std::vector<std::shared_ptr<Subscriber>>& subs, const std::shared_ptr<Subscriber>& s) {
  for (const auto& x : subs)
    if (x.get() == s.get()) return false;
  subs.push_back(s);
  return true;
}

bool RemoveFrom(std::vector<std::shared_ptr<Subscriber>>& subs, const Subscriber* s) {
  auto it = std::find_if(subs.begin(), subs.end(), [s](const auto& x) { return x.get() == s; });
  if (it == subs.end()) return false;
  subs.erase(it);  // keeps the others in subscription order
  return true;
}

// A message encoded once per protocol and reused for every subscriber speaking it.
class Frames {
 public:
  Frames(std::string_view kind, std::string_view pattern, std::string_view channel, std::string_view message)
      : kind_(kind), pattern_(pattern), channel_(channel), message_(message) {}

  std::string_view For(int resp) {
    std::string& f = resp == 3 ? resp3_ : resp2_;
    if (f.empty()) {
      ReplyBuilder rb(&f);
      rb.set_resp3(resp == 3);
      rb.Push(pattern_.empty() ? 3 : 4);
      rb.Bulk(kind_);
      if (!pattern_.empty()) rb.Bulk(pattern_);
      rb.Bulk(channel_);
      rb.Bulk(message_);
    }
    return f;
  }

 private:
  std::string_view kind_, pattern_, channel_, message_;
  std::string resp2_, resp3_;
};

}  // namespace

bool PubSub::Subscribe(ChannelKind kind, std::string_view channel, const std::shared_ptr<Subscriber>& s) {
  std::unique_lock lk(mu_);
  ChannelMap& m = map(kind);
  auto it = m.find(channel);
  if (it == m.end()) it = m.emplace(std::string(channel), Subscribers{}).first;
  return AddTo(it->second, s);
}

bool PubSub::Unsubscribe(ChannelKind kind, std::string_view channel, const Subscriber* s) {
  std::unique_lock lk(mu_);
  ChannelMap& m = map(kind);
  auto it = m.find(channel);
  if (it == m.end()) return false;
  bool removed = RemoveFrom(it->second, s);
  if (it->second.empty()) m.erase(it);
  return removed;
}

bool PubSub::PSubscribe(std::string_view pattern, const std::shared_ptr<Subscriber>& s) {
  std::unique_lock lk(mu_);
  for (auto& [p, subs] : patterns_)
    if (p == pattern) return AddTo(subs, s);
  patterns_.emplace_back(std::string(pattern), Subscribers{s});
  return true;
}

bool PubSub::PUnsubscribe(std::string_view pattern, const Subscriber* s) {
  std::unique_lock lk(mu_);
  for (auto it = patterns_.begin(); it != patterns_.end(); ++it) {
    if (it->first != pattern) continue;
    bool removed = RemoveFrom(it->second, s);
    if (it->second.empty()) patterns_.erase(it);
    return removed;
  }
  return false;
}

int64_t PubSub::Publish(ChannelKind kind, std::string_view channel, std::string_view message) {
  int64_t receivers = 0;
  // Delivery happens under the read lock: Send only queues, so this never waits on a client,
  // and it keeps a subscriber from being dropped half-way through one message's fan-out.
  std::shared_lock lk(mu_);
  const ChannelMap& m = map(kind);
  if (auto it = m.find(channel); it != m.end()) {
    Frames frames(kind == ChannelKind::kShard ? "smessage" : "message", {}, channel, message);
    for (const auto& s : it->second) s->Send(frames.For(s->resp()));
    receivers += static_cast<int64_t>(it->second.size());
  }
  if (kind == ChannelKind::kGlobal) {
    for (const auto& [pattern, subs] : patterns_) {
      if (!GlobMatch(pattern, channel)) continue;
      Frames frames("pmessage", pattern, channel, message);
      for (const auto& s : subs) s->Send(frames.For(s->resp()));
      receivers += static_cast<int64_t>(subs.size());
    }
  }
  return receivers;
}

std::vector<std::string> PubSub::Channels(ChannelKind kind, std::optional<std::string_view> pattern) const {
  std::shared_lock lk(mu_);
  std::vector<std::string> out;
  for (const auto& [name, subs] : map(kind))
    if (!pattern || GlobMatch(*pattern, name)) out.push_back(name);
  return out;
}

int64_t PubSub::NumSub(ChannelKind kind, std::string_view channel) const {
  std::shared_lock lk(mu_);
  const ChannelMap& m = map(kind);
  auto it = m.find(channel);
  return it == m.end() ? 0 : static_cast<int64_t>(it->second.size());
}

int64_t PubSub::NumPat() const {
  std::shared_lock lk(mu_);
  return static_cast<int64_t>(patterns_.size());
}

void PubSub::AddMonitor(const std::shared_ptr<Subscriber>& s) {
  std::unique_lock lk(mu_);
  if (AddTo(monitors_, s)) monitor_count_.fetch_add(1, std::memory_order_relaxed);
}

void PubSub::RemoveMonitor(const Subscriber* s) {
  std::unique_lock lk(mu_);
  if (RemoveFrom(monitors_, s)) monitor_count_.fetch_sub(1, std::memory_order_relaxed);
}

void PubSub::FeedMonitors(std::string_view frame) {
  std::shared_lock lk(mu_);
  for (const auto& m : monitors_) m->Send(frame);
}

int64_t PubSub::ChannelCount(ChannelKind kind) const {
  std::shared_lock lk(mu_);
  return static_cast<int64_t>(map(kind).size());
}

}  // namespace ks
