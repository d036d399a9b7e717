// Resharder batches that involve a remote shard (local -> remote, remote -> local, remote ->
// remote). The keys cross the network, which cannot happen under an engine lock, so the
// batch's slots are fenced instead (routing/slot_fence.h): commands on them are held, not
// refused, until the slots have their new owner. See docs/ARCHITECTURE.md "Slot moves".
#include <algorithm>
#include <bitset>
#include <thread>

#include "persistence/aof_format.h"
#include "persistence/aof_log.h"
#include "server/core/remote_shards.h"
#include "server/core/server_state.h"
#include "server/pubsub/tracking.h"
#include "server/persist/rdb_startup.h"
#include "server/blocking/blocking.h"
#include "server/resharding/remote_move.h"
#include "server/resharding/resharder.h"
#include "server/resharding/slot_map_file.h"

namespace ks {
namespace {

bool IsRemote(uint16_t code) { return code & kRemoteOwner; }
uint16_t RemoteIndex(uint16_t code) { return static_cast<uint16_t>(code & ~kRemoteOwner); }

// Lifts the fence of a batch whatever way the batch ends.
class FenceHold {
 public:
  FenceHold(SlotFence& f, const std::vector<uint16_t>& slots) : f_(f), slots_(slots) { f_.Raise(slots_); }
  ~FenceHold() { f_.Lift(slots_); }
  FenceHold(const FenceHold&) = delete;
  FenceHold& operator=(const FenceHold&) = delete;

 private:
  SlotFence& f_;
  const std::vector<uint16_t>& slots_;
};

std::vector<DbKey> KeysOf(const std::vector<DumpedKey>& d) {
  std::vector<DbKey> v;
  v.reserve(d.size());
  for (const DumpedKey& k : d) v.emplace_back(k.db, k.key);
  return v;
}

}  // namespace

std::optional<RemoteEndpoint> Resharder::Endpoint(uint16_t code) {
  std::lock_guard lk(state_.config_mu());
  const auto& remotes = state_.config().remotes;
  const size_t i = RemoteIndex(code);
  if (!IsRemote(code) || i >= remotes.size()) return std::nullopt;
  RemoteEndpoint ep{remotes[i].host, remotes[i].port, remotes[i].password,
                    static_cast<int>(std::max<int64_t>(state_.config().remote_timeout, 100)), {}};
  if (const RemoteShards* pool = state_.remotes()) ep.config = pool->RememberedConfig();
  return ep;
}

std::string Resharder::Connect(uint16_t code, RemoteLink* link) {
  std::optional<RemoteEndpoint> ep = Endpoint(code);
  if (!ep) return "no remote shard " + OwnerText(code, state_.remote_names());
  std::string err = link->Connect(*ep);
  return err.empty() ? err : "remote shard '" + OwnerText(code, state_.remote_names()) + "' (" + err + ")";
}

std::string Resharder::CleanRemote(uint16_t to, const std::vector<uint16_t>& slots) {
  // Keys of slots the remote does not own are leftovers of a move a crash or a lost
  // connection cut short; the keys may have been deleted at their owner since, so they go
  // before any copy lands there.
  std::bitset<kNumSlots> mask;
  for (uint16_t s : slots)
    if (state_.shards().slots().CodeOf(s) != to) mask.set(s);
  if (mask.none()) return {};
  RemoteLink link;
  if (std::string e = Connect(to, &link); !e.empty()) return e;
  std::vector<DbKey> stale;
  if (std::string e = ScanRemoteSlots(link, mask, &stale); !e.empty()) return e;
  return DeleteOnRemote(link, stale);
}

void Resharder::DrainSlots(const std::vector<uint16_t>& slots, uint16_t from) {
  // Commands that passed the fence check before it rose are still running on I/O threads:
  // each thread finishing what it runs now means all of them have finished (a local
  // command) or have been sent and counted (a forwarded one).
  state_.QuiesceIoThreads(-1);
  if (!IsRemote(from)) return;
  int64_t timeout_ms;
  {
    std::lock_guard lk(state_.config_mu());
    timeout_ms = state_.config().remote_timeout;
  }
  // Forwarded ones must have their replies before the keys are read: each ends within
  // remote-timeout (answered or failed)...
  const SlotFence& fence = state_.shards().fence();
  auto wait = [&](auto pending) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms + 100);
    for (uint16_t s : slots)
      while (pending(s) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
  };
  wait([&](uint16_t s) { return fence.InFlight(s) > fence.BlockingInFlight(s); });
  // ...but blocking ones (BLPOP...) may wait there for long. Once the others are in (a push
  // already sent has served them or is in the keys), each client blocked there on a key of
  // the slots is unblocked with TIMEOUT on its own thread: its nil reply makes it run the
  // command again (held by the fence, then at the new owner), while an element the remote
  // popped first reaches it as the reply.
  bool blocked = false;
  for (uint16_t s : slots) blocked |= fence.BlockingInFlight(s) > 0;
  if (blocked) {
    auto moving = std::make_shared<std::vector<uint16_t>>(slots);
    std::sort(moving->begin(), moving->end());
    for (const auto& c : state_.clients().Snapshot())
      if (const uint64_t b = c->remote_block.load(std::memory_order_relaxed); (b & 3) != kNotRemoteBlocked && c->unblock_remote)
        c->unblock_remote({RemoteUnblock::Kind::kReroute, b >> 2, RemoteIndex(from), moving});
  }
  wait([&](uint16_t s) { return fence.InFlight(s) > 0; });
}

