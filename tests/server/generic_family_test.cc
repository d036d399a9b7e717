// Keyspace commands through the real dispatcher, with a ManualClock for every TTL.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "routing/slots.h"
#include "server/core/errors.h"
#include "tests/support/direct_client.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

class GenericFamily : public ::testing::Test {
 protected:
  TestServer srv;
  DirectClient c{srv};

  int EngineOf(std::string_view key) { return srv.state.shards().slots().EngineOf(KeySlot(key)); }
  void RefreshLru() {
    for (int i = 0; i < srv.state.shards().size(); ++i) srv.state.shards().engine(i).RefreshLruClock();
  }
  // Runs a whole SCAN iteration; returns every key seen (with repeats) and the number of calls.
  std::vector<std::string> ScanAll(std::vector<std::string> opts, int* calls = nullptr) {
    std::vector<std::string> seen;
    std::string cursor = "0";
    int n = 0;
    do {
      std::vector<std::string> cmd = {"SCAN", cursor};
      cmd.insert(cmd.end(), opts.begin(), opts.end());
      std::string r = c.Run(cmd);
      // [\"<cursor>\", [...]]
      size_t q = r.find('"', 2);
      cursor = r.substr(2, q - 2);
      for (auto& k : SortedQuotedStrings(r.substr(q + 1))) seen.push_back(k);
      ++n;
    } while (cursor != "0" && n < 100000);
    if (calls) *calls = n;
    std::sort(seen.begin(), seen.end());
    return seen;
  }
};

// ---- DEL, UNLINK, EXISTS, TOUCH, TYPE ----

