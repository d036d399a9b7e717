#include "tests/support/direct_client.h"

#include <cstdlib>

#include "server/core/command_context.h"

namespace ks::test {
namespace {

std::string_view Line(std::string_view s, size_t& pos) {
  size_t end = s.find("\r\n", pos);
  if (end == std::string_view::npos) end = s.size();
  std::string_view l = s.substr(pos, end - pos);
  pos = end + 2;
  return l;
}

}  // namespace

std::string DecodeReply(std::string_view s, size_t& pos) {
  if (pos >= s.size()) return "<truncated>";
  char t = s[pos++];
  std::string_view line = Line(s, pos);
  auto aggregate = [&](size_t n, const char* open, const char* close, bool pairs) {
    std::string out = open;
    for (size_t i = 0; i < n; ++i) {
      if (i) out += ", ";
      out += DecodeReply(s, pos);
      if (pairs) {
        out += ": ";
        out += DecodeReply(s, pos);
      }
    }
    return out + close;
  };
  switch (t) {
    case '+': return std::string(line);
    case '-': return "(error) " + std::string(line);
    case ':': return "(integer) " + std::string(line);
    case ',': return "(double) " + std::string(line);
    case '#': return line == "t" ? "(true)" : "(false)";
    case '_': return "(nil)";
    case '$':
    case '=': {
      long n = std::strtol(std::string(line).c_str(), nullptr, 10);
      if (n < 0) return "(nil)";
      std::string v(s.substr(pos, static_cast<size_t>(n)));
      pos += static_cast<size_t>(n) + 2;
      return "\"" + v + "\"";
    }
    case '*':
    case '~':
    case '>': {
      long n = std::strtol(std::string(line).c_str(), nullptr, 10);
      if (n < 0) return "(nil)";
      return aggregate(static_cast<size_t>(n), t == '~' ? "~[" : "[", "]", false);
    }
    case '%': {
      long n = std::strtol(std::string(line).c_str(), nullptr, 10);
      return aggregate(static_cast<size_t>(n), "{", "}", true);
    }
  }
  return "<bad reply>";
}

std::string DecodeAll(std::string_view resp) {
  std::string out;
  size_t pos = 0;
  while (pos < resp.size()) {
    if (!out.empty()) out += " | ";
    out += DecodeReply(resp, pos);
  }
  return out;
}

DirectClient::DirectClient(TestServer& server) : server_(server), rb_(&raw_) {
  client_.info = std::make_shared<ClientInfo>();
  client_.info->id = server_.state.clients().NextId();
  client_.info->addr = "127.0.0.1:50000";
  client_.info->laddr = "127.0.0.1:6379";
  client_.authenticated = server_.state.config().requirepass.empty();
  server_.state.clients().Add(client_.info);
}

DirectClient::~DirectClient() { server_.state.clients().Remove(client_.info->id); }

std::string DirectClient::Run(std::initializer_list<std::string_view> args) {
  std::vector<std::string_view> v(args);
  raw_.clear();
  server_.service.Dispatch(v, client_, rb_);
  rb_.set_resp3(client_.resp == 3);
  return DecodeAll(raw_);
}

std::string DirectClient::Run(const std::vector<std::string>& args) {
  std::vector<std::string_view> v(args.begin(), args.end());
  raw_.clear();
  server_.service.Dispatch(v, client_, rb_);
  rb_.set_resp3(client_.resp == 3);
  return DecodeAll(raw_);
}

std::string Err(std::string_view text) { return "(error) " + std::string(text); }

Entry* Lookup(TestServer& srv, std::string_view key) {
  KeyRef k = RouteKey(srv.state.shards(), key);
  return srv.state.shards().engine(k.engine).Find(0, k.slot, key, false);
}

size_t UsedBytes(TestServer& srv) {
  return SumOverEngines(srv, [](Engine& e) { return e.UsedBytes(); });
}

void WarmUpEngines(DirectClient& c) {
  for (int i = 0; i < 64; ++i) c.Run({"SET", "warm" + std::to_string(i), "x"});
  for (int i = 0; i < 64; ++i) c.Run({"DEL", "warm" + std::to_string(i)});
}

}  // namespace ks::test
