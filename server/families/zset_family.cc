// Sorted sets: Redis 7.0's t_zset.c commands with its argument rules, error texts, reply
// shapes (RESP2 flat score pairs, RESP3 doubles and nested pairs) and encoding conversions.
// This file has the table, ZADD/ZINCRBY/ZREM, point queries, pops, ZRANDMEMBER and ZSCAN;
// ranges are in zset_range.cc and the multi-key set operations in zset_setops.cc.
#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/families/mpop_args.h"
#include "server/families/scan_args.h"
#include "server/families/zset_internal.h"
#include "server/families/zset_ops.h"

namespace ks {
namespace zset_detail {

void StoreSorted(CommandContext& ctx, const KeyRef& dst, const Elements& sorted, std::string_view event) {
  if (sorted.empty()) {
    if (ctx.Delete(dst)) ctx.Notify(kNotifyGeneric, "del", dst);
    return;
  }
  size_t max_len = 0;
  for (const auto& el : sorted) max_len = std::max(max_len, el.first.size());
  const HotLimits& lim = ctx.server.limits();
  bool lp = ZSetFitsListpack(sorted.size(), max_len, lim.get(lim.zset_max_listpack_entries),
                             lim.get(lim.zset_max_listpack_value));
  ZSet z = ZSet::FromSorted(sorted, lp);
  ctx.Put(dst, Entry::PackObject(Entry::NewObject(dst.key, ObjType::kZSet,
                                                  lp ? Encoding::kListpack : Encoding::kSkiplist, z.ptr())));
  ctx.Notify(kNotifyZset, event, dst);
}

}  // namespace zset_detail

using namespace zset_detail;

ZPopStatus ZPopFirst(CommandContext& ctx, std::span<const KeyRef> keys, bool max, int64_t count, ZPopReply shape) {
  // Redis checks the keys in order and stops at the first that exists: a wrong type there is
  // an error, a wrong type after it is never looked at.
  Entry* e = nullptr;
  const KeyRef* key = nullptr;
  for (const KeyRef& k : keys) {
    KeyLookup r = ctx.LookupOrReply(k, ObjType::kZSet, Access::kWrite);
    if (r.wrong_type) return ZPopStatus::kWrongType;
    if (!r.entry) continue;
    e = r.entry;
    key = &k;
    break;
  }
  if (!key) return ZPopStatus::kEmpty;
  ReplyBuilder& rb = ctx.rb;
  if (count == 0) {
    rb.Array(0);
    return ZPopStatus::kPopped;
  }
  bool nested = shape == ZPopReply::kKeyNested || (shape == ZPopReply::kPlain && rb.resp3() && count != -1);
  if (count < 0) count = 1;
  ZSet z = ZSetOf(e);
  int64_t size = static_cast<int64_t>(z.size());
  int64_t n = std::min(count, size);
  switch (shape) {
    case ZPopReply::kPlain:
      rb.Array(nested ? n : n * 2);
      break;
    case ZPopReply::kKeyFlat:
      rb.Array(n * 2 + 1);
      rb.Bulk(key->key);
      break;
    case ZPopReply::kKeyNested:
      rb.Array(2);
      rb.Bulk(key->key);
      rb.Array(n);
      break;
  }
  int64_t start = max ? size - n : 0, end = max ? size - 1 : n - 1;
  z.ForRanks(start, end, max, [&](std::string_view m, double s) {
    if (nested) rb.Array(2);
    rb.Bulk(m);
    rb.Double(s);
  });
  z.RemoveRanks(start, end);
  SyncEntry(e, z);
  ctx.Changed(*key, e, kNotifyZset, max ? "zpopmax" : "zpopmin");  // deletes the key with its last element
  return ZPopStatus::kPopped;
}

namespace {

// ---- ZADD and ZINCRBY ----------------------------------------------------------------------

enum ZAddFlag : uint8_t { kIncr = 1, kNx = 2, kXx = 4, kGt = 8, kLt = 16 };
enum ZAddOut : uint8_t { kNan = 1, kAdded = 2, kUpdated = 4, kNop = 8 };

// Redis's zsetAdd: adds or updates one member, converting a listpack that would outgrow the
// configured limits first. *new_score receives the resulting score.
uint8_t ZAddOne(CommandContext& ctx, ZSet& z, std::string_view member, double score, uint8_t flags,
                double* new_score) {
  double cur;
  const void* where;
  if (z.Score(member, &cur, &where)) {
    if (flags & kNx) return kNop;
    if (flags & kIncr) {
      score += cur;
      if (std::isnan(score)) return kNan;
    }
    if (((flags & kLt) && score >= cur) || ((flags & kGt) && score <= cur)) return kNop;
    *new_score = score;
    if (score == cur) return 0;
    z.UpdateScore(member, cur, score, where);
    return kUpdated;
  }
  if (flags & kXx) return kNop;
  if (z.listpack()) {
    const HotLimits& lim = ctx.server.limits();
    if (static_cast<int64_t>(z.size()) + 1 > lim.get(lim.zset_max_listpack_entries) ||
        static_cast<int64_t>(member.size()) > lim.get(lim.zset_max_listpack_value))
      z.ConvertToSkiplist();
  }
  z.Insert(member, score);
  *new_score = score;
  return kAdded;
}

// Redis's zaddGenericCommand; ZINCRBY is ZADD INCR without options.
void ZAddGeneric(CommandContext& ctx, uint8_t flags, bool parse_options) {
  size_t idx = 2;
  bool ch = false;
  if (parse_options) {
    for (; idx < ctx.argc(); ++idx) {
      std::string_view o = ctx.arg(idx);
      if (EqualsNoCase(o, "nx")) flags |= kNx;
      else if (EqualsNoCase(o, "xx")) flags |= kXx;
      else if (EqualsNoCase(o, "ch")) ch = true;
      else if (EqualsNoCase(o, "incr")) flags |= kIncr;
      else if (EqualsNoCase(o, "gt")) flags |= kGt;
      else if (EqualsNoCase(o, "lt")) flags |= kLt;
      else break;
    }
  }
  size_t rest = ctx.argc() - idx;
  if (rest == 0 || rest % 2) return ctx.rb.Error(err::kSyntax);
  size_t n = rest / 2;
  if ((flags & kNx) && (flags & kXx)) return ctx.rb.Error(err::kZAddXxNx);
  if (((flags & kGt) && (flags & kNx)) || ((flags & kLt) && (flags & kNx)) || ((flags & kGt) && (flags & kLt)))
    return ctx.rb.Error(err::kZAddGtLtNx);
  if ((flags & kIncr) && n > 1) return ctx.rb.Error(err::kZAddIncrPairs);
  // Every score is parsed before anything changes: the command applies fully or not at all.
  boost::container::small_vector<double, 8> scores(n);  // no allocation for a few pairs
  for (size_t i = 0; i < n; ++i)
    if (!StrToD(ctx.arg(idx + 2 * i), &scores[i])) return ctx.rb.Error(err::kNotFloat);

  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kZSet, Access::kWrite);
  if (wrong) return;
  int64_t added = 0, updated = 0, processed = 0;
  double score = 0;
  if (e || !(flags & kXx)) {
    bool fresh = !e;
    ZSet z(nullptr);
    if (fresh) {
      // Redis 7.0 starts a new key as a skiplist only when listpacks are off or the first
      // member is already too long for one.
      const HotLimits& lim = ctx.server.limits();
      bool lp = lim.get(lim.zset_max_listpack_entries) != 0 &&
                static_cast<int64_t>(ctx.arg(idx + 1).size()) <= lim.get(lim.zset_max_listpack_value);
      z = lp ? ZSet::NewListpack() : ZSet::NewSkiplist();
    } else {
      z = ZSetOf(e);
    }
    bool nan = false;
    for (size_t i = 0; i < n; ++i) {
      double ns = 0;
      uint8_t out = ZAddOne(ctx, z, ctx.arg(idx + 2 * i + 1), scores[i], flags, &ns);
      if (out & kNan) {
        nan = true;
        break;
      }
      if (out & kAdded) ++added;
      if (out & kUpdated) ++updated;
      if (!(out & kNop)) ++processed;
      score = ns;
    }
    if (fresh) {
      if (z.size() == 0) {
        z.Free();
      } else {
        Entry* ne = Entry::NewObject(k.key, ObjType::kZSet, Encoding::kListpack, z.ptr());
        SyncEntry(ne, z);
        ctx.Put(k, Entry::PackObject(ne));
      }
    } else {
      SyncEntry(e, z);
      if (added || updated) ctx.Changed(k, e);
    }
    if (added || updated) ctx.Notify(kNotifyZset, (flags & kIncr) ? "zincr" : "zadd", k);
    if (nan) return ctx.rb.Error(err::kZScoreNan);
  }
  if (flags & kIncr) {
    if (processed)
      ctx.rb.Double(score);
    else
      ctx.rb.Null();
    return;
  }
  ctx.rb.Int(ch ? added + updated : added);
}

void ZAdd(CommandContext& ctx) { ZAddGeneric(ctx, 0, true); }
void ZIncrBy(CommandContext& ctx) { ZAddGeneric(ctx, kIncr, false); }

void ZRem(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kZSet, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  ZSet z = ZSetOf(e);
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (z.Remove(ctx.arg(i))) ++removed;
    if (z.size() == 0) break;
  }
  SyncEntry(e, z);
  if (removed) ctx.Changed(k, e, kNotifyZset, "zrem");  // deletes the key with its last member
  ctx.rb.Int(removed);
}

