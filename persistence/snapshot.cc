#include "persistence/snapshot.h"

#include <mutex>
#include <utility>

#include "persistence/crc64.h"
#include "routing/shard_set.h"

namespace ks {

EngineSnapshot::EngineSnapshot(Engine& engine, const RdbSaveOptions& opt)
    : engine_(engine), opt_(opt), now_ms_(engine.NowMs()) {}

void EngineSnapshot::CopySlot(uint16_t slot) {
  copied_.set(slot);
  keys_ += PutSlotKeys(engine_, slot, now_ms_, opt_.compression, &cur_db_, pending_);
}

std::string EngineSnapshot::WriteOut(std::string& data) {
  if (data.empty()) return {};
  if (opt_.checksum) crc_ = Crc64(crc_, data.data(), data.size());
  std::string err = file_.Append(data);
  data.clear();
  return err;
}

std::string EngineSnapshot::Open(const std::string& path) {
  if (std::string err = file_.Open(path); !err.empty()) return error_ = err;
  std::string header;
  PutRdbHeader(header, now_ms_, opt_);
  return error_ = WriteOut(header);
}

bool EngineSnapshot::Step(size_t max_bytes) {
  if (!error_.empty()) return false;
  bool more;
  {
    EngineGuard lk(engine_);
    while (next_slot_ < kNumSlots && pending_.size() < max_bytes) {
      uint16_t slot = static_cast<uint16_t>(next_slot_++);
      if (!copied_[slot]) CopySlot(slot);
    }
    more = next_slot_ < kNumSlots;
    out_.swap(pending_);
    // Keep the pending buffer small between steps: its capacity is the extra memory.
    if (pending_.capacity() > 2 * max_bytes) std::string().swap(pending_);
  }
  error_ = WriteOut(out_);
  if (out_.capacity() > 2 * max_bytes) std::string().swap(out_);
  return more && error_.empty();
}

std::string EngineSnapshot::Finish() {
  if (!error_.empty()) return error_;
  std::string tail;
  PutRdbTrailer(tail, crc_, opt_.checksum);
  if ((error_ = file_.Append(tail)).empty()) error_ = file_.Commit();
  return error_;
}

}  // namespace ks
