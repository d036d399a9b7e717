// Sets: Redis 7.0's set commands (t_set.c), with its argument rules, error texts, reply
// types and OBJECT ENCODING results (intset or hashtable, see engine/set.h).
//
// Multi-key commands (SMOVE, SINTER/SUNION/SDIFF and their STORE forms, SINTERCARD) read and
// write only ctx.keys, whose engines the dispatcher holds locked, so they are atomic even when
// the keys live on different engines. Stored results are built the way Redis builds them (an
// empty intset that members are added to, and for SDIFF the same choice of algorithm), which
// makes their encoding the one Redis reports.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "engine/set.h"
#include "common/strconv.h"
#include "server/core/arg_parser.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/families/scan_args.h"

namespace ks {
namespace {

// ---- Shared helpers --------------------------------------------------------------------

SetObject* AsSet(const Entry* e) { return static_cast<SetObject*>(e->obj()); }

size_t MaxIntset(CommandContext& ctx) {
  int64_t v = ctx.server.limits().get(ctx.server.limits().set_max_intset_entries);
  return v < 0 ? 0 : static_cast<size_t>(v);
}

// Points e at s after a change that may have moved or converted it.
void Sync(Entry* e, SetObject* s) {
  e->set_obj(s);
  e->set_encoding(s->encoding());
}

// Writes back a changed set; ctx.Changed deletes the key if it became empty (Redis never
// keeps one).
// event: the keyspace event the change raises (then "del" if it emptied the set).
void StoreBack(CommandContext& ctx, const KeyRef& k, Entry* e, SetObject* s, std::string_view event) {
  Sync(e, s);
  if (event.empty())
    ctx.Changed(k, e);
  else
    ctx.Changed(k, e, kNotifySet, event);
}

Entry* NewSetEntry(std::string_view key, SetObject* s) {
  return Entry::PackObject(Entry::NewObject(key, ObjType::kSet, s->encoding(), s));
}

void ReplyMembers(CommandContext& ctx, const SetObject* s, bool as_set) {
  as_set ? ctx.rb.Set(s->size()) : ctx.rb.Array(s->size());
  s->ForEach([&](std::string_view m) { ctx.rb.Bulk(m); });
}

// Stores result under dst as Redis's STORE commands do (replacing any value and TTL), or
// deletes dst when the result is empty; replies the result's size.
void StoreResult(CommandContext& ctx, const KeyRef& dst, SetObject* result, std::string_view event) {
  size_t n = result->size();
  if (n > 0) {
    ctx.Put(dst, NewSetEntry(dst.key, result));
    ctx.Notify(kNotifySet, event, dst);
  } else {
    SetObject::Free(result);
    if (ctx.Delete(dst)) ctx.Notify(kNotifyGeneric, "del", dst);
  }
  ctx.rb.Int(static_cast<int64_t>(n));
}

// Looks up the source sets of keys (nullptr for a missing key). Replies WRONGTYPE and returns
// false if one holds another type; like Redis, every key is checked even after a missing one.
bool LoadSets(CommandContext& ctx, std::span<const KeyRef> keys, std::vector<SetObject*>* sets) {
  sets->clear();
  for (const KeyRef& k : keys) {
    auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kSet, Access::kRead);
    if (wrong) return false;
    sets->push_back(e ? AsSet(e) : nullptr);
  }
  return true;
}

// ---- Single-key commands -----------------------------------------------------------------

// SADD key member [member ...]
void SAdd(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kSet, Access::kWrite);
  if (wrong) return;
  SetObject* s = e ? AsSet(e) : SetObject::NewIntset();
  size_t max = MaxIntset(ctx);
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) added += SetObject::Add(s, ctx.arg(i), max);
  if (e) {
    Sync(e, s);
    if (added) ctx.Changed(k, e);
  } else {
    ctx.Put(k, NewSetEntry(k.key, s));
  }
  if (added) ctx.Notify(kNotifySet, "sadd", k);
  ctx.rb.Int(added);
}

// SREM key member [member ...]
void SRem(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kSet, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  SetObject* s = AsSet(e);
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && s->size() > 0; ++i) removed += SetObject::Remove(s, ctx.arg(i));
  if (removed) StoreBack(ctx, k, e, s, "srem");
  ctx.rb.Int(removed);
}

