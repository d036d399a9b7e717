#include "proxy/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "proxy/connection.h"
#include "resp/reply_builder.h"
#include "server/core/errors.h"

namespace ks {
namespace asio = boost::asio;
using asio::ip::tcp;

Server::Server(Service& service, int threads) : service_(service) {
  for (int i = 0; i < threads; ++i) {
    // Each context is run by one thread and its sockets are only used from that thread (other
    // threads only post to it), so the reactor needs no locking of its own.
    contexts_.push_back(std::make_unique<asio::io_context>(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO));
    guards_.push_back(asio::make_work_guard(*contexts_.back()));
  }
}

Server::~Server() { Stop(); }

std::string Server::Listen(const std::string& bind, int port, int backlog) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(bind, ec);
  if (ec) return "invalid bind address '" + bind + "'";
  tcp::endpoint ep(addr, static_cast<unsigned short>(port));
  acceptor_ = std::make_unique<tcp::acceptor>(*contexts_[0]);
  acceptor_->open(ep.protocol(), ec);
  if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(ep, ec);
  if (!ec) acceptor_->listen(backlog, ec);
  if (ec) return "cannot listen on " + bind + ":" + std::to_string(port) + ": " + ec.message();
  port_ = acceptor_->local_endpoint().port();
  asio::co_spawn(*contexts_[0], AcceptLoop(), asio::detached);
  return {};
}

asio::awaitable<void> Server::AcceptLoop() {
  ServerState& st = service_.state();
  for (;;) {
    size_t idx = next_++ % contexts_.size();
    auto [ec, socket] = co_await acceptor_->async_accept(*contexts_[idx], asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;  // e.g. EMFILE: keep accepting
    }
    st.stats().connections_received.fetch_add(1, std::memory_order_relaxed);
    int64_t maxclients = st.limits().get(st.limits().maxclients);
    if (static_cast<int64_t>(st.clients().size()) >= maxclients) {
      st.stats().rejected_connections.fetch_add(1, std::memory_order_relaxed);
      std::string msg;
      ReplyBuilder(&msg).Error(err::kMaxClients);
      boost::system::error_code wec;
      asio::write(socket, asio::buffer(msg), wec);
      continue;
    }
    // protected-mode: without a password, only loopback peers are served (an IPv4 peer on a
    // dual-stack socket shows as ::ffff:a.b.c.d).
    boost::system::error_code pec;
    auto peer = socket.remote_endpoint(pec).address();
    if (peer.is_v6() && peer.to_v6().is_v4_mapped()) peer = asio::ip::make_address_v4(asio::ip::v4_mapped, peer.to_v6());
    if (!pec && err::ProtectedModeRefuses(st.limits().protected_mode.load(std::memory_order_relaxed),
                                          st.limits().requirepass_set.load(std::memory_order_relaxed),
                                          peer.is_loopback())) {
      st.stats().rejected_connections.fetch_add(1, std::memory_order_relaxed);
      boost::system::error_code wec;
      asio::write(socket, asio::buffer(err::kProtectedModeDenied), wec);
      continue;
    }
    auto conn = std::make_shared<Connection>(std::move(socket), service_, static_cast<int>(idx));
    asio::co_spawn(*contexts_[idx], [conn]() -> asio::awaitable<void> { co_await conn->Run(); }, asio::detached);
  }
}

void Server::Run() {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < contexts_.size(); ++i) threads.emplace_back([this, i] { contexts_[i]->run(); });
  contexts_[0]->run();
  for (auto& t : threads) t.join();
}

void Server::Quiesce(int except) {
  struct Latch {
    std::mutex mu;
    std::condition_variable cv;
    int pending = 0;
  };
  // Shared with the posted no-ops: one that runs after the wait gave up still finds it.
  auto latch = std::make_shared<Latch>();
  for (size_t i = 0; i < contexts_.size(); ++i) {
    if (static_cast<int>(i) == except) continue;
    {
      std::lock_guard lk(latch->mu);
      ++latch->pending;
    }
    asio::post(*contexts_[i], [latch] {
      std::lock_guard lk(latch->mu);
      --latch->pending;
      latch->cv.notify_all();
    });
  }
  std::unique_lock lk(latch->mu);
  latch->cv.wait_for(lk, std::chrono::seconds(1), [&] { return latch->pending == 0; });
}

void Server::Stop() {
  if (acceptor_) {
    asio::post(*contexts_[0], [this] {
      boost::system::error_code ec;
      acceptor_->close(ec);
    });
  }
  guards_.clear();
  for (auto& c : contexts_) c->stop();
}

}  // namespace ks
