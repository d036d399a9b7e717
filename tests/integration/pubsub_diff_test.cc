// Pub/sub over real sockets: the same scripts of SUBSCRIBE / PUBLISH / PUBSUB... run by
// several clients against keyshard and redis-server 7.0, every reply and message compared
// byte for byte, in RESP2 and RESP3; then fan-out across I/O threads and the output-buffer
// limit against a subscriber that stops reading.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/diff_servers.h"
#include "tests/support/processes.h"
#include "tests/support/raw_client.h"

namespace ks::test {
namespace {

// One step of a script: client `who` sends cmd; then `reads` lists how many frames (replies
// or messages) each client reads, the sender's reply included.
struct Step {
  int who;
  Cmd cmd;
  std::vector<std::pair<int, int>> reads;
};

// A step whose only effect is the sender's one reply.
Step One(int who, Cmd cmd) { return Step{who, std::move(cmd), {{who, 1}}}; }

// Runs a script with `clients` fresh connections; returns everything read, in order.
std::string Transcript(int port, int clients, const std::vector<Step>& script) {
  std::vector<std::unique_ptr<RawClient>> cs;
  for (int i = 0; i < clients; ++i) cs.push_back(std::make_unique<RawClient>(port));
  std::string out;
  for (const Step& s : script) {
    cs[s.who]->Send(s.cmd);
    out += "c" + std::to_string(s.who) + "> " + Shown(s.cmd) + "\n";
    for (auto [c, n] : s.reads)
      for (int i = 0; i < n; ++i) out += "c" + std::to_string(c) + "< " + cs[c]->Next() + "\n";
  }
  // Nothing more may arrive that one server sends and the other does not.
  for (int i = 0; i < clients; ++i)
    if (!cs[i]->Quiet(50)) out += "c" + std::to_string(i) + "< " + cs[i]->Next() + " (unexpected)\n";
  return out;
}

class PubSubDiff : public DiffSuite {
 protected:
  void ExpectSame(int clients, const std::vector<Step>& script) {
    std::string k = Transcript(ks_->port(), clients, script);
    std::string r = Transcript(redis_->port(), clients, script);
    EXPECT_EQ(k, r);
  }
};

// Subscribing, publishing to channels and patterns, subscribed-mode rules, unsubscribing.
std::vector<Step> CoreScript(bool resp3) {
  std::vector<Step> s;
  if (resp3) {
    // HELLO's reply names the server: read it but compare from the next step on.
    s.push_back(Step{0, {"HELLO", "3"}, {{0, 1}}});
    s.push_back(Step{2, {"HELLO", "3"}, {{2, 1}}});
  }
  s.push_back(Step{0, {"SUBSCRIBE", "news", "sport"}, {{0, 2}}});
  // Redis delivers a message to a client's matching patterns in its dict's (random) order: each
  // channel published below matches at most one of these.
  s.push_back(Step{2, {"PSUBSCRIBE", "n*", "s?ort", "x[ab]*"}, {{2, 3}}});
  s.push_back(Step{1, {"PUBLISH", "news", "hello"}, {{1, 1}, {0, 1}, {2, 1}}});
  s.push_back(Step{1, {"PUBLISH", "sport", ""}, {{1, 1}, {0, 1}, {2, 1}}});
  s.push_back(One(1, {"PUBLISH", "zzz", "x"}));
  s.push_back(Step{1, {"PUBLISH", "xa-chan", "y"}, {{1, 1}, {2, 1}}});
  s.push_back(One(1, {"PUBSUB", "NUMSUB", "news", "sport", "none"}));
  s.push_back(One(1, {"PUBSUB", "NUMPAT"}));
  s.push_back(One(1, {"PUBSUB", "CHANNELS", "n*"}));
  s.push_back(One(1, {"PUBSUB", "CHANNELS", "a", "b"}));
  s.push_back(One(1, {"PUBSUB", "NUMPAT", "x"}));
  s.push_back(One(1, {"PUBSUB", "NOPE"}));
  // Subscribed: RESP2 allows only the subscribe family, PING, QUIT, RESET.
  s.push_back(One(0, {"GET", "k"}));
  s.push_back(One(0, {"PING"}));
  s.push_back(One(0, {"PING", "hi"}));
  s.push_back(One(0, {"CLIENT", "ID", "x"}));
  s.push_back(One(0, {"NOSUCHCOMMAND"}));
  s.push_back(One(0, {"SUBSCRIBE"}));
  s.push_back(Step{0, {"SUBSCRIBE", "news"}, {{0, 1}}});  // again: same count
  s.push_back(Step{0, {"UNSUBSCRIBE", "sport", "never"}, {{0, 2}}});
  s.push_back(Step{0, {"UNSUBSCRIBE"}, {{0, 1}}});
  s.push_back(Step{0, {"UNSUBSCRIBE"}, {{0, 1}}});        // nothing left: [unsubscribe, nil, 0]
  s.push_back(One(0, {"GET", "k"}));                      // no longer subscribed
  s.push_back(One(0, {"PING"}));
  s.push_back(Step{0, {"PUNSUBSCRIBE"}, {{0, 1}}});
  s.push_back(Step{2, {"PUNSUBSCRIBE", "s?ort"}, {{2, 1}}});
  s.push_back(Step{1, {"PUBLISH", "news", "again"}, {{1, 1}, {2, 1}}});
  s.push_back(Step{2, {"PUNSUBSCRIBE", "n*"}, {{2, 1}}});
  s.push_back(Step{2, {"PUNSUBSCRIBE", "x[ab]*"}, {{2, 1}}});
  s.push_back(One(2, {"GET", "k"}));
  // Shard channels.
  s.push_back(Step{0, {"SSUBSCRIBE", "{t}a", "{t}b"}, {{0, 2}}});
  s.push_back(Step{0, {"SUBSCRIBE", "plain"}, {{0, 1}}});
  s.push_back(Step{1, {"SPUBLISH", "{t}a", "shard-msg"}, {{1, 1}, {0, 1}}});
  s.push_back(One(1, {"PUBLISH", "{t}a", "not-shard"}));
  s.push_back(One(1, {"PUBSUB", "SHARDNUMSUB", "{t}a", "{t}z"}));
  s.push_back(One(1, {"PUBSUB", "SHARDCHANNELS", "*b"}));
  s.push_back(Step{0, {"SUNSUBSCRIBE", "{t}b"}, {{0, 1}}});
  s.push_back(Step{0, {"SUNSUBSCRIBE"}, {{0, 1}}});
  s.push_back(Step{0, {"SUNSUBSCRIBE"}, {{0, 1}}});
  s.push_back(One(0, {"GET", "k"}));
  s.push_back(Step{0, {"UNSUBSCRIBE", "plain"}, {{0, 1}}});
  // RESET leaves subscribed mode silently.
  s.push_back(Step{2, {"SUBSCRIBE", "r"}, {{2, 1}}});
  s.push_back(One(2, {"RESET"}));
  s.push_back(One(2, {"PUBSUB", "NUMSUB", "r"}));
  s.push_back(One(1, {"PUBLISH", "r", "x"}));
  s.push_back(One(2, {"GET", "k"}));
  return s;
}

TEST_F(PubSubDiff, Resp2RepliesAndMessagesMatchRedis) { ExpectSame(3, CoreScript(false)); }

TEST_F(PubSubDiff, Resp3PushesMatchRedis) {
  std::vector<Step> s = CoreScript(true);
  std::string k = Transcript(ks_->port(), 3, s);
  std::string r = Transcript(redis_->port(), 3, s);
  // The HELLO replies name the server and client id: compare from the first step after them.
  auto after = [](const std::string& t) { return t.substr(t.find("c0> ", t.find("c2> "))); };
  EXPECT_EQ(after(k), after(r));
}

// RESP3: ordinary commands while subscribed, their replies interleaved with pushes.
TEST_F(PubSubDiff, Resp3InterleavesRepliesAndPushes) {
  std::vector<Step> s = {
      Step{0, {"HELLO", "3"}, {{0, 1}}},
      Step{0, {"SUBSCRIBE", "ch"}, {{0, 1}}},
      One(0, {"SET", "k", "v"}),
      Step{1, {"PUBLISH", "ch", "m1"}, {{1, 1}, {0, 1}}},
      One(0, {"GET", "k"}),
      One(0, {"PING"}),
      Step{1, {"PUBLISH", "ch", "m2"}, {{1, 1}, {0, 1}}},
      One(0, {"DEL", "k"}),
  };
  std::string k = Transcript(ks_->port(), 2, s);
  std::string r = Transcript(redis_->port(), 2, s);
  auto after = [](const std::string& t) { return t.substr(t.find("c0> ", 1)); };
  EXPECT_EQ(after(k), after(r));
}

TEST_F(PubSubDiff, ClientListAndInfoShowSubscriptions) {
  RawClient sub(ks_->port());
  sub.Send({"SUBSCRIBE", "a", "b"});
  sub.Next();
  sub.Next();
  sub.Send({"PSUBSCRIBE", "p*"});
  sub.Next();
  sub.Send({"SSUBSCRIBE", "s"});
  sub.Next();
  RawClient c(ks_->port());
  std::string list = c.Call({"CLIENT", "LIST", "TYPE", "pubsub"});
  EXPECT_NE(list.find("flags=P "), std::string::npos) << list;
  EXPECT_NE(list.find(" sub=2 psub=1 ssub=1 "), std::string::npos) << list;
  std::string info = c.Call({"INFO", "stats"});
  EXPECT_NE(info.find("pubsub_channels:2\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("pubsub_patterns:1\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("pubsubshard_channels:1\r\n"), std::string::npos) << info;
  EXPECT_EQ(c.Call({"CLIENT", "KILL", "TYPE", "pubsub"}), ":1\r\n");
  EXPECT_TRUE(sub.Closed());
  // The killed subscriber's subscriptions are gone with it.
  EXPECT_EQ(c.Call({"PUBSUB", "NUMPAT"}), ":0\r\n");
  EXPECT_EQ(c.Call({"PUBLISH", "a", "x"}), ":0\r\n");
}

TEST_F(PubSubDiff, OutputBufferLimitConfigMatchesRedis) {
  for (const Cmd& cmd : std::vector<Cmd>{
           {"CONFIG", "GET", "client-output-buffer-limit"},
           {"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2"},
           {"CONFIG", "SET", "client-output-buffer-limit", "master 1 2 3"},
           {"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 -2 3"},
           {"CONFIG", "SET", "client-output-buffer-limit", "replica 1k 2kb 3 PUBSUB 1mb 2mb 5"},
           {"CONFIG", "GET", "client-output-buffer-limit"},
           {"CONFIG", "SET", "client-output-buffer-limit",
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
           {"CONFIG", "GET", "client-output-buffer-limit"},
       })
    Same(cmd, Shown(cmd));
}

// MONITOR's lines, with the time and the client's address masked (they differ by nature).
std::string MonitorLines(int port) {
  RawClient mon(port);
  std::string out = mon.Call({"MONITOR"});
  RawClient c(port);
  const std::vector<Cmd> cmds = {{"SET", "k", "a b\"c\n\x01\\"}, {"GET", "k"},   {"SELECT", "2"},
                                 {"AUTH", "secret"},                    {"HELLO", "2", "AUTH", "default", "pw"},
                                 {"CONFIG", "GET", "maxmemory"},        {"NOSUCH"},
                                 // Commands an EXEC or a script runs are shown one by one; a
                                 // script before them, its commands as "lua"'s.
                                 {"MULTI"}, {"SET", "a", "1"}, {"EVAL", "return redis.call('get', KEYS[1])", "1", "a"},
                                 {"EXEC"}, {"EVALSHA", std::string(40, '0'), "0"}, {"EVAL", "return 1", "-1"},
                                 {"PING"}};
  for (const Cmd& cmd : cmds) c.Call(cmd);
  for (;;) {
    std::string line = mon.Next(2000);
    if (line.empty()) break;
    size_t db = line.find('[');
    size_t sp = line.find(' ', db);
    size_t end = line.find(']', sp);
    const bool lua = line.substr(sp + 1, end - sp - 1) == "lua";
    out += "+T " + line.substr(db, sp - db) + (lua ? " lua" : " ADDR") + line.substr(end);
    if (line.find("\"ping\"") != std::string::npos) break;
  }
  return out;
}

TEST_F(PubSubDiff, MonitorLinesMatchRedis) { EXPECT_EQ(MonitorLines(ks_->port()), MonitorLines(redis_->port())); }

// One publisher per thread of several, 100 subscribers spread over 4 I/O threads: every
// subscriber gets every message exactly once, each publisher's in its order.
TEST(PubSubFanOut, EveryMessageOnceAndInOrderAcrossThreads) {
  KeyshardProcess ks({"--threads", "4"});
  ASSERT_TRUE(ks.running());
  constexpr int kSubs = 100, kPublishers = 2, kMessages = 300;
  std::vector<std::unique_ptr<RawClient>> subs;
  for (int i = 0; i < kSubs; ++i) {
    subs.push_back(std::make_unique<RawClient>(ks.port()));
    // Every fifth also matches by pattern: it gets each message twice, once per subscription.
    if (i % 5 == 0) {
      subs.back()->Send({"PSUBSCRIBE", "fan*"});
      ASSERT_NE(subs.back()->Next(), "");
    }
    subs.back()->Send({"SUBSCRIBE", "fan"});
    ASSERT_NE(subs.back()->Next(), "");
  }
  std::vector<std::thread> pubs;
  for (int p = 0; p < kPublishers; ++p)
    pubs.emplace_back([&, p] {
      RawClient c(ks.port());
      for (int m = 0; m < kMessages; ++m) {
        std::string reply = c.Call({"PUBLISH", "fan", std::to_string(p) + ":" + std::to_string(m)});
        EXPECT_EQ(reply, ":" + std::to_string(kSubs + kSubs / 5) + "\r\n");
      }
    });
  for (auto& t : pubs) t.join();
  for (int i = 0; i < kSubs; ++i) {
    const int per_message = i % 5 == 0 ? 2 : 1;
    std::vector<int> next(kPublishers, 0);
    std::vector<int> seen_pattern(kPublishers, 0);
    for (int n = 0; n < kPublishers * kMessages * per_message; ++n) {
      std::string f = subs[i]->Next();
      ASSERT_FALSE(f.empty()) << "subscriber " << i << " got " << n << " frames";
      size_t colon = f.rfind(':');
      size_t start = f.rfind('\n', colon) + 1;
      int p = std::stoi(f.substr(start, colon - start));
      int m = std::stoi(f.substr(colon + 1));
      bool pattern = f.find("pmessage") != std::string::npos;
      int& expect = pattern ? seen_pattern[p] : next[p];
      ASSERT_EQ(m, expect) << "subscriber " << i << " publisher " << p << (pattern ? " (pattern)" : "");
      ++expect;
    }
    EXPECT_TRUE(subs[i]->Quiet(20)) << "subscriber " << i << " got extra messages";
  }
}

int64_t RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  return -1;
}

// A subscriber that stops reading is disconnected at the pubsub class's hard limit, and what
// was queued for it does not pile up in the server.
TEST(PubSubOutputLimit, StalledSubscriberIsDisconnectedAndMemoryStaysBounded) {
  KeyshardProcess ks;
  ASSERT_TRUE(ks.running());
  RawClient admin(ks.port());
  ASSERT_EQ(admin.Call({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 512kb 60"}), "+OK\r\n");
  RawClient stalled(ks.port());
  stalled.SetSmallReceiveBuffer();
  const std::string stalled_id = stalled.Call({"CLIENT", "ID"}).substr(1);
  stalled.Send({"SUBSCRIBE", "flood"});
  ASSERT_NE(stalled.Next(), "");
  RawClient healthy(ks.port());
  healthy.Send({"SUBSCRIBE", "flood"});
  ASSERT_NE(healthy.Next(), "");

  const int64_t rss_before = RssKb(ks.pid());
  const std::string payload(64 * 1024, 'x');
  int64_t last = 2;
  for (int i = 0; i < 256; ++i) {  // 16 MB in all, far over the 1 MB limit
    std::string r = admin.Call({"PUBLISH", "flood", payload});
    last = std::stoll(r.substr(1));
    std::string m = healthy.Next();  // the healthy one keeps up
    ASSERT_NE(m.find(payload), std::string::npos);
  }
  EXPECT_EQ(last, 1);  // only the healthy subscriber is left
  // The server closed it (reading what the kernel still holds for it through a 4 KB window
  // would take minutes, so ask the server instead).
  std::string list = admin.Call({"CLIENT", "LIST"});
  EXPECT_EQ(list.find("id=" + stalled_id.substr(0, stalled_id.size() - 2) + " "), std::string::npos) << list;
  EXPECT_EQ(admin.Call({"PUBSUB", "NUMSUB", "flood"}), "*2\r\n$5\r\nflood\r\n:1\r\n");
  const int64_t rss_after = RssKb(ks.pid());
  // Without a limit the server would hold nearly all 16 MB for the stalled client.
  EXPECT_LT(rss_after - rss_before, 8 * 1024) << "RSS grew from " << rss_before << " kB to " << rss_after << " kB";
}

}  // namespace
}  // namespace ks::test
