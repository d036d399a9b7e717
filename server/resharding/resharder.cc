#include "server/resharding/resharder.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>

#include <unistd.h>

#include "common/strconv.h"
#include "persistence/atomic_file.h"
#include "persistence/aof_format.h"
#include "persistence/aof_log.h"
#include "persistence/atomic_file.h"
#include "server/core/server_state.h"
#include "server/resharding/log_precopy.h"
#include "server/resharding/slot_map_file.h"

namespace ks {
namespace {

// A batch holds at most this many slots, and with the AOF on stops adding slots once this
// many keys are in it (their rebuild is written under the lock): the pause a batch causes
// stays around a millisecond plus the fsyncs.
constexpr size_t kBatchSlots = 64;
constexpr size_t kBatchKeysWithAof = 4096;
// Batches with a remote shard on one side: the keys of one are held in memory while they
// cross, and the slots stay fenced meanwhile (a remote source's bytes are not known ahead:
// its batches are bounded by keys only).
constexpr size_t kBatchKeysRemote = 8192;
constexpr size_t kBatchBytesRemote = 32 << 20;
constexpr size_t kKeptFinished = 100;
constexpr size_t kDelKeysPerCommand = 512;

std::string PendingRemotesPath(const std::string& dir) { return dir + "/remote-moves.pending"; }

SlotOwners CurrentOwners(const ShardSet& shards) {
  SlotOwners o;
  for (int s = 0; s < kNumSlots; ++s) o[s] = shards.slots().CodeOf(static_cast<uint16_t>(s));
  return o;
}

}  // namespace

void LogDeletes(EngineLog& log, const std::vector<std::pair<int, std::string>>& keys) {
  size_t i = 0;
  while (i < keys.size()) {
    int db = keys[i].first;
    std::vector<std::string_view> args{"DEL"};
    while (i < keys.size() && keys[i].first == db && args.size() <= kDelKeysPerCommand) args.push_back(keys[i++].second);
    log.Append(db, args);
  }
}

std::optional<std::string> LoadSlotMapAtStartup(ServerState& state) {
  std::string dir;
  {
    std::lock_guard lk(state.config_mu());
    dir = state.config().dir;
  }
  ShardSet& shards = state.shards();
  std::optional<SlotOwners> owners;
  std::optional<std::vector<int>> active;
  const std::vector<std::string>& remotes = state.remote_names();
  if (auto err = LoadSlotMap(dir, shards.size(), &owners, &active, remotes)) return err;
  // The remotes' `slots` are checked even when slots.conf rules, so a bad config never waits
  // for the day the file is gone to fail.
  SlotOwners seeded;
  for (int s = 0; s < kNumSlots; ++s) seeded[s] = shards.slots().CodeOf(static_cast<uint16_t>(s));
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
    shards.ResetSlots(*owners);
    // A file without the active line (written before engines could be removed): the engines
    // that start with slots and every owning engine.
    std::vector<bool> on(static_cast<size_t>(shards.size()), false);
    if (active) {
      for (int e : *active) on[static_cast<size_t>(e)] = true;
    } else {
      for (int e = 0; e < shards.initial_active(); ++e) on[static_cast<size_t>(e)] = true;
      for (uint16_t e : *owners)
        if (!(e & kRemoteOwner)) on[e] = true;
    }
    for (int e = 0; e < shards.size(); ++e) shards.SetActive(e, on[static_cast<size_t>(e)]);
  } else if (!cfg.empty()) {
    // The engines share the slots the remotes leave, evenly and in contiguous runs.
    const int active_n = shards.initial_active();
    size_t left = 0;
    for (int s = 0; s < kNumSlots; ++s) left += claimed[s] < 0;
    size_t k = 0;
    for (int s = 0; s < kNumSlots; ++s)
      if (claimed[s] < 0) seeded[s] = static_cast<uint16_t>(k++ * active_n / left);
    shards.ResetSlots(seeded);
    // Saved at once: from now on the persisted map rules, as the configuration says.
    if (std::string err = SaveSlotMap(dir, seeded, shards.ActiveIds(), remotes); !err.empty())
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

// "0-2,4": the active engines for error messages.
std::string ActiveList(const ShardSet& shards) {
  std::string out;
  std::vector<int> ids = shards.ActiveIds();
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += j == i ? std::to_string(ids[i]) : std::to_string(ids[i]) + "-" + std::to_string(ids[j]);
    i = j + 1;
  }
  return out;
}

Resharder::Resharder(ServerState& state)
    : precopy_(std::make_unique<LogPreCopy>(state.shards())), state_(state) {
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
  if (!IsActive(to)) {
    *err = {ReshardError::Kind::kBadInput,
            "no engine " + std::to_string(to) + " (the active engines are " + ActiveList(state_.shards()) + ")"};
    return {};
  }
  return Queue(std::move(slots), static_cast<int>(to), std::string(spec));
}

std::string Resharder::StartMoveTo(std::string_view spec, std::string_view target, ReshardError* err) {
  int64_t engine;
  if (StrToLL(target, &engine)) return StartMove(spec, engine, err);
  const std::vector<std::string>& names = state_.remote_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != target) continue;
    std::vector<uint16_t> slots;
    if (auto e = ParseSlotList(spec, &slots)) {
      *err = {ReshardError::Kind::kBadInput, *e};
      return {};
    }
    return Queue(std::move(slots), static_cast<int>(kRemoteOwner | i), std::string(spec));
  }
  *err = {ReshardError::Kind::kBadInput, "no engine or remote shard '" + std::string(target) + "'"};
  return {};
}

