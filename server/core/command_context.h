#pragma once
// What a command handler works with: its arguments, where to reply, the client, the server,
// and its keys already routed to engines and locked by the dispatcher.
#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "engine/engine.h"
#include "resp/reply_builder.h"
#include "server/core/client_state.h"
#include "server/core/command.h"
#include "server/core/server_state.h"

namespace ks {

struct KeyRef {
  std::string_view key;
  uint16_t slot;
  uint16_t engine;
};

inline KeyRef RouteKey(ShardSet& shards, std::string_view key) {
  uint16_t slot = KeySlot(key);
  return KeyRef{key, slot, shards.slots().EngineOf(slot)};
}

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
  // Work the handler leaves for after its engines are unlocked (FLUSHALL's save).
  std::function<void()> after_unlock;

  // Keyspace access for the client's database. Lookups refresh the key's access time unless
  // the client asked for CLIENT NO-TOUCH.
  Entry* Find(const KeyRef& k) { return engine(k).Find(db(), k.slot, k.key, touch()); }
  Entry* FindRead(const KeyRef& k) { return engine(k).FindForRead(db(), k.slot, k.key, touch()); }
  void Put(const KeyRef& k, Entry* e) { engine(k).Put(db(), k.slot, e); }
  bool Delete(const KeyRef& k) { return engine(k).Delete(db(), k.slot, k.key); }
  // Applies f(Entry*) -> Entry* to k's live entry e, which f may move or replace; the table
  // follows (see Db::Modify). Returns the entry's new address.
  template <typename F>
  Entry* Modify(const KeyRef& k, Entry* e, F&& f) {
    return engine(k).db(db()).Modify(k.slot, e, static_cast<F&&>(f));
  }
  int64_t NowMs() const { return server.clock()->NowMs(); }
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
  if (ctx.spec.lock == LockMode::kAll) {
    for (int i = 0; i < shards.size(); ++i) shards.engine(i).BeforeAllSlotsChange();
  } else {
    for (const KeyRef& k : ctx.keys) shards.engine(k.engine).BeforeSlotChange(k.slot);
  }
  ctx.server.stats().per_thread[ctx.client.thread_index].dirty.fetch_add(std::max<size_t>(1, ctx.keys.size()),
                                                                          std::memory_order_relaxed);
}

}  // namespace ks
