#pragma once
// What a command handler works with: its arguments, where to reply, the client, the server,
// and its keys already routed to engines and locked by the execution path (server/core/executor.h).
#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "engine/object_ops.h"
#include "resp/reply_builder.h"
#include "server/core/client_state.h"
#include "routing/slots.h"
#include "server/core/command.h"
#include "server/core/errors.h"
#include "server/core/keyspace_events.h"
#include "server/core/server_state.h"
#include "server/pubsub/notifications.h"

namespace ks {

class Execution;

struct KeyRef {
  std::string_view key;
  uint16_t slot;
  uint16_t engine;
};

// How a handler means to use a key it looks up; kRead | kWrite reads (counting a hit or miss)
// before it writes (GETDEL, SET ... GET).
enum class Access : uint8_t { kRead = 1, kWrite = 2 };
constexpr Access operator|(Access a, Access b) { return Access(uint8_t(a) | uint8_t(b)); }
constexpr bool operator&(Access a, Access b) { return (uint8_t(a) & uint8_t(b)) != 0; }

// A typed lookup's result: the live entry, or nullptr when the key is missing or (wrong_type)
// holds another type.
struct KeyLookup {
  Entry* entry = nullptr;
  bool wrong_type = false;
};

struct CommandContext {
  std::span<const std::string_view> args;
  ReplyBuilder& rb;
  ClientState& client;
  ServerState& server;
  const CommandSpec& spec;
  // The command's keys in argument order, as the table locates them; their engines are locked.
  boost::container::small_vector<KeyRef, 4> keys;
  // Set while a blocking command is re-run to serve a blocked client (server/blocking.h):
  // it must not block again, only report through would_block that it still cannot proceed.
  bool serving = false;
  bool would_block = false;
  // Set while the command runs inside EXEC (or a script): it never blocks (a blocking
  // command answers as if its timeout had passed, as Redis's CLIENT_DENY_BLOCKING), and it
  // was admitted with the whole transaction (no memory check of its own).
  bool in_exec = false;
  // Work the handler leaves for after its engines are unlocked (FLUSHALL's save).
  std::function<void()> after_unlock;
  // The keys the handler changed, recorded only for rows that log them (AofLog::kChangedKeys).
  boost::container::small_vector<KeyRef, 2> changed;
  // What the append-only file logs instead of the command or its effect, when the handler
  // sets propagation_replaced (Redis's alsoPropagate + preventCommandPropagation): each
  // command on its key's engine. XREADGROUP/XCLAIM log XCLAIM ... JUSTID per entry rather than
  // the whole stream. Filled only while Propagating().
  struct Propagated {
    uint16_t engine;
    std::vector<std::string> args;
  };
  bool propagation_replaced = false;
  std::vector<Propagated> propagated;
  bool Propagating() const { return server.aof() != nullptr; }
  // Keyspace events the command raised, published once its engines are unlocked.
  std::vector<KeyspaceNote> notes;

  // ---- Keyspace notifications (Redis's notifyKeyspaceEvent) -------------------------------
  // The event a command raises is a fact of the command, so handlers name it here, in Redis's
  // order. Costs one relaxed load while notify-keyspace-events is off.
  [[gnu::always_inline]] void Notify(uint32_t type, std::string_view event, std::string_view key, int db_index) {
    if (server.limits().notify_flags.load(std::memory_order_relaxed) & type) [[unlikely]]
      AddNote(type, event, key, db_index);
  }
  [[gnu::noinline]] void AddNote(uint32_t type, std::string_view event, std::string_view key, int db_index) {
    notes.push_back(KeyspaceNote{type, event, db_index, std::string(key)});
  }
  void Notify(uint32_t type, std::string_view event, const KeyRef& k) { Notify(type, event, k.key, db()); }
  // The Execution of several commands this one runs in (EXEC's queue, a script's redis.call),
  // else null. Its engines are held (kSelf handlers skip them: ThreadHeldEngines), and it took
  // the script mutex before them when it holds a script (ScriptLockFor): a script run here
  // (EVAL in EXEC) runs in it without taking the mutex again.
  Execution* outer = nullptr;
  // Set for a command a script runs with the allow-oom flag: no eviction or OOM refusal.
  bool allow_oom = false;

