// The admin HTTP API against a real process: every endpoint, bad input (4xx naming the
// problem, nothing changed), the bearer token, engines added and removed live, and the
// refusal to start on a non-loopback admin-bind without a token.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;

struct HttpReply {
  int status = 0;
  std::string body;
  json::value Json() const { return json::parse(body); }
};

HttpReply Call(int port, http::verb method, const std::string& target, const std::string& body = "",
               const std::string& token = "") {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket sock(io);
  sock.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) req.body() = body;
  req.prepare_payload();
  http::write(sock, req);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(sock, buf, res);
  return {static_cast<int>(res.result_int()), res.body()};
}

// The Prometheus text exposition (format 0.0.4), parsed strictly: every sample belongs to a
// family with exactly one TYPE line (and one HELP line) before its samples, label values are
// quoted with only \\, \" and \n escaped, values are numbers, no sample appears twice.
struct Exposition {
  std::map<std::string, std::string> types;               // family -> counter|gauge|summary|...
  std::map<std::string, double> samples;                  // name{labels as given} -> value
  std::string error;                                      // the first problem found
  double at(const std::string& key) const {
    auto it = samples.find(key);
    return it == samples.end() ? -1 : it->second;
  }
};

Exposition ParseExposition(const std::string& text) {
  Exposition x;
  std::set<std::string> helps;
  std::istringstream in(text);
  std::string line;
  auto fail = [&](const std::string& why) {
    if (x.error.empty()) x.error = why + ": " + line;
  };
  auto is_name = [](std::string_view n) {
    if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
    for (char c : n)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
    return true;
  };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.starts_with("# ")) {
      std::istringstream w(line.substr(2));
      std::string kw, name, rest;
      w >> kw >> name;
      std::getline(w, rest);
      if (!is_name(name)) fail("bad family name");
      if (kw == "TYPE") {
        if (x.types.count(name)) fail("a second TYPE line");
        static const std::set<std::string> kTypes{" counter", " gauge", " summary", " histogram", " untyped"};
        if (!kTypes.count(rest)) fail("bad type");
        x.types[name] = rest.substr(1);
      } else if (kw == "HELP") {
        if (!helps.insert(name).second) fail("a second HELP line");
      }
      continue;
    }
    size_t p = 0;
    while (p < line.size() && line[p] != '{' && line[p] != ' ') ++p;
    std::string name = line.substr(0, p);
    if (!is_name(name)) fail("bad sample name");
    std::string key = name;
    if (p < line.size() && line[p] == '{') {
      key += '{';
      ++p;
      while (p < line.size() && line[p] != '}') {
        size_t eq = line.find('=', p);
        if (eq == std::string::npos || !is_name(std::string_view(line).substr(p, eq - p)) || eq + 1 >= line.size() ||
            line[eq + 1] != '"') {
          fail("bad label");
          break;
        }
        key += line.substr(p, eq - p) + "=\"";
        size_t q = eq + 2;
        for (; q < line.size() && line[q] != '"'; ++q) {
          if (line[q] == '\\') {
            if (q + 1 >= line.size() || (line[q + 1] != '\\' && line[q + 1] != '"' && line[q + 1] != 'n')) fail("bad escape");
            key += line[q++];
          }
          key += line[q];
        }
        if (q >= line.size()) {
          fail("unterminated label value");
          break;
        }
        key += '"';
        p = q + 1;
        if (p < line.size() && line[p] == ',') {
          key += ',';
          ++p;
        }
      }
      if (p >= line.size()) {
        fail("unterminated labels");
        continue;
      }
      key += '}';
      ++p;
    }
    if (p >= line.size() || line[p] != ' ') {
      fail("no value");
      continue;
    }
    std::string value = line.substr(p + 1);
    char* end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end) fail("bad value");
    // The sample's family: itself, or a summary/histogram's _sum, _count, _bucket.
    std::string fam = name;
    if (!x.types.count(fam))
      for (const char* suffix : {"_sum", "_count", "_bucket"})
        if (name.ends_with(suffix) && x.types.count(name.substr(0, name.size() - std::strlen(suffix))))
          fam = name.substr(0, name.size() - std::strlen(suffix));
    if (!x.types.count(fam)) fail("a sample before or without its TYPE line");
    if (!helps.count(fam)) fail("a sample without its family's HELP line");
    if (x.types.count(fam) && x.types[fam] == "counter" && !fam.ends_with("_total")) fail("a counter not named _total");
    if (!x.samples.emplace(key, v).second) fail("a sample given twice");
  }
  return x;
}

