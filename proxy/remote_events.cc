#include "proxy/remote_events.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <optional>

#include "proxy/write_queue.h"
#include "resp/reply_builder.h"
#include "resp/reply_parser.h"
#include "routing/slots.h"
#include "server/core/server_state.h"
#include "server/pubsub/notifications.h"
#include "server/pubsub/pubsub.h"
#include "server/pubsub/tracking.h"

namespace ks {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// The pool's back-off (proxy/remote_pool.cc).
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::seconds(5);
constexpr size_t kReadChunk = 16 * 1024;
}  // namespace

// One remote's event link. Lives on ioc's thread only; its coroutine holds it alive.
class RemoteEvents::Link : public std::enable_shared_from_this<Link> {
 public:
  using ReplyFn = std::function<void(const RespValue&)>;

  Link(asio::io_context& ioc, RemotePool::Remote& r, uint16_t index, ServerState& st, int64_t timeout_ms)
      : ioc_(ioc), r_(r), index_(index), st_(st), timeout_ms_(std::max<int64_t>(timeout_ms, 1000)), sock_(ioc),
        timer_(ioc) {}

  void Start() {
    auto self = shared_from_this();
    asio::co_spawn(ioc_, [self]() -> asio::awaitable<void> { co_await self->Run(); }, asio::detached);
  }

  void Stop() {
    stopped_ = true;
    boost::system::error_code ec;
    sock_.close(ec);
    timer_.cancel();
  }

  // Brings the remote in line with keyshard: notify-keyspace-events and its subscriptions,
  // BCAST tracking. Only what differs from what was last sent is sent.
  void CatchUp() {
    if (!up_) return;
    const std::string want = FormatNotifyFlags(st_.limits().notify_flags.load(std::memory_order_relaxed));
    // Nothing is sent while keyshard's is empty and was never otherwise: a remote's own
    // setting is left alone until keyshard asks for events.
    if (applied_flags_ ? *applied_flags_ != want : !want.empty()) {
      Command({"CONFIG", "SET", "notify-keyspace-events", want}, [this](const RespValue& v) {
        if (v.IsError()) r_.Error("notify-keyspace-events not set: " + v.str);
      });
      applied_flags_ = want;
    }
    if (const bool sub = !want.empty(); sub != subscribed_) {
      // Their confirmations are pushes, not replies: nothing waits for them.
      Command({sub ? "PSUBSCRIBE" : "PUNSUBSCRIBE", "__keyspace@*__:*", "__keyevent@*__:*"}, nullptr, false);
      subscribed_ = sub;
    }
    if (const bool bcast = st_.tracking().bcast_clients() > 0; bcast != bcast_on_) {
      bcast_on_ = bcast;
      if (bcast) {
        // Writes made before the remote heard this were not reported: the BCAST clients
        // flush once it has.
        Command({"CLIENT", "TRACKING", "ON", "BCAST"}, [this](const RespValue& v) {
          if (!v.IsError()) st_.tracking().InvalidateWhere([](std::string_view) { return false; }, true);
        });
      } else {
        Command({"CLIENT", "TRACKING", "OFF"}, nullptr);
      }
    }
  }

  // done runs once every event the remote raised before now has been handled.
  void Barrier(std::function<void()> done) {
    if (!up_) return done();
    Command({"PING"}, [done = std::move(done)](const RespValue&) { done(); });
  }

 private:
  struct Pending {
    ReplyFn done;
  };

  asio::awaitable<void> Run() {
    auto backoff = std::chrono::steady_clock::duration(kFirstBackoff);
    while (!stopped_) {
      const bool connected = co_await Connect();
      if (connected) {
        backoff = kFirstBackoff;
        co_await Read();
        Lost();
      }
      if (stopped_) break;
      timer_.expires_after(backoff);
      co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
      if (!connected) backoff = std::min<std::chrono::steady_clock::duration>(backoff * 2, kMaxBackoff);
    }
  }

