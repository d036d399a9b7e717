// SHUTDOWN and SIGTERM against a real keyshard process: each variant (save points, NOSAVE,
// SAVE, the AOF, a failed save with and without FORCE) is followed by a restart on the same
// directory that checks which data came back. Also CLIENT PAUSE with concurrent writers and
// readers, and protected-mode turning away a non-loopback peer.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

using Args = std::vector<std::string>;

Args With(Args a, const Args& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

void Load(Client& c, int n) {
  for (int i = 0; i < n; ++i) ASSERT_EQ(c.Run({"SET", "key:" + std::to_string(i), "v" + std::to_string(i)}), "OK");
}

// Sends SHUTDOWN ... and expects the server to close the connection and exit 0.
void ShutdownAndExpectExit(KeyshardProcess& ks, Client& c, const Args& cmd) {
  std::string reply = c.Run(cmd);
  EXPECT_NE(reply.find("<"), std::string::npos) << "SHUTDOWN replied " << reply;  // no reply: the peer closed
  int status = -1;
  ASSERT_TRUE(ks.WaitForExit(20000, &status)) << "keyshard did not exit";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

int64_t DbSize(Client& c) {
  std::string r = c.Run({"DBSIZE"});
  return r.rfind("(integer) ", 0) == 0 ? std::stoll(r.substr(10)) : -1;
}

struct Variant {
  std::string name;
  Args flags;         // start-up flags besides --dir
  Args shutdown;      // the command
  bool data_back;     // whether the keys are there after a restart
};

class ShutdownVariants : public ::testing::TestWithParam<Variant> {};

TEST_P(ShutdownVariants, RestartFindsWhatWasSaved) {
  const Variant& v = GetParam();
  auto ks = std::make_unique<KeyshardProcess>(v.flags);
  ASSERT_TRUE(ks->running());
  const std::string dir = ks->dir();
  {
    Client c(ks->port());
    Load(c, 100);
    ShutdownAndExpectExit(*ks, c, v.shutdown);
  }
  KeyshardProcess again(With(v.flags, {"--dir", dir}));
  ASSERT_TRUE(again.running());
  Client c(again.port());
  EXPECT_EQ(DbSize(c), v.data_back ? 100 : 0);
  if (v.data_back) EXPECT_EQ(c.Run({"GET", "key:42"}), "\"v42\"");
}

INSTANTIATE_TEST_SUITE_P(
    Shutdown, ShutdownVariants,
    ::testing::Values(
        Variant{"SavePointsSave", {"--save", "3600 1"}, {"SHUTDOWN"}, true},
        Variant{"NosaveSkipsTheSave", {"--save", "3600 1"}, {"SHUTDOWN", "NOSAVE"}, false},
        Variant{"NoSavePointsNoSave", {}, {"SHUTDOWN"}, false},
        Variant{"SaveWithoutSavePoints", {}, {"SHUTDOWN", "SAVE"}, true},
        Variant{"NowAndForceStillSave", {"--save", "3600 1"}, {"SHUTDOWN", "NOW", "FORCE"}, true},
        Variant{"AofIsSyncedUnderNosave", {"--appendonly", "yes", "--appendfsync", "no"}, {"SHUTDOWN", "NOSAVE"}, true},
        Variant{"AofAndSavePoints", {"--appendonly", "yes", "--save", "3600 1"}, {"shutdown", "save"}, true}),
    [](const auto& info) { return info.param.name; });

// A save that cannot be written (its directory does not exist) refuses the shutdown, which
// leaves the server serving; FORCE exits anyway.
TEST(Shutdown, FailedSaveRefusesUnlessForce) {
  KeyshardProcess ks({"--save", "3600 1", "--dbfilename", "missing-dir/dump.rdb"});
  ASSERT_TRUE(ks.running());
  Client c(ks.port());
  Load(c, 10);
  EXPECT_EQ(c.Run({"SHUTDOWN"}), "(error) ERR Errors trying to SHUTDOWN. Check logs.");
  EXPECT_EQ(c.Run({"PING"}), "PONG");
  EXPECT_EQ(c.Run({"SET", "after", "1"}), "OK");  // clients are let go again
  // SIGTERM goes through the same shutdown: refused too, the server keeps serving.
  ks.Signal(SIGTERM);
  EXPECT_FALSE(ks.WaitForExit(1500));
  EXPECT_EQ(c.Run({"GET", "after"}), "\"1\"");
  ShutdownAndExpectExit(ks, c, {"SHUTDOWN", "FORCE"});
}

// Starts a server with `args` (saving every hour, unless they say otherwise on shutdown),
// loads 50 keys, sends SIGTERM and waits for the exit; *keys is what a restart from its
// directory finds.
void KeysAfterSigterm(const Args& args, int64_t* keys) {
  KeyshardProcess ks(args);
  ASSERT_TRUE(ks.running());
  {
    Client c(ks.port());
    Load(c, 50);
  }
  ks.Signal(SIGTERM);
  ASSERT_TRUE(ks.WaitForExit(20000));
  KeyshardProcess again({"--save", "3600 1", "--dir", ks.dir()});
  Client c(again.port());
  *keys = DbSize(c);
}

TEST(Shutdown, SigtermSavesLikeShutdown) {
  int64_t keys = -1;
  ASSERT_NO_FATAL_FAILURE(KeysAfterSigterm({"--save", "3600 1"}, &keys));
  EXPECT_EQ(keys, 50);
}

TEST(Shutdown, ShutdownOnSigtermNosaveSkipsTheSave) {
  int64_t keys = -1;
  ASSERT_NO_FATAL_FAILURE(KeysAfterSigterm({"--save", "3600 1", "--shutdown-on-sigterm", "nosave"}, &keys));
  EXPECT_EQ(keys, 0);
}

// CLIENT PAUSE WRITE holds writers (not refused: they complete after UNPAUSE, in order)
// while readers on other connections and I/O threads keep being served.
TEST(ClientPause, WritePauseHoldsWritersAndServesReaders) {
  KeyshardProcess ks({"--threads", "2"});
  ASSERT_TRUE(ks.running());
  Client admin(ks.port());
  ASSERT_EQ(admin.Run({"SET", "k", "before"}), "OK");
  ASSERT_EQ(admin.Run({"CLIENT", "PAUSE", "100000", "WRITE"}), "OK");
  constexpr int kWriters = 4;
  std::atomic<int> writes_done{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([&, w] {
      Client c(ks.port());
      if (c.Run({"SET", "w" + std::to_string(w), "x"}) == "OK") writes_done.fetch_add(1);
    });
  // Readers are served during the pause, many times over.
  for (int r = 0; r < 4; ++r) {
    Client c(ks.port());
    for (int i = 0; i < 20; ++i) ASSERT_EQ(c.Run({"GET", "k"}), "\"before\"");
    EXPECT_EQ(c.Run({"EXISTS", "w0", "w1", "w2", "w3"}), "(integer) 0");
  }
  EXPECT_EQ(writes_done.load(), 0);
  EXPECT_EQ(admin.Run({"INFO", "commandstats"}).find("cmdstat_set:calls=2"), std::string::npos);
  ASSERT_EQ(admin.Run({"CLIENT", "UNPAUSE"}), "OK");
  for (auto& t : writers) t.join();
  EXPECT_EQ(writes_done.load(), kWriters);
  EXPECT_EQ(admin.Run({"EXISTS", "w0", "w1", "w2", "w3"}), "(integer) 4");
}

TEST(ClientPause, AllPauseHoldsReadersTooAndEndsByItself) {
  KeyshardProcess ks;
  ASSERT_TRUE(ks.running());
  Client admin(ks.port());
  ASSERT_EQ(admin.Run({"SET", "k", "v"}), "OK");
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(admin.Run({"CLIENT", "PAUSE", "300", "ALL"}), "OK");
  Client reader(ks.port());
  EXPECT_EQ(reader.Run({"GET", "k"}), "\"v\"");
  // The reply could only come once the pause had ended.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(290));
}

TEST(ClientPause, ClientLeavingWhileHeldIsForgotten) {
  KeyshardProcess ks;
  ASSERT_TRUE(ks.running());
  Client admin(ks.port());
  ASSERT_EQ(admin.Run({"CLIENT", "PAUSE", "100000", "WRITE"}), "OK");
  {
    Client c(ks.port());
    // Sent but never answered while paused; the client goes away.
    c.RunRaw("SET k v\r\n", 0);
  }
  // (An ALL pause would hold the UNPAUSE too, as in Redis.)
  ASSERT_EQ(admin.Run({"CLIENT", "UNPAUSE"}), "OK");
  EXPECT_EQ(admin.Run({"PING"}), "PONG");
}

// A local address that is not loopback, or empty when the machine has none.
std::string NonLoopbackAddress() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  std::string found;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    char buf[INET_ADDRSTRLEN];
    auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if ((ntohl(in->sin_addr.s_addr) >> 24) == 127) continue;
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    found = buf;
    break;
  }
  freeifaddrs(list);
  return found;
}

// What a connection to addr:port reads until the server closes it (at most 4 KB).
std::string ReadUntilClosed(const std::string& addr, int port, bool* closed) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, addr.c_str(), &a.sin_addr);
  std::string out;
  *closed = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const char ping[] = "PING\r\n";
    ::send(fd, ping, sizeof ping - 1, MSG_NOSIGNAL);
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno == ECONNRESET)) *closed = true;  // unread input: a reset
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
      // The DENIED text ends with the close; any other reply is one line.
      if (out.rfind("-DENIED", 0) != 0 && out.find("\r\n") != std::string::npos) break;
    }
  }
  ::close(fd);
  return out;
}

