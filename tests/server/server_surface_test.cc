// Unit tests of the server surface pieces that do not need a socket: the latency histogram
// (laid out as Redis's hdr_histogram, so figures match redis-server's), the slow log's
// argument shortening, CLIENT PAUSE with an injected clock (held commands, hidden expired
// keys), the latency monitor and the protected-mode decision.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/core/command_stats.h"
#include "server/core/config.h"
#include "server/core/errors.h"
#include "server/core/latency_monitor.h"
#include "server/core/shutdown.h"
#include "server/core/slowlog.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

// Figures read off a redis-server 7.0.15 INFO latencystats / LATENCY HISTOGRAM: one call of
// 49 us reports p50=49.151, one of 4 us p50=4.015 and the bucket "4: 1".
TEST(LatencyHistogram, PercentilesAreHdrHighestEquivalentValues) {
  LatencyHistogram h;
  h.Record(49 * 1000);
  EXPECT_EQ(h.ValueAtPercentile(50), 49151);
  EXPECT_EQ(h.ValueAtPercentile(99.9), 49151);
  LatencyHistogram g;
  g.Record(4000);
  EXPECT_EQ(g.ValueAtPercentile(50), 4015);
  EXPECT_EQ(g.CumulativeLog(), (std::vector<std::pair<int64_t, int64_t>>{{4, 1}}));
}

TEST(LatencyHistogram, CumulativeBucketsDoubleFromOneMicrosecond) {
  LatencyHistogram h;
  for (int i = 0; i < 21; ++i) h.Record(8000);  // 8 us
  h.Record(16000);
  // As redis-server answered for 21 calls of 8 us and one of 16 us: {8: 21, 16: 22}.
  EXPECT_EQ(h.CumulativeLog(), (std::vector<std::pair<int64_t, int64_t>>{{8, 21}, {16, 22}}));
  h.Record(0);  // clamped to 1 ns
  EXPECT_EQ(h.total(), 23);
  EXPECT_EQ(h.CumulativeLog().front(), (std::pair<int64_t, int64_t>{1, 1}));
  EXPECT_EQ(h.ValueAtPercentile(0), 1);
}

TEST(SlowLog, KeepsThirtyTwoArgumentsAndCutsLongStrings) {
  SlowLog log;
  std::vector<std::string> store = {"DEL"};
  for (int i = 0; i < 40; ++i) store.push_back("k" + std::to_string(i));
  store.push_back(std::string(130, 'x'));
  std::vector<std::string_view> args(store.begin(), store.end());
  log.Push(args, 100, 5, "127.0.0.1:1", "name", 2);
  log.Push(std::span<const std::string_view>(args.data() + 40, 2), 101, 6, "", "", 2);
  log.Push(std::span<const std::string_view>(args.data(), 1), 102, 7, "", "", 2);
  ASSERT_EQ(log.Len(), 2u);  // slowlog-max-len 2: the oldest went
  std::vector<SlowLogEntry> e = log.Get(-1);
  EXPECT_EQ(e[0].id, 2);
  EXPECT_EQ(e[1].args, (std::vector<std::string>{"k39", std::string(128, 'x') + "... (2 more bytes)"}));
  log.Reset();
  log.Push(args, 100, 5, "127.0.0.1:1", "name", 10);
  e = log.Get(10);
  ASSERT_EQ(e[0].args.size(), 32u);
  EXPECT_EQ(e[0].args[30], "k29");
  EXPECT_EQ(e[0].args[31], "... (11 more arguments)");
  EXPECT_EQ(e[0].id, 3);  // ids keep counting across RESET, as in Redis
}

