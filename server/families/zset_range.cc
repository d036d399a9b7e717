// Sorted set ranges: the ZRANGE family (by rank, score or lex, forward or reverse, LIMIT,
// WITHSCORES, and ZRANGESTORE), ZCOUNT/ZLEXCOUNT and ZREMRANGEBY*, as Redis 7.0's
// zrangeGenericCommand and zremrangeGenericCommand parse and answer them.
//
// Every range is first turned into a run of ascending ranks (O(log n) on a skiplist), so reply
// lengths are known before anything is written and LIMIT is plain rank arithmetic.
#include <algorithm>
#include <string>
#include <utility>

#include "common/strconv.h"
#include "server/core/errors.h"
#include "server/families/zset_internal.h"

namespace ks::zset_detail {
namespace {

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// Ascending ranks [lo, hi] of what a range command returns, and in which order.
struct Span {
  int64_t lo = 0, hi = -1;
  bool rev = false;
  int64_t size() const { return hi >= lo ? hi - lo + 1 : 0; }
};

// Applies LIMIT offset count (Redis: a negative offset returns nothing, a negative count
// means no limit) to the elements [first, last] of a score or lex range.
Span Limit(std::pair<int64_t, int64_t> r, int64_t offset, int64_t limit, bool rev, int64_t set_size) {
  Span s;
  s.rev = rev;
  auto [first, last] = r;
  if (first > last || offset < 0 || (offset > 0 && offset >= set_size)) return s;
  if (!rev) {
    s.lo = first + offset;
    s.hi = last;
    if (limit >= 0 && limit < s.hi - s.lo + 1) s.hi = s.lo + limit - 1;
  } else {
    s.hi = last - offset;
    s.lo = first;
    if (limit >= 0 && limit < s.hi - s.lo + 1) s.lo = s.hi - limit + 1;
  }
  if (s.lo > s.hi) s = Span{0, -1, rev};
  return s;
}

// Redis's sanitising of rank indexes (negative counts from the end) for a set of size n.
bool RankSpan(int64_t start, int64_t end, int64_t n, bool rev, Span* s) {
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) return false;
  if (end >= n) end = n - 1;
  s->rev = rev;
  if (rev) {
    s->lo = n - 1 - end;
    s->hi = n - 1 - start;
  } else {
    s->lo = start;
    s->hi = end;
  }
  return true;
}

// A range command's min and max, read as its range type reads them.
struct Bounds {
  int64_t start = 0, end = 0;  // ranks
  ZScoreRange score;
  ZLexRange lex;
};

// Parses min and max for type (kAuto reads ranks). Replies Redis's error and returns false
// when they do not parse.
bool ParseBounds(CommandContext& ctx, RangeType type, std::string_view min, std::string_view max, Bounds* b) {
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (StrToLL(min, &b->start) && StrToLL(max, &b->end)) return true;
      ctx.rb.Error(err::kNotInteger);
      return false;
    case RangeType::kScore:
      if (ParseScoreRange(min, max, &b->score)) return true;
      ctx.rb.Error(err::kZMinMaxNotFloat);
      return false;
    case RangeType::kLex:
      if (ParseLexRange(min, max, &b->lex)) return true;
      ctx.rb.Error(err::kZMinMaxNotLex);
      return false;
  }
  return true;
}

