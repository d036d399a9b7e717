// Connection behaviour over real sockets: pipelining, inline commands, protocol errors,
// authentication, RESP3, QUIT, CLIENT KILL/REPLY and maxclients, compared with a real
// redis-server 7.0 byte for byte wherever the replies are deterministic.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

// A raw TCP client: exact bytes out, exact bytes in.
class RawConn {
 public:
  explicit RawConn(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  void Send(std::string_view bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

  // Reads until `want` bytes arrived in total, the peer closed, or 10 s passed.
  std::string Read(size_t want) {
    std::string out;
    while (out.size() < want && ReadSome(out)) {
    }
    return out;
  }
  // Reads everything until the peer closes; appends "<EOF>" if it did.
  std::string ReadToEof() {
    std::string out;
    while (ReadSome(out)) {
    }
    if (closed_) out += "<EOF>";
    return out;
  }

 private:
  bool ReadSome(std::string& out) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) return false;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    out.append(buf, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool closed_ = false;
};

std::string Repeat(std::string_view s, int n) {
  std::string out;
  out.reserve(s.size() * static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

class ConnectionTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ks_.running()) << "keyshard did not start";
    ASSERT_TRUE(redis_.running()) << "redis-server did not start";
  }
  // Sends the same bytes to both servers and returns {keyshard, redis} replies read to EOF.
  std::pair<std::string, std::string> BothToEof(std::string_view bytes) {
    RawConn a(ks_.port()), b(redis_.port());
    a.Send(bytes);
    b.Send(bytes);
    return {a.ReadToEof(), b.ReadToEof()};
  }
  // Same, reading exactly as many bytes as Redis sent back (Redis keeps the connection open).
  std::pair<std::string, std::string> Both(std::string_view bytes, size_t redis_reply_len) {
    RawConn a(ks_.port()), b(redis_.port());
    a.Send(bytes);
    b.Send(bytes);
    std::string rb = b.Read(redis_reply_len);
    return {a.Read(rb.size()), rb};
  }
  KeyshardProcess ks_;
  RedisProcess redis_;
};

TEST_F(ConnectionTest, TenThousandPipelinedPingsInOneWrite) {
  RawConn c(ks_.port());
  ASSERT_TRUE(c.ok());
  c.Send(Repeat("*1\r\n$4\r\nPING\r\n", 5000) + Repeat("PING\r\n", 5000));
  std::string expect = Repeat("+PONG\r\n", 10000);
  EXPECT_EQ(c.Read(expect.size()), expect);
}

TEST_F(ConnectionTest, InlineCommandsMatchRedis) {
  std::string cmds = "SET k \"a b\"\r\nGET k\r\n\r\nECHO 'x y'\nDEL k\r\n";
  auto [ours, theirs] = Both(cmds, std::string("+OK\r\n$3\r\na b\r\n$3\r\nx y\r\n:1\r\n").size());
  EXPECT_EQ(ours, theirs);
  EXPECT_EQ(ours, "+OK\r\n$3\r\na b\r\n$3\r\nx y\r\n:1\r\n");
}

TEST_F(ConnectionTest, ProtocolErrorsAnswerAsRedisAndClose) {
  const std::vector<std::string> inputs = {
      "*abc\r\n",
      "*1\r\n+foo\r\n",
      "*1\r\n$600000000\r\n",  // beyond the default proto-max-bulk-len of 512mb
      "*1\r\n$-5\r\n",
      "SET \"unbalanced\r\n",
      "SET 'a'b\r\n",
      "PING\r\n*2\r\n$4\r\nECHO\r\nxx\r\n",  // the PING is answered before the error
  };
  for (const std::string& in : inputs) {
    auto [ours, theirs] = BothToEof(in);
    EXPECT_EQ(ours, theirs) << "input: " << in;
    EXPECT_NE(ours.find("-ERR Protocol error: "), std::string::npos) << in;
    EXPECT_EQ(ours.substr(ours.size() - 5), "<EOF>") << in;
  }
}

// Redis checks bulk lengths against the live proto-max-bulk-len, so CONFIG SET holds for the
// next request of a client that connected before it.
TEST_F(ConnectionTest, ConfigSetProtoMaxBulkLenHoldsForOpenConnections) {
  for (int port : {ks_.port(), redis_.port()}) {
    RawConn setter(port), other(port);
    other.Send("PING\r\n");
    ASSERT_EQ(other.Read(7), "+PONG\r\n") << "port " << port;
    setter.Send("CONFIG SET proto-max-bulk-len 1048576\r\n");
    ASSERT_EQ(setter.Read(5), "+OK\r\n") << "port " << port;
    other.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n");
    EXPECT_EQ(other.ReadToEof(), "-ERR Protocol error: invalid bulk length\r\n<EOF>") << "port " << port;
  }
}

TEST_F(ConnectionTest, UnknownCommandAndWrongArityKeepTheConnection) {
  std::string cmds = "NOSUCH a b\r\nGET\r\nPING\r\n";
  std::string expect =
      "-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' \r\n"
      "-ERR wrong number of arguments for 'get' command\r\n+PONG\r\n";
  auto [ours, theirs] = Both(cmds, expect.size());
  EXPECT_EQ(theirs, expect);
  EXPECT_EQ(ours, theirs);
}

TEST(ConnectionAuth, RequirepassAuthAndNoauthMatchRedis) {
  KeyshardProcess ks({"--requirepass", "pw"});
  RedisProcess redis({"--requirepass", "pw"});
  ASSERT_TRUE(ks.running() && redis.running());
  Client a(ks.port()), b(redis.port());
  const std::vector<std::vector<std::string>> script = {
      {"GET", "k"},        {"PING"},       {"AUTH", "wrong"},          {"AUTH", "bob", "pw"},
      {"HELLO", "2"},      {"AUTH", "pw"}, {"GET", "k"},               {"AUTH", "default", "pw"},
      {"RESET"},           {"PING"},       {"HELLO", "2", "AUTH", "default", "nope"},
  };
  for (const auto& cmd : script) {
    std::string joined;
    for (auto& s : cmd) joined += s + " ";
    EXPECT_EQ(a.Run(cmd), b.Run(cmd)) << joined;
  }
}

TEST_F(ConnectionTest, HelloThreeSwitchesToResp3) {
  RawConn c(ks_.port());
  c.Send("HELLO 3\r\n");
  std::string hello = c.Read(1);
  // Read the rest of the map: it ends with the empty modules array.
  while (hello.find("$7\r\nmodules\r\n*0\r\n") == std::string::npos) {
    std::string more = c.Read(1);
    if (more.empty()) break;
    hello += more;
  }
  EXPECT_EQ(hello.rfind("%7\r\n$6\r\nserver\r\n$8\r\nkeyshard\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n", 0),
            0u)
      << hello;
  std::string expect = "_\r\n%1\r\n$2\r\nhz\r\n$2\r\n10\r\n";
  c.Send("GET nokey\r\nCONFIG GET hz\r\n");
  EXPECT_EQ(c.Read(expect.size()), expect);
  // Redis answers the same two commands identically once in RESP3.
  RawConn r(redis_.port());
  r.Send("HELLO 3\r\n");
  r.Read(1);
  r.Send("GET nokey\r\nCONFIG GET hz\r\n");
  EXPECT_EQ(r.Read(expect.size()), expect);
}

TEST_F(ConnectionTest, QuitRepliesOkAndCloses) {
  auto [ours, theirs] = BothToEof("QUIT\r\nPING\r\n");
  EXPECT_EQ(ours, "+OK\r\n<EOF>");
  EXPECT_EQ(ours, theirs);
}

TEST_F(ConnectionTest, ClientKillClosesAnotherConnection) {
  Client victim(ks_.port()), killer(ks_.port());
  std::string id = victim.Run({"CLIENT", "ID"}).substr(std::string("(integer) ").size());
  EXPECT_EQ(killer.Run({"CLIENT", "KILL", "ID", id}), "(integer) 1");
  EXPECT_TRUE(victim.PeerClosed());
  EXPECT_EQ(killer.Run({"PING"}), "PONG");
  EXPECT_EQ(killer.Run({"CLIENT", "KILL", "ID", id}), "(integer) 0");
}

TEST_F(ConnectionTest, ClientReplyOffSkipOnMatchRedis) {
  std::string cmds =
      "CLIENT REPLY OFF\r\nPING\r\nECHO a\r\nCLIENT REPLY ON\r\nECHO b\r\n"
      "CLIENT REPLY SKIP\r\nECHO c\r\nECHO d\r\n";
  std::string expect = "+OK\r\n$1\r\nb\r\n$1\r\nd\r\n";
  auto [ours, theirs] = Both(cmds, expect.size());
  EXPECT_EQ(theirs, expect);
  EXPECT_EQ(ours, theirs);
}

TEST(ConnectionLimits, MaxclientsRefusesTheExtraClientLikeRedis) {
  KeyshardProcess ks({"--maxclients", "2"});
  RedisProcess redis({"--maxclients", "2"});
  ASSERT_TRUE(ks.running() && redis.running());
  for (int port : {ks.port(), redis.port()}) {
    Client a(port);
    ASSERT_EQ(a.Run({"PING"}), "PONG");
    // A readiness probe's connection may not be reaped yet (redis-server closes it in its
    // event loop): wait until `a` is the only client before filling the last place.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (a.Run({"INFO", "clients"}).find("connected_clients:1\r\n") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Client b(port);
    ASSERT_EQ(b.Run({"PING"}), "PONG") << "port " << port;
    RawConn c(port);
    c.Send("PING\r\n");
    EXPECT_EQ(c.ReadToEof(), "-ERR max number of clients reached\r\n<EOF>") << "port " << port;
  }
}

}  // namespace
}  // namespace ks::test
