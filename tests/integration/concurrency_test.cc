// Many connections hammering one key set at once: INCR totals must add up exactly and an
// MSET over keys on different engines must never be seen half done. The test suite runs
// this again against a ThreadSanitizer build of the server (tools/test.sh).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

// Keys chosen to land on different engines (no hash tags).
const std::vector<std::string> kKeys = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};

TEST(Concurrency, IncrFromManyConnectionsLosesNoUpdate) {
  KeyshardProcess server;
  ASSERT_GT(server.port(), 0);
  constexpr int kThreads = 8, kPerThread = 2000;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client c(server.port());
      for (int i = 0; i < kPerThread; ++i) {
        const std::string& key = kKeys[(t + i) % kKeys.size()];
        std::string r = c.Run({"INCR", key});
        if (r.rfind("(integer) ", 0) != 0) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  Client c(server.port());
  long total = 0;
  for (const auto& k : kKeys) {
    std::string r = c.Run({"GET", k});
    total += std::stol(r.substr(1, r.size() - 2));
  }
  EXPECT_EQ(total, kThreads * kPerThread);
}

TEST(Concurrency, MsetAcrossEnginesIsNeverSeenHalfDone) {
  KeyshardProcess server;
  ASSERT_GT(server.port(), 0);
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0}, reads{0};
  std::vector<std::thread> writers, readers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      Client c(server.port());
      for (int i = 0; i < 1500; ++i) {
        std::vector<std::string> args = {"MSET"};
        std::string v = std::to_string(w) + ":" + std::to_string(i);
        for (const auto& k : kKeys) {
          args.push_back(k);
          args.push_back(v);
        }
        c.Run(args);
      }
    });
  }
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      Client c(server.port());
      std::vector<std::string> args = {"MGET"};
      args.insert(args.end(), kKeys.begin(), kKeys.end());
      while (!stop.load()) {
        std::string reply = c.Run(args);
        ++reads;
        // Every element equals the first: "[x, x, ...]" or all nil before the first MSET.
        std::string first = reply.substr(1, reply.find(',') - 1);
        size_t count = 0, pos = 0;
        while ((pos = reply.find(first, pos)) != std::string::npos) {
          ++count;
          pos += first.size();
        }
        if (count != kKeys.size()) ++torn;
      }
    });
  }
  for (auto& th : writers) th.join();
  stop = true;
  for (auto& th : readers) th.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(torn.load(), 0);
}

// Commands that pick at random, from many connections (so several I/O threads) at once: each
// thread draws from the server's one random source, and under ThreadSanitizer any race on it
// is reported. Every pick must be a member.
TEST(Concurrency, RandomPicksFromManyConnectionsAreMembers) {
  KeyshardProcess server;
  ASSERT_GT(server.port(), 0);
  {
    Client c(server.port());
    std::vector<std::string> sadd = {"SADD", "s"}, hset = {"HSET", "h"}, zadd = {"ZADD", "z"};
    for (int i = 0; i < 200; ++i) {
      std::string m = "m" + std::to_string(i);
      sadd.push_back(m);
      hset.insert(hset.end(), {m, "v"});
      zadd.insert(zadd.end(), {std::to_string(i), m});
    }
    c.Run(sadd);
    c.Run(hset);
    c.Run(zadd);
  }
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      Client c(server.port());
      auto member = [](const std::string& r) { return r.size() > 3 && r[0] == '"' && r[1] == 'm'; };
      for (int i = 0; i < 300; ++i) {
        std::string popped = c.Run({"SPOP", "s"});
        if (!member(popped)) ++bad;
        else c.Run({"SADD", "s", popped.substr(1, popped.size() - 2)});
        for (const char* cmd : {"SRANDMEMBER", "HRANDFIELD", "ZRANDMEMBER"})
          if (!member(c.Run({cmd, cmd[0] == 'S' ? "s" : cmd[0] == 'H' ? "h" : "z"}))) ++bad;
        if (c.Run({"SRANDMEMBER", "s", "-5"}).find("(error)") != std::string::npos) ++bad;
        std::string key = c.Run({"RANDOMKEY"});
        if (key != "\"s\"" && key != "\"h\"" && key != "\"z\"") ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace ks::test
