#pragma once
// Parses server replies, RESP2 and RESP3: what an upstream connection reads back from a remote
// Redis, what redis.call turns into Lua values, and what tests and keyshard-compat check.
// The parser is incremental (a large reply arriving in many reads is parsed once, not again
// on every read), iterative (nesting costs an explicit stack, never the C++ one) and bounded:
// a hostile upstream gets an error, not a crash or an allocation the bytes it sent don't pay for.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ks {

class ReplyBuilder;

// One reply as a tree. Children sit by value in `elems`, so a walk is a loop over a vector.
struct RespValue {
  enum class Type : uint8_t {
    kSimple,     // +OK
    kError,      // -ERR ... and RESP3 blob errors (!N)
    kInteger,    // :1
    kBulk,       // $3 foo
    kNull,       // $-1 and RESP3 _
    kNullArray,  // *-1 (RESP2 keeps it apart from a null bulk)
    kArray,      // *N
    kMap,        // RESP3 %N; elems hold k0, v0, k1, v1, ...
    kSet,        // RESP3 ~N
    kPush,       // RESP3 >N
    kDouble,     // RESP3 ,1.5 / ,inf / ,-inf / ,nan: dbl, and str keeps the text as sent
    kBool,       // RESP3 #t / #f
    kBigNumber,  // RESP3 (123...: str holds the digits
    kVerbatim,   // RESP3 =N fmt:text: str holds "fmt:text" (see format() and text())
  };

  Type type = Type::kNull;
  bool boolean = false;
  int64_t integer = 0;
  double dbl = 0;
  std::string str;              // simple, error, bulk, double text, big number, verbatim
  std::vector<RespValue> elems; // array, set, push; a map's pairs flattened
  // RESP3 attributes (|N) sent just before this reply, pairs flattened; nearly always empty.
  std::vector<RespValue> attributes;

  bool IsNull() const { return type == Type::kNull || type == Type::kNullArray; }
  bool IsError() const { return type == Type::kError; }
  bool IsAggregate() const {
    return type == Type::kArray || type == Type::kMap || type == Type::kSet || type == Type::kPush;
  }
  // A verbatim string's three-letter format ("txt", "mkd"); empty for other types.
  std::string_view format() const;
  // The string payload: a verbatim string without its "fmt:" prefix, otherwise str.
  std::string_view text() const;

  // Structural equality, attributes included; doubles by value, with nan equal to nan.
  bool operator==(const RespValue& o) const;

  // Builders, for tests and for code that makes replies (a Lua script's return value).
  static RespValue Simple(std::string s);
  static RespValue Error(std::string s);
  static RespValue Integer(int64_t v);
  static RespValue Bulk(std::string s);
  static RespValue Null();
  static RespValue NullArray();
  static RespValue Array(std::vector<RespValue> elems);
  static RespValue Map(std::vector<RespValue> flat_pairs);
  static RespValue Set(std::vector<RespValue> elems);
  static RespValue Push(std::vector<RespValue> elems);
  static RespValue Double(double d);  // str as Redis prints it (%.17g, inf, -inf)
  static RespValue Bool(bool b);
  static RespValue BigNumber(std::string digits);
  static RespValue Verbatim(std::string_view format, std::string_view text);
};

// Bounds on what one reply may make the parser hold.
struct ReplyLimits {
  size_t max_depth = 128;                       // nested aggregates (attributes count)
  int64_t max_bulk_len = 512ll * 1024 * 1024;   // proto-max-bulk-len, for $, ! and =
  int64_t max_aggregate_len = 2147483647;       // elements of *, ~, >; pairs of %, |
  size_t max_line_len = 512ull * 1024 * 1024;   // +, -, ",", ( lines awaiting their CRLF
};

enum class ReplyStatus { kOk, kIncomplete, kError };