// Redis's zrangeGenericCommand. src_idx is the source key's argument; dst is ZRANGESTORE's
// destination (nullptr for the commands that reply with the elements).
void ZRangeGeneric(CommandContext& ctx, size_t src_idx, const KeyRef* dst, const KeyRef& src, RangeType type,
                   Direction dir) {
  bool with_scores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = src_idx + 3; j < ctx.argc(); ++j) {
    size_t left = ctx.argc() - j - 1;
    std::string_view a = ctx.arg(j);
    if (!dst && EqualsNoCase(a, "withscores")) {
      with_scores = true;
    } else if (EqualsNoCase(a, "limit") && left >= 2) {
      if (!StrToLL(ctx.arg(j + 1), &offset) || !StrToLL(ctx.arg(j + 2), &limit))
        return ctx.rb.Error(err::kNotInteger);
      j += 2;
    } else if (dir == Direction::kAuto && EqualsNoCase(a, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && EqualsNoCase(a, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && EqualsNoCase(a, "byscore")) {
      type = RangeType::kScore;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  if (limit != -1 && type == RangeType::kRank) return ctx.rb.Error(err::kZLimitNeedsBy);
  if (with_scores && type == RangeType::kLex) return ctx.rb.Error(err::kZLexNoScores);
  bool rev = dir == Direction::kReverse;
  size_t min_idx = src_idx + 1, max_idx = src_idx + 2;
  if (rev && type != RangeType::kRank) std::swap(min_idx, max_idx);  // given as max, min

  Bounds b;
  if (!ParseBounds(ctx, type, ctx.arg(min_idx), ctx.arg(max_idx), &b)) return;

  auto [e, wrong] = ctx.LookupOrReply(src, ObjType::kZSet, Access::kRead);
  if (wrong) return;
  Span span;
  if (e) {
    ZSet z = ZSetOf(e);
    int64_t n = static_cast<int64_t>(z.size());
    switch (type) {
      case RangeType::kAuto:
      case RangeType::kRank:
        if (!RankSpan(b.start, b.end, n, rev, &span)) span = Span{};
        break;
      case RangeType::kScore:
        span = Limit(z.ScoreRanks(b.score), offset, limit, rev, n);
        break;
      case RangeType::kLex:
        span = Limit(z.LexRanks(b.lex, rev ? ZSet::LexWalk::kReverse : ZSet::LexWalk::kForward), offset, limit,
                     rev, n);
        break;
    }
  }
  if (dst) {
    Elements out;
    if (e) {
      out.reserve(span.size());
      ZSetOf(e).ForRanks(span.lo, span.hi, false, [&](std::string_view m, double s) { out.emplace_back(m, s); });
    }
    StoreSorted(ctx, *dst, out, "zrangestore");
    return ctx.rb.Int(static_cast<int64_t>(out.size()));
  }
  ReplyBuilder& rb = ctx.rb;
  ReplyElementsHeader(rb, span.size(), with_scores);
  if (e)
    ZSetOf(e).ForRanks(span.lo, span.hi, span.rev,
                       [&](std::string_view m, double s) { ReplyElement(rb, m, s, with_scores); });
}

// ZREMRANGEBYRANK/SCORE/LEX key min max
void ZRemRangeGeneric(CommandContext& ctx, RangeType type) {
  Bounds b;
  if (!ParseBounds(ctx, type, ctx.arg(2), ctx.arg(3), &b)) return;
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kZSet, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  ZSet z = ZSetOf(e);
  Span span;
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (!RankSpan(b.start, b.end, static_cast<int64_t>(z.size()), false, &span)) return ctx.rb.Int(0);
      break;
    case RangeType::kScore:
      std::tie(span.lo, span.hi) = z.ScoreRanks(b.score);
      break;
    case RangeType::kLex:
      std::tie(span.lo, span.hi) = z.LexRanks(b.lex);
      break;
  }
  int64_t removed = span.size();
  if (removed > 0) {
    z.RemoveRanks(span.lo, span.hi);
    SyncEntry(e, z);
    ctx.Changed(k, e, kNotifyZset,
                type == RangeType::kRank ? "zremrangebyrank" : type == RangeType::kScore ? "zremrangebyscore" : "zremrangebylex");
  }
  ctx.rb.Int(removed);
}

// ZCOUNT and ZLEXCOUNT key min max: how many elements lie in the range.
void ZCountGeneric(CommandContext& ctx, RangeType type) {
  Bounds b;
  if (!ParseBounds(ctx, type, ctx.arg(2), ctx.arg(3), &b)) return;
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kZSet, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  ZSet z = ZSetOf(e);
  auto [first, last] = type == RangeType::kScore ? z.ScoreRanks(b.score) : z.LexRanks(b.lex, ZSet::LexWalk::kCount);
  ctx.rb.Int(last >= first ? last - first + 1 : 0);
}

}  // namespace

void ZRange(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, nullptr, ctx.keys[0], RangeType::kAuto, Direction::kAuto);
}
void ZRangeStore(CommandContext& ctx) {
  ZRangeGeneric(ctx, 2, &ctx.keys[0], ctx.keys[1], RangeType::kAuto, Direction::kAuto);
}
void ZRevRange(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, nullptr, ctx.keys[0], RangeType::kRank, Direction::kReverse);
}
void ZRangeByScore(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, nullptr, ctx.keys[0], RangeType::kScore, Direction::kForward);
}
void ZRevRangeByScore(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, nullptr, ctx.keys[0], RangeType::kScore, Direction::kReverse);
}
void ZRangeByLex(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, nullptr, ctx.keys[0], RangeType::kLex, Direction::kForward);
}
void ZRevRangeByLex(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, nullptr, ctx.keys[0], RangeType::kLex, Direction::kReverse);
}

void ZCount(CommandContext& ctx) { ZCountGeneric(ctx, RangeType::kScore); }
void ZLexCount(CommandContext& ctx) { ZCountGeneric(ctx, RangeType::kLex); }

void ZRemRangeByRank(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kRank); }
void ZRemRangeByScore(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kScore); }
void ZRemRangeByLex(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kLex); }

}  // namespace ks::zset_detail
