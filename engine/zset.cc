#include "engine/zset.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <tuple>

#include "engine/scan_table.h"

namespace ks {

// ---- Ranges ------------------------------------------------------------------------------

namespace {

// Redis parses range bounds with strtod on a C string: leading spaces are allowed, the text
// ends at a NUL byte, and "" reads as 0.
bool ParseBound(std::string_view s, double* out, bool* ex) {
  *ex = !s.empty() && s[0] == '(';
  if (*ex) s.remove_prefix(1);
  std::string c(s.substr(0, s.find('\0')));
  char* end = nullptr;
  *out = std::strtod(c.c_str(), &end);
  return *end == '\0' && !std::isnan(*out);
}

bool ParseLexBound(std::string_view s, ZLexBound* out) {
  if (s.empty()) return false;
  bool single = s.size() == 1 || s[1] == '\0';
  switch (s[0]) {
    case '+':
      if (!single) return false;
      out->kind = ZLexBound::kPosInf;
      return true;
    case '-':
      if (!single) return false;
      out->kind = ZLexBound::kNegInf;
      return true;
    case '(':
      out->kind = ZLexBound::kExcl;
      out->s = s.substr(1);
      return true;
    case '[':
      out->kind = ZLexBound::kIncl;
      out->s = s.substr(1);
      return true;
    default:
      return false;
  }
}

// sdscmp order: bytes as unsigned, a prefix first.
int LexCmp(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

bool GteMin(double v, const ZScoreRange& r) { return r.minex ? v > r.min : v >= r.min; }
bool LteMax(double v, const ZScoreRange& r) { return r.maxex ? v < r.max : v <= r.max; }

bool LexGteMin(std::string_view v, const ZLexRange& r) {
  switch (r.min.kind) {
    case ZLexBound::kNegInf: return true;
    case ZLexBound::kPosInf: return false;
    case ZLexBound::kExcl: return LexCmp(v, r.min.s) > 0;
    case ZLexBound::kIncl: return LexCmp(v, r.min.s) >= 0;
  }
  return false;
}
bool LexLteMax(std::string_view v, const ZLexRange& r) {
  switch (r.max.kind) {
    case ZLexBound::kPosInf: return true;
    case ZLexBound::kNegInf: return false;
    case ZLexBound::kExcl: return LexCmp(v, r.max.s) < 0;
    case ZLexBound::kIncl: return LexCmp(v, r.max.s) <= 0;
  }
  return false;
}

// (score, member) order of a sorted set.
bool Less(double s1, std::string_view m1, double s2, std::string_view m2) {
  return s1 < s2 || (s1 == s2 && LexCmp(m1, m2) < 0);
}

}  // namespace

bool ParseScoreRange(std::string_view min, std::string_view max, ZScoreRange* out) {
  return ParseBound(min, &out->min, &out->minex) && ParseBound(max, &out->max, &out->maxex);
}

bool ParseLexRange(std::string_view min, std::string_view max, ZLexRange* out) {
  return ParseLexBound(min, &out->min) && ParseLexBound(max, &out->max);
}

// ---- Listpack ----------------------------------------------------------------------------

namespace {
namespace lp {

// Only the byte length: the element count is found by walking, which ZADD and the ranges do
// anyway, and 4 header bytes less keep ten "member:N" pairs within a 112-byte malloc chunk.
struct Header {
  uint32_t bytes;  // including this header
};
constexpr size_t kHeader = sizeof(Header);

Header* Hdr(void* p) { return static_cast<Header*>(p); }
const Header* Hdr(const void* p) { return static_cast<const Header*>(p); }
uint8_t* Begin(void* p) { return static_cast<uint8_t*>(p) + kHeader; }
const uint8_t* Begin(const void* p) { return static_cast<const uint8_t*>(p) + kHeader; }
// Set in the length of a listpack that lives inline in its Entry (never written, only read).
constexpr uint32_t kInlineBit = 0x80000000u;
size_t Len(const void* p) { return Hdr(p)->bytes & ~kInlineBit; }
bool IsInline(const void* p) { return Hdr(p)->bytes & kInlineBit; }
const uint8_t* End(const void* p) { return static_cast<const uint8_t*>(p) + Len(p); }

constexpr int kSmallBias = 16;    // one byte: integers -16..223
constexpr uint8_t kSmallMax = 0xEF;
constexpr uint8_t kIntBase = 0xF0;  // 0xF1..0xF8: zigzag integer in 1..8 bytes
constexpr uint8_t kDouble = 0xFF;

// Whether d is an integer the compact forms represent exactly. -0 is stored as 0,
// as Redis 7.0's listpack does (ZSCORE answers 0 there, -0 in a skiplist).
bool AsInt(double d, int64_t* v) {
  if (!(std::fabs(d) <= 9007199254740992.0) || d != std::trunc(d)) return false;
  *v = static_cast<int64_t>(d);
  return true;
}

size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) v >>= 7, ++n;
  return n;
}

size_t ScoreLen(double s) {
  int64_t v;
  if (!AsInt(s, &v)) return 9;
  if (v >= -kSmallBias && v <= kSmallMax - kSmallBias) return 1;
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  size_t n = 1;
  while (z >>= 8) ++n;
  return 1 + n;
}

// An element starts with one byte H. H < kLongForm packs a member of at most 15 bytes and an
// integer score in 0..11 into that byte (len = H % 16, score = H / 16): a ten-member set of
// "member:N" with small integer scores then takes 9 bytes an element. Otherwise H is
// kLongForm + len for members under 63 bytes (kLongVarint then a varint length for longer
// ones), and the member is followed by a score tag as described at kSmallBias.
constexpr uint8_t kLongForm = 0xC0;
constexpr uint8_t kLongVarint = 0xFF;
constexpr size_t kPackedMaxLen = 15;
constexpr int64_t kPackedMaxScore = 11;

bool Packed(std::string_view m, double s, int64_t* v) {
  return m.size() <= kPackedMaxLen && AsInt(s, v) && *v >= 0 && *v <= kPackedMaxScore;
}

size_t ElementLen(std::string_view m, double s) {
  int64_t v;
  if (Packed(m, s, &v)) return 1 + m.size();
  size_t head = m.size() < kLongVarint - kLongForm ? 1 : 1 + VarintLen(m.size());
  return head + m.size() + ScoreLen(s);
}

uint8_t* Write(uint8_t* q, std::string_view m, double s) {
  int64_t v;
  if (Packed(m, s, &v)) {
    *q++ = static_cast<uint8_t>(v * 16 + static_cast<int64_t>(m.size()));
    if (!m.empty()) std::memcpy(q, m.data(), m.size());
    return q + m.size();
  }
  uint64_t len = m.size();
  if (len < kLongVarint - kLongForm) {
    *q++ = static_cast<uint8_t>(kLongForm + len);
  } else {
    *q++ = kLongVarint;
    while (len >= 0x80) {
      *q++ = static_cast<uint8_t>(len | 0x80);
      len >>= 7;
    }
    *q++ = static_cast<uint8_t>(len);
  }
  if (!m.empty()) std::memcpy(q, m.data(), m.size());
  q += m.size();
  if (!AsInt(s, &v)) {
    *q++ = kDouble;
    std::memcpy(q, &s, 8);
    return q + 8;
  }
  if (v >= -kSmallBias && v <= kSmallMax - kSmallBias) {
    *q++ = static_cast<uint8_t>(v + kSmallBias);
    return q;
  }
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  uint8_t* tag = q++;
  uint8_t n = 0;
  do {
    *q++ = static_cast<uint8_t>(z);
    z >>= 8;
    ++n;
  } while (z);
  *tag = static_cast<uint8_t>(kIntBase + n);
  return q;
}

// Reads an element's head: the member's length and, for a packed element, its score (the
// return value points at the member bytes). *packed tells whether a score tag follows them.
inline const uint8_t* ReadHead(const uint8_t* q, uint64_t* len, bool* packed, double* s) {
  uint8_t h = *q++;
  if (h < kLongForm) {
    *len = h & 15;
    *s = static_cast<double>(h >> 4);
    *packed = true;
    return q;
  }
  *packed = false;
  if (h != kLongVarint) {
    *len = h - kLongForm;
    return q;
  }
  uint64_t l = 0;
  int shift = 0;
  while (*q & 0x80) {
    l |= static_cast<uint64_t>(*q++ & 0x7F) << shift;
    shift += 7;
  }
  l |= static_cast<uint64_t>(*q++) << shift;
  *len = l;
  return q;
}

// The element after the one at q, without decoding it.
const uint8_t* Next(const uint8_t* q) {
  uint64_t len;
  bool packed;
  double s;
  q = ReadHead(q, &len, &packed, &s) + len;
  if (packed) return q;
  uint8_t t = *q++;
  if (t <= kSmallMax) return q;
  if (t == kDouble) return q + 8;
  return q + (t - kIntBase);
}

// Decodes the element at q; returns the next element.
const uint8_t* Read(const uint8_t* q, std::string_view* m, double* s) {
  uint64_t len;
  bool packed;
  q = ReadHead(q, &len, &packed, s);
  *m = std::string_view(reinterpret_cast<const char*>(q), len);
  q += len;
  if (packed) return q;
  uint8_t t = *q++;
  if (t <= kSmallMax) {
    *s = static_cast<double>(static_cast<int>(t) - kSmallBias);
  } else if (t == kDouble) {
    std::memcpy(s, q, 8);
    q += 8;
  } else {
    int n = t - kIntBase;
    uint64_t z = 0;
    for (int i = 0; i < n; ++i) z |= static_cast<uint64_t>(q[i]) << (8 * i);
    q += n;
    *s = static_cast<double>(static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1)));
  }
  return q;
}

