#pragma once
// A client's transaction: MULTI's queue and WATCH's keys (Redis's multiState and
// watched_keys). It belongs to the client's own I/O thread, except Watcher::dirty, which
// any thread's write sets through the WatchRegistry (server/multi/watch_registry.h).
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ks {

struct CommandSpec;
class WatchRegistry;

// One command queued by MULTI, with its own copy of the arguments (the connection's buffer
// moves on).
struct QueuedCommand {
  const CommandSpec* spec = nullptr;
  std::vector<std::string> args;
};

// The keys one client WATCHes. The registry points at it; it leaves the registry before it
// goes (UNWATCH, EXEC, DISCARD, RESET, disconnect).
struct Watcher {
  struct Key {
    int db;
    uint16_t slot;
    std::string key;
  };
  // Set by any thread when a watched key changes (Redis's CLIENT_DIRTY_CAS).
  std::atomic<bool> dirty{false};
  std::vector<Key> keys;
  WatchRegistry* registry = nullptr;  // where keys are registered, once one is
  // Keys WATCHed on a remote shard (server/remote/remote_tx.h): the index of that remote, or
  // -1, and what gives its leased upstream connection back (run once by UnwatchAll).
  int remote = -1;
  std::function<void()> release_remote;

  Watcher() = default;
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;
  ~Watcher();
  // Leaves the registry and forgets every key; clears dirty (Redis's unwatchAllKeys +
  // clearing CLIENT_DIRTY_CAS).
  void UnwatchAll();
};

struct Transaction {
  bool in_multi = false;
  // A command was refused while queueing: EXEC answers EXECABORT (CLIENT_DIRTY_EXEC).
  bool dirty_exec = false;
  uint32_t queued_flags = 0;  // the queued rows' flag bits ORed (write, denyoom...)
  std::vector<QueuedCommand> queue;
  Watcher watcher;

  // Redis's discardTransaction: the queue, the flags and the watched keys go.
  void Discard() {
    in_multi = false;
    dirty_exec = false;
    queued_flags = 0;
    queue.clear();
    watcher.UnwatchAll();
  }
  // flagTransaction: a refused command makes the coming EXEC fail.
  void Flag() {
    if (in_multi) dirty_exec = true;
  }
};

}  // namespace ks
