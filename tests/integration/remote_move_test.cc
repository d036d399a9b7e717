// Live slot moves to and from remote shards, against real processes: keyshard with two
// engines and two redis-server remotes. Keys of every type go local -> remote -> remote ->
// local and are checked through keyshard and on the remotes directly; writers recording
// every acknowledged write run through moves in every direction; a remote refusing writes or
// killed mid-move makes the move fail and roll back; cancel; kill -9 of keyshard mid-move.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/remote_cluster.h"
#include "tests/support/processes.h"
#include "tests/support/raw_client.h"
#include "tests/support/remote_moves.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

// A value's readable image: its type and contents (hash fields and set members sorted,
// since their order is not kept across servers) and whether it has a TTL.
std::string Image(Client& c, const std::string& key) {
  std::string type = c.Run({"TYPE", key});
  std::string body;
  if (type == "string") body = c.Run({"GET", key});
  else if (type == "list") body = c.Run({"LRANGE", key, "0", "-1"});
  else if (type == "zset") body = c.Run({"ZRANGE", key, "0", "-1", "WITHSCORES"});
  else if (type == "stream") body = c.Run({"XRANGE", key, "-", "+"});
  else if (type == "hash" || type == "set") {
    std::string r = c.Run({type == "hash" ? "HKEYS" : "SMEMBERS", key});
    std::vector<std::string> items;
    for (size_t p = 1; p + 1 < r.size();) {
      size_t e = r.find(", ", p);
      if (e == std::string::npos || e > r.size() - 1) e = r.size() - 1;
      items.push_back(r.substr(p, e - p));
      p = e + 2;
    }
    std::sort(items.begin(), items.end());
    for (auto& i : items) body += i + ";";
    if (type == "hash")
      for (auto& i : items) body += c.Run({"HGET", key, i.substr(1, i.size() - 2)}) + ";";
  }
  std::string pttl = c.Run({"PTTL", key});
  return type + "|" + body + "|" + (pttl == "(integer) -1" ? "persist" : pttl == "(integer) -2" ? "gone" : "ttl");
}

std::vector<std::string> WriteEveryType(Client& c, int n) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) {
    std::string s = std::to_string(i);
    c.Run({"SET", "str:" + s, "v" + s});
    c.Run({"SET", "ttl:" + s, "t" + s, "EX", "1000"});
    c.Run({"RPUSH", "list:" + s, "a", "b", s});
    c.Run({"HSET", "hash:" + s, "f1", "x", "f2", s});
    c.Run({"SADD", "set:" + s, "m1", "m2", s});
    c.Run({"ZADD", "zset:" + s, "1", "a", "2.5", s});
    c.Run({"XADD", "stream:" + s, "1-" + std::to_string(i + 1), "f", s});
    c.Run({"PEXPIRE", "hash:" + s, "900000"});
    for (const char* p : {"str:", "ttl:", "list:", "hash:", "set:", "zset:", "stream:"}) keys.push_back(p + s);
  }
  return keys;
}

TEST(RemoteMove, EveryTypeGoesLocalToRemoteToRemoteToLocal) {
  Cluster cl;
  ASSERT_TRUE(cl.ks->running());
  Client c(cl.ks->port());
  std::vector<std::string> keys = WriteEveryType(c, 60);
  std::vector<std::string> before;
  for (auto& k : keys) before.push_back(Image(c, k));
  struct Step {
    const char* to;
    int64_t r1, r2;  // keys each remote holds afterwards
  };
  const int64_t n = static_cast<int64_t>(keys.size());
  for (Step st : {Step{"r1", n, 0}, Step{"r2", 0, n}, Step{"1", 0, 0}, Step{"r2", 0, n}, Step{"0", 0, 0}}) {
    std::string id = MoveId(c.Run({"KEYSHARD", "MOVE", "0-16383", st.to}));
    std::string r = WaitMove(c, id);
    ASSERT_NE(r.find("\"done\""), std::string::npos) << st.to << ": " << r;
    EXPECT_EQ(Dbsize(cl.r1.port()), st.r1) << st.to;
    EXPECT_EQ(Dbsize(cl.r2.port()), st.r2) << st.to;
    for (size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(Image(c, keys[i]), before[i]) << keys[i] << " after move to " << st.to;
  }
  EXPECT_EQ(c.Run({"KEYSHARD", "SLOTS"}), "[[(integer) 0, (integer) 16383, (integer) 0]]");
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) " + std::to_string(n));
}

