#include "common/bitops.h"

#include <cstring>

namespace ks::bits {

int64_t Popcount(const uint8_t* p, size_t n) {
  int64_t count = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    count += __builtin_popcountll(w);
  }
  for (; i < n; ++i) count += __builtin_popcount(p[i]);
  return count;
}

int64_t FirstBit(const uint8_t* p, size_t n, int bit) {
  const uint8_t skip = bit ? 0x00 : 0xff;  // a byte with no bit of interest
  size_t i = 0;
  // Whole words first: the common case is a long run of skippable bytes.
  const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w != skip_word) break;
  }
  for (; i < n; ++i) {
    if (p[i] == skip) continue;
    uint8_t b = bit ? p[i] : static_cast<uint8_t>(~p[i]);
    return static_cast<int64_t>(i) * 8 + (__builtin_clz(static_cast<unsigned>(b)) - 24);
  }
  return -1;
}

uint64_t GetUnsigned(const uint8_t* p, uint64_t offset, int bits) {
  uint64_t value = 0;
  for (int j = 0; j < bits; ++j, ++offset) {
    uint64_t bitval = (p[offset >> 3] >> (7 - (offset & 7))) & 1;
    value = (value << 1) | bitval;
  }
  return value;
}

int64_t GetSigned(const uint8_t* p, uint64_t offset, int bits) {
  uint64_t u = GetUnsigned(p, offset, bits);
  if (bits < 64 && (u & (uint64_t{1} << (bits - 1)))) u |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(u);
}

void SetUnsigned(uint8_t* p, uint64_t offset, int bits, uint64_t value) {
  for (int j = 0; j < bits; ++j, ++offset) {
    uint64_t bitval = (value >> (bits - 1 - j)) & 1;
    uint8_t shift = static_cast<uint8_t>(7 - (offset & 7));
    uint8_t& byte = p[offset >> 3];
    byte = static_cast<uint8_t>((byte & ~(1u << shift)) | (bitval << shift));
  }
}

int CheckUnsignedOverflow(uint64_t value, int64_t incr, int bits, Overflow ow, uint64_t* limit) {
  const uint64_t max = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  const int64_t maxincr = static_cast<int64_t>(max - value);
  const int64_t minincr = static_cast<int64_t>(uint64_t{0} - value);
  auto wrap = [&] {
    uint64_t res = value + static_cast<uint64_t>(incr);
    if (bits < 64) res &= ~(~uint64_t{0} << bits);
    *limit = res;
  };
  if (value > max || (incr > 0 && incr > maxincr)) {
    if (ow == Overflow::kWrap) wrap();
    else if (ow == Overflow::kSat) *limit = max;
    return 1;
  }
  if (incr < 0 && incr < minincr) {
    if (ow == Overflow::kWrap) wrap();
    else if (ow == Overflow::kSat) *limit = 0;
    return -1;
  }
  return 0;
}

int CheckSignedOverflow(int64_t value, int64_t incr, int bits, Overflow ow, int64_t* limit) {
  const int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  const int64_t min = -max - 1;
  // As in Redis these two may wrap; they are only used once value is known to be in range.
  const int64_t maxincr = static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  const int64_t minincr = static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  auto wrap = [&] {
    uint64_t c = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    if (bits < 64) {
      uint64_t mask = ~uint64_t{0} << bits;
      if (c & (uint64_t{1} << (bits - 1))) c |= mask;
      else c &= ~mask;
    }
    *limit = static_cast<int64_t>(c);
  };
  if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr)) {
    if (ow == Overflow::kWrap) wrap();
    else if (ow == Overflow::kSat) *limit = max;
    return 1;
  }
  if (value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr)) {
    if (ow == Overflow::kWrap) wrap();
    else if (ow == Overflow::kSat) *limit = min;
    return -1;
  }
  return 0;
}

}  // namespace ks::bits
