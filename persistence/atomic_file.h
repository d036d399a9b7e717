#pragma once
// AtomicFile: a file that appears under its name whole or not at all. Data goes to a
// temporary file in the same directory; Commit() fsyncs it, renames it over the target and
// fsyncs the directory so the rename itself survives a crash. Destroying an uncommitted
// AtomicFile removes the temporary file.
#include <string>
#include <string_view>

namespace ks {

class AtomicFile {
 public:
  AtomicFile() = default;
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates the temporary file for path. Returns an empty string or the error.
  std::string Open(const std::string& path);
  // Appends data. Returns an empty string or the error (the file is then abandoned).
  std::string Append(std::string_view data);
  // Makes the data appended so far durable in the temporary file, ahead of Commit (which then
  // only renames and fsyncs the directory). Returns an empty string or the error.
  std::string Sync();
  // Makes the file durable under its name. Returns an empty string or the error. Without
  // sync_dir the rename is done but not made durable (FsyncDirOf later does).
  std::string Commit(bool sync_dir = true);
  // Removes the temporary file (also done by the destructor when not committed).
  void Abort();

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }

 private:
  std::string path_, tmp_;
  int fd_ = -1;
  uint64_t size_ = 0;
  bool synced_ = false;  // nothing appended since Sync()
};

// fsyncs the directory holding path, so a rename into it survives a crash (errors ignored,
// as some file systems refuse it).
void FsyncDirOf(const std::string& path);

// Writes data to path atomically. Returns an empty string or the error.
std::string WriteFileAtomically(const std::string& path, std::string_view data);

}  // namespace ks