std::string Resharder::Queue(std::vector<uint16_t> slots, int to, std::string spec) {
  auto job = std::make_shared<Job>();
  job->slots = std::move(slots);
  job->info.slots = std::move(spec);
  job->info.to = to;
  if (to & kRemoteOwner) job->info.to_name = OwnerText(static_cast<uint16_t>(to), state_.remote_names());
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
  const std::vector<int> active = shards.ActiveIds();
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
    if (owners[s] & kRemoteOwner) continue;  // remote shards' slots stay where they are
    load[owners[s]] += weight[s];
    total += weight[s];
  }
  // Greedy: repeatedly move the heaviest engine's lightest-fitting slots to the lightest
  // active engine while that narrows the gap. Slots of inactive engines all go to active ones.
  std::vector<std::vector<uint16_t>> gets(shards.size());
  const uint64_t target = total / active.size();
  std::vector<int> order(kNumSlots);
  for (int s = 0; s < kNumSlots; ++s) order[s] = kNumSlots - 1 - s;  // highest slots leave first
  for (int s : order) {
    if (owners[s] & kRemoteOwner) continue;
    int from = owners[s];
    bool must = !shards.IsActive(from);
    if (!must && load[from] <= target) continue;
    int to = active[0];
    for (int e : active)
      if (load[e] < load[to]) to = e;
    if (to == from) continue;
    if (!must && load[to] + weight[s] >= load[from]) continue;  // would not narrow the gap
    load[from] -= weight[s];
    load[to] += weight[s];
    owners[s] = static_cast<uint16_t>(to);
    gets[to].push_back(static_cast<uint16_t>(s));
  }
  std::vector<std::string> ids;
  for (int e : active) {
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

bool Resharder::IsActive(int64_t id) const {
  return id >= 0 && id < state_.shards().size() && state_.shards().IsActive(static_cast<int>(id));
}

std::string Resharder::SaveMapLocked(const SlotOwners& owners) {
  return SaveSlotMap(dir_, owners, state_.shards().ActiveIds(), state_.remote_names());
}

int Resharder::AddEngine(ReshardError* err) {
  std::lock_guard lk(mu_);
  ShardSet& shards = state_.shards();
  int id = 0;
  while (id < shards.size() && shards.IsActive(id)) ++id;
  if (id == shards.size()) {
    *err = {ReshardError::Kind::kConflict, "all " + std::to_string(id) + " engines are in use (raise max-shards)"};
    return -1;
  }
  std::lock_guard file(file_mu_);
  shards.SetActive(id, true);
  if (std::string e = SaveMapLocked(CurrentOwners(shards)); !e.empty()) {
    shards.SetActive(id, false);
    *err = {ReshardError::Kind::kInternal, "saving " + SlotMapPath(dir_) + " failed: " + e};
    return -1;
  }
  return id;
}

bool Resharder::RemoveEngine(int64_t id, ReshardError* err) {
  std::lock_guard lk(mu_);
  ShardSet& shards = state_.shards();
  if (!IsActive(id)) {
    *err = {ReshardError::Kind::kNotFound, "no engine " + std::to_string(id)};
    return false;
  }
  if (shards.ActiveIds().size() == 1) {
    *err = {ReshardError::Kind::kConflict, "the last engine cannot be removed"};
    return false;
  }
  size_t owned = 0;
  for (int s = 0; s < kNumSlots; ++s) owned += shards.slots().CodeOf(static_cast<uint16_t>(s)) == id;
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
  // No move is queued or running to it (checked under mu_, which Queue and Loop hold), so
  // no slot can reach it from here on.
  std::lock_guard file(file_mu_);
  shards.SetActive(static_cast<int>(id), false);
  if (std::string e = SaveMapLocked(CurrentOwners(shards)); !e.empty()) {
    shards.SetActive(static_cast<int>(id), true);
    *err = {ReshardError::Kind::kInternal, "saving " + SlotMapPath(dir_) + " failed: " + e};
    return false;
  }
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
  std::lock_guard file(file_mu_);
  if (std::string err = SaveMapLocked(CurrentOwners(state_.shards())); !err.empty()) {
    *error = "saving " + SlotMapPath(dir_) + " failed: " + err;
    return false;
  }
  map_unsaved_ = false;
  return true;
}

std::string Resharder::SavePendingRemotes() {
  const std::string path = PendingRemotesPath(dir_);
  if (pending_remotes_.empty()) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return "removing " + path + ": " + std::strerror(errno);
    return {};
  }
  std::string text;
  for (const std::string& n : pending_remotes_) text += n + "\n";
  std::string err = WriteFileAtomically(path, text);
  return err.empty() ? err : "saving " + path + " failed: " + err;
}

