#include "server/scripting/scripting.h"
#include "server/persist/aof_feed.h"

#include <charconv>
#include <cstdio>
#include <mutex>

#include "common/strconv.h"
#include "persistence/aof_format.h"
#include "persistence/aof_log.h"
#include "server/core/command_context.h"
#include "server/persist/rdb_startup.h"
#include "server/core/service.h"
#include "server/persist/snapshots.h"
#include "server/resharding/resharder.h"
#include "server/resharding/slot_map_file.h"

namespace ks {
namespace {

// How a write is logged, as its table row declares it (CommandSpec::aof).
AofLog Classify(const CommandSpec& spec, std::span<const std::string_view> args) {
  if (spec.aof != AofLog::kVerbatimUnlessRelativeTtl) return spec.aof;
  for (size_t i = 3; i < args.size(); ++i)
    if (EqualsNoCase(args[i], "ex") || EqualsNoCase(args[i], "px")) return AofLog::kEffect;
  return AofLog::kVerbatim;
}

std::string_view FormatInt(int64_t v, char (&buf)[24]) {
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, static_cast<size_t>(r.ptr - buf)};
}

// The log of engine e, for a command about to append to it: e joins touched, and a unit
// opens its MULTI block there first.
EngineLog& Open(AofSet& aof, uint16_t e, TouchedEngines& t, bool unit) {
  for (uint16_t x : t)
    if (x == e) return aof.log(e);
  t.push_back(e);
  if (unit) aof.log(e).BeginUnit();
  return aof.log(e);
}

// The database the second key is written to: another one when the row names an option for
// it (COPY ... DB n).
int DestinationDb(CommandContext& ctx) {
  if (ctx.spec.dst_db_option.empty()) return ctx.db();
  for (size_t i = static_cast<size_t>(ctx.spec.last_key) + 1; i + 1 < ctx.argc(); ++i) {
    int64_t n;
    if (EqualsNoCase(ctx.arg(i), ctx.spec.dst_db_option) && StrToLL(ctx.arg(i + 1), &n) && n >= 0 && n < kNumDbs)
      return static_cast<int>(n);
  }
  return ctx.db();
}

}  // namespace

void FeedAof(AofSet& aof, CommandContext& ctx, TouchedEngines& touched, bool unit) {
  const int db = ctx.db();
  if (ctx.spec.aof == AofLog::kServerWide) {
    // Engine 0 is locked: such rows lock every engine (LockMode::kAll).
    Open(aof, 0, touched, unit).Append(db, ctx.args);
    return;
  }
  if (ctx.spec.lock == LockMode::kAll) {
    // FLUSHALL, FLUSHDB, SWAPDB: every engine logs the command; replay applies it to that
    // engine only.
    for (int e = 0; e < aof.engines(); ++e) Open(aof, static_cast<uint16_t>(e), touched, unit).Append(db, ctx.args);
    return;
  }
  if (ctx.propagation_replaced) {
    for (const auto& p : ctx.propagated) {
      std::vector<std::string_view> args(p.args.begin(), p.args.end());
      Open(aof, p.engine, touched, unit).Append(db, args);
    }
    return;
  }
  if (ctx.keys.empty()) return;
  const AofLog kind = Classify(ctx.spec, ctx.args);
  if (kind == AofLog::kChangedKeys) {
    for (size_t i = 0; i < ctx.changed.size(); ++i) {
      const KeyRef& k = ctx.changed[i];
      bool seen = false;
      for (size_t j = 0; j < i; ++j) seen |= ctx.changed[j].key == k.key;
      if (seen) continue;
      const Entry* e = ctx.engine(k).db(db).Find(k.slot, k.key);
      Open(aof, k.engine, touched, unit).AppendWith(db, [&](std::string& out) {
        if (e)
          AppendKeyRebuild(out, e, true);
        else
          AppendRespCommand(out, {"DEL", k.key});
      });
    }
    return;
  }
  bool single = true;
  for (const KeyRef& k : ctx.keys) single &= k.engine == ctx.keys[0].engine;
  if (kind == AofLog::kVerbatim && single) {
    Open(aof, ctx.keys[0].engine, touched, unit).Append(db, ctx.args);
    return;
  }
  const int dst_db = DestinationDb(ctx);
  for (size_t i = 0; i < ctx.keys.size(); ++i) {
    const KeyRef& k = ctx.keys[i];
    bool seen = false;
    for (size_t j = 0; j < i; ++j) seen |= ctx.keys[j].key == k.key;
    if (seen) continue;
    const int kdb = (i == 1 && dst_db != db) ? dst_db : db;
    // The raw table entry: an expired one is logged with its past PEXPIREAT, which the
    // live clock then expires; nothing is deleted here.
    const Entry* e = ctx.engine(k).db(kdb).Find(k.slot, k.key);
    Open(aof, k.engine, touched, unit).AppendWith(kdb, [&](std::string& out) {
      if (!e) {
        AppendRespCommand(out, {"DEL", k.key});
      } else if (kind == AofLog::kTtl) {
        char buf[24];
        if (e->has_expire())
          AppendRespCommand(out, {"PEXPIREAT", k.key, FormatInt(e->expire_ms(), buf)});
        else
          AppendRespCommand(out, {"PERSIST", k.key});
      } else {
        AppendKeyRebuild(out, e, true);
      }
    });
  }
}

