#pragma once
// Key -> hash slot, exactly as Redis Cluster computes it: CRC16-XMODEM of the key (or of the
// first non-empty {hash tag} in it) modulo 16384.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ks {

uint16_t Crc16(const char* buf, size_t len);
uint16_t KeySlot(std::string_view key);

}  // namespace ks