bool Resharder::SaveOwners(const std::vector<uint16_t>& slots, uint16_t to, std::string* error) {
  SlotOwners owners;
  for (int s = 0; s < kNumSlots; ++s) owners[s] = state_.shards().slots().CodeOf(static_cast<uint16_t>(s));
  for (uint16_t s : slots) owners[s] = to;
  if (std::string err = SaveMapLocked(owners); !err.empty()) {
    *error = "saving " + SlotMapPath(dir_) + " failed: " + err;
    return false;
  }
  map_saved_at_ = std::chrono::steady_clock::now();
  return true;
}

bool Resharder::MoveBatchRemote(Job& job, uint16_t from, uint16_t to, const std::vector<uint16_t>& slots,
                                std::string* error) {
  ShardSet& shards = state_.shards();
  // A move away from a local engine must leave nothing unsaved in the map first: the map
  // saved below is the whole of it.
  if (!SaveMapIfUnsaved(error)) return false;
  FenceHold fence(shards.fence(), slots);
  DrainSlots(slots, from);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<uint16_t> mine;
  for (uint16_t s : slots)
    if (shards.slots().CodeOf(s) == from) mine.push_back(s);
  const int64_t now = state_.clock()->NowMs();

  // 1. The keys, serialized.
  std::vector<DumpedKey> keys;
  RemoteLink src;
  if (IsRemote(from)) {
    if (std::string e = Connect(from, &src); !e.empty()) return *error = e, false;
    std::bitset<kNumSlots> mask;
    for (uint16_t s : mine) mask.set(s);
    std::vector<DbKey> found;
    if (std::string e = ScanRemoteSlots(src, mask, &found); !e.empty()) return *error = e, false;
    if (std::string e = DumpFromRemote(src, found, now, &keys); !e.empty()) return *error = e, false;
  } else {
    EngineGuard lk(shards, from);
    const bool compress = state_.limits().rdbcompression.load(std::memory_order_relaxed);
    DumpSlots(lk.engine(), mine, compress, now, &keys);
  }

  // 2. Copied to the target, acknowledged (remote) or durable in its log (local, AOF on).
  std::vector<DbKey> restored;
  EngineLocks locks;
  EngineIds ids;
  for (uint16_t s : mine) ids.push_back(shards.slots().HomeOf(s));
  if (!IsRemote(from)) ids.push_back(from);
  if (!IsRemote(to)) ids.push_back(to);
  AofSet* aof = state_.aof();
  if (IsRemote(to)) {
    RemoteLink dst;
    size_t acked = 0;
    std::string e = Connect(to, &dst);
    if (e.empty()) e = RestoreToRemote(dst, keys, &acked);
    if (!e.empty()) {
      // Rolled back: what may have landed there goes (over a new connection: the failure
      // may have been this one's). If the remote is gone, the copies are removed by the
      // next move to it (CleanRemote) before anything else lands.
      RemoteLink undo;
      if (Connect(to, &undo).empty()) DeleteOnRemote(undo, KeysOf(keys));
      *error = e;
      return false;
    }
    // The RESTOREs' (and CleanRemote's DELs') keyspace events reach the remote's event link
    // while the slots are still fenced and not yet its own: they are dropped, not published.
    if (RemoteShards* rs = state_.remotes()) rs->SyncEvents(RemoteIndex(to), Endpoint(to)->timeout_ms);
    locks.Lock(shards, ids);
  } else {
    locks.Lock(shards, ids);
    Engine& dst = shards.engine(to);
    for (uint16_t s : mine) {
      dst.BeforeSlotChange(s);
      for (int db = 0; db < kNumDbs; ++db) dst.db(db).EraseIfInSlot(s, [](Entry*) { return true; });
    }
    RdbLoadLimits limits = RdbLoadLimitsFrom(state_);
    std::string e = RestoreLocal(dst, keys, limits, now, &restored);
    if (e.empty() && aof && !restored.empty()) {
      EngineLog& log = aof->log(to);
      for (const DbKey& k : restored)
        if (Entry* en = dst.db(k.first).Find(KeySlot(k.second), k.second))
          log.AppendWith(k.first, [&](std::string& out) { AppendKeyRebuild(out, en, true); });
      if (!log.Write() || !log.Sync()) e = "writing the append-only log of engine " + std::to_string(to) + " failed";
    }
    if (!e.empty()) {
      for (uint16_t s : mine)
        for (int db = 0; db < kNumDbs; ++db) dst.db(db).EraseIfInSlot(s, [](Entry*) { return true; });
      if (aof) LogDeletes(aof->log(to), restored);
      *error = e;
      return false;
    }
  }

  // 3. The map names the new owner, durable (always at once: the keys are not in this
  // process's RDB files on one side). file_mu_ stays held until the owners flip (4.), so no
  // other writer of slots.conf (an engine added or removed) saves the map as it was before.
  std::unique_lock file(file_mu_);
  if (!SaveOwners(mine, to, error)) {
    file.unlock();
    if (IsRemote(to)) {
      locks.UnlockAll();
      RemoteLink undo;
      if (Connect(to, &undo).empty()) DeleteOnRemote(undo, KeysOf(keys));
    } else {
      Engine& dst = shards.engine(to);
      for (uint16_t s : mine)
        for (int db = 0; db < kNumDbs; ++db) dst.db(db).EraseIfInSlot(s, [](Entry*) { return true; });
      if (aof) LogDeletes(aof->log(to), restored);
    }
    return false;
  }

  // 4. The owner flips; a local source drops its copy (and its log forgets it), and its
  // clients blocked on the slots' keys are woken to block again on the remote (their command
  // is run again once the fence lifts, and forwarded).
  std::vector<SlotData::Waiting> rerouted;
  if (!IsRemote(from)) {
    Engine& src_engine = shards.engine(from);
    std::vector<DbKey> dropped;
    for (uint16_t s : mine) {
      src_engine.BeforeSlotChange(s);
      for (int db = 0; db < kNumDbs; ++db)
        src_engine.db(db).EraseIfInSlot(s, [&](Entry* en) {
          if (aof) dropped.emplace_back(db, std::string(en->key()));
          return true;
        });
      SlotData left = src_engine.TakeSlot(s);  // no keys now: its waiters
      for (auto& w : left.waiters) rerouted.push_back(std::move(w));
    }
    if (aof) LogDeletes(aof->log(from), dropped);
  }
  for (uint16_t s : mine) shards.AssignSlotOwnerLocked(s, ShardOfCode(to));
  RerouteWaiters(rerouted);
  file.unlock();
  locks.UnlockAll();
  // Keys read here (or at the old remote) are not tracked at the new remote: their readers
  // are told to drop them now, or a change there would never reach them.
  if (IsRemote(to)) {
    std::bitset<kNumSlots> moved;
    for (uint16_t s : mine) moved.set(s);
    state_.tracking().InvalidateWhere([&](std::string_view k) { return moved.test(KeySlot(k)); }, false);
  }

  // 5. A remote source forgets the keys (if that fails, the copies are invisible there and
  // a later move to it removes them first).
  if (IsRemote(from) && !DeleteOnRemote(src, KeysOf(keys)).empty()) job.dirty = true;
  const uint64_t pause =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  std::lock_guard lk(mu_);
  job.info.slots_done += slots.size();
  job.info.keys_moved += keys.size();
  job.info.max_pause_us = std::max(job.info.max_pause_us, pause);
  return true;
}

}  // namespace ks
