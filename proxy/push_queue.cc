#include "proxy/push_queue.h"

namespace ks {

void PushQueue::Send(std::string_view frame) {
  std::unique_lock lk(mu_);
  if (closed_) return;
  // Redis's checkClientOutputBufferLimits: the class is pubsub while the client is subscribed.
  const HotLimits& hot = state_.limits();
  const int cls = static_cast<int>(info_->pubsub.load(std::memory_order_relaxed) ? ClientClass::kPubSub
                                                                                  : ClientClass::kNormal);
  const int64_t hard = hot.get(hot.obuf_hard[cls]);
  const int64_t soft = hot.get(hot.obuf_soft[cls]);
  const size_t used = buf_.size() + in_flight_.load(std::memory_order_relaxed) + frame.size();
  bool over = hard && used >= static_cast<size_t>(hard);
  if (!over && soft && used >= static_cast<size_t>(soft)) {
    int64_t now = state_.clock()->NowMs();
    if (soft_since_ms_ < 0)
      soft_since_ms_ = now;
    else if ((now - soft_since_ms_) / 1000 > hot.get(hot.obuf_soft_seconds[cls]))
      over = true;
  } else if (!over) {
    soft_since_ms_ = -1;
  }
  if (over) {
    closed_ = true;
    std::string().swap(buf_);
    lk.unlock();
    state_.stats().obuf_limit_disconnections.fetch_add(1, std::memory_order_relaxed);
    info_->killed.store(true, std::memory_order_relaxed);
    if (info_->kill) info_->kill();
    return;
  }
  buf_.append(frame);
  if (armed_) return;
  armed_ = true;
  lk.unlock();
  if (wake_) wake_();
}

bool PushQueue::Drain(std::string& out) {
  std::lock_guard lk(mu_);
  armed_ = false;
  if (buf_.empty()) return false;
  if (out.empty()) {
    out.swap(buf_);
  } else {
    out.append(buf_);
    buf_.clear();
  }
  if (buf_.capacity() > 1024 * 1024) std::string().swap(buf_);
  return true;
}

bool PushQueue::HasPending() {
  std::lock_guard lk(mu_);
  return !buf_.empty();
}

void PushQueue::Close() {
  std::lock_guard lk(mu_);
  closed_ = true;
  std::string().swap(buf_);
}

}  // namespace ks
