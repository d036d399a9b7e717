#include <gtest/gtest.h>

#include "server/core/errors.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

// The value of one "name:value" INFO field, or "<absent>".
std::string InfoField(const std::string& info, const std::string& name) {
  size_t p = info.find("\r\n" + name + ":");
  if (p == std::string::npos) {
    if (info.rfind(name + ":", 0) != 0 && info.rfind("\"" + name + ":", 0) != 0) return "<absent>";
    p = info.find(name + ":");
  } else {
    p += 2;
  }
  p += name.size() + 1;
  return info.substr(p, info.find("\r\n", p) - p);
}

TEST(ServerFamily, DbsizeCountsKeysOfTheSelectedDbAcrossEngines) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 0");
  for (int i = 0; i < 50; ++i) c.Run({"SET", "key:" + std::to_string(i), "v"});
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 50");
  c.Run({"SELECT", "1"});
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 0");
}

TEST(ServerFamily, FlushdbClearsOnlyTheSelectedDb) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"MSET", "a", "1", "b", "2", "c", "3"});
  c.Run({"SELECT", "1"});
  c.Run({"SET", "x", "1"});
  EXPECT_EQ(c.Run({"FLUSHDB"}), "OK");
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 0");
  c.Run({"SELECT", "0"});
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 3");
  EXPECT_EQ(c.Run({"FLUSHDB", "ASYNC"}), "OK");
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 0");
}

TEST(ServerFamily, FlushallClearsEveryDbAndChecksSyntax) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"SET", "a", "1"});
  c.Run({"SELECT", "5"});
  c.Run({"SET", "b", "1"});
  EXPECT_EQ(c.Run({"FLUSHALL", "foo"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"FLUSHALL", "SYNC", "ASYNC"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 1");
  EXPECT_EQ(c.Run({"FLUSHALL", "sync"}), "OK");
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 0");
  c.Run({"SELECT", "0"});
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 0");
}

TEST(ServerFamily, TimeComesFromTheServerClock) {
  TestServer srv;
  srv.clock.Set(1'700'000'123'456);
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"TIME"}), "[\"1700000123\", \"456000\"]");
}

TEST(ServerFamily, SwapdbExchangesDatabasesEverywhere) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"MSET", "a", "0", "b", "0", "{t}c", "0"});
  c.Run({"SELECT", "3"});
  c.Run({"SET", "z", "3"});
  EXPECT_EQ(c.Run({"SWAPDB", "0", "3"}), "OK");
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 3");
  EXPECT_EQ(c.Run({"GET", "a"}), "\"0\"");
  c.Run({"SELECT", "0"});
  EXPECT_EQ(c.Run({"GET", "z"}), "\"3\"");
  EXPECT_EQ(c.Run({"SWAPDB", "2", "2"}), "OK");
}

TEST(ServerFamily, SwapdbErrors) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SWAPDB", "a", "1"}), Err(err::kInvalidFirstDb));
  EXPECT_EQ(c.Run({"SWAPDB", "1", "b"}), Err(err::kInvalidSecondDb));
  EXPECT_EQ(c.Run({"SWAPDB", "1", "16"}), Err(err::kDbIndexRange));
  EXPECT_EQ(c.Run({"SWAPDB", "-1", "0"}), Err(err::kDbIndexRange));
  EXPECT_EQ(c.Run({"SWAPDB", "1"}), Err(err::WrongArgs("swapdb")));
}

TEST(ConfigCommand, GetMatchesGlobsOncePerOption) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"CONFIG", "GET", "maxclients"}), "[\"maxclients\", \"10000\"]");
  EXPECT_EQ(c.Run({"CONFIG", "GET", "MAXCLIENTS"}), "[\"maxclients\", \"10000\"]");
  EXPECT_EQ(c.Run({"CONFIG", "GET", "save", "appendonly"}), "[\"save\", \"\", \"appendonly\", \"no\"]");
  EXPECT_EQ(c.Run({"CONFIG", "GET", "tcp-k*", "tcp-keepalive"}), "[\"tcp-keepalive\", \"300\"]");
  EXPECT_EQ(c.Run({"CONFIG", "GET", "nomatch"}), "[]");
  EXPECT_EQ(c.Run({"CONFIG", "GET"}), Err(err::WrongArgs("config|get")));
}

