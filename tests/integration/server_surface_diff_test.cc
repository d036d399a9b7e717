// Differential tests of the server surface (issue 17): INFO's sections and field names,
// SLOWLOG, LATENCY, DEBUG (DIGEST, OBJECT, PROTOCOL...), CLIENT PAUSE/UNPAUSE errors, ROLE,
// WAIT, MODULE, READONLY/READWRITE/ASKING, LOLWUT, SHUTDOWN's errors and the timeout replies
// of the blocking commands, each against a real redis-server 7.0 started with the same
// options. Replies are compared as hiredis decodes them (RESP2) or byte for byte (RESP3).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "resp/reply_parser.h"
#include "tests/support/processes.h"

namespace ks::test {
namespace {

using Cmd = std::vector<std::string>;

// A plain socket that returns each reply's raw bytes, so RESP3 replies (which hiredis 0.14
// cannot read) compare byte for byte.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Sends an inline command and returns the raw bytes of its one reply.
  std::string Run(const std::string& line) {
    std::string req = line + "\r\n";
    if (fd_ < 0 || ::send(fd_, req.data(), req.size(), 0) < 0) return "<not connected>";
    for (;;) {
      RespValue v;
      ReplyParseResult r = parser_.Parse(buf_, &v);
      if (r.status == ReplyStatus::kOk) {
        std::string reply = buf_.substr(0, r.consumed);
        buf_.erase(0, r.consumed);
        return reply;
      }
      if (r.status == ReplyStatus::kError) return "<bad reply>";
      char tmp[4096];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) return "<closed>";
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  std::string buf_;
  ReplyParser parser_;
};

// INFO's text as {section title: [field names in order]}.
std::map<std::string, std::vector<std::string>> InfoFields(Client& c, const Cmd& cmd) {
  std::string r = c.Run(cmd);
  std::map<std::string, std::vector<std::string>> m;
  std::istringstream in(r);
  std::string section;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line.front() == '"') line.erase(0, 1);
    if (line.rfind("# ", 0) == 0) {
      section = line.substr(2);
      m[section];
      continue;
    }
    size_t colon = line.find(':');
    if (colon != std::string::npos) m[section].push_back(line.substr(0, colon));
  }
  return m;
}

class ServerSurfaceDiff : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // DEBUG and MODULE allowed on both, so their subcommands compare too.
    ks_ = std::make_unique<KeyshardProcess>(
        std::vector<std::string>{"--enable-debug-command", "yes", "--enable-module-command", "yes"});
    redis_ = std::make_unique<RedisProcess>(
        std::vector<std::string>{"--enable-debug-command", "yes", "--enable-module-command", "yes"});
  }
  static void TearDownTestSuite() {
    ks_.reset();
    redis_.reset();
  }
  void SetUp() override {
    ASSERT_TRUE(ks_->running()) << "keyshard did not start";
    ASSERT_TRUE(redis_->running()) << "redis-server did not start";
    kc_ = std::make_unique<Client>(ks_->port());
    rc_ = std::make_unique<Client>(redis_->port());
    for (Client* c : {kc_.get(), rc_.get()}) {
      ASSERT_EQ(c->Run({"FLUSHALL"}), "OK");
      ASSERT_EQ(c->Run({"CONFIG", "RESETSTAT"}), "OK");
      ASSERT_EQ(c->Run({"SLOWLOG", "RESET"}), "OK");
      c->Run({"LATENCY", "RESET"});
    }
  }
  std::string Same(const Cmd& cmd) {
    std::string k = kc_->Run(cmd), r = rc_->Run(cmd);
    std::string shown;
    for (auto& a : cmd) shown += a.substr(0, 40) + " ";
    EXPECT_EQ(k, r) << "command: " << shown;
    return r;
  }
  void Both(const Cmd& cmd) {
    kc_->Run(cmd);
    rc_->Run(cmd);
  }

  static std::unique_ptr<KeyshardProcess> ks_;
  static std::unique_ptr<RedisProcess> redis_;
  std::unique_ptr<Client> kc_, rc_;
};

