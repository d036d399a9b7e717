// Keyspace notifications and client tracking of keys on a remote shard, against a real
// redis-server owning half the slots: a keyshard subscriber sees the events of writes
// forwarded there and of writes made on the remote directly, and none of a slot move's
// copies; a tracking client (RESP3, RESP2 + REDIRECT, BCAST) is told when a key it read
// through keyshard changes there, however it changed, and a remote restart leaves nothing
// stale. Waits poll with deadlines; nothing sleeps for correctness.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"
#include "tests/support/raw_client.h"
#include "tests/support/remote_moves.h"

namespace ks::test {
namespace {

using Clock = std::chrono::steady_clock;

// The remote "cache-b" owns 8192-16383: {foo} (slot 12182) is there, {bar} (5061) on an engine.
class RemoteEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    remote_ = std::make_unique<RedisProcess>();
    ASSERT_GT(remote_->port(), 0);
    dir_ = MakeTempDir("keyshard-remote-events");
    std::ofstream f(dir_ + "/ks.toml");
    f << "shards = 2\nremote-timeout = 1000\nnotify-keyspace-events = \"" << NotifyFlags() << "\"\n"
      << "[remote.cache-b]\naddress = \"127.0.0.1:" << remote_->port() << "\"\nslots = \"8192-16383\"\n";
    f.close();
    ks_ = std::make_unique<KeyshardProcess>(std::vector<std::string>{"--config", dir_ + "/ks.toml"});
    ASSERT_GT(ks_->port(), 0);
    kc_ = std::make_unique<Client>(ks_->port());
  }
  virtual std::string NotifyFlags() const { return ""; }

  // Polls until cond holds (bounded).
  template <typename F>
  static bool Eventually(F cond, int timeout_ms = 5000) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
      if (cond()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  // The next message or push that contains want, skipping others (bounded).
  static std::string NextWith(RawClient& c, const std::string& want, int timeout_ms = 5000) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
      const std::string m = c.Next(static_cast<int>(
          std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count())));
      if (m.find(want) != std::string::npos) return m;
    }
    return "";
  }

  // keyshard's event link to the remote is connected (it names itself).
  bool LinkUp() {
    Client rc(remote_->port());
    return rc.Run({"CLIENT", "LIST"}).find("name=keyshard-events") != std::string::npos;
  }

  std::unique_ptr<RedisProcess> remote_;
  std::string dir_;
  std::unique_ptr<KeyshardProcess> ks_;
  std::unique_ptr<Client> kc_;
};

class RemoteNotifications : public RemoteEvents {
 protected:
  std::string NotifyFlags() const override { return "KEA"; }
  // The remote was given keyshard's flags and the link subscribed to its events.
  bool RemoteReady() {
    Client rc(remote_->port());
    return rc.Run({"CONFIG", "GET", "notify-keyspace-events"}).find("AKE") != std::string::npos &&
           rc.Run({"PUBSUB", "NUMPAT"}) == "(integer) 2";
  }
};

TEST_F(RemoteNotifications, SubscriberSeesForwardedAndDirectWritesOfRemoteKeys) {
  ASSERT_TRUE(Eventually([&] { return RemoteReady(); }));
  RawClient sub(ks_->port());
  sub.Call({"SUBSCRIBE", "__keyevent@0__:set", "__keyspace@0__:{foo}k"});
  sub.Next();
  sub.Send({"PING"});  // the subscriptions are in place once this is answered
  ASSERT_NE(sub.Next().find("pong"), std::string::npos);

  EXPECT_EQ(kc_->Run({"SET", "{foo}k", "1"}), "OK");  // forwarded to the remote
  // As Redis publishes them: the keyspace channel first.
  EXPECT_EQ(sub.Next(), "*3\r\n$7\r\nmessage\r\n$21\r\n__keyspace@0__:{foo}k\r\n$3\r\nset\r\n");
  EXPECT_EQ(sub.Next(), "*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$6\r\n{foo}k\r\n");

  Client rc(remote_->port());
  EXPECT_EQ(rc.Run({"SET", "{foo}k", "2"}), "OK");  // directly on the remote
  // As Redis publishes them: the keyspace channel first.
  EXPECT_EQ(sub.Next(), "*3\r\n$7\r\nmessage\r\n$21\r\n__keyspace@0__:{foo}k\r\n$3\r\nset\r\n");
  EXPECT_EQ(sub.Next(), "*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$6\r\n{foo}k\r\n");

  // A key of a slot the remote does not own, written there directly, is not keyshard's.
  EXPECT_EQ(rc.Run({"SET", "{bar}k", "x"}), "OK");
  EXPECT_EQ(kc_->Run({"SET", "{foo}marker", "1"}), "OK");
  EXPECT_NE(sub.Next().find("{foo}marker"), std::string::npos);

  // notify-keyspace-events off: the remote is set back and the link unsubscribes.
  EXPECT_EQ(kc_->Run({"CONFIG", "SET", "notify-keyspace-events", ""}), "OK");
  EXPECT_TRUE(Eventually([&] {
    return rc.Run({"CONFIG", "GET", "notify-keyspace-events"}) == "[\"notify-keyspace-events\", \"\"]" &&
           rc.Run({"PUBSUB", "NUMPAT"}) == "(integer) 0";
  }));
  // And on again by CONFIG SET.
  EXPECT_EQ(kc_->Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}), "OK");
  ASSERT_TRUE(Eventually([&] { return RemoteReady(); }));
  EXPECT_EQ(rc.Run({"SET", "{foo}k", "3"}), "OK");
  EXPECT_EQ(NextWith(sub, "__keyevent"), "*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$6\r\n{foo}k\r\n");
}

