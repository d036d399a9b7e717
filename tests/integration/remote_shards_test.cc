// Remote shards (issue 16): keyshard with two engines and a real redis-server owning half the
// slots. Forwarded commands must reply what the remote replies, byte for byte, in RESP2 and
// RESP3; pipelines mixing local and remote keys keep their order; a remote that is down or
// slow fails its own slots' commands with a clear error and nobody else's.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/processes.h"
#include "tests/support/raw_client.h"

namespace ks::test {
namespace {

using Clock = std::chrono::steady_clock;

// Remote "cache-b" owns 8192-16383: {foo} (slot 12182) is there, {bar} (5061) on an engine.
constexpr const char* kRemoteSlots = "8192-16383";

std::string WriteConfig(const std::string& dir, int remote_port, const std::string& extra = "") {
  const std::string path = dir + "/ks.toml";
  std::ofstream f(path);
  f << "shards = 2\nremote-timeout = 300\n" << extra << "\n[remote.cache-b]\naddress = \"127.0.0.1:"
    << remote_port << "\"\nslots = \"" << kRemoteSlots << "\"\n";
  return path;
}

// The body of an HTTP GET to the admin server.
std::string HttpGet(int port, const std::string& target) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return "";
  }
  const std::string req = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  if (::write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return "";
  }
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  const size_t body = out.find("\r\n\r\n");
  return body == std::string::npos ? out : out.substr(body + 4);
}

int64_t Slot(Client& c, const std::string& key) {
  const std::string r = c.Run({"CLUSTER", "KEYSLOT", key});  // "(integer) N"
  return std::stoll(r.substr(r.find(' ') + 1));
}

class RemoteShards : public ::testing::Test {
 protected:
  void SetUp() override {
    remote_ = std::make_unique<RedisProcess>(std::vector<std::string>{"--enable-debug-command", "yes"});
    ASSERT_GT(remote_->port(), 0);
    conf_dir_ = MakeTempDir("keyshard-remote");
    admin_port_ = FreePort();
    ks_ = std::make_unique<KeyshardProcess>(std::vector<std::string>{
        "--config", WriteConfig(conf_dir_, remote_->port()), "--admin-port", std::to_string(admin_port_)});
    ASSERT_GT(ks_->port(), 0);
    kc_ = std::make_unique<Client>(ks_->port());
    rc_ = std::make_unique<Client>(remote_->port());
    ASSERT_GE(Slot(*kc_, "{foo}"), 8192);
    ASSERT_LT(Slot(*kc_, "{bar}"), 8192);
  }

  // Replies of cmds sent one by one over a raw connection (RESP3 after HELLO 3 when resp3).
  static std::vector<std::string> Replies(int port, bool resp3, const std::vector<std::vector<std::string>>& cmds) {
    RawClient c(port);
    if (resp3) c.Call({"HELLO", "3"});
    std::vector<std::string> out;
    for (const auto& cmd : cmds) out.push_back(c.Call(cmd));
    return out;
  }

  std::unique_ptr<RedisProcess> remote_;
  int admin_port_ = 0;
  std::string conf_dir_;
  std::unique_ptr<KeyshardProcess> ks_;
  std::unique_ptr<Client> kc_, rc_;
};

