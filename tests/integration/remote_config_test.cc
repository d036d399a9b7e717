// CONFIG SET of the encoding thresholds through keyshard reaches the remote shards (issue 16):
// a remote key's encoding then follows the same thresholds as an engine's, a pipelined command
// after the CONFIG SET sees it there, a restarted remote gets the values back, options that
// are keyshard's own stay here, and a remote refusing or down is the client's reply.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/remote_cluster.h"

namespace ks::test {
namespace {

using Cmds = std::vector<std::vector<std::string>>;

// The option's value as CONFIG GET on port prints it.
std::string ConfigValue(int port, const std::string& name) {
  Client c(port);
  const std::string r = c.Run({"CONFIG", "GET", name});  // ["name", "value"]
  if (r.size() < 4 || !r.ends_with("\"]")) return r;
  const size_t end = r.size() - 2, q = r.rfind('"', end - 1);
  return q == std::string::npos ? r : r.substr(q + 1, end - q - 1);
}

std::vector<std::string> RunAll(int port, const Cmds& cmds) {
  Client c(port);
  std::vector<std::string> out;
  for (const auto& cmd : cmds) out.push_back(c.Run(cmd));
  return out;
}

// The cluster with the upper half of the slots on r1: {foo} (slot 12182) is there, {bar}
// (5061) on an engine; r2 owns nothing.
struct RemoteHalf : Cluster {
  RemoteHalf() {
    Client c(ks->port());
    const std::string r = WaitMove(c, MoveId(c.Run({"KEYSHARD", "MOVE", "8192-16383", "r1"})));
    EXPECT_NE(r.find("\"done\""), std::string::npos) << r;
  }
};

TEST(RemoteConfig, ThresholdsSetThroughKeyshardConvertRemoteKeysAsRedisDoes) {
  RemoteHalf cl;
  RedisProcess ref;
  Cmds cmds = {{"CONFIG", "SET", "hash-max-listpack-entries", "2", "set-max-intset-entries", "2"},
               {"CONFIG", "SET", "zset-max-ziplist-entries", "2"}};
  for (const char* k : {"{foo}", "{bar}"}) {
    const std::string h = std::string(k) + "h", s = std::string(k) + "s", z = std::string(k) + "z";
    Cmds more = {{"HSET", h, "a", "1", "b", "2"}, {"OBJECT", "ENCODING", h}, {"HSET", h, "c", "3"}, {"OBJECT", "ENCODING", h},
                 {"SADD", s, "1", "2"}, {"OBJECT", "ENCODING", s}, {"SADD", s, "3"}, {"OBJECT", "ENCODING", s},
                 {"ZADD", z, "1", "a", "2", "b"}, {"OBJECT", "ENCODING", z}, {"ZADD", z, "3", "c"}, {"OBJECT", "ENCODING", z}};
    cmds.insert(cmds.end(), more.begin(), more.end());
  }
  const auto via = RunAll(cl.ks->port(), cmds), direct = RunAll(ref.port(), cmds);
  ASSERT_EQ(via.size(), direct.size());
  for (size_t i = 0; i < via.size(); ++i) EXPECT_EQ(via[i], direct[i]) << cmds[i][0] << " " << cmds[i][1] << " " << cmds[i][2];
  EXPECT_EQ(via[3], "\"listpack\"");
  EXPECT_EQ(via[5], "\"hashtable\"");
  // The keys really are on r1, and both remotes (r2 owns no slot yet) got the values.
  EXPECT_EQ(Dbsize(cl.r1.port()), 3);
  for (int port : {cl.r1.port(), cl.r2.port()}) {
    EXPECT_EQ(ConfigValue(port, "hash-max-listpack-entries"), "2");
    EXPECT_EQ(ConfigValue(port, "set-max-intset-entries"), "2");
    EXPECT_EQ(ConfigValue(port, "zset-max-listpack-entries"), "2");
  }
}

TEST(RemoteConfig, CommandPipelinedAfterConfigSetSeesTheNewThresholdOnTheRemote) {
  RemoteHalf cl;
  Client c(cl.ks->port());
  const std::string pipeline =
      "*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$25\r\nhash-max-listpack-entries\r\n$1\r\n1\r\n"
      "*6\r\n$4\r\nHSET\r\n$6\r\n{foo}p\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"
      "*3\r\n$6\r\nOBJECT\r\n$8\r\nENCODING\r\n$6\r\n{foo}p\r\n";
  EXPECT_EQ(c.RunRaw(pipeline, 3), "OK | (integer) 2 | \"hashtable\"");
}

TEST(RemoteConfig, RestartedRemoteGetsTheValuesBackOnReconnect) {
  RemoteHalf cl;
  Client c(cl.ks->port());
  const std::string fresh = ConfigValue(cl.r1.port(), "hash-max-listpack-entries");
  ASSERT_EQ(c.Run({"CONFIG", "SET", "hash-max-listpack-entries", "2", "list-max-listpack-size", "3"}), "OK");
  ASSERT_EQ(c.Run({"CONFIG", "SET", "hash-max-ziplist-entries", "1"}), "OK");  // the later value wins
  const int port = cl.r1.port();
  cl.r1.Kill();
  RedisProcess again({"--port", std::to_string(port)});
  ASSERT_EQ(again.port(), port);
  EXPECT_EQ(ConfigValue(port, "hash-max-listpack-entries"), fresh);  // a new process: its own value
  std::string reply;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10); std::chrono::steady_clock::now() < deadline;) {
    reply = c.Run({"HSET", "{foo}h", "a", "1", "b", "2"});
    if (reply == "(integer) 2") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling the reconnection
  }
  ASSERT_EQ(reply, "(integer) 2");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "{foo}h"}), "\"hashtable\"");
  EXPECT_EQ(ConfigValue(port, "hash-max-listpack-entries"), "1");
  EXPECT_EQ(ConfigValue(port, "list-max-listpack-size"), "3");
}

