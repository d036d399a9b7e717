#include "engine/object_ops.h"

#include "engine/list.h"

#include "engine/zset.h"

#include "engine/set.h"

#include "engine/hash.h"

#include "engine/stream.h"

namespace ks {

// The switches below name every ObjType and have no default, so -Wswitch flags a type added
// without its case. An Entry's type is only ever set from these enumerators (the RDB and DUMP
// readers refuse unknown type bytes with Redis's errors), so no input reaches the fall-through;
// if a corrupt value ever did, it frees and copies nothing rather than aborting the server.

// Strings live inline in their Entry.
void FreeObject(ObjType type, void* obj) {
  switch (type) {
    case ObjType::kString:
      break;
    case ObjType::kList:
      List::Destroy(static_cast<List*>(obj));
      break;
    case ObjType::kSet:
      SetObject::Free(static_cast<SetObject*>(obj));
      break;
    case ObjType::kZSet:
      ZSet(obj).Free();
      break;
    case ObjType::kHash:
      Hash(obj).Free();
      break;
    case ObjType::kStream:
      delete static_cast<Stream*>(obj);
      break;
  }
}

void* CloneObject(ObjType type, const void* obj) {
  switch (type) {
    case ObjType::kString:
      break;
    case ObjType::kList:
      return obj ? static_cast<const List*>(obj)->Clone() : nullptr;
    case ObjType::kSet:
      return SetObject::Clone(static_cast<const SetObject*>(obj));
    case ObjType::kZSet:
      return ZSet(const_cast<void*>(obj)).Clone().ptr();
    case ObjType::kHash:
      return Hash(const_cast<void*>(obj)).Clone().ptr();
    case ObjType::kStream:
      return static_cast<const Stream*>(obj)->Clone();
  }
  return nullptr;
}

size_t ObjectBytes(ObjType type, const void* obj) {
  if (type == ObjType::kList) return obj ? static_cast<const List*>(obj)->AllocatedBytes() : 0;
  if (type == ObjType::kZSet) return ZSet(const_cast<void*>(obj)).bytes();
  if (type == ObjType::kHash) return Hash(const_cast<void*>(obj)).bytes();
  if (type == ObjType::kSet) return static_cast<const SetObject*>(obj)->AllocatedBytes();
  if (type == ObjType::kStream) return static_cast<const Stream*>(obj)->AllocatedBytes();
  (void)type;
  (void)obj;
  return 0;
}

bool ObjectEmpty(ObjType type, const void* obj) {
  switch (type) {
    case ObjType::kList:
      return !obj || static_cast<const List*>(obj)->size() == 0;
    case ObjType::kSet:
      return static_cast<const SetObject*>(obj)->size() == 0;
    case ObjType::kZSet:
      return ZSet(const_cast<void*>(obj)).empty();
    case ObjType::kHash:
      return Hash(const_cast<void*>(obj)).empty();
    default:
      return false;
  }
}

size_t ObjectInlineBytes(ObjType type, const void* obj) {
  size_t n = 0;
  if (type == ObjType::kHash) n = Hash(const_cast<void*>(obj)).InlineBytes();
  if (type == ObjType::kZSet) n = ZSet(const_cast<void*>(obj)).InlineBytes();
  if (type == ObjType::kSet) n = static_cast<const SetObject*>(obj)->InlineBytes();
  return n <= kMaxInlineObjectBytes ? n : 0;
}

void MarkObjectInline(ObjType type, void* obj) {
  if (type == ObjType::kHash) Hash::MarkInline(obj);
  if (type == ObjType::kZSet) ZSet::MarkInline(obj);
  if (type == ObjType::kSet) SetObject::MarkInline(static_cast<SetObject*>(obj));
}

}  // namespace ks