struct ReplyParseResult {
  ReplyStatus status = ReplyStatus::kIncomplete;
  size_t consumed = 0;  // kOk: bytes of the reply; otherwise 0
  // kIncomplete: the bytes (from the start of the reply) needed at least, when a bulk header
  // says so; 0 when unknown. Lets a caller size its buffer for a large bulk in one step.
  size_t needed = 0;
  std::string error;    // kError: what was wrong, e.g. "invalid bulk length '-2'"
};

// Parses one reply at the start of a caller-owned buffer. kIncomplete consumes nothing, but
// the parser keeps what it built: call Parse again with the same bytes followed by more (a
// buffer that only grew) and it resumes where it stopped. After kOk or kError it starts afresh;
// Reset() drops a half-parsed reply (e.g. when the connection is replaced).
class ReplyParser {
 public:
  explicit ReplyParser(ReplyLimits limits = {});
  void set_limits(const ReplyLimits& l) { limits_ = l; }
  const ReplyLimits& limits() const { return limits_; }

  ReplyParseResult Parse(std::string_view data, RespValue* out);
  void Reset();

 private:
  struct Frame {
    RespValue* node;
    uint64_t remaining;  // children still to come
    bool attributes;     // children go to node->attributes; node's own reply follows
  };
  // Reads the value at pos_ into slot (an aggregate: its header, pushing a frame).
  ReplyStatus ParseValue(std::string_view data, RespValue* slot, ReplyParseResult* r);
  ReplyStatus ParseBlob(std::string_view data, char type, std::string_view line, size_t body, RespValue* slot,
                        ReplyParseResult* r);
  ReplyStatus ParseAggregate(std::string_view data, char type, std::string_view line, size_t next, RespValue* slot,
                             ReplyParseResult* r);
  // The line after the type byte at pos_, without its CRLF; *next is where the line ends.
  ReplyStatus FindLine(std::string_view data, size_t max_len, std::string_view* line, size_t* next,
                       ReplyParseResult* r);

  ReplyLimits limits_;
  std::unique_ptr<RespValue> root_;  // on the heap, so moving the parser keeps slot_ and stack_ valid
  std::vector<Frame> stack_;
  RespValue* slot_ = nullptr;  // where the next value goes; null: a new child of stack_.back()
  size_t pos_ = 0;             // bytes of data already turned into root_
  size_t line_scanned_ = 0;    // how far past pos_ a line's CRLF has been looked for
};

// Owns a buffer for a connection that reads replies: Feed what arrives, take replies with
// Next. An error is sticky: the stream cannot be trusted past it.
class ReplyReader {
 public:
  explicit ReplyReader(ReplyLimits limits = {}) : parser_(limits) {}

  void Feed(std::string_view bytes) { buf_.append(bytes); }
  // Takes one complete reply off the buffer. kIncomplete consumes nothing; kError sets *error.
  ReplyStatus Next(RespValue* out, std::string* error);
  // Bytes fed and not yet taken as replies.
  size_t buffered() const { return buf_.size() - start_; }
  // Drops buffered bytes, a half-parsed reply and a sticky error (a new connection).
  void Reset();

 private:
  ReplyParser parser_;
  std::string buf_;
  size_t start_ = 0;
  std::string error_;
};

// Parses the one reply at the start of data (kIncomplete if it is not all there).
ReplyParseResult ParseReply(std::string_view data, RespValue* out, const ReplyLimits& limits = {});
// Parses every complete reply in data (pipelined replies), appending them to *out. consumed is
// the bytes of those replies; status is kOk when data ended on a reply boundary, kIncomplete
// when a partial reply follows them, kError (with the replies before it kept) on bad input.
ReplyParseResult ParseReplies(std::string_view data, std::vector<RespValue>* out,
                              const ReplyLimits& limits = {});

// Writes v through rb in rb's protocol: RESP3 types become their RESP2 forms as Redis sends
// them (a map a flat array, a double or big number a bulk, a boolean 1/0, a null $-1), and
// attributes are written only in RESP3. For a proxy forwarding replies and for Lua.
void WriteReply(const RespValue& v, ReplyBuilder& rb);

}  // namespace ks
