#pragma once
// Redis 7.0's pqsort (pqsort.c): Bentley & McIlroy's quicksort (the BSD libc qsort) that only
// finishes the partitions overlapping the ranks [lrange, rrange]. (Later Redis versions switch
// to insertion sort when a partition pass swaps nothing; 7.0 does not, and neither do we.) SORT ... BY ... LIMIT and
// GEORADIUS/GEOSEARCH COUNT use it, and since it is not stable, the order of equal elements
// in their replies is whatever this exact sequence of swaps leaves: we follow it step by step.
// cmp(a, b) returns <0, 0 or >0 like qsort's comparator.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace ks {

namespace pqsort_detail {

template <typename T, typename Cmp>
size_t Med3(T* v, size_t a, size_t b, size_t c, Cmp& cmp) {
  return cmp(v[a], v[b]) < 0 ? (cmp(v[b], v[c]) < 0 ? b : (cmp(v[a], v[c]) < 0 ? c : a))
                             : (cmp(v[b], v[c]) > 0 ? b : (cmp(v[a], v[c]) < 0 ? a : c));
}

template <typename T>
void VecSwap(T* v, size_t a, size_t b, size_t n) {
  for (size_t i = 0; i < n; ++i) std::swap(v[a + i], v[b + i]);
}

template <typename T, typename Cmp>
void InsertionSort(T* v, size_t lo, size_t n, Cmp& cmp) {
  for (size_t m = lo + 1; m < lo + n; ++m)
    for (size_t l = m; l > lo && cmp(v[l - 1], v[l]) > 0; --l) std::swap(v[l], v[l - 1]);
}

// Sorts v[lo, lo + n) as far as ranks [lr, rr] need (rr may be lr - 1: nothing needed).
template <typename T, typename Cmp>
void Sort(T* v, size_t lo, size_t n, Cmp& cmp, int64_t lr, int64_t rr) {
  for (;;) {
    if (n < 7) return InsertionSort(v, lo, n, cmp);
    size_t pm = lo + n / 2;
    if (n > 7) {
      size_t pl = lo, pn = lo + n - 1;
      if (n > 40) {
        size_t d = n / 8;
        pl = Med3(v, pl, pl + d, pl + 2 * d, cmp);
        pm = Med3(v, pm - d, pm, pm + d, cmp);
        pn = Med3(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = Med3(v, pl, pm, pn, cmp);
    }
    std::swap(v[lo], v[pm]);
    // Signed positions: pc may step to just before pb.
    int64_t pa = static_cast<int64_t>(lo) + 1, pb = pa;
    int64_t pc = static_cast<int64_t>(lo + n - 1), pd = pc;
    for (;;) {
      int r;
      while (pb <= pc && (r = cmp(v[pb], v[lo])) <= 0) {
        if (r == 0) {
          std::swap(v[pa], v[pb]);
          ++pa;
        }
        ++pb;
      }
      while (pb <= pc && (r = cmp(v[pc], v[lo])) >= 0) {
        if (r == 0) {
          std::swap(v[pc], v[pd]);
          --pd;
        }
        --pc;
      }
      if (pb > pc) break;
      std::swap(v[pb], v[pc]);
      ++pb;
      --pc;
    }
    const int64_t l0 = static_cast<int64_t>(lo), pn = static_cast<int64_t>(lo + n);
    int64_t r = std::min(pa - l0, pb - pa);
    VecSwap(v, lo, static_cast<size_t>(pb - r), static_cast<size_t>(r));
    r = std::min(pd - pc, pn - pd - 1);
    VecSwap(v, static_cast<size_t>(pb), static_cast<size_t>(pn - r), static_cast<size_t>(r));
    // Recurse into a part only if it overlaps the wanted ranks.
    auto wanted = [&](int64_t first, int64_t count) {
      int64_t last = first + count - 1;
      return !((lr < first && rr < first) || (lr > last && rr > last));
    };
    if ((r = pb - pa) > 1 && wanted(l0, r)) Sort(v, lo, static_cast<size_t>(r), cmp, lr, rr);
    if ((r = pd - pc) > 1) {
      lo = static_cast<size_t>(pn - r);
      n = static_cast<size_t>(r);
      if (wanted(static_cast<int64_t>(lo), r)) continue;
    }
    return;
  }
}

}  // namespace pqsort_detail

// Sorts v[0, n) enough that ranks lrange..rrange hold what a full sort would put there.
template <typename T, typename Cmp>
void PartialQsort(T* v, size_t n, Cmp cmp, int64_t lrange, int64_t rrange) {
  pqsort_detail::Sort(v, 0, n, cmp, lrange, rrange);
}

}  // namespace ks
