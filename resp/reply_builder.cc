#include "resp/reply_builder.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/strconv.h"

namespace ks {

namespace {
// Writes "<type><n>\r\n" at buf (room for 24 bytes) and returns its length.
size_t PutLine(char* buf, char type, int64_t n) {
  buf[0] = type;
  size_t len = 1 + LLToStr(n, buf + 1).size();
  buf[len++] = '\r';
  buf[len++] = '\n';
  return len;
}
}  // namespace

void ReplyBuilder::Header(char type, uint64_t n) {
  char buf[32];
  out_->append(buf, PutLine(buf, type, static_cast<int64_t>(n)));
}

void ReplyBuilder::Simple(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n");
}

void ReplyBuilder::Error(std::string_view err) {
  ++errors_;
  size_t sp = err.find(' ');
  last_error_code_.assign(err.substr(0, sp));
  out_->push_back('-');
  size_t start = out_->size();
  out_->append(err);
  for (size_t i = start; i < out_->size(); ++i)
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  out_->append("\r\n");
}

void ReplyBuilder::Int(int64_t v) {
  char buf[32];
  out_->append(buf, PutLine(buf, ':', v));
}

void ReplyBuilder::Bulk(std::string_view s) {
  // A short bulk (most values and every member of a range reply) goes out in one append.
  char buf[96];
  size_t len = PutLine(buf, '$', static_cast<int64_t>(s.size()));
  if (len + s.size() + 2 <= sizeof buf) {
    if (!s.empty()) std::memcpy(buf + len, s.data(), s.size());
    len += s.size();
    buf[len++] = '\r';
    buf[len++] = '\n';
    out_->append(buf, len);
    return;
  }
  out_->append(buf, len);
  out_->append(s);
  out_->append("\r\n");
}

void ReplyBuilder::Null() { out_->append(resp3_ ? "_\r\n" : "$-1\r\n"); }
void ReplyBuilder::NullArray() { out_->append(resp3_ ? "_\r\n" : "*-1\r\n"); }
void ReplyBuilder::Array(size_t n) { Header('*', n); }
void ReplyBuilder::Map(size_t n) { resp3_ ? Header('%', n) : Header('*', 2 * n); }
void ReplyBuilder::Set(size_t n) { Header(resp3_ ? '~' : '*', n); }
void ReplyBuilder::Push(size_t n) { Header(resp3_ ? '>' : '*', n); }

void ReplyBuilder::Double(double d) {
  if (resp3_) {
    out_->push_back(',');
    out_->append(DToStr(d));
    out_->append("\r\n");
  } else {
    Bulk(DToStr(d));
  }
}

void ReplyBuilder::DoubleText(std::string_view text) {
  if (resp3_) {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n");
  } else {
    Bulk(text);
  }
}

void ReplyBuilder::Bool(bool b) {
  if (resp3_)
    out_->append(b ? "#t\r\n" : "#f\r\n");
  else
    Int(b ? 1 : 0);
}

void ReplyBuilder::Verbatim(std::string_view s, std::string_view format) {
  if (!resp3_) return Bulk(s);
  Header('=', s.size() + 4);
  out_->append(format);
  out_->push_back(':');
  out_->append(s);
  out_->append("\r\n");
}

void ReplyBuilder::BigNumber(std::string_view digits) {
  if (!resp3_) return Bulk(digits);
  out_->push_back('(');
  out_->append(digits);
  out_->append("\r\n");
}

void ReplyBuilder::BulkArray(const std::string_view* items, size_t n) {
  Array(n);
  for (size_t i = 0; i < n; ++i) Bulk(items[i]);
}

void ReplyBuilder::SimpleArray(const std::string_view* items, size_t n) {
  Array(n);
  for (size_t i = 0; i < n; ++i) Simple(items[i]);
}

}  // namespace ks
