#pragma once
// Forwarding to remote shards: the execution path's first step for a client's command once
// any slot is owned by a remote shard. A command whose keys are all on one remote is sent there
// (RemoteShards::Send) and its reply lands in the client's output in pipeline order
// (DeferredReplies); keys on a remote and on another shard are split and merged by the table's
// tips (server/remote/fanout.h) or refused with CROSSSLOT, never a partial result; everything
// else runs here.
//
// Slot moves: the owner read here is unlocked. A slot that moves from an engine to a remote is
// caught by Execute, which re-reads each key's owner with the engines locked (a move flips the
// owner under the source engine's lock) and sends the command back here. A move from a remote
// fences its slots first (routing/slot_fence.h: commands on them are held, not run) and waits
// for the commands already sent there, which CountInFlight counts per slot; commands blocked
// there are unblocked and run again at the new owner (UnblockRemoteClient).
#include <span>
#include <string_view>

#include "server/core/remote_shards.h"

namespace ks {

struct ClientState;
struct CommandContext;
struct RemoteUnblock;
struct CommandSpec;
class ServerState;

enum class RemoteRoute {
  kLocal,      // run it here
  kForwarded,  // sent; the reply comes later through ctx.client.deferred
  kRefused,    // an error was replied (CROSSSLOT, or a client that cannot forward)
  kRetry,      // not run, nothing replied: ctx.client.remote_wait says when to run it again
};

// Counts a command sent to a remote as in flight on each of its keys' slots until its reply
// arrives (SlotFence::InFlight): a slot move away from the remote waits for them after fencing
// the slots. Every Send of a keyed command goes through it.
// `blocking`: it went over a connection of its own and may wait there (SlotFence counts it
// apart: the move reroutes it rather than waiting for it). `errors_thread` >= 0: the final
// reply is also counted by CountRemoteError on that thread (a single forwarded command's).
RemoteReplyFn CountInFlight(ServerState& state, const CommandSpec& spec, std::span<const std::string_view> args,
                            RemoteReplyFn done, bool blocking = false, int errors_thread = -1);

// Counts an error reply of a remote shard (or one made here for it: unavailable, timed out)
// as Redis counts the errors it replies: INFO errorstats by the error's code and the
// command's failed_calls. For a forwarded command's reply, or a fan-out's merged one, on
// the client's thread. Nothing for a reply that is not an error.
void CountRemoteError(ServerState& state, int thread_index, const CommandSpec& spec, std::string_view reply);

// The client's command blocked on a remote shard (ClientState::remote_block) is unblocked
// (CLIENT UNBLOCK) or rerouted (its slot moves away from that remote): CLIENT UNBLOCK goes
// to the remote (RemoteShards::Unblock); a reroute's nil reply then puts the command back
// in the client's input, to run again at the slot's new owner. The client's I/O thread.
void UnblockRemoteClient(ServerState& state, ClientState& client, const RemoteUnblock& u);

// A forwarded read of a client whose reads remember their keys (CLIENT TRACKING): its keys
// are remembered here as a local read's are, req.track asks the remote to track them, and if
// the remote's invalidation connection came or went while the read was out (its tracking may
// have gone to a connection that is gone), the keys are invalidated once the reply is in.
// Returns done, wrapped when needed.
RemoteReplyFn TrackRemoteRead(ServerState& state, const CommandSpec& spec, ClientState& client,
                              std::span<const std::string_view> args, RemoteRequest& req, RemoteReplyFn done);

// Routes ctx's keys; forwards or refuses when a remote shard owns any of them.
RemoteRoute ForwardIfRemote(ServerState& state, CommandContext& ctx);

// A request to remote for the client running ctx: its thread, id, database and protocol.
RemoteRequest RequestFor(const CommandContext& ctx, uint16_t remote);

// The index of the first key of ctx (routed in ctx.keys) that a remote shard owns, or -1.
// Execution::Run refuses such a command; Execute sends it back to ForwardIfRemote.
int FirstRemoteKey(ServerState& state, const CommandContext& ctx);

}  // namespace ks
