// Differential test of HyperLogLog: the same commands to keyshard and a real redis-server 7.0,
// reply by reply. GET of every HLL is compared too, so the values are byte-identical (sparse
// opcodes, the sparse -> dense promotion, dense registers, the cached cardinality), and DUMP
// payloads move between the two servers in both directions. Keys without hash tags spread
// over the engines, so PFCOUNT and PFMERGE read keys on several engines at once.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

class HllDiff : public DiffTest<DiffCase> {
 protected:
  // The bytes of a bulk reply as Client::Run shows it ("\"...\"").
  static std::string BulkBytes(const std::string& shown) {
    EXPECT_GE(shown.size(), 2u) << shown;
    EXPECT_EQ(shown.front(), '"') << shown;
    return shown.size() >= 2 ? shown.substr(1, shown.size() - 2) : "";
  }
};

TEST_P(HllDiff, SameRepliesAsRedis) {
  for (const Cmd& cmd : GetParam().cmds) Same(cmd, GetParam().name);
}

// A header with encoding `enc` and a stale cache, then `body`.
std::string Hll(char enc, const std::string& body) {
  std::string h("HYLL", 4);
  h += enc;
  h += std::string(10, '\0');
  h += '\x80';
  return h + body;
}

std::vector<Cmd> Elements(const std::string& cmd, const std::string& key, int from, int to) {
  Cmd c = {cmd, key};
  for (int i = from; i < to; ++i) c.push_back("el:" + std::to_string(i));
  return {c};
}

