// MEMORY USAGE and MEMORY STATS from the engines' own accounting (engine/db.h: every key is
// charged its Entry allocation plus its collection object, and each slot table its buckets).
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
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

// MEMORY DOCTOR: Redis's getMemoryDoctorReport over keyshard's figures (glibc's malloc takes
// jemalloc's place for the allocator ratios; there are no replicas or scripts).
void MemoryDoctor(CommandContext& ctx) {
  MemoryFigures m = CollectMemory(ctx.server);
  const int64_t peak = ctx.server.NotePeakMemory(m.used);
  struct mallinfo2 mi = mallinfo2();
  const int64_t allocated = static_cast<int64_t>(mi.uordblks + mi.hblkhd);
  const int64_t active = static_cast<int64_t>(mi.arena + mi.hblkhd);
  auto ratio = [](int64_t a, int64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  int64_t client_bufs = 0, clients = 0;
  for (const auto& c : ctx.server.clients().Snapshot()) {
    client_bufs += static_cast<int64_t>(c->query_buf_bytes.load() + c->output_buf_bytes.load());
    ++clients;
  }
  bool empty = false, big_peak = false, high_frag = false, high_alloc_frag = false, high_alloc_rss = false,
       big_client_buf = false;
  int reports = 0;
  if (m.used < 5 * 1024 * 1024) {
    empty = true;
    ++reports;
  } else {
    if (ratio(peak, m.used) > 1.5) big_peak = true, ++reports;
    if (ratio(m.rss, m.used) > 1.4 && m.rss - m.used > (10 << 20)) high_frag = true, ++reports;
    if (ratio(active, allocated) > 1.1 && active - allocated > (10 << 20)) high_alloc_frag = true, ++reports;
    if (ratio(m.rss, active) > 1.1 && m.rss - active > (10 << 20)) high_alloc_rss = true, ++reports;
    if (clients && client_bufs / clients > 1024 * 200) big_client_buf = true, ++reports;
  }
  std::string s;
  if (reports == 0) {
    s = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  } else if (empty) {
    s = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these "
        "conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be "
        "back to our programming as soon as I finished rebooting.\n";
  } else {
    s = "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
    if (big_peak)
      s += " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The "
           "allocator is normally not able to release memory after a peak, so you can expect to see a big "
           "fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the "
           "Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon "
           "as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try "
           "to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown "
           "and restart the instance.\n\n";
    if (high_frag)
      s += " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means "
           "that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations "
           "Redis performed). This problem is usually due either to a large peak memory (check if there is a peak "
           "memory entry above in the report) or may result from a workload that causes the allocator to fragment "
           "memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are "
           "using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is "
           "\"libc\".\n\n";
    if (high_alloc_frag)
      s += " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. "
           "This problem is usually due either to a large peak memory (check if there is a peak memory entry above in "
           "the report) or may result from a workload that causes the allocator to fragment memory a lot. You can "
           "try enabling 'activedefrag' config option.\n\n";
    if (high_alloc_rss)
      s += " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means "
           "that the Resident Set Size of the allocator is much larger than the sum what the allocator actually "
           "holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above "
           "in the report), you can try the MEMORY PURGE command to reclaim it.\n\n";
    if (big_client_buf)
      s += " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on "
           "average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not "
           "receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending "
           "commands with large replies or very large sequences of commands in the same pipeline. Please use the "
           "CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to "
           "understand better why certain clients are using a big amount of memory.\n\n";
    s += "I'm here to keep you safe, Sam. I want to help you.\n";
  }
  ctx.rb.Verbatim(s);
}

// MEMORY MALLOC-STATS: glibc's own report (malloc_info's XML), where Redis prints jemalloc's.
void MemoryMallocStats(CommandContext& ctx) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  if (!f) return ctx.rb.Bulk("Stats not supported for the current allocator");
  malloc_info(0, f);
  std::fclose(f);
  std::string text(buf, len);
  std::free(buf);
  ctx.rb.Verbatim(text);
}

// MEMORY PURGE: hands free heap pages back to the system (glibc's malloc_trim).
void MemoryPurge(CommandContext& ctx) {
  malloc_trim(0);
  ctx.rb.Ok();
}

void MemoryHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
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
               {.name = "doctor",
                .arity = 2,
                .flags = "",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow",
                .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
                .handler = MemoryDoctor,
                .lock = LockMode::kSelf,
                .group = "server", .since = "4.0.0",
                .summary = "Outputs a memory problems report.",
                .complexity = "O(1)"},
               {.name = "malloc-stats",
                .arity = 2,
                .flags = "",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow",
                .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
                .handler = MemoryMallocStats,
                .lock = LockMode::kSelf,
                .group = "server", .since = "4.0.0",
                .summary = "Returns the allocator statistics.",
                .complexity = "Depends on how much memory is allocated, could be slow"},
               {.name = "purge",
                .arity = 2,
                .flags = "",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow",
                .tips = "request_policy:all_shards response_policy:all_succeeded",
                .handler = MemoryPurge,
                .lock = LockMode::kSelf,
                .group = "server", .since = "4.0.0",
                .summary = "Asks the allocator to release memory.",
                .complexity = "Depends on how much memory is allocated, could be slow"},
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
