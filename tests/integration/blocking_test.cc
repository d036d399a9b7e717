// Blocking list commands over real sockets: served by a push from another connection, FIFO
// among waiters, timeouts, CLIENT UNBLOCK, disconnects, and many producers and consumers
// racing with every element delivered exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

// Polls CLIENT LIST until `count` clients are blocked (flags=b) in a command named cmd.
bool WaitForBlocked(int port, const std::string& cmd, int count) {
  Client c(port);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string list = c.Run({"CLIENT", "LIST"});
    int n = 0;
    for (size_t pos = 0; (pos = list.find(" flags=b ", pos)) != std::string::npos; ++pos) {
      size_t line_end = list.find('\n', pos);
      if (list.substr(pos, line_end - pos).find(" cmd=" + cmd + " ") != std::string::npos) ++n;
    }
    if (n >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

class Blocking : public ::testing::Test {
 protected:
  KeyshardProcess server;
  int port() { return server.port(); }
};

TEST_F(Blocking, BlpopIsServedByAPushOnAnotherEngine) {
  std::string got;
  std::thread waiter([&] {
    Client c(port());
    got = c.Run({"BLPOP", "queue:a", "queue:b", "queue:c", "0"});
  });
  ASSERT_TRUE(WaitForBlocked(port(), "blpop", 1));
  Client p(port());
  EXPECT_EQ(p.Run({"RPUSH", "queue:c", "x", "y"}), "(integer) 2");
  waiter.join();
  EXPECT_EQ(got, "[\"queue:c\", \"x\"]");
  EXPECT_EQ(p.Run({"LRANGE", "queue:c", "0", "-1"}), "[\"y\"]");
}

TEST_F(Blocking, WaitersAreServedFirstComeFirstServed) {
  std::string first, second;
  std::thread a([&] {
    Client c(port());
    first = c.Run({"BRPOP", "fifo", "0"});
  });
  ASSERT_TRUE(WaitForBlocked(port(), "brpop", 1));
  std::thread b([&] {
    Client c(port());
    second = c.Run({"BRPOP", "fifo", "0"});
  });
  ASSERT_TRUE(WaitForBlocked(port(), "brpop", 2));
  Client p(port());
  p.Run({"LPUSH", "fifo", "one"});
  a.join();
  EXPECT_EQ(first, "[\"fifo\", \"one\"]");
  p.Run({"LPUSH", "fifo", "two"});
  b.join();
  EXPECT_EQ(second, "[\"fifo\", \"two\"]");
}

TEST_F(Blocking, TimeoutRepliesNil) {
  Client c(port());
  EXPECT_EQ(c.Run({"BLPOP", "empty", "0.05"}), "(nil)");
  EXPECT_EQ(c.Run({"BLMOVE", "empty", "dst", "LEFT", "RIGHT", "0.05"}), "(nil)");
  // The connection is usable afterwards and nothing was left queued.
  EXPECT_EQ(c.Run({"RPUSH", "empty", "v"}), "(integer) 1");
  EXPECT_EQ(c.Run({"LLEN", "empty"}), "(integer) 1");
}

TEST_F(Blocking, ClientUnblockEndsTheWait) {
  Client c(port());
  std::string id = c.Run({"CLIENT", "ID"}).substr(10);
  std::string got;
  std::thread waiter([&] { got = c.Run({"BLPOP", "never", "0"}); });
  ASSERT_TRUE(WaitForBlocked(port(), "blpop", 1));
  Client admin(port());
  EXPECT_EQ(admin.Run({"CLIENT", "UNBLOCK", id, "ERROR"}), "(integer) 1");
  waiter.join();
  EXPECT_EQ(got, "(error) UNBLOCKED client unblocked via CLIENT UNBLOCK");
  EXPECT_EQ(admin.Run({"CLIENT", "UNBLOCK", id}), "(integer) 0");
  std::thread waiter2([&] { got = c.Run({"BLPOP", "never", "0"}); });
  ASSERT_TRUE(WaitForBlocked(port(), "blpop", 1));
  EXPECT_EQ(admin.Run({"CLIENT", "UNBLOCK", id, "TIMEOUT"}), "(integer) 1");
  waiter2.join();
  EXPECT_EQ(got, "(nil)");
}

TEST_F(Blocking, DisconnectedWaiterLeavesNothingBehind) {
  {
    Client c(port());
    std::thread t([&] { c.RunRaw("*3\r\n$5\r\nBLPOP\r\n$4\r\ngone\r\n$1\r\n0\r\n", 0); });
    t.join();
    ASSERT_TRUE(WaitForBlocked(port(), "blpop", 1));
  }  // closes the socket while blocked
  Client admin(port());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (admin.Run({"CLIENT", "LIST"}).find("flags=b") != std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(admin.Run({"RPUSH", "gone", "kept"}), "(integer) 1");
  EXPECT_EQ(admin.Run({"LRANGE", "gone", "0", "-1"}), "[\"kept\"]");
}

TEST_F(Blocking, BlmoveMovesBetweenEnginesWhenServed) {
  std::string got;
  std::thread waiter([&] {
    Client c(port());
    got = c.Run({"BLMOVE", "from-here", "to-there", "RIGHT", "LEFT", "0"});
  });
  ASSERT_TRUE(WaitForBlocked(port(), "blmove", 1));
  Client p(port());
  p.Run({"RPUSH", "from-here", "a", "b"});
  waiter.join();
  EXPECT_EQ(got, "\"b\"");
  EXPECT_EQ(p.Run({"LRANGE", "to-there", "0", "-1"}), "[\"b\"]");
  EXPECT_EQ(p.Run({"LRANGE", "from-here", "0", "-1"}), "[\"a\"]");
}

TEST_F(Blocking, ChainedBlmoveWakesTheNextWaiter) {
  std::string got1, got2;
  std::thread w2([&] {
    Client c(port());
    got2 = c.Run({"BLPOP", "stage2", "0"});
  });
  ASSERT_TRUE(WaitForBlocked(port(), "blpop", 1));
  std::thread w1([&] {
    Client c(port());
    got1 = c.Run({"BLMOVE", "stage1", "stage2", "LEFT", "LEFT", "0"});
  });
  ASSERT_TRUE(WaitForBlocked(port(), "blmove", 1));
  Client p(port());
  p.Run({"LPUSH", "stage1", "item"});
  w1.join();
  w2.join();
  EXPECT_EQ(got1, "\"item\"");
  EXPECT_EQ(got2, "[\"stage2\", \"item\"]");
}

TEST_F(Blocking, ManyProducersAndConsumersDeliverEachElementOnce) {
  const std::vector<std::string> keys = {"jobs:1", "jobs:2", "jobs:3", "jobs:4", "jobs:5"};
  constexpr int kProducers = 4, kPerProducer = 1500, kConsumers = 4;
  std::atomic<int> remaining{kProducers * kPerProducer};
  std::vector<std::vector<std::string>> received(kConsumers);
  std::vector<std::thread> consumers;
  for (int c = 0; c < kConsumers; ++c) {
    consumers.emplace_back([&, c] {
      Client cl(port());
      std::vector<std::string> args = {"BRPOP"};
      args.insert(args.end(), keys.begin(), keys.end());
      args.push_back("0.2");
      while (remaining.load() > 0) {
        std::string r = cl.Run(args);
        if (r == "(nil)") continue;
        // "[\"key\", \"value\"]"
        size_t v = r.find(", \"");
        received[c].push_back(r.substr(v + 3, r.size() - v - 5));
        --remaining;
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      Client cl(port());
      for (int i = 0; i < kPerProducer; ++i)
        cl.Run({"LPUSH", keys[(p + i) % keys.size()], std::to_string(p) + ":" + std::to_string(i)});
    });
  }
  for (auto& t : producers) t.join();
  for (auto& t : consumers) t.join();
  std::set<std::string> all;
  size_t total = 0;
  for (auto& v : received) {
    total += v.size();
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(total, static_cast<size_t>(kProducers * kPerProducer));
  EXPECT_EQ(all.size(), total) << "an element was delivered twice";
  Client check(port());
  for (const auto& k : keys) EXPECT_EQ(check.Run({"EXISTS", k}), "(integer) 0");
}

TEST_F(Blocking, BzpopminIsServedByZadd) {
  std::string got;
  std::thread waiter([&] {
    Client c(port());
    got = c.Run({"BZPOPMIN", "board:1", "board:2", "0"});
  });
  ASSERT_TRUE(WaitForBlocked(port(), "bzpopmin", 1));
  Client p(port());
  p.Run({"ZADD", "board:2", "5", "five", "1", "one"});
  waiter.join();
  EXPECT_EQ(got, "[\"board:2\", \"one\", \"1\"]");
  EXPECT_EQ(p.Run({"ZRANGE", "board:2", "0", "-1"}), "[\"five\"]");
}

TEST_F(Blocking, WaiterIgnoresAKeyCreatedWithAnotherType) {
  std::string got;
  std::thread waiter([&] {
    Client c(port());
    got = c.Run({"BLPOP", "typed", "0"});
  });
  ASSERT_TRUE(WaitForBlocked(port(), "blpop", 1));
  Client p(port());
  p.Run({"SET", "typed", "string"});
  p.Run({"DEL", "typed"});
  p.Run({"RPUSH", "typed", "finally"});
  waiter.join();
  EXPECT_EQ(got, "[\"typed\", \"finally\"]");
}

// Replies that do not depend on timing match a real redis-server exactly.
TEST(BlockingDiff, ImmediateRepliesAndErrorsMatchRedis) {
  KeyshardProcess ks;
  RedisProcess redis;
  ASSERT_GT(ks.port(), 0);
  ASSERT_GT(redis.port(), 0);
  Client a(ks.port()), b(redis.port());
  const std::vector<std::vector<std::string>> script = {
      {"RPUSH", "l2", "a", "b", "c"},
      {"SET", "str", "v"},
      {"BLPOP", "l1", "l2", "0"},
      {"BRPOP", "l1", "l2", "1"},
      {"BLPOP", "str", "l2", "0"},
      {"BLPOP", "l2", "abc"},
      {"BLPOP", "l2", "-1"},
      {"BLPOP", "l2", "inf"},
      {"BLPOP", "l2"},
      {"BLMOVE", "l2", "dst", "LEFT", "RIGHT", "0"},
      {"RPUSH", "l2", "d", "e", "f"},
      {"BLMOVE", "l2", "dst", "UP", "RIGHT", "0"},
      {"BLMOVE", "l2", "str", "LEFT", "RIGHT", "0"},
      {"BLMOVE", "str", "dst", "LEFT", "RIGHT", "0"},
      {"BRPOPLPUSH", "dst", "l2", "0"},
      {"BRPOPLPUSH", "dst", "l2", "x"},
      {"RPUSH", "m", "1", "2", "3"},
      {"BLMPOP", "0", "2", "none", "m", "LEFT", "COUNT", "2"},
      {"BLMPOP", "0", "1", "m", "RIGHT"},
      {"BLMPOP", "0", "0", "m", "RIGHT"},
      {"BLMPOP", "0", "1", "m", "MIDDLE"},
      {"BLMPOP", "0", "1", "m", "LEFT", "COUNT", "0"},
      {"BLMPOP", "x", "1", "m", "LEFT"},
      {"BLMPOP", "0", "5", "m", "LEFT"},
      {"BLPOP", "l2", "l2", "0"},
      {"ZADD", "z", "1", "a", "2", "b", "3", "c"},
      {"BZPOPMIN", "none", "z", "0"},
      {"BZPOPMAX", "z", "0"},
      {"BZPOPMIN", "str", "z", "0"},
      {"BZPOPMIN", "z", "x"},
      {"BZMPOP", "0", "2", "none", "z", "MIN", "COUNT", "5"},
      {"ZADD", "z", "1", "a", "2", "b", "3", "c"},
      {"BZMPOP", "0", "1", "z", "MAX"},
      {"BZMPOP", "0", "1", "z", "MIDDLE"},
      {"BZMPOP", "0", "0", "z", "MIN"},
      {"BZMPOP", "0", "1", "z", "MIN", "COUNT", "0"},
      {"BZMPOP", "0", "3", "z", "MIN"},
      {"BZMPOP", "-1", "1", "z", "MIN"},
      {"BZMPOP", "0", "1", "str", "MIN"},
      {"BLPOP", "l2", "0.0001"},
      {"BLPOP", "l2", "1e30"},
      {"LRANGE", "l2", "0", "-1"},
      {"LRANGE", "dst", "0", "-1"},
  };
  // Every blocking command in the script finds data or fails at once, so none waits.
  for (const auto& cmd : script) {
    std::string joined;
    for (const auto& s : cmd) joined += s + " ";
    EXPECT_EQ(a.Run(cmd), b.Run(cmd)) << joined;
  }
}

}  // namespace
}  // namespace ks::test
