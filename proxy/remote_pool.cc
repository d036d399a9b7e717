#include "proxy/remote_pool.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>

#include "common/strconv.h"
#include "proxy/remote_events.h"
#include "proxy/write_queue.h"
#include "resp/reply_builder.h"
#include "resp/reply_parser.h"
#include "server/core/errors.h"

namespace ks {
namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::seconds(5);
constexpr size_t kReadChunk = 16 * 1024;

std::string ErrorLine(std::string_view text) {
  std::string s;
  ReplyBuilder rb(&s);
  rb.Error(text);
  return s;
}
}  // namespace

// One upstream connection: requests written back to back, replies matched FIFO. Lives on one
// I/O thread; its coroutines hold it alive and stop when its generation changes (a reset).
class Upstream : public std::enable_shared_from_this<Upstream> {
 public:
  enum class Kind : uint8_t { kClient, kInternal, kSelect, kAuth, kHello, kClientId, kConfig };

  // timeout_ms <= 0: requests wait without a deadline (a blocking command with timeout 0).
  // learn_id: CLIENT ID goes ahead of the requests, so CLIENT UNBLOCK can name this
  // connection on the remote (a blocking command's own connection).
  Upstream(asio::io_context& ioc, RemotePool::Remote& r, int resp, int64_t timeout_ms, uint64_t owner = 0,
           bool learn_id = false)
      : ioc_(ioc), r_(r), resp_(resp), timeout_ms_(timeout_ms), owner_(owner), learn_id_(learn_id), sock_(ioc),
        timer_(ioc) {}

  uint64_t owner() const { return owner_; }
  RemotePool::Remote& remote() const { return r_; }
  // The connection's id on the remote (learn_id), -1 until CLIENT ID's reply is in.
  int64_t remote_id() const { return remote_id_; }
  // Runs once when the id arrives (replacing any earlier one).
  void OnId(std::function<void()> f) { on_id_ = std::move(f); }
  // Requests sent and not answered, on a connection not closed for good.
  bool pending() const { return state_ != State::kClosed && !q_.empty(); }
  // What RemotePool::Unblock asked for: TIMEOUT, or ERROR once any asked for it.
  bool unblock_error = false;

  void Send(std::span<const std::string_view> args, int db, RemoteReplyFn done, Kind kind) {
    if (state_ == State::kClosed) return Reject(std::move(done), kind, Unavailable("connection closed"));
    if (state_ == State::kBackoff) {
      if (Clock::now() < retry_at_) {
        std::string why;
        {
          std::lock_guard lk(r_.mu);
          why = r_.last_error;
        }
        return Reject(std::move(done), kind, why.empty() ? Unavailable("reconnecting") : why);
      }
      state_ = State::kIdle;
    }
    if (state_ == State::kIdle) StartConnect();
    const bool was_empty = q_.empty();
    const Clock::time_point deadline =
        timeout_ms_ > 0 ? Clock::now() + std::chrono::milliseconds(timeout_ms_) : Clock::time_point::max();
    ReplyBuilder rb(&wbuf_);
    if (db >= 0 && db != db_) {  // db < 0: any database (an internal command)
      const std::string n = std::to_string(db);
      const std::string_view sel[] = {"SELECT", n};
      rb.BulkArray(sel, 2);
      q_.push_back({nullptr, Clock::now(), deadline, Kind::kSelect});
      db_ = db;
    }
    rb.BulkArray(args.data(), args.size());
    q_.push_back({std::move(done), Clock::now(), deadline, kind});
    if (kind == Kind::kClient) {
      r_.requests.fetch_add(1, std::memory_order_relaxed);
      r_.in_flight.fetch_add(1, std::memory_order_relaxed);
    }
    // An idle deadline watcher sleeps for good: wake it for this request. A busy one wakes at
    // an earlier request's deadline and re-arms for the front's then (no timer call per request).
    if (was_empty && watch_idle_) timer_.cancel();
    Kick();
  }

