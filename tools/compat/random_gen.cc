#include "tools/compat/random_gen.h"

#include <sstream>

namespace keyshard::compat {

namespace {

using Argv = std::vector<std::string>;

// Plain keys land on different engines; {t} and {u} keys share a slot each.
const std::vector<std::string> kKeys = {
    "a",     "b",      "c",      "k1",     "k2",       "user:1", "user:2",
    "n",     "f",      "s",      "sp ace", "{t}a",     "{t}b",   "{t}c",
    "{t}n",  "{u}1",   "{u}2",   "{u}3",   "long:key:with:parts", "\xe2\x82\xac"};

const std::vector<std::string> kValues = {
    "v", "hello", "", "10", "-3", "0", "007", "9223372036854775807", "-9223372036854775808",
    "3.5", "1e2", "abc def", std::string("\x00\xff", 2), "world", "12345678901234567890"};

size_t FamilyWeight(const std::string& family) {
  if (family == "strings") return 10;
  if (family == "keys") return 8;
  if (family == "server") return 2;
  return 4;
}

}  // namespace

std::vector<std::string> AllFamilies() {
  return {"strings", "keys", "server", "lists", "hashes", "sets", "zsets"};
}
std::vector<std::string> DefaultFamilies() { return {"strings", "keys", "server"}; }

bool ParseFamilies(const std::string& text, std::vector<std::string>* out, std::string* error) {
  out->clear();
  if (text == "all") {
    *out = AllFamilies();
    return true;
  }
  std::stringstream ss(text);
  std::string name;
  auto all = AllFamilies();
  while (std::getline(ss, name, ',')) {
    if (name.empty()) continue;
    bool known = false;
    for (const auto& f : all) known = known || f == name;
    if (!known) {
      *error = "unknown family '" + name + "' (known: strings, keys, server, lists, hashes, sets, zsets, all)";
      return false;
    }
    out->push_back(name);
  }
  if (out->empty()) {
    *error = "no families given";
    return false;
  }
  return true;
}

RandomGenerator::RandomGenerator(uint64_t seed, std::vector<std::string> families)
    : state_(seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL), families_(std::move(families)) {}

// splitmix64: fully specified, so a seed gives the same sequence on every platform.
uint64_t RandomGenerator::Rand() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string RandomGenerator::Key() { return Pick(kKeys); }

std::string RandomGenerator::Value() {
  if (Chance(20)) return std::to_string(static_cast<long long>(Below(200)) - 50);
  return Pick(kValues);
}

std::string RandomGenerator::IntArg() {
  static const std::vector<std::string> edge = {"9223372036854775807", "-9223372036854775808",
                                                "9223372036854775806", "abc", "1.5", ""};
  if (Chance(8)) return Pick(edge);
  return std::to_string(static_cast<long long>(Below(41)) - 20);
}

std::string RandomGenerator::FloatArg() {
  static const std::vector<std::string> v = {"1.5", "-0.25", "1e3", "0.1", "3", "-7", "abc", "inf",
                                             "1.7976931348623157e308", "5.0e-1", ""};
  return Pick(v);
}

// Relative TTLs are >= 100 s and spread widely: nothing expires during a run, and two
// commands comparing expiry times (GT/LT) never tie within the same millisecond.
std::string RandomGenerator::Ttl(bool millis) {
  if (Chance(6)) return Pick(std::vector<std::string>{"0", "-1", "abc", "9223372036854775807"});
  long long s = 100 + static_cast<long long>(Below(10'000'000));
  return std::to_string(millis ? s * 1000 + static_cast<long long>(Below(1000)) : s);
}

// Absolute times: far future (year ~2096) or, when `past_ok`, long past. EXPIREAT and GETEX
// delete the key at once for a past time; SET EXAT/PXAT in Redis 7.0 leaves a logically
// expired key that DBSIZE counts until active expiry runs, which is timing-dependent.
std::string RandomGenerator::AbsTime(bool millis, bool past_ok) {
  long long s = past_ok && Chance(15) ? 1 + static_cast<long long>(Below(1000))
                                      : 4'000'000'000LL + static_cast<long long>(Below(100'000'000));
  return std::to_string(millis ? s * 1000 + static_cast<long long>(Below(1000)) : s);
}

std::vector<std::string> RandomGenerator::Keys(size_t min, size_t max) {
  std::vector<std::string> out;
  size_t n = min + Below(max - min + 1);
  for (size_t i = 0; i < n; ++i) out.push_back(Key());
  return out;
}

std::vector<std::string> RandomGenerator::Strings() {
  switch (Below(26)) {
    case 0:
    case 1:
    case 2: {
      Argv a = {"SET", Key(), Value()};
      if (Chance(30)) a.push_back(Pick(std::vector<std::string>{"NX", "XX"}));
      if (Chance(20)) a.push_back("GET");
      switch (Below(7)) {
        case 0: a.insert(a.end(), {"EX", Ttl(false)}); break;
        case 1: a.insert(a.end(), {"PX", Ttl(true)}); break;
        case 2: a.insert(a.end(), {"EXAT", AbsTime(false, false)}); break;
        case 3: a.insert(a.end(), {"PXAT", AbsTime(true, false)}); break;
        case 4: a.push_back("KEEPTTL"); break;
        default: break;
      }
      if (Chance(3)) a.push_back(Pick(std::vector<std::string>{"EX", "KEEPTTL", "NX", "BOGUS"}));
      return a;
    }
    case 3:
    case 4: return {"GET", Key()};
    case 5: return {"SETNX", Key(), Value()};
    case 6: return {"SETEX", Key(), Ttl(false), Value()};
    case 7: return {"PSETEX", Key(), Ttl(true), Value()};
    case 8: {
      Argv a = {"GETEX", Key()};
      switch (Below(7)) {
        case 0: a.insert(a.end(), {"EX", Ttl(false)}); break;
        case 1: a.insert(a.end(), {"PX", Ttl(true)}); break;
        case 2: a.insert(a.end(), {"EXAT", AbsTime(false, true)}); break;
        case 3: a.insert(a.end(), {"PXAT", AbsTime(true, true)}); break;
        case 4: a.push_back("PERSIST"); break;
        case 5: a.insert(a.end(), {"EX", Ttl(false), "PERSIST"}); break;
        default: break;
      }
      return a;
    }
    case 9: return {"GETDEL", Key()};
    case 10: return {"GETSET", Key(), Value()};
    case 11: {
      Argv a = {"MGET"};
      for (auto& k : Keys(1, 5)) a.push_back(k);
      return a;
    }
    case 12:
    case 13: {
      Argv a = {Chance(70) ? "MSET" : "MSETNX"};
      for (auto& k : Keys(1, 4)) a.insert(a.end(), {k, Value()});
      if (Chance(4)) a.pop_back();  // odd argument count
      return a;
    }
    case 14: return {"APPEND", Key(), Pick(std::vector<std::string>{"x", "abc", "", "12", "\t"})};
    case 15: return {"STRLEN", Key()};
    case 16: return {Chance(80) ? "GETRANGE" : "SUBSTR", Key(), IntArg(), IntArg()};
    case 17: {
      static const std::vector<std::string> offsets = {"0", "1", "3", "10", "63", "-1", "536870912", "abc"};
      return {"SETRANGE", Key(), Pick(offsets), Pick(std::vector<std::string>{"xy", "", "hello", "1"})};
    }
    case 18:
    case 19: return {Pick(std::vector<std::string>{"INCR", "DECR"}), Key()};
    case 20:
    case 21: return {Pick(std::vector<std::string>{"INCRBY", "DECRBY"}), Key(), IntArg()};
    case 22:
    case 23: return {"INCRBYFLOAT", Key(), FloatArg()};
    default: {
      Argv a = {"LCS", Key(), Key()};
      if (Chance(30)) a.push_back("LEN");
      if (Chance(30)) a.push_back("IDX");
      if (Chance(20)) a.insert(a.end(), {"MINMATCHLEN", IntArg()});
      if (Chance(20)) a.push_back("WITHMATCHLEN");
      return a;
    }
  }
}

std::vector<std::string> RandomGenerator::KeysFamily() {
  static const std::vector<std::string> conds = {"NX", "XX", "GT", "LT"};
  switch (Below(20)) {
    case 0:
    case 1: {
      Argv a = {Chance(70) ? "DEL" : "UNLINK"};
      for (auto& k : Keys(1, 4)) a.push_back(k);
      return a;
    }
    case 2: {
      Argv a = {Chance(70) ? "EXISTS" : "TOUCH"};
      for (auto& k : Keys(1, 4)) a.push_back(k);
      return a;
    }
    case 3: return {"TYPE", Key()};
    case 4:
    case 5: {
      Argv a;
      switch (Below(4)) {
        case 0: a = {"EXPIRE", Key(), Ttl(false)}; break;
        case 1: a = {"PEXPIRE", Key(), Ttl(true)}; break;
        case 2: a = {"EXPIREAT", Key(), AbsTime(false, true)}; break;
        default: a = {"PEXPIREAT", Key(), AbsTime(true, true)}; break;
      }
      if (Chance(50)) a.push_back(Pick(conds));
      if (Chance(5)) a.push_back(Pick(conds));  // NX GT and friends are syntax errors
      return a;
    }
    case 6:
    case 7: return {Pick(std::vector<std::string>{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}), Key()};
    case 8: return {"PERSIST", Key()};
    case 9: return {"RENAME", Key(), Key()};
    case 10: return {"RENAMENX", Key(), Key()};
    case 11: {
      Argv a = {"COPY", Key(), Key()};
      if (Chance(25)) a.insert(a.end(), {"DB", Pick(std::vector<std::string>{"0", "1", "2", "16", "x"})});
      if (Chance(40)) a.push_back("REPLACE");
      return a;
    }
    case 12: return {"DBSIZE"};
    case 13: {
      static const std::vector<std::string> patterns = {"*", "{t}*", "user:*", "?", "k[12]", "*a*", "nomatch"};
      return {"KEYS", Pick(patterns)};
    }
    case 14: return {"MOVE", Key(), Pick(std::vector<std::string>{"1", "2", "0", "16"})};
    case 15: {
      Argv a = {"SCAN", "0"};
      if (Chance(40)) a.insert(a.end(), {"MATCH", Pick(std::vector<std::string>{"*", "{t}*", "user:*", "?"})});
      if (Chance(40)) a.insert(a.end(), {"COUNT", Pick(std::vector<std::string>{"1", "5", "100"})});
      if (Chance(20)) a.insert(a.end(), {"TYPE", Pick(std::vector<std::string>{"string", "list", "hash", "set"})});
      return a;
    }
    default: return {Pick(std::vector<std::string>{"EXISTS", "TYPE", "TTL"}), Key()};
  }
}

std::vector<std::string> RandomGenerator::Server() {
  switch (Below(10)) {
    case 0: return Chance(50) ? Argv{"PING"} : Argv{"PING", Value()};
    case 1: return {"ECHO", Value()};
    case 2: return {"DBSIZE"};
    case 3:
    case 4: return {"SELECT", Chance(15) ? Pick(std::vector<std::string>{"16", "-1", "x"})
                                          : Pick(std::vector<std::string>{"0", "0", "0", "1", "2"})};
    case 5: return {"SWAPDB", Pick(std::vector<std::string>{"0", "1", "2"}), Pick(std::vector<std::string>{"0", "1", "x"})};
    case 6: return {"NOSUCHCMD", Value(), Key()};
    case 7:
      // Rarely wipe a database so the key space does not only grow.
      if (Chance(10)) return {"FLUSHDB", Pick(std::vector<std::string>{"SYNC", "ASYNC"})};
      return {"DBSIZE"};
    default: return {"ECHO", Key()};
  }
}

// Turns a valid command into an invalid one: wrong arity, a syntax error or a non-integer.
std::vector<std::string> RandomGenerator::Invalid(std::vector<std::string> cmd) {
  switch (Below(3)) {
    case 0: cmd.resize(1); break;
    case 1: cmd.push_back(Pick(std::vector<std::string>{"BOGUS", "EX", "1"})); break;
    default:
      if (cmd.size() > 1) cmd[1 + Below(cmd.size() - 1)] = Pick(std::vector<std::string>{"notanumber", "99999999999999999999"});
      break;
  }
  return cmd;
}

std::vector<std::string> RandomGenerator::Next() {
  // Weighted: strings and keys carry most of the traffic, server commands season it.
  size_t total = 0;
  for (const auto& f : families_) total += FamilyWeight(f);
  size_t roll = Below(total);
  std::string fam = families_.back();
  for (const auto& f : families_) {
    if (roll < FamilyWeight(f)) {
      fam = f;
      break;
    }
    roll -= FamilyWeight(f);
  }
  std::vector<std::string> cmd;
  if (fam == "strings") cmd = Strings();
  else if (fam == "keys") cmd = KeysFamily();
  else if (fam == "server") cmd = Server();
  else if (fam == "lists") cmd = Lists();
  else if (fam == "hashes") cmd = Hashes();
  else if (fam == "sets") cmd = Sets();
  else cmd = Zsets();
  if (Chance(5)) cmd = Invalid(std::move(cmd));
  return cmd;
}

std::vector<std::vector<std::string>> RandomGenerator::Generate(size_t n) {
  std::vector<std::vector<std::string>> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(Next());
  return out;
}

}  // namespace keyshard::compat
