// Expected-reply matchers of the case-file format: exact values, nil, arrays, unordered
// arrays, RESP3 maps, any/int/int(a..b), float(x[, tol]) and regexes for errors and strings.
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tools/compat/reply.h"

namespace keyshard::compat {

struct Matcher {
  enum class Kind {
    kExact,        // a scalar reply compared by type and value (also nil)
    kAny,          // any reply, including errors
    kInt,          // any integer, optionally within [lo, hi]
    kFloat,        // bulk/status/double whose text is a number within tol of value
    kErrorRegex,   // error whose text matches pattern (search)
    kStringRegex,  // bulk/status/verbatim whose text matches pattern (search)
    kArray,        // array in order
    kUnordered,    // array or RESP3 set, any order
    kMap,          // RESP3 map, or RESP2 flat array of pairs; pair order ignored
    kPush,         // RESP3 push in order
  };
  Kind kind = Kind::kAny;
  Reply exact;
  long long lo = 0, hi = 0;
  bool has_range = false;
  double value = 0, tol = 0;
  std::string pattern;
  std::shared_ptr<const std::regex> re;
  std::vector<Matcher> elems;  // aggregates; map holds flattened key, value pairs

  // True when the matcher admits more than one reply value (any, int, float, regex) somewhere.
  // Diff mode then checks both endpoints against the matcher instead of against each other.
  bool IsLoose() const;

  static Matcher Exact(Reply r);
};

bool Matches(const Matcher& m, const Reply& r);

// The matcher in case-file notation.
std::string Describe(const Matcher& m);

struct MatcherParse {
  std::optional<Matcher> matcher;
  std::string error;        // set when matcher is empty
  bool incomplete = false;  // input ended inside an aggregate: more lines may complete it
};

// Parses one expectation; text after it must be empty or a '#' comment.
MatcherParse ParseMatcher(const std::string& text);

}  // namespace keyshard::compat
