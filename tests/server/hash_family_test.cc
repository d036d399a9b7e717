// Hash family through the real dispatcher. Expected replies, error texts and encodings were
// checked against redis-server 7.0.15; hashes_diff_test.cc compares the two servers directly.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "engine/hash.h"
#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

// A smaller entry limit than the default (512) keeps conversion tests short.
Config RedisLimits() {
  Config c;
  c.hash_max_listpack_entries = 128;
  c.hash_max_listpack_value = 64;
  return c;
}

class HashFamily : public ::testing::Test {
 protected:
  HashFamily() : srv(8, RedisLimits()), c(srv) {}
  std::string Enc(std::string_view key) { return c.Run({"OBJECT", "ENCODING", key}); }
  TestServer srv;
  DirectClient c;
};

TEST_F(HashFamily, SetGetAndCountNewFields) {
  EXPECT_EQ(c.Run({"HSET", "h", "a", "1", "b", "2"}), "(integer) 2");
  EXPECT_EQ(c.Run({"HSET", "h", "a", "9", "c", "3"}), "(integer) 1");
  EXPECT_EQ(c.Run({"HGET", "h", "a"}), "\"9\"");
  EXPECT_EQ(c.Run({"HGET", "h", "zz"}), "(nil)");
  EXPECT_EQ(c.Run({"HGET", "none", "a"}), "(nil)");
  EXPECT_EQ(c.Run({"HMSET", "h", "d", "4"}), "OK");
  EXPECT_EQ(c.Run({"HGETALL", "h"}), "[\"a\", \"9\", \"b\", \"2\", \"c\", \"3\", \"d\", \"4\"]");
  EXPECT_EQ(c.Run({"HLEN", "h"}), "(integer) 4");
  EXPECT_EQ(c.Run({"TYPE", "h"}), "hash");
}

TEST_F(HashFamily, OddFieldValueArgumentsAreArityErrors) {
  EXPECT_EQ(c.Run({"HSET", "h", "a", "1", "b"}), Err(err::WrongArgs("hset")));
  EXPECT_EQ(c.Run({"HMSET", "h", "a", "1", "b"}), Err(err::WrongArgs("hmset")));
  EXPECT_EQ(c.Run({"HSET", "h", "a"}), Err(err::WrongArgs("hset")));
  EXPECT_EQ(c.Run({"EXISTS", "h"}), "(integer) 0");
}

TEST_F(HashFamily, SetNxOnlySetsMissingFields) {
  EXPECT_EQ(c.Run({"HSETNX", "h", "a", "1"}), "(integer) 1");
  EXPECT_EQ(c.Run({"HSETNX", "h", "a", "2"}), "(integer) 0");
  EXPECT_EQ(c.Run({"HGET", "h", "a"}), "\"1\"");
}

TEST_F(HashFamily, MGetExistsStrLen) {
  c.Run({"HSET", "h", "a", "hello", "b", ""});
  EXPECT_EQ(c.Run({"HMGET", "h", "a", "zz", "b"}), "[\"hello\", (nil), \"\"]");
  EXPECT_EQ(c.Run({"HMGET", "none", "a", "b"}), "[(nil), (nil)]");
  EXPECT_EQ(c.Run({"HEXISTS", "h", "a"}), "(integer) 1");
  EXPECT_EQ(c.Run({"HEXISTS", "h", "zz"}), "(integer) 0");
  EXPECT_EQ(c.Run({"HEXISTS", "none", "a"}), "(integer) 0");
  EXPECT_EQ(c.Run({"HSTRLEN", "h", "a"}), "(integer) 5");
  EXPECT_EQ(c.Run({"HSTRLEN", "h", "b"}), "(integer) 0");
  EXPECT_EQ(c.Run({"HSTRLEN", "none", "a"}), "(integer) 0");
  EXPECT_EQ(c.Run({"HLEN", "none"}), "(integer) 0");
}

TEST_F(HashFamily, DeletingTheLastFieldDeletesTheKey) {
  c.Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(c.Run({"HDEL", "h", "a", "zz", "a"}), "(integer) 1");
  EXPECT_EQ(c.Run({"HDEL", "none", "a"}), "(integer) 0");
  EXPECT_EQ(c.Run({"HDEL", "h", "b", "c", "d"}), "(integer) 2");
  EXPECT_EQ(c.Run({"EXISTS", "h"}), "(integer) 0");
}