void* New() {
  auto* h = static_cast<Header*>(std::malloc(kHeader));
  if (!h) throw std::bad_alloc();
  h->bytes = kHeader;
  return h;
}

// Finds member; returns its element's start or nullptr.
const uint8_t* Find(const void* p, std::string_view member, double* score) {
  const uint8_t* end = End(p);
  for (const uint8_t* q = Begin(p); q < end;) {
    std::string_view m;
    double s;
    const uint8_t* next = Read(q, &m, &s);
    if (m == member) {
      *score = s;
      return q;
    }
    q = next;
  }
  return nullptr;
}

// Replaces [off, off+old_len) by new_len bytes; returns the (moved) buffer.
void* Splice(void* p, size_t off, size_t old_len, size_t new_len) {
  size_t bytes = Len(p);
  size_t nb = bytes - old_len + new_len;
  auto* base = static_cast<uint8_t*>(p);
  if (new_len < old_len) {
    std::memmove(base + off + new_len, base + off + old_len, bytes - off - old_len);
    p = std::realloc(p, nb);
  } else if (new_len > old_len) {
    p = std::realloc(p, nb);
    if (!p) throw std::bad_alloc();
    base = static_cast<uint8_t*>(p);
    std::memmove(base + off + new_len, base + off + old_len, bytes - off - old_len);
  }
  Hdr(p)->bytes = static_cast<uint32_t>(nb);
  return p;
}

