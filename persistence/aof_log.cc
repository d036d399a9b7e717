#include "persistence/aof_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <map>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "persistence/atomic_file.h"
#include "engine/engine.h"
#include "persistence/aof_format.h"

namespace ks {
namespace fs = std::filesystem;

std::optional<FsyncPolicy> ParseFsyncPolicy(std::string_view s) {
  std::string l;
  for (char c : s) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "always") return FsyncPolicy::kAlways;
  if (l == "everysec") return FsyncPolicy::kEverySec;
  if (l == "no") return FsyncPolicy::kNo;
  return std::nullopt;
}

namespace {

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Writes a whole file durably: temp file, fsync, rename, fsync of the directory.
std::optional<std::string> WriteFileAtomic(const std::string& dir, const std::string& name, std::string_view data) {
  std::string err = WriteFileAtomically(dir + "/" + name, data);
  if (!err.empty()) return "cannot write " + dir + "/" + name + ": " + err;
  return std::nullopt;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = std::move(ss).str();
  return true;
}

}  // namespace

// ---- EngineLog ------------------------------------------------------------------------

void EngineLog::Append(int db, std::span<const std::string_view> args) {
  std::lock_guard lk(buf_mu_);
  size_t before = buf_.size();
  if (db != cur_db_) {
    std::string d = std::to_string(db);
    AppendRespCommand(buf_, {"SELECT", d});
    cur_db_ = db;
  }
  AppendRespCommand(buf_, args);
  appended_ += buf_.size() - before;
}

void EngineLog::AppendWith(int db, const std::function<void(std::string&)>& f) {
  std::lock_guard lk(buf_mu_);
  size_t before = buf_.size();
  if (db != cur_db_) {
    std::string d = std::to_string(db);
    AppendRespCommand(buf_, {"SELECT", d});
    cur_db_ = db;
  }
  f(buf_);
  appended_ += buf_.size() - before;
}

void EngineLog::BeginUnit() {
  std::lock_guard lk(buf_mu_);
  size_t before = buf_.size();
  AppendRespCommand(buf_, {"MULTI"});
  appended_ += buf_.size() - before;
}

void EngineLog::EndUnit(std::string_view note) {
  std::lock_guard lk(buf_mu_);
  size_t before = buf_.size();
  if (!note.empty()) {
    buf_ += '#';
    buf_.append(note);
    buf_ += "\r\n";
  }
  AppendRespCommand(buf_, {"EXEC"});
  appended_ += buf_.size() - before;
}

bool EngineLog::WriteLocked() {
  {
    std::lock_guard lk(buf_mu_);
    if (buf_.empty()) return true;
    spare_.swap(buf_);
  }
  bool ok = fd_ >= 0 && WriteAll(fd_, spare_.data(), spare_.size());
  written_ += spare_.size();
  incr_bytes_.fetch_add(spare_.size(), std::memory_order_relaxed);
  spare_.clear();
  if (spare_.capacity() > (1u << 20)) spare_.shrink_to_fit();
  return ok;
}

bool EngineLog::Write() {
  std::lock_guard lk(io_mu_);
  return WriteLocked();
}

bool EngineLog::Sync() {
  uint64_t target;
  {
    std::lock_guard lk(buf_mu_);
    target = appended_;
  }
  std::lock_guard slk(sync_mu_);
  if (synced_ >= target) return true;  // another caller's fsync covered us (group commit)
  int fd;
  uint64_t upto;
  {
    std::lock_guard lk(io_mu_);
    if (!WriteLocked()) return false;
    if (!SyncPreviousLocked()) return false;
    fd = fd_;
    upto = written_;
  }
  if (::fdatasync(fd) != 0) return false;
  synced_ = upto;
  return true;
}

bool EngineLog::SyncPreviousLocked() {
  if (prev_fd_ < 0) return true;
  bool ok = ::fdatasync(prev_fd_) == 0;
  ::close(prev_fd_);
  prev_fd_ = -1;
  return ok;
}

void EngineLog::SwitchTo(int fd) {
  std::lock_guard slk(sync_mu_);  // not while an fsync of the current file runs
  std::lock_guard iolk(io_mu_);
  // What was appended before the switch belongs to the old file (the new base holds it).
  WriteLocked();
  SyncPreviousLocked();
  prev_fd_ = fd_;
  fd_ = fd;
  std::lock_guard blk(buf_mu_);
  cur_db_ = -1;
  incr_bytes_.store(0);
  switches_.fetch_add(1, std::memory_order_release);
}

