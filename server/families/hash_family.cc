// Hashes: Redis 7.0's hash commands (t_hash.c), with its argument rules, error texts, reply
// types and OBJECT ENCODING results (listpack or hashtable, see engine/hash.h).
//
// A hash starts as a listpack and converts to a hashtable exactly where Redis converts it:
// HSET/HMSET/HSETNX look at every argument they are about to store before storing anything,
// HINCRBY/HINCRBYFLOAT look at the field and the new value, and any insert past
// hash-max-listpack-entries converts. Nothing converts back. A hash left empty is deleted.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/hash.h"
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

Hash AsHash(const Entry* e) { return Hash(e->obj()); }

size_t MaxListpackEntries(CommandContext& ctx) {
  int64_t v = ctx.server.limits().get(ctx.server.limits().hash_max_listpack_entries);
  return v < 0 ? 0 : static_cast<size_t>(v);
}

size_t MaxListpackValue(CommandContext& ctx) {
  int64_t v = ctx.server.limits().get(ctx.server.limits().hash_max_listpack_value);
  return v < 0 ? 0 : static_cast<size_t>(v);
}

// Points e at h after a change that may have moved or converted it.
void Sync(Entry* e, const Hash& h) {
  e->set_obj(h.ptr());
  e->set_encoding(h.listpack() ? Encoding::kListpack : Encoding::kHashtable);
}

// Redis's hashTypeLookupWriteOrCreate: the key's hash, created empty (as a listpack) if the
// key is missing. nullptr after replying WRONGTYPE. The caller ends with ctx.Changed.
Entry* LookupWriteOrCreate(CommandContext& ctx, const KeyRef& k) {
  auto make = [&] { return Entry::NewObject(k.key, ObjType::kHash, Encoding::kListpack, Hash::NewListpack().ptr()); };
  return ctx.LookupOrCreate(k, ObjType::kHash, make).entry;
}

// Redis's hashTypeTryConversion: before HSET/HMSET/HSETNX store args [from, to), a listpack
// converts if any of them is longer than hash-max-listpack-value, or if the listpack could
// grow past its safe size.
void TryConversion(CommandContext& ctx, Hash& h, size_t from, size_t to) {
  if (!h.listpack()) return;
  size_t max_value = MaxListpackValue(ctx), sum = 0;
  for (size_t i = from; i < to; ++i) {
    if (ctx.arg(i).size() > max_value) return h.ConvertToHashtable();
    sum += ctx.arg(i).size();
  }
  if (!h.ListpackSafeToAdd(sum)) h.ConvertToHashtable();
}

// Redis's hashTypeSet: a field or value too long for a listpack converts first (the HINCRBY*
// path; HSET has converted already), and an insert past hash-max-listpack-entries converts
// after. Returns true if the field is new.
bool SetField(CommandContext& ctx, Entry* e, std::string_view field, std::string_view value) {
  Hash h = AsHash(e);
  if (h.listpack()) {
    size_t max_value = MaxListpackValue(ctx);
    if (field.size() > max_value || value.size() > max_value) h.ConvertToHashtable();
  }
  bool added = h.Set(field, value);
  if (h.listpack() && h.size() > MaxListpackEntries(ctx)) h.ConvertToHashtable();
  Sync(e, h);
  return added;
}

// ---- Writes ------------------------------------------------------------------------------

// HSET key field value [field value ...]; HMSET replies OK instead of the count of new fields.
void HSetGeneric(CommandContext& ctx, bool hmset) {
  if (ctx.argc() % 2 == 1) return ctx.rb.Error(err::WrongArgs(ctx.spec.name));
  Entry* e = LookupWriteOrCreate(ctx, ctx.keys[0]);
  if (!e) return;
  Hash h = AsHash(e);
  TryConversion(ctx, h, 2, ctx.argc());
  if (h.listpack()) {
    size_t extra = 0;
    for (size_t i = 2; i < ctx.argc(); i += 2) extra += Hash::ListpackPairBytes(ctx.arg(i), ctx.arg(i + 1));
    h.Reserve(extra);  // an upper bound: fields that exist already take less
  }
  Sync(e, h);
  int64_t created = 0;
  for (size_t i = 2; i < ctx.argc(); i += 2) created += SetField(ctx, e, ctx.arg(i), ctx.arg(i + 1));
  h = AsHash(e);
  h.ShrinkToFit();
  Sync(e, h);
  ctx.Changed(ctx.keys[0], e, kNotifyHash, "hset");
  hmset ? ctx.rb.Ok() : ctx.rb.Int(created);
}