TEST(RemoteMove, WritersLoseNothingAndSeeNoErrorWhileSlotsMoveEveryWay) {
  Cluster cl;
  ASSERT_TRUE(cl.ks->running());
  constexpr int kWriters = 4;
  std::atomic<bool> stop{false};
  std::vector<long> acked(kWriters, 0);
  std::vector<std::string> first_error(kWriters);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, w] {
      Client c(cl.ks->port());
      for (long i = 1; !stop; ++i) {
        std::string r = c.Run({"INCR", "counter:" + std::to_string(w)});
        if (r != "(integer) " + std::to_string(i)) {
          first_error[w] = "INCR: " + r;
          return;
        }
        r = c.Run({"SET", "w" + std::to_string(w) + ":" + std::to_string(i), std::to_string(i)});
        if (r != "OK") {
          first_error[w] = "SET: " + r;
          return;
        }
        acked[w] = i;
      }
    });
  Client admin(cl.ks->port());
  const char* moves[][2] = {{"0-8191", "r1"}, {"8192-16383", "r2"}, {"0-4000", "r2"}, {"0-16383", "1"},
                            {"0-16383", "r1"}, {"0-16383", "0"}};
  for (auto& m : moves) {
    std::string id = MoveId(admin.Run({"KEYSHARD", "MOVE", m[0], m[1]}));
    std::string r = WaitMove(admin, id);
    EXPECT_NE(r.find("\"done\""), std::string::npos) << m[0] << " -> " << m[1] << ": " << r;
  }
  stop = true;
  for (auto& t : threads) t.join();
  for (int w = 0; w < kWriters; ++w) EXPECT_EQ(first_error[w], "") << "writer " << w;
  Client c(cl.ks->port());
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_GT(acked[w], 0);
    std::string v = c.Run({"GET", "counter:" + std::to_string(w)});
    // The last INCR may have been applied without its reply read: at least every acked one.
    EXPECT_TRUE(v == "\"" + std::to_string(acked[w]) + "\"" || v == "\"" + std::to_string(acked[w] + 1) + "\"") << v;
    for (long i = 1; i <= acked[w]; ++i)
      ASSERT_EQ(c.Run({"GET", "w" + std::to_string(w) + ":" + std::to_string(i)}), "\"" + std::to_string(i) + "\"")
          << "writer " << w << " write " << i;
  }
  EXPECT_EQ(Dbsize(cl.r1.port()), 0);
  EXPECT_EQ(Dbsize(cl.r2.port()), 0);
}

TEST(RemoteMove, RemoteRefusingWritesRollsTheBatchBack) {
  Cluster cl;
  ASSERT_TRUE(cl.ks->running());
  Client c(cl.ks->port());
  for (int i = 0; i < 500; ++i) c.Run({"SET", "key:" + std::to_string(i), std::to_string(i)});
  // A few keys fit, then the remote is out of memory: what it took is rolled back.
  Client r1(cl.r1.port());
  ASSERT_EQ(r1.Run({"CONFIG", "SET", "maxmemory", "1"}), "OK");
  std::string r = WaitMove(c, MoveId(c.Run({"KEYSHARD", "MOVE", "0-16383", "r1"})));
  EXPECT_NE(r.find("\"failed\""), std::string::npos) << r;
  EXPECT_NE(r.find("OOM"), std::string::npos) << r;
  EXPECT_EQ(c.Run({"KEYSHARD", "SLOTS"}).find("r1"), std::string::npos);
  EXPECT_EQ(Dbsize(cl.r1.port()), 0);
  for (int i = 0; i < 500; ++i) ASSERT_EQ(c.Run({"GET", "key:" + std::to_string(i)}), "\"" + std::to_string(i) + "\"");
}

