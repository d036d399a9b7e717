// Client tracking over real sockets: the same scripts run against keyshard and redis-server
// 7.0 by several clients, every reply and invalidation compared byte for byte: RESP3 default
// mode, REDIRECT to a RESP2 subscriber, BCAST with prefixes, OPTIN/OPTOUT with CLIENT
// CACHING, NOLOOP, FLUSHDB, the error texts and CLIENT TRACKINGINFO. Each step is sent and
// its frames read before the next, since Redis sends a client's own invalidations after its
// reply but before the next pipelined command's.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/diff_servers.h"
#include "tests/support/raw_client.h"

namespace ks::test {
namespace {

// Client `who` sends cmd ("{id1}" in an argument stands for client 1's id); then `reads`
// lists how many frames each client reads. A hidden step's frames are read, not compared
// (HELLO names the server).
struct Step {
  int who;
  Cmd cmd;
  std::vector<std::pair<int, int>> reads;
  bool hidden = false;
};

Step One(int who, Cmd cmd) { return Step{who, std::move(cmd), {{who, 1}}}; }
Step Hello3(int who) { return Step{who, {"HELLO", "3"}, {{who, 1}}, true}; }

std::string Transcript(int port, int clients, const std::vector<Step>& script) {
  std::vector<std::unique_ptr<RawClient>> cs;
  std::vector<std::string> ids;
  for (int i = 0; i < clients; ++i) {
    cs.push_back(std::make_unique<RawClient>(port));
    std::string id = cs.back()->Call({"CLIENT", "ID"});
    ids.push_back(id.substr(1, id.size() - 3));
  }
  cs[0]->Call({"FLUSHALL"});
  std::string out;
  for (const Step& s : script) {
    Cmd cmd = s.cmd;
    for (auto& a : cmd)
      if (a.size() == 5 && a.starts_with("{id") && a.ends_with("}")) a = ids[a[3] - '0'];
    cs[s.who]->Send(cmd);
    if (!s.hidden) out += "c" + std::to_string(s.who) + "> " + Shown(s.cmd) + "\n";
    for (auto [c, n] : s.reads)
      for (int i = 0; i < n; ++i) {
        std::string f = cs[c]->Next();
        if (!s.hidden) out += "c" + std::to_string(c) + "< " + f + "\n";
      }
  }
  // Nothing more may arrive that one server sends and the other does not.
  for (int i = 0; i < clients; ++i)
    if (!cs[i]->Quiet(50)) out += "c" + std::to_string(i) + "< " + cs[i]->Next() + " (unexpected)\n";
  return out;
}

class TrackingDiff : public DiffSuite {
 protected:
  void ExpectSame(int clients, const std::vector<Step>& script) {
    EXPECT_EQ(Transcript(ks_->port(), clients, script), Transcript(redis_->port(), clients, script));
  }
};

TEST_F(TrackingDiff, Resp3DefaultModeInvalidatesKeysReadThenChanged) {
  ExpectSame(2, {
                    Hello3(0),
                    One(0, {"CLIENT", "TRACKING", "on"}),
                    One(0, {"GET", "k"}),
                    One(0, {"MGET", "a{t}", "b{t}", "c{t}"}),
                    One(0, {"HGETALL", "h"}),
                    Step{1, {"SET", "k", "1"}, {{1, 1}, {0, 1}}},
                    One(1, {"SET", "k", "2"}),  // not read again: no second message
                    Step{1, {"MSET", "a{t}", "1", "c{t}", "2"}, {{1, 1}, {0, 2}}},
                    Step{1, {"HSET", "h", "f", "v"}, {{1, 1}, {0, 1}}},
                    // Its own write: the message follows the reply.
                    One(0, {"GET", "k"}),
                    Step{0, {"DEL", "k"}, {{0, 2}}},
                    One(0, {"STRLEN", "s"}),
                    Step{1, {"APPEND", "s", "x"}, {{1, 1}, {0, 1}}},
                    One(0, {"CLIENT", "TRACKINGINFO"}),
                    One(0, {"CLIENT", "GETREDIR"}),
                    One(1, {"CLIENT", "GETREDIR"}),
                    One(1, {"CLIENT", "TRACKINGINFO"}),
                    One(0, {"CLIENT", "TRACKING", "off"}),
                    One(0, {"GET", "b{t}"}),
                    One(1, {"SET", "b{t}", "1"}),
                });
}

TEST_F(TrackingDiff, FlushSendsANullInvalidation) {
  ExpectSame(2, {
                    Hello3(0),
                    One(0, {"CLIENT", "TRACKING", "on"}),
                    One(0, {"GET", "k"}),
                    Step{1, {"FLUSHDB"}, {{1, 1}, {0, 1}}},
                    One(1, {"SET", "k", "1"}),  // the table was emptied
                    Step{0, {"FLUSHALL"}, {{0, 2}}},
                });
}

TEST_F(TrackingDiff, RedirectToResp2SubscriberPublishesOnInvalidateChannel) {
  ExpectSame(3, {
                    One(1, {"SUBSCRIBE", "__redis__:invalidate"}),
                    One(0, {"CLIENT", "TRACKING", "on", "REDIRECT", "{id1}"}),
                    One(0, {"GET", "k"}),
                    Step{2, {"SET", "k", "v"}, {{2, 1}, {1, 1}}},
                    One(0, {"GET", "k"}),
                    Step{2, {"FLUSHDB"}, {{2, 1}, {1, 1}}},
                    One(0, {"CLIENT", "TRACKING", "on", "REDIRECT", "999999"}),
                    One(0, {"CLIENT", "TRACKING", "on", "REDIRECT", "x"}),
                });
}

TEST_F(TrackingDiff, BroadcastWithPrefixesAndNoloop) {
  ExpectSame(2, {
                    Hello3(0),
                    One(0, {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:", "NOLOOP"}),
                    One(0, {"CLIENT", "TRACKINGINFO"}),
                    Step{1, {"MSET", "user:{1}b", "1", "user:{1}a", "2", "other{1}", "3"}, {{1, 1}, {0, 1}}},
                    Step{1, {"SET", "obj:1", "x"}, {{1, 1}, {0, 1}}},
                    One(0, {"SET", "user:9", "own"}),  // NOLOOP: its own change is not sent
                    One(1, {"SET", "plain", "x"}),
                    One(0, {"CLIENT", "TRACKING", "on"}),
                    One(0, {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:x"}),
                    One(0, {"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab"}),
                    One(0, {"CLIENT", "TRACKING", "off"}),
                    One(0, {"CLIENT", "TRACKING", "on", "BCAST"}),
                    Step{1, {"SET", "anything", "x"}, {{1, 1}, {0, 1}}},
                    One(0, {"CLIENT", "TRACKINGINFO"}),
                });
}

TEST_F(TrackingDiff, OptinAndOptoutFollowClientCaching) {
  ExpectSame(2, {
                    Hello3(0),
                    One(0, {"CLIENT", "CACHING", "yes"}),
                    One(0, {"CLIENT", "TRACKING", "on", "OPTIN"}),
                    One(0, {"GET", "a"}),  // not remembered
                    One(0, {"CLIENT", "CACHING", "yes"}),
                    One(0, {"CLIENT", "TRACKINGINFO"}),
                    One(0, {"GET", "b"}),  // remembered
                    One(0, {"GET", "c"}),  // CACHING held for one command only
                    Step{1, {"MSET", "a", "1", "b", "2", "c", "3"}, {{1, 1}, {0, 1}}},
                    One(0, {"CLIENT", "CACHING", "no"}),
                    One(0, {"CLIENT", "CACHING", "maybe"}),
                    One(0, {"CLIENT", "TRACKING", "on", "OPTOUT"}),
                    One(0, {"CLIENT", "TRACKING", "off"}),
                    One(0, {"CLIENT", "TRACKING", "on", "OPTOUT"}),
                    One(0, {"GET", "a"}),  // remembered
                    One(0, {"CLIENT", "CACHING", "no"}),
                    One(0, {"GET", "b"}),  // not remembered
                    One(0, {"CLIENT", "TRACKINGINFO"}),
                    Step{1, {"MSET", "a", "1", "b", "2"}, {{1, 1}, {0, 1}}},
                });
}

TEST_F(TrackingDiff, ErrorTexts) {
  ExpectSame(1, {
                    One(0, {"CLIENT", "TRACKING", "maybe"}),
                    One(0, {"CLIENT", "TRACKING", "on", "foo"}),
                    One(0, {"CLIENT", "TRACKING", "on", "PREFIX", "a"}),
                    One(0, {"CLIENT", "TRACKING", "on", "BCAST", "OPTIN"}),
                    One(0, {"CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"}),
                    One(0, {"CLIENT", "TRACKING", "on", "REDIRECT", "{id0}", "REDIRECT", "{id0}"}),
                    One(0, {"CLIENT", "TRACKING", "on", "REDIRECT"}),
                    One(0, {"CLIENT", "TRACKING"}),
                    One(0, {"CLIENT", "CACHING", "yes"}),
                    One(0, {"CLIENT", "CACHING"}),
                    One(0, {"CLIENT", "GETREDIR", "x"}),
                    One(0, {"CLIENT", "TRACKINGINFO"}),
                    One(0, {"CLIENT", "TRACKING", "on", "OPTIN"}),
                    One(0, {"CLIENT", "TRACKING", "on", "OPTOUT"}),
                    One(0, {"CLIENT", "CACHING", "no"}),
                    One(0, {"CLIENT", "TRACKING", "on", "noloop", "redirect", "{id0}"}),
                });
}

// The redirect client leaving: the tracking client is told on the next invalidation (RESP3).
TEST_F(TrackingDiff, BrokenRedirectIsReported) {
  for (int port : {ks_->port(), redis_->port()}) {
    RawClient c(port), target(port), w(port);
    c.Call({"HELLO", "3"});
    std::string id = target.Call({"CLIENT", "ID"});
    id = id.substr(1, id.size() - 3);
    ASSERT_EQ(c.Call({"CLIENT", "TRACKING", "on", "REDIRECT", id}), "+OK\r\n");
    c.Call({"GET", "rk"});
    target.Call({"QUIT"});
    ASSERT_TRUE(target.Closed());
    // The server may see the close a little after QUIT's reply: poll CLIENT LIST.
    for (int i = 0; i < 200 && w.Call({"CLIENT", "LIST", "ID", id}) != "$0\r\n\r\n"; ++i) w.Call({"PING"});
    ASSERT_EQ(w.Call({"SET", "rk", "1"}), "+OK\r\n");
    EXPECT_EQ(c.Next(), ">2\r\n$21\r\ntracking-redir-broken\r\n:" + id + "\r\n") << port;
    std::string info = c.Call({"CLIENT", "TRACKINGINFO"});
    EXPECT_NE(info.find("broken_redirect"), std::string::npos) << info;
    std::string list = c.Call({"CLIENT", "INFO"});
    EXPECT_NE(list.find("flags=tR "), std::string::npos) << list;
  }
}

// tracking-table-max-keys: past the limit, the next command invalidates keys to make room.
TEST_F(TrackingDiff, TableLimitEvictsByInvalidating) {
  for (int port : {ks_->port(), redis_->port()}) {
    RawClient c(port), admin(port);
    admin.Call({"FLUSHALL"});
    c.Call({"HELLO", "3"});
    ASSERT_EQ(admin.Call({"CONFIG", "SET", "tracking-table-max-keys", "2"}), "+OK\r\n");
    c.Call({"CLIENT", "TRACKING", "on"});
    c.Call({"MGET", "l1", "l2", "l3", "l4"});
    // Over the limit: the next command invalidates two keys. Redis sends those before the
    // command's reply, keyshard after it (it delivers once the command is done).
    c.Send({"PING"});
    int invalidated = 0, pongs = 0;
    for (int i = 0; i < 3; ++i) {
      std::string f = c.Next();
      if (f == "+PONG\r\n") ++pongs;
      if (f.find("invalidate") != std::string::npos) ++invalidated;
    }
    EXPECT_TRUE(c.Quiet(50)) << port;
    EXPECT_EQ(pongs, 1) << port;
    EXPECT_EQ(invalidated, 2) << port;
    std::string info = admin.Call({"INFO", "stats"});
    EXPECT_NE(info.find("tracking_total_keys:2\r\n"), std::string::npos) << port << info;
    EXPECT_NE(admin.Call({"INFO", "clients"}).find("tracking_clients:1\r\n"), std::string::npos) << port;
    admin.Call({"CONFIG", "SET", "tracking-table-max-keys", "1000000"});
  }
}

}  // namespace
}  // namespace ks::test