TEST(ConfigCommand, GetRepliesAMapInResp3) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"HELLO", "3"});
  EXPECT_EQ(c.Run({"CONFIG", "GET", "hz"}), "{\"hz\": \"10\"}");
}

TEST(ConfigCommand, SetChangesRuntimeOptions) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"CONFIG", "SET", "maxclients", "50", "timeout", "7"}), "OK");
  EXPECT_EQ(c.Run({"CONFIG", "GET", "maxclients", "timeout"}), "[\"maxclients\", \"50\", \"timeout\", \"7\"]");
  EXPECT_EQ(c.Run({"CONFIG", "SET", "proto-max-bulk-len", "2mb"}), "OK");
  EXPECT_EQ(srv.state.config().proto_max_bulk_len, 2 * 1024 * 1024);
}

TEST(ConfigCommand, SetErrorsMatchRedisAndChangeNothing) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"CONFIG", "SET", "foo", "bar"}),
            "(error) ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(c.Run({"CONFIG", "SET", "maxclients", "abc"}),
            "(error) ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed "
            "into an integer");
  EXPECT_EQ(c.Run({"CONFIG", "SET", "timeout", "-1"}),
            "(error) ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and "
            "2147483647 inclusive");
  EXPECT_EQ(c.Run({"CONFIG", "SET", "proto-max-bulk-len", "10zz"}),
            "(error) ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be a "
            "memory value");
  EXPECT_EQ(c.Run({"CONFIG", "SET", "maxclients", "10", "maxclients", "20"}),
            "(error) ERR CONFIG SET failed (possibly related to argument 'maxclients') - duplicate parameter");
  EXPECT_EQ(c.Run({"CONFIG", "SET", "port", "1234"}),
            "(error) ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config");
  EXPECT_EQ(c.Run({"CONFIG", "SET", "maxclients", "10", "foo"}), Err(err::kSyntax));
  // All or nothing: the good first value is not applied when the second is bad.
  EXPECT_EQ(c.Run({"CONFIG", "SET", "maxclients", "10", "timeout", "x"}).substr(0, 30),
            "(error) ERR CONFIG SET failed ");
  EXPECT_EQ(c.Run({"CONFIG", "GET", "maxclients"}), "[\"maxclients\", \"10000\"]");
}

TEST(ConfigCommand, RequirepassAppliesToNewConnections) {
  TestServer srv;
  DirectClient admin(srv);
  EXPECT_EQ(admin.Run({"CONFIG", "SET", "requirepass", "pw"}), "OK");
  EXPECT_EQ(admin.Run({"PING"}), "PONG");
  DirectClient late(srv);
  EXPECT_EQ(late.Run({"PING"}), Err(err::kNoAuth));
  EXPECT_EQ(late.Run({"AUTH", "pw"}), "OK");
}

TEST(ConfigCommand, ResetstatZeroesCounters) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"SET", "k", "v"});
  c.Run({"GET", "k"});
  c.Run({"GET", "nope"});
  std::string before = c.Run({"INFO", "stats"});
  EXPECT_EQ(InfoField(before, "keyspace_hits"), "1");
  EXPECT_EQ(InfoField(before, "keyspace_misses"), "1");
  EXPECT_EQ(c.Run({"CONFIG", "RESETSTAT"}), "OK");
  std::string after = c.Run({"INFO", "stats"});
  EXPECT_EQ(InfoField(after, "keyspace_hits"), "0");
  EXPECT_EQ(InfoField(after, "keyspace_misses"), "0");
  // INFO itself is the one command counted since the reset.
  EXPECT_EQ(InfoField(after, "total_commands_processed"), "1");
}

TEST(ConfigCommand, HelpListsSubcommands) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"CONFIG", "HELP"}).rfind("[CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", 0), 0u);
  EXPECT_EQ(c.Run({"CONFIG", "REWRITE"}), Err(err::kNoConfigFile));  // started without --config
  EXPECT_EQ(c.Run({"CONFIG", "NOPE"}), "(error) ERR unknown subcommand 'NOPE'. Try CONFIG HELP.");
}

