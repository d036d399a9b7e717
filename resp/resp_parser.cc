#include "resp/resp_parser.h"

#include <cstring>

#include "common/strconv.h"

namespace ks {
namespace {

ParseResult Error(std::string text) {
  ParseResult r{ParseStatus::kError, 0, 0, {}};
  r.error = std::move(text);
  return r;
}

ParseResult Incomplete(size_t needed = 0) {
  ParseResult r{ParseStatus::kIncomplete, 0, 0, {}};
  r.needed = needed;
  return r;
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0' || c == '\v' || c == '\f'; }

}  // namespace

ParseResult RequestParser::Parse(std::string_view data, ArgVector& args) {
  args.clear();
  if (data.empty()) return Incomplete();
  ParseResult r = data[0] == '*' ? ParseMultibulk(data, args) : ParseInline(data, args);
  // Only a complete command yields arguments; a partial multibulk leaves none behind.
  if (r.status != ParseStatus::kOk) args.clear();
  return r;
}

ParseResult RequestParser::ParseMultibulk(std::string_view data, ArgVector& args) {
  size_t pos = 1;
  size_t nl = data.find('\r', pos);
  if (nl == std::string_view::npos || nl + 1 >= data.size()) {
    if (data.size() > limits_.max_inline_len) return Error("ERR Protocol error: too big mbulk count string");
    return Incomplete();
  }
  int64_t count;
  if (!StrToLL(data.substr(pos, nl - pos), &count) || count > limits_.max_multibulk_len)
    return Error("ERR Protocol error: invalid multibulk length");
  if (limits_.unauthenticated && count > 10)
    return Error("ERR Protocol error: unauthenticated multibulk length");
  pos = nl + 2;
  if (count <= 0) {
    ParseResult r{ParseStatus::kOk, 0, 0, {}};
    r.consumed = pos;
    return r;
  }
  for (int64_t i = 0; i < count; ++i) {
    if (pos >= data.size()) return Incomplete();
    size_t lnl = data.find('\r', pos);
    if (lnl == std::string_view::npos || lnl + 1 >= data.size()) {
      if (data.size() - pos > limits_.max_inline_len) return Error("ERR Protocol error: too big bulk count string");
      return Incomplete();
    }
    if (data[pos] != '$') {
      std::string msg = "ERR Protocol error: expected '$', got '";
      msg += data[pos];
      msg += "'";
      return Error(std::move(msg));
    }
    int64_t len;
    if (!StrToLL(data.substr(pos + 1, lnl - pos - 1), &len) || len < 0 || len > limits_.max_bulk_len)
      return Error("ERR Protocol error: invalid bulk length");
    if (limits_.unauthenticated && len > 16384) return Error("ERR Protocol error: unauthenticated bulk length");
    size_t start = lnl + 2;
    size_t end = start + static_cast<size_t>(len);
    if (end + 2 > data.size()) {
      // The header is known: the whole command needs at least this much.
      return Incomplete(end + 2);
    }
    args.push_back(data.substr(start, static_cast<size_t>(len)));
    pos = end + 2;
  }
  ParseResult r{ParseStatus::kOk, 0, 0, {}};
  r.consumed = pos;
  return r;
}

ParseResult RequestParser::ParseInline(std::string_view data, ArgVector& args) {
  size_t nl = data.find('\n');
  if (nl == std::string_view::npos) {
    if (data.size() > limits_.max_inline_len) return Error("ERR Protocol error: too big inline request");
    return Incomplete();
  }
  std::string_view line = data.substr(0, nl);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Redis splits the line as a C string: a NUL byte ends it.
  if (size_t nul = line.find('\0'); nul != std::string_view::npos) line = line.substr(0, nul);
  scratch_.clear();
  scratch_.reserve(line.size() + 1);
  if (!SplitInlineArgs(line, scratch_, args)) return Error("ERR Protocol error: unbalanced quotes in request");
  ParseResult r{ParseStatus::kOk, 0, 0, {}};
  r.consumed = nl + 1;
  return r;
}

bool SplitInlineArgs(std::string_view line, std::string& storage, ArgVector& args) {
  size_t i = 0, n = line.size();
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i >= n) return true;
    size_t begin = storage.size();
    bool inq = false, insq = false, done = false;
    while (!done) {
      if (inq) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && IsHexDigit(line[i + 2]) && IsHexDigit(line[i + 3])) {
          storage.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          char e = line[++i];
          switch (e) {
            case 'n': storage.push_back('\n'); break;
            case 'r': storage.push_back('\r'); break;
            case 't': storage.push_back('\t'); break;
            case 'b': storage.push_back('\b'); break;
            case 'a': storage.push_back('\a'); break;
            default: storage.push_back(e); break;
          }
        } else if (c == '"') {
          // A closing quote must be followed by a space or the end.
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          storage.push_back(c);
        }
      } else if (insq) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          ++i;
          storage.push_back('\'');
        } else if (c == '\'') {
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          storage.push_back(c);
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        char c = line[i];
        // Outside quotes only these end a word (sdssplitargs): \v and \f are part of it.
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
          done = true;
        } else if (c == '"') {
          inq = true;
        } else if (c == '\'') {
          insq = true;
        } else {
          storage.push_back(c);
        }
      }
      if (i < n) ++i;
    }
    args.push_back(std::string_view(storage).substr(begin));
  }
}

}  // namespace ks
