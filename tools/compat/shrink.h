// Delta debugging (Zeller's ddmin): shrinks a failing sequence to a 1-minimal one, removing
// chunks of halving size and keeping every removal after which the failure persists.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <vector>

namespace keyshard::compat {

struct ShrinkStats {
  size_t tests = 0;  // predicate evaluations
  bool budget_exhausted = false;
};

// `fails(candidate)` must be true for `input`. Returns the smallest failing subsequence found
// within `max_tests` evaluations; order of the kept elements is preserved.
template <typename T>
std::vector<T> Shrink(std::vector<T> input, const std::function<bool(const std::vector<T>&)>& fails,
                      size_t max_tests = 5000, ShrinkStats* stats = nullptr) {
  ShrinkStats local;
  ShrinkStats& st = stats ? *stats : local;
  size_t n = 2;
  while (input.size() >= 2) {
    const size_t chunk = (input.size() + n - 1) / n;
    bool reduced = false;
    for (size_t start = 0; start < input.size(); start += chunk) {
      if (st.tests >= max_tests) {
        st.budget_exhausted = true;
        return input;
      }
      std::vector<T> candidate;
      candidate.reserve(input.size());
      candidate.insert(candidate.end(), input.begin(), input.begin() + start);
      candidate.insert(candidate.end(), input.begin() + std::min(start + chunk, input.size()), input.end());
      ++st.tests;
      if (fails(candidate)) {
        input = std::move(candidate);
        n = std::max<size_t>(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (n >= input.size()) break;  // every single element is needed
    n = std::min(input.size(), n * 2);
  }
  return input;
}

}  // namespace keyshard::compat
