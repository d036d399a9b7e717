// Pub/sub and keyspace notifications through the real dispatcher (no sockets), with a
// ManualClock: expiry (lazy and active) and eviction events, which a differential test cannot
// produce without sleeping.
#include <gtest/gtest.h>

#include <string>

#include "server/core/housekeeper.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

class PubSubFamily : public ::testing::Test {
 protected:
  TestServer srv;
  DirectClient c{srv};
  DirectClient sub{srv};

  // The messages sub received, decoded ("[pmessage, pattern, channel, payload] | ...").
  std::string Messages() { return DecodeAll(sub.TakeMessages()); }
  void WatchEvents(const std::string& classes) {
    ASSERT_EQ(c.Run({"CONFIG", "SET", "notify-keyspace-events", classes}), "OK");
    sub.Run({"PSUBSCRIBE", "__key*__:*"});
  }
};

TEST_F(PubSubFamily, PublishReachesChannelThenPatternSubscribers) {
  sub.Run({"SUBSCRIBE", "news"});
  sub.Run({"PSUBSCRIBE", "n*"});
  EXPECT_EQ(c.Run({"PUBLISH", "news", "hi"}), "(integer) 2");
  EXPECT_EQ(Messages(), "[\"message\", \"news\", \"hi\"] | [\"pmessage\", \"n*\", \"news\", \"hi\"]");
  EXPECT_EQ(c.Run({"PUBLISH", "other", "x"}), "(integer) 0");
  EXPECT_EQ(Messages(), "");
}

TEST_F(PubSubFamily, SubscribedResp2ClientMayOnlySubscribePingQuitReset) {
  sub.Run({"SUBSCRIBE", "a"});
  EXPECT_EQ(sub.Run({"GET", "k"}),
            "(error) ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
            "allowed in this context");
  EXPECT_EQ(sub.Run({"PING"}), "[\"pong\", \"\"]");
  sub.Run({"RESET"});
  EXPECT_EQ(sub.Run({"GET", "k"}), "(nil)");
  EXPECT_EQ(c.Run({"PUBLISH", "a", "x"}), "(integer) 0");
}

TEST_F(PubSubFamily, NotifyKeyspaceEventsConfigIsCanonicalAndValidated) {
  EXPECT_EQ(c.Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}), "OK");
  EXPECT_EQ(c.Run({"CONFIG", "GET", "notify-keyspace-events"}), "[\"notify-keyspace-events\", \"AKE\"]");
  EXPECT_EQ(c.Run({"CONFIG", "SET", "notify-keyspace-events", "$lK"}), "OK");
  EXPECT_EQ(c.Run({"CONFIG", "GET", "notify-keyspace-events"}), "[\"notify-keyspace-events\", \"$lK\"]");
  EXPECT_EQ(c.Run({"CONFIG", "SET", "notify-keyspace-events", "Q"}),
            "(error) ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event "
            "class character. Use 'Ag$lshzxeKEtmdn'.");
}

TEST_F(PubSubFamily, LazyExpiryRaisesExpiredBeforeTheCommandsOwnEvent) {
  WatchEvents("KEA");
  c.Run({"SET", "k", "v", "PX", "100"});
  EXPECT_EQ(Messages(),
            "[\"pmessage\", \"__key*__:*\", \"__keyspace@0__:k\", \"set\"] | "
            "[\"pmessage\", \"__key*__:*\", \"__keyevent@0__:set\", \"k\"] | "
            "[\"pmessage\", \"__key*__:*\", \"__keyspace@0__:k\", \"expire\"] | "
            "[\"pmessage\", \"__key*__:*\", \"__keyevent@0__:expire\", \"k\"]");
  srv.clock.Advance(200);
  c.Run({"SET", "k", "w"});
  EXPECT_EQ(Messages(),
            "[\"pmessage\", \"__key*__:*\", \"__keyspace@0__:k\", \"expired\"] | "
            "[\"pmessage\", \"__key*__:*\", \"__keyevent@0__:expired\", \"k\"] | "
            "[\"pmessage\", \"__key*__:*\", \"__keyspace@0__:k\", \"set\"] | "
            "[\"pmessage\", \"__key*__:*\", \"__keyevent@0__:set\", \"k\"]");
}

TEST_F(PubSubFamily, ActiveExpiryRaisesExpiredFromTheHousekeeper) {
  WatchEvents("Ex");
  c.Run({"SET", "a", "1", "PX", "10"});
  c.Run({"SET", "b", "1", "PX", "10"});
  srv.clock.Advance(20);
  Housekeeper::ActiveExpireCycle(srv.state.shards());
  srv.state.PublishEngineNotes();
  std::string m = Messages();
  EXPECT_NE(m.find("[\"pmessage\", \"__key*__:*\", \"__keyevent@0__:expired\", \"a\"]"), std::string::npos) << m;
  EXPECT_NE(m.find("[\"pmessage\", \"__key*__:*\", \"__keyevent@0__:expired\", \"b\"]"), std::string::npos) << m;
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 0");
}

TEST_F(PubSubFamily, EvictionRaisesEvicted) {
  WatchEvents("Ee");
  for (int i = 0; i < 200; ++i) c.Run({"SET", "key:" + std::to_string(i), std::string(1000, 'x')});
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-random"}), "OK");
  // Half of what the keys take now: eviction must remove some of them.
  const int64_t budget = srv.state.startup_bytes() + static_cast<int64_t>(UsedBytes(srv) / 2);
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory", std::to_string(budget)}), "OK");
  c.Run({"SET", "one-more", "x"});  // a denyoom command makes room first
  Housekeeper::EvictInBackground(srv.state.shards(), std::chrono::seconds(10));
  srv.state.PublishEngineNotes();
  std::string m = Messages();
  EXPECT_NE(m.find("__keyevent@0__:evicted"), std::string::npos) << m;
}

TEST_F(PubSubFamily, EventsOffByDefaultAndClassesFilter) {
  sub.Run({"PSUBSCRIBE", "*"});
  c.Run({"SET", "k", "v"});
  EXPECT_EQ(Messages(), "");
  c.Run({"CONFIG", "SET", "notify-keyspace-events", "El"});  // lists only, keyevent only
  c.Run({"SET", "k", "v"});
  c.Run({"RPUSH", "l", "a"});
  c.Run({"LPOP", "l"});
  EXPECT_EQ(Messages(),
            "[\"pmessage\", \"*\", \"__keyevent@0__:rpush\", \"l\"] | "
            "[\"pmessage\", \"*\", \"__keyevent@0__:lpop\", \"l\"]");  // no generic "del"
}

}  // namespace
}  // namespace ks::test
