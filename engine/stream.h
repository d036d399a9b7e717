#pragma once
// Stream: the value of a stream key, laid out as Redis 7.0's (t_stream.c).
//
// Entries live in listpack nodes (engine/listpack.h) indexed by an ordered map from each node's
// master ID. A node starts with a master entry
//   count | deleted | num-fields | field_1 .. field_N | 0
// and each entry is
//   flags | ms-diff | seq-diff | [num-fields | field_1 | value_1 .. | or value_1 .. value_N] | lp-count
// with SAMEFIELDS entries storing only values when their fields equal the master's. Deleted
// entries are flagged in place. So a node's bytes are Redis's node bytes: RDB writes and reads
// them as they are. Unlike Redis, a node is not preallocated at 4 KB: it grows as entries come
// and is trimmed to size when the next node starts, so small streams cost far less.
//
// Consumer groups, their pending entries lists (PEL) and consumers follow Redis's streamCG,
// streamNACK and streamConsumer; a NACK is shared by the group PEL and its consumer's PEL.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/listpack.h"

namespace ks {

struct StreamID {
  uint64_t ms = 0;
  uint64_t seq = 0;
  auto operator<=>(const StreamID&) const = default;
  // The next/previous ID; false on overflow/underflow.
  bool Incr();
  bool Decr();
  std::string ToString() const;
  // 16 bytes big-endian, the rax key Redis uses (and RDB stores).
  void Encode(uint8_t* out) const;
  static StreamID Decode(const uint8_t* in);
  static constexpr StreamID Max() { return {UINT64_MAX, UINT64_MAX}; }
};

struct StreamConsumer;

struct StreamNack {
  int64_t delivery_time;
  uint64_t delivery_count;
  StreamConsumer* consumer;
};

struct StreamConsumer {
  std::string name;
  int64_t seen_time = 0;
  std::map<StreamID, StreamNack*> pel;
};

struct StreamGroup {
  StreamID last_id;
  int64_t entries_read = -1;  // SCG_INVALID_ENTRIES_READ
  std::map<StreamID, StreamNack*> pel;  // owns the NACKs
  std::map<std::string, std::unique_ptr<StreamConsumer>, std::less<>> consumers;

  ~StreamGroup();
  StreamConsumer* FindConsumer(std::string_view name) const;
  StreamConsumer* CreateConsumer(std::string_view name, int64_t now_ms);
  // Deletes a consumer and its pending entries; returns how many were pending.
  size_t DeleteConsumer(std::string_view name);
};

class Stream {
 public:
  static constexpr int64_t kInvalidEntriesRead = -1;

  Stream() = default;
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  Stream* Clone() const;

  uint64_t length() const { return length_; }
  StreamID last_id() const { return last_id_; }
  StreamID first_id() const { return first_id_; }
  StreamID max_deleted_id() const { return max_deleted_; }
  uint64_t entries_added() const { return entries_added_; }
  void set_last_id(StreamID id) { last_id_ = id; }
  void set_max_deleted_id(StreamID id) { max_deleted_ = id; }
  void set_entries_added(uint64_t n) { entries_added_ = n; }
  void set_first_id(StreamID id) { first_id_ = id; }
  void set_length(uint64_t n) { length_ = n; }
  size_t node_count() const { return nodes_.size(); }
  // Heap bytes: this object, the nodes, the index and the consumer groups.
  size_t AllocatedBytes() const;

  // Appends an entry with ID id (> last_id(), checked by the caller); fields are
  // field/value pairs. node_max_bytes / node_max_entries: the stream-node-max-* options.
  void Append(StreamID id, const std::vector<std::pair<std::string_view, std::string_view>>& fv,
              int64_t node_max_bytes, int64_t node_max_entries);

  enum class TrimBy : uint8_t { kNone, kMaxLen, kMinId };
  struct TrimArgs {
    TrimBy by = TrimBy::kNone;
    uint64_t maxlen = 0;
    StreamID minid;
    bool approx = false;
    int64_t limit = 0;  // 0 = no limit
  };
  // streamTrim: returns how many entries were deleted.
  int64_t Trim(const TrimArgs& a);
  // Deletes one entry; false if it does not exist. Updates first_id / max_deleted as XDEL does
  // is left to the caller (see UpdateFirstId).
  bool Delete(StreamID id);
  // Recomputes first_id from the first live entry (0-0 when empty).
  void UpdateFirstId();
  // The first or last live entry's ID; false when empty.
  bool EdgeId(bool first, StreamID* id) const;

  // An entry's fields, valid until the stream changes.
  struct Field {
    lp::Value field, value;
  };
  // Calls f(id, fields) for live entries in [start, end] (reverse order if rev), up to count
  // (0 = all) entries; f returns false to stop. Returns how many were visited.
  template <typename F>
  size_t Range(StreamID start, StreamID end, bool rev, size_t count, F&& f) const;

  // Consumer groups (nullptr if none).
  StreamGroup* FindGroup(std::string_view name) const;
  StreamGroup* CreateGroup(std::string_view name, StreamID id, int64_t entries_read);  // nullptr if exists
  bool DestroyGroup(std::string_view name);
  const std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>>* groups() const { return groups_.get(); }
  size_t group_count() const { return groups_ ? groups_->size() : 0; }

  // Redis's streamRangeHasTombstones / streamEstimateDistanceFromFirstEverEntry (lag).
  bool RangeHasTombstones(StreamID start, StreamID end) const;
  int64_t EstimateDistanceFromFirstEverEntry(StreamID id) const;

  // Direct access to nodes for RDB and validation.
  const std::map<StreamID, uint8_t*>& nodes() const { return nodes_; }
  // Takes ownership of a node loaded from RDB (already validated).
  void AddRawNode(StreamID master, uint8_t* lp);


 private:
  // Walks the live entries of the nodes; see Range.
  size_t RangeImpl(StreamID start, StreamID end, bool rev, size_t count,
                   bool (*cb)(void*, StreamID, const std::vector<Field>&), void* arg) const;
  void RecountNodeBytes();

  std::map<StreamID, uint8_t*> nodes_;
  uint64_t length_ = 0;
  StreamID last_id_, first_id_, max_deleted_;
  uint64_t entries_added_ = 0;
  std::unique_ptr<std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>>> groups_;
  size_t node_bytes_ = 0;  // malloc'd bytes of the listpacks, kept as they change
};

template <typename F>
size_t Stream::Range(StreamID start, StreamID end, bool rev, size_t count, F&& f) const {
  return RangeImpl(start, end, rev, count,
                   [](void* a, StreamID id, const std::vector<Field>& fs) { return (*static_cast<F*>(a))(id, fs); },
                   &f);
}

// Parses an ID "ms-seq" or "ms" (seq given by missing_seq), as streamGenericParseIDOrReply
// does without the special forms; false if malformed.
bool ParseStreamID(std::string_view s, uint64_t missing_seq, StreamID* id, bool* seq_given = nullptr);

// Validates a node loaded from RDB against Redis's streamValidateListpackIntegrity (deep).
bool ValidateStreamNode(std::string_view lp, StreamID master, size_t* entries_out);

}  // namespace ks
