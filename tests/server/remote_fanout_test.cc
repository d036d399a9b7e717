// Fan-out over remote shards (server/remote/fanout.h) without sockets: two fake remotes record
// what would be sent; their replies are delivered in any order and the merged reply must come
// out the same, in the client's protocol, in its pipeline slot.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "routing/slots.h"
#include "server/core/errors.h"
#include "server/core/remote_shards.h"
#include "server/remote/fanout.h"
#include "tests/support/direct_client.h"
#include "tests/support/fake_remotes.h"

namespace ks {
namespace {

using test::DirectClient;
using test::Err;
using test::FakeDeferred;
using test::FakeRemotes;
using test::MakeRemote;
using test::Sent;
using test::TestServer;

class RemoteFanoutUnit : public ::testing::Test {
 protected:
  RemoteFanoutUnit() : srv(2, test::WithRemotes({"b", "c"})), client(srv) {
    srv.state.set_remotes(&remotes);
    slots = std::make_shared<FakeDeferred>();
    client.state().deferred = slots;
    // {b} on remote 0, {c} on remote 1, {l} stays on the engines.
    MakeRemote(srv, "{b}", 0);
    MakeRemote(srv, "{c}", 1);
  }
  TestServer srv;
  DirectClient client;
  FakeRemotes remotes{"b", "c"};
  std::shared_ptr<FakeDeferred> slots;
};

TEST_F(RemoteFanoutUnit, MgetMergesByIndexWhicheverRemoteAnswersFirst) {
  client.Run({"SET", "{l}x", "L"});
  for (bool c_first : {false, true}) {
    remotes.sent.clear();
    slots->replies.clear();
    EXPECT_EQ(client.Run({"MGET", "{b}1", "{l}x", "{c}1", "{b}2", "{l}missing"}), "");
    ASSERT_EQ(remotes.sent.size(), 2u);
    EXPECT_EQ(remotes.sent[0].args, (std::vector<std::string>{"MGET", "{b}1", "{b}2"}));
    EXPECT_EQ(remotes.sent[1].args, (std::vector<std::string>{"MGET", "{c}1"}));
    Sent& b = remotes.sent[0];
    Sent& c = remotes.sent[1];
    if (c_first) c.done("*1\r\n$2\r\nC1\r\n");
    b.done("*2\r\n$2\r\nB1\r\n$-1\r\n");
    EXPECT_EQ(slots->replies[0].empty(), !c_first);  // merged only once every part answered
    if (!c_first) c.done("*1\r\n$2\r\nC1\r\n");
    EXPECT_EQ(slots->replies[0], "*5\r\n$2\r\nB1\r\n$1\r\nL\r\n$2\r\nC1\r\n$-1\r\n$-1\r\n");
  }
}

TEST_F(RemoteFanoutUnit, SumOfIntegersAndTheFirstErrorWins) {
  client.Run({"SET", "{l}x", "1"});
  EXPECT_EQ(client.Run({"DEL", "{c}1", "{l}x", "{b}1", "{l}y"}), "");
  remotes.sent[1].done(":1\r\n");  // {b}'s part (sent second: the first key is {c}'s)
  remotes.sent[0].done(":0\r\n");
  EXPECT_EQ(slots->replies[0], ":2\r\n");
  EXPECT_EQ(client.Run({"EXISTS", "{b}1", "{c}1"}), "");
  remotes.sent[3].done("-ERR remote shard 'c' (127.0.0.1:1) timed out: no reply within 1000 ms\r\n");
  remotes.sent[2].done(":1\r\n");
  EXPECT_EQ(slots->replies[1], "-ERR remote shard 'c' (127.0.0.1:1) timed out: no reply within 1000 ms\r\n");
}

TEST_F(RemoteFanoutUnit, WholeKeyspaceCommandsGoToEveryRemoteInResp3Too) {
  client.Run({"HELLO", "3"});
  client.Run({"SET", "{l}x", "1"});
  EXPECT_EQ(client.Run({"KEYS", "*"}), "");
  ASSERT_EQ(remotes.sent.size(), 2u);
  EXPECT_EQ(remotes.sent[0].req.resp, 3);
  remotes.sent[1].done("*1\r\n$4\r\n{c}1\r\n");
  remotes.sent[0].done("*0\r\n");
  // This server's keys first, then each remote's in order.
  EXPECT_EQ(slots->replies[0], "*2\r\n$4\r\n{l}x\r\n$4\r\n{c}1\r\n");
  EXPECT_EQ(client.Run({"DBSIZE"}), "");
  remotes.sent[2].done(":5\r\n");
  remotes.sent[3].done(":7\r\n");
  EXPECT_EQ(slots->replies[1], ":13\r\n");
  EXPECT_EQ(client.Run({"FLUSHALL", "ASYNC"}), "");
  EXPECT_EQ(remotes.sent[4].args, (std::vector<std::string>{"FLUSHALL", "ASYNC"}));
  remotes.sent[4].done("+OK\r\n");
  remotes.sent[5].done("+OK\r\n");
  EXPECT_EQ(slots->replies[2], "+OK\r\n");
}

TEST_F(RemoteFanoutUnit, ScanCursorWalksTheEnginesThenEachRemote) {
  client.Run({"SET", "{l}x", "1"});
  // The engines first: a whole iteration there ends on the first remote's start.
  EXPECT_EQ(client.Run({"SCAN", "0", "COUNT", "100000"}), "");
  EXPECT_TRUE(remotes.sent.empty());
  EXPECT_EQ(slots->replies.size(), 1u);
  const uint64_t remote0 = uint64_t{1} << kScanShardShift, remote1 = uint64_t{2} << kScanShardShift;
  EXPECT_EQ(slots->replies[0], "*2\r\n$" + std::to_string(std::to_string(remote0).size()) + "\r\n" +
                                   std::to_string(remote0) + "\r\n*1\r\n$4\r\n{l}x\r\n");
  // Remote 0 from its start; its cursor 17 becomes remote0 | 17.
  client.Run({"SCAN", std::to_string(remote0), "MATCH", "*"});
  ASSERT_EQ(remotes.sent.size(), 1u);
  EXPECT_EQ(remotes.sent[0].req.remote, 0);
  EXPECT_EQ(remotes.sent[0].args, (std::vector<std::string>{"SCAN", "0", "MATCH", "*"}));
  remotes.sent[0].done("*2\r\n$2\r\n17\r\n*0\r\n");
  EXPECT_EQ(slots->replies[1], "*2\r\n$" + std::to_string(std::to_string(remote0 | 17).size()) + "\r\n" +
                                   std::to_string(remote0 | 17) + "\r\n*0\r\n");
  // Remote 0 done: on to remote 1; remote 1 done: the iteration ends (0).
  client.Run({"SCAN", std::to_string(remote0 | 17)});
  EXPECT_EQ(remotes.sent[1].args[1], "17");
  remotes.sent[1].done("*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_NE(slots->replies[2].find(std::to_string(remote1)), std::string::npos) << slots->replies[2];
  client.Run({"SCAN", std::to_string(remote1)});
  EXPECT_EQ(remotes.sent[2].req.remote, 1);
  remotes.sent[2].done("*2\r\n$1\r\n0\r\n*1\r\n$4\r\n{c}1\r\n");
  EXPECT_EQ(slots->replies[3], "*2\r\n$1\r\n0\r\n*1\r\n$4\r\n{c}1\r\n");
}

TEST_F(RemoteFanoutUnit, WhatCannotBeSplitIsRefusedAndNothingIsSent) {
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"MSETNX", "{b}1", "a", "{l}1", "b"}, {"RENAME", "{b}1", "{c}1"}, {"SUNIONSTORE", "{l}d", "{b}s"}})
    EXPECT_EQ(client.Run(cmd), Err(err::kCrossSlot)) << cmd[0];
  EXPECT_EQ(client.Run({"MSET", "{b}1", "a", "{l}1"}), Err(err::WrongArgs("mset")));
  EXPECT_TRUE(remotes.sent.empty());
  EXPECT_EQ(client.Run({"EXISTS", "{l}1"}), "(integer) 0");
}

