#include <gtest/gtest.h>

#include "server/core/errors.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

Config WithPassword(std::string pass) {
  Config c;
  c.requirepass = std::move(pass);
  return c;
}

TEST(ConnectionFamily, PingAndEcho) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"PING"}), "PONG");
  EXPECT_EQ(c.Run({"PING", "hi"}), "\"hi\"");
  EXPECT_EQ(c.Run({"PING", "a", "b"}), Err(err::WrongArgs("ping")));
  EXPECT_EQ(c.Run({"ECHO", "hello"}), "\"hello\"");
  EXPECT_EQ(c.Run({"ECHO"}), Err(err::WrongArgs("echo")));
}

TEST(ConnectionFamily, QuitRepliesOkAndAsksToClose) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"QUIT"}), "OK");
  EXPECT_TRUE(c.state().close_after_reply);
}

TEST(ConnectionFamily, SelectSwitchesDatabaseAndChecksRange) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "zero"}), "OK");
  EXPECT_EQ(c.Run({"SELECT", "15"}), "OK");
  EXPECT_EQ(c.state().db, 15);
  EXPECT_EQ(c.Run({"GET", "k"}), "(nil)");
  EXPECT_EQ(c.Run({"SELECT", "16"}), Err(err::kDbIndexRange));
  EXPECT_EQ(c.Run({"SELECT", "-1"}), Err(err::kDbIndexRange));
  EXPECT_EQ(c.Run({"SELECT", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"SELECT", "1.5"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"SELECT", "2147483648"}), Err(err::kIntRange));
  EXPECT_EQ(c.Run({"SELECT", "0"}), "OK");
  EXPECT_EQ(c.Run({"GET", "k"}), "\"zero\"");
}

TEST(ConnectionFamily, AuthWithoutPasswordConfigured) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"AUTH", "x"}), Err(err::kAuthNotConfigured));
  EXPECT_EQ(c.Run({"AUTH", "default", "anything"}), "OK");
  EXPECT_EQ(c.Run({"AUTH", "bob", "x"}), Err(err::kWrongPass));
  EXPECT_EQ(c.Run({"AUTH", "a", "b", "c"}), Err(err::kSyntax));
}

TEST(ConnectionFamily, RequirepassGatesCommandsUntilAuth) {
  TestServer srv(8, WithPassword("secret"));
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"GET", "k"}), Err(err::kNoAuth));
  EXPECT_EQ(c.Run({"AUTH", "wrong"}), Err(err::kWrongPass));
  EXPECT_EQ(c.Run({"AUTH", "bob", "secret"}), Err(err::kWrongPass));
  EXPECT_EQ(c.Run({"GET", "k"}), Err(err::kNoAuth));
  EXPECT_EQ(c.Run({"AUTH", "secret"}), "OK");
  EXPECT_EQ(c.Run({"GET", "k"}), "(nil)");
  EXPECT_EQ(c.Run({"AUTH", "default", "secret"}), "OK");
}

TEST(ConnectionFamily, HelloReportsServerInRespTwoAndThree) {
  TestServer srv;
  DirectClient c(srv);
  std::string id = std::to_string(c.state().info->id);
  EXPECT_EQ(c.Run({"HELLO"}), "[\"server\", \"keyshard\", \"version\", \"7.0.15\", \"proto\", (integer) 2, \"id\", (integer) " +
                                  id + ", \"mode\", \"standalone\", \"role\", \"master\", \"modules\", []]");
  EXPECT_EQ(c.Run({"HELLO", "3"}), "{\"server\": \"keyshard\", \"version\": \"7.0.15\", \"proto\": (integer) 3, \"id\": (integer) " +
                                       id + ", \"mode\": \"standalone\", \"role\": \"master\", \"modules\": []}");
  EXPECT_EQ(c.state().resp, 3);
  EXPECT_EQ(c.Run({"GET", "missing"}), "(nil)");
  EXPECT_EQ(c.raw(), "_\r\n");
  EXPECT_EQ(c.Run({"HELLO", "2"}).substr(0, 1), "[");
  EXPECT_EQ(c.state().resp, 2);
}

TEST(ConnectionFamily, HelloRejectsBadVersionsAndOptions) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"HELLO", "4"}), Err(err::kNoProto));
  EXPECT_EQ(c.Run({"HELLO", "1"}), Err(err::kNoProto));
  EXPECT_EQ(c.Run({"HELLO", "abc"}), Err(err::kProtoVersionNotInteger));
  EXPECT_EQ(c.Run({"HELLO", "2", "FOO"}), "(error) ERR Syntax error in HELLO option 'FOO'");
  EXPECT_EQ(c.Run({"HELLO", "2", "AUTH", "default"}), "(error) ERR Syntax error in HELLO option 'AUTH'");
  EXPECT_EQ(c.Run({"HELLO", "2", "SETNAME", "a b"}), Err(err::kBadClientName));
  EXPECT_EQ(c.state().resp, 2);
}

