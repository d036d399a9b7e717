// Differential test of Redis 7.0 functions: FUNCTION LOAD/LIST/DELETE/FLUSH/STATS/KILL/HELP,
// FCALL and FCALL_RO against a real redis-server, reply by reply. Each case starts from
// FUNCTION FLUSH; FUNCTION LIST is compared with one library loaded (its order across
// libraries is not determined by Redis).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

class FunctionsDiff : public DiffTest<DiffCase> {
 protected:
  void SetUp() override {
    Connect();
    Same({"FUNCTION", "FLUSH"}, "setup");
  }
};

TEST_P(FunctionsDiff, SameRepliesAsRedis) {
  for (const Cmd& cmd : GetParam().cmds) Same(cmd, GetParam().name);
}

Cmd Load(std::string lib, std::string body) { return {"FUNCTION", "LOAD", "#!lua name=" + lib + "\n" + body}; }
Cmd LoadBad(std::string body) { return Load("w", "redis.register_function" + body); }

std::vector<DiffCase> Cases() {
  const std::string get = "redis.register_function('f', function(keys, args) return redis.call('get', keys[1]) end)";
  const std::string named =
      "redis.register_function{function_name='g', callback=function(keys, args) return args[1] end, "
      "flags={'no-writes'}, description='desc'}";
  return {
      {"LoadAndCall",
       {Load("x", get), {"SET", "a", "1"}, {"FCALL", "f", "1", "a"}, {"FCALL", "f", "0"},
        {"FCALL_RO", "f", "1", "a"}, {"FCALL", "nope", "0"}, {"FCALL", "nope", "-1"}, {"FCALL", "f", "-1"},
        {"FCALL", "f", "2", "a"}, {"FCALL", "f", "x"}, Load("x", get), {"FUNCTION", "LOAD", "REPLACE", "#!lua name=x\n" + get},
        Load("y", get), Load("y", named), {"FCALL", "g", "0", "hello"}, {"FCALL_RO", "g", "0", "z"},
        {"FUNCTION", "LIST", "LIBRARYNAME", "y"}, {"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "y*"},
        {"FUNCTION", "LIST", "LIBRARYNAME", "nomatch*"}, {"FUNCTION", "STATS"}, {"FUNCTION", "DELETE", "y"},
        {"FUNCTION", "DELETE", "y"}, {"FCALL", "g", "0"}, {"FUNCTION", "LIST"}, {"FUNCTION", "STATS"}}},
      {"FunctionsWrite",
       {Load("w", "redis.register_function('incr2', function(keys, args) redis.call('incr', keys[1]); "
                  "return redis.call('incrby', keys[2], args[1]) end)"),
        {"FCALL", "incr2", "2", "k1", "k2", "5"}, {"MGET", "k1", "k2"}, {"FCALL_RO", "incr2", "2", "k1", "k2", "5"},
        Load("v", "redis.register_function{function_name='ro', callback=function(keys) return redis.call('set', "
                  "keys[1], 'x') end, flags={'no-writes'}}"),
        {"FCALL", "ro", "1", "k1"}, {"FCALL_RO", "ro", "1", "k1"},
        Load("e", "redis.register_function('e', function() error('boom') end)\n"
                  "redis.register_function('e2', function() return redis.call('nosuch') end)\n"
                  "redis.register_function('e3', function() return {err='MY err'} end)\n"
                  "redis.register_function('e4', function() return redis.setresp(3) or {map={a=1}} end)\n"
                  "redis.register_function('e5', function() return KEYS end)"),
        {"FCALL", "e", "0"}, {"FCALL", "e2", "0"}, {"FCALL", "e3", "0"}, {"FCALL", "e4", "0"}, {"FCALL", "e5", "0"}}},
      {"LoadErrors",
       {{"FUNCTION", "LOAD", "return 1"}, {"FUNCTION", "LOAD", "#!lua\nreturn 1"},
        {"FUNCTION", "LOAD", "#!lua name=x foo=bar\nreturn 1"}, {"FUNCTION", "LOAD", "#!luax name=x\nreturn 1"},
        {"FUNCTION", "LOAD", "#!lua name=x-y\nreturn 1"}, Load("x", "return 1"), Load("z", "redis.call('ping')"),
        Load("z", "x = 1"), Load("z", "return ("), Load("z", "return string.len('x')"),
        Load("z", "redis.register_function('a b', function() end)"),
        LoadBad("{function_name='h', callback=function() end, flags={'bogus'}}"), LoadBad("('h')"),
        LoadBad("('h', function() end); redis.register_function('h', function() end)"),
        LoadBad("{function_name='w4', callback=function() return 1 end, foo=5}"), LoadBad("('w5', 5)"),
        LoadBad("{callback=function() end}"), LoadBad("{function_name='q'}"),
        LoadBad("{function_name='q', callback=function() end, flags='x'}"), LoadBad("()"), LoadBad("{[1]='x'}"),
        LoadBad("{function_name='q', callback=function() end, flags={5}}"), LoadBad("('q', function() end, 3)"),
        LoadBad("{function_name={}, callback=function() end}"), LoadBad("{function_name='q', callback=5}"),
        LoadBad("({}, function() end)"), LoadBad("{function_name='q', callback=function() end, description={}}"),
        Load("ok", "redis.register_function('dup', function() end)"),
        Load("ok2", "redis.register_function('dup', function() end)"), {"FUNCTION", "LOAD", "REPLACE"},
        {"FUNCTION", "LOAD", "BOGUS", "#!lua name=q\nreturn 1"},
        Load("flags", "redis.register_function{function_name='fl', callback=function() return 1 end, "
                      "flags={'no-writes','allow-oom','allow-stale','no-cluster','allow-cross-slot-keys'}}"),
        {"FUNCTION", "LIST", "LIBRARYNAME", "flags"}, {"FCALL_RO", "fl", "0"}}},
      {"Subcommands",
       {{"FUNCTION", "KILL"}, {"FUNCTION", "LIST", "bogus"}, {"FUNCTION", "LIST", "LIBRARYNAME"},
        {"FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"}, {"FUNCTION", "LIST", "WITHCODE", "WITHCODE"},
        {"FUNCTION", "FLUSH", "bogus"}, {"FUNCTION", "FLUSH", "async", "x"}, {"FUNCTION", "FLUSH", "ASYNC"},
        {"FUNCTION", "FLUSH", "sync"}, {"FUNCTION", "DELETE"}, {"FUNCTION", "HELP", "x"}, {"FUNCTION", "STATS"},
        {"FUNCTION", "bogus"}, {"FUNCTION"}, {"FCALL"}, {"FCALL", "f"}}},
  };
}

INSTANTIATE_TEST_SUITE_P(Corpus, FunctionsDiff, ::testing::ValuesIn(Cases()), CaseName());

}  // namespace
}  // namespace ks::test
