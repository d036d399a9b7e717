#include "resp/reply_parser.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/strconv.h"
#include "resp/reply_builder.h"

namespace ks {

using Type = RespValue::Type;

namespace {

// Length and count lines ("$12", "*3", ":-5", "#t") are short; a longer one is not waited for.
constexpr size_t kMaxNumberLine = 32;
// The fewest bytes an element takes on the wire ("_\r\n"): reserving more slots than the bytes
// already received could fill would let a header alone ("*2000000000") allocate.
constexpr size_t kMinElementBytes = 3;

// The offending text for an error message, cut short and with control and non-ASCII bytes
// as \xHH: a hostile line may be long or binary, and error texts end up in logs.
std::string Shown(std::string_view s) {
  constexpr size_t kMax = 32;
  std::string out;
  for (unsigned char c : s.substr(0, kMax)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > kMax) out += "...";
  return out;
}

ReplyStatus Fail(ReplyParseResult* r, std::string text) {
  r->status = ReplyStatus::kError;
  r->error = std::move(text);
  return ReplyStatus::kError;
}

// RESP3 doubles: [+|-]digits[.digits][e[+|-]digits], inf, -inf, nan (Redis prints %.17g).
bool ParseDouble(std::string_view s, double* out) {
  if (!s.empty() && s[0] == '+' && (s.size() < 2 || s[1] != '-')) s.remove_prefix(1);
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, *out);
  if (p != end) return false;
  if (ec == std::errc::result_out_of_range) {
    // Valid syntax beyond double's range: strtod says inf or 0 as the value deserves.
    *out = std::strtod(std::string(s).c_str(), nullptr);
    return true;
  }
  return ec == std::errc();
}

// RESP3 big numbers: an optional sign and at least one digit.
bool IsBigNumber(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The length line of a blob or an aggregate: 0..max, or -1 (a null) where may_be_null.
ReplyStatus ParseLength(std::string_view line, bool may_be_null, const std::string& what, int64_t max, int64_t* n,
                        ReplyParseResult* r) {
  if (line == "?") return Fail(r, "streamed RESP3 replies are not supported");
  if (!StrToLL(line, n) || *n < -1 || (*n == -1 && !may_be_null))
    return Fail(r, "invalid " + what + " length '" + Shown(line) + "'");
  if (*n > max) return Fail(r, what + " length " + std::to_string(*n) + " above the limit of " + std::to_string(max));
  return ReplyStatus::kOk;
}

bool IsAggregateByte(char t) { return t == '*' || t == '%' || t == '~' || t == '>' || t == '|'; }

}  // namespace

// --- RespValue ---

namespace {
bool HasFormat(const RespValue& v) { return v.type == Type::kVerbatim && v.str.size() >= 4 && v.str[3] == ':'; }
}  // namespace

std::string_view RespValue::format() const { return HasFormat(*this) ? std::string_view(str).substr(0, 3) : ""; }

std::string_view RespValue::text() const { return HasFormat(*this) ? std::string_view(str).substr(4) : str; }

bool RespValue::operator==(const RespValue& o) const {
  if (type != o.type || attributes != o.attributes) return false;
  switch (type) {
    case Type::kInteger: return integer == o.integer;
    case Type::kBool: return boolean == o.boolean;
    case Type::kDouble: return dbl == o.dbl || (std::isnan(dbl) && std::isnan(o.dbl));
    case Type::kNull:
    case Type::kNullArray: return true;
    case Type::kArray:
    case Type::kMap:
    case Type::kSet:
    case Type::kPush: return elems == o.elems;
    default: return str == o.str;
  }
}

namespace {
RespValue Make(Type t) {
  RespValue v;
  v.type = t;
  return v;
}
RespValue MakeStr(Type t, std::string s) {
  RespValue v = Make(t);
  v.str = std::move(s);
  return v;
}
RespValue MakeAgg(Type t, std::vector<RespValue> elems) {
  RespValue v = Make(t);
  v.elems = std::move(elems);
  return v;
}
}  // namespace

RespValue RespValue::Simple(std::string s) { return MakeStr(Type::kSimple, std::move(s)); }
RespValue RespValue::Error(std::string s) { return MakeStr(Type::kError, std::move(s)); }
RespValue RespValue::Bulk(std::string s) { return MakeStr(Type::kBulk, std::move(s)); }
RespValue RespValue::BigNumber(std::string digits) { return MakeStr(Type::kBigNumber, std::move(digits)); }
RespValue RespValue::Verbatim(std::string_view format, std::string_view text) {
  return MakeStr(Type::kVerbatim, std::string(format.substr(0, 3)) + ":" + std::string(text));
}
RespValue RespValue::Null() { return Make(Type::kNull); }
RespValue RespValue::NullArray() { return Make(Type::kNullArray); }
RespValue RespValue::Array(std::vector<RespValue> elems) { return MakeAgg(Type::kArray, std::move(elems)); }
RespValue RespValue::Map(std::vector<RespValue> flat_pairs) { return MakeAgg(Type::kMap, std::move(flat_pairs)); }
RespValue RespValue::Set(std::vector<RespValue> elems) { return MakeAgg(Type::kSet, std::move(elems)); }
RespValue RespValue::Push(std::vector<RespValue> elems) { return MakeAgg(Type::kPush, std::move(elems)); }
RespValue RespValue::Integer(int64_t i) {
  RespValue v = Make(Type::kInteger);
  v.integer = i;
  return v;
}
RespValue RespValue::Double(double d) {
  RespValue v = MakeStr(Type::kDouble, DToStr(d));
  v.dbl = d;
  return v;
}
RespValue RespValue::Bool(bool b) {
  RespValue v = Make(Type::kBool);
  v.boolean = b;
  return v;
}

// --- ReplyParser ---

ReplyParser::ReplyParser(ReplyLimits limits) : limits_(limits), root_(std::make_unique<RespValue>()) { Reset(); }

void ReplyParser::Reset() {
  *root_ = RespValue();
  stack_.clear();
  slot_ = root_.get();
  pos_ = 0;
  line_scanned_ = 0;
}

ReplyParseResult ReplyParser::Parse(std::string_view data, RespValue* out) {
  ReplyParseResult r;
  while (true) {
    if (!slot_) {
      // Close the aggregates whose children are all there; a finished attribute map hands
      // over to the reply it annotates.
      while (!stack_.empty() && stack_.back().remaining == 0) {
        Frame f = stack_.back();
        stack_.pop_back();
        if (f.attributes) {
          slot_ = f.node;
          break;
        }
      }
      if (!slot_) {
        if (stack_.empty()) break;  // the root is complete
        Frame& top = stack_.back();
        auto& children = top.attributes ? top.node->attributes : top.node->elems;
        --top.remaining;
        slot_ = &children.emplace_back();
      }
    }
    ReplyStatus s = ParseValue(data, slot_, &r);
    if (s == ReplyStatus::kIncomplete) return r;
    if (s == ReplyStatus::kError) {
      Reset();
      return r;
    }
    slot_ = nullptr;
  }
  *out = std::move(*root_);
  r.status = ReplyStatus::kOk;
  r.consumed = pos_;
  Reset();
  return r;
}

ReplyStatus ReplyParser::FindLine(std::string_view data, size_t max_len, std::string_view* line, size_t* next,
                                  ReplyParseResult* r) {
  const size_t begin = pos_ + 1;
  // Resume the search for CRLF where the last call stopped, so a long line arriving in many
  // reads is scanned once.
  size_t from = std::max(begin, line_scanned_);
  size_t end = std::string_view::npos;  // index of the line's '\r'
  while (from < data.size()) {
    const void* cr = std::memchr(data.data() + from, '\r', data.size() - from);
    if (!cr) {
      from = data.size();
      break;
    }
    size_t i = static_cast<const char*>(cr) - data.data();
    if (i + 1 == data.size()) {
      from = i;  // the '\n' may be next to arrive
      break;
    }
    if (data[i + 1] == '\n') {
      end = i;
      break;
    }
    from = i + 1;
  }
  if ((end == std::string_view::npos ? from : end) - begin > max_len)
    return Fail(r, "'" + std::string(1, data[pos_]) + "' line longer than " + std::to_string(max_len) + " bytes");
  if (end == std::string_view::npos) {
    line_scanned_ = from;
    return ReplyStatus::kIncomplete;
  }
  *line = data.substr(begin, end - begin);
  *next = end + 2;
  return ReplyStatus::kOk;
}

ReplyStatus ReplyParser::ParseValue(std::string_view data, RespValue* slot, ReplyParseResult* r) {
  if (pos_ >= data.size()) return ReplyStatus::kIncomplete;
  const char t = data[pos_];
  const bool text_line = t == '+' || t == '-' || t == ',' || t == '(';
  if (!text_line && !IsAggregateByte(t) && std::string_view("$!=:#_").find(t) == std::string_view::npos) {
    if (t == ';' || t == '.') return Fail(r, "streamed RESP3 replies are not supported");
    return Fail(r, "unknown reply type byte '" + Shown(std::string_view(&t, 1)) + "'");
  }
  std::string_view line;
  size_t next = 0;
  if (ReplyStatus s = FindLine(data, text_line ? limits_.max_line_len : kMaxNumberLine, &line, &next, r);
      s != ReplyStatus::kOk)
    return s;
  if (t == '$' || t == '!' || t == '=') return ParseBlob(data, t, line, next, slot, r);
  if (IsAggregateByte(t)) return ParseAggregate(data, t, line, next, slot, r);
  switch (t) {
    case '+':
    case '-':
      slot->type = t == '+' ? Type::kSimple : Type::kError;
      slot->str.assign(line);
      break;
    case ':':
      if (!StrToLL(line, &slot->integer)) return Fail(r, "invalid integer '" + Shown(line) + "'");
      slot->type = Type::kInteger;
      break;
    case ',':
      if (!ParseDouble(line, &slot->dbl)) return Fail(r, "invalid double '" + Shown(line) + "'");
      slot->type = Type::kDouble;
      slot->str.assign(line);
      break;
    case '(':
      if (!IsBigNumber(line)) return Fail(r, "invalid big number '" + Shown(line) + "'");
      slot->type = Type::kBigNumber;
      slot->str.assign(line);
      break;
    case '#':
      if (line != "t" && line != "f") return Fail(r, "invalid boolean '" + Shown(line) + "'");
      slot->type = Type::kBool;
      slot->boolean = line == "t";
      break;
    case '_':
      if (!line.empty()) return Fail(r, "invalid null '" + Shown(line) + "'");
      slot->type = Type::kNull;
      break;
  }
  pos_ = next;
  return ReplyStatus::kOk;
}

ReplyStatus ReplyParser::ParseBlob(std::string_view data, char t, std::string_view line, size_t body,
                                   RespValue* slot, ReplyParseResult* r) {
  int64_t n;
  if (ParseLength(line, t == '$', "bulk", limits_.max_bulk_len, &n, r) != ReplyStatus::kOk) return ReplyStatus::kError;
  if (n == -1) {
    slot->type = Type::kNull;
    pos_ = body;
    return ReplyStatus::kOk;
  }
  const size_t len = static_cast<size_t>(n);
  if (data.size() - body < len + 2) {
    r->needed = body + len + 2;
    return ReplyStatus::kIncomplete;
  }
  if (data[body + len] != '\r' || data[body + len + 1] != '\n') return Fail(r, "bulk string not terminated by CRLF");
  std::string_view s = data.substr(body, len);
  if (t == '=' && (len < 4 || s[3] != ':')) return Fail(r, "verbatim string without its 'fmt:' prefix");
  slot->type = t == '$' ? Type::kBulk : t == '!' ? Type::kError : Type::kVerbatim;
  slot->str.assign(s);
  pos_ = body + len + 2;
  return ReplyStatus::kOk;
}

ReplyStatus ReplyParser::ParseAggregate(std::string_view data, char t, std::string_view line, size_t next,
                                        RespValue* slot, ReplyParseResult* r) {
  int64_t n;
  if (ParseLength(line, t == '*', "aggregate", limits_.max_aggregate_len, &n, r) != ReplyStatus::kOk)
    return ReplyStatus::kError;
  if (n == -1) {
    slot->type = Type::kNullArray;
    pos_ = next;
    return ReplyStatus::kOk;
  }
  if (stack_.size() >= limits_.max_depth)
    return Fail(r, "reply nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  const bool pairs = t == '%' || t == '|';
  const uint64_t children = static_cast<uint64_t>(n) * (pairs ? 2 : 1);
  auto& vec = t == '|' ? slot->attributes : slot->elems;
  vec.reserve(vec.size() + std::min<uint64_t>(children, (data.size() - next) / kMinElementBytes));
  if (t != '|')
    slot->type = t == '*' ? Type::kArray : t == '%' ? Type::kMap : t == '~' ? Type::kSet : Type::kPush;
  stack_.push_back({slot, children, t == '|'});
  pos_ = next;
  return ReplyStatus::kOk;
}

// --- ReplyReader ---

ReplyStatus ReplyReader::Next(RespValue* out, std::string* error) {
  if (!error_.empty()) {
    *error = error_;
    return ReplyStatus::kError;
  }
  ReplyParseResult r = parser_.Parse(std::string_view(buf_).substr(start_), out);
  if (r.status == ReplyStatus::kError) {
    error_ = r.error;
    *error = error_;
  } else if (r.status == ReplyStatus::kOk) {
    // The parser holds no partial reply now, so the buffer may move.
    start_ += r.consumed;
    if (start_ == buf_.size()) {
      buf_.clear();
      start_ = 0;
    } else if (start_ > (1u << 20) && start_ > buf_.size() / 2) {
      buf_.erase(0, start_);
      start_ = 0;
    }
  }
  return r.status;
}

void ReplyReader::Reset() {
  parser_.Reset();
  buf_.clear();
  start_ = 0;
  error_.clear();
}

// --- Whole buffers ---

ReplyParseResult ParseReply(std::string_view data, RespValue* out, const ReplyLimits& limits) {
  ReplyParser p(limits);
  return p.Parse(data, out);
}

ReplyParseResult ParseReplies(std::string_view data, std::vector<RespValue>* out, const ReplyLimits& limits) {
  ReplyParser p(limits);
  ReplyParseResult all;
  all.status = ReplyStatus::kOk;
  while (all.consumed < data.size()) {
    RespValue v;
    ReplyParseResult r = p.Parse(data.substr(all.consumed), &v);
    if (r.status != ReplyStatus::kOk) {
      all.status = r.status;
      all.error = std::move(r.error);
      if (r.needed) all.needed = all.consumed + r.needed;
      break;
    }
    out->push_back(std::move(v));
    all.consumed += r.consumed;
  }
  return all;
}

// --- Writing back ---

void WriteReply(const RespValue& v, ReplyBuilder& rb) {
  if (!v.attributes.empty() && rb.resp3()) {
    rb.Attribute(v.attributes.size() / 2);
    for (const RespValue& a : v.attributes) WriteReply(a, rb);
  }
  switch (v.type) {
    case Type::kSimple: rb.Simple(v.str); return;
    case Type::kError: rb.Error(v.str); return;
    case Type::kInteger: rb.Int(v.integer); return;
    case Type::kBulk: rb.Bulk(v.str); return;
    case Type::kNull: rb.Null(); return;
    case Type::kNullArray: rb.NullArray(); return;
    case Type::kDouble: rb.Double(v.dbl); return;
    case Type::kBool: rb.Bool(v.boolean); return;
    case Type::kBigNumber: rb.BigNumber(v.str); return;
    case Type::kVerbatim: rb.Verbatim(v.text(), v.format()); return;
    case Type::kArray: rb.Array(v.elems.size()); break;
    case Type::kMap: rb.Map(v.elems.size() / 2); break;
    case Type::kSet: rb.Set(v.elems.size()); break;
    case Type::kPush: rb.Push(v.elems.size()); break;
  }
  for (const RespValue& e : v.elems) WriteReply(e, rb);
}

}  // namespace ks