TEST(ConnectionFamily, HelloAuthenticatesAndNames) {
  TestServer srv(8, WithPassword("pw"));
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"HELLO", "3"}), Err(err::kHelloNoAuth));
  EXPECT_EQ(c.Run({"HELLO", "3", "AUTH", "default", "bad"}), Err(err::kWrongPass));
  EXPECT_EQ(c.state().resp, 2);
  std::string r = c.Run({"HELLO", "3", "AUTH", "default", "pw", "SETNAME", "conn1"});
  EXPECT_EQ(r.substr(0, 22), "{\"server\": \"keyshard\",");
  EXPECT_TRUE(c.state().authenticated);
  EXPECT_EQ(c.Run({"CLIENT", "GETNAME"}), "\"conn1\"");
}

TEST(ConnectionFamily, ResetRestoresInitialState) {
  TestServer srv(8, WithPassword("pw"));
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"AUTH", "pw"}), "OK");
  c.Run({"HELLO", "3", "SETNAME", "n"});
  EXPECT_EQ(c.Run({"SELECT", "3"}), "OK");
  EXPECT_EQ(c.Run({"CLIENT", "NO-EVICT", "on"}), "OK");
  EXPECT_EQ(c.Run({"CLIENT", "NO-TOUCH", "on"}), "OK");
  EXPECT_EQ(c.Run({"RESET"}), "RESET");
  EXPECT_EQ(c.state().db, 0);
  EXPECT_EQ(c.state().resp, 2);
  EXPECT_FALSE(c.state().authenticated);
  EXPECT_FALSE(c.state().info->no_evict.load());
  EXPECT_FALSE(c.state().info->no_touch.load());
  EXPECT_EQ(c.Run({"AUTH", "pw"}), "OK");
  EXPECT_EQ(c.Run({"CLIENT", "GETNAME"}), "(nil)");
}

TEST(ConnectionFamily, ResetWithoutPasswordStaysAuthenticated) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"RESET"}), "RESET");
  EXPECT_TRUE(c.state().authenticated);
}

TEST(ClientCommand, SetNameGetNameAndValidation) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"CLIENT", "GETNAME"}), "(nil)");
  EXPECT_EQ(c.Run({"CLIENT", "SETNAME", "worker-1"}), "OK");
  EXPECT_EQ(c.Run({"CLIENT", "GETNAME"}), "\"worker-1\"");
  EXPECT_EQ(c.Run({"CLIENT", "SETNAME", "a b"}), Err(err::kBadClientName));
  EXPECT_EQ(c.Run({"CLIENT", "SETNAME", "a\nb"}), Err(err::kBadClientName));
  EXPECT_EQ(c.Run({"CLIENT", "GETNAME"}), "\"worker-1\"");
  EXPECT_EQ(c.Run({"CLIENT", "SETNAME", ""}), "OK");
  EXPECT_EQ(c.Run({"CLIENT", "GETNAME"}), "(nil)");
}

TEST(ClientCommand, IdIsTheConnectionsId) {
  TestServer srv;
  DirectClient a(srv), b(srv);
  EXPECT_EQ(a.Run({"CLIENT", "ID"}), "(integer) " + std::to_string(a.state().info->id));
  EXPECT_NE(a.Run({"CLIENT", "ID"}), b.Run({"CLIENT", "ID"}));
}

TEST(ClientCommand, InfoLineHasRedisFieldOrder) {
  TestServer srv;
  DirectClient c(srv);
  // DirectClient has no socket; give it the times a connection records when it is accepted.
  c.state().info->created_ms = srv.clock.NowMs();
  c.state().info->last_interaction_ms = srv.clock.NowMs();
  c.Run({"CLIENT", "SETNAME", "me"});
  c.Run({"SELECT", "2"});
  std::string line = c.Run({"CLIENT", "INFO"});
  std::string id = std::to_string(c.state().info->id);
  EXPECT_EQ(line,
            "\"id=" + id +
                " addr=127.0.0.1:50000 laddr=127.0.0.1:6379 fd=-1 name=me age=0 idle=0 flags=N db=2 sub=0 psub=0 "
                "ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 "
                "events=r cmd=client|info user=default redir=-1 resp=2 lib-name= lib-ver=\n\"");
}

TEST(ClientCommand, ListShowsEveryClientAndFilters) {
  TestServer srv;
  DirectClient a(srv), b(srv);
  std::string ida = std::to_string(a.state().info->id), idb = std::to_string(b.state().info->id);
  std::string all = a.Run({"CLIENT", "LIST"});
  EXPECT_NE(all.find("id=" + ida + " "), std::string::npos);
  EXPECT_NE(all.find("id=" + idb + " "), std::string::npos);
  EXPECT_EQ(a.Run({"CLIENT", "LIST", "TYPE", "normal"}), a.Run({"CLIENT", "LIST"}));
  EXPECT_EQ(a.Run({"CLIENT", "LIST", "TYPE", "pubsub"}), "\"\"");
  EXPECT_EQ(a.Run({"CLIENT", "LIST", "TYPE", "foo"}), "(error) ERR Unknown client type 'foo'");
  std::string only_b = a.Run({"CLIENT", "LIST", "ID", idb});
  EXPECT_EQ(only_b.find("id=" + ida + " "), std::string::npos);
  EXPECT_EQ(only_b.rfind("\"id=" + idb + " ", 0), 0u);
  EXPECT_EQ(a.Run({"CLIENT", "LIST", "ID", "1", "abc"}), Err(err::kInvalidClientId));
  EXPECT_EQ(a.Run({"CLIENT", "LIST", "ID"}), Err(err::kSyntax));
  EXPECT_EQ(a.Run({"CLIENT", "LIST", "foo"}), Err(err::kSyntax));
}

