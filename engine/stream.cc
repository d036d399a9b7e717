#include "engine/stream.h"

#include <cstring>

#include "common/strconv.h"

namespace ks {

namespace {
constexpr int64_t kFlagDeleted = 1;
constexpr int64_t kFlagSameFields = 2;
constexpr size_t kListpackMaxSize = size_t{1} << 30;  // STREAM_LISTPACK_MAX_SIZE
// Bytes of one std::map node holding a small key and value (libstdc++: 32-byte header), as
// malloc rounds it.
constexpr size_t kMapNodeBytes = 64;

// The master entry of a node: where its fields start and how many there are, and the offset
// of the first element after it (the master terminator).
struct Master {
  int64_t count, deleted, nfields;
  uint32_t fields;  // offset of field_1 (or the terminator when there are none)
  uint32_t term;    // offset of the 0 terminator
};

Master ReadMaster(const uint8_t* lp) {
  Master m{};
  uint32_t p = lp::First(lp);
  m.count = lp::GetInt(lp, p);
  p = lp::Next(lp, p);
  m.deleted = lp::GetInt(lp, p);
  p = lp::Next(lp, p);
  m.nfields = lp::GetInt(lp, p);
  p = lp::Next(lp, p);
  m.fields = p;
  for (int64_t i = 0; i < m.nfields; ++i) p = lp::Next(lp, p);
  m.term = p;
  return m;
}

uint64_t AddDelta(uint64_t base, int64_t d) { return base + static_cast<uint64_t>(d); }
}  // namespace

bool StreamID::Incr() {
  if (seq == UINT64_MAX) {
    if (ms == UINT64_MAX) return false;
    ++ms;
    seq = 0;
  } else {
    ++seq;
  }
  return true;
}

bool StreamID::Decr() {
  if (seq == 0) {
    if (ms == 0) return false;
    --ms;
    seq = UINT64_MAX;
  } else {
    --seq;
  }
  return true;
}

std::string StreamID::ToString() const { return std::to_string(ms) + "-" + std::to_string(seq); }

void StreamID::Encode(uint8_t* out) const {
  for (int i = 0; i < 8; ++i) out[i] = (ms >> (56 - 8 * i)) & 0xFF;
  for (int i = 0; i < 8; ++i) out[8 + i] = (seq >> (56 - 8 * i)) & 0xFF;
}

StreamID StreamID::Decode(const uint8_t* in) {
  StreamID id;
  for (int i = 0; i < 8; ++i) id.ms = (id.ms << 8) | in[i];
  for (int i = 0; i < 8; ++i) id.seq = (id.seq << 8) | in[8 + i];
  return id;
}

bool ParseStreamID(std::string_view s, uint64_t missing_seq, StreamID* id, bool* seq_given) {
  // Redis: string2ull for each part; at most 127 chars.
  if (s.size() > 127) return false;
  auto ull = [](std::string_view p, uint64_t* v) {
    if (p.empty()) return false;
    // strtoull accepts leading spaces/sign; Redis's string2ull first tries string2ll and
    // then strtoull. Digits only is what matters for IDs written by clients.
    if (p[0] == '-') return false;
    uint64_t acc = 0;
    size_t i = p[0] == '+' ? 1 : 0;
    if (i == p.size()) return false;
    for (; i < p.size(); ++i) {
      if (p[i] < '0' || p[i] > '9') return false;
      uint64_t d = p[i] - '0';
      if (acc > (UINT64_MAX - d) / 10) return false;
      acc = acc * 10 + d;
    }
    *v = acc;
    return true;
  };
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!ull(s, &id->ms)) return false;
    id->seq = missing_seq;
    if (seq_given) *seq_given = false;
    return true;
  }
  if (!ull(s.substr(0, dash), &id->ms) || !ull(s.substr(dash + 1), &id->seq)) return false;
  if (seq_given) *seq_given = true;
  return true;
}

// ---- Consumer groups ----------------------------------------------------------------------

