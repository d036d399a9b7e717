#include "engine/hash.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace ks {
namespace {

using hash_detail::kLpHeader;

constexpr uint32_t kHtMarker = 0xFFFFFFFF;
// Redis's LISTPACK_MAX_SAFETY_SIZE: past this a listpack converts rather than grows.
constexpr size_t kLpMaxSafeBytes = 1ull << 30;

// The hashtable object; its first 4 bytes tell it from a listpack.
struct HtObject {
  uint32_t marker = kHtMarker;
  HashTable table;
  size_t node_bytes = 0;  // malloc'd bytes of the nodes, so Hash::bytes() is O(1)
  void Add(HashNode* n) {
    node_bytes += malloc_usable_size(n);
    table.Insert(n);
  }
};

void* CheckedRealloc(void* p, size_t n) {
  void* q = std::realloc(p, n);
  if (!q) throw std::bad_alloc();  // out of memory is fatal, as in Redis's zmalloc
  return q;
}

HashNode* NewNode(std::string_view field, std::string_view value) {
  auto* n = static_cast<HashNode*>(std::malloc(sizeof(HashNode) + field.size() + value.size()));
  if (!n) throw std::bad_alloc();
  n->next = nullptr;
  n->flen = static_cast<uint32_t>(field.size());
  n->vlen = static_cast<uint32_t>(value.size());
  if (!field.empty()) std::memcpy(n->data(), field.data(), field.size());
  if (!value.empty()) std::memcpy(n->data() + field.size(), value.data(), value.size());
  return n;
}

void FreeNode(HashNode* n) { std::free(n); }

}  // namespace