// ---- Point queries ----------------------------------------------------------------------

void ZCard(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kZSet, Access::kRead);
  if (wrong) return;
  ctx.rb.Int(e ? static_cast<int64_t>(ZSetOf(e).size()) : 0);
}

void ZScore(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kZSet, Access::kRead);
  if (wrong) return;
  double s;
  if (!e || !ZSetOf(e).Score(ctx.arg(2), &s)) return ctx.rb.Null();
  ctx.rb.Double(s);
}

void ZMScore(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kZSet, Access::kRead);
  if (wrong) return;
  ctx.rb.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    double s;
    if (e && ZSetOf(e).Score(ctx.arg(i), &s))
      ctx.rb.Double(s);
    else
      ctx.rb.Null();
  }
}

void ZRankGeneric(CommandContext& ctx, bool rev) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kZSet, Access::kRead);
  if (wrong) return;
  double s;
  int64_t r = e ? ZSetOf(e).Rank(ctx.arg(2), rev, &s) : -1;
  if (r < 0) return ctx.rb.Null();
  ctx.rb.Int(r);
}

void ZRank(CommandContext& ctx) { ZRankGeneric(ctx, false); }
void ZRevRank(CommandContext& ctx) { ZRankGeneric(ctx, true); }

// ---- Pops -----------------------------------------------------------------------------------