// SCARD key
void SCard(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kSet, Access::kRead);
  if (wrong) return;
  ctx.rb.Int(e ? static_cast<int64_t>(AsSet(e)->size()) : 0);
}

// SISMEMBER key member
void SIsMember(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kSet, Access::kRead);
  if (wrong) return;
  ctx.rb.Int(e && AsSet(e)->Contains(ctx.arg(2)) ? 1 : 0);
}

// SMISMEMBER key member [member ...]
void SMIsMember(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kSet, Access::kRead);
  if (wrong) return;
  ctx.rb.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) ctx.rb.Int(e && AsSet(e)->Contains(ctx.arg(i)) ? 1 : 0);
}

// SRANDMEMBER key count: a positive count gives distinct members (the whole set if count is at
// least its size), a negative one -count members that may repeat. Always an array.
void SRandMemberCount(CommandContext& ctx) {
  int64_t l;
  if (!StrToLL(ctx.arg(2), &l)) return ctx.rb.Error(err::kNotInteger);
  if (l < -INT64_MAX) return ctx.rb.Error(err::ValueRange(-INT64_MAX, INT64_MAX));
  bool uniq = l >= 0;
  uint64_t count = uniq ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);

  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kSet, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Array(0);
  if (count == 0) return ctx.rb.Array(0);
  const SetObject* s = AsSet(e);
  char buf[kSetIntBuf];
  Rng rng = ctx.random();
  if (!uniq || count == 1) {
    ctx.rb.Array(count);
    while (count--) ctx.rb.Bulk(s->RandomMember(rng, buf));
    return;
  }
  if (count >= s->size()) return ReplyMembers(ctx, s, false);
  std::vector<std::string> picked = s->SampleDistinct(count, rng);
  ctx.rb.Array(picked.size());
  for (const std::string& m : picked) ctx.rb.Bulk(m);
}

// SRANDMEMBER key [count]
void SRandMember(CommandContext& ctx) {
  if (ctx.argc() == 3) return SRandMemberCount(ctx);
  if (ctx.argc() > 3) return ctx.rb.Error(err::kSyntax);
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kSet, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Null();
  char buf[kSetIntBuf];
  Rng rng = ctx.random();
  ctx.rb.Bulk(AsSet(e)->RandomMember(rng, buf));
}

// SPOP key count, as Redis's spopWithCountCommand: the whole set when count reaches its size;
// otherwise members are popped one by one, unless few would remain, in which case the
// remaining ones are drawn into a new set (which may then be an intset again, as in Redis)
// and the rest of the old one is the reply.
void SPopCount(CommandContext& ctx) {
  // getPositiveLongFromObjectOrReply: one message for a non-integer and a negative count.
  int64_t l;
  if (!StrToLL(ctx.arg(2), &l) || l < 0) return ctx.rb.Error(err::kMustBePositive);
  uint64_t count = static_cast<uint64_t>(l);

  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kSet, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Set(0);
  if (count == 0) return ctx.rb.Set(0);
  SetObject* s = AsSet(e);
  uint64_t size = s->size();
  if (count >= size) {
    ReplyMembers(ctx, s, true);
    ctx.Delete(k);
    ctx.Notify(kNotifySet, "spop", k);
    ctx.Notify(kNotifyGeneric, "del", k);
    return;
  }
  uint64_t remaining = size - count;
  char buf[kSetIntBuf];
  Rng rng = ctx.random();
  ctx.rb.Set(count);
  // Redis's SPOP_MOVE_STRATEGY_MUL: draw the survivors instead when they are few.
  if (remaining * 5 > count) {
    while (count--) {
      std::string_view m = s->RandomMember(rng, buf);
      ctx.rb.Bulk(m);  // copied out before the member is freed
      SetObject::Remove(s, m);
    }
    StoreBack(ctx, k, e, s, "spop");
    return;
  }
  SetObject* survivors = SetObject::NewIntset();
  size_t max = MaxIntset(ctx);
  while (remaining--) {
    std::string m(s->RandomMember(rng, buf));
    SetObject::Add(survivors, m, max);
    SetObject::Remove(s, m);
  }
  s->ForEach([&](std::string_view m) { ctx.rb.Bulk(m); });
  SetObject::Free(s);
  StoreBack(ctx, k, e, survivors, "spop");  // same entry: the key keeps its TTL, as with Redis's dbOverwrite
}

