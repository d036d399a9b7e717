// Lists: Redis 7.0's list commands (t_list.c) with its argument order, error texts, reply
// shapes (RESP2 and RESP3 nulls) and OBJECT ENCODING ("quicklist" for every list in 7.0).
//
// The value is an engine/list.h List. A command that empties a list deletes the key, as Redis
// does. LMOVE/RPOPLPUSH/LMPOP may name keys on different engines: the dispatcher has locked
// all of them, so each runs atomically. The pops are in list_ops.h for the blocking commands.
#include <algorithm>
#include <string>
#include <vector>

#include "engine/list.h"
#include "server/core/arg_parser.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/families/list_ops.h"
#include "server/families/mpop_args.h"

namespace ks {
namespace {

List* ListOf(Entry* e) { return static_cast<List*>(e->obj()); }

// k's list about to receive elements: Redis's packed threshold is one global that DEBUG
// QUICKLIST-PACKED-THRESHOLD changes for every list, so it is applied at each insertion.
List* ListToInsertInto(CommandContext& ctx, Entry* e) {
  List* l = ListOf(e);
  const HotLimits& lim = ctx.server.limits();
  l->set_packed_threshold(static_cast<uint64_t>(lim.get(lim.list_packed_threshold)));
  return l;
}

// k's list for a push, created empty (with the current list-max-listpack-size) if k is
// missing. The caller ends with ctx.Changed.
KeyLookup LookupOrCreateList(CommandContext& ctx, const KeyRef& k) {
  return ctx.LookupOrCreate(k, ObjType::kList, [&] {
    const HotLimits& lim = ctx.server.limits();
    List* l = List::New(lim.get(lim.list_max_listpack_size), lim.get(lim.list_compress_depth),
                        static_cast<uint64_t>(lim.get(lim.list_packed_threshold)));
    return Entry::NewObject(k.key, ObjType::kList, Encoding::kQuicklist, l);
  });
}

// Replies up to n elements popped from `end` as an array (Redis's listPopRangeAndReply).
void PopRangeReply(CommandContext& ctx, List* l, ListEnd end, int64_t n) {
  size_t len = static_cast<size_t>(std::min<int64_t>(n, static_cast<int64_t>(l->size())));
  ctx.rb.Array(len);
  for (size_t i = 0; i < len; ++i) l->Pop(end, [&](std::string_view v) { ctx.rb.Bulk(v); });
}

// Redis's getPositiveLongFromObjectOrReply / getRangeLongFromObjectOrReply with a message:
// the message covers both "not an integer" and "out of range".
bool ParseRange(std::string_view arg, int64_t min, int64_t* out) { return StrToLL(arg, out) && *out >= min; }

// ---- Push ----------------------------------------------------------------------------------

// LPUSH/RPUSH (xx = false) and LPUSHX/RPUSHX (xx = true: only onto an existing list).
void PushGeneric(CommandContext& ctx, ListEnd end, bool xx) {
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = xx ? ctx.LookupOrReply(k, ObjType::kList, Access::kWrite) : LookupOrCreateList(ctx, k);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);  // LPUSHX/RPUSHX on a missing key
  List* l = ListToInsertInto(ctx, e);
  for (size_t i = 2; i < ctx.argc(); ++i) l->Push(end, ctx.arg(i));
  int64_t len = static_cast<int64_t>(l->size());
  ctx.Changed(k, e, kNotifyList, end == ListEnd::kHead ? "lpush" : "rpush");
  ctx.rb.Int(len);
}

void LPush(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kHead, false); }
void RPush(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kTail, false); }
void LPushX(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kHead, true); }
void RPushX(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kTail, true); }

// ---- Pop -----------------------------------------------------------------------------------

// LPOP/RPOP key [count]. Without count: a bulk or null. With count: an array, a null array for
// a missing key, and an empty array for count 0 on an existing list.
void PopGeneric(CommandContext& ctx, ListEnd end) {
  if (ctx.argc() > 3) return ctx.rb.Error(err::WrongArgs(ctx.spec.name));
  bool has_count = ctx.argc() == 3;
  int64_t count = 0;
  if (has_count && !ParseRange(ctx.arg(2), 0, &count)) return ctx.rb.Error(err::kMustBePositive);
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kList, Access::kWrite);
  if (wrong) return;
  if (!e) return has_count ? ctx.rb.NullArray() : ctx.rb.Null();
  List* l = ListOf(e);
  if (!has_count)
    l->Pop(end, [&](std::string_view v) { ctx.rb.Bulk(v); });
  else
    PopRangeReply(ctx, l, end, count);
  if (has_count && count == 0) return;  // nothing popped, nothing announced
  ctx.Changed(k, e, kNotifyList, end == ListEnd::kHead ? "lpop" : "rpop");  // deletes the key with its last element
}

