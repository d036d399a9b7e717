#pragma once
// What goes into the append-only logs (persistence/aof_log.h) for each write command, and
// how the logs are replayed and rewritten. Every engine's log holds only that engine's keys,
// so it replays on its own:
// - single-engine commands whose effect depends only on the data and absolute times are
//   logged as sent (SET without EX/PX, INCR, RPUSH, ZADD, RENAME within an engine...);
// - EXPIRE/PEXPIRE/GETEX log the resulting absolute TTL (PEXPIREAT or PERSIST, or DEL if the
//   key is gone);
// - everything else (relative times, randomness, float increments, blocking pops served
//   later, commands spanning engines) logs its effect per key: DEL if the key is gone, else
//   the commands that rebuild it (SET / RPUSH / SADD / HSET / ZADD + PEXPIREAT).
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ks {

struct CommandContext;
class AofSet;
class Service;
class ServerState;

using TouchedEngines = boost::container::small_vector<uint16_t, 4>;

// Appends what the write command in ctx did to the logs of the engines it touched (which
// must still be locked) and records those engines in touched. In a unit (several commands,
// or several engines, that must replay all or nothing: server/core/executor.h) an engine's
// first append opens a MULTI block in its log; the Execution closes them.
void FeedAof(AofSet& aof, CommandContext& ctx, TouchedEngines& touched, bool unit);

// Replays every engine's log through svc (keys routed by slot). Run with time frozen at 0
// (see persistence/loading_clock.h) so that nothing expires mid-replay: the logs hold
// absolute expiry times. Returns the error that must stop the start-up.
std::optional<std::string> LoadAof(AofSet& aof, Service& svc);

// The options of the logs, from the server's configuration.
struct AofOptions;
AofOptions AofOptionsFrom(ServerState& state);

// Start-up with appendonly yes: replays existing logs (freeze(true) around it stops time, see
// persistence/loading_clock.h), then opens them for appending and publishes them in state.
// A new log starts with a base holding what is already loaded. Returns the error that must
// stop the start-up.
std::optional<std::string> StartAof(Service& svc, const std::function<void(bool)>& freeze, std::unique_ptr<AofSet>* out);

// BGREWRITEAOF's work: each engine in turn is snapshotted under its lock into a new base.
std::optional<std::string> RewriteAof(AofSet& aof, ServerState& state);

}  // namespace ks
