// Live slot moves against a real process: writers recording every acknowledged write and
// readers checking that MSET/MGET stay atomic while slots move back and forth, cancel, a
// blocked client following its key, and kill -9 in the middle of moves under appendfsync
// always (KEYSHARD MOVE drives the moves here; the HTTP API has its own test).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

// The move's id from KEYSHARD MOVE's reply ("\"m3\"").
std::string MoveId(const std::string& reply) {
  EXPECT_EQ(reply.front(), '"') << reply;
  return reply.substr(1, reply.size() - 2);
}

// Waits (polling, bounded) until the move is no longer running; returns its KEYSHARD MOVES
// reply.
std::string WaitMove(Client& c, const std::string& id) {
  std::string r;
  for (int i = 0; i < 3000; ++i) {
    r = c.Run({"KEYSHARD", "MOVES", id});
    if (r.find("\"running\"") == std::string::npos) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "move " << id << " still running: " << r;
  return r;
}

// Keys of a group share nothing but the group number, so they land in different slots.
std::string GroupKey(int g, int i) { return "g" + std::to_string(g) + ":k" + std::to_string(i) + ":x"; }

TEST(Resharding, MovesUnderLoadLoseNoWriteAndKeepMsetMgetAtomic) {
  KeyshardProcess ks({"--shards", "4"});
  ASSERT_TRUE(ks.running());
  constexpr int kWriters = 3, kGroups = 4, kGroupKeys = 6;
  std::atomic<bool> stop{false};
  std::vector<long> acked(kWriters, 0);
  std::atomic<long> torn{0}, reads{0}, errors{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      Client c(ks.port());
      for (long i = 1; !stop; ++i) {
        std::string r = c.Run({"INCR", "counter:" + std::to_string(w)});
        if (r != "(integer) " + std::to_string(i)) {
          ++errors;
          return;
        }
        acked[w] = i;
        // A group's keys are always written together with one value.
        std::vector<std::string> mset{"MSET"};
        for (int k = 0; k < kGroupKeys; ++k) {
          mset.push_back(GroupKey(w % kGroups, k));
          mset.push_back(std::to_string(w) + "-" + std::to_string(i));
        }
        if (c.Run(mset) != "OK") ++errors;
      }
    });
  for (int rd = 0; rd < 2; ++rd)
    threads.emplace_back([&, rd] {
      Client c(ks.port());
      while (!stop) {
        for (int g = 0; g < kGroups; ++g) {
          std::vector<std::string> mget{"MGET"};
          for (int k = 0; k < kGroupKeys; ++k) mget.push_back(GroupKey(g, k));
          std::string r = c.Run(mget);
          // Every element of the array reply ("[a, b, ...]") is the same value (or all nil).
          std::vector<std::string> vals;
          if (r.size() < 2 || r.front() != '[' || r.back() != ']') {
            ++errors;
            continue;
          }
          std::string body = r.substr(1, r.size() - 2);
          for (size_t p = 0; p <= body.size();) {
            size_t e = body.find(", ", p);
            if (e == std::string::npos) e = body.size();
            vals.push_back(body.substr(p, e - p));
            p = e + 2;
          }
          if (vals.size() != kGroupKeys) ++errors;
          for (auto& v : vals)
            if (v != vals[0]) ++torn;
          ++reads;
        }
      }
    });
  // The moves: every slot goes around all engines, in ranges of different sizes.
  Client admin(ks.port());
  const char* ranges[] = {"0-16383", "0-5000,9000-9100", "5001-16383", "0-16383"};
  for (int round = 0; round < 4; ++round) {
    std::string id = MoveId(admin.Run({"KEYSHARD", "MOVE", ranges[round], std::to_string((round + 1) % 4)}));
    std::string r = WaitMove(admin, id);
    EXPECT_NE(r.find("\"done\""), std::string::npos) << r;
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(torn.load(), 0) << "an MGET saw a half-applied MSET";
  EXPECT_GT(reads.load(), 0);
  Client c(ks.port());
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_GT(acked[w], 0);
    EXPECT_EQ(c.Run({"GET", "counter:" + std::to_string(w)}), "\"" + std::to_string(acked[w]) + "\"");
  }
  // Everything ended on engine 0 (the last move), and KEYSHARD SLOTS says so.
  EXPECT_EQ(c.Run({"KEYSHARD", "SLOTS"}), "[[(integer) 0, (integer) 16383, (integer) 0]]");
}

