#pragma once
// AdminServer: the HTTP admin server (Boost.Beast) for resharding: the page at `/` and the
// JSON API it uses (docs in README "Resharding"). It runs on its own thread and io_context,
// apart from the Redis connections; Beast and Asio stay out of this header, which main.cc
// includes.
#include <memory>
#include <string>

namespace ks {

class ServerState;

class AdminServer {
 public:
  explicit AdminServer(ServerState& state);
  ~AdminServer();

  // Binds admin-bind:admin-port (port 0 picks a free one) without serving yet, so a taken
  // port stops the start-up before any data is loaded. Returns an error text naming the
  // address and the options, or empty.
  std::string Bind(const std::string& bind, int port);
  // Starts serving (on its own thread) once the server is ready.
  void Serve(std::string token);
  int port() const;
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The page served at `/` (proxy/admin_page.cc): HTML, CSS and JavaScript in one string.
extern const char* const kAdminPageHtml;

}  // namespace ks
