#pragma once
// SLOWLOG: commands that took at least slowlog-log-slower-than microseconds, newest first,
// at most slowlog-max-len of them, with their arguments shortened as Redis shortens them.
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ks {

struct SlowLogEntry {
  int64_t id = 0;
  int64_t time_sec = 0;
  int64_t duration_us = 0;
  std::vector<std::string> args;
  std::string peer;
  std::string name;
};

class SlowLog {
 public:
  // Redis keeps at most 32 arguments (the last one saying how many more there were) and
  // cuts a string past 128 bytes, saying how many bytes more it had.
  static constexpr size_t kMaxArgc = 32;
  static constexpr size_t kMaxArgLen = 128;

  void Push(std::span<const std::string_view> args, int64_t time_sec, int64_t duration_us, std::string peer,
            std::string name, size_t max_len);
  // The newest count entries (all for count < 0).
  std::vector<SlowLogEntry> Get(int64_t count) const;
  size_t Len() const;
  void Reset();
  // Drops the oldest entries beyond max_len (CONFIG SET slowlog-max-len takes effect at once
  // in Redis only on the next push; we do the same).
  void Trim(size_t max_len);

 private:
  mutable std::mutex mu_;
  std::deque<SlowLogEntry> entries_;  // newest first
  int64_t next_id_ = 0;
};

}  // namespace ks