class AdminApi : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_port_ = FreePort();
    ks_ = std::make_unique<KeyshardProcess>(std::vector<std::string>{
        "--shards", "3", "--max-shards", "4", "--admin-port", std::to_string(admin_port_), "--admin-token", "s3cret"});
    ASSERT_TRUE(ks_->running());
  }
  HttpReply Get(const std::string& t) { return Call(admin_port_, http::verb::get, t); }
  HttpReply Change(http::verb m, const std::string& t, const std::string& body = "") {
    return Call(admin_port_, m, t, body, "s3cret");
  }
  // Polls GET /api/moves/<id> until it is no longer running.
  json::object WaitMove(const std::string& id) {
    for (int i = 0; i < 3000; ++i) {
      json::object m = Get("/api/moves/" + id).Json().as_object();
      if (m.at("state") != "running") return m;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "move " << id << " did not finish";
    return {};
  }
  int admin_port_ = 0;
  std::unique_ptr<KeyshardProcess> ks_;
};

TEST_F(AdminApi, EnginesSlotsAndAMoveFromStartToDone) {
  Client c(ks_->port());
  for (int i = 0; i < 500; ++i) c.Run({"SET", "k" + std::to_string(i), "v"});
  HttpReply engines = Get("/api/engines");
  ASSERT_EQ(engines.status, 200);
  json::array es = engines.Json().as_array();
  ASSERT_EQ(es.size(), 3u);
  int64_t keys = 0;
  for (auto& e : es) keys += e.at("keys").to_number<int64_t>();
  EXPECT_EQ(keys, 500);
  EXPECT_EQ(json::serialize(es[0].at("slots")), "[[0,5461]]");
  EXPECT_EQ(es[0].at("policy"), "noeviction");
  EXPECT_EQ(Get("/api/slots").body,
            R"([{"from":0,"to":5461,"engine":0},{"from":5462,"to":10922,"engine":1},{"from":10923,"to":16383,"engine":2}])");

  HttpReply started = Change(http::verb::post, "/api/moves", R"({"slots":"0-999,5000","to":2})");
  ASSERT_EQ(started.status, 201) << started.body;
  std::string id(started.Json().at("id").as_string());
  json::object m = WaitMove(id);
  EXPECT_EQ(m.at("state"), "done");
  EXPECT_EQ(m.at("slots_total").to_number<int64_t>(), 1001);
  EXPECT_EQ(m.at("slots_done").to_number<int64_t>(), 1001);
  EXPECT_EQ(Get("/api/slots").body,
            R"([{"from":0,"to":999,"engine":2},{"from":1000,"to":4999,"engine":0},{"from":5000,"to":5000,"engine":2},)"
            R"({"from":5001,"to":5461,"engine":0},{"from":5462,"to":10922,"engine":1},{"from":10923,"to":16383,"engine":2}])");
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 500");
  json::array all = Get("/api/moves").Json().as_array();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(json::value_to<std::string>(all[0].at("id")), id);
  // Cancelling a finished move is a conflict.
  EXPECT_EQ(Change(http::verb::delete_, "/api/moves/" + id).status, 409);
  EXPECT_EQ(Change(http::verb::delete_, "/api/moves/nope").status, 404);

  std::string metrics = Get("/metrics").body;
  EXPECT_EQ(ParseExposition(metrics).error, "");
  EXPECT_NE(metrics.find("# TYPE keyshard_engine_keys gauge"), std::string::npos);
  EXPECT_NE(metrics.find("keyshard_move_slots_done{move=\"" + id + "\"} 1001"), std::string::npos);
  EXPECT_NE(metrics.find("keyshard_engine_slots{engine=\"2\"} 6462"), std::string::npos) << metrics;
}

