#include "proxy/connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "server/blocking/blocking.h"
#include "server/core/forward.h"
#include "server/core/remote_shards.h"
#include "server/pubsub/pubsub_family.h"
#include "server/pubsub/tracking.h"

namespace ks {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr size_t kInitialBuffer = 16 * 1024;
// Forwarded commands a client may have waiting for replies before its input is left unread.
constexpr size_t kMaxWaitingReplies = 16 * 1024;

std::string Endpoint(const tcp::endpoint& ep) {
  auto addr = ep.address();
  if (addr.is_v6()) return "[" + addr.to_string() + "]:" + std::to_string(ep.port());
  return addr.to_string() + ":" + std::to_string(ep.port());
}
}  // namespace

// The connection's side of DeferredReplies: a reply's place reserved in OrderedReplies, filled
// on the connection's thread (RemoteShards calls back there), ignored once the client left.
class Connection::Deferred final : public DeferredReplies {
 public:
  explicit Deferred(std::weak_ptr<Connection> c) : c_(std::move(c)) {}
  size_t Waiting() const override {
    auto c = c_.lock();
    return c ? c->replies_.waiting() : 0;
  }
  RemoteReplyFn Reserve() override {
    auto c = c_.lock();
    if (!c) return [](std::string_view) {};
    const uint64_t id = c->replies_.Reserve();
    return [weak = c_, id](std::string_view reply) {
      if (auto conn = weak.lock()) conn->FillRemoteReply(id, reply);
    };
  }
  void Requeue(std::string request) override {
    if (auto c = c_.lock()) c->PutBackInInput(request);
  }

 private:
  std::weak_ptr<Connection> c_;
};

void Connection::FillRemoteReply(uint64_t id, std::string_view reply) {
  replies_.Fill(id, reply);
  if (out_.empty()) {
    // An empty fill (a command put back in the input) still ends WaitRemoteReplies.
    if (replies_.waiting() == 0) wake_.cancel();
    return;
  }
  if (send_posted_) return;
  if (parked_ && writing_.empty()) {
    // The coroutine only waits for input: the replies go out from here, without waking it to
    // flush (a wake-up, a resumption and an asynchronous write per forwarded command). Posted,
    // so that every reply the upstream read brought (a pipeline's) goes out in one write.
    send_posted_ = true;
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      self->send_posted_ = false;
      self->SendWhileParked();
    });
    return;
  }
  wake_.cancel();
}

void Connection::SendWhileParked() {
  if (out_.empty()) return;
  if (parked_ && writing_.empty() && !push_->HasPending()) {
    // What the socket does not take at once, or an error, is left to Flush.
    const ssize_t n = ::send(socket_.native_handle(), out_.data(), out_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      CountWrite(static_cast<size_t>(n));
      out_.erase(0, static_cast<size_t>(n));
      if (out_.empty()) {
        // Every reply is out: the read WaitInputOrPush left for now starts (see there).
        if (replies_.waiting() == 0 && !read_.busy && !read_.ready)
          asio::post(socket_.get_executor(), [self = shared_from_this()] {
            if (self->parked_ && !self->read_.busy && !self->read_.ready) self->StartRead();
          });
        return;
      }
    }
  }
  wake_.cancel();
}

void Connection::CountWrite(size_t bytes) {
  ThreadCounters& counters = service_.state().stats().per_thread[client_.thread_index];
  ThreadCounters::AddOwn(counters.net_output_bytes, bytes);
  ThreadCounters::AddOwn(counters.writes, 1);
}

void Connection::PutBackInInput(std::string_view req) {
  if (in_len_ + req.size() > in_.size()) in_.resize(in_len_ + req.size());
  std::memmove(in_.data() + req.size(), in_.data(), in_len_);
  std::memcpy(in_.data(), req.data(), req.size());
  in_len_ += req.size();
}

