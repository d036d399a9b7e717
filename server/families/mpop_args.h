#pragma once
// The arguments LMPOP, BLMPOP, ZMPOP and BZMPOP share: "numkeys key [key ...] WHERE [COUNT
// count]", where WHERE is LEFT|RIGHT for lists and MIN|MAX for sorted sets.
#include <cstdint>
#include <string_view>

#include "server/core/command_context.h"

namespace ks {

struct MPopArgs {
  bool from_end = false;  // RIGHT or MAX: pop from the end (a list's tail, the highest scores)
  int64_t count = 1;
};

// Reads numkeys at args[numkeys_idx]; head_word and end_word are WHERE's two choices. Checks
// in Redis's order (numkeys, WHERE, COUNT); replies Redis's error and returns false on a bad
// argument.
bool ParseMPopArgs(CommandContext& ctx, size_t numkeys_idx, std::string_view head_word, std::string_view end_word,
                   MPopArgs* out);

}  // namespace ks