TEST_F(AdminApi, MetricsCountEachCommandAsInfoCommandstatsDoes) {
  Client c(ks_->port());
  for (int i = 0; i < 13; ++i) c.Run({"APPEND", "k{t}", "x"});
  for (int i = 0; i < 4; ++i) c.Run({"GET", "k{t}"});
  c.Run({"INCR", "k{t}"});           // fails: not an integer
  c.Run({"GET"});                    // rejected: wrong arity
  c.Run({"CLIENT", "SETNAME", "a"});  // a subcommand: its own row
  Exposition x = ParseExposition(Get("/metrics").body);
  ASSERT_EQ(x.error, "");
  EXPECT_EQ(x.types["keyshard_commands_total"], "counter");
  EXPECT_EQ(x.types["keyshard_command_latency_seconds"], "summary");
  EXPECT_EQ(x.at("keyshard_commands_total{cmd=\"append\"}"), 13);
  EXPECT_EQ(x.at("keyshard_commands_total{cmd=\"get\"}"), 4);
  EXPECT_EQ(x.at("keyshard_commands_rejected_calls_total{cmd=\"get\"}"), 1);
  EXPECT_EQ(x.at("keyshard_commands_failed_calls_total{cmd=\"incr\"}"), 1);
  EXPECT_EQ(x.at("keyshard_commands_total{cmd=\"client|setname\"}"), 1);
  EXPECT_GE(x.at("keyshard_commands_duration_seconds_total{cmd=\"append\"}"), 0);
  EXPECT_EQ(x.at("keyshard_command_latency_seconds_count{cmd=\"append\"}"), 13);
  // Default latency-tracking-info-percentiles: 50 99 99.9, in seconds, ordered.
  double p50 = x.at("keyshard_command_latency_seconds{cmd=\"append\",quantile=\"0.5\"}");
  double p99 = x.at("keyshard_command_latency_seconds{cmd=\"append\",quantile=\"0.99\"}");
  double p999 = x.at("keyshard_command_latency_seconds{cmd=\"append\",quantile=\"0.999\"}");
  EXPECT_GT(p50, 0);
  EXPECT_LE(p50, p99);
  EXPECT_LE(p99, p999);
  EXPECT_LT(p999, 1.0);
  // Commands never called do not appear, as in INFO commandstats.
  EXPECT_EQ(x.at("keyshard_commands_total{cmd=\"zadd\"}"), -1);
  // The same numbers as INFO commandstats, command by command.
  std::string info = c.Run({"INFO", "commandstats"});
  size_t rows = 0;
  for (size_t p = info.find("cmdstat_"); p != std::string::npos; p = info.find("cmdstat_", p + 1)) {
    std::string cmd = info.substr(p + 8, info.find(':', p) - p - 8);
    if (cmd == "info") continue;  // the INFO above ran after the scrape
    auto field = [&](const std::string& f) {
      size_t at = info.find(f + "=", p);
      return std::stod(info.substr(at + f.size() + 1));
    };
    EXPECT_EQ(x.at("keyshard_commands_total{cmd=\"" + cmd + "\"}"), field("calls")) << cmd;
    EXPECT_EQ(x.at("keyshard_commands_rejected_calls_total{cmd=\"" + cmd + "\"}"), field("rejected_calls")) << cmd;
    EXPECT_EQ(x.at("keyshard_commands_failed_calls_total{cmd=\"" + cmd + "\"}"), field("failed_calls")) << cmd;
    ++rows;
  }
  EXPECT_GE(rows, 4u);
  // The per-engine and process figures the issue lists.
  for (const char* f : {"keyshard_engine_keys", "keyshard_engine_used_memory_bytes", "keyshard_engine_maxmemory_bytes",
                        "keyshard_engine_keyspace_hits_total", "keyshard_engine_keyspace_misses_total",
                        "keyshard_engine_evicted_keys_total", "keyshard_engine_expired_keys_total", "keyshard_engine_slots"})
    EXPECT_GE(x.at(std::string(f) + "{engine=\"2\"}"), 0) << f;
  EXPECT_GE(x.at("keyshard_connected_clients"), 1);
  EXPECT_EQ(x.at("keyshard_moves_running"), 0);
}

