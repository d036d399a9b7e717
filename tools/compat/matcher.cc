#include "tools/compat/matcher.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <algorithm>

namespace keyshard::compat {

Matcher Matcher::Exact(Reply r) {
  Matcher m;
  m.kind = Kind::kExact;
  m.exact = std::move(r);
  return m;
}

bool Matcher::IsLoose() const {
  switch (kind) {
    case Kind::kAny:
    case Kind::kInt:
    case Kind::kFloat:
    case Kind::kErrorRegex:
    case Kind::kStringRegex:
      return true;
    default:
      for (const auto& e : elems)
        if (e.IsLoose()) return true;
      return false;
  }
}

namespace {

std::optional<double> ParseNumber(const std::string& s) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

// Finds a one-to-one assignment of matchers (taken `stride` at a time) to reply elements
// (same stride) by backtracking; aggregates in case files are small.
bool AssignUnordered(const std::vector<Matcher>& ms, const std::vector<Reply>& rs, size_t stride,
                     size_t mi, std::vector<bool>& used) {
  if (mi >= ms.size()) return true;
  for (size_t ri = 0; ri < rs.size(); ri += stride) {
    if (used[ri]) continue;
    bool ok = true;
    for (size_t k = 0; k < stride && ok; ++k) ok = Matches(ms[mi + k], rs[ri + k]);
    if (!ok) continue;
    used[ri] = true;
    if (AssignUnordered(ms, rs, stride, mi + stride, used)) return true;
    used[ri] = false;
  }
  return false;
}

bool MatchUnordered(const std::vector<Matcher>& ms, const std::vector<Reply>& rs, size_t stride) {
  if (ms.size() != rs.size()) return false;
  std::vector<bool> used(rs.size(), false);
  return AssignUnordered(ms, rs, stride, 0, used);
}

bool MatchInOrder(const std::vector<Matcher>& ms, const std::vector<Reply>& rs) {
  if (ms.size() != rs.size()) return false;
  for (size_t i = 0; i < ms.size(); ++i)
    if (!Matches(ms[i], rs[i])) return false;
  return true;
}

}  // namespace

bool Matches(const Matcher& m, const Reply& r) {
  using K = Matcher::Kind;
  switch (m.kind) {
    case K::kExact:
      return m.exact == r;
    case K::kAny:
      return true;
    case K::kInt:
      return r.type == ReplyType::kInteger && (!m.has_range || (r.integer >= m.lo && r.integer <= m.hi));
    case K::kFloat: {
      if (r.type != ReplyType::kBulk && r.type != ReplyType::kStatus && r.type != ReplyType::kDouble)
        return false;
      auto v = ParseNumber(r.str);
      if (!v) return false;
      if (std::isinf(m.value) || std::isinf(*v)) return m.value == *v;
      return std::fabs(*v - m.value) <= m.tol;
    }
    case K::kErrorRegex:
      return r.type == ReplyType::kError && std::regex_search(r.str, *m.re);
    case K::kStringRegex:
      return (r.type == ReplyType::kBulk || r.type == ReplyType::kStatus ||
              r.type == ReplyType::kVerbatim) &&
             std::regex_search(r.str, *m.re);
    case K::kArray:
      return r.type == ReplyType::kArray && MatchInOrder(m.elems, r.elems);
    case K::kPush:
      return r.type == ReplyType::kPush && MatchInOrder(m.elems, r.elems);
    case K::kUnordered:
      return (r.type == ReplyType::kArray || r.type == ReplyType::kSet) &&
             MatchUnordered(m.elems, r.elems, 1);
    case K::kMap:
      return (r.type == ReplyType::kMap || r.type == ReplyType::kArray) && r.elems.size() % 2 == 0 &&
             MatchUnordered(m.elems, r.elems, 2);
  }
  return false;
}

namespace {

std::string FormatDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string QuoteRegex(const std::string& p) {
  std::string out = "/";
  for (char c : p) {
    if (c == '/') out += '\\';
    out += c;
  }
  return out + "/";
}

}  // namespace

std::string Describe(const Matcher& m) {
  using K = Matcher::Kind;
  auto list = [&](const char* open, const char* close) {
    std::string out = open;
    for (size_t i = 0; i < m.elems.size(); ++i) {
      if (i) out += ", ";
      out += Describe(m.elems[i]);
    }
    return out + close;
  };
  switch (m.kind) {
    case K::kExact: return Render(m.exact);
    case K::kAny: return "any";
    case K::kInt:
      return m.has_range ? "int(" + std::to_string(m.lo) + ".." + std::to_string(m.hi) + ")" : "int";
    case K::kFloat: return "float(" + FormatDouble(m.value) + ", " + FormatDouble(m.tol) + ")";
    case K::kErrorRegex: {
      std::string out = "!";  // appended, not "!" + ...: GCC 12 warns falsely (-Wrestrict)
      return out += QuoteRegex(m.pattern);
    }
    case K::kStringRegex: return QuoteRegex(m.pattern);
    case K::kArray: return list("[", "]");
    case K::kPush: return list(">[", "]");
    case K::kUnordered: return list("~[", "]");
    case K::kMap: {
      std::string out = "{";
      for (size_t i = 0; i + 1 < m.elems.size(); i += 2) {
        if (i) out += ", ";
        out += Describe(m.elems[i]) + ": " + Describe(m.elems[i + 1]);
      }
      return out + "}";
    }
  }
  return "?";
}

// ---- parser ----

namespace {

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}