Connection::Connection(tcp::socket socket, Service& service, int thread_index)
    : socket_(std::move(socket)), service_(service), in_(kInitialBuffer), rb_(&out_), wake_(socket_.get_executor()) {
  ServerState& st = service_.state();
  auto info = std::make_shared<ClientInfo>();
  info->id = st.clients().NextId();
  info->thread_index = thread_index;
  boost::system::error_code ec;
  info->addr = Endpoint(socket_.remote_endpoint(ec));
  info->laddr = Endpoint(socket_.local_endpoint(ec));
  info->fd = socket_.native_handle();
  info->created_ms = st.clock()->NowMs();
  info->last_interaction_ms = info->created_ms;
  client_.info = info;
  push_ = std::make_shared<PushQueue>(st, info);
  client_.sink = push_;
  info->sink = push_;
  wake_.expires_at(asio::steady_timer::time_point::max());
  client_.thread_index = thread_index;
  client_.local = socket_.remote_endpoint(ec).address().is_loopback();
  client_.authenticated = !st.limits().requirepass_set.load(std::memory_order_relaxed);
  socket_.set_option(tcp::no_delay(true), ec);
  int64_t keepalive = st.limits().get(st.limits().tcp_keepalive);
  if (keepalive > 0) {
    // Like Redis's anetKeepAlive: probe after `keepalive` seconds idle.
    socket_.set_option(asio::socket_base::keep_alive(true), ec);
    int idle = static_cast<int>(keepalive), intvl = std::max(1, idle / 3), cnt = 3;
    ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
    ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
  }
  UpdateParserLimits();
}

Connection::~Connection() {
  if (RemoteShards* r = service_.state().remotes()) r->DropClient(client_.thread_index, client_.info->id);
  // Out of CLIENT LIST first: once PUBLISH stops counting a client, it is gone from there too.
  service_.state().clients().Remove(client_.info->id);
  DropSubscriptions(service_.state(), client_);
  service_.state().tracking().Disable(client_);
  push_->Close();
}

void Connection::UpdateParserLimits() {
  ParserLimits l;
  const HotLimits& hot = service_.state().limits();
  l.max_bulk_len = hot.get(hot.proto_max_bulk_len);
  l.unauthenticated = !client_.authenticated;
  parser_.set_limits(l);
}

