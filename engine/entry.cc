#include "engine/entry.h"

#include <malloc.h>

#include <cstdlib>
#include <new>

#include "engine/object_ops.h"

namespace ks {

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kRaw: return "raw";
    case Encoding::kInt: return "int";
    case Encoding::kHashtable: return "hashtable";
    case Encoding::kIntset: return "intset";
    case Encoding::kSkiplist: return "skiplist";
    case Encoding::kEmbstr: return "embstr";
    case Encoding::kQuicklist: return "quicklist";
    case Encoding::kListpack: return "listpack";
    case Encoding::kStream: return "stream";
  }
  return "unknown";
}

std::string_view TypeName(ObjType t) {
  switch (t) {
    case ObjType::kString: return "string";
    case ObjType::kList: return "list";
    case ObjType::kSet: return "set";
    case ObjType::kZSet: return "zset";
    case ObjType::kHash: return "hash";
    case ObjType::kStream: return "stream";
  }
  return "none";
}

Encoding StringEncodingFor(std::string_view v) {
  // Redis's tryObjectEncoding: a decimal that round-trips through a long (no leading zeros,
  // no '+', at most 20 chars) is stored as "int".
  if (!v.empty() && v.size() <= 20) {
    size_t i = 0;
    bool neg = v[0] == '-';
    if (neg) i = 1;
    bool ok = i < v.size();
    if (ok && v[i] == '0' && v.size() != i + 1) ok = false;
    if (ok && neg && v.size() == 2 && v[1] == '0') ok = false;
    unsigned __int128 acc = 0;
    for (size_t j = i; ok && j < v.size(); ++j) {
      if (v[j] < '0' || v[j] > '9') {
        ok = false;
        break;
      }
      acc = acc * 10 + static_cast<unsigned>(v[j] - '0');
    }
    if (ok) {
      unsigned __int128 limit = neg ? (unsigned __int128)1 << 63 : ((unsigned __int128)1 << 63) - 1;
      if (acc <= limit) return Encoding::kInt;
    }
  }
  return v.size() <= kEmbstrMaxLen ? Encoding::kEmbstr : Encoding::kRaw;
}

Entry* Entry::Allocate(size_t key_len, size_t payload_len, bool with_expire) {
  size_t total = sizeof(Entry) + (with_expire ? 8 : 0) + key_len + payload_len;
  void* p = std::malloc(total);
  if (!p) throw std::bad_alloc();
  Entry* e = static_cast<Entry*>(p);
  e->type_ = 0;
  e->encoding_ = 0;
  e->flags_ = with_expire ? kFlagExpire : 0;
  e->reserved_ = 0;
  e->access_ = 0;
  e->key_len_ = static_cast<uint32_t>(key_len);
  e->val_len_ = 0;
  return e;
}

Entry* Entry::NewString(std::string_view key, std::string_view value, Encoding enc,
                        int64_t expire_ms) {
  bool exp = expire_ms != kNoExpire;
  Entry* e = Allocate(key.size(), value.size(), exp);
  e->type_ = static_cast<uint8_t>(ObjType::kString);
  e->encoding_ = static_cast<uint8_t>(enc);
  e->val_len_ = static_cast<uint32_t>(value.size());
  if (exp) std::memcpy(reinterpret_cast<char*>(e) + sizeof(Entry), &expire_ms, 8);
  std::memcpy(e->key_ptr(), key.data(), key.size());
  if (!value.empty()) std::memcpy(e->value_ptr(), value.data(), value.size());
  return e;
}

Entry* Entry::NewZeroString(std::string_view key, size_t len, Encoding enc) {
  Entry* e = Allocate(key.size(), len, false);
  e->type_ = static_cast<uint8_t>(ObjType::kString);
  e->encoding_ = static_cast<uint8_t>(enc);
  e->val_len_ = static_cast<uint32_t>(len);
  std::memcpy(e->key_ptr(), key.data(), key.size());
  std::memset(e->value_ptr(), 0, len);
  return e;
}

Entry* Entry::NewObject(std::string_view key, ObjType type, Encoding enc, void* obj,
                        int64_t expire_ms) {
  bool exp = expire_ms != kNoExpire;
  Entry* e = Allocate(key.size(), sizeof(void*), exp);
  e->type_ = static_cast<uint8_t>(type);
  e->encoding_ = static_cast<uint8_t>(enc);
  if (exp) std::memcpy(reinterpret_cast<char*>(e) + sizeof(Entry), &expire_ms, 8);
  std::memcpy(e->key_ptr(), key.data(), key.size());
  e->set_obj(obj);
  return e;
}

void Entry::Free(Entry* e) {
  if (!e) return;
  if (e->type() != ObjType::kString) FreeObject(e->type(), e->obj());
  std::free(e);
}

