#pragma once
// Process-wide memory figures, shared by INFO memory and MEMORY STATS.
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/eviction.h"

namespace ks {

class ServerState;

struct EngineMemory {
  int64_t used = 0;       // Engine::UsedBytes
  int64_t maxmemory = 0;  // its budget; 0 unlimited
  int64_t keys = 0;
  EvictionPolicy policy = EvictionPolicy::kNoEviction;
};

struct MemoryFigures {
  int64_t dataset = 0;    // sum of the engines' figures
  int64_t startup = 0;    // heap in use before any data
  int64_t used = 0;       // startup + dataset: what maxmemory is compared with, as used_memory
  int64_t rss = 0;        // resident set size of the process
  int64_t allocator = 0;  // bytes glibc malloc reports in use (mallinfo2)
  int64_t keys = 0;
  std::vector<EngineMemory> engines;
};

// Locks each engine in turn (never more than one at a time); engines the thread's Execution
// holds (a script or EXEC running INFO/MEMORY) are read as they are (ThreadHeldEngines).
MemoryFigures CollectMemory(ServerState& st);
int64_t ResidentBytes();

}  // namespace ks
