#pragma once
// Transactions and scripts pinned to one remote shard (issue 16, second step).
//
// - WATCH of keys on one remote goes over a connection leased to the client (WATCH state lives
//   on a connection); UNWATCH, DISCARD, EXEC's end, RESET or leaving gives it back (closing it,
//   which the remote takes as UNWATCH).
// - EXEC whose queued commands' keys are all on one remote (and whose WATCHed keys, if any, are
//   there too) sends MULTI, the queue and EXEC there back to back over one connection (the
//   leased one when WATCH was used): nobody else's command can fall inside; EXEC's reply is
//   the client's. A transaction mixing a remote with another shard is refused whole
//   (EXECABORT ... CROSSSLOT).
// - EVAL/EVALSHA/FCALL whose declared keys are all on one remote are forwarded by
//   ForwardIfRemote; an EVALSHA the remote does not know (NOSCRIPT) is sent again as EVAL with
//   the body from this server's script cache. A script without keys runs here.
#include "server/core/remote_shards.h"

namespace ks {

struct CommandContext;
class ServerState;

// Called by ForwardIfRemote before it sends a command whose keys are all on req.remote: sets
// up WATCH's lease. kLocal: send it; kRefused: an error was replied; kRetry: a WATCH that
// needs a new lease waits until the client's earlier forwarded commands are answered (they
// went over another connection and must reach the remote first).
enum class RemoteRoute;
RemoteRoute PrepareRemoteCommand(ServerState& state, CommandContext& ctx, RemoteRequest& req);

// Wraps the reply callback of a forwarded command: EVALSHA's NOSCRIPT retry.
RemoteReplyFn WrapRemoteReply(ServerState& state, CommandContext& ctx, const RemoteRequest& req, RemoteReplyFn done);

// EXEC's first step once remote shards own slots: true when the transaction was sent to its
// remote or refused (the reply is written or reserved), false when it runs here.
bool ExecOnRemote(ServerState& state, CommandContext& ctx);

}  // namespace ks
