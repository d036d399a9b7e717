#pragma once
// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (multi_family.cc), and what the
// dispatcher asks of them while a client is inside MULTI.
#include <span>
#include <string_view>

#include "resp/reply_builder.h"

namespace ks {

struct ClientState;
struct CommandSpec;
class ServerState;

// Whether spec is EXEC's row (a refused EXEC ends the transaction: Redis's execCommandAbort).
bool IsExec(const CommandSpec& spec);
// Queues the command for EXEC and answers +QUEUED (inside MULTI, after every check passed).
void QueueCommand(const CommandSpec& spec, std::span<const std::string_view> args, ClientState& client,
                  ReplyBuilder& rb);
// Redis's rejectCommand inside MULTI: the error is answered and the transaction flagged; a
// refused EXEC discards it and answers EXECABORT with the reason.
void RejectInMulti(const CommandSpec* spec, ClientState& client, ReplyBuilder& rb, std::string_view error);
// Redis's "out of memory" test before queueing under maxmemory: each engine makes room, and
// if one cannot, the command is refused.
bool OutOfMemory(ServerState& state);

}  // namespace ks