void HSet(CommandContext& ctx) { HSetGeneric(ctx, false); }
void HMSet(CommandContext& ctx) { HSetGeneric(ctx, true); }

void HSetNx(CommandContext& ctx) {
  Entry* e = LookupWriteOrCreate(ctx, ctx.keys[0]);
  if (!e) return;
  Hash h = AsHash(e);
  if (h.Exists(ctx.arg(2))) return ctx.rb.Int(0);  // no conversion when nothing is stored
  TryConversion(ctx, h, 2, 4);
  Sync(e, h);
  SetField(ctx, e, ctx.arg(2), ctx.arg(3));
  ctx.Changed(ctx.keys[0], e, kNotifyHash, "hset");
  ctx.rb.Int(1);
}

void HDel(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kHash, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  Hash h = AsHash(e);
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (!h.Delete(ctx.arg(i))) continue;
    ++deleted;
    if (h.empty()) break;  // as Redis: the key goes with its last field
  }
  Sync(e, h);
  if (deleted) ctx.Changed(k, e, kNotifyHash, "hdel");  // deletes the key with its last field
  ctx.rb.Int(deleted);
}

// HINCRBY key field increment. The value must be a Redis integer (string2ll); the sum must
// fit in 64 bits.
void HIncrBy(CommandContext& ctx) {
  int64_t incr;
  if (!StrToLL(ctx.arg(3), &incr)) return ctx.rb.Error(err::kNotInteger);
  Entry* e = LookupWriteOrCreate(ctx, ctx.keys[0]);
  if (!e) return;
  int64_t value = 0;
  std::string_view cur;
  if (AsHash(e).Get(ctx.arg(2), &cur) && !StrToLL(cur, &value)) return ctx.rb.Error(err::kHashNotInteger);
  if ((incr < 0 && value < 0 && incr < INT64_MIN - value) || (incr > 0 && value > 0 && incr > INT64_MAX - value))
    return ctx.rb.Error(err::kOverflow);
  value += incr;
  char buf[24];
  SetField(ctx, e, ctx.arg(2), LLToStr(value, buf));
  ctx.Changed(ctx.keys[0], e, kNotifyHash, "hincrby");
  ctx.rb.Int(value);
}

// HINCRBYFLOAT key field increment: long double arithmetic printed as INCRBYFLOAT prints it.
void HIncrByFloat(CommandContext& ctx) {
  long double incr;
  if (!StrToLD(ctx.arg(3), &incr)) return ctx.rb.Error(err::kNotFloat);
  if (std::isnan(incr) || std::isinf(incr)) return ctx.rb.Error(err::kValueNanOrInf);
  Entry* e = LookupWriteOrCreate(ctx, ctx.keys[0]);
  if (!e) return;
  long double value = 0;
  std::string_view cur;
  if (AsHash(e).Get(ctx.arg(2), &cur) && !StrToLD(cur, &value)) return ctx.rb.Error(err::kHashNotFloat);
  value += incr;
  if (std::isnan(value) || std::isinf(value)) return ctx.rb.Error(err::kNanOrInf);
  std::string text = LDToStr(value);
  SetField(ctx, e, ctx.arg(2), text);
  ctx.Changed(ctx.keys[0], e, kNotifyHash, "hincrbyfloat");
  ctx.rb.Bulk(text);
}

// ---- Reads -------------------------------------------------------------------------------

void HGet(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kHash, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Null();
  std::string_view v;
  if (!AsHash(e).Get(ctx.arg(2), &v)) return ctx.rb.Null();
  ctx.rb.Bulk(v);
}

void HMGet(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kHash, Access::kRead);
  if (wrong) return;
  ctx.rb.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::string_view v;
    if (e && AsHash(e).Get(ctx.arg(i), &v))
      ctx.rb.Bulk(v);
    else
      ctx.rb.Null();
  }
}

void HLen(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kHash, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  ctx.rb.Int(static_cast<int64_t>(AsHash(e).size()));
}

void HStrLen(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kHash, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  std::string_view v;
  ctx.rb.Int(AsHash(e).Get(ctx.arg(2), &v) ? static_cast<int64_t>(v.size()) : 0);
}

