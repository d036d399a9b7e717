#include "proxy/admin_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "common/strconv.h"
#include "engine/eviction.h"
#include "server/core/config.h"
#include "server/core/remote_shards.h"
#include "server/core/server_state.h"
#include "server/resharding/resharder.h"
#include "server/resharding/slot_map_file.h"

namespace ks {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

Response MakeJson(http::status st, const json::value& v) {
  Response r{st, 11};
  r.set(http::field::content_type, "application/json");
  r.set(http::field::cache_control, "no-store");
  r.body() = json::serialize(v);
  return r;
}

Response MakeError(http::status st, std::string msg) { return MakeJson(st, json::object{{"error", std::move(msg)}}); }

http::status StatusOf(const ReshardError& e) {
  switch (e.kind) {
    case ReshardError::Kind::kBadInput: return http::status::bad_request;
    case ReshardError::Kind::kNotFound: return http::status::not_found;
    case ReshardError::Kind::kConflict: return http::status::conflict;
  }
  return http::status::bad_request;
}

json::object MoveJson(const MoveInfo& m) {
  return json::object{{"id", m.id},
                      {"state", MoveStateName(m.state)},
                      {"slots", m.slots},
                      {"to", m.to},
                      {"slots_total", m.slots_total},
                      {"slots_done", m.slots_done},
                      {"keys_moved", m.keys_moved},
                      {"max_pause_us", m.max_pause_us},
                      {"started_ms", m.started_ms},
                      {"finished_ms", m.finished_ms},
                      {"error", m.error}};
}

// A JSON object body, or the error naming what is wrong with it.
bool ParseBody(const Request& req, json::object* out, std::string* err) {
  boost::system::error_code ec;
  json::value v = json::parse(req.body(), ec);
  if (ec) {
    *err = "the body is not JSON: " + ec.message();
    return false;
  }
  if (!v.is_object()) {
    *err = "the body must be a JSON object";
    return false;
  }
  *out = std::move(v.as_object());
  return true;
}

}  // namespace

struct AdminServer::Impl {
  explicit Impl(ServerState& s) : state(s), acceptor(io) {}

  ServerState& state;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::thread thread;
  std::string token;
  int port = 0;
  // ops/s per engine: the commands counters sampled once a second.
  std::mutex rate_mu;
  std::vector<uint64_t> last_commands;
  std::vector<uint64_t> ops_per_sec;

  struct EngineFigures {
    size_t keys = 0, used = 0;
    MemoryPolicy mem;
    EngineStats stats;
  };
  EngineFigures Figures(int id) {
    EngineFigures f;
    EngineGuard lk(state.shards(), id);
    Engine& e = lk.engine();
    for (int db = 0; db < kNumDbs; ++db) f.keys += e.KeyCount(db);
    f.used = e.UsedBytes();
    f.mem = e.memory_policy();
    f.stats = e.stats();
    return f;
  }

  asio::awaitable<void> SampleRates() {
    asio::steady_timer t(io);
    for (;;) {
      const int n = state.shards().size();
      std::vector<uint64_t> now(n);
      for (int i = 0; i < n; ++i) now[i] = Figures(i).stats.commands;
      {
        std::lock_guard lk(rate_mu);
        if (last_commands.size() == now.size()) {
          ops_per_sec.assign(n, 0);
          for (int i = 0; i < n; ++i) ops_per_sec[i] = now[i] - last_commands[i];
        }
        last_commands = now;
      }
      t.expires_after(std::chrono::seconds(1));
      auto [ec] = co_await t.async_wait(kNoThrow);
      if (ec) co_return;
    }
  }