// ZPOPMIN/ZPOPMAX key [count]
void ZPopMinMax(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) return ctx.rb.Error(err::kSyntax);
  int64_t count = -1;
  if (ctx.argc() == 3 && (!StrToLL(ctx.arg(2), &count) || count < 0)) return ctx.rb.Error(err::kMustBePositive);
  if (ZPopFirst(ctx, {ctx.keys.data(), 1}, max, count, ZPopReply::kPlain) == ZPopStatus::kEmpty) ctx.rb.Array(0);
}

void ZPopMin(CommandContext& ctx) { ZPopMinMax(ctx, false); }
void ZPopMax(CommandContext& ctx) { ZPopMinMax(ctx, true); }

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
void ZMPop(CommandContext& ctx) {
  MPopArgs a;
  if (!ParseMPopArgs(ctx, 1, "min", "max", &a)) return;
  if (ZPopFirst(ctx, {ctx.keys.data(), ctx.keys.size()}, a.from_end, a.count, ZPopReply::kKeyNested) ==
      ZPopStatus::kEmpty)
    ctx.rb.NullArray();
}

// ---- ZRANDMEMBER --------------------------------------------------------------------------

// The set's elements as views (valid while the set is unchanged).
std::vector<std::pair<std::string_view, double>> AllElements(const ZSet& z) {
  std::vector<std::pair<std::string_view, double>> v;
  v.reserve(z.size());
  z.ForRanks(0, static_cast<int64_t>(z.size()) - 1, false, [&](std::string_view m, double s) { v.emplace_back(m, s); });
  return v;
}

