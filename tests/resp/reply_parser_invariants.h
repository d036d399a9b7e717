#pragma once
// What must hold for any bytes whatsoever given to the reply parser, shared by the fuzz target
// (reply_parser_fuzz.cc) and the seeded mutation test in reply_parser_test.cc:
//  - parsing a buffer whole and reading it through ReplyReader in pieces give the same
//    replies and end the same way (resuming never changes a result);
//  - a parsed reply written back (RESP3) reparses to a reply that writes the same bytes.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "resp/reply_builder.h"
#include "resp/reply_parser.h"

namespace ks::test {

// Small limits taken from the first byte, so inputs reach them; the rest is the reply stream.
inline ReplyLimits LimitsFromByte(unsigned char b) {
  ReplyLimits l;
  l.max_depth = 1 + (b & 7);
  l.max_bulk_len = 1 + ((b >> 3) & 7) * 16;
  l.max_aggregate_len = 1 + ((b >> 6) & 3) * 4;
  l.max_line_len = 1 + ((b >> 3) & 7) * 8;
  return l;
}

inline std::string WriteResp3(const RespValue& v) {
  std::string out;
  ReplyBuilder rb(&out);
  rb.set_resp3(true);
  WriteReply(v, rb);
  return out;
}

// "" if every invariant holds for data under limits; otherwise what broke.
inline std::string ReplyParserInvariantViolation(std::string_view data, const ReplyLimits& limits) {
  std::vector<RespValue> whole;
  ReplyParseResult all = ParseReplies(data, &whole, limits);
  if (all.consumed > data.size()) return "consumed more than the buffer";

  // The same bytes in pieces whose sizes come from the data itself.
  ReplyReader reader(limits);
  std::vector<RespValue> pieces;
  ReplyStatus last = ReplyStatus::kOk;
  for (size_t off = 0, i = 0; off < data.size() && last != ReplyStatus::kError; ++i) {
    size_t n = std::min<size_t>(1 + static_cast<unsigned char>(data[i % data.size()]) % 7, data.size() - off);
    reader.Feed(data.substr(off, n));
    off += n;
    RespValue v;
    std::string err;
    while ((last = reader.Next(&v, &err)) == ReplyStatus::kOk) pieces.push_back(std::move(v));
  }
  if (data.empty()) last = ReplyStatus::kOk;
  if (pieces != whole) return "pieces gave other replies than the whole buffer";
  if (last != all.status && !(last == ReplyStatus::kIncomplete && all.status == ReplyStatus::kOk))
    return "pieces ended otherwise than the whole buffer";

  for (const RespValue& v : whole) {
    std::string bytes = WriteResp3(v);
    RespValue back;
    // Default limits: a written form may be longer (a blob error becomes a line, 1e400 "inf").
    ReplyParseResult r = ParseReply(bytes, &back);
    if (r.status != ReplyStatus::kOk) return "a written reply does not parse: " + r.error;
    if (r.consumed != bytes.size()) return "a written reply parses short";
    if (WriteResp3(back) != bytes) return "a written reply does not write back the same";
  }
  return "";
}

}  // namespace ks::test
