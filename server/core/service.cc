#include "server/core/service.h"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "persistence/aof_log.h"
#include "server/persist/aof_feed.h"
#include "server/blocking/blocking.h"
#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "server/persist/snapshots.h"

namespace ks {
namespace {

// Redis formats these with printf's %s, which stops at a NUL byte.
std::string_view UpToNul(std::string_view s) { return s.substr(0, s.find('\0')); }

void ReplyUnknownCommand(std::span<const std::string_view> args, ReplyBuilder& rb) {
  // Same shape as Redis: the name and the first arguments, each quoted, up to ~128 bytes.
  std::string msg = "ERR unknown command '";
  msg.append(UpToNul(args[0]).substr(0, 128));
  msg += "', with args beginning with: ";
  std::string list;
  for (size_t i = 1; i < args.size() && list.size() < 128; ++i) {
    size_t room = 128 - list.size();
    list += "'";
    list.append(UpToNul(args[i]).substr(0, room));
    list += "' ";
  }
  msg += list;
  rb.Error(msg);
}

std::string Upper(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

bool ArityOk(int arity, size_t argc) {
  return arity > 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

}  // namespace

void Service::Dispatch(std::span<const std::string_view> args, ClientState& client, ReplyBuilder& rb) {
  const CommandSpec* spec = state_.commands().Find(args[0]);
  if (!spec) return ReplyUnknownCommand(args, rb);

  if (!spec->subcommands.empty() && args.size() >= 2) {
    const CommandSpec* sub = CommandRegistry::FindSub(*spec, args[1]);
    if (!sub) return rb.Error(err::UnknownSubcommand(UpToNul(args[1]), Upper(UpToNul(args[0]))));
    spec = sub;
  }
  if (!ArityOk(spec->arity, args.size())) return rb.Error(err::WrongArgs(spec->full_name));
  if (!client.authenticated && !(spec->flag_bits & kCmdNoAuth)) return rb.Error(err::kNoAuth);
  if (!spec->handler) return rb.Error(err::WrongArgs(spec->full_name));

  client.info->last_cmd.store(spec, std::memory_order_relaxed);
  ThreadCounters::AddOwn(state_.stats().per_thread[client.thread_index].commands, 1);

  // After a failed background save with save points set, writes (and PING) are refused
  // until a save succeeds, as in Redis. One relaxed load when all is well.
  if (!state_.snapshots().rdb().last_bgsave_ok.load(std::memory_order_relaxed) &&
      ((spec->flag_bits & kCmdWrite) || spec->name == "ping") && state_.WritesStoppedByDiskError())
    return rb.Error(err::kBgsaveError);

  CommandContext ctx{args, rb, client, state_, *spec, {}};
  ShardSet& shards = state_.shards();
  // A write may give data to a key that blocked clients wait for: those are served right
  // after the command, before anyone else can take the data (server/blocking.h).
  const bool write = spec->flag_bits & kCmdWrite;
  // With a memory budget, a command that may grow memory first makes room on the engines it
  // touches (under their locks), or is refused when nothing can be evicted. Without one this
  // costs a single relaxed load.
  const bool make_room =
      (spec->flag_bits & kCmdDenyOom) && state_.limits().memory_limited.load(std::memory_order_relaxed);
  ReadyKeys ready;
  EngineLocks locks;
  switch (spec->lock) {
    case LockMode::kKeys: {
      KeyIndexes idx = CommandKeyIndexes(*spec, static_cast<int>(args.size()), args.data());
      if (!idx.empty()) {
        boost::container::small_vector<uint16_t, 8> engines;
        for (int i : idx) {
          ctx.keys.push_back(RouteKey(shards, args[i]));
          engines.push_back(ctx.keys.back().engine);
        }
        if (engines.size() == 1) {
          Engine& e = shards.engine(engines[0]);
          AofSet* aof = nullptr;
          TouchedEngines touched;
          {
            std::lock_guard lk(e.mutex());
            // Read under the lock: turning the AOF on (CONFIG SET appendonly) switches with
            // every engine locked, so each write is either in the new base or in the log.
            if (write) aof = state_.aof();
            if (make_room && e.PerformEvictions() == EvictStatus::kFail) return rb.Error(err::kOom);
            if (write) BeforeWrite(ctx);
            spec->handler(ctx);
            if (aof) FeedAof(*aof, ctx, touched);
            if (write && e.has_waiters()) CollectReadyKeys(e, ready);
          }
          // The log is written (and under appendfsync always made durable) before the reply.
          for (uint16_t t : touched) aof->AfterCommand(t);
          if (!ready.empty()) ServeReadyKeys(state_, std::move(ready));
          if (ctx.after_unlock) ctx.after_unlock();
          return;
        }
        locks.Lock(shards, engines);
      }
      break;
    }
    case LockMode::kAll:
      locks.LockAll(shards);
      break;
    case LockMode::kSelf:
      break;
  }
  if (make_room)
    for (Engine* e : locks.held())
      if (e->PerformEvictions() == EvictStatus::kFail) {
        locks.UnlockAll();
        return rb.Error(err::kOom);
      }
  if (write) BeforeWrite(ctx);
  spec->handler(ctx);
  AofSet* aof = write ? state_.aof() : nullptr;
  TouchedEngines touched;
  if (aof) FeedAof(*aof, ctx, touched);
  if (write)
    for (Engine* e : locks.held())
      if (e->has_waiters()) CollectReadyKeys(*e, ready);
  locks.UnlockAll();
  for (uint16_t t : touched) aof->AfterCommand(t);
  if (!ready.empty()) ServeReadyKeys(state_, std::move(ready));
  if (ctx.after_unlock) ctx.after_unlock();
}

}  // namespace ks
