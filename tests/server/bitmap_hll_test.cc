// Bitmaps and HyperLogLog through the real dispatcher (no sockets): memory accounting follows
// a growing bitmap, SETBIT edits a large string in place, and corrupted HLL values get Redis's
// errors from every PF* command, never a crash. Replies themselves are compared with
// redis-server in tests/integration/bitmaps_diff_test.cc and hll_diff_test.cc.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "server/core/errors.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

TEST(Bitmaps, MemoryFigureFollowsGrowthAndDeletion) {
  TestServer srv;
  DirectClient c(srv);
  WarmUpEngines(c);
  size_t before = UsedBytes(srv);
  EXPECT_EQ(c.Run({"SETBIT", "bm", "8000000", "1"}), "(integer) 0");
  size_t grown = UsedBytes(srv);
  EXPECT_GE(grown, before + 1000000);
  EXPECT_EQ(c.Run({"SETBIT", "bm", "16000000", "1"}), "(integer) 0");
  EXPECT_GE(UsedBytes(srv), before + 2000000);
  EXPECT_EQ(c.Run({"DEL", "bm"}), "(integer) 1");
  EXPECT_EQ(UsedBytes(srv), before);
}

TEST(Bitmaps, SetBitEditsALargeStringInPlace) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"SETBIT", "bm", "80000000", "1"});  // 10 MB
  const Entry* first = Lookup(srv, "bm");
  ASSERT_NE(first, nullptr);
  for (int i = 0; i < 1000; ++i) c.Run({"SETBIT", "bm", std::to_string(i * 7919), "1"});
  EXPECT_EQ(Lookup(srv, "bm"), first);  // neither reallocated nor copied
  EXPECT_EQ(c.Run({"BITCOUNT", "bm"}), "(integer) 1001");
  EXPECT_EQ(c.Run({"STRLEN", "bm"}), "(integer) 10000001");
}

TEST(Bitmaps, BitOpAcrossEnginesReplacesDestination) {
  TestServer srv;
  DirectClient c(srv);
  c.Run({"SET", "a", "\xf0"});
  c.Run({"SET", "b", "\x0f\x0f"});
  c.Run({"RPUSH", "dst", "x"});
  EXPECT_EQ(c.Run({"BITOP", "OR", "dst", "a", "b"}), "(integer) 2");
  EXPECT_EQ(c.Run({"TYPE", "dst"}), "string");
  EXPECT_EQ(c.Run({"BITCOUNT", "dst"}), "(integer) 12");
}

TEST(Hll, PfcountCachesWithoutChangingMemory) {
  TestServer srv;
  DirectClient c(srv);
  for (int i = 0; i < 5000; ++i) c.Run({"PFADD", "h", "e" + std::to_string(i)});
  EXPECT_EQ(c.Run({"PFDEBUG", "ENCODING", "h"}), "dense");
  size_t before = UsedBytes(srv);
  std::string n = c.Run({"PFCOUNT", "h"});
  EXPECT_EQ(UsedBytes(srv), before);
  EXPECT_EQ(c.Run({"PFCOUNT", "h"}), n);  // from the cache now
  EXPECT_EQ(static_cast<uint8_t>(Lookup(srv, "h")->str()[15]) & 0x80, 0);
}

// Random byte flips and truncations of sparse and dense HLLs, stored with SET and fed to every
// PF* command: each reply is a normal one or one of Redis's HLL errors.
TEST(Hll, CorruptValuesGetErrorsNeverCrash) {
  TestServer srv;
  DirectClient c(srv);
  std::vector<std::string> seeds;
  for (int i = 0; i < 400; ++i) {
    c.Run({"PFADD", "h", std::to_string(i)});
    if (i % 80 == 0) seeds.emplace_back(Lookup(srv, "h")->str());
  }
  c.Run({"PFDEBUG", "TODENSE", "h"});
  seeds.emplace_back(Lookup(srv, "h")->str());
  const std::set<std::string> errors = {Err(err::kHllInvalid), Err(err::kHllWrongType),
                                        Err(err::kHllNotSparse)};
  std::mt19937 rng(3);
  int corrupt = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string v = seeds[rng() % seeds.size()];
    for (int f = 0, n = 1 + static_cast<int>(rng() % 3); f < n; ++f) v[16 + rng() % (v.size() - 16)] = static_cast<char>(rng());
    if (rng() % 3 == 0) v.resize(rng() % (v.size() + 1));
    ASSERT_EQ(c.Run({"SET", "x", v}), "OK");
    for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
             {"PFCOUNT", "x"}, {"PFCOUNT", "x", "h"}, {"PFADD", "x", "a", "b", std::to_string(round)},
             {"PFMERGE", "y", "x"}, {"PFDEBUG", "DECODE", "x"}, {"PFDEBUG", "GETREG", "x"}, {"PFCOUNT", "x"}}) {
      std::string r = c.Run(cmd);
      if (r.rfind("(error)", 0) == 0) {
        EXPECT_TRUE(errors.count(r)) << r;
        ++corrupt;
      }
    }
    c.Run({"DEL", "y"});
  }
  EXPECT_GT(corrupt, 0);
}

}  // namespace
}  // namespace ks::test