// SPOP key [count]
void SPop(CommandContext& ctx) {
  if (ctx.argc() == 3) return SPopCount(ctx);
  if (ctx.argc() > 3) return ctx.rb.Error(err::kSyntax);
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kSet, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Null();
  SetObject* s = AsSet(e);
  char buf[kSetIntBuf];
  Rng rng = ctx.random();
  std::string_view m = s->RandomMember(rng, buf);
  ctx.rb.Bulk(m);
  SetObject::Remove(s, m);
  StoreBack(ctx, k, e, s, "spop");
}

// SMOVE source destination member. The two keys may live on different engines; both are
// locked by the dispatcher.
void SMove(CommandContext& ctx) {
  const KeyRef& src_k = ctx.keys[0];
  const KeyRef& dst_k = ctx.keys[1];
  std::string_view member = ctx.arg(3);
  auto [src, src_wrong] = ctx.Lookup(src_k, ObjType::kSet, Access::kWrite);
  auto [dst, dst_wrong] = ctx.Lookup(dst_k, ObjType::kSet, Access::kWrite);
  if (!src && !src_wrong) return ctx.rb.Int(0);
  if (src_wrong || dst_wrong) return ctx.rb.Error(err::kWrongType);
  if (src == dst) return ctx.rb.Int(AsSet(src)->Contains(member) ? 1 : 0);
  SetObject* s = AsSet(src);
  if (!SetObject::Remove(s, member)) return ctx.rb.Int(0);
  StoreBack(ctx, src_k, src, s, "srem");
  size_t max = MaxIntset(ctx);
  bool added = true;
  if (dst) {
    SetObject* d = AsSet(dst);
    added = SetObject::Add(d, member, max);
    StoreBack(ctx, dst_k, dst, d, {});
  } else {
    SetObject* d = SetObject::NewIntset();
    SetObject::Add(d, member, max);
    ctx.Put(dst_k, NewSetEntry(dst_k.key, d));
  }
  if (added) ctx.Notify(kNotifySet, "sadd", dst_k);
  ctx.rb.Int(1);
}

// ---- Intersection, union, difference ---------------------------------------------------

// Redis's sinterGenericCommand: SINTER and SMEMBERS (dst null, a set reply), SINTERSTORE
// (dst), SINTERCARD (card_only, stopping at limit when it is not 0).
void InterGeneric(CommandContext& ctx, std::span<const KeyRef> keys, const KeyRef* dst, bool card_only,
                  uint64_t limit) {
  std::vector<SetObject*> sets;
  if (!LoadSets(ctx, keys, &sets)) return;
  bool any_missing = std::find(sets.begin(), sets.end(), nullptr) != sets.end();
  if (any_missing) {
    if (dst) {
      if (ctx.Delete(*dst)) ctx.Notify(kNotifyGeneric, "del", *dst);
      return ctx.rb.Int(0);
    }
    return card_only ? ctx.rb.Int(0) : ctx.rb.Set(0);
  }
  // Walk the smallest set, probing the others.
  std::stable_sort(sets.begin(), sets.end(), [](auto* a, auto* b) { return a->size() < b->size(); });
  auto in_all = [&](std::string_view m) {
    for (size_t j = 1; j < sets.size(); ++j)
      if (sets[j] != sets[0] && !sets[j]->Contains(m)) return false;
    return true;
  };

  if (dst) {
    SetObject* result = SetObject::NewIntset();
    size_t max = MaxIntset(ctx);
    sets[0]->ForEach([&](std::string_view m) {
      if (in_all(m)) SetObject::Add(result, m, max);
    });
    return StoreResult(ctx, *dst, result, "sinterstore");
  }
  if (card_only) {
    uint64_t n = 0;
    sets[0]->ForEachWhile([&](std::string_view m) {
      if (in_all(m)) ++n;
      return limit == 0 || n < limit;
    });
    return ctx.rb.Int(static_cast<int64_t>(n));
  }
  // The count is known only at the end: build the members' replies aside, then the header.
  std::string body;
  ReplyBuilder items(&body);
  items.set_resp3(ctx.rb.resp3());
  size_t n = 0;
  sets[0]->ForEach([&](std::string_view m) {
    if (!in_all(m)) return;
    items.Bulk(m);
    ++n;
  });
  ctx.rb.Set(n);
  ctx.rb.output()->append(body);
}