// ---- AofSet ---------------------------------------------------------------------------

std::string AofSet::NewUnitNote(size_t parts) {
  return "ks-unit:" + std::to_string(unit_epoch_) + "." + std::to_string(next_unit_.fetch_add(1) + 1) + ":" +
         std::to_string(parts);
}

AofSet::AofSet(AofOptions opts) : opts_(std::move(opts)), fsync_(opts_.fsync) {
  unit_epoch_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (int i = 0; i < opts_.engines; ++i) logs_.push_back(std::make_unique<EngineLog>());
  manifests_.resize(opts_.engines);
  base_sizes_ = std::vector<std::atomic<uint64_t>>(opts_.engines);
}

AofSet::~AofSet() {
  {
    std::lock_guard lk(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (fsync_thread_.joinable()) fsync_thread_.join();
  for (auto& l : logs_) {
    std::lock_guard lk(l->io_mu_);
    l->WriteLocked();
    l->SyncPreviousLocked();
    if (l->fd_ >= 0) {
      ::fsync(l->fd_);
      ::close(l->fd_);
    }
  }
}

std::string AofSet::DirPath() const { return opts_.dir + "/" + opts_.dirname; }
std::string AofSet::ManifestName(int e) const { return opts_.filename + "-" + std::to_string(e) + ".manifest"; }
std::string AofSet::FileName(int e, int64_t seq, bool base) const {
  return opts_.filename + "-" + std::to_string(e) + "." + std::to_string(seq) + (base ? ".base.aof" : ".incr.aof");
}

bool AofSet::Exists(const AofOptions& opts) {
  std::error_code ec;
  std::string d = opts.dir + "/" + opts.dirname;
  if (!fs::is_directory(d, ec)) return false;
  for (auto& ent : fs::directory_iterator(d, ec)) {
    std::string n = ent.path().filename().string();
    if (n.rfind(opts.filename + "-", 0) == 0 && n.size() > 9 && n.ends_with(".manifest")) return true;
  }
  return false;
}

std::optional<std::string> AofSet::ReadManifest(int e, Manifest* m, bool* found) const {
  std::string path = DirPath() + "/" + ManifestName(e);
  std::string text;
  *found = false;
  if (!ReadFile(path, &text)) return std::nullopt;
  *found = true;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string k, v, file, type;
    int64_t seq = -1;
    while (ls >> k >> v) {
      if (k == "file") file = v;
      else if (k == "seq") seq = std::atoll(v.c_str());
      else if (k == "type") type = v;
    }
    if (file.empty() || seq < 0 || (type != "b" && type != "i" && type != "h"))
      return "Invalid AOF manifest file format: " + path + ": '" + line + "'";
    if (type == "b") {
      m->base = file;
      m->base_seq = seq;
    } else if (type == "i") {
      m->incrs.emplace_back(file, seq);
    }
  }
  return std::nullopt;
}

std::optional<std::string> AofSet::WriteManifest(int e, const Manifest& m) const {
  std::string text;
  if (!m.base.empty()) text += "file " + m.base + " seq " + std::to_string(m.base_seq) + " type b\n";
  for (auto& [name, seq] : m.incrs) text += "file " + name + " seq " + std::to_string(seq) + " type i\n";
  return WriteFileAtomic(DirPath(), ManifestName(e), text);
}

namespace {

// "ks-unit:<id>:<parts>", the annotation closing each part of a unit over several engines.
bool ParseUnitNote(std::string_view note, std::string_view* id, int64_t* parts) {
  constexpr std::string_view kPrefix = "ks-unit:";
  if (!note.starts_with(kPrefix)) return false;
  note.remove_prefix(kPrefix.size());
  size_t colon = note.rfind(':');
  if (colon == std::string_view::npos) return false;
  *id = note.substr(0, colon);
  std::string_view n = note.substr(colon + 1);
  auto r = std::from_chars(n.data(), n.data() + n.size(), *parts);
  return r.ec == std::errc() && *parts > 0;
}

bool EqualsUpper(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != upper[i]) return false;
  return true;
}

bool IsWord(std::span<const std::string_view> args, std::string_view word) {
  return args.size() == 1 && EqualsUpper(args[0], word);
}

bool IsSelect(std::span<const std::string_view> args) { return args.size() == 2 && EqualsUpper(args[0], "SELECT"); }

}  // namespace

