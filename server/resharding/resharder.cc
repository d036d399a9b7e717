#include "server/resharding/resharder.h"

#include <algorithm>
#include <chrono>

#include "persistence/aof_format.h"
#include "persistence/aof_log.h"
#include "server/core/server_state.h"
#include "server/resharding/slot_map_file.h"

namespace ks {
namespace {

// A batch holds at most this many slots, and with the AOF on stops adding slots once this
// many keys are in it (their rebuild is written under the lock): the pause a batch causes
// stays around a millisecond plus the fsyncs.
constexpr size_t kBatchSlots = 64;
constexpr size_t kBatchKeysWithAof = 4096;
constexpr size_t kKeptFinished = 100;
constexpr size_t kDelKeysPerCommand = 512;

SlotOwners CurrentOwners(const ShardSet& shards) {
  SlotOwners o;
  for (int s = 0; s < kNumSlots; ++s) o[s] = shards.slots().CodeOf(static_cast<uint16_t>(s));
  return o;
}

// DEL commands for keys (in their databases) appended to an engine's log.
void LogDeletes(EngineLog& log, const std::vector<std::pair<int, std::string>>& keys) {
  size_t i = 0;
  while (i < keys.size()) {
    int db = keys[i].first;
    std::vector<std::string_view> args{"DEL"};
    while (i < keys.size() && keys[i].first == db && args.size() <= kDelKeysPerCommand) args.push_back(keys[i++].second);
    log.Append(db, args);
  }
}

}  // namespace

std::optional<std::string> LoadSlotMapAtStartup(ServerState& state) {
  std::string dir;
  {
    std::lock_guard lk(state.config_mu());
    dir = state.config().dir;
  }
  std::optional<SlotOwners> owners;
  const std::vector<std::string>& remotes = state.remote_names();
  if (auto err = LoadSlotMap(dir, state.shards().size(), &owners, remotes)) return err;
  // The remotes' `slots` are checked even when slots.conf rules, so a bad config never waits
  // for the day the file is gone to fail.
  SlotOwners seeded;
  for (int s = 0; s < kNumSlots; ++s) seeded[s] = state.shards().slots().CodeOf(static_cast<uint16_t>(s));
  std::vector<int> claimed(kNumSlots, -1);
  const auto& cfg = state.config().remotes;
  for (size_t i = 0; i < cfg.size(); ++i) {
    if (cfg[i].slots.empty()) continue;
    std::vector<uint16_t> slots;
    if (auto err = ParseSlotList(cfg[i].slots, &slots)) return "[remote." + cfg[i].name + "] slots: " + *err;
    for (uint16_t s : slots) {
      if (claimed[s] >= 0)
        return "[remote." + cfg[i].name + "] slots overlap [remote." + cfg[claimed[s]].name + "] at slot " +
               std::to_string(s);
      claimed[s] = static_cast<int>(i);
      seeded[s] = static_cast<uint16_t>(kRemoteOwner | i);
    }
  }
  if (owners) {
    state.shards().ResetSlots(*owners);
  } else if (!cfg.empty()) {
    // The engines share the slots the remotes leave, evenly and in contiguous runs.
    const int active = state.shards().active();
    size_t left = 0;
    for (int s = 0; s < kNumSlots; ++s) left += claimed[s] < 0;
    size_t k = 0;
    for (int s = 0; s < kNumSlots; ++s)
      if (claimed[s] < 0) seeded[s] = static_cast<uint16_t>(k++ * active / left);
    state.shards().ResetSlots(seeded);
    // Saved at once: from now on the persisted map rules, as the configuration says.
    if (std::string err = SaveSlotMap(dir, seeded, remotes); !err.empty())
      return "saving " + SlotMapPath(dir) + " failed: " + err;
  }
  return std::nullopt;
}

size_t DropUnownedKeys(ShardSet& shards) {
  size_t n = 0;
  for (int e = 0; e < shards.size(); ++e) {
    EngineGuard lk(shards, e);
    for (int db = 0; db < kNumDbs; ++db) {
      Db& d = lk.engine().db(db);
      for (int s = d.NextNonEmptySlot(0); s >= 0; s = d.NextNonEmptySlot(s + 1))
        if (shards.slots().CodeOf(static_cast<uint16_t>(s)) != e)
          n += d.EraseIfInSlot(static_cast<uint16_t>(s), [](Entry*) { return true; });
    }
  }
  return n;
}

const char* MoveStateName(MoveInfo::State s) {
  switch (s) {
    case MoveInfo::State::kRunning: return "running";
    case MoveInfo::State::kDone: return "done";
    case MoveInfo::State::kCancelled: return "cancelled";
    case MoveInfo::State::kFailed: return "failed";
  }
  return "?";
}

Resharder::Resharder(ServerState& state) : state_(state), active_(state.shards().active()) {
  std::lock_guard lk(state.config_mu());
  dir_ = state.config().dir;
}

Resharder::~Resharder() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
    for (auto& j : queue_) j->cancel = true;
    if (current_) current_->cancel = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Resharder::StartMove(std::string_view spec, int64_t to, ReshardError* err) {
  std::vector<uint16_t> slots;
  if (auto e = ParseSlotList(spec, &slots)) {
    *err = {ReshardError::Kind::kBadInput, *e};
    return {};
  }
  if (to < 0 || to >= active_engines()) {
    *err = {ReshardError::Kind::kBadInput,
            "no engine " + std::to_string(to) + " (engines are 0-" + std::to_string(active_engines() - 1) + ")"};
    return {};
  }
  return Queue(std::move(slots), static_cast<int>(to), std::string(spec));
}

std::string Resharder::Queue(std::vector<uint16_t> slots, int to, std::string spec) {
  auto job = std::make_shared<Job>();
  job->slots = std::move(slots);
  job->info.slots = std::move(spec);
  job->info.to = to;
  job->info.slots_total = job->slots.size();
  job->info.started_ms = state_.clock()->NowMs();
  std::lock_guard lk(mu_);
  job->info.id = "m" + std::to_string(next_id_++);
  jobs_.push_back(job);
  queue_.push_back(job);
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  cv_.notify_all();
  return job->info.id;
}

std::vector<std::string> Resharder::Rebalance(std::string_view by, ReshardError* err) {
  if (by != "slots" && by != "memory") {
    *err = {ReshardError::Kind::kBadInput, "\"by\" must be \"slots\" or \"memory\""};
    return {};
  }
  ShardSet& shards = state_.shards();
  const int n = active_engines();
  SlotOwners owners = CurrentOwners(shards);
  // Weight of each slot: 1, or its bytes (every database) plus 1 so empty slots spread too.
  std::vector<uint64_t> weight(kNumSlots, 1);
  if (by == "memory") {
    for (int e = 0; e < shards.size(); ++e) {
      EngineGuard lk(shards, e);
      for (int s = 0; s < kNumSlots; ++s) {
        if (owners[s] != e) continue;
        for (int db = 0; db < kNumDbs; ++db) weight[s] += lk.engine().db(db).SlotBytes(static_cast<uint16_t>(s));
      }
    }
  }
  std::vector<uint64_t> load(shards.size(), 0);
  uint64_t total = 0;
  // Remote shards' slots stay where they are: only the engines are evened out.
  for (int s = 0; s < kNumSlots; ++s) {
    if (owners[s] & kRemoteOwner) continue;
    load[owners[s]] += weight[s];
    total += weight[s];
  }
  // Greedy: repeatedly move the heaviest engine's lightest-fitting slots to the lightest
  // engine while that narrows the gap. Slots of inactive engines all go to active ones.
  std::vector<std::vector<uint16_t>> gets(n);
  const uint64_t target = total / n;
  std::vector<int> order(kNumSlots);
  for (int s = 0; s < kNumSlots; ++s) order[s] = kNumSlots - 1 - s;  // highest slots leave first
  for (int s : order) {
    if (owners[s] & kRemoteOwner) continue;
    int from = owners[s];
    bool must = from >= n;
    if (!must && load[from] <= target) continue;
    int to = 0;
    for (int e = 1; e < n; ++e)
      if (load[e] < load[to]) to = e;
    if (to == from) continue;
    if (!must && load[to] + weight[s] >= load[from]) continue;  // would not narrow the gap
    load[from] -= weight[s];
    load[to] += weight[s];
    owners[s] = static_cast<uint16_t>(to);
    gets[to].push_back(static_cast<uint16_t>(s));
  }
  std::vector<std::string> ids;
  for (int e = 0; e < n; ++e) {
    if (gets[e].empty()) continue;
    std::sort(gets[e].begin(), gets[e].end());
    std::string spec;
    SlotOwners mark{};
    mark.fill(0);
    for (uint16_t s : gets[e]) mark[s] = 1;
    for (const SlotRun& r : SlotRuns(mark)) {
      if (!r.engine) continue;
      if (!spec.empty()) spec += ",";
      spec += r.from == r.to ? std::to_string(r.from) : std::to_string(r.from) + "-" + std::to_string(r.to);
    }
    ids.push_back(Queue(std::move(gets[e]), e, spec));
  }
  return ids;
}

bool Resharder::Cancel(const std::string& id, ReshardError* err) {
  std::lock_guard lk(mu_);
  for (auto& j : jobs_) {
    if (j->info.id != id) continue;
    if (j->info.state != MoveInfo::State::kRunning) {
      *err = {ReshardError::Kind::kConflict, "move " + id + " is already " + MoveStateName(j->info.state)};
      return false;
    }
    j->cancel = true;
    auto it = std::find(queue_.begin(), queue_.end(), j);
    if (it != queue_.end()) {  // not started: nothing to stop
      queue_.erase(it);
      j->info.state = MoveInfo::State::kCancelled;
      j->info.finished_ms = state_.clock()->NowMs();
      cv_.notify_all();
    }
    return true;
  }
  *err = {ReshardError::Kind::kNotFound, "no move " + id};
  return false;
}

std::vector<MoveInfo> Resharder::List() {
  std::lock_guard lk(mu_);
  std::vector<MoveInfo> v;
  for (auto& j : jobs_) v.push_back(j->info);
  return v;
}

std::optional<MoveInfo> Resharder::Get(const std::string& id) {
  std::lock_guard lk(mu_);
  for (auto& j : jobs_)
    if (j->info.id == id) return j->info;
  return std::nullopt;
}

bool Resharder::WaitIdle(int64_t timeout_ms) {
  std::unique_lock lk(mu_);
  return cv_.wait_for(lk, std::chrono::milliseconds(timeout_ms), [&] { return queue_.empty() && !current_; });
}

int Resharder::AddEngine(ReshardError* err) {
  std::lock_guard lk(mu_);
  int n = active_.load();
  if (n >= state_.shards().size()) {
    *err = {ReshardError::Kind::kConflict, "all " + std::to_string(n) + " engines are in use (raise max-shards)"};
    return -1;
  }
  active_.store(n + 1, std::memory_order_release);
  return n;
}

bool Resharder::RemoveEngine(int64_t id, ReshardError* err) {
  std::lock_guard lk(mu_);
  int n = active_.load();
  if (id < 0 || id >= n) {
    *err = {ReshardError::Kind::kNotFound, "no engine " + std::to_string(id)};
    return false;
  }
  if (id != n - 1) {
    *err = {ReshardError::Kind::kConflict, "only the last engine (" + std::to_string(n - 1) + ") can be removed"};
    return false;
  }
  if (n == 1) {
    *err = {ReshardError::Kind::kConflict, "the last engine cannot be removed"};
    return false;
  }
  size_t owned = 0;
  for (int s = 0; s < kNumSlots; ++s) owned += state_.shards().slots().CodeOf(static_cast<uint16_t>(s)) == id;
  if (owned) {
    *err = {ReshardError::Kind::kConflict,
            "engine " + std::to_string(id) + " still owns " + std::to_string(owned) + " slots: move them away first"};
    return false;
  }
  for (auto& j : queue_)
    if (j->info.to == id) {
      *err = {ReshardError::Kind::kConflict, "move " + j->info.id + " is queued to engine " + std::to_string(id)};
      return false;
    }
  if (current_ && current_->info.to == id) {
    *err = {ReshardError::Kind::kConflict, "move " + current_->info.id + " is moving slots to engine " + std::to_string(id)};
    return false;
  }
  active_.store(n - 1, std::memory_order_release);
  return true;
}

void Resharder::Loop() {
  std::unique_lock lk(mu_);
  for (;;) {
    cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    current_ = queue_.front();
    queue_.pop_front();
    lk.unlock();
    Run(*current_);
    lk.lock();
    current_->info.finished_ms = state_.clock()->NowMs();
    current_.reset();
    // Keep the running ones and the last finished ones.
    size_t finished = 0;
    for (auto& j : jobs_) finished += j->info.state != MoveInfo::State::kRunning;
    for (auto it = jobs_.begin(); finished > kKeptFinished && it != jobs_.end();) {
      if ((*it)->info.state != MoveInfo::State::kRunning) {
        it = jobs_.erase(it);
        --finished;
      } else {
        ++it;
      }
    }
    cv_.notify_all();
  }
}

bool Resharder::SaveMapIfUnsaved(std::string* error) {
  if (!map_unsaved_) return true;
  map_saved_at_ = std::chrono::steady_clock::now();
  if (std::string err = SaveSlotMap(dir_, CurrentOwners(state_.shards()), state_.remote_names()); !err.empty()) {
    *error = "saving " + SlotMapPath(dir_) + " failed: " + err;
    return false;
  }
  map_unsaved_ = false;
  return true;
}

void Resharder::Run(Job& job) {
  ShardSet& shards = state_.shards();
  const uint16_t to = static_cast<uint16_t>(job.info.to);
  size_t i = 0;
  auto finish = [&](MoveInfo::State s, std::string error = {}) {
    if (std::string e; !SaveMapIfUnsaved(&e) && s != MoveInfo::State::kFailed) {
      s = MoveInfo::State::kFailed;
      error = e;
    }
    std::lock_guard lk(mu_);
    job.info.state = s;
    job.info.error = std::move(error);
  };
  while (i < job.slots.size()) {
    if (job.cancel.load()) return finish(MoveInfo::State::kCancelled);
    if (to >= active_engines()) return finish(MoveInfo::State::kFailed, "engine " + std::to_string(to) + " was removed");
    // Slots already at the target count as done; the next batch is a run of slots with the
    // same owner.
    size_t skipped = 0;
    while (i < job.slots.size() && shards.slots().CodeOf(job.slots[i]) == to) ++i, ++skipped;
    if (skipped) {
      std::lock_guard lk(mu_);
      job.info.slots_done += skipped;
    }
    if (i == job.slots.size()) break;
    const uint16_t from = shards.slots().CodeOf(job.slots[i]);
    if (from & kRemoteOwner)
      return finish(MoveInfo::State::kFailed, "slot " + std::to_string(job.slots[i]) + " is on remote shard '" +
                                                  OwnerText(from, state_.remote_names()) +
                                                  "': moves from remote shards are not supported yet");
    std::vector<uint16_t> batch;
    size_t keys = 0;
    const bool aof = state_.aof() != nullptr;
    while (i < job.slots.size() && batch.size() < kBatchSlots && shards.slots().CodeOf(job.slots[i]) == from) {
      if (aof && !batch.empty() && keys >= kBatchKeysWithAof) break;
      if (aof) {
        // An estimate without the lock (it only sizes the batch).
        EngineGuard lk(shards, from);
        for (int db = 0; db < kNumDbs; ++db) keys += lk.engine().db(db).SlotSize(job.slots[i]);
      }
      batch.push_back(job.slots[i++]);
    }
    std::string error;
    if (!MoveBatch(job, from, to, batch, &error)) return finish(MoveInfo::State::kFailed, error);
  }
  finish(MoveInfo::State::kDone);
}

bool Resharder::MoveBatch(Job& job, uint16_t from, uint16_t to, const std::vector<uint16_t>& slots, std::string* error) {
  ShardSet& shards = state_.shards();
  EngineLocks locks;
  EngineIds ids{from, to};
  locks.Lock(shards, ids);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<uint16_t> mine;
  for (uint16_t s : slots)
    if (shards.slots().CodeOf(s) == from) mine.push_back(s);
  Engine& src = shards.engine(from);
  Engine& dst = shards.engine(to);
  // 1. A running snapshot keeps the image of its moment.
  for (uint16_t s : mine) {
    src.BeforeSlotChange(s);
    dst.BeforeSlotChange(s);
  }
  // 2. The keys at the end of the target's log, durable.
  AofSet* aof = state_.aof();
  std::vector<std::pair<int, std::string>> moved_keys;
  if (aof) {
    EngineLog& log = aof->log(to);
    for (int db = 0; db < kNumDbs; ++db)
      for (uint16_t s : mine)
        src.db(db).ForEachInSlot(s, [&](Entry* e) {
          log.AppendWith(db, [&](std::string& out) { AppendKeyRebuild(out, e, true); });
          moved_keys.emplace_back(db, std::string(e->key()));
        });
    if (!moved_keys.empty() && (!log.Write() || !log.Sync())) {
      LogDeletes(log, moved_keys);  // the copy is not the target's: undo it in its log
      *error = "writing the append-only log of engine " + std::to_string(to) + " failed";
      return false;
    }
  }
  // 3. The map naming the new owner, durable, before any command can see it. Without the
  // AOF, data comes back from RDB files, which route keys by slot under any map: the map is
  // then saved after the unlock, off the clients' path.
  SlotOwners owners = CurrentOwners(shards);
  for (uint16_t s : mine) owners[s] = to;
  if (std::string err = aof ? SaveSlotMap(dir_, owners, state_.remote_names()) : std::string(); !err.empty()) {
    if (aof) LogDeletes(aof->log(to), moved_keys);
    *error = "saving " + SlotMapPath(dir_) + " failed: " + err;
    return false;
  }
  // 4. The tables and blocked clients, and the owner.
  size_t keys = 0;
  for (uint16_t s : mine) {
    SlotData d = src.TakeSlot(s);
    keys += d.keys();
    dst.AdoptSlot(s, std::move(d));
    shards.AssignSlotLocked(s, to);
  }
  // 5. The source's log forgets them (written with its next command or within a second; if
  // lost in a crash, start-up drops keys of slots an engine does not own).
  if (aof) LogDeletes(aof->log(from), moved_keys);
  const uint64_t pause =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  locks.UnlockAll();
  if (!aof) {
    map_unsaved_ = true;
    if (std::chrono::steady_clock::now() - map_saved_at_ >= std::chrono::milliseconds(200) && !SaveMapIfUnsaved(error))
      return false;
  }
  std::lock_guard lk(mu_);
  job.info.slots_done += slots.size();
  job.info.keys_moved += keys;
  job.info.max_pause_us = std::max(job.info.max_pause_us, pause);
  return true;
}

}  // namespace ks