void* Insert(void* p, std::string_view member, double score) {
  const uint8_t* end = End(p);
  const uint8_t* q = Begin(p);
  while (q < end) {
    std::string_view m;
    double s;
    const uint8_t* next = Read(q, &m, &s);
    if (Less(score, member, s, m)) break;
    q = next;
  }
  size_t off = q - static_cast<const uint8_t*>(p);
  size_t len = ElementLen(member, score);
  p = Splice(p, off, 0, len);
  Write(static_cast<uint8_t*>(p) + off, member, score);
  return p;
}

void* DeleteAt(void* p, size_t off) {
  std::string_view m;
  double s;
  const uint8_t* q = static_cast<const uint8_t*>(p) + off;
  size_t len = Read(q, &m, &s) - q;
  p = Splice(p, off, len, 0);
  return p;
}

}  // namespace lp
}  // namespace

// ---- Skiplist ----------------------------------------------------------------------------

constexpr int kMaxLevel = 32;
constexpr uint32_t kSkiplistTag = 0xFFFFFFFF;

struct ZNode {
  // A link to the next node at one level. It keeps a copy of that node's score: a walk
  // compares against the score here and touches the next node only when it moves onto it
  // (or the scores tie), which saves a cache miss per level on large sets.
  struct Level {
    ZNode* forward;
    uint64_t span;
    double fscore;  // forward->score when forward is set
  };
  double score;
  ZNode* backward;
  ZNode* hnext;
  uint32_t len;
  uint8_t level;

  Level* lv() { return reinterpret_cast<Level*>(this + 1); }
  const Level* lv() const { return reinterpret_cast<const Level*>(this + 1); }
  std::string_view member() const { return {reinterpret_cast<const char*>(lv() + level), len}; }
  size_t alloc_size() const { return sizeof(ZNode) + level * sizeof(Level) + len; }

  static ZNode* Make(int level, std::string_view m, double score) {
    size_t sz = sizeof(ZNode) + level * sizeof(Level) + m.size();
    auto* n = static_cast<ZNode*>(std::malloc(sz));
    if (!n) throw std::bad_alloc();
    n->score = score;
    n->backward = nullptr;
    n->hnext = nullptr;
    n->len = static_cast<uint32_t>(m.size());
    n->level = static_cast<uint8_t>(level);
    for (int i = 0; i < level; ++i) n->lv()[i] = {nullptr, 0, 0};
    if (!m.empty()) std::memcpy(reinterpret_cast<char*>(n->lv() + level), m.data(), m.size());
    return n;
  }
};