void HExists(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kHash, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  ctx.rb.Int(AsHash(e).Exists(ctx.arg(2)) ? 1 : 0);
}

enum : uint8_t { kFields = 1, kValues = 2 };

// HKEYS, HVALS (arrays) and HGETALL (a map in RESP3): Redis's genericHgetallCommand.
void HGetAllGeneric(CommandContext& ctx, uint8_t what) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kHash, Access::kRead);
  if (wrong) return;
  size_t n = e ? AsHash(e).size() : 0;
  if (what == (kFields | kValues))
    ctx.rb.Map(n);
  else
    ctx.rb.Array(n);
  if (!e) return;
  AsHash(e).ForEach([&](std::string_view f, std::string_view v) {
    if (what & kFields) ctx.rb.Bulk(f);
    if (what & kValues) ctx.rb.Bulk(v);
  });
}

void HKeys(CommandContext& ctx) { HGetAllGeneric(ctx, kFields); }
void HVals(CommandContext& ctx) { HGetAllGeneric(ctx, kValues); }
void HGetAll(CommandContext& ctx) { HGetAllGeneric(ctx, kFields | kValues); }

// ---- HRANDFIELD --------------------------------------------------------------------------

// One element of HRANDFIELD's reply: the field, or with values a pair (nested in RESP3).
void ReplyPair(CommandContext& ctx, bool with_values, std::string_view f, std::string_view v) {
  if (with_values && ctx.rb.resp3()) ctx.rb.Array(2);
  ctx.rb.Bulk(f);
  if (with_values) ctx.rb.Bulk(v);
}

// Redis's hrandfieldWithCountCommand. A negative count samples with repeats; a positive one
// returns distinct fields: the whole hash (in its order) when count >= size, otherwise a random
// subset.
void HRandFieldWithCount(CommandContext& ctx, int64_t l, bool with_values) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kHash, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Array(0);
  Hash h = AsHash(e);
  const size_t size = h.size();
  const bool uniq = l >= 0;
  const uint64_t count = uniq ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  if (count == 0) return ctx.rb.Array(0);
  Rng rng = ctx.random();

  if (!uniq || count == 1) {
    // Redis would start streaming an unbounded reply here; keyshard builds replies in memory,
    // so it refuses a reply of more than 2^31 elements.
    if (count > (uint64_t{1} << 31)) return ctx.rb.Error(err::kValueOutOfRange);
    ctx.rb.Array(with_values && !ctx.rb.resp3() ? count * 2 : count);
    if (h.listpack()) {
      // Index the pairs once so each draw is O(1).
      auto pairs = h.Pairs();
      for (uint64_t i = 0; i < count; ++i) {
        const auto& [f, v] = pairs[rng.Below(pairs.size())];
        ReplyPair(ctx, with_values, f, v);
      }
    } else {
      for (uint64_t i = 0; i < count; ++i) {
        auto [f, v] = h.RandomPair(rng);
        ReplyPair(ctx, with_values, f, v);
      }
    }
    return;
  }

  const uint64_t reply_size = count < size ? count : size;
  ctx.rb.Array(with_values && !ctx.rb.resp3() ? reply_size * 2 : reply_size);
  if (count >= size) {
    h.ForEach([&](std::string_view f, std::string_view v) { ReplyPair(ctx, with_values, f, v); });
    return;
  }
  if (h.listpack() || count * 3 > size) {
    // Choose count distinct positions (Floyd's algorithm would do too; a partial shuffle is
    // simplest) and reply in the hash's order, as Redis's lpRandomPairsUnique does.
    auto pairs = h.Pairs();
    std::vector<uint32_t> idx(pairs.size());
    for (uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
    for (uint64_t i = 0; i < count; ++i) std::swap(idx[i], idx[i + rng.Below(idx.size() - i)]);
    idx.resize(count);
    std::sort(idx.begin(), idx.end());
    for (uint32_t i : idx) ReplyPair(ctx, with_values, pairs[i].first, pairs[i].second);
    return;
  }
  // A big hash and few fields wanted: draw until count distinct fields were seen.
  std::unordered_set<const char*> seen;
  seen.reserve(count);
  while (seen.size() < count) {
    auto [f, v] = h.RandomPair(rng);
    if (seen.insert(f.data()).second) ReplyPair(ctx, with_values, f, v);
  }
}