std::optional<std::string> AofSet::Load(const std::function<void(int, std::span<const std::string_view>)>& apply,
                                        const std::function<std::optional<std::string>(const std::string&)>& load_rdb,
                                        const std::function<void(int)>& begin_engine) {
  std::vector<std::string_view> args;
  // First pass: which units over several engines have every part complete in the logs. A
  // crash can leave some parts written and others not; such a unit is not replayed at all.
  struct UnitParts {
    int64_t complete = 0;
    int64_t parts = 0;
  };
  std::map<std::string, UnitParts, std::less<>> units;
  std::vector<Manifest> manifests(engines());
  std::vector<bool> found(engines(), false);
  for (int e = 0; e < engines(); ++e) {
    bool f;
    if (auto err = ReadManifest(e, &manifests[e], &f)) return err;
    found[e] = f;
    if (!f) continue;
    std::vector<std::string> files;
    if (!manifests[e].base.empty()) files.push_back(manifests[e].base);
    for (auto& [name, seq] : manifests[e].incrs) files.push_back(name);
    for (const std::string& name : files) {
      std::string data;
      if (!ReadFile(DirPath() + "/" + name, &data) || data.starts_with("REDIS")) continue;
      if (data.find("#ks-unit:") == std::string::npos) continue;
      AofReader r(data);
      AofReader::Status st;
      bool in_block = false;
      std::string_view id;
      int64_t parts = 0;
      while ((st = r.Next(args)) == AofReader::Status::kCommand || st == AofReader::Status::kAnnotation) {
        if (st == AofReader::Status::kAnnotation) {
          if (in_block && !ParseUnitNote(args[0], &id, &parts)) id = {};
          continue;
        }
        if (IsWord(args, "MULTI")) {
          in_block = true;
          id = {};
        } else if (IsWord(args, "EXEC") && in_block) {
          in_block = false;
          if (!id.empty()) {
            auto it = units.find(id);
            if (it == units.end()) it = units.emplace(std::string(id), UnitParts{}).first;
            it->second.complete++;
            it->second.parts = parts;
          }
        }
      }
    }
  }

  for (int e = 0; e < engines(); ++e) {
    if (!found[e]) continue;
    const Manifest& m = manifests[e];
    if (begin_engine) begin_engine(e);
    std::vector<std::string> files;
    if (!m.base.empty()) files.push_back(m.base);
    for (auto& [name, seq] : m.incrs) files.push_back(name);
    for (size_t i = 0; i < files.size(); ++i) {
      std::string path = DirPath() + "/" + files[i];
      std::string data;
      if (!ReadFile(path, &data)) return "cannot open the append only file " + path + ": " + std::strerror(errno);
      if (i == 0 && !m.base.empty()) {
        base_sizes_[e] = data.size();
        // A base written by a rewrite is an RDB image (Redis's aof-use-rdb-preamble).
        if (data.starts_with("REDIS")) {
          if (auto err = load_rdb(path)) return err;
          continue;
        }
      }
      const bool last = i + 1 == files.size();
      AofReader r(data);
      AofReader::Status st;
      // A MULTI ... EXEC block is applied at its EXEC, whole, or not at all.
      bool in_block = false;
      size_t block_start = 0;
      std::vector<std::vector<std::string_view>> block;
      std::string_view note;
      size_t dropped_from = 0, dropped_to = 0;  // the last unit dropped for a missing part
      std::optional<std::string> bad;
      for (;;) {
        const size_t at = r.offset();
        st = r.Next(args);
        if (st == AofReader::Status::kAnnotation) {
          if (in_block && args[0].starts_with("ks-unit:")) note = args[0];
          continue;
        }
        if (st != AofReader::Status::kCommand) break;
        if (IsWord(args, "MULTI")) {
          if (in_block) {
            bad = "MULTI inside MULTI";
            break;
          }
          in_block = true;
          block_start = at;
          block.clear();
          note = {};
          continue;
        }
        if (IsWord(args, "EXEC")) {
          if (!in_block) {
            bad = "EXEC without MULTI";
            break;
          }
          in_block = false;
          std::string_view id;
          int64_t parts = 0;
          bool whole = true;
          if (!note.empty() && ParseUnitNote(note, &id, &parts)) {
            auto it = units.find(id);
            whole = it != units.end() && it->second.complete >= parts;
          }
          if (whole) {
            for (auto& cmd : block) apply(e, cmd);
          } else {
            std::fprintf(stderr, "keyshard: warning: %s holds a part of the transaction %.*s whose other parts are not all in the logs (a crash while it was being written): not replaying it\n",
                         path.c_str(), static_cast<int>(id.size()), id.data());
            // The database it selected stays selected: the commands after it were logged so.
            for (auto& cmd : block)
              if (IsSelect(cmd)) apply(e, cmd);
            dropped_from = block_start;
            dropped_to = r.offset();
          }
          continue;
        }
        if (in_block)
          block.emplace_back(args);
        else
          apply(e, args);
      }
      if (bad || st == AofReader::Status::kCorrupt || ((st == AofReader::Status::kTruncated || in_block) && !last))
        return "Bad file format reading the append only file " + path + " at offset " + std::to_string(r.offset()) +
               (bad ? " (" + *bad + ")" : std::string()) +
               ": make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>";
      size_t cut = data.size();
      if (st == AofReader::Status::kTruncated || in_block) {
        // A cut-off last command, or a transaction without its EXEC: as Redis, both are a
        // short read, truncated away when aof-load-truncated allows it.
        cut = in_block ? block_start : r.offset();
        if (!opts_.load_truncated)
          return "Unexpected end of file reading the append only file " + path + " at offset " +
                 std::to_string(cut) +
                 ". You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. "
                 "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.";
        if (in_block)
          std::fprintf(stderr, "keyshard: warning: !!! Revert incomplete MULTI/EXEC transaction in the append only file %s\n", path.c_str());
        std::fprintf(stderr, "keyshard: warning: !!! the append only file %s was truncated: cutting it at offset %zu (%zu bytes dropped) and going on\n",
                     path.c_str(), cut, data.size() - cut);
      } else if (last && dropped_to == data.size() && dropped_to > 0) {
        // A unit part that is not replayed, at the very end: cut it off, so the file says what
        // was loaded (and redis-server would load the same).
        cut = dropped_from;
      }
      if (cut != data.size() && ::truncate(path.c_str(), static_cast<off_t>(cut)) != 0)
        return "cannot truncate the append only file " + path + ": " + std::strerror(errno);
    }
  }
  return std::nullopt;
}

