// Clients blocked through keyshard on a remote shard (a forwarded BLPOP, BLMOVE, XREAD
// BLOCK...): keyshard's CLIENT UNBLOCK reaches them (the remote's own reply comes back, so
// nothing it popped is lost), CLIENT LIST and INFO show them blocked, and a move of their
// slot away from the remote takes them along (to an engine or another remote) without
// waiting for their timeout. Also: errors a remote replies count in INFO errorstats and the
// command's failed_calls, once.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "tests/integration/remote_cluster.h"
#include "tests/support/processes.h"
#include "tests/support/raw_client.h"

namespace ks::test {
namespace {

using Clock = std::chrono::steady_clock;

// Every slot to `to`, waited for.
void MoveAll(Client& c, const std::string& to) {
  const std::string id = MoveId(c.Run({"KEYSHARD", "MOVE", "0-16383", to}));
  ASSERT_NE(WaitMove(c, id).find("\"done\""), std::string::npos) << to;
}

// The CLIENT LIST line of client `id` on port.
std::string ClientLine(int port, const std::string& id) {
  Client c(port);
  std::string all = c.Run({"CLIENT", "LIST", "ID", id});
  return all;
}

// Polls until the remote at remote_port has `blocked` blocked clients; then client id (blocked
// there through keyshard) must show flags=b in keyshard's CLIENT LIST, as Redis shows it.
bool WaitRemoteBlocked(int ks_port, const std::string& id, int remote_port, int blocked) {
  if (!WaitBlocked(remote_port, blocked)) return false;
  const std::string line = ClientLine(ks_port, id);
  EXPECT_NE(line.find("flags=b "), std::string::npos) << line;
  return true;
}

std::string IdOf(RawClient& c) {
  const std::string r = c.Call({"CLIENT", "ID"});  // ":<n>\r\n"
  return r.substr(1, r.size() - 3);
}

// The set-up of the tests below: every slot on r1, a client c to run commands and a raw
// client w (CLIENT ID id) to block there.
struct AllOnR1 {
  explicit AllOnR1(std::string toml = "") : cl({}, std::move(toml)), c(cl.ks->port()), w(cl.ks->port()) {
    EXPECT_TRUE(cl.ks->running());
    MoveAll(c, "r1");
    id = IdOf(w);
  }
  Cluster cl;
  Client c;
  RawClient w;
  std::string id;
};

TEST(RemoteBlocking, ClientUnblockReachesAClientBlockedOnARemote) {
  AllOnR1 s;
  ASSERT_FALSE(s.id.empty());
  auto& [cl, c, w, id] = s;

  // TIMEOUT: the remote's nil, as a timeout would give; once only.
  w.Send({"BLPOP", "queue", "0"});
  ASSERT_TRUE(WaitRemoteBlocked(cl.ks->port(), id, cl.r1.port(), 1));
  EXPECT_TRUE(WaitBlocked(cl.ks->port(), 1));  // INFO clients counts it, as Redis does
  EXPECT_NE(c.Run({"INFO", "clients"}).find("clients_in_timeout_table:0\r\n"), std::string::npos);
  EXPECT_EQ(c.Run({"CLIENT", "UNBLOCK", id, "TIMEOUT"}), "(integer) 1");
  EXPECT_EQ(w.Next(), "*-1\r\n");
  EXPECT_EQ(c.Run({"CLIENT", "UNBLOCK", id}), "(integer) 0");
  EXPECT_EQ(w.Call({"PING"}), "+PONG\r\n");  // the connection keeps working
  EXPECT_TRUE(WaitBlocked(cl.r1.port(), 0));
  EXPECT_NE(ClientLine(cl.ks->port(), id).find("flags=N "), std::string::npos);

  // ERROR: the remote's UNBLOCKED error. BLMOVE's TIMEOUT: Redis 7.0's null array.
  w.Send({"BLMOVE", "{q}a", "{q}b", "LEFT", "RIGHT", "30"});
  ASSERT_TRUE(WaitRemoteBlocked(cl.ks->port(), id, cl.r1.port(), 1));
  EXPECT_NE(c.Run({"INFO", "clients"}).find("clients_in_timeout_table:1\r\n"), std::string::npos);
  EXPECT_EQ(c.Run({"CLIENT", "UNBLOCK", id, "ERROR"}), "(integer) 1");
  EXPECT_EQ(w.Next(), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
  w.Send({"BLMOVE", "{q}a", "{q}b", "LEFT", "RIGHT", "0"});
  ASSERT_TRUE(WaitRemoteBlocked(cl.ks->port(), id, cl.r1.port(), 1));
  EXPECT_EQ(c.Run({"CLIENT", "UNBLOCK", id, "TIMEOUT"}), "(integer) 1");
  EXPECT_EQ(w.Next(), "*-1\r\n");

  // RESP3, XREAD BLOCK: the remote's RESP3 null.
  EXPECT_EQ(w.Call({"HELLO", "3"}).substr(0, 1), "%");
  w.Send({"XREAD", "BLOCK", "0", "STREAMS", "events", "$"});
  ASSERT_TRUE(WaitRemoteBlocked(cl.ks->port(), id, cl.r1.port(), 1));
  EXPECT_EQ(c.Run({"CLIENT", "UNBLOCK", id}), "(integer) 1");
  EXPECT_EQ(w.Next(), "_\r\n");

  // Still works afterwards: a push through keyshard serves the next BLPOP.
  w.Send({"BLPOP", "queue", "0"});
  ASSERT_TRUE(WaitRemoteBlocked(cl.ks->port(), id, cl.r1.port(), 1));
  EXPECT_EQ(c.Run({"RPUSH", "queue", "job"}), "(integer) 1");
  EXPECT_EQ(w.Next(), "*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n");
  EXPECT_EQ(c.Run({"CLIENT", "UNBLOCK", id}), "(integer) 0");  // not blocked
  // The UNBLOCKED error counts as Redis counts it for the client it unblocks.
  EXPECT_NE(c.Run({"INFO", "errorstats"}).find("errorstat_UNBLOCKED:count=1\r\n"), std::string::npos);
}

// A BLPOP blocked on a remote whose slot moves to an engine, or to the other remote, follows
// it: a push through keyshard at the new owner serves it, and the move does not wait for it
// (remote-timeout here is 5 s; the drain used to give up on such a client only after it).
TEST(RemoteBlocking, ClientBlockedOnARemoteFollowsItsSlotToAnEngineAndToAnotherRemote) {
  AllOnR1 s("remote-timeout = 5000");
  ASSERT_FALSE(s.id.empty());
  auto& [cl, c, w, id] = s;

  // r1 -> r2
  w.Send({"BLPOP", "queue", "0"});
  ASSERT_TRUE(WaitRemoteBlocked(cl.ks->port(), id, cl.r1.port(), 1));
  auto t0 = Clock::now();
  MoveAll(c, "r2");
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(3));
  ASSERT_TRUE(WaitRemoteBlocked(cl.ks->port(), id, cl.r2.port(), 1));
  EXPECT_TRUE(WaitBlocked(cl.r1.port(), 0));
  EXPECT_TRUE(w.Quiet(50));
  EXPECT_EQ(c.Run({"RPUSH", "queue", "first"}), "(integer) 1");
  EXPECT_EQ(w.Next(), "*2\r\n$5\r\nqueue\r\n$5\r\nfirst\r\n");

  // r2 -> engine 1
  w.Send({"BLPOP", "queue", "0"});
  ASSERT_TRUE(WaitRemoteBlocked(cl.ks->port(), id, cl.r2.port(), 1));
  t0 = Clock::now();
  MoveAll(c, "1");
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(3));
  EXPECT_TRUE(WaitBlocked(cl.r2.port(), 0));
  EXPECT_TRUE(WaitBlocked(cl.ks->port(), 1));  // now blocked on the engine
  EXPECT_TRUE(w.Quiet(50));
  EXPECT_EQ(c.Run({"RPUSH", "queue", "second"}), "(integer) 1");
  EXPECT_EQ(w.Next(), "*2\r\n$5\r\nqueue\r\n$6\r\nsecond\r\n");
  EXPECT_EQ(c.Run({"EXISTS", "queue"}), "(integer) 0");
  EXPECT_EQ(w.Call({"PING"}), "+PONG\r\n");
}

// Elements pushed just before a move of their blocked readers' slots are each delivered
// exactly once (popped on the remote and replied, or moved and popped at the new owner), and
// the readers that got nothing keep waiting there.
TEST(RemoteBlocking, ElementsPushedJustBeforeTheMoveAreDeliveredExactlyOnce) {
  Cluster cl({}, "remote-timeout = 5000");
  ASSERT_TRUE(cl.ks->running());
  Client c(cl.ks->port());
  for (int round = 0; round < 3; ++round) {
    MoveAll(c, round % 2 ? "r2" : "r1");
    const int remote_port = round % 2 ? cl.r2.port() : cl.r1.port();
    constexpr int kReaders = 6;
    std::vector<std::unique_ptr<RawClient>> readers;
    for (int i = 0; i < kReaders; ++i) {
      readers.push_back(std::make_unique<RawClient>(cl.ks->port()));
      readers.back()->Send({"BLPOP", "q" + std::to_string(i), "0"});
    }
    ASSERT_TRUE(WaitBlocked(remote_port, kReaders));
    // Half of them get an element pushed in the same pipeline as the move.
    std::string bytes;
    for (int i = 0; i < kReaders; i += 2) bytes += EncodeCommand({"RPUSH", "q" + std::to_string(i), "v" + std::to_string(i)});
    bytes += EncodeCommand({"KEYSHARD", "MOVE", "0-16383", "0"});
    RawClient p(cl.ks->port());
    ASSERT_EQ(::write(p.fd(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    for (int i = 0; i < kReaders; i += 2) EXPECT_EQ(p.Next(), ":1\r\n");
    const std::string moved = p.Next();
    ASSERT_EQ(moved.substr(0, 1), "$") << moved;
    const std::string move_id = moved.substr(moved.find("\r\n") + 2, moved.size() - moved.find("\r\n") - 4);
    ASSERT_NE(WaitMove(c, move_id).find("\"done\""), std::string::npos);
    for (int i = 0; i < kReaders; i += 2) {
      const std::string k = "q" + std::to_string(i), v = "v" + std::to_string(i);
      EXPECT_EQ(readers[i]->Next(), "*2\r\n$2\r\n" + k + "\r\n$2\r\n" + v + "\r\n") << "round " << round;
    }
    EXPECT_TRUE(WaitBlocked(cl.ks->port(), kReaders / 2));
    EXPECT_EQ(Dbsize(cl.ks->port()), 0) << "round " << round;  // nothing left behind or duplicated
    for (int i = 1; i < kReaders; i += 2) {
      const std::string k = "q" + std::to_string(i);
      EXPECT_TRUE(readers[i]->Quiet(0));
      EXPECT_EQ(c.Run({"RPUSH", k, "late"}), "(integer) 1");
      EXPECT_EQ(readers[i]->Next(), "*2\r\n$2\r\n" + k + "\r\n$4\r\nlate\r\n") << "round " << round;
    }
    EXPECT_EQ(Dbsize(cl.ks->port()), 0);
  }
}

// Errors a remote replies count as Redis counts the errors it replies: INFO errorstats by
// code, and the command's failed_calls; a split command's merged error once.
TEST(RemoteBlocking, ForwardedErrorsCountInErrorstatsAndFailedCalls) {
  Cluster cl;
  ASSERT_TRUE(cl.ks->running());
  Client c(cl.ks->port());
  // {a} on r1, the rest on the engines.
  const std::string slot = c.Run({"CLUSTER", "KEYSLOT", "{a}"}).substr(10);
  MoveAll(c, "0");
  const std::string id = MoveId(c.Run({"KEYSHARD", "MOVE", slot, "r1"}));
  ASSERT_NE(WaitMove(c, id).find("\"done\""), std::string::npos);
  EXPECT_EQ(c.Run({"SET", "{a}s", "v"}), "OK");
  EXPECT_EQ(c.Run({"CONFIG", "RESETSTAT"}), "OK");
  EXPECT_EQ(c.Run({"LPUSH", "{a}s", "x"}),
            "(error) WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT_EQ(c.Run({"INCR", "{a}s"}), "(error) ERR value is not an integer or out of range");
  std::string stats = c.Run({"INFO", "errorstats"});
  EXPECT_NE(stats.find("errorstat_WRONGTYPE:count=1\r\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("errorstat_ERR:count=1\r\n"), std::string::npos) << stats;
  std::string cmds = c.Run({"INFO", "commandstats"});
  EXPECT_NE(cmds.find("cmdstat_lpush:calls=1,"), std::string::npos) << cmds;
  EXPECT_NE(cmds.find("rejected_calls=0,failed_calls=1\r\n"), std::string::npos) << cmds;
  EXPECT_NE(c.Run({"INFO", "stats"}).find("total_error_replies:2\r\n"), std::string::npos);

  // MSET split over an engine and r1, r1 out of memory: one OOM, one failed call.
  Client r1(cl.r1.port());
  EXPECT_EQ(r1.Run({"CONFIG", "SET", "maxmemory", "1"}), "OK");
  const std::string mset = c.Run({"MSET", "{a}k", "1", "{b}k", "2"});
  EXPECT_EQ(mset.substr(0, 12), "(error) OOM ") << mset;
  EXPECT_EQ(r1.Run({"CONFIG", "SET", "maxmemory", "0"}), "OK");
  stats = c.Run({"INFO", "errorstats"});
  EXPECT_NE(stats.find("errorstat_OOM:count=1\r\n"), std::string::npos) << stats;
  cmds = c.Run({"INFO", "commandstats"});
  const size_t at = cmds.find("cmdstat_mset:");
  ASSERT_NE(at, std::string::npos) << cmds;
  EXPECT_NE(cmds.substr(at, cmds.find("\r\n", at) - at).find("failed_calls=1"), std::string::npos) << cmds;

  // An error made here for the remote (unreachable) counts as ERR.
  cl.r1.Kill();
  const std::string down = c.Run({"GET", "{a}s"});
  EXPECT_EQ(down.substr(0, 27), "(error) ERR remote shard 'r") << down;
  stats = c.Run({"INFO", "errorstats"});
  EXPECT_NE(stats.find("errorstat_ERR:count=2\r\n"), std::string::npos) << stats;
}

}  // namespace
}  // namespace ks::test
