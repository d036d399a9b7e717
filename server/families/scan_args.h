#pragma once
// The arguments SCAN, HSCAN, SSCAN and ZSCAN share, checked as Redis 7.0's
// parseScanCursorOrReply and scanGenericCommand check them.
#include <cstdint>
#include <string_view>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/errors.h"

namespace ks {

// [MATCH pattern] [COUNT count], and SCAN's [TYPE type].
struct ScanOptions {
  int64_t count = 10;
  std::string_view pattern;  // used only when use_pattern
  std::string_view type;     // used only when use_type
  bool use_pattern = false;  // MATCH * matches everything, so it needs no matching
  bool use_type = false;

  bool Matches(std::string_view name) const { return !use_pattern || GlobMatch(pattern, name); }
  // How many buckets a step may visit at most: Redis stops at count elements or 10*count
  // buckets, whichever comes first (saturating: COUNT can be as large as LLONG_MAX).
  uint64_t MaxBuckets() const {
    uint64_t c = static_cast<uint64_t>(count);
    return c > UINT64_MAX / 10 ? UINT64_MAX : c * 10;
  }
};

// The cursor at args[idx]. Replies Redis's error and returns false when it is not a cursor.
inline bool ParseScanCursor(CommandContext& ctx, size_t idx, uint64_t* cursor) {
  if (StrToScanCursor(ctx.arg(idx), cursor)) return true;
  ctx.rb.Error(err::kInvalidCursor);
  return false;
}

// The options from args[first] on; with_type accepts TYPE, which Redis allows only for SCAN.
// Replies Redis's error at the first bad option and returns false.
inline bool ParseScanOptions(CommandContext& ctx, size_t first, bool with_type, ScanOptions* out) {
  for (size_t i = first; i < ctx.argc(); i += 2) {
    std::string_view o = ctx.arg(i);
    bool has_value = i + 1 < ctx.argc();
    if (EqualsNoCase(o, "count") && has_value) {
      if (!StrToLL(ctx.arg(i + 1), &out->count)) {
        ctx.rb.Error(err::kNotInteger);
        return false;
      }
      if (out->count < 1) {
        ctx.rb.Error(err::kSyntax);
        return false;
      }
    } else if (EqualsNoCase(o, "match") && has_value) {
      out->pattern = ctx.arg(i + 1);
      out->use_pattern = out->pattern != "*";
    } else if (with_type && EqualsNoCase(o, "type") && has_value) {
      out->type = ctx.arg(i + 1);
      out->use_type = true;
    } else {
      ctx.rb.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// HSCAN/SSCAN/ZSCAN of a missing key: cursor 0 and no elements (Redis's shared.emptyscan).
inline void ReplyEmptyScan(ReplyBuilder& rb) {
  rb.Array(2);
  rb.Bulk("0");
  rb.Array(0);
}

}  // namespace ks