void LPop(CommandContext& ctx) { PopGeneric(ctx, ListEnd::kHead); }
void RPop(CommandContext& ctx) { PopGeneric(ctx, ListEnd::kTail); }

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
void LMPop(CommandContext& ctx) {
  MPopArgs a;
  if (!ParseMPopArgs(ctx, 1, "left", "right", &a)) return;
  ListEnd end = a.from_end ? ListEnd::kTail : ListEnd::kHead;
  if (PopManyWithKey(ctx, ctx.keys, end, a.count) == ListPop::kEmpty) ctx.rb.NullArray();
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
void LMove(CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseListEnd(ctx.arg(3), &from) || !ParseListEnd(ctx.arg(4), &to)) return ctx.rb.Error(err::kSyntax);
  if (MoveElement(ctx, ctx.keys[0], ctx.keys[1], from, to) == ListPop::kEmpty) ctx.rb.Null();
}

void RPopLPush(CommandContext& ctx) {
  if (MoveElement(ctx, ctx.keys[0], ctx.keys[1], ListEnd::kTail, ListEnd::kHead) == ListPop::kEmpty) ctx.rb.Null();
}

// ---- Reads ---------------------------------------------------------------------------------

void LLen(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kList, Access::kRead);
  if (wrong) return;
  ctx.rb.Int(e ? static_cast<int64_t>(ListOf(e)->size()) : 0);
}

// LRANGE key start stop: indexes are parsed before the key is looked up, as in Redis.
void LRange(CommandContext& ctx) {
  int64_t start, end;
  if (!StrToLL(ctx.arg(2), &start) || !StrToLL(ctx.arg(3), &end)) return ctx.rb.Error(err::kNotInteger);
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kList, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Array(0);
  const List* l = ListOf(e);
  int64_t llen = static_cast<int64_t>(l->size());
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return ctx.rb.Array(0);
  if (end >= llen) end = llen - 1;
  int64_t n = end - start + 1;
  ctx.rb.Array(static_cast<size_t>(n));
  List::Cursor c = l->CursorAt(static_cast<size_t>(start));
  for (int64_t i = 0; i < n; ++i, c.Next()) ctx.rb.Bulk(c.Value());
}

