#include "tools/compat/connection.h"

#include <hiredis/hiredis.h>
#include <strings.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keyshard::compat {

namespace {

bool IEquals(const std::string& a, const char* b) { return strcasecmp(a.c_str(), b) == 0; }

}  // namespace

std::optional<Endpoint> ParseEndpoint(const std::string& text) {
  Endpoint ep;
  std::string port = text;
  auto colon = text.rfind(':');
  if (colon != std::string::npos) {
    ep.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (ep.host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  ep.port = std::stoi(port);
  if (ep.port <= 0 || ep.port > 65535) return std::nullopt;
  return ep;
}

Connection::~Connection() { Close(); }

void Connection::Close() {
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
  reader_.Reset();
  close_after_reply_ = false;
}

bool Connection::Connect(std::string* error) {
  Close();
  timeval tv{ep_.timeout_ms / 1000, (ep_.timeout_ms % 1000) * 1000};
  ctx_ = redisConnectWithTimeout(ep_.host.c_str(), ep_.port, tv);
  if (!ctx_ || ctx_->err) {
    *error = "cannot connect to " + ep_.Name() + ": " + (ctx_ ? ctx_->errstr : "out of memory");
    Close();
    return false;
  }
  redisSetTimeout(ctx_, tv);
  if (!ep_.password.empty()) {
    auto r = Call({"AUTH", ep_.password}, error);
    if (!r) return false;
    if (r->IsError()) {
      *error = "AUTH on " + ep_.Name() + " failed: " + r->str;
      Close();
      return false;
    }
  }
  return true;
}

bool Connection::Write(const char* data, size_t len, std::string* error) {
  if (!ctx_ && !Connect(error)) return false;
  if (redisAppendFormattedCommand(ctx_, data, len) != REDIS_OK) {
    *error = std::string("write to ") + ep_.Name() + ": " + ctx_->errstr;
    Close();
    return false;
  }
  int done = 0;
  while (!done) {
    if (redisBufferWrite(ctx_, &done) != REDIS_OK) {
      *error = std::string("write to ") + ep_.Name() + ": " + ctx_->errstr;
      Close();
      return false;
    }
  }
  return true;
}

bool Connection::Send(const std::vector<std::string>& argv, std::string* error) {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  char* cmd = nullptr;
  int len = redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()), ptrs.data(), lens.data());
  if (len < 0) {
    *error = "cannot format command";
    return false;
  }
  bool ok = Write(cmd, static_cast<size_t>(len), error);
  redisFreeCommand(cmd);
  if (!ok) return false;
  close_after_reply_ = !argv.empty() && IEquals(argv[0], "QUIT");
  return true;
}

bool Connection::SendRaw(const std::string& bytes, std::string* error) {
  close_after_reply_ = false;
  return Write(bytes.data(), bytes.size(), error);
}

std::optional<Reply> Connection::ReadReply(std::string* error) {
  char buf[16384];
  while (true) {
    ks::RespValue v;
    std::string perr;
    switch (reader_.Next(&v, &perr)) {
      case ks::ReplyStatus::kOk:
        return FromResp(v);
      case ks::ReplyStatus::kError:
        *error = "protocol error from " + ep_.Name() + ": " + perr;
        return std::nullopt;
      case ks::ReplyStatus::kIncomplete:
        break;
    }
    ssize_t n = ::read(ctx_->fd, buf, sizeof buf);
    if (n == 0) {
      *error = "connection closed by " + ep_.Name();
      return std::nullopt;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = "read from " + ep_.Name() + ": " +
               (errno == EAGAIN || errno == EWOULDBLOCK ? std::string("timeout") : std::strerror(errno));
      return std::nullopt;
    }
    reader_.Feed(std::string_view(buf, static_cast<size_t>(n)));
  }
}

std::optional<Reply> Connection::Receive(std::string* error) {
  if (!ctx_) {
    *error = "not connected to " + ep_.Name();
    return std::nullopt;
  }
  std::optional<Reply> reply = ReadReply(error);
  if (!reply) {
    Close();
    return std::nullopt;
  }
  // The server closes the connection after QUIT and after protocol errors; start afresh.
  if (close_after_reply_ || (reply->IsError() && reply->str.rfind("ERR Protocol error", 0) == 0))
    Close();
  return reply;
}

std::optional<Reply> Connection::Call(const std::vector<std::string>& argv, std::string* error) {
  if (!Send(argv, error)) return std::nullopt;
  return Receive(error);
}

}  // namespace keyshard::compat
