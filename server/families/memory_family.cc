// MEMORY USAGE and MEMORY STATS from the engines' own accounting (engine/db.h: every key is
// charged its Entry allocation plus its collection object, and each slot table its buckets).
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>

#include "common/strconv.h"
#include "engine/object_ops.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/families/memory_stats.h"

namespace ks {

int64_t ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  long long pages = 0, resident = 0;
  if (!(in >> pages >> resident)) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}

MemoryFigures CollectMemory(ServerState& st) {
  MemoryFigures m;
  ShardSet& shards = st.shards();
  m.engines.resize(static_cast<size_t>(shards.size()));
  for (int i = 0; i < shards.size(); ++i) {
    Engine& e = shards.engine(i);
    EngineMemory& em = m.engines[static_cast<size_t>(i)];
    EngineGuard lk(e);
    em.used = static_cast<int64_t>(e.UsedBytes());
    em.maxmemory = static_cast<int64_t>(e.memory_policy().maxmemory);
    em.policy = e.memory_policy().policy;
    for (int d = 0; d < kNumDbs; ++d) em.keys += static_cast<int64_t>(e.KeyCount(d));
    m.dataset += em.used;
    m.keys += em.keys;
  }
  m.startup = st.startup_bytes();
  m.used = m.startup + m.dataset;
  m.rss = ResidentBytes();
  struct mallinfo2 mi = mallinfo2();
  m.allocator = static_cast<int64_t>(mi.uordblks + mi.hblkhd);
  return m;
}

namespace {

// MEMORY USAGE key [SAMPLES count]: like Redis, the key is found without expiring or touching
// it; SAMPLES is parsed and checked but keyshard's sizes are exact, so it changes nothing.
void MemoryUsage(CommandContext& ctx) {
  for (size_t j = 3; j < ctx.argc(); ++j) {
    if (EqualsNoCase(ctx.arg(j), "samples") && j + 1 < ctx.argc()) {
      int64_t samples;
      if (!StrToLL(ctx.arg(j + 1), &samples)) return ctx.rb.Error(err::kNotInteger);
      if (samples < 0) return ctx.rb.Error(err::kSyntax);
      ++j;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  const KeyRef& k = ctx.keys[0];
  Entry* e = ctx.engine(k).db(ctx.db()).Find(k.slot, k.key);
  if (!e) return ctx.rb.Null();
  size_t bytes = e->AllocatedBytes() + sizeof(Entry*);  // the entry and its slot-table cell
  if (e->type() != ObjType::kString) bytes += ObjectBytes(e->type(), e->obj());
  ctx.rb.Int(static_cast<int64_t>(bytes));
}

void MemoryStats(CommandContext& ctx) {
  MemoryFigures m = CollectMemory(ctx.server);
  auto ratio = [](int64_t a, int64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  ctx.rb.Map(11 + m.engines.size());
  ctx.rb.Bulk("total.allocated");
  ctx.rb.Int(m.used);
  ctx.rb.Bulk("startup.allocated");
  ctx.rb.Int(m.startup);
  ctx.rb.Bulk("keys.count");
  ctx.rb.Int(m.keys);
  ctx.rb.Bulk("keys.bytes-per-key");
  ctx.rb.Int(m.keys ? m.dataset / m.keys : 0);
  ctx.rb.Bulk("dataset.bytes");
  ctx.rb.Int(m.dataset);
  ctx.rb.Bulk("dataset.percentage");
  ctx.rb.Double(100.0 * ratio(m.dataset, m.used));
  ctx.rb.Bulk("allocator.allocated");
  ctx.rb.Int(m.allocator);
  ctx.rb.Bulk("allocator.resident");
  ctx.rb.Int(m.rss);
  ctx.rb.Bulk("rss-overhead.bytes");
  ctx.rb.Int(m.rss - m.allocator);
  ctx.rb.Bulk("fragmentation");
  ctx.rb.Double(ratio(m.rss, m.used));
  ctx.rb.Bulk("fragmentation.bytes");
  ctx.rb.Int(m.rss - m.used);
  // keyshard's own: each engine's figure, budget and policy, as db.N is in Redis.
  for (size_t i = 0; i < m.engines.size(); ++i) {
    const EngineMemory& em = m.engines[i];
    ctx.rb.Bulk("engine." + std::to_string(i));
    ctx.rb.Map(4);
    ctx.rb.Bulk("used");
    ctx.rb.Int(em.used);
    ctx.rb.Bulk("maxmemory");
    ctx.rb.Int(em.maxmemory);
    ctx.rb.Bulk("maxmemory-policy");
    ctx.rb.Bulk(PolicyName(em.policy));
    ctx.rb.Bulk("keys");
    ctx.rb.Int(em.keys);
  }
}

void MemoryHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Print this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

}  // namespace

void RegisterMemoryFamily(CommandRegistry& reg) {
  reg.Add(ContainerRow("memory", "server", "4.0.0",
                       "Memory figures of keys and of the server, from the engines' accounting.", {
               {.name = "help",
                .arity = 2,
                .flags = "loading stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow",
                .handler = MemoryHelp,
                .lock = LockMode::kSelf,
                .group = "server", .since = "4.0.0",
                .summary = "Shows helpful text about the different subcommands.",
                .complexity = "O(1)"},
               {.name = "usage",
                .arity = -3,
                .flags = "readonly",
                .first_key = 2, .last_key = 2, .step = 1,
                .acl = "@read @slow",
                .key_specs = {{.flags = "RO", .begin_index = 2, .last_key = 0, .key_step = 1, .limit = 0}},
                .handler = MemoryUsage,
                .group = "server", .since = "4.0.0",
                .summary = "Bytes a key and its value take in its engine.",
                .complexity = "O(1): collections keep their size."},
               {.name = "stats",
                .arity = 2,
                .flags = "",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow",
                .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
                .handler = MemoryStats,
                .lock = LockMode::kSelf,
                .group = "server", .since = "4.0.0",
                .summary = "Memory usage details of the server and of each engine.",
                .complexity = "O(1)"},
           }));
}

}  // namespace ks
