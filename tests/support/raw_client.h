#pragma once
// A plain socket client for tests that need what hiredis 0.14 cannot show: RESP3 pushes,
// messages arriving between replies, a client that stops reading. Replies come back as their
// raw bytes, so keyshard's and Redis's compare byte for byte.
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_parser.h"

namespace ks::test {

class RawClient {
 public:
  explicit RawClient(int port);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends one command (RESP multibulk) without waiting.
  void Send(const std::vector<std::string>& args);
  // The raw bytes of the next reply or message; "" on timeout or when the peer closed.
  std::string Next(int timeout_ms = 5000);
  // Send, then Next.
  std::string Call(const std::vector<std::string>& args, int timeout_ms = 5000);
  // Whether anything (a reply, a message) arrives within timeout_ms.
  bool Quiet(int timeout_ms);
  // True once the server closed the connection (reads return EOF or an error).
  bool Closed(int timeout_ms = 5000);
  // Shrinks the kernel's receive buffer, so a client that stops reading fills up early.
  void SetSmallReceiveBuffer();
  int fd() const { return fd_; }

 private:
  bool Fill(int timeout_ms);
  int fd_ = -1;
  std::string buf_;
  ReplyParser parser_;
};

// RESP encoding of a command, as a client sends it.
std::string EncodeCommand(const std::vector<std::string>& args);

}  // namespace ks::test
