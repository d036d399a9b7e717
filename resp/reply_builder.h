#pragma once
// ReplyBuilder: the one place that writes RESP. Handlers say what they reply (an integer, a
// map of n pairs, a double...) and the builder encodes it for the client's protocol:
// RESP2 by default, RESP3 after HELLO 3 (maps, sets, doubles, nulls, verbatim strings).
#include <cstdint>
#include <string>
#include <string_view>

namespace ks {

class ReplyBuilder {
 public:
  explicit ReplyBuilder(std::string* out) : out_(out) {}

  void set_resp3(bool v) { resp3_ = v; }
  bool resp3() const { return resp3_; }
  // Where replies go; CLIENT REPLY OFF points this at a scratch buffer.
  void set_output(std::string* out) { out_ = out; }
  std::string* output() const { return out_; }

  void Ok() { out_->append("+OK\r\n"); }
  void Simple(std::string_view s);
  // err is the full text with its code, e.g. "ERR syntax error" or "WRONGTYPE ...".
  // Newlines are replaced by spaces so the reply stays one protocol line, as Redis does.
  void Error(std::string_view err);
  void Int(int64_t v);
  void Bulk(std::string_view s);
  void Null();       // $-1 / _
  void NullArray();  // *-1 / _
  void Array(size_t n);
  void Map(size_t n);  // n key/value pairs; RESP2 gets an array of 2n
  void Set(size_t n);  // RESP2 gets an array
  void Push(size_t n); // RESP3 push; RESP2 gets an array
  void Double(double d);       // RESP3 ",d"; RESP2 a bulk string
  // A double the caller formatted itself (GEOPOS's coordinates, Redis's
  // addReplyHumanLongDouble): RESP3 ",text"; RESP2 a bulk string.
  void DoubleText(std::string_view text);
  void Bool(bool b);           // RESP3 "#t"; RESP2 :1/:0
  void Verbatim(std::string_view s, std::string_view format = "txt");  // RESP3 "=", else bulk
  void BigNumber(std::string_view digits);  // RESP3 "(", else bulk (Redis's addReplyBigNum)
  // RESP3 attributes: n key/value pairs that annotate the reply written next. RESP2 has no
  // form for them (Redis never sends them there), so write them only when resp3().
  void Attribute(size_t n) { Header('|', n); }
  void BulkArray(const std::string_view* items, size_t n);
  void SimpleArray(const std::string_view* items, size_t n);  // e.g. a HELP subcommand's lines

  uint64_t errors_written() const { return errors_; }
  // The last error's code ("ERR", "WRONGTYPE"...) for INFO errorstats.
  std::string_view last_error_code() const { return last_error_code_; }

 private:
  void Header(char type, uint64_t n);

  std::string* out_;
  bool resp3_ = false;
  uint64_t errors_ = 0;
  std::string last_error_code_;
};

}  // namespace ks
