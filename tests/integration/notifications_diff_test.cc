// Keyspace notifications against redis-server 7.0: the same command sequences on both with a
// subscriber to __keyspace@*__:* and __keyevent@*__:* on each; the event streams (channel,
// payload, order) must be identical.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/diff_servers.h"
#include "tests/support/raw_client.h"

namespace ks::test {
namespace {

class NotificationsDiff : public DiffTest<DiffCase> {
 protected:
  // Runs the case's commands on the server at port with a subscriber attached; returns every
  // message the subscriber got, ended by a message on "sync" published after the last command.
  std::string Events(int port, const std::vector<Cmd>& cmds) {
    RawClient admin(port);
    admin.Call({"FLUSHALL"});
    admin.Call({"CONFIG", "SET", "notify-keyspace-events", "KEA"});
    RawClient sub(port);
    sub.Send({"PSUBSCRIBE", "__keyspace@*__:*", "__keyevent@*__:*"});
    sub.Next();
    sub.Next();
    sub.Send({"SUBSCRIBE", "sync"});
    sub.Next();
    RawClient c(port);
    std::string out;
    for (const Cmd& cmd : cmds) out += Shown(cmd) + " -> " + c.Call(cmd);
    c.Call({"PUBLISH", "sync", "end"});
    for (;;) {
      std::string m = sub.Next();
      if (m.empty() || m.find("sync") != std::string::npos) break;
      out += m;
    }
    admin.Call({"CONFIG", "SET", "notify-keyspace-events", ""});
    return out;
  }
};

TEST_P(NotificationsDiff, EventStreamMatchesRedis) {
  const auto& cmds = GetParam().cmds;
  EXPECT_EQ(Events(ks_->port(), cmds), Events(redis_->port(), cmds));
}

INSTANTIATE_TEST_SUITE_P(
    Commands, NotificationsDiff,
    ::testing::Values(
        DiffCase{"Strings",
                 {{"SET", "s", "1"}, {"SET", "s", "2", "EX", "100"}, {"SETNX", "s", "3"}, {"SETNX", "t", "3"},
                  {"SETEX", "u", "10", "v"}, {"PSETEX", "u", "10000", "v"}, {"GETSET", "s", "4"},
                  {"MSET", "{m}a", "1", "{m}b", "2"}, {"MSETNX", "{m}c", "1", "{m}d", "2"},
                  {"APPEND", "s", "x"}, {"APPEND", "new", "x"}, {"SETRANGE", "s", "1", "yy"},
                  {"SETRANGE", "none", "0", ""}, {"INCR", "n"}, {"INCRBY", "n", "5"}, {"DECR", "n"},
                  {"DECRBY", "n", "2"}, {"INCRBYFLOAT", "f", "1.5"}, {"GETDEL", "f"}, {"GETDEL", "f"},
                  {"GETEX", "s", "EX", "100"}, {"GETEX", "s", "PERSIST"}, {"GETEX", "s", "PERSIST"},
                  {"GETEX", "s", "PXAT", "1"}, {"SET", "s", "x", "NX", "GET"}, {"SET", "s", "y", "XX"}}},
        DiffCase{"Generic",
                 {{"SET", "a", "1"}, {"EXPIRE", "a", "100"}, {"PEXPIRE", "a", "100000"}, {"PERSIST", "a"},
                  {"PERSIST", "a"}, {"EXPIREAT", "a", "1"}, {"SET", "{r}a", "1"}, {"RENAME", "{r}a", "{r}b"},
                  {"RENAMENX", "{r}b", "{r}c"}, {"SET", "{r}d", "1"}, {"RENAMENX", "{r}c", "{r}d"},
                  {"COPY", "{r}c", "{r}e"}, {"COPY", "{r}c", "{r}f", "DB", "3"}, {"MOVE", "{r}e", "2"},
                  {"DEL", "{r}c", "{r}d", "{r}zz"}, {"UNLINK", "{r}e"}, {"SET", "x", "1"},
                  {"PEXPIREAT", "x", "1"}, {"FLUSHALL"}}},
        DiffCase{"Lists",
                 {{"RPUSH", "l", "a", "b", "c"}, {"LPUSH", "l", "z"}, {"LPUSHX", "l", "y"}, {"RPUSHX", "nol", "y"},
                  {"LPOP", "l"}, {"RPOP", "l", "2"}, {"LPOP", "l", "0"}, {"LSET", "l", "0", "q"},
                  {"LINSERT", "l", "BEFORE", "q", "p"}, {"LINSERT", "l", "BEFORE", "nope", "p"},
                  {"LREM", "l", "0", "p"}, {"LREM", "l", "0", "nope"}, {"RPUSH", "l", "m", "n"}, {"LTRIM", "l", "0", "1"},
                  {"RPUSH", "{l}s", "1", "2"}, {"LMOVE", "{l}s", "{l}d", "LEFT", "RIGHT"},
                  {"RPOPLPUSH", "{l}s", "{l}d"}, {"LMPOP", "2", "{l}x", "{l}d", "RIGHT", "COUNT", "5"},
                  {"LTRIM", "l", "5", "10"}}},
        DiffCase{"Hashes",
                 {{"HSET", "h", "a", "1", "b", "2"}, {"HSET", "h", "a", "1"}, {"HMSET", "h", "c", "3"},
                  {"HSETNX", "h", "a", "9"}, {"HSETNX", "h", "d", "4"}, {"HINCRBY", "h", "a", "2"},
                  {"HINCRBYFLOAT", "h", "a", "0.5"}, {"HDEL", "h", "nope"}, {"HDEL", "h", "a", "b"},
                  {"HDEL", "h", "c", "d"}}},
        DiffCase{"Sets",
                 {{"SADD", "s", "a", "b", "c"}, {"SADD", "s", "a"}, {"SREM", "s", "nope"}, {"SREM", "s", "a"},
                  {"SADD", "{s}1", "x", "y"}, {"SADD", "{s}2", "y", "z"}, {"SMOVE", "{s}1", "{s}2", "x"},
                  {"SMOVE", "{s}1", "{s}2", "y"}, {"SINTERSTORE", "{s}d", "{s}2", "{s}2"},
                  {"SUNIONSTORE", "{s}e", "{s}2", "{s}1"}, {"SDIFFSTORE", "{s}e", "{s}2", "{s}2"},
                  {"SINTERSTORE", "{s}d", "{s}2", "{s}none"},
                  // SPOP picks at random: one member left, so both servers pop the same one.
                  {"SREM", "s", "b"}, {"SPOP", "s"}, {"SADD", "{s}p", "only"}, {"SPOP", "{s}p", "5"}}},
        DiffCase{"SortedSets",
                 {{"ZADD", "z", "1", "a", "2", "b", "3", "c"}, {"ZADD", "z", "1", "a"}, {"ZADD", "z", "5", "a"},
                  {"ZINCRBY", "z", "1", "b"}, {"ZADD", "z", "INCR", "1", "c"}, {"ZREM", "z", "nope"},
                  {"ZREM", "z", "a"}, {"ZADD", "z", "7", "d", "8", "e", "9", "f"},
                  {"ZREMRANGEBYRANK", "z", "0", "0"}, {"ZREMRANGEBYSCORE", "z", "0", "7"},
                  {"ZREMRANGEBYLEX", "z", "-", "[e"}, {"ZPOPMIN", "z"}, {"ZADD", "{z}1", "1", "a", "2", "b"},
                  {"ZADD", "{z}2", "1", "b"}, {"ZUNIONSTORE", "{z}u", "2", "{z}1", "{z}2"},
                  {"ZINTERSTORE", "{z}i", "2", "{z}1", "{z}2"}, {"ZDIFFSTORE", "{z}d", "2", "{z}1", "{z}1"},
                  {"ZRANGESTORE", "{z}r", "{z}1", "0", "0"}, {"ZPOPMAX", "{z}1", "5"},
                  {"ZMPOP", "1", "{z}2", "MIN"}}}),
    CaseName());

}  // namespace
}  // namespace ks::test
