#include "engine/list.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace ks {

struct List::Node {
  Node* prev;
  Node* next;
  uint32_t bytes;  // bytes of packed elements after the header
  uint32_t count;  // elements in this node
  uint8_t* data() { return reinterpret_cast<uint8_t*>(this + 1); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(this + 1); }
};
static_assert(sizeof(List::Node) == 24);

namespace {

// ---- Element encoding --------------------------------------------------------------------

size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 128) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Forward length: LEB128, low groups first, bit 7 = more follow.
uint8_t* PutVarint(uint8_t* p, uint64_t v) {
  while (v >= 128) {
    *p++ = static_cast<uint8_t>(v | 128);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

const uint8_t* GetVarint(const uint8_t* p, uint64_t* v) {
  uint64_t r = 0;
  int shift = 0;
  while (*p & 128) {
    r |= static_cast<uint64_t>(*p++ & 127) << shift;
    shift += 7;
  }
  *v = r | (static_cast<uint64_t>(*p++) << shift);
  return p;
}

// Back-length: the same groups stored high first, so that reading backwards from the end of
// an element meets the low group first; bit 7 = more groups lie further back.
uint8_t* PutBackLen(uint8_t* p, uint64_t v) {
  size_t n = VarintLen(v);
  for (size_t i = n; i-- > 0;) {
    p[i] = static_cast<uint8_t>((v & 127) | (i == 0 ? 0 : 128));
    v >>= 7;
  }
  return p + n;
}

// end: one past the back-length's last byte. Returns its first byte.
const uint8_t* GetBackLen(const uint8_t* end, uint64_t* v) {
  const uint8_t* q = end - 1;
  uint64_t r = *q & 127;
  int shift = 7;
  while (*q & 128) {
    --q;
    r |= static_cast<uint64_t>(*q & 127) << shift;
    shift += 7;
  }
  *v = r;
  return q;
}

// Bytes an element of len bytes takes in a node.
size_t EncodedSize(size_t len) {
  size_t body = VarintLen(len) + len;
  return body + VarintLen(body);
}

uint8_t* Encode(uint8_t* p, std::string_view v) {
  uint8_t* start = p;
  p = PutVarint(p, v.size());
  std::memcpy(p, v.data(), v.size());
  p += v.size();
  return PutBackLen(p, static_cast<uint64_t>(p - start));
}

std::string_view Decode(const uint8_t* p) {
  uint64_t len;
  const uint8_t* d = GetVarint(p, &len);
  return {reinterpret_cast<const char*>(d), len};
}

// Size of the element starting at p.
size_t SizeAt(const uint8_t* p) {
  uint64_t len;
  const uint8_t* d = GetVarint(p, &len);
  size_t body = static_cast<size_t>(d - p) + len;
  return body + VarintLen(body);
}

// Offset of the element that ends at off (off > 0).
uint32_t PrevOffset(const uint8_t* data, uint32_t off) {
  uint64_t body;
  const uint8_t* q = GetBackLen(data + off, &body);
  return static_cast<uint32_t>(q - data - body);
}

// Redis's quicklist node limits (quicklist.c): byte budgets for fill -1..-5, a safety cap
// for count-limited nodes, and the per-entry overhead it estimates.
constexpr size_t kOptimizationLevel[] = {4096, 8192, 16384, 32768, 65536};
constexpr size_t kSizeSafetyLimit = 8192;
constexpr size_t kSizeEstimateOverhead = 8;
constexpr size_t kListpackOverhead = 7;  // Redis's listpack header and end byte
constexpr int64_t kFillMax = 1 << 15;

List::Node* AllocNode(size_t bytes) {
  void* p = std::malloc(sizeof(List::Node) + bytes);
  if (!p) throw std::bad_alloc();
  return static_cast<List::Node*>(p);
}

}  // namespace

// ---- Life cycle --------------------------------------------------------------------------

List::List(int64_t fill) : fill_(static_cast<int32_t>(std::clamp<int64_t>(fill, -5, kFillMax))) {}

List::~List() {
  for (Node* n = head_; n;) {
    Node* next = n->next;
    std::free(n);
    n = next;
  }
}

List* List::New(int64_t fill) {
  void* p = std::malloc(sizeof(List));
  if (!p) throw std::bad_alloc();
  return new (p) List(fill);
}

void List::Destroy(List* l) {
  if (!l) return;
  l->~List();
  std::free(l);
}

List* List::Clone() const {
  List* c = New(fill_);
  for (const Node* n = head_; n; n = n->next) {
    Node* m = AllocNode(n->bytes);
    std::memcpy(m, n, sizeof(Node) + n->bytes);
    c->node_bytes_ += malloc_usable_size(m);
    m->prev = c->tail_;
    m->next = nullptr;
    (c->tail_ ? c->tail_->next : c->head_) = m;
    c->tail_ = m;
  }
  c->count_ = count_;
  c->nodes_ = nodes_;
  return c;
}

size_t List::AllocatedBytes() const {
  return malloc_usable_size(const_cast<List*>(this)) + node_bytes_;
}

// ---- Nodes -------------------------------------------------------------------------------

// Redis's _quicklistNodeAllowInsert, with this node's bytes standing in for its listpack's.
bool List::AllowInsert(const Node* n, size_t elem_len) const {
  if (elem_len >= (size_t{1} << 30)) return false;  // Redis gives such elements a node each
  size_t new_sz = n->bytes + kListpackOverhead + elem_len + kSizeEstimateOverhead;
  if (fill_ < 0 && new_sz <= kOptimizationLevel[-fill_ - 1]) return true;
  if (new_sz > kSizeSafetyLimit) return false;
  return static_cast<int64_t>(n->count) < fill_;
}

List::Node* List::NewNodeAfter(Node* prev, size_t cap) {
  Node* n = AllocNode(cap);
  node_bytes_ += malloc_usable_size(n);
  n->bytes = 0;
  n->count = 0;
  n->prev = prev;
  n->next = prev ? prev->next : head_;
  (n->next ? n->next->prev : tail_) = n;
  (prev ? prev->next : head_) = n;
  ++nodes_;
  return n;
}

void List::UnlinkAndFree(Node* n) {
  (n->prev ? n->prev->next : head_) = n->next;
  (n->next ? n->next->prev : tail_) = n->prev;
  count_ -= n->count;
  --nodes_;
  node_bytes_ -= malloc_usable_size(n);
  std::free(n);
}

List::Node* List::ResizeNode(Node* n, size_t bytes) {
  size_t need = sizeof(Node) + bytes;
  size_t cap = malloc_usable_size(n);
  size_t want;
  if (need > cap) {
    // Grow with some headroom once a node is past a few cache lines, so pushing into it is
    // amortised O(1) rather than one copy per element.
    want = need > 256 ? need + need / 4 : need;
  } else if (cap > 2 * need && cap - need > 128) {
    want = need;  // give back memory after deletions
  } else {
    return n;
  }
  void* p = std::realloc(n, want);
  if (!p) throw std::bad_alloc();
  Node* m = static_cast<Node*>(p);
  node_bytes_ = node_bytes_ - cap + malloc_usable_size(m);
  // Relink unconditionally: comparing with the old pointer after realloc is not allowed.
  (m->prev ? m->prev->next : head_) = m;
  (m->next ? m->next->prev : tail_) = m;
  return m;
}

List::Node* List::InsertInNode(Node* n, uint32_t off, std::string_view v) {
  size_t sz = EncodedSize(v.size());
  n = ResizeNode(n, n->bytes + sz);
  uint8_t* d = n->data();
  std::memmove(d + off + sz, d + off, n->bytes - off);
  Encode(d + off, v);
  n->bytes += static_cast<uint32_t>(sz);
  ++n->count;
  ++count_;
  return n;
}

// ---- Positions ---------------------------------------------------------------------------

List::Pos List::Last() const { return {tail_, PrevOffset(tail_->data(), tail_->bytes)}; }

List::Pos List::Locate(size_t i) const {
  Node* n;
  if (i < count_ / 2) {
    n = head_;
    while (i >= n->count) {
      i -= n->count;
      n = n->next;
    }
  } else {
    size_t back = count_ - 1 - i;
    n = tail_;
    while (back >= n->count) {
      back -= n->count;
      n = n->prev;
    }
    i = n->count - 1 - back;
  }
  uint32_t off;
  if (i <= n->count / 2) {
    off = 0;
    for (size_t j = 0; j < i; ++j) off += static_cast<uint32_t>(SizeAt(n->data() + off));
  } else {
    off = n->bytes;
    for (size_t j = n->count; j > i; --j) off = PrevOffset(n->data(), off);
  }
  return {n, off};
}

std::string_view List::Value(Pos p) const { return Decode(p.node->data() + p.off); }

void List::Advance(Pos& p) const {
  p.off += static_cast<uint32_t>(SizeAt(p.node->data() + p.off));
  if (p.off >= p.node->bytes) p = {p.node->next, 0};
}

void List::Retreat(Pos& p) const {
  if (p.off == 0) {
    p.node = p.node->prev;
    if (!p.node) return;
    p.off = p.node->bytes;
  }
  p.off = PrevOffset(p.node->data(), p.off);
}

// ---- Changes -----------------------------------------------------------------------------

void List::Erase(Pos& p) {
  Node* n = p.node;
  if (n->count == 1) {
    Node* next = n->next;
    UnlinkAndFree(n);
    p = {next, 0};
    return;
  }
  size_t sz = SizeAt(n->data() + p.off);
  uint8_t* d = n->data();
  std::memmove(d + p.off, d + p.off + sz, n->bytes - p.off - sz);
  n->bytes -= static_cast<uint32_t>(sz);
  --n->count;
  --count_;
  n = ResizeNode(n, n->bytes);
  p.node = n;
  if (p.off >= n->bytes) p = {n->next, 0};
}

void List::Push(ListEnd end, std::string_view v) {
  bool head = end == ListEnd::kHead;
  Node* n = head ? head_ : tail_;
  if (!n || !AllowInsert(n, v.size())) n = NewNodeAfter(head ? nullptr : tail_, EncodedSize(v.size()));
  InsertInNode(n, head ? 0 : n->bytes, v);
}

void List::InsertAt(Pos p, std::string_view v) {
  Node* n = p.node;
  if (AllowInsert(n, v.size())) {
    InsertInNode(n, p.off, v);
    return;
  }
  if (p.off == 0 && n->prev && AllowInsert(n->prev, v.size())) {
    InsertInNode(n->prev, n->prev->bytes, v);
    return;
  }
  if (p.off == n->bytes && n->next && AllowInsert(n->next, v.size())) {
    InsertInNode(n->next, 0, v);
    return;
  }
  if (p.off == 0) {
    InsertInNode(NewNodeAfter(n->prev, EncodedSize(v.size())), 0, v);
    return;
  }
  if (p.off == n->bytes) {
    InsertInNode(NewNodeAfter(n, EncodedSize(v.size())), 0, v);
    return;
  }
  // A full node, inserting in its middle: split it at p, as Redis's quicklist does, then put
  // v at the end of the left half or the start of the right half, whichever has room.
  uint32_t moved = 0;
  for (uint32_t off = p.off; off < n->bytes; off += static_cast<uint32_t>(SizeAt(n->data() + off))) ++moved;
  uint32_t tail_bytes = n->bytes - p.off;
  Node* r = NewNodeAfter(n, tail_bytes);
  std::memcpy(r->data(), n->data() + p.off, tail_bytes);
  r->bytes = tail_bytes;
  r->count = moved;
  n->bytes = p.off;
  n->count -= moved;
  n = ResizeNode(n, n->bytes);
  if (AllowInsert(n, v.size()))
    InsertInNode(n, n->bytes, v);
  else if (AllowInsert(r, v.size()))
    InsertInNode(r, 0, v);
  else
    InsertInNode(NewNodeAfter(n, EncodedSize(v.size())), 0, v);
}

void List::Set(size_t i, std::string_view v) {
  // Redis 7.0 replaces in place (lpReplace) whatever the new size.
  Pos p = Locate(i);
  Node* n = p.node;
  size_t old_sz = SizeAt(n->data() + p.off);
  size_t new_sz = EncodedSize(v.size());
  if (new_sz > old_sz) n = ResizeNode(n, n->bytes - old_sz + new_sz);
  uint8_t* d = n->data();
  std::memmove(d + p.off + new_sz, d + p.off + old_sz, n->bytes - p.off - old_sz);
  Encode(d + p.off, v);
  n->bytes = static_cast<uint32_t>(n->bytes - old_sz + new_sz);
  if (new_sz < old_sz) ResizeNode(n, n->bytes);
}

bool List::InsertAtPivot(std::string_view pivot, std::string_view v, bool after) {
  for (Pos p = First(); p.node; Advance(p)) {
    if (Value(p) != pivot) continue;
    if (after) p.off += static_cast<uint32_t>(SizeAt(p.node->data() + p.off));
    InsertAt(p, v);
    return true;
  }
  return false;
}

size_t List::Remove(std::string_view v, int64_t count) {
  size_t removed = 0;
  if (count_ == 0) return 0;
  if (count >= 0) {
    Pos p = First();
    while (p.node && (count == 0 || removed < static_cast<uint64_t>(count))) {
      if (Value(p) == v) {
        Erase(p);
        ++removed;
      } else {
        Advance(p);
      }
    }
    return removed;
  }
  uint64_t limit = count == INT64_MIN ? uint64_t{1} << 63 : static_cast<uint64_t>(-count);
  Pos p = Last();
  while (p.node && removed < limit) {
    if (Value(p) != v) {
      Retreat(p);
      continue;
    }
    Erase(p);  // p is now the element after the removed one
    ++removed;
    if (!p.node) {
      if (count_ == 0) break;
      p = Last();
    } else {
      Retreat(p);
    }
  }
  return removed;
}

void List::EraseRange(size_t from, size_t n) {
  if (n == 0) return;
  Pos p = Locate(from);
  while (n > 0) {
    Node* node = p.node;
    if (p.off == 0 && node->count <= n) {
      n -= node->count;
      Node* next = node->next;
      UnlinkAndFree(node);
      p = {next, 0};
      continue;
    }
    uint32_t end = p.off, k = 0;
    while (k < n && end < node->bytes) {
      end += static_cast<uint32_t>(SizeAt(node->data() + end));
      ++k;
    }
    uint8_t* d = node->data();
    std::memmove(d + p.off, d + end, node->bytes - end);
    node->bytes -= end - p.off;
    node->count -= k;
    count_ -= k;
    n -= k;
    node = ResizeNode(node, node->bytes);
    p = {node->next, 0};
  }
}

bool List::Check() const {
  uint64_t total = 0;
  uint32_t nodes = 0;
  const Node* prev = nullptr;
  for (const Node* n = head_; n; prev = n, n = n->next) {
    if (n->prev != prev || n->count == 0) return false;
    ++nodes;
    uint32_t off = 0, c = 0;
    while (off < n->bytes) {
      off += static_cast<uint32_t>(SizeAt(n->data() + off));
      ++c;
    }
    if (off != n->bytes || c != n->count) return false;
    // The back-lengths must lead back to the start.
    uint32_t back = n->bytes;
    for (uint32_t j = 0; j < c; ++j) back = PrevOffset(n->data(), back);
    if (back != 0) return false;
    total += n->count;
  }
  return prev == tail_ && total == count_ && nodes == nodes_ && (count_ != 0 || head_ == nullptr);
}

}  // namespace ks