StreamGroup::~StreamGroup() {
  for (auto& [id, n] : pel) delete n;
}

StreamConsumer* StreamGroup::FindConsumer(std::string_view name) const {
  auto it = consumers.find(name);
  return it == consumers.end() ? nullptr : it->second.get();
}

StreamConsumer* StreamGroup::CreateConsumer(std::string_view name, int64_t now_ms) {
  auto [it, added] = consumers.try_emplace(std::string(name));
  if (!added) return nullptr;
  it->second = std::make_unique<StreamConsumer>();
  it->second->name = std::string(name);
  it->second->seen_time = now_ms;
  return it->second.get();
}

size_t StreamGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers.find(name);
  if (it == consumers.end()) return 0;
  StreamConsumer* c = it->second.get();
  size_t n = c->pel.size();
  for (auto& [id, nack] : c->pel) {
    pel.erase(id);
    delete nack;
  }
  consumers.erase(it);
  return n;
}

// ---- Stream -------------------------------------------------------------------------------

Stream::~Stream() {
  for (auto& [id, lp] : nodes_) lp::Free(lp);
}

Stream* Stream::Clone() const {
  auto* s = new Stream();
  for (auto& [id, lp] : nodes_) s->nodes_.emplace(id, lp::Clone(lp));
  s->length_ = length_;
  s->last_id_ = last_id_;
  s->first_id_ = first_id_;
  s->max_deleted_ = max_deleted_;
  s->entries_added_ = entries_added_;
  if (groups_) {
    s->groups_ = std::make_unique<std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>>>();
    for (auto& [name, g] : *groups_) {
      auto ng = std::make_unique<StreamGroup>();
      ng->last_id = g->last_id;
      ng->entries_read = g->entries_read;
      for (auto& [id, nack] : g->pel) ng->pel.emplace(id, new StreamNack{nack->delivery_time, nack->delivery_count, nullptr});
      for (auto& [cname, c] : g->consumers) {
        StreamConsumer* nc = ng->CreateConsumer(cname, c->seen_time);
        for (auto& [id, nack] : c->pel) {
          StreamNack* n = ng->pel.at(id);
          n->consumer = nc;
          nc->pel.emplace(id, n);
        }
      }
      s->groups_->emplace(name, std::move(ng));
    }
  }
  s->RecountNodeBytes();
  return s;
}

void Stream::RecountNodeBytes() {
  node_bytes_ = 0;
  for (auto& [id, lp] : nodes_) node_bytes_ += lp::Allocated(lp);
}

size_t Stream::AllocatedBytes() const {
  size_t n = sizeof(Stream) + node_bytes_ + nodes_.size() * kMapNodeBytes;
  if (groups_) {
    n += sizeof(*groups_);
    for (auto& [name, g] : *groups_) {
      n += kMapNodeBytes + name.capacity() + sizeof(StreamGroup);
      n += g->pel.size() * (kMapNodeBytes + 32);  // the PEL node and its NACK
      for (auto& [cname, c] : g->consumers)
        n += kMapNodeBytes + sizeof(StreamConsumer) + cname.capacity() + c->pel.size() * kMapNodeBytes;
    }
  }
  return n;
}

