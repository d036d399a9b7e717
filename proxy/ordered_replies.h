#pragma once
// OrderedReplies: a connection's output when some replies come later (commands forwarded to
// remote shards). A forwarded command reserves its reply's place; replies of the commands
// after it (run here at once) wait behind it, and only the ready prefix goes to the socket, so a
// pipeline mixing local and remote keys keeps its order while local commands keep running.
// One thread only (the connection's).
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace ks {

class OrderedReplies {
 public:
  explicit OrderedReplies(std::string* out) : out_(out) {}

  // Where the next reply written now goes: the ready output, or behind the last reserved reply.
  std::string* tail() { return q_.empty() ? out_ : &q_.back().after; }
  // Reserves the place of a reply that comes later; Fill(returned id) puts it in place.
  uint64_t Reserve() {
    q_.emplace_back();
    return first_ + q_.size() - 1;
  }
  // The reply reserved as id arrived: whatever is now ready moves to the output.
  void Fill(uint64_t id, std::string_view reply) {
    if (id < first_ || id - first_ >= q_.size()) return;
    Seg& s = q_[id - first_];
    s.reply.assign(reply);
    s.done = true;
    while (!q_.empty() && q_.front().done) {
      out_->append(q_.front().reply);
      out_->append(q_.front().after);
      q_.pop_front();
      ++first_;
    }
  }
  // Reserved replies not yet filled (and everything behind them).
  size_t waiting() const { return q_.size(); }

 private:
  struct Seg {
    std::string reply, after;
    bool done = false;
  };
  std::string* out_;
  std::deque<Seg> q_;
  uint64_t first_ = 0;  // id of q_.front()
};

}  // namespace ks
