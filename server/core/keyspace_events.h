#pragma once
// The one "key modified" signal (Redis's signalModifiedKey / signalFlushedDb / signalDeletedKey
// sources): WATCH, keyspace notifications, client tracking and the replication stream listen
// here rather than each being called from handlers. Commands signal through CommandContext's
// mutation methods, the engines' own removals (expiry, eviction) through EngineHooks, and
// FLUSHDB/FLUSHALL/SWAPDB through the db-wide signal. Every signal is sent with the engines
// concerned locked, from whichever thread runs the command, so listeners must be thread-safe.
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ks {

// Why a key changed.
enum class KeyEvent : uint8_t {
  kWritten,  // created or changed by a command (including its TTL)
  kDeleted,  // removed by a command (DEL, a collection emptied, the source of RENAME/MOVE)
  kExpired,  // removed by the engine because its TTL passed
  kEvicted,  // removed by the engine to stay within maxmemory
};

// A change to a whole database, signalled just before it happens (with every engine locked),
// so a listener can still see the keys concerned.
enum class DbEvent : uint8_t {
  kFlushDb,   // db emptied
  kFlushAll,  // every database emptied (db is -1)
  kSwapDb,    // db and other swapped contents
};

class KeyspaceListener {
 public:
  virtual ~KeyspaceListener() = default;
  // client: the id of the client whose command changed the key, 0 for the server itself
  // (expiry, eviction); client tracking's NOLOOP needs it.
  virtual void KeyModified(int db, std::string_view key, uint16_t slot, KeyEvent cause, uint64_t client) = 0;
  virtual void DbChanged(DbEvent event, int db, int other) = 0;
};

// The registered listeners. Registration happens before commands run (start-up, tests); with
// none registered a signal costs one predictable branch.
class KeyspaceEvents {
 public:
  void Add(KeyspaceListener* l) {
    listeners_.push_back(l);
    any_ = true;
  }
  void Remove(KeyspaceListener* l) {
    listeners_.erase(std::remove(listeners_.begin(), listeners_.end(), l), listeners_.end());
    any_ = !listeners_.empty();
  }
  // Drops every listener: a forked Lua debugging child, whose changes nobody may see.
  void RemoveAll() {
    listeners_.clear();
    any_ = false;
  }
  bool any() const { return any_; }

  void KeyModified(int db, std::string_view key, uint16_t slot, KeyEvent cause, uint64_t client = 0) {
    if (any_) [[unlikely]]
      for (KeyspaceListener* l : listeners_) l->KeyModified(db, key, slot, cause, client);
  }
  void DbChanged(DbEvent event, int db, int other = -1) {
    if (any_) [[unlikely]]
      for (KeyspaceListener* l : listeners_) l->DbChanged(event, db, other);
  }

 private:
  bool any_ = false;
  std::vector<KeyspaceListener*> listeners_;
};

}  // namespace ks