// HRANDFIELD key [count [WITHVALUES]]
void HRandField(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t l;
    if (!StrToLL(ctx.arg(2), &l)) return ctx.rb.Error(err::kNotInteger);
    if (l == INT64_MIN) return ctx.rb.Error(err::ValueRange(-INT64_MAX, INT64_MAX));
    bool with_values = false;
    if (ctx.argc() > 4 || (ctx.argc() == 4 && !EqualsNoCase(ctx.arg(3), "withvalues"))) {
      return ctx.rb.Error(err::kSyntax);
    } else if (ctx.argc() == 4) {
      with_values = true;
      // The reply holds 2*count elements, which must stay a valid count (CVE-2023-22458).
      if (l < -INT64_MAX / 2 || l > INT64_MAX / 2) return ctx.rb.Error(err::kValueOutOfRange);
    }
    return HRandFieldWithCount(ctx, l, with_values);
  }
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kHash, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Null();
  Rng rng = ctx.random();
  ctx.rb.Bulk(AsHash(e).RandomPair(rng).first);
}

// ---- HSCAN -------------------------------------------------------------------------------

// HSCAN key cursor [MATCH pattern] [COUNT count]. A hashtable is walked with ScanTable's
// reverse-binary cursor, so every field present throughout a full iteration is returned; a
// listpack is returned whole with cursor 0, as in Redis.
void HScan(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx, 2, &cursor)) return;
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kHash, Access::kRead);
  if (wrong) return;
  if (!e) return ReplyEmptyScan(ctx.rb);

  ScanOptions opt;
  if (!ParseScanOptions(ctx, 3, false, &opt)) return;

  // Views into the hash stay valid: the engine is locked and nothing changes it here.
  std::vector<std::pair<std::string_view, std::string_view>> found;
  auto collect = [&](std::string_view f, std::string_view v) { found.emplace_back(f, v); };
  Hash h = AsHash(e);
  if (h.listpack()) {
    cursor = h.Scan(cursor, collect);
  } else {
    // Redis stops after count elements (a field and a value count as two) or 10*count
    // buckets, whichever comes first.
    uint64_t max_iterations = opt.MaxBuckets();
    do {
      cursor = h.Scan(cursor, collect);
    } while (cursor && max_iterations-- && found.size() * 2 < static_cast<uint64_t>(opt.count));
  }
  if (opt.use_pattern) std::erase_if(found, [&](const auto& p) { return !opt.Matches(p.first); });

  ctx.rb.Array(2);
  ctx.rb.Bulk(std::to_string(cursor));
  ctx.rb.Array(found.size() * 2);
  for (const auto& [f, v] : found) {
    ctx.rb.Bulk(f);
    ctx.rb.Bulk(v);
  }
}

}  // namespace

