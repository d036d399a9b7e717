// One client connection to an endpoint: hiredis connects and writes commands; replies, RESP2
// or RESP3 after HELLO 3, are read off the same socket by resp/'s reply parser (Debian 12's
// hiredis 0.14 parses RESP2 only).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "resp/reply_parser.h"
#include "tools/compat/reply.h"

struct redisContext;

namespace keyshard::compat {

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int timeout_ms = 10000;

  std::string Name() const { return host + ":" + std::to_string(port); }
};

// Parses "HOST:PORT" (or just "PORT").
std::optional<Endpoint> ParseEndpoint(const std::string& text);

class Connection {
 public:
  explicit Connection(Endpoint ep) : ep_(std::move(ep)) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects (and authenticates) now; Send also reconnects lazily after a close.
  bool Connect(std::string* error);

  // Send writes one command; Receive reads its reply. Splitting them lets a caller send to
  // two endpoints before waiting for either. nullopt + *error on I/O failure.
  bool Send(const std::vector<std::string>& argv, std::string* error);
  bool SendRaw(const std::string& bytes, std::string* error);
  std::optional<Reply> Receive(std::string* error);
  std::optional<Reply> Call(const std::vector<std::string>& argv, std::string* error);

  const Endpoint& endpoint() const { return ep_; }
  void Close();

 private:
  bool Write(const char* data, size_t len, std::string* error);
  std::optional<Reply> ReadReply(std::string* error);

  Endpoint ep_;
  redisContext* ctx_ = nullptr;
  ks::ReplyReader reader_;
  bool close_after_reply_ = false;
};

}  // namespace keyshard::compat
