// Differential test of Lua scripting: EVAL & co. and SCRIPT against a real redis-server 7.0,
// reply by reply. Covers both conversion directions in RESP2 and RESP3 (errors included),
// the redis.* API, the sandbox, shebang flags and the exact error texts (which carry the
// script's sha and line). Keys are left untagged so a script's keys spread over engines.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

class ScriptingDiff : public DiffTest<DiffCase> {};

TEST_P(ScriptingDiff, SameRepliesAsRedis) {
  for (const Cmd& cmd : GetParam().cmds) Same(cmd, GetParam().name);
}

Cmd Eval(std::string script, std::vector<std::string> rest = {"0"}) {
  Cmd c{"EVAL", std::move(script)};
  c.insert(c.end(), rest.begin(), rest.end());
  return c;
}

// The same scripts under RESP2 and RESP3: what redis.call hands the script, and what the
// script's return value becomes.
std::vector<Cmd> Conversions() {
  return {
      {"HSET", "h", "a", "1", "b", "2"}, {"SADD", "s", "x"}, {"SET", "str", "v"}, {"ZADD", "z", "1.5", "m"},
      Eval("return redis.call('get', KEYS[1])", {"1", "str"}),
      Eval("return redis.call('get', 'missing')"),
      Eval("return type(redis.call('get', 'missing'))"),
      Eval("return redis.call('incr', 'n')"),
      Eval("return redis.call('hgetall', 'h')"),
      Eval("redis.setresp(3); return redis.call('hgetall', 'h')"),
      Eval("redis.setresp(3); local r = redis.call('hgetall', 'h'); return r.map.a"),
      Eval("redis.setresp(3); return redis.call('smembers', 's')"),
      Eval("redis.setresp(3); return type(redis.call('get', 'missing'))"),
      Eval("redis.setresp(3); return redis.call('zscore', 'z', 'm')"),
      Eval("redis.setresp(3); return redis.call('exists', 'h')"),
      Eval("redis.setresp(3); return redis.call('lpop', 'nolist')"),
      Eval("return redis.call('ping')"),
      Eval("return redis.call('set', 'k', 'v')"),
      Eval("return redis.call('set', 'k', 'v').ok"),
      Eval("return redis.pcall('incr', 'h')"),
      Eval("return redis.pcall('incr', 'h').err"),
      Eval("local t = redis.pcall('incr', 'h'); local n = 0; for k, v in pairs(t) do n = n + 1 end; return n"),
      Eval("return {1, 2, 3, 'x', nil, 4}"),
      Eval("return {1, '2', {3, {4, {}}}}"),
      Eval("return 3.99"),
      Eval("return -3.99"),
      Eval("return 1e300"),
      Eval("return 0/0"),
      Eval("return true"),
      Eval("return false"),
      Eval("return nil"),
      Eval("redis.setresp(3); return true"),
      Eval("redis.setresp(3); return false"),
      Eval("return {ok = 'fine'}"),
      Eval("return {ok = 'a\\r\\nb'}"),
      Eval("return {err = 'boom'}"),
      Eval("return {err = 'MY code'}"),
      Eval("return {err = ''}"),
      Eval("return {err = '-x'}"),
      Eval("return {1, {err = 'inner'}, 3}"),
      Eval("return {1, {ok = 'x'}}"),
      Eval("return {double = 3.5}"),
      Eval("return {double = 1/0}"),
      Eval("return {map = {a = 1}}"),
      Eval("return {set = {a = true}}"),
      Eval("return {big_number = '123456789012345678901234567890'}"),
      Eval("return {verbatim_string = {format = 'txt', string = 'hi'}}"),
      Eval("return redis.call('echo', 0.1)"),
      Eval("return redis.call('echo', 100)"),
      Eval("return redis.call('echo', -1e20)"),
      Eval("return redis.status_reply('fine')"),
      Eval("return redis.error_reply('boom')"),
      Eval("return redis.error_reply('-boom')"),
      Eval("return redis.error_reply('-MY boom')"),
      Eval("return redis.error_reply('')"),
      Eval("return redis.error_reply(1)"),
      Eval("return redis.status_reply({})"),
      Eval("return KEYS[1] .. ARGV[1] .. #KEYS .. #ARGV", {"2", "ka", "kb", "a1"}),
      Eval("KEYS[1] = 'z'; return KEYS[1]", {"1", "a"}),
      Eval("return redis.call('mset', KEYS[1], ARGV[1], KEYS[2], ARGV[2], KEYS[3], ARGV[3])",
           {"3", "k1", "k2", "k3", "v1", "v2", "v3"}),
      Eval("return redis.call('mget', 'k1', 'k2', 'k3', 'nokey')"),
      Eval("redis.call('select', 1); redis.call('set', 'db1', 'x'); return redis.call('dbsize')"),
      {"DBSIZE"},
      {"GET", "db1"},
  };
}

