// Random command sequences for differential runs: a small key space (plain keys and {t}/{u}
// hash-tagged ones, so commands collide and multi-key commands span engines), every argument
// option, and a share of invalid commands (arity, syntax, non-integer, overflow).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace keyshard::compat {

// Families: strings, keys, server (default) and lists, hashes, sets, zsets (collections; they
// make WRONGTYPE paths and encoding conversions run). "all" selects every family.
std::vector<std::string> AllFamilies();
std::vector<std::string> DefaultFamilies();
// Parses "strings,keys" or "all"; returns false and sets *error on unknown names.
bool ParseFamilies(const std::string& text, std::vector<std::string>* out, std::string* error);

class RandomGenerator {
 public:
  RandomGenerator(uint64_t seed, std::vector<std::string> families);

  std::vector<std::string> Next();
  std::vector<std::vector<std::string>> Generate(size_t n);

 private:
  uint64_t Rand();
  size_t Below(size_t n) { return static_cast<size_t>(Rand() % n); }
  bool Chance(int percent) { return Below(100) < static_cast<size_t>(percent); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

  std::string Key();
  std::string Value();
  std::string IntArg();
  std::string FloatArg();
  std::string Ttl(bool millis);
  std::string AbsTime(bool millis, bool past_ok);
  std::vector<std::string> Keys(size_t min, size_t max);

  // Collections (random_collections.cc): keys mostly from a per-type pool so most commands
  // meet a value of their type, sometimes from the shared pool for WRONGTYPE.
  std::string CollKey(const std::vector<std::string>& pool);
  std::vector<std::string> CollKeys(const std::vector<std::string>& pool, size_t min, size_t max);
  std::string Count(bool allow_negative);
  std::string ListValue();
  std::string Field();
  std::string Member();
  std::string ZMember();
  std::string Score();
  std::string ScoreBound();
  std::string LexBound();

  std::vector<std::string> Strings();
  std::vector<std::string> KeysFamily();
  std::vector<std::string> Server();
  std::vector<std::string> Lists();
  std::vector<std::string> Hashes();
  std::vector<std::string> Sets();
  std::vector<std::string> Zsets();
  std::vector<std::string> ZsetStoreOrCombine();
  std::vector<std::string> Invalid(std::vector<std::string> cmd);

  uint64_t state_;
  std::vector<std::string> families_;
};

}  // namespace keyshard::compat
