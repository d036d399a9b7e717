// Blocking commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP. Each first tries what its
// non-blocking twin does; when every key is empty it queues the client (server/blocking.h).
// When re-run to serve a waiter, only keys that now hold the command's type count: Redis 7.0 keeps a
// client blocked when a waited key is created with another type.
#include <boost/container/small_vector.hpp>

#include "common/strconv.h"
#include "server/blocking/blocking.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/families/list_ops.h"
#include "server/families/mpop_args.h"
#include "server/families/zset_ops.h"

namespace ks {
namespace {

using KeyList = boost::container::small_vector<KeyRef, 4>;

// In serve mode, the subset of keys holding the command's type; otherwise all of them.
KeyList ServableKeys(CommandContext& ctx, std::span<const KeyRef> keys, ObjType type = ObjType::kList) {
  KeyList out;
  for (const KeyRef& k : keys) {
    if (ctx.serving && !ctx.Lookup(k, type, Access::kWrite).entry) continue;
    out.push_back(k);
  }
  return out;
}

bool Timeout(CommandContext& ctx, std::string_view arg, int64_t* ms) {
  std::string_view e;
  if (ParseBlockTimeout(arg, ms, &e)) return true;
  ctx.rb.Error(e);
  return false;
}

// BLPOP/BRPOP key [key ...] timeout
void BPop(CommandContext& ctx, ListEnd end) {
  int64_t timeout;
  if (!Timeout(ctx, ctx.args.back(), &timeout)) return;
  KeyList keys = ServableKeys(ctx, ctx.keys);
  if (PopOneWithKey(ctx, keys, end) == ListPop::kReplied) return;
  BlockOnKeys(ctx, ctx.keys, timeout, TimeoutReply::kNullArray);
}
void BLPop(CommandContext& ctx) { BPop(ctx, ListEnd::kHead); }
void BRPop(CommandContext& ctx) { BPop(ctx, ListEnd::kTail); }

void BMove(CommandContext& ctx, ListEnd from, ListEnd to, std::string_view timeout_arg) {
  int64_t timeout;
  if (!Timeout(ctx, timeout_arg, &timeout)) return;
  const KeyRef& src = ctx.keys[0];
  const KeyRef& dst = ctx.keys[1];
  if (ctx.serving && !ctx.Lookup(src, ObjType::kList, Access::kWrite).entry) {
    ctx.would_block = true;
    return;
  }
  if (MoveElement(ctx, src, dst, from, to) == ListPop::kReplied) return;
  // Redis 7.0 times out every list/zset blocking command alike: a null array (*-1 in RESP2),
  // BLMOVE and BRPOPLPUSH included.
  BlockOnKeys(ctx, std::span<const KeyRef>(&src, 1), timeout, TimeoutReply::kNullArray);
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
void BLMove(CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseListEnd(ctx.arg(3), &from) || !ParseListEnd(ctx.arg(4), &to)) return ctx.rb.Error(err::kSyntax);
  BMove(ctx, from, to, ctx.arg(5));
}

// BRPOPLPUSH source destination timeout
void BRPopLPush(CommandContext& ctx) { BMove(ctx, ListEnd::kTail, ListEnd::kHead, ctx.arg(3)); }

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
void BLMPop(CommandContext& ctx) {
  MPopArgs a;
  if (!ParseMPopArgs(ctx, 2, "left", "right", &a)) return;
  int64_t timeout;
  if (!Timeout(ctx, ctx.arg(1), &timeout)) return;
  KeyList keys = ServableKeys(ctx, ctx.keys);
  if (PopManyWithKey(ctx, keys, a.from_end ? ListEnd::kTail : ListEnd::kHead, a.count) == ListPop::kReplied) return;
  BlockOnKeys(ctx, ctx.keys, timeout, TimeoutReply::kNullArray);
}

// BZPOPMIN/BZPOPMAX key [key ...] timeout
void BZPop(CommandContext& ctx, bool max) {
  int64_t timeout;
  if (!Timeout(ctx, ctx.args.back(), &timeout)) return;
  KeyList keys = ServableKeys(ctx, ctx.keys, ObjType::kZSet);
  if (ZPopFirst(ctx, keys, max, -1, ZPopReply::kKeyFlat) != ZPopStatus::kEmpty) return;
  BlockOnKeys(ctx, ctx.keys, timeout, TimeoutReply::kNullArray);
}
void BZPopMin(CommandContext& ctx) { BZPop(ctx, false); }
void BZPopMax(CommandContext& ctx) { BZPop(ctx, true); }

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]; arguments are checked in
// Redis's order: numkeys, MIN|MAX, COUNT, then the timeout.
void BZMPop(CommandContext& ctx) {
  MPopArgs a;
  if (!ParseMPopArgs(ctx, 2, "min", "max", &a)) return;
  int64_t timeout;
  if (!Timeout(ctx, ctx.arg(1), &timeout)) return;
  KeyList keys = ServableKeys(ctx, ctx.keys, ObjType::kZSet);
  if (ZPopFirst(ctx, keys, a.from_end, a.count, ZPopReply::kKeyNested) != ZPopStatus::kEmpty) return;
  BlockOnKeys(ctx, ctx.keys, timeout, TimeoutReply::kNullArray);
}

}  // namespace

