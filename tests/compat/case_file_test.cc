#include "tools/compat/case_file.h"

#include <gtest/gtest.h>

namespace keyshard::compat {
namespace {

TEST(CaseFile, ParsesCasesStepsAndExpectations) {
  auto r = ParseCaseFile("dir/strings.cases", R"(# a comment
SET k v => +OK

@case get returns what set stored
  GET k   =>  "v"   # trailing comment
GET "a b" => nil
SET k2 v2
@case empty case is dropped
@case multi-line
MGET k k2 => [
  "v",
  "v2"
]
@raw "PING\r\n" => +PONG
)");
  ASSERT_TRUE(r.file) << r.error;
  const CaseFile& f = *r.file;
  EXPECT_EQ(f.family, "strings");
  ASSERT_EQ(f.cases.size(), 3u);
  EXPECT_EQ(f.cases[0].name, "line 2");
  EXPECT_EQ(f.cases[1].name, "get returns what set stored");
  ASSERT_EQ(f.cases[1].steps.size(), 3u);
  EXPECT_EQ(f.cases[1].steps[0].line, 5);
  EXPECT_EQ(f.cases[1].steps[0].source, "GET k");
  EXPECT_EQ(f.cases[1].steps[1].argv, (std::vector<std::string>{"GET", "a b"}));
  EXPECT_FALSE(f.cases[1].steps[2].expect.has_value());
  ASSERT_EQ(f.cases[2].steps.size(), 2u);
  EXPECT_EQ(Describe(*f.cases[2].steps[0].expect), "[\"v\", \"v2\"]");
  EXPECT_TRUE(f.cases[2].steps[1].IsRaw());
  EXPECT_EQ(f.cases[2].steps[1].raw, "PING\r\n");
  EXPECT_EQ(f.cases[2].steps[1].line, 14);
}

struct BadFile {
  const char* text;
  const char* error_prefix;
};

class CaseFileErrors : public ::testing::TestWithParam<BadFile> {};

TEST_P(CaseFileErrors, NameFileAndLine) {
  auto r = ParseCaseFile("x.cases", GetParam().text);
  EXPECT_FALSE(r.file.has_value());
  EXPECT_EQ(r.error.rfind(GetParam().error_prefix, 0), 0u) << r.error;
}

INSTANTIATE_TEST_SUITE_P(All, CaseFileErrors,
                         ::testing::Values(BadFile{"GET k => nil\nSET \"k v => +OK\n", "x.cases:2: unbalanced"},
                                           BadFile{"GET k => OK\n", "x.cases:1: bad expected reply"},
                                           BadFile{"\n\n=> +OK\n", "x.cases:3: missing command"},
                                           BadFile{"@cas x\n", "x.cases:1: unknown directive"},
                                           BadFile{"@case\n", "x.cases:1: @case needs a name"},
                                           BadFile{"@raw a b => nil\n", "x.cases:1: @raw takes"},
                                           BadFile{"MGET a => [\"x\",\n", "x.cases:1: bad expected reply"},
                                           BadFile{"GET a =>\nGET b => nil\n", "x.cases:1: bad expected reply"}));

TEST(CaseFile, FormatStepReadsBack) {
  std::string line = FormatStep({"SET", "{t}a b", std::string("\x00", 1)}, std::string("+OK"));
  auto r = ParseCaseFile("f.cases", line + "\n");
  ASSERT_TRUE(r.file) << r.error;
  EXPECT_EQ(r.file->cases[0].steps[0].argv, (std::vector<std::string>{"SET", "{t}a b", std::string("\x00", 1)}));
}

TEST(CaseFile, CorpusFilesParse) {
  auto paths = ExpandCasePaths({KEYSHARD_COMPAT_CORPUS});
  ASSERT_GE(paths.size(), 5u);
  for (const auto& p : paths) {
    auto r = LoadCaseFile(p);
    EXPECT_TRUE(r.file) << r.error;
  }
}

}  // namespace
}  // namespace keyshard::compat
