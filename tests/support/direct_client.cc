#include "tests/support/direct_client.h"

#include <algorithm>

#include "resp/reply_parser.h"
#include "server/core/command_context.h"

namespace ks::test {
namespace {

std::string Readable(const RespValue& v) {
  using T = RespValue::Type;
  auto join = [&v](const char* open, const char* close, size_t step) {
    std::string out = open;
    for (size_t i = 0; i < v.elems.size(); i += step) {
      if (i) out += ", ";
      out += Readable(v.elems[i]);
      if (step == 2 && i + 1 < v.elems.size()) out += ": " + Readable(v.elems[i + 1]);
    }
    return out + close;
  };
  switch (v.type) {
    case T::kSimple: return v.str;
    case T::kError: return "(error) " + v.str;
    case T::kInteger: return "(integer) " + std::to_string(v.integer);
    case T::kDouble: return "(double) " + v.str;
    case T::kBool: return v.boolean ? "(true)" : "(false)";
    case T::kNull:
    case T::kNullArray: return "(nil)";
    case T::kBulk:
    case T::kVerbatim: return "\"" + v.str + "\"";  // a verbatim string with its "txt:"
    case T::kArray:
    case T::kPush: return join("[", "]", 1);
    case T::kSet: return join("~[", "]", 1);
    case T::kMap: return join("{", "}", 2);
    case T::kBigNumber: return "(big number) " + v.str;
  }
  return "<bad reply>";
}

}  // namespace

std::string DecodeReply(std::string_view s, size_t& pos) {
  RespValue v;
  ReplyParseResult r = ParseReply(s.substr(std::min(pos, s.size())), &v);
  if (r.status != ReplyStatus::kOk) {
    pos = s.size();
    return r.status == ReplyStatus::kIncomplete ? "<truncated>" : "<bad reply>";
  }
  pos += r.consumed;
  return Readable(v);
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
  sink_ = std::make_shared<CollectingSubscriber>(client_.info.get());
  client_.sink = sink_;
  server_.state.clients().Add(client_.info);
}

DirectClient::~DirectClient() {
  DropSubscriptions(server_.state, client_);
  server_.state.clients().Remove(client_.info->id);
}

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
