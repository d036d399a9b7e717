#pragma once
// AofSet: one append-only log per engine, in Redis 7's multi-part layout. Inside
// dir/appenddirname/ each engine e has a manifest <appendfilename>-e.manifest naming a base
// file (<appendfilename>-e.<n>.base.aof) and incremental files (<appendfilename>-e.<n>.incr.aof),
// all RESP command streams that redis-check-aof accepts.
//
// Commands are appended to an engine's in-memory buffer while the engine is locked (so the log
// order is the engine's apply order); the buffer goes to the file after the command, and is
// fsynced per appendfsync: always = before the reply (group commit: one fsync covers everything
// appended so far), everysec = by a background thread once a second, no = never by us.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ks {

class Engine;

enum class FsyncPolicy { kAlways, kEverySec, kNo };
std::optional<FsyncPolicy> ParseFsyncPolicy(std::string_view s);

struct AofOptions {
  std::string dir = ".";
  std::string dirname = "appendonlydir";
  std::string filename = "appendonly.aof";
  int engines = 1;
  FsyncPolicy fsync = FsyncPolicy::kEverySec;
  bool load_truncated = true;
};

// One engine's log: the pending buffer and the open incremental file.
class EngineLog {
 public:
  // Appends one command for database db (a SELECT first if the log is in another db).
  // Call with the engine locked.
  void Append(int db, std::span<const std::string_view> args);
  // Lets f(std::string&) append RESP commands for database db; engine locked.
  void AppendWith(int db, const std::function<void(std::string&)>& f);
  // A unit's block (engine locked): MULTI, then the unit's commands, then EndUnit's note (the
  // "#ks-unit:<id>:<parts>" annotation of a unit over several engines, or empty) and EXEC.
  void BeginUnit();
  void EndUnit(std::string_view note);

  // Writes the pending buffer to the file (blocking). False on an I/O error.
  bool Write();
  // Makes everything appended so far durable (write + fdatasync), unless another caller's
  // fsync already covered it. False on an I/O error. The fdatasync runs without io_mu_, so
  // writers are not held up by a slow disk.
  bool Sync();

  uint64_t incr_bytes() const { return incr_bytes_.load(std::memory_order_relaxed); }
  // How many times a rewrite switched this log to a new file (changes only with the engine
  // locked): what was appended before a switch is in files the rewrite then drops, so live
  // resharding re-copies keys it wrote to the log before one.
  uint64_t switches() const { return switches_.load(std::memory_order_acquire); }

 private:
  friend class AofSet;
  bool WriteLocked();  // io_mu_ held
  // A rewrite's switch, with the engine locked: everything appended so far is written to the
  // current file, and the log continues in fd. The old file is fsynced by the next Sync.
  void SwitchTo(int fd);
  bool SyncPreviousLocked();  // io_mu_ held
  int prev_fd_ = -1;
  std::mutex buf_mu_;
  std::string buf_;
  std::string spare_;
  uint64_t appended_ = 0;  // bytes ever appended
  int cur_db_ = -1;
  // One fsync at a time; while it is held the files do not switch. Taken before io_mu_.
  std::mutex sync_mu_;
  uint64_t synced_ = 0;  // sync_mu_
  std::mutex io_mu_;
  int fd_ = -1;
  uint64_t written_ = 0;
  std::atomic<uint64_t> incr_bytes_{0};  // size of the current incremental files
  std::atomic<uint64_t> switches_{0};
};

class AofSet {
 public:
  explicit AofSet(AofOptions opts);
  ~AofSet();

