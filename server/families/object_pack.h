#pragma once
// After a write to a collection key: a small compact collection moves into the key's entry
// (Entry::PackObject), so it costs one allocation instead of two. The entry may move, so this
// goes through CommandContext::Modify, which repoints the key table and keeps the memory
// figure right. Returns the entry's (possibly new) address.
#include "engine/entry.h"
#include "engine/object_ops.h"
#include "server/core/command_context.h"

namespace ks {

inline Entry* PackSmallObject(CommandContext& ctx, const KeyRef& k, Entry* e) {
  if (!e || e->type() == ObjType::kString || e->inline_obj() || ObjectInlineBytes(e->type(), e->obj()) == 0)
    return e;
  return ctx.Modify(k, e, [](Entry* x) { return Entry::PackObject(x); });
}

}  // namespace ks
