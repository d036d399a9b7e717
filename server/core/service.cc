#include "server/core/service.h"

#include <algorithm>
#include <cctype>

#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "server/core/executor.h"
#include "server/multi/multi.h"
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
  // Inside MULTI a refused command fails the transaction (Redis's rejectCommand).
  const bool in_multi = client.tx && client.tx->in_multi;
  const CommandSpec* spec = state_.commands().Find(args[0]);
  auto reject = [&](std::string_view error) {
    if (in_multi) return RejectInMulti(spec, client, rb, error);
    rb.Error(error);
  };
  if (!spec) {
    if (in_multi) client.tx->Flag();
    return ReplyUnknownCommand(args, rb);
  }

  if (!spec->subcommands.empty() && args.size() >= 2) {
    const CommandSpec* sub = CommandRegistry::FindSub(*spec, args[1]);
    if (!sub) {
      if (in_multi) client.tx->Flag();
      return rb.Error(err::UnknownSubcommand(UpToNul(args[1]), Upper(UpToNul(args[0]))));
    }
    spec = sub;
  }
  if (!ArityOk(spec->arity, args.size())) return reject(err::WrongArgs(spec->full_name));
  if (!client.authenticated && !(spec->flag_bits & kCmdNoAuth)) return reject(err::kNoAuth);
  if (!spec->handler) return reject(err::WrongArgs(spec->full_name));

  // A script past busy-reply-threshold holds the server, as in Redis: only commands flagged
  // allow_busy (SCRIPT KILL, FUNCTION KILL...) get through. One relaxed load otherwise.
  if (const ScriptBusy busy = state_.script_busy().load(std::memory_order_relaxed); busy != ScriptBusy::kNo)
    [[unlikely]] {
    if (!(spec->flag_bits & kCmdAllowBusy)) return rb.Error(busy == ScriptBusy::kEval ? err::kBusyEval : err::kBusyFunction);
  }
  client.info->last_cmd.store(spec, std::memory_order_relaxed);
  ThreadCounters::AddOwn(state_.stats().per_thread[client.thread_index].commands, 1);

  // Queueing under maxmemory: any command but EXEC, DISCARD, QUIT and RESET is refused
  // when memory cannot be made (EXEC checks its queue itself).
  if (in_multi && spec->in_multi != InMulti::kRunAlways &&
      state_.limits().memory_limited.load(std::memory_order_relaxed) && OutOfMemory(state_))
    return reject(err::kOom);

  // After a failed background save with save points set, writes (and PING) are refused
  // until a save succeeds, as in Redis; EXEC counts as a write when it holds one. One
  // relaxed load when all is well.
  if (!state_.snapshots().rdb().last_bgsave_ok.load(std::memory_order_relaxed)) {
    const bool write = (spec->flag_bits & kCmdWrite) || spec->name == "ping" ||
                       (in_multi && IsExec(*spec) && (client.tx->queued_flags & kCmdWrite));
    if (write && state_.WritesStoppedByDiskError()) return reject(err::kBgsaveError);
  }

  if (in_multi) {
    if (spec->flag_bits & kCmdNoMulti) return reject(err::kNotInMulti);
    if (spec->in_multi == InMulti::kQueue) return QueueCommand(*spec, args, client, rb);
  }

  CommandContext ctx{args, rb, client, state_, *spec, {}};
  Execute(state_, ctx);
}

}  // namespace ks
