#include "engine/list.h"

#include "engine/listpack.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include <lzf.h>

namespace ks {

struct List::Node {
  Node* prev;
  Node* next;
  uint32_t bytes;  // bytes of packed elements (uncompressed: Redis's node->sz)
  uint16_t count;  // elements in this node (a node holds at most 64 KB of 2-byte ones)
  uint8_t flags;
  uint8_t unused;
  // Compressed: data() holds [uint32 LZF length][uint32 Redis length][LZF bytes] instead of
  // the elements, where the LZF bytes are Redis's own for this node: the compressed listpack
  // of its elements (a plain node's element itself), so memory, MEMORY USAGE and the RDB blob
  // are what Redis has.
  static constexpr uint8_t kCompressed = 1, kRecompress = 2, kPlain = 4;
  bool compressed() const { return flags & kCompressed; }
  bool plain() const { return flags & kPlain; }
  uint32_t lzf_len() const {
    uint32_t n;
    std::memcpy(&n, data(), 4);
    return n;
  }
  uint32_t redis_len() const {
    uint32_t n;
    std::memcpy(&n, data() + 4, 4);
    return n;
  }
  const uint8_t* lzf() const { return data() + 8; }
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
// quicklist.c: nodes smaller than this are not compressed, and compression is kept only if
// it saves at least kMinCompressImprove bytes.
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressImprove = 8;
constexpr int64_t kCompressMax = (1 << 16) - 1;

List::Node* AllocNode(size_t bytes) {
  void* p = std::malloc(sizeof(List::Node) + bytes);
  if (!p) throw std::bad_alloc();
  return static_cast<List::Node*>(p);
}

}  // namespace

// ---- Life cycle --------------------------------------------------------------------------

List::List(int64_t fill, int64_t compress, uint64_t packed_threshold)
    : fill_(static_cast<int32_t>(std::clamp<int64_t>(fill, -5, kFillMax))),
      packed_threshold_(static_cast<uint32_t>(std::min<uint64_t>(packed_threshold, UINT32_MAX))),
      compress_(static_cast<uint16_t>(std::clamp<int64_t>(compress, 0, kCompressMax))) {}

List::~List() {
  DropScratch();
  for (Node* n = head_; n;) {
    Node* next = n->next;
    std::free(n);
    n = next;
  }
}

List* List::New(int64_t fill, int64_t compress, uint64_t packed_threshold) {
  void* p = std::malloc(sizeof(List));
  if (!p) throw std::bad_alloc();
  return new (p) List(fill, compress, packed_threshold);
}

void List::Destroy(List* l) {
  if (!l) return;
  l->~List();
  std::free(l);
}

List* List::Clone() const {
  List* c = New(fill_, compress_, packed_threshold_);
  for (const Node* n = head_; n; n = n->next) {
    size_t len = n->compressed() ? 8 + n->lzf_len() : n->bytes;
    Node* m = AllocNode(len);
    std::memcpy(m, n, sizeof(Node) + len);
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

size_t List::RawBytes() const {
  size_t b = 0;
  for (const Node* n = head_; n; n = n->next) b += n->bytes;
  return b;
}

size_t List::CompressedNodes() const {
  size_t k = 0;
  for (const Node* n = head_; n; n = n->next) k += n->compressed();
  return k;
}

size_t List::PlainNodes() const {
  size_t k = 0;
  for (const Node* n = head_; n; n = n->next) k += n->plain();
  return k;
}

bool List::Cursor::NodeCompressed() const { return pos_.node->compressed(); }

std::string_view List::Cursor::NodeLzf(size_t* redis_len) const {
  *redis_len = pos_.node->redis_len();
  return {reinterpret_cast<const char*>(pos_.node->lzf()), pos_.node->lzf_len()};
}

namespace {

// A raw node's elements as Redis holds them: a listpack, or a plain node's element as is.
std::string_view RedisBytes(const List::Node* n, const uint8_t* raw, uint8_t** lp_out) {
  *lp_out = nullptr;
  if (n->flags & List::Node::kPlain) return Decode(raw);
  uint8_t* lp = lp::New(n->bytes + lp::kHeaderSize + 1);
  for (uint32_t off = 0; off < n->bytes; off += static_cast<uint32_t>(SizeAt(raw + off))) lp = lp::Append(lp, Decode(raw + off));
  *lp_out = lp;
  return {reinterpret_cast<const char*>(lp), lp::Bytes(lp)};
}

// Decompresses a compressed node's LZF bytes into its elements in our encoding at out.
void Inflate(const List::Node* n, uint8_t* out) {
  std::unique_ptr<uint8_t[]> buf(new uint8_t[n->redis_len()]);
  lzf_decompress(n->lzf(), n->lzf_len(), buf.get(), n->redis_len());
  if (n->flags & List::Node::kPlain) {
    Encode(out, {reinterpret_cast<const char*>(buf.get()), n->redis_len()});
    return;
  }
  char num[32];
  for (uint32_t off = lp::First(buf.get()); off; off = lp::Next(buf.get(), off)) out = Encode(out, lp::Get(buf.get(), off).Str(num));
}

}  // namespace
bool List::Cursor::NodePlain() const { return pos_.node->plain(); }

// ---- Compression -------------------------------------------------------------------------

const uint8_t* List::Raw(const Node* n) const {
  if (!n->compressed()) return n->data();
  const Node* owner = nullptr;
  if (scratch_) std::memcpy(&owner, scratch_, sizeof owner);
  if (owner != n) {
    DropScratch();
    scratch_ = static_cast<uint8_t*>(std::malloc(sizeof(Node*) + n->bytes));
    if (!scratch_) throw std::bad_alloc();
    std::memcpy(scratch_, &n, sizeof n);
    Inflate(n, scratch_ + sizeof(Node*));
  }
  return scratch_ + sizeof(Node*);
}

void List::DropScratch() const {
  std::free(scratch_);
  scratch_ = nullptr;
}

void List::Relocate(Node* n, Node* m, Node** track) {
  (m->prev ? m->prev->next : head_) = m;
  (m->next ? m->next->prev : tail_) = m;
  if (track && *track == n) *track = m;
  node_bytes_ += malloc_usable_size(m);
  FreeNode(n);
}

void List::FreeNode(Node* n) {
  // The scratch copy names its node by address, which a new node could reuse.
  if (scratch_) {
    const Node* owner;
    std::memcpy(&owner, scratch_, sizeof owner);
    if (owner == n) DropScratch();
  }
  node_bytes_ -= malloc_usable_size(n);
  std::free(n);
}

List::Node* List::Decompress(Node* n, Node** track) {
  if (!n->compressed()) return n;
  Node* m = AllocNode(n->bytes);
  std::memcpy(m, n, sizeof(Node));
  Inflate(n, m->data());
  m->flags &= static_cast<uint8_t>(~Node::kCompressed);
  Relocate(n, m, track);
  return m;
}

// __quicklistCompressNode. The ends are never compressed.
List::Node* List::CompressNode(Node* n, Node** track) {
  if (n->compressed() || !n->prev || !n->next) return n;
  n->flags &= static_cast<uint8_t>(~Node::kRecompress);
  // The sizes and the saving are measured on Redis's bytes for the node, so exactly the nodes
  // Redis compresses are compressed.
  uint8_t* lp;
  std::string_view rb = RedisBytes(n, n->data(), &lp);
  std::unique_ptr<uint8_t, void (*)(uint8_t*)> lp_owner(lp, [](uint8_t* p) { if (p) lp::Free(p); });
  if (rb.size() < kMinCompressBytes) return n;
  std::unique_ptr<uint8_t[]> buf(new uint8_t[rb.size()]);
  unsigned clen = lzf_compress(rb.data(), static_cast<unsigned>(rb.size()), buf.get(), static_cast<unsigned>(rb.size()));
  if (clen == 0 || clen + kMinCompressImprove >= rb.size()) return n;
  Node* m = AllocNode(8 + clen);
  std::memcpy(m, n, sizeof(Node));
  const uint32_t lens[2] = {clen, static_cast<uint32_t>(rb.size())};
  std::memcpy(m->data(), lens, 8);
  std::memcpy(m->data() + 8, buf.get(), clen);
  m->flags |= Node::kCompressed;
  Relocate(n, m, track);
  return m;
}

List::Node* List::Open(Node* n) {
  if (!n->compressed()) return n;
  n = Decompress(n);
  n->flags |= Node::kRecompress;
  return n;
}

void List::Settle(Node* n, Node** track) {
  if (n->flags & Node::kRecompress) CompressNode(n, track);
  else CompressAround(n, track);
}

// __quicklistCompress: the `compress_` nodes at each end raw, the next one on each side and
// n compressed.
void List::CompressAround(Node* n, Node** track) {
  if (count_ == 0 || compress_ == 0 || nodes_ < 2u * compress_) return;
  Node* fwd = head_;
  Node* rev = tail_;
  bool in_depth = false;
  for (int depth = 0; depth < compress_; ++depth) {
    if (fwd == n || rev == n) in_depth = true;
    bool same = fwd == rev;
    fwd = Decompress(fwd, track);
    rev = same ? fwd : Decompress(rev, track);
    if (fwd == rev || fwd->next == rev) return;
    fwd = fwd->next;
    rev = rev->prev;
  }
  if (!in_depth && n) {
    Node* m = CompressNode(n, track);
    if (fwd == n) fwd = m;
    if (rev == n) rev = m;
  }
  bool same = fwd == rev;
  fwd = CompressNode(fwd, track);
  if (!same) CompressNode(rev, track);
}

List::Node* List::InsertNewNode(Node* prev, std::string_view v, Node** track) {
  Node* n = NewNodeAfter(prev, EncodedSize(v.size()));
  if (IsLarge(v.size())) n->flags |= Node::kPlain;
  n = InsertInNode(n, 0, v);
  // __quicklistInsertNode: compress around the old neighbour, then around the new node.
  Node* keep = n;
  if (prev) CompressAround(prev, &keep);
  CompressAround(keep, &keep);
  if (track && *track == n) *track = keep;
  return keep;
}

bool List::AllowInsert(const Node* n, size_t elem_len) const {
  if (!n || n->plain() || IsLarge(elem_len)) return false;  // such elements get a node each
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
  n->flags = 0;
  n->unused = 0;
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
  FreeNode(n);
}

List::Node* List::ResizeNode(Node* n, size_t bytes) {
  // Only raw nodes change, and the scratch copy only ever names compressed ones.
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

List::Pos List::Last() const { return {tail_, PrevOffset(Raw(tail_), tail_->bytes)}; }

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
  const uint8_t* d = Raw(n);
  if (i <= n->count / 2u) {
    off = 0;
    for (size_t j = 0; j < i; ++j) off += static_cast<uint32_t>(SizeAt(d + off));
  } else {
    off = n->bytes;
    for (size_t j = n->count; j > i; --j) off = PrevOffset(d, off);
  }
  return {n, off};
}

std::string_view List::Value(Pos p) const { return Decode(Raw(p.node) + p.off); }

void List::Advance(Pos& p) const {
  p.off += static_cast<uint32_t>(SizeAt(Raw(p.node) + p.off));
  if (p.off >= p.node->bytes) p = {p.node->next, 0};
}

void List::Retreat(Pos& p) const {
  if (p.off == 0) {
    p.node = p.node->prev;
    if (!p.node) return;
    p.off = p.node->bytes;
  }
  p.off = PrevOffset(Raw(p.node), p.off);
}

// ---- Changes -----------------------------------------------------------------------------
// Every change drops the scratch copy first (a view into it lives until the list changes),
// opens (decompresses) the nodes it edits, and settles them afterwards as quicklist.c does.

void List::Erase(Pos& p) {
  Node* n = Open(p.node);
  if (n->count == 1) {
    p = {n->next, 0};
    UnlinkAndFree(n);
    // __quicklistDelNode: a node within the depth may have become an inner one.
    CompressAround(nullptr, &p.node);
    return;
  }
  uint8_t* d = n->data();
  size_t sz = SizeAt(d + p.off);
  std::memmove(d + p.off, d + p.off + sz, n->bytes - p.off - sz);
  n->bytes -= static_cast<uint32_t>(sz);
  --n->count;
  --count_;
  n = ResizeNode(n, n->bytes);
  p.node = n;
  if (p.off >= n->bytes) {
    p = {n->next, 0};
    if (n->flags & Node::kRecompress) CompressNode(n);  // leaving it: compressed again
  }
}

void List::Push(ListEnd end, std::string_view v) {
  DropScratch();
  bool head = end == ListEnd::kHead;
  Node* n = head ? head_ : tail_;
  if (n) n = Decompress(n);  // the ends are kept raw
  if (!AllowInsert(n, v.size())) {
    InsertNewNode(head ? nullptr : tail_, v);
    return;
  }
  InsertInNode(n, head ? 0 : n->bytes, v);
}

void List::AppendNode(std::span<const std::string> elems, bool plain) {
  DropScratch();
  // A node counts at most 65535 elements, as Redis's 16-bit count.
  for (size_t from = 0; from < elems.size(); from += UINT16_MAX) {
    const size_t to = std::min(elems.size(), from + UINT16_MAX);
    size_t bytes = 0;
    for (size_t i = from; i < to; ++i) bytes += EncodedSize(elems[i].size());
    Node* prev = tail_;
    Node* n = NewNodeAfter(prev, bytes);
    if (plain) n->flags |= Node::kPlain;
    uint8_t* p = n->data();
    for (size_t i = from; i < to; ++i) p = Encode(p, elems[i]);
    n->bytes = static_cast<uint32_t>(bytes);
    n->count = static_cast<uint16_t>(to - from);
    count_ += to - from;
    // _quicklistInsertNodeAfter: compress around the old tail, then around the new one.
    Node* keep = n;
    if (prev) CompressAround(prev, &keep);
    CompressAround(keep, &keep);
  }
}

void List::InsertAt(Pos p, std::string_view v) {
  Node* n = Open(p.node);
  if (AllowInsert(n, v.size())) {
    n = InsertInNode(n, p.off, v);
    if (n->flags & Node::kRecompress) CompressNode(n);  // quicklistRecompressOnly
    return;
  }
  // Redis's _quicklistInsert: at a node's edge, a neighbour with room or a new node; a large
  // element always gets a plain node of its own.
  bool at_head = p.off == 0, at_tail = p.off == n->bytes;
  Node* track = n;
  if (at_head && n->prev && AllowInsert(n->prev, v.size())) {
    Node* m = Open(n->prev);
    m = InsertInNode(m, m->bytes, v);
    if (m->flags & Node::kRecompress) CompressNode(m);
  } else if (at_tail && n->next && AllowInsert(n->next, v.size())) {
    Node* m = InsertInNode(Open(n->next), 0, v);
    if (m->flags & Node::kRecompress) CompressNode(m);
  } else if (at_head) {
    InsertNewNode(n->prev, v, &track);
  } else if (at_tail) {
    InsertNewNode(n, v, &track);
  } else {
    // A full node (or a large element) in its middle: split it at p, as Redis's quicklist
    // does, then put v at the end of the left half or the start of the right half, whichever
    // has room, or in a node between them.
    uint16_t moved = 0;
    for (uint32_t off = p.off; off < n->bytes; off += static_cast<uint32_t>(SizeAt(n->data() + off))) ++moved;
    uint32_t tail_bytes = n->bytes - p.off;
    Node* r = NewNodeAfter(n, tail_bytes);
    std::memcpy(r->data(), n->data() + p.off, tail_bytes);
    r->bytes = tail_bytes;
    r->count = moved;
    n->bytes = p.off;
    n->count = static_cast<uint16_t>(n->count - moved);
    n = ResizeNode(n, n->bytes);
    track = n;
    Node* right = r;
    if (AllowInsert(n, v.size())) {
      n = InsertInNode(n, n->bytes, v);
      track = n;
    } else if (AllowInsert(r, v.size())) {
      right = InsertInNode(r, 0, v);
    } else {
      Node* mid = NewNodeAfter(n, EncodedSize(v.size()));
      if (IsLarge(v.size())) mid->flags |= Node::kPlain;
      InsertInNode(mid, 0, v);
    }
    track = n;
    CompressAround(right, &track);
    CompressAround(track, &track);
    if (track->next && !track->next->compressed()) CompressAround(track->next, &track);
  }
  if (track->flags & Node::kRecompress) CompressNode(track);
}

void List::Set(size_t i, std::string_view v) {
  DropScratch();
  Pos p = Locate(i);
  Node* n = Open(p.node);
  if (n->plain() || IsLarge(v.size())) {
    // quicklistReplaceEntry: a large value (or one replacing a plain node's) is inserted
    // after the old element, which is then removed.
    InsertAt({n, p.off + static_cast<uint32_t>(SizeAt(n->data() + p.off))}, v);
    DropScratch();
    Pos q = Locate(i);
    Erase(q);
    if (q.node && (q.node->flags & Node::kRecompress)) CompressNode(q.node);
    return;
  }
  // Redis 7.0 replaces in place (lpReplace) whatever the new size.
  size_t old_sz = SizeAt(n->data() + p.off);
  size_t new_sz = EncodedSize(v.size());
  if (new_sz > old_sz) n = ResizeNode(n, n->bytes - old_sz + new_sz);
  uint8_t* d = n->data();
  std::memmove(d + p.off + new_sz, d + p.off + old_sz, n->bytes - p.off - old_sz);
  Encode(d + p.off, v);
  n->bytes = static_cast<uint32_t>(n->bytes - old_sz + new_sz);
  if (new_sz < old_sz) n = ResizeNode(n, n->bytes);
  Settle(n);
}

bool List::InsertAtPivot(std::string_view pivot, std::string_view v, bool after) {
  DropScratch();
  for (Pos p = First(); p.node; Advance(p)) {
    if (Value(p) != pivot) continue;
    if (after) p.off += static_cast<uint32_t>(SizeAt(Raw(p.node) + p.off));
    InsertAt(p, v);
    return true;
  }
  return false;
}

size_t List::Remove(std::string_view v, int64_t count) {
  DropScratch();
  size_t removed = 0;
  if (count_ == 0) return 0;
  if (count >= 0) {
    Pos p = First();
    while (p.node && (count == 0 || removed < static_cast<uint64_t>(count))) {
      if (Value(p) == v) {
        Erase(p);
        ++removed;
      } else {
        Node* was = p.node;
        Advance(p);
        if (p.node != was && (was->flags & Node::kRecompress)) CompressNode(was, &p.node);
      }
    }
    if (p.node && (p.node->flags & Node::kRecompress)) CompressNode(p.node);
    return removed;
  }
  uint64_t limit = count == INT64_MIN ? uint64_t{1} << 63 : static_cast<uint64_t>(-count);
  Pos p = Last();
  while (p.node && removed < limit) {
    if (Value(p) != v) {
      Node* was = p.node;
      Retreat(p);
      if (p.node != was && (was->flags & Node::kRecompress)) CompressNode(was, &p.node);
      continue;
    }
    Erase(p);  // p is now the element after the removed one
    ++removed;
    if (!p.node) {
      if (count_ == 0) break;
      p = Last();
    } else {
      Node* was = p.node;
      Retreat(p);
      if (p.node != was && (was->flags & Node::kRecompress)) CompressNode(was, &p.node);
    }
  }
  if (p.node && (p.node->flags & Node::kRecompress)) CompressNode(p.node);
  return removed;
}

void List::EraseRange(size_t from, size_t n) {
  DropScratch();
  if (n == 0) return;
  Pos p = Locate(from);
  while (n > 0) {
    Node* node = p.node;
    if (p.off == 0 && node->count <= n) {
      n -= node->count;
      p = {node->next, 0};
      UnlinkAndFree(node);
      CompressAround(nullptr, &p.node);
      continue;
    }
    node = Open(node);
    uint32_t end = p.off, k = 0;
    while (k < n && end < node->bytes) {
      end += static_cast<uint32_t>(SizeAt(node->data() + end));
      ++k;
    }
    uint8_t* d = node->data();
    std::memmove(d + p.off, d + end, node->bytes - end);
    node->bytes -= end - p.off;
    node->count = static_cast<uint16_t>(node->count - k);
    count_ -= k;
    n -= k;
    node = ResizeNode(node, node->bytes);
    p = {node->next, 0};
    // quicklistDelRange: quicklistRecompressOnly.
    if (node->flags & Node::kRecompress) CompressNode(node, &p.node);
  }
}

bool List::Check() const {
  uint64_t total = 0;
  uint32_t nodes = 0;
  const Node* prev = nullptr;
  for (const Node* n = head_; n; prev = n, n = n->next) {
    if (n->prev != prev || n->count == 0) return false;
    ++nodes;
    // The ends are never compressed; a plain node holds one element.
    if (n->compressed() && (!n->prev || !n->next)) return false;
    if (n->plain() && n->count != 1) return false;
    const uint8_t* d = Raw(n);
    uint32_t off = 0, c = 0;
    while (off < n->bytes) {
      off += static_cast<uint32_t>(SizeAt(d + off));
      ++c;
    }
    if (off != n->bytes || c != n->count) return false;
    // The back-lengths must lead back to the start.
    uint32_t back = n->bytes;
    for (uint32_t j = 0; j < c; ++j) back = PrevOffset(d, back);
    if (back != 0) return false;
    total += n->count;
  }
  return prev == tail_ && total == count_ && nodes == nodes_ && (count_ != 0 || head_ == nullptr);
}

}  // namespace ks
