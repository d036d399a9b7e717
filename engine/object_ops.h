#pragma once
// Type-specific operations on collection objects that the keyspace needs without knowing
// the type: free, deep copy, memory size. Each collection family adds its case in
// object_ops.cc.
#include <cstddef>

#include "engine/entry.h"

namespace ks {

void FreeObject(ObjType type, void* obj);
void* CloneObject(ObjType type, const void* obj);
size_t ObjectBytes(ObjType type, const void* obj);  // 0 for an object inline in its entry
// Whether a collection object has no elements left (O(1) for every type).
bool ObjectEmpty(ObjType type, const void* obj);

// Small compact objects may live inline in their Entry (Entry::PackObject): one allocation
// per key instead of two, saving a pointer, a malloc header and the rounding of one block.
// Past this size the saving is small next to the copying each write of an inline object
// costs (it is copied out to the heap and back in).
inline constexpr size_t kMaxInlineObjectBytes = 512;
// The byte length of obj if it is a single compact block (hash or sorted set listpack,
// intset) of at most kMaxInlineObjectBytes that is not inline already; else 0.
size_t ObjectInlineBytes(ObjType type, const void* obj);
// Marks a copy of such a block, made inside an entry, as inline.
void MarkObjectInline(ObjType type, void* obj);

}  // namespace ks
