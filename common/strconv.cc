#include "common/strconv.h"

#include <cctype>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ks {

bool StrToLL(std::string_view s, int64_t* out) {
  size_t n = s.size();
  if (n == 0 || n > 20) return false;
  const char* p = s.data();
  if (n == 1 && p[0] == '0') {
    *out = 0;
    return true;
  }
  bool neg = false;
  size_t i = 0;
  if (p[0] == '-') {
    neg = true;
    if (++i == n) return false;
  }
  if (p[i] < '1' || p[i] > '9') return false;
  uint64_t v = 0;
  for (; i < n; ++i) {
    if (p[i] < '0' || p[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(p[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

namespace {
// strto* need a NUL-terminated copy; numbers are short, so a stack buffer covers them.
template <typename T, typename F>
bool ParseFloat(std::string_view s, T* out, size_t max_len, F&& conv) {
  if (s.empty() || s.size() >= max_len) return false;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  char buf[5200];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  char* end;
  errno = 0;
  T v = conv(buf, &end);
  if (end != buf + s.size() || std::isnan(v)) return false;
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0)) return false;
  *out = v;
  return true;
}
}  // namespace

bool StrToLD(std::string_view s, long double* out) {
  // MAX_LONG_DOUBLE_CHARS in Redis is 5*1024.
  return ParseFloat(s, out, 5 * 1024, [](const char* b, char** e) { return std::strtold(b, e); });
}

bool StrToD(std::string_view s, double* out) {
  if (s.size() > 5000) return false;
  // Redis accepts "inf"/"+inf"/"-inf" (any case) which strtod also does; it rejects NaN.
  return ParseFloat(s, out, 5 * 1024, [](const char* b, char** e) { return std::strtod(b, e); });
}

bool StrToScanCursor(std::string_view s, uint64_t* out) {
  *out = 0;
  if (s.empty()) return true;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  size_t i = 0;
  bool neg = s[0] == '-';
  if (s[0] == '+' || s[0] == '-') ++i;
  if (i == s.size()) return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = neg ? 0 - v : v;
  return true;
}

std::string_view LLToStr(int64_t v, char* buf) {
  auto r = std::to_chars(buf, buf + 21, v);
  return {buf, static_cast<size_t>(r.ptr - buf)};
}

std::string LDToStr(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[5 * 1024 + 64];
  int len = std::snprintf(buf, sizeof buf, "%.17Lf", v);
  if (len < 0) return "0";
  if (std::strchr(buf, '.')) {
    char* p = buf + len - 1;
    while (*p == '0') {
      --p;
      --len;
    }
    if (*p == '.') --len;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, static_cast<size_t>(len));
}

std::string DToStr(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  // Integral values that fit print without exponent, as Redis's fpconv/%.17g does for them.
  int len = std::snprintf(buf, sizeof buf, "%.17g", v);
  return std::string(buf, static_cast<size_t>(len));
}

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  const char* p = pattern.data();
  const char* pend = p + pattern.size();
  const char* s = str.data();
  const char* send = s + str.size();
  auto lower = [&](char c) { return nocase ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c; };
  // Backtracking point for the most recent '*'.
  const char* star_p = nullptr;
  const char* star_s = nullptr;
  while (s < send || p < pend) {
    if (p < pend) {
      char c = *p;
      if (c == '*') {
        while (p + 1 < pend && p[1] == '*') ++p;
        star_p = p++;
        star_s = s;
        continue;
      }
      if (s < send) {
        bool matched = false;
        const char* next_p = p + 1;
        if (c == '?') {
          matched = true;
        } else if (c == '[') {
          const char* q = p + 1;
          bool negate = false;
          if (q < pend && *q == '^') {
            negate = true;
            ++q;
          }
          bool hit = false;
          while (q < pend && *q != ']') {
            if (*q == '\\' && q + 1 < pend) {
              ++q;
              if (lower(*q) == lower(*s)) hit = true;
            } else if (q + 2 < pend && q[1] == '-') {
              char lo = lower(q[0]), hi = lower(q[2]), ch = lower(*s);
              if (lo > hi) std::swap(lo, hi);
              if (ch >= lo && ch <= hi) hit = true;
              q += 2;
            } else if (lower(*q) == lower(*s)) {
              hit = true;
            }
            ++q;
          }
          // Redis treats a missing ']' as the end of the pattern.
          next_p = q < pend ? q + 1 : q;
          matched = negate ? !hit : hit;
        } else if (c == '\\' && p + 1 < pend) {
          matched = lower(p[1]) == lower(*s);
          next_p = p + 2;
        } else {
          matched = lower(c) == lower(*s);
        }
        if (matched) {
          p = next_p;
          ++s;
          continue;
        }
      }
    }
    if (star_p && star_s < send) {
      p = star_p + 1;
      s = ++star_s;
      continue;
    }
    return false;
  }
  return true;
}

namespace {
// ASCII only, as strcasecmp in the C locale (keyshard never changes locale): an inline compare
// instead of a libc call per byte, since command names and options go through here.
inline unsigned char AsciiLower(unsigned char c) { return static_cast<unsigned>(c - 'A') < 26u ? c | 0x20 : c; }
}  // namespace

void AppendRepr(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char ch : s) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default:
        if (std::isprint(ch)) {
          out += static_cast<char>(ch);
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", ch);
          out += buf;
        }
    }
  }
  out += '"';
}

bool HasWord(std::string_view list, std::string_view word) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(' ', pos);
    if (end == std::string_view::npos) end = list.size();
    if (list.substr(pos, end - pos) == word) return true;
    pos = end + 1;
  }
  return false;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (AsciiLower(static_cast<unsigned char>(a[i])) != AsciiLower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string ToLower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(AsciiLower(static_cast<unsigned char>(c)));
  return r;
}

}  // namespace ks