asio::awaitable<void> Connection::Run() {
  ServerState& st = service_.state();
  auto self = shared_from_this();
  // Lets CLIENT KILL close us from another thread: the close runs on our own executor.
  std::weak_ptr<Connection> weak = self;
  auto exec = socket_.get_executor();
  client_.info->kill = [weak, exec] {
    asio::post(exec, [weak] {
      if (auto c = weak.lock()) {
        // Its subscriptions go before the socket does: once the peer sees the close, PUBLISH
        // and PUBSUB no longer count it (the coroutine's own end comes later).
        DropSubscriptions(c->service_.state(), c->client_);
        boost::system::error_code ec;
        c->socket_.shutdown(tcp::socket::shutdown_both, ec);
        c->socket_.close(ec);
        c->wake_.cancel();  // out of WaitRemoteReplies
      }
    });
  };
  // CLIENT UNBLOCK of a command blocked on a remote shard, and its reroute when the slot moves
  // away from there: both act on this thread's state (server/core/forward.h).
  client_.info->unblock_remote = [weak, exec](RemoteUnblock u) {
    asio::post(exec, [weak, u = std::move(u)] {
      if (auto c = weak.lock()) UnblockRemoteClient(c->service_.state(), c->client_, u);
    });
  };
  push_->set_wake([weak, exec] {
    asio::post(exec, [weak] {
      if (auto c = weak.lock()) c->wake_.cancel();
    });
  });
  st.clients().Add(client_.info);
  if (st.remotes()) client_.deferred = std::make_shared<Deferred>(weak);

  ThreadCounters& counters = st.stats().per_thread[client_.thread_index];
  for (;;) {
    if (in_len_ == in_.size() && !read_.busy) {
      // Full buffer with no complete command: grow, within the query buffer limit.
      size_t limit = static_cast<size_t>(st.limits().get(st.limits().client_query_buffer_limit));
      if (in_.size() >= limit) break;  // Redis closes such a client without a reply
      in_.resize(std::min(limit, in_.size() * 2));
    }
    if (push_->Drain(out_) || !out_.empty()) {
      // Messages, or replies of remote shards that arrived while we waited.
      if (!co_await Flush()) break;
      continue;  // more may have come while writing
    }
    if (replies_.waiting() >= kMaxWaitingReplies) {
      // Enough forwarded commands wait for their replies: read no more until some arrive.
      co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
      if (client_.info->killed.load(std::memory_order_relaxed)) break;
      continue;
    }
    // A client that may be sent messages (subscribed, MONITOR, tracking keys) or that waits for
    // replies of remote shards waits for input or a wake-up, whichever comes first.
    if ((client_.info->pubsub.load(std::memory_order_relaxed) || client_.info->monitor.load(std::memory_order_relaxed) ||
         client_.tracking || replies_.waiting() || read_.busy || read_.ready) &&
        !co_await WaitInputOrPush()) {
      if (client_.info->killed.load(std::memory_order_relaxed)) break;
      continue;  // messages to send
    }
    // Asio (1.81) tries the read at once and waits for epoll's readiness only if it finds
    // nothing. This read starts after the replies were written and other clients' handlers
    // ran, so a request/response client's next command is often there already (strace: about
    // one failed recv per ten commands at P=1); waiting for readiness instead (async_wait)
    // would re-arm the descriptor with epoll_ctl every time.
    boost::system::error_code ec;
    size_t n = 0, space = in_.size() - in_len_;
    if (read_.ready) {
      ec = read_.ec;
      n = read_.n;
      space = read_.space;
      read_.ready = false;
    } else {
      auto [rec, rn] = co_await socket_.async_read_some(asio::buffer(in_.data() + in_len_, in_.size() - in_len_),
                                                        asio::as_tuple(asio::use_awaitable));
      ec = rec;
      n = rn;
    }
    if (ec || client_.info->killed.load(std::memory_order_relaxed)) break;
    last_read_full_ = n == space;
    in_len_ += n;
    ThreadCounters::AddOwn(counters.net_input_bytes, n);
    ThreadCounters::AddOwn(counters.reads, 1);
    client_.info->last_interaction_ms.store(st.clock()->NowMs(), std::memory_order_relaxed);

    bool keep = ProcessInput();
    client_.info->query_buf_bytes.store(in_len_, std::memory_order_relaxed);
    if (!co_await Flush()) break;
    // A blocking command stops the pipeline until it is served, a paused one until the pause
    // ends; then the rest runs.
    while (keep && (client_.blocked || client_.held || client_.remote_wait != RemoteWait::kNo)) {
      // Plain ifs: GCC 12 miscompiles co_await inside a conditional expression.
      bool ok;
      if (client_.remote_wait != RemoteWait::kNo)
        ok = co_await WaitRemoteReplies();
      else if (client_.held && client_.fence_held)
        ok = co_await WaitWhileFenced();
      else if (client_.held)
        ok = co_await WaitWhileHeld();
      else
        ok = co_await WaitWhileBlocked();
      if (!ok) {
        keep = false;
        break;
      }
      keep = ProcessInput();
      if (!co_await Flush()) {
        keep = false;
        break;
      }
    }
    if (!keep) {
      // QUIT after forwarded commands: their replies (and QUIT's +OK behind them) first.
      if (client_.close_after_reply && replies_.waiting()) co_await WaitRemoteReplies();
      break;
    }
  }
  boost::system::error_code ec;
  if (client_.socket_handed_off) {
    // Only this descriptor goes: a shutdown would end the child's session too. release()
    // takes it out of epoll first (closing it would leave the open file, which the child
    // still has, registered there).
    const int fd = socket_.release(ec);
    if (!ec) ::close(fd);
    co_return;
  }
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

asio::awaitable<bool> Connection::WaitInputOrPush() {
  // The read is started once and left running (its bytes land in in_ whenever they come) while
  // the coroutine waits on wake_, which the read's completion, a queued message and a remote
  // reply all cancel. Racing a readiness wait against wake_ instead would re-arm the socket
  // with epoll_ctl on every wait: one system call per forwarded command.
  //
  // A request/response client waiting for remote replies (its last read was whole commands and
  // did not fill the buffer; it is not subscribed, monitoring or tracking) sends nothing more
  // before they are out: its read starts after SendWhileParked wrote them, from a posted
  // handler, by when the next request has often arrived (as on the local path), instead of at
  // once, where it would only find the socket empty (one failed recv per forwarded command).
  for (;;) {
    if (read_.ready) co_return true;
    if (client_.info->killed.load(std::memory_order_relaxed)) co_return false;
    // A frame queued after this check posts a wake-up, which can only run once we wait below.
    if (push_->HasPending() || !out_.empty()) co_return false;
    if (!read_.busy && !ReadCanWait()) StartRead();
    parked_ = true;
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    parked_ = false;
  }
}

bool Connection::ReadCanWait() const {
  return replies_.waiting() > 0 && in_len_ == 0 && !last_read_full_ &&
         !client_.info->pubsub.load(std::memory_order_relaxed) && !client_.info->monitor.load(std::memory_order_relaxed) &&
         !client_.tracking;
}

void Connection::StartRead() {
  read_.busy = true;
  read_.space = in_.size() - in_len_;
  socket_.async_read_some(asio::buffer(in_.data() + in_len_, in_.size() - in_len_),
                          [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
                            self->read_.busy = false;
                            self->read_.ready = true;
                            self->read_.ec = ec;
                            self->read_.n = n;
                            self->wake_.cancel();
                          });
}

asio::awaitable<bool> Connection::Flush() {
  if (out_.empty()) co_return true;
  // Written from writing_: a remote shard's reply arriving during the write goes to out_.
  std::swap(out_, writing_);
  out_.clear();
  push_->set_in_flight(writing_.size());
  CountWrite(writing_.size());
  client_.info->output_buf_bytes.store(writing_.size(), std::memory_order_relaxed);
  auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(writing_), asio::as_tuple(asio::use_awaitable));
  (void)n;
  if (writing_.capacity() > 1024 * 1024 && service_.state().reply_buffer_resizing().load(std::memory_order_relaxed))
    std::string().swap(writing_);
  writing_.clear();
  push_->set_in_flight(0);
  client_.info->output_buf_bytes.store(0, std::memory_order_relaxed);
  co_return !ec;
}