enum class SetOp { kUnion, kDiff };

// Redis's sunionDiffGenericCommand: the result is built in an intset that members are added
// to (and, for SDIFF's second algorithm, removed from), so it ends with Redis's encoding.
void UnionDiffGeneric(CommandContext& ctx, std::span<const KeyRef> keys, const KeyRef* dst, SetOp op) {
  std::vector<SetObject*> sets;
  if (!LoadSets(ctx, keys, &sets)) return;
  bool sameset = false;  // a later key names the first set: the difference is empty
  for (size_t j = 1; j < sets.size(); ++j)
    if (sets[0] && sets[j] == sets[0]) sameset = true;

  // SDIFF: algorithm 1 probes each member of the first set in the others; algorithm 2 copies
  // the first set and removes the others' members. Redis picks by estimated work.
  int diff_algo = 1;
  if (op == SetOp::kDiff && sets[0] && !sameset) {
    int64_t one = 0, two = 0;
    for (SetObject* s : sets) {
      if (!s) continue;
      one += static_cast<int64_t>(sets[0]->size());
      two += static_cast<int64_t>(s->size());
    }
    one /= 2;  // algorithm 1 has better constants
    diff_algo = one <= two ? 1 : 2;
  }

  SetObject* result = SetObject::NewIntset();
  size_t max = MaxIntset(ctx);
  if (op == SetOp::kUnion) {
    for (SetObject* s : sets)
      if (s) s->ForEach([&](std::string_view m) { SetObject::Add(result, m, max); });
  } else if (sets[0] && !sameset && diff_algo == 1) {
    sets[0]->ForEach([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); ++j)
        if (sets[j] && sets[j]->Contains(m)) return;
      SetObject::Add(result, m, max);
    });
  } else if (sets[0] && !sameset) {
    sets[0]->ForEach([&](std::string_view m) { SetObject::Add(result, m, max); });
    for (size_t j = 1; j < sets.size() && result->size() > 0; ++j)
      if (sets[j]) sets[j]->ForEach([&](std::string_view m) { SetObject::Remove(result, m); });
  }

  if (dst) return StoreResult(ctx, *dst, result, op == SetOp::kUnion ? "sunionstore" : "sdiffstore");
  ReplyMembers(ctx, result, true);
  SetObject::Free(result);
}

std::span<const KeyRef> AllKeys(CommandContext& ctx) { return {ctx.keys.data(), ctx.keys.size()}; }
std::span<const KeyRef> SourceKeys(CommandContext& ctx) { return AllKeys(ctx).subspan(1); }

void SInter(CommandContext& ctx) { InterGeneric(ctx, AllKeys(ctx), nullptr, false, 0); }
void SInterStore(CommandContext& ctx) { InterGeneric(ctx, SourceKeys(ctx), &ctx.keys[0], false, 0); }
void SUnion(CommandContext& ctx) { UnionDiffGeneric(ctx, AllKeys(ctx), nullptr, SetOp::kUnion); }
void SUnionStore(CommandContext& ctx) { UnionDiffGeneric(ctx, SourceKeys(ctx), &ctx.keys[0], SetOp::kUnion); }
void SDiff(CommandContext& ctx) { UnionDiffGeneric(ctx, AllKeys(ctx), nullptr, SetOp::kDiff); }
void SDiffStore(CommandContext& ctx) { UnionDiffGeneric(ctx, SourceKeys(ctx), &ctx.keys[0], SetOp::kDiff); }

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void SInterCard(CommandContext& ctx) {
  int64_t numkeys;
  if (!StrToLL(ctx.arg(1), &numkeys) || numkeys < 1) return ctx.rb.Error(err::kNumkeysPositive);
  if (numkeys > static_cast<int64_t>(ctx.argc()) - 2) return ctx.rb.Error(err::kNumkeysTooMany);
  int64_t limit = 0;
  for (size_t j = 2 + static_cast<size_t>(numkeys); j < ctx.argc(); ++j) {
    if (EqualsNoCase(ctx.arg(j), "limit") && j + 1 < ctx.argc()) {
      if (!StrToLL(ctx.arg(++j), &limit) || limit < 0) return ctx.rb.Error(err::kLimitNegative);
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  InterGeneric(ctx, AllKeys(ctx), nullptr, true, static_cast<uint64_t>(limit));
}

// ---- SSCAN -------------------------------------------------------------------------------

// SSCAN key cursor [MATCH pattern] [COUNT count]. A hashtable is walked with ScanTable's
// reverse-binary cursor (every member present throughout a full iteration is returned); an
// intset is returned whole with cursor 0, as in Redis.
void SScan(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx, 2, &cursor)) return;
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kSet, Access::kRead);
  if (wrong) return;
  if (!e) return ReplyEmptyScan(ctx.rb);

  ScanOptions opt;
  if (!ParseScanOptions(ctx, 3, false, &opt)) return;

  const SetObject* s = AsSet(e);
  std::vector<std::string> found;
  auto collect = [&](std::string_view m) {
    if (opt.Matches(m)) found.emplace_back(m);
  };
  if (s->is_intset()) {
    s->ForEach(collect);
    cursor = 0;
  } else {
    // Redis's loop: stop at COUNT members or after COUNT*10 buckets.
    uint64_t max_iterations = opt.MaxBuckets();
    size_t seen = 0;
    do {
      cursor = s->ScanTableStep(cursor, [&](std::string_view m) {
        ++seen;
        collect(m);
      });
    } while (cursor && max_iterations-- && seen < static_cast<uint64_t>(opt.count));
  }
  char buf[kSetIntBuf];
  ctx.rb.Array(2);
  ctx.rb.Bulk(LLToStr(static_cast<int64_t>(cursor), buf));
  ctx.rb.Array(found.size());
  for (const std::string& m : found) ctx.rb.Bulk(m);
}

}  // namespace

