// Keyspace commands: DEL, EXISTS, TYPE, the EXPIRE family, KEYS, SCAN, RENAME, COPY, MOVE...
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/families/scan_args.h"

namespace ks {
namespace {

// ---- Existence, deletion, type -------------------------------------------------------------

// DEL and UNLINK: both free at once; the reclaim is per key and cheap enough not to defer.
void Del(CommandContext& ctx) {
  int64_t n = 0;
  for (const KeyRef& k : ctx.keys) n += ctx.Delete(k);
  ctx.rb.Int(n);
}

// Counts repeated keys once per mention, as Redis does.
void Exists(CommandContext& ctx) {
  int64_t n = 0;
  for (const KeyRef& k : ctx.keys) n += ctx.engine(k).FindForRead(ctx.db(), k.slot, k.key, false) != nullptr;
  ctx.rb.Int(n);
}

void Touch(CommandContext& ctx) {
  int64_t n = 0;
  for (const KeyRef& k : ctx.keys) n += ctx.FindRead(k) != nullptr;
  ctx.rb.Int(n);
}

void Type(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  Entry* e = ctx.engine(k).FindForRead(ctx.db(), k.slot, k.key, false);
  ctx.rb.Simple(e ? TypeName(e->type()) : "none");
}

// ---- Expiry ----------------------------------------------------------------------------------

enum ExpireFlag : uint8_t { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX|XX|GT|LT]. base_now: relative forms add the
// current time; seconds: the argument is in seconds. Checks run in Redis's order: options,
// then the number, then overflow, then the key.
void ExpireGeneric(CommandContext& ctx, bool base_now, bool seconds) {
  uint8_t flags = 0;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view o = ctx.arg(i);
    if (EqualsNoCase(o, "nx")) flags |= kNx;
    else if (EqualsNoCase(o, "xx")) flags |= kXx;
    else if (EqualsNoCase(o, "gt")) flags |= kGt;
    else if (EqualsNoCase(o, "lt")) flags |= kLt;
    else return ctx.rb.Error(err::UnsupportedOption(o));
  }
  if ((flags & kNx) && (flags & (kXx | kGt | kLt))) return ctx.rb.Error(err::kExpireNxCompat);
  if ((flags & kGt) && (flags & kLt)) return ctx.rb.Error(err::kExpireGtLt);

  int64_t when;
  if (!StrToLL(ctx.arg(2), &when)) return ctx.rb.Error(err::kNotInteger);
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) return ctx.rb.Error(err::InvalidExpire(ctx.spec.name));
    when *= 1000;
  }
  int64_t now = ctx.NowMs();
  if (base_now) {
    if (when > INT64_MAX - now) return ctx.rb.Error(err::InvalidExpire(ctx.spec.name));
    when += now;
  }

  const KeyRef& k = ctx.keys[0];
  Entry* e = ctx.Find(k);
  if (!e) return ctx.rb.Int(0);
  int64_t cur = e->expire_ms();  // kNoExpire (-1): no TTL, which GT/LT treat as infinite
  if ((flags & kNx) && cur != Entry::kNoExpire) return ctx.rb.Int(0);
  if ((flags & kXx) && cur == Entry::kNoExpire) return ctx.rb.Int(0);
  if ((flags & kGt) && (cur == Entry::kNoExpire || when <= cur)) return ctx.rb.Int(0);
  if ((flags & kLt) && cur != Entry::kNoExpire && when >= cur) return ctx.rb.Int(0);

  // A time already past deletes the key instead of storing a TTL nobody could observe.
  if (when <= now) {
    ctx.Delete(k);
  } else {
    ctx.SetExpire(k, e, when);
  }
  ctx.rb.Int(1);
}

void Expire(CommandContext& ctx) { ExpireGeneric(ctx, true, true); }
void PExpire(CommandContext& ctx) { ExpireGeneric(ctx, true, false); }
void ExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, false, true); }
void PExpireAt(CommandContext& ctx) { ExpireGeneric(ctx, false, false); }

// TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 no key, -1 no TTL. Reading a TTL does not touch the key.
void TtlGeneric(CommandContext& ctx, bool ms, bool absolute) {
  const KeyRef& k = ctx.keys[0];
  Entry* e = ctx.engine(k).FindForRead(ctx.db(), k.slot, k.key, false);
  if (!e) return ctx.rb.Int(-2);
  if (!e->has_expire()) return ctx.rb.Int(-1);
  int64_t t = absolute ? e->expire_ms() : e->expire_ms() - ctx.NowMs();
  if (t < 0) t = 0;
  ctx.rb.Int(ms ? t : (t + 500) / 1000);
}

