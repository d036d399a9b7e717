#include "persistence/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ks {

AtomicFile::~AtomicFile() { Abort(); }

std::string AtomicFile::Open(const std::string& path) {
  Abort();
  path_ = path;
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  tmp_ = dir + "temp-" + std::to_string(::getpid()) + "-" + name;
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) return "Failed opening the temp file " + tmp_ + ": " + std::strerror(errno);
  size_ = 0;
  synced_ = false;
  return {};
}

std::string AtomicFile::Append(std::string_view data) {
  if (fd_ < 0) return "write to " + tmp_ + " after an error";
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = ::write(fd_, data.data() + off, data.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      std::string err = "Write error writing " + tmp_ + ": " + std::strerror(w < 0 ? errno : ENOSPC);
      Abort();
      return err;
    }
    off += static_cast<size_t>(w);
  }
  size_ += data.size();
  synced_ = false;
  return {};
}

std::string AtomicFile::Sync() {
  if (fd_ < 0) return "sync of " + tmp_ + " after an error";
  if (::fsync(fd_) != 0) {
    std::string err = "fsync of " + tmp_ + " failed: " + std::strerror(errno);
    Abort();
    return err;
  }
  synced_ = true;
  return {};
}

void FsyncDirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

std::string AtomicFile::Commit(bool sync_dir) {
  if (fd_ < 0) return "commit of " + tmp_ + " after an error";
  if (!synced_ && ::fsync(fd_) != 0) {
    std::string err = "fsync of " + tmp_ + " failed: " + std::strerror(errno);
    Abort();
    return err;
  }
  ::close(fd_);
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::string err = "rename of " + tmp_ + " to " + path_ + " failed: " + std::strerror(errno);
    ::unlink(tmp_.c_str());
    tmp_.clear();
    return err;
  }
  tmp_.clear();
  if (sync_dir) FsyncDirOf(path_);
  return {};
}

void AtomicFile::Abort() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!tmp_.empty()) {
    ::unlink(tmp_.c_str());
    tmp_.clear();
  }
}

std::string WriteFileAtomically(const std::string& path, std::string_view data) {
  AtomicFile f;
  std::string err = f.Open(path);
  if (err.empty()) err = f.Append(data);
  if (err.empty()) err = f.Commit();
  return err;
}

}  // namespace ks
