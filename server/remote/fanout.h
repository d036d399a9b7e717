#pragma once
// Fan-out over remote shards (issue 16, second step): commands whose keys, or whose keyspace,
// span a remote shard and another shard. Which strategy a command gets is read from its table
// row's tips (Redis 7's request_policy / response_policy), as Envoy's command_splitter has one
// small request class per strategy:
//
//   request_policy:multi_shard (MGET, MSET, DEL, UNLINK, EXISTS, TOUCH): split by shard, one
//     part per shard holding that shard's keys (the local part runs as one local command over
//     its keys, atomic across the engines as always); replies merged by the response policy:
//     none -> values by key index (MGET), agg_sum -> the sum (DEL...), all_succeeded -> OK
//     (MSET). agg_min (MSETNX) is all-or-nothing, which a network split cannot keep: refused.
//   request_policy:all_shards on the keyspace (DBSIZE, KEYS, FLUSHALL, FLUSHDB, RANDOMKEY) or on
//     functions (FUNCTION LOAD/DELETE/FLUSH/RESTORE): this server and every remote, merged
//     likewise (no response policy: concatenated, or one shard's reply for a command with
//     nondeterministic_output, RANDOMKEY).
//   request_policy:special on the keyspace (SCAN): one shard at a time behind one cursor.
//
// The merged reply takes the client's reply slot (DeferredReplies), so the pipeline keeps
// its order. A part that fails (a remote down, a timeout) makes the whole reply that error:
// never a partial array.
#include "server/core/command.h"

namespace ks {

struct CommandContext;
class ServerState;
enum class RemoteRoute;

// Keys of ctx (at idx) are on a remote shard and on another shard: splits the command when its
// row allows it, otherwise replies CROSSSLOT (kRefused).
RemoteRoute SplitAcrossShards(ServerState& state, CommandContext& ctx, const KeyIndexes& idx);

// A keyless command: covers every remote shard too when its row says it works on the whole
// keyspace (see above); kLocal for every other command, and for clients that cannot forward.
RemoteRoute FanOutKeyspace(ServerState& state, CommandContext& ctx);

// SCAN's cursor over this server and the remotes: the shard being scanned (0 = this server's
// engines, r + 1 = remote r) in bits 48..62, that shard's own cursor below. Local cursors are
// slot numbers (< 16384) and a redis-server's cursor is its table's reversed-bit index, far
// below 2^48; the top bit stays clear so clients parsing it as a signed integer are fine too.
inline constexpr int kScanShardShift = 48;
inline constexpr uint64_t kScanInnerMask = (uint64_t{1} << kScanShardShift) - 1;

}  // namespace ks