TEST(ProtectedMode, NonLoopbackPeerIsDeniedWithoutPassword) {
  const std::string addr = NonLoopbackAddress();
  if (addr.empty()) GTEST_SKIP() << "no non-loopback IPv4 address on this machine";
  KeyshardProcess ks({"--bind", "0.0.0.0"});
  ASSERT_TRUE(ks.running());
  bool closed = false;
  std::string got = ReadUntilClosed(addr, ks.port(), &closed);
  EXPECT_EQ(got.rfind("-DENIED Redis is running in protected mode", 0), 0u) << got;
  EXPECT_TRUE(closed);
  EXPECT_EQ(ReadUntilClosed("127.0.0.1", ks.port(), &closed), "+PONG\r\n");
  Client local(ks.port());
  EXPECT_EQ(InfoInt(local, "stats", "rejected_connections"), 1);
  // Turned off at run time, the peer is served.
  ASSERT_EQ(local.Run({"CONFIG", "SET", "protected-mode", "no"}), "OK");
  EXPECT_EQ(ReadUntilClosed(addr, ks.port(), &closed), "+PONG\r\n");
}

TEST(ProtectedMode, APasswordLetsNonLoopbackPeersIn) {
  const std::string addr = NonLoopbackAddress();
  if (addr.empty()) GTEST_SKIP() << "no non-loopback IPv4 address on this machine";
  KeyshardProcess ks({"--bind", "0.0.0.0", "--requirepass", "secret"});
  ASSERT_TRUE(ks.running());
  bool closed = false;
  std::string got = ReadUntilClosed(addr, ks.port(), &closed);
  EXPECT_EQ(got.rfind("-NOAUTH", 0), 0u) << got;
}

}  // namespace
}  // namespace ks::test
