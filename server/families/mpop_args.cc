#include "server/families/mpop_args.h"

#include "common/strconv.h"
#include "server/core/errors.h"

namespace ks {

bool ParseMPopArgs(CommandContext& ctx, size_t numkeys_idx, std::string_view head_word, std::string_view end_word,
                   MPopArgs* out) {
  int64_t numkeys;
  if (!StrToLL(ctx.arg(numkeys_idx), &numkeys) || numkeys < 1) {
    ctx.rb.Error(err::kNumkeysPositive);
    return false;
  }
  // WHERE must follow the keys.
  if (numkeys >= static_cast<int64_t>(ctx.argc() - numkeys_idx - 1)) {
    ctx.rb.Error(err::kSyntax);
    return false;
  }
  std::string_view where = ctx.arg(numkeys_idx + static_cast<size_t>(numkeys) + 1);
  if (EqualsNoCase(where, head_word)) {
    out->from_end = false;
  } else if (EqualsNoCase(where, end_word)) {
    out->from_end = true;
  } else {
    ctx.rb.Error(err::kSyntax);
    return false;
  }
  bool has_count = false;
  for (size_t j = numkeys_idx + static_cast<size_t>(numkeys) + 2; j < ctx.argc(); ++j) {
    if (!has_count && EqualsNoCase(ctx.arg(j), "count") && j + 1 < ctx.argc()) {
      has_count = true;
      if (!StrToLL(ctx.arg(++j), &out->count) || out->count < 1) {
        ctx.rb.Error(err::kMpopCountPositive);
        return false;
      }
    } else {
      ctx.rb.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

}  // namespace ks