  // A read whose keys the remote is to track (RemoteRequest::track): the connection tracks
  // towards the remote's event link (OPTIN, turned on once per connection and link epoch),
  // and CLIENT CACHING YES goes just ahead of the read. Their replies are consumed here.
  // Without a link (down) the read goes untracked: the link invalidates every key of the
  // remote's slots when it comes back.
  void SendTracked(std::span<const std::string_view> args, int db, RemoteReplyFn done, bool track) {
    if (!track) return Send(args, db, std::move(done), Kind::kClient);
    const uint64_t epoch = r_.track_epoch.load();
    const uint64_t redirect = r_.redirect_id.load();
    if (redirect != 0 && state_ != State::kClosed) {
      if (tracking_epoch_ != epoch) {
        const std::string id = std::to_string(redirect);
        const std::string_view on[] = {"CLIENT", "TRACKING", "ON", "REDIRECT", id, "OPTIN"};
        Send(on, db, nullptr, Kind::kInternal);
        tracking_epoch_ = epoch;
      }
      const std::string_view caching[] = {"CLIENT", "CACHING", "YES"};
      Send(caching, db, nullptr, Kind::kInternal);
    }
    Send(args, db, std::move(done), Kind::kClient);
  }

  // Fails what is pending with why and closes for good (a dedicated connection's end, Stop).
  void Close(std::string_view why) {
    if (state_ == State::kClosed) return;
    Reset(std::string(why), false);
    state_ = State::kClosed;
  }

 private:
  enum class State : uint8_t { kIdle, kConnecting, kReady, kBackoff, kClosed };
  struct Pending {
    RemoteReplyFn done;
    Clock::time_point sent, deadline;
    Kind kind;
  };

  std::string Unavailable(std::string_view why) const {
    return std::string(err::RemoteUnavailable(r_.cfg.name, r_.cfg.address, why));
  }

  // Fails one request without ever calling back inside Send (the caller may be mid-command).
  void Reject(RemoteReplyFn done, Kind kind, std::string error) {
    if (kind == Kind::kClient) r_.errors.fetch_add(1, std::memory_order_relaxed);
    if (!done) return;
    asio::post(ioc_, [done = std::move(done), line = ErrorLine(error)] { done(line); });
  }

  void StartConnect() {
    state_ = State::kConnecting;
    tracking_epoch_ = kNoEpoch;  // a new connection tracks nothing
    auto self = shared_from_this();
    asio::co_spawn(ioc_, [self, gen = gen_]() -> asio::awaitable<void> { co_await self->Connect(gen); }, asio::detached);
    asio::co_spawn(ioc_, [self, gen = gen_]() -> asio::awaitable<void> { co_await self->WatchDeadlines(gen); },
                   asio::detached);
  }

  asio::awaitable<void> Connect(uint64_t gen) {
    tcp::resolver resolver(ioc_);
    auto [rec, endpoints] = co_await resolver.async_resolve(r_.cfg.host, std::to_string(r_.cfg.port),
                                                             asio::as_tuple(asio::use_awaitable));
    if (gen != gen_) co_return;
    if (rec) co_return Reset(Unavailable("cannot resolve " + r_.cfg.host + ": " + rec.message()), true);
    auto [cec, ep] = co_await asio::async_connect(sock_, endpoints, asio::as_tuple(asio::use_awaitable));
    (void)ep;
    if (gen != gen_) co_return;
    if (cec) co_return Reset(Unavailable(Lower(cec.message())), true);
    boost::system::error_code ec;
    sock_.set_option(tcp::no_delay(true), ec);
    sock_.non_blocking(true, ec);  // FlushNow's write_some must never block the I/O thread
    // The handshake goes ahead of whatever was queued meanwhile.
    std::string hs;
    ReplyBuilder rb(&hs);
    std::deque<Pending> front;
    const Clock::time_point deadline = q_.empty() ? Clock::now() + std::chrono::milliseconds(timeout_ms_ > 0 ? timeout_ms_ : 1000)
                                                  : q_.front().deadline;
    if (!r_.cfg.password.empty()) {
      const std::string_view auth[] = {"AUTH", r_.cfg.password};
      rb.BulkArray(auth, 2);
      front.push_back({nullptr, Clock::now(), deadline, Kind::kAuth});
    }
    if (resp_ == 3) {
      const std::string_view hello[] = {"HELLO", "3"};
      rb.BulkArray(hello, 2);
      front.push_back({nullptr, Clock::now(), deadline, Kind::kHello});
    }
    // A restarted remote gets back what clients set through keyshard (RememberConfig).
    std::vector<std::string> config;
    {
      std::lock_guard lk(r_.mu);
      for (const auto& [name, value] : r_.config) {
        config.push_back(name);
        config.push_back(value);
      }
    }
    if (!config.empty()) {
      std::vector<std::string_view> set{"CONFIG", "SET"};
      set.insert(set.end(), config.begin(), config.end());
      rb.BulkArray(set.data(), set.size());
      front.push_back({nullptr, Clock::now(), deadline, Kind::kConfig});
    }
    if (learn_id_) {
      const std::string_view id[] = {"CLIENT", "ID"};
      rb.BulkArray(id, 2);
      front.push_back({nullptr, Clock::now(), deadline, Kind::kClientId});
    }
    for (auto it = front.rbegin(); it != front.rend(); ++it) q_.push_front(std::move(*it));
    wbuf_.insert(0, hs);
    state_ = State::kReady;
    backoff_ = kFirstBackoff;
    r_.ready.fetch_add(1, std::memory_order_relaxed);
    r_.down.store(false, std::memory_order_relaxed);
    if (r_.ever_up.exchange(true, std::memory_order_relaxed)) r_.reconnects.fetch_add(1, std::memory_order_relaxed);
    auto self = shared_from_this();
    asio::co_spawn(ioc_, [self, gen]() -> asio::awaitable<void> { co_await self->Read(gen); }, asio::detached);
    Kick();
  }

  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  // Requests are written once per turn of the event loop, after every client whose input
  // arrived in the same turn has queued its own: one write carries them all. The write is tried
  // at once without blocking; only what the socket does not take goes through async_write.
  void Kick() {
    if (flush_posted_ || writing_ || state_ != State::kReady || wbuf_.empty()) return;
    flush_posted_ = true;
    asio::post(ioc_, [self = shared_from_this(), gen = gen_] {
      if (gen != self->gen_) return;
      self->flush_posted_ = false;
      self->FlushNow(gen);
    });
  }