std::string Resharder::CleanRemotesAfterCrash() {
  std::ifstream in(PendingRemotesPath(dir_));
  if (!in) return {};
  std::vector<uint16_t> all(kNumSlots);
  for (int s = 0; s < kNumSlots; ++s) all[s] = static_cast<uint16_t>(s);
  const std::vector<std::string>& names = state_.remote_names();
  std::string errors;
  for (std::string name; std::getline(in, name);) {
    auto it = std::find(names.begin(), names.end(), name);
    if (name.empty() || it == names.end()) continue;  // no longer configured: nothing routes there
    const uint16_t code = static_cast<uint16_t>(kRemoteOwner | (it - names.begin()));
    if (std::string e = CleanRemote(code, all); !e.empty()) {
      pending_remotes_.insert(name);
      errors += (errors.empty() ? "" : "; ") + e;
    }
  }
  in.close();
  if (std::string e = SavePendingRemotes(); !e.empty()) errors += (errors.empty() ? "" : "; ") + e;
  return errors;
}

void Resharder::Run(Job& job) {
  ShardSet& shards = state_.shards();
  const uint16_t to = static_cast<uint16_t>(job.info.to);
  const bool to_remote = to & kRemoteOwner;
  size_t i = 0;
  // Remotes this move named in remote-moves.pending: they leave it when the move ends
  // without leaving copies behind.
  std::set<std::string> marked;
  auto mark = [&](uint16_t code) -> std::string {
    if (!(code & kRemoteOwner)) return {};
    std::string name = OwnerText(code, state_.remote_names());
    if (!pending_remotes_.insert(name).second) return {};
    marked.insert(name);
    return SavePendingRemotes();
  };
  auto finish = [&](MoveInfo::State s, std::string error = {}) {
    Listen(false);
    if (std::string e; !SaveMapIfUnsaved(&e) && s != MoveInfo::State::kFailed) {
      s = MoveInfo::State::kFailed;
      error = e;
    }
    if (s != MoveInfo::State::kFailed && !job.dirty && !marked.empty()) {
      for (const std::string& n : marked) pending_remotes_.erase(n);
      SavePendingRemotes();  // if this fails, the next start-up only cleans once more
    }
    std::lock_guard lk(mu_);
    job.info.state = s;
    job.info.error = std::move(error);
  };
  while (i < job.slots.size()) {
    if (job.cancel.load()) return finish(MoveInfo::State::kCancelled);
    if (!to_remote && !IsActive(to)) return finish(MoveInfo::State::kFailed, "engine " + std::to_string(to) + " was removed");
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
    std::string error;
    if ((from & kRemoteOwner) || to_remote) {
      if (std::string e = mark(from); e.empty()) error = mark(to);
      else error = e;
      if (!error.empty()) return finish(MoveInfo::State::kFailed, error);
      // A move to a remote first clears what it holds for these slots (a move cut short).
      if (to_remote && !job.cleaned) {
        if (error = CleanRemote(to, job.slots); !error.empty()) return finish(MoveInfo::State::kFailed, error);
        job.cleaned = true;
      }
      // Sized by keys and bytes, not slots: each batch costs a fence, a drain of every I/O
      // thread, an fsync of slots.conf (and, from a remote, a SCAN of it), so slots with few
      // keys travel together, up to all of them in one batch. A remote source's keys per slot
      // are counted once per move (an estimate: it only sizes the batches).
      const std::vector<uint32_t>* counts = nullptr;
      if (from & kRemoteOwner) {
        auto it = job.remote_counts.find(from);
        if (it == job.remote_counts.end()) {
          RemoteLink link;
          std::vector<uint32_t> c;
          error = Connect(from, &link);
          if (error.empty()) error = CountRemoteKeys(link, &c);
          if (!error.empty()) return finish(MoveInfo::State::kFailed, error);
          it = job.remote_counts.emplace(from, std::move(c)).first;
        }
        counts = &it->second;
      }
      std::vector<uint16_t> batch;
      size_t keys = 0, bytes = 0;
      while (i < job.slots.size() && shards.slots().CodeOf(job.slots[i]) == from) {
        size_t k = 0, b = 0;
        if (counts) {
          k = (*counts)[job.slots[i]];
        } else {
          EngineGuard lk(shards, from);
          for (int db = 0; db < kNumDbs; ++db) {
            k += lk.engine().db(db).SlotSize(job.slots[i]);
            b += lk.engine().db(db).SlotBytes(job.slots[i]);
          }
        }
        if (!batch.empty() && (keys + k > kBatchKeysRemote || bytes + b > kBatchBytesRemote)) break;
        keys += k;
        bytes += b;
        batch.push_back(job.slots[i++]);
      }
      if (!MoveBatchRemote(job, from, to, batch, &error)) return finish(MoveInfo::State::kFailed, error);
      continue;
    }
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
    switch (MoveBatch(job, from, to, batch, &error)) {
      case BatchResult::kMoved: break;
      case BatchResult::kCancelled: return finish(MoveInfo::State::kCancelled);
      case BatchResult::kFailed: return finish(MoveInfo::State::kFailed, error);
    }
  }
  finish(MoveInfo::State::kDone);
}

