#include "tools/compat/compare.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

namespace keyshard::compat {

namespace {

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

const std::map<std::string, Policy>& CommandPolicies() {
  static const std::map<std::string, Policy> table = {
      {"SMEMBERS", Policy::kUnordered},     {"SUNION", Policy::kUnordered},
      {"SINTER", Policy::kUnordered},       {"SDIFF", Policy::kUnordered},
      {"HKEYS", Policy::kUnordered},        {"HVALS", Policy::kUnordered},
      {"KEYS", Policy::kUnordered},         {"HGETALL", Policy::kUnorderedPairs},
      {"SRANDMEMBER", Policy::kRandomCount}, {"HRANDFIELD", Policy::kRandomCount},
      {"ZRANDMEMBER", Policy::kRandomCount}, {"SPOP", Policy::kRandomCount},
      {"SCAN", Policy::kScan},              {"SSCAN", Policy::kScan},
      {"HSCAN", Policy::kScan},             {"ZSCAN", Policy::kScan},
      {"TTL", Policy::kTtlSeconds},         {"EXPIRETIME", Policy::kTtlSeconds},
      {"PTTL", Policy::kTtlMillis},         {"PEXPIRETIME", Policy::kTtlMillis},
      {"INFO", Policy::kTypeOnly},          {"TIME", Policy::kTypeOnly},
      {"LASTSAVE", Policy::kTypeOnly},      {"RANDOMKEY", Policy::kTypeOnly},
      {"MEMORY", Policy::kTypeOnly},        {"DEBUG", Policy::kTypeOnly},
      {"HELLO", Policy::kHello},
  };
  return table;
}

// Container commands whose policy depends on the subcommand.
const std::map<std::string, Policy>& SubcommandPolicies() {
  static const std::map<std::string, Policy> table = {
      {"CONFIG GET", Policy::kUnorderedPairs}, {"CLIENT ID", Policy::kTypeOnly},
      {"CLIENT LIST", Policy::kTypeOnly},      {"CLIENT INFO", Policy::kTypeOnly},
      {"OBJECT IDLETIME", Policy::kTtlSeconds}, {"COMMAND", Policy::kTypeOnly},
      {"COMMAND COUNT", Policy::kTypeOnly},    {"COMMAND DOCS", Policy::kTypeOnly},
      {"COMMAND LIST", Policy::kTypeOnly},
  };
  return table;
}

bool Equal(const Reply& a, const Reply& b) { return a == b; }

// Multiset equality of `stride`-sized groups.
bool SameGroups(const std::vector<Reply>& a, const std::vector<Reply>& b, size_t stride, bool dedupe) {
  auto groups = [&](const std::vector<Reply>& v) {
    std::vector<std::string> out;
    for (size_t i = 0; i + stride <= v.size(); i += stride) {
      std::string key;
      for (size_t k = 0; k < stride; ++k) key += Render(v[i + k]) + "\x1f";
      out.push_back(std::move(key));
    }
    std::sort(out.begin(), out.end());
    if (dedupe) out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  if (!dedupe && a.size() != b.size()) return false;
  return groups(a) == groups(b);
}

bool IsCollection(const Reply& r) {
  return r.type == ReplyType::kArray || r.type == ReplyType::kSet || r.type == ReplyType::kMap;
}

std::optional<std::string> CompareTolerance(const Reply& t, const Reply& r, long long tol) {
  if (t.type == ReplyType::kInteger && r.type == ReplyType::kInteger && t.integer >= 0 && r.integer >= 0) {
    if (std::llabs(t.integer - r.integer) <= tol) return std::nullopt;
    return "differs by more than " + std::to_string(tol);
  }
  if (Equal(t, r)) return std::nullopt;
  return "differs";
}

std::optional<std::string> CompareRandom(const std::vector<std::string>& argv, const Reply& t, const Reply& r) {
  if (t.IsError() || r.IsError() || !IsCollection(t) || !IsCollection(r)) {
    if (t.type != r.type) return std::string("type ") + TypeName(t.type) + " vs " + TypeName(r.type);
    if (t.IsError() && t.str != r.str) return "error text differs";
    return std::nullopt;  // single random element: only the type must agree
  }
  if (t.type != r.type) return std::string("type ") + TypeName(t.type) + " vs " + TypeName(r.type);
  if (t.elems.size() != r.elems.size()) return "lengths differ";
  // A positive count larger than the collection returns the whole collection: compare it.
  if (argv.size() >= 3) {
    long long count = std::strtoll(argv[2].c_str(), nullptr, 10);
    const bool pairs = argv.size() >= 4 && (Upper(argv[3]) == "WITHVALUES" || Upper(argv[3]) == "WITHSCORES");
    const size_t n = t.elems.size() / (pairs ? 2 : 1);
    if (count > 0 && static_cast<long long>(n) < count &&
        !SameGroups(t.elems, r.elems, pairs ? 2 : 1, false))
      return "whole-collection replies differ";
  }
  return std::nullopt;
}

std::optional<std::string> CompareScan(const std::vector<std::string>& argv, const Reply& t, const Reply& r) {
  if (t.IsError() || r.IsError()) return Equal(t, r) ? std::nullopt : std::optional<std::string>("differs");
  auto shape_ok = [](const Reply& x) {
    return x.type == ReplyType::kArray && x.elems.size() == 2 && x.elems[0].type == ReplyType::kBulk &&
           IsCollection(x.elems[1]);
  };
  if (!shape_ok(t) || !shape_ok(r)) return "not a [cursor, elements] reply";
  size_t ci = ScanCursorIndex(argv);
  if (ci >= argv.size() || argv[ci] != "0") return std::nullopt;  // cursors are server-specific
  // From cursor 0 the executor has iterated to the end: compare everything seen, as a set.
  if (t.elems[0].str != "0" || r.elems[0].str != "0") return "iteration did not finish";
  if (!SameGroups(t.elems[1].elems, r.elems[1].elems, ScanReturnsPairs(argv) ? 2 : 1, true))
    return "full iterations returned different elements";
  return std::nullopt;
}

std::optional<std::string> CompareHello(const Reply& t, const Reply& r) {
  if (t.IsError() || r.IsError() || !IsCollection(t) || !IsCollection(r))
    return Equal(t, r) ? std::nullopt : std::optional<std::string>("differs");
  if (t.type != r.type) return std::string("type ") + TypeName(t.type) + " vs " + TypeName(r.type);
  auto fields = [](const Reply& x) {
    std::map<std::string, Reply> out;
    for (size_t i = 0; i + 1 < x.elems.size(); i += 2) out[x.elems[i].str] = x.elems[i + 1];
    return out;
  };
  auto tf = fields(t), rf = fields(r);
  for (const auto& [k, v] : rf) {
    auto it = tf.find(k);
    if (it == tf.end()) return "field '" + k + "' missing";
    if ((k == "proto" || k == "mode" || k == "role") && !(it->second == v)) return "field '" + k + "' differs";
  }
  if (tf.size() != rf.size()) return "different field sets";
  return std::nullopt;
}

}  // namespace

Policy PolicyFor(const std::vector<std::string>& argv) {
  if (argv.empty()) return Policy::kExact;
  std::string name = Upper(argv[0]);
  if (argv.size() >= 2) {
    auto it = SubcommandPolicies().find(name + " " + Upper(argv[1]));
    if (it != SubcommandPolicies().end()) return it->second;
  }
  if (name == "COMMAND" && argv.size() == 1) return Policy::kTypeOnly;
  auto it = CommandPolicies().find(name);
  return it == CommandPolicies().end() ? Policy::kExact : it->second;
}

size_t ScanCursorIndex(const std::vector<std::string>& argv) {
  return !argv.empty() && Upper(argv[0]) == "SCAN" ? 1 : 2;
}

bool ScanReturnsPairs(const std::vector<std::string>& argv) {
  if (argv.empty()) return false;
  std::string name = Upper(argv[0]);
  return name == "HSCAN" || name == "ZSCAN";
}

std::optional<std::string> CompareReplies(const std::vector<std::string>& argv, const Reply& t,
                                          const Reply& r) {
  // Errors always compare by their full text.
  if (t.IsError() || r.IsError()) {
    if (Equal(t, r)) return std::nullopt;
    return t.type != r.type ? std::string("type ") + TypeName(t.type) + " vs " + TypeName(r.type)
                            : std::string("error text differs");
  }
  switch (PolicyFor(argv)) {
    case Policy::kExact:
      break;
    case Policy::kUnordered:
    case Policy::kUnorderedPairs: {
      if (!IsCollection(t) || !IsCollection(r)) break;
      if (t.type != r.type) return std::string("type ") + TypeName(t.type) + " vs " + TypeName(r.type);
      size_t stride = PolicyFor(argv) == Policy::kUnorderedPairs ? 2 : 1;
      if (!SameGroups(t.elems, r.elems, stride, false)) return "different elements (order ignored)";
      return std::nullopt;
    }
    case Policy::kRandomCount:
      return CompareRandom(argv, t, r);
    case Policy::kScan:
      return CompareScan(argv, t, r);
    case Policy::kTtlSeconds:
      return CompareTolerance(t, r, 1);
    case Policy::kTtlMillis:
      return CompareTolerance(t, r, 100);
    case Policy::kTypeOnly:
      if (t.type != r.type) return std::string("type ") + TypeName(t.type) + " vs " + TypeName(r.type);
      return std::nullopt;
    case Policy::kHello:
      return CompareHello(t, r);
  }
  if (Equal(t, r)) return std::nullopt;
  if (t.type != r.type) return std::string("type ") + TypeName(t.type) + " vs " + TypeName(r.type);
  return "differs";
}

namespace {

std::string RenderList(const std::vector<Reply>& elems, const char* open, const char* close) {
  std::string out = open;
  for (size_t i = 0; i < elems.size(); ++i) {
    if (i) out += ", ";
    out += Render(elems[i]);
  }
  return out + close;
}

std::string RenderPairs(const std::vector<Reply>& elems) {
  std::string out = "{";
  for (size_t i = 0; i + 1 < elems.size(); i += 2) {
    if (i) out += ", ";
    out += Render(elems[i]) + ": " + Render(elems[i + 1]);
  }
  return out + "}";
}

}  // namespace

std::string ExpectationFor(const std::vector<std::string>& argv, const Reply& r) {
  if (r.IsError()) return Render(r);
  const bool coll = IsCollection(r);
  switch (PolicyFor(argv)) {
    case Policy::kExact:
      return Render(r);
    case Policy::kUnordered:
      return coll ? RenderList(r.elems, "~[", "]") : Render(r);
    case Policy::kUnorderedPairs:
      return coll ? RenderPairs(r.elems) : Render(r);
    case Policy::kTtlSeconds:
    case Policy::kTtlMillis: {
      if (r.type != ReplyType::kInteger || r.integer < 0) return Render(r);
      long long tol = PolicyFor(argv) == Policy::kTtlSeconds ? 1 : 100;
      return "int(" + std::to_string(std::max(0LL, r.integer - tol)) + ".." + std::to_string(r.integer + tol) + ")";
    }
    case Policy::kScan: {
      size_t ci = ScanCursorIndex(argv);
      if (ci < argv.size() && argv[ci] == "0" && r.type == ReplyType::kArray && r.elems.size() == 2 &&
          !ScanReturnsPairs(argv))
        return "[" + Render(r.elems[0]) + ", " + RenderList(r.elems[1].elems, "~[", "]") + "]";
      return "any";
    }
    case Policy::kRandomCount:
    case Policy::kTypeOnly:
    case Policy::kHello:
      return "any";
  }
  return Render(r);
}

}  // namespace keyshard::compat
