// Forwarding to remote shards in the execution path (server/core/forward.h), without sockets:
// a fake RemoteShards records what would be sent, a fake DeferredReplies what comes back.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "routing/slots.h"
#include "server/core/errors.h"
#include "server/core/remote_shards.h"
#include "tests/support/direct_client.h"
#include "tests/support/fake_remotes.h"

namespace ks {
namespace {

using test::DirectClient;
using test::Err;
using test::FakeDeferred;
using test::FakeRemotes;
using test::MakeRemote;
using test::TestServer;

class RemoteRouting : public ::testing::Test {
 protected:
  RemoteRouting() : srv(2, test::WithRemotes({"b"})), client(srv) {
    srv.state.set_remotes(&remotes);
    deferred = std::make_shared<FakeDeferred>();
    client.state().deferred = deferred;
    MakeRemote(srv, "{r}");
  }
  TestServer srv;
  DirectClient client;
  FakeRemotes remotes{"b"};
  std::shared_ptr<FakeDeferred> deferred;
};

TEST_F(RemoteRouting, CommandWithAllKeysOnOneRemoteIsForwardedWithTheClientsDbAndProtocol) {
  EXPECT_EQ(client.Run({"SELECT", "5"}), "OK");
  EXPECT_EQ(client.Run({"MSET", "{r}a", "1", "{r}b", "2"}), "");  // the reply comes later
  ASSERT_EQ(remotes.sent.size(), 1u);
  EXPECT_EQ(remotes.sent[0].args, (std::vector<std::string>{"MSET", "{r}a", "1", "{r}b", "2"}));
  EXPECT_EQ(remotes.sent[0].req.db, 5);
  EXPECT_EQ(remotes.sent[0].req.resp, 2);
  EXPECT_EQ(remotes.sent[0].req.client_id, client.state().info->id);
  EXPECT_FALSE(remotes.sent[0].req.blocking);
  remotes.sent[0].done("+OK\r\n");
  EXPECT_EQ(deferred->replies, std::vector<std::string>{"+OK\r\n"});
  // Nothing was written locally: DBSIZE covers every shard, the remote answering 0 here.
  EXPECT_EQ(client.Run({"DBSIZE"}), "");
  ASSERT_EQ(remotes.sent.size(), 2u);
  EXPECT_EQ(remotes.sent[1].args, std::vector<std::string>{"DBSIZE"});
  remotes.sent[1].done(":0\r\n");
  EXPECT_EQ(deferred->replies.back(), ":0\r\n");
}

TEST_F(RemoteRouting, KeysOnARemoteAndAnEngineGetCrossSlotAndNothingRuns) {
  // MSETNX is all or nothing: never split (MSET is, below).
  EXPECT_EQ(client.Run({"MSETNX", "{r}a", "1", "{l}a", "2"}), Err(err::kCrossSlot));
  EXPECT_TRUE(remotes.sent.empty());
  EXPECT_EQ(client.Run({"EXISTS", "{l}a"}), "(integer) 0");
  EXPECT_EQ(client.Run({"SET", "{l}a", "2"}), "OK");  // local keys run here
  EXPECT_TRUE(remotes.sent.empty());
}

TEST_F(RemoteRouting, MsetAcrossARemoteAndAnEngineIsSplitAndMerged) {
  EXPECT_EQ(client.Run({"MSET", "{r}a", "1", "{l}a", "2", "{r}b", "3"}), "");  // merged later
  ASSERT_EQ(remotes.sent.size(), 1u);
  EXPECT_EQ(remotes.sent[0].args, (std::vector<std::string>{"MSET", "{r}a", "1", "{r}b", "3"}));
  EXPECT_EQ(client.Run({"GET", "{l}a"}), "\"2\"");  // the local part ran at once
  EXPECT_TRUE(deferred->replies[0].empty());
  remotes.sent[0].done("+OK\r\n");
  EXPECT_EQ(deferred->replies[0], "+OK\r\n");
  // MGET: values back in key order; a failed part fails the whole reply.
  EXPECT_EQ(client.Run({"MGET", "{r}a", "{l}a", "{r}b"}), "");
  remotes.sent[1].done("*2\r\n$1\r\n1\r\n$1\r\n3\r\n");
  EXPECT_EQ(deferred->replies[1], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(client.Run({"MGET", "{r}a", "{l}a"}), "");
  remotes.sent[2].done("-ERR remote shard 'b' (127.0.0.1:1) unavailable: connection refused\r\n");
  EXPECT_EQ(deferred->replies[2], "-ERR remote shard 'b' (127.0.0.1:1) unavailable: connection refused\r\n");
}

TEST_F(RemoteRouting, BlockingCommandCarriesItsTimeoutAndWaitsForEarlierReplies) {
  client.Run({"GET", "{r}x"});
  // An earlier forwarded reply is outstanding: BLPOP is held back, not sent.
  EXPECT_EQ(client.Run({"BLPOP", "{r}q", "2.5"}), "");
  EXPECT_EQ(remotes.sent.size(), 1u);
  EXPECT_EQ(client.state().remote_wait, RemoteWait::kRetry);
  remotes.sent[0].done("$-1\r\n");
  client.state().remote_wait = RemoteWait::kNo;
  client.Run({"BLPOP", "{r}q", "2.5"});
  ASSERT_EQ(remotes.sent.size(), 2u);
  EXPECT_TRUE(remotes.sent[1].req.blocking);
  EXPECT_EQ(remotes.sent[1].req.block_timeout_ms, 2500);
  EXPECT_EQ(client.state().remote_wait, RemoteWait::kAfter);
}

TEST_F(RemoteRouting, ClientWithoutAConnectionAndTransactionsAreRefusedNotRunLocally) {
  DirectClient plain(srv);  // no DeferredReplies: AOF replay, direct clients
  const std::string err = plain.Run({"SET", "{r}a", "1"});
  EXPECT_NE(err.find("CROSSSLOT"), std::string::npos) << err;
  EXPECT_NE(err.find("'b'"), std::string::npos) << err;
  EXPECT_EQ(client.Run({"MULTI"}), "OK");
  EXPECT_EQ(client.Run({"SET", "{l}t", "1"}), "QUEUED");
  EXPECT_EQ(client.Run({"GET", "{r}t"}), "QUEUED");
  EXPECT_NE(client.Run({"EXEC"}).find("EXECABORT"), std::string::npos);
  EXPECT_EQ(client.Run({"EXISTS", "{l}t"}), "(integer) 0");
  EXPECT_TRUE(remotes.sent.empty());
}

TEST_F(RemoteRouting, SlotThatTurnsRemoteBetweenRoutingAndLockingIsForwarded) {
  const uint16_t slot = KeySlot("{m}k");
  int fired = 0;
  srv.state.shards().set_route_hook_for_test([&] {
    if (fired++) return;
    // A move to a remote flips the owner under the source engine's lock; routing read the
    // old owner just before.
    MakeRemote(srv, "{m}k");
  });
  ASSERT_TRUE(srv.state.shards().slots().Owner(slot).local());
  EXPECT_EQ(client.Run({"SET", "{m}k", "v"}), "");
  srv.state.shards().set_route_hook_for_test(nullptr);
  ASSERT_EQ(remotes.sent.size(), 1u);
  EXPECT_EQ(remotes.sent[0].args[1], "{m}k");
  EXPECT_EQ(client.Run({"DBSIZE"}), "");  // every shard; the remote's part answers 0
  remotes.sent[1].done(":0\r\n");
  EXPECT_EQ(deferred->replies.back(), ":0\r\n");
}

TEST_F(RemoteRouting, FenceHoldsCommandsOnItsSlotsAndOverTheWholeKeyspace) {
  const uint16_t slot[] = {KeySlot("{f}k")};
  srv.state.shards().fence().Raise(slot);
  auto held = [&](const std::vector<std::string>& args) {
    const std::string reply = client.Run(args);
    const bool h = client.state().held && client.state().fence_held;
    client.state().held = client.state().fence_held = false;
    return h ? std::string("held") : reply;
  };
  EXPECT_EQ(held({"GET", "{f}k"}), "held");
  EXPECT_EQ(held({"SET", "{l}k", "v"}), "OK");  // other slots run
  // Whole-keyspace commands would see a fenced slot's keys at both ends or at neither.
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"KEYS", "*"}, {"SCAN", "0"}, {"DBSIZE"}, {"RANDOMKEY"}, {"FLUSHALL"}, {"FLUSHDB"}, {"SWAPDB", "0", "1"}})
    EXPECT_EQ(held(cmd), "held") << cmd[0];
  EXPECT_EQ(held({"PING"}), "PONG");
  EXPECT_EQ(held({"MULTI"}), "OK");
  EXPECT_EQ(held({"FLUSHDB"}), "QUEUED");
  EXPECT_EQ(held({"EXEC"}), "held");  // its queue flushes
  srv.state.shards().fence().Lift(slot);
  // Then refused whole: a transaction runs on one server, and remotes own slots.
  EXPECT_EQ(held({"EXEC"}), Err(err::ExecAbortBecause(err::WholeKeyspaceNotHere("flushdb"))));
  EXPECT_EQ(held({"GET", "{l}k"}), "\"v\"");
  EXPECT_TRUE(remotes.sent.empty());
}