void RegisterSetFamily(CommandRegistry& reg) {
  const KeySpec kRo{.flags = "RO", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0};
  const KeySpec kRoAccess{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0};
  const KeySpec kRoAccessAll{.flags = "RO access", .begin_index = 1, .last_key = -1, .key_step = 1, .limit = 0};
  const KeySpec kSources{.flags = "RO access", .begin_index = 2, .last_key = -1, .key_step = 1, .limit = 0};
  constexpr std::string_view kInterComplexity =
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
  constexpr std::string_view kUnionComplexity = "O(N) where N is the total number of elements in all given sets.";

  reg.Add({.name = "sadd", .arity = -3, .flags = "write denyoom fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @set @fast",
           .key_specs = {{.flags = "RW insert", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = SAdd, .aof = AofLog::kVerbatim, .group = "set", .since = "1.0.0",
           .summary = "Adds members to a set, creating the key if needed.",
           .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with "
                         "multiple arguments."});
  reg.Add({.name = "srem", .arity = -3, .flags = "write fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @set @fast",
           .key_specs = {{.flags = "RW delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = SRem, .aof = AofLog::kVerbatim, .group = "set", .since = "1.0.0",
           .summary = "Removes members from a set, deleting the key when it empties.",
           .complexity = "O(N) where N is the number of members to be removed."});
  reg.Add({.name = "scard", .arity = 2, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @set @fast", .key_specs = {kRo}, .handler = SCard, .group = "set", .since = "1.0.0",
           .summary = "Returns the number of members of a set.", .complexity = "O(1)"});
  reg.Add({.name = "sismember", .arity = 3, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @set @fast", .key_specs = {kRo}, .handler = SIsMember, .group = "set", .since = "1.0.0",
           .summary = "Tells whether a member belongs to a set.", .complexity = "O(1)"});
  reg.Add({.name = "smismember", .arity = -3, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @set @fast", .key_specs = {kRoAccess}, .handler = SMIsMember, .group = "set",
           .since = "6.2.0", .summary = "Tells, for each of several members, whether it belongs to a set.",
           .complexity = "O(N) where N is the number of elements being checked for membership"});
  reg.Add({.name = "smembers", .arity = 2, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @set @slow", .tips = "nondeterministic_output_order", .key_specs = {kRoAccess},
           .handler = SInter, .group = "set", .since = "1.0.0", .summary = "Returns every member of a set.",
           .complexity = "O(N) where N is the set cardinality."});
  reg.Add({.name = "srandmember", .arity = -2, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @set @slow", .tips = "nondeterministic_output", .key_specs = {kRoAccess},
           .handler = SRandMember, .group = "set", .since = "1.0.0",
           .summary = "Returns random members of a set without removing them.",
           .complexity = "Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
                         "passed count."});
  reg.Add({.name = "spop", .arity = -2, .flags = "write fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @set @fast", .tips = "nondeterministic_output",
           .key_specs = {{.flags = "RW access delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = SPop, .group = "set", .since = "1.0.0",
           .summary = "Removes and returns random members of a set.",
           .complexity = "Without the count argument O(1), otherwise O(N) where N is the value of the passed count."});
  reg.Add({.name = "smove", .arity = 4, .flags = "write fast", .first_key = 1, .last_key = 2, .step = 1,
           .acl = "@write @set @fast",
           .key_specs = {{.flags = "RW access delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0},
                         {.flags = "RW insert", .begin_index = 2, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = SMove, .aof = AofLog::kVerbatim, .group = "set", .since = "1.0.0",
           .summary = "Moves a member from one set to another.", .complexity = "O(1)"});
  reg.Add({.name = "sinter", .arity = -2, .flags = "readonly", .first_key = 1, .last_key = -1, .step = 1,
           .acl = "@read @set @slow", .tips = "nondeterministic_output_order", .key_specs = {kRoAccessAll},
           .handler = SInter, .group = "set", .since = "1.0.0",
           .summary = "Returns the members common to every given set.", .complexity = kInterComplexity});
  reg.Add({.name = "sintercard", .arity = -3, .flags = "readonly movablekeys", .first_key = 0, .last_key = 0,
           .step = 0, .acl = "@read @set @slow",
           .key_specs = {{.flags = "RO access", .begin_index = 1, .keynum = true, .key_step = 1, .keynum_idx = 0,
                          .first_key = 1}},
           .handler = SInterCard, .group = "set", .since = "7.0.0",
           .summary = "Counts the members common to every given set, optionally stopping at a limit.",
           .complexity = kInterComplexity});
  reg.Add({.name = "sinterstore", .arity = -3, .flags = "write denyoom", .first_key = 1, .last_key = -1, .step = 1,
           .acl = "@write @set @slow",
           .key_specs = {{.flags = "RW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0},
                         kSources},
           .handler = SInterStore, .aof = AofLog::kVerbatim, .group = "set", .since = "1.0.0",
           .summary = "Stores the intersection of sets in a key.", .complexity = kInterComplexity});
  reg.Add({.name = "sunion", .arity = -2, .flags = "readonly", .first_key = 1, .last_key = -1, .step = 1,
           .acl = "@read @set @slow", .tips = "nondeterministic_output_order", .key_specs = {kRoAccessAll},
           .handler = SUnion, .group = "set", .since = "1.0.0",
           .summary = "Returns the members found in any of the given sets.", .complexity = kUnionComplexity});
  reg.Add({.name = "sunionstore", .arity = -3, .flags = "write denyoom", .first_key = 1, .last_key = -1, .step = 1,
           .acl = "@write @set @slow",
           .key_specs = {{.flags = "OW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0},
                         kSources},
           .handler = SUnionStore, .aof = AofLog::kVerbatim, .group = "set", .since = "1.0.0",
           .summary = "Stores the union of sets in a key.", .complexity = kUnionComplexity});
  reg.Add({.name = "sdiff", .arity = -2, .flags = "readonly", .first_key = 1, .last_key = -1, .step = 1,
           .acl = "@read @set @slow", .tips = "nondeterministic_output_order", .key_specs = {kRoAccessAll},
           .handler = SDiff, .group = "set", .since = "1.0.0",
           .summary = "Returns the members of the first set that are in none of the others.",
           .complexity = kUnionComplexity});
  reg.Add({.name = "sdiffstore", .arity = -3, .flags = "write denyoom", .first_key = 1, .last_key = -1, .step = 1,
           .acl = "@write @set @slow",
           .key_specs = {{.flags = "OW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0},
                         kSources},
           .handler = SDiffStore, .aof = AofLog::kVerbatim, .group = "set", .since = "1.0.0",
           .summary = "Stores the difference of the first set and the others in a key.",
           .complexity = kUnionComplexity});
  reg.Add({.name = "sscan", .arity = -3, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @set @slow", .tips = "nondeterministic_output", .key_specs = {kRoAccess},
           .handler = SScan, .group = "set", .since = "2.8.0",
           .summary = "Iterates over the members of a set with a cursor.",
           .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
                         "cursor to return back to 0. N is the number of elements inside the collection.."});
}

}  // namespace ks
