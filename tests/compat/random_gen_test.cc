#include "tools/compat/random_gen.h"

#include <gtest/gtest.h>

#include <set>

namespace keyshard::compat {
namespace {

TEST(RandomGenerator, SameSeedSameSequence) {
  RandomGenerator a(42, DefaultFamilies()), b(42, DefaultFamilies()), c(43, DefaultFamilies());
  auto sa = a.Generate(500), sb = b.Generate(500), sc = c.Generate(500);
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
}

TEST(RandomGenerator, DefaultFamiliesStayOffCollectionsAndNondeterminism) {
  RandomGenerator g(1, DefaultFamilies());
  std::set<std::string> seen;
  for (auto& cmd : g.Generate(20000)) seen.insert(cmd[0]);
  for (const char* forbidden : {"LPUSH", "HSET", "SADD", "RANDOMKEY", "TIME", "INFO", "SPOP", "CLIENT"})
    EXPECT_FALSE(seen.count(forbidden)) << forbidden;
  for (const char* wanted : {"SET", "GETEX", "MSETNX", "LCS", "INCRBYFLOAT", "SETRANGE", "EXPIRE", "PEXPIREAT",
                             "COPY", "RENAMENX", "KEYS", "SWAPDB", "MOVE", "SELECT", "NOSUCHCMD"})
    EXPECT_TRUE(seen.count(wanted)) << wanted;
}

TEST(RandomGenerator, CollectionFamiliesOnRequest) {
  std::vector<std::string> fams;
  std::string err;
  ASSERT_TRUE(ParseFamilies("strings,lists,hashes,sets", &fams, &err)) << err;
  RandomGenerator g(1, fams);
  std::set<std::string> seen;
  for (auto& cmd : g.Generate(5000)) seen.insert(cmd[0]);
  EXPECT_TRUE(seen.count("LPUSH") && seen.count("HSET") && seen.count("SADD"));
}

TEST(RandomGenerator, UsesHashTaggedAndPlainKeys) {
  RandomGenerator g(7, DefaultFamilies());
  bool tagged = false, plain = false;
  for (auto& cmd : g.Generate(2000)) {
    if (cmd[0] != "GET" || cmd.size() != 2) continue;
    (cmd[1].find('{') != std::string::npos ? tagged : plain) = true;
  }
  EXPECT_TRUE(tagged);
  EXPECT_TRUE(plain);
}

TEST(ParseFamilies, RejectsUnknownNames) {
  std::vector<std::string> fams;
  std::string err;
  EXPECT_FALSE(ParseFamilies("strings,zsets", &fams, &err));
  EXPECT_NE(err.find("zsets"), std::string::npos);
  EXPECT_TRUE(ParseFamilies("all", &fams, &err));
  EXPECT_EQ(fams.size(), AllFamilies().size());
}

}  // namespace
}  // namespace keyshard::compat