std::optional<std::string> LoadAof(AofSet& aof, Service& svc, size_t* dropped) {
  ServerState& state = svc.state();
  std::string out;
  ReplyBuilder rb(&out);
  ClientState client;
  client.info = std::make_shared<ClientInfo>();
  client.authenticated = true;
  int cur_engine = -1;
  RdbLoadStats rdb_stats;
  auto load_rdb = [&](const std::string& path) -> std::optional<std::string> {
    bool found;
    std::string err = LoadRdbFile(path, state.shards(), RdbLoadLimitsFrom(state), &rdb_stats, &found);
    if (err.empty()) err = state.scripting().LoadLibraries(&rdb_stats.libraries);
    if (!err.empty()) return err;
    if (!found) return "cannot open the append only file base " + path;
    return std::nullopt;
  };
  SlotOwners owners;
  for (int s = 0; s < kNumSlots; ++s) owners[s] = state.shards().slots().CodeOf(static_cast<uint16_t>(s));
  auto err = aof.Load([&](int e, std::span<const std::string_view> args) {
    if (e != cur_engine) {
      cur_engine = e;
      client.db = 0;
    }
    std::string_view name = args[0];
    int64_t a, b;
    if (EqualsNoCase(name, "select") && args.size() == 2 && StrToLL(args[1], &a) && a >= 0 && a < kNumDbs) {
      client.db = static_cast<int>(a);
      return;
    }
    // Engine-wide commands apply to the engine whose log holds them, not to all engines.
    Engine& engine = state.shards().engine(e);
    if (EqualsNoCase(name, "flushall")) {
      EngineGuard lk(engine);
      engine.FlushAll();
      return;
    }
    if (EqualsNoCase(name, "flushdb")) {
      EngineGuard lk(engine);
      engine.FlushDb(client.db);
      return;
    }
    if (EqualsNoCase(name, "swapdb") && args.size() == 3 && StrToLL(args[1], &a) && StrToLL(args[2], &b) &&
        a >= 0 && a < kNumDbs && b >= 0 && b < kNumDbs) {
      EngineGuard lk(engine);
      engine.SwapDb(static_cast<int>(a), static_cast<int>(b));
      return;
    }
    svc.Dispatch(args, client, rb);
    out.clear();
  }, load_rdb, [&](int e) {
    SlotOwners all;
    all.fill(static_cast<uint16_t>(e));
    state.shards().ResetSlots(all);
  });
  state.shards().ResetSlots(owners);
  size_t n = DropUnownedKeys(state.shards());
  if (dropped) *dropped = n;
  return err;
}

std::optional<std::string> RewriteAof(AofSet& aof, ServerState& state) {
  std::string err = state.snapshots().RewriteAofNow(aof);
  if (!err.empty()) return err;
  return std::nullopt;
}

AofOptions AofOptionsFrom(ServerState& state) {
  std::lock_guard lk(state.config_mu());
  const Config& c = state.config();
  AofOptions o;
  o.dir = c.dir;
  o.dirname = c.appenddirname;
  o.filename = c.appendfilename;
  o.engines = static_cast<int>(state.shards().size());
  o.fsync = ParseFsyncPolicy(c.appendfsync).value_or(FsyncPolicy::kEverySec);
  o.load_truncated = c.aof_load_truncated == "yes";
  return o;
}

std::optional<std::string> StartAof(Service& svc, const std::function<void(bool)>& freeze, std::unique_ptr<AofSet>* out) {
  ServerState& state = svc.state();
  AofOptions opts = AofOptionsFrom(state);
  auto aof = std::make_unique<AofSet>(opts);
  const bool existed = AofSet::Exists(opts);
  bool rewrite = false;
  if (existed) {
    freeze(true);
    size_t dropped = 0;
    auto err = LoadAof(*aof, svc, &dropped);
    if (dropped)
      std::fprintf(stderr, "keyshard: dropped %zu keys of slots their engine does not own (a slot move cut short); rewriting the logs\n", dropped);
    rewrite |= dropped > 0;
    freeze(false);
    for (int e = 0; e < static_cast<int>(state.shards().size()); ++e) state.shards().engine(e).RefreshLruClock();
    if (err) return err;
  }
  if (auto err = aof->Open()) return err;
  // Keys already loaded (from an RDB) go into the new log's base.
  bool any = false;
  for (int e = 0; e < static_cast<int>(state.shards().size()); ++e)
    for (int db = 0; db < kNumDbs; ++db) any |= state.shards().engine(e).KeyCount(db) > 0;
  // After dropping keys the logs still hold, a new base makes every log hold exactly its
  // engine's keys again.
  if ((!existed && any) || rewrite)
    if (auto err = RewriteAof(*aof, state)) return err;
  state.set_aof(aof.get());
  *out = std::move(aof);
  return std::nullopt;
}

}  // namespace ks