std::unique_ptr<KeyshardProcess> ServerSurfaceDiff::ks_;
std::unique_ptr<RedisProcess> ServerSurfaceDiff::redis_;

TEST_F(ServerSurfaceDiff, InfoHasEveryRedisSectionAndFieldName) {
  // The same commands on both (a hit, a miss, a write, errors), so the per-command and
  // per-error lines name the same commands and codes.
  for (const Cmd& c : std::vector<Cmd>{{"SET", "k", "v"}, {"GET", "k"}, {"GET", "nokey"}, {"LPUSH", "k", "x"},
                                       {"INCR", "a", "b"}, {"NOSUCHCOMMAND"}})
    Both(c);
  for (const Cmd& cmd : std::vector<Cmd>{{"INFO", "everything"}, {"INFO", "all"}, {"INFO"}, {"INFO", "default"},
                                         {"INFO", "server", "clients", "cpu"}, {"INFO", "commandstats"},
                                         {"INFO", "errorstats"}, {"INFO", "latencystats"}, {"INFO", "nosuchsection"}}) {
    auto ours = InfoFields(*kc_, cmd), theirs = InfoFields(*rc_, cmd);
    ours.erase("Keyshard");  // keyshard's own section, after Redis's
    std::string shown;
    for (auto& a : cmd) shown += a + " ";
    ASSERT_EQ(ours.size(), theirs.size()) << shown;
    for (auto& [section, names] : theirs) {
      ASSERT_TRUE(ours.count(section)) << shown << ": no section " << section;
      // Lines per command follow the command table's order here and a hash table's in Redis.
      std::set<std::string> a(ours[section].begin(), ours[section].end()), b(names.begin(), names.end());
      EXPECT_EQ(a, b) << shown << ": section " << section;
      if (section != "Commandstats" && section != "Latencystats") {
        EXPECT_EQ(ours[section], names) << shown;
      }
    }
  }
}

TEST_F(ServerSurfaceDiff, InfoCountsErrorsRejectionsAndFailures) {
  for (const Cmd& c : std::vector<Cmd>{{"SET", "k", "v"}, {"LPUSH", "k", "x"}, {"GET"}, {"GET", "k"}, {"BOGUS"}})
    Both(c);
  for (Client* c : {kc_.get(), rc_.get()}) {
    std::string stats = c->Run({"INFO", "commandstats"});
    EXPECT_NE(stats.find("cmdstat_lpush:calls=1,"), std::string::npos) << stats;
    EXPECT_NE(stats.find("rejected_calls=0,failed_calls=1"), std::string::npos) << stats;
    EXPECT_NE(stats.find("cmdstat_get:calls=1,"), std::string::npos) << stats;
    EXPECT_NE(stats.find("rejected_calls=1,failed_calls=0"), std::string::npos) << stats;
    EXPECT_EQ(InfoInt(*c, "stats", "total_error_replies"), 3);
    std::string errs = c->Run({"INFO", "errorstats"});
    EXPECT_NE(errs.find("errorstat_ERR:count=2"), std::string::npos) << errs;
    EXPECT_NE(errs.find("errorstat_WRONGTYPE:count=1"), std::string::npos) << errs;
  }
}