void Ttl(CommandContext& ctx) { TtlGeneric(ctx, false, false); }
void PTtl(CommandContext& ctx) { TtlGeneric(ctx, true, false); }
void ExpireTime(CommandContext& ctx) { TtlGeneric(ctx, false, true); }
void PExpireTime(CommandContext& ctx) { TtlGeneric(ctx, true, true); }

void Persist(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  Entry* e = ctx.Find(k);
  if (!e || !e->has_expire()) return ctx.rb.Int(0);
  ctx.SetExpire(k, e, Entry::kNoExpire);
  ctx.rb.Int(1);
}

// ---- Whole-keyspace reads ----------------------------------------------------------------------

// Runs under LockMode::kAll, so the listing is one atomic snapshot of every engine. The reply
// points into the entries, which stay alive while the locks are held.
void Keys(CommandContext& ctx) {
  std::string_view pattern = ctx.arg(1);
  bool all = pattern == "*";
  std::vector<std::string_view> out;
  ShardSet& shards = ctx.shards();
  for (int i = 0; i < shards.size(); ++i) {
    Engine& eng = shards.engine(i);
    Db& d = eng.db(ctx.db());
    int64_t now = eng.NowMs();
    for (int s = d.NextNonEmptySlot(0); s >= 0; s = d.NextNonEmptySlot(s + 1)) {
      d.ForEachInSlot(static_cast<uint16_t>(s), [&](Entry* e) {
        if (eng.IsExpired(e, now)) return;  // not deleted here: the slot is being iterated
        if (all || GlobMatch(pattern, e->key())) out.push_back(e->key());
      });
    }
  }
  ctx.rb.Array(out.size());
  for (std::string_view k : out) ctx.rb.Bulk(k);
}

// SCAN cursor [MATCH pattern] [COUNT n] [TYPE type], over every engine of the client's db.
//
// Cursor encoding: the cursor is the number of the next hash slot to visit (0..16383). Each
// call visits slots in ascending order and returns whole slots, stopping once COUNT keys have
// been examined; it answers 0 after the last slot. A key's slot never changes, so a key that
// exists for the whole iteration is in exactly one visited slot and is returned exactly once,
// whichever engine owns the slot. A cursor beyond the last slot ends the iteration at once.
//
// Only the engine owning the slots being read is locked, one run of its slots at a time, so
// SCAN never holds more than one engine. Keys are copied into one buffer before the lock is
// dropped.
void Scan(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx, 1, &cursor)) return;
  ScanOptions opt;
  if (!ParseScanOptions(ctx, 2, true, &opt)) return;

  std::string arena;            // the returned keys, back to back
  std::vector<uint32_t> ends;   // end offset of each key in arena
  ShardSet& shards = ctx.shards();
  const SlotMap& table = shards.slots();
  const int db = ctx.db();
  int64_t examined = 0;
  int slot = cursor < static_cast<uint64_t>(kNumSlots) ? static_cast<int>(cursor) : kNumSlots;
  while (slot < kNumSlots && examined < opt.count) {
    // The run of consecutive slots owned by one engine, read under that engine's lock (with
    // it held, none of its slots can move away).
    SlotGuard guard(shards, static_cast<uint16_t>(slot));
    const uint16_t owner = guard.engine_id();
    int run_end = slot + 1;
    while (run_end < kNumSlots && table.EngineOf(static_cast<uint16_t>(run_end)) == owner) ++run_end;
    Engine& eng = guard.engine();
    Db& d = eng.db(db);
    int64_t now = eng.NowMs();
    while (slot < run_end && examined < opt.count) {
      int s = d.NextNonEmptySlot(slot);
      if (s < 0 || s >= run_end) {
        slot = run_end;
        break;
      }
      d.ForEachInSlot(static_cast<uint16_t>(s), [&](Entry* e) {
        ++examined;
        if (eng.IsExpired(e, now)) return;
        if (opt.use_type && !EqualsNoCase(TypeName(e->type()), opt.type)) return;
        if (!opt.Matches(e->key())) return;
        arena.append(e->key());
        ends.push_back(static_cast<uint32_t>(arena.size()));
      });
      slot = s + 1;
    }
  }

  char buf[24];
  ctx.rb.Array(2);
  ctx.rb.Bulk(LLToStr(slot >= kNumSlots ? 0 : slot, buf));
  ctx.rb.Array(ends.size());
  uint32_t begin = 0;
  for (uint32_t end : ends) {
    ctx.rb.Bulk(std::string_view(arena).substr(begin, end - begin));
    begin = end;
  }
}

