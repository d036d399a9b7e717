#pragma once
// Bit-level helpers for the bitmap commands (Redis's bitops.c semantics): bits are numbered
// from the most significant bit of byte 0, so bit 0 is 0x80 of the first byte.
#include <cstddef>
#include <cstdint>

namespace ks::bits {

// Set bits in n bytes.
int64_t Popcount(const uint8_t* p, size_t n);

// Position of the first bit equal to `bit` (0 or 1) in n bytes, or -1 if there is none.
int64_t FirstBit(const uint8_t* p, size_t n, int bit);

// BITFIELD's integers: `bits` bits (1..64) starting at bit `offset`, most significant first.
// The bytes touched must exist.
uint64_t GetUnsigned(const uint8_t* p, uint64_t offset, int bits);
int64_t GetSigned(const uint8_t* p, uint64_t offset, int bits);
void SetUnsigned(uint8_t* p, uint64_t offset, int bits, uint64_t value);

enum class Overflow : uint8_t { kWrap, kSat, kFail };

// Redis's checkUnsignedBitfieldOverflow / checkSignedBitfieldOverflow: whether value + incr
// leaves the range of a `bits`-wide integer; if so *limit is the wrapped or saturated result
// (untouched under kFail). Returns 0, or non-zero on overflow.
int CheckUnsignedOverflow(uint64_t value, int64_t incr, int bits, Overflow ow, uint64_t* limit);
int CheckSignedOverflow(int64_t value, int64_t incr, int bits, Overflow ow, int64_t* limit);

}  // namespace ks::bits