struct ZNodeTraits {
  static std::string_view Key(const ZNode* n) { return n->member(); }
  static ZNode*& Next(ZNode* n) { return n->hnext; }
};

// Whether the node a link points at sorts before (score, member); the link must be set.
inline bool LinkBefore(const ZNode::Level& l, double score, std::string_view member) {
  return l.fscore < score || (l.fscore == score && LexCmp(l.forward->member(), member) < 0);
}

struct ZSkiplist {
  uint32_t tag = kSkiplistTag;  // first: tells a skiplist from a listpack
  int level = 1;
  uint64_t length = 0;
  size_t node_bytes = 0;  // kept current so MEMORY accounting after each write is O(1)
  uint64_t rng;
  ZNode* header;
  ZNode* tail = nullptr;
  ScanTable<ZNode, ZNodeTraits> dict;

  explicit ZSkiplist(uint64_t seed) : rng(seed | 1), header(ZNode::Make(kMaxLevel, {}, 0)) {}
  ~ZSkiplist() {
    ZNode* x = header->lv()[0].forward;
    dict.Clear([](ZNode*) {});
    while (x) {
      ZNode* next = x->lv()[0].forward;
      std::free(x);
      x = next;
    }
    std::free(header);
  }

  // Redis's zslRandomLevel: each level with probability 1/4.
  int RandomLevel() {
    int lvl = 1;
    for (;;) {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      if ((rng & 0xFFFF) >= 0x4000 || lvl >= kMaxLevel) break;
      ++lvl;
    }
    return lvl;
  }

  // Links x (score and level set, unlinked) into the list.
  void InsertNode(ZNode* x) {
    ZNode* update[kMaxLevel];
    uint64_t rank[kMaxLevel];
    ZNode* h = header;
    uint64_t r = 0;
    for (int i = level - 1; i >= 0; --i) {
      while (h->lv()[i].forward && LinkBefore(h->lv()[i], x->score, x->member())) {
        r += h->lv()[i].span;
        h = h->lv()[i].forward;
      }
      update[i] = h;
      rank[i] = r;
    }
    LinkAt(x, update, rank);
  }

  // Links x after update[i] at each level i; rank[i] is update[i]'s 1-based rank (0 for the
  // header). Levels above the list's current level are the header's.
  void LinkAt(ZNode* x, ZNode** update, uint64_t* rank) {
    int lvl = x->level;
    if (lvl > level) {
      for (int i = level; i < lvl; ++i) {
        rank[i] = 0;
        update[i] = header;
        update[i]->lv()[i].span = length;
      }
      level = lvl;
    }
    for (int i = 0; i < lvl; ++i) {
      x->lv()[i].forward = update[i]->lv()[i].forward;
      x->lv()[i].fscore = update[i]->lv()[i].fscore;
      update[i]->lv()[i].forward = x;
      update[i]->lv()[i].fscore = x->score;
      x->lv()[i].span = update[i]->lv()[i].span - (rank[0] - rank[i]);
      update[i]->lv()[i].span = (rank[0] - rank[i]) + 1;
    }
    for (int i = lvl; i < level; ++i) update[i]->lv()[i].span++;
    x->backward = update[0] == header ? nullptr : update[0];
    if (x->lv()[0].forward)
      x->lv()[0].forward->backward = x;
    else
      tail = x;
    ++length;
  }