  json::array Engines() {
    Resharder& r = state.resharder();
    SlotOwners owners;
    for (int s = 0; s < kNumSlots; ++s) owners[s] = state.shards().slots().CodeOf(static_cast<uint16_t>(s));
    auto runs = SlotRuns(owners);
    json::array out;
    std::lock_guard lk(rate_mu);
    for (int id = 0; id < r.active_engines(); ++id) {
      EngineFigures f = Figures(id);
      json::array slots;
      size_t count = 0;
      for (const SlotRun& run : runs)
        if (run.engine == id) {
          slots.push_back(json::array{run.from, run.to});
          count += run.to - run.from + 1;
        }
      out.push_back(json::object{
          {"id", id},
          {"slots", std::move(slots)},
          {"slot_count", count},
          {"keys", f.keys},
          {"used_memory", f.used},
          {"maxmemory", f.mem.maxmemory},
          {"policy", PolicyName(f.mem.policy)},
          {"ops_per_sec", id < static_cast<int>(ops_per_sec.size()) ? ops_per_sec[id] : uint64_t{0}},
          {"keyspace_hits", f.stats.keyspace_hits},
          {"keyspace_misses", f.stats.keyspace_misses},
      });
    }
    // Remote shards beside the engines ("id":"cache-b"); their keys and used_memory come from
    // the pool's background INFO (-1 until the first answer), so this never waits on a remote.
    if (RemoteShards* remotes = state.remotes()) {
      const std::vector<RemoteStatus> rs = remotes->Status();
      for (size_t i = 0; i < rs.size(); ++i) {
        const RemoteStatus& r = rs[i];
        const uint16_t code = static_cast<uint16_t>(kRemoteOwner | i);
        json::array slots;
        size_t count = 0;
        for (const SlotRun& run : runs)
          if (run.engine == code) {
            slots.push_back(json::array{run.from, run.to});
            count += run.to - run.from + 1;
          }
        out.push_back(json::object{
            {"id", r.name},
            {"remote", true},
            {"address", r.address},
            {"state", r.state},
            {"slots", std::move(slots)},
            {"slot_count", count},
            {"keys", r.keys},
            {"used_memory", r.used_memory},
            {"in_flight", r.in_flight},
            {"requests", r.requests},
            {"errors", r.errors},
            {"timeouts", r.timeouts},
            {"reconnects", r.reconnects},
            {"latency_ms", r.latency_ms},
            {"last_error", r.last_error},
        });
      }
    }
    return out;
  }

  json::array Slots() {
    SlotOwners owners;
    for (int s = 0; s < kNumSlots; ++s) owners[s] = state.shards().slots().CodeOf(static_cast<uint16_t>(s));
    json::array out;
    for (const SlotRun& r : SlotRuns(owners)) {
      // A remote shard's runs name it ("engine":"cache-b"), as /api/engines lists it.
      if (r.engine & kRemoteOwner)
        out.push_back(json::object{{"from", r.from}, {"to", r.to}, {"engine", OwnerText(r.engine, state.remote_names())}});
      else
        out.push_back(json::object{{"from", r.from}, {"to", r.to}, {"engine", r.engine}});
    }
    return out;
  }

