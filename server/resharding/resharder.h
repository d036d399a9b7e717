#pragma once
// Resharder: live slot moves between engines (the admin page, the API and KEYSHARD MOVE).
//
// A move hands a set of slots to one engine, in batches, on its own thread, while clients
// keep reading and writing. Per batch (slots with the same current owner, bounded so no
// client waits long), with the AOF on, first, holding one engine at a time:
//   0. the batch's keys are copied to the end of the target's log (LogPreCopy,
//      log_precopy.h): the source is locked for short steps of ~64 KB of rebuild commands
//      (a big collection in parts), the target only to append each step; keys changed after
//      their copy began (the key-modified hook) are copied again while that shrinks them;
//      then the log is fsynced, and the next slots.conf is written to its temporary file
//      and fsynced.
// Then the old and new owners are locked together and, in this order:
//   1. a running snapshot (BGSAVE, AOF rewrite base) copies the slots on both engines first
//      (EngineObserver::BeforeSlotChange), so it stays the image of its moment: the source's
//      file holds the keys, the target's does not;
//   2. with the AOF on, the keys still dirty go to the end of the target's log (DEL if gone,
//      else a whole rebuild starting with DEL), written (and, under appendfsync always,
//      fdatasynced) when there are any. If an AOF rewrite switched the target's log to a new file after the copy
//      began, the copy went with the old file: the batch unlocks and copies again (twice at
//      most; then this step writes every key of the batch, as a move did before the copy);
//   3. slots.conf names the new owner (the prepared file renamed over it, and under always
//      the directory fsynced; written whole here if the map changed meanwhile);
//   4. each slot's tables (every database) and its blocked clients move to the target in
//      O(1) per slot (Engine::TakeSlot / AdoptSlot), and the slot map is flipped;
//   5. with the AOF on, the source's log gets a DEL of every moved key. Under everysec and no
//      this waits until after the unlock and a directory fsync: the DELs must never be
//      durable before the map naming the target is. The hold then does no fsync at all:
//      kill -9 needs only write(2); a power loss may lose the changes made since a key's
//      last copy (the last delta pass, moments before the hold: everysec promises about a
//      second), never the copy itself, fsynced before the rename.
// A crash before 3 leaves the source owner: the copies the target's log holds (whole or cut
// short) replay into the target only, never over the source's keys (each engine's log
// replays into its own engine), and are dropped at start-up (DropUnownedKeys). A crash after
// 3 makes the target the owner, whose log holds every key: its copy, then the rewrite of
// each key changed since (the source's copy is dropped). So a restart brings back exactly
// what was acknowledged, and each engine's log replays to exactly its keys. A cancelled or
// failed batch appends a DEL of every key it copied to the target's log, so a later move of
// the slot finds no stale copy there.
// Moves run one at a time, in the order they were asked for; cancelling stops a move
// between batches or during a batch's copy: every slot is then served by its old or its new
// owner.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/resharding/remote_move.h"
#include "server/resharding/slot_map_file.h"

namespace ks {

class EngineLog;
class LogPreCopy;
class ServerState;
class ShardSet;

// Appends DEL commands for the keys (grouped by database) to an engine's log.
void LogDeletes(EngineLog& log, const std::vector<std::pair<int, std::string>>& keys);

// Start-up, before any data is loaded: the slot map and the active engines from
// <dir>/slots.conf, if there is one. Returns the error that must stop the start-up.
std::optional<std::string> LoadSlotMapAtStartup(ServerState& state);
// Start-up, after loading: drops keys each engine holds for slots it does not own (left by a
// move a crash cut short). Returns how many.
size_t DropUnownedKeys(ShardSet& shards);

struct MoveInfo {
  enum class State { kRunning, kDone, kCancelled, kFailed };
  std::string id;
  State state = State::kRunning;
  std::string slots;  // as asked, e.g. "0-999,5000"
  int to = 0;           // the target's owner code: an engine, or kRemoteOwner | remote index
  std::string to_name;  // a remote target's name (empty for an engine)
  size_t slots_total = 0;
  size_t slots_done = 0;
  uint64_t keys_moved = 0;
  std::string error;
  int64_t started_ms = 0;   // when asked for
  int64_t finished_ms = 0;  // 0 while running
  uint64_t max_pause_us = 0;  // longest time the two engines were held at once
};
const char* MoveStateName(MoveInfo::State s);

// Why a request was refused: kBadInput (the request is wrong), kConflict (the state does
// not allow it, e.g. removing an engine that owns slots) or kInternal (writing slots.conf
// failed; nothing changed).
struct ReshardError {
  enum class Kind { kBadInput, kNotFound, kConflict, kInternal };
  Kind kind;
  std::string message;
};

class Resharder {
 public:
  explicit Resharder(ServerState& state);
  ~Resharder();