  // ---- Typed lookups (Redis's lookupKeyRead/lookupKeyWrite + checkType) -------------------
  // A key of the wrong type is reported, never returned. kRead counts a keyspace hit or miss,
  // as lookupKeyRead does; kWrite alone does not. Both refresh the key's access time unless
  // the client asked for CLIENT NO-TOUCH, and both drop an expired key.
  KeyLookup Lookup(const KeyRef& k, ObjType type, Access a) {
    Entry* e = (a & Access::kRead) ? FindRead(k) : Find(k);
    if (e && e->type() != type) return {nullptr, true};
    return {e, false};
  }
  // Lookup that replies WRONGTYPE itself: on wrong_type the handler has nothing left to say.
  KeyLookup LookupOrReply(const KeyRef& k, ObjType type, Access a) {
    KeyLookup r = Lookup(k, type, a);
    if (r.wrong_type) rb.Error(err::kWrongType);
    return r;
  }
  // LookupOrReply for a write that needs the key to exist (Redis's *LookupWriteOrCreate): a
  // missing key is stored as make()'s new, empty entry of that type. The handler finishes
  // with Changed(k, entry), which deletes the key again if it is left empty.
  template <typename Make>
  KeyLookup LookupOrCreate(const KeyRef& k, ObjType type, Make&& make) {
    KeyLookup r = LookupOrReply(k, type, Access::kWrite);
    if (!r.entry && !r.wrong_type) {
      Notify(kNotifyNew, "new", k);
      r.entry = make();
      engine(k).Put(db(), k.slot, r.entry);
    }
    return r;
  }
  // Untyped lookups (DEL, EXISTS, TYPE...): Find as kWrite, FindRead as kRead.
  Entry* Find(const KeyRef& k) { return engine(k).Find(db(), k.slot, k.key, touch()); }
  // A read that finds nothing raises Redis's "keymiss" event.
  Entry* FindRead(const KeyRef& k) {
    Entry* e = engine(k).FindForRead(db(), k.slot, k.key, touch());
    if (!e) Notify(kNotifyKeyMiss, "keymiss", k);
    return e;
  }