std::vector<DiffCase> Cases() {
  std::vector<DiffCase> cases = {
      {"PfAddAndCount",
       {{"PFADD", "h", "a", "b", "c"}, {"GET", "h"}, {"PFADD", "h", "a"}, {"PFADD", "h", "b", "d"}, {"GET", "h"},
        {"PFCOUNT", "h"}, {"GET", "h"}, {"PFCOUNT", "h"}, {"PFADD", "h"}, {"PFADD", "new"}, {"GET", "new"},
        {"PFCOUNT", "new"}, {"GET", "new"}, {"PFADD", "new"}, {"TYPE", "h"}, {"STRLEN", "h"},
        {"OBJECT", "ENCODING", "h"}, {"PFCOUNT", "missing"}, {"PFADD", "h", ""}, {"PFADD", "h", std::string(1000, 'x')},
        {"PFCOUNT", "h"}, {"GET", "h"}}},
      {"Errors",
       {{"PFADD"}, {"PFCOUNT"}, {"PFMERGE"}, {"PFDEBUG", "encoding"}, {"PFDEBUG", "encoding", "h", "x"},
        {"PFSELFTEST", "x"}, {"LPUSH", "l", "x"}, {"PFADD", "l", "a"}, {"PFCOUNT", "l"}, {"PFCOUNT", "l", "h"},
        {"PFMERGE", "l", "h"}, {"PFMERGE", "h", "l"}, {"PFDEBUG", "encoding", "l"}, {"SET", "s", "foo"},
        {"PFADD", "s", "a"}, {"PFCOUNT", "s"}, {"PFCOUNT", "s", "h"}, {"PFMERGE", "d", "s"}, {"EXISTS", "d"},
        {"PFDEBUG", "encoding", "s"}, {"SET", "n", "12345678901234567"}, {"PFADD", "n", "a"},
        {"SET", "short", std::string("HYLL\x01", 5)}, {"PFADD", "short", "a"},
        {"SET", "baddense", Hll('\x00', std::string(100, '\0'))}, {"PFADD", "baddense", "a"},
        {"PFCOUNT", "baddense"}, {"SET", "badenc", Hll('\x02', std::string("\x7f\xff", 2))},
        {"PFCOUNT", "badenc"}, {"SET", "badmagic", std::string("HYLX\x01", 5) + std::string(11, '\0') + "\x7f\xff"},
        {"PFCOUNT", "badmagic"}}},
      {"CorruptSparse",
       // 16383 registers only, 16385, VAL runs past the end, a cut XZERO.
       {{"SET", "c1", Hll('\x01', std::string("\x7f\xfe", 2))}, {"PFCOUNT", "c1"}, {"PFCOUNT", "c1", "x"},
        {"PFMERGE", "d", "c1"}, {"EXISTS", "d"}, {"PFDEBUG", "todense", "c1"}, {"PFDEBUG", "getreg", "c1"},
        {"PFDEBUG", "decode", "c1"}, {"PFADD", "c1", "a"}, {"GET", "c1"},
        {"SET", "c2", Hll('\x01', std::string("\x7f\xff\x80", 3))}, {"PFCOUNT", "c2"}, {"PFCOUNT", "c2", "c1"}, {"PFCOUNT", "c2", "missing"},
        {"PFMERGE", "c2", "c2"},
        {"PFDEBUG", "todense", "c2"}, {"PFDEBUG", "decode", "c2"},
        {"SET", "c3", Hll('\x01', std::string("\x7f\xfc\x83\x83", 4))}, {"PFCOUNT", "c3"}, {"PFMERGE", "c3", "c3"},
        {"PFDEBUG", "decode", "c3"}, {"SET", "c4", Hll('\x01', std::string("\x7f", 1))}, {"PFCOUNT", "c4"},
        {"PFDEBUG", "decode", "c4"}, {"PFADD", "c4", "a", "b"}, {"PFDEBUG", "todense", "c4"},
        {"SET", "c5", Hll('\x01', "")}, {"PFCOUNT", "c5"}, {"PFADD", "c5", "a"}, {"PFDEBUG", "decode", "c5"},
        {"SET", "c6", Hll('\x01', std::string("\x7f\xfe\xfc", 3))}, {"PFCOUNT", "c6"}, {"PFADD", "c6", "x", "y", "z"},
        {"GET", "c6"}, {"PFDEBUG", "getreg", "c6"}}},
      {"CacheIsRedisCache",
       {{"PFADD", "h", "x", "y"}, {"GET", "h"}, {"PFCOUNT", "h"}, {"GET", "h"},
        {"SET", "h2", Hll('\x01', std::string("\x7f\xff", 2))}, {"PFCOUNT", "h2"}, {"GET", "h2"},
        // A valid cache is trusted, as in Redis.
        {"SET", "h3", std::string("HYLL\x01\x00\x00\x00\x2a\x00\x00\x00\x00\x00\x00\x00\x7f\xff", 18)},
        {"PFCOUNT", "h3"}, {"PFCOUNT", "h3", "missing"}, {"OBJECT", "ENCODING", "h3"}}},
      {"PfMergeAcrossEngines",
       {{"PFADD", "a", "1", "2", "3"}, {"PFADD", "b", "3", "4", "5"}, {"PFADD", "c", "6"},
        {"PFMERGE", "dst", "a", "b", "c", "missing"}, {"GET", "dst"}, {"PFCOUNT", "dst"},
        {"PFCOUNT", "a", "b", "c"}, {"PFCOUNT", "a", "b", "c", "dst", "missing"}, {"PFMERGE", "a", "b"},
        {"GET", "a"}, {"PFMERGE", "only"}, {"GET", "only"}, {"PFMERGE", "a"}, {"GET", "a"},
        {"SET", "t", "x", "EX", "1000"}, {"DEL", "t"}, {"PFADD", "t", "z"}, {"EXPIRE", "t", "1000"},
        {"PFMERGE", "t", "a"}, {"TTL", "t"}, {"PFDEBUG", "encoding", "dst"}}},
      {"PfDebug",
       {{"PFADD", "h", "a", "b", "c", "d"}, {"PFDEBUG", "ENCODING", "h"}, {"PFDEBUG", "decode", "h"},
        {"PFDEBUG", "GETREG", "missing"}, {"PFDEBUG", "nosuch", "missing"}, {"PFDEBUG", "nosuch", "h"},
        {"PFDEBUG", "todense", "h"}, {"PFDEBUG", "encoding", "h"}, {"PFDEBUG", "todense", "h"},
        {"PFDEBUG", "decode", "h"}, {"GET", "h"}, {"PFCOUNT", "h"}, {"PFADD", "g", "x"},
        {"PFDEBUG", "getreg", "g"}, {"PFDEBUG", "encoding", "g"}, {"GET", "g"}}},
      {"SparseMaxBytes",
       {{"CONFIG", "SET", "hll-sparse-max-bytes", "40"}, {"PFADD", "h", "a", "b", "c"}, {"PFDEBUG", "encoding", "h"},
        {"PFADD", "h", "d", "e", "f", "g", "h", "i", "j", "k"}, {"PFDEBUG", "encoding", "h"}, {"GET", "h"},
        {"CONFIG", "SET", "hll-sparse-max-bytes", "0"}, {"PFADD", "z"}, {"PFADD", "z", "a"},
        {"PFDEBUG", "encoding", "z"}, {"GET", "z"}, {"CONFIG", "GET", "hll-sparse-max-bytes"},
        {"CONFIG", "SET", "hll-sparse-max-bytes", "3000"}}},
      {"Resp3",
       {{"HELLO", "3"}, {"PFADD", "h", "a"}, {"PFCOUNT", "h"}, {"PFDEBUG", "encoding", "h"},
        {"PFDEBUG", "decode", "h"}, {"PFMERGE", "g", "h"}, {"PFCOUNT", "g", "h"}, {"PFADD", "s", "x"},
        {"SET", "s", "notanhll"}, {"PFADD", "s", "x"}}},
  };
  // Growth through the sparse -> dense promotion, bytes compared after every batch.
  DiffCase grow{"SparseToDensePromotion", {}};
  for (int i = 0; i < 3000; i += 100) {
    for (auto& c : Elements("PFADD", "big", i, i + 100)) grow.cmds.push_back(c);
    grow.cmds.push_back({"GET", "big"});
    grow.cmds.push_back({"PFDEBUG", "encoding", "big"});
    grow.cmds.push_back({"PFCOUNT", "big"});
  }
  for (int i = 0; i < 400; i += 4) {
    for (auto& c : Elements("PFADD", "one", i, i + 4)) grow.cmds.push_back(c);
    grow.cmds.push_back({"STRLEN", "one"});
  }
  grow.cmds.push_back({"GET", "one"});
  grow.cmds.push_back({"PFMERGE", "merged", "one", "big"});
  grow.cmds.push_back({"GET", "merged"});
  grow.cmds.push_back({"PFMERGE", "merged2", "one"});
  grow.cmds.push_back({"GET", "merged2"});
  grow.cmds.push_back({"PFCOUNT", "one", "big", "merged"});
  for (auto& c : Elements("PFADD", "huge", 0, 100000)) grow.cmds.push_back(c);
  grow.cmds.push_back({"PFCOUNT", "huge"});
  grow.cmds.push_back({"GET", "huge"});
  grow.cmds.push_back({"PFCOUNT", "huge", "big"});
  cases.push_back(grow);
  cases.push_back({"SelfTest", {{"PFSELFTEST"}}});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Hll, HllDiff, ::testing::ValuesIn(Cases()), CaseName());

