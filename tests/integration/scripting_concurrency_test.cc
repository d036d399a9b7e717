// Scripts against a live keyshard: atomicity across engines with declared and undeclared
// keys while other clients read everything in one command (the total never changes, nothing
// deadlocks), and a script that runs too long: BUSY for others, SCRIPT KILL, UNKILLABLE.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

constexpr int kAccounts = 16;  // untagged: spread over the 8 engines
constexpr int kStart = 1000;

std::string Account(int i) { return "acct:" + std::to_string(i); }

// Moves ARGV[1] from KEYS[1] to KEYS[2] if the balance allows: both keys declared.
const char* kDeclared =
    "local a = tonumber(redis.call('get', KEYS[1])) "
    "if a >= tonumber(ARGV[1]) then "
    "  redis.call('decrby', KEYS[1], ARGV[1]) redis.call('incrby', KEYS[2], ARGV[1]) end "
    "return a";
// The same with the destination NOT declared (as BullMQ's scripts touch keys they compute):
// the script locks its engine when redis.call reaches it.
const char* kUndeclared =
    "local a = tonumber(redis.call('get', KEYS[1])) "
    "if a >= tonumber(ARGV[1]) then "
    "  redis.call('decrby', KEYS[1], ARGV[1]) redis.call('incrby', ARGV[2], ARGV[1]) end "
    "return a";
// Nothing declared at all.
const char* kNoKeys =
    "local a = tonumber(redis.call('get', ARGV[2])) "
    "if a >= tonumber(ARGV[1]) then "
    "  redis.call('decrby', ARGV[2], ARGV[1]) redis.call('incrby', ARGV[3], ARGV[1]) end "
    "return a";
const char* kSumScript =
    "local s = 0 for i = 0, tonumber(ARGV[1]) - 1 do s = s + tonumber(redis.call('get', 'acct:' .. i)) end "
    "return s";

long SumOfMget(const std::string& reply) {
  // "[\"1000\", \"998\", ...]"
  long sum = 0;
  size_t pos = 0;
  while ((pos = reply.find('"', pos)) != std::string::npos) {
    size_t end = reply.find('"', pos + 1);
    sum += std::stol(reply.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return sum;
}

TEST(ScriptingConcurrency, TransfersWithDeclaredAndUndeclaredKeysKeepTheTotal) {
  KeyshardProcess server;
  ASSERT_GT(server.port(), 0);
  {
    Client c(server.port());
    std::vector<std::string> mset = {"MSET"};
    for (int i = 0; i < kAccounts; ++i) {
      mset.push_back(Account(i));
      mset.push_back(std::to_string(kStart));
    }
    ASSERT_EQ(c.Run(mset), "OK");
  }
  const long total = static_cast<long>(kAccounts) * kStart;
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0}, bad_totals{0}, reads{0};
  std::vector<std::thread> movers, readers;
  for (int t = 0; t < 6; ++t) {
    movers.emplace_back([&, t] {
      Client c(server.port());
      for (int i = 0; i < 600; ++i) {
        const int from = (t * 7 + i * 3) % kAccounts, to = (t * 5 + i * 11 + 1) % kAccounts;
        const std::string amount = std::to_string(1 + (i % 7));
        std::string r;
        switch ((t + i) % 3) {
          case 0:
            r = c.Run({"EVAL", kDeclared, "2", Account(from), Account(to), amount});
            break;
          case 1:
            r = c.Run({"EVAL", kUndeclared, "1", Account(from), amount, Account(to)});
            break;
          default:
            r = c.Run({"EVAL", kNoKeys, "0", amount, Account(from), Account(to)});
        }
        if (r.rfind("(integer) ", 0) != 0) {
          ADD_FAILURE() << r;
          ++errors;
        }
      }
    });
  }
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      Client c(server.port());
      std::vector<std::string> mget = {"MGET"};
      for (int i = 0; i < kAccounts; ++i) mget.push_back(Account(i));
      while (!stop.load()) {
        long sum;
        if (t == 2) {
          std::string r = c.Run({"EVAL", kSumScript, "0", std::to_string(kAccounts)});
          sum = std::stol(r.substr(std::string("(integer) ").size()));
        } else {
          sum = SumOfMget(c.Run(mget));
          if (t == 1) c.Run({"KEYS", "acct:*"});  // locks every engine at once
        }
        if (sum != total) ++bad_totals;
        ++reads;
      }
    });
  }
  for (auto& th : movers) th.join();
  stop = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(bad_totals.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_GT(reads.load(), 0);
  Client c(server.port());
  std::vector<std::string> mget = {"MGET"};
  for (int i = 0; i < kAccounts; ++i) mget.push_back(Account(i));
  EXPECT_EQ(SumOfMget(c.Run(mget)), total);
}