void Resharder::Listen(bool on) {
  if (on == listening_) return;
  EngineLocks locks;
  locks.LockAll(state_.shards());
  if (on) state_.keyspace_events().Add(precopy_.get());
  else state_.keyspace_events().Remove(precopy_.get());
  listening_ = on;
}

Resharder::BatchResult Resharder::MoveBatch(Job& job, uint16_t from, uint16_t to, const std::vector<uint16_t>& slots,
                                            std::string* error) {
  ShardSet& shards = state_.shards();
  // With the AOF on, the keys go to the end of the target's log first, holding one engine at
  // a time; the two-engine hold below then writes only the keys changed since.
  AofSet* copied_to = state_.aof();
  struct EndCopy {
    LogPreCopy& p;
    ~EndCopy() {
      if (p.active()) p.End();
    }
  } end_copy{*precopy_};
  constexpr int kCopyAttempts = 3;
  // With the AOF the map is saved under the hold; its file is written and fsynced before, so
  // the hold only renames it and fsyncs the directory.
  AtomicFile map_file;
  SlotOwners map_next{};
  std::vector<int> map_active;
  bool map_ready = false;
  EngineLocks locks;
  EngineIds ids{from, to};
  for (int attempt = 1;; ++attempt) {
    if (copied_to) {
      Listen(true);
      if (!precopy_->active()) precopy_->Begin(from, to, slots);
      LogPreCopy::Result r = precopy_->Copy(*copied_to, job.cancel);
      if (r != LogPreCopy::Result::kCopied) {
        {
          EngineGuard g(shards, to);
          precopy_->Undo(copied_to->log(to));
        }
        if (r == LogPreCopy::Result::kCancelled) return BatchResult::kCancelled;
        *error = "writing the append-only log of engine " + std::to_string(to) + " failed";
        return BatchResult::kFailed;
      }
    }
    if (state_.aof() && !map_ready) {
      // Under file_mu_: the temporary file is the one every writer of slots.conf uses.
      std::lock_guard file(file_mu_);
      map_next = CurrentOwners(shards);
      for (uint16_t s : slots) map_next[s] = to;
      map_active = shards.ActiveIds();
      map_ready = map_file.Open(SlotMapPath(dir_)).empty() &&
                  map_file.Append(SlotMapText(map_next, map_active, state_.remote_names())).empty() && map_file.Sync().empty();
    }
    locks.Lock(shards, ids);
    // An AOF rewrite that switched the target's log to a new file since the copy began
    // dropped the copy with the old file (so did turning the AOF off and on): copy again.
    AofSet* now = state_.aof();
    if (!now || (now == copied_to && precopy_->Valid(now)) || attempt == kCopyAttempts) break;
    locks.UnlockAll();
    copied_to = now;
  }
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
  // 2. The keys at the end of the target's log, durable: what the copy did not cover (keys
  // changed since their copy; everything if the copy no longer stands). Under everysec and
  // no, write(2) is enough for a kill -9, and nothing promises more than the last second on
  // power loss: the fsyncs are left out of the hold (see below).
  AofSet* aof = state_.aof();
  const bool strict = aof && aof->fsync() == FsyncPolicy::kAlways;
  std::vector<std::pair<int, std::string>> moved_keys;
  if (aof) {
    EngineLog& log = aof->log(to);
    const bool all = !(aof == copied_to && precopy_->Valid(aof));
    if (!precopy_->active()) precopy_->Begin(from, to, slots);
    const size_t n = precopy_->AppendDirty(log, all);
    for (int db = 0; db < kNumDbs; ++db)
      for (uint16_t s : mine) src.db(db).ForEachInSlot(s, [&](Entry* e) { moved_keys.emplace_back(db, std::string(e->key())); });
    if (n && (!log.Write() || (strict && !log.Sync()))) {
      precopy_->Undo(log);  // the copy is not the target's: undo it in its log
      *error = "writing the append-only log of engine " + std::to_string(to) + " failed";
      return BatchResult::kFailed;
    }
  }
  // 3. The map naming the new owner, durable, before any command can see it. Without the
  // AOF, data comes back from RDB files, which route keys by slot under any map: the map is
  // then saved after the unlock, off the clients' path.
  // file_mu_ stays held until the new owners are assigned (4.), so no other writer of
  // slots.conf (an engine added or removed) saves the map as it was before this batch.
  std::unique_lock file(file_mu_);
  SlotOwners owners = CurrentOwners(shards);
  for (uint16_t s : mine) owners[s] = to;
  std::string err;
  // An engine added or removed since the file was prepared saved the map itself, through the
  // same temporary file: write it again then.
  if (aof && map_ready && owners == map_next && shards.ActiveIds() == map_active) {
    err = map_file.Commit(strict);
  } else if (aof) {
    map_file.Abort();  // its temporary file is the one SaveSlotMap writes
    err = SaveMapLocked(owners);
  }
  if (!err.empty()) {
    if (aof) precopy_->Undo(aof->log(to));
    *error = "saving " + SlotMapPath(dir_) + " failed: " + err;
    return BatchResult::kFailed;
  }
  // 4. The tables and blocked clients, and the owner.
  size_t keys = 0;
  for (uint16_t s : mine) {
    SlotData d = src.TakeSlot(s);
    keys += d.keys();
    dst.AdoptSlot(s, std::move(d));
    shards.AssignSlotLocked(s, to);
  }
  file.unlock();
  // The slots' keys now change under the target's lock: stop tracking them before unlocking.
  if (precopy_->active()) precopy_->End();
  // 5. The source's log forgets them (written with its next command or within a second; if
  // lost in a crash, start-up drops keys of slots an engine does not own). Never before the
  // map naming the target is durable, or a power loss could leave the old map and the DELs.
  if (strict) LogDeletes(aof->log(from), moved_keys);
  const uint64_t pause =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  locks.UnlockAll();
  if (aof && !strict) {
    FsyncDirOf(SlotMapPath(dir_));  // the rename, durable
    EngineGuard g(shards, from);
    LogDeletes(aof->log(from), moved_keys);
  }
  if (!aof) {
    map_unsaved_ = true;
    if (std::chrono::steady_clock::now() - map_saved_at_ >= std::chrono::milliseconds(200) && !SaveMapIfUnsaved(error))
      return BatchResult::kFailed;
  }
  std::lock_guard lk(mu_);
  job.info.slots_done += slots.size();
  job.info.keys_moved += keys;
  job.info.max_pause_us = std::max(job.info.max_pause_us, pause);
  return BatchResult::kMoved;
}

}  // namespace ks