TEST_F(GenericFamily, DelCountsKeysAcrossEnginesOncePerKey) {
  ASSERT_NE(EngineOf("a"), EngineOf("b"));
  c.Run({"MSET", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(c.Run({"DEL", "a", "b", "a", "missing"}), "(integer) 2");
  EXPECT_EQ(c.Run({"EXISTS", "a", "b", "c"}), "(integer) 1");
  EXPECT_EQ(c.Run({"UNLINK", "c", "c"}), "(integer) 1");
  EXPECT_EQ(c.Run({"KEYS", "*"}), "[]");
}

TEST_F(GenericFamily, ExistsCountsRepeatedKeysEachTime) {
  c.Run({"SET", "a", "1"});
  EXPECT_EQ(c.Run({"EXISTS", "a", "a", "b", "a"}), "(integer) 3");
}

TEST_F(GenericFamily, TouchSumsExistingKeysAcrossEngines) {
  c.Run({"MSET", "a", "1", "b", "2"});
  EXPECT_EQ(c.Run({"TOUCH", "a", "b", "zz"}), "(integer) 2");
}

TEST_F(GenericFamily, TypeNamesStringOrNone) {
  c.Run({"SET", "s", "v"});
  EXPECT_EQ(c.Run({"TYPE", "s"}), "string");
  EXPECT_EQ(c.Run({"TYPE", "nope"}), "none");
}

TEST_F(GenericFamily, DelOfExpiredKeyCountsZero) {
  c.Run({"SET", "k", "v", "PX", "10"});
  srv.clock.Advance(10);
  EXPECT_EQ(c.Run({"DEL", "k"}), "(integer) 0");
}

// ---- EXPIRE family ----

TEST_F(GenericFamily, ExpireSetsTtlAndTheKeyDisappearsOnTime) {
  c.Run({"SET", "k", "v"});
  EXPECT_EQ(c.Run({"EXPIRE", "k", "10"}), "(integer) 1");
  EXPECT_EQ(c.Run({"TTL", "k"}), "(integer) 10");
  EXPECT_EQ(c.Run({"PTTL", "k"}), "(integer) 10000");
  srv.clock.Advance(9999);
  EXPECT_EQ(c.Run({"PTTL", "k"}), "(integer) 1");
  EXPECT_EQ(c.Run({"EXISTS", "k"}), "(integer) 1");
  srv.clock.Advance(1);
  EXPECT_EQ(c.Run({"EXISTS", "k"}), "(integer) 0");
  EXPECT_EQ(c.Run({"TTL", "k"}), "(integer) -2");
}

TEST_F(GenericFamily, TtlRoundsToTheNearestSecond) {
  c.Run({"SET", "k", "v"});
  c.Run({"PEXPIRE", "k", "1500"});
  EXPECT_EQ(c.Run({"TTL", "k"}), "(integer) 2");
  c.Run({"PEXPIRE", "k", "1499"});
  EXPECT_EQ(c.Run({"TTL", "k"}), "(integer) 1");
}

TEST_F(GenericFamily, TtlOfKeyWithoutExpiryIsMinusOneAndMissingIsMinusTwo) {
  c.Run({"SET", "k", "v"});
  EXPECT_EQ(c.Run({"TTL", "k"}), "(integer) -1");
  EXPECT_EQ(c.Run({"PTTL", "k"}), "(integer) -1");
  EXPECT_EQ(c.Run({"EXPIRETIME", "k"}), "(integer) -1");
  EXPECT_EQ(c.Run({"PEXPIRETIME", "nope"}), "(integer) -2");
}

TEST_F(GenericFamily, ExpireAtAndExpireTimeUseAbsoluteUnixTime) {
  int64_t now = srv.clock.NowMs();
  c.Run({"SET", "k", "v"});
  std::string at = std::to_string(now / 1000 + 100);
  EXPECT_EQ(c.Run({"EXPIREAT", "k", at}), "(integer) 1");
  EXPECT_EQ(c.Run({"EXPIRETIME", "k"}), "(integer) " + at);
  EXPECT_EQ(c.Run({"PEXPIRETIME", "k"}), "(integer) " + std::to_string((now / 1000 + 100) * 1000));
  EXPECT_EQ(c.Run({"PEXPIREAT", "k", std::to_string(now + 1234)}), "(integer) 1");
  EXPECT_EQ(c.Run({"PEXPIRETIME", "k"}), "(integer) " + std::to_string(now + 1234));
  EXPECT_EQ(c.Run({"PTTL", "k"}), "(integer) 1234");
}

TEST_F(GenericFamily, ExpireWithTimeInThePastDeletesTheKey) {
  c.Run({"MSET", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(c.Run({"EXPIRE", "a", "-1"}), "(integer) 1");
  EXPECT_EQ(c.Run({"PEXPIRE", "b", "0"}), "(integer) 1");
  EXPECT_EQ(c.Run({"EXPIREAT", "c", "1"}), "(integer) 1");
  EXPECT_EQ(c.Run({"EXISTS", "a", "b", "c"}), "(integer) 0");
  EXPECT_EQ(c.Run({"KEYS", "*"}), "[]");
}

TEST_F(GenericFamily, ExpireOnMissingKeyReturnsZero) {
  EXPECT_EQ(c.Run({"EXPIRE", "nope", "10"}), "(integer) 0");
  EXPECT_EQ(c.Run({"PEXPIREAT", "nope", "1"}), "(integer) 0");
}

TEST_F(GenericFamily, ExpireNxXxGtLtFollowRedis) {
  c.Run({"SET", "k", "v"});
  EXPECT_EQ(c.Run({"EXPIRE", "k", "100", "XX"}), "(integer) 0") << "XX needs an existing TTL";
  EXPECT_EQ(c.Run({"EXPIRE", "k", "100", "GT"}), "(integer) 0") << "no TTL counts as infinite";
  EXPECT_EQ(c.Run({"EXPIRE", "k", "100", "NX"}), "(integer) 1");
  EXPECT_EQ(c.Run({"EXPIRE", "k", "200", "NX"}), "(integer) 0");
  EXPECT_EQ(c.Run({"EXPIRE", "k", "50", "gt"}), "(integer) 0");
  EXPECT_EQ(c.Run({"EXPIRE", "k", "200", "gt"}), "(integer) 1");
  EXPECT_EQ(c.Run({"EXPIRE", "k", "300", "LT"}), "(integer) 0");
  EXPECT_EQ(c.Run({"EXPIRE", "k", "150", "LT", "XX"}), "(integer) 1");
  EXPECT_EQ(c.Run({"TTL", "k"}), "(integer) 150");
  c.Run({"PERSIST", "k"});
  EXPECT_EQ(c.Run({"EXPIRE", "k", "300", "LT"}), "(integer) 1") << "any TTL is less than none";
}

TEST_F(GenericFamily, ExpireOptionErrorsMatchRedis) {
  c.Run({"SET", "k", "v"});
  EXPECT_EQ(c.Run({"EXPIRE", "k", "10", "NX", "XX"}), Err(err::kExpireNxCompat));
  EXPECT_EQ(c.Run({"EXPIRE", "k", "10", "NX", "GT"}), Err(err::kExpireNxCompat));
  EXPECT_EQ(c.Run({"EXPIRE", "k", "10", "GT", "LT"}), Err(err::kExpireGtLt));
  EXPECT_EQ(c.Run({"EXPIRE", "k", "10", "foo"}), "(error) ERR Unsupported option foo");
  EXPECT_EQ(c.Run({"EXPIRE", "k", "abc", "NX", "XX"}), Err(err::kExpireNxCompat)) << "options are checked first";
  EXPECT_EQ(c.Run({"EXPIRE", "k", "abc"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"EXPIRE", "k"}), Err(err::WrongArgs("expire")));
  EXPECT_EQ(c.Run({"TTL", "k", "x"}), Err(err::WrongArgs("ttl")));
}

TEST_F(GenericFamily, ExpireOverflowIsAnInvalidExpireTime) {
  c.Run({"SET", "k", "v"});
  EXPECT_EQ(c.Run({"EXPIRE", "k", "9223372036854775807"}), Err(err::InvalidExpire("expire")));
  EXPECT_EQ(c.Run({"EXPIRE", "k", "-9223372036854775807"}), Err(err::InvalidExpire("expire")));
  EXPECT_EQ(c.Run({"PEXPIRE", "k", "9223372036854775807"}), Err(err::InvalidExpire("pexpire")));
  EXPECT_EQ(c.Run({"EXPIREAT", "k", "9223372036854776"}), Err(err::InvalidExpire("expireat")));
  EXPECT_EQ(c.Run({"PEXPIREAT", "k", "9223372036854775807"}), "(integer) 1") << "no overflow: stored as is";
  EXPECT_EQ(c.Run({"PEXPIRETIME", "k"}), "(integer) 9223372036854775807");
}

TEST_F(GenericFamily, PersistRemovesTheTtl) {
  c.Run({"SET", "k", "v", "EX", "10"});
  EXPECT_EQ(c.Run({"PERSIST", "k"}), "(integer) 1");
  EXPECT_EQ(c.Run({"PERSIST", "k"}), "(integer) 0");
  EXPECT_EQ(c.Run({"PERSIST", "nope"}), "(integer) 0");
  srv.clock.Advance(20000);
  EXPECT_EQ(c.Run({"GET", "k"}), "\"v\"");
}

TEST_F(GenericFamily, ExpireKeepsVolatileCountsRight) {
  c.Run({"SET", "k", "v"});
  Db& d = srv.state.shards().engine(EngineOf("k")).db(0);
  c.Run({"EXPIRE", "k", "10"});
  EXPECT_EQ(d.volatile_size(), 1u);
  c.Run({"EXPIRE", "k", "20"});
  EXPECT_EQ(d.volatile_size(), 1u);
  c.Run({"PERSIST", "k"});
  EXPECT_EQ(d.volatile_size(), 0u);
  c.Run({"EXPIRE", "k", "10"});
  c.Run({"EXPIRE", "k", "-1"});
  EXPECT_EQ(d.volatile_size(), 0u);
  EXPECT_EQ(d.size(), 0u);
}

TEST_F(GenericFamily, RenameMoveAndCopyKeepVolatileCountsRight) {
  ASSERT_NE(EngineOf("src"), EngineOf("dst"));
  auto volatile_keys = [&](int db) {
    size_t n = 0;
    for (int i = 0; i < srv.state.shards().size(); ++i) n += srv.state.shards().engine(i).db(db).volatile_size();
    return n;
  };
  c.Run({"SET", "src", "v", "EX", "100"});
  c.Run({"SET", "dst", "old", "EX", "100"});
  c.Run({"RENAME", "src", "dst"});
  EXPECT_EQ(volatile_keys(0), 1u);
  c.Run({"COPY", "dst", "src"});
  EXPECT_EQ(volatile_keys(0), 2u);
  c.Run({"MOVE", "src", "1"});
  EXPECT_EQ(volatile_keys(0), 1u);
  EXPECT_EQ(volatile_keys(1), 1u);
  c.Run({"SET", "plain", "p"});
  c.Run({"RENAME", "plain", "dst"});
  EXPECT_EQ(volatile_keys(0), 0u);
}

// ---- KEYS ----

TEST_F(GenericFamily, KeysMatchesGlobAcrossEngines) {
  c.Run({"MSET", "user:1", "a", "user:2", "b", "user:10", "c", "other", "d"});
  EXPECT_EQ(SortedQuotedStrings(c.Run({"KEYS", "user:?"})), (std::vector<std::string>{"user:1", "user:2"}));
  EXPECT_EQ(SortedQuotedStrings(c.Run({"KEYS", "*"})), (std::vector<std::string>{"other", "user:1", "user:10", "user:2"}));
  EXPECT_EQ(SortedQuotedStrings(c.Run({"KEYS", "u[a-z]er:1*"})), (std::vector<std::string>{"user:1", "user:10"}));
  EXPECT_EQ(c.Run({"KEYS", "nomatch*"}), "[]");
}

TEST_F(GenericFamily, KeysSkipsExpiredKeys) {
  c.Run({"SET", "gone", "v", "PX", "5"});
  c.Run({"SET", "stay", "v"});
  srv.clock.Advance(5);
  EXPECT_EQ(c.Run({"KEYS", "*"}), "[\"stay\"]");
}

TEST_F(GenericFamily, KeysReadsOnlyTheClientsDatabase) {
  c.Run({"SET", "zero", "v"});
  c.state().SetDb(3);
  c.Run({"SET", "three", "v"});
  EXPECT_EQ(c.Run({"KEYS", "*"}), "[\"three\"]");
}

// ---- SCAN ----

TEST_F(GenericFamily, ScanFullIterationReturnsEveryKeyExactlyOnce) {
  std::vector<std::string> want;
  for (int i = 0; i < 500; ++i) {
    want.push_back("key:" + std::to_string(i));
    c.Run({"SET", want.back(), "v"});
  }
  std::sort(want.begin(), want.end());
  int calls = 0;
  EXPECT_EQ(ScanAll({}, &calls), want);
  EXPECT_GT(calls, 10) << "COUNT 10 by default splits the work";
  EXPECT_EQ(ScanAll({"COUNT", "1000"}, &calls), want);
  EXPECT_EQ(calls, 1);
}

TEST_F(GenericFamily, ScanReturnsKeysPresentThroughoutDespiteChanges) {
  for (int i = 0; i < 200; ++i) c.Run({"SET", "stable:" + std::to_string(i), "v"});
  std::set<std::string> seen;
  std::string cursor = "0";
  int step = 0;
  do {
    std::string r = c.Run({"SCAN", cursor, "COUNT", "7"});
    size_t q = r.find('"', 2);
    cursor = r.substr(2, q - 2);
    for (auto& k : SortedQuotedStrings(r.substr(q + 1))) seen.insert(k);
    // Churn between calls: add and delete other keys.
    c.Run({"SET", "churn:" + std::to_string(step), "v"});
    if (step > 2) c.Run({"DEL", "churn:" + std::to_string(step - 2)});
    ++step;
  } while (cursor != "0");
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(seen.count("stable:" + std::to_string(i))) << i;
}

TEST_F(GenericFamily, ScanMatchAndTypeFilter) {
  c.Run({"MSET", "a:1", "x", "a:2", "y", "b:1", "z"});
  EXPECT_EQ(ScanAll({"MATCH", "a:*"}), (std::vector<std::string>{"a:1", "a:2"}));
  EXPECT_EQ(ScanAll({"TYPE", "STRING", "MATCH", "*:1"}), (std::vector<std::string>{"a:1", "b:1"}));
  EXPECT_TRUE(ScanAll({"TYPE", "list"}).empty());
  EXPECT_TRUE(ScanAll({"TYPE", "nonsense"}).empty());
}

TEST_F(GenericFamily, ScanSkipsExpiredKeysAndOtherDatabases) {
  c.Run({"SET", "gone", "v", "PX", "5"});
  c.Run({"SET", "stay", "v"});
  c.state().SetDb(1);
  c.Run({"SET", "db1", "v"});
  c.state().SetDb(0);
  srv.clock.Advance(5);
  EXPECT_EQ(ScanAll({}), (std::vector<std::string>{"stay"}));
}

TEST_F(GenericFamily, ScanArgumentErrorsMatchRedis) {
  EXPECT_EQ(c.Run({"SCAN", "abc"}), Err(err::kInvalidCursor));
  EXPECT_EQ(c.Run({"SCAN", " 5"}), Err(err::kInvalidCursor));
  EXPECT_EQ(c.Run({"SCAN", "18446744073709551616"}), Err(err::kInvalidCursor));
  EXPECT_EQ(c.Run({"SCAN", "abc", "COUNT", "0"}), Err(err::kInvalidCursor)) << "cursor is checked first";
  EXPECT_EQ(c.Run({"SCAN", "0", "COUNT", "0"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"SCAN", "0", "COUNT", "-1"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"SCAN", "0", "COUNT", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"SCAN", "0", "MATCH"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"SCAN", "0", "foo", "bar"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"SCAN"}), Err(err::WrongArgs("scan")));
}

TEST_F(GenericFamily, ScanAcceptsStrtoulCursorsAndEndsPastTheLastSlot) {
  c.Run({"SET", "a", "1"});
  EXPECT_EQ(c.Run({"SCAN", ""}), "[\"0\", [\"a\"]]");
  EXPECT_EQ(c.Run({"SCAN", "+0"}), "[\"0\", [\"a\"]]");
  EXPECT_EQ(c.Run({"SCAN", "-1"}), "[\"0\", []]");
  EXPECT_EQ(c.Run({"SCAN", "18446744073709551615"}), "[\"0\", []]");
  EXPECT_EQ(c.Run({"SCAN", "16384"}), "[\"0\", []]");
}

TEST_F(GenericFamily, ScanCursorIsTheNextSlotToVisit) {
  // Two keys in far-apart slots: COUNT 1 stops after the first slot holding a key.
  std::string lo = "a", hi = "b";
  if (KeySlot(lo) > KeySlot(hi)) std::swap(lo, hi);
  c.Run({"MSET", lo, "1", hi, "2"});
  EXPECT_EQ(c.Run({"SCAN", "0", "COUNT", "1"}),
            "[\"" + std::to_string(KeySlot(lo) + 1) + "\", [\"" + lo + "\"]]");
  EXPECT_EQ(c.Run({"SCAN", std::to_string(KeySlot(lo) + 1), "COUNT", "1"}),
            (KeySlot(hi) == 16383 ? std::string("[\"0\"") : "[\"" + std::to_string(KeySlot(hi) + 1) + "\"") +
                ", [\"" + hi + "\"]]");
}

// ---- RANDOMKEY ----

TEST_F(GenericFamily, RandomKeyOnEmptyDatabaseIsNil) { EXPECT_EQ(c.Run({"RANDOMKEY"}), "(nil)"); }

TEST_F(GenericFamily, RandomKeyReachesKeysOfEveryEngine) {
  std::set<std::string> keys;
  for (int i = 0; i < 16; ++i) {
    keys.insert("k" + std::to_string(i));
    c.Run({"SET", "k" + std::to_string(i), "v"});
  }
  std::set<std::string> seen;
  for (int i = 0; i < 2000 && seen.size() < keys.size(); ++i) {
    std::string r = c.Run({"RANDOMKEY"});
    seen.insert(r.substr(1, r.size() - 2));
  }
  EXPECT_EQ(seen, keys);
}

TEST_F(GenericFamily, RandomKeyNeverReturnsAnExpiredKey) {
  for (int i = 0; i < 20; ++i) c.Run({"SET", "gone" + std::to_string(i), "v", "PX", "5"});
  c.Run({"SET", "stay", "v"});
  srv.clock.Advance(5);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(c.Run({"RANDOMKEY"}), "\"stay\"");
  c.Run({"DEL", "stay"});
  EXPECT_EQ(c.Run({"RANDOMKEY"}), "(nil)");
}

// ---- RENAME, RENAMENX ----

TEST_F(GenericFamily, RenameAcrossEnginesKeepsValueAndTtl) {
  ASSERT_NE(EngineOf("src"), EngineOf("dst"));
  c.Run({"SET", "src", "v", "PX", "5000"});
  c.Run({"SET", "dst", "old"});
  EXPECT_EQ(c.Run({"RENAME", "src", "dst"}), "OK");
  EXPECT_EQ(c.Run({"GET", "dst"}), "\"v\"");
  EXPECT_EQ(c.Run({"PTTL", "dst"}), "(integer) 5000");
  EXPECT_EQ(c.Run({"EXISTS", "src"}), "(integer) 0");
  srv.clock.Advance(5000);
  EXPECT_EQ(c.Run({"EXISTS", "dst"}), "(integer) 0");
}

TEST_F(GenericFamily, RenameOfMissingKeyIsNoSuchKey) {
  EXPECT_EQ(c.Run({"RENAME", "nope", "x"}), Err(err::kNoSuchKey));
  EXPECT_EQ(c.Run({"RENAMENX", "nope", "x"}), Err(err::kNoSuchKey));
  EXPECT_EQ(c.Run({"RENAME", "nope", "nope"}), Err(err::kNoSuchKey));
  c.Run({"SET", "e", "v", "PX", "1"});
  srv.clock.Advance(1);
  EXPECT_EQ(c.Run({"RENAME", "e", "x"}), Err(err::kNoSuchKey));
}

TEST_F(GenericFamily, RenameToItselfIsOkAndRenamenxToItselfIsZero) {
  c.Run({"SET", "k", "v", "EX", "10"});
  EXPECT_EQ(c.Run({"RENAME", "k", "k"}), "OK");
  EXPECT_EQ(c.Run({"RENAMENX", "k", "k"}), "(integer) 0");
  EXPECT_EQ(c.Run({"GET", "k"}), "\"v\"");
  EXPECT_EQ(c.Run({"TTL", "k"}), "(integer) 10");
}

TEST_F(GenericFamily, RenamenxOnlyWhenTheNewNameIsFree) {
  c.Run({"MSET", "a", "1", "b", "2"});
  EXPECT_EQ(c.Run({"RENAMENX", "a", "b"}), "(integer) 0");
  EXPECT_EQ(c.Run({"RENAMENX", "a", "c"}), "(integer) 1");
  EXPECT_EQ(c.Run({"GET", "c"}), "\"1\"");
  EXPECT_EQ(c.Run({"EXISTS", "a"}), "(integer) 0");
}

TEST_F(GenericFamily, RenameDropsTheDestinationsOldTtl) {
  c.Run({"SET", "a", "1"});
  c.Run({"SET", "b", "2", "EX", "10"});
  EXPECT_EQ(c.Run({"RENAME", "a", "b"}), "OK");
  EXPECT_EQ(c.Run({"TTL", "b"}), "(integer) -1");
}

// ---- COPY, MOVE ----

TEST_F(GenericFamily, CopyDuplicatesValueAndTtl) {
  c.Run({"SET", "src", "v", "EX", "100"});
  EXPECT_EQ(c.Run({"COPY", "src", "dst"}), "(integer) 1");
  EXPECT_EQ(c.Run({"GET", "dst"}), "\"v\"");
  EXPECT_EQ(c.Run({"TTL", "dst"}), "(integer) 100");
  EXPECT_EQ(c.Run({"GET", "src"}), "\"v\"");
}

TEST_F(GenericFamily, CopyNeedsReplaceToOverwrite) {
  c.Run({"MSET", "src", "new", "dst", "old"});
  EXPECT_EQ(c.Run({"COPY", "src", "dst"}), "(integer) 0");
  EXPECT_EQ(c.Run({"GET", "dst"}), "\"old\"");
  EXPECT_EQ(c.Run({"COPY", "src", "dst", "REPLACE"}), "(integer) 1");
  EXPECT_EQ(c.Run({"GET", "dst"}), "\"new\"");
  EXPECT_EQ(c.Run({"COPY", "missing", "dst", "REPLACE"}), "(integer) 0");
}

TEST_F(GenericFamily, CopyToAnotherDatabase) {
  c.Run({"SET", "k", "v"});
  EXPECT_EQ(c.Run({"COPY", "k", "k", "DB", "2"}), "(integer) 1");
  c.state().SetDb(2);
  EXPECT_EQ(c.Run({"GET", "k"}), "\"v\"");
}

TEST_F(GenericFamily, CopyErrorsMatchRedis) {
  c.Run({"SET", "a", "1"});
  EXPECT_EQ(c.Run({"COPY", "a", "a"}), Err(err::kSameObject));
  EXPECT_EQ(c.Run({"COPY", "a", "a", "DB", "0"}), Err(err::kSameObject));
  EXPECT_EQ(c.Run({"COPY", "a", "b", "DB", "16"}), Err(err::kDbIndexRange));
  EXPECT_EQ(c.Run({"COPY", "a", "b", "DB", "-1"}), Err(err::kDbIndexRange));
  EXPECT_EQ(c.Run({"COPY", "a", "b", "DB", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"COPY", "a", "b", "DB"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"COPY", "a", "b", "foo"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"COPY", "a"}), Err(err::WrongArgs("copy")));
}

TEST_F(GenericFamily, MoveTransfersTheKeyWithItsTtl) {
  c.Run({"SET", "k", "v", "EX", "50"});
  EXPECT_EQ(c.Run({"MOVE", "k", "1"}), "(integer) 1");
  EXPECT_EQ(c.Run({"EXISTS", "k"}), "(integer) 0");
  c.state().SetDb(1);
  EXPECT_EQ(c.Run({"GET", "k"}), "\"v\"");
  EXPECT_EQ(c.Run({"TTL", "k"}), "(integer) 50");
}

TEST_F(GenericFamily, MoveDoesNotOverwriteAndChecksItsArguments) {
  c.Run({"SET", "k", "db0"});
  c.state().SetDb(1);
  c.Run({"SET", "k", "db1"});
  c.state().SetDb(0);
  EXPECT_EQ(c.Run({"MOVE", "k", "1"}), "(integer) 0");
  EXPECT_EQ(c.Run({"MOVE", "nope", "1"}), "(integer) 0");
  EXPECT_EQ(c.Run({"MOVE", "nope", "0"}), Err(err::kSameObject));
  EXPECT_EQ(c.Run({"MOVE", "k", "16"}), Err(err::kDbIndexRange));
  EXPECT_EQ(c.Run({"MOVE", "k", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"MOVE", "k", "99999999999"}), Err(err::kIntRange));
}

// ---- OBJECT ----

TEST_F(GenericFamily, ObjectEncodingOfStrings) {
  c.Run({"MSET", "i", "123", "e", "hello", "r", std::string(45, 'x')});
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "i"}), "\"int\"");
  EXPECT_EQ(c.Run({"OBJECT", "encoding", "e"}), "\"embstr\"");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "r"}), "\"raw\"");
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING", "nope"}), "(nil)");
}