asio::awaitable<bool> Connection::WaitWhileBlocked() {
  std::shared_ptr<BlockedClient> w = client_.blocked;
  auto exec = socket_.get_executor();
  auto timer = std::make_shared<asio::steady_timer>(exec);
  if (w->timeout_ms > 0)
    timer->expires_after(std::chrono::milliseconds(w->timeout_ms));
  else
    timer->expires_at(asio::steady_timer::time_point::max());
  {
    std::weak_ptr<asio::steady_timer> weak = timer;
    std::lock_guard lk(w->mu);
    w->wake = [weak, exec] {
      asio::post(exec, [weak] {
        if (auto t = weak.lock()) t->cancel();
      });
    };
  }
  bool watch_socket = true;
  bool gone = false;
  for (;;) {
    {
      std::lock_guard lk(w->mu);
      if (w->state != BlockedClient::State::kWaiting) break;
      if (asio::steady_timer::clock_type::now() >= timer->expiry()) {
        w->state = BlockedClient::State::kTimedOut;
        break;
      }
    }
    // More commands sent while blocked stay in the kernel buffer until the client is
    // unblocked; a peer that left ends the wait.
    const WaitResult r = co_await WaitTimerOrPeerGone(*timer, watch_socket);
    if (r == WaitResult::kGone) {
      gone = true;
      std::lock_guard lk(w->mu);
      if (w->state == BlockedClient::State::kWaiting) w->state = BlockedClient::State::kGone;
      break;
    }
    if (r == WaitResult::kInput) watch_socket = false;
  }
  {
    std::lock_guard lk(w->mu);
    w->wake = nullptr;
    if (!gone) {
      rb_.set_output(replies_.tail());
      if (w->state == BlockedClient::State::kTimedOut) {
        if (w->on_timeout == TimeoutReply::kNullArray)
          rb_.NullArray();
        else if (w->on_timeout == TimeoutReply::kZero)
          rb_.Int(0);
        else
          rb_.Null();
      } else if (w->state == BlockedClient::State::kRerouted) {
        // Its slot left for a remote shard: the command goes back to the front of the input,
        // to be dispatched again (and forwarded there) as if it had just arrived. Its timeout
        // starts again.
        std::string req;
        ReplyBuilder enc(&req);
        enc.Array(w->args.size());
        for (const std::string& a : w->args) enc.Bulk(a);
        PutBackInInput(req);
      } else {
        replies_.tail()->append(w->reply);
      }
    }
  }
  UnregisterWaiter(service_.state(), *w);
  client_.blocked.reset();
  client_.info->SetBlocked(nullptr);
  co_return !gone;
}