// Redis's call() counts every command it runs: each one an EXEC runs and each redis.call of
// a script is a call of its own (calls, failed calls, latency histogram, slow log), and an
// EXEC whose queued command failed has not failed itself.
TEST_F(ServerSurfaceDiff, CommandsRunByExecAndScriptsCountAsCalls) {
  for (Client* c : {kc_.get(), rc_.get()}) {
    ASSERT_EQ(c->Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"}), "OK");
    ASSERT_EQ(c->Run({"CONFIG", "SET", "latency-tracking", "yes"}), "OK");
  }
  for (const Cmd& c : std::vector<Cmd>{{"SET", "s", "abc"},
                                       {"EVAL", "return redis.call('incr','s')", "0"},
                                       {"EVAL", "return redis.pcall('incr','s')", "0"},
                                       {"EVAL", "redis.call('set','x','1') return redis.call('get','x')", "0"},
                                       {"MULTI"},
                                       {"INCR", "s"},
                                       {"SET", "q", "1"},
                                       {"HSET", "h", "f", "v"},
                                       {"EXEC"}})
    Same(c);
  // commandstats without the times, one line per command, in name order (the order differs).
  auto counts = [](Client& c) {
    std::istringstream in(c.Run({"INFO", "commandstats"}));
    std::set<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.rfind("cmdstat_", 0) != 0 || line.find("cmdstat_config") == 0) continue;
      const size_t a = line.find(",usec="), b = line.find(",rejected_calls");
      lines.insert(line.substr(0, a) + line.substr(b));
    }
    return lines;
  };
  const std::set<std::string> k = counts(*kc_), r = counts(*rc_);
  EXPECT_EQ(k, r);
  EXPECT_TRUE(r.count("cmdstat_incr:calls=3,rejected_calls=0,failed_calls=3")) << ::testing::PrintToString(r);
  EXPECT_TRUE(r.count("cmdstat_exec:calls=1,rejected_calls=0,failed_calls=0")) << ::testing::PrintToString(r);
  for (Client* c : {kc_.get(), rc_.get()}) {
    std::string hist = c->Run({"INFO", "latencystats"});
    EXPECT_NE(hist.find("latency_percentiles_usec_hset:"), std::string::npos) << hist;
    EXPECT_NE(hist.find("latency_percentiles_usec_get:"), std::string::npos) << hist;
    // A script's commands are logged as its client's, which has no address: "?:0".
    std::string slow = c->Run({"SLOWLOG", "GET", "-1"});
    EXPECT_NE(slow.find("[\"set\", \"x\", \"1\"], \"?:0\""), std::string::npos) << slow;
    EXPECT_NE(slow.find("[\"HSET\", \"h\", \"f\", \"v\"], \"127.0.0.1:"), std::string::npos) << slow;
    ASSERT_EQ(c->Run({"CONFIG", "SET", "slowlog-log-slower-than", "10000"}), "OK");
  }
}