TEST_F(RemoteRouting, WholeKeyspaceCommandsInTransactionsAndScriptsAreRefusedWhileRemotesOwnSlots) {
  ASSERT_EQ(client.Run({"SET", "{l}k", "v"}), "OK");
  for (const char* cmd : {"DBSIZE", "FLUSHALL", "RANDOMKEY"}) {
    EXPECT_EQ(client.Run({"MULTI"}), "OK");
    EXPECT_EQ(client.Run({"SET", "{l}a", "1"}), "QUEUED");
    EXPECT_EQ(client.Run({cmd}), "QUEUED");
    // Nothing of it runs: not even the SET.
    EXPECT_EQ(client.Run({"EXEC"}), Err(err::ExecAbortBecause(err::WholeKeyspaceNotHere(cmd)))) << cmd;
    EXPECT_EQ(client.Run({"EXISTS", "{l}a"}), "(integer) 0");
  }
  // A script with no declared keys runs here: its redis.call gets the error, nothing partial.
  EXPECT_EQ(client.Run({"EVAL", "return redis.pcall('KEYS', '*')", "0"}), Err(err::WholeKeyspaceNotHere("keys")));
  EXPECT_EQ(client.Run({"EVAL", "return redis.pcall('FLUSHDB')", "0"}), Err(err::WholeKeyspaceNotHere("flushdb")));
  EXPECT_EQ(client.Run({"GET", "{l}k"}), "\"v\"");
  EXPECT_TRUE(remotes.sent.empty());
  // A dirty transaction is refused for its errors, as always.
  EXPECT_EQ(client.Run({"MULTI"}), "OK");
  EXPECT_EQ(client.Run({"NOSUCHCOMMAND"}).substr(0, 7), "(error)");
  EXPECT_EQ(client.Run({"DBSIZE"}), "QUEUED");
  EXPECT_EQ(client.Run({"EXEC"}), Err(err::kExecAbort));
  // Once no remote owns a slot, they run here as always.
  std::array<uint16_t, kNumSlots> codes;
  for (int s = 0; s < kNumSlots; ++s) codes[s] = static_cast<uint16_t>(s % 2);
  srv.state.shards().ResetSlots(codes);
  EXPECT_EQ(client.Run({"MULTI"}), "OK");
  EXPECT_EQ(client.Run({"DBSIZE"}), "QUEUED");
  EXPECT_EQ(client.Run({"EXEC"}), "[(integer) 1]");
}

TEST(RemoteSlotMap, RemoteSlotsAnswerTheirHomeEngineAndCount) {
  SlotMap m(4);
  EXPECT_FALSE(m.has_remotes());
  std::array<uint16_t, kNumSlots> codes;
  for (int s = 0; s < kNumSlots; ++s) codes[s] = s < 8192 ? static_cast<uint16_t>(s / 4096) : (kRemoteOwner | 1);
  m.Reset(codes);
  EXPECT_TRUE(m.has_remotes());
  EXPECT_EQ(m.Owner(9000), ShardId::Remote(1));
  EXPECT_EQ(m.CodeOf(9000), kRemoteOwner | 1);
  EXPECT_EQ(m.EngineOf(9000), 9000 * 4 / kNumSlots);  // its home engine, within range
  EXPECT_EQ(m.EngineOf(5000), 1);
  for (int s = 8192; s < kNumSlots; ++s) m.Assign(static_cast<uint16_t>(s), ShardId::Local(0));
  EXPECT_FALSE(m.has_remotes());
}

}  // namespace
}  // namespace ks
