// Differential test of the keyspace (generic) commands: every sequence runs against keyshard
// and a real redis-server 7.0, and each reply must be identical. Commands whose reply order is
// unspecified (KEYS) are compared sorted; SCAN is compared as the set of keys of a full
// iteration. TTLs are set as absolute times or in the past so no sequence depends on timing.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/support/diff_servers.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

// A command starting with "~" has its array reply compared sorted.
using Case = DiffCase;

class KeysDiff : public DiffTest<Case> {
 protected:
  void RunCase(const Case& c) {
    for (const Cmd& raw : c.cmds) {
      Cmd cmd = raw;
      bool sorted = !cmd.empty() && cmd[0] == "~";
      if (sorted) cmd.erase(cmd.begin());
      auto [k, r] = Both(cmd);
      if (sorted) {
        k = SortedArray(k);
        r = SortedArray(r);
      }
      std::string shown;
      for (auto& a : cmd) shown += a + " ";
      EXPECT_EQ(k, r) << "case " << c.name << ": " << shown;
    }
  }

  // Every key a full SCAN iteration with these options returns, and whether any call failed.
  static std::set<std::string> ScanAll(Client& c, const Cmd& opts, std::string* error) {
    std::set<std::string> keys;
    std::string cursor = "0";
    for (int calls = 0; calls < 100000; ++calls) {
      Cmd cmd = {"SCAN", cursor};
      cmd.insert(cmd.end(), opts.begin(), opts.end());
      std::string r = c.Run(cmd);
      if (r.rfind("[\"", 0) != 0) {
        *error = r;
        return keys;
      }
      size_t q = r.find('"', 2);
      cursor = r.substr(2, q - 2);
      std::string list = r.substr(q + 3);  // after `", `
      for (size_t p = 0; (p = list.find('"', p)) != std::string::npos;) {
        size_t e = list.find('"', p + 1);
        keys.insert(list.substr(p + 1, e - p - 1));
        p = e + 1;
      }
      if (cursor == "0") break;
    }
    return keys;
  }
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"DelUnlinkExists",
       {{"MSET", "a", "1", "b", "2", "c", "3", "{t}x", "4"},
        {"EXISTS", "a", "b", "c", "{t}x", "nope"},
        {"EXISTS", "a", "a", "a"},
        {"DEL", "a", "b", "a", "missing"},
        {"EXISTS", "a", "b", "c"},
        {"UNLINK", "c", "c", "{t}x"},
        {"UNLINK", "nope"},
        {"DEL", "nope"},
        {"DEL"},
        {"UNLINK"},
        {"EXISTS"}}},
      {"TouchType",
       {{"MSET", "a", "1", "b", "2"},
        {"TOUCH", "a", "b", "zz", "a"},
        {"TOUCH", "nope"},
        {"TOUCH"},
        {"TYPE", "a"},
        {"TYPE", "nope"},
        {"TYPE"},
        {"TYPE", "a", "b"}}},
      {"ExpireTtlPersist",
       {{"SET", "k", "v"},
        {"TTL", "k"},
        {"PTTL", "k"},
        {"EXPIRE", "k", "100"},
        {"TTL", "k"},
        {"PERSIST", "k"},
        {"PERSIST", "k"},
        {"TTL", "k"},
        {"PEXPIRE", "k", "100000"},
        {"TTL", "k"},
        {"PERSIST", "nope"},
        {"EXPIRE", "nope", "10"},
        {"PEXPIRE", "nope", "10"},
        {"EXPIREAT", "nope", "10"},
        {"PEXPIREAT", "nope", "10"},
        {"TTL", "nope"},
        {"PTTL", "nope"},
        {"EXPIRETIME", "nope"},
        {"PEXPIRETIME", "nope"},
        {"EXPIRETIME", "k"},
        {"PERSIST"},
        {"TTL"},
        {"PTTL", "a", "b"},
        {"EXPIRETIME"},
        {"PEXPIRETIME", "a", "b"}}},
      {"ExpireOptions",
       {{"SET", "k", "v"},
        {"EXPIREAT", "k", "4000000000", "XX"},
        {"EXPIREAT", "k", "4000000000", "GT"},
        {"EXPIREAT", "k", "4000000000", "LT"},
        {"EXPIRETIME", "k"},
        {"PERSIST", "k"},
        {"EXPIREAT", "k", "4000000000", "NX"},
        {"EXPIREAT", "k", "4000000001", "nx"},
        {"EXPIREAT", "k", "3999999999", "gt"},
        {"EXPIREAT", "k", "4000000000", "GT"},
        {"EXPIREAT", "k", "4000000005", "Gt"},
        {"EXPIRETIME", "k"},
        {"EXPIREAT", "k", "4000000009", "LT"},
        {"EXPIREAT", "k", "4000000005", "LT"},
        {"EXPIREAT", "k", "4000000002", "lt", "xx"},
        {"EXPIRETIME", "k"},
        {"PEXPIREAT", "k", "4000000002500", "XX", "GT"},
        {"PEXPIRETIME", "k"},
        {"EXPIRETIME", "k"},
        {"PEXPIREAT", "k", "4000000002499", "GT"},
        {"PEXPIREAT", "k", "4000000002499", "XX"},
        {"EXPIRETIME", "k"},
        {"PEXPIRETIME", "k"},
        {"EXPIRE", "k", "100", "NX"},
        {"EXPIRE", "k", "1", "GT"},
        {"PEXPIRE", "k", "100", "XX", "GT"},
        {"PEXPIRETIME", "k"},
        {"EXPIRE", "nope", "100", "XX"}}},
      {"ExpireErrors",
       {{"SET", "k", "v"},
        {"EXPIRE", "k", "10", "NX", "XX"},
        {"EXPIRE", "k", "10", "XX", "NX"},
        {"EXPIRE", "k", "10", "NX", "GT"},
        {"EXPIRE", "k", "10", "NX", "LT"},
        {"EXPIRE", "k", "10", "GT", "LT"},
        {"PEXPIRE", "k", "10", "lt", "gt"},
        {"EXPIRE", "k", "10", "NX", "GT", "LT"},
        {"EXPIRE", "k", "10", "foo"},
        {"EXPIRE", "k", "10", "NX", "foo"},
        {"EXPIREAT", "k", "10", "XX", "bar"},
        {"EXPIRE", "k", "abc", "NX", "XX"},
        {"EXPIRE", "k", "abc", "foo"},
        {"EXPIRE", "k", "abc"},
        {"EXPIRE", "k", "1.5"},
        {"EXPIRE", "k", ""},
        {"EXPIRE", "k", " 1"},
        {"PEXPIRE", "k", "99999999999999999999"},
        {"EXPIRE", "k", "9223372036854775807"},
        {"EXPIRE", "k", "-9223372036854775807"},
        {"EXPIRE", "k", "9223372036854775"},
        {"PEXPIRE", "k", "9223372036854775807"},
        {"EXPIREAT", "k", "9223372036854776"},
        {"EXPIREAT", "k", "-9223372036854776"},
        {"EXPIRE", "nope", "9223372036854775807"},
        {"EXPIRE", "nope", "abc"},
        {"EXPIRE", "nope", "10", "NX", "XX"},
        {"TTL", "k"},
        {"PEXPIREAT", "k", "9223372036854775807"},
        {"PEXPIRETIME", "k"},
        {"EXPIRETIME", "k"},
        {"EXPIRE"},
        {"EXPIRE", "k"},
        {"PEXPIRE", "k"},
        {"EXPIREAT", "k"},
        {"PEXPIREAT"}}},
      {"ExpireInThePastDeletes",
       {{"MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5"},
        {"EXPIRE", "a", "-1"},
        {"PEXPIRE", "b", "0"},
        {"EXPIREAT", "c", "1"},
        {"PEXPIREAT", "d", "0"},
        {"EXPIRE", "e", "-9223372036854775"},
        {"EXISTS", "a", "b", "c", "d", "e"},
        {"TTL", "a"},
        {"~", "KEYS", "*"},
        {"RANDOMKEY"},
        {"SET", "f", "6"},
        {"EXPIRE", "f", "100", "GT"},
        {"EXPIRE", "f", "-1", "LT"},
        {"EXISTS", "f"},
        {"SET", "g", "7"},
        {"EXPIREAT", "g", "4000000000"},
        {"EXPIREAT", "g", "1", "GT"},
        {"EXPIREAT", "g", "1", "LT"},
        {"EXISTS", "g"}}},
      {"ExpireTimeRounding",
       {{"SET", "k", "v"},
        {"PEXPIREAT", "k", "4000000000499"},
        {"EXPIRETIME", "k"},
        {"PEXPIREAT", "k", "4000000000500"},
        {"EXPIRETIME", "k"},
        {"PEXPIRETIME", "k"},
        {"EXPIREAT", "k", "4000000000"},
        {"PEXPIRETIME", "k"},
        {"SET", "k", "v2"},
        {"EXPIRETIME", "k"}}},
      {"Keys",
       {{"MSET", "user:1", "a", "user:2", "b", "user:10", "c", "other", "d", "hello", "1", "hallo", "2", "hxllo",
         "3", "a*b", "4", "{t}1", "5", "{t}2", "6"},
        {"~", "KEYS", "*"},
        {"~", "KEYS", "user:*"},
        {"~", "KEYS", "user:?"},
        {"~", "KEYS", "u[a-z]er:1*"},
        {"~", "KEYS", "h[ae]llo"},
        {"~", "KEYS", "h[^e]llo"},
        {"~", "KEYS", "h[a-b]llo"},
        {"~", "KEYS", "a\\*b"},
        {"~", "KEYS", "*\\*?"},
        {"~", "KEYS", "{t}*"},
        {"~", "KEYS", "nomatch*"},
        {"~", "KEYS", ""},
        {"~", "KEYS", "[]"},
        {"~", "KEYS", "*[A-Z]*"},
        {"KEYS"},
        {"KEYS", "a", "b"}}},
      {"KeysSkipsExpiredAndOtherDbs",
       {{"MSET", "a", "1", "b", "2"},
        {"SELECT", "1"},
        {"SET", "c", "3"},
        {"~", "KEYS", "*"},
        {"SELECT", "0"},
        {"~", "KEYS", "*"},
        {"PEXPIREAT", "a", "1"},
        {"~", "KEYS", "*"}}},
      {"RandomKey",
       {{"RANDOMKEY"},
        {"SET", "only", "v"},
        {"RANDOMKEY"},
        {"SELECT", "1"},
        {"RANDOMKEY"},
        {"SELECT", "0"},
        {"EXPIREAT", "only", "1"},
        {"RANDOMKEY"},
        {"RANDOMKEY", "x"}}},
      {"Rename",
       {{"SET", "src", "v"},
        {"EXPIREAT", "src", "4000000000"},
        {"SET", "dst", "old"},
        {"RENAME", "src", "dst"},
        {"GET", "dst"},
        {"EXPIRETIME", "dst"},
        {"EXISTS", "src"},
        {"RENAME", "dst", "dst"},
        {"EXPIRETIME", "dst"},
        {"RENAMENX", "dst", "dst"},
        {"RENAME", "nope", "x"},
        {"RENAME", "nope", "nope"},
        {"RENAMENX", "nope", "x"},
        {"RENAMENX", "nope", "nope"},
        {"SET", "a", "1"},
        {"RENAMENX", "a", "dst"},
        {"RENAMENX", "a", "{t}b"},
        {"GET", "{t}b"},
        {"EXISTS", "a"},
        {"SET", "plain", "p"},
        {"RENAME", "plain", "dst"},
        {"TTL", "dst"},
        {"SET", "e", "v"},
        {"PEXPIREAT", "e", "1"},
        {"RENAME", "e", "x"},
        {"RENAME", "a"},
        {"RENAME", "a", "b", "c"},
        {"RENAMENX", "a"}}},
      {"Copy",
       {{"SET", "src", "v"},
        {"EXPIREAT", "src", "4000000000"},
        {"COPY", "src", "dst"},
        {"GET", "dst"},
        {"EXPIRETIME", "dst"},
        {"GET", "src"},
        {"SET", "other", "o"},
        {"COPY", "other", "dst"},
        {"GET", "dst"},
        {"COPY", "other", "dst", "REPLACE"},
        {"GET", "dst"},
        {"TTL", "dst"},
        {"COPY", "other", "dst", "replace", "REPLACE"},
        {"COPY", "missing", "dst", "REPLACE"},
        {"COPY", "src", "src", "DB", "2"},
        {"COPY", "src", "src", "DB", "2"},
        {"COPY", "other", "src", "db", "2", "replace"},
        {"SELECT", "2"},
        {"GET", "src"},
        {"TTL", "src"},
        {"SELECT", "0"},
        {"COPY", "src", "src"},
        {"COPY", "src", "src", "DB", "0"},
        {"COPY", "nope", "nope"},
        {"COPY", "src", "x", "DB", "16"},
        {"COPY", "src", "x", "DB", "-1"},
        {"COPY", "src", "x", "DB", "x"},
        {"COPY", "src", "x", "DB", "99999999999"},
        {"COPY", "src", "x", "DB", "2147483648"},
        {"COPY", "src", "x", "DB", "-2147483649"},
        {"COPY", "src", "x", "DB", "1.5"},
        {"COPY", "src", "x", "foo", "DB", "x"},
        {"COPY", "src", "x", "DB", "x", "foo"},
        {"COPY", "src", "x", "DB", "1", "DB", "99"},
        {"COPY", "src", "x2", "DB", "99", "DB", "1"},
        {"COPY", "src", "x3", "DB", "3", "DB", "0"},
        {"GET", "x3"},
        {"COPY", "src", "x", "DB"},
        {"COPY", "src", "x", "foo"},
        {"COPY", "src", "x", "REPLACE", "foo"},
        {"COPY", "nope", "x", "DB", "99"},
        {"COPY", "src"},
        {"COPY"}}},
      {"Move",
       {{"SET", "k", "v"},
        {"EXPIREAT", "k", "4000000000"},
        {"MOVE", "k", "1"},
        {"EXISTS", "k"},
        {"SELECT", "1"},
        {"GET", "k"},
        {"EXPIRETIME", "k"},
        {"SET", "j", "db1"},
        {"SELECT", "0"},
        {"SET", "j", "db0"},
        {"MOVE", "j", "1"},
        {"GET", "j"},
        {"MOVE", "nope", "1"},
        {"MOVE", "nope", "0"},
        {"MOVE", "j", "0"},
        {"MOVE", "j", "16"},
        {"MOVE", "j", "-1"},
        {"MOVE", "j", "x"},
        {"MOVE", "j", "99999999999"},
        {"MOVE", "j", "2147483648"},
        {"MOVE", "j", "1.0"},
        {"MOVE", "j", ""},
        {"MOVE", "j"},
        {"MOVE", "j", "1", "2"}}},
      {"Object",
       {{"MSET", "i", "123", "e", "hello", "r", std::string(45, 'x'), "n", "-5", "big", "10000", "s9", "9999",
         "z", "0", "lz", "012"},
        {"OBJECT", "ENCODING", "i"},
        {"OBJECT", "ENCODING", "e"},
        {"OBJECT", "ENCODING", "r"},
        {"OBJECT", "ENCODING", "lz"},
        {"OBJECT", "encoding", "nope"},
        {"OBJECT", "REFCOUNT", "i"},
        {"OBJECT", "REFCOUNT", "e"},
        {"OBJECT", "REFCOUNT", "n"},
        {"OBJECT", "REFCOUNT", "big"},
        {"OBJECT", "REFCOUNT", "s9"},
        {"OBJECT", "REFCOUNT", "z"},
        {"OBJECT", "REFCOUNT", "lz"},
        {"OBJECT", "REFCOUNT", "nope"},
        {"OBJECT", "FREQ", "i"},
        {"OBJECT", "FREQ", "nope"},
        {"OBJECT", "IDLETIME", "nope"},
        {"OBJECT", "HELP"},
        {"OBJECT", "help"},
        {"OBJECT", "HELP", "x"},
        {"OBJECT", "foo"},
        {"OBJECT", "foo", "bar"},
        {"OBJECT"},
        {"OBJECT", "ENCODING"},
        {"OBJECT", "ENCODING", "i", "x"},
        {"OBJECT", "FREQ"},
        {"OBJECT", "IDLETIME"},
        {"OBJECT", "REFCOUNT", "a", "b"}}},
      {"ScanErrorsAndEdgeCursors",
       {{"SCAN", "0"},
        {"SCAN", ""},
        {"SCAN", "-1"},
        {"SCAN", "18446744073709551615"},
        {"SCAN", "abc"},
        {"SCAN", " 5"},
        {"SCAN", "5 "},
        {"SCAN", "-"},
        {"SCAN", "18446744073709551616"},
        {"SCAN", "abc", "COUNT", "0"},
        {"SCAN", "0", "COUNT", "0"},
        {"SCAN", "0", "COUNT", "-1"},
        {"SCAN", "0", "COUNT", "x"},
        {"SCAN", "0", "COUNT", "99999999999999999999"},
        {"SCAN", "0", "COUNT"},
        {"SCAN", "0", "MATCH"},
        {"SCAN", "0", "TYPE"},
        {"SCAN", "0", "foo"},
        {"SCAN", "0", "foo", "bar"},
        {"SCAN", "0", "MATCH", "*", "COUNT", "0"},
        {"SCAN", "0", "count", "5", "match", "*", "type", "string"},
        {"SCAN"}}},
  };
  return cases;
}

