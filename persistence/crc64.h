#pragma once
// Redis's CRC-64 (Jones polynomial, reflected, as in src/crc64.c): the RDB file trailer and
// the DUMP payload checksum.
#include <cstddef>
#include <cstdint>

namespace ks {

uint64_t Crc64(uint64_t crc, const void* data, size_t len);

}  // namespace ks
