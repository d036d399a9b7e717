#pragma once
// Redis 7.0's listpack, byte for byte: a 6-byte header (total bytes, element count; 65535 =
// "count unknown"), elements each [encoding+data][back-length], and a 0xFF terminator.
// Streams keep their entries in these so a node is Redis's node and RDB writes it as it is.
// Elements that read as canonical integers are stored as integers, as lpAppend does.
//
// A listpack lives in a malloc'd block whose capacity may exceed its length (appends grow it
// geometrically); Lp::Shrink trims it. Positions are byte offsets from the start, so they
// survive a reallocation.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ks::lp {

inline constexpr size_t kHeaderSize = 6;
inline constexpr uint8_t kEof = 0xFF;

// An element read out of a listpack: an integer, or a string view into the listpack.
struct Value {
  bool is_int = false;
  int64_t i = 0;
  std::string_view s;
  // The element as text; integers are formatted into buf (at least 21 bytes).
  std::string_view Str(char* buf) const;
  // The element as an integer (strings that read as one, else 0).
  int64_t Int() const;
};

// A new empty listpack with room for cap bytes.
uint8_t* New(size_t cap = kHeaderSize + 1);
void Free(uint8_t* lp);
uint8_t* Clone(const uint8_t* lp);
uint32_t Bytes(const uint8_t* lp);
uint16_t RawCount(const uint8_t* lp);
size_t Allocated(const uint8_t* lp);  // malloc_usable_size
// Reallocates lp to exactly its length.
uint8_t* Shrink(uint8_t* lp);

// Appends an element (string, stored as integer if it reads as one) or an integer.
uint8_t* Append(uint8_t* lp, std::string_view s);
uint8_t* AppendInt(uint8_t* lp, int64_t v);
// Bytes the element would take (encoding, data and back-length).
size_t EntrySize(std::string_view s);

// Offsets of elements: First() is kHeaderSize unless empty; 0 means "none".
uint32_t First(const uint8_t* lp);
uint32_t Next(const uint8_t* lp, uint32_t off);
uint32_t Prev(const uint8_t* lp, uint32_t off);
uint32_t Last(const uint8_t* lp);
Value Get(const uint8_t* lp, uint32_t off);
inline int64_t GetInt(const uint8_t* lp, uint32_t off) { return Get(lp, off).Int(); }
// Replaces the integer element at off with v; returns the (possibly moved) listpack.
uint8_t* ReplaceInt(uint8_t* lp, uint32_t off, int64_t v);

// Checks the whole structure (header, every encoding, back-lengths, terminator) of an
// untrusted listpack; *count receives the number of elements.
bool Validate(std::string_view blob, size_t* count);

}  // namespace ks::lp