asio::awaitable<bool> Connection::WaitRemoteReplies() {
  bool watch_socket = true;
  for (;;) {
    if (client_.info->killed.load(std::memory_order_relaxed) || !socket_.is_open()) co_return false;
    if (!out_.empty() && !co_await Flush()) co_return false;
    if (replies_.waiting() == 0) break;
    // wake_ is cancelled as replies arrive; more input waits in the buffer, as for a client
    // blocked here.
    const WaitResult r = co_await WaitTimerOrPeerGone(wake_, watch_socket);
    if (r == WaitResult::kGone) co_return false;
    if (r == WaitResult::kInput) watch_socket = false;
  }
  client_.remote_wait = RemoteWait::kNo;
  co_return true;
}

template <class Waiters, class WaitMs>
asio::awaitable<bool> Connection::WaitUntilWoken(Waiters& waiters, WaitMs wait_ms) {
  auto exec = socket_.get_executor();
  auto timer = std::make_shared<asio::steady_timer>(exec);
  auto woken = std::make_shared<std::atomic<bool>>(false);
  std::weak_ptr<asio::steady_timer> weak = timer;
  // Registered before wait_ms() reads the state: a wake-up in between still ends the wait.
  const uint64_t waiter = waiters.AddWaiter([weak, woken, exec] {
    woken->store(true);
    asio::post(exec, [weak] {
      if (auto t = weak.lock()) t->cancel();
    });
  });
  bool gone = false;
  const int64_t ms = wait_ms();
  if (ms > 0 && !woken->load()) {
    timer->expires_after(std::chrono::milliseconds(ms));
    const WaitResult r = co_await WaitTimerOrPeerGone(*timer);
    gone = r == WaitResult::kGone;
    if (r == WaitResult::kInput && !woken->load()) co_await WaitTimerOrPeerGone(*timer, false);
  }
  waiters.RemoveWaiter(waiter);
  co_return !gone;
}

asio::awaitable<bool> Connection::WaitWhileHeld() {
  ClientPause& pause = service_.state().pause();
  // A pause with no end (a shutdown in progress) is waited for an hour at a time.
  const bool ok =
      co_await WaitUntilWoken(pause, [&pause] { return std::min<int64_t>(pause.RemainingMs(), 3600 * 1000); });
  client_.held = false;
  co_return ok;
}

asio::awaitable<bool> Connection::WaitWhileFenced() {
  SlotFence& fence = service_.state().shards().fence();
  // A Lift between the hold and AddWaiter moved the generation on: route again at once. The
  // wait is bounded anyway (the command is routed again and held again if need be).
  const bool ok = co_await WaitUntilWoken(
      fence, [this, &fence] { return fence.generation() == client_.fence_generation ? int64_t{1000} : int64_t{0}; });
  client_.held = false;
  client_.fence_held = false;
  co_return ok;
}