TEST_F(ServerSurfaceDiff, SlowlogLatencyAndAdminReplies) {
  for (const Cmd& c : std::vector<Cmd>{
           {"SLOWLOG", "HELP"}, {"SLOWLOG", "GET", "-2"}, {"SLOWLOG", "GET", "x"}, {"SLOWLOG", "GET", "1", "2"},
           {"SLOWLOG", "LEN", "x"}, {"SLOWLOG", "LEN"}, {"SLOWLOG", "GET"}, {"SLOWLOG", "RESET", "x"},
           {"SLOWLOG", "NOPE"}, {"LATENCY", "HELP"}, {"LATENCY", "LATEST"}, {"LATENCY", "HISTORY", "command"},
           {"LATENCY", "GRAPH", "command"}, {"LATENCY", "RESET", "a", "b"}, {"LATENCY", "LATEST", "x"},
           {"LATENCY", "DOCTOR"}, {"ROLE"}, {"WAIT", "0", "0"}, {"WAIT", "x", "0"}, {"WAIT", "0", "-1"},
           {"WAIT", "0", "x"}, {"WAIT", "1", "5"}, {"READONLY"}, {"READWRITE"}, {"ASKING"}, {"MODULE", "LIST"},
           {"MODULE", "HELP"}, {"MODULE", "LOAD", "/nonexistent/module.so"}, {"MODULE", "UNLOAD", "foo"},
           {"SHUTDOWN", "ABORT"}, {"SHUTDOWN", "NOSAVE", "SAVE"}, {"SHUTDOWN", "FOO"}, {"SHUTDOWN", "ABORT", "NOW"},
           {"CLIENT", "PAUSE", "x"}, {"CLIENT", "PAUSE", "-1"}, {"CLIENT", "PAUSE", "10", "BOTH"},
           {"CLIENT", "PAUSE", "1", "ALL", "x"}, {"CLIENT", "UNPAUSE"}, {"CLIENT", "UNPAUSE", "x"},
           {"LOLWUT"}, {"LOLWUT", "VERSION", "x"}, {"LOLWUT", "VERSION", "7"}, {"LOLWUT", "VERSION", "5", "x"},
           {"CONFIG", "GET", "protected-mode"}, {"CONFIG", "GET", "list-compress-depth"},
           {"CONFIG", "SET", "latency-tracking-info-percentiles", "50 abc"},
           {"CONFIG", "SET", "latency-tracking-info-percentiles", "101"},
           {"CONFIG", "SET", "latency-tracking-info-percentiles", "99.99 50.0 0"},
           {"CONFIG", "GET", "latency-tracking-info-percentiles"}, {"CONFIG", "GET", "shutdown-on-sigint"},
           {"CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9"},
           {"CONFIG", "SET", "shutdown-on-sigterm", "nosave now"}, {"CONFIG", "GET", "shutdown-on-sigterm"},
           {"CONFIG", "SET", "shutdown-on-sigterm", "default"}, {"CONFIG", "SET", "slowlog-max-len", "-1"},
           {"DEBUG", "NOSUCH"}, {"DEBUG", "RELOAD", "BOGUS"}, {"DEBUG", "OBJECT", "nokey"},
           {"DEBUG", "LISTPACK", "nokey"}, {"DEBUG", "SET-ACTIVE-EXPIRE", "1"}, {"DEBUG", "CHANGE-REPL-ID"},
           {"DEBUG", "SLEEP", "0"}, {"DEBUG", "ERROR", "MYERR some text"},
           {"DEBUG", "REPLYBUFFER", "RESIZING", "1"}, {"DEBUG", "REPLYBUFFER", "FOO", "1"},
       })
    Same(c);
  // Option listings: Redis lists matches in its hash table's order, so compare them as sets.
  for (const char* pattern : {"slowlog-*", "latency-*", "enable-*-command", "shutdown-*"}) {
    auto pairs = [&](Client& c) {
      std::string r = c.Run({"CONFIG", "GET", pattern});
      std::set<std::string> s;
      std::istringstream in(r.substr(1, r.size() - 2));
      std::vector<std::string> items;
      for (std::string item; std::getline(in, item, ',');) items.push_back(item.substr(item.find('"')));
      for (size_t i = 0; i + 1 < items.size(); i += 2) s.insert(items[i] + "=" + items[i + 1]);
      return s;
    };
    EXPECT_EQ(pairs(*kc_), pairs(*rc_)) << pattern;
  }
}

TEST_F(ServerSurfaceDiff, LolwutSixDrawsTheSkylineAsRedisDoes) {
  // A 1x1 canvas (arguments are clamped, not refused) is deterministic: white sky only.
  for (const Cmd& c : std::vector<Cmd>{{"LOLWUT", "VERSION", "6", "0", "-5"}, {"LOLWUT", "VERSION", "6", "1", "1"},
                                       {"LOLWUT", "VERSION", "6", "x"}, {"LOLWUT", "VERSION", "6", "3", "y"},
                                       {"LOLWUT", "VERSION", "59"}, {"LOLWUT", "VERSION", "5", "1", "1", "1"}})
    Same(c);
  // Otherwise the skyline is random: the same rows, pixels per row and text once each
  // pixel's grey is masked.
  auto shape = [](std::string r) {
    std::string out;
    for (size_t i = 0; i < r.size();) {
      size_t m = r.find('m', i);
      if (r.compare(i, 2, "0;") == 0 && m != std::string::npos && m - i <= 9) {
        out += "G";
        i = m + 1;
      } else {
        out += r[i++];
      }
    }
    return out;
  };
  for (const Cmd& c : std::vector<Cmd>{{"LOLWUT", "VERSION", "6"}, {"LOLWUT", "VERSION", "6", "30", "12"},
                                       {"LOLWUT", "VERSION", "6", "2000", "3"}, {"LOLWUT", "VERSION", "6", "7"}}) {
    std::string k = kc_->Run(c), r = rc_->Run(c);
    EXPECT_EQ(shape(k), shape(r)) << c.back();
    EXPECT_NE(k.find("Original 8 bit image from Plaguemon by hikikomori. Redis ver. 7.0.15"), std::string::npos);
  }
  // The default skyline has black foreground buildings and both greys somewhere.
  std::string sky = kc_->Run({"LOLWUT", "VERSION", "6"});
  for (const char* grey : {"0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"})
    EXPECT_NE(sky.find(grey), std::string::npos) << grey;
}