TEST_F(HashFamily, KeysValsGetAllKeepListpackOrderAndAnswerEmptyForMissingKeys) {
  c.Run({"HSET", "h", "z", "1", "a", "2", "m", "3"});
  c.Run({"HSET", "h", "a", "22"});
  EXPECT_EQ(c.Run({"HKEYS", "h"}), "[\"z\", \"a\", \"m\"]");
  EXPECT_EQ(c.Run({"HVALS", "h"}), "[\"1\", \"22\", \"3\"]");
  EXPECT_EQ(c.Run({"HKEYS", "none"}), "[]");
  EXPECT_EQ(c.Run({"HVALS", "none"}), "[]");
  EXPECT_EQ(c.Run({"HGETALL", "none"}), "[]");
}

TEST_F(HashFamily, Resp3HgetallIsAMapAndPairsAreNested) {
  c.Run({"HELLO", "3"});
  c.Run({"HSET", "h", "a", "1", "b", "2"});
  EXPECT_EQ(c.Run({"HGETALL", "h"}), "{\"a\": \"1\", \"b\": \"2\"}");
  EXPECT_EQ(c.Run({"HGETALL", "none"}), "{}");
  EXPECT_EQ(c.Run({"HRANDFIELD", "h", "5", "WITHVALUES"}), "[[\"a\", \"1\"], [\"b\", \"2\"]]");
  EXPECT_EQ(c.Run({"HRANDFIELD", "h", "5"}), "[\"a\", \"b\"]");
  EXPECT_EQ(c.Run({"HRANDFIELD", "none"}), "(nil)");
  EXPECT_EQ(c.Run({"HSCAN", "h", "0"}), "[\"0\", [\"a\", \"1\", \"b\", \"2\"]]");
}

TEST_F(HashFamily, WrongTypeEverywhere) {
  c.Run({"SET", "s", "v"});
  const std::string wrong = Err(err::kWrongType);
  for (const auto& cmd : std::vector<std::vector<std::string>>{
           {"HSET", "s", "a", "1"}, {"HSETNX", "s", "a", "1"}, {"HMSET", "s", "a", "1"}, {"HGET", "s", "a"},
           {"HMGET", "s", "a"}, {"HDEL", "s", "a"}, {"HLEN", "s"}, {"HSTRLEN", "s", "a"},
           {"HEXISTS", "s", "a"}, {"HKEYS", "s"}, {"HVALS", "s"}, {"HGETALL", "s"}, {"HINCRBY", "s", "a", "1"},
           {"HINCRBYFLOAT", "s", "a", "1"}, {"HRANDFIELD", "s"}, {"HRANDFIELD", "s", "2"}, {"HSCAN", "s", "0"}}) {
    EXPECT_EQ(c.Run(cmd), wrong) << cmd[0];
  }
  EXPECT_EQ(c.Run({"GET", "s"}), "\"v\"");
}

TEST_F(HashFamily, IncrByChecksValuesAndOverflow) {
  EXPECT_EQ(c.Run({"HINCRBY", "h", "n", "5"}), "(integer) 5");
  EXPECT_EQ(c.Run({"HINCRBY", "h", "n", "-7"}), "(integer) -2");
  EXPECT_EQ(c.Run({"HINCRBY", "h", "n", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"HINCRBY", "h", "n", "1.5"}), Err(err::kNotInteger));
  c.Run({"HSET", "h", "s", "abc", "z", "007", "m", "9223372036854775807"});
  EXPECT_EQ(c.Run({"HINCRBY", "h", "s", "1"}), Err(err::kHashNotInteger));
  EXPECT_EQ(c.Run({"HINCRBY", "h", "z", "1"}), Err(err::kHashNotInteger));
  EXPECT_EQ(c.Run({"HINCRBY", "h", "m", "1"}), Err(err::kOverflow));
  EXPECT_EQ(c.Run({"HINCRBY", "h", "m", "-9223372036854775808"}), "(integer) -1");
  // A failed increment on a missing key leaves no empty hash behind.
  EXPECT_EQ(c.Run({"HINCRBY", "none", "f", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"EXISTS", "none"}), "(integer) 0");
}

TEST_F(HashFamily, IncrByFloatFormatsLikeIncrByFloat) {
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "h", "f", "10.5"}), "\"10.5\"");
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "h", "f", "0.1"}), "\"10.6\"");
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "h", "f", "-5.6"}), "\"5\"");
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "h", "f", "5.0e3"}), "\"5005\"");
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "h", "f", "abc"}), Err(err::kNotFloat));
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "h", "f", "nan"}), Err(err::kNotFloat));
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "h", "f", "inf"}), Err(err::kValueNanOrInf));
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "h", "f", "-inf"}), Err(err::kValueNanOrInf));
  c.Run({"HSET", "h", "s", "abc", "big", "1e4932"});
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "h", "s", "1"}), Err(err::kHashNotFloat));
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "h", "big", "1e4932"}), Err(err::kNanOrInf));
  EXPECT_EQ(c.Run({"HGET", "h", "big"}), "\"1e4932\"");
}

