#include "server/core/slowlog.h"

#include <algorithm>

namespace ks {

void SlowLog::Push(std::span<const std::string_view> args, int64_t time_sec, int64_t duration_us,
                   std::string peer, std::string name, size_t max_len) {
  SlowLogEntry e;
  e.time_sec = time_sec;
  e.duration_us = duration_us;
  e.peer = std::move(peer);
  e.name = std::move(name);
  const size_t argc = std::min(args.size(), kMaxArgc);
  e.args.reserve(argc);
  for (size_t i = 0; i < argc; ++i) {
    if (argc != args.size() && i == argc - 1) {
      e.args.push_back("... (" + std::to_string(args.size() - argc + 1) + " more arguments)");
    } else if (args[i].size() > kMaxArgLen) {
      std::string s(args[i].substr(0, kMaxArgLen));
      s += "... (" + std::to_string(args[i].size() - kMaxArgLen) + " more bytes)";
      e.args.push_back(std::move(s));
    } else {
      e.args.emplace_back(args[i]);
    }
  }
  std::lock_guard lk(mu_);
  e.id = next_id_++;
  entries_.push_front(std::move(e));
  while (entries_.size() > max_len) entries_.pop_back();
}

std::vector<SlowLogEntry> SlowLog::Get(int64_t count) const {
  std::lock_guard lk(mu_);
  size_t n = count < 0 ? entries_.size() : std::min(entries_.size(), static_cast<size_t>(count));
  return {entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(n)};
}

size_t SlowLog::Len() const {
  std::lock_guard lk(mu_);
  return entries_.size();
}

void SlowLog::Reset() {
  std::lock_guard lk(mu_);
  entries_.clear();
}

void SlowLog::Trim(size_t max_len) {
  std::lock_guard lk(mu_);
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace ks