TEST(LatencyMonitor, OneSamplePerSecondKeepsTheWorst) {
  LatencyMonitor m;
  m.Add("command", 1000, 20);
  m.Add("command", 1000, 50);
  m.Add("command", 1000, 30);
  m.Add("command", 1002, 10);
  auto events = m.Snapshot();
  std::vector<LatencySample> s = events["command"].InOrder();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].latency, 50u);
  EXPECT_EQ(s[1].time, 1002);
  EXPECT_EQ(events["command"].max, 50u);
  LatencyStats st = LatencyMonitor::Analyze(events["command"], 1010);
  EXPECT_EQ(st.samples, 2u);
  EXPECT_EQ(st.avg, 30u);
  EXPECT_EQ(st.mad, 20u);
  EXPECT_EQ(st.period, 10);
  std::string graph = LatencyGraph("command", events["command"], 1010);
  EXPECT_EQ(graph.rfind("command - high 50 ms, low 10 ms (all time high 50 ms)\n" + std::string(80, '-') + "\n", 0), 0u);
  EXPECT_EQ(m.Reset({"COMMAND"}), 1u);
  EXPECT_TRUE(m.Snapshot().empty());
}

TEST(ClientPause, WritePauseHoldsWritesUntilItEnds) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "v"}), "OK");
  EXPECT_EQ(c.Run({"CLIENT", "PAUSE", "1000", "WRITE"}), "OK");
  EXPECT_EQ(c.Run({"SET", "k", "w"}), "");  // held: nothing ran, nothing replied
  EXPECT_TRUE(c.state().held);
  c.state().held = false;
  EXPECT_EQ(c.Run({"GET", "k"}), "\"v\"");
  EXPECT_FALSE(c.state().held);
  srv.clock.Advance(1001);
  EXPECT_EQ(c.Run({"SET", "k", "w"}), "OK");
  EXPECT_EQ(c.Run({"CLIENT", "PAUSE", "1000"}), "OK");  // ALL by default
  EXPECT_EQ(c.Run({"GET", "k"}), "");
  c.state().held = false;
  EXPECT_EQ(c.Run({"CLIENT", "UNPAUSE"}), "");  // UNPAUSE itself is held by an ALL pause
  c.state().held = false;
  srv.state.pause().Unpause();
  EXPECT_EQ(c.Run({"GET", "k"}), "\"w\"");
}

// During a pause the data set holds still: an expired key reads as missing but stays until
// the pause ends (Redis's expireIfNeeded under a pause).
TEST(ClientPause, ExpiredKeysAreHiddenNotDeletedWhilePaused) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"SET", "k", "v", "PX", "100"}), "OK");
  EXPECT_EQ(c.Run({"CLIENT", "PAUSE", "10000", "WRITE"}), "OK");
  srv.clock.Advance(200);
  EXPECT_EQ(c.Run({"GET", "k"}), "(nil)");
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 1");
  EXPECT_EQ(c.Run({"CLIENT", "UNPAUSE"}), "OK");
  EXPECT_EQ(c.Run({"GET", "k"}), "(nil)");
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 0");
}

TEST(ClientPause, StrongerOrLongerPauseWins) {
  ManualClock clock(1000);
  ClientPause p(&clock);
  p.Pause(PauseType::kAll, 2000);
  p.Pause(PauseType::kWrite, 1500);  // weaker and shorter: changes nothing
  EXPECT_TRUE(p.Holds(0));
  EXPECT_EQ(p.RemainingMs(), 1000);
  p.Pause(PauseType::kWrite, 5000);  // longer: extends the ALL pause
  clock.Set(4000);
  EXPECT_TRUE(p.Holds(0));
  clock.Set(5000);
  EXPECT_FALSE(p.Holds(kCmdWrite));
  EXPECT_FALSE(*p.expiry_hold());
}

TEST(Commandstats, SubcommandsCountUnderTheirFullName) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"CONFIG", "GET", "hz"});
  c.Run({"GET"});
  c.Run({"INCR", "x", "y"});
  std::string info = c.Run({"INFO", "commandstats"});
  EXPECT_NE(info.find("cmdstat_config|get:calls=1,"), std::string::npos) << info;
  EXPECT_NE(info.find("cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"),
            std::string::npos)
      << info;
  EXPECT_EQ(c.Run({"CONFIG", "RESETSTAT"}), "OK");
  EXPECT_EQ(c.Run({"INFO", "commandstats"}).find("cmdstat_get"), std::string::npos);
}