  std::string Metrics() {
    std::string out;
    auto family = [&](const char* name, const char* type, const char* help) {
      out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    };
    const int n = state.resharder().active_engines();
    std::vector<EngineFigures> figs;
    for (int i = 0; i < n; ++i) figs.push_back(Figures(i));
    auto per_engine = [&](const char* name, const char* type, const char* help, auto get) {
      family(name, type, help);
      for (int i = 0; i < n; ++i) out += std::string(name) + "{engine=\"" + std::to_string(i) + "\"} " + std::to_string(get(figs[i])) + "\n";
    };
    per_engine("keyshard_engine_keys", "gauge", "Keys held by the engine (all databases).", [](auto& f) { return f.keys; });
    per_engine("keyshard_engine_used_memory_bytes", "gauge", "Bytes of keys and values held by the engine.", [](auto& f) { return f.used; });
    per_engine("keyshard_engine_maxmemory_bytes", "gauge", "The engine's memory budget (0: none).", [](auto& f) { return f.mem.maxmemory; });
    per_engine("keyshard_engine_keyspace_hits_total", "counter", "Key lookups that found the key.", [](auto& f) { return f.stats.keyspace_hits; });
    per_engine("keyshard_engine_keyspace_misses_total", "counter", "Key lookups that did not.", [](auto& f) { return f.stats.keyspace_misses; });
    per_engine("keyshard_engine_evicted_keys_total", "counter", "Keys evicted under the memory budget.", [](auto& f) { return f.stats.evicted_keys; });
    per_engine("keyshard_engine_expired_keys_total", "counter", "Keys removed because their TTL passed.", [](auto& f) { return f.stats.expired_keys; });
    per_engine("keyshard_engine_commands_total", "counter", "Commands run on the engine.", [](auto& f) { return f.stats.commands; });
    family("keyshard_engine_slots", "gauge", "Hash slots the engine owns.");
    std::vector<size_t> owned(n, 0);
    for (int s = 0; s < kNumSlots; ++s) {
      uint16_t e = state.shards().slots().CodeOf(static_cast<uint16_t>(s));
      if (e < n) ++owned[e];
    }
    for (int i = 0; i < n; ++i) out += "keyshard_engine_slots{engine=\"" + std::to_string(i) + "\"} " + std::to_string(owned[i]) + "\n";
    if (RemoteShards* remotes = state.remotes()) {
      const std::vector<RemoteStatus> rs = remotes->Status();
      auto per_remote = [&](const char* name, const char* type, const char* help, auto get) {
        family(name, type, help);
        for (const RemoteStatus& r : rs) out += std::string(name) + "{remote=\"" + r.name + "\"} " + get(r) + "\n";
      };
      auto num = [](auto v) { return std::to_string(v); };
      per_remote("keyshard_remote_up", "gauge", "1 when a connection to the remote shard is up.",
                 [](const RemoteStatus& r) { return std::string(r.state == "connected" ? "1" : "0"); });
      per_remote("keyshard_remote_in_flight", "gauge", "Requests sent to the remote and not yet answered.",
                 [&](const RemoteStatus& r) { return num(r.in_flight); });
      per_remote("keyshard_remote_requests_total", "counter", "Commands forwarded to the remote.",
                 [&](const RemoteStatus& r) { return num(r.requests); });
      per_remote("keyshard_remote_errors_total", "counter", "Forwarded commands failed here (unavailable, timeout, protocol).",
                 [&](const RemoteStatus& r) { return num(r.errors); });
      per_remote("keyshard_remote_timeouts_total", "counter", "Forwarded commands not answered within remote-timeout.",
                 [&](const RemoteStatus& r) { return num(r.timeouts); });
      per_remote("keyshard_remote_reconnects_total", "counter", "Connections to the remote opened again after one was up.",
                 [&](const RemoteStatus& r) { return num(r.reconnects); });
      per_remote("keyshard_remote_latency_seconds", "gauge", "Moving average of the remote's reply time.",
                 [](const RemoteStatus& r) { return std::to_string(r.latency_ms / 1000.0); });
    }
    family("keyshard_connected_clients", "gauge", "Client connections.");
    out += "keyshard_connected_clients " + std::to_string(state.clients().size()) + "\n";
    family("keyshard_slot_map_version", "counter", "Changes of slot owner since start-up.");
    out += "keyshard_slot_map_version " + std::to_string(state.shards().slots().version()) + "\n";
    auto moves = state.resharder().List();
    family("keyshard_move_slots_done", "gauge", "Slots a move has handed over.");
    for (auto& m : moves) out += "keyshard_move_slots_done{move=\"" + m.id + "\"} " + std::to_string(m.slots_done) + "\n";
    family("keyshard_move_slots_total", "gauge", "Slots a move hands over.");
    for (auto& m : moves) out += "keyshard_move_slots_total{move=\"" + m.id + "\"} " + std::to_string(m.slots_total) + "\n";
    family("keyshard_move_keys_moved", "gauge", "Keys a move has handed over.");
    for (auto& m : moves) out += "keyshard_move_keys_moved{move=\"" + m.id + "\"} " + std::to_string(m.keys_moved) + "\n";
    family("keyshard_moves_running", "gauge", "Moves queued or running.");
    size_t running = 0;
    for (auto& m : moves) running += m.state == MoveInfo::State::kRunning;
    out += "keyshard_moves_running " + std::to_string(running) + "\n";
    return out;
  }

