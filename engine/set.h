#pragma once
// SetObject: the value of a set key, in Redis 7.0's two encodings.
//
// - intset: while every member is an integer (Redis's string2ll rules) and there are at most
//   set-max-intset-entries of them, the members are kept sorted in one malloc'd block right
//   after an 8-byte header, 2, 4 or 8 bytes each (the width grows to fit the widest member
//   and never shrinks, as in Redis's intset.c). Lookups are binary searches.
// - hashtable: otherwise, a ScanTable of nodes, each node one allocation holding the member.
//
// Like Redis, a set only ever converts from intset to hashtable, on the add that breaks a
// rule. The object is a single block whose first byte names its encoding, so an Entry holds
// one pointer; adding to or removing from an intset may move the block, so the mutators take
// the pointer by reference and the caller stores it back (Entry::set_obj).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/entry.h"
#include "engine/scan_table.h"

namespace ks {

// A member of a hashtable-encoded set: the next-pointer, the length, then the bytes.
struct SetNode {
  SetNode* next;
  uint32_t len;
  const char* data() const { return reinterpret_cast<const char*>(&len + 1); }
  char* data() { return reinterpret_cast<char*>(&len + 1); }
  std::string_view member() const { return {data(), len}; }
};

struct SetNodeTraits {
  static std::string_view Key(const SetNode* n) { return n->member(); }
  static SetNode*& Next(SetNode* n) { return n->next; }
};

using SetTable = ScanTable<SetNode, SetNodeTraits>;

// Room for any int64 in decimal, with its sign.
inline constexpr size_t kSetIntBuf = 24;

class SetObject {
 public:
  SetObject() = delete;

  // An empty intset: what Redis starts every stored result (SINTERSTORE...) from.
  static SetObject* NewIntset();
  static void Free(SetObject* s);
  static SetObject* Clone(const SetObject* s);

  // Adds member; false if it was there. Converts to a hashtable when member is not an integer
  // or the intset would exceed max_intset entries. s may move.
  static bool Add(SetObject*& s, std::string_view member, size_t max_intset);
  // Removes member; false if absent. s may move (an intset shrinks).
  static bool Remove(SetObject*& s, std::string_view member);

  Encoding encoding() const { return is_intset() ? Encoding::kIntset : Encoding::kHashtable; }
  bool is_intset() const { return kind_ != kHashtableKind; }
  // The intset's length if it could move inline into its entry (Entry::PackObject); 0 for a
  // hashtable or an intset inline already. An inline intset is marked by its kind byte, is
  // never freed on its own, and is copied to the heap before any change.
  size_t InlineBytes() const;
  static void MarkInline(SetObject* s);
  size_t size() const;
  bool Contains(std::string_view member) const;
  // Heap bytes of the object, its bucket array and its nodes (MEMORY USAGE).
  size_t AllocatedBytes() const;
  // Intset element width in bytes (2, 4 or 8); 0 for a hashtable.
  size_t intset_width() const { return is_intset() ? width_ : 0; }

  // Calls f(std::string_view member) for every member; an intset's members are formatted in
  // a buffer valid only during the call. f must not change the set.
  template <typename F>
  void ForEach(F&& f) const {
    if (is_intset()) {
      char buf[kSetIntBuf];
      for (uint32_t i = 0; i < count_; ++i) f(FormatInt(IntAt(i), buf));
    } else {
      table().ForEach([&](const SetNode* n) { f(n->member()); });
    }
  }

  // Like ForEach, but stops as soon as f returns false.
  template <typename F>
  void ForEachWhile(F&& f) const {
    if (is_intset()) {
      char buf[kSetIntBuf];
      for (uint32_t i = 0; i < count_; ++i)
        if (!f(FormatInt(IntAt(i), buf))) return;
      return;
    }
    // A full cursor walk of an unchanging table visits every bucket once.
    bool go = true;
    uint64_t cursor = 0;
    do {
      cursor = table().Scan(cursor, [&](const SetNode* n) {
        if (go) go = f(n->member());
      });
    } while (cursor != 0 && go);
  }

  // SSCAN over a hashtable: visits one bucket and returns the next cursor (see ScanTable).
  // Must not be called on an intset (SSCAN returns an intset whole).
  template <typename F>
  uint64_t ScanTableStep(uint64_t cursor, F&& f) const {
    return table().Scan(cursor, [&](const SetNode* n) { f(n->member()); });
  }

  // A member chosen uniformly at random. buf holds an intset member's text. The set must not
  // be empty.
  std::string_view RandomMember(Rng& rng, char* buf) const;
  // count (< size()) distinct members chosen uniformly at random.
  std::vector<std::string> SampleDistinct(size_t count, Rng& rng) const;

  // The i-th integer of an intset, in ascending order.
  int64_t IntAt(size_t i) const;
  static std::string_view FormatInt(int64_t v, char* buf);

 private:
  static constexpr uint8_t kIntsetKind = 1;
  static constexpr uint8_t kHashtableKind = 2;
  static constexpr uint8_t kIntsetInlineKind = 3;
  struct Hashtable;

  // s, or a heap copy of it if it is an inline intset (before a change).
  static SetObject* Owned(SetObject* s);
  static SetObject* ConvertToHashtable(SetObject* s);
  static SetObject* IntsetAdd(SetObject* s, int64_t v, bool* added);
  static SetObject* IntsetRemove(SetObject* s, int64_t v, bool* removed);
  // Index of v in an intset, or -(insertion point) - 1.
  int64_t IntsetSearch(int64_t v) const;
  const char* ints() const { return reinterpret_cast<const char*>(this + 1); }
  char* ints() { return reinterpret_cast<char*>(this + 1); }
  void SetIntAt(size_t i, int64_t v);
  const SetTable& table() const;
  SetTable& table();
  std::vector<size_t> SampleIndexes(size_t count, Rng& rng) const;
  std::vector<const SetNode*> SampleNodes(size_t count, Rng& rng) const;

  uint8_t kind_;
  uint8_t width_;  // intset: bytes per element
  uint16_t reserved_;
  uint32_t count_;  // intset: number of elements
};
static_assert(sizeof(SetObject) == 8);

}  // namespace ks
