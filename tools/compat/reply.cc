#include "tools/compat/reply.h"

#include <cstdio>

#include "resp/reply_parser.h"

namespace keyshard::compat {

Reply Reply::Status(std::string s) {
  Reply r;
  r.type = ReplyType::kStatus;
  r.str = std::move(s);
  return r;
}
Reply Reply::Error(std::string s) {
  Reply r;
  r.type = ReplyType::kError;
  r.str = std::move(s);
  return r;
}
Reply Reply::Integer(long long v) {
  Reply r;
  r.type = ReplyType::kInteger;
  r.integer = v;
  return r;
}
Reply Reply::Bulk(std::string s) {
  Reply r;
  r.type = ReplyType::kBulk;
  r.str = std::move(s);
  return r;
}
Reply Reply::Nil() { return Reply{}; }
Reply Reply::Array(std::vector<Reply> elems) {
  Reply r;
  r.type = ReplyType::kArray;
  r.elems = std::move(elems);
  return r;
}
Reply Reply::Map(std::vector<Reply> flat_pairs) {
  Reply r;
  r.type = ReplyType::kMap;
  r.elems = std::move(flat_pairs);
  return r;
}
Reply Reply::Set(std::vector<Reply> elems) {
  Reply r;
  r.type = ReplyType::kSet;
  r.elems = std::move(elems);
  return r;
}
Reply Reply::Double(double v, std::string text) {
  Reply r;
  r.type = ReplyType::kDouble;
  r.dbl = v;
  r.str = std::move(text);
  return r;
}
Reply Reply::Bool(bool v) {
  Reply r;
  r.type = ReplyType::kBool;
  r.integer = v ? 1 : 0;
  return r;
}

bool Reply::operator==(const Reply& o) const {
  if (type != o.type) return false;
  switch (type) {
    case ReplyType::kInteger:
    case ReplyType::kBool:
      return integer == o.integer;
    case ReplyType::kNil:
      return true;
    case ReplyType::kArray:
    case ReplyType::kMap:
    case ReplyType::kSet:
    case ReplyType::kPush:
      return elems == o.elems;
    default:
      return str == o.str;
  }
}

Reply FromResp(const ks::RespValue& v) {
  using T = ks::RespValue::Type;
  Reply r;
  switch (v.type) {
    case T::kSimple: return Reply::Status(v.str);
    case T::kError: return Reply::Error(v.str);
    case T::kInteger: return Reply::Integer(v.integer);
    case T::kBulk: return Reply::Bulk(v.str);
    case T::kNull:
    case T::kNullArray: return Reply::Nil();
    case T::kDouble: return Reply::Double(v.dbl, v.str);
    case T::kBool: return Reply::Bool(v.boolean);
    case T::kBigNumber: r.type = ReplyType::kBigNumber; break;
    case T::kVerbatim: r.type = ReplyType::kVerbatim; break;
    case T::kArray: r.type = ReplyType::kArray; break;
    case T::kMap: r.type = ReplyType::kMap; break;
    case T::kSet: r.type = ReplyType::kSet; break;
    case T::kPush: r.type = ReplyType::kPush; break;
  }
  r.str = v.text();
  r.elems.reserve(v.elems.size());
  for (const ks::RespValue& e : v.elems) r.elems.push_back(FromResp(e));
  return r;
}

const char* TypeName(ReplyType t) {
  switch (t) {
    case ReplyType::kStatus: return "status";
    case ReplyType::kError: return "error";
    case ReplyType::kInteger: return "integer";
    case ReplyType::kBulk: return "bulk";
    case ReplyType::kNil: return "nil";
    case ReplyType::kArray: return "array";
    case ReplyType::kMap: return "map";
    case ReplyType::kSet: return "set";
    case ReplyType::kDouble: return "double";
    case ReplyType::kBool: return "bool";
    case ReplyType::kBigNumber: return "bignum";
    case ReplyType::kVerbatim: return "verbatim";
    case ReplyType::kPush: return "push";
  }
  return "?";
}

std::string QuoteBytes(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

namespace {

bool IsPlainWord(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == ',' || c == ']' || c == '}' ||
        c == ':' || c == '\\')
      return false;
  }
  return true;
}

void RenderTo(const Reply& r, std::string& out) {
  switch (r.type) {
    case ReplyType::kStatus:
      out += '+';
      out += IsPlainWord(r.str) ? r.str : QuoteBytes(r.str);
      break;
    case ReplyType::kError:
      out += '!';
      out += QuoteBytes(r.str);
      break;
    case ReplyType::kInteger:
      out += std::to_string(r.integer);
      break;
    case ReplyType::kBulk:
      out += QuoteBytes(r.str);
      break;
    case ReplyType::kNil:
      out += "nil";
      break;
    case ReplyType::kDouble:
      out += ',';
      out += r.str;
      break;
    case ReplyType::kBool:
      out += r.integer ? "#t" : "#f";
      break;
    case ReplyType::kBigNumber:
      out += '(';
      out += r.str;
      break;
    case ReplyType::kVerbatim:
      out += "=";
      out += QuoteBytes(r.str);
      break;
    case ReplyType::kMap:
      out += '{';
      for (size_t i = 0; i + 1 < r.elems.size(); i += 2) {
        if (i) out += ", ";
        RenderTo(r.elems[i], out);
        out += ": ";
        RenderTo(r.elems[i + 1], out);
      }
      out += '}';
      break;
    case ReplyType::kArray:
    case ReplyType::kSet:
    case ReplyType::kPush:
      if (r.type == ReplyType::kSet) out += '~';
      if (r.type == ReplyType::kPush) out += '>';
      out += '[';
      for (size_t i = 0; i < r.elems.size(); ++i) {
        if (i) out += ", ";
        RenderTo(r.elems[i], out);
      }
      out += ']';
      break;
  }
}

}  // namespace

std::string Render(const Reply& r) {
  std::string out;
  RenderTo(r, out);
  return out;
}

}  // namespace keyshard::compat