TEST_F(HashFamily, HsetKeepsTheKeysTtlAndExpiredHashesVanish) {
  c.Run({"HSET", "h", "a", "1"});
  c.Run({"EXPIRE", "h", "10"});
  c.Run({"HSET", "h", "b", "2"});
  c.Run({"HINCRBY", "h", "n", "1"});
  EXPECT_EQ(c.Run({"TTL", "h"}), "(integer) 10");
  srv.clock.Advance(10'001);
  EXPECT_EQ(c.Run({"HLEN", "h"}), "(integer) 0");
  EXPECT_EQ(c.Run({"HGET", "h", "a"}), "(nil)");
  EXPECT_EQ(c.Run({"HSET", "h", "a", "1"}), "(integer) 1");
  EXPECT_EQ(c.Run({"TTL", "h"}), "(integer) -1");
}

// ---- Encodings ---------------------------------------------------------------------------

TEST_F(HashFamily, ConvertsPastTheEntryLimitAndNeverBack) {
  std::vector<std::string> cmd = {"HSET", "h"};
  for (int i = 0; i < 128; ++i) {
    cmd.push_back("f" + std::to_string(i));
    cmd.push_back("v");
  }
  EXPECT_EQ(c.Run(cmd), "(integer) 128");
  EXPECT_EQ(Enc("h"), "\"listpack\"");
  c.Run({"HSET", "h", "f0", "updated"});
  EXPECT_EQ(Enc("h"), "\"listpack\"");
  c.Run({"HSET", "h", "f128", "v"});
  EXPECT_EQ(Enc("h"), "\"hashtable\"");
  c.Run({"HDEL", "h", "f1", "f2", "f3", "f4"});
  EXPECT_EQ(Enc("h"), "\"hashtable\"");
  EXPECT_EQ(c.Run({"HLEN", "h"}), "(integer) 125");
  EXPECT_EQ(c.Run({"HGET", "h", "f0"}), "\"updated\"");
}

TEST_F(HashFamily, LongFieldOrValueConvertsWhereRedisDoes) {
  const std::string v64(64, 'x'), v65(65, 'x');
  c.Run({"HSET", "a", "f", v64});
  EXPECT_EQ(Enc("a"), "\"listpack\"");
  c.Run({"HSET", "a", "f", v65});
  EXPECT_EQ(Enc("a"), "\"hashtable\"");
  c.Run({"HSET", "b", v65, "1"});
  EXPECT_EQ(Enc("b"), "\"hashtable\"");
  // HSETNX of an existing field stores nothing and converts nothing.
  c.Run({"HSET", "c", "f", "1"});
  EXPECT_EQ(c.Run({"HSETNX", "c", "f", v65}), "(integer) 0");
  EXPECT_EQ(Enc("c"), "\"listpack\"");
  EXPECT_EQ(c.Run({"HSETNX", "c", "g", v65}), "(integer) 1");
  EXPECT_EQ(Enc("c"), "\"hashtable\"");
  // HINCRBY with a long field, HINCRBYFLOAT producing a long value.
  c.Run({"HSET", "d", "f", "1"});
  c.Run({"HINCRBY", "d", v65, "1"});
  EXPECT_EQ(Enc("d"), "\"hashtable\"");
  c.Run({"HSET", "e", "f", "1"});
  EXPECT_EQ(c.Run({"HINCRBYFLOAT", "e", "f", "1e70"}),
            "\"10000000000000000000222479489586148259025995410601157579323600873193472\"");
  EXPECT_EQ(Enc("e"), "\"hashtable\"");
  // Reads of long fields never convert.
  c.Run({"HSET", "g", "f", "1"});
  c.Run({"HGET", "g", v65});
  c.Run({"HDEL", "g", v65});
  EXPECT_EQ(Enc("g"), "\"listpack\"");
}

TEST_F(HashFamily, ThresholdsFollowConfigSet) {
  c.Run({"CONFIG", "SET", "hash-max-listpack-entries", "0"});
  c.Run({"HSET", "z", "a", "1"});
  EXPECT_EQ(Enc("z"), "\"hashtable\"");
  c.Run({"CONFIG", "SET", "hash-max-listpack-entries", "128"});
  c.Run({"CONFIG", "SET", "hash-max-ziplist-value", "3"});
  c.Run({"HSET", "y", "abc", "1"});
  EXPECT_EQ(Enc("y"), "\"listpack\"");
  c.Run({"HSET", "y", "abcd", "1"});
  EXPECT_EQ(Enc("y"), "\"hashtable\"");
  // Lowering the entry limit converts an existing listpack on its next write, update or not.
  c.Run({"HSET", "q", "a", "1", "b", "2", "c", "3"});
  c.Run({"CONFIG", "SET", "hash-max-listpack-entries", "1"});
  EXPECT_EQ(c.Run({"HSET", "q", "a", "5"}), "(integer) 0");
  EXPECT_EQ(Enc("q"), "\"hashtable\"");
}

TEST_F(HashFamily, EntryEncodingFollowsTheObject) {
  c.Run({"HSET", "h", "a", "1"});
  Entry* e = Lookup(srv, "h");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->encoding(), Encoding::kListpack);
  EXPECT_TRUE(Hash(e->obj()).listpack());
  c.Run({"HSET", "h", "b", std::string(100, 'x')});
  e = Lookup(srv, "h");
  EXPECT_EQ(e->encoding(), Encoding::kHashtable);
  EXPECT_FALSE(Hash(e->obj()).listpack());
}