  // True if dir/appenddirname holds a manifest for any engine.
  static bool Exists(const AofOptions& opts);
  // Replays every engine's base and incremental files in order, calling apply(engine, args)
  // per command. A tail cut inside a command is truncated away with a warning when
  // load_truncated, else refused; anything else malformed is refused. Returns the error text.
  // A base that is an RDB image goes to load_rdb(path) instead.
  // begin_engine(e), if given, is called before engine e's files are read.
  std::optional<std::string> Load(const std::function<void(int, std::span<const std::string_view>)>& apply,
                                  const std::function<std::optional<std::string>(const std::string&)>& load_rdb,
                                  const std::function<void(int)>& begin_engine = nullptr);
  // Opens each engine's log for appending, creating an empty base and a first incremental
  // file for engines without a manifest. Starts the background fsync thread.
  std::optional<std::string> Open();

  EngineLog& log(int engine) { return *logs_[engine]; }
  // The annotation naming a new unit over `parts` engines: an id unique across restarts (the
  // time the logs were opened, and a counter).
  std::string NewUnitNote(size_t parts);
  int engines() const { return static_cast<int>(logs_.size()); }
  FsyncPolicy fsync() const { return fsync_.load(std::memory_order_relaxed); }
  void set_fsync(FsyncPolicy p) { fsync_.store(p, std::memory_order_relaxed); }
  // After a command that appended to log e, outside the engine's lock: writes (and under
  // always, fsyncs) it. A failed write or fsync under always ends the process, as in Redis:
  // an acknowledged write must be durable.
  void AfterCommand(int engine);

  // BGREWRITEAOF, in three steps around a snapshot of every engine (server/snapshots.h):
  // - PrepareRewrite: creates each engine's next incremental file and names it in the
  //   manifest (a crash from here on replays old base + old and new incrementals);
  // - SwitchLogs, at the snapshot's moment with every engine locked: the logs continue in
  //   the new files;
  // - CommitRewrite, once the snapshot wrote each engine's new base to BasePath(e) (an RDB
  //   image, as Redis 7 writes with aof-use-rdb-preamble): the manifests name the new base
  //   and the new incremental file only, and the old files are removed. With
  //   bases_written false the manifests keep the whole history instead.
  std::optional<std::string> PrepareRewrite();
  void SwitchLogs();
  std::optional<std::string> CommitRewrite(bool bases_written);
  std::string BasePath(int e) const;

  struct Stats {
    std::atomic<bool> rewrite_scheduled{false};
    std::atomic<bool> last_rewrite_ok{true};
    std::atomic<bool> last_write_ok{true};
    std::atomic<int64_t> last_rewrite_time_sec{-1};
    std::atomic<uint64_t> rewrites{0};
    std::atomic<uint64_t> base_size{0};
  };
  Stats& stats() { return stats_; }
  uint64_t CurrentSize() const;
  uint64_t BaseSize() const;
  const AofOptions& options() const { return opts_; }

 private:
  struct Manifest {
    std::string base;  // file name, empty if none
    int64_t base_seq = 0;
    std::vector<std::pair<std::string, int64_t>> incrs;  // name, seq
  };
  std::string DirPath() const;
  std::string ManifestName(int e) const;
  std::string FileName(int e, int64_t seq, bool base) const;
  std::string RdbBaseName(int e, int64_t seq) const;
  std::optional<std::string> ReadManifest(int e, Manifest* m, bool* found) const;
  std::optional<std::string> WriteManifest(int e, const Manifest& m) const;
  void FsyncLoop();
  void AbandonRewriteLocked();  // manifest_mu_ held

  struct Pending {  // a rewrite's next incremental file for one engine
    int fd = -1;
    std::string incr;
    int64_t seq = 0;
  };
  std::vector<Pending> rewrite_;  // guarded by manifest_mu_

  AofOptions opts_;
  std::atomic<FsyncPolicy> fsync_;
  std::vector<std::unique_ptr<EngineLog>> logs_;
  std::vector<Manifest> manifests_;
  std::vector<std::atomic<uint64_t>> base_sizes_;  // read by INFO while a rewrite commits
  std::mutex manifest_mu_;
  Stats stats_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread fsync_thread_;
  int64_t unit_epoch_ = 0;
  std::atomic<uint64_t> next_unit_{0};
};

}  // namespace ks