  void FlushNow(uint64_t gen) {
    if (writing_ || state_ != State::kReady || wbuf_.empty()) return;
    boost::system::error_code ec;
    const size_t n = sock_.write_some(asio::buffer(wbuf_), ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again)
      return Reset(Unavailable("write failed: " + Lower(ec.message())), false);
    wbuf_.erase(0, n);
    if (wbuf_.empty()) return;
    writing_ = true;
    auto self = shared_from_this();
    asio::co_spawn(ioc_, [self, gen]() -> asio::awaitable<void> { co_await self->Write(gen); }, asio::detached);
  }

  asio::awaitable<void> Write(uint64_t gen) {
    const auto ec = co_await WriteQueued(sock_, wbuf_, wcur_, [this, gen] { return gen != gen_; });
    if (gen != gen_) co_return;
    if (ec) co_return Reset(Unavailable("write failed: " + Lower(ec.message())), false);
    writing_ = false;
  }

  asio::awaitable<void> Read(uint64_t gen) {
    RespValue v;
    for (;;) {
      while (rpos_ < rbuf_.size()) {
        ReplyParseResult r = parser_.Parse(std::string_view(rbuf_).substr(rpos_), &v);
        if (r.status == ReplyStatus::kIncomplete) break;
        if (r.status == ReplyStatus::kError) co_return Reset(Unavailable("protocol error: " + r.error), false);
        const std::string_view bytes = std::string_view(rbuf_).substr(rpos_, r.consumed);
        rpos_ += r.consumed;
        OnReply(bytes, v);
        if (gen != gen_) co_return;
      }
      if (rpos_ > 0) {
        rbuf_.erase(0, rpos_);
        rpos_ = 0;
      }
      const size_t have = rbuf_.size();
      rbuf_.resize(have + kReadChunk);
      auto [ec, n] = co_await sock_.async_read_some(asio::buffer(rbuf_.data() + have, kReadChunk),
                                                    asio::as_tuple(asio::use_awaitable));
      if (gen != gen_) co_return;
      if (ec) {
        rbuf_.resize(have);
        co_return Reset(Unavailable(ec == asio::error::eof ? "connection closed by the remote"
                                                          : "read failed: " + Lower(ec.message())),
                        false);
      }
      rbuf_.resize(have + n);
    }
  }

