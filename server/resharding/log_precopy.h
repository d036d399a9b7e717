#pragma once
// LogPreCopy: with the AOF on, the keys of a batch of slots are copied into the target
// engine's log *before* the batch moves, holding one engine at a time and only briefly, so
// the batch's two-engine hold writes to the target's log only what changed since.
//
// - Copy: the source engine is locked for short steps, each serializing about kStepBytes of
//   rebuild commands (a big collection in parts, by rank, index or scan cursor: the object
//   is unchanged between its parts, or it is dirty and the part copy is abandoned); each
//   step's output is appended to the target's log with only the target engine locked (a
//   unit's MULTI block is opened and closed under its engine's lock, so a step never lands
//   inside one), then written out without any lock.
// - Dirty keys: registered on the key-modified hook while a move runs with the AOF on, the
//   tracker records (db, key) of every key of the batch's slots that changes after its copy
//   began (created, changed, deleted, expired, evicted). Delta passes re-copy them, outside
//   the two-engine hold, while that shrinks their number.
// - The two-engine hold (Resharder::MoveBatch) appends, for each key still dirty, DEL if it
//   is gone, else its full rebuild; everything written before is then already durable.
// - Every rebuild starts with DEL (a string's SET replaces on its own), so a copy replaces any
//   earlier copy of the key in the target's log, whole or partial. Copies of keys the target
//   does not own are replayed into the target at start-up and dropped there (DropUnownedKeys):
//   they never touch the source's keys, which replay from the source's log.
// - Streams are not copied ahead: consumer-group changes do not all reach the hook (a consumer
//   created by an XREADGROUP that delivers nothing), so the hold writes them whole.
// - FLUSHDB/FLUSHALL/SWAPDB (DbChanged) make every key copied so far dirty (SWAPDB: under both
//   databases' names, since the copy may be appended on either side of the swap in the
//   target's log) and start the copy over. An AOF rewrite that switched the target's log to a
//   new file after a copy began drops the copy with the old file: the batch is copied again.
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_set.hpp>

#include "server/core/keyspace_events.h"

namespace ks {

class AofSet;
class Engine;
class EngineLog;
class ShardSet;

class LogPreCopy : public KeyspaceListener {
 public:
  // Bytes of rebuild commands serialized per hold of the source engine's lock.
  static constexpr size_t kStepBytes = 64 * 1024;

  explicit LogPreCopy(ShardSet& shards) : shards_(shards) {}

  // The hook (called with the key's engine locked; DbChanged with every engine locked).
  void KeyModified(int db, std::string_view key, uint16_t slot, KeyEvent cause, uint64_t client) override;
  void DbChanged(DbEvent event, int db, int other) override;

  // Starts tracking a batch: its slots, owned by engine `from`, will go to engine `to`.
  void Begin(uint16_t from, uint16_t to, std::span<const uint16_t> slots);
  enum class Result { kCopied, kCancelled, kFailed };
  // Copies every key of the batch into aof's log of the target, then re-copies dirty keys
  // while their number shrinks, then makes the log durable (write + fdatasync). No lock may
  // be held. kFailed: a write to the log failed.
  Result Copy(AofSet& aof, const std::atomic<bool>& cancel);
  // With both engines locked: true if the copy still stands in log `to` of aof (no rewrite
  // switched the file since it began, no db-wide change since its last pass).
  bool Valid(AofSet* aof);
  // With both engines locked: appends to the target's log DEL or the full rebuild of every
  // key still dirty, or, with all, of every key of the batch's slots and every key copied
  // (the batch then needs no copy before). Returns how many keys it wrote.
  size_t AppendDirty(EngineLog& log, bool all);
  // DEL of every key this batch wrote to the target's log (engine `to` locked): a cancelled
  // or failed batch leaves no copy that a later move of the slot could find there.
  void Undo(EngineLog& log);
  // Forgets the batch (no lock needed).
  void End();
  bool active() const { return active_; }

 private:
  // A key as the sets hold it: its database as one byte, then the key.
  static std::string Name(int db, std::string_view key);
  struct Item {
    std::string name;
    uint16_t slot;
  };
  // Lists the batch's keys (source locked per group of slots).
  void List(std::vector<Item>* out);
  // Copies items, starting over (kRestart) after a db-wide change. Appends with the target
  // locked and writes the log after each step.
  enum class Pass { kDone, kRestart, kCancelled, kFailed };
  Pass CopyItems(AofSet& aof, const std::vector<Item>& items, const std::atomic<bool>& cancel);
  bool InBatch(uint16_t slot) const {
    return (slots_[slot >> 6].load(std::memory_order_relaxed) >> (slot & 63)) & 1;
  }

  ShardSet& shards_;
  std::array<std::atomic<uint64_t>, 16384 / 64> slots_{};  // the batch's slots
  std::vector<uint16_t> batch_;
  uint16_t from_ = 0, to_ = 0;
  bool active_ = false;       // resharder thread only
  AofSet* aof_ = nullptr;     // the log set the copy went to
  uint64_t switches_ = 0;     // its target log's switches() when the copy began

  std::mutex mu_;  // the sets and counters below (the hook runs on any thread)
  using NameSet = boost::unordered_flat_set<std::string>;
  NameSet dirty_;    // changed since their copy began
  NameSet written_;  // ever copied to the target's log by this batch
  uint64_t db_changes_ = 0;
  uint64_t db_changes_seen_ = 0;  // db_changes_ when the last pass started
};

}  // namespace ks