TEST_F(RemoteNotifications, SlotMovesToAndFromTheRemoteRaiseNoEvents) {
  ASSERT_TRUE(Eventually([&] { return RemoteReady(); }));
  for (int i = 0; i < 20; ++i) kc_->Run({"SET", "{bar}" + std::to_string(i), "v"});  // on an engine
  RawClient sub(ks_->port());
  sub.Call({"PSUBSCRIBE", "__key*@0__:*"});
  sub.Send({"PING"});
  ASSERT_NE(sub.Next().find("pong"), std::string::npos);

  // To the remote (RESTORE there) and back (DEL there): the same keys, no writes.
  const std::string slot = "5061";
  EXPECT_NE(WaitMove(*kc_, MoveId(kc_->Run({"KEYSHARD", "MOVE", slot, "cache-b"}))).find("done"), std::string::npos);
  EXPECT_EQ(kc_->Run({"GET", "{bar}3"}), "\"v\"");
  EXPECT_NE(WaitMove(*kc_, MoveId(kc_->Run({"KEYSHARD", "MOVE", slot, "0"}))).find("done"), std::string::npos);
  EXPECT_EQ(kc_->Run({"GET", "{bar}3"}), "\"v\"");
  EXPECT_EQ(Client(remote_->port()).Run({"DBSIZE"}), "(integer) 0");

  // The first event the subscriber sees is the marker's, written after both moves.
  EXPECT_EQ(kc_->Run({"SET", "{foo}marker", "1"}), "OK");
  const std::string first = sub.Next();
  EXPECT_NE(first.find("{foo}marker"), std::string::npos) << first;
}