void Stream::Append(StreamID id, const std::vector<std::pair<std::string_view, std::string_view>>& fv,
                    int64_t node_max_bytes, int64_t node_max_entries) {
  size_t totelelen = 0;
  for (auto& [f, v] : fv) totelelen += f.size() + v.size();
  int64_t numfields = static_cast<int64_t>(fv.size());

  uint8_t* lp = nullptr;
  StreamID master;
  if (!nodes_.empty()) {
    auto last = std::prev(nodes_.end());
    lp = last->second;
    master = last->first;
    size_t max_bytes = static_cast<size_t>(node_max_bytes);
    if (node_max_bytes <= 0 || max_bytes > kListpackMaxSize) max_bytes = kListpackMaxSize;
    bool new_node = false;
    if (lp::Bytes(lp) + totelelen >= max_bytes) {
      new_node = true;
    } else if (node_max_entries > 0) {
      Master m = ReadMaster(lp);
      if (m.count + m.deleted >= node_max_entries) new_node = true;
    }
    if (new_node) {
      // The node is complete: give back its spare capacity.
      node_bytes_ -= lp::Allocated(lp);
      last->second = lp = lp::Shrink(lp);
      node_bytes_ += lp::Allocated(lp);
      lp = nullptr;
    }
  }

  int64_t flags = 0;
  std::map<StreamID, uint8_t*>::iterator node;
  if (!lp) {
    master = id;
    lp = lp::New(64);
    lp = lp::AppendInt(lp, 1);
    lp = lp::AppendInt(lp, 0);
    lp = lp::AppendInt(lp, numfields);
    for (auto& [f, v] : fv) lp = lp::Append(lp, f);
    lp = lp::AppendInt(lp, 0);
    node = nodes_.emplace(id, lp).first;
    flags |= kFlagSameFields;
  } else {
    node = std::prev(nodes_.end());
    node_bytes_ -= lp::Allocated(lp);
    uint32_t p = lp::First(lp);
    lp = lp::ReplaceInt(lp, p, lp::GetInt(lp, p) + 1);
    p = lp::Next(lp, p);
    p = lp::Next(lp, p);
    int64_t mfields = lp::GetInt(lp, p);
    p = lp::Next(lp, p);
    if (mfields == numfields) {
      int64_t i = 0;
      char buf[24];
      for (; i < mfields; ++i) {
        if (lp::Get(lp, p).Str(buf) != fv[i].first) break;
        p = lp::Next(lp, p);
      }
      if (i == mfields) flags |= kFlagSameFields;
    }
  }
  lp = lp::AppendInt(lp, flags);
  lp = lp::AppendInt(lp, static_cast<int64_t>(id.ms - master.ms));
  lp = lp::AppendInt(lp, static_cast<int64_t>(id.seq - master.seq));
  bool same = flags & kFlagSameFields;
  if (!same) lp = lp::AppendInt(lp, numfields);
  for (auto& [f, v] : fv) {
    if (!same) lp = lp::Append(lp, f);
    lp = lp::Append(lp, v);
  }
  int64_t lp_count = numfields + 3;
  if (!same) lp_count += numfields + 1;
  lp = lp::AppendInt(lp, lp_count);
  node->second = lp;
  node_bytes_ += lp::Allocated(lp);

  ++length_;
  ++entries_added_;
  last_id_ = id;
  if (length_ == 1) first_id_ = id;
}

