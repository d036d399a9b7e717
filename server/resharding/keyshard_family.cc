// KEYSHARD: keyshard's own command for resharding from redis-cli and scripts, the same
// operations as the admin HTTP API (proxy/admin_server.h):
//   KEYSHARD MOVE <slots> <engine|remote name>  queue a move ("0-999,5000"), reply its id
//   KEYSHARD MOVES [<id>]              moves as maps: id, state, slots, to, slots_total, ...
//   KEYSHARD CANCEL <id>               stop a move between batches
//   KEYSHARD REBALANCE [SLOTS|MEMORY]  queue moves evening the engines out, reply their ids
//   KEYSHARD SLOTS                     the slot map as [first, last, engine] runs
//   KEYSHARD ENGINES                   the active engines as [id, slots owned] pairs
//   KEYSHARD ADDENGINE                 activate the lowest inactive engine, reply its id
//   KEYSHARD DELENGINE <engine>        deactivate an engine that owns no slots
#include <string>
#include <vector>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/families.h"
#include "server/resharding/resharder.h"
#include "server/resharding/slot_map_file.h"

namespace ks {
namespace {

void ReplyError(CommandContext& ctx, const ReshardError& e) { ctx.rb.Error("ERR " + e.message); }

void ReplyMove(CommandContext& ctx, const MoveInfo& m) {
  ReplyBuilder& rb = ctx.rb;
  rb.Map(9);
  rb.Bulk("id"), rb.Bulk(m.id);
  rb.Bulk("state"), rb.Bulk(MoveStateName(m.state));
  rb.Bulk("slots"), rb.Bulk(m.slots);
  rb.Bulk("to");
  if (m.to_name.empty())
    rb.Int(m.to);
  else
    rb.Bulk(m.to_name);
  rb.Bulk("slots_total"), rb.Int(static_cast<int64_t>(m.slots_total));
  rb.Bulk("slots_done"), rb.Int(static_cast<int64_t>(m.slots_done));
  rb.Bulk("keys_moved"), rb.Int(static_cast<int64_t>(m.keys_moved));
  rb.Bulk("max_pause_us"), rb.Int(static_cast<int64_t>(m.max_pause_us));
  rb.Bulk("error"), rb.Bulk(m.error);
}

void KeyshardMove(CommandContext& ctx) {
  // An engine number or a remote shard's name.
  ReshardError err;
  std::string id = ctx.server.resharder().StartMoveTo(ctx.arg(2), ctx.arg(3), &err);
  if (id.empty()) return ReplyError(ctx, err);
  ctx.rb.Bulk(id);
}

void KeyshardMoves(CommandContext& ctx) {
  Resharder& r = ctx.server.resharder();
  if (ctx.argc() == 3) {
    auto m = r.Get(std::string(ctx.arg(2)));
    if (!m) return ctx.rb.Error("ERR no move " + std::string(ctx.arg(2)));
    return ReplyMove(ctx, *m);
  }
  if (ctx.argc() > 3) return ctx.rb.Error("ERR syntax error");
  auto all = r.List();
  ctx.rb.Array(all.size());
  for (const MoveInfo& m : all) ReplyMove(ctx, m);
}

void KeyshardCancel(CommandContext& ctx) {
  ReshardError err;
  if (!ctx.server.resharder().Cancel(std::string(ctx.arg(2)), &err)) return ReplyError(ctx, err);
  ctx.rb.Ok();
}

void KeyshardRebalance(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.rb.Error("ERR syntax error");
  std::string by = ctx.argc() == 3 ? ToLower(ctx.arg(2)) : "slots";
  ReshardError err;
  auto ids = ctx.server.resharder().Rebalance(by, &err);
  if (!err.message.empty()) return ReplyError(ctx, err);
  ctx.rb.Array(ids.size());
  for (const auto& id : ids) ctx.rb.Bulk(id);
}

void KeyshardSlots(CommandContext& ctx) {
  SlotOwners owners;
  for (int s = 0; s < kNumSlots; ++s) owners[s] = ctx.server.shards().slots().CodeOf(static_cast<uint16_t>(s));
  auto runs = SlotRuns(owners);
  ctx.rb.Array(runs.size());
  for (const SlotRun& r : runs) {
    ctx.rb.Array(3);
    ctx.rb.Int(r.from), ctx.rb.Int(r.to);
    // A remote shard's slots name the remote (as slots.conf does).
    if (r.engine & kRemoteOwner)
      ctx.rb.Bulk(OwnerText(r.engine, ctx.server.remote_names()));
    else
      ctx.rb.Int(r.engine);
  }
}

void KeyshardEngines(CommandContext& ctx) {
  const ShardSet& shards = ctx.server.shards();
  std::vector<int64_t> owned(static_cast<size_t>(shards.size()), 0);
  for (int s = 0; s < kNumSlots; ++s) ++owned[shards.slots().EngineOf(static_cast<uint16_t>(s))];
  std::vector<int> ids = shards.ActiveIds();
  ctx.rb.Array(ids.size());
  for (int id : ids) {
    ctx.rb.Array(2);
    ctx.rb.Int(id), ctx.rb.Int(owned[static_cast<size_t>(id)]);
  }
}

void KeyshardAddEngine(CommandContext& ctx) {
  ReshardError err;
  int id = ctx.server.resharder().AddEngine(&err);
  if (id < 0) return ReplyError(ctx, err);
  ctx.rb.Int(id);
}

void KeyshardDelEngine(CommandContext& ctx) {
  int64_t id;
  if (!StrToLL(ctx.arg(2), &id)) return ctx.rb.Error("ERR engine is not an integer");
  ReshardError err;
  if (!ctx.server.resharder().RemoveEngine(id, &err)) return ReplyError(ctx, err);
  ctx.rb.Ok();
}

CommandSpec Sub(std::string_view name, int arity, CommandHandler h, std::string_view summary,
                std::string_view complexity) {
  return {.name = name,
          .arity = arity,
          .flags = "admin noscript",
          .first_key = 0, .last_key = 0, .step = 0,
          .acl = "@admin @slow @dangerous",
          .handler = h,
          .lock = LockMode::kSelf,
          .group = "server", .since = "7.0.0",
          .summary = summary,
          .complexity = complexity};
}

}  // namespace

void RegisterKeyshardFamily(CommandRegistry& reg) {
  reg.Add(ContainerRow(
      "keyshard", "server", "7.0.0", "keyshard's own commands: live slot moves between engines.",
      {
          Sub("move", 4, KeyshardMove,
              "Moves slots (\"0-999,5000\") to an engine while clients keep using them; replies the move's id.",
              "O(1) to queue; the move takes O(N) with N the moved slots (O(K) with the AOF on, K the moved keys)."),
          Sub("moves", -2, KeyshardMoves, "Lists the moves (or the one named) with their state and progress.",
              "O(N) where N is the number of moves kept."),
          Sub("cancel", 3, KeyshardCancel, "Cancels a move: it stops after its current batch of slots.", "O(1)"),
          Sub("rebalance", -2, KeyshardRebalance,
              "Queues moves evening out the engines by slot count (SLOTS, the default) or memory (MEMORY).",
              "O(N) where N is the number of slots."),
          Sub("slots", 2, KeyshardSlots, "Lists the slot map as [first, last, engine] runs.",
              "O(N) where N is the number of slots."),
          Sub("engines", 2, KeyshardEngines, "Lists the active engines as [engine, slots owned] pairs.",
              "O(N) where N is the number of slots."),
          Sub("addengine", 2, KeyshardAddEngine,
              "Activates the lowest inactive engine (a spare up to max-shards, or one removed before); replies its id.",
              "O(N) where N is the number of slots."),
          Sub("delengine", 3, KeyshardDelEngine,
              "Removes an engine that owns no slots: it takes no moves until added again.",
              "O(N) where N is the number of slots."),
      }));
}

}  // namespace ks
