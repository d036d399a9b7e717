#pragma once
// Blocking commands (BLPOP, BLMOVE, BZPOPMIN...): a client whose keys are all empty is queued
// on each of its keys in their engines, FIFO, and its connection waits. After any write
// command the dispatcher looks for waited keys that now hold data and serves their first
// waiters right there, on the writer's thread, by re-running each waiter's command with the
// engines of its keys locked — so an element pushed is handed to the longest-waiting client
// before any other command can take it, and never to two clients.
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <functional>
#include <span>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "server/core/command.h"

namespace ks {

struct CommandContext;
struct KeyRef;
class ServerState;

// What a blocked client receives when its timeout passes.
enum class TimeoutReply : uint8_t { kNullArray, kNullBulk, kZero /* WAIT: no replica acknowledged */ };

struct BlockedClient final : KeyWaiter {
  // kRerouted: its slot left for a remote shard; the connection runs the command again, which
  // forwards it there.
  enum class State : uint8_t { kWaiting, kServed, kTimedOut, kUnblocked, kGone, kRerouted };

  std::mutex mu;  // guards state and reply; taken after any engine locks
  State state = State::kWaiting;
  std::string reply;  // RESP bytes to send once served or unblocked

  // The command to re-run when a key becomes ready.
  std::vector<std::string> args;
  const CommandSpec* spec = nullptr;
  int db = 0;
  int resp = 2;
  uint64_t client_id = 0;
  int64_t timeout_ms = 0;  // 0 = forever
  TimeoutReply on_timeout = TimeoutReply::kNullArray;
  // Where it is queued: (slot, key) in db. The engine is the slot's owner: a slot move takes
  // the slot's waiters along with its keys (Engine::TakeSlot), so a waiter follows its keys.
  std::vector<std::pair<uint16_t, std::string>> waits;
  // Wakes the blocked connection; safe from any thread. Set by the connection.
  std::function<void()> wake;
};

// Redis's blocking timeout argument: seconds as a float, 0 = forever. On error returns false
// and sets *err to Redis's text.
bool ParseBlockTimeout(std::string_view arg, int64_t* timeout_ms, std::string_view* err);
// The timeout (ms, 0 = forever) a blocking command forwarded to a remote shard waits for:
// where each blocking command of Redis 7.0 keeps it (the last argument, BLMPOP/BZMPOP's first,
// XREAD/XREADGROUP's BLOCK option in ms). A malformed one counts as 0: the remote replies
// the error at once anyway.
int64_t BlockTimeoutMs(const CommandSpec& spec, std::span<const std::string_view> args);

// Called by a blocking handler that found nothing to serve: queues the client on each of keys
// (the command's keys it waits for; their engines are locked) and marks it blocked. When the handler is being
// re-run to serve a waiter, it records "nothing yet" instead. args, when given, replace the
// command's arguments for the re-runs (XREAD's "$" stands for the ID it meant when it blocked).
void BlockOnKeys(CommandContext& ctx, std::span<const KeyRef> keys, int64_t timeout_ms, TimeoutReply on_timeout,
                 const std::vector<std::string>* args = nullptr);

// The waiters of a slot that left this process for a remote shard (taken from its engine with
// Engine::TakeSlot): each still waiting is woken to run its command again, so it blocks where
// its keys now are.
void RerouteWaiters(std::vector<SlotData::Waiting>& waiters);

// Removes a waiter from every queue it is in (locks each engine in turn).
void UnregisterWaiter(ServerState& state, BlockedClient& w);

// A waited key that may now be servable.
struct ReadyKey {
  uint16_t engine;
  int db;
  std::string key;
};
using ReadyKeys = std::vector<ReadyKey>;

// Collects ready keys of a locked engine (cheap when nothing waits there).
void CollectReadyKeys(Engine& e, ReadyKeys& out);
// Serves waiters of the ready keys, and of keys their commands make ready in turn. Call with
// no engine locked.
void ServeReadyKeys(ServerState& state, ReadyKeys keys);

// CLIENT UNBLOCK: ends a client's wait now, with the timeout reply or an UNBLOCKED error.
// Returns false if the client was not blocked.
bool UnblockClient(BlockedClient& w, bool with_error);

}  // namespace ks
