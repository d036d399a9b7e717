#pragma once
// WriteQueued: how an upstream connection writes (proxy/remote_pool.cc, remote_events.cc).
// Requests are appended to one buffer while a write is in flight; each write takes all that
// was queued meanwhile, until nothing is left.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string>

namespace ks {

// Writes `queued` (swapped into `in_flight` for each write) until it stays empty. Returns the
// first write error, or none; stops without one as soon as stale() (the connection was reset
// meanwhile: the buffers belong to its next life).
template <class Stale>
boost::asio::awaitable<boost::system::error_code> WriteQueued(boost::asio::ip::tcp::socket& sock, std::string& queued,
                                                              std::string& in_flight, Stale stale) {
  while (!stale() && !queued.empty()) {
    in_flight.clear();
    std::swap(in_flight, queued);
    auto [ec, n] = co_await boost::asio::async_write(sock, boost::asio::buffer(in_flight),
                                                     boost::asio::as_tuple(boost::asio::use_awaitable));
    (void)n;
    if (!stale() && ec) co_return ec;
  }
  co_return boost::system::error_code{};
}

}  // namespace ks
