#include "server/scripting/functions.h"
#include "server/scripting/scripting.h"
#include "server/persist/snapshots.h"

#include <algorithm>
#include <cstdio>
#include <future>
#include <memory>
#include <sstream>
#include <vector>

#include "persistence/aof_log.h"
#include "persistence/snapshot.h"
#include "server/persist/engine_hooks.h"
#include "server/core/server_state.h"

namespace ks {
namespace {

// Bytes copied per lock hold of an engine: small enough that a client waiting for the lock
// hardly notices, large enough that the writer moves along.
constexpr size_t kStepBytes = 64 * 1024;

// Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points wait this long.
constexpr int64_t kRetryDelaySec = 5;

}  // namespace

std::string EngineRdbPath(const std::string& dir, const std::string& dbfilename, int engine) {
  size_t dot = dbfilename.rfind('.');
  std::string stem = dot == std::string::npos ? dbfilename : dbfilename.substr(0, dot);
  std::string ext = dot == std::string::npos ? "" : dbfilename.substr(dot);
  return dir + "/" + stem + "-" + std::to_string(engine) + ext;
}

bool Snapshots::Start(SnapshotJob job) {
  std::unique_lock lk(mu_);
  if (running()) return false;
  if (thread_.joinable()) thread_.join();
  ShardSet& shards = state_.shards();
  std::vector<std::unique_ptr<EngineSnapshot>> snaps;
  std::string err;
  {
    // One moment for all engines, so a command spanning engines is in the files whole or
    // not at all.
    EngineLocks locks;
    locks.LockAll(shards);
    if (job.at_moment) err = job.at_moment();
    if (err.empty()) {
      // The function libraries go in engine 0's file only (docs/ARCHITECTURE.md): each is
      // registered once when the files load. Read without the script mutex: the set changes
      // only with every engine locked, as they are here.
      RdbSaveOptions first = job.opt;
      first.libraries = state_.scripting().functions().Codes();
      for (int e = 0; e < shards.size(); ++e) {
        snaps.push_back(std::make_unique<EngineSnapshot>(shards.engine(e), e == 0 ? first : job.opt));
        state_.hooks(e).set_snapshot(snaps.back().get());
      }
    }
  }
  kind_.store(job.kind, std::memory_order_relaxed);
  started_ms_.store(state_.clock()->NowMs(), std::memory_order_relaxed);
  running_.store(true, std::memory_order_release);
  if (!err.empty()) {
    lk.unlock();
    Finish(job, err);
    return true;
  }
  thread_ = std::thread([this, job = std::move(job), snaps = std::move(snaps)]() mutable { Run(std::move(job), std::move(snaps)); });
  return true;
}

void Snapshots::Run(SnapshotJob job, std::vector<std::unique_ptr<EngineSnapshot>> snaps) {
  ShardSet& shards = state_.shards();
  const int n = static_cast<int>(snaps.size());
  std::string err;
  for (int e = 0; e < n && err.empty(); ++e) err = snaps[e]->Open(job.path(e));
  // The engines advance together, so none holds copied slots for long.
  std::vector<bool> active(n, err.empty());
  for (int left = err.empty() ? n : 0; left > 0 && err.empty();) {
    for (int e = 0; e < n && err.empty(); ++e) {
      if (!active[e]) continue;
      if (!snaps[e]->Step(kStepBytes)) {
        active[e] = false;
        --left;
        err = snaps[e]->error();
      }
    }
  }
  for (int e = 0; e < n; ++e) {
    EngineGuard lk(shards.engine(e));
    state_.hooks(e).set_snapshot(nullptr);
  }
  for (int e = 0; e < n && err.empty(); ++e) err = snaps[e]->Finish();
  snaps.clear();  // removes the temporary files of an abandoned snapshot
  Finish(job, err);
}

void Snapshots::Finish(const SnapshotJob& job, const std::string& err) {
  // Before running() turns false, so that whoever sees it false also sees the outcome.
  if (job.done) job.done(err);
  {
    std::lock_guard lk(mu_);
    running_.store(false, std::memory_order_release);
  }
  cv_.notify_all();
}

void Snapshots::Wait() {
  std::unique_lock lk(mu_);
  cv_.wait(lk, [this] { return !running(); });
  if (thread_.joinable()) thread_.join();
}

bool Snapshots::StartRdb(std::function<void(const std::string&)> done, bool background) {
  SnapshotJob job;
  std::string dir, name;
  {
    std::lock_guard lk(state_.config_mu());
    dir = state_.config().dir;
    name = state_.config().dbfilename;
    job.opt.compression = state_.config().rdbcompression == "yes";
    job.opt.checksum = state_.config().rdbchecksum == "yes";
  }
  job.kind = SnapshotJob::Kind::kRdb;
  job.path = [dir, name](int e) { return EngineRdbPath(dir, name, e); };
  auto dirty = std::make_shared<uint64_t>(0);
  job.at_moment = [this, dirty] {
    *dirty = state_.Dirty();
    rdb_.saves.fetch_add(1);
    return std::string();
  };
  job.done = [this, dirty, background, done = std::move(done)](const std::string& err) {
    int64_t now_ms = state_.clock()->NowMs();
    if (err.empty()) {
      rdb_.last_save_sec.store(now_ms / 1000);
      rdb_.dirty_at_save.store(*dirty);
      rdb_.last_bgsave_ok.store(true);
      std::fprintf(stderr, "keyshard: DB saved on disk\n");
    } else {
      std::fprintf(stderr, "keyshard: %s error: %s\n", background ? "Background saving" : "Saving", err.c_str());
    }
    if (background) {
      rdb_.last_bgsave_ok.store(err.empty());
      rdb_.last_bgsave_time_sec.store((now_ms - started_ms()) / 1000);
      rdb_.last_try_sec.store(now_ms / 1000);
    }
    if (done) done(err);
  };
  return Start(std::move(job));
}

bool Snapshots::StartAofRewrite(AofSet& aof, std::function<void(const std::string&)> done,
                                std::function<void()> at_switch) {
  if (running()) return false;
  if (auto err = aof.PrepareRewrite()) {
    aof.stats().last_rewrite_ok.store(false);
    aof_failed_ms_.store(state_.clock()->NowMs());
    std::fprintf(stderr, "keyshard: Background AOF rewrite failed: %s\n", err->c_str());
    if (done) done(*err);
    return true;
  }
  SnapshotJob job;
  {
    std::lock_guard lk(state_.config_mu());
    job.opt.compression = state_.config().rdbcompression == "yes";
    job.opt.checksum = state_.config().rdbchecksum == "yes";
  }
  job.opt.aof_base = true;
  job.kind = SnapshotJob::Kind::kAofBase;
  job.path = [&aof](int e) { return aof.BasePath(e); };
  job.at_moment = [&aof, at_switch = std::move(at_switch)] {
    aof.SwitchLogs();
    if (at_switch) at_switch();
    return std::string();
  };
  job.done = [this, &aof, done = std::move(done)](const std::string& snap_err) {
    std::string err = snap_err;
    if (auto e = aof.CommitRewrite(err.empty()); e && err.empty()) err = *e;
    AofSet::Stats& st = aof.stats();
    st.last_rewrite_ok.store(err.empty());
    st.last_rewrite_time_sec.store((state_.clock()->NowMs() - started_ms()) / 1000);
    if (err.empty()) {
      st.rewrites.fetch_add(1);
      std::fprintf(stderr, "keyshard: Background AOF rewrite finished successfully\n");
    } else {
      aof_failed_ms_.store(state_.clock()->NowMs());
      std::fprintf(stderr, "keyshard: Background AOF rewrite failed: %s\n", err.c_str());
    }
    if (done) done(err);
  };
  if (!Start(std::move(job))) {
    aof.CommitRewrite(false);  // raced with another start: keep the history
    return false;
  }
  return true;
}

std::string Snapshots::RewriteAofNow(AofSet& aof, std::function<void()> at_switch) {
  for (;;) {
    Wait();
    auto result = std::make_shared<std::promise<std::string>>();
    std::future<std::string> f = result->get_future();
    if (StartAofRewrite(aof, [result](const std::string& err) { result->set_value(err); }, at_switch)) {
      std::string err = f.get();
      Wait();
      return err;
    }
  }
}

void Snapshots::CheckAofRewrite(AofSet& aof, int64_t now_ms) {
  if (running()) return;
  AofSet::Stats& st = aof.stats();
  if (st.rewrite_scheduled.exchange(false)) {
    StartAofRewrite(aof);
    return;
  }
  int64_t percentage, min_size;
  {
    std::lock_guard lk(state_.config_mu());
    percentage = state_.config().auto_aof_rewrite_percentage;
    min_size = state_.config().auto_aof_rewrite_min_size;
  }
  uint64_t size = aof.CurrentSize();
  if (percentage <= 0 || size < static_cast<uint64_t>(min_size)) return;
  // After a failed rewrite, wait a minute before trying again on growth (Redis backs off too).
  if (!st.last_rewrite_ok.load() && now_ms - aof_failed_ms_.load() < 60'000) return;
  uint64_t base = std::max<uint64_t>(aof.BaseSize(), 1);
  uint64_t growth = size * 100 / base - 100;
  if (size > base && growth >= static_cast<uint64_t>(percentage)) {
    std::fprintf(stderr, "keyshard: Starting automatic rewriting of AOF on %llu%% growth\n",
                 static_cast<unsigned long long>(growth));
    StartAofRewrite(aof);
  }
}

std::string Snapshots::SaveNow() {
  auto result = std::make_shared<std::promise<std::string>>();
  std::future<std::string> f = result->get_future();
  if (!StartRdb([result](const std::string& err) { result->set_value(err); }, /*background=*/false))
    return "Background save already in progress";
  std::string err = f.get();
  Wait();  // done runs just before the snapshot counts as finished
  return err;
}

void Snapshots::CheckSavePoints(int64_t now_ms, uint64_t dirty) {
  if (running()) return;
  // The same tick drives the AOF's scheduled and automatic rewrites.
  if (AofSet* aof = state_.aof()) {
    CheckAofRewrite(*aof, now_ms);
    if (running()) return;
  }
  if (rdb_scheduled_.exchange(false)) {
    StartRdb();
    return;
  }
  std::string save;
  {
    std::lock_guard lk(state_.config_mu());
    save = state_.config().save;
  }
  if (save.empty()) return;
  int64_t now = now_ms / 1000;
  uint64_t changes = dirty - rdb_.dirty_at_save.load();
  bool retry_ok = rdb_.last_bgsave_ok.load() || now - rdb_.last_try_sec.load() > kRetryDelaySec;
  std::istringstream in(save);
  int64_t seconds;
  uint64_t need;
  while (in >> seconds >> need) {
    if (changes >= need && now - rdb_.last_save_sec.load() > seconds && retry_ok) {
      std::fprintf(stderr, "keyshard: %llu changes in %lld seconds. Saving...\n",
                   static_cast<unsigned long long>(changes), static_cast<long long>(seconds));
      StartRdb();
      return;
    }
  }
}

}  // namespace ks