  // Gives linked node x a new score (Redis's zslUpdateScore). Redis walks to the node's old
  // place, unlinks it and walks again to the new place; here both walks run side by side, one
  // step of each per turn, so the cache misses of the two (a miss per node visited on a large
  // set) overlap instead of adding up.
  void Rescore(ZNode* x, double ns) {
    // In place when the order does not change. The links into x keep a copy of its score; a
    // node of one level has one, from its backward neighbour, so it needs no walk at all.
    const bool in_place = (!x->backward || x->backward->score < ns) && (!x->lv()[0].forward || x->lv()[0].fscore > ns);
    if (in_place && x->level == 1) {
      x->score = ns;
      (x->backward ? x->backward : header)->lv()[0].fscore = ns;
      return;
    }
    ZNode* uo[kMaxLevel];  // last node before x's old place, per level
    ZNode* un[kMaxLevel];  // last node before the new place (x still linked)
    uint64_t ro[kMaxLevel], rn[kMaxLevel];
    const std::string_view m = x->member();
    const double os = x->score;
    ZNode* ho = header;
    ZNode* hn = header;
    uint64_t a = 0, b = 0;
    for (int i = level - 1; i >= 0; --i) {
      for (;;) {
        const ZNode::Level& lo = ho->lv()[i];
        const ZNode::Level& ln = hn->lv()[i];
        bool mo = lo.forward && LinkBefore(lo, os, m);
        bool mn = !in_place && ln.forward && LinkBefore(ln, ns, m);
        if (!mo && !mn) break;
        if (mo) {
          a += lo.span;
          ho = lo.forward;
        }
        if (mn) {
          b += ln.span;
          hn = ln.forward;
        }
      }
      uo[i] = ho;
      ro[i] = a;
      un[i] = hn;
      rn[i] = b;
    }
    if (in_place) {
      x->score = ns;
      for (int i = 0; i < x->level; ++i) uo[i]->lv()[i].fscore = ns;
      return;
    }
    // The new place as it is once x is gone: where x itself came before it, x's predecessor
    // does; nodes after x move one rank down.
    const uint64_t rx = ro[0] + 1;
    for (int i = 0; i < level; ++i) {
      if (un[i] == x) {
        un[i] = uo[i];
        rn[i] = ro[i];
      } else if (rn[i] > rx) {
        --rn[i];
      }
    }
    UnlinkNode(x, uo);
    x->score = ns;
    LinkAt(x, un, rn);
  }

  // Fills update[] with the last node before x at each level.
  void FindUpdate(const ZNode* x, ZNode** update) {
    ZNode* h = header;
    for (int i = level - 1; i >= 0; --i) {
      while (h->lv()[i].forward && LinkBefore(h->lv()[i], x->score, x->member())) h = h->lv()[i].forward;
      update[i] = h;
    }
  }

  void UnlinkNode(ZNode* x, ZNode** update) {
    for (int i = 0; i < level; ++i) {
      if (update[i]->lv()[i].forward == x) {
        update[i]->lv()[i].span += x->lv()[i].span - 1;
        update[i]->lv()[i].forward = x->lv()[i].forward;
        update[i]->lv()[i].fscore = x->lv()[i].fscore;
      } else {
        update[i]->lv()[i].span -= 1;
      }
    }
    if (x->lv()[0].forward)
      x->lv()[0].forward->backward = x->backward;
    else
      tail = x->backward;
    while (level > 1 && header->lv()[level - 1].forward == nullptr) --level;
    --length;
  }

  void Unlink(ZNode* x) {
    ZNode* update[kMaxLevel];
    FindUpdate(x, update);
    UnlinkNode(x, update);
  }

  void Add(std::string_view m, double score) {
    ZNode* x = ZNode::Make(RandomLevel(), m, score);
    InsertNode(x);
    dict.Insert(x);
    node_bytes += x->alloc_size();
  }

  // 1-based rank of a linked node.
  uint64_t RankOf(const ZNode* x) const {
    const ZNode* h = header;
    uint64_t r = 0;
    for (int i = level - 1; i >= 0; --i) {
      while (h->lv()[i].forward && (h->lv()[i].fscore < x->score || (h->lv()[i].fscore == x->score &&
                                                                    LexCmp(h->lv()[i].forward->member(), x->member()) <= 0))) {
        r += h->lv()[i].span;
        h = h->lv()[i].forward;
      }
      if (h == x) return r;
    }
    return 0;
  }

  // Node at 1-based rank, or nullptr.
  ZNode* ByRank(uint64_t rank) const {
    ZNode* h = header;
    uint64_t traversed = 0;
    for (int i = level - 1; i >= 0; --i) {
      while (h->lv()[i].forward && traversed + h->lv()[i].span <= rank) {
        traversed += h->lv()[i].span;
        h = h->lv()[i].forward;
      }
      if (traversed == rank) return h;
    }
    return nullptr;
  }

  // 0-based ranks [first, last] of the nodes satisfying gte (a suffix) and lte (a prefix).
  template <typename Gte, typename Lte>
  std::pair<int64_t, int64_t> Ranks(Gte gte, Lte lte) const {
    const ZNode* h = header;
    uint64_t r = 0;
    for (int i = level - 1; i >= 0; --i)
      while (h->lv()[i].forward && !gte(h->lv()[i].forward)) {
        r += h->lv()[i].span;
        h = h->lv()[i].forward;
      }
    int64_t first = static_cast<int64_t>(r);  // 0-based rank of the first node >= min
    h = header;
    r = 0;
    for (int i = level - 1; i >= 0; --i)
      while (h->lv()[i].forward && lte(h->lv()[i].forward)) {
        r += h->lv()[i].span;
        h = h->lv()[i].forward;
      }
    int64_t last = static_cast<int64_t>(r) - 1;  // 0-based rank of the last node <= max
    return {first, last};
  }
};