// Runs under LockMode::kAll. Picks an engine weighted by its key count, then a key by index
// within it, so every key is about equally likely (expired keys found are deleted and the draw
// repeats, as in Redis).
void RandomKey(CommandContext& ctx) {
  Rng rng = ctx.random();
  ShardSet& shards = ctx.shards();
  const int db = ctx.db();
  for (;;) {
    uint64_t total = 0;
    for (int i = 0; i < shards.size(); ++i) total += shards.engine(i).KeyCount(db);
    if (total == 0) return ctx.rb.Null();
    uint64_t r = rng.Below(total);
    int i = 0;
    while (r >= shards.engine(i).KeyCount(db)) r -= shards.engine(i++).KeyCount(db);
    Engine& eng = shards.engine(i);
    Db& d = eng.db(db);
    int s = d.NextNonEmptySlot(0);
    while (r >= d.SlotSize(static_cast<uint16_t>(s))) {
      r -= d.SlotSize(static_cast<uint16_t>(s));
      s = d.NextNonEmptySlot(s + 1);
    }
    Entry* e = d.NthInSlot(static_cast<uint16_t>(s), r);
    if (!eng.IsExpired(e, eng.NowMs())) return ctx.rb.Bulk(e->key());
    std::string key(e->key());  // the entry is freed by the delete
    eng.Delete(db, static_cast<uint16_t>(s), key);
  }
}

// ---- Renaming, copying, moving between databases ---------------------------------------------

// The dispatcher has locked both keys' engines, so a rename across engines is atomic.
void RenameGeneric(CommandContext& ctx, bool nx) {
  const KeyRef& src = ctx.keys[0];
  const KeyRef& dst = ctx.keys[1];
  Entry* e = ctx.Find(src);
  if (!e) return ctx.rb.Error(err::kNoSuchKey);
  if (src.key == dst.key) return nx ? ctx.rb.Int(0) : ctx.rb.Ok();
  if (nx && ctx.Find(dst)) return ctx.rb.Int(0);
  Entry* moved = ctx.Detach(src);
  // Re-keying keeps the TTL and hands a collection over without copying it; Put frees any
  // value the destination held.
  ctx.Put(dst, Entry::Rekey(moved, dst.key));
  if (nx)
    ctx.rb.Int(1);
  else
    ctx.rb.Ok();
}

void Rename(CommandContext& ctx) { RenameGeneric(ctx, false); }
void RenameNx(CommandContext& ctx) { RenameGeneric(ctx, true); }

// Redis's getIntFromObjectOrReply + selectDb check for a database number.
bool ParseDbIndex(CommandContext& ctx, std::string_view arg, int* db) {
  int64_t v;
  if (!StrToLL(arg, &v)) {
    ctx.rb.Error(err::kNotInteger);
    return false;
  }
  if (v < INT32_MIN || v > INT32_MAX) {
    ctx.rb.Error(err::kIntRange);
    return false;
  }
  // `databases` is fixed at start-up, so reading it needs no lock.
  int64_t dbs = std::min<int64_t>(ctx.server.config().databases, kNumDbs);
  if (v < 0 || v >= dbs) {
    ctx.rb.Error(err::kDbIndexRange);
    return false;
  }
  *db = static_cast<int>(v);
  return true;
}

