// diff --random: generate a sequence, replay it on both endpoints, and on the first
// divergence shrink it to a minimal reproduction printed as a case file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/compat/connection.h"
#include "tools/compat/results.h"

namespace keyshard::compat {

struct RandomOptions {
  uint64_t seed = 1;
  size_t ops = 10000;
  std::vector<std::string> families;
  size_t max_shrink_tests = 2000;  // bound on replays while shrinking
};

RunReport RunRandom(const Endpoint& target, const Endpoint& reference, const RandomOptions& opts);

}  // namespace keyshard::compat