std::optional<std::string> AofSet::Open() {
  std::error_code ec;
  fs::create_directories(DirPath(), ec);
  if (ec) return "cannot create the append only dir " + DirPath() + ": " + ec.message();
  for (int e = 0; e < engines(); ++e) {
    Manifest& m = manifests_[e];
    m = Manifest{};
    bool found;
    if (auto err = ReadManifest(e, &m, &found)) return err;
    if (!found || m.incrs.empty()) {
      if (m.base.empty()) {
        m.base_seq = 1;
        m.base = FileName(e, 1, true);
        if (auto err = WriteFileAtomic(DirPath(), m.base, "")) return err;
      }
      m.incrs.emplace_back(FileName(e, 1, false), 1);
      if (auto err = WriteFileAtomic(DirPath(), m.incrs.back().first, "")) return err;
      if (auto err = WriteManifest(e, m)) return err;
    }
    std::string path = DirPath() + "/" + m.incrs.back().first;
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return "cannot open the append only file " + path + ": " + std::strerror(errno);
    EngineLog& l = *logs_[e];
    l.fd_ = fd;
    uint64_t incr = 0;
    for (auto& [name, seq] : m.incrs) incr += fs::file_size(DirPath() + "/" + name, ec);
    l.incr_bytes_.store(incr);
    base_sizes_[e] = fs::file_size(DirPath() + "/" + m.base, ec);
  }
  stats_.base_size.store(BaseSize());
  fsync_thread_ = std::thread([this] { FsyncLoop(); });
  return std::nullopt;
}