TEST_F(HashFamily, CopyAndRenameKeepHashesIntact) {
  c.Run({"HSET", "{t}a", "f", "1", "g", "2"});
  EXPECT_EQ(c.Run({"COPY", "{t}a", "{t}b"}), "(integer) 1");
  c.Run({"HSET", "{t}a", "f", "changed"});
  EXPECT_EQ(c.Run({"HGET", "{t}b", "f"}), "\"1\"");
  EXPECT_EQ(c.Run({"RENAME", "{t}b", "other-engine-key"}), "OK");
  EXPECT_EQ(c.Run({"HGETALL", "other-engine-key"}), "[\"f\", \"1\", \"g\", \"2\"]");
}

// ---- HRANDFIELD --------------------------------------------------------------------------

TEST_F(HashFamily, RandFieldArgumentErrors) {
  c.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(c.Run({"HRANDFIELD", "h", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"HRANDFIELD", "h", "1", "foo"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"HRANDFIELD", "h", "1", "WITHVALUES", "x"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"HRANDFIELD", "h", "-9223372036854775808"}),
            Err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
  EXPECT_EQ(c.Run({"HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"}), Err(err::kValueOutOfRange));
  EXPECT_EQ(c.Run({"HRANDFIELD", "h", "4611686018427387904", "withvalues"}), Err(err::kValueOutOfRange));
  EXPECT_EQ(c.Run({"HRANDFIELD", "none", "4611686018427387904", "withvalues"}), Err(err::kValueOutOfRange));
  EXPECT_EQ(c.Run({"HRANDFIELD", "none", "3"}), "[]");
  EXPECT_EQ(c.Run({"HRANDFIELD", "h", "0"}), "[]");
}

// Checks a RESP2 HRANDFIELD reply's shape: n elements (pairs when with_values), each from the
// hash, distinct when distinct is set.
void ExpectRandFields(const std::string& reply, size_t n, bool with_values, bool distinct, int fields) {
  ASSERT_GE(reply.size(), 2u);
  std::vector<std::string> items;
  std::string body = reply.substr(1, reply.size() - 2);
  for (size_t pos = 0; pos < body.size();) {
    size_t end = body.find(", ", pos);
    if (end == std::string::npos) end = body.size();
    items.push_back(body.substr(pos, end - pos));
    pos = end + 2;
  }
  ASSERT_EQ(items.size(), with_values ? 2 * n : n) << reply;
  std::set<std::string> seen;
  for (size_t i = 0; i < items.size(); i += with_values ? 2 : 1) {
    const std::string& f = items[i];  // "\"fN\""
    int idx = std::stoi(f.substr(2, f.size() - 3));
    EXPECT_TRUE(idx >= 0 && idx < fields) << f;
    if (with_values) EXPECT_EQ(items[i + 1], "\"v" + std::to_string(idx) + "\"");
    seen.insert(f);
  }
  if (distinct) EXPECT_EQ(seen.size(), n) << reply;
}

TEST_F(HashFamily, RandFieldCountsInBothEncodings) {
  for (int fields : {5, 50, 300}) {  // listpack, listpack, hashtable
    std::string key = "h" + std::to_string(fields);
    std::vector<std::string> cmd = {"HSET", key};
    for (int i = 0; i < fields; ++i) {
      cmd.push_back("f" + std::to_string(i));
      cmd.push_back("v" + std::to_string(i));
    }
    c.Run(cmd);
    ExpectRandFields(c.Run({"HRANDFIELD", key, "3"}), 3, false, true, fields);
    ExpectRandFields(c.Run({"HRANDFIELD", key, "3", "WITHVALUES"}), 3, true, true, fields);
    ExpectRandFields(c.Run({"HRANDFIELD", key, std::to_string(fields - 1)}), fields - 1, false, true, fields);
    ExpectRandFields(c.Run({"HRANDFIELD", key, "1000"}), fields, false, true, fields);
    ExpectRandFields(c.Run({"HRANDFIELD", key, "-20", "WITHVALUES"}), 20, true, false, fields);
    ExpectRandFields(c.Run({"HRANDFIELD", key, "-1"}), 1, false, false, fields);
    std::string one = c.Run({"HRANDFIELD", key});
    EXPECT_EQ(one.substr(0, 2), "\"f") << one;
  }
}

TEST_F(HashFamily, RandFieldNegativeCountRepeatsFields) {
  c.Run({"HSET", "h", "f0", "v0", "f1", "v1"});
  std::string r = c.Run({"HRANDFIELD", "h", "-100"});
  ExpectRandFields(r, 100, false, false, 2);
}

// ---- HSCAN -------------------------------------------------------------------------------

TEST_F(HashFamily, ScanArgumentErrorsAndMissingKeys) {
  c.Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(c.Run({"HSCAN", "h", "x"}), Err(err::kInvalidCursor));
  EXPECT_EQ(c.Run({"HSCAN", "h", "18446744073709551616"}), Err(err::kInvalidCursor));
  EXPECT_EQ(c.Run({"HSCAN", "none", "x"}), Err(err::kInvalidCursor));
  EXPECT_EQ(c.Run({"HSCAN", "none", "0", "foo"}), "[\"0\", []]");
  EXPECT_EQ(c.Run({"HSCAN", "h", "0", "COUNT", "0"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"HSCAN", "h", "0", "COUNT", "x"}), Err(err::kNotInteger));
  EXPECT_EQ(c.Run({"HSCAN", "h", "0", "TYPE", "string"}), Err(err::kSyntax));
  EXPECT_EQ(c.Run({"HSCAN", "h", "0", "MATCH"}), Err(err::kSyntax));
}

TEST_F(HashFamily, ScanOfAListpackReturnsAllAtOnceFiltered) {
  c.Run({"HSET", "h", "apple", "1", "banana", "2", "avocado", "3"});
  EXPECT_EQ(c.Run({"HSCAN", "h", "0"}), "[\"0\", [\"apple\", \"1\", \"banana\", \"2\", \"avocado\", \"3\"]]");
  EXPECT_EQ(c.Run({"HSCAN", "h", "0", "MATCH", "a*", "COUNT", "1"}),
            "[\"0\", [\"apple\", \"1\", \"avocado\", \"3\"]]");
}

// A full HSCAN of a hashtable returns every field that stayed present, while fields are added
// and removed between calls (Redis's guarantee).
TEST_F(HashFamily, ScanOfAHashtableReturnsEveryStableField) {
  std::vector<std::string> cmd = {"HSET", "h"};
  for (int i = 0; i < 500; ++i) {
    cmd.push_back("stable:" + std::to_string(i));
    cmd.push_back("v");
  }
  c.Run(cmd);
  ASSERT_EQ(Enc("h"), "\"hashtable\"");
  std::set<std::string> seen;
  std::string cursor = "0";
  int step = 0;
  do {
    std::string r = c.Run({"HSCAN", "h", cursor, "COUNT", "20"});
    // r = ["<cursor>", ["f", "v", ...]]
    size_t q = r.find('"', 2);
    cursor = r.substr(2, q - 2);
    for (size_t pos = r.find("\"stable:"); pos != std::string::npos; pos = r.find("\"stable:", pos + 1))
      seen.insert(r.substr(pos + 1, r.find('"', pos + 1) - pos - 1));
    c.Run({"HSET", "h", "tmp:" + std::to_string(step), "t"});
    if (step % 3 == 0) c.Run({"HDEL", "h", "tmp:" + std::to_string(step / 2)});
    ++step;
  } while (cursor != "0" && step < 10000);
  EXPECT_EQ(cursor, "0");
  EXPECT_EQ(seen.size(), 500u);
}

}  // namespace
}  // namespace ks::test