TEST_F(GenericFamily, ObjectRefcountIsIntMaxForSharedSmallIntegers) {
  c.Run({"MSET", "small", "9999", "big", "10000", "neg", "-1", "s", "abc"});
  EXPECT_EQ(c.Run({"OBJECT", "REFCOUNT", "small"}), "(integer) 2147483647");
  EXPECT_EQ(c.Run({"OBJECT", "REFCOUNT", "big"}), "(integer) 1");
  EXPECT_EQ(c.Run({"OBJECT", "REFCOUNT", "neg"}), "(integer) 1");
  EXPECT_EQ(c.Run({"OBJECT", "REFCOUNT", "s"}), "(integer) 1");
  EXPECT_EQ(c.Run({"OBJECT", "REFCOUNT", "nope"}), "(nil)");
}

TEST_F(GenericFamily, ObjectIdletimeDoesNotTouchTheKey) {
  c.Run({"SET", "k", "v"});
  srv.clock.Advance(7000);
  RefreshLru();
  EXPECT_EQ(c.Run({"OBJECT", "IDLETIME", "k"}), "(integer) 7");
  EXPECT_EQ(c.Run({"OBJECT", "IDLETIME", "k"}), "(integer) 7");
  EXPECT_EQ(c.Run({"TTL", "k"}), "(integer) -1");
  EXPECT_EQ(c.Run({"OBJECT", "IDLETIME", "k"}), "(integer) 7") << "TTL does not touch either";
  c.Run({"GET", "k"});
  EXPECT_EQ(c.Run({"OBJECT", "IDLETIME", "k"}), "(integer) 0");
  EXPECT_EQ(c.Run({"OBJECT", "IDLETIME", "nope"}), "(nil)");
}

TEST_F(GenericFamily, ObjectFreqWithoutLfuPolicyIsAnError) {
  c.Run({"SET", "k", "v"});
  EXPECT_EQ(c.Run({"OBJECT", "FREQ", "k"}), Err(err::kLfuNotSelected));
  EXPECT_EQ(c.Run({"OBJECT", "FREQ", "nope"}), "(nil)");
}

TEST_F(GenericFamily, ObjectHelpAndErrors) {
  std::string help = c.Run({"OBJECT", "HELP"});
  EXPECT_EQ(help.rfind("[OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, ENCODING <key>", 0), 0u)
      << help;
  EXPECT_NE(help.find("    Prints this help.]"), std::string::npos);
  EXPECT_EQ(c.Run({"OBJECT", "foo"}), "(error) ERR unknown subcommand 'foo'. Try OBJECT HELP.");
  EXPECT_EQ(c.Run({"OBJECT"}), Err(err::WrongArgs("object")));
  EXPECT_EQ(c.Run({"OBJECT", "ENCODING"}), Err(err::WrongArgs("object|encoding")));
  EXPECT_EQ(c.Run({"OBJECT", "HELP", "x"}), Err(err::WrongArgs("object|help")));
}

}  // namespace
}  // namespace ks::test
