#pragma once
// Memory budget and eviction policy of one engine, with Redis 7.0's semantics (evict.c):
// the eight maxmemory policies, the LFU counter (logarithmic increment, decay per minute) kept
// in the Entry's 24-bit access field, and the pool of best eviction candidates that sampling
// refills.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ks {

enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
};

std::string_view PolicyName(EvictionPolicy p);
std::optional<EvictionPolicy> ParsePolicy(std::string_view name);  // case-insensitive
inline bool IsLfu(EvictionPolicy p) { return p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kVolatileLfu; }
inline bool IsVolatile(EvictionPolicy p) {
  return p == EvictionPolicy::kVolatileLru || p == EvictionPolicy::kVolatileLfu ||
         p == EvictionPolicy::kVolatileRandom || p == EvictionPolicy::kVolatileTtl;
}

// An engine's budget; maxmemory 0 means unlimited (no eviction, no OOM).
struct MemoryPolicy {
  uint64_t maxmemory = 0;
  EvictionPolicy policy = EvictionPolicy::kNoEviction;
  int samples = 5;
  int tenacity = 10;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;  // minutes per counter decrement; 0 never decays
};

// Redis's LFU field: 16 bits of minutes (last decrement time) << 8 | 8-bit log counter.
inline constexpr uint32_t kLfuInitVal = 5;
inline uint32_t LfuMinutes(uint32_t lru_clock_seconds) { return (lru_clock_seconds / 60) & 0xFFFF; }
// The counter after applying decay for the minutes elapsed since its last decrement.
uint32_t LfuDecrAndReturn(uint32_t access, uint32_t now_minutes, int decay_time);
// Increments counter with probability 1/((counter - init) * log_factor + 1); r in [0,1).
uint32_t LfuLogIncr(uint32_t counter, int log_factor, double r);

// Outcome of making room before a write (Redis's EVICT_OK / EVICT_RUNNING / EVICT_FAIL).
enum class EvictStatus { kOk, kRunning, kFail };

// Best eviction candidates seen across samples, ascending by idle score; the engine evicts
// from the back. Larger than Redis's 16, so a candidate must beat more samples to be chosen.
struct EvictionCandidate {
  uint64_t idle = 0;
  int db = 0;
  uint16_t slot = 0;
  std::string key;
};
inline constexpr int kEvictionPoolSize = 32;

}  // namespace ks
