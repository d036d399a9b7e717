#include "server/core/service.h"

#include <algorithm>
#include <cctype>

#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "server/core/executor.h"
#include "server/persist/snapshots.h"
#include "server/pubsub/pubsub.h"
#include "server/pubsub/pubsub_family.h"
#include "server/pubsub/tracking.h"

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
  const CommandSpec* spec = Run(args, client, rb);
  // CLIENT CACHING holds for the next command only (Redis's resetClient), which CLIENT
  // subcommands do not count as.
  if (client.tracking & kTrackCaching) [[unlikely]]
    if (!spec || (spec->parent ? spec->parent : spec)->name != "client") client.tracking &= ~kTrackCaching;
}

const CommandSpec* Service::Run(std::span<const std::string_view> args, ClientState& client, ReplyBuilder& rb) {
  const CommandSpec* spec = state_.commands().Find(args[0]);
  if (!spec) {
    ReplyUnknownCommand(args, rb);
    return nullptr;
  }

  if (!spec->subcommands.empty() && args.size() >= 2) {
    const CommandSpec* sub = CommandRegistry::FindSub(*spec, args[1]);
    if (!sub) {
      rb.Error(err::UnknownSubcommand(UpToNul(args[1]), Upper(UpToNul(args[0]))));
      return spec;
    }
    spec = sub;
  }
  if (!ArityOk(spec->arity, args.size())) {
    rb.Error(err::WrongArgs(spec->full_name));
    return spec;
  }
  if (!client.authenticated && !(spec->flag_bits & kCmdNoAuth)) {
    rb.Error(err::kNoAuth);
    return spec;
  }
  // A subscribed RESP2 client may only (un)subscribe, PING, QUIT or RESET: its replies share
  // the stream with messages. RESP3 tells them apart (push type), so it has no such limit.
  if (client.resp == 2 && !spec->subscribed_ok && client.info->pubsub.load(std::memory_order_relaxed)) [[unlikely]]
    {
    rb.Error(err::NotInSubscribedContext(spec->full_name));
    return spec;
  }
  if (!spec->handler) {
    rb.Error(err::WrongArgs(spec->full_name));
    return spec;
  }

  client.info->last_cmd.store(spec, std::memory_order_relaxed);
  ThreadCounters::AddOwn(state_.stats().per_thread[client.thread_index].commands, 1);

  // After a failed background save with save points set, writes (and PING) are refused
  // until a save succeeds, as in Redis. One relaxed load when all is well.
  if (!state_.snapshots().rdb().last_bgsave_ok.load(std::memory_order_relaxed) &&
      ((spec->flag_bits & kCmdWrite) || spec->name == "ping") && state_.WritesStoppedByDiskError())
    {
    rb.Error(err::kBgsaveError);
    return spec;
  }

  // Keeps the tracking table within tracking-table-max-keys, as Redis's processCommand does.
  if (state_.tracking().clients()) [[unlikely]]
    state_.tracking().EnforceLimit(static_cast<uint64_t>(state_.limits().get(state_.limits().tracking_table_max_keys)));

  CommandContext ctx{args, rb, client, state_, *spec, {}};
  Execute(state_, ctx);
  // MONITOR sees what ran, as Redis's call() feeds it: not admin commands, not rejected ones.
  if (state_.pubsub().has_monitors() && !(spec->flag_bits & (kCmdAdmin | kCmdSkipMonitor))) [[unlikely]]
    FeedMonitors(state_, client, *spec, args);
  return spec;
}

}  // namespace ks