namespace hash_detail {
namespace {

constexpr uint8_t kLongPair = 0xF0;

size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* PutVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

const char* GetVarint(const char* p, uint64_t* v) {
  uint64_t r = 0;
  int shift = 0;
  for (;;) {
    auto b = static_cast<uint8_t>(*p++);
    r |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  *v = r;
  return p;
}

bool ShortPair(size_t flen, size_t vlen) { return flen < 15 && vlen < 16; }

size_t PairHeaderLen(size_t flen, size_t vlen) {
  return ShortPair(flen, vlen) ? 1 : 1 + VarintLen(flen) + VarintLen(vlen);
}

char* PutPairHeader(char* p, size_t flen, size_t vlen) {
  if (ShortPair(flen, vlen)) {
    *p++ = static_cast<char>(flen << 4 | vlen);
    return p;
  }
  *p++ = static_cast<char>(kLongPair);
  return PutVarint(PutVarint(p, flen), vlen);
}

const char* GetPairHeader(const char* p, uint64_t* flen, uint64_t* vlen) {
  auto b = static_cast<uint8_t>(*p++);
  if (b != kLongPair) {
    *flen = b >> 4;
    *vlen = b & 15;
    return p;
  }
  return GetVarint(GetVarint(p, flen), vlen);
}

}  // namespace

const char* ReadPair(const char* p, std::string_view* field, std::string_view* value) {
  uint64_t flen, vlen;
  p = GetPairHeader(p, &flen, &vlen);
  *field = {p, flen};
  *value = {p + flen, vlen};
  return p + flen + vlen;
}

}  // namespace hash_detail

using hash_detail::GetPairHeader;
using hash_detail::PairHeaderLen;
using hash_detail::PutPairHeader;

// ---- listpack internals ------------------------------------------------------------------

uint32_t& Hash::lp_bytes() const { return *reinterpret_cast<uint32_t*>(lp()); }
HashTable& Hash::ht() const { return static_cast<HtObject*>(p_)->table; }

size_t Hash::LpFind(std::string_view field) const {
  const char* base = lp();
  const char* p = base + kLpHeader;
  const char* end = base + lp_len();
  while (p < end) {
    const char* start = p;
    uint64_t flen, vlen;
    p = GetPairHeader(p, &flen, &vlen);
    if (flen == field.size() && std::memcmp(p, field.data(), flen) == 0) return static_cast<size_t>(start - base);
    p += flen + vlen;
  }
  return 0;
}

// ---- object ------------------------------------------------------------------------------

Hash Hash::NewListpack() {
  void* p = std::malloc(kLpHeader);
  if (!p) throw std::bad_alloc();
  uint32_t bytes = kLpHeader;
  std::memcpy(p, &bytes, sizeof bytes);
  return Hash(p);
}

bool Hash::listpack() const { return *static_cast<const uint32_t*>(p_) != kHtMarker; }

void Hash::Own() {
  if (!listpack() || !lp_inline()) return;
  size_t n = lp_len();
  void* c = std::malloc(n);
  if (!c) throw std::bad_alloc();
  std::memcpy(c, p_, n);
  p_ = c;
  lp_bytes() = static_cast<uint32_t>(n);
}

size_t Hash::InlineBytes() const { return listpack() && !lp_inline() ? lp_len() : 0; }

void Hash::MarkInline(void* lp) {
  uint32_t bytes;
  std::memcpy(&bytes, lp, sizeof bytes);
  bytes |= hash_detail::kLpInlineBit;
  std::memcpy(lp, &bytes, sizeof bytes);
}

void Hash::Free() {
  if (!p_) return;
  if (listpack()) {
    if (!lp_inline()) std::free(p_);
  } else {
    auto* o = static_cast<HtObject*>(p_);
    o->table.Clear(FreeNode);
    delete o;
  }
  p_ = nullptr;
}

Hash Hash::Clone() const {
  if (listpack()) {
    size_t n = lp_len();
    void* c = std::malloc(n);
    if (!c) throw std::bad_alloc();
    std::memcpy(c, p_, n);
    Hash h(c);
    h.lp_bytes() = static_cast<uint32_t>(n);  // a copy on the heap is not inline
    return h;
  }
  auto* o = new HtObject;
  ht().ForEach([&](const HashNode* n) { o->Add(NewNode(n->field(), n->value())); });
  return Hash(o);
}

size_t Hash::size() const {
  if (!listpack()) return ht().size();
  size_t n = 0;
  ForEach([&](std::string_view, std::string_view) { ++n; });
  return n;
}

bool Hash::empty() const { return listpack() ? lp_len() == kLpHeader : ht().empty(); }

size_t Hash::bytes() const {
  if (listpack()) return lp_inline() ? 0 : malloc_usable_size(p_);
  return malloc_usable_size(p_) + ht().OverheadBytes() + static_cast<const HtObject*>(p_)->node_bytes;
}

const HashTable* Hash::table() const { return listpack() ? nullptr : &ht(); }

bool Hash::Get(std::string_view field, std::string_view* value) const {
  if (!listpack()) {
    const HashNode* n = ht().Find(field);
    if (!n) return false;
    *value = n->value();
    return true;
  }
  size_t off = LpFind(field);
  if (!off) return false;
  std::string_view f;
  hash_detail::ReadPair(lp() + off, &f, value);
  return true;
}

bool Hash::ListpackSafeToAdd(size_t add_bytes) const {
  return !listpack() || lp_len() + add_bytes <= kLpMaxSafeBytes;
}

size_t Hash::ListpackPairBytes(std::string_view field, std::string_view value) {
  return PairHeaderLen(field.size(), value.size()) + field.size() + value.size();
}

void Hash::Reserve(size_t extra) {
  if (!listpack()) return;
  Own();
  size_t want = lp_bytes() + extra;
  if (want > malloc_usable_size(p_)) p_ = CheckedRealloc(p_, want);
}

void Hash::ShrinkToFit() {
  // Slack under a malloc granule is free anyway; beyond it, give it back.
  if (listpack() && !lp_inline() && malloc_usable_size(p_) >= lp_bytes() + 16) p_ = CheckedRealloc(p_, lp_bytes());
}

bool Hash::Set(std::string_view field, std::string_view value) {
  if (!listpack()) {
    auto* o = static_cast<HtObject*>(p_);
    HashTable& t = o->table;
    HashNode* n = t.Find(field);
    if (!n) {
      o->Add(NewNode(field, value));
      return true;
    }
    size_t need = sizeof(HashNode) + n->flen + value.size();
    if (need > malloc_usable_size(n)) {
      // Growing may move the node: unlink it first, relink at its new address.
      t.Remove(field);
      o->node_bytes -= malloc_usable_size(n);
      n = static_cast<HashNode*>(CheckedRealloc(n, need));
      n->next = nullptr;
      o->Add(n);
    }
    n->vlen = static_cast<uint32_t>(value.size());
    if (!value.empty()) std::memcpy(n->data() + n->flen, value.data(), value.size());
    return false;
  }

  Own();
  size_t off = LpFind(field);
  size_t old_bytes = lp_bytes();
  if (!off) {
    size_t add = ListpackPairBytes(field, value);
    if (old_bytes + add > malloc_usable_size(p_)) p_ = CheckedRealloc(p_, old_bytes + add);
    char* w = PutPairHeader(lp() + old_bytes, field.size(), value.size());
    if (!field.empty()) std::memcpy(w, field.data(), field.size());
    if (!value.empty()) std::memcpy(w + field.size(), value.data(), value.size());
    lp_bytes() = static_cast<uint32_t>(old_bytes + add);
    return true;
  }
  // Rewrite the pair in place (its header may change size with the value), moving the tail.
  uint64_t flen, vlen;
  size_t old_hdr = static_cast<size_t>(GetPairHeader(lp() + off, &flen, &vlen) - (lp() + off));
  size_t new_hdr = PairHeaderLen(flen, value.size());
  size_t old_end = off + old_hdr + flen + vlen;
  size_t new_end = off + new_hdr + flen + value.size();
  size_t new_bytes = old_bytes - old_end + new_end;
  if (new_end > old_end) {
    // Growing: the header can only grow too (a long header means a longer value), so the
    // tail and then the field move right before the value is written.
    if (new_bytes > malloc_usable_size(p_)) p_ = CheckedRealloc(p_, new_bytes);
    std::memmove(lp() + new_end, lp() + old_end, old_bytes - old_end);
    std::memmove(lp() + off + new_hdr, lp() + off + old_hdr, flen);
  } else {
    // Shrinking or same size: the header cannot grow, so the field moves left (or stays),
    // then the tail follows once the value is in place.
    std::memmove(lp() + off + new_hdr, lp() + off + old_hdr, flen);
  }
  if (!value.empty()) std::memcpy(lp() + off + new_hdr + flen, value.data(), value.size());
  if (new_end < old_end) std::memmove(lp() + new_end, lp() + old_end, old_bytes - old_end);
  PutPairHeader(lp() + off, flen, value.size());
  lp_bytes() = static_cast<uint32_t>(new_bytes);
  ShrinkToFit();
  return false;
}

bool Hash::Delete(std::string_view field) {
  if (!listpack()) {
    auto* o = static_cast<HtObject*>(p_);
    HashNode* n = o->table.Remove(field);
    if (!n) return false;
    o->node_bytes -= malloc_usable_size(n);
    FreeNode(n);
    return true;
  }
  size_t off = LpFind(field);
  if (!off) return false;
  Own();
  std::string_view f, v;
  const char* after = hash_detail::ReadPair(lp() + off, &f, &v);
  size_t end_off = static_cast<size_t>(after - lp());
  size_t old_bytes = lp_bytes();
  std::memmove(lp() + off, lp() + end_off, old_bytes - end_off);
  lp_bytes() = static_cast<uint32_t>(old_bytes - (end_off - off));
  ShrinkToFit();
  return true;
}

void Hash::ConvertToHashtable() {
  if (!listpack()) return;
  auto* o = new HtObject;
  ForEach([&](std::string_view f, std::string_view v) { o->Add(NewNode(f, v)); });
  if (!lp_inline()) std::free(p_);
  p_ = o;
}

std::pair<std::string_view, std::string_view> Hash::RandomPair(Rng& rng) const {
  if (!listpack()) {
    const HashNode* n = ht().Random(rng);
    return {n->field(), n->value()};
  }
  size_t i = rng.Below(size());
  const char* p = lp() + kLpHeader;
  std::string_view f, v;
  do p = hash_detail::ReadPair(p, &f, &v);
  while (i-- > 0);
  return {f, v};
}

std::vector<std::pair<std::string_view, std::string_view>> Hash::Pairs() const {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  out.reserve(size());
  ForEach([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

}  // namespace ks
