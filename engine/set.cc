#include "engine/set.h"

#include <malloc.h>

#include <algorithm>
#include <boost/unordered/unordered_flat_set.hpp>
#include <cstdlib>
#include <cstring>
#include <new>

#include "common/strconv.h"

namespace ks {

struct SetObject::Hashtable {
  SetObject head;  // first, so a SetObject* of kind kHashtableKind points here
  SetTable table;
  size_t node_bytes = 0;  // malloc'd bytes of the nodes, so AllocatedBytes is O(1)
  void Add(SetNode* n) {
    node_bytes += malloc_usable_size(n);
    table.Insert(n);
  }
};

namespace {

constexpr size_t kHeader = sizeof(SetObject);

void* Alloc(size_t n) {
  void* p = std::malloc(n);
  if (!p) throw std::bad_alloc();
  return p;
}

void* Realloc(void* p, size_t n) {
  void* q = std::realloc(p, n);
  if (!q) throw std::bad_alloc();
  return q;
}

SetNode* NewNode(std::string_view member) {
  auto* n = static_cast<SetNode*>(Alloc(offsetof(SetNode, len) + sizeof(uint32_t) + member.size()));
  n->next = nullptr;
  n->len = static_cast<uint32_t>(member.size());
  if (!member.empty()) std::memcpy(n->data(), member.data(), member.size());
  return n;
}

void FreeNode(SetNode* n) { std::free(n); }

// Redis's _intsetValueEncoding: the narrowest width that holds v.
uint8_t WidthFor(int64_t v) {
  if (v < INT32_MIN || v > INT32_MAX) return 8;
  if (v < INT16_MIN || v > INT16_MAX) return 4;
  return 2;
}

}  // namespace

SetObject* SetObject::NewIntset() {
  auto* s = static_cast<SetObject*>(Alloc(kHeader));
  s->kind_ = kIntsetKind;
  s->width_ = 2;
  s->reserved_ = 0;
  s->count_ = 0;
  return s;
}

void SetObject::Free(SetObject* s) {
  if (!s || s->kind_ == kIntsetInlineKind) return;
  if (!s->is_intset()) {
    auto* h = reinterpret_cast<Hashtable*>(s);
    h->table.Clear(FreeNode);
    h->~Hashtable();
  }
  std::free(s);
}

SetObject* SetObject::Clone(const SetObject* s) {
  if (s->is_intset()) {
    size_t n = kHeader + size_t{s->count_} * s->width_;
    auto* c = static_cast<SetObject*>(Alloc(n));
    std::memcpy(c, s, n);
    c->kind_ = kIntsetKind;  // a copy on the heap is not inline
    return c;
  }
  auto* h = new (Alloc(sizeof(Hashtable))) Hashtable{*s, SetTable()};
  s->table().ForEach([&](const SetNode* n) { h->Add(NewNode(n->member())); });
  return &h->head;
}

size_t SetObject::size() const { return is_intset() ? count_ : table().size(); }

const SetTable& SetObject::table() const { return reinterpret_cast<const Hashtable*>(this)->table; }
SetTable& SetObject::table() { return reinterpret_cast<Hashtable*>(this)->table; }

int64_t SetObject::IntAt(size_t i) const {
  const char* p = ints() + i * width_;
  switch (width_) {
    case 2: {
      int16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case 4: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
}

void SetObject::SetIntAt(size_t i, int64_t v) {
  char* p = ints() + i * width_;
  switch (width_) {
    case 2: {
      auto x = static_cast<int16_t>(v);
      std::memcpy(p, &x, 2);
      break;
    }
    case 4: {
      auto x = static_cast<int32_t>(v);
      std::memcpy(p, &x, 4);
      break;
    }
    default:
      std::memcpy(p, &v, 8);
  }
}

std::string_view SetObject::FormatInt(int64_t v, char* buf) { return LLToStr(v, buf); }

int64_t SetObject::IntsetSearch(int64_t v) const {
  int64_t lo = 0, hi = static_cast<int64_t>(count_) - 1;
  while (lo <= hi) {
    int64_t mid = lo + (hi - lo) / 2;
    int64_t cur = IntAt(static_cast<size_t>(mid));
    if (cur == v) return mid;
    if (cur < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

SetObject* SetObject::IntsetAdd(SetObject* s, int64_t v, bool* added) {
  uint8_t need = WidthFor(v);
  if (need > s->width_) {
    // v is wider than every member, so it is smaller or larger than all of them: widen each
    // member in place from the back, then put v at the front or the end (intsetUpgradeAndAdd).
    uint32_t n = s->count_;
    uint8_t old = s->width_;
    s = static_cast<SetObject*>(Realloc(s, kHeader + size_t{n + 1} * need));
    bool front = v < 0;
    for (uint32_t i = n; i-- > 0;) {
      s->width_ = old;
      int64_t x = s->IntAt(i);
      s->width_ = need;
      s->SetIntAt(i + (front ? 1 : 0), x);
    }
    s->width_ = need;
    s->SetIntAt(front ? 0 : n, v);
    s->count_ = n + 1;
    *added = true;
    return s;
  }
  int64_t pos = s->IntsetSearch(v);
  if (pos >= 0) {
    *added = false;
    return s;
  }
  size_t at = static_cast<size_t>(-pos - 1);
  s = static_cast<SetObject*>(Realloc(s, kHeader + size_t{s->count_ + 1} * s->width_));
  std::memmove(s->ints() + (at + 1) * s->width_, s->ints() + at * s->width_, (s->count_ - at) * s->width_);
  s->SetIntAt(at, v);
  ++s->count_;
  *added = true;
  return s;
}

SetObject* SetObject::IntsetRemove(SetObject* s, int64_t v, bool* removed) {
  *removed = false;
  if (WidthFor(v) > s->width_) return s;
  int64_t pos = s->IntsetSearch(v);
  if (pos < 0) return s;
  size_t at = static_cast<size_t>(pos);
  std::memmove(s->ints() + at * s->width_, s->ints() + (at + 1) * s->width_, (s->count_ - at - 1) * s->width_);
  --s->count_;
  *removed = true;
  return static_cast<SetObject*>(Realloc(s, kHeader + size_t{s->count_} * s->width_));
}

SetObject* SetObject::ConvertToHashtable(SetObject* s) {
  auto* h = new (Alloc(sizeof(Hashtable))) Hashtable{*s, SetTable()};
  h->head.kind_ = kHashtableKind;
  h->head.width_ = 0;
  h->head.count_ = 0;
  char buf[kSetIntBuf];
  for (uint32_t i = 0; i < s->count_; ++i) h->Add(NewNode(FormatInt(s->IntAt(i), buf)));
  std::free(s);
  return &h->head;
}

size_t SetObject::InlineBytes() const { return kind_ == kIntsetKind ? kHeader + size_t{count_} * width_ : 0; }

void SetObject::MarkInline(SetObject* s) { s->kind_ = kIntsetInlineKind; }

SetObject* SetObject::Owned(SetObject* s) {
  if (s->kind_ != kIntsetInlineKind) return s;
  return Clone(s);
}

bool SetObject::Add(SetObject*& s, std::string_view member, size_t max_intset) {
  if (s->kind_ == kIntsetInlineKind) {
    if (s->Contains(member)) return false;
    s = Owned(s);
  }
  if (s->is_intset()) {
    int64_t v;
    if (StrToLL(member, &v)) {
      bool added;
      s = IntsetAdd(s, v, &added);
      if (added && s->count_ > max_intset) s = ConvertToHashtable(s);
      return added;
    }
    s = ConvertToHashtable(s);
  }
  auto* h = reinterpret_cast<Hashtable*>(s);
  if (h->table.Find(member)) return false;
  h->Add(NewNode(member));
  return true;
}

bool SetObject::Remove(SetObject*& s, std::string_view member) {
  if (s->kind_ == kIntsetInlineKind) {
    if (!s->Contains(member)) return false;
    s = Owned(s);
  }
  if (s->is_intset()) {
    int64_t v;
    if (!StrToLL(member, &v)) return false;
    bool removed;
    s = IntsetRemove(s, v, &removed);
    return removed;
  }
  auto* h = reinterpret_cast<Hashtable*>(s);
  SetNode* n = h->table.Remove(member);
  if (!n) return false;
  h->node_bytes -= malloc_usable_size(n);
  FreeNode(n);
  return true;
}

bool SetObject::Contains(std::string_view member) const {
  if (is_intset()) {
    int64_t v;
    return StrToLL(member, &v) && WidthFor(v) <= width_ && IntsetSearch(v) >= 0;
  }
  return table().Find(member) != nullptr;
}

size_t SetObject::AllocatedBytes() const {
  if (kind_ == kIntsetInlineKind) return 0;  // part of its entry
  size_t n = malloc_usable_size(const_cast<SetObject*>(this));
  if (!is_intset()) {
    n += table().OverheadBytes() + reinterpret_cast<const Hashtable*>(this)->node_bytes;
  }
  return n;
}

std::string_view SetObject::RandomMember(Rng& rng, char* buf) const {
  if (is_intset()) return FormatInt(IntAt(rng.Below(count_)), buf);
  return table().Random(rng)->member();
}

// Like Redis's SRANDMEMBER cases 3 and 4: when most of the set is wanted, shuffle a full
// list and keep a prefix; otherwise draw at random until enough distinct members came up.
std::vector<size_t> SetObject::SampleIndexes(size_t count, Rng& rng) const {
  size_t n = count_;
  std::vector<size_t> out;
  if (count * 3 > n) {
    out.resize(n);
    for (size_t i = 0; i < n; ++i) out[i] = i;
    for (size_t i = 0; i < count; ++i) std::swap(out[i], out[i + rng.Below(n - i)]);
    out.resize(count);
    return out;
  }
  boost::unordered_flat_set<size_t> seen;
  while (out.size() < count) {
    size_t i = rng.Below(n);
    if (seen.insert(i).second) out.push_back(i);
  }
  return out;
}

std::vector<const SetNode*> SetObject::SampleNodes(size_t count, Rng& rng) const {
  const SetTable& t = table();
  std::vector<const SetNode*> out;
  if (count * 3 > t.size()) {
    out.reserve(t.size());
    t.ForEach([&](const SetNode* n) { out.push_back(n); });
    size_t n = out.size();
    for (size_t i = 0; i < count; ++i) std::swap(out[i], out[i + rng.Below(n - i)]);
    out.resize(count);
    return out;
  }
  boost::unordered_flat_set<const SetNode*> seen;
  while (out.size() < count) {
    const SetNode* n = t.Random(rng);
    if (seen.insert(n).second) out.push_back(n);
  }
  return out;
}

std::vector<std::string> SetObject::SampleDistinct(size_t count, Rng& rng) const {
  std::vector<std::string> out;
  out.reserve(count);
  if (is_intset()) {
    char buf[kSetIntBuf];
    for (size_t i : SampleIndexes(count, rng)) out.emplace_back(FormatInt(IntAt(i), buf));
  } else {
    for (const SetNode* n : SampleNodes(count, rng)) out.emplace_back(n->member());
  }
  return out;
}

}  // namespace ks
