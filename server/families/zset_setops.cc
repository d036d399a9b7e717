// Sorted set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, following
// Redis 7.0's zunionInterDiffGenericCommand. Sources may be plain sets (every member scores
// 1). The dispatcher has locked the engines of every source and of the destination, so a
// STORE over keys on several engines is one atomic step.
//
// Floating-point sums depend on the order in which the sources are added up, so that order is
// Redis's: sources sorted by size, smallest first (a stable sort, like glibc's qsort of a few
// elements), and Redis's NaN rules (a NaN product or sum counts as 0).
#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "engine/set.h"
#include "server/core/errors.h"
#include "server/families/zset_internal.h"

namespace ks::zset_detail {
namespace {

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input: a sorted set, a plain set, or a missing key.
struct Source {
  const Entry* e = nullptr;
  double weight = 1;

  bool zset() const { return e && e->type() == ObjType::kZSet; }
  const SetObject* set() const { return static_cast<const SetObject*>(e->obj()); }
  size_t size() const {
    if (!e) return 0;
    return zset() ? ZSet(e->obj()).size() : set()->size();
  }
  // Calls f(member, score) for every element.
  template <typename F>
  void ForEach(F&& f) const {
    if (!e) return;
    if (zset()) {
      ZSet z(e->obj());
      z.ForRanks(0, static_cast<int64_t>(z.size()) - 1, false, f);
    } else {
      set()->ForEach([&](std::string_view m) { f(m, 1.0); });
    }
  }
  bool Find(std::string_view m, double* score) const {
    if (!e) return false;
    if (zset()) return ZSet(e->obj()).Score(m, score);
    *score = 1.0;
    return set()->Contains(m);
  }
};

void AggregateInto(double* target, double val, Aggregate agg) {
  switch (agg) {
    case Aggregate::kSum:
      *target = *target + val;
      if (std::isnan(*target)) *target = 0.0;  // inf + -inf
      break;
    case Aggregate::kMin:
      *target = val < *target ? val : *target;
      break;
    case Aggregate::kMax:
      *target = val > *target ? val : *target;
      break;
  }
}

using Accumulator = boost::unordered_flat_map<std::string, double>;

Elements Sorted(Accumulator&& acc) {
  Elements out;
  out.reserve(acc.size());
  for (auto& [m, s] : acc) out.emplace_back(m, s);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  return out;
}

// The command's result, or its cardinality when cardinality_only (stopping at limit, 0 = none).
Elements Compute(std::vector<Source> src, SetOp op, Aggregate agg, bool cardinality_only, int64_t limit,
                 int64_t* cardinality) {
  Accumulator acc;
  if (op != SetOp::kDiff)
    std::stable_sort(src.begin(), src.end(), [](const Source& a, const Source& b) { return a.size() < b.size(); });
  switch (op) {
    case SetOp::kUnion:
      for (const Source& s : src) {
        s.ForEach([&](std::string_view m, double score) {
          score *= s.weight;
          if (std::isnan(score)) score = 0;
          auto [it, inserted] = acc.try_emplace(std::string(m), score);
          if (!inserted) AggregateInto(&it->second, score, agg);
        });
      }
      break;
    case SetOp::kInter:
      if (src[0].size() == 0) break;
      src[0].ForEach([&](std::string_view m, double score) {
        if (cardinality_only && limit && *cardinality >= limit) return;
        score *= src[0].weight;
        if (std::isnan(score)) score = 0;
        for (size_t j = 1; j < src.size(); ++j) {
          double v;
          if (!src[j].Find(m, &v)) return;
          AggregateInto(&score, v * src[j].weight, agg);
        }
        if (cardinality_only)
          ++*cardinality;
        else
          acc.emplace(std::string(m), score);
      });
      break;
    case SetOp::kDiff:
      src[0].ForEach([&](std::string_view m, double score) {
        double v;
        for (size_t j = 1; j < src.size(); ++j)
          if (src[j].Find(m, &v)) return;
        acc.emplace(std::string(m), score);
      });
      break;
  }
  return Sorted(std::move(acc));
}

// Z{UNION,INTER,DIFF}[STORE] and ZINTERCARD. numkeys_idx is the numkeys argument; dst the
// STORE destination (its key comes first in ctx.keys).
void ZSetOpGeneric(CommandContext& ctx, size_t numkeys_idx, bool store, SetOp op, bool cardinality_only) {
  int64_t setnum;
  if (!StrToLL(ctx.arg(numkeys_idx), &setnum)) return ctx.rb.Error(err::kNotInteger);
  if (setnum < 1) return ctx.rb.Error(err::ZNeedsInputKey(ctx.spec.name));
  if (setnum > static_cast<int64_t>(ctx.argc() - (numkeys_idx + 1))) return ctx.rb.Error(err::kSyntax);

  size_t first_src = store ? 1 : 0;
  std::vector<Source> src(static_cast<size_t>(setnum));
  for (size_t i = 0; i < src.size(); ++i) {
    const KeyRef& k = ctx.keys[first_src + i];
    Entry* e = store ? ctx.Find(k) : ctx.FindRead(k);
    if (e && e->type() != ObjType::kZSet && e->type() != ObjType::kSet) return ctx.rb.Error(err::kWrongType);
    src[i].e = e;
  }

  Aggregate agg = Aggregate::kSum;
  bool with_scores = false;
  int64_t limit = 0;
  size_t j = numkeys_idx + 1 + src.size();
  while (j < ctx.argc()) {
    size_t remaining = ctx.argc() - j;
    std::string_view a = ctx.arg(j);
    if (op != SetOp::kDiff && !cardinality_only && remaining >= src.size() + 1 && EqualsNoCase(a, "weights")) {
      ++j;
      for (Source& s : src)
        if (!StrToD(ctx.arg(j++), &s.weight)) return ctx.rb.Error(err::kZWeightNotFloat);
    } else if (op != SetOp::kDiff && !cardinality_only && remaining >= 2 && EqualsNoCase(a, "aggregate")) {
      std::string_view v = ctx.arg(j + 1);
      if (EqualsNoCase(v, "sum"))
        agg = Aggregate::kSum;
      else if (EqualsNoCase(v, "min"))
        agg = Aggregate::kMin;
      else if (EqualsNoCase(v, "max"))
        agg = Aggregate::kMax;
      else
        return ctx.rb.Error(err::kSyntax);
      j += 2;
    } else if (!store && !cardinality_only && EqualsNoCase(a, "withscores")) {
      with_scores = true;
      ++j;
    } else if (cardinality_only && remaining >= 2 && EqualsNoCase(a, "limit")) {
      if (!StrToLL(ctx.arg(j + 1), &limit) || limit < 0) return ctx.rb.Error(err::kLimitNegative);
      j += 2;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }

  int64_t cardinality = 0;
  Elements out = Compute(std::move(src), op, agg, cardinality_only, limit, &cardinality);
  if (cardinality_only) return ctx.rb.Int(cardinality);
  if (store) {
    StoreSorted(ctx, ctx.keys[0], out,
                op == SetOp::kUnion ? "zunionstore" : op == SetOp::kInter ? "zinterstore" : "zdiffstore");
    return ctx.rb.Int(static_cast<int64_t>(out.size()));
  }
  ReplyElementsHeader(ctx.rb, out.size(), with_scores);
  for (const auto& [m, s] : out) ReplyElement(ctx.rb, m, s, with_scores);
}

}  // namespace

void ZUnion(CommandContext& ctx) { ZSetOpGeneric(ctx, 1, false, SetOp::kUnion, false); }
void ZInter(CommandContext& ctx) { ZSetOpGeneric(ctx, 1, false, SetOp::kInter, false); }
void ZDiff(CommandContext& ctx) { ZSetOpGeneric(ctx, 1, false, SetOp::kDiff, false); }
void ZUnionStore(CommandContext& ctx) { ZSetOpGeneric(ctx, 2, true, SetOp::kUnion, false); }
void ZInterStore(CommandContext& ctx) { ZSetOpGeneric(ctx, 2, true, SetOp::kInter, false); }
void ZDiffStore(CommandContext& ctx) { ZSetOpGeneric(ctx, 2, true, SetOp::kDiff, false); }
void ZInterCard(CommandContext& ctx) { ZSetOpGeneric(ctx, 1, false, SetOp::kInter, true); }

}  // namespace ks::zset_detail