// DUMP payloads of sparse and dense HLLs move both ways and keep their bytes and counts.
TEST_F(HllDiff, DumpRestoreBothWays) {
  Same({"PFADD", "sp", "a", "b", "c"}, "setup");
  for (auto& c : Elements("PFADD", "de", 0, 5000)) Same(c, "setup");
  for (const std::string k : {"sp", "de"}) {
    std::string from_redis = BulkBytes(rc_->Run({"DUMP", k}));
    EXPECT_EQ(kc_->Run({"RESTORE", k + ":r", "0", from_redis}), "OK") << k;
    std::string from_ks = BulkBytes(kc_->Run({"DUMP", k}));
    EXPECT_EQ(rc_->Run({"RESTORE", k + ":k", "0", from_ks}), "OK") << k;
    std::string value = rc_->Run({"GET", k});
    EXPECT_EQ(kc_->Run({"GET", k + ":r"}), value) << k;
    EXPECT_EQ(rc_->Run({"GET", k + ":k"}), value) << k;
    EXPECT_EQ(kc_->Run({"PFCOUNT", k + ":r"}), rc_->Run({"PFCOUNT", k})) << k;
    EXPECT_EQ(kc_->Run({"PFADD", k + ":r", "more"}), rc_->Run({"PFADD", k, "more"})) << k;
    EXPECT_EQ(kc_->Run({"GET", k + ":r"}), rc_->Run({"GET", k})) << k;
  }
}

// Random adds, counts and merges over keys on several engines; every value compared at the end.
TEST_F(HllDiff, RandomSequencesMatchRedis) {
  std::mt19937 rng(7);
  const std::vector<std::string> keys = {"a", "b", "c", "d", "{t}e", "{t}f"};
  auto key = [&] { return keys[rng() % keys.size()]; };
  for (int step = 0; step < 1500; ++step) {
    Cmd cmd;
    switch (rng() % 5) {
      case 0:
      case 1: {
        cmd = {"PFADD", key()};
        int n = static_cast<int>(rng() % (rng() % 4 == 0 ? 200 : 5));
        for (int i = 0; i < n; ++i) cmd.push_back(std::to_string(rng() % 20000));
        break;
      }
      case 2: cmd = {"PFCOUNT", key()}; break;
      case 3: cmd = {"PFCOUNT", key(), key(), key()}; break;
      case 4: cmd = {"PFMERGE", key(), key(), key()}; break;
    }
    Same(cmd, "step " + std::to_string(step));
    if (HasFailure()) break;
  }
  for (const std::string& k : keys) Same({"GET", k}, "final " + k);
}

}  // namespace
}  // namespace ks::test