// Redis's zrandmemberWithCountCommand.
void ZRandMemberCount(CommandContext& ctx, int64_t l, bool with_scores) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kZSet, Access::kRead);
  if (wrong) return;
  if (!e || l == 0) return ctx.rb.Array(0);
  ZSet z = ZSetOf(e);
  ReplyBuilder& rb = ctx.rb;
  uint64_t size = z.size();
  bool uniq = l > 0;
  uint64_t count = uniq ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  Rng rng = ctx.random();
  // Repeats allowed (negative count), or a single element.
  if (!uniq || count == 1) {
    ReplyElementsHeader(rb, count, with_scores);
    if (z.listpack()) {
      auto all = AllElements(z);
      while (count--) {
        const auto& [m, s] = all[rng.Below(size)];
        ReplyElement(rb, m, s, with_scores);
      }
    } else {
      while (count--) {
        ZSet::Cursor c = z.At(static_cast<int64_t>(rng.Below(size)), false);
        ReplyElement(rb, c.member(), c.score(), with_scores);
      }
    }
    return;
  }
  // The whole set; Redis 7.0 lists it highest score first.
  if (count >= size) {
    ReplyElementsHeader(rb, size, with_scores);
    z.ForRanks(0, static_cast<int64_t>(size) - 1, true,
               [&](std::string_view m, double s) { ReplyElement(rb, m, s, with_scores); });
    return;
  }
  // count distinct elements in random order: a partial Fisher-Yates over the ranks.
  std::vector<uint32_t> ranks(size);
  for (uint32_t i = 0; i < size; ++i) ranks[i] = i;
  for (uint64_t i = 0; i < count; ++i) std::swap(ranks[i], ranks[i + rng.Below(size - i)]);
  ReplyElementsHeader(rb, count, with_scores);
  if (z.listpack()) {
    auto all = AllElements(z);
    for (uint64_t i = 0; i < count; ++i) ReplyElement(rb, all[ranks[i]].first, all[ranks[i]].second, with_scores);
  } else {
    for (uint64_t i = 0; i < count; ++i) {
      ZSet::Cursor c = z.At(ranks[i], false);
      ReplyElement(rb, c.member(), c.score(), with_scores);
    }
  }
}

// ZRANDMEMBER key [count [WITHSCORES]]
void ZRandMember(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t l;
    if (!StrToLL(ctx.arg(2), &l)) return ctx.rb.Error(err::kNotInteger);
    if (l == INT64_MIN) return ctx.rb.Error(err::ValueRange(-INT64_MAX, INT64_MAX));
    if (ctx.argc() > 4 || (ctx.argc() == 4 && !EqualsNoCase(ctx.arg(3), "withscores")))
      return ctx.rb.Error(err::kSyntax);
    bool with_scores = ctx.argc() == 4;
    if (with_scores && (l < -INT64_MAX / 2 || l > INT64_MAX / 2)) return ctx.rb.Error(err::kValueOutOfRange);
    return ZRandMemberCount(ctx, l, with_scores);
  }
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kZSet, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Null();
  ZSet z = ZSetOf(e);
  Rng rng = ctx.random();
  ZSet::Cursor c = z.At(static_cast<int64_t>(rng.Below(z.size())), false);
  ctx.rb.Bulk(c.member());
}

// ---- ZSCAN ----------------------------------------------------------------------------------

