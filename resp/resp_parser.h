#pragma once
// Parses client requests: RESP multibulk ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") and inline
// ("GET k\r\n") commands. It is stateless: Parse either consumes one whole command or
// consumes nothing, so a caller simply retries once more bytes have arrived.
#include <boost/container/small_vector.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ks {

using ArgVector = boost::container::small_vector<std::string_view, 8>;

struct ParserLimits {
  int64_t max_bulk_len = 512ll * 1024 * 1024;  // proto-max-bulk-len
  int64_t max_multibulk_len = 2147483647;      // Redis 7.0 refuses counts above INT_MAX
  size_t max_inline_len = 64 * 1024;           // PROTO_INLINE_MAX_SIZE
  // Before AUTH (when a password is set) Redis accepts only small requests.
  bool unauthenticated = false;
};

enum class ParseStatus { kOk, kIncomplete, kError };

struct ParseResult {
  ParseStatus status;
  size_t consumed = 0;  // bytes of data used (kOk; also an empty inline line or *0)
  // kIncomplete: total bytes the command needs, when known (0 = unknown); lets the
  // session size its buffer for a large bulk in one step.
  size_t needed = 0;
  std::string error;    // kError: the Redis error text, e.g. "ERR Protocol error: ..."
};

class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits = {}) : limits_(limits) {}
  void set_limits(const ParserLimits& l) { limits_ = l; }
  const ParserLimits& limits() const { return limits_; }

  // Parses one command at the start of data. On kOk, args views point into data (inline
  // commands with quotes or escapes are unescaped into scratch storage held by the parser,
  // valid until the next Parse). kOk with empty args means "nothing to run" (blank line).
  ParseResult Parse(std::string_view data, ArgVector& args);

 private:
  ParseResult ParseMultibulk(std::string_view data, ArgVector& args);
  ParseResult ParseInline(std::string_view data, ArgVector& args);

  ParserLimits limits_;
  std::string scratch_;
};

// Redis's sdssplitargs: splits an inline command line honouring "..." (with \n \x41 escapes)
// and '...' quoting. Returns false on unbalanced quotes. Unescaped text is appended to
// storage, which must not reallocate while the views are used (the caller reserves).
bool SplitInlineArgs(std::string_view line, std::string& storage, ArgVector& args);

}  // namespace ks
