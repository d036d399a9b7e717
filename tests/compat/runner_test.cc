// End-to-end: the runner against redis-servers these tests start. Above all it must be able
// to fail: a wrong expectation fails `run`, different servers make `diff` report divergence.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "redis_fixture.h"
#include "tools/compat/case_file.h"
#include "tools/compat/coverage.h"
#include "tools/compat/random_gen.h"
#include "tools/compat/random_mode.h"
#include "tools/compat/report.h"
#include "tools/compat/runner.h"

namespace keyshard::compat {
namespace {

using testing::RedisServer;

class TempCases {
 public:
  TempCases() : dir_(testing::MakeTempDir()) {}
  ~TempCases() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

 private:
  std::string dir_;
};

std::vector<std::string> Corpus(bool with_wrongtype) {
  std::vector<std::string> out;
  for (auto& p : ExpandCasePaths({KEYSHARD_COMPAT_CORPUS}))
    if (with_wrongtype || p.find("wrongtype") == std::string::npos) out.push_back(p);
  return out;
}

#define ASSERT_SERVER(s) ASSERT_TRUE((s).ok()) << (s).error()

TEST(Run, FailsOnAWrongExpectedReply) {
  RedisServer redis;
  ASSERT_SERVER(redis);
  TempCases cases;
  auto path = cases.Write("strings.cases", "SET k v => +OK\n@case wrong\nGET k => \"not v\"\n");
  RunReport rep = RunCaseFiles(redis.endpoint(), {path});
  ASSERT_FALSE(rep.AllPassed());
  ASSERT_EQ(rep.families.size(), 1u);
  EXPECT_EQ(rep.families[0].Passed(), 1);
  ASSERT_EQ(rep.families[0].cases[1].failures.size(), 1u);
  const Failure& f = rep.families[0].cases[1].failures[0];
  EXPECT_EQ(f.line, 3);
  EXPECT_EQ(f.command, "GET k");
  EXPECT_EQ(f.expected, "\"not v\"");
  EXPECT_EQ(f.actual, "\"v\"");
  EXPECT_NE(RunReportJunit(rep).find("<failure"), std::string::npos);
}

TEST(Run, ReportsABadCaseFileWithItsLine) {
  RedisServer redis;
  ASSERT_SERVER(redis);
  TempCases cases;
  auto path = cases.Write("bad.cases", "PING => +PONG\nGET k => OK\n");
  RunReport rep = RunCaseFiles(redis.endpoint(), {path});
  ASSERT_FALSE(rep.AllPassed());
  EXPECT_EQ(rep.families[0].error, path + ":2: bad expected reply: unknown reply 'OK' (bulk strings are quoted, "
                                          "status replies start with '+')");
}

TEST(Run, SpeaksResp3RawBytesAndReconnectsAfterQuit) {
  RedisServer redis;
  ASSERT_SERVER(redis);
  TempCases cases;
  auto path = cases.Write("proto.cases", R"(HSET h f v => 1
HELLO 3 => {"server": "redis", "version": /^7\./, "proto": 3, "id": int, "mode": "standalone", "role": "master", "modules": []}
HGETALL h => {"f": "v"}
SADD s a => 1
SMEMBERS s => ~["a"]
INCRBYFLOAT n 1.5 => "1.5"
QUIT => +OK
HGETALL h => ["f", "v"]
@raw "PING\r\n" => +PONG
@raw "*1\r\n$4\r\nPING\r\n" => +PONG
@raw "*-x\r\n" => !"ERR Protocol error: invalid multibulk length"
PING => +PONG
)");
  RunReport rep = RunCaseFiles(redis.endpoint(), {path});
  EXPECT_TRUE(rep.AllPassed()) << RunReportJson(rep);
}

TEST(Run, CorpusPassesAgainstRedis) {
  RedisServer redis;
  ASSERT_SERVER(redis);
  RunReport rep = RunCaseFiles(redis.endpoint(), Corpus(true));
  EXPECT_TRUE(rep.AllPassed()) << RunReportJson(rep);
}

TEST(Diff, IdenticalServersAgreeOnTheCorpus) {
  RedisServer target, reference;
  ASSERT_SERVER(target);
  ASSERT_SERVER(reference);
  RunReport rep = DiffCaseFiles(target.endpoint(), reference.endpoint(), Corpus(true));
  EXPECT_TRUE(rep.AllPassed()) << RunReportJson(rep);
}

TEST(Diff, ReportsDivergenceBetweenServersHoldingDifferentData) {
  RedisServer target, reference;
  ASSERT_SERVER(target);
  ASSERT_SERVER(reference);
  // Functions survive the FLUSHALL that starts every file: load one on the target only.
  Connection c(target.endpoint());
  std::string err;
  auto r = c.Call({"FUNCTION", "LOAD",
                   "#!lua name=lib\nredis.register_function('answer', function() return 42 end)"},
                  &err);
  ASSERT_TRUE(r && !r->IsError()) << err;
  TempCases cases;
  auto path = cases.Write("fn.cases", "SET k v => +OK\nFCALL answer 0\nGET k\n");
  RunReport rep = DiffCaseFiles(target.endpoint(), reference.endpoint(), {path});
  ASSERT_FALSE(rep.AllPassed());
  const auto& failures = rep.families[0].cases[0].failures;
  ASSERT_EQ(failures.size(), 1u) << RunReportJson(rep);
  EXPECT_EQ(failures[0].line, 2);
  EXPECT_EQ(failures[0].actual, "42");
  EXPECT_EQ(failures[0].expected, "!\"ERR Function not found\"");
}

TEST(Diff, LooseExpectationsMustHoldOnBothEndpoints) {
  RedisServer target, reference;
  ASSERT_SERVER(target);
  ASSERT_SERVER(reference);
  TempCases cases;
  auto path = cases.Write("loose.cases", "CLIENT ID => int\nTIME => [any, any]\nECHO x => int\n");
  RunReport rep = DiffCaseFiles(target.endpoint(), reference.endpoint(), {path});
  ASSERT_EQ(rep.families[0].cases[0].failures.size(), 1u) << RunReportJson(rep);
  EXPECT_EQ(rep.families[0].cases[0].failures[0].line, 3);
}

TEST(Random, EqualServersDoNotDiverge) {
  RedisServer target, reference;
  ASSERT_SERVER(target);
  ASSERT_SERVER(reference);
  RandomOptions opts;
  opts.seed = 5;
  opts.ops = 3000;
  opts.families = AllFamilies();
  RunReport rep = RunRandom(target.endpoint(), reference.endpoint(), opts);
  EXPECT_TRUE(rep.AllPassed()) << RunReportJson(rep);
}

TEST(Random, DivergenceIsShrunkToAPastableCaseFile) {
  RedisServer target({"--rename-command", "LCS", ""});
  RedisServer reference;
  ASSERT_SERVER(target);
  ASSERT_SERVER(reference);
  RandomOptions opts;
  opts.seed = 3;
  opts.ops = 5000;
  opts.families = DefaultFamilies();
  RunReport rep = RunRandom(target.endpoint(), reference.endpoint(), opts);
  ASSERT_FALSE(rep.AllPassed());
  ASSERT_FALSE(rep.reproduction.empty());

  TempCases cases;
  auto path = cases.Write("repro.cases", rep.reproduction);
  auto parsed = LoadCaseFile(path);
  ASSERT_TRUE(parsed.file) << parsed.error;
  ASSERT_EQ(parsed.file->cases.size(), 1u);
  ASSERT_EQ(parsed.file->cases[0].steps.size(), 1u) << rep.reproduction;
  EXPECT_EQ(parsed.file->cases[0].steps[0].argv[0], "LCS");
  // The reproduction passes on the reference and fails on the target.
  EXPECT_TRUE(RunCaseFiles(reference.endpoint(), {path}).AllPassed()) << rep.reproduction;
  EXPECT_FALSE(RunCaseFiles(target.endpoint(), {path}).AllPassed());
}

TEST(Coverage, ListsWhatTheTargetLacks) {
  RedisServer target({"--rename-command", "LCS", ""});
  RedisServer reference;
  ASSERT_SERVER(target);
  ASSERT_SERVER(reference);
  CoverageReport same = RunCoverage(reference.endpoint(), reference.endpoint());
  ASSERT_TRUE(same.error.empty()) << same.error;
  EXPECT_GT(same.reference_total, 200u);
  EXPECT_EQ(same.identical, same.reference_total);
  EXPECT_NE(same.reference_total, 0u);

  CoverageReport rep = RunCoverage(target.endpoint(), reference.endpoint());
  ASSERT_EQ(rep.rows.size(), 1u) << CoverageText(rep, false, true);
  EXPECT_EQ(rep.rows[0].name, "lcs");
  EXPECT_EQ(rep.rows[0].status, "missing");
  EXPECT_EQ(rep.identical, rep.reference_total - 1);
}

TEST(Coverage, DescribesDifferencesInArityFlagsAndKeys) {
  std::map<std::string, CommandInfo> ref = {{"get", {"get", 2, {"readonly", "fast"}, 1, 1, 1}},
                                           {"mset", {"mset", -3, {"write"}, 1, -1, 2}}};
  std::map<std::string, CommandInfo> tgt = {{"get", {"get", -2, {"readonly"}, 1, 1, 1}},
                                           {"mset", {"mset", -3, {"write"}, 1, -1, 1}}};
  CoverageReport rep = CompareCommandTables(tgt, ref);
  ASSERT_EQ(rep.rows.size(), 2u);
  EXPECT_EQ(rep.rows[0].detail, "arity -2 (reference 2); flags -fast");
  EXPECT_EQ(rep.rows[1].detail, "keys 1,-1,1 (reference 1,-1,2)");
  EXPECT_EQ(rep.identical, 0u);
  EXPECT_EQ(rep.present, 2u);
}

}  // namespace
}  // namespace keyshard::compat