size_t Stream::RangeImpl(StreamID start, StreamID end, bool rev, size_t count,
                         bool (*cb)(void*, StreamID, const std::vector<Field>&), void* arg) const {
  if (nodes_.empty() || start > end) return 0;
  std::vector<Field> fields;
  size_t emitted = 0;
  // The node to start from: the last node whose master ID <= the near bound (streamIteratorStart).
  auto it = rev ? nodes_.upper_bound(end) : nodes_.upper_bound(start);
  if (it == nodes_.begin()) {
    if (rev) return 0;  // every node starts after end
  } else {
    --it;
  }
  for (;;) {
    const uint8_t* lp = it->second;
    StreamID master = it->first;
    Master m = ReadMaster(lp);
    // Entry start offsets, collected forward (reverse iteration walks them backward).
    auto emit = [&](uint32_t p, bool* stop) -> bool {
      // p at flags. Returns true if emitted.
      int64_t flags = lp::GetInt(lp, p);
      p = lp::Next(lp, p);
      StreamID id{AddDelta(master.ms, lp::GetInt(lp, p)), 0};
      p = lp::Next(lp, p);
      id.seq = AddDelta(master.seq, lp::GetInt(lp, p));
      p = lp::Next(lp, p);
      if (flags & kFlagDeleted) return false;
      if (!rev ? id < start : id > end) return false;
      if (!rev ? id > end : id < start) {
        *stop = true;
        return false;
      }
      fields.clear();
      if (flags & kFlagSameFields) {
        uint32_t fp = m.fields;
        for (int64_t i = 0; i < m.nfields; ++i) {
          Field f{lp::Get(lp, fp), lp::Get(lp, p)};
          fields.push_back(f);
          fp = lp::Next(lp, fp);
          p = lp::Next(lp, p);
        }
      } else {
        int64_t n = lp::GetInt(lp, p);
        p = lp::Next(lp, p);
        for (int64_t i = 0; i < n; ++i) {
          Field f;
          f.field = lp::Get(lp, p);
          p = lp::Next(lp, p);
          f.value = lp::Get(lp, p);
          p = lp::Next(lp, p);
          fields.push_back(f);
        }
      }
      ++emitted;
      if (!cb(arg, id, fields) || (count && emitted >= count)) *stop = true;
      return true;
    };
    bool stop = false;
    if (!rev) {
      uint32_t p = lp::Next(lp, m.term);
      while (p && !stop) {
        int64_t flags = lp::GetInt(lp, p);
        uint32_t q = p;
        emit(p, &stop);
        if (stop) break;
        // Skip to the next entry: flags, ms, seq, [num], fields/values, lp-count.
        q = lp::Next(lp, q);
        q = lp::Next(lp, q);
        q = lp::Next(lp, q);
        int64_t skip;
        if (flags & kFlagSameFields) {
          skip = m.nfields;
        } else {
          skip = 1 + 2 * lp::GetInt(lp, q);
        }
        for (int64_t i = 0; i < skip; ++i) q = lp::Next(lp, q);
        p = lp::Next(lp, q);  // past lp-count
      }
    } else {
      uint32_t p = lp::Last(lp);  // lp-count of the last entry
      while (!stop) {
        int64_t lp_count = lp::GetInt(lp, p);
        if (lp_count == 0) break;  // the master terminator
        uint32_t q = p;
        for (int64_t i = 0; i < lp_count; ++i) q = lp::Prev(lp, q);
        emit(q, &stop);
        p = lp::Prev(lp, q);
      }
    }
    if (stop) break;
    if (!rev) {
      if (++it == nodes_.end()) break;
    } else {
      if (it == nodes_.begin()) break;
      --it;
    }
  }
  return emitted;
}

bool Stream::EdgeId(bool first, StreamID* out) const {
  bool found = false;
  Range(StreamID{}, StreamID::Max(), !first, 1, [&](StreamID id, const std::vector<Field>&) {
    *out = id;
    found = true;
    return false;
  });
  return found;
}

void Stream::UpdateFirstId() {
  if (length_ == 0 || !EdgeId(true, &first_id_)) first_id_ = StreamID{};
}

bool Stream::Delete(StreamID target) {
  auto it = nodes_.upper_bound(target);
  if (it == nodes_.begin()) return false;
  --it;
  uint8_t* lp = it->second;
  StreamID master = it->first;
  Master m = ReadMaster(lp);
  uint32_t p = lp::Next(lp, m.term);
  while (p) {
    uint32_t flags_at = p;
    int64_t flags = lp::GetInt(lp, p);
    p = lp::Next(lp, p);
    StreamID id{AddDelta(master.ms, lp::GetInt(lp, p)), 0};
    p = lp::Next(lp, p);
    id.seq = AddDelta(master.seq, lp::GetInt(lp, p));
    p = lp::Next(lp, p);
    if (id > target) return false;
    if (id == target && !(flags & kFlagDeleted)) {
      node_bytes_ -= lp::Allocated(lp);
      if (m.count == 1) {
        lp::Free(lp);
        nodes_.erase(it);
      } else {
        lp = lp::ReplaceInt(lp, flags_at, flags | kFlagDeleted);
        uint32_t c = lp::First(lp);
        lp = lp::ReplaceInt(lp, c, m.count - 1);
        c = lp::Next(lp, c);
        lp = lp::ReplaceInt(lp, c, m.deleted + 1);
        it->second = lp;
        node_bytes_ += lp::Allocated(lp);
      }
      --length_;
      return true;
    }
    int64_t skip = (flags & kFlagSameFields) ? m.nfields : 1 + 2 * lp::GetInt(lp, p);
    for (int64_t i = 0; i < skip; ++i) p = lp::Next(lp, p);
    p = lp::Next(lp, p);
  }
  return false;
}

