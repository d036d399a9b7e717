#pragma once
// Hash: the object a hash key's Entry points at, in one of Redis's two encodings.
//
// - listpack (small hashes): one malloc'd buffer, a 4-byte header (its byte length) then the
//   field/value pairs in insertion order. A pair is a header, the field bytes, the value bytes;
//   the header is one byte (flen << 4 | vlen) when the field is under 15 bytes and the value
//   under 16, else 0xF0 followed by varint(flen), varint(vlen). New fields are appended and
//   updates stay in place, so the order (HGETALL, HKEYS) is Redis's listpack order. A 10-field
//   hash of "field:N" -> 10-byte values takes one 184-byte block (Redis's listpack: 217).
//   The pair count is not stored: counting walks at most hash-max-listpack-entries pairs.
// - hashtable (large hashes): a ScanTable of nodes, each one allocation holding the chain link,
//   both lengths, the field and the value. ScanTable's reverse-binary cursor gives HSCAN Redis's
//   full-iteration guarantee.
//
// The two are told apart by their first 4 bytes (a listpack's byte length is never 0xFFFFFFFF),
// so FreeObject/CloneObject need no encoding. A listpack inline in its Entry (Entry::PackObject)
// has the top bit of its length set: it is not freed, counts no heap bytes, and is copied to
// the heap before any change. Mutations of a listpack may move it (and
// conversion replaces the object): callers store ptr() back into the Entry afterwards.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/scan_table.h"

namespace ks {

// One field/value pair of the hashtable encoding: a single allocation.
struct HashNode {
  HashNode* next;
  uint32_t flen;
  uint32_t vlen;
  // field bytes, then value bytes
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  char* data() { return reinterpret_cast<char*>(this + 1); }
  std::string_view field() const { return {data(), flen}; }
  std::string_view value() const { return {data() + flen, vlen}; }
};

struct HashNodeTraits {
  static std::string_view Key(const HashNode* n) { return n->field(); }
  static HashNode*& Next(HashNode* n) { return n->next; }
};

using HashTable = ScanTable<HashNode, HashNodeTraits>;

namespace hash_detail {
inline constexpr uint32_t kLpInlineBit = 0x80000000u;
}  // namespace hash_detail

class Hash {
 public:
  explicit Hash(void* obj) : p_(obj) {}
  static Hash NewListpack();

  void* ptr() const { return p_; }
  void Free();
  Hash Clone() const;
  bool listpack() const;
  size_t size() const;
  bool empty() const;
  size_t bytes() const;  // heap bytes, for MEMORY USAGE (0 when inline in the entry)
  // The listpack's length if it could move inline into its entry; 0 for a hashtable or an
  // inline listpack.
  size_t InlineBytes() const;
  static void MarkInline(void* lp);

  // The value of field, or false. The view is valid until the next mutation.
  bool Get(std::string_view field, std::string_view* value) const;
  bool Exists(std::string_view field) const {
    std::string_view v;
    return Get(field, &v);
  }

  // Mutations (a listpack may move; read ptr() afterwards). Set returns true if the field is new.
  // Set does not convert: the caller applies the thresholds (Redis's rules differ per command).
  bool Set(std::string_view field, std::string_view value);
  bool Delete(std::string_view field);
  void ConvertToHashtable();
  // A listpack that would grow past ~1GB must convert (Redis's lpSafeToAdd).
  bool ListpackSafeToAdd(size_t add_bytes) const;
  // Bytes a new pair takes in a listpack.
  static size_t ListpackPairBytes(std::string_view field, std::string_view value);
  // Grows a listpack's block once for extra bytes of pairs about to be set, so that setting
  // many fields (HSET of a whole object) costs one allocation instead of one realloc each;
  // ShrinkToFit returns what was not used. No-ops for a hashtable.
  void Reserve(size_t extra);
  void ShrinkToFit();

  // f(field, value) for every pair: insertion order for a listpack, table order otherwise.
  template <typename F>
  void ForEach(F&& f) const;

  // HSCAN step. A listpack is returned whole with next cursor 0; a hashtable visits the
  // cursor's bucket(s) and returns the next cursor (ScanTable::Scan).
  template <typename F>
  uint64_t Scan(uint64_t cursor, F&& f) const;

  // A pair chosen uniformly at random, for HRANDFIELD. The hash must not be empty.
  std::pair<std::string_view, std::string_view> RandomPair(Rng& rng) const;
  // All pairs as views, in ForEach order (for sampling without repeats).
  std::vector<std::pair<std::string_view, std::string_view>> Pairs() const;

  // The hashtable encoding (null for a listpack).
  const HashTable* table() const;

 private:
  // Offset of the pair holding field (its first byte), or 0 if absent.
  size_t LpFind(std::string_view field) const;
  char* lp() const { return static_cast<char*>(p_); }
  // The raw length field (with the inline bit); only written once the listpack is Own()ed.
  uint32_t& lp_bytes() const;
  size_t lp_len() const { return lp_bytes() & ~hash_detail::kLpInlineBit; }
  bool lp_inline() const { return lp_bytes() & hash_detail::kLpInlineBit; }
  // Copies an inline listpack to the heap before a change.
  void Own();
  HashTable& ht() const;

  void* p_;
};

// ---- templates ------------------------------------------------------------------------

namespace hash_detail {
// Reads the pair at p (a listpack position) and returns the position after it.
const char* ReadPair(const char* p, std::string_view* field, std::string_view* value);
inline constexpr size_t kLpHeader = 4;
}  // namespace hash_detail

template <typename F>
void Hash::ForEach(F&& f) const {
  if (listpack()) {
    const char* p = lp() + hash_detail::kLpHeader;
    const char* end = lp() + lp_len();
    while (p < end) {
      std::string_view fld, val;
      p = hash_detail::ReadPair(p, &fld, &val);
      f(fld, val);
    }
    return;
  }
  ht().ForEach([&](const HashNode* n) { f(n->field(), n->value()); });
}

template <typename F>
uint64_t Hash::Scan(uint64_t cursor, F&& f) const {
  if (listpack()) {
    ForEach(f);
    return 0;
  }
  return ht().Scan(cursor, [&](const HashNode* n) { f(n->field(), n->value()); });
}

}  // namespace ks