  // ---- Changes. Each one signals "key modified" (server/core/keyspace_events.h). -----------
  // The one completion after a handler changed k's value e (its live entry) in place: a
  // collection left empty is deleted, a small compact one moves into its entry
  // (Entry::PackObject), its memory is re-charged (Db::Reaccount) and the change signalled.
  // Returns the entry's new address, or nullptr when the key was deleted.
  Entry* Changed(const KeyRef& k, Entry* e) {
    Db& d = engine(k).db(db());
    if (e->type() != ObjType::kString) {
      if (ObjectEmpty(e->type(), e->obj())) {
        Delete(k);
        return nullptr;
      }
      if (!e->inline_obj() && ObjectInlineBytes(e->type(), e->obj()) != 0)
        e = d.Modify(k.slot, e, [](Entry* x) { return Entry::PackObject(x); });  // charges it too
      else
        d.Reaccount(k.slot, e);
    }
    Signal(k, KeyEvent::kWritten);
    return e;
  }
  // Changed, then the command's keyspace event and, if that emptied the key, "del": Redis's
  // order for pops and removals.
  Entry* Changed(const KeyRef& k, Entry* e, uint32_t type, std::string_view event) {
    Entry* r = Changed(k, e);
    Notify(type, event, k);
    if (!r) Notify(kNotifyGeneric, "del", k);
    return r;
  }
  // Stores e under k (in database db_index, by default the client's), replacing any value.
  void Put(const KeyRef& k, Entry* e) { Put(k, e, db()); }
  void Put(const KeyRef& k, Entry* e, int db_index) {
    // Redis's dbAdd raises "new" for a key that did not exist.
    if (server.limits().notify_flags.load(std::memory_order_relaxed) & kNotifyNew) [[unlikely]]
      if (!engine(k).Find(db_index, k.slot, k.key, false)) Notify(kNotifyNew, "new", k.key, db_index);
    engine(k).Put(db_index, k.slot, e);
    Signal(k, KeyEvent::kWritten, db_index);
  }
  // Deletes k; false if it did not exist.
  bool Delete(const KeyRef& k) {
    if (!engine(k).Delete(db(), k.slot, k.key)) return false;
    Signal(k, KeyEvent::kDeleted);
    return true;
  }
  // Removes k and hands its entry to the caller (RENAME, MOVE), or nullptr if it did not exist.
  Entry* Detach(const KeyRef& k) {
    Entry* e = engine(k).Detach(db(), k.slot, k.key);
    if (e) Signal(k, KeyEvent::kDeleted);
    return e;
  }
  // Sets or removes (Entry::kNoExpire) the TTL of k's live entry e; returns its new address.
  Entry* SetExpire(const KeyRef& k, Entry* e, int64_t expire_ms) {
    e = engine(k).SetExpire(db(), k.slot, e, expire_ms);
    Signal(k, KeyEvent::kWritten);
    return e;
  }
  // Applies f(Entry*) -> Entry* to k's live entry e, which f may move or replace; the table
  // follows (see Db::Modify). Returns the entry's new address.
  template <typename F>
  Entry* Modify(const KeyRef& k, Entry* e, F&& f) {
    e = engine(k).db(db()).Modify(k.slot, e, static_cast<F&&>(f));
    Signal(k, KeyEvent::kWritten);
    return e;
  }
  // Whole databases, on every engine (the dispatcher holds them all: LockMode::kAll).
  // The db-wide signal goes first, so listeners see what is about to go (WATCH dirties the
  // watchers of keys that exist, as Redis's signalFlushedDb does before emptying).
  void FlushDb() {
    server.keyspace_events().DbChanged(DbEvent::kFlushDb, db());
    for (int i = 0; i < shards().size(); ++i) shards().engine(i).FlushDb(db());
  }
  void FlushAll() {
    server.keyspace_events().DbChanged(DbEvent::kFlushAll, -1);
    for (int i = 0; i < shards().size(); ++i) shards().engine(i).FlushAll();
  }
  void SwapDb(int a, int b) {
    server.keyspace_events().DbChanged(DbEvent::kSwapDb, a, b);
    for (int i = 0; i < shards().size(); ++i) shards().engine(i).SwapDb(a, b);
  }
  // Signals a change to k made some other way (in database db_index, by default the client's).
  void Signal(const KeyRef& k, KeyEvent cause) { Signal(k, cause, db()); }
  void Signal(const KeyRef& k, KeyEvent cause, int db_index) {
    if (spec.aof == AofLog::kChangedKeys) changed.push_back(k);
    server.keyspace_events().KeyModified(db_index, k.key, k.slot, cause, client.info->id);
  }

  // Routes a key the handler only learns while it runs (SORT's BY/GET patterns). Only for a
  // command holding every engine (its lock_for chose LockMode::kAll): then no slot can move
  // and the key's engine is locked.
  KeyRef RouteHeld(std::string_view key) {
    const uint16_t slot = KeySlot(key);
    return KeyRef{key, slot, shards().slots().EngineOf(slot)};
  }

  int64_t NowMs() const { return server.clock()->NowMs(); }
  // This I/O thread's stream of the server's one random source (seedable in tests).
  Rng random() { return server.random(client.thread_index); }
  bool touch() const { return !client.info->no_touch.load(std::memory_order_relaxed); }

  ShardSet& shards() { return server.shards(); }
  Engine& engine(const KeyRef& k) { return server.shards().engine(k.engine); }
  int db() const { return client.db; }
  size_t argc() const { return args.size(); }
  std::string_view arg(size_t i) const { return args[i]; }
};

// Before a write command's handler runs, with its engines locked: a snapshot in progress
// copies the slots the command may change first (persistence/snapshot.h), and the change
// counter (Redis's server.dirty, which save points read) moves by the keys named.
inline void BeforeWrite(CommandContext& ctx) {
  ShardSet& shards = ctx.shards();
  if (ctx.spec.aof == AofLog::kServerWide) {
    // No key changes.
  } else if (ctx.spec.lock == LockMode::kAll) {
    for (int i = 0; i < shards.size(); ++i) shards.engine(i).BeforeAllSlotsChange();
  } else {
    for (const KeyRef& k : ctx.keys) shards.engine(k.engine).BeforeSlotChange(k.slot);
  }
  ctx.server.stats().per_thread[ctx.client.thread_index].dirty.fetch_add(std::max<size_t>(1, ctx.keys.size()),
                                                                          std::memory_order_relaxed);
}

}  // namespace ks
