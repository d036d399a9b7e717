#pragma once
// The bytes of an append-only file: RESP commands (what Redis's AOF holds, so redis-check-aof
// reads them), the commands that rebuild one key, and a reader that splits a file back into
// commands and tells a cut-off tail from a corrupt middle.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ks {

class Entry;

// Appends `*N\r\n$len\r\narg\r\n...`.
void AppendRespCommand(std::string& out, std::span<const std::string_view> args);
void AppendRespCommand(std::string& out, std::initializer_list<std::string_view> args);

// Appends the commands that recreate e under its key from nothing: SET, or RPUSH/SADD/HSET/
// ZADD in batches, then PEXPIREAT for a TTL. With replace, a DEL comes first (for a log whose
// key may already exist); a string's SET replaces on its own.
void AppendKeyRebuild(std::string& out, const Entry* e, bool replace);

// Where a rebuild written in parts stopped: live resharding copies a big collection to the
// target's log over several short holds of the source engine's lock.
struct RebuildCursor {
  bool started = false;
  uint64_t pos = 0;  // elements written (lists, sorted sets, intsets) or a table's scan cursor
};
// Appends the next part of e's rebuild (the first part starts with DEL, so it replaces
// whatever the log held under the key), stopping once about `budget` bytes of elements went
// out. Returns true when the rebuild is complete (PEXPIREAT, for a TTL, ends the last part).
// e must not have changed since the first part: the positions would no longer mean anything.
bool AppendKeyRebuildPart(std::string& out, const Entry* e, RebuildCursor& c, size_t budget);

// Splits AOF bytes into commands. Next() returns kCommand with args filled, kEnd at a clean
// end, kTruncated if the bytes stop inside a command, kCorrupt if they are not RESP.
// offset() is where the last complete command ended (or where the bad bytes start).
class AofReader {
 public:
  // kAnnotation: a "#..." line (Redis 7's AOF annotations), its text (without '#' and the
  // line end) in args[0].
  enum class Status { kCommand, kAnnotation, kEnd, kTruncated, kCorrupt };
  explicit AofReader(std::string_view data) : data_(data) {}
  Status Next(std::vector<std::string_view>& args);
  size_t offset() const { return pos_; }

 private:
  // Reads "<prefix><int>\r\n" at p; 0 = ok, 1 = truncated, 2 = corrupt.
  int ReadLine(size_t& p, char prefix, int64_t* out) const;
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace ks