int64_t Stream::Trim(const TrimArgs& a) {
  if (a.by == TrimBy::kNone) return 0;
  int64_t deleted = 0;
  auto it = nodes_.begin();
  while (it != nodes_.end()) {
    if (a.by == TrimBy::kMaxLen && length_ <= a.maxlen) break;
    uint8_t* lp = it->second;
    Master m = ReadMaster(lp);
    int64_t entries = m.count;
    if (a.limit && deleted + entries > a.limit) break;
    bool remove_node;
    StreamID master = it->first;
    if (a.by == TrimBy::kMaxLen) {
      remove_node = length_ - entries >= a.maxlen;
    } else {
      // The node's last ID (lpGetEdgeStreamID): the last entry, deleted or not.
      uint32_t p = lp::Last(lp);
      int64_t lp_count = lp::GetInt(lp, p);
      for (int64_t i = 0; i < lp_count; ++i) p = lp::Prev(lp, p);
      p = lp::Next(lp, p);
      StreamID last{AddDelta(master.ms, lp::GetInt(lp, p)), 0};
      p = lp::Next(lp, p);
      last.seq = AddDelta(master.seq, lp::GetInt(lp, p));
      remove_node = last < a.minid;
    }
    if (remove_node) {
      node_bytes_ -= lp::Allocated(lp);
      lp::Free(lp);
      it = nodes_.erase(it);
      length_ -= entries;
      deleted += entries;
      continue;
    }
    if (a.approx) break;

    node_bytes_ -= lp::Allocated(lp);
    int64_t deleted_from_lp = 0;
    uint32_t p = lp::Next(lp, m.term);
    while (p) {
      uint32_t flags_at = p;
      int64_t flags = lp::GetInt(lp, p);
      p = lp::Next(lp, p);
      int64_t ms_delta = lp::GetInt(lp, p);
      p = lp::Next(lp, p);
      int64_t seq_delta = lp::GetInt(lp, p);
      p = lp::Next(lp, p);
      bool stop;
      if (a.by == TrimBy::kMaxLen) {
        stop = length_ <= a.maxlen;
      } else {
        StreamID cur{AddDelta(master.ms, ms_delta), AddDelta(master.seq, seq_delta)};
        stop = cur >= a.minid;
      }
      if (stop) break;
      int64_t skip;
      if (flags & kFlagSameFields) {
        skip = m.nfields;
      } else {
        skip = lp::GetInt(lp, p) * 2;
        p = lp::Next(lp, p);
      }
      for (int64_t i = 0; i < skip; ++i) p = lp::Next(lp, p);
      p = lp::Next(lp, p);  // the lp-count
      if (!(flags & kFlagDeleted)) {
        // Offsets after the flags are unchanged: the flags stay a one-byte integer.
        lp = lp::ReplaceInt(lp, flags_at, flags | kFlagDeleted);
        ++deleted_from_lp;
        --length_;
      }
    }
    deleted += deleted_from_lp;
    uint32_t c = lp::First(lp);
    lp = lp::ReplaceInt(lp, c, entries - deleted_from_lp);
    c = lp::Next(lp, c);
    lp = lp::ReplaceInt(lp, c, m.deleted + deleted_from_lp);
    it->second = lp;
    node_bytes_ += lp::Allocated(lp);
    break;
  }
  if (length_ == 0)
    first_id_ = StreamID{};
  else
    UpdateFirstId();
  return deleted;
}