  Response PutEngine(int64_t id, const Request& req) {
    json::object body;
    std::string err;
    if (!ParseBody(req, &body, &err)) return MakeError(http::status::bad_request, err);
    if (body.empty()) return MakeError(http::status::bad_request, "give \"maxmemory\" and/or \"maxmemory-policy\"");
    Config::EngineOverride o;
    for (auto& [k, v] : body) {
      if (k == "maxmemory") {
        int64_t bytes;
        if (v.is_int64() && v.as_int64() >= 0) {
          bytes = v.as_int64();
        } else if (v.is_uint64()) {
          bytes = static_cast<int64_t>(v.as_uint64());
        } else if (!v.is_string() || !ParseMemory(v.as_string().c_str(), &bytes) || bytes < 0) {
          return MakeError(http::status::bad_request, "\"maxmemory\" must be a byte count (a number or \"100mb\")");
        }
        o.maxmemory = bytes;
      } else if (k == "maxmemory-policy") {
        if (!v.is_string() || !ParsePolicy(std::string(v.as_string().c_str())))
          return MakeError(http::status::bad_request, "\"maxmemory-policy\" is not a policy (noeviction, allkeys-lru, ...)");
        o.maxmemory_policy = v.as_string().c_str();
      } else {
        return MakeError(http::status::bad_request, "unknown field \"" + std::string(k) + "\"");
      }
    }
    Config copy;
    {
      std::lock_guard lk(state.config_mu());
      auto& cur = state.config().engine_overrides[id];
      if (o.maxmemory >= 0) cur.maxmemory = o.maxmemory;
      if (!o.maxmemory_policy.empty()) cur.maxmemory_policy = o.maxmemory_policy;
      copy = state.config();
    }
    state.ApplyMemoryPolicies(copy);
    for (auto& e : Engines())
      if (const json::value* v = e.as_object().if_contains("id"); v && v->is_int64() && v->as_int64() == id)
        return MakeJson(http::status::ok, e);
    return MakeError(http::status::not_found, "no engine " + std::to_string(id));
  }