// COPY source destination [DB n] [REPLACE]. The destination is routed by its name, so in
// another database it still lives in the engine the dispatcher locked.
void Copy(CommandContext& ctx) {
  int dst_db = ctx.db();
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (EqualsNoCase(ctx.arg(i), "replace")) {
      replace = true;
    } else if (EqualsNoCase(ctx.arg(i), "db") && i + 1 < ctx.argc()) {
      if (!ParseDbIndex(ctx, ctx.arg(++i), &dst_db)) return;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  const KeyRef& src = ctx.keys[0];
  const KeyRef& dst = ctx.keys[1];
  if (dst_db == ctx.db() && src.key == dst.key) return ctx.rb.Error(err::kSameObject);
  Entry* e = ctx.FindRead(src);
  if (!e) return ctx.rb.Int(0);
  if (ctx.engine(dst).Find(dst_db, dst.slot, dst.key) && !replace) return ctx.rb.Int(0);
  ctx.Put(dst, Entry::CloneAs(e, dst.key), dst_db);
  ctx.rb.Int(1);
}

// MOVE key db: the same engine holds the key's slot in every database, so the entry itself
// moves between the two tables.
void Move(CommandContext& ctx) {
  int dst_db;
  if (!ParseDbIndex(ctx, ctx.arg(2), &dst_db)) return;
  if (dst_db == ctx.db()) return ctx.rb.Error(err::kSameObject);
  const KeyRef& k = ctx.keys[0];
  if (!ctx.Find(k)) return ctx.rb.Int(0);
  if (ctx.engine(k).Find(dst_db, k.slot, k.key)) return ctx.rb.Int(0);
  ctx.Put(k, ctx.Detach(k), dst_db);
  ctx.rb.Int(1);
}

// ---- OBJECT ----------------------------------------------------------------------------------

// OBJECT looks keys up without touching them (so IDLETIME reads the real idle time), but the
// lookup counts as a keyspace hit or miss as in Redis.
Entry* ObjectLookup(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  return ctx.engine(k).FindForRead(ctx.db(), k.slot, k.key, false);
}

void ObjectEncoding(CommandContext& ctx) {
  Entry* e = ObjectLookup(ctx);
  if (!e) return ctx.rb.Null();
  ctx.rb.Bulk(EncodingName(e->encoding()));
}

// The access field holds either an LRU clock or an LFU counter, by the engine's policy; each
// subcommand answers only for its own kind, as in Redis.
void ObjectFreq(CommandContext& ctx) {
  Entry* e = ObjectLookup(ctx);
  if (!e) return ctx.rb.Null();
  Engine& eng = ctx.engine(ctx.keys[0]);
  if (!IsLfu(eng.memory_policy().policy)) return ctx.rb.Error(err::kLfuNotSelected);
  ctx.rb.Int(eng.LfuFreq(e));
}

void ObjectIdleTime(CommandContext& ctx) {
  Entry* e = ObjectLookup(ctx);
  if (!e) return ctx.rb.Null();
  Engine& eng = ctx.engine(ctx.keys[0]);
  if (IsLfu(eng.memory_policy().policy)) return ctx.rb.Error(err::kLfuSelected);
  ctx.rb.Int(static_cast<int64_t>(eng.IdleSeconds(e)));
}

// Redis shares one object for each integer 0..9999 and reports INT_MAX as its refcount;
// every other value has one owner.
void ObjectRefCount(CommandContext& ctx) {
  Entry* e = ObjectLookup(ctx);
  if (!e) return ctx.rb.Null();
  int64_t v;
  bool shared = e->type() == ObjType::kString && e->encoding() == Encoding::kInt && StrToLL(e->str(), &v) &&
                v >= 0 && v < 10000;
  ctx.rb.Int(shared ? INT32_MAX : 1);
}

void ObjectHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

KeySpec RangeSpec(std::string_view flags, int index, int last_key = 0) {
  return {.flags = flags, .begin_index = index, .last_key = last_key, .key_step = 1, .limit = 0};
}

// DEL, UNLINK, EXISTS and TOUCH take any number of keys and reply a count summed over them,
// which their tips tell a cluster client to add up across shards.
CommandSpec SummedKeysRow(std::string_view name, std::string_view flags, std::string_view acl,
                          std::string_view key_flags, CommandHandler h, std::string_view since,
                          std::string_view summary, std::string_view complexity, AofLog aof = AofLog::kEffect) {
  return {.name = name,
          .arity = -2,
          .flags = flags,
          .first_key = 1, .last_key = -1, .step = 1,
          .acl = acl,
          .tips = "request_policy:multi_shard response_policy:agg_sum",
          .key_specs = {RangeSpec(key_flags, 1, -1)},
          .handler = h,
          .aof = aof,
          .group = "generic", .since = since,
          .summary = summary,
          .complexity = complexity};
}

// The four EXPIRE variants and the four TTL readers share a row shape.
CommandSpec ExpireRow(std::string_view name, CommandHandler h, AofLog aof, std::string_view since,
                      std::string_view summary) {
  return {.name = name,
          .arity = -3,
          .flags = "write fast",
          .first_key = 1, .last_key = 1, .step = 1,
          .acl = "@keyspace @write @fast",
          .key_specs = {RangeSpec("RW update", 1)},
          .handler = h,
          .aof = aof,
          .group = "generic", .since = since,
          .summary = summary,
          .complexity = "O(1)"};
}

CommandSpec TtlRow(std::string_view name, CommandHandler h, std::string_view since, std::string_view tips,
                   std::string_view summary) {
  return {.name = name,
          .arity = 2,
          .flags = "readonly fast",
          .first_key = 1, .last_key = 1, .step = 1,
          .acl = "@keyspace @read @fast",
          .tips = tips,
          .key_specs = {RangeSpec("RO access", 1)},
          .handler = h,
          .group = "generic", .since = since,
          .summary = summary,
          .complexity = "O(1)"};
}

CommandSpec ObjectSubRow(std::string_view name, CommandHandler h, std::string_view since, std::string_view summary) {
  return {.name = name,
          .arity = 3,
          .flags = "readonly",
          .first_key = 2, .last_key = 2, .step = 1,
          .acl = "@keyspace @read @slow",
          .tips = "nondeterministic_output",
          .key_specs = {RangeSpec("RO", 2)},
          .handler = h,
          .group = "generic", .since = since,
          .summary = summary,
          .complexity = "O(1)"};
}

}  // namespace

