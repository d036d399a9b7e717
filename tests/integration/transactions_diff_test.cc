// Differential test of transactions (MULTI, EXEC, DISCARD, WATCH, UNWATCH): every sequence
// runs against keyshard (8 engines: the keys below spread over them) and a real
// redis-server 7.0, and each reply must be identical. A command starting with "@2" runs on a
// second connection, the "other client" whose writes dirty the first one's WATCHes.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

class TransactionsDiff : public DiffTest<DiffCase> {
 protected:
  void RunCase(const DiffCase& c) {
    Client k2(ks_->port()), r2(redis_->port());
    ASSERT_TRUE(k2.connected() && r2.connected());
    for (const Cmd& raw : c.cmds) {
      Cmd cmd = raw;
      const bool other = !cmd.empty() && cmd[0] == "@2";
      if (other) cmd.erase(cmd.begin());
      if (!cmd.empty() && cmd[0] == "@wait-ms") {
        // Lets a TTL pass (the servers' own clocks decide expiry).
        std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(cmd[1])));
        continue;
      }
      std::string k = other ? k2.Run(cmd) : kc_->Run(cmd);
      std::string r = other ? r2.Run(cmd) : rc_->Run(cmd);
      EXPECT_EQ(k, r) << "case " << c.name << ": " << (other ? "(other) " : "") << Shown(cmd);
    }
  }
};