void RegisterBlockingListFamily(CommandRegistry& reg) {
  reg.Add({.name = "blpop",
           .arity = -3,
           .flags = "write noscript blocking",
           .first_key = 1, .last_key = -2, .step = 1,
           .acl = "@write @list @slow @blocking",
           .key_specs = {{.flags = "RW access delete", .begin_index = 1, .last_key = -2, .key_step = 1, .limit = 0}},
           .handler = BLPop,
           .group = "list", .since = "2.0.0",
           .summary = "Pops the first element of the first non-empty list, waiting for one if all are empty.",
           .complexity = "O(N) where N is the number of provided keys."});
  reg.Add({.name = "brpop",
           .arity = -3,
           .flags = "write noscript blocking",
           .first_key = 1, .last_key = -2, .step = 1,
           .acl = "@write @list @slow @blocking",
           .key_specs = {{.flags = "RW access delete", .begin_index = 1, .last_key = -2, .key_step = 1, .limit = 0}},
           .handler = BRPop,
           .group = "list", .since = "2.0.0",
           .summary = "Pops the last element of the first non-empty list, waiting for one if all are empty.",
           .complexity = "O(N) where N is the number of provided keys."});
  reg.Add({.name = "blmove",
           .arity = 6,
           .flags = "write denyoom noscript blocking",
           .first_key = 1, .last_key = 2, .step = 1,
           .acl = "@write @list @slow @blocking",
           .key_specs = {{.flags = "RW access delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0},
                         {.flags = "RW insert", .begin_index = 2, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = BLMove,
           .group = "list", .since = "6.2.0",
           .summary = "Moves an element from one list to another, waiting for one if the source is empty.",
           .complexity = "O(1)"});
  reg.Add({.name = "brpoplpush",
           .arity = 4,
           .flags = "write denyoom noscript blocking",
           .first_key = 1, .last_key = 2, .step = 1,
           .acl = "@write @list @slow @blocking",
           .key_specs = {{.flags = "RW access delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0},
                         {.flags = "RW insert", .begin_index = 2, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = BRPopLPush,
           .group = "list", .since = "2.2.0",
           .summary = "Pops the last element of a list onto the head of another, waiting if the source is empty.",
           .complexity = "O(1)"});
  reg.Add({.name = "blmpop",
           .arity = -5,
           .flags = "write blocking movablekeys",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@write @list @slow @blocking",
           .key_specs = {{.flags = "RW access delete", .begin_index = 2, .keynum = true, .key_step = 1, .keynum_idx = 0,
                          .first_key = 1}},
           .handler = BLMPop,
           .group = "list", .since = "7.0.0",
           .summary = "Pops elements from the first non-empty list, waiting for one if all are empty.",
           .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements returned."});
}

void RegisterBlockingZSetFamily(CommandRegistry& reg) {
  reg.Add({.name = "bzpopmin",
           .arity = -3,
           .flags = "write noscript blocking fast",
           .first_key = 1, .last_key = -2, .step = 1,
           .acl = "@write @sortedset @fast @blocking",
           .key_specs = {{.flags = "RW access delete", .begin_index = 1, .last_key = -2, .key_step = 1, .limit = 0}},
           .handler = BZPopMin,
           .group = "sorted-set", .since = "5.0.0",
           .summary = "Pops the lowest-scored member of the first non-empty sorted set, waiting if all are empty.",
           .complexity = "O(log(N)) with N being the number of elements in the sorted set."});
  reg.Add({.name = "bzpopmax",
           .arity = -3,
           .flags = "write noscript blocking fast",
           .first_key = 1, .last_key = -2, .step = 1,
           .acl = "@write @sortedset @fast @blocking",
           .key_specs = {{.flags = "RW access delete", .begin_index = 1, .last_key = -2, .key_step = 1, .limit = 0}},
           .handler = BZPopMax,
           .group = "sorted-set", .since = "5.0.0",
           .summary = "Pops the highest-scored member of the first non-empty sorted set, waiting if all are empty.",
           .complexity = "O(log(N)) with N being the number of elements in the sorted set."});
  reg.Add({.name = "bzmpop",
           .arity = -5,
           .flags = "write blocking movablekeys",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@write @sortedset @slow @blocking",
           .key_specs = {{.flags = "RW access delete", .begin_index = 2, .keynum = true, .key_step = 1, .keynum_idx = 0,
                          .first_key = 1}},
           .handler = BZMPop,
           .group = "sorted-set", .since = "7.0.0",
           .summary = "Pops members from the first non-empty sorted set, waiting if all are empty.",
           .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in "
                         "the sorted set, and M being the number of elements popped."});
}

}  // namespace ks
