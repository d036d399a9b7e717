#pragma once
// List pops shared by LPOP/LMPOP/LMOVE and the blocking BLPOP/BRPOP/BLMPOP/BLMOVE/BRPOPLPUSH.
// Each runs with its keys' engines already locked (ctx.keys) and writes its reply into ctx.rb,
// except when there is nothing to pop: then it writes nothing and returns kEmpty, so the
// non-blocking command replies its null and a blocking one waits (or, when being re-run to
// serve a waiter, reports that it still cannot proceed).
#include <cstdint>
#include <span>
#include <string_view>

#include "engine/list.h"
#include "server/core/command_context.h"

namespace ks {

enum class ListPop : uint8_t {
  kReplied,  // the reply is written: the popped element(s), or a WRONGTYPE error
  kEmpty,    // no key held a list; nothing was written
};

// LEFT -> head, RIGHT -> tail (case-insensitive); false for anything else.
bool ParseListEnd(std::string_view arg, ListEnd* end);

// BLPOP/BRPOP: pops one element from the first key (in order) that holds a list and replies
// [key, element]. A key of another type met first replies WRONGTYPE, as Redis does.
ListPop PopOneWithKey(CommandContext& ctx, std::span<const KeyRef> keys, ListEnd end);

// LMPOP/BLMPOP: pops up to count (> 0) elements from the first key that holds a list and
// replies [key, [elements...]].
ListPop PopManyWithKey(CommandContext& ctx, std::span<const KeyRef> keys, ListEnd end, int64_t count);

// LMOVE/RPOPLPUSH/BLMOVE/BRPOPLPUSH: pops from src's `from` end, pushes onto dst's `to` end
// (creating dst) and replies the element. src == dst rotates the list. WRONGTYPE on either key
// is replied before anything changes; a missing src gives kEmpty even if dst is of another type.
ListPop MoveElement(CommandContext& ctx, const KeyRef& src, const KeyRef& dst, ListEnd from, ListEnd to);

}  // namespace ks