TEST(InfoCommand, DefaultHasRedisSectionsAndFields) {
  TestServer srv;
  DirectClient c(srv);
  std::string info = c.Run({"INFO"});
  for (const char* section : {"# Server", "# Clients", "# Memory", "# Stats", "# Keyspace", "# Keyshard"})
    EXPECT_NE(info.find(section), std::string::npos) << section;
  EXPECT_EQ(InfoField(info, "redis_version"), "7.0.15");
  EXPECT_EQ(InfoField(info, "connected_clients"), "1");
  EXPECT_EQ(InfoField(info, "engines"), "8");
  EXPECT_NE(InfoField(info, "used_memory"), "<absent>");
  EXPECT_NE(InfoField(info, "process_id"), "<absent>");
  // As Redis 7.0: "all" adds commandstats and latencystats to the default sections.
  EXPECT_EQ(info.find("# Commandstats"), std::string::npos);
  std::string all = c.Run({"INFO", "all"});
  EXPECT_NE(all.find("# Commandstats"), std::string::npos);
  EXPECT_NE(all.find("# Latencystats"), std::string::npos);
  EXPECT_NE(all.find("# Keyshard"), std::string::npos);
}

TEST(InfoCommand, SectionsAreSelectableAndUnknownIsEmpty) {
  TestServer srv;
  DirectClient c(srv);
  std::string clients = c.Run({"INFO", "CLIENTS"});
  EXPECT_EQ(clients.rfind("\"# Clients\r\n", 0), 0u);
  EXPECT_EQ(clients.find("# Server"), std::string::npos);
  std::string two = c.Run({"INFO", "keyspace", "server"});
  EXPECT_EQ(two.rfind("\"# Server\r\n", 0), 0u);
  EXPECT_NE(two.find("\r\n\r\n# Keyspace\r\n"), std::string::npos);
  EXPECT_EQ(c.Run({"INFO", "foo"}), "\"\"");
}

TEST(InfoCommand, KeyspaceAndUptimeFollowTheData) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"SET", "a", "1"});
  c.Run({"SET", "b", "1", "EX", "100"});
  c.Run({"SELECT", "2"});
  c.Run({"SET", "c", "1"});
  EXPECT_EQ(c.Run({"INFO", "keyspace"}),
            "\"# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n\"");
  srv.clock.Advance(90'000);
  EXPECT_EQ(InfoField(c.Run({"INFO", "server"}), "uptime_in_seconds"), "90");
  std::string ks = c.Run({"INFO", "keyshard"});
  int64_t keys = 0;
  for (int i = 0; i < 8; ++i) {
    std::string f = InfoField(ks, "engine" + std::to_string(i));
    keys += std::stoll(f.substr(5));
  }
  EXPECT_EQ(keys, 3);
}

TEST(InfoCommand, Resp3RepliesVerbatim) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"HELLO", "3"});
  c.Run({"INFO", "clients"});
  EXPECT_EQ(c.raw().rfind("=", 0), 0u);
  EXPECT_NE(c.raw().find("txt:# Clients\r\n"), std::string::npos);
}

TEST(CommandCommand, InfoHasRedisShape) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"COMMAND", "INFO", "get"}),
            "[[\"get\", (integer) 2, [readonly, fast], (integer) 1, (integer) 1, (integer) 1, [@read, @string, @fast], "
            "[], [[\"flags\", [RO, access], \"begin_search\", [\"type\", \"index\", \"spec\", [\"index\", (integer) 1]], "
            "\"find_keys\", [\"type\", \"range\", \"spec\", [\"lastkey\", (integer) 0, \"keystep\", (integer) 1, "
            "\"limit\", (integer) 0]]]], []]]");
  EXPECT_EQ(c.Run({"COMMAND", "INFO", "nosuch", "client|nosuch"}), "[(nil), (nil)]");
  std::string list = c.Run({"COMMAND", "INFO", "client|list"});
  EXPECT_EQ(list.rfind("[[\"client|list\", (integer) -2, [admin, noscript, loading, stale]", 0), 0u);
}