  void OnReply(std::string_view bytes, const RespValue& v) {
    // RESP3 pushes answer no request (tracking-redir-broken, when the event link dropped).
    if (v.type == RespValue::Type::kPush) return;
    if (q_.empty()) return Reset(Unavailable("protocol error: a reply to no request"), false);
    Pending p = std::move(q_.front());
    q_.pop_front();
    switch (p.kind) {
      case Kind::kAuth:
        if (v.IsError()) return Reset(Unavailable("AUTH failed: " + v.str), false);
        return;
      case Kind::kHello:
        if (v.IsError()) return Reset(Unavailable("HELLO 3 failed: " + v.str), false);
        return;
      case Kind::kSelect:
        // The requests behind it would run in the wrong database.
        if (v.IsError()) return Reset(Unavailable("SELECT failed: " + v.str), false);
        return;
      case Kind::kConfig:
        // The remote keeps its own value; the connection serves on (INFO shows why).
        if (v.IsError()) r_.Error("CONFIG SET on connect failed: " + v.str);
        return;
      case Kind::kClientId:
        // A server without CLIENT ID: its blocked commands cannot be unblocked from here.
        if (v.type != RespValue::Type::kInteger) return;
        remote_id_ = v.integer;
        if (on_id_) std::exchange(on_id_, nullptr)();
        return;
      case Kind::kClient: {
        r_.in_flight.fetch_sub(1, std::memory_order_relaxed);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - p.sent).count();
        const double avg = r_.latency_ms.load(std::memory_order_relaxed);
        r_.latency_ms.store(avg == 0 ? ms : avg * 0.9 + ms * 0.1, std::memory_order_relaxed);
        break;
      }
      case Kind::kInternal:
        break;
    }
    if (p.done) p.done(bytes);
  }

  // Fails requests whose deadline passed: the replies still to come belong to them, so the
  // connection is reset and every request on it fails.
  asio::awaitable<void> WatchDeadlines(uint64_t gen) {
    for (;;) {
      if (gen != gen_) co_return;
      watch_idle_ = q_.empty();
      timer_.expires_at(q_.empty() ? Clock::time_point::max() : q_.front().deadline);
      co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
      if (gen != gen_) co_return;
      if (!q_.empty() && q_.front().deadline <= Clock::now()) {
        const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(q_.front().deadline - q_.front().sent).count();
        r_.timeouts.fetch_add(1, std::memory_order_relaxed);
        co_return Reset(err::RemoteTimeout(r_.cfg.name, r_.cfg.address, ms), false);
      }
    }
  }

  // Drops the socket and fails every pending request with error. A failed connect backs off
  // (requests fail at once until retry_at_); a connection lost after it was up reconnects on
  // the next request.
  void Reset(std::string error, bool connect_failed) {
    ++gen_;
    boost::system::error_code ec;
    sock_.close(ec);
    timer_.cancel();
    if (state_ == State::kReady) r_.ready.fetch_sub(1, std::memory_order_relaxed);
    writing_ = false;
    flush_posted_ = false;
    wbuf_.clear();
    rbuf_.clear();
    rpos_ = 0;
    parser_.Reset();
    db_ = 0;
    if (connect_failed) {
      state_ = State::kBackoff;
      retry_at_ = Clock::now() + backoff_;
      backoff_ = std::min<Clock::duration>(backoff_ * 2, kMaxBackoff);
      r_.down.store(true, std::memory_order_relaxed);
    } else {
      state_ = State::kIdle;
    }
    if (!error.empty()) r_.Error(error);
    std::deque<Pending> q = std::move(q_);
    q_.clear();
    const std::string line = ErrorLine(error.empty() ? Unavailable("connection closed") : error);
    for (Pending& p : q) {
      if (p.kind == Kind::kClient) {
        r_.in_flight.fetch_sub(1, std::memory_order_relaxed);
        r_.errors.fetch_add(1, std::memory_order_relaxed);
      }
      if (p.done) p.done(line);
    }
  }

  asio::io_context& ioc_;
  RemotePool::Remote& r_;
  const int resp_;
  const int64_t timeout_ms_;
  const uint64_t owner_;
  const bool learn_id_;
  int64_t remote_id_ = -1;
  std::function<void()> on_id_;
  tcp::socket sock_;
  asio::steady_timer timer_;
  State state_ = State::kIdle;
  uint64_t gen_ = 0;
  std::deque<Pending> q_;
  std::string wbuf_, wcur_, rbuf_;
  size_t rpos_ = 0;
  ReplyParser parser_;
  bool writing_ = false;
  bool flush_posted_ = false;  // a FlushNow is posted for this generation
  bool watch_idle_ = true;     // the deadline watcher waits with no deadline
  int db_ = 0;
  Clock::duration backoff_ = kFirstBackoff;
  Clock::time_point retry_at_{};
  static constexpr uint64_t kNoEpoch = ~uint64_t{0};
  uint64_t tracking_epoch_ = kNoEpoch;  // the link epoch this connection's tracking is for
};