TEST_P(KeysDiff, RepliesLikeRedis) { RunCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Generic, KeysDiff, ::testing::ValuesIn(Cases()), CaseName());

using KeysScanDiff = KeysDiff;

TEST_F(KeysScanDiff, FullIterationReturnsTheSameKeysAsRedis) {
  std::vector<std::string> mset = {"MSET"};
  for (int i = 0; i < 300; ++i) {
    mset.push_back("k:" + std::to_string(i));
    mset.push_back(std::to_string(i));
  }
  for (int i = 0; i < 20; ++i) {
    mset.push_back("{tag}" + std::to_string(i));
    mset.push_back("v");
  }
  auto [k, r] = Both(mset);
  ASSERT_EQ(k, r);
  // Some keys gone by expiry (a past time) and some in another database.
  for (int i = 0; i < 300; i += 7) Both({"PEXPIREAT", "k:" + std::to_string(i), "1"});
  Both({"SELECT", "1"});
  Both({"SET", "k:db1", "v"});
  Both({"SELECT", "0"});

  const std::vector<Cmd> option_sets = {
      {},
      {"COUNT", "1"},
      {"COUNT", "3"},
      {"COUNT", "1000"},
      {"MATCH", "k:1*"},
      {"MATCH", "{tag}*", "COUNT", "2"},
      {"MATCH", "k:?"},
      {"MATCH", "*"},
      {"TYPE", "string"},
      {"TYPE", "STRING", "MATCH", "k:2?"},
      {"TYPE", "list"},
      {"TYPE", "nonsense"},
      {"MATCH", "nomatch*", "COUNT", "50"},
  };
  for (const Cmd& opts : option_sets) {
    std::string kerr, rerr;
    std::set<std::string> kk = ScanAll(*kc_, opts, &kerr), rk = ScanAll(*rc_, opts, &rerr);
    std::string shown;
    for (auto& a : opts) shown += a + " ";
    EXPECT_EQ(kerr, rerr) << shown;
    EXPECT_EQ(kk, rk) << shown;
    EXPECT_FALSE(rk.count("k:db1"));
  }
  // KEYS agrees with the full scan.
  auto [kkeys, rkeys] = Both({"KEYS", "*"});
  EXPECT_EQ(SortedArray(kkeys), SortedArray(rkeys));
}

}  // namespace
}  // namespace ks::test