TEST(CommandCommand, InfoInResp3UsesSetsAndMaps) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"HELLO", "3"});
  EXPECT_EQ(c.Run({"COMMAND", "INFO", "set"}),
            "[[\"set\", (integer) -3, ~[write, denyoom], (integer) 1, (integer) 1, (integer) 1, ~[@write, @string, @slow], "
            "~[], ~[{\"notes\": \"RW and ACCESS due to the optional `GET` argument\", \"flags\": ~[RW, access, update, "
            "variable_flags], \"begin_search\": {\"type\": \"index\", \"spec\": {\"index\": (integer) 1}}, "
            "\"find_keys\": {\"type\": \"range\", \"spec\": {\"lastkey\": (integer) 0, \"keystep\": (integer) 1, "
            "\"limit\": (integer) 0}}}], ~[]]]");
}

TEST(CommandCommand, AllRowsAndCount) {
  TestServer srv;
  DirectClient c(srv);
  std::string all = c.Run({"COMMAND"});
  EXPECT_NE(all.find("[\"ping\", (integer) -1"), std::string::npos);
  EXPECT_EQ(c.Run({"COMMAND", "INFO"}), all);
  EXPECT_EQ(c.Run({"COMMAND", "COUNT"}), "(integer) " + std::to_string(srv.state.commands().all().size()));
}

TEST(CommandCommand, DocsListsSummarySinceGroupComplexity) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"COMMAND", "DOCS", "echo", "nosuch"}),
            "[\"echo\", [\"summary\", \"Returns the given string.\", \"since\", \"1.0.0\", \"group\", \"connection\", "
            "\"complexity\", \"O(1)\"]]");
  std::string cfg = c.Run({"COMMAND", "DOCS", "config"});
  EXPECT_NE(cfg.find("\"subcommands\", [\"config|get\", [\"summary\""), std::string::npos);
  EXPECT_EQ(c.Run({"COMMAND", "DOCS", "nosuch"}), "[]");
}

TEST(CommandCommand, GetKeysFromTheTable) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"COMMAND", "GETKEYS", "get", "k"}), "[\"k\"]");
  EXPECT_EQ(c.Run({"COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"}), "[\"a\", \"b\"]");
  EXPECT_EQ(c.Run({"COMMAND", "GETKEYS", "nosuch", "a"}), Err(err::kInvalidCommand));
  EXPECT_EQ(c.Run({"COMMAND", "GETKEYS", "client", "nosuch"}), Err(err::kInvalidCommand));
  EXPECT_EQ(c.Run({"COMMAND", "GETKEYS", "get", "a", "b"}), Err(err::kInvalidCommandArgCount));
  EXPECT_EQ(c.Run({"COMMAND", "GETKEYS", "mset", "a"}), Err(err::kInvalidCommandArgCount));
  EXPECT_EQ(c.Run({"COMMAND", "GETKEYS", "client", "list"}), Err(err::kCommandHasNoKeys));
  EXPECT_EQ(c.Run({"COMMAND", "GETKEYS", "get"}), Err(err::WrongArgs("command|getkeys")));
}

TEST(CommandCommand, ListWithFilters) {
  TestServer srv;
  DirectClient c(srv);
  std::string all = c.Run({"COMMAND", "LIST"});
  EXPECT_NE(all.find("\"client|list\""), std::string::npos);
  EXPECT_NE(all.find("\"get\""), std::string::npos);
  std::string conn = c.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection"});
  EXPECT_NE(conn.find("\"client|kill\""), std::string::npos);
  EXPECT_EQ(conn.find("\"get\""), std::string::npos);
  EXPECT_EQ(conn.find("\"client\""), std::string::npos);
  EXPECT_EQ(c.Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "config|*et"}), "[\"config|get\", \"config|set\"]");
  EXPECT_EQ(c.Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "foo"}), "[]");
  EXPECT_EQ(c.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"}), "[]");
  EXPECT_EQ(c.Run({"COMMAND", "LIST", "FILTERBY", "foo", "bar"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"COMMAND", "LIST", "FILTERBY"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"COMMAND", "LIST", "foo"}), Err(err::kSyntax));
}

TEST(CommandCommand, HelpAndUnknownSubcommand) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"COMMAND", "HELP"}).rfind("[COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", 0), 0u);
  EXPECT_EQ(c.Run({"COMMAND", "FOO"}), "(error) ERR unknown subcommand 'FOO'. Try COMMAND HELP.");
}

}  // namespace
}  // namespace ks::test