// One I/O thread's connections: pool[resp == 3][remote][i], made on first use; dedicated ones
// carry a blocking command each.
struct RemotePool::Thread {
  std::vector<std::vector<std::shared_ptr<Upstream>>> pool[2];
  std::vector<std::shared_ptr<Upstream>> dedicated;
  // Connections leased to one client (RemoteRequest::lease), until ReleaseLease or DropClient.
  struct Lease {
    uint64_t client;
    uint16_t remote;
    std::shared_ptr<Upstream> up;
    size_t outstanding = 0;  // requests sent over it and not answered
    bool released = false;   // ReleaseLease came: closed once outstanding is 0
  };
  std::vector<Lease> leases;
};

RemotePool::RemotePool(const std::vector<Config::Remote>& remotes, std::vector<asio::io_context*> threads, Options o)
    : threads_(std::move(threads)), opts_(o), alive_(std::make_shared<bool>(true)) {
  for (const Config::Remote& c : remotes) {
    remotes_.push_back(std::make_unique<Remote>());
    remotes_.back()->cfg = c;
  }
  for (size_t t = 0; t < threads_.size(); ++t) {
    auto th = std::make_unique<Thread>();
    for (auto& p : th->pool) p.resize(remotes_.size());
    per_thread_.push_back(std::move(th));
  }
}

RemotePool::~RemotePool() = default;

void RemotePool::Send(const RemoteRequest& req, std::span<const std::string_view> args, RemoteReplyFn done) {
  Remote& r = *remotes_[req.remote];
  asio::io_context& ioc = *threads_[req.thread_index];
  Thread& th = *per_thread_[req.thread_index];
  if (req.blocking) {
    // Its own connection: a remote blocked on it would stall every client pinned there.
    const int64_t timeout = req.block_timeout_ms > 0 ? req.block_timeout_ms + opts_.timeout_ms : 0;
    auto up = std::make_shared<Upstream>(ioc, r, req.resp, timeout, req.client_id, true);
    th.dedicated.push_back(up);
    Upstream* raw = up.get();
    up->SendTracked(args, req.db, [&th, raw, done = std::move(done)](std::string_view reply) {
      done(reply);
      auto it = std::find_if(th.dedicated.begin(), th.dedicated.end(), [&](auto& u) { return u.get() == raw; });
      if (it != th.dedicated.end()) {
        auto keep = *it;  // alive until Close returns
        th.dedicated.erase(it);
        keep->Close("");
      }
    }, req.track);
    return;
  }
  // A client holding a lease to this remote (or one still draining) sends everything there
  // over it: its requests reach the remote in order.
  auto it = std::find_if(th.leases.begin(), th.leases.end(),
                         [&](const Thread::Lease& l) { return l.client == req.client_id && l.remote == req.remote; });
  if (req.lease || it != th.leases.end()) {
    if (it == th.leases.end())
      it = th.leases.insert(th.leases.end(), Thread::Lease{req.client_id, req.remote,
                                              std::make_shared<Upstream>(ioc, r, req.resp, opts_.timeout_ms, req.client_id)});
    if (req.lease) it->released = false;
    ++it->outstanding;
    Upstream* raw = it->up.get();
    return it->up->SendTracked(args, req.db, [&th, raw, done = std::move(done)](std::string_view reply) {
      done(reply);  // may send more, or release the lease
      auto l = std::find_if(th.leases.begin(), th.leases.end(), [&](const Thread::Lease& x) { return x.up.get() == raw; });
      if (l == th.leases.end() || --l->outstanding > 0 || !l->released) return;
      auto keep = l->up;  // alive until Close returns
      th.leases.erase(l);
      keep->Close("");
    }, req.track);
  }
  Pooled(req.thread_index, req.resp, req.remote, req.client_id).SendTracked(args, req.db, std::move(done), req.track);
}