TEST(Resharding, CancelLeavesEveryKeyServed) {
  KeyshardProcess ks({"--shards", "4"});
  ASSERT_TRUE(ks.running());
  Client c(ks.port());
  for (int i = 0; i < 3000; ++i) c.Run({"SET", "key:" + std::to_string(i), std::to_string(i)});
  std::string id = MoveId(c.Run({"KEYSHARD", "MOVE", "0-16383", "2"}));
  std::string cancel = c.Run({"KEYSHARD", "CANCEL", id});
  std::string r = WaitMove(c, id);
  // Either the cancel arrived in time, or the move had already finished.
  if (cancel == "OK")
    EXPECT_NE(r.find("\"cancelled\""), std::string::npos) << r;
  else
    EXPECT_NE(r.find("\"done\""), std::string::npos) << r;
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 3000");
  for (int i = 0; i < 3000; i += 7) EXPECT_EQ(c.Run({"GET", "key:" + std::to_string(i)}), "\"" + std::to_string(i) + "\"");
  EXPECT_EQ(c.Run({"KEYSHARD", "CANCEL", id}).rfind("(error) ERR move " + id + " is already", 0), 0u);
  EXPECT_EQ(c.Run({"KEYSHARD", "CANCEL", "m999"}), "(error) ERR no move m999");
  EXPECT_EQ(c.Run({"KEYSHARD", "MOVE", "0-99", "9"}), "(error) ERR no engine 9 (the active engines are 0-3)");
  EXPECT_EQ(c.Run({"KEYSHARD", "MOVE", "5-3", "1"}),
            "(error) ERR bad slot range '5-3' (want N or N-M with 0 <= N <= M <= 16383)");
}