// ---- ZSet --------------------------------------------------------------------------------

ZSet ZSet::NewListpack() { return ZSet(lp::New()); }

ZSet ZSet::NewSkiplist() {
  static_assert(offsetof(ZSkiplist, tag) == 0);
  // Each set seeds its level generator from its own address: no shared state.
  auto* s = new ZSkiplist(0x9E3779B97F4A7C15ull);
  s->rng ^= reinterpret_cast<uintptr_t>(s) * 0xBF58476D1CE4E5B9ull;
  s->rng |= 1;
  return ZSet(s);
}

ZSet ZSet::FromSorted(const std::vector<std::pair<std::string, double>>& sorted, bool listpack) {
  if (!listpack) {
    ZSet z = NewSkiplist();
    for (const auto& [m, s] : sorted) z.sl()->Add(m, s);
    return z;
  }
  size_t bytes = lp::kHeader;
  for (const auto& [m, s] : sorted) bytes += lp::ElementLen(m, s);
  auto* h = static_cast<lp::Header*>(std::malloc(bytes));
  if (!h) throw std::bad_alloc();
  h->bytes = static_cast<uint32_t>(bytes);
  uint8_t* q = lp::Begin(h);
  for (const auto& [m, s] : sorted) q = lp::Write(q, m, s);
  return ZSet(h);
}

bool ZSet::listpack() const { return *static_cast<const uint32_t*>(p_) != kSkiplistTag; }

void ZSet::Own() {
  if (!listpack() || !lp::IsInline(p_)) return;
  size_t n = lp::Len(p_);
  void* c = std::malloc(n);
  if (!c) throw std::bad_alloc();
  std::memcpy(c, p_, n);
  lp::Hdr(c)->bytes = static_cast<uint32_t>(n);
  p_ = c;
}

size_t ZSet::InlineBytes() const { return listpack() && !lp::IsInline(p_) ? lp::Len(p_) : 0; }

void ZSet::MarkInline(void* lp) { lp::Hdr(lp)->bytes |= lp::kInlineBit; }

void ZSet::Free() {
  if (listpack()) {
    if (!lp::IsInline(p_)) std::free(p_);
  } else
    delete sl();
  p_ = nullptr;
}

ZSet ZSet::Clone() const {
  if (listpack()) {
    size_t n = lp::Len(p_);
    void* c = std::malloc(n);
    if (!c) throw std::bad_alloc();
    std::memcpy(c, p_, n);
    lp::Hdr(c)->bytes = static_cast<uint32_t>(n);  // a copy on the heap is not inline
    return ZSet(c);
  }
  ZSet z = NewSkiplist();
  for (const ZNode* x = sl()->header->lv()[0].forward; x; x = x->lv()[0].forward) z.sl()->Add(x->member(), x->score);
  return z;
}

bool ZSet::empty() const { return listpack() ? lp::Begin(p_) == lp::End(p_) : sl()->length == 0; }

size_t ZSet::size() const {
  if (!listpack()) return sl()->length;
  size_t n = 0;
  const uint8_t* end = lp::End(p_);
  for (const uint8_t* q = lp::Begin(p_); q < end; ++n) q = lp::Next(q);
  return n;
}

size_t ZSet::bytes() const {
  if (listpack()) return lp::IsInline(p_) ? 0 : lp::Len(p_);
  return sizeof(ZSkiplist) + sl()->header->alloc_size() + sl()->dict.OverheadBytes() + sl()->node_bytes;
}

size_t ZSet::MaxMemberLen() const {
  size_t best = 0;
  for (Cursor c = At(0, false); c.Valid(); c.Next()) best = std::max(best, c.member().size());
  return best;
}

bool ZSet::Score(std::string_view member, double* score, const void** where) const {
  if (where) *where = nullptr;
  if (listpack()) return lp::Find(p_, member, score) != nullptr;
  const ZNode* x = sl()->dict.Find(member);
  if (!x) return false;
  *score = x->score;
  if (where) *where = x;
  return true;
}

int64_t ZSet::Rank(std::string_view member, bool rev, double* score) const {
  int64_t rank = -1;
  if (listpack()) {
    const uint8_t* end = lp::End(p_);
    int64_t i = 0;
    for (const uint8_t* q = lp::Begin(p_); q < end; ++i) {
      std::string_view m;
      double s;
      q = lp::Read(q, &m, &s);
      if (m == member) {
        rank = i;
        *score = s;
        break;
      }
    }
  } else {
    const ZNode* x = sl()->dict.Find(member);
    if (!x) return -1;
    *score = x->score;
    rank = static_cast<int64_t>(sl()->RankOf(x)) - 1;
  }
  if (rank >= 0 && rev) rank = static_cast<int64_t>(size()) - 1 - rank;
  return rank;
}