Upstream& RemotePool::Pooled(int thread_index, int resp, uint16_t remote, uint64_t client_id) {
  auto& conns = per_thread_[thread_index]->pool[resp == 3][remote];
  if (conns.empty())
    for (int i = 0; i < opts_.pool_size; ++i)
      conns.push_back(std::make_shared<Upstream>(*threads_[thread_index], *remotes_[remote], resp, opts_.timeout_ms));
  return *conns[client_id % conns.size()];
}

void RemotePool::Unblock(int thread_index, uint64_t client_id, bool error) {
  if (thread_index < 0 || static_cast<size_t>(thread_index) >= per_thread_.size()) return;
  auto& d = per_thread_[thread_index]->dedicated;
  auto it = std::find_if(d.begin(), d.end(), [&](auto& u) { return u->owner() == client_id; });
  if (it == d.end()) return;
  (*it)->unblock_error |= error;
  SendUnblock(thread_index, *it, 0);
}

void RemotePool::SendUnblock(int thread_index, std::weak_ptr<Upstream> weak, int attempt) {
  auto up = weak.lock();
  if (!up || !up->pending()) return;  // answered meanwhile: nothing to unblock
  if (up->remote_id() < 0) {
    // CLIENT ID's reply is not in yet (it went ahead of the command, so it comes first).
    up->OnId([this, thread_index, weak] { SendUnblock(thread_index, weak, 0); });
    return;
  }
  uint16_t remote = 0;
  while (remote < remotes_.size() && remotes_[remote].get() != &up->remote()) ++remote;
  if (remote == remotes_.size()) return;
  const std::string id = std::to_string(up->remote_id());
  const std::string_view args[] = {"CLIENT", "UNBLOCK", id, up->unblock_error ? "ERROR" : "TIMEOUT"};
  // Over a pooled connection: the blocked one is busy with the command.
  Pooled(thread_index, 2, remote, up->owner()).Send(args, -1, [this, thread_index, weak, attempt,
      alive = std::weak_ptr<bool>(alive_)](std::string_view reply) {
    // 0: the command was answered meanwhile (its reply is on its way), or it has not reached
    // the remote's blocking yet (the two connections race): asked again, while unanswered.
    if (reply != ":0\r\n" || alive.expired()) return;
    auto t = std::make_shared<asio::steady_timer>(*threads_[thread_index],
                                                  std::chrono::milliseconds(std::min(1 << attempt, 50)));
    t->async_wait([this, t, thread_index, weak, attempt, alive](const boost::system::error_code& ec) {
      if (!ec && !alive.expired()) SendUnblock(thread_index, weak, std::min(attempt + 1, 6));
    });
  }, Upstream::Kind::kInternal);
}