TEST(Config, PercentilesAndShutdownFlagsAreNormalised) {
  Config cfg;
  const OptionDef* o = FindOption("latency-tracking-info-percentiles");
  ASSERT_NE(o, nullptr);
  EXPECT_FALSE(SetOption(cfg, *o, "99.990 50.0 0"));
  EXPECT_EQ(cfg.latency_tracking_info_percentiles, "99.99 50 0");
  EXPECT_EQ(SetOption(cfg, *o, "50 x"), "Invalid latency-tracking-info-percentiles parameters");
  EXPECT_EQ(SetOption(cfg, *o, "100.5"), "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
  const OptionDef* s = FindOption("shutdown-on-sigint");
  EXPECT_FALSE(SetOption(cfg, *s, "FORCE now nosave"));
  EXPECT_EQ(cfg.shutdown_on_sigint, "nosave now force");
  EXPECT_TRUE(SetOption(cfg, *s, "save nosave"));
  ShutdownFlags f = ParseShutdownFlags(cfg.shutdown_on_sigint);
  EXPECT_TRUE(f.nosave && f.now && f.force && !f.save);
}

TEST(ConfigRewrite, UpdatesInPlaceKeepsCommentsAndAppendsChangedOptions) {
  char tmpl[] = "/tmp/ks-rewrite-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/proxy.toml";
  {
    std::ofstream out(path);
    out << "# keyshard test config\n"
           "hz = 10   # ticks\n"
           "maxmemory-policy = \"noeviction\" # policy # with hash\n"
           "appendonly = false\n"
           "\n"
           "# per engine\n"
           "[engine.1]\n"
           "maxmemory = \"1mb\"\n";
  }
  Config cfg;
  ASSERT_FALSE(LoadConfigFile(path, cfg));
  cfg.hz = 50;
  cfg.maxmemory_policy = "allkeys-lru";
  cfg.appendonly = "yes";
  cfg.slowlog_max_len = 7;
  cfg.requirepass = "a \"quoted\" pass";
  ASSERT_FALSE(RewriteConfigFile(path, cfg));
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "# keyshard test config\n"
            "hz = 50   # ticks\n"
            "maxmemory-policy = \"allkeys-lru\" # policy # with hash\n"
            "appendonly = true\n"
            "requirepass = \"a \\\"quoted\\\" pass\"\n"
            "slowlog-max-len = 7\n"
            "\n"
            "# per engine\n"
            "[engine.1]\n"
            "maxmemory = \"1mb\"\n");
  Config back;
  ASSERT_FALSE(LoadConfigFile(path, back));
  EXPECT_EQ(back.hz, 50);
  EXPECT_EQ(back.requirepass, cfg.requirepass);
  EXPECT_EQ(back.engine_overrides.at(1).maxmemory, 1024 * 1024);
  std::filesystem::remove_all(tmpl);
}

TEST(ConfigRewrite, WithoutAConfigFileIsRefused) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"CONFIG", "REWRITE"}), Err(err::kNoConfigFile));
}

TEST(ProtectedMode, RefusesOnlyNonLoopbackPeersWithoutPassword) {
  EXPECT_TRUE(err::ProtectedModeRefuses(true, false, false));
  EXPECT_FALSE(err::ProtectedModeRefuses(true, false, true));
  EXPECT_FALSE(err::ProtectedModeRefuses(true, true, false));
  EXPECT_FALSE(err::ProtectedModeRefuses(false, false, false));
}

TEST(Debug, RefusedUnlessEnabled) {
  TestServer srv;
  DirectClient c(srv);
  EXPECT_EQ(c.Run({"DEBUG", "SLEEP", "0"}), Err(err::kDebugNotAllowed));
  Config cfg = TestServer::NoSavePoints();
  cfg.enable_debug_command = "local";
  TestServer local(8, cfg);
  DirectClient d(local);
  EXPECT_EQ(d.Run({"DEBUG", "SLEEP", "0"}), "OK");
  d.state().local = false;
  EXPECT_EQ(d.Run({"DEBUG", "SLEEP", "0"}), Err(err::kDebugNotAllowed));
}

}  // namespace
}  // namespace ks::test
