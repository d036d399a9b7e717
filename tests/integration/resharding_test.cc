// Live slot moves against a real process: writers recording every acknowledged write and
// readers checking that MSET/MGET stay atomic while slots move back and forth, cancel, a
// blocked client following its key, kill -9 in the middle of moves under appendfsync always,
// and, with the AOF on, writers changing the moving keys while they are copied to the target's
// log, a big sorted set, SWAPDB/FLUSHDB during the copy (KEYSHARD MOVE drives the moves here;
// the HTTP API has its own test).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"
#include "tests/support/remote_moves.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

// Adds n members (m0 with score 0, m1 with 1, ...) to a sorted set, 2000 per ZADD.
void LoadZset(Client& c, const std::string& key, int n) {
  for (int i = 0; i < n;) {
    std::vector<std::string> zadd{"ZADD", key};
    for (int end = std::min(n, i + 2000); i < end; ++i) zadd.insert(zadd.end(), {std::to_string(i), "m" + std::to_string(i)});
    ASSERT_EQ(c.Run(zadd).rfind("(integer)", 0), 0u);
  }
}

// DEBUG DIGEST-VALUE of a key (its value's digest, as Redis computes it).
std::string Digest(Client& c, const std::string& key) {
  std::string d = c.Run({"DEBUG", "DIGEST-VALUE", key});
  EXPECT_EQ(d.size(), 42u) << d;  // "<40 hex digits>"
  return d;
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
  CancelAndWaitMove(c, id);
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
    KeyshardProcess first(
        {"--shards", "4", "--appendonly", "yes", "--appendfsync", "always", "--enable-debug-command", "local"});
    ASSERT_TRUE(first.running());
    std::string big_digest;
    {
      Client c(first.port());
      for (int i = 0; i < 2000; ++i) c.Run({"SET", "base:" + std::to_string(i), std::to_string(i)});
      // Copied to the target's log in many parts by every move of its slot: the kill may cut
      // such a copy anywhere.
      LoadZset(c, "bigz", 50000);
      big_digest = Digest(c, "bigz");
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
    KeyshardProcess second({"--dir", first.dir(), "--shards", "4", "--appendonly", "yes", "--enable-debug-command", "local"});
    ASSERT_TRUE(second.running());
    Client c(second.port());
    EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 2004");
    EXPECT_EQ(Digest(c, "bigz"), big_digest);
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
    EXPECT_EQ(c3.Run({"DBSIZE"}), "(integer) 2004");
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

// The flags of the AOF tests below (DEBUG DIGEST compares what comes back with what was there).
std::vector<std::string> AofFlags(const std::string& shards, const std::string& fsync) {
  return {"--shards", shards, "--appendonly", "yes", "--appendfsync", fsync, "--enable-debug-command", "local"};
}

// The same flags on an existing data directory (a restart).
std::vector<std::string> OnDir(std::vector<std::string> flags, const std::string& dir) {
  flags.insert(flags.end(), {"--dir", dir});
  return flags;
}

// A key's type and whole value, as one text.
std::string Probe(Client& c, const std::string& k) {
  std::string t = c.Run({"TYPE", k});
  if (t == "string") return t + " " + c.Run({"GET", k});
  if (t == "list") return t + " " + c.Run({"LRANGE", k, "0", "-1"});
  if (t == "hash") return t + " " + c.Run({"HGETALL", k});
  return t;
}

// Fills each of dbs with n keys "k:<i>" = "<db>-<i>", 1000 per MSET.
void LoadStrings(Client& c, std::initializer_list<int> dbs, int n) {
  for (int db : dbs) {
    c.Run({"SELECT", std::to_string(db)});
    for (int i = 0; i < n;) {
      std::vector<std::string> mset{"MSET"};
      for (int end = std::min(n, i + 1000); i < end; ++i)
        mset.insert(mset.end(), {"k:" + std::to_string(i), std::to_string(db) + "-" + std::to_string(i)});
      ASSERT_EQ(c.Run(mset), "OK");
    }
  }
  c.Run({"SELECT", "0"});
}

// With the AOF on, a batch's keys are copied to the target's log before the batch moves, and
// keys changed after their copy are written again: writers that keep changing the moving keys
// (a key deleted and re-created as another type, a big sorted set growing and shrinking while
// it is copied in parts) must find every acknowledged value before and after a kill -9.
TEST(Resharding, AofMovesWhileWritersChangeTheMovingKeysKeepEveryAcknowledgedValue) {
  const auto flags = AofFlags("4", "everysec");
  KeyshardProcess first(flags);
  ASSERT_TRUE(first.running());
  constexpr int kWriters = 2, kKeys = 300, kBig = 30000;
  {
    Client c(first.port());
    LoadStrings(c, {0}, 40000);  // keys no writer touches
    for (int w = 0; w < kWriters; ++w) LoadZset(c, "grow:" + std::to_string(w), kBig);
  }
  std::atomic<bool> stop{false};
  std::atomic<long> errors{0};
  std::vector<std::map<std::string, std::string>> model(kWriters);  // key -> its Probe
  std::vector<long> zcard(kWriters, kBig);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([&, w] {
      Client c(first.port());
      const std::string grow = "grow:" + std::to_string(w);
      auto expect = [&](const std::string& got, const std::string& want) {
        if (got != want) ++errors;
        return got == want;
      };
      for (long n = 0; !stop && errors == 0; ++n) {
        const std::string k = "w" + std::to_string(w) + ":" + std::to_string(n % kKeys), v = std::to_string(n);
        switch ((n / kKeys) % 4) {
          case 0:
            if (expect(c.Run({"SET", k, "v-" + v}), "OK")) model[w][k] = "string \"v-" + v + "\"";
            break;
          case 1:
            c.Run({"DEL", k});
            if (expect(c.Run({"RPUSH", k, "a-" + v, "b-" + v}), "(integer) 2"))
              model[w][k] = "list [\"a-" + v + "\", \"b-" + v + "\"]";
            break;
          case 2:
            if (expect(c.Run({"DEL", k}), "(integer) 1")) model[w][k] = "none";
            break;
          case 3:
            if (expect(c.Run({"HSET", k, "f", v}), "(integer) 1")) model[w][k] = "hash [\"f\", \"" + v + "\"]";
            break;
        }
        if (expect(c.Run({"ZADD", grow, std::to_string(kBig + n), "x" + v}), "(integer) 1")) ++zcard[w];
        if (n % 10 == 0 && expect(c.Run({"ZREM", grow, "m" + std::to_string(n / 10)}), "(integer) 1")) --zcard[w];
      }
    });
  Client admin(first.port());
  for (int round = 0; round < 4; ++round) {
    std::string r = WaitMove(admin, MoveId(admin.Run({"KEYSHARD", "MOVE", "0-16383", std::to_string((round + 1) % 4)})));
    EXPECT_NE(r.find("\"done\""), std::string::npos) << r;
  }
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(errors.load(), 0);
  auto check = [&](Client& c, const char* when) {
    for (int w = 0; w < kWriters; ++w) {
      EXPECT_GT(model[w].size(), 0u);
      for (auto& [k, want] : model[w]) EXPECT_EQ(Probe(c, k), want) << k << " " << when;
      EXPECT_EQ(IntReply(c.Run({"ZCARD", "grow:" + std::to_string(w)})), zcard[w]) << when;
    }
  };
  check(admin, "before the kill");
  const std::string digest = admin.Run({"DEBUG", "DIGEST"}), slots = admin.Run({"KEYSHARD", "SLOTS"});
  first.Kill();
  KeyshardProcess second(OnDir(flags, first.dir()));
  ASSERT_TRUE(second.running());
  Client c(second.port());
  check(c, "after the kill");
  EXPECT_EQ(c.Run({"DEBUG", "DIGEST"}), digest);
  EXPECT_EQ(c.Run({"KEYSHARD", "SLOTS"}), slots);
}

// A 200000-member sorted set moves without holding both engines for its whole rebuild, and a
// kill -9 right after the move (appendfsync always) brings it back whole.
TEST(Resharding, BigSortedSetMovedUnderAofAlwaysComesBackAfterKill) {
  const auto flags = AofFlags("2", "always");
  KeyshardProcess first(flags);
  ASSERT_TRUE(first.running());
  Client c(first.port());
  LoadZset(c, "big", 200000);
  const std::string digest = Digest(c, "big");
  const std::string slot = c.Run({"CLUSTER", "KEYSLOT", "big"}).substr(10);
  std::atomic<bool> stop{false};
  long acked = 0;
  std::thread writer([&] {  // another key of the same engines keeps being written meanwhile
    Client w(first.port());
    for (long i = 1; !stop; ++i) {
      if (w.Run({"INCR", "other"}) != "(integer) " + std::to_string(i)) return;
      acked = i;
    }
  });
  for (int to : {1, 0}) {  // at least one of them moves the set
    std::string r = WaitMove(c, MoveId(c.Run({"KEYSHARD", "MOVE", slot, std::to_string(to)})));
    EXPECT_NE(r.find("\"done\""), std::string::npos) << r;
    std::cout << "move to " << to << ": " << r << "\n";
  }
  stop = true;
  writer.join();
  const std::string slots = c.Run({"KEYSHARD", "SLOTS"});
  first.Kill();
  KeyshardProcess second(OnDir(flags, first.dir()));
  ASSERT_TRUE(second.running());
  Client c2(second.port());
  EXPECT_EQ(c2.Run({"ZCARD", "big"}), "(integer) 200000");
  EXPECT_EQ(Digest(c2, "big"), digest);
  EXPECT_EQ(c2.Run({"GET", "other"}), "\"" + std::to_string(acked) + "\"");
  EXPECT_EQ(c2.Run({"KEYSHARD", "SLOTS"}), slots);
}

// SWAPDB and FLUSHDB while keys are being copied to the target's log: the copy may then hold
// keys under the other database's name, or keys since flushed; the batch copies again, and
// the logs replay to exactly the data there was.
TEST(Resharding, AofMoveWithSwapdbAndFlushdbDuringTheCopyReplaysToTheSameData) {
  const auto flags = AofFlags("4", "everysec");
  KeyshardProcess first(flags);
  ASSERT_TRUE(first.running());
  Client c(first.port());
  LoadStrings(c, {0, 1, 2}, 30000);
  Client other(first.port());
  int swaps = 0;
  for (int to : {3, 0}) {
    const std::string id = MoveId(c.Run({"KEYSHARD", "MOVE", "0-16383", std::to_string(to)}));
    for (int i = 0; i < 200 && c.Run({"KEYSHARD", "MOVES", id}).find("\"running\"") != std::string::npos; ++i) {
      EXPECT_EQ(other.Run({"SWAPDB", "0", "1"}), "OK");
      ++swaps;
      other.Run({"SELECT", "2"});
      if (i % 5 == 0) EXPECT_EQ(other.Run({"FLUSHDB"}), "OK");
      EXPECT_EQ(other.Run({"SET", "k:" + std::to_string(i), "late"}), "OK");
      other.Run({"SELECT", "0"});
    }
    std::string r = WaitMove(c, id);
    EXPECT_NE(r.find("\"done\""), std::string::npos) << r;
  }
  std::cout << swaps << " SWAPDB during the moves\n";
  std::vector<std::string> sizes;
  for (int db = 0; db < 3; ++db) {
    c.Run({"SELECT", std::to_string(db)});
    sizes.push_back(c.Run({"DBSIZE"}));
  }
  const std::string digest = c.Run({"DEBUG", "DIGEST"});
  first.Kill();
  KeyshardProcess second(OnDir(flags, first.dir()));
  ASSERT_TRUE(second.running());
  Client c2(second.port());
  EXPECT_EQ(c2.Run({"DEBUG", "DIGEST"}), digest);
  for (int db = 0; db < 3; ++db) {
    c2.Run({"SELECT", std::to_string(db)});
    EXPECT_EQ(c2.Run({"DBSIZE"}), sizes[db]) << db;
  }
}

// A move cancelled while its batch is being copied to the target's log leaves that copy
// undone (its DELs follow it): keys deleted afterwards must not come back from it when the
// slot moves to the same engine later and the logs replay.
TEST(Resharding, CancelledCopyLeavesNoStaleKeyInTheTargetsLog) {
  const auto flags = AofFlags("4", "everysec");
  KeyshardProcess first(flags);
  ASSERT_TRUE(first.running());
  Client c(first.port());
  // One slot holding all the keys: its batch is copied in many steps, for the cancel to land
  // in.
  for (int i = 0; i < 20000;) {
    std::vector<std::string> mset{"MSET"};
    for (int end = i + 1000; i < end; ++i) mset.insert(mset.end(), {"{c}k:" + std::to_string(i), "v"});
    ASSERT_EQ(c.Run(mset), "OK");
  }
  LoadZset(c, "{c}big", 100000);
  const std::string slot = c.Run({"CLUSTER", "KEYSLOT", "{c}"}).substr(10);
  const std::string to = slot == "0" ? "1" : std::to_string((std::stoi(slot) / 4096 + 1) % 4);
  // A small move first: once it is done the worker has already taken up the big one (a move
  // cancelled while still queued would never start its copy).
  const std::string other = slot == "16383" ? "0" : "16383";
  const std::string first_id = MoveId(c.Run({"KEYSHARD", "MOVE", other, to}));
  const std::string id = MoveId(c.Run({"KEYSHARD", "MOVE", slot, to}));
  WaitMove(c, first_id);
  std::string cancel = c.Run({"KEYSHARD", "CANCEL", id});
  std::string r = WaitMove(c, id);
  EXPECT_NE(r.find(cancel == "OK" ? "\"cancelled\"" : "\"done\""), std::string::npos) << r;
  for (int i = 0; i < 20000; i += 2) c.Run({"DEL", "{c}k:" + std::to_string(i)});
  c.Run({"DEL", "{c}big"});
  r = WaitMove(c, MoveId(c.Run({"KEYSHARD", "MOVE", slot, to})));
  EXPECT_NE(r.find("\"done\""), std::string::npos) << r;
  const std::string digest = c.Run({"DEBUG", "DIGEST"});
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 10000");
  first.Kill();
  KeyshardProcess second(OnDir(flags, first.dir()));
  ASSERT_TRUE(second.running());
  Client c2(second.port());
  EXPECT_EQ(c2.Run({"DBSIZE"}), "(integer) 10000");
  EXPECT_EQ(c2.Run({"EXISTS", "{c}big", "{c}k:0", "{c}k:19998"}), "(integer) 0");
  EXPECT_EQ(c2.Run({"DEBUG", "DIGEST"}), digest);
}

}  // namespace
}  // namespace ks::test