void ZSet::Insert(std::string_view member, double score) {
  Own();
  if (listpack())
    p_ = lp::Insert(p_, member, score);
  else
    sl()->Add(member, score);
}

void ZSet::UpdateScore(std::string_view member, double old_score, double new_score, const void* where) {
  if (listpack()) {
    std::string m(member);  // member may point into the buffer being rewritten
    Own();
    const uint8_t* q = lp::Find(p_, m, &old_score);  // member points into the buffer being rewritten
    p_ = lp::DeleteAt(p_, q - static_cast<const uint8_t*>(p_));
    p_ = lp::Insert(p_, m, new_score);
    return;
  }
  ZNode* x = where ? const_cast<ZNode*>(static_cast<const ZNode*>(where)) : sl()->dict.Find(member);
  sl()->Rescore(x, new_score);
}

bool ZSet::Remove(std::string_view member) {
  if (listpack()) {
    double s;
    if (!lp::Find(p_, member, &s)) return false;
    std::string m(member);  // member may point into the inline buffer Own() copies
    Own();
    const uint8_t* q = lp::Find(p_, m, &s);
    p_ = lp::DeleteAt(p_, q - static_cast<const uint8_t*>(p_));
    return true;
  }
  ZNode* x = sl()->dict.Remove(member);
  if (!x) return false;
  sl()->Unlink(x);
  sl()->node_bytes -= x->alloc_size();
  std::free(x);
  return true;
}

void ZSet::RemoveRanks(int64_t start, int64_t end) {
  if (start > end) return;
  Own();
  if (listpack()) {
    const uint8_t* q = lp::Begin(p_);
    const uint8_t* e = lp::End(p_);
    int64_t i = 0;
    std::string_view m;
    double s;
    for (; i < start && q < e; ++i) q = lp::Read(q, &m, &s);
    const uint8_t* from = q;
    for (; i <= end && q < e; ++i) q = lp::Read(q, &m, &s);
    size_t off = from - static_cast<const uint8_t*>(p_);
    p_ = lp::Splice(p_, off, q - from, 0);
    return;
  }
  // Redis's zslDeleteRangeByRank.
  ZSkiplist* s = sl();
  ZNode* update[kMaxLevel];
  uint64_t traversed = 0;
  ZNode* x = s->header;
  uint64_t first = static_cast<uint64_t>(start) + 1;
  for (int i = s->level - 1; i >= 0; --i) {
    while (x->lv()[i].forward && traversed + x->lv()[i].span < first) {
      traversed += x->lv()[i].span;
      x = x->lv()[i].forward;
    }
    update[i] = x;
  }
  ++traversed;
  x = x->lv()[0].forward;
  while (x && traversed <= static_cast<uint64_t>(end) + 1) {
    ZNode* next = x->lv()[0].forward;
    s->UnlinkNode(x, update);
    s->dict.Remove(x->member());
    s->node_bytes -= x->alloc_size();
    std::free(x);
    ++traversed;
    x = next;
  }
}

void ZSet::ConvertToSkiplist() {
  if (!listpack()) return;
  ZSet z = NewSkiplist();
  for (Cursor c = At(0, false); c.Valid(); c.Next()) z.sl()->Add(c.member(), c.score());
  if (!lp::IsInline(p_)) std::free(p_);
  p_ = z.p_;
}

std::pair<int64_t, int64_t> ZSet::ScoreRanks(const ZScoreRange& r) const {
  if (listpack()) {
    int64_t first = -1, last = -1, i = 0;
    for (Cursor c = At(0, false); c.Valid(); c.Next(), ++i) {
      if (!LteMax(c.score(), r)) break;
      if (first < 0 && GteMin(c.score(), r)) first = i;
      if (first >= 0) last = i;
    }
    return first < 0 ? std::pair<int64_t, int64_t>{0, -1} : std::pair{first, last};
  }
  return sl()->Ranks([&](const ZNode* x) { return GteMin(x->score, r); },
                     [&](const ZNode* x) { return LteMax(x->score, r); });
}