Entry* Entry::CloneAs(const Entry* e, std::string_view new_key) {
  Entry* c;
  if (e->type() == ObjType::kString) {
    c = NewString(new_key, e->str(), e->encoding(), e->expire_ms());
  } else {
    c = NewObject(new_key, e->type(), e->encoding(), CloneObject(e->type(), e->obj()),
                  e->expire_ms());
  }
  c->access_ = e->access_;
  return c;
}

Entry* Entry::Rekey(Entry* e, std::string_view new_key) {
  Entry* n = Allocate(new_key.size(), e->payload_len(), e->has_expire());
  n->type_ = e->type_;
  n->encoding_ = e->encoding_;
  n->access_ = e->access_;
  n->val_len_ = e->val_len_;
  n->flags_ |= e->flags_ & kFlagInline;
  if (e->has_expire()) std::memcpy(reinterpret_cast<char*>(n) + sizeof(Entry), reinterpret_cast<char*>(e) + sizeof(Entry), 8);
  std::memcpy(n->key_ptr(), new_key.data(), new_key.size());
  std::memcpy(n->value_ptr(), e->value_ptr(), e->payload_len());
  std::free(e);  // not Free: the collection object now belongs to n
  return n;
}

Entry* Entry::SetExpire(Entry* e, int64_t expire_ms) {
  bool want = expire_ms != kNoExpire;
  if (want == e->has_expire()) {
    if (want) std::memcpy(reinterpret_cast<char*>(e) + sizeof(Entry), &expire_ms, 8);
    return e;
  }
  size_t body = e->key_len_ + e->payload_len();
  Entry* n = Allocate(e->key_len_, e->payload_len(), want);
  n->type_ = e->type_;
  n->encoding_ = e->encoding_;
  n->access_ = e->access_;
  n->val_len_ = e->val_len_;
  n->flags_ |= e->flags_ & kFlagInline;
  if (want) std::memcpy(reinterpret_cast<char*>(n) + sizeof(Entry), &expire_ms, 8);
  std::memcpy(n->key_ptr(), e->key_ptr(), body);
  std::free(e);
  return n;
}

Entry* Entry::SetString(Entry* e, std::string_view value, Encoding enc) {
  size_t need = e->header_len() + e->key_len_ + value.size();
  if (need > malloc_usable_size(e) || need + 64 < malloc_usable_size(e) / 2) {
    void* p = std::realloc(e, need);
    if (!p) throw std::bad_alloc();
    e = static_cast<Entry*>(p);
  }
  e->val_len_ = static_cast<uint32_t>(value.size());
  if (!value.empty()) std::memmove(e->value_ptr(), value.data(), value.size());
  e->encoding_ = static_cast<uint8_t>(enc);
  return e;
}

Entry* Entry::ResizeString(Entry* e, size_t new_len) {
  size_t old_len = e->val_len_;
  size_t need = e->header_len() + e->key_len_ + new_len;
  if (need > malloc_usable_size(e)) {
    // Greedy growth like Redis's sdsMakeRoomFor: double small strings, +1MB for big ones,
    // so repeated APPENDs are amortised O(1).
    size_t grow = new_len < (1u << 20) ? new_len * 2 : new_len + (1u << 20);
    void* p = std::realloc(e, e->header_len() + e->key_len_ + grow);
    if (!p) throw std::bad_alloc();
    e = static_cast<Entry*>(p);
  }
  if (new_len > old_len) std::memset(e->value_ptr() + old_len, 0, new_len - old_len);
  e->val_len_ = static_cast<uint32_t>(new_len);
  return e;
}

Entry* Entry::PackObject(Entry* e) {
  if (e->type() == ObjType::kString || e->inline_obj()) return e;
  void* obj = e->obj();
  size_t n = ObjectInlineBytes(e->type(), obj);
  if (n == 0) return e;
  // At least a pointer wide, so set_obj can turn it back into a pointer in place.
  Entry* p = Allocate(e->key_len_, n < sizeof(void*) ? sizeof(void*) : n, e->has_expire());
  p->type_ = e->type_;
  p->encoding_ = e->encoding_;
  p->access_ = e->access_;
  p->flags_ |= kFlagInline;
  p->val_len_ = static_cast<uint32_t>(n < sizeof(void*) ? sizeof(void*) : n);
  if (e->has_expire()) std::memcpy(reinterpret_cast<char*>(p) + sizeof(Entry), reinterpret_cast<char*>(e) + sizeof(Entry), 8);
  std::memcpy(p->key_ptr(), e->key_ptr(), e->key_len_);
  std::memcpy(p->value_ptr(), obj, n);
  MarkObjectInline(e->type(), p->value_ptr());
  FreeObject(e->type(), obj);
  std::free(e);
  return p;
}

size_t Entry::AllocatedBytes() const { return malloc_usable_size(const_cast<Entry*>(this)); }

}  // namespace ks
