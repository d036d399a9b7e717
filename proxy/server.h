#pragma once
// Server: the listening socket and the I/O threads. Each thread runs its own io_context
// (no cross-thread locking inside Asio); accepted sockets are dealt round-robin to threads.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "server/core/service.h"

namespace ks {

class Server {
 public:
  Server(Service& service, int threads);
  ~Server();

  // Binds and listens; returns an error text or empty. port 0 picks a free port.
  std::string Listen(const std::string& bind, int port, int backlog);
  int port() const { return port_; }
  // I/O thread i's io_context (the remote shards' pool runs its connections there too).
  boost::asio::io_context& context(int i) { return *contexts_[i]; }
  int threads() const { return static_cast<int>(contexts_.size()); }

  // Runs the I/O threads until Stop(); blocks.
  void Run();
  void Stop();
  // Returns once every I/O thread but `except` (-1: none) has finished the work it was
  // doing (each runs a posted no-op), or after a second if one does not answer.
  void Quiesce(int except);

 private:
  boost::asio::awaitable<void> AcceptLoop();

  Service& service_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  int port_ = 0;
  size_t next_ = 0;
};

}  // namespace ks