void AofSet::AfterCommand(int engine) {
  EngineLog& l = *logs_[engine];
  if (fsync() == FsyncPolicy::kAlways) {
    if (!l.Sync()) {
      std::fprintf(stderr, "keyshard: can't recover from AOF write/fsync error when the AOF fsync policy is 'always' (%s). Exiting...\n",
                   std::strerror(errno));
      std::_Exit(1);
    }
  } else {
    // Written before the reply, as Redis does: an acknowledged write survives the process
    // (a SIGKILL, a crash); everysec's fsync only guards against losing the machine.
    l.Write();
  }
}

void AofSet::FsyncLoop() {
  std::unique_lock lk(stop_mu_);
  while (!stop_) {
    stop_cv_.wait_for(lk, std::chrono::seconds(1));
    if (stop_) break;
    lk.unlock();
    bool ok = true;
    for (auto& l : logs_) {
      if (fsync() == FsyncPolicy::kEverySec)
        ok &= l->Sync();
      else
        ok &= l->Write();
    }
    stats_.last_write_ok.store(ok);
    lk.lock();
  }
}

uint64_t AofSet::BaseSize() const {
  uint64_t s = 0;
  for (const auto& b : base_sizes_) s += b.load(std::memory_order_relaxed);
  return s;
}

uint64_t AofSet::CurrentSize() const {
  uint64_t s = BaseSize();
  for (auto& l : logs_) s += l->incr_bytes();
  return s;
}

std::string AofSet::RdbBaseName(int e, int64_t seq) const {
  return opts_.filename + "-" + std::to_string(e) + "." + std::to_string(seq) + ".base.rdb";
}

std::string AofSet::BasePath(int e) const { return DirPath() + "/" + RdbBaseName(e, manifests_[e].base_seq + 1); }

std::optional<std::string> AofSet::PrepareRewrite() {
  std::lock_guard mlk(manifest_mu_);
  rewrite_.assign(engines(), Pending{});
  for (int e = 0; e < engines(); ++e) {
    Manifest& m = manifests_[e];
    Pending& p = rewrite_[e];
    p.seq = (m.incrs.empty() ? 0 : m.incrs.back().second) + 1;
    p.incr = FileName(e, p.seq, false);
    std::string path = DirPath() + "/" + p.incr;
    p.fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (p.fd < 0) {
      std::string err = "cannot create " + path + ": " + std::strerror(errno);
      AbandonRewriteLocked();
      return err;
    }
    // The new incremental file joins the manifest before anything goes into it, so a crash
    // during the rewrite still replays old base + old incrementals + new incremental.
    Manifest mid = m;
    mid.incrs.emplace_back(p.incr, p.seq);
    if (auto err = WriteManifest(e, mid)) {
      AbandonRewriteLocked();
      return err;
    }
    m = mid;
  }
  return std::nullopt;
}

void AofSet::AbandonRewriteLocked() {
  for (Pending& p : rewrite_)
    if (p.fd >= 0) ::close(p.fd);
  rewrite_.clear();
}

void AofSet::SwitchLogs() {
  std::lock_guard mlk(manifest_mu_);
  for (int e = 0; e < static_cast<int>(rewrite_.size()); ++e) {
    logs_[e]->SwitchTo(rewrite_[e].fd);
    rewrite_[e].fd = -1;
  }
}

std::optional<std::string> AofSet::CommitRewrite(bool bases_written) {
  std::lock_guard mlk(manifest_mu_);
  std::optional<std::string> result;
  for (int e = 0; e < static_cast<int>(rewrite_.size()) && bases_written; ++e) {
    Manifest& m = manifests_[e];
    Manifest done;
    done.base_seq = m.base_seq + 1;
    done.base = RdbBaseName(e, done.base_seq);
    done.incrs.emplace_back(rewrite_[e].incr, rewrite_[e].seq);
    if (auto err = WriteManifest(e, done)) {
      result = err;
      break;
    }
    // The old files are no longer named by the manifest.
    std::error_code ec;
    if (!m.base.empty()) fs::remove(DirPath() + "/" + m.base, ec);
    for (auto& [name, seq] : m.incrs)
      if (name != rewrite_[e].incr) fs::remove(DirPath() + "/" + name, ec);
    m = done;
    base_sizes_[e] = fs::file_size(DirPath() + "/" + m.base, ec);
  }
  // Without new bases the manifests keep the old base and every incremental file, the new
  // ones included: still the whole history.
  AbandonRewriteLocked();
  stats_.base_size.store(BaseSize());
  return result;
}

}  // namespace ks