std::vector<DiffCase> Cases() {
  std::vector<Cmd> resp3 = {{"HELLO", "3"}};
  for (Cmd& c : Conversions()) resp3.push_back(c);
  return {
      {"ConversionsResp2", Conversions()},
      {"ConversionsResp3", resp3},
      {"CallErrors",
       {{"HSET", "h", "a", "1"}, Eval("return redis.call('nosuch')"), Eval("return redis.pcall('nosuch')"),
        Eval("return redis.call()"), Eval("return redis.pcall()"), Eval("return redis.call('incr')"),
        Eval("return redis.call(1.5)"), Eval("return redis.call('get', {})"), Eval("return redis.pcall('get', {})"),
        Eval("return redis.call('get', KEYS[1], {err='boo'})", {"1", "a"}), Eval("return redis.call('get', 'h')"),
        Eval("return redis.pcall('get', 'h')"), Eval("return redis.call('eval', 'return 1', '0')"),
        Eval("return redis.call('blpop', 'x', 0)"), Eval("return redis.call('save')"),
        Eval("return redis.call('client', 'bogus')"), Eval("return redis.call('config')"),
        Eval("return pcall(redis.call, 'nosuch')"), Eval("local ok, e = pcall(redis.call, 'get', 'h'); return e"),
        Eval("local ok, e = pcall(error, {err='X y'}); return e")}},
      {"ScriptErrors",
       {Eval("error('boom')"), Eval("error({err='MY boom'})"), Eval("error('boom', 0)"), Eval("error()"),
        Eval("return ("), Eval("\n\nerror('third line')"), Eval("local t = nil; return t.x"),
        Eval("return 1 + {}"), Eval("return redis.call('get', 'a') .. nil")}},
      {"NumkeysErrors",
       {Eval("return 1", {"-1"}), Eval("return 1", {"2", "a"}), Eval("return 1", {"x"}),
        Eval("return 1", {"1.5", "a"}), {"EVAL", "return 1"}, {"EVALSHA", "abc", "0"},
        {"EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"},
        {"EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "x"}, {"EVALSHA", "abc", "x"},
        {"EVAL_RO", "return 1", "-1"}}},
      {"RedisApi",
       {Eval("return redis.sha1hex('')"), Eval("return redis.sha1hex('abc')"), Eval("return redis.sha1hex()"),
        Eval("return redis.sha1hex(12)"), Eval("return redis.breakpoint()"), Eval("return redis.debug('x')"),
        Eval("return redis.replicate_commands()"), Eval("return redis.set_repl(redis.REPL_ALL)"),
        Eval("return redis.set_repl(99)"), Eval("return redis.set_repl()"), Eval("return redis.setresp(4)"),
        Eval("return redis.setresp()"), Eval("return redis.log(1)"), Eval("return redis.log('a', 'b')"),
        Eval("return redis.log(9, 'b')"), Eval("return redis.log(redis.LOG_DEBUG, 'quiet')"),
        Eval("return redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM"),
        Eval("return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING, redis.REPL_NONE, "
             "redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}"),
        Eval("return redis.acl_check_cmd('get', 'x')"), Eval("return redis.acl_check_cmd('nosuch')"),
        Eval("local n = 0 for k, v in pairs(redis) do n = n + 1 end return n"),
        Eval("return cjson.encode({1, 2, {a = 1}})"), Eval("return cjson.decode('[1,2,3]')[2]"),
        Eval("return bit.band(7, 3) + bit.bor(8, 1) + bit.lshift(1, 4)"), Eval("return bit.tohex(255)"),
        Eval("math.randomseed(1); return math.random(100)"),
        Eval("math.randomseed(7); return {math.random(10), math.random(5, 8), tostring(math.random())}"),
        Eval("return math.random(0)"), Eval("return string.format('%5.2f', 3.14159)"),
        Eval("return table.concat({'a', 'b'}, '-')"), Eval("return ('abc'):upper()"), Eval("return _VERSION"),
        Eval("return loadstring('return 1 + 1')()"), Eval("return tostring(tonumber('0x10'))")}},
      {"Sandbox",
       {Eval("return x"), Eval("x = 1"), Eval("function f() end"), Eval("redis = nil"), Eval("string.x = 1"),
        Eval("redis.call = nil"), Eval("math.floor = nil"), Eval("cjson.encode = nil"), Eval("_G.x = 1"),
        Eval("return rawset(_G, 'y', 1)"), Eval("return rawget(_G, 'redis') ~= nil"), Eval("return type(_G)"),
        Eval("return type(getmetatable(_G))"), Eval("local f = loadstring('x=1'); f(); return 1"),
        Eval("return os"), Eval("return io"), Eval("return loadfile"), Eval("return dofile"), Eval("return print"),
        Eval("return require"), Eval("return debug"), Eval("return getfenv"), Eval("return setfenv"),
        Eval("return newproxy"), Eval("return module"), Eval("return package"),
        Eval("return type(__redis__err__handler)"), Eval("return type(gcinfo) .. type(coroutine) .. type(load)"),
        Eval("local n = 0 for k, v in pairs(string) do n = n + 1 end return n"),
        Eval("local n = 0 for i, v in ipairs({1, 2, 3}) do n = n + v end return n"),
        Eval("local t = {} t.x = 1 return t.x"), Eval("local t = setmetatable({}, {__index = function() return 5 end}) return t.q")}},
      {"ReadOnlyScripts",
       {{"SET", "a", "1"}, {"EVAL_RO", "return redis.call('get', KEYS[1])", "1", "a"},
        {"EVAL_RO", "return redis.call('set', KEYS[1], 2)", "1", "a"},
        {"EVAL_RO", "return redis.pcall('del', 'a')", "0"},
        Eval("#!lua flags=no-writes\nreturn redis.call('set', 'a', 1)", {"1", "a"}),
        Eval("#!lua flags=no-writes\nreturn redis.call('get', 'a')", {"1", "a"}),
        {"SCRIPT", "LOAD", "return redis.call('incr', KEYS[1])"},
        {"EVALSHA_RO", "b4d4a9e4f8c9bd1d3d3ec1a0e2f1b7b08c3c9a2c", "1", "a"},
        {"GET", "a"}}},
      {"Shebang",
       {Eval("#!lua\nreturn 1"), Eval("#!lua flags=bogus\nreturn 1"), Eval("#!lua name=foo\nreturn 1"),
        Eval("#!luax\nreturn 1"), Eval("#!lua flags=no-writes,allow-oom\nreturn 2"), Eval("#!lua flags=\nreturn 2"),
        Eval("#!lua foo=bar\nreturn 2"), Eval("#!lua  flags=no-writes\nreturn 2"),
        Eval("#!lua flags=allow-stale,no-cluster,allow-cross-slot-keys\nreturn 3"),
        Eval("#!lua flags=no-writes,,allow-oom\nreturn 2"), Eval("#!lua\nerror('x')"), Eval("#!lua"),
        Eval("#!lua\nreturn redis.call('set', 'a', 1)")}},
      {"ScriptCommands",
       {{"SCRIPT", "FLUSH"}, {"SCRIPT", "LOAD", "return 1"}, {"SCRIPT", "LOAD", "return ("},
        {"SCRIPT", "LOAD", "#!lua flags=bogus\nreturn 1"},
        {"SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "a", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB"},
        {"EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"},
        {"EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"}, {"SCRIPT", "FLUSH", "bogus"},
        {"SCRIPT", "FLUSH", "ASYNC"}, {"SCRIPT", "FLUSH", "sync"}, {"SCRIPT", "FLUSH", "sync", "x"},
        {"SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"},
        {"EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"}, {"SCRIPT", "KILL"}, {"SCRIPT", "KILL", "x"},
        {"SCRIPT", "EXISTS"}, {"SCRIPT", "LOAD"}, {"SCRIPT", "bogus"}, {"SCRIPT"},
        Eval("return 7"), {"EVALSHA", "5c4ff8f7d6ac9e5b2f2d36fb3d8bc4c7d1b2a12a", "0"}}},
      // SCRIPT DEBUG's replies and errors; the sessions themselves are driven through
      // redis-cli by tests/clients/ldb_redis_cli.py. Every case ends with the mode off.
      {"ScriptDebug",
       {{"SCRIPT", "DEBUG", "bogus"}, {"SCRIPT", "DEBUG"}, {"SCRIPT", "DEBUG", "yes", "x"}, {"SCRIPT", "HELP"},
        {"SCRIPT", "DEBUG", "YES"}, {"EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"},
        {"EVALSHA", "abc", "0"}, {"EVALSHA_RO", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"},
        {"SCRIPT", "DEBUG", "sync"}, {"SCRIPT", "DEBUG", "no"}, {"SCRIPT", "DEBUG", "NO"},
        {"MULTI"}, {"SCRIPT", "DEBUG", "YES"}, {"EXEC"},
        Eval("return {redis.breakpoint(), redis.debug('ignored', 1)}"),
        Eval("redis.debug(); return 'no session'")}},
      {"CmsgpackAndStruct",
       {Eval("return cmsgpack.pack({1, 2, 3})"), Eval("return cmsgpack.pack('abc', 1.5, -7, true, {a = 1})"),
        Eval("return cmsgpack.unpack(cmsgpack.pack({10, 'x', {20, 30}}))"),
        Eval("local t = cmsgpack.unpack(cmsgpack.pack({k = 'v'})) return t.k"),
        Eval("return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), 0)}"),
        Eval("return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}"), Eval("return cmsgpack.unpack('\\193')"),
        Eval("return cmsgpack.pack(2^40, 0.25, -2^33)"), Eval("return tostring(cmsgpack.unpack(cmsgpack.pack(3.5)))"),
        Eval("redis.call('set', KEYS[1], cmsgpack.pack({ARGV[1], ARGV[2]})) "
             "return cmsgpack.unpack(redis.call('get', KEYS[1]))", {"1", "mp", "x", "y"}),
        Eval("return struct.pack('>I2i4', 258, -1)"), Eval("return {struct.unpack('>I2i4', struct.pack('>I2i4', 258, -1))}"),
        Eval("return struct.size('>i4I2b')"), Eval("return {struct.unpack('<h', '\\1\\255')}"),
        Eval("return struct.pack('s', 'nul-terminated')"), Eval("return {struct.unpack('Bc3', struct.pack('Bc3', 7, 'abc'))}"),
        Eval("return struct.pack('>d', 1.5)"), Eval("return struct.pack('q')"), Eval("return struct.size('s')"),
        Eval("cmsgpack.pack = nil"), Eval("struct.x = 1"), Eval("return type(cmsgpack) .. type(struct)")}},
      {"KeysOverEngines",
       {Eval("for i, k in ipairs(KEYS) do redis.call('set', k, ARGV[i]) end return redis.call('mget', unpack(KEYS))",
             {"8", "a", "b", "c", "d", "e", "f", "g", "h", "1", "2", "3", "4", "5", "6", "7", "8"}),
        Eval("return redis.call('set', 'undeclared', 'u')"), {"GET", "undeclared"},
        Eval("return #redis.call('keys', '*')"), Eval("return redis.call('dbsize')"),
        Eval("local c = redis.call('scan', 0, 'count', 1000); return #c[2]"),
        Eval("redis.call('del', 'a', 'b', 'c', 'd'); return redis.call('exists', 'a', 'b', 'e', 'f')"),
        Eval("redis.call('flushall'); return redis.call('dbsize')"), {"DBSIZE"}}},
  };
}

INSTANTIATE_TEST_SUITE_P(Corpus, ScriptingDiff, ::testing::ValuesIn(Cases()), CaseName());

}  // namespace
}  // namespace ks::test