TEST_F(AdminApi, BadInputIs4xxNamingTheProblemAndChangesNothing) {
  const std::string before = Get("/api/slots").body;
  struct Case {
    http::verb m;
    std::string target, body;
    int status;
    std::string error_part;
  } cases[] = {
      {http::verb::post, "/api/moves", "not json", 400, "not JSON"},
      {http::verb::post, "/api/moves", "[1]", 400, "JSON object"},
      {http::verb::post, "/api/moves", R"({"to":1})", 400, "\"slots\""},
      {http::verb::post, "/api/moves", R"({"slots":"1-2"})", 400, "\"to\""},
      {http::verb::post, "/api/moves", R"({"slots":"1-2","to":"1"})", 400, "\"to\""},
      {http::verb::post, "/api/moves", R"({"slots":"9-2","to":1})", 400, "bad slot range '9-2'"},
      {http::verb::post, "/api/moves", R"({"slots":"16384","to":1})", 400, "bad slot range '16384'"},
      {http::verb::post, "/api/moves", R"({"slots":"1,1","to":1})", 400, "slot 1 listed twice"},
      {http::verb::post, "/api/moves", R"({"slots":"1","to":7})", 400, "no engine 7"},
      {http::verb::post, "/api/moves", R"({"slots":"1","to":1,"x":2})", 400, "unknown field \"x\""},
      {http::verb::post, "/api/rebalance", R"({"by":"keys"})", 400, "\"by\""},
      {http::verb::put, "/api/engines/1", R"({"maxmemory":"lots"})", 400, "\"maxmemory\""},
      {http::verb::put, "/api/engines/1", R"({"maxmemory-policy":"random"})", 400, "not a policy"},
      {http::verb::put, "/api/engines/1", R"({"color":"red"})", 400, "unknown field"},
      {http::verb::put, "/api/engines/x", R"({"maxmemory":1})", 400, "bad engine id"},
      {http::verb::put, "/api/engines/9", R"({"maxmemory":1})", 404, "no engine 9"},
      {http::verb::delete_, "/api/engines/0", "", 409, "engine 0 still owns 5462 slots"},
      {http::verb::delete_, "/api/engines/2", "", 409, "still owns"},
      {http::verb::delete_, "/api/engines/3", "", 404, "no engine 3"},  // a spare, not added
      {http::verb::post, "/api/moves", R"({"slots":"1","to":3})", 400, "no engine 3 (the active engines are 0-2)"},
      {http::verb::get, "/api/nothing", "", 404, "no such resource"},
      {http::verb::patch, "/api/moves", "", 405, "use GET or POST"},
  };
  for (const Case& k : cases) {
    HttpReply r = Change(k.m, k.target, k.body);
    EXPECT_EQ(r.status, k.status) << k.target << " " << k.body << ": " << r.body;
    json::value v = r.Json();
    ASSERT_TRUE(v.is_object() && v.as_object().contains("error") && v.at("error").is_string()) << r.body;
    EXPECT_NE(std::string(v.at("error").as_string()).find(k.error_part), std::string::npos)
        << k.target << " " << k.body << ": " << r.body;
  }
  EXPECT_EQ(Get("/api/slots").body, before);
  EXPECT_EQ(Get("/api/moves").body, "[]");
  EXPECT_EQ(Get("/api/engines").Json().as_array()[1].at("maxmemory").to_number<int64_t>(), 0);
}

