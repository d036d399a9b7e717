#pragma once
// Keyspace notifications (Redis's notify.c): the event classes of notify-keyspace-events, and
// the events commands and engines raise. Events are raised with engines locked, so they are
// queued and published after the unlock (Execution::Release, the housekeeper), to
// __keyspace@<db>__:<key> (message: the event) and __keyevent@<db>__:<event> (message: the key).
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ks {

class PubSub;

// Redis's NOTIFY_* bits.
enum NotifyClass : uint32_t {
  kNotifyKeyspace = 1 << 0,  // K
  kNotifyKeyevent = 1 << 1,  // E
  kNotifyGeneric = 1 << 2,   // g
  kNotifyString = 1 << 3,    // $
  kNotifyList = 1 << 4,      // l
  kNotifySet = 1 << 5,       // s
  kNotifyHash = 1 << 6,      // h
  kNotifyZset = 1 << 7,      // z
  kNotifyExpired = 1 << 8,   // x
  kNotifyEvicted = 1 << 9,   // e
  kNotifyStream = 1 << 10,   // t
  kNotifyKeyMiss = 1 << 11,  // m
  kNotifyLoaded = 1 << 12,   // module only
  kNotifyModule = 1 << 13,   // d
  kNotifyNew = 1 << 14,      // n
  // A: every class but m and n.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash | kNotifyZset |
               kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// "KEA" -> bits; nullopt for an unknown character.
std::optional<uint32_t> ParseNotifyFlags(std::string_view s);
// Bits -> the canonical text CONFIG GET shows ("AKE").
std::string FormatNotifyFlags(uint32_t flags);

// One raised event. `event` names static text (Redis's event names are literals).
struct KeyspaceNote {
  uint32_t type;
  std::string_view event;
  int db;
  std::string key;
};

// Publishes one event on the channels flags asks for.
void PublishNote(PubSub& pubsub, uint32_t flags, const KeyspaceNote& note);

// Events raised where no command context is at hand (an engine's own removals: expiry,
// eviction), kept until whoever unlocks the engine publishes them.
class NoteQueue {
 public:
  void Push(KeyspaceNote n) {
    std::lock_guard lk(mu_);
    notes_.push_back(std::move(n));
    any_.store(true, std::memory_order_release);
  }
  // Publishes and clears what is queued; one relaxed load when empty.
  void Flush(PubSub& pubsub, uint32_t flags);

 private:
  std::mutex mu_;
  std::mutex flush_mu_;  // one flusher at a time, so events go out in the order raised
  std::atomic<bool> any_{false};
  std::vector<KeyspaceNote> notes_;
};

}  // namespace ks