// CONFIG SET calls a server counted (INFO commandstats; MONITOR does not show CONFIG).
int64_t ConfigSetCalls(int port) {
  Client c(port);
  const std::string info = c.Run({"INFO", "commandstats"});
  const size_t p = info.find("cmdstat_config|set:calls=");
  return p == std::string::npos ? 0 : std::stoll(info.substr(p + 25));
}

// A slot move writes to the remote over connections of its own: they send the values too,
// before any RESTORE, so the moved keys convert as keyshard's did even on a remote restarted
// since (whose pooled connections may not have reconnected yet).
TEST(RemoteConfig, SlotMovesSendTheValuesOnTheirOwnConnections) {
  RemoteHalf cl;
  Client c(cl.ks->port());
  ASSERT_EQ(c.Run({"CONFIG", "SET", "hash-max-listpack-entries", "1"}), "OK");
  ASSERT_EQ(c.Run({"HSET", "{bar}h", "a", "1", "b", "2"}), "(integer) 2");
  ASSERT_EQ(c.Run({"OBJECT", "ENCODING", "{bar}h"}), "\"hashtable\"");
  // Every pooled connection to r2 is up by now (the CONFIG SET went over one): only the
  // move's own connections can send another.
  const int64_t before = ConfigSetCalls(cl.r2.port());
  ASSERT_GE(before, 1);
  const std::string r = WaitMove(c, MoveId(c.Run({"KEYSHARD", "MOVE", std::to_string(5061), "r2"})));  // {bar}
  ASSERT_NE(r.find("\"done\""), std::string::npos) << r;
  EXPECT_GT(ConfigSetCalls(cl.r2.port()), before);
  Client r2(cl.r2.port());
  EXPECT_EQ(r2.Run({"OBJECT", "ENCODING", "{bar}h"}), "\"hashtable\"");
  EXPECT_EQ(c.Run({"HGET", "{bar}h", "b"}), "\"2\"");
}

TEST(RemoteConfig, OnlyTheOptionsThatDecideEncodingsAreSentAndFileValuesStayHere) {
  Cluster cl({}, "hash-max-listpack-entries = 5");
  Client c(cl.ks->port());
  // From the file: keyshard's own; the remotes keep theirs.
  RedisProcess ref;
  EXPECT_EQ(ConfigValue(cl.ks->port(), "hash-max-listpack-entries"), "5");
  EXPECT_EQ(ConfigValue(cl.r1.port(), "hash-max-listpack-entries"), ConfigValue(ref.port(), "hash-max-listpack-entries"));
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory", "100mb", "stream-node-max-entries", "7", "timeout", "300"}), "OK");
  EXPECT_EQ(ConfigValue(cl.ks->port(), "maxmemory"), "104857600");
  for (int port : {cl.r1.port(), cl.r2.port()}) {
    EXPECT_EQ(ConfigValue(port, "stream-node-max-entries"), "7");
    EXPECT_EQ(ConfigValue(port, "maxmemory"), "0");
    EXPECT_EQ(ConfigValue(port, "timeout"), "0");
  }
  // A value keyshard refuses never reaches a remote: keyshard's error, as Redis's.
  Client r(ref.port());
  const Cmds bad = {{"CONFIG", "SET", "list-compress-depth", "2", "hash-max-listpack-value", "nope"}};
  EXPECT_EQ(c.Run(bad[0]), r.Run(bad[0]));
  EXPECT_EQ(ConfigValue(cl.r1.port(), "list-compress-depth"), "0");
}

TEST(RemoteConfig, RemoteRefusingOrDownIsTheReplyAndKeyshardKeepsItsValue) {
  RemoteHalf cl;
  Client c(cl.ks->port());
  Client r1(cl.r1.port());
  ASSERT_EQ(r1.Run({"ACL", "SETUSER", "default", "-config|set"}), "OK");
  const std::string r1_name = "remote shard 'r1' (127.0.0.1:" + std::to_string(cl.r1.port()) + ")";
  std::string err = c.Run({"CONFIG", "SET", "zset-max-listpack-value", "10"});
  EXPECT_EQ(err.rfind("(error) ERR " + r1_name + " refused it: NOPERM", 0), 0u) << err;
  EXPECT_EQ(ConfigValue(cl.ks->port(), "zset-max-listpack-value"), "10");
  EXPECT_EQ(ConfigValue(cl.r2.port(), "zset-max-listpack-value"), "10");
  // The client's connection goes on: later commands there work.
  EXPECT_EQ(c.Run({"SET", "{foo}k", "v"}), "OK");

  ASSERT_EQ(r1.Run({"ACL", "SETUSER", "default", "+config|set"}), "OK");
  const int r2_port = cl.r2.port();
  cl.r2.Kill();
  err = c.Run({"CONFIG", "SET", "set-max-intset-entries", "9"});
  EXPECT_EQ(err.rfind("(error) ERR remote shard 'r2' (127.0.0.1:" + std::to_string(r2_port) + ") unavailable", 0), 0u)
      << err;
  EXPECT_EQ(ConfigValue(cl.ks->port(), "set-max-intset-entries"), "9");
  EXPECT_EQ(ConfigValue(cl.r1.port(), "set-max-intset-entries"), "9");
  EXPECT_EQ(c.Run({"GET", "{foo}k"}), "\"v\"");
}

}  // namespace
}  // namespace ks::test