void RegisterGenericFamily(CommandRegistry& reg) {
  reg.Add(SummedKeysRow("del", "write", "@keyspace @write @slow", "RM delete", Del, "1.0.0",
                        "Deletes keys and returns how many existed.",
                        "O(N) where N is the number of keys that will be removed. When a key to remove holds a "
                        "value other than a string, the individual complexity for this key is O(M) where M is the "
                        "number of elements in the list, set, sorted set or hash. Removing a single key that holds "
                        "a string value is O(1).",
                        AofLog::kVerbatim));
  reg.Add(SummedKeysRow("unlink", "write fast", "@keyspace @write @fast", "RM delete", Del, "4.0.0",
                        "Deletes keys like DEL; Redis reclaims their memory in the background.",
                        "O(1) for each key removed regardless of its size. Then the command does O(N) work in a "
                        "different thread in order to reclaim memory, where N is the number of allocations the "
                        "deleted objects where composed of.",
                        AofLog::kVerbatim));
  reg.Add(SummedKeysRow("exists", "readonly fast", "@keyspace @read @fast", "RO", Exists, "1.0.0",
                        "Counts how many of the given keys exist.", "O(N) where N is the number of keys to check."));
  reg.Add(SummedKeysRow("touch", "readonly fast", "@keyspace @read @fast", "RO", Touch, "3.2.1",
                        "Refreshes the last access time of keys and counts those that exist.",
                        "O(N) where N is the number of keys that will be touched."));
  reg.Add({.name = "type",
           .arity = 2,
           .flags = "readonly fast",
           .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@keyspace @read @fast",
           .key_specs = {RangeSpec("RO", 1)},
           .handler = Type,
           .group = "generic", .since = "1.0.0",
           .summary = "Names the type of the value at a key, or none.",
           .complexity = "O(1)"});
  // A relative TTL is logged as the absolute time it gave (PEXPIREAT), as Redis rewrites it.
  reg.Add(ExpireRow("expire", Expire, AofLog::kTtl, "1.0.0", "Sets a key's time to live in seconds."));
  reg.Add(ExpireRow("pexpire", PExpire, AofLog::kTtl, "2.6.0", "Sets a key's time to live in milliseconds."));
  reg.Add(ExpireRow("expireat", ExpireAt, AofLog::kVerbatim, "1.2.0",
                    "Sets a key's expiry as a Unix time in seconds."));
  reg.Add(ExpireRow("pexpireat", PExpireAt, AofLog::kVerbatim, "2.6.0",
                    "Sets a key's expiry as a Unix time in milliseconds."));
  reg.Add(TtlRow("ttl", Ttl, "1.0.0", "nondeterministic_output", "Returns a key's remaining time to live in seconds."));
  reg.Add(TtlRow("pttl", PTtl, "2.6.0", "nondeterministic_output",
                 "Returns a key's remaining time to live in milliseconds."));
  reg.Add(TtlRow("expiretime", ExpireTime, "7.0.0", "", "Returns a key's expiry as a Unix time in seconds."));
  reg.Add(TtlRow("pexpiretime", PExpireTime, "7.0.0", "", "Returns a key's expiry as a Unix time in milliseconds."));
  reg.Add({.name = "persist",
           .arity = 2,
           .flags = "write fast",
           .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@keyspace @write @fast",
           .key_specs = {RangeSpec("RW update", 1)},
           .handler = Persist,
           .aof = AofLog::kVerbatim,
           .group = "generic", .since = "2.2.0",
           .summary = "Removes a key's time to live.",
           .complexity = "O(1)"});
  reg.Add({.name = "keys",
           .arity = 2,
           .flags = "readonly",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@keyspace @read @slow @dangerous",
           .tips = "request_policy:all_shards nondeterministic_output_order",
           .handler = Keys,
           .lock = LockMode::kAll,
           .group = "generic", .since = "1.0.0",
           .summary = "Lists every key matching a glob pattern.",
           .complexity = "O(N) with N being the number of keys in the database, under the assumption that the key "
                         "names in the database and the given pattern have limited length."});
  reg.Add({.name = "scan",
           .arity = -2,
           .flags = "readonly",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@keyspace @read @slow",
           .tips = "nondeterministic_output request_policy:special",
           .handler = Scan,
           .lock = LockMode::kSelf,
           .group = "generic", .since = "2.8.0",
           .summary = "Iterates over the keys of the database with a cursor.",
           .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
                         "the cursor to return back to 0. N is the number of elements inside the collection."});
  reg.Add({.name = "randomkey",
           .arity = 1,
           .flags = "readonly",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@keyspace @read @slow",
           .tips = "request_policy:all_shards nondeterministic_output",
           .handler = RandomKey,
           .lock = LockMode::kAll,
           .group = "generic", .since = "1.0.0",
           .summary = "Returns a random key name from the database.",
           .complexity = "O(1)"});
  reg.Add({.name = "rename",
           .arity = 3,
           .flags = "write",
           .first_key = 1, .last_key = 2, .step = 1,
           .acl = "@keyspace @write @slow",
           .key_specs = {RangeSpec("RW access delete", 1), RangeSpec("OW update", 2)},
           .handler = Rename,
           .aof = AofLog::kVerbatim,
           .group = "generic", .since = "1.0.0",
           .summary = "Gives a key a new name, replacing any key with that name.",
           .complexity = "O(1)"});
  reg.Add({.name = "renamenx",
           .arity = 3,
           .flags = "write fast",
           .first_key = 1, .last_key = 2, .step = 1,
           .acl = "@keyspace @write @fast",
           .key_specs = {RangeSpec("RW access delete", 1), RangeSpec("OW insert", 2)},
           .handler = RenameNx,
           .aof = AofLog::kVerbatim,
           .group = "generic", .since = "1.0.0",
           .summary = "Renames a key only if the new name is not taken.",
           .complexity = "O(1)"});
  reg.Add({.name = "copy",
           .arity = -3,
           .flags = "write denyoom",
           .first_key = 1, .last_key = 2, .step = 1,
           .acl = "@keyspace @write @slow",
           .key_specs = {RangeSpec("RO access", 1), RangeSpec("OW update", 2)},
           .handler = Copy,
           .aof = AofLog::kVerbatim,
           .dst_db_option = "db",
           .group = "generic", .since = "6.2.0",
           .summary = "Copies a key's value to another key, optionally in another database.",
           .complexity = "O(N) worst case for collections, where N is the number of nested items. O(1) for string "
                         "values."});
  reg.Add({.name = "move",
           .arity = 3,
           .flags = "write fast",
           .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@keyspace @write @fast",
           .key_specs = {RangeSpec("RW access update", 1)},
           .handler = Move,
           .aof = AofLog::kVerbatim,
           .group = "generic", .since = "1.0.0",
           .summary = "Moves a key to another database.",
           .complexity = "O(1)"});
  reg.Add(ContainerRow("object", "generic", "2.2.3",
                       "Inspects the internals of a key's value.", {
               {.name = "help",
                .arity = 2,
                .flags = "loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@keyspace @slow",
                .handler = ObjectHelp,
                .group = "generic", .since = "6.2.0",
                .summary = "Lists the OBJECT subcommands.",
                .complexity = "O(1)"},
               ObjectSubRow("freq", ObjectFreq, "4.0.0", "Returns a key's LFU access frequency counter."),
               ObjectSubRow("idletime", ObjectIdleTime, "2.2.3", "Returns the seconds since a key was last accessed."),
               ObjectSubRow("encoding", ObjectEncoding, "2.2.3", "Names the internal encoding of a key's value."),
               ObjectSubRow("refcount", ObjectRefCount, "2.2.3", "Returns the reference count of a key's value."),
           }));
}

}  // namespace ks