TEST_F(RemoteFanoutUnit, ConfigSetSendsItsEncodingThresholdsToEveryRemoteOnceAppliedHere) {
  EXPECT_EQ(client.Run({"CONFIG", "SET", "maxmemory", "1mb", "hash-max-ziplist-entries", "3", "list-compress-depth", "1"}), "");
  EXPECT_EQ(srv.state.config().hash_max_listpack_entries, 3);
  EXPECT_EQ(srv.state.config().maxmemory, 1024 * 1024);
  // Only the options that decide encodings, under their current names, as one CONFIG SET.
  const std::vector<std::string> nv{"hash-max-listpack-entries", "3", "list-compress-depth", "1"};
  std::vector<std::string> want{"CONFIG", "SET"};
  want.insert(want.end(), nv.begin(), nv.end());
  ASSERT_EQ(remotes.sent.size(), 2u);
  for (uint16_t r : {0, 1}) {
    EXPECT_EQ(remotes.sent[r].args, want);
    EXPECT_EQ(remotes.sent[r].req.remote, r);
    EXPECT_EQ(remotes.sent[r].req.client_id, client.state().info->id);  // the client's own connection
  }
  EXPECT_EQ(remotes.remembered, nv);
  remotes.sent[1].done("-NOPERM this user has no permissions\r\n");
  EXPECT_TRUE(slots->replies[0].empty());
  remotes.sent[0].done("+OK\r\n");
  EXPECT_EQ(slots->replies[0], "-ERR remote shard 'c' (127.0.0.1:1) refused it: NOPERM this user has no permissions\r\n");

  // Nothing to send: keyshard's own options run here only; a value keyshard refuses is the
  // reply and reaches no remote, nor is it remembered.
  EXPECT_EQ(client.Run({"CONFIG", "SET", "maxmemory", "2mb"}), "OK");
  EXPECT_EQ(client.Run({"CONFIG", "SET", "set-max-intset-entries", "4", "zset-max-listpack-value", "x"}), "");
  EXPECT_EQ(slots->replies[1].rfind("-ERR CONFIG SET failed (possibly related to argument 'zset-max-listpack-value')", 0), 0u)
      << slots->replies[1];
  EXPECT_EQ(remotes.sent.size(), 2u);
  EXPECT_EQ(remotes.remembered, nv);
  EXPECT_EQ(srv.state.config().set_max_intset_entries, 512);
}

}  // namespace
}  // namespace ks
