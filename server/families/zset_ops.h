#pragma once
// Sorted set pops for the blocking commands (BZPOPMIN, BZPOPMAX, BZMPOP) and their
// non-blocking forms. Call with the engines of the keys locked (a handler's ctx.keys are).
#include <cstdint>
#include <span>

#include "server/core/command_context.h"

namespace ks {

// How popped elements are replied, as Redis's genericZpopCommand shapes them.
enum class ZPopReply : uint8_t {
  kPlain,      // ZPOPMIN/ZPOPMAX: [m, s, m, s...]; nested [[m, s]...] in RESP3 when a count was given
  kKeyFlat,    // BZPOPMIN/BZPOPMAX: [key, m, s]
  kKeyNested,  // ZMPOP/BZMPOP: [key, [[m, s], ...]] in both protocols
};

enum class ZPopStatus : uint8_t {
  kPopped,     // replied with the popped elements (the emptied key is deleted)
  kEmpty,      // no key holds a sorted set; nothing was replied
  kWrongType,  // a key before the first sorted set holds another type; WRONGTYPE was replied
};

// Pops from the first of keys that holds a sorted set: up to count elements (count >= 1; -1
// means "no count given", one element, which only changes kPlain's RESP3 shape), lowest
// scores first, or highest when max.
ZPopStatus ZPopFirst(CommandContext& ctx, std::span<const KeyRef> keys, bool max, int64_t count, ZPopReply shape);

}  // namespace ks
