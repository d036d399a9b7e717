#include "persistence/crc64.h"

#include <array>

namespace ks {
namespace {

// Reflected Jones polynomial 0xad93d23594c935a9; table-driven, one byte per step.
constexpr std::array<uint64_t, 256> MakeTable() {
  std::array<uint64_t, 256> t{};
  constexpr uint64_t kPoly = 0x95ac9329ac4bc9b5ULL;  // bit-reversal of 0xad93d23594c935a9
  for (uint64_t i = 0; i < 256; ++i) {
    uint64_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kTable = MakeTable();

}  // namespace

uint64_t Crc64(uint64_t crc, const void* data, size_t len) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < len; ++i) crc = kTable[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace ks
