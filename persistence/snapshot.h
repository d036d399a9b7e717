#pragma once
// EngineSnapshot: a point-in-time RDB image of one engine, written while the engine keeps
// serving, without fork and without copying the data set.
//
// The image is built slot by slot. A background writer copies slots in order, taking the
// engine's lock for one small batch at a time. Before anything changes a slot that has not
// been copied yet (a write command, expiry, eviction), the engine's observer calls
// BeforeSlotChange, which copies that slot first, as it is at that moment. So every slot is
// copied exactly once, as it was when the snapshot began, and the extra memory is only the
// copied-but-not-yet-written bytes, not a second data set (Redis's fork can double memory
// under writes).
//
// Threading: the constructor, BeforeSlotChange and CopyBatch's locked part run with the
// engine's mutex held (CopyBatch takes it itself); file writing happens outside it.
#include <bitset>
#include <cstdint>
#include <string>

#include "engine/engine.h"
#include "persistence/atomic_file.h"
#include "persistence/rdb_writer.h"

namespace ks {

class EngineSnapshot {
 public:
  // Call with the engine locked: that moment is the one the file will hold. Keys already
  // expired then are left out.
  EngineSnapshot(Engine& engine, const RdbSaveOptions& opt);

  // Engine locked: copies the slot if it was not copied yet.
  void BeforeSlotChange(uint16_t slot) {
    if (!copied_[slot]) CopySlot(slot);
  }

  // Creates the temporary file for path and writes the header. Empty string or the error.
  std::string Open(const std::string& path);
  // Locks the engine, copies uncopied slots until about max_bytes are pending (or all are
  // copied), takes the pending bytes, unlocks, writes them. Returns false when every slot is
  // copied and written (or on an error: see error()).
  bool Step(size_t max_bytes);
  // After the last Step: writes the trailer and commits the file. Empty string or the error.
  std::string Finish();

  const std::string& error() const { return error_; }
  uint64_t keys() const { return keys_; }

 private:
  void CopySlot(uint16_t slot);
  std::string WriteOut(std::string& data);

  Engine& engine_;
  RdbSaveOptions opt_;
  int64_t now_ms_;
  std::bitset<kNumSlots> copied_;
  int next_slot_ = 0;   // the background writer's position
  int cur_db_ = -1;     // the database the pending stream is in
  uint64_t keys_ = 0;
  std::string pending_;  // guarded by the engine's mutex
  std::string out_;      // the writer's buffer
  uint64_t crc_ = 0;
  AtomicFile file_;
  std::string error_;
};

}  // namespace ks
