// A small RESP3 reader of our own: Debian 12's hiredis 0.14 parses RESP2 only, so replies on
// connections that switched with HELLO 3 (maps, sets, doubles, booleans, nulls, big numbers,
// verbatim strings, pushes, attributes) are read here. RESP2 is a subset and parses too.
#pragma once

#include <cstddef>
#include <string>

#include "tools/compat/reply.h"

namespace keyshard::compat {

class Resp3Reader {
 public:
  enum class Status { kOk, kIncomplete, kProtocolError };

  void Feed(const char* data, size_t n) { buf_.append(data, n); }

  // Takes one complete reply off the buffer. kIncomplete consumes nothing.
  Status Next(Reply* out, std::string* error);

  size_t buffered() const { return buf_.size() - pos_; }

 private:
  enum class Parse { kOk, kIncomplete, kError };
  Parse ParseOne(size_t* pos, Reply* out, int depth);
  Parse ReadLine(size_t* pos, std::string* line);
  Parse ParseAggregate(size_t* pos, Reply* out, ReplyType type, long long n, int depth);

  std::string buf_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace keyshard::compat