// LINDEX key index: the key is looked up before the index is parsed, as in Redis.
void LIndex(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kList, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Null();
  int64_t index;
  if (!StrToLL(ctx.arg(2), &index)) return ctx.rb.Error(err::kNotInteger);
  const List* l = ListOf(e);
  int64_t llen = static_cast<int64_t>(l->size());
  if (index < 0) index += llen;
  if (index < 0 || index >= llen) return ctx.rb.Null();
  ctx.rb.Bulk(l->At(static_cast<size_t>(index)));
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void LPos(CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;  // count -1: no COUNT option
  for (size_t j = 3; j < ctx.argc(); ++j) {
    std::string_view opt = ctx.arg(j);
    bool more = j + 1 < ctx.argc();
    if (EqualsNoCase(opt, "rank") && more) {
      if (!StrToLL(ctx.arg(++j), &rank)) return ctx.rb.Error(err::kNotInteger);
      if (rank == 0) return ctx.rb.Error(err::kLposRankZero);
    } else if (EqualsNoCase(opt, "count") && more) {
      if (!ParseRange(ctx.arg(++j), 0, &count)) return ctx.rb.Error(err::kLposCountNegative);
    } else if (EqualsNoCase(opt, "maxlen") && more) {
      if (!ParseRange(ctx.arg(++j), 0, &maxlen)) return ctx.rb.Error(err::kLposMaxlenNegative);
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  // A negative rank searches from the tail. Redis negates it in a long, so RANK
  // -9223372036854775808 stays negative there: every match then counts as ranked, and its
  // COUNT test (matches - rank + 1 >= count) wraps and never stops the search. The unsigned
  // arithmetic below reproduces exactly that.
  bool from_tail = rank < 0;
  if (from_tail) rank = static_cast<int64_t>(0 - static_cast<uint64_t>(rank));

  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kList, Access::kRead);
  if (wrong) return;
  if (!e) return count != -1 ? ctx.rb.Array(0) : ctx.rb.Null();

  const List* l = ListOf(e);
  int64_t llen = static_cast<int64_t>(l->size());
  std::string_view ele = ctx.arg(2);
  std::vector<int64_t> found;
  int64_t index = 0, matches = 0, matchindex = -1;
  List::Cursor c = l->CursorAt(from_tail ? l->size() - 1 : 0);
  for (; c.Valid() && (maxlen == 0 || index < maxlen); from_tail ? c.Prev() : c.Next()) {
    if (c.Value() == ele) {
      ++matches;
      matchindex = from_tail ? llen - index - 1 : index;
      if (matches >= rank) {
        if (count == -1) break;
        found.push_back(matchindex);
        int64_t ranked = static_cast<int64_t>(static_cast<uint64_t>(matches) - static_cast<uint64_t>(rank) + 1);
        if (count && ranked >= count) break;
      }
    }
    ++index;
    matchindex = -1;
  }
  if (count != -1) {
    ctx.rb.Array(found.size());
    for (int64_t i : found) ctx.rb.Int(i);
  } else if (matchindex != -1) {
    ctx.rb.Int(matchindex);
  } else {
    ctx.rb.Null();
  }
}

// ---- Changes in place ----------------------------------------------------------------------

// LSET key index element
void LSet(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kList, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Error(err::kNoSuchKey);
  int64_t index;
  if (!StrToLL(ctx.arg(2), &index)) return ctx.rb.Error(err::kNotInteger);
  List* l = ListToInsertInto(ctx, e);
  int64_t llen = static_cast<int64_t>(l->size());
  if (index < 0) index += llen;
  if (index < 0 || index >= llen) return ctx.rb.Error(err::kIndexOutOfRange);
  l->Set(static_cast<size_t>(index), ctx.arg(3));
  ctx.Changed(k, e, kNotifyList, "lset");
  ctx.rb.Ok();
}

// LINSERT key BEFORE|AFTER pivot element: the list's new length, 0 for a missing key, -1 when
// the pivot is not found.
void LInsert(CommandContext& ctx) {
  bool after;
  if (EqualsNoCase(ctx.arg(2), "after"))
    after = true;
  else if (EqualsNoCase(ctx.arg(2), "before"))
    after = false;
  else
    return ctx.rb.Error(err::kSyntax);
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kList, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  List* l = ListToInsertInto(ctx, e);
  if (!l->InsertAtPivot(ctx.arg(3), ctx.arg(4), after)) return ctx.rb.Int(-1);
  int64_t len = static_cast<int64_t>(l->size());
  ctx.Changed(ctx.keys[0], e, kNotifyList, "linsert");
  ctx.rb.Int(len);
}

// LREM key count element
void LRem(CommandContext& ctx) {
  int64_t count;
  if (!StrToLL(ctx.arg(2), &count)) return ctx.rb.Error(err::kNotInteger);
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kList, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  List* l = ListOf(e);
  size_t removed = l->Remove(ctx.arg(3), count);
  if (removed) ctx.Changed(k, e, kNotifyList, "lrem");
  ctx.rb.Int(static_cast<int64_t>(removed));
}

// LTRIM key start stop
void LTrim(CommandContext& ctx) {
  int64_t start, end;
  if (!StrToLL(ctx.arg(2), &start) || !StrToLL(ctx.arg(3), &end)) return ctx.rb.Error(err::kNotInteger);
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kList, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Ok();
  List* l = ListOf(e);
  int64_t llen = static_cast<int64_t>(l->size());
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  int64_t ltrim, rtrim;
  if (start > end || start >= llen) {
    ltrim = llen;  // out of range: the list empties
    rtrim = 0;
  } else {
    if (end >= llen) end = llen - 1;
    ltrim = start;
    rtrim = llen - end - 1;
  }
  l->EraseRange(0, static_cast<size_t>(ltrim));
  l->EraseRange(l->size() - static_cast<size_t>(rtrim), static_cast<size_t>(rtrim));
  ctx.Changed(k, e, kNotifyList, "ltrim");
  ctx.rb.Ok();
}

}  // namespace

// ---- list_ops.h ------------------------------------------------------------------------------

bool ParseListEnd(std::string_view arg, ListEnd* end) {
  if (EqualsNoCase(arg, "left")) {
    *end = ListEnd::kHead;
    return true;
  }
  if (EqualsNoCase(arg, "right")) {
    *end = ListEnd::kTail;
    return true;
  }
  return false;
}

namespace {
// Pops from the first key (in order) that holds a list and replies [key, what pop writes].
template <class Pop>
ListPop PopWithKey(CommandContext& ctx, std::span<const KeyRef> keys, ListEnd end, Pop pop) {
  for (const KeyRef& k : keys) {
    auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kList, Access::kWrite);
    if (wrong) return ListPop::kReplied;
    if (!e) continue;
    ctx.rb.Array(2);
    ctx.rb.Bulk(k.key);
    pop(ListOf(e));
    ctx.Changed(k, e, kNotifyList, end == ListEnd::kHead ? "lpop" : "rpop");
    return ListPop::kReplied;
  }
  return ListPop::kEmpty;
}
}  // namespace

