#include "server/pubsub/notifications.h"

#include "server/pubsub/pubsub.h"

namespace ks {

namespace {
struct ClassChar {
  char c;
  uint32_t bit;
};
// Redis's keyspaceEventsFlagsToString order.
constexpr ClassChar kClasses[] = {
    {'g', kNotifyGeneric}, {'$', kNotifyString}, {'l', kNotifyList},    {'s', kNotifySet},
    {'h', kNotifyHash},    {'z', kNotifyZset},   {'x', kNotifyExpired}, {'e', kNotifyEvicted},
    {'t', kNotifyStream},  {'d', kNotifyModule}, {'n', kNotifyNew},
};
}  // namespace

std::optional<uint32_t> ParseNotifyFlags(std::string_view s) {
  uint32_t flags = 0;
  for (char c : s) {
    switch (c) {
      case 'A': flags |= kNotifyAll; break;
      case 'K': flags |= kNotifyKeyspace; break;
      case 'E': flags |= kNotifyKeyevent; break;
      case 'm': flags |= kNotifyKeyMiss; break;
      default: {
        bool found = false;
        for (const auto& k : kClasses)
          if (k.c == c) {
            flags |= k.bit;
            found = true;
          }
        if (!found) return std::nullopt;
      }
    }
  }
  return flags;
}

std::string FormatNotifyFlags(uint32_t flags) {
  std::string s;
  if ((flags & kNotifyAll) == kNotifyAll) {
    s += 'A';  // 'n' is not part of A, yet Redis prints nothing for it here either
  } else {
    for (const auto& k : kClasses)
      if (flags & k.bit) s += k.c;
  }
  if (flags & kNotifyKeyspace) s += 'K';
  if (flags & kNotifyKeyevent) s += 'E';
  if (flags & kNotifyKeyMiss) s += 'm';
  return s;
}

void PublishNote(PubSub& pubsub, uint32_t flags, const KeyspaceNote& n) {
  if (!(flags & n.type)) return;
  std::string db = std::to_string(n.db);
  if (flags & kNotifyKeyspace) pubsub.Publish(ChannelKind::kGlobal, "__keyspace@" + db + "__:" + n.key, n.event);
  if (flags & kNotifyKeyevent) {
    std::string ch = "__keyevent@" + db + "__:";
    ch.append(n.event);
    pubsub.Publish(ChannelKind::kGlobal, ch, n.key);
  }
}

void NoteQueue::Flush(PubSub& pubsub, uint32_t flags) {
  if (!any_.load(std::memory_order_acquire)) return;
  std::lock_guard flushing(flush_mu_);
  std::vector<KeyspaceNote> notes;
  {
    std::lock_guard lk(mu_);
    notes.swap(notes_);
    any_.store(false, std::memory_order_relaxed);
  }
  for (const auto& n : notes) PublishNote(pubsub, flags, n);
}

}  // namespace ks