void RemotePool::DropClient(int thread_index, uint64_t client_id) {
  if (thread_index < 0 || static_cast<size_t>(thread_index) >= per_thread_.size()) return;
  auto& d = per_thread_[thread_index]->dedicated;
  std::vector<std::shared_ptr<Upstream>> gone;
  for (auto it = d.begin(); it != d.end();) {
    if ((*it)->owner() == client_id) {
      gone.push_back(*it);
      it = d.erase(it);
    } else {
      ++it;
    }
  }
  auto& l = per_thread_[thread_index]->leases;
  for (auto it = l.begin(); it != l.end();) {
    if (it->client == client_id) {
      gone.push_back(it->up);
      it = l.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& u : gone) u->Close("");
}

void RemotePool::ReleaseLease(int thread_index, uint64_t client_id, uint16_t remote) {
  if (thread_index < 0 || static_cast<size_t>(thread_index) >= per_thread_.size()) return;
  auto& l = per_thread_[thread_index]->leases;
  auto it = std::find_if(l.begin(), l.end(), [&](const Thread::Lease& x) { return x.client == client_id && x.remote == remote; });
  if (it == l.end()) return;
  it->released = true;
  if (it->outstanding > 0) return;  // closed once its last reply is in
  auto keep = it->up;  // alive until Close returns
  l.erase(it);
  keep->Close("");
}

std::vector<RemoteStatus> RemotePool::Status() const {
  std::vector<RemoteStatus> out;
  for (const auto& rp : remotes_) {
    const Remote& r = *rp;
    RemoteStatus s;
    s.name = r.cfg.name;
    s.address = r.cfg.address;
    s.state = r.ready.load() > 0 ? "connected" : r.down.load() ? "down" : "idle";
    s.in_flight = r.in_flight.load();
    s.requests = r.requests.load();
    s.errors = r.errors.load();
    s.timeouts = r.timeouts.load();
    s.reconnects = r.reconnects.load();
    s.latency_ms = r.latency_ms.load();
    std::lock_guard lk(r.mu);
    s.last_error = r.last_error;
    s.keys = r.keys;
    s.used_memory = r.used_memory;
    out.push_back(std::move(s));
  }
  return out;
}

void RemotePool::RememberConfig(std::span<const std::string_view> name_values) {
  for (auto& rp : remotes_) {
    std::lock_guard lk(rp->mu);
    for (size_t i = 0; i + 1 < name_values.size(); i += 2) {
      auto it = std::find_if(rp->config.begin(), rp->config.end(), [&](auto& nv) { return nv.first == name_values[i]; });
      if (it == rp->config.end()) it = rp->config.insert(rp->config.end(), {std::string(name_values[i]), {}});
      it->second = name_values[i + 1];
    }
  }
}

std::vector<std::string> RemotePool::RememberedConfig() const {
  std::vector<std::string> out;
  if (remotes_.empty()) return out;
  std::lock_guard lk(remotes_[0]->mu);  // every remote remembers the same (RememberConfig)
  for (const auto& [name, value] : remotes_[0]->config) {
    out.push_back(name);
    out.push_back(value);
  }
  return out;
}

void RemotePool::AttachEvents(ServerState& st) {
  if (threads_.empty() || remotes_.empty()) return;
  std::vector<Remote*> rs;
  for (auto& r : remotes_) rs.push_back(r.get());
  events_ = std::make_unique<RemoteEvents>(rs, *threads_[0], st, opts_.timeout_ms);
}

void RemotePool::EventsChanged() {
  if (events_) events_->Changed();
}

void RemotePool::SyncEvents(uint16_t remote, int64_t timeout_ms) {
  if (events_) events_->Sync(remote, timeout_ms);
}

void RemotePool::Start() {
  if (threads_.empty() || remotes_.empty()) return;
  if (events_) events_->Start();
  asio::co_spawn(*threads_[0], [this, alive = std::weak_ptr<bool>(alive_)]() -> asio::awaitable<void> {
    asio::steady_timer t(co_await asio::this_coro::executor);
    while (!alive.expired()) {
      Refresh();
      t.expires_after(std::chrono::milliseconds(opts_.refresh_ms));
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }, asio::detached);
}

void RemotePool::Stop() {
  alive_.reset();
  if (events_) events_->Stop();
  for (auto& th : per_thread_) {
    for (auto& p : th->pool)
      for (auto& conns : p)
        for (auto& u : conns) u->Close("");
    for (auto& u : th->dedicated) u->Close("");
    th->dedicated.clear();
    for (auto& l : th->leases) l.up->Close("");
    th->leases.clear();
  }
}

void RemotePool::Refresh() {
  // Runs on thread 0; the figures arrive later and are only read by Status().
  for (size_t i = 0; i < remotes_.size(); ++i) {
    Remote& r = *remotes_[i];
    const std::string_view info[] = {"INFO", "memory", "keyspace"};
    Pooled(0, 2, static_cast<uint16_t>(i), 0).Send(info, 0, [&r](std::string_view reply) {
      RespValue v;
      if (ParseReply(reply, &v).status != ReplyStatus::kOk || v.type != RespValue::Type::kBulk) return;
      int64_t used = -1, keys = 0;
      const std::string& s = v.str;
      if (size_t p = s.find("\nused_memory:"); p != std::string::npos) {
        size_t e = s.find('\r', p);
        StrToLL(std::string_view(s).substr(p + 13, e - p - 13), &used);
      }
      for (size_t p = s.find("keys="); p != std::string::npos; p = s.find("keys=", p + 5)) {
        int64_t n = 0;
        size_t e = s.find(',', p);
        if (StrToLL(std::string_view(s).substr(p + 5, e - p - 5), &n)) keys += n;
      }
      std::lock_guard lk(r.mu);
      r.used_memory = used;
      r.keys = keys;
    }, Upstream::Kind::kInternal);
  }
}

}  // namespace ks
