#pragma once
// Type-specific operations on collection objects that the keyspace needs without knowing
// the type: free, deep copy, memory size. Each collection family adds its case in
// object_ops.cc.
#include <cstddef>

#include "engine/entry.h"

namespace ks {

void FreeObject(ObjType type, void* obj);
void* CloneObject(ObjType type, const void* obj);
size_t ObjectBytes(ObjType type, const void* obj);

}  // namespace ks
