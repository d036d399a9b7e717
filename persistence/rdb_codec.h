#pragma once
// The byte formats inside an RDB file that are not keyshard's own: RDB opcodes and type
// numbers, Redis's listpack (written and read), ziplist (read, for old files) and intset
// (written and read). Our in-memory compact encodings differ from these, so objects are
// re-encoded element by element. Decoders never trust their input: they return false on any
// malformed byte instead of reading past the buffer.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ks::rdb {

inline constexpr int kVersion = 10;  // what we write (Redis 7.0)
inline constexpr int kMaxReadVersion = 10;

// Object types (Redis's RDB_TYPE_*).
enum Type : uint8_t {
  kTypeString = 0,
  kTypeList = 1,
  kTypeSet = 2,
  kTypeZSet = 3,
  kTypeHash = 4,
  kTypeZSet2 = 5,
  kTypeModule = 6,
  kTypeModule2 = 7,
  kTypeHashZipmap = 9,
  kTypeListZiplist = 10,
  kTypeSetIntset = 11,
  kTypeZSetZiplist = 12,
  kTypeHashZiplist = 13,
  kTypeListQuicklist = 14,
  kTypeStreamListpacks = 15,
  kTypeHashListpack = 16,
  kTypeZSetListpack = 17,
  kTypeListQuicklist2 = 18,
  kTypeStreamListpacks2 = 19,
};

// Opcodes (RDB_OPCODE_*).
enum Opcode : uint8_t {
  kOpFunction2 = 245,
  kOpFunction = 246,
  kOpModuleAux = 247,
  kOpIdle = 248,
  kOpFreq = 249,
  kOpAux = 250,
  kOpResizeDb = 251,
  kOpExpireTimeMs = 252,
  kOpExpireTime = 253,
  kOpSelectDb = 254,
  kOpEof = 255,
};

// Special string encodings after a 0b11 length prefix.
inline constexpr uint8_t kEncInt8 = 0, kEncInt16 = 1, kEncInt32 = 2, kEncLzf = 3;

// Quicklist 2 node containers.
inline constexpr uint64_t kQuicklistPlain = 1, kQuicklistPacked = 2;

// Redis's string2ll: a canonical decimal int64 (no '+', no leading zeros, no "-0").
bool StrToInt64(std::string_view s, int64_t* v);

// Builds a listpack (lpNew + lpAppend for each element; integers are stored as integers).
class ListpackBuilder {
 public:
  ListpackBuilder() { buf_.assign(6, '\0'); }
  void Append(std::string_view s);
  size_t count() const { return count_; }
  size_t bytes() const { return buf_.size() + 1; }
  // The finished listpack (terminator and header filled in). The builder is spent.
  std::string Finish();

 private:
  std::string buf_;
  size_t count_ = 0;
};

// Calls f(std::string_view) for each element of a listpack; integers are formatted as text.
// Returns false if the listpack is malformed.
bool ForEachListpack(std::string_view lp, const std::function<void(std::string_view)>& f);
// Same for a ziplist.
bool ForEachZiplist(std::string_view zl, const std::function<void(std::string_view)>& f);
// Parses an intset blob into its integers; false if malformed.
bool ParseIntset(std::string_view blob, std::vector<int64_t>* out);
// Encodes ascending distinct integers as an intset of the given width (2, 4 or 8).
std::string EncodeIntset(const std::vector<int64_t>& sorted, size_t width);

}  // namespace ks::rdb