TEST_F(AdminApi, ChangesNeedTheTokenReadsDoNot) {
  for (std::string token : {"", "wrong"}) {
    HttpReply r = Call(admin_port_, http::verb::post, "/api/moves", R"({"slots":"1","to":1})", token);
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(r.body.find("Authorization: Bearer"), std::string::npos);
    EXPECT_EQ(Call(admin_port_, http::verb::post, "/api/engines", "", token).status, 401);
    EXPECT_EQ(Call(admin_port_, http::verb::put, "/api/engines/0", R"({"maxmemory":1})", token).status, 401);
  }
  EXPECT_EQ(Get("/api/moves").body, "[]");
  EXPECT_EQ(Get("/api/engines").status, 200);
  HttpReply page = Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<canvas id=\"map\""), std::string::npos);
  EXPECT_EQ(page.body.find("http://"), std::string::npos) << "the page must not load anything from elsewhere";
  EXPECT_EQ(page.body.find("https://"), std::string::npos);
}

TEST_F(AdminApi, EngineAddedRebalancedToAndRemoved) {
  Client c(ks_->port());
  for (int i = 0; i < 800; ++i) c.Run({"SET", "k" + std::to_string(i), "v"});
  HttpReply added = Change(http::verb::post, "/api/engines");
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.body, R"({"id":3})");
  EXPECT_EQ(Change(http::verb::post, "/api/engines").status, 409);  // max-shards is 4
  HttpReply reb = Change(http::verb::post, "/api/rebalance", R"({"by":"slots"})");
  ASSERT_EQ(reb.status, 201) << reb.body;
  json::value ids = reb.Json();
  for (auto& id : ids.at("ids").as_array()) EXPECT_EQ(WaitMove(std::string(id.as_string())).at("state"), "done");
  json::array es = Get("/api/engines").Json().as_array();
  ASSERT_EQ(es.size(), 4u);
  for (auto& e : es) EXPECT_EQ(e.at("slot_count").to_number<int64_t>(), 4096) << json::serialize(e);
  EXPECT_GT(es[3].at("keys").to_number<int64_t>(), 0);
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 800");
  // Engine 3 owns slots: it cannot go until they moved away.
  HttpReply refused = Change(http::verb::delete_, "/api/engines/3");
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(refused.body.find("still owns 4096 slots"), std::string::npos) << refused.body;
  HttpReply back = Change(http::verb::post, "/api/moves", R"({"slots":"0-16383","to":0})");
  ASSERT_EQ(back.status, 201);
  EXPECT_EQ(WaitMove(std::string(back.Json().at("id").as_string())).at("state"), "done");
  EXPECT_EQ(Change(http::verb::delete_, "/api/engines/3").status, 200);
  EXPECT_EQ(Get("/api/engines").Json().as_array().size(), 3u);
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 800");
  // Budgets at run time.
  HttpReply put = Change(http::verb::put, "/api/engines/1", R"({"maxmemory":"64mb","maxmemory-policy":"allkeys-lru"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Json().at("maxmemory").to_number<int64_t>(), 64 << 20);
  EXPECT_EQ(put.Json().at("policy"), "allkeys-lru");
}

TEST(AdminApiStartup, RefusesNonLoopbackBindWithoutToken) {
  KeyshardProcess ks({"--admin-port", std::to_string(FreePort()), "--admin-bind", "0.0.0.0"});
  EXPECT_FALSE(ks.running());
}

