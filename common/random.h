#pragma once
// Random numbers for commands that pick at random (SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER,
// RANDOMKEY). Rng is a small generator a command owns for its duration; RandomSource, owned by
// the server, hands one out per command from one seed, so tests can seed it and get the same
// picks every run.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace ks {

// SplitMix64: 64 bits of state, passes BigCrush, and any seed is a good one. Meets
// UniformRandomBitGenerator, so std::shuffle and the <random> distributions take it.
class Rng {
 public:
  using result_type = uint64_t;
  explicit Rng(uint64_t seed) : state_(seed) {}

  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return UINT64_MAX; }
  uint64_t operator()() { return Mix(state_ += kGamma); }

  // Uniform in [0, n), n > 0, without the bias of a plain modulo (Lemire's multiply-and-reject).
  uint64_t Below(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>((*this)()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = -n % n;  // 2^64 mod n
      while (low < threshold) {
        m = static_cast<unsigned __int128>((*this)()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  static constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ull;
  static constexpr uint64_t Mix(uint64_t x) {
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
  }

 private:
  uint64_t state_;
};

// One stream per I/O thread, all derived from one seed. ForThread costs one relaxed atomic add
// on the thread's own cache line: no lock, and still correct if two threads ever share an index
// (a script or a served blocked client running on another thread), since the add is atomic.
class RandomSource {
 public:
  static constexpr int kMaxThreads = 256;

  explicit RandomSource(uint64_t seed) { Seed(seed); }

  // Restarts every stream from seed: the same seed and the same commands give the same picks.
  void Seed(uint64_t seed) {
    for (size_t i = 0; i < streams_.size(); ++i)
      streams_[i].state.store(Rng::Mix(seed + (i + 1) * Rng::kGamma), std::memory_order_relaxed);
  }

  // A generator for one command run by I/O thread `thread` (0 <= thread < kMaxThreads).
  Rng ForThread(int thread) {
    uint64_t x = streams_[static_cast<size_t>(thread)].state.fetch_add(Rng::kGamma, std::memory_order_relaxed);
    return Rng(Rng::Mix(x + Rng::kGamma));
  }

 private:
  struct alignas(64) Stream {
    std::atomic<uint64_t> state{0};
  };
  std::array<Stream, kMaxThreads> streams_;
};

}  // namespace ks
