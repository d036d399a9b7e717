#include "tools/compat/connection.h"

#include <hiredis/hiredis.h>
#include <strings.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keyshard::compat {

namespace {

Reply FromHiredis(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STATUS: return Reply::Status(std::string(r->str, r->len));
    case REDIS_REPLY_ERROR: return Reply::Error(std::string(r->str, r->len));
    case REDIS_REPLY_INTEGER: return Reply::Integer(r->integer);
    case REDIS_REPLY_STRING: return Reply::Bulk(std::string(r->str, r->len));
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elems;
      elems.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) elems.push_back(FromHiredis(r->element[i]));
      return Reply::Array(std::move(elems));
    }
    default: return Reply::Nil();
  }
}

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
  resp3_ = Resp3Reader();
  protocol_ = 2;
  pending_protocol_ = 0;
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
  // Track protocol switches so the reply is read by the right reader.
  pending_protocol_ = 0;
  if (!argv.empty() && IEquals(argv[0], "HELLO") && argv.size() >= 2) {
    if (argv[1] == "3") pending_protocol_ = 3;
    if (argv[1] == "2") pending_protocol_ = 2;
  }
  if (!argv.empty() && IEquals(argv[0], "RESET")) pending_protocol_ = 2;
  close_after_reply_ = !argv.empty() && IEquals(argv[0], "QUIT");
  return true;
}

bool Connection::SendRaw(const std::string& bytes, std::string* error) {
  pending_protocol_ = 0;
  close_after_reply_ = false;
  return Write(bytes.data(), bytes.size(), error);
}

std::optional<Reply> Connection::ReadResp3(std::string* error) {
  char buf[16384];
  while (true) {
    Reply r;
    std::string perr;
    switch (resp3_.Next(&r, &perr)) {
      case Resp3Reader::Status::kOk:
        return r;
      case Resp3Reader::Status::kProtocolError:
        *error = "protocol error from " + ep_.Name() + ": " + perr;
        return std::nullopt;
      case Resp3Reader::Status::kIncomplete:
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
    resp3_.Feed(buf, static_cast<size_t>(n));
  }
}

std::optional<Reply> Connection::Receive(std::string* error) {
  if (!ctx_) {
    *error = "not connected to " + ep_.Name();
    return std::nullopt;
  }
  std::optional<Reply> reply;
  if (protocol_ == 3 || pending_protocol_ == 3) {
    reply = ReadResp3(error);
  } else {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || !raw) {
      *error = std::string("read from ") + ep_.Name() + ": " +
               (ctx_->err == REDIS_ERR_EOF ? "connection closed" : ctx_->errstr);
    } else {
      reply = FromHiredis(static_cast<redisReply*>(raw));
      freeReplyObject(raw);
    }
  }
  if (!reply) {
    Close();
    return std::nullopt;
  }
  if (pending_protocol_ && !reply->IsError()) protocol_ = pending_protocol_;
  pending_protocol_ = 0;
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