asio::awaitable<Connection::WaitResult> Connection::WaitTimerOrPeerGone(asio::steady_timer& timer, bool watch_socket) {
  using namespace boost::asio::experimental::awaitable_operators;
  if (!watch_socket) {
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return WaitResult::kTimer;
  }
  auto r = co_await (timer.async_wait(asio::as_tuple(asio::use_awaitable)) ||
                     socket_.async_wait(tcp::socket::wait_read, asio::as_tuple(asio::use_awaitable)));
  if (r.index() == 0) co_return WaitResult::kTimer;
  char c;
  const ssize_t n = ::recv(socket_.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) ||
      client_.info->killed.load(std::memory_order_relaxed) || !socket_.is_open())
    co_return WaitResult::kGone;
  co_return WaitResult::kInput;
}

bool Connection::ProcessInput() {
  size_t pos = 0;
  bool keep = true;
  const HotLimits& hot = service_.state().limits();
  while (pos < in_len_) {
    // CONFIG SET proto-max-bulk-len holds for the next request of every client, as in Redis.
    if (parser_.limits().max_bulk_len != hot.get(hot.proto_max_bulk_len)) UpdateParserLimits();
    ParseResult r = parser_.Parse(std::string_view(in_.data() + pos, in_len_ - pos), args_);
    if (r.status == ParseStatus::kIncomplete) {
      // A large bulk whose size is known: make room for all of it at once.
      if (r.needed > in_.size() - pos) {
        if (pos > 0) {
          std::memmove(in_.data(), in_.data() + pos, in_len_ - pos);
          in_len_ -= pos;
          pos = 0;
        }
        if (r.needed > in_.size()) in_.resize(r.needed);
      }
      break;
    }
    if (r.status == ParseStatus::kError) {
      rb_.set_output(replies_.tail());
      rb_.Error(r.error);
      keep = false;
      pos = in_len_;
      break;
    }
    pos += r.consumed;
    if (args_.empty()) continue;

    bool was_auth = client_.authenticated;
    ReplyMode before = client_.reply_mode;
    rb_.set_output(before == ReplyMode::kOn ? replies_.tail() : &discard_);
    client_.unread_input = std::string_view(in_.data() + pos, in_len_ - pos);
    service_.Dispatch(args_, client_, rb_);
    client_.unread_input = {};
    if (client_.socket_handed_off) [[unlikely]] {
      // The socket belongs to a forked debugging session now: nothing more goes out here.
      out_.clear();
      discard_.clear();
      keep = false;
      pos = in_len_;
      break;
    }
    if (client_.held || client_.remote_wait == RemoteWait::kRetry) {
      // Held by CLIENT PAUSE: the command stays in the buffer, to be parsed again.
      pos -= r.consumed;
      break;
    }
    // CLIENT REPLY ON answers although replies were off; SKIP lasts one command.
    if (before != ReplyMode::kOn && client_.reply_mode == ReplyMode::kOn) replies_.tail()->append(discard_);
    if (before == ReplyMode::kSkip && client_.reply_mode == ReplyMode::kSkip) client_.reply_mode = ReplyMode::kOn;
    discard_.clear();
    rb_.set_resp3(client_.resp == 3);
    if (was_auth != client_.authenticated) UpdateParserLimits();
    if (client_.close_after_reply) {
      keep = false;
      pos = in_len_;
      break;
    }
    if (client_.blocked || client_.remote_wait != RemoteWait::kNo) break;
  }
  if (pos > 0) {
    std::memmove(in_.data(), in_.data() + pos, in_len_ - pos);
    in_len_ -= pos;
  }
  if (in_.size() > 4 * kInitialBuffer && in_len_ < kInitialBuffer) {
    in_.resize(kInitialBuffer);
    in_.shrink_to_fit();
  }
  return keep;
}

}  // namespace ks
