#pragma once
// A cursor over a command's optional arguments: keyword matching that ignores case, typed
// reads with Redis's exact conversion rules, and an error that sticks once set.
#include <span>
#include <string>
#include <string_view>

#include "common/strconv.h"
#include "server/core/errors.h"

namespace ks {

class ArgParser {
 public:
  ArgParser(std::span<const std::string_view> args, size_t pos) : args_(args), pos_(pos) {}

  bool Done() const { return pos_ >= args_.size(); }
  size_t Remaining() const { return Done() ? 0 : args_.size() - pos_; }
  size_t pos() const { return pos_; }
  std::string_view Peek() const { return args_[pos_]; }
  std::string_view Next() { return args_[pos_++]; }

  // Consumes the current argument if it equals kw (case-insensitive).
  bool Consume(std::string_view kw) {
    if (Done() || !EqualsNoCase(args_[pos_], kw)) return false;
    ++pos_;
    return true;
  }

  // Reads an integer; on failure records err (default: not an integer) and returns false.
  bool NextInt(int64_t* v, std::string_view err = err::kNotInteger) {
    if (Done()) return Fail(err::kSyntax);
    if (!StrToLL(args_[pos_++], v)) return Fail(err);
    return true;
  }

  bool Fail(std::string_view e) {
    if (error_.empty()) error_ = e;
    return false;
  }
  bool HasError() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  std::span<const std::string_view> args_;
  size_t pos_;
  std::string error_;
};

}  // namespace ks