void RegisterHashFamily(CommandRegistry& reg) {
  constexpr KeySpec kRwUpdate{.flags = "RW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0};
  constexpr KeySpec kRwAccessUpdate{.flags = "RW access update", .begin_index = 1, .last_key = 0, .key_step = 1,
                                    .limit = 0};
  constexpr KeySpec kRoAccess{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0};
  constexpr KeySpec kRo{.flags = "RO", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0};
  constexpr std::string_view kWholeHash = "O(N) where N is the size of the hash.";

  reg.Add({.name = "hset", .arity = -4, .flags = "write denyoom fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @hash @fast", .key_specs = {kRwUpdate}, .handler = HSet,
           .aof = AofLog::kVerbatim, .group = "hash",
           .since = "2.0.0", .summary = "Sets one or more fields of a hash, creating the hash if needed.",
           .complexity = "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the "
                         "command is called with multiple field/value pairs."});
  reg.Add({.name = "hsetnx", .arity = 4, .flags = "write denyoom fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @hash @fast",
           .key_specs = {{.flags = "RW insert", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = HSetNx, .aof = AofLog::kVerbatim, .group = "hash", .since = "2.0.0",
           .summary = "Sets a hash field only if the field does not exist yet.", .complexity = "O(1)"});
  reg.Add({.name = "hget", .arity = 3, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @hash @fast", .key_specs = {kRoAccess}, .handler = HGet, .group = "hash",
           .since = "2.0.0", .summary = "Returns the value of one hash field.", .complexity = "O(1)"});
  reg.Add({.name = "hmget", .arity = -3, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @hash @fast", .key_specs = {kRoAccess}, .handler = HMGet, .group = "hash",
           .since = "2.0.0", .summary = "Returns the values of several hash fields.",
           .complexity = "O(N) where N is the number of fields being requested."});
  reg.Add({.name = "hmset", .arity = -4, .flags = "write denyoom fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @hash @fast", .key_specs = {kRwUpdate}, .handler = HMSet,
           .aof = AofLog::kVerbatim, .group = "hash",
           .since = "2.0.0", .summary = "Sets several hash fields (old form of HSET, replies OK).",
           .complexity = "O(N) where N is the number of fields being set."});
  reg.Add({.name = "hdel", .arity = -3, .flags = "write fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @hash @fast",
           .key_specs = {{.flags = "RW delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = HDel, .aof = AofLog::kVerbatim, .group = "hash", .since = "2.0.0",
           .summary = "Deletes hash fields, and the hash with its last field.",
           .complexity = "O(N) where N is the number of fields to be removed."});
  reg.Add({.name = "hlen", .arity = 2, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @hash @fast", .key_specs = {kRo}, .handler = HLen, .group = "hash", .since = "2.0.0",
           .summary = "Returns the number of fields in a hash.", .complexity = "O(1)"});
  reg.Add({.name = "hstrlen", .arity = 3, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @hash @fast", .key_specs = {kRo}, .handler = HStrLen, .group = "hash",
           .since = "3.2.0", .summary = "Returns the length in bytes of a hash field's value.",
           .complexity = "O(1)"});
  reg.Add({.name = "hexists", .arity = 3, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @hash @fast", .key_specs = {kRo}, .handler = HExists, .group = "hash",
           .since = "2.0.0", .summary = "Tells whether a hash has a field.", .complexity = "O(1)"});
  reg.Add({.name = "hkeys", .arity = 2, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @hash @slow", .tips = "nondeterministic_output_order", .key_specs = {kRoAccess},
           .handler = HKeys, .group = "hash", .since = "2.0.0", .summary = "Returns all field names of a hash.",
           .complexity = kWholeHash});
  reg.Add({.name = "hvals", .arity = 2, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @hash @slow", .tips = "nondeterministic_output_order", .key_specs = {kRoAccess},
           .handler = HVals, .group = "hash", .since = "2.0.0", .summary = "Returns all values of a hash.",
           .complexity = kWholeHash});
  reg.Add({.name = "hgetall", .arity = 2, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @hash @slow", .tips = "nondeterministic_output_order", .key_specs = {kRoAccess},
           .handler = HGetAll, .group = "hash", .since = "2.0.0",
           .summary = "Returns every field and value of a hash.", .complexity = kWholeHash});
  reg.Add({.name = "hincrby", .arity = 4, .flags = "write denyoom fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @hash @fast", .key_specs = {kRwAccessUpdate}, .handler = HIncrBy,
           .aof = AofLog::kVerbatim, .group = "hash",
           .since = "2.0.0", .summary = "Adds an integer to a hash field's integer value.",
           .complexity = "O(1)"});
  reg.Add({.name = "hincrbyfloat", .arity = 4, .flags = "write denyoom fast", .first_key = 1, .last_key = 1,
           .step = 1, .acl = "@write @hash @fast", .key_specs = {kRwAccessUpdate}, .handler = HIncrByFloat,
           .group = "hash", .since = "2.6.0", .summary = "Adds a floating point number to a hash field's value.",
           .complexity = "O(1)"});
  reg.Add({.name = "hrandfield", .arity = -2, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @hash @slow", .tips = "nondeterministic_output", .key_specs = {kRoAccess},
           .handler = HRandField, .group = "hash", .since = "6.2.0",
           .summary = "Returns random fields of a hash, optionally with their values.",
           .complexity = "O(N) where N is the number of fields returned"});
  reg.Add({.name = "hscan", .arity = -3, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @hash @slow", .tips = "nondeterministic_output", .key_specs = {kRoAccess},
           .handler = HScan, .group = "hash", .since = "2.8.0",
           .summary = "Iterates over the fields and values of a hash with a cursor.",
           .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
                         "the cursor to return back to 0. N is the number of elements inside the collection.."});
}

}  // namespace ks