TEST(ClientCommand, ListFlagsShowNoEvictAndNoTouch) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"CLIENT", "NO-EVICT", "on"});
  c.Run({"CLIENT", "NO-TOUCH", "ON"});
  EXPECT_NE(c.Run({"CLIENT", "INFO"}).find(" flags=eT "), std::string::npos);
  EXPECT_EQ(c.Run({"CLIENT", "NO-EVICT", "maybe"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"CLIENT", "NO-TOUCH", "maybe"}), Err(err::kSyntax));
  c.Run({"CLIENT", "NO-EVICT", "off"});
  c.Run({"CLIENT", "NO-TOUCH", "off"});
  EXPECT_NE(c.Run({"CLIENT", "INFO"}).find(" flags=N "), std::string::npos);
}

TEST(ClientCommand, KillFiltersAndErrors) {
  TestServer srv;
  DirectClient a(srv), b(srv);
  std::string idb = std::to_string(b.state().info->id);
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "1.2.3.4:5"}), Err(err::kNoSuchClient));
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "ID", "999999"}), "(integer) 0");
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "ID", "abc"}), Err(err::kClientIdPositive));
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "ID", "0"}), Err(err::kClientIdPositive));
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "FOO", "bar"}), Err(err::kSyntax));
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "ID", "1", "2"}), Err(err::kSyntax));
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "ADDR", "1.1.1.1:1", "SKIPME", "maybe"}), Err(err::kSyntax));
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "USER", "nobody"}), "(error) ERR No such user 'nobody'");
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "TYPE", "master"}), "(integer) 0");
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "ID", idb}), "(integer) 1");
  EXPECT_TRUE(b.state().info->killed.load());
  EXPECT_FALSE(a.state().info->killed.load());
  EXPECT_FALSE(a.state().close_after_reply);
}

TEST(ClientCommand, KillSkipsSelfUnlessAskedAndThenClosesAfterReply) {
  TestServer srv;
  DirectClient a(srv);
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "USER", "default"}), "(integer) 0");
  EXPECT_FALSE(a.state().close_after_reply);
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "USER", "default", "SKIPME", "no"}), "(integer) 1");
  EXPECT_TRUE(a.state().close_after_reply);
}

TEST(ClientCommand, KillByOldAddressForm) {
  TestServer srv;
  DirectClient a(srv), b(srv);
  b.state().info->addr = "10.0.0.1:4000";
  EXPECT_EQ(a.Run({"CLIENT", "KILL", "10.0.0.1:4000"}), "OK");
  EXPECT_TRUE(b.state().info->killed.load());
}

TEST(ClientCommand, ReplyOffAndSkipWriteNothing) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(c.state().reply_mode, ReplyMode::kOff);
  // SKIP while OFF leaves replies off, as in Redis.
  EXPECT_EQ(c.Run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(c.state().reply_mode, ReplyMode::kOff);
  EXPECT_EQ(c.Run({"CLIENT", "REPLY", "ON"}), "OK");
  EXPECT_EQ(c.state().reply_mode, ReplyMode::kOn);
  EXPECT_EQ(c.Run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(c.state().reply_mode, ReplyMode::kSkip);
  EXPECT_EQ(c.Run({"CLIENT", "REPLY", "maybe"}), Err(err::kSyntax));
}

TEST(ClientCommand, SetInfoStoresLibraryNameAndVersion) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}), "OK");
  EXPECT_EQ(c.Run({"CLIENT", "SETINFO", "lib-ver", "5.0.1"}), "OK");
  EXPECT_NE(c.Run({"CLIENT", "INFO"}).find(" lib-name=redis-py lib-ver=5.0.1\n"), std::string::npos);
  EXPECT_EQ(c.Run({"CLIENT", "SETINFO", "lib-foo", "x"}), "(error) ERR Unrecognized option 'lib-foo'");
  EXPECT_EQ(c.Run({"CLIENT", "SETINFO", "lib-name", "a b"}),
            "(error) ERR lib-name cannot contain spaces, newlines or special characters.");
}

TEST(ClientCommand, UnknownSubcommandAndHelp) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"CLIENT", "FOO"}), "(error) ERR unknown subcommand 'FOO'. Try CLIENT HELP.");
  EXPECT_EQ(c.Run({"CLIENT"}), Err(err::WrongArgs("client")));
  std::string help = c.Run({"CLIENT", "HELP"});
  EXPECT_EQ(help.rfind("[CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, ", 0), 0u);
  EXPECT_NE(help.find("NO-TOUCH (ON|OFF)"), std::string::npos);
}

}  // namespace
}  // namespace ks::test