// Polls until `cmd` answers `want` or 10 s pass; returns the last reply.
std::string WaitFor(Client& c, const std::vector<std::string>& cmd, const std::string& want) {
  std::string r;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    r = c.Run(cmd);
    if (r == want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return r;
}

const std::string kBusy = "(error) BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";

TEST(ScriptingBusy, LongScriptGetsBusyRepliesAndScriptKillEndsIt) {
  // Two I/O threads: consecutive connections are dealt to different threads, so `other`
  // is served while the script runs on `runner`'s thread.
  KeyshardProcess server({"--threads", "2"});
  ASSERT_GT(server.port(), 0);
  Client runner(server.port());
  Client other(server.port());
  ASSERT_EQ(other.Run({"CONFIG", "SET", "busy-reply-threshold", "50"}), "OK");
  EXPECT_EQ(other.Run({"CONFIG", "GET", "lua-time-limit"}), "[\"lua-time-limit\", \"50\"]");
  EXPECT_EQ(other.Run({"SCRIPT", "KILL"}), "(error) NOTBUSY No scripts in execution right now.");

  std::string script_reply;
  std::thread t([&] { script_reply = runner.Run({"EVAL", "while true do end", "0"}); });
  EXPECT_EQ(WaitFor(other, {"PING"}, kBusy), kBusy);
  EXPECT_EQ(other.Run({"GET", "k"}), kBusy);
  EXPECT_EQ(other.Run({"FUNCTION", "KILL"}).rfind("(error) ", 0), 0u);
  EXPECT_EQ(other.Run({"SCRIPT", "KILL"}), "OK");
  t.join();
  EXPECT_EQ(script_reply,
            "(error) ERR Script killed by user with SCRIPT KILL... script: "
            "694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7, on @user_script:1.");
  EXPECT_EQ(other.Run({"PING"}), "PONG");
  EXPECT_EQ(runner.Run({"PING"}), "PONG");
}

TEST(ScriptingBusy, ScriptThatWroteIsUnkillable) {
  KeyshardProcess server({"--threads", "2"});
  ASSERT_GT(server.port(), 0);
  Client runner(server.port());
  Client other(server.port());
  ASSERT_EQ(other.Run({"CONFIG", "SET", "busy-reply-threshold", "50"}), "OK");
  ASSERT_EQ(other.Run({"SET", "stop", "0"}), "OK");
  std::string script_reply;
  // Writes, then spins for about a second of its own TIME readings.
  std::thread t([&] {
    script_reply = runner.Run({"EVAL",
                               "redis.call('set', 'x', '1') local s = redis.call('time') "
                               "local start = s[1] * 1000000 + s[2] repeat local n = redis.call('time') "
                               "until n[1] * 1000000 + n[2] > start + 1000000 return 1",
                               "0"});
  });
  EXPECT_EQ(WaitFor(other, {"PING"}, kBusy), kBusy);
  EXPECT_EQ(other.Run({"SCRIPT", "KILL"}),
            "(error) UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
            "either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.");
  t.join();
  EXPECT_EQ(script_reply, "(integer) 1");
  EXPECT_EQ(other.Run({"GET", "x"}), "\"1\"");
}

}  // namespace
}  // namespace ks::test
