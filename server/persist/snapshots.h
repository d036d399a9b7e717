#pragma once
// Snapshots: RDB images of every engine taken at one moment (all engines locked together for
// an instant) and written in the background by one writer thread (persistence/snapshot.h:
// no fork, the engines keep serving). BGSAVE, save points, SAVE and shutdown (which wait for
// it) and the base of BGREWRITEAOF all use it. At most one runs at a time, as in Redis.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "persistence/rdb_writer.h"

namespace ks {

class AofSet;
class ServerState;

// <dir>/<stem>-<engine><ext>: dump.rdb -> dump-3.rdb, each file one engine's data.
std::string EngineRdbPath(const std::string& dir, const std::string& dbfilename, int engine);

struct SnapshotJob {
  enum class Kind { kRdb, kAofBase };
  Kind kind = Kind::kRdb;
  std::function<std::string(int engine)> path;  // each engine's file
  RdbSaveOptions opt;
  // Called with every engine locked, at the snapshot's moment (the AOF rewrite moves the logs
  // to new files here). A non-empty return cancels the snapshot with that error.
  std::function<std::string()> at_moment;
  // Called on the writer thread when every file is written (error empty) or one failed.
  std::function<void(const std::string& error)> done;
};

class Snapshots {
 public:
  explicit Snapshots(ServerState& state) : state_(state) {}
  ~Snapshots() { Wait(); }

  // Starts the job; false (and nothing started) if a snapshot is already running. An error
  // of at_moment or of opening the files is passed to done.
  bool Start(SnapshotJob job);
  // Waits until no snapshot is running.
  void Wait();
  bool running() const { return running_.load(std::memory_order_acquire); }
  SnapshotJob::Kind running_kind() const { return kind_.load(std::memory_order_relaxed); }
  int64_t started_ms() const { return started_ms_.load(std::memory_order_relaxed); }

  // An RDB snapshot to <dir>/<dbfilename> per engine, recording the outcome for LASTSAVE,
  // INFO persistence and stop-writes-on-bgsave-error. False if one is running. done, if
  // given, is also called with the outcome.
  // A failure of a background save (background true) stops writes under
  // stop-writes-on-bgsave-error; a failed SAVE only answers an error, as in Redis.
  bool StartRdb(std::function<void(const std::string&)> done = nullptr, bool background = true);
  // SAVE (and shutdown, import, FLUSHALL with save points): an RDB snapshot, waited for.
  // Returns the error or an empty string.
  std::string SaveNow();

  // BGSAVE SCHEDULE while an AOF rewrite runs: the next housekeeper tick after it starts one.
  void ScheduleRdb() { rdb_scheduled_.store(true); }
  bool rdb_scheduled() const { return rdb_scheduled_.load(); }

  // BGREWRITEAOF: new incremental files from the snapshot's moment on, and an RDB image of
  // each engine as its new base (persistence/aof_log.h). False if a snapshot is running.
  // at_switch, if given, runs at the switch with every engine locked.
  bool StartAofRewrite(AofSet& aof, std::function<void(const std::string&)> done = nullptr,
                       std::function<void()> at_switch = nullptr);
  // The same, waited for (start-up, CONFIG SET appendonly yes). Returns the error.
  std::string RewriteAofNow(AofSet& aof, std::function<void()> at_switch = nullptr);
  // The housekeeper's tick with the AOF on: a scheduled rewrite, or an automatic one when
  // the log grew auto-aof-rewrite-percentage over its base and past auto-aof-rewrite-min-size.
  void CheckAofRewrite(AofSet& aof, int64_t now_ms);

  // RDB outcome, as INFO persistence names it.
  struct RdbStats {
    std::atomic<int64_t> last_save_sec{0};       // rdb_last_save_time / LASTSAVE
    std::atomic<uint64_t> dirty_at_save{0};      // dirty counter when the last save began
    std::atomic<bool> last_bgsave_ok{true};
    std::atomic<int64_t> last_bgsave_time_sec{-1};
    std::atomic<int64_t> last_try_sec{0};        // when the last attempt ended
    std::atomic<uint64_t> saves{0};              // attempts, failed ones too (as Redis)
  };
  RdbStats& rdb() { return rdb_; }

  // The housekeeper's tick: with the AOF on, CheckAofRewrite first; then starts a BGSAVE when a `save` point is reached (at least
  // `changes` changes and `seconds` seconds since the last save; after a failure, not
  // before 5 seconds, as Redis).
  void CheckSavePoints(int64_t now_ms, uint64_t dirty);

 private:
  void Run(SnapshotJob job, std::vector<std::unique_ptr<class EngineSnapshot>> snaps);
  void Finish(const SnapshotJob& job, const std::string& err);

  ServerState& state_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> running_{false};
  std::atomic<SnapshotJob::Kind> kind_{SnapshotJob::Kind::kRdb};
  std::atomic<int64_t> started_ms_{0};
  std::thread thread_;
  RdbStats rdb_;
  std::atomic<bool> rdb_scheduled_{false};
  std::atomic<int64_t> aof_failed_ms_{0};
};

}  // namespace ks