TEST_F(ServerSurfaceDiff, BlockingTimeoutRepliesInBothProtocols) {
  const std::vector<std::string> cmds = {
      "BLPOP nokey 0.01", "BRPOP nokey 0.01", "BLMOVE nokey dst LEFT RIGHT 0.01", "BRPOPLPUSH nokey dst 0.01",
      "BLMPOP 0.01 1 nokey LEFT", "BZPOPMIN nokey 0.01", "BZPOPMAX nokey 0.01", "BZMPOP 0.01 1 nokey MIN",
      "WAIT 1 10"};
  for (bool resp3 : {false, true}) {
    RawClient k(ks_->port()), r(redis_->port());
    if (resp3) {
      k.Run("HELLO 3");
      r.Run("HELLO 3");
    }
    for (const auto& c : cmds) EXPECT_EQ(k.Run(c), r.Run(c)) << c << (resp3 ? " (RESP3)" : " (RESP2)");
  }
}

TEST_F(ServerSurfaceDiff, DebugProtocolEveryTypeInBothProtocols) {
  for (bool resp3 : {false, true}) {
    RawClient k(ks_->port()), r(redis_->port());
    if (resp3) {
      k.Run("HELLO 3");
      r.Run("HELLO 3");
    }
    for (const char* t : {"string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib", "push",
                          "verbatim", "true", "false", "nosuch"}) {
      std::string c = std::string("DEBUG PROTOCOL ") + t;
      EXPECT_EQ(k.Run(c), r.Run(c)) << c << (resp3 ? " (RESP3)" : " (RESP2)");
      // A push reply comes with a normal reply after it.
      if (resp3 && std::string(t) == "push") {
        EXPECT_EQ(k.Run("PING"), r.Run("PING"));
      }
    }
  }
}

// The same data set on both: every digest, and DEBUG OBJECT's encoding and sizes, agree.
TEST_F(ServerSurfaceDiff, DebugDigestMatchesRedisForTheSameData) {
  std::vector<Cmd> load = {
      {"SET", "s", "hello"}, {"SET", "n", "12345"}, {"SET", "big", std::string(300, 'x')},
      {"RPUSH", "l", "a", "b", "1", "200", "-5000", "c"}, {"SADD", "is", "1", "2", "3"},
      {"SADD", "ss", "a", "b", "c"}, {"HSET", "h", "f1", "v1", "f2", "2"}, {"ZADD", "z", "1.5", "a", "-2", "b", "3", "c"},
      {"SET", "t", "v", "EX", "100000"}, {"SELECT", "3"}, {"SET", "s", "other db"}, {"SELECT", "0"}};
  for (int i = 0; i < 200; ++i) {
    load.push_back({"HSET", "bigh", "field" + std::to_string(i), std::string(70, 'v')});
    load.push_back({"ZADD", "bigz", std::to_string(i) + ".25", "member" + std::to_string(i) + std::string(70, 'm')});
    load.push_back({"SADD", "bigs", "member" + std::to_string(i)});
    load.push_back({"RPUSH", "bigl", std::to_string(i * 1000), "element" + std::to_string(i)});
  }
  for (const Cmd& c : load) Same(c);
  Same({"DEBUG", "DIGEST"});
  Same({"DEBUG", "DIGEST-VALUE", "s", "n", "big", "l", "is", "ss", "h", "z", "t", "bigh", "bigz", "bigs", "bigl", "nokey"});
  Same({"DEBUG", "DIGEST-VALUE"});
  Same({"DEBUG", "LISTPACK", "s"});
  for (const char* key : {"s", "n", "big", "l", "is", "ss", "h", "z", "bigh", "bigz", "bigs", "bigl"}) {
    // The address, the LRU clock and the idle time differ by nature; the rest must not.
    auto fields = [](std::string line) {
      std::string out;
      std::istringstream in(line);
      for (std::string w; in >> w;)
        if (w.rfind("at:", 0) != 0 && w.rfind("lru", 0) != 0 && w != "Value") out += w + " ";
      return out;
    };
    EXPECT_EQ(fields(kc_->Run({"DEBUG", "OBJECT", key})), fields(rc_->Run({"DEBUG", "OBJECT", key}))) << key;
  }
  Same({"FLUSHALL"});
  Same({"DEBUG", "DIGEST"});
}