// ZSCAN key cursor [MATCH pattern] [COUNT count]. A listpack is returned whole with cursor
// 0; a skiplist's member table is walked with the reverse-binary cursor.
void ZScan(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx, 2, &cursor)) return;
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kZSet, Access::kRead);
  if (wrong) return;
  if (!e) return ReplyEmptyScan(ctx.rb);
  ScanOptions opt;
  if (!ParseScanOptions(ctx, 3, false, &opt)) return;
  ZSet z = ZSetOf(e);
  struct Found {
    std::vector<std::pair<std::string, double>> items;
  } found;
  if (z.listpack()) {
    z.ForRanks(0, static_cast<int64_t>(z.size()) - 1, false,
               [&](std::string_view m, double s) { found.items.emplace_back(m, s); });
    cursor = 0;
  } else {
    // As Redis: visit buckets until count elements (Redis counts member and score, so half
    // that many elements) or ten times count buckets.
    uint64_t max_iterations = opt.MaxBuckets();
    do {
      cursor = z.Scan(
          cursor,
          [](void* arg, std::string_view m, double s) { static_cast<Found*>(arg)->items.emplace_back(m, s); },
          &found);
    } while (cursor && max_iterations-- && static_cast<int64_t>(found.items.size() * 2) < opt.count);
  }
  size_t kept = 0;
  for (size_t i = 0; i < found.items.size(); ++i) {
    if (!opt.Matches(found.items[i].first)) continue;
    if (kept != i) found.items[kept] = std::move(found.items[i]);
    ++kept;
  }
  found.items.resize(kept);
  ctx.rb.Array(2);
  ctx.rb.Bulk(std::to_string(cursor));
  ctx.rb.Array(kept * 2);
  for (const auto& [m, s] : found.items) {
    ctx.rb.Bulk(m);
    ctx.rb.Bulk(DToStr(s));
  }
}

}  // namespace

// GEOADD turns its arguments into ZADD's and runs it, as Redis's geoaddCommand does.
void zset_detail::ZAddCommand(CommandContext& ctx) { ZAdd(ctx); }