// The ids GET /api/engines lists.
std::string EngineIds(int admin_port) {
  std::string ids;
  json::value engines = Call(admin_port, http::verb::get, "/api/engines").Json();
  for (auto& e : engines.as_array())
    ids += (ids.empty() ? "" : ",") + std::to_string(e.at("id").to_number<int64_t>());
  return ids;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Any engine that owns no slots can be removed, not only the highest; it stays removed
// across restarts (slots.conf keeps the active set), its files bring nothing back, and
// POST /api/engines activates it again (the lowest inactive one). With the AOF and with RDB.
class EngineRemoval : public ::testing::TestWithParam<bool> {
 protected:
  std::unique_ptr<KeyshardProcess> Start(const std::string& dir, int* admin) {
    *admin = FreePort();
    std::vector<std::string> args{"--shards", "4", "--max-shards", "5", "--admin-port", std::to_string(*admin)};
    if (!dir.empty()) args.insert(args.end(), {"--dir", dir});
    if (GetParam()) args.insert(args.end(), {"--appendonly", "yes"});
    auto ks = std::make_unique<KeyshardProcess>(args);
    EXPECT_TRUE(ks->running());
    return ks;
  }
  // Stops the server, saving first without the AOF.
  void Stop(KeyshardProcess& ks) {
    if (!GetParam()) {
      Client c(ks.port());
      EXPECT_EQ(c.Run({"SAVE"}), "OK");
    }
    ks.Stop();
  }
  std::string Move(int admin, const std::string& slots, int to) {
    HttpReply r = Call(admin, http::verb::post, "/api/moves", R"({"slots":")" + slots + R"(","to":)" + std::to_string(to) + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.Json().at("id").as_string()) : "";
  }
  void WaitDone(int admin, const std::string& id) {
    for (int i = 0; i < 3000; ++i) {
      json::object m = Call(admin, http::verb::get, "/api/moves/" + id).Json().as_object();
      if (m.at("state") == "running") {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      EXPECT_EQ(m.at("state"), "done") << json::serialize(m);
      return;
    }
    ADD_FAILURE() << "move " << id << " did not finish";
  }
  // k0..k999 hold "v<i>" except k0..k99, deleted after engine 1 was emptied.
  void ExpectData(Client& c) {
    EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 901");
    for (int i = 0; i < 1000; ++i) {
      std::string k = "k" + std::to_string(i);
      ASSERT_EQ(c.Run({"GET", k}), i < 100 ? "(nil)" : "\"v" + std::to_string(i) + "\"") << k;
    }
    EXPECT_EQ(c.Run({"HGET", "h", "f"}), "\"x\"");
  }
};

TEST_P(EngineRemoval, AMiddleEngineIsRemovedStaysRemovedAndComesBack) {
  int admin = 0;
  auto first = Start("", &admin);
  const std::string dir = first->dir();
  {
    Client c(first->port());
    for (int i = 0; i < 1000; ++i) c.Run({"SET", "k" + std::to_string(i), "old"});
    c.Run({"HSET", "h", "f", "x"});
    // Engine 1 (slots 4096-8191) is emptied and removed.
    HttpReply refused = Call(admin, http::verb::delete_, "/api/engines/1");
    EXPECT_EQ(refused.status, 409);
    EXPECT_NE(refused.body.find("still owns 4096 slots"), std::string::npos) << refused.body;
    WaitDone(admin, Move(admin, "4096-8191", 0));
    HttpReply removed = Call(admin, http::verb::delete_, "/api/engines/1");
    ASSERT_EQ(removed.status, 200) << removed.body;
    EXPECT_EQ(EngineIds(admin), "0,2,3");
    EXPECT_EQ(Call(admin, http::verb::delete_, "/api/engines/1").status, 404);
    HttpReply to_removed = Call(admin, http::verb::post, "/api/moves", R"({"slots":"1","to":1})");
    EXPECT_EQ(to_removed.status, 400);
    EXPECT_NE(to_removed.body.find("no engine 1 (the active engines are 0,2-3)"), std::string::npos) << to_removed.body;
    // Rebalancing spreads the slots over the active engines only.
    HttpReply reb = Call(admin, http::verb::post, "/api/rebalance", R"({"by":"slots"})");
    ASSERT_EQ(reb.status, 201) << reb.body;
    json::value ids = reb.Json();
    for (auto& id : ids.at("ids").as_array()) WaitDone(admin, std::string(id.as_string()));
    json::value engines = Call(admin, http::verb::get, "/api/engines").Json();
    for (auto& e : engines.as_array()) {
      int64_t n = e.at("slot_count").to_number<int64_t>();
      EXPECT_TRUE(n == 5461 || n == 5462) << json::serialize(e);
    }
    // Writes after the removal: a copy the removed engine's files kept would bring these back.
    for (int i = 0; i < 1000; ++i) c.Run({"SET", "k" + std::to_string(i), "v" + std::to_string(i)});
    for (int i = 0; i < 100; ++i) c.Run({"DEL", "k" + std::to_string(i)});
    ExpectData(c);
  }
  Stop(*first);
  auto second = Start(dir, &admin);
  EXPECT_NE(ReadFile(dir + "/slots.conf").find("\nactive 0 2 3\n"), std::string::npos) << ReadFile(dir + "/slots.conf");
  {
    Client c(second->port());
    ExpectData(c);
    EXPECT_EQ(EngineIds(admin), "0,2,3");
    // Added again: the lowest inactive engine, empty, then given slots back.
    HttpReply added = Call(admin, http::verb::post, "/api/engines");
    ASSERT_EQ(added.status, 201) << added.body;
    EXPECT_EQ(added.body, R"({"id":1})");
    json::array es = Call(admin, http::verb::get, "/api/engines").Json().as_array();
    ASSERT_EQ(es.size(), 4u);
    EXPECT_EQ(es[1].at("id").to_number<int64_t>(), 1);
    EXPECT_EQ(es[1].at("keys").to_number<int64_t>(), 0);
    EXPECT_EQ(es[1].at("slot_count").to_number<int64_t>(), 0);
    WaitDone(admin, Move(admin, "0-16383", 1));
    ExpectData(c);
    // The next add is the spare, engine 4.
    EXPECT_EQ(Call(admin, http::verb::post, "/api/engines").body, R"({"id":4})");
  }
  Stop(*second);
  auto third = Start(dir, &admin);
  Client c(third->port());
  ExpectData(c);
  EXPECT_EQ(EngineIds(admin), "0,1,2,3,4");
  EXPECT_EQ(Call(admin, http::verb::get, "/api/slots").body, R"([{"from":0,"to":16383,"engine":1}])");
}

INSTANTIATE_TEST_SUITE_P(Persistence, EngineRemoval, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? std::string("Aof") : std::string("Rdb"); });

// proxy.toml turns the admin server on at a fixed port (7379), so two servers started from
// it collide: the second stops at start-up naming the address and the options, before
// loading anything. Tests never use the fixed port: admin-port is overridden here.
TEST(AdminApiStartup, TakenAdminPortStopsTheStartNamingTheOption) {
  const std::string toml = std::string(KEYSHARD_SOURCE_DIR) + "/proxy.toml";
  const std::string admin = std::to_string(FreePort());
  KeyshardProcess first({"--config", toml, "--port", "0", "--admin-port", admin});
  ASSERT_TRUE(first.running());
  EXPECT_EQ(Call(std::stoi(admin), http::verb::get, "/api/slots").status, 200);
  KeyshardProcess second({"--config", toml, "--port", "0", "--admin-port", admin});
  EXPECT_FALSE(second.running());
  std::string log = ReadFile(second.dir() + "/out.log");
  EXPECT_TRUE(log.starts_with("keyshard: the admin server cannot listen on ")) << log;  // an exit, not a crash
  EXPECT_NE(log.find("127.0.0.1:" + admin), std::string::npos) << log;
  EXPECT_NE(log.find("admin-port"), std::string::npos) << log;
  EXPECT_NE(log.find("Address already in use"), std::string::npos) << log;
  EXPECT_EQ(log.find("keyshard ready"), std::string::npos) << log;
  // The first one is unharmed.
  Client c(first.port());
  EXPECT_EQ(c.Run({"PING"}), "PONG");
}

// proxy.toml as shipped starts (with the ports overridden, admin-port 0 turning the page off).
TEST(AdminApiStartup, ProxyTomlStartsWithItsPortsOverridden) {
  KeyshardProcess ks({"--config", std::string(KEYSHARD_SOURCE_DIR) + "/proxy.toml", "--port", "0", "--admin-port", "0"});
  ASSERT_TRUE(ks.running());
  Client c(ks.port());
  EXPECT_EQ(c.Run({"CONFIG", "GET", "admin-port"}), R"(["admin-port", "0"])");
}

}  // namespace
}  // namespace ks::test