std::pair<int64_t, int64_t> ZSet::LexRanks(const ZLexRange& r, LexWalk walk) const {
  constexpr std::pair<int64_t, int64_t> kNone{0, -1};
  int64_t n = static_cast<int64_t>(size());
  if (n == 0) return kNone;
  // Redis's zslIsInLexRange: an empty interval, or one wholly past either end, has nothing.
  auto rank_of = [](const ZLexBound& b) {
    return b.kind == ZLexBound::kNegInf ? 0 : b.kind == ZLexBound::kPosInf ? 2 : 1;
  };
  int ra = rank_of(r.min), rb = rank_of(r.max);
  int cmp = ra != rb ? (ra < rb ? -1 : 1) : (ra == 1 ? LexCmp(r.min.s, r.max.s) : 0);
  bool min_ex = r.min.kind != ZLexBound::kIncl, max_ex = r.max.kind != ZLexBound::kIncl;
  if (cmp > 0 || (cmp == 0 && (min_ex || max_ex))) return kNone;
  if (!LexGteMin(At(n - 1, false).member(), r) || !LexLteMax(At(0, false).member(), r)) return kNone;
  int64_t first, last;
  if (listpack()) {
    // zzlFirstInLexRange / zzlLastInLexRange scan from either end.
    first = n;
    last = -1;
    int64_t i = 0;
    for (Cursor c = At(0, false); c.Valid(); c.Next(), ++i) {
      if (first == n && LexGteMin(c.member(), r)) first = i;
      if (LexLteMax(c.member(), r)) last = i;
    }
  } else {
    std::tie(first, last) = sl()->Ranks([&](const ZNode* x) { return LexGteMin(x->member(), r); },
                                        [&](const ZNode* x) { return LexLteMax(x->member(), r); });
  }
  switch (walk) {
    case LexWalk::kCount:
      if (!listpack()) return first < n && last >= 0 ? std::pair{first, last} : kNone;
      [[fallthrough]];
    case LexWalk::kForward: {
      if (first >= n) return kNone;
      Cursor c = At(first, false);
      if (!LexLteMax(c.member(), r)) return kNone;
      int64_t end = first;
      for (c.Next(); c.Valid() && LexLteMax(c.member(), r); c.Next()) ++end;
      return {first, end};
    }
    case LexWalk::kReverse: {
      if (last < 0) return kNone;
      Cursor c = At(last, true);
      if (!LexGteMin(c.member(), r)) return kNone;
      int64_t begin = last;
      for (c.Next(); c.Valid() && LexGteMin(c.member(), r); c.Next()) --begin;
      return {begin, last};
    }
  }
  return kNone;
}

ZSet::Cursor ZSet::At(int64_t rank, bool rev) const {
  Cursor c;
  c.rev_ = rev;
  if (rank < 0 || static_cast<size_t>(rank) >= size()) return c;
  if (listpack()) {
    c.base_ = static_cast<const uint8_t*>(p_);
    c.end_ = lp::End(p_);
    const uint8_t* q = lp::Begin(p_);
    std::string_view m;
    double s;
    if (rev) {
      c.offsets_.reserve(static_cast<size_t>(rank) + 1);
      for (int64_t i = 0; i <= rank; ++i) {
        c.offsets_.push_back(static_cast<uint32_t>(q - c.base_));
        q = lp::Read(q, &m, &s);
      }
    } else {
      for (int64_t i = 0; i < rank; ++i) q = lp::Read(q, &m, &s);
      c.pos_ = q;
    }
  } else {
    c.node_ = sl()->ByRank(static_cast<uint64_t>(rank) + 1);
  }
  c.Load();
  return c;
}

void ZSet::Cursor::Load() {
  if (node_) {
    valid_ = true;
    member_ = node_->member();
    score_ = node_->score;
    return;
  }
  if (!base_) {
    valid_ = false;
    return;
  }
  const uint8_t* q;
  if (rev_) {
    if (offsets_.empty()) {
      valid_ = false;
      return;
    }
    q = base_ + offsets_.back();
  } else {
    if (pos_ >= end_) {
      valid_ = false;
      return;
    }
    q = pos_;
  }
  const uint8_t* next = lp::Read(q, &member_, &score_);
  if (!rev_) pos_ = next;
  valid_ = true;
}

void ZSet::Cursor::Next() {
  if (node_) {
    node_ = rev_ ? node_->backward : node_->lv()[0].forward;
    if (!node_) {
      valid_ = false;
      return;
    }
  } else if (rev_ && !offsets_.empty()) {
    offsets_.pop_back();
  }
  Load();
}

uint64_t ZSet::Scan(uint64_t cursor, void (*f)(void*, std::string_view, double), void* arg) const {
  return sl()->dict.Scan(cursor, [&](const ZNode* x) { f(arg, x->member(), x->score); });
}

}  // namespace ks
