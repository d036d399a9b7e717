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
  std::string Events(int port, const std::vector<Cmd>& cmds, const std::string& flags = "KEA") {
    RawClient admin(port);
    admin.Call({"FLUSHALL"});
    admin.Call({"CONFIG", "SET", "notify-keyspace-events", flags});
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

// Each event's class: with one class enabled at a time, only that class's events arrive.
TEST_P(NotificationsDiff, EventClassesMatchRedis) {
  const auto& cmds = GetParam().cmds;
  for (const char* flags : {"Kg", "K$", "El", "Es", "Kh", "Ez", "Kt", "Exe"})
    EXPECT_EQ(Events(ks_->port(), cmds, flags), Events(redis_->port(), cmds, flags)) << flags;
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
                  {"ZMPOP", "1", "{z}2", "MIN"}}},
        DiffCase{"Bitmaps",
                 {{"SETBIT", "b", "7", "1"}, {"SETBIT", "b", "7", "1"}, {"SETBIT", "nb", "3", "0"},
                  {"BITFIELD", "bf", "SET", "u8", "0", "255"}, {"BITFIELD", "bf", "GET", "u8", "0"},
                  {"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1"},
                  {"BITFIELD", "bf", "INCRBY", "u8", "0", "1"}, {"BITFIELD", "nbf", "GET", "u8", "0"},
                  {"BITFIELD_RO", "bf", "GET", "u4", "0"}, {"SET", "{b}1", "ab"}, {"SET", "{b}2", "cd"},
                  {"BITOP", "AND", "{b}d", "{b}1", "{b}2"}, {"BITOP", "NOT", "{b}n", "{b}1"},
                  {"BITOP", "OR", "{b}d", "{b}none", "{b}none2"}, {"BITOP", "XOR", "{b}x", "{b}none"},
                  // An unchanged bit still counts when the string grew; a FAIL on a new key does not.
                  {"SETBIT", "b", "100", "0"}, {"SETBIT", "b", "100", "0"},
                  {"BITFIELD", "nbf", "OVERFLOW", "FAIL", "SET", "i8", "0", "300"},
                  {"BITFIELD", "bf", "SET", "u8", "0", "0", "GET", "u8", "0"},
                  {"BITFIELD", "bf", "SET", "u8", "0", "1", "SET", "u8", "0", "1"}}},
        DiffCase{"HyperLogLogs",
                 {{"PFADD", "h", "a", "b", "c"}, {"PFADD", "h", "a"}, {"PFADD", "h2"}, {"PFADD", "h2"},
                  {"PFCOUNT", "h"}, {"PFCOUNT", "h"}, {"PFADD", "{h}1", "x", "y"}, {"PFADD", "{h}2", "y", "z"},
                  {"PFCOUNT", "{h}1", "{h}2"}, {"PFMERGE", "{h}d", "{h}1", "{h}2"}, {"PFMERGE", "{h}e"},
                  {"PFMERGE", "{h}1", "{h}none"}, {"PFDEBUG", "TODENSE", "h"}, {"PFDEBUG", "TODENSE", "h"},
                  {"PFCOUNT", "nope"}}},
        DiffCase{"Geo",
                 {{"GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
                  {"GEOADD", "g", "13.361389", "38.115556", "Palermo"},
                  {"GEOADD", "g", "XX", "13.5", "38.1", "Palermo"}, {"GEOADD", "g", "NX", "13.5", "38.1", "Palermo"},
                  {"GEOADD", "g", "CH", "12", "38", "Palermo", "14", "37", "Agrigento"},
                  {"GEOADD", "{g}s", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
                  {"GEOSEARCHSTORE", "{g}d", "{g}s", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"},
                  {"GEOSEARCHSTORE", "{g}e", "{g}s", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"},
                  {"GEOSEARCHSTORE", "{g}d", "{g}s", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
                  {"GEORADIUS", "{g}s", "15", "37", "200", "km", "STORE", "{g}r"},
                  {"GEORADIUS", "{g}s", "15", "37", "200", "km", "STOREDIST", "{g}r2"},
                  {"GEORADIUSBYMEMBER", "{g}s", "Palermo", "300", "km", "STORE", "{g}r3"},
                  {"GEORADIUS", "{g}s", "0", "0", "1", "km", "STORE", "{g}r"},
                  {"GEORADIUS", "{g}s", "0", "0", "1", "km", "STORE", "{g}never"}}},
        DiffCase{"Sort",
                 {{"RPUSH", "{o}l", "3", "1", "2"}, {"SORT", "{o}l", "STORE", "{o}d"},
                  {"SORT", "{o}l", "LIMIT", "0", "1", "STORE", "{o}d"}, {"SORT", "{o}none", "STORE", "{o}d"},
                  {"SORT", "{o}none", "STORE", "{o}never"}, {"SADD", "{o}s", "b", "a"},
                  {"SORT", "{o}s", "ALPHA", "STORE", "{o}s"}, {"SORT", "{o}l"}}},
        DiffCase{"Streams",
                 {{"XADD", "x", "1-1", "a", "1"}, {"XADD", "x", "1-2", "b", "2"}, {"XADD", "x", "MAXLEN", "2", "2-1", "c", "3"},
                  {"XADD", "x", "MAXLEN", "5", "2-2", "d", "4"}, {"XADD", "nx", "NOMKSTREAM", "1-1", "a", "1"},
                  {"XADD", "x", "1-1", "a", "1"}, {"XDEL", "x", "9-9"}, {"XDEL", "x", "2-2"}, {"XTRIM", "x", "MAXLEN", "5"},
                  {"XTRIM", "x", "MAXLEN", "1"}, {"XSETID", "x", "5-0"}, {"XGROUP", "CREATE", "x", "g", "0"},
                  {"XGROUP", "CREATE", "x", "g", "0"}, {"XGROUP", "CREATE", "y", "g", "$", "MKSTREAM"},
                  {"XGROUP", "CREATECONSUMER", "x", "g", "c"}, {"XGROUP", "CREATECONSUMER", "x", "g", "c"},
                  {"XADD", "x", "6-0", "e", "5"}, {"XADD", "x", "7-0", "f", "6"},
                  {"XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "STREAMS", "x", ">"},
                  {"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "x", "0"},
                  {"XREADGROUP", "GROUP", "g", "c3", "NOACK", "STREAMS", "x", ">"},
                  {"XREADGROUP", "GROUP", "g", "c3", "STREAMS", "x", ">"},
                  {"XCLAIM", "x", "g", "c4", "0", "6-0"}, {"XCLAIM", "x", "g", "c4", "0", "99-0"},
                  {"XCLAIM", "x", "g", "c5", "0", "6-0", "JUSTID"},
                  {"XAUTOCLAIM", "x", "g", "c6", "0", "0-0"}, {"XAUTOCLAIM", "x", "g", "c7", "0", "0-0", "JUSTID"},
                  {"XACK", "x", "g", "6-0"}, {"XGROUP", "SETID", "x", "g", "0"},
                  {"XGROUP", "DELCONSUMER", "x", "g", "c2"}, {"XGROUP", "DELCONSUMER", "x", "g", "nobody"},
                  {"XGROUP", "DESTROY", "x", "g"}, {"XGROUP", "DESTROY", "x", "g"}, {"XDEL", "x", "6-0", "7-0"},
                  {"XTRIM", "x", "MINID", "0"}}},
        DiffCase{"StreamConsumers",
                 // Consumers are created only by a read that serves, a claim that claims, or
                 // XGROUP CREATECONSUMER.
                 {{"XADD", "x", "1-1", "a", "1"}, {"XGROUP", "CREATE", "x", "g", "$"},
                  {"XREADGROUP", "GROUP", "g", "r1", "STREAMS", "x", ">"},
                  {"XREADGROUP", "GROUP", "g", "r2", "STREAMS", "x", "0"},
                  {"XAUTOCLAIM", "x", "g", "a1", "0", "0-0"}, {"XADD", "x", "2-1", "a", "1"},
                  {"XREADGROUP", "GROUP", "g", "r1", "STREAMS", "x", ">"}, {"XCLAIM", "x", "g", "c1", "0", "2-1"},
                  {"XCLAIM", "x", "g", "c2", "0", "2-1", "JUSTID"}, {"XCLAIM", "x", "g", "c3", "0", "9-9", "FORCE"},
                  {"XGROUP", "CREATECONSUMER", "x", "g", "z"}, {"XGROUP", "CREATECONSUMER", "x", "g2", "z"},
                  {"XADD", "x", "MAXLEN", "0", "3-1", "a", "1"}, {"XADD", "y", "MAXLEN", "0", "3-1", "a", "1"},
                  {"XADD", "x", "0-1", "a", "1"}, {"XGROUP", "CREATE", "x", "g3", "0", "ENTRIESREAD", "1"},
                  {"XACK", "x", "g", "2-1"}, {"XINFO", "GROUPS", "x"}}},
        DiffCase{"NewTypesMoved",
                 {{"XADD", "{n}x", "1-1", "a", "1"}, {"PFADD", "{n}h", "a"}, {"GEOADD", "{n}g", "1", "2", "m"},
                  {"SETBIT", "{n}b", "1", "1"}, {"COPY", "{n}x", "{n}x2"}, {"COPY", "{n}h", "{n}h2"},
                  {"RENAME", "{n}g", "{n}g2"}, {"RENAME", "{n}b", "{n}b2"}, {"COPY", "{n}x", "{n}x2", "REPLACE"},
                  {"MOVE", "{n}x2", "1"}, {"DEL", "{n}x", "{n}h", "{n}g2", "{n}b2"}}},
        DiffCase{"MultiExec",
                 {{"MULTI"}, {"SET", "{t}a", "1"}, {"SADD", "{t}s", "x"}, {"XADD", "{t}x", "1-1", "f", "v"},
                  {"PFADD", "{t}h", "a"}, {"SETBIT", "{t}b", "1", "1"}, {"DEL", "{t}a"}, {"INCR", "{t}s"},
                  {"EXEC"}, {"MULTI"}, {"SET", "{t}a", "2"}, {"DISCARD"}}}),
    CaseName());

}  // namespace
}  // namespace ks::test