  asio::awaitable<bool> Connect() {
    sock_ = tcp::socket(ioc_);
    tcp::resolver resolver(ioc_);
    auto [rec, endpoints] = co_await resolver.async_resolve(r_.cfg.host, std::to_string(r_.cfg.port),
                                                             asio::as_tuple(asio::use_awaitable));
    if (rec || stopped_) co_return false;
    // A remote that never answers the connect gives up after the timeout.
    asio::steady_timer guard(ioc_);
    guard.expires_after(std::chrono::milliseconds(timeout_ms_));
    guard.async_wait([this, self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) {
        boost::system::error_code ignored;
        sock_.close(ignored);
      }
    });
    auto [cec, ep] = co_await asio::async_connect(sock_, endpoints, asio::as_tuple(asio::use_awaitable));
    (void)ep;
    guard.cancel();
    if (cec || stopped_ || !sock_.is_open()) co_return false;
    boost::system::error_code ec;
    sock_.set_option(tcp::no_delay(true), ec);
    if (!r_.cfg.password.empty()) Command({"AUTH", r_.cfg.password}, [this](const RespValue& v) { FailIfError(v, "AUTH"); });
    Command({"HELLO", "3"}, [this](const RespValue& v) { FailIfError(v, "HELLO 3"); });
    Command({"CLIENT", "SETNAME", "keyshard-events"}, nullptr);  // seen in the remote's CLIENT LIST
    Command({"CLIENT", "ID"}, [this](const RespValue& v) {
      if (v.type != RespValue::Type::kInteger) return FailIfError(v, "CLIENT ID");
      up_ = true;
      r_.redirect_id.store(static_cast<uint64_t>(v.integer));
      Missed();
      CatchUp();
    });
    co_return true;
  }

  void FailIfError(const RespValue& v, std::string_view what) {
    if (!v.IsError()) return;
    r_.Error("event connection: " + std::string(what) + " failed: " + v.str);
    boost::system::error_code ec;
    sock_.close(ec);
  }

  // The remote's tracking starts over (a new link, or none): whatever it would have reported
  // meanwhile is invalidated for every key keyshard remembers in its slots.
  void Missed() {
    r_.track_epoch.fetch_add(1);
    const ShardId me = ShardId::Remote(index_);
    const SlotMap& map = st_.shards().slots();
    st_.tracking().InvalidateWhere([&](std::string_view k) { return map.Owner(KeySlot(k)) == me; }, true);
  }

  void Lost() {
    const bool was_up = up_;
    up_ = false;
    boost::system::error_code ec;
    sock_.close(ec);
    wbuf_.clear();
    rbuf_.clear();
    parser_.Reset();
    writing_ = false;
    ++gen_;
    applied_flags_.reset();
    subscribed_ = bcast_on_ = false;
    std::deque<Pending> q;
    q.swap(q_);
    const RespValue gone = RespValue::Error("ERR connection lost");
    for (Pending& p : q)
      if (p.done) p.done(gone);
    if (was_up) {
      r_.redirect_id.store(0);
      Missed();
    }
  }

  void Command(std::initializer_list<std::string_view> args, ReplyFn done, bool reply = true) {
    ReplyBuilder rb(&wbuf_);
    rb.BulkArray(std::data(args), args.size());
    if (reply) q_.push_back({std::move(done)});
    if (writing_) return;
    writing_ = true;
    auto self = shared_from_this();
    asio::co_spawn(ioc_, [self, gen = gen_]() -> asio::awaitable<void> { co_await self->Write(gen); }, asio::detached);
  }

  asio::awaitable<void> Write(uint64_t gen) {
    const auto ec = co_await WriteQueued(sock_, wbuf_, wcur_, [this, gen] { return gen != gen_; });
    if (gen != gen_) co_return;
    if (ec) {
      boost::system::error_code ignored;
      sock_.close(ignored);  // Read sees it and the link starts over
    }
    writing_ = false;
  }

  asio::awaitable<void> Read() {
    RespValue v;
    for (;;) {
      size_t pos = 0;
      while (pos < rbuf_.size()) {
        ReplyParseResult r = parser_.Parse(std::string_view(rbuf_).substr(pos), &v);
        if (r.status == ReplyStatus::kIncomplete) break;
        if (r.status == ReplyStatus::kError) co_return;
        pos += r.consumed;
        if (!OnValue(v)) co_return;
      }
      rbuf_.erase(0, pos);
      const size_t have = rbuf_.size();
      rbuf_.resize(have + kReadChunk);
      auto [ec, n] = co_await sock_.async_read_some(asio::buffer(rbuf_.data() + have, kReadChunk),
                                                    asio::as_tuple(asio::use_awaitable));
      if (ec || stopped_) co_return;
      rbuf_.resize(have + n);
    }
  }

  // false: the link is out of step and starts over.
  bool OnValue(const RespValue& v) {
    if (v.type == RespValue::Type::kPush) {
      if (v.elems.empty()) return true;
      const std::string& kind = v.elems[0].str;
      if (kind == "pmessage" && v.elems.size() == 4) {
        Republish(v.elems[2].str, v.elems[3].str);
      } else if (kind == "invalidate" && v.elems.size() == 2) {
        Invalidated(v.elems[1]);
      }
      return true;  // (p)subscribe confirmations, tracking-redir-broken...
    }
    if (q_.empty()) return false;
    Pending p = std::move(q_.front());
    q_.pop_front();
    if (p.done) p.done(v);
    return sock_.is_open();
  }

  void Republish(std::string_view channel, std::string_view payload) {
    const uint32_t flags = st_.limits().notify_flags.load(std::memory_order_relaxed);
    std::string_view key;
    if (channel.starts_with("__keyspace@")) {
      const size_t p = channel.find("__:", 11);
      if (!(flags & kNotifyKeyspace) || p == std::string_view::npos) return;
      key = channel.substr(p + 3);
    } else if (channel.starts_with("__keyevent@")) {
      if (!(flags & kNotifyKeyevent)) return;
      key = payload;
    } else {
      return;
    }
    // Only the remote's own keys, and none of a slot on its way between shards: a move's
    // RESTOREs and DELs are not changes, as a move between engines raises no event either.
    const uint16_t slot = KeySlot(key);
    if (!(st_.shards().slots().Owner(slot) == ShardId::Remote(index_)) || st_.shards().fence().Fenced(slot)) return;
    st_.pubsub().Publish(ChannelKind::kGlobal, channel, payload);
  }

  void Invalidated(const RespValue& keys) {
    Tracking& t = st_.tracking();
    if (keys.IsNull()) {
      // The remote flushed: every key remembered in its slots, and the BCAST clients.
      const ShardId me = ShardId::Remote(index_);
      const SlotMap& map = st_.shards().slots();
      return t.InvalidateWhere([&](std::string_view k) { return map.Owner(KeySlot(k)) == me; }, true);
    }
    std::vector<std::string_view> v;
    for (const RespValue& k : keys.elems) v.push_back(k.str);
    t.InvalidateRemote(v);
  }

  asio::io_context& ioc_;
  RemotePool::Remote& r_;
  const uint16_t index_;
  ServerState& st_;
  const int64_t timeout_ms_;
  tcp::socket sock_;
  asio::steady_timer timer_;
  bool stopped_ = false;
  bool up_ = false;
  uint64_t gen_ = 0;
  std::deque<Pending> q_;
  std::string wbuf_, wcur_, rbuf_;
  ReplyParser parser_;
  bool writing_ = false;
  std::optional<std::string> applied_flags_;  // what the remote was last given; none yet
  bool subscribed_ = false;
  bool bcast_on_ = false;
};

RemoteEvents::RemoteEvents(const std::vector<RemotePool::Remote*>& remotes, asio::io_context& ioc, ServerState& st,
                           int64_t timeout_ms)
    : ioc_(ioc) {
  for (size_t i = 0; i < remotes.size(); ++i)
    links_.push_back(std::make_shared<Link>(ioc, *remotes[i], static_cast<uint16_t>(i), st, timeout_ms));
}

RemoteEvents::~RemoteEvents() = default;

void RemoteEvents::Start() {
  for (auto& l : links_) l->Start();
}

void RemoteEvents::Stop() {
  for (auto& l : links_) l->Stop();
}

void RemoteEvents::Changed() {
  asio::post(ioc_, [links = links_] {
    for (auto& l : links) l->CatchUp();
  });
}

void RemoteEvents::Sync(uint16_t remote, int64_t timeout_ms) {
  if (remote >= links_.size()) return;
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> f = done->get_future();
  asio::post(ioc_, [link = links_[remote], done] { link->Barrier([done] { done->set_value(); }); });
  f.wait_for(std::chrono::milliseconds(timeout_ms));
}

}  // namespace ks
