#pragma once
// ZSet: the sorted set object an Entry of type zset points at, in one of two encodings.
//
// - listpack (small sets): one malloc'd buffer, a 4-byte length header then the
//   elements sorted by (score, member), each as a head byte (the member length), the member
//   bytes and a compact score: one byte for integers in [-16, 223], 1..8 zigzag bytes for
//   other integers up to 2^53, or the raw 8-byte double. A member of at most 15 bytes with an
//   integer score in 0..11 packs both into the head byte. "member:N" with a score of 0..11
//   costs 9 bytes (Redis's listpack: 12), so a ten-member set and its key fit one 128-byte
//   malloc chunk once packed inline into the Entry (Entry::PackObject).
// - skiplist (large sets): Redis's skiplist with spans (O(log n) insert, delete, rank, rank ->
//   element, first/last element of a score or lex range), whose nodes are also the nodes of a
//   ScanTable keyed by member (O(1) ZSCORE, and ZSCAN's full-iteration cursor). One allocation
//   per element holds the member, score, skiplist levels and hash chain link. Each level's link
//   also holds a copy of the next node's score, so a walk reads a node only when it moves onto
//   it; and a new score walks to the member's old and new places side by side (see
//   ZSkiplist::Rescore), so on a large set ZADD's cache misses overlap instead of adding up.
//
// The two are told apart by their first 4 bytes (a listpack's byte length is never
// 0xFFFFFFFF), so FreeObject/CloneObject need no encoding. Mutations of a listpack may move
// it: callers store ptr() back into the Entry afterwards.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ks {

// A score interval as ZRANGEBYSCORE reads it: "(1" excludes 1, "-inf"/"+inf" are open.
struct ZScoreRange {
  double min = 0, max = 0;
  bool minex = false, maxex = false;
};

// A lex interval as ZRANGEBYLEX reads it: "[a" includes a, "(a" excludes it, "-"/"+" are the
// smallest and largest possible strings. The strings point into the command's arguments.
struct ZLexBound {
  enum Kind : uint8_t { kNegInf, kPosInf, kIncl, kExcl } kind = kNegInf;
  std::string_view s;
};
struct ZLexRange {
  ZLexBound min, max;
};

// Redis's zslParseRange / zslParseLexRange; false on a malformed bound.
bool ParseScoreRange(std::string_view min, std::string_view max, ZScoreRange* out);
bool ParseLexRange(std::string_view min, std::string_view max, ZLexRange* out);

struct ZNode;
struct ZSkiplist;

class ZSet {
 public:
  explicit ZSet(void* obj) : p_(obj) {}
  static ZSet NewListpack();
  static ZSet NewSkiplist();
  // Builds a set from elements sorted by (score, member) with distinct members.
  static ZSet FromSorted(const std::vector<std::pair<std::string, double>>& sorted, bool listpack);

  void* ptr() const { return p_; }
  void Free();
  ZSet Clone() const;
  bool listpack() const;
  size_t size() const;
  bool empty() const;  // O(1), where size() walks a listpack
  size_t bytes() const;  // heap bytes, for MEMORY USAGE (0 when inline in the entry)
  // The listpack's length if it could move inline into its entry (Entry::PackObject); 0 for
  // a skiplist or an inline listpack. An inline listpack has the top bit of its length set;
  // it is copied to the heap before any change.
  size_t InlineBytes() const;
  static void MarkInline(void* lp);
  size_t MaxMemberLen() const;

  // Point queries. *where, when given, receives the member's place in a skiplist (nullptr in a
  // listpack): UpdateScore takes it back so it need not look the member up again.
  bool Score(std::string_view member, double* score, const void** where = nullptr) const;
  // 0-based rank counted from the lowest score (from the highest when rev); -1 if absent.
  int64_t Rank(std::string_view member, bool rev, double* score) const;

  // Mutations (a listpack may move; read ptr() afterwards).
  void Insert(std::string_view member, double score);  // member must be absent
  // `where` is what Score() gave for this member, if nothing changed the set since.
  void UpdateScore(std::string_view member, double old_score, double new_score, const void* where = nullptr);
  bool Remove(std::string_view member);
  void RemoveRanks(int64_t start, int64_t end);  // ascending 0-based ranks, inclusive
  void ConvertToSkiplist();

  // Ascending 0-based ranks [first, last] of the elements within a range; first > last when
  // none are.
  std::pair<int64_t, int64_t> ScoreRanks(const ZScoreRange& r) const;
  // Lex ranges assume equal scores; when scores differ the members are not in lex order and
  // Redis's answer depends on how it walks, which `walk` reproduces: kForward starts at the
  // first member >= min and continues while members are <= max (ZRANGEBYLEX,
  // ZREMRANGEBYLEX), kReverse starts at the last member <= max and goes back while members are
  // >= min (ZREVRANGEBYLEX), kCount spans first to last (ZLEXCOUNT on a skiplist).
  enum class LexWalk { kForward, kReverse, kCount };
  std::pair<int64_t, int64_t> LexRanks(const ZLexRange& r, LexWalk walk = LexWalk::kForward) const;

  // Walks elements from an ascending rank upwards, or downwards when rev.
  class Cursor {
   public:
    bool Valid() const { return valid_; }
    std::string_view member() const { return member_; }
    double score() const { return score_; }
    void Next();

   private:
    friend class ZSet;
    void Load();
    bool valid_ = false;
    bool rev_ = false;
    std::string_view member_;
    double score_ = 0;
    const uint8_t* base_ = nullptr;  // listpack
    const uint8_t* pos_ = nullptr;   // listpack, forward
    const uint8_t* end_ = nullptr;
    std::vector<uint32_t> offsets_;  // listpack, reverse: element offsets still to visit
    const ZNode* node_ = nullptr;    // skiplist
  };
  Cursor At(int64_t rank, bool rev) const;

  // Calls f(member, score) for ascending ranks start..end (end..start when rev).
  template <typename F>
  void ForRanks(int64_t start, int64_t end, bool rev, F&& f) const {
    if (start > end) return;
    Cursor c = At(rev ? end : start, rev);
    for (int64_t n = end - start + 1; n > 0 && c.Valid(); --n, c.Next()) f(c.member(), c.score());
  }

  // Skiplist only: one step of ZSCAN over the member table (see ScanTable::Scan).
  uint64_t Scan(uint64_t cursor, void (*f)(void* arg, std::string_view member, double score), void* arg) const;

 private:
  ZSkiplist* sl() const { return static_cast<ZSkiplist*>(p_); }
  void Own();  // copies an inline listpack to the heap before a change
  void* p_;
};

// Whether a set of n elements whose longest member has max_len bytes fits a listpack.
inline bool ZSetFitsListpack(size_t n, size_t max_len, int64_t max_entries, int64_t max_value) {
  return static_cast<int64_t>(n) <= max_entries && static_cast<int64_t>(max_len) <= max_value;
}

}  // namespace ks