TEST(Resharding, BlockedClientFollowsItsMovedKey) {
  KeyshardProcess ks({"--shards", "4"});
  ASSERT_TRUE(ks.running());
  Client c(ks.port());
  const std::string slot = c.Run({"CLUSTER", "KEYSLOT", "queue"}).substr(10);
  std::string popped;
  std::thread blocked([&] {
    Client b(ks.port());
    popped = b.Run({"BLPOP", "queue", "10"});
  });
  // Until the client is blocked (INFO clients counts it).
  for (int i = 0; i < 500 && InfoInt(c, "clients", "blocked_clients") < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(InfoInt(c, "clients", "blocked_clients"), 1);
  // Move the slot to every other engine in turn, then push.
  for (int to = 0; to < 4; ++to) WaitMove(c, MoveId(c.Run({"KEYSHARD", "MOVE", slot, std::to_string(to)})));
  EXPECT_EQ(c.Run({"RPUSH", "queue", "job"}), "(integer) 1");
  blocked.join();
  EXPECT_EQ(popped, "[\"queue\", \"job\"]");
}

TEST(Resharding, KillDuringMovesWithAofAlwaysKeepsExactlyTheAcknowledgedData) {
  for (int round = 0; round < 2; ++round) {
    KeyshardProcess first({"--shards", "4", "--appendonly", "yes", "--appendfsync", "always"});
    ASSERT_TRUE(first.running());
    {
      Client c(first.port());
      for (int i = 0; i < 2000; ++i) c.Run({"SET", "base:" + std::to_string(i), std::to_string(i)});
    }
    std::atomic<bool> stop{false};
    std::vector<long> acked(3, 0);
    std::vector<std::thread> writers;
    for (int w = 0; w < 3; ++w)
      writers.emplace_back([&, w] {
        Client c(first.port());
        for (long i = 1; !stop; ++i) {
          if (c.Run({"RPUSH", "list:" + std::to_string(w), std::to_string(i)}) != "(integer) " + std::to_string(i)) return;
          acked[w] = i;
        }
      });
    std::thread mover([&] {
      Client c(first.port());
      for (int i = 0; !stop; ++i) c.Run({"KEYSHARD", "MOVE", i % 2 ? "0-16383" : "0-8000", std::to_string(i % 4)});
    });
    // Load only: whatever moment the kill hits, the checks below must hold.
    std::this_thread::sleep_for(std::chrono::milliseconds(700 + 300 * round));
    first.Kill();
    stop = true;
    for (auto& t : writers) t.join();
    mover.join();
    KeyshardProcess second({"--dir", first.dir(), "--shards", "4", "--appendonly", "yes"});
    ASSERT_TRUE(second.running());
    Client c(second.port());
    EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 2003");
    for (int i = 0; i < 2000; i += 13) EXPECT_EQ(c.Run({"GET", "base:" + std::to_string(i)}), "\"" + std::to_string(i) + "\"");
    for (int w = 0; w < 3; ++w) {
      long len = IntReply(c.Run({"LLEN", "list:" + std::to_string(w)}));
      EXPECT_GE(len, acked[w]) << "round " << round << " writer " << w;
      EXPECT_LE(len, acked[w] + 1);
      if (len > 0) {
        EXPECT_EQ(c.Run({"LINDEX", "list:" + std::to_string(w), "-1"}), "\"" + std::to_string(len) + "\"");
      }
    }
    // A second restart finds the same (the first one's clean-up is durable).
    second.Stop();
    KeyshardProcess third({"--dir", first.dir(), "--shards", "4", "--appendonly", "yes"});
    Client c3(third.port());
    EXPECT_EQ(c3.Run({"DBSIZE"}), "(integer) 2003");
  }
}

TEST(Resharding, SlotMapSurvivesRestartAndRdbHoldsEveryKeyOnce) {
  KeyshardProcess first({"--shards", "4"});
  ASSERT_TRUE(first.running());
  {
    Client c(first.port());
    for (int i = 0; i < 1000; ++i) c.Run({"SET", "k" + std::to_string(i), std::to_string(i)});
    WaitMove(c, MoveId(c.Run({"KEYSHARD", "MOVE", "100-9000", "3"})));
    EXPECT_EQ(c.Run({"SAVE"}), "OK");
  }
  first.Stop();
  KeyshardProcess second({"--dir", first.dir(), "--shards", "4"});
  Client c(second.port());
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 1000");
  EXPECT_EQ(c.Run({"KEYSHARD", "SLOTS"}),
            "[[(integer) 0, (integer) 99, (integer) 0], [(integer) 100, (integer) 9000, (integer) 3], "
            "[(integer) 9001, (integer) 12287, (integer) 2], [(integer) 12288, (integer) 16383, (integer) 3]]");
}

// The engine operations of the admin API from redis-cli: any engine without slots goes,
// the lowest inactive one comes back.
TEST(Resharding, KeyshardEnginesAddAndDelete) {
  KeyshardProcess ks({"--shards", "3", "--max-shards", "4"});
  ASSERT_TRUE(ks.running());
  Client c(ks.port());
  EXPECT_EQ(c.Run({"KEYSHARD", "ENGINES"}),
            "[[(integer) 0, (integer) 5462], [(integer) 1, (integer) 5461], [(integer) 2, (integer) 5461]]");
  EXPECT_EQ(c.Run({"KEYSHARD", "DELENGINE", "1"}), "(error) ERR engine 1 still owns 5461 slots: move them away first");
  EXPECT_EQ(c.Run({"KEYSHARD", "DELENGINE", "x"}), "(error) ERR engine is not an integer");
  EXPECT_EQ(c.Run({"KEYSHARD", "DELENGINE", "3"}), "(error) ERR no engine 3");
  WaitMove(c, MoveId(c.Run({"KEYSHARD", "MOVE", "5462-10922", "2"})));
  EXPECT_EQ(c.Run({"KEYSHARD", "DELENGINE", "1"}), "OK");
  EXPECT_EQ(c.Run({"KEYSHARD", "ENGINES"}), "[[(integer) 0, (integer) 5462], [(integer) 2, (integer) 10922]]");
  EXPECT_EQ(c.Run({"KEYSHARD", "MOVE", "0", "1"}), "(error) ERR no engine 1 (the active engines are 0,2)");
  EXPECT_EQ(c.Run({"KEYSHARD", "ADDENGINE"}), "(integer) 1");
  EXPECT_EQ(c.Run({"KEYSHARD", "ADDENGINE"}), "(integer) 3");
  EXPECT_EQ(c.Run({"KEYSHARD", "ADDENGINE"}), "(error) ERR all 4 engines are in use (raise max-shards)");
}

}  // namespace
}  // namespace ks::test