// One command of each family (and their errors) with every key on the remote.
std::vector<std::vector<std::string>> EveryTypeOnRemote() {
  return {
      {"SET", "{foo}s", "hello"}, {"GET", "{foo}s"}, {"APPEND", "{foo}s", " world"}, {"STRLEN", "{foo}s"},
      {"INCR", "{foo}n"}, {"INCRBYFLOAT", "{foo}n", "1.5"}, {"GETRANGE", "{foo}s", "0", "4"},
      {"MSET", "{foo}a", "1", "{foo}b", "2"}, {"MGET", "{foo}a", "{foo}b", "{foo}missing"}, {"EXISTS", "{foo}a", "{foo}b", "{foo}c"},
      {"HSET", "{foo}h", "f1", "v1", "f2", "v2"}, {"HGETALL", "{foo}h"}, {"HINCRBYFLOAT", "{foo}h", "n", "2.5"},
      {"HGET", "{foo}h", "nope"}, {"LPUSH", "{foo}l", "a", "b", "c"}, {"LRANGE", "{foo}l", "0", "-1"}, {"LPOP", "{foo}l"},
      {"SADD", "{foo}set", "x", "y", "z"}, {"SCARD", "{foo}set"}, {"SISMEMBER", "{foo}set", "y"}, {"SMISMEMBER", "{foo}set", "x", "q"},
      {"ZADD", "{foo}z", "1.5", "a", "2", "b"}, {"ZRANGE", "{foo}z", "0", "-1", "WITHSCORES"}, {"ZSCORE", "{foo}z", "a"},
      {"ZINCRBY", "{foo}z", "0.25", "b"}, {"ZPOPMIN", "{foo}z"},
      {"XADD", "{foo}x", "1-1", "f", "v"}, {"XRANGE", "{foo}x", "-", "+"}, {"XLEN", "{foo}x"},
      {"PFADD", "{foo}hll", "a", "b", "c"}, {"PFCOUNT", "{foo}hll"}, {"SETBIT", "{foo}bits", "7", "1"}, {"BITCOUNT", "{foo}bits"},
      {"GEOADD", "{foo}geo", "13.361389", "38.115556", "Palermo"}, {"GEOPOS", "{foo}geo", "Palermo", "Nowhere"},
      {"EXPIRE", "{foo}s", "100"}, {"TTL", "{foo}s"}, {"PERSIST", "{foo}s"}, {"TYPE", "{foo}h"}, {"OBJECT", "ENCODING", "{foo}l"},
      {"RENAME", "{foo}a", "{foo}a2"}, {"GET", "{foo}a2"}, {"LPUSH", "{foo}s", "x"}, {"INCR", "{foo}s"},
      {"EVAL", "return redis.call('GET', KEYS[1])", "1", "{foo}a2"}, {"DEL", "{foo}a2", "{foo}b", "{foo}h"}, {"GET", "{foo}h"},
      {"SELECT", "3"}, {"SET", "{foo}db3", "three"}, {"GET", "{foo}db3"}, {"SELECT", "0"}, {"GET", "{foo}db3"},
  };
}

TEST_F(RemoteShards, ForwardedCommandsReplyAsTheRemoteDoesInResp2AndResp3) {
  for (bool resp3 : {false, true}) {
    rc_->Run({"FLUSHALL"});
    const auto via = Replies(ks_->port(), resp3, EveryTypeOnRemote());
    // The remote really holds what went through keyshard (database 3 included).
    Client r3(remote_->port());
    r3.Run({"SELECT", "3"});
    EXPECT_EQ(r3.Run({"GET", "{foo}db3"}), "\"three\"");
    rc_->Run({"FLUSHALL"});
    const auto direct = Replies(remote_->port(), resp3, EveryTypeOnRemote());
    const auto cmds = EveryTypeOnRemote();
    ASSERT_EQ(via.size(), direct.size());
    for (size_t i = 0; i < via.size(); ++i)
      EXPECT_EQ(via[i], direct[i]) << (resp3 ? "RESP3 " : "RESP2 ") << cmds[i][0] << " " << cmds[i][1];
  }
  // Nothing of it landed in keyshard's own engines: DBSIZE (which sums the engines and the
  // remote) is the remote's alone.
  EXPECT_EQ(kc_->Run({"DBSIZE"}), rc_->Run({"DBSIZE"}));
}