  // Queues a move of the slots in spec ("0-999,5000") to engine `to`; returns its id.
  std::string StartMove(std::string_view spec, int64_t to, ReshardError* err);
  // The same to an engine number ("2") or a remote shard's name ("cache-b").
  std::string StartMoveTo(std::string_view spec, std::string_view target, ReshardError* err);
  // Moves planned to even out the engines: by "slots" (equal counts) or "memory" (equal
  // bytes, moving the fewest slots greedily). Returns the ids of the queued moves.
  std::vector<std::string> Rebalance(std::string_view by, ReshardError* err);
  // Cancels a move: a queued one never starts, a running one stops after its current batch.
  bool Cancel(const std::string& id, ReshardError* err);
  std::vector<MoveInfo> List();
  std::optional<MoveInfo> Get(const std::string& id);
  // Waits until no move is queued or running (tests, shutdown). False on timeout.
  bool WaitIdle(int64_t timeout_ms);
  // Engines that take part in routing (ShardSet::IsActive): slots may be given to them.
  // Engines beyond the configured `shards` (up to max-shards) start inactive; any engine can
  // be removed once it owns no slot and added again. The set is kept in slots.conf.
  bool IsActive(int64_t id) const;
  // POST /api/engines: activates the lowest inactive engine; returns its id.
  int AddEngine(ReshardError* err);
  // DELETE /api/engines/<id>: deactivates an engine that owns no slot and no move targets.
  bool RemoveEngine(int64_t id, ReshardError* err);
  // Start-up, once the slot map is loaded: the remote shards a move was touching when the
  // process died (<dir>/remote-moves.pending) lose the keys they hold for slots they do not
  // own. Returns the errors (a remote not reachable stays pending for the next start-up or
  // the next move to it).
  std::string CleanRemotesAfterCrash();

 private:
  struct Job {
    MoveInfo info;
    std::vector<uint16_t> slots;
    std::atomic<bool> cancel{false};
    bool cleaned = false;  // a remote target's leftovers were removed (CleanRemote)
    bool dirty = false;    // a remote source kept copies it should have deleted
    std::map<uint16_t, std::vector<uint32_t>> remote_counts;  // a remote source's keys per slot
  };
  void Loop();
  void Run(Job& job);
  enum class BatchResult { kMoved, kCancelled, kFailed };
  // Moves slots (all owned by `from` when routed) to `to`: with the AOF on, copies their keys
  // to the target's log first (LogPreCopy), then hands them over under one hold of both
  // engines. kFailed comes with *error set; nothing moved then, nor when cancelled.
  BatchResult MoveBatch(Job& job, uint16_t from, uint16_t to, const std::vector<uint16_t>& slots, std::string* error);
  // Registers the pre-copy's listener on the key-modified hook (every engine locked, so no
  // signal is being sent), or removes it; only moves with the AOF on listen.
  void Listen(bool on);
  std::unique_ptr<LogPreCopy> precopy_;  // worker thread only
  bool listening_ = false;
  std::string Queue(std::vector<uint16_t> slots, int to, std::string spec);
  // Moves to and from remote shards (remote_batch.cc): the slots are fenced while their keys
  // cross the network; `from` and `to` are owner codes, at least one of them a remote.
  bool MoveBatchRemote(Job& job, uint16_t from, uint16_t to, const std::vector<uint16_t>& slots, std::string* error);
  std::optional<RemoteEndpoint> Endpoint(uint16_t code);
  std::string Connect(uint16_t code, RemoteLink* link);
  // Deletes keys a remote holds for slots (of a move to it) it does not own: leftovers of a
  // move cut short, whose keys may have been deleted at their owner since.
  std::string CleanRemote(uint16_t to, const std::vector<uint16_t>& slots);
  // After the fence: waits until no command that missed it is running or awaiting a reply.
  // From a remote (`from`'s code), its clients blocked there on the slots' keys are rerouted.
  void DrainSlots(const std::vector<uint16_t>& slots, uint16_t from);
  // Writes slots.conf with slots given to `to`. Caller holds file_mu_.
  bool SaveOwners(const std::vector<uint16_t>& slots, uint16_t to, std::string* error);
  // Without the AOF the map is saved at most every 200 ms and at the end of each move.
  bool SaveMapIfUnsaved(std::string* error);
  // Writes slots.conf: `owners` and the active engines. Caller holds file_mu_.
  std::string SaveMapLocked(const SlotOwners& owners);
  bool map_unsaved_ = false;  // worker thread only
  // Remote shards that may hold keys of slots they do not own if the process dies now (a move
  // to or from them is running, or one failed): kept in <dir>/remote-moves.pending, fsynced.
  std::set<std::string> pending_remotes_;  // worker thread only (and start-up)
  std::string SavePendingRemotes();
  std::chrono::steady_clock::time_point map_saved_at_{};

  ServerState& state_;
  std::string dir_;
  // Held while slots.conf is written and until what it says is true in memory (a batch's
  // new owners assigned, an engine switched on or off), so no writer saves an older state
  // over a newer one. Taken after mu_ or the engines' locks, never before.
  std::mutex file_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::vector<std::shared_ptr<Job>> jobs_;  // every move asked for (the last 100 finished kept)
  std::shared_ptr<Job> current_;
  uint64_t next_id_ = 1;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ks