// Arguments as SLOWLOG keeps them: at most 32, strings cut at 128 bytes, with the client's
// name; and DEBUG SLEEP slow on purpose shows in SLOWLOG and LATENCY.
TEST_F(ServerSurfaceDiff, SlowlogEntriesAndLatencyEvents) {
  Cmd many = {"DEL"};
  for (int i = 0; i < 40; ++i) many.push_back("k" + std::to_string(i));
  for (Client* c : {kc_.get(), rc_.get()}) {
    ASSERT_EQ(c->Run({"CONFIG", "SET", "slowlog-log-slower-than", "0"}), "OK");
    ASSERT_EQ(c->Run({"CLIENT", "SETNAME", "slowpoke"}), "OK");
    ASSERT_EQ(c->Run({"SLOWLOG", "RESET"}), "OK");
  }
  Same({"SET", "k", std::string(200, 'x')});
  Same(many);
  // Entry fields 3 (the arguments) and 5 (the name) must match; id, time, duration and the
  // address differ by nature.
  auto args_and_name = [](Client& c) {
    std::string all = c.Run({"SLOWLOG", "GET", "3"});
    return all;
  };
  std::string k = args_and_name(*kc_), r = args_and_name(*rc_);
  for (const std::string& piece : {std::string("... (72 more bytes)"), std::string("... (10 more arguments)"),
                                   std::string("\"slowpoke\""), std::string("\"k29\"")}) {
    EXPECT_NE(k.find(piece), std::string::npos) << k;
    EXPECT_NE(r.find(piece), std::string::npos) << r;
  }
  EXPECT_EQ(k.find("\"k30\""), std::string::npos) << k;
  for (Client* c : {kc_.get(), rc_.get()}) {
    ASSERT_EQ(c->Run({"CONFIG", "SET", "slowlog-log-slower-than", "40000"}), "OK");
    ASSERT_EQ(c->Run({"CONFIG", "SET", "latency-monitor-threshold", "30"}), "OK");
    ASSERT_EQ(c->Run({"SLOWLOG", "RESET"}), "OK");
    ASSERT_EQ(c->Run({"DEBUG", "SLEEP", "0.05"}), "OK");
    EXPECT_EQ(c->Run({"SLOWLOG", "LEN"}), "(integer) 1");
    std::string entry = c->Run({"SLOWLOG", "GET"});
    EXPECT_NE(entry.find("[\"DEBUG\", \"SLEEP\", \"0.05\"]"), std::string::npos) << entry;
    std::string latest = c->Run({"LATENCY", "LATEST"});
    EXPECT_NE(latest.find("\"command\""), std::string::npos) << latest;
    EXPECT_EQ(c->Run({"LATENCY", "HISTORY", "command"}).substr(0, 3), "[[(");
    std::string graph = c->Run({"LATENCY", "GRAPH", "command"});
    EXPECT_NE(graph.find("command - high "), std::string::npos) << graph;
    std::string doctor = c->Run({"LATENCY", "DOCTOR"});
    EXPECT_NE(doctor.find("1. command: 1 latency spikes"), std::string::npos) << doctor;
    EXPECT_EQ(c->Run({"LATENCY", "RESET", "COMMAND"}), "(integer) 1");
    ASSERT_EQ(c->Run({"CONFIG", "SET", "latency-monitor-threshold", "0"}), "OK");
    ASSERT_EQ(c->Run({"CONFIG", "SET", "slowlog-log-slower-than", "10000"}), "OK");
  }
}

