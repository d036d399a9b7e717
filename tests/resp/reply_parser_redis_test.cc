// The reply parser on what a real redis-server 7.0 sends, in RESP2 and after HELLO 3: the
// bytes are read off a plain socket in small pieces, parsed, compared with the replies Redis
// documents, and written back through ReplyBuilder to the very bytes Redis sent.
#include <hiredis/hiredis.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cmath>
#include <string>
#include <vector>

#include "resp/reply_builder.h"
#include "resp/reply_parser.h"
#include "tests/support/processes.h"

namespace ks {
namespace {

using V = RespValue;

struct Exchange {
  std::vector<std::string> command;
  bool resp3;                      // the protocol of its replies
  std::vector<RespValue> replies;  // none: one reply, checked apart (HELLO's)
};

RespValue Attributed(RespValue v, std::vector<RespValue> attrs) {
  v.attributes = std::move(attrs);
  return v;
}

const char kWrongType[] = "WRONGTYPE Operation against a key holding the wrong kind of value";

std::vector<Exchange> Script() {
  const bool R2 = false, R3 = true;
  return {
      {{"SET", "{t}k", "v"}, R2, {V::Simple("OK")}},
      {{"GET", "{t}k"}, R2, {V::Bulk("v")}},
      {{"GET", "{t}missing"}, R2, {V::Null()}},
      {{"INCR", "{t}n"}, R2, {V::Integer(1)}},
      {{"RPUSH", "{t}l", "a", "b", "c"}, R2, {V::Integer(3)}},
      {{"LRANGE", "{t}l", "0", "-1"}, R2, {V::Array({V::Bulk("a"), V::Bulk("b"), V::Bulk("c")})}},
      {{"LPOP", "{t}missing", "1"}, R2, {V::NullArray()}},
      {{"HSET", "{t}h", "f", "1"}, R2, {V::Integer(1)}},
      {{"HGETALL", "{t}h"}, R2, {V::Array({V::Bulk("f"), V::Bulk("1")})}},
      {{"SADD", "{t}s", "x"}, R2, {V::Integer(1)}},
      {{"SMEMBERS", "{t}s"}, R2, {V::Array({V::Bulk("x")})}},
      {{"ZADD", "{t}z", "1.5", "m", "inf", "i"}, R2, {V::Integer(2)}},
      {{"ZSCORE", "{t}z", "m"}, R2, {V::Bulk("1.5")}},
      {{"ZSCORE", "{t}z", "i"}, R2, {V::Bulk("inf")}},
      {{"GET", "{t}l"}, R2, {V::Error(kWrongType)}},
      {{"DEBUG", "PROTOCOL", "bignum"}, R2, {V::Bulk("1234567999999999999999999999999999999")}},
      {{"DEBUG", "PROTOCOL", "map"},
       R2,
       {V::Array({V::Integer(0), V::Integer(0), V::Integer(1), V::Integer(1), V::Integer(2), V::Integer(0)})}},
      {{"DEBUG", "PROTOCOL", "double"}, R2, {V::Bulk("3.141")}},
      {{"DEBUG", "PROTOCOL", "true"}, R2, {V::Integer(1)}},
      {{"DEBUG", "PROTOCOL", "verbatim"}, R2, {V::Bulk("This is a verbatim\nstring")}},
      {{"DEBUG", "PROTOCOL", "attrib"}, R2, {V::Bulk("Some real reply following the attribute")}},
      {{"HELLO", "3"}, R3, {}},
      {{"HGETALL", "{t}h"}, R3, {V::Map({V::Bulk("f"), V::Bulk("1")})}},
      {{"SMEMBERS", "{t}s"}, R3, {V::Set({V::Bulk("x")})}},
      {{"ZSCORE", "{t}z", "m"}, R3, {V::Double(1.5)}},
      {{"ZSCORE", "{t}z", "i"}, R3, {V::Double(INFINITY)}},
      {{"GET", "{t}missing"}, R3, {V::Null()}},
      {{"LPOP", "{t}missing", "1"}, R3, {V::Null()}},
      {{"GET", "{t}l"}, R3, {V::Error(kWrongType)}},
      {{"DEBUG", "PROTOCOL", "bignum"}, R3, {V::BigNumber("1234567999999999999999999999999999999")}},
      {{"DEBUG", "PROTOCOL", "map"},
       R3,
       {V::Map({V::Integer(0), V::Bool(false), V::Integer(1), V::Bool(true), V::Integer(2), V::Bool(false)})}},
      {{"DEBUG", "PROTOCOL", "set"}, R3, {V::Set({V::Integer(0), V::Integer(1), V::Integer(2)})}},
      {{"DEBUG", "PROTOCOL", "double"}, R3, {V::Double(3.141)}},
      {{"DEBUG", "PROTOCOL", "verbatim"}, R3, {V::Verbatim("txt", "This is a verbatim\nstring")}},
      {{"DEBUG", "PROTOCOL", "true"}, R3, {V::Bool(true)}},
      {{"DEBUG", "PROTOCOL", "false"}, R3, {V::Bool(false)}},
      {{"DEBUG", "PROTOCOL", "null"}, R3, {V::Null()}},
      {{"DEBUG", "PROTOCOL", "attrib"},
       R3,
       {Attributed(V::Bulk("Some real reply following the attribute"),
                   {V::Bulk("key-popularity"), V::Array({V::Bulk("key:123"), V::Integer(90)})})}},
      {{"DEBUG", "PROTOCOL", "push"},
       R3,
       {V::Push({V::Bulk("server-cpu-usage"), V::Integer(42)}), V::Bulk("Some real reply following the push reply")}},
  };
}

// Sends every command of the script in one pipeline and reads the replies in small pieces
// (so replies split everywhere), returning the raw bytes and the parsed replies.
void RunScript(int port, const std::vector<Exchange>& script, std::string* raw, std::vector<RespValue>* replies) {
  redisContext* ctx = redisConnect("127.0.0.1", port);
  ASSERT_TRUE(ctx && !ctx->err);
  std::string requests;
  ReplyBuilder req(&requests);  // a request is an array of bulks
  size_t want = 0;
  for (const Exchange& e : script) {
    std::vector<std::string_view> argv(e.command.begin(), e.command.end());
    req.BulkArray(argv.data(), argv.size());
    want += e.replies.empty() ? 1 : e.replies.size();
  }
  ASSERT_EQ(::write(ctx->fd, requests.data(), requests.size()), static_cast<ssize_t>(requests.size()));
  ReplyReader reader;
  while (replies->size() < want) {
    pollfd p{ctx->fd, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 10000), 1) << "no reply from redis-server";
    char buf[13];
    ssize_t n = ::read(ctx->fd, buf, sizeof buf);
    ASSERT_GT(n, 0);
    raw->append(buf, static_cast<size_t>(n));
    reader.Feed(std::string_view(buf, static_cast<size_t>(n)));
    RespValue v;
    std::string err;
    ReplyStatus s;
    while ((s = reader.Next(&v, &err)) == ReplyStatus::kOk) replies->push_back(std::move(v));
    ASSERT_EQ(s, ReplyStatus::kIncomplete) << err;
  }
  EXPECT_EQ(reader.buffered(), 0u);
  redisFree(ctx);
}

// The value of key in a flattened map, or nullptr.
const RespValue* MapGet(const RespValue& map, std::string_view key) {
  for (size_t i = 0; i + 1 < map.elems.size(); i += 2)
    if (map.elems[i].str == key) return &map.elems[i + 1];
  return nullptr;
}

TEST(ReplyParserOnRedis, ParsesRedisRepliesInBothProtocolsAndWritesThemBackByteForByte) {
  test::RedisProcess redis({"--enable-debug-command", "yes"});
  ASSERT_TRUE(redis.running()) << "redis-server did not start";
  const std::vector<Exchange> script = Script();
  std::string raw;
  std::vector<RespValue> got;
  RunScript(redis.port(), script, &raw, &got);
  if (HasFatalFailure()) return;

  std::string rewritten;
  ReplyBuilder rb(&rewritten);
  size_t i = 0;
  for (const Exchange& e : script) {
    std::string name = e.command[0] + " " + e.command.back();
    if (e.replies.empty()) {  // HELLO 3: the server's map, with the protocol it switched to
      ASSERT_EQ(got[i].type, RespValue::Type::kMap) << name;
      const RespValue* proto = MapGet(got[i], "proto");
      ASSERT_NE(proto, nullptr);
      EXPECT_EQ(*proto, V::Integer(3));
      EXPECT_EQ(MapGet(got[i], "server")->str, "redis");
    }
    for (const RespValue& want : e.replies) EXPECT_EQ(got[i + (&want - e.replies.data())], want) << name;
    rb.set_resp3(e.resp3);
    for (size_t n = std::max<size_t>(e.replies.size(), 1); n > 0; --n) WriteReply(got[i++], rb);
  }
  EXPECT_EQ(rewritten, raw);

  // The same bytes in one buffer parse to the same replies.
  std::vector<RespValue> again;
  ReplyParseResult r = ParseReplies(raw, &again);
  EXPECT_EQ(r.status, ReplyStatus::kOk) << r.error;
  EXPECT_EQ(again, got);
}

}  // namespace
}  // namespace ks