TEST_F(RemoteEvents, Resp3TrackingClientIsToldOfEveryChangeAtTheRemote) {
  ASSERT_TRUE(Eventually([&] { return LinkUp(); }));
  Client rc(remote_->port());
  RawClient t(ks_->port());
  t.Call({"HELLO", "3"});
  EXPECT_EQ(t.Call({"CLIENT", "TRACKING", "ON"}), "+OK\r\n");
  const std::string inval = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\n{foo}k\r\n";

  // Changed through keyshard.
  kc_->Run({"SET", "{foo}k", "1"});
  EXPECT_EQ(t.Call({"GET", "{foo}k"}), "$1\r\n1\r\n");
  EXPECT_EQ(kc_->Run({"SET", "{foo}k", "2"}), "OK");
  EXPECT_EQ(t.Next(), inval);

  // Changed on the remote directly.
  EXPECT_EQ(t.Call({"GET", "{foo}k"}), "$1\r\n2\r\n");
  EXPECT_EQ(rc.Run({"INCR", "{foo}k"}), "(integer) 3");
  EXPECT_EQ(t.Next(), inval);

  // Expired on the remote.
  EXPECT_EQ(t.Call({"GET", "{foo}k"}), "$1\r\n3\r\n");
  EXPECT_EQ(rc.Run({"PEXPIRE", "{foo}k", "50"}), "(integer) 1");  // a change: invalidates
  EXPECT_EQ(t.Next(), inval);
  EXPECT_EQ(rc.Run({"SET", "{foo}e", "x", "PX", "100"}), "OK");
  EXPECT_EQ(t.Call({"GET", "{foo}e"}), "$1\r\nx\r\n");
  EXPECT_EQ(NextWith(t, "{foo}e"), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\n{foo}e\r\n");

  // FLUSHALL on the remote: every remote key the client read.
  EXPECT_EQ(t.Call({"GET", "{foo}k"}), "_\r\n");
  rc.Run({"FLUSHALL"});
  EXPECT_NE(NextWith(t, "{foo}k").size(), 0u);
}

TEST_F(RemoteEvents, Resp2RedirectAndOptinGetInvalidationsOfRemoteKeys) {
  ASSERT_TRUE(Eventually([&] { return LinkUp(); }));
  Client rc(remote_->port());
  rc.Run({"SET", "{foo}a", "1"});
  rc.Run({"SET", "{foo}b", "1"});
  RawClient inv(ks_->port());
  const std::string id_reply = inv.Call({"CLIENT", "ID"});  // ":N\r\n"
  const std::string id = id_reply.substr(1, id_reply.size() - 3);
  inv.Call({"SUBSCRIBE", "__redis__:invalidate"});
  RawClient t(ks_->port());
  EXPECT_EQ(t.Call({"CLIENT", "TRACKING", "ON", "REDIRECT", id, "OPTIN"}), "+OK\r\n");
  EXPECT_EQ(t.Call({"GET", "{foo}a"}), "$1\r\n1\r\n");  // not cached: no CACHING YES
  EXPECT_EQ(t.Call({"CLIENT", "CACHING", "YES"}), "+OK\r\n");
  EXPECT_EQ(t.Call({"GET", "{foo}b"}), "$1\r\n1\r\n");
  rc.Run({"SET", "{foo}a", "2"});
  rc.Run({"SET", "{foo}b", "2"});
  EXPECT_EQ(inv.Next(), "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$6\r\n{foo}b\r\n");
}

TEST_F(RemoteEvents, BcastWithAPrefixSeesWritesAtTheRemote) {
  ASSERT_TRUE(Eventually([&] { return LinkUp(); }));
  Client rc(remote_->port());
  RawClient t(ks_->port());
  t.Call({"HELLO", "3"});
  EXPECT_EQ(t.Call({"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "{foo}p"}), "+OK\r\n");
  // The remote starts reporting moments later (the client may first be told to flush):
  // write until the key is reported.
  std::string got;
  ASSERT_TRUE(Eventually([&] {
    rc.Run({"SET", "{foo}p1", "x"});
    got = NextWith(t, "{foo}p1", 50);
    return !got.empty();
  }));
  EXPECT_EQ(got, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\n{foo}p1\r\n");
  // Keys outside the prefix are not reported; one through keyshard is.
  rc.Run({"SET", "{foo}q", "x"});
  EXPECT_EQ(kc_->Run({"SET", "{foo}p2", "y"}), "OK");
  EXPECT_EQ(NextWith(t, "invalidate"), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\n{foo}p2\r\n");
}

TEST_F(RemoteEvents, RemoteRestartLeavesNoStaleTrackedKey) {
  ASSERT_TRUE(Eventually([&] { return LinkUp(); }));
  {
    Client rc(remote_->port());
    rc.Run({"SET", "{foo}k", "old"});
  }
  RawClient t(ks_->port());
  t.Call({"HELLO", "3"});
  t.Call({"CLIENT", "TRACKING", "ON"});
  EXPECT_EQ(t.Call({"GET", "{foo}k"}), "$3\r\nold\r\n");
  // The remote restarts empty on the same port: what the client read is gone there.
  const int port = remote_->port();
  remote_->Kill();
  remote_ = std::make_unique<RedisProcess>(std::vector<std::string>{"--port", std::to_string(port)});
  ASSERT_EQ(remote_->port(), port);
  EXPECT_EQ(NextWith(t, "{foo}k"), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\n{foo}k\r\n");
  // Tracking works again once the link is back: read, change there, told.
  ASSERT_TRUE(Eventually([&] { return LinkUp(); }));
  std::string r;
  ASSERT_TRUE(Eventually([&] { return (r = t.Call({"GET", "{foo}k"})) == "_\r\n"; })) << r;
  Client rc(remote_->port());
  rc.Run({"SET", "{foo}k", "new"});
  EXPECT_EQ(NextWith(t, "{foo}k"), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\n{foo}k\r\n");
}

}  // namespace
}  // namespace ks::test