ListPop PopOneWithKey(CommandContext& ctx, std::span<const KeyRef> keys, ListEnd end) {
  return PopWithKey(ctx, keys, end, [&](List* l) { l->Pop(end, [&](std::string_view v) { ctx.rb.Bulk(v); }); });
}

ListPop PopManyWithKey(CommandContext& ctx, std::span<const KeyRef> keys, ListEnd end, int64_t count) {
  return PopWithKey(ctx, keys, end, [&](List* l) { PopRangeReply(ctx, l, end, count); });
}

ListPop MoveElement(CommandContext& ctx, const KeyRef& src, const KeyRef& dst, ListEnd from, ListEnd to) {
  auto [s, s_wrong] = ctx.LookupOrReply(src, ObjType::kList, Access::kWrite);
  if (s_wrong) return ListPop::kReplied;
  if (!s) return ListPop::kEmpty;
  // Creates dst if missing; the same key as src gives s again (the move is a rotation).
  auto [d, d_wrong] = LookupOrCreateList(ctx, dst);
  if (d_wrong) return ListPop::kReplied;
  std::string v;
  ListOf(s)->Pop(from, [&](std::string_view x) { v.assign(x); });
  ListToInsertInto(ctx, d)->Push(to, v);
  ctx.rb.Bulk(v);
  Entry* src_left = d != s ? ctx.Changed(src, s) : s;  // deletes src with its last element
  ctx.Changed(dst, d);
  // Redis announces the push on dst, then the pop on src, then src's deletion.
  ctx.Notify(kNotifyList, to == ListEnd::kHead ? "lpush" : "rpush", dst);
  ctx.Notify(kNotifyList, from == ListEnd::kHead ? "lpop" : "rpop", src);
  if (!src_left) ctx.Notify(kNotifyGeneric, "del", src);
  return ListPop::kReplied;
}

// ---- Table ---------------------------------------------------------------------------------