  Response Handle(const Request& req) {
    std::string_view target(req.target().data(), req.target().size());
    if (size_t q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    const auto method = req.method();
    const bool change = method != http::verb::get && method != http::verb::head;
    if (change && !token.empty()) {
      auto it = req.find(http::field::authorization);
      if (it == req.end() || std::string_view(it->value().data(), it->value().size()) != "Bearer " + token)
        return MakeError(http::status::unauthorized, "this change needs the header 'Authorization: Bearer <admin-token>'");
    }
    Resharder& r = state.resharder();
    ReshardError err;
    auto id_after = [&](std::string_view prefix) { return std::string(target.substr(prefix.size())); };
    if (target == "/" || target == "/index.html") {
      if (method != http::verb::get) return MakeError(http::status::method_not_allowed, "use GET");
      Response res{http::status::ok, 11};
      res.set(http::field::content_type, "text/html; charset=utf-8");
      res.body() = kAdminPageHtml;
      return res;
    }
    if (target == "/metrics" && method == http::verb::get) {
      Response res{http::status::ok, 11};
      res.set(http::field::content_type, "text/plain; version=0.0.4");
      res.body() = Metrics();
      return res;
    }
    if (target == "/api/engines") {
      if (method == http::verb::get) return MakeJson(http::status::ok, Engines());
      if (method == http::verb::post) {
        int id = r.AddEngine(&err);
        if (id < 0) return MakeError(StatusOf(err), err.message);
        return MakeJson(http::status::created, json::object{{"id", id}});
      }
      return MakeError(http::status::method_not_allowed, "use GET or POST");
    }
    if (target.starts_with("/api/engines/")) {
      int64_t id;
      if (!StrToLL(id_after("/api/engines/"), &id) || id < 0)
        return MakeError(http::status::bad_request, "bad engine id '" + id_after("/api/engines/") + "'");
      if (id >= r.active_engines()) return MakeError(http::status::not_found, "no engine " + std::to_string(id));
      if (method == http::verb::delete_) {
        if (!r.RemoveEngine(id, &err)) return MakeError(StatusOf(err), err.message);
        return MakeJson(http::status::ok, json::object{{"removed", id}});
      }
      if (method == http::verb::put) return PutEngine(id, req);
      return MakeError(http::status::method_not_allowed, "use PUT or DELETE");
    }
    if (target == "/api/slots" && method == http::verb::get) return MakeJson(http::status::ok, Slots());
    if (target == "/api/moves") {
      if (method == http::verb::get) {
        json::array a;
        for (auto& m : r.List()) a.push_back(MoveJson(m));
        return MakeJson(http::status::ok, a);
      }
      if (method != http::verb::post) return MakeError(http::status::method_not_allowed, "use GET or POST");
      json::object body;
      std::string perr;
      if (!ParseBody(req, &body, &perr)) return MakeError(http::status::bad_request, perr);
      auto slots = body.if_contains("slots");
      auto to = body.if_contains("to");
      if (!slots || !slots->is_string()) return MakeError(http::status::bad_request, "\"slots\" must be a string such as \"0-999,5000\"");
      if (to && to->is_string()) {
        const auto& names = state.remote_names();
        if (std::find(names.begin(), names.end(), std::string_view(to->as_string())) != names.end())
          return MakeError(http::status::conflict, "moving slots to remote shard '" + std::string(to->as_string()) +
                                                       "' is not supported yet");
      }
      if (!to || !to->is_int64()) return MakeError(http::status::bad_request, "\"to\" must be an engine id (an integer)");
      for (auto& [k, v] : body)
        if (k != "slots" && k != "to") return MakeError(http::status::bad_request, "unknown field \"" + std::string(k) + "\"");
      std::string id = r.StartMove(slots->as_string().c_str(), to->as_int64(), &err);
      if (id.empty()) return MakeError(StatusOf(err), err.message);
      return MakeJson(http::status::created, json::object{{"id", id}});
    }
    if (target.starts_with("/api/moves/")) {
      std::string id = id_after("/api/moves/");
      if (method == http::verb::get) {
        auto m = r.Get(id);
        if (!m) return MakeError(http::status::not_found, "no move " + id);
        return MakeJson(http::status::ok, MoveJson(*m));
      }
      if (method == http::verb::delete_) {
        if (!r.Cancel(id, &err)) return MakeError(StatusOf(err), err.message);
        auto m = r.Get(id);
        return MakeJson(http::status::ok, m ? json::value(MoveJson(*m)) : json::value(json::object{{"id", id}}));
      }
      return MakeError(http::status::method_not_allowed, "use GET or DELETE");
    }
    if (target == "/api/rebalance") {
      if (method != http::verb::post) return MakeError(http::status::method_not_allowed, "use POST");
      json::object body;
      std::string perr;
      if (!ParseBody(req, &body, &perr)) return MakeError(http::status::bad_request, perr);
      auto by = body.if_contains("by");
      if (!by || !by->is_string()) return MakeError(http::status::bad_request, "\"by\" must be \"slots\" or \"memory\"");
      auto ids = r.Rebalance(by->as_string().c_str(), &err);
      if (!err.message.empty()) return MakeError(StatusOf(err), err.message);
      json::array a;
      for (auto& i : ids) a.push_back(json::string(i));
      return MakeJson(http::status::created, json::object{{"ids", std::move(a)}});
    }
    return MakeError(http::status::not_found, "no such resource: " + std::string(target));
  }

  asio::awaitable<void> Session(tcp::socket sock) {
    boost::beast::flat_buffer buf;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(1 << 20);
      auto [ec, n] = co_await http::async_read(sock, buf, parser, kNoThrow);
      if (ec) co_return;
      Request req = parser.release();
      Response res = Handle(req);
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(sock, res, kNoThrow);
      if (wec || !res.keep_alive()) co_return;
    }
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(kNoThrow);
      if (ec) co_return;
      asio::co_spawn(io, Session(std::move(sock)), asio::detached);
    }
  }
};

AdminServer::AdminServer(ServerState& state) : impl_(std::make_unique<Impl>(state)) {}
AdminServer::~AdminServer() { Stop(); }

std::string AdminServer::Start(const std::string& bind, int port, std::string token) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(bind == "localhost" ? "127.0.0.1" : bind, ec);
  if (ec) return "admin-bind " + bind + ": " + ec.message();
  tcp::endpoint ep(addr, static_cast<unsigned short>(port));
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return "admin server on " + bind + ":" + std::to_string(port) + ": " + ec.message();
  impl_->port = a.local_endpoint().port();
  impl_->token = std::move(token);
  asio::co_spawn(impl_->io, impl_->Accept(), asio::detached);
  asio::co_spawn(impl_->io, impl_->SampleRates(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
  return {};
}

int AdminServer::port() const { return impl_->port; }

void AdminServer::Stop() {
  if (!impl_->thread.joinable()) return;
  impl_->io.stop();
  impl_->thread.join();
}

}  // namespace ks
