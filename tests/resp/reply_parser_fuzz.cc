// libFuzzer target for the reply parser: replies come from servers keyshard does not control.
// The first byte picks small limits; the invariants are in reply_parser_invariants.h.
//   clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I. \
//     tests/resp/reply_parser_fuzz.cc resp/reply_parser.cc resp/reply_builder.cc common/strconv.cc \
//     -o /tmp/reply_parser_fuzz && /tmp/reply_parser_fuzz -max_total_time=60
#include <cstdio>
#include <cstdlib>

#include "tests/resp/reply_parser_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string broken = ks::test::ReplyParserInvariantViolation(bytes, ks::test::LimitsFromByte(data[0]));
  if (!broken.empty()) {
    std::fprintf(stderr, "reply parser invariant broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
