#pragma once
// Entry: one key of the keyspace in a single allocation.
//
// Layout: a 16-byte header, an optional 8-byte absolute expiry (only when the key has a TTL),
// the key bytes, then the value: the string bytes inline for strings, or a pointer to the
// collection object for other types. Keeping key, value and TTL in one block is what makes a
// key cheaper than Redis's dictEntry + key sds + robj (+ expires dictEntry).
//
// A small collection in a compact encoding (a hash or sorted set listpack, an intset) may
// live inline instead of behind the pointer (PackObject): its bytes follow the key, so the
// key and its value are still one allocation. obj() then points into the entry, and the
// object carries an "inline" mark of its own so FreeObject/ObjectBytes know not to free or
// count it. A mutation first copies an inline object to the heap; storing that copy back
// with set_obj turns the entry into a pointer-holding one again, in place (the payload area
// is at least a pointer wide). Inline payloads are not aligned: the types read them
// byte-wise or with scalar loads, which x86-64 and AArch64 allow unaligned.
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ks {

// Values match Redis's OBJ_* numbering (RDB and OBJECT use the same families).
enum class ObjType : uint8_t { kString = 0, kList = 1, kSet = 2, kZSet = 3, kHash = 4, kStream = 6 };

// What OBJECT ENCODING reports; values mirror Redis's OBJ_ENCODING_* numbers.
enum class Encoding : uint8_t {
  kRaw = 0,
  kInt = 1,
  kHashtable = 2,
  kIntset = 6,
  kSkiplist = 7,
  kEmbstr = 8,
  kQuicklist = 9,
  kStream = 10,
  kListpack = 11,
};

std::string_view EncodingName(Encoding e);
std::string_view TypeName(ObjType t);

// Redis keeps strings of up to 44 bytes as "embstr"; OBJECT ENCODING shows it.
inline constexpr size_t kEmbstrMaxLen = 44;

// The encoding Redis would pick for a freshly set string value.
Encoding StringEncodingFor(std::string_view value);

class Entry {
 public:
  Entry() = delete;

  static Entry* NewString(std::string_view key, std::string_view value, Encoding enc,
                          int64_t expire_ms = kNoExpire);
  // A string of len zero bytes, sized exactly (SETRANGE past the end of a missing key).
  static Entry* NewZeroString(std::string_view key, size_t len, Encoding enc);
  // Takes ownership of obj (freed with FreeObject for its type).
  static Entry* NewObject(std::string_view key, ObjType type, Encoding enc, void* obj,
                          int64_t expire_ms = kNoExpire);
  static void Free(Entry* e);
  // Returns a copy under a new key (deep-copies collections).
  static Entry* CloneAs(const Entry* e, std::string_view new_key);
  // Moves e's value and TTL under a new key and frees e; a collection changes owner without
  // being copied (RENAME).
  static Entry* Rekey(Entry* e, std::string_view new_key);

  static constexpr int64_t kNoExpire = -1;

  std::string_view key() const { return {key_ptr(), key_len_}; }
  ObjType type() const { return static_cast<ObjType>(type_); }
  Encoding encoding() const { return static_cast<Encoding>(encoding_); }
  void set_encoding(Encoding e) { encoding_ = static_cast<uint8_t>(e); }

  bool has_expire() const { return flags_ & kFlagExpire; }
  int64_t expire_ms() const {
    if (!has_expire()) return kNoExpire;
    int64_t v;
    std::memcpy(&v, reinterpret_cast<const char*>(this) + sizeof(Entry), sizeof v);
    return v;
  }

  // String values.
  std::string_view str() const { return {value_ptr(), val_len_}; }
  char* mutable_str() { return value_ptr(); }

  // Collection values.
  void* obj() const {
    if (flags_ & kFlagInline) return const_cast<char*>(value_ptr());
    void* p;
    std::memcpy(&p, value_ptr(), sizeof p);
    return p;
  }
  void set_obj(void* p) {
    if (flags_ & kFlagInline) {
      if (p == value_ptr()) return;
      // The inline object was copied out to p: the entry holds a pointer from now on.
      flags_ &= static_cast<uint8_t>(~kFlagInline);
      val_len_ = 0;  // an inline object was charged nothing; Db::Reaccount charges p
    }
    std::memcpy(value_ptr(), &p, sizeof p);
  }
  // Whether the collection lives inside the entry (see PackObject).
  bool inline_obj() const { return flags_ & kFlagInline; }
  // Moves a small compact collection into the entry itself (one allocation instead of two);
  // returns e unchanged if its object is not one (ObjectInlineBytes) or is inline already.
  // Otherwise frees e and its heap object and returns the new entry: the caller updates the
  // table (Db::Modify).
  static Entry* PackObject(Entry* e);

  // Access clock (seconds, 24 bits as in Redis) or LFU counter, used by OBJECT and eviction.
  uint32_t access() const { return access_; }
  void set_access(uint32_t v) { access_ = v; }

  // These may move the entry; they return the (possibly new) address. The key bytes never
  // change, so a hash table keyed by them stays valid after its pointer is updated.
  static Entry* SetExpire(Entry* e, int64_t expire_ms);  // kNoExpire removes the TTL
  static Entry* SetString(Entry* e, std::string_view value, Encoding enc);
  // Grows the string to new_len bytes (zero-filled), keeping spare room for further appends.
  static Entry* ResizeString(Entry* e, size_t new_len);

  // Bytes this entry occupies on the heap (allocation only, not its collection object).
  size_t AllocatedBytes() const;

  // Collections only: the object's bytes as last charged to the engine's memory figure (Db
  // keeps it here, in the length field strings use), so removing the key later subtracts
  // exactly what was added even if the object changed in between. Saturates at 4 GiB.
  // An inline object is part of AllocatedBytes and is charged nothing here (its length is
  // what the field holds then).
  size_t charged_obj_bytes() const { return (flags_ & kFlagInline) ? 0 : val_len_; }
  void set_charged_obj_bytes(size_t n) {
    if (flags_ & kFlagInline) return;
    val_len_ = n > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(n);
  }

 private:
  static constexpr uint8_t kFlagExpire = 1;
  static constexpr uint8_t kFlagInline = 2;

  static Entry* Allocate(size_t key_len, size_t payload_len, bool with_expire);
  size_t header_len() const { return sizeof(Entry) + (has_expire() ? 8 : 0); }
  const char* key_ptr() const { return reinterpret_cast<const char*>(this) + header_len(); }
  char* key_ptr() { return reinterpret_cast<char*>(this) + header_len(); }
  const char* value_ptr() const { return key_ptr() + key_len_; }
  char* value_ptr() { return key_ptr() + key_len_; }
  size_t payload_len() const {
    return type() == ObjType::kString || (flags_ & kFlagInline) ? val_len_ : sizeof(void*);
  }

  uint8_t type_;
  uint8_t encoding_;
  uint8_t flags_;
  uint8_t reserved_;
  uint32_t access_;
  uint32_t key_len_;
  uint32_t val_len_;  // string length; inline object length; else the charged object bytes
};
static_assert(sizeof(Entry) == 16);





}  // namespace ks
