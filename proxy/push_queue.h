#pragma once
// PushQueue: what a connection gives the server to send it messages (pub/sub, later
// invalidations) from any thread. Publishers append encoded frames under a small mutex; the
// first frame after a drain posts one wake-up to the connection's I/O thread, which moves the
// bytes into its output and writes them. A publisher never waits for the socket: a client
// whose unsent output passes its class's client-output-buffer-limit is disconnected instead,
// and what was queued for it is freed, so memory stays bounded.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "server/core/client_state.h"
#include "server/core/server_state.h"
#include "server/pubsub/pubsub.h"

namespace ks {

class PushQueue : public Subscriber {
 public:
  PushQueue(ServerState& state, std::shared_ptr<ClientInfo> info) : state_(state), info_(std::move(info)) {}

  void Send(std::string_view frame) override;
  int resp() const override { return info_->resp.load(std::memory_order_relaxed); }

  // Called from the sending thread when frames arrive on an empty, drained queue.
  void set_wake(std::function<void()> wake) { wake_ = std::move(wake); }
  // On the connection's thread: appends the queued bytes to out. Returns whether there were any.
  bool Drain(std::string& out);
  bool HasPending();
  // Bytes the connection took from the queue (and its own replies) not yet written: they
  // count against the limit too.
  void set_in_flight(size_t n) { in_flight_.store(n, std::memory_order_relaxed); }
  // The connection is gone: drop what is queued and refuse more.
  void Close();

 private:
  ServerState& state_;
  std::shared_ptr<ClientInfo> info_;
  std::function<void()> wake_;
  std::atomic<size_t> in_flight_{0};
  std::mutex mu_;
  std::string buf_;
  bool armed_ = false;   // a wake-up is posted and not yet drained
  bool closed_ = false;
  int64_t soft_since_ms_ = -1;  // when the output first went over the soft limit
};

}  // namespace ks