void RegisterListFamily(CommandRegistry& reg) {
  const KeySpec kRwInsert{.flags = "RW insert", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0};
  const KeySpec kRwAccessDelete{.flags = "RW access delete", .begin_index = 1, .last_key = 0, .key_step = 1,
                                .limit = 0};
  const KeySpec kRoAccess{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0};
  const KeySpec kRwDelete{.flags = "RW delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0};
  const KeySpec kMoveDst{.flags = "RW insert", .begin_index = 2, .last_key = 0, .key_step = 1, .limit = 0};
  constexpr std::string_view kPushComplexity =
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple "
      "arguments.";

  // What the rows of the four pushes, and of the two pops, differ in.
  struct Row {
    std::string_view name;
    CommandHandler handler;
    std::string_view since, summary;
  };
  for (const Row& p : {
           Row{"lpush", LPush, "1.0.0", "Prepends elements to a list, creating it if needed."},
           Row{"rpush", RPush, "1.0.0", "Appends elements to a list, creating it if needed."},
           Row{"lpushx", LPushX, "2.2.0", "Prepends elements to a list only if the list exists."},
           Row{"rpushx", RPushX, "2.2.0", "Appends elements to a list only if the list exists."},
       }) {
    reg.Add({.name = p.name, .arity = -3, .flags = "write denyoom fast", .first_key = 1, .last_key = 1,
             .step = 1, .acl = "@write @list @fast", .key_specs = {kRwInsert}, .handler = p.handler,
             .aof = AofLog::kVerbatim, .group = "list", .since = p.since, .summary = p.summary,
             .complexity = kPushComplexity});
  }
  for (const Row& p : {
           Row{"lpop", LPop, "1.0.0",
                "Removes and returns the first elements of a list; deletes the list when it empties."},
           Row{"rpop", RPop, "1.0.0",
                "Removes and returns the last elements of a list; deletes the list when it empties."},
       }) {
    reg.Add({.name = p.name, .arity = -2, .flags = "write fast", .first_key = 1, .last_key = 1, .step = 1,
             .acl = "@write @list @fast", .key_specs = {kRwAccessDelete}, .handler = p.handler,
             .aof = AofLog::kVerbatim, .group = "list", .since = p.since, .summary = p.summary,
             .complexity = "O(N) where N is the number of elements returned"});
  }
  reg.Add({.name = "llen", .arity = 2, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @list @fast",
           .key_specs = {{.flags = "RO", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = LLen, .group = "list", .since = "1.0.0",
           .summary = "Returns the number of elements in a list.", .complexity = "O(1)"});
  reg.Add({.name = "lrange", .arity = 4, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @list @slow", .key_specs = {kRoAccess}, .handler = LRange,
           .group = "list", .since = "1.0.0",
           .summary = "Returns the elements of a list between two indexes.",
           .complexity = "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest "
                         "end (HEAD or TAIL) for large lists; and N is the number of elements in the specified "
                         "range."});
  reg.Add({.name = "lindex", .arity = 3, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @list @slow", .key_specs = {kRoAccess}, .handler = LIndex,
           .group = "list", .since = "1.0.0",
           .summary = "Returns the element of a list at an index.",
           .complexity = "O(N) where N is the number of elements to traverse to get to the element at index. This "
                         "makes asking for the first or the last element of the list O(1)."});
  reg.Add({.name = "lset", .arity = 4, .flags = "write denyoom", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @list @slow",
           .key_specs = {{.flags = "RW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = LSet, .aof = AofLog::kVerbatim, .group = "list", .since = "1.0.0",
           .summary = "Overwrites the element of a list at an index.",
           .complexity = "O(N) where N is the length of the list. Setting either the first or the last element of "
                         "the list is O(1)."});
  reg.Add({.name = "linsert", .arity = 5, .flags = "write denyoom", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @list @slow", .key_specs = {kRwInsert}, .handler = LInsert,
           .aof = AofLog::kVerbatim, .group = "list", .since = "2.2.0",
           .summary = "Inserts an element before or after the first occurrence of another element of a list.",
           .complexity = "O(N) where N is the number of elements to traverse before seeing the value pivot. This "
                         "means that inserting somewhere on the left end on the list (head) can be considered O(1) "
                         "and inserting somewhere on the right end (tail) is O(N)."});
  reg.Add({.name = "lrem", .arity = 4, .flags = "write", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @list @slow", .key_specs = {kRwDelete}, .handler = LRem,
           .aof = AofLog::kVerbatim, .group = "list", .since = "1.0.0",
           .summary = "Removes occurrences of an element from a list, from the head or the tail.",
           .complexity = "O(N+M) where N is the length of the list and M is the number of elements removed."});
  reg.Add({.name = "ltrim", .arity = 4, .flags = "write", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @list @slow", .key_specs = {kRwDelete}, .handler = LTrim,
           .aof = AofLog::kVerbatim, .group = "list", .since = "1.0.0",
           .summary = "Keeps only the elements of a list between two indexes.",
           .complexity = "O(N) where N is the number of elements to be removed by the operation."});
  reg.Add({.name = "lpos", .arity = -3, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @list @slow", .key_specs = {kRoAccess}, .handler = LPos,
           .group = "list", .since = "6.0.6",
           .summary = "Returns the index (or indexes) of matching elements of a list.",
           .complexity = "O(N) where N is the number of elements in the list, for the average case. When searching "
                         "for elements near the head or the tail of the list, or when the MAXLEN option is "
                         "provided, the command may run in constant time."});
  reg.Add({.name = "lmove", .arity = 5, .flags = "write denyoom", .first_key = 1, .last_key = 2, .step = 1,
           .acl = "@write @list @slow", .key_specs = {kRwAccessDelete, kMoveDst}, .handler = LMove,
           .aof = AofLog::kVerbatim, .group = "list", .since = "6.2.0",
           .summary = "Pops an element from one end of a list and pushes it onto an end of another (or the same) "
                      "list.",
           .complexity = "O(1)"});
  reg.Add({.name = "rpoplpush", .arity = 3, .flags = "write denyoom", .first_key = 1, .last_key = 2, .step = 1,
           .acl = "@write @list @slow", .key_specs = {kRwAccessDelete, kMoveDst}, .handler = RPopLPush,
           .aof = AofLog::kVerbatim, .group = "list", .since = "1.2.0",
           .summary = "Pops the last element of a list and pushes it onto the head of another (or the same) list.",
           .complexity = "O(1)"});
  reg.Add({.name = "lmpop", .arity = -4, .flags = "write movablekeys", .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@write @list @slow",
           .key_specs = {{.flags = "RW access delete", .begin_index = 1, .keynum = true, .key_step = 1,
                          .keynum_idx = 0, .first_key = 1}},
           .handler = LMPop, .aof = AofLog::kVerbatim, .group = "list", .since = "7.0.0",
           .summary = "Pops elements from the first non-empty list among several keys.",
           .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements returned."});
}

}  // namespace ks
