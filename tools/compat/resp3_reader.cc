#include "tools/compat/resp3_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace keyshard::compat {

namespace {

constexpr int kMaxDepth = 64;

bool ToInt(const std::string& s, long long* v) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  *v = std::strtoll(s.c_str(), &end, 10);
  return errno == 0 && end == s.c_str() + s.size();
}

}  // namespace

Resp3Reader::Status Resp3Reader::Next(Reply* out, std::string* error) {
  size_t pos = pos_;
  Reply r;
  error_.clear();
  switch (ParseOne(&pos, &r, 0)) {
    case Parse::kIncomplete:
      return Status::kIncomplete;
    case Parse::kError:
      *error = error_;
      return Status::kProtocolError;
    case Parse::kOk:
      break;
  }
  pos_ = pos;
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > (1 << 20)) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  *out = std::move(r);
  return Status::kOk;
}

Resp3Reader::Parse Resp3Reader::ReadLine(size_t* pos, std::string* line) {
  size_t cr = buf_.find("\r\n", *pos);
  if (cr == std::string::npos) return Parse::kIncomplete;
  line->assign(buf_, *pos, cr - *pos);
  *pos = cr + 2;
  return Parse::kOk;
}

Resp3Reader::Parse Resp3Reader::ParseAggregate(size_t* pos, Reply* out, ReplyType type, long long n,
                                               int depth) {
  out->type = type;
  out->elems.clear();
  out->elems.reserve(static_cast<size_t>(std::min<long long>(n, 1024)));
  for (long long i = 0; i < n; ++i) {
    Reply e;
    Parse p = ParseOne(pos, &e, depth + 1);
    if (p != Parse::kOk) return p;
    out->elems.push_back(std::move(e));
  }
  return Parse::kOk;
}

Resp3Reader::Parse Resp3Reader::ParseOne(size_t* pos, Reply* out, int depth) {
  if (depth > kMaxDepth) {
    error_ = "reply nested too deeply";
    return Parse::kError;
  }
  if (*pos >= buf_.size()) return Parse::kIncomplete;
  const char type = buf_[*pos];
  ++*pos;
  std::string line;
  if (Parse p = ReadLine(pos, &line); p != Parse::kOk) return p;
  long long n = 0;
  switch (type) {
    case '+':
      *out = Reply::Status(line);
      return Parse::kOk;
    case '-':
      *out = Reply::Error(line);
      return Parse::kOk;
    case ':':
      if (!ToInt(line, &n)) break;
      *out = Reply::Integer(n);
      return Parse::kOk;
    case '_':
      *out = Reply::Nil();
      return Parse::kOk;
    case '#':
      if (line != "t" && line != "f") break;
      *out = Reply::Bool(line == "t");
      return Parse::kOk;
    case ',': {
      char* end = nullptr;
      double d = std::strtod(line.c_str(), &end);
      if (line.empty() || end != line.c_str() + line.size()) break;
      *out = Reply::Double(d, line);
      return Parse::kOk;
    }
    case '(':
      out->type = ReplyType::kBigNumber;
      out->str = line;
      return Parse::kOk;
    case '$':
    case '!':
    case '=': {
      if (!ToInt(line, &n) || n < -1) break;
      if (n == -1) {
        if (type != '$') break;
        *out = Reply::Nil();
        return Parse::kOk;
      }
      if (buf_.size() - *pos < static_cast<size_t>(n) + 2) return Parse::kIncomplete;
      if (buf_.compare(*pos + n, 2, "\r\n") != 0) {
        error_ = "bulk string not terminated by CRLF";
        return Parse::kError;
      }
      std::string s = buf_.substr(*pos, n);
      *pos += n + 2;
      if (type == '$') {
        *out = Reply::Bulk(std::move(s));
      } else if (type == '!') {
        *out = Reply::Error(std::move(s));
      } else {
        out->type = ReplyType::kVerbatim;
        out->str = s.size() >= 4 && s[3] == ':' ? s.substr(4) : s;
      }
      return Parse::kOk;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      if (!ToInt(line, &n) || n < -1) break;
      if (n == -1) {
        if (type != '*') break;
        *out = Reply::Nil();
        return Parse::kOk;
      }
      if (type == '|') {
        // Attributes annotate the reply that follows; the comparison ignores them.
        Reply attrs;
        if (Parse p = ParseAggregate(pos, &attrs, ReplyType::kMap, 2 * n, depth); p != Parse::kOk)
          return p;
        return ParseOne(pos, out, depth + 1);
      }
      ReplyType t = type == '*'   ? ReplyType::kArray
                    : type == '~' ? ReplyType::kSet
                    : type == '>' ? ReplyType::kPush
                                  : ReplyType::kMap;
      return ParseAggregate(pos, out, t, type == '%' ? 2 * n : n, depth);
    }
    default:
      error_ = std::string("unknown reply type byte '") + type + "'";
      return Parse::kError;
  }
  error_ = std::string("malformed '") + type + "' reply: " + line;
  return Parse::kError;
}

}  // namespace keyshard::compat