TEST_F(RemoteShards, PipelineMixingLocalAndRemoteKeysKeepsItsOrder) {
  std::string bytes;
  std::vector<std::string> expected;
  int64_t remote_n = 0, local_n = 0;
  for (int i = 0; i < 1000; ++i) {
    // A pattern that is not simply alternating, so runs of each side follow each other.
    const bool remote = (i * 7 + i / 13) % 3 != 0;
    if (i % 10 == 9) {
      bytes += EncodeCommand({"GET", remote ? "{foo}c" : "{bar}c"});
      expected.push_back("$" + std::to_string(std::to_string(remote ? remote_n : local_n).size()) + "\r\n" +
                         std::to_string(remote ? remote_n : local_n) + "\r\n");
      if ((remote ? remote_n : local_n) == 0) expected.back() = "$1\r\n0\r\n";
      continue;
    }
    bytes += EncodeCommand({"INCR", remote ? "{foo}c" : "{bar}c"});
    expected.push_back(":" + std::to_string(remote ? ++remote_n : ++local_n) + "\r\n");
  }
  kc_->Run({"SET", "{foo}c", "0"});
  kc_->Run({"SET", "{bar}c", "0"});
  RawClient c(ks_->port());
  ASSERT_EQ(::write(c.fd(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  for (size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(c.Next(), expected[i]) << "reply " << i;
  EXPECT_EQ(rc_->Run({"GET", "{foo}c"}), "\"" + std::to_string(remote_n) + "\"");
}

TEST_F(RemoteShards, LargeForwardedRepliesToAClientThatReadsLateArriveWhole) {
  // Replies far larger than the socket buffers: the connection writes what the socket takes
  // when each reply arrives and leaves the rest for later, in order with the local replies.
  const std::string big(4 << 20, 'b');
  std::string other(3 << 20, 'o');
  ASSERT_EQ(kc_->Run({"SET", "{foo}big", big}), "OK");
  ASSERT_EQ(kc_->Run({"SET", "{bar}other", other}), "OK");
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes += EncodeCommand({"GET", i % 3 == 2 ? "{bar}other" : "{foo}big"});
  RawClient c(ks_->port());
  ASSERT_EQ(::write(c.fd(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  for (int i = 0; i < 8; ++i) {
    const std::string& v = i % 3 == 2 ? other : big;
    ASSERT_EQ(c.Next(20000), "$" + std::to_string(v.size()) + "\r\n" + v + "\r\n") << "reply " << i;
  }
  EXPECT_EQ(c.Call({"PING"}), "+PONG\r\n");
}

TEST_F(RemoteShards, KeysOnARemoteAndAnotherShardAreRefusedWhole) {
  // MSET, EXISTS... are split (tests/integration/remote_fanout_test.cc); MSETNX and RENAME
  // cannot be, atomically.
  EXPECT_EQ(kc_->Run({"MSETNX", "{foo}a", "1", "{bar}a", "2"}), "(error) CROSSSLOT Keys in request don't hash to the same slot");
  kc_->Run({"SET", "{bar}a", "1"});
  EXPECT_EQ(kc_->Run({"RENAME", "{bar}a", "{foo}a"}), "(error) CROSSSLOT Keys in request don't hash to the same slot");
  EXPECT_EQ(kc_->Run({"EXISTS", "{bar}a"}), "(integer) 1");
  EXPECT_EQ(rc_->Run({"EXISTS", "{foo}a"}), "(integer) 0");
  // A transaction touching a remote key is refused before any of it runs.
  kc_->Run({"MULTI"});
  kc_->Run({"SET", "{bar}t", "1"});
  kc_->Run({"SET", "{foo}t", "1"});
  const std::string exec = kc_->Run({"EXEC"});
  EXPECT_NE(exec.find("EXECABORT"), std::string::npos) << exec;
  EXPECT_NE(exec.find("cache-b"), std::string::npos) << exec;
  EXPECT_EQ(kc_->Run({"EXISTS", "{bar}t"}), "(integer) 0");
  // SORT's BY/GET patterns may name keys on any shard: refused rather than answered wrong.
  kc_->Run({"RPUSH", "{bar}ids", "1", "2"});
  EXPECT_EQ(kc_->Run({"SORT", "{bar}ids", "BY", "w_*"}), "(error) CROSSSLOT Keys in request don't hash to the same slot");
  EXPECT_EQ(kc_->Run({"SORT", "{bar}ids"}), "[\"1\", \"2\"]");
}

TEST_F(RemoteShards, RemotesAreListedBesideEnginesInTheAdminApiAndMetrics) {
  ASSERT_EQ(kc_->Run({"SET", "{foo}k", "v"}), "OK");
  std::string engines;
  // The remote's key count comes from a background INFO (every 2 s): polled, not assumed.
  for (auto deadline = Clock::now() + std::chrono::seconds(10); Clock::now() < deadline;) {
    engines = HttpGet(admin_port_, "/api/engines");
    if (engines.find("\"keys\":1,") != std::string::npos && engines.find("\"id\":\"cache-b\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(engines.find("\"id\":\"cache-b\",\"remote\":true"), std::string::npos) << engines;
  EXPECT_NE(engines.find("\"slot_count\":8192"), std::string::npos) << engines;
  EXPECT_NE(engines.find("\"keys\":1,"), std::string::npos) << engines;
  EXPECT_NE(engines.find("\"state\":\"connected\""), std::string::npos) << engines;
  const std::string metrics = HttpGet(admin_port_, "/metrics");
  EXPECT_NE(metrics.find("keyshard_remote_up{remote=\"cache-b\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("keyshard_remote_requests_total{remote=\"cache-b\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(HttpGet(admin_port_, "/api/slots").find("\"engine\":\"cache-b\""), std::string::npos);
}

TEST_F(RemoteShards, KilledRemoteFailsItsSlotsOnlyAndIsReconnected) {
  ASSERT_EQ(kc_->Run({"SET", "{foo}k", "v"}), "OK");
  ASSERT_EQ(kc_->Run({"SET", "{bar}k", "v"}), "OK");
  const int port = remote_->port();
  remote_->Kill();
  const auto t0 = Clock::now();
  const std::string err = kc_->Run({"GET", "{foo}k"});
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
  EXPECT_NE(err.find("remote shard 'cache-b' (127.0.0.1:" + std::to_string(port) + ")"), std::string::npos) << err;
  EXPECT_NE(err.find("unavailable"), std::string::npos) << err;
  EXPECT_EQ(kc_->Run({"GET", "{bar}k"}), "\"v\"");
  EXPECT_EQ(kc_->Run({"PING"}), "PONG");
  const std::string info = kc_->Run({"INFO", "keyshard"});
  EXPECT_NE(info.find("remote0:name=cache-b"), std::string::npos) << info;
  EXPECT_NE(info.find("last_error=ERR remote shard 'cache-b'"), std::string::npos) << info;

  // Back on the same port: commands work again without restarting keyshard (the connection
  // backs off at most 5 s between attempts).
  remote_ = std::make_unique<RedisProcess>(std::vector<std::string>{"--port", std::to_string(port)});
  ASSERT_EQ(remote_->port(), port);
  std::string reply;
  for (auto deadline = Clock::now() + std::chrono::seconds(10); Clock::now() < deadline;) {
    reply = kc_->Run({"SET", "{foo}k", "again"});
    if (reply == "OK") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling the reconnection, not a timing assumption
  }
  EXPECT_EQ(reply, "OK");
  EXPECT_EQ(kc_->Run({"GET", "{foo}k"}), "\"again\"");
}

TEST_F(RemoteShards, SlowRemoteTimesOutWithoutStallingOtherClients) {
  ASSERT_EQ(kc_->Run({"SET", "{bar}k", "local"}), "OK");
  std::atomic<bool> slept{false};
  std::thread sleeper([&] {
    Client direct(remote_->port());
    direct.Run({"DEBUG", "SLEEP", "2"});
    slept = true;
  });
  // Wait until the remote is asleep: its PING stops answering at once.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto t0 = Clock::now();
  const std::string err = kc_->Run({"GET", "{foo}k"});
  const auto took = Clock::now() - t0;
  EXPECT_NE(err.find("remote shard 'cache-b'"), std::string::npos) << err;
  EXPECT_NE(err.find("timed out"), std::string::npos) << err;
  EXPECT_LT(took, std::chrono::milliseconds(1900));
  // Another client's local command is answered while the remote still sleeps.
  Client other(ks_->port());
  EXPECT_EQ(other.Run({"GET", "{bar}k"}), "\"local\"");
  EXPECT_FALSE(slept.load());
  sleeper.join();
  // Once awake, the remote serves again (a fresh connection: the late one was reset).
  EXPECT_EQ(kc_->Run({"SET", "{foo}k", "after"}), "OK");
  const std::string info = kc_->Run({"INFO", "keyshard"});
  EXPECT_EQ(info.find("timeouts=0"), std::string::npos) << info;
}

TEST_F(RemoteShards, BlpopForwardedToTheRemoteIsServedByAPushThroughKeyshard) {
  RawClient waiter(ks_->port());
  waiter.Send({"BLPOP", "{foo}q", "0"});
  // The waiter blocks on the remote, not on an I/O thread: this client is served meanwhile.
  EXPECT_TRUE(waiter.Quiet(200));
  EXPECT_EQ(kc_->Run({"SET", "{bar}x", "1"}), "OK");
  EXPECT_EQ(kc_->Run({"RPUSH", "{foo}q", "job"}), "(integer) 1");
  EXPECT_EQ(waiter.Next(), "*2\r\n$6\r\n{foo}q\r\n$3\r\njob\r\n");
  // Its own timeout, not remote-timeout (300 ms), bounds a blocking command: nil after ~1 s.
  const auto t0 = Clock::now();
  EXPECT_EQ(waiter.Call({"BLPOP", "{foo}empty", "1"}), "*-1\r\n");
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(900));
}

TEST_F(RemoteShards, ForwardedBlockingCommandHoldsTheRestOfThePipelineUntilServed) {
  RawClient c(ks_->port());
  // A remote write, then BLPOP on the remote, then a local write, in one pipeline: BLPOP goes
  // after the write (it finds the element), and the local SET waits for BLPOP as in Redis.
  std::string bytes = EncodeCommand({"RPUSH", "{foo}p", "first"}) + EncodeCommand({"BLPOP", "{foo}p", "0"}) +
                      EncodeCommand({"BLPOP", "{foo}p", "0"}) + EncodeCommand({"SET", "{bar}after", "1"});
  ASSERT_EQ(::write(c.fd(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  EXPECT_EQ(c.Next(), ":1\r\n");
  EXPECT_EQ(c.Next(), "*2\r\n$6\r\n{foo}p\r\n$5\r\nfirst\r\n");
  EXPECT_TRUE(c.Quiet(200));  // the second BLPOP waits...
  EXPECT_EQ(kc_->Run({"EXISTS", "{bar}after"}), "(integer) 0");  // ...and the SET behind it too
  EXPECT_EQ(kc_->Run({"RPUSH", "{foo}p", "second"}), "(integer) 1");
  EXPECT_EQ(c.Next(), "*2\r\n$6\r\n{foo}p\r\n$6\r\nsecond\r\n");
  EXPECT_EQ(c.Next(), "+OK\r\n");
  EXPECT_EQ(kc_->Run({"GET", "{bar}after"}), "\"1\"");
}

TEST_F(RemoteShards, ConnectionStateCommandsAreNotForwarded) {
  // WATCH of a remote key goes over a connection leased to the client, not a shared one
  // (tests/integration/remote_fanout_test.cc); keys WATCHed here and there cannot make one
  // EXEC atomic.
  EXPECT_EQ(kc_->Run({"WATCH", "{foo}w"}), "OK");
  EXPECT_EQ(kc_->Run({"WATCH", "{bar}w"}), "(error) CROSSSLOT Keys in request don't hash to the same slot");
  EXPECT_EQ(kc_->Run({"UNWATCH"}), "OK");
  EXPECT_EQ(kc_->Run({"WATCH", "{bar}w"}), "OK");
  // Shard channels are this server's pub/sub, whatever slot they hash to.
  RawClient sub(ks_->port());
  EXPECT_EQ(sub.Call({"SSUBSCRIBE", "{foo}ch"}), "*3\r\n$10\r\nssubscribe\r\n$7\r\n{foo}ch\r\n:1\r\n");
  EXPECT_EQ(kc_->Run({"SPUBLISH", "{foo}ch", "hi"}), "(integer) 1");
  EXPECT_EQ(sub.Next(), "*3\r\n$8\r\nsmessage\r\n$7\r\n{foo}ch\r\n$2\r\nhi\r\n");
  // QUIT right after forwarded commands: their replies come first.
  RawClient q(ks_->port());
  const std::string bytes = EncodeCommand({"SET", "{foo}q", "v"}) + EncodeCommand({"GET", "{foo}q"}) + EncodeCommand({"QUIT"});
  ASSERT_EQ(::write(q.fd(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  EXPECT_EQ(q.Next(), "+OK\r\n");
  EXPECT_EQ(q.Next(), "$1\r\nv\r\n");
  EXPECT_EQ(q.Next(), "+OK\r\n");
}

TEST_F(RemoteShards, RemoteOwnershipIsPersistedInSlotsConf) {
  std::ifstream f(ks_->dir() + "/slots.conf");
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_NE(ss.str().find("8192-16383 cache-b"), std::string::npos) << ss.str();
  const std::string slots = kc_->Run({"KEYSHARD", "SLOTS"});
  EXPECT_NE(slots.find("cache-b"), std::string::npos) << slots;
}

TEST(RemoteShardsAuth, PasswordIsSentAndAWrongOneIsReportedNotHidden) {
  RedisProcess remote({"--requirepass", "b-secret"});
  ASSERT_GT(remote.port(), 0);
  for (const std::string pass : {"wrong", "b-secret"}) {
    const std::string dir = MakeTempDir("keyshard-remote-auth");
    {
      std::ofstream f(dir + "/ks.toml");
      f << "shards = 2\n[remote.cache-b]\naddress = \"127.0.0.1:" << remote.port() << "\"\npassword = \"" << pass
        << "\"\nslots = \"" << kRemoteSlots << "\"\n";
    }
    KeyshardProcess ks({"--config", dir + "/ks.toml"});
    ASSERT_GT(ks.port(), 0);
    Client c(ks.port());
    const std::string reply = c.Run({"SET", "{foo}k", "v"});
    if (pass == "wrong") {
      EXPECT_NE(reply.find("remote shard 'cache-b'"), std::string::npos) << reply;
      EXPECT_NE(reply.find("AUTH failed: WRONGPASS"), std::string::npos) << reply;
    } else {
      EXPECT_EQ(reply, "OK");
      // RESP3 traffic goes over connections that said HELLO 3 after AUTH.
      RawClient r3(ks.port());
      r3.Call({"HELLO", "3"});
      EXPECT_EQ(r3.Call({"HSET", "{foo}h", "f", "1"}), ":1\r\n");
      EXPECT_EQ(r3.Call({"HGETALL", "{foo}h"}), "%1\r\n$1\r\nf\r\n$1\r\n1\r\n");
    }
  }
}

// Runs keyshard with a config that must be refused; returns what it printed.
std::string Refused(const std::string& toml) {
  const std::string dir = MakeTempDir("keyshard-badconf");
  {
    std::ofstream f(dir + "/ks.toml");
    f << toml;
  }
  const std::string cmd = KeyshardBinary() + " --config " + dir + "/ks.toml --port 0 --dir " + dir + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = ::pclose(p);
  EXPECT_NE(status, 0) << out;
  return out;
}

TEST(RemoteShardsConfig, BadRemoteConfigurationsRefuseToStartWithAClearMessage) {
  EXPECT_NE(Refused("[remote.a]\naddress = \"127.0.0.1:1\"\nslots = \"0-100\"\n[remote.b]\naddress = \"127.0.0.1:2\"\n"
                    "slots = \"50-60\"\n")
                .find("[remote.b] slots overlap [remote.a] at slot 50"),
            std::string::npos);
  EXPECT_NE(Refused("[remote.a]\naddress = \"no-port\"\n").find("[remote.a] in"), std::string::npos);
  EXPECT_NE(Refused("[remote.a]\naddress = \"no-port\"\n").find("bad address 'no-port'"), std::string::npos);
  EXPECT_NE(Refused("[remote.a]\naddress = \"h:1\"\nweight = \"2\"\n").find("unknown key 'weight'"), std::string::npos);
  EXPECT_NE(Refused("[remote.a]\nslots = \"1\"\n").find("'address'"), std::string::npos);
  EXPECT_NE(Refused("[remote.a]\naddress = \"h:1\"\nslots = \"9-99999\"\n").find("bad slot range"), std::string::npos);
}

}  // namespace
}  // namespace ks::test