TEST(RemoteMove, RemoteKilledMidMoveFailsAndKeepsLocalSlotsServed) {
  Cluster cl;
  ASSERT_TRUE(cl.ks->running());
  Client c(cl.ks->port());
  constexpr int kKeys = 40000;
  std::string pipeline;
  for (int i = 0; i < kKeys; ++i) {
    std::string k = "key:" + std::to_string(i), v = std::to_string(i);
    pipeline += "*3\r\n$3\r\nSET\r\n$" + std::to_string(k.size()) + "\r\n" + k + "\r\n$" + std::to_string(v.size()) +
                "\r\n" + v + "\r\n";
  }
  c.RunRaw(pipeline, kKeys);
  std::string id = MoveId(c.Run({"KEYSHARD", "MOVE", "0-16383", "r1"}));
  // Once some slots are there, the remote dies.
  for (int i = 0; i < 20000 && c.Run({"KEYSHARD", "MOVES", id}).find("\"slots_done\", (integer) 0,") != std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  cl.r1.Kill();
  std::string r = WaitMove(c, id);
  // (It may also have finished before the kill landed.)
  if (r.find("\"done\"") != std::string::npos) GTEST_SKIP() << "the move finished before the remote died";
  EXPECT_NE(r.find("\"failed\""), std::string::npos) << r;
  // Every slot still local answers with its value; the ones on the dead remote fail cleanly.
  int local = 0;
  for (int i = 0; i < kKeys; i += 3) {
    std::string k = "key:" + std::to_string(i);
    std::string v = c.Run({"GET", k});
    if (v.rfind("(error)", 0) == 0) continue;
    ASSERT_EQ(v, "\"" + std::to_string(i) + "\"") << k;
    ++local;
  }
  EXPECT_GT(local, 0);
}

TEST(RemoteMove, CancelStopsBetweenBatchesWithEveryKeyServed) {
  Cluster cl;
  ASSERT_TRUE(cl.ks->running());
  Client c(cl.ks->port());
  for (int i = 0; i < 3000; ++i) c.Run({"SET", "key:" + std::to_string(i), std::to_string(i)});
  std::string id = MoveId(c.Run({"KEYSHARD", "MOVE", "0-16383", "r2"}));
  CancelAndWaitMove(c, id);
  // DBSIZE sums every shard (the remotes too): a cancel after some batches leaves their keys
  // on r2, each key in exactly one place.
  EXPECT_EQ(Dbsize(cl.ks->port()), 3000);
  for (int i = 0; i < 3000; ++i) ASSERT_EQ(c.Run({"GET", "key:" + std::to_string(i)}), "\"" + std::to_string(i) + "\"");
  EXPECT_EQ(Dbsize(cl.r1.port()), 0);
  EXPECT_EQ(c.Run({"KEYSHARD", "MOVE", "0-10", "nosuch"}), "(error) ERR no engine or remote shard 'nosuch'");
}

// The slot owners after a restart, from KEYSHARD SLOTS ([[from, to, owner], ...]): the owner
// is an engine's number or a remote's name.
std::vector<std::string> SlotOwnersOf(Client& c) {
  std::vector<std::string> owner(16384);
  const std::string r = c.Run({"KEYSHARD", "SLOTS"});
  for (size_t p = r.find('['); (p = r.find('[', p + 1)) != std::string::npos;) {
    const size_t end = r.find(']', p);
    std::string run = r.substr(p + 1, end - p - 1);  // (integer) a, (integer) b, <owner>
    std::vector<std::string> parts;
    for (size_t q = 0; q <= run.size();) {
      size_t e = run.find(", ", q);
      if (e == std::string::npos) e = run.size();
      parts.push_back(run.substr(q, e - q));
      q = e + 2;
    }
    if (parts.size() != 3) continue;
    auto unwrap = [](std::string v) {
      if (v.rfind("(integer) ", 0) == 0) return v.substr(10);
      return v.size() >= 2 && v.front() == '"' ? v.substr(1, v.size() - 2) : v;
    };
    const int from = std::stoi(unwrap(parts[0])), to = std::stoi(unwrap(parts[1]));
    for (int s = from; s <= to; ++s) owner[s] = unwrap(parts[2]);
    p = end;
  }
  return owner;
}

// Every key a redis-server holds (database 0), by SCAN.
std::vector<std::string> AllKeys(int port) {
  Client c(port);
  std::vector<std::string> keys;
  std::string r = c.Run({"KEYS", "*"});
  if (r == "(empty array)") return keys;
  for (size_t p = 1; p + 1 < r.size();) {
    size_t e = r.find(", ", p);
    if (e == std::string::npos) e = r.size() - 1;
    keys.push_back(r.substr(p + 1, e - p - 2));  // without the quotes
    p = e + 2;
  }
  return keys;
}

TEST(RemoteMove, KillDuringRemoteMovesWithAofAlwaysKeepsEveryAcknowledgedWriteOnce) {
  for (int round = 0; round < 2; ++round) {
    Cluster cl({"--appendonly", "yes", "--appendfsync", "always"});
    ASSERT_TRUE(cl.ks->running());
    constexpr int kBase = 2000, kWriters = 3;
    {
      Client c(cl.ks->port());
      for (int i = 0; i < kBase; ++i) c.Run({"SET", "base:" + std::to_string(i), std::to_string(i)});
    }
    std::atomic<bool> stop{false};
    std::vector<long> acked(kWriters, 0);
    std::vector<std::thread> writers;
    // Each acknowledged step is an RPUSH (one list per writer: exactly-once shows in its
    // contents) and a SET of a key of its own (spread over every slot).
    for (int w = 0; w < kWriters; ++w)
      writers.emplace_back([&, w] {
        Client c(cl.ks->port());
        for (long i = 1; !stop; ++i) {
          const std::string v = std::to_string(i);
          if (c.Run({"RPUSH", "list:" + std::to_string(w), v}) != "(integer) " + v) return;
          if (c.Run({"SET", "w" + std::to_string(w) + ":" + v, v}) != "OK") return;
          acked[w] = i;
        }
      });
    std::thread mover([&] {
      Client c(cl.ks->port());
      const char* moves[][2] = {{"0-8191", "r1"}, {"0-16383", "0"}, {"4000-16383", "r2"}, {"0-9000", "r1"},
                                {"0-16383", "1"}};
      for (int i = 0; !stop; ++i) {
        std::string r = c.Run({"KEYSHARD", "MOVE", moves[i % 5][0], moves[i % 5][1]});
        if (r.empty() || r.front() != '"') return;
        WaitMove(c, r.substr(1, r.size() - 2), 60000);
      }
    });
    // Load only: whatever moment the kill hits, the checks below must hold.
    std::this_thread::sleep_for(std::chrono::milliseconds(900 + 400 * round));
    cl.ks->Kill();
    stop = true;
    for (auto& t : writers) t.join();
    mover.join();
    cl.Start({"--appendonly", "yes"});
    ASSERT_TRUE(cl.ks->running());
    Client c(cl.ks->port());
    // A remote holds no key of a slot it does not own (such a copy would be a second one).
    const std::vector<std::string> owner = SlotOwnersOf(c);
    size_t on_remotes = 0;
    for (auto [name, port] : {std::pair<std::string, int>{"r1", cl.r1.port()}, {"r2", cl.r2.port()}})
      for (const std::string& k : AllKeys(port)) {
        const std::string slot = c.Run({"CLUSTER", "KEYSLOT", k}).substr(10);
        EXPECT_EQ(owner[std::stoi(slot)], name) << "round " << round << ": " << k << " (slot " << slot << ") on " << name;
        ++on_remotes;
      }
    for (int i = 0; i < kBase; i += 7)
      ASSERT_EQ(c.Run({"GET", "base:" + std::to_string(i)}), "\"" + std::to_string(i) + "\"") << "round " << round;
    long total = kBase + kWriters;
    for (int w = 0; w < kWriters; ++w) {
      const std::string list = "list:" + std::to_string(w);
      const long len = IntReply(c.Run({"LLEN", list}));
      EXPECT_GE(len, acked[w]) << "round " << round << " writer " << w;
      EXPECT_LE(len, acked[w] + 1) << "round " << round << " writer " << w;
      std::string want = "[";
      for (long i = 1; i <= len; ++i) want += (i > 1 ? ", \"" : "\"") + std::to_string(i) + "\"";
      EXPECT_EQ(c.Run({"LRANGE", list, "0", "-1"}), len ? want + "]" : "(empty array)") << "round " << round;
      for (long i = 1; i <= acked[w]; ++i)
        ASSERT_EQ(c.Run({"GET", "w" + std::to_string(w) + ":" + std::to_string(i)}), "\"" + std::to_string(i) + "\"")
            << "round " << round << " writer " << w;
      const std::string next = c.Run({"GET", "w" + std::to_string(w) + ":" + std::to_string(acked[w] + 1)});
      total += acked[w] + (next != "(nil)");
    }
    // Every key once: DBSIZE sums the engines and the remotes, so a key left in two places
    // would count twice.
    EXPECT_EQ(Dbsize(cl.ks->port()), total) << "round " << round;
    EXPECT_LE(static_cast<int64_t>(on_remotes), total) << "round " << round;
  }
}


// A client blocked on a key whose slot leaves for a remote follows it: its command runs again
// once the slot is there, blocks on the remote, and a push sent through keyshard serves it.
TEST(RemoteMove, ClientsBlockedOnAMovingSlotFollowItToTheRemote) {
  Cluster cl;
  ASSERT_TRUE(cl.ks->running());
  Client c(cl.ks->port());
  RawClient blpop(cl.ks->port());
  RawClient xread(cl.ks->port());
  ASSERT_EQ(c.Run({"XADD", "events", "1-1", "f", "before"}), "\"1-1\"");  // before XREAD's "$"
  blpop.Send({"BLPOP", "queue", "0"});
  xread.Send({"XREAD", "BLOCK", "0", "STREAMS", "events", "$"});
  ASSERT_TRUE(WaitBlocked(cl.ks->port(), 2));
  std::string id = MoveId(c.Run({"KEYSHARD", "MOVE", "0-16383", "r1"}));
  ASSERT_NE(WaitMove(c, id).find("\"done\""), std::string::npos);
  ASSERT_TRUE(WaitBlocked(cl.r1.port(), 2));
  EXPECT_TRUE(blpop.Quiet(50));
  EXPECT_EQ(c.Run({"RPUSH", "queue", "job"}), "(integer) 1");
  EXPECT_EQ(blpop.Next(), "*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n");
  EXPECT_EQ(c.Run({"XADD", "events", "2-1", "f", "after"}), "\"2-1\"");
  const std::string got = xread.Next();
  EXPECT_NE(got.find("2-1"), std::string::npos) << got;
  EXPECT_EQ(got.find("1-1"), std::string::npos) << got;  // "$" kept its meaning
  EXPECT_EQ(Dbsize(cl.r1.port()), 1);                     // the stream; the list was popped
}


}  // namespace
}  // namespace ks::test