const std::vector<DiffCase>& Cases() {
  static const std::vector<DiffCase> cases = {
      {"QueueAndExecOverEngines",
       {{"MULTI"}, {"SET", "a", "1"}, {"SET", "b", "2"}, {"MSET", "c", "3", "d", "4"}, {"INCR", "a"},
        {"MGET", "a", "b", "c", "d"}, {"EXEC"}, {"MGET", "a", "b", "c", "d"}}},
      {"EmptyTransaction", {{"MULTI"}, {"EXEC"}, {"MULTI"}, {"DISCARD"}}},
      {"RunTimeErrorsStayInsideTheArray",
       {{"MULTI"}, {"SET", "s", "x"}, {"INCR", "s"}, {"LPUSH", "s", "1"}, {"GET", "s"}, {"HSET", "h", "f", "v"},
        {"EXEC"}, {"GET", "s"}, {"HGETALL", "h"}}},
      {"QueueErrorsAbortExec",
       {{"MULTI"}, {"SET", "q1", "1"}, {"NOSUCHCOMMAND", "x"}, {"SET", "q2", "2"}, {"EXEC"},
        {"EXISTS", "q1", "q2"}, {"MULTI"}, {"SET", "q1", "1"}, {"GET"}, {"EXEC"}, {"EXISTS", "q1"},
        {"MULTI"}, {"CONFIG", "NOSUCHSUB"}, {"EXEC"}, {"MULTI"}, {"SAVE"}, {"PING"}, {"EXEC"}}},
      {"NestingAndMisplacedCommands",
       {{"EXEC"}, {"DISCARD"}, {"MULTI"}, {"MULTI"}, {"SET", "n", "1"}, {"WATCH", "n"}, {"EXEC"}, {"GET", "n"},
        {"MULTI"}, {"EXEC", "extra"}, {"EXEC"}, {"MULTI"}, {"DISCARD", "extra"}, {"EXEC"}, {"MULTI"},
        {"MULTI", "extra"}, {"EXEC"}, {"MULTI"}, {"WATCH"}, {"EXEC"}}},
      {"DiscardDropsTheQueue",
       {{"MULTI"}, {"SET", "dq", "1"}, {"DISCARD"}, {"EXISTS", "dq"}, {"DISCARD"}, {"PING"}}},
      {"UnwatchInsideMultiIsQueued",
       {{"WATCH", "u"}, {"MULTI"}, {"UNWATCH"}, {"PING"}, {"EXEC"}}},
      {"WatchedKeyUntouchedExecs",
       {{"SET", "w", "1"}, {"WATCH", "w", "w2", "w3"}, {"GET", "w"}, {"MULTI"}, {"INCR", "w"}, {"EXEC"},
        {"GET", "w"}}},
      {"WatchDirtiedByAnotherClientsWrite",
       {{"SET", "w", "1"}, {"WATCH", "w"}, {"@2", "SET", "w", "2"}, {"MULTI"}, {"SET", "w", "3"}, {"EXEC"},
        {"GET", "w"}}},
      {"WatchDirtiedByOwnWrite",
       {{"WATCH", "own"}, {"SET", "own", "1"}, {"WATCH", "other"}, {"MULTI"}, {"PING"}, {"EXEC"}}},
      {"WatchOfAMissingKeyDirtiedByItsCreation",
       {{"WATCH", "nokey"}, {"@2", "LPUSH", "nokey", "x"}, {"MULTI"}, {"PING"}, {"EXEC"}}},
      {"WatchDirtiedByDelAndExpireAndRename",
       {{"MSET", "x1", "1", "x2", "2", "x3", "3"}, {"WATCH", "x1"}, {"@2", "DEL", "x1"}, {"MULTI"}, {"PING"},
        {"EXEC"}, {"WATCH", "x2"}, {"@2", "EXPIRE", "x2", "100"}, {"MULTI"}, {"PING"}, {"EXEC"}, {"WATCH", "x3"},
        {"@2", "RENAME", "x2", "x3"}, {"MULTI"}, {"PING"}, {"EXEC"}, {"MGET", "x1", "x2", "x3"}}},
      {"WriteThatChangesNothingDoesNotDirty",
       {{"WATCH", "nc"}, {"@2", "DEL", "nc"}, {"@2", "GET", "nc"}, {"MULTI"}, {"PING"}, {"EXEC"}}},
      {"UnwatchForgetsDirt",
       {{"WATCH", "uw"}, {"@2", "SET", "uw", "1"}, {"UNWATCH"}, {"MULTI"}, {"PING"}, {"EXEC"}}},
      {"DiscardUnwatches",
       {{"WATCH", "dw"}, {"MULTI"}, {"DISCARD"}, {"@2", "SET", "dw", "1"}, {"MULTI"}, {"PING"}, {"EXEC"}}},
      {"ExecUnwatchesEvenWhenItFails",
       {{"WATCH", "ew"}, {"@2", "SET", "ew", "1"}, {"MULTI"}, {"PING"}, {"EXEC"}, {"@2", "SET", "ew", "2"},
        {"MULTI"}, {"PING"}, {"EXEC"}}},
      {"FlushdbDirtiesWatchersOfExistingKeysOnly",
       {{"SET", "fe", "1"}, {"WATCH", "fe"}, {"@2", "FLUSHDB"}, {"MULTI"}, {"PING"}, {"EXEC"},
        {"WATCH", "fmissing"}, {"@2", "FLUSHDB"}, {"MULTI"}, {"PING"}, {"EXEC"}}},
      {"FlushallDirtiesWatchersInEveryDb",
       {{"SELECT", "3"}, {"SET", "fa", "1"}, {"WATCH", "fa"}, {"@2", "FLUSHALL"}, {"MULTI"}, {"PING"}, {"EXEC"},
        {"SELECT", "0"}}},
      {"FlushdbOfAnotherDbDoesNotDirty",
       {{"SET", "fo", "1"}, {"WATCH", "fo"}, {"@2", "SELECT", "5"}, {"@2", "FLUSHDB"}, {"MULTI"}, {"PING"},
        {"EXEC"}}},
      {"SwapdbDirtiesWhenTheKeyIsInEitherDb",
       {{"WATCH", "sw"}, {"@2", "SELECT", "1"}, {"@2", "SET", "sw", "1"}, {"@2", "SWAPDB", "0", "1"}, {"MULTI"},
        {"PING"}, {"EXEC"}, {"WATCH", "sw2"}, {"@2", "SWAPDB", "0", "1"}, {"MULTI"}, {"PING"}, {"EXEC"},
        {"FLUSHALL"}}},
      {"RestoreDirtiesTheWatcher",
       {{"SET", "src", "payload"}, {"WATCH", "dst"}, {"@2", "RESTORE", "dst", "0",
                                                        std::string("\x00\x07payload\x0a\x00\x06\xbb\x1d\x09\x6c\x38\xd7\x60", 19)},
        {"MULTI"}, {"PING"}, {"EXEC"}, {"GET", "dst"}}},
      {"BlockingCommandsInMultiDoNotBlock",
       {{"MULTI"}, {"BLPOP", "empty1", "empty2", "0"}, {"BRPOP", "empty1", "0"}, {"BLMOVE", "empty1", "x", "LEFT", "RIGHT", "0"},
        {"BRPOPLPUSH", "empty1", "x", "0"}, {"BZPOPMIN", "zempty", "0"}, {"BZPOPMAX", "zempty", "0"},
        {"BLMPOP", "0", "1", "empty1", "LEFT"}, {"BZMPOP", "0", "1", "zempty", "MIN"}, {"RPUSH", "full", "a"},
        {"BLPOP", "full", "0"}, {"EXEC"}}},
      {"BlockingCommandsInMultiDoNotBlockInResp3",
       {{"HELLO", "3"}, {"MULTI"}, {"BLPOP", "empty1", "0"}, {"BLMOVE", "empty1", "x", "LEFT", "RIGHT", "0"},
        {"SET", "r3", "v"}, {"GET", "r3"}, {"HSET", "r3h", "f", "v"}, {"HGETALL", "r3h"}, {"EXEC"}, {"WATCH", "r3"},
        {"@2", "SET", "r3", "w"}, {"MULTI"}, {"PING"}, {"EXEC"}, {"MULTI"}, {"FOO"}, {"EXEC"}}},
      {"ResetInsideMultiEndsIt",
       {{"WATCH", "rs"}, {"MULTI"}, {"SET", "rs", "1"}, {"RESET"}, {"EXEC"}, {"EXISTS", "rs"},
        {"@2", "SET", "rs", "2"}, {"MULTI"}, {"PING"}, {"EXEC"}}},
      {"SelectInsideMulti",
       {{"MULTI"}, {"SELECT", "2"}, {"SET", "sel", "1"}, {"SELECT", "0"}, {"EXEC"}, {"EXISTS", "sel"},
        {"SELECT", "2"}, {"GET", "sel"}, {"FLUSHDB"}, {"SELECT", "0"}}},
      {"CommandsOverAllEnginesInMulti",
       {{"MSET", "k1", "1", "k2", "2", "k3", "3"}, {"MULTI"}, {"DBSIZE"}, {"EXISTS", "k1", "k2", "k3"},
        {"RENAME", "k1", "k9"}, {"FLUSHALL"}, {"DBSIZE"}, {"EXEC"}}},
      // Scripts in transactions: EXEC takes the script mutex before its engines and runs the
      // script inside its own execution (keys on several engines, declared or not).
      {"EvalInsideMultiExec",
       {{"MSET", "e1", "1", "e2", "2"}, {"MULTI"}, {"SET", "e3", "3"},
        {"EVAL", "redis.call('incr', KEYS[1]) redis.call('incr', ARGV[1]) return redis.call('mget', KEYS[1], ARGV[1], KEYS[2])",
         "2", "e1", "e3", "e2"},
        {"EVAL", "return redis.call('dbsize')", "0"}, {"EVALSHA", "0000000000000000000000000000000000000000", "0"},
        {"EVAL", "return redis.error_reply('mine')", "0"}, {"EVAL", "return redis.call('nosuch')", "0"},
        {"EVAL_RO", "return redis.call('get', KEYS[1])", "1", "e1"}, {"GET", "e2"}, {"EXEC"},
        {"MGET", "e1", "e2", "e3"}}},
      {"EvalShaAndScriptLoadInsideMulti",
       {{"MULTI"}, {"SCRIPT", "LOAD", "return ARGV[1]"}, {"EVALSHA", "098e0f0d1448c0a81dafe820f66d460eb09263da", "0", "x"},
        {"SCRIPT", "EXISTS", "098e0f0d1448c0a81dafe820f66d460eb09263da"}, {"EXEC"}, {"SCRIPT", "FLUSH"}}},
      {"FcallAndFunctionLoadInsideMulti",
       {{"FUNCTION", "FLUSH"}, {"MULTI"},
        {"FUNCTION", "LOAD", "#!lua name=txlib\nredis.register_function('txf', function(k, a) "
                             "return redis.call('incrby', k[1], a[1]) end)"},
        {"FCALL", "txf", "1", "fx", "5"}, {"FCALL", "txf", "1", "fy", "7"}, {"FUNCTION", "LIST"}, {"EXEC"},
        {"MGET", "fx", "fy"}, {"FUNCTION", "FLUSH"}}},
      {"BlockingCommandInsideAScriptDoesNotBlock",
       {{"EVAL", "return redis.call('blpop', KEYS[1], 0)", "1", "bempty"},
        {"MULTI"}, {"EVAL", "return redis.call('brpop', KEYS[1], 0)", "1", "bempty"}, {"EXEC"}}},
      {"WatchDirtiedByAnotherClientsScript",
       {{"SET", "ws", "1"}, {"WATCH", "ws", "ws2"}, {"@2", "EVAL", "return redis.call('incr', KEYS[1])", "1", "ws"},
        {"MULTI"}, {"SET", "ws", "x"}, {"EXEC"}, {"GET", "ws"},
        {"WATCH", "ws2"}, {"@2", "EVAL", "return redis.call('set', ARGV[1], 'v')", "0", "ws2"}, {"MULTI"}, {"PING"},
        {"EXEC"}, {"WATCH", "ws3"}, {"@2", "EVAL", "return redis.call('get', KEYS[1])", "1", "ws3"}, {"MULTI"},
        {"PING"}, {"EXEC"}}},
      {"WatchDirtiedByOwnScript",
       {{"WATCH", "wo"}, {"EVAL", "return redis.call('set', KEYS[1], '1')", "1", "wo"}, {"MULTI"}, {"PING"},
        {"EXEC"}}},
      {"WatchedKeyExpiringBeforeExec",
       {{"SET", "ttl", "v", "PX", "50"}, {"WATCH", "ttl"}, {"@wait-ms", "120"}, {"MULTI"}, {"PING"}, {"EXEC"}}},
      {"WatchOfAKeyAlreadyExpiredThenDeleted",
       {{"SET", "old", "v", "PX", "20"}, {"@wait-ms", "60"}, {"WATCH", "old"}, {"GET", "old"}, {"MULTI"}, {"PING"},
        {"EXEC"}}},
  };
  return cases;
}

TEST_P(TransactionsDiff, SameRepliesAsRedis) { RunCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Cases, TransactionsDiff, ::testing::ValuesIn(Cases()), CaseName());

}  // namespace
}  // namespace ks::test
