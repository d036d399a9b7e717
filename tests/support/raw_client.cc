#include "tests/support/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ks::test {

std::string EncodeCommand(const std::vector<std::string>& args) {
  std::string s = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) s += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return s;
}

RawClient::RawClient(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

void RawClient::SetSmallReceiveBuffer() {
  int n = 4096;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &n, sizeof n);
}

void RawClient::Send(const std::vector<std::string>& args) {
  std::string s = EncodeCommand(args);
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

bool RawClient::Fill(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char tmp[65536];
  ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
  if (n <= 0) return false;
  buf_.append(tmp, static_cast<size_t>(n));
  return true;
}

std::string RawClient::Next(int timeout_ms) {
  for (;;) {
    RespValue v;
    ReplyParseResult r = parser_.Parse(buf_, &v);
    if (r.status == ReplyStatus::kOk) {
      std::string raw = buf_.substr(0, r.consumed);
      buf_.erase(0, r.consumed);
      return raw;
    }
    if (r.status == ReplyStatus::kError) return "<protocol error: " + r.error + ">";
    if (!Fill(timeout_ms)) return "";
  }
}

std::string RawClient::Call(const std::vector<std::string>& args, int timeout_ms) {
  Send(args);
  return Next(timeout_ms);
}

bool RawClient::Quiet(int timeout_ms) {
  if (!buf_.empty()) return false;
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 0;
}

bool RawClient::Closed(int timeout_ms) {
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return true;  // EOF or reset
  }
}

}  // namespace ks::test