TEST_F(ServerSurfaceDiff, LatencyHistogramShape) {
  for (int i = 0; i < 3; ++i) Same({"SET", "k", "v"});
  // The buckets hold timings, which differ; the calls and the map's shape do not.
  for (Client* c : {kc_.get(), rc_.get()}) {
    std::string h = c->Run({"LATENCY", "HISTOGRAM", "set", "nosuchcommand"});
    // RESP2: maps arrive as flat arrays.
    EXPECT_EQ(h.rfind("[\"set\", [\"calls\", (integer) 3, \"histogram_usec\", [", 0), 0u) << h;
    EXPECT_EQ(c->Run({"LATENCY", "HISTOGRAM", "get"}), "[]");
    std::string info = c->Run({"INFO", "latencystats"});
    EXPECT_NE(info.find("latency_percentiles_usec_set:p50="), std::string::npos) << info;
  }
}

// MIGRATE from keyshard to the reference redis-server (DUMP payloads, TTLs, COPY, REPLACE,
// KEYS), and its errors compared with redis-server's own.
TEST_F(ServerSurfaceDiff, MigrateMovesKeysToARedisServer) {
  const std::string port = std::to_string(redis_->port());
  ASSERT_EQ(kc_->Run({"SET", "mk", "v"}), "OK");
  ASSERT_EQ(kc_->Run({"RPUSH", "ml", "a", "b"}), "(integer) 2");
  ASSERT_EQ(kc_->Run({"SET", "mt", "v", "PX", "100000"}), "OK");
  EXPECT_EQ(kc_->Run({"MIGRATE", "127.0.0.1", port, "mk", "0", "5000"}), "OK");
  EXPECT_EQ(rc_->Run({"GET", "mk"}), "\"v\"");
  EXPECT_EQ(kc_->Run({"EXISTS", "mk"}), "(integer) 0");
  EXPECT_EQ(kc_->Run({"MIGRATE", "127.0.0.1", port, "", "0", "5000", "COPY", "KEYS", "ml", "mt", "nokey"}), "OK");
  EXPECT_EQ(rc_->Run({"LRANGE", "ml", "0", "-1"}), "[\"a\", \"b\"]");
  const std::string pttl = rc_->Run({"PTTL", "mt"});  // "(integer) N", N within the TTL sent
  ASSERT_EQ(pttl.rfind("(integer) ", 0), 0u) << pttl;
  EXPECT_GT(std::stoll(pttl.substr(10)), 50000) << pttl;
  EXPECT_LE(std::stoll(pttl.substr(10)), 100000) << pttl;
  EXPECT_EQ(kc_->Run({"EXISTS", "ml", "mt"}), "(integer) 2");
  EXPECT_EQ(kc_->Run({"MIGRATE", "127.0.0.1", port, "mk", "0", "5000"}), "NOKEY");
  EXPECT_EQ(kc_->Run({"MIGRATE", "127.0.0.1", port, "ml", "0", "5000"}),
            "(error) ERR Target instance replied with error: BUSYKEY Target key name already exists.");
  EXPECT_EQ(kc_->Run({"MIGRATE", "127.0.0.1", port, "ml", "3", "5000", "REPLACE"}), "OK");
  EXPECT_EQ(rc_->Run({"SELECT", "3"}), "OK");
  EXPECT_EQ(rc_->Run({"LLEN", "ml"}), "(integer) 2");
  EXPECT_EQ(kc_->Run({"MIGRATE", "127.0.0.1", "1", "mt", "0", "200"}),
            "(error) IOERR error or timeout connecting to the client");
  ASSERT_EQ(rc_->Run({"SET", "rk", "v"}), "OK");
  for (const Cmd& c : std::vector<Cmd>{{"MIGRATE", "127.0.0.1", port, "x", "0", "y"},
                                       {"MIGRATE", "127.0.0.1", port, "x", "0", "10", "BOGUS"},
                                       {"MIGRATE", "127.0.0.1", port, "x", "0", "10", "AUTH"},
                                       {"MIGRATE", "127.0.0.1", port, "k", "0", "10", "KEYS", "a"},
                                       {"MIGRATE", "127.0.0.1", port, "nokey", "0", "10"}})
    Same(c);
}

}  // namespace
}  // namespace ks::test
