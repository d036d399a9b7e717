// A server reply as the runner compares and prints it, made from what resp/'s reply parser
// reads (ks::RespValue) by FromResp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ks {
struct RespValue;
}

namespace keyshard::compat {

enum class ReplyType {
  kStatus,     // +OK
  kError,      // -ERR ... and RESP3 blob errors (!)
  kInteger,    // :1
  kBulk,       // $3 foo
  kNil,        // $-1, *-1 and RESP3 _
  kArray,      // *N
  kMap,        // RESP3 %N, elems hold k0, v0, k1, v1, ...
  kSet,        // RESP3 ~N
  kDouble,     // RESP3 ,1.5 (text kept in str, parsed in dbl)
  kBool,       // RESP3 #t / #f
  kBigNumber,  // RESP3 (123...
  kVerbatim,   // RESP3 =N txt:... (str holds the payload after "txt:")
  kPush,       // RESP3 >N
};

struct Reply {
  ReplyType type = ReplyType::kNil;
  std::string str;        // status, error, bulk, double text, big number, verbatim
  long long integer = 0;  // integer, bool (0/1)
  double dbl = 0;
  std::vector<Reply> elems;  // array, set, push; map as flattened pairs

  static Reply Status(std::string s);
  static Reply Error(std::string s);
  static Reply Integer(long long v);
  static Reply Bulk(std::string s);
  static Reply Nil();
  static Reply Array(std::vector<Reply> elems);
  static Reply Map(std::vector<Reply> flat_pairs);
  static Reply Set(std::vector<Reply> elems);
  static Reply Double(double v, std::string text);
  static Reply Bool(bool v);

  bool IsAggregate() const {
    return type == ReplyType::kArray || type == ReplyType::kMap || type == ReplyType::kSet ||
           type == ReplyType::kPush;
  }
  bool IsError() const { return type == ReplyType::kError; }
  bool operator==(const Reply& other) const;
};

// The runner's view of a parsed reply: every null is nil, a blob error an error, a verbatim
// string its text without the format, and attributes are dropped (comparisons ignore them).
Reply FromResp(const ks::RespValue& v);

const char* TypeName(ReplyType t);

// One-line rendering in the case-file reply notation (see docs/COMPAT.md), so a printed
// reply can be pasted back into a case file as an expectation.
std::string Render(const Reply& r);

// Quote a byte string the way case files and redis-cli do: "..." with \n \r \t \" \\ \xHH.
std::string QuoteBytes(const std::string& s);

}  // namespace keyshard::compat