  MatcherParse Run() {
    MatcherParse out;
    auto m = Value();
    if (m) {
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] != '#') Fail("unexpected text after the reply: '" + s_.substr(pos_) + "'");
    }
    if (!error_.empty()) {
      out.error = error_;
      out.incomplete = incomplete_;
      return out;
    }
    out.matcher = std::move(m);
    return out;
  }

 private:
  void Fail(std::string msg, bool at_end = false) {
    if (error_.empty()) {
      error_ = std::move(msg);
      incomplete_ = at_end;
    }
  }
  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= s_.size();
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool StartsWith(const char* w) { return s_.compare(pos_, std::strlen(w), w) == 0; }

  std::string Word() {
    size_t b = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == ']' || c == '}' ||
          c == ':' || c == '(' || c == ')')
        break;
      ++pos_;
    }
    return s_.substr(b, pos_ - b);
  }

  std::optional<std::string> Quoted() {
    char q = s_[pos_++];
    std::string out;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == q) {
        ++pos_;
        return out;
      }
      if (c == '\\' && pos_ + 1 < s_.size()) {
        char e = s_[pos_ + 1];
        if (q == '\'') {
          if (e == '\'') {
            out += '\'';
            pos_ += 2;
            continue;
          }
          out += c;
          ++pos_;
          continue;
        }
        if (e == 'x' && pos_ + 3 < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[pos_ + 2])) &&
            std::isxdigit(static_cast<unsigned char>(s_[pos_ + 3]))) {
          out += static_cast<char>(std::stoi(s_.substr(pos_ + 2, 2), nullptr, 16));
          pos_ += 4;
          continue;
        }
        switch (e) {
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'b': out += '\b'; break;
          case 'a': out += '\a'; break;
          default: out += e; break;
        }
        pos_ += 2;
        continue;
      }
      out += c;
      ++pos_;
    }
    Fail("unterminated string");
    return std::nullopt;
  }

  std::optional<std::string> Regex() {
    ++pos_;  // '/'
    std::string out;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '/') {
        ++pos_;
        return out;
      }
      if (c == '\\' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/') {
        out += '/';
        pos_ += 2;
        continue;
      }
      out += c;
      ++pos_;
    }
    Fail("unterminated regex");
    return std::nullopt;
  }

  std::optional<Matcher> MakeRegex(Matcher::Kind kind) {
    auto p = Regex();
    if (!p) return std::nullopt;
    Matcher m;
    m.kind = kind;
    m.pattern = *p;
    try {
      m.re = std::make_shared<const std::regex>(*p, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      Fail("bad regex /" + *p + "/: " + e.what());
      return std::nullopt;
    }
    return m;
  }

  std::optional<Matcher> List(Matcher::Kind kind, char close) {
    ++depth_;
    auto m = ListBody(kind, close);
    --depth_;
    return m;
  }

  std::optional<Matcher> ListBody(Matcher::Kind kind, char close) {
    Matcher m;
    m.kind = kind;
    if (Eat(close)) return m;
    while (true) {
      auto e = Value();
      if (!e) return std::nullopt;
      m.elems.push_back(std::move(*e));
      if (kind == Matcher::Kind::kMap) {
        if (!Eat(':')) {
          if (AtEnd()) Fail("unexpected end inside a map", true);
          else Fail("expected ':' after a map key");
          return std::nullopt;
        }
        auto v = Value();
        if (!v) return std::nullopt;
        m.elems.push_back(std::move(*v));
      }
      if (Eat(close)) return m;
      if (!Eat(',')) {
        if (AtEnd()) Fail("unexpected end inside an aggregate", true);
        else Fail(std::string("expected ',' or '") + close + "'");
        return std::nullopt;
      }
    }
  }

  std::optional<double> Number(const std::string& w) {
    auto v = ParseNumber(w);
    if (!v) Fail("not a number: '" + w + "'");
    return v;
  }

  std::optional<Matcher> Value() {
    if (AtEnd()) {
      Fail("expected a reply", depth_ > 0);  // only an open aggregate continues on the next line
      return std::nullopt;
    }
    char c = s_[pos_];
    if (c == '"' || c == '\'') {
      auto q = Quoted();
      if (!q) return std::nullopt;
      return Matcher::Exact(Reply::Bulk(*q));
    }
    if (c == '+') {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'')) {
        auto q = Quoted();
        if (!q) return std::nullopt;
        return Matcher::Exact(Reply::Status(*q));
      }
      std::string w = Word();
      if (w.empty()) Fail("'+' needs a status text");
      return Matcher::Exact(Reply::Status(w));
    }
    if (c == '!') {
      ++pos_;
      if (pos_ < s_.size() && s_[pos_] == '/') return MakeRegex(Matcher::Kind::kErrorRegex);
      if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'')) {
        auto q = Quoted();
        if (!q) return std::nullopt;
        return Matcher::Exact(Reply::Error(*q));
      }
      Fail("'!' needs a \"quoted error text\" or a /regex/");
      return std::nullopt;
    }
    if (c == '/') return MakeRegex(Matcher::Kind::kStringRegex);
    if (c == '[') {
      ++pos_;
      return List(Matcher::Kind::kArray, ']');
    }
    if (c == '~' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '[') {
      pos_ += 2;
      return List(Matcher::Kind::kUnordered, ']');
    }
    if (c == '>' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '[') {
      pos_ += 2;
      return List(Matcher::Kind::kPush, ']');
    }
    if (c == '{') {
      ++pos_;
      return List(Matcher::Kind::kMap, '}');
    }
    if (c == ',') {
      ++pos_;
      std::string w = Word();
      auto v = Number(w);
      if (!v) return std::nullopt;
      return Matcher::Exact(Reply::Double(*v, w));
    }
    if (c == '#') {
      ++pos_;
      std::string w = Word();
      if (w == "t" || w == "f") return Matcher::Exact(Reply::Bool(w == "t"));
      Fail("expected #t or #f");
      return std::nullopt;
    }
    if (c == '(') {
      ++pos_;
      Reply r;
      r.type = ReplyType::kBigNumber;
      r.str = Word();
      return Matcher::Exact(std::move(r));
    }
    if (c == '=' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == '"' || s_[pos_ + 1] == '\'')) {
      ++pos_;
      auto q = Quoted();
      if (!q) return std::nullopt;
      Reply r;
      r.type = ReplyType::kVerbatim;
      r.str = *q;
      return Matcher::Exact(std::move(r));
    }
    std::string w = Word();
    if (w.empty()) {
      Fail(std::string("unexpected character '") + c + "'");
      return std::nullopt;
    }
    if (w == "nil") return Matcher::Exact(Reply::Nil());
    if (w == "any") return Matcher{};
    if (w == "int") {
      Matcher m;
      m.kind = Matcher::Kind::kInt;
      if (Eat('(')) {
        std::string range = Word();
        auto dots = range.find("..");
        if (dots == std::string::npos || !Eat(')')) {
          Fail("int range is written int(LO..HI)");
          return std::nullopt;
        }
        char* end;
        m.lo = std::strtoll(range.substr(0, dots).c_str(), &end, 10);
        m.hi = std::strtoll(range.substr(dots + 2).c_str(), &end, 10);
        m.has_range = true;
      }
      return m;
    }
    if (w == "float") {
      Matcher m;
      m.kind = Matcher::Kind::kFloat;
      if (!Eat('(')) {
        Fail("float is written float(VALUE) or float(VALUE, TOLERANCE)");
        return std::nullopt;
      }
      SkipSpace();
      auto v = Number(Word());
      if (!v) return std::nullopt;
      m.value = *v;
      m.tol = 1e-9 * std::max(1.0, std::fabs(*v));
      if (Eat(',')) {
        SkipSpace();
        auto t = Number(Word());
        if (!t) return std::nullopt;
        m.tol = *t;
      }
      if (!Eat(')')) {
        Fail("expected ')' after float(...)", AtEnd());
        return std::nullopt;
      }
      return m;
    }
    // Integers: an optional sign and digits only.
    size_t i = (w[0] == '-') ? 1 : 0;
    bool digits = i < w.size();
    for (size_t k = i; k < w.size(); ++k)
      if (!std::isdigit(static_cast<unsigned char>(w[k]))) digits = false;
    if (digits) {
      errno = 0;
      long long v = std::strtoll(w.c_str(), nullptr, 10);
      if (errno == ERANGE) {
        Fail("integer out of range: " + w);
        return std::nullopt;
      }
      return Matcher::Exact(Reply::Integer(v));
    }
    Fail("unknown reply '" + w + "' (bulk strings are quoted, status replies start with '+')");
    return std::nullopt;
  }

  const std::string& s_;
  size_t pos_ = 0;
  std::string error_;
  bool incomplete_ = false;
  int depth_ = 0;
};

}  // namespace

MatcherParse ParseMatcher(const std::string& text) { return Parser(text).Run(); }

}  // namespace keyshard::compat