void RegisterZSetFamily(CommandRegistry& reg) {
  reg.Add(
      {.name = "zadd",
       .arity = -4,
       .flags = "write denyoom fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @sortedset @fast",
       .key_specs = {{.flags = "RW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZAdd,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "1.2.0",
       .summary = "Adds members with scores to a sorted set, or updates their scores.",
       .complexity = "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
      });
  reg.Add(
      {.name = "zincrby",
       .arity = 4,
       .flags = "write denyoom fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @sortedset @fast",
       .key_specs = {{.flags = "RW access update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZIncrBy,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "1.2.0",
       .summary = "Adds to the score of a member of a sorted set.",
       .complexity = "O(log(N)) where N is the number of elements in the sorted set.",
      });
  reg.Add(
      {.name = "zrem",
       .arity = -3,
       .flags = "write fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @sortedset @fast",
       .key_specs = {{.flags = "RW delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRem,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "1.2.0",
       .summary = "Removes members from a sorted set.",
       .complexity = "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
      });
  reg.Add(
      {.name = "zcard",
       .arity = 2,
       .flags = "readonly fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @fast",
       .key_specs = {{.flags = "RO", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZCard,
       .group = "sorted-set", .since = "1.2.0",
       .summary = "Returns the number of members of a sorted set.",
       .complexity = "O(1)",
      });
  reg.Add(
      {.name = "zcount",
       .arity = 4,
       .flags = "readonly fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @fast",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZCount,
       .group = "sorted-set", .since = "2.0.0",
       .summary = "Counts the members of a sorted set whose scores lie in a range.",
       .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
      });
  reg.Add(
      {.name = "zlexcount",
       .arity = 4,
       .flags = "readonly fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @fast",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZLexCount,
       .group = "sorted-set", .since = "2.8.9",
       .summary = "Counts the members of a sorted set within a lexicographical range.",
       .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
      });
  reg.Add(
      {.name = "zscore",
       .arity = 3,
       .flags = "readonly fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @fast",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZScore,
       .group = "sorted-set", .since = "1.2.0",
       .summary = "Returns the score of a member of a sorted set.",
       .complexity = "O(1)",
      });
  reg.Add(
      {.name = "zmscore",
       .arity = -3,
       .flags = "readonly fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @fast",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZMScore,
       .group = "sorted-set", .since = "6.2.0",
       .summary = "Returns the scores of several members of a sorted set.",
       .complexity = "O(N) where N is the number of members being requested.",
      });
  reg.Add(
      {.name = "zrank",
       .arity = 3,
       .flags = "readonly fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @fast",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRank,
       .group = "sorted-set", .since = "2.0.0",
       .summary = "Returns the position of a member in a sorted set, lowest score first.",
       .complexity = "O(log(N))",
      });
  reg.Add(
      {.name = "zrevrank",
       .arity = 3,
       .flags = "readonly fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @fast",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRevRank,
       .group = "sorted-set", .since = "2.0.0",
       .summary = "Returns the position of a member in a sorted set, highest score first.",
       .complexity = "O(log(N))",
      });
  reg.Add(
      {.name = "zrange",
       .arity = -4,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRange,
       .group = "sorted-set", .since = "1.2.0",
       .summary = "Returns members of a sorted set by position, score or lexicographical range.",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
      });
  reg.Add(
      {.name = "zrangestore",
       .arity = -5,
       .flags = "write denyoom",
       .first_key = 1, .last_key = 2, .step = 1,
       .acl = "@write @sortedset @slow",
       .key_specs = {{.flags = "OW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}, {.flags = "RO access", .begin_index = 2, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRangeStore,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "6.2.0",
       .summary = "Stores a range of a sorted set in another key.",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
      });
  reg.Add(
      {.name = "zrevrange",
       .arity = -4,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRevRange,
       .group = "sorted-set", .since = "1.2.0",
       .summary = "Returns members of a sorted set by position, highest score first.",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
      });
  reg.Add(
      {.name = "zrangebyscore",
       .arity = -4,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRangeByScore,
       .group = "sorted-set", .since = "1.0.5",
       .summary = "Returns members of a sorted set within a score range.",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
      });
  reg.Add(
      {.name = "zrevrangebyscore",
       .arity = -4,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRevRangeByScore,
       .group = "sorted-set", .since = "2.2.0",
       .summary = "Returns members of a sorted set within a score range, highest first.",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
      });
  reg.Add(
      {.name = "zrangebylex",
       .arity = -4,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRangeByLex,
       .group = "sorted-set", .since = "2.8.9",
       .summary = "Returns members of a sorted set within a lexicographical range.",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
      });
  reg.Add(
      {.name = "zrevrangebylex",
       .arity = -4,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRevRangeByLex,
       .group = "sorted-set", .since = "2.8.9",
       .summary = "Returns members of a sorted set within a lexicographical range, in reverse.",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
      });
  reg.Add(
      {.name = "zremrangebyrank",
       .arity = 4,
       .flags = "write",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @sortedset @slow",
       .key_specs = {{.flags = "RW delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRemRangeByRank,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "2.0.0",
       .summary = "Removes the members of a sorted set within a range of positions.",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
      });
  reg.Add(
      {.name = "zremrangebyscore",
       .arity = 4,
       .flags = "write",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @sortedset @slow",
       .key_specs = {{.flags = "RW delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRemRangeByScore,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "1.2.0",
       .summary = "Removes the members of a sorted set within a score range.",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
      });
  reg.Add(
      {.name = "zremrangebylex",
       .arity = 4,
       .flags = "write",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @sortedset @slow",
       .key_specs = {{.flags = "RW delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRemRangeByLex,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "2.8.9",
       .summary = "Removes the members of a sorted set within a lexicographical range.",
       .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
      });
  reg.Add(
      {.name = "zpopmin",
       .arity = -2,
       .flags = "write fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @sortedset @fast",
       .key_specs = {{.flags = "RW access delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZPopMin,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "5.0.0",
       .summary = "Removes and returns the members with the lowest scores.",
       .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
      });
  reg.Add(
      {.name = "zpopmax",
       .arity = -2,
       .flags = "write fast",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @sortedset @fast",
       .key_specs = {{.flags = "RW access delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZPopMax,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "5.0.0",
       .summary = "Removes and returns the members with the highest scores.",
       .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
      });
  reg.Add(
      {.name = "zmpop",
       .arity = -4,
       .flags = "write movablekeys",
       .first_key = 0, .last_key = 0, .step = 0,
       .acl = "@write @sortedset @slow",
       .key_specs = {{.flags = "RW access delete", .begin_index = 1, .keynum = true, .key_step = 1, .keynum_idx = 0, .first_key = 1}},
       .handler = ZMPop,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "7.0.0",
       .summary = "Pops members from the first non-empty sorted set of several keys.",
       .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
      });
  reg.Add(
      {.name = "zrandmember",
       .arity = -2,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @slow",
       .tips = "nondeterministic_output",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZRandMember,
       .group = "sorted-set", .since = "6.2.0",
       .summary = "Returns random members of a sorted set.",
       .complexity = "O(N) where N is the number of elements returned",
      });
  reg.Add(
      {.name = "zunion",
       .arity = -3,
       .flags = "readonly movablekeys",
       .first_key = 0, .last_key = 0, .step = 0,
       .acl = "@read @sortedset @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .keynum = true, .key_step = 1, .keynum_idx = 0, .first_key = 1}},
       .handler = ZUnion,
       .group = "sorted-set", .since = "6.2.0",
       .summary = "Returns the union of sorted sets (and sets).",
       .complexity = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
      });
  reg.Add(
      {.name = "zinter",
       .arity = -3,
       .flags = "readonly movablekeys",
       .first_key = 0, .last_key = 0, .step = 0,
       .acl = "@read @sortedset @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .keynum = true, .key_step = 1, .keynum_idx = 0, .first_key = 1}},
       .handler = ZInter,
       .group = "sorted-set", .since = "6.2.0",
       .summary = "Returns the intersection of sorted sets (and sets).",
       .complexity = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
      });
  reg.Add(
      {.name = "zdiff",
       .arity = -3,
       .flags = "readonly movablekeys",
       .first_key = 0, .last_key = 0, .step = 0,
       .acl = "@read @sortedset @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .keynum = true, .key_step = 1, .keynum_idx = 0, .first_key = 1}},
       .handler = ZDiff,
       .group = "sorted-set", .since = "6.2.0",
       .summary = "Returns the members of the first sorted set missing from the others.",
       .complexity = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
      });
  reg.Add(
      {.name = "zunionstore",
       .arity = -4,
       .flags = "write denyoom movablekeys",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @sortedset @slow",
       .key_specs = {{.flags = "OW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}, {.flags = "RO access", .begin_index = 2, .keynum = true, .key_step = 1, .keynum_idx = 0, .first_key = 1}},
       .handler = ZUnionStore,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "2.0.0",
       .summary = "Stores the union of sorted sets (and sets) in a key.",
       .complexity = "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
      });
  reg.Add(
      {.name = "zinterstore",
       .arity = -4,
       .flags = "write denyoom movablekeys",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @sortedset @slow",
       .key_specs = {{.flags = "OW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}, {.flags = "RO access", .begin_index = 2, .keynum = true, .key_step = 1, .keynum_idx = 0, .first_key = 1}},
       .handler = ZInterStore,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "2.0.0",
       .summary = "Stores the intersection of sorted sets (and sets) in a key.",
       .complexity = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
      });
  reg.Add(
      {.name = "zdiffstore",
       .arity = -4,
       .flags = "write denyoom movablekeys",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @sortedset @slow",
       .key_specs = {{.flags = "OW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}, {.flags = "RO access", .begin_index = 2, .keynum = true, .key_step = 1, .keynum_idx = 0, .first_key = 1}},
       .handler = ZDiffStore,
       .aof = AofLog::kVerbatim,
       .group = "sorted-set", .since = "6.2.0",
       .summary = "Stores the difference of sorted sets in a key.",
       .complexity = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
      });
  reg.Add(
      {.name = "zintercard",
       .arity = -3,
       .flags = "readonly movablekeys",
       .first_key = 0, .last_key = 0, .step = 0,
       .acl = "@read @sortedset @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .keynum = true, .key_step = 1, .keynum_idx = 0, .first_key = 1}},
       .handler = ZInterCard,
       .group = "sorted-set", .since = "7.0.0",
       .summary = "Counts the members of the intersection of sorted sets.",
       .complexity = "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
      });
  reg.Add(
      {.name = "zscan",
       .arity = -3,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @sortedset @slow",
       .tips = "nondeterministic_output",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = ZScan,
       .group = "sorted-set", .since = "2.8.0",
       .summary = "Iterates over the members and scores of a sorted set with a cursor.",
       .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
      });
}

}  // namespace ks