StreamGroup* Stream::FindGroup(std::string_view name) const {
  if (!groups_) return nullptr;
  auto it = groups_->find(name);
  return it == groups_->end() ? nullptr : it->second.get();
}

StreamGroup* Stream::CreateGroup(std::string_view name, StreamID id, int64_t entries_read) {
  if (!groups_) groups_ = std::make_unique<std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>>>();
  auto [it, added] = groups_->try_emplace(std::string(name));
  if (!added) return nullptr;
  it->second = std::make_unique<StreamGroup>();
  it->second->last_id = id;
  it->second->entries_read = entries_read;
  return it->second.get();
}

bool Stream::DestroyGroup(std::string_view name) {
  if (!groups_) return false;
  auto it = groups_->find(name);
  if (it == groups_->end()) return false;
  groups_->erase(it);
  return true;
}

bool Stream::RangeHasTombstones(StreamID start, StreamID end) const {
  if (!length_ || max_deleted_ == StreamID{}) return false;
  if (first_id_ > max_deleted_) return false;
  return start <= max_deleted_ && max_deleted_ <= end;
}

int64_t Stream::EstimateDistanceFromFirstEverEntry(StreamID id) const {
  if (!entries_added_) return 0;
  if (!length_ && id <= last_id_) return static_cast<int64_t>(entries_added_);
  if (id == last_id_) return static_cast<int64_t>(entries_added_);
  if (id > last_id_) return kInvalidEntriesRead;
  bool no_frag = max_deleted_ == StreamID{} || max_deleted_ < first_id_;
  if (no_frag) {
    if (id < first_id_) return static_cast<int64_t>(entries_added_ - length_);
    if (id == first_id_) return static_cast<int64_t>(entries_added_ - length_ + 1);
  }
  return kInvalidEntriesRead;
}

void Stream::AddRawNode(StreamID master, uint8_t* lp) {
  nodes_.emplace(master, lp);
  node_bytes_ += lp::Allocated(lp);
}

bool ValidateStreamNode(std::string_view blob, StreamID master, size_t* entries_out) {
  size_t count;
  if (!lp::Validate(blob, &count)) return false;
  const auto* lp = reinterpret_cast<const uint8_t*>(blob.data());
  // Master entry: count, deleted, nfields, fields, 0.
  if (count < 4) return false;
  uint32_t p = lp::First(lp);
  auto next_int = [&](int64_t* v) -> bool {
    if (!p) return false;
    lp::Value x = lp::Get(lp, p);
    if (!x.is_int) return false;
    *v = x.i;
    p = lp::Next(lp, p);
    return true;
  };
  int64_t entries, deleted, nfields, zero;
  if (!next_int(&entries) || !next_int(&deleted) || !next_int(&nfields) || nfields < 0) return false;
  for (int64_t i = 0; i < nfields; ++i) {
    if (!p) return false;
    p = lp::Next(lp, p);
  }
  if (!next_int(&zero) || zero != 0) return false;
  int64_t seen = 0, seen_deleted = 0;
  while (p) {
    int64_t flags, msd, seqd, n;
    if (!next_int(&flags) || !next_int(&msd) || !next_int(&seqd)) return false;
    int64_t items = 3;
    if (flags & kFlagSameFields) {
      n = nfields;
    } else {
      if (!next_int(&n) || n < 0) return false;
      n *= 2;
      items += 1;
    }
    for (int64_t i = 0; i < n; ++i) {
      if (!p) return false;
      p = lp::Next(lp, p);
    }
    int64_t lp_count;
    if (!next_int(&lp_count)) return false;
    int64_t expect = (flags & kFlagSameFields) ? nfields + 3 : items + n;
    if (lp_count != expect) return false;
    if (flags & kFlagDeleted)
      ++seen_deleted;
    else
      ++seen;
    (void)master;
  }
  if (seen != entries || seen_deleted != deleted) return false;
  *entries_out = static_cast<size_t>(entries);
  return true;
}

}  // namespace ks
