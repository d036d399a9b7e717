// Persistence commands: SAVE, DUMP and RESTORE with Redis's payload format (persistence/rdb_*).
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <mutex>
#include <string>

#include "common/strconv.h"
#include "persistence/aof_log.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "server/scripting/scripting.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/persist/rdb_startup.h"
#include "server/persist/snapshots.h"

namespace ks {
namespace {

bool RdbCompression(ServerState& s) { return s.limits().rdbcompression.load(std::memory_order_relaxed); }


void Dump(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  Entry* e = ctx.FindRead(k);
  if (!e) return ctx.rb.Null();
  ctx.rb.Bulk(DumpPayload(e, RdbCompression(ctx.server)));
}

// Redis's restoreCommand: options, then BUSYKEY, then the TTL, then the payload.
void Restore(CommandContext& ctx) {
  bool replace = false, absttl = false;
  int64_t idle = -1, freq = -1;
  for (size_t j = 4; j < ctx.argc(); ++j) {
    std::string_view o = ctx.arg(j);
    bool more = j + 1 < ctx.argc();
    if (EqualsNoCase(o, "replace")) {
      replace = true;
    } else if (EqualsNoCase(o, "absttl")) {
      absttl = true;
    } else if (EqualsNoCase(o, "idletime") && more && freq == -1) {
      if (!StrToLL(ctx.arg(++j), &idle)) return ctx.rb.Error(err::kNotInteger);
      if (idle < 0) return ctx.rb.Error(err::kInvalidIdleTime);
    } else if (EqualsNoCase(o, "freq") && more && idle == -1) {
      if (!StrToLL(ctx.arg(++j), &freq)) return ctx.rb.Error(err::kNotInteger);
      if (freq < 0 || freq > 255) return ctx.rb.Error(err::kInvalidFreq);
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  const KeyRef& k = ctx.keys[0];
  Engine& eng = ctx.engine(k);
  if (!replace && ctx.Find(k)) return ctx.rb.Error(err::kBusyKey);
  int64_t ttl;
  if (!StrToLL(ctx.arg(2), &ttl)) return ctx.rb.Error(err::kNotInteger);
  if (ttl < 0) return ctx.rb.Error(err::kInvalidTtl);
  uint8_t type;
  std::string_view value;
  if (!VerifyDumpPayload(ctx.arg(3), &type, &value)) return ctx.rb.Error(err::kBadDumpPayload);
  std::string why;
  Entry* e = DecodeValue(type, value, k.key, RdbLoadLimitsFrom(ctx.server), &why);
  if (!e) return ctx.rb.Error(err::kBadDataFormat);
  bool deleted = replace && ctx.Delete(k);
  if (ttl && !absttl) ttl += ctx.NowMs();
  if (ttl && ttl <= ctx.NowMs()) {  // already expired: the key is (at most) deleted
    Entry::Free(e);
    if (deleted) ctx.Notify(kNotifyGeneric, "del", k);
    return ctx.rb.Ok();
  }
  if (ttl) e = Entry::SetExpire(e, ttl);
  ctx.Put(k, e);
  ctx.Notify(kNotifyGeneric, "restore", k);
  // Without an LFU policy Redis applies IDLETIME and ignores FREQ; keyshard tracks LRU.
  if (idle >= 0) {
    if (Entry* f = eng.Find(ctx.db(), k.slot, k.key, false)) {
      uint32_t clock = eng.LruClock();
      uint32_t secs = static_cast<uint32_t>(std::min<int64_t>(idle, Engine::kLruClockMax));
      f->set_access(clock >= secs ? clock - secs : Engine::kLruClockMax - (secs - clock));
    }
  }
  ctx.rb.Ok();
}

// SAVE: a snapshot of every engine at one moment, waited for. Unlike Redis's SAVE it does
// not stop the server: the engines keep serving other clients while it is written.
void Save(CommandContext& ctx) {
  Snapshots& snaps = ctx.server.snapshots();
  if (snaps.running() && snaps.running_kind() == SnapshotJob::Kind::kRdb)
    return ctx.rb.Error(err::kBgsaveInProgress);
  snaps.Wait();  // an AOF rewrite's base
  // Redis answers a failed SAVE with a bare ERR; the reason is in the log.
  if (!snaps.SaveNow().empty()) return ctx.rb.Error("ERR");
  ctx.rb.Ok();
}

// BGSAVE [SCHEDULE]
void Bgsave(CommandContext& ctx) {
  bool schedule = false;
  if (ctx.argc() > 1) {
    if (ctx.argc() > 2 || !EqualsNoCase(ctx.arg(1), "schedule")) return ctx.rb.Error(err::kSyntax);
    schedule = true;
  }
  Snapshots& snaps = ctx.server.snapshots();
  if (snaps.running()) {
    if (snaps.running_kind() == SnapshotJob::Kind::kRdb) return ctx.rb.Error(err::kBgsaveInProgress);
    if (!schedule) return ctx.rb.Error(err::kBgsaveChildActive);
    snaps.ScheduleRdb();
    return ctx.rb.Simple("Background saving scheduled");
  }
  if (!snaps.StartRdb()) {  // another one started meanwhile
    if (!schedule) return ctx.rb.Error(err::kBgsaveInProgress);
    snaps.ScheduleRdb();
    return ctx.rb.Simple("Background saving scheduled");
  }
  ctx.rb.Simple("Background saving started");
}

// BGREWRITEAOF: new logs from now on, with a base written in the background (server/snapshots.h).
void Bgrewriteaof(CommandContext& ctx) {
  Snapshots& snaps = ctx.server.snapshots();
  AofSet* aof = ctx.server.aof();
  if (!aof) {
    // Redis 7 can rewrite with the AOF off; keyshard's logs exist only while it is on.
    std::fprintf(stderr, "keyshard: BGREWRITEAOF refused: appendonly is off\n");
    return ctx.rb.Error(err::kAofRewriteFailed);
  }
  if (snaps.running() && snaps.running_kind() == SnapshotJob::Kind::kAofBase)
    return ctx.rb.Error(err::kAofRewriteInProgress);
  if (snaps.running() || !snaps.StartAofRewrite(*aof)) {
    aof->stats().rewrite_scheduled.store(true);
    return ctx.rb.Simple("Background append only file rewriting scheduled");
  }
  ctx.rb.Simple("Background append only file rewriting started");
}

void Lastsave(CommandContext& ctx) { ctx.rb.Int(ctx.server.snapshots().rdb().last_save_sec.load()); }

}  // namespace

RdbLoadLimits RdbLoadLimitsFrom(ServerState& s) {
  const HotLimits& l = s.limits();
  return {.list_fill = l.get(l.list_max_listpack_size),
          .list_compress = l.get(l.list_compress_depth),
          .list_packed_threshold = static_cast<uint64_t>(l.get(l.list_packed_threshold)),
          .hash_max_entries = l.get(l.hash_max_listpack_entries),
          .hash_max_value = l.get(l.hash_max_listpack_value),
          .set_max_intset = l.get(l.set_max_intset_entries),
          .zset_max_entries = l.get(l.zset_max_listpack_entries),
          .zset_max_value = l.get(l.zset_max_listpack_value)};
}

std::optional<std::string> LoadRdbSnapshots(ServerState& state, uint64_t* keys) {
  std::string dir, name;
  {
    std::lock_guard lk(state.config_mu());
    dir = state.config().dir;
    name = state.config().dbfilename;
  }
  RdbLoadStats stats;
  // Files of up to the largest shard count keyshard accepts, so a restart with fewer engines
  // still finds every file.
  for (int i = 0; i < 1024; ++i) {
    bool found = false;
    std::string err = LoadRdbFile(EngineRdbPath(dir, name, i), state.shards(), RdbLoadLimitsFrom(state), &stats, &found);
    if (err.empty()) err = state.scripting().LoadLibraries(&stats.libraries);
    if (!err.empty()) return err;
  }
  *keys = stats.keys_loaded;
  return std::nullopt;
}

std::optional<std::string> ImportRdb(ServerState& state, const std::string& path, uint64_t* keys) {
  RdbLoadStats stats;
  bool found = false;
  std::string err = LoadRdbFile(path, state.shards(), RdbLoadLimitsFrom(state), &stats, &found);
  if (err.empty()) err = state.scripting().LoadLibraries(&stats.libraries);
  if (!err.empty()) return err;
  if (!found) return "cannot open the RDB file to import " + path + ": " + std::strerror(errno);
  *keys = stats.keys_loaded;
  return std::nullopt;
}

// MIGRATE is DUMP + RESTORE to another instance (server/families/migrate_family.cc).
void RegisterMigrateCommand(CommandRegistry& reg);

void RegisterPersistenceFamily(CommandRegistry& reg) {
  RegisterMigrateCommand(reg);
  reg.Add({.name = "dump",
           .arity = 2,
           .flags = "readonly",
           .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@keyspace @read @slow",
           .tips = "nondeterministic_output",
           .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = Dump,
           .group = "generic", .since = "2.6.0",
           .summary = "Serializes a key's value in Redis's DUMP format (RDB encoding, version, CRC64).",
           .complexity = "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of "
                         "Redis objects composing the value and M their average size. For small string values the "
                         "time complexity is thus O(1)+O(1*M) where M is small, so simply O(1)."});
  reg.Add({.name = "save",
           .arity = 1,
           .flags = "admin noscript no_async_loading no_multi",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@admin @slow @dangerous",
           .handler = Save,
           .lock = LockMode::kSelf,
           .group = "server", .since = "1.0.0",
           .summary = "Writes every engine's RDB snapshot (<dir>/<stem>-<engine>.rdb) and waits for it.",
           .complexity = "O(N) where N is the total number of keys in all databases"});
  reg.Add({.name = "bgsave",
           .arity = -1,
           .flags = "admin noscript no_async_loading",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@admin @slow @dangerous",
           .handler = Bgsave,
           .lock = LockMode::kSelf,
           .group = "server", .since = "1.0.0",
           .summary = "Writes every engine's RDB snapshot in the background, without fork.",
           .complexity = "O(N) where N is the total number of keys in all databases"});
  reg.Add({.name = "bgrewriteaof",
           .arity = 1,
           .flags = "admin noscript no_async_loading",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@admin @slow @dangerous",
           .handler = Bgrewriteaof,
           .lock = LockMode::kSelf,
           .group = "server", .since = "1.0.0",
           .summary = "Starts new append-only files with a base written in the background, without fork.",
           .complexity = "O(1)"});
  reg.Add({.name = "lastsave",
           .arity = 1,
           .flags = "loading stale fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@admin @fast @dangerous",
           .tips = "nondeterministic_output",
           .handler = Lastsave,
           .lock = LockMode::kSelf,
           .group = "server", .since = "1.0.0",
           .summary = "Returns the Unix time of the last successful save to disk.",
           .complexity = "O(1)"});
  reg.Add({.name = "restore",
           .arity = -4,
           .flags = "write denyoom",
           .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@keyspace @write @slow @dangerous",
           .key_specs = {{.flags = "OW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = Restore,
           .group = "generic", .since = "2.6.0",
           .summary = "Creates a key from a DUMP payload, optionally replacing it, with a TTL and idle time.",
           .complexity = "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, "
                         "where N is the number of Redis objects composing the value and M their average size. For "
                         "small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply "
                         "O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting "
                         "values into sorted sets is O(log(N))."});
  // Redis Cluster's migration sends this (ASKING semantics: accepted in an importing slot).
  // Outside a cluster it is RESTORE, as in Redis.
  reg.Add({.name = "restore-asking",
           .arity = -4,
           .flags = "write denyoom asking",
           .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@keyspace @write @slow @dangerous",
           .key_specs = {{.flags = "OW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = Restore,
           .group = "server", .since = "3.0.0",
           .summary = "An internal command for migrating keys in a cluster",
           .complexity = "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, "
                         "where N is the number of Redis objects composing the value and M their average size. For "
                         "small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply "
                         "O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting "
                         "values into sorted sets is O(log(N))."});
}

}  // namespace ks
