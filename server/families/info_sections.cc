// INFO's replication, cpu, commandstats, errorstats, latencystats, cluster, keyspace and
// keyshard sections.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "server/core/remote_shards.h"
#include "server/core/server_state.h"
#include "server/families/info_format.h"
#include "server/families/info_sections.h"
#include "server/families/memory_stats.h"

namespace ks {

using info::Field;
using info::FieldF;
using info::FieldU;

// A master without replicas, until replication exists.
void InfoReplication(std::string& out, InfoInput& in) {
  Field(out, "role", "master");
  Field(out, "connected_slaves", 0);
  Field(out, "master_failover_state", "no-failover");
  Field(out, "master_replid", in.st.replid());
  Field(out, "master_replid2", std::string(40, '0'));
  Field(out, "master_repl_offset", 0);
  Field(out, "second_repl_offset", -1);
  Field(out, "repl_backlog_active", 0);
  Field(out, "repl_backlog_size", 1048576);
  Field(out, "repl_backlog_first_byte_offset", 0);
  Field(out, "repl_backlog_histlen", 0);
}

namespace {

std::string Seconds(const timeval& tv) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%ld.%06ld", static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
  return buf;
}

// User and system time of one thread, from /proc (getrusage(RUSAGE_THREAD) only measures
// the calling thread).
bool ThreadTimes(int tid, timeval* user, timeval* sys) {
  std::ifstream f("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return false;
  size_t p = line.rfind(')');
  if (p == std::string::npos) return false;
  std::istringstream rest(line.substr(p + 2));
  std::string field;
  long long utime = 0, stime = 0;
  // After the command name: state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  const long hz = sysconf(_SC_CLK_TCK);
  auto conv = [hz](long long ticks) {
    timeval tv;
    tv.tv_sec = static_cast<time_t>(ticks / hz);
    tv.tv_usec = static_cast<suseconds_t>((ticks % hz) * 1000000 / hz);
    return tv;
  };
  *user = conv(utime);
  *sys = conv(stime);
  return true;
}

}  // namespace

void InfoCpu(std::string& out, InfoInput& in) {
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  Field(out, "used_cpu_sys", Seconds(self.ru_stime));
  Field(out, "used_cpu_user", Seconds(self.ru_utime));
  Field(out, "used_cpu_sys_children", Seconds(children.ru_stime));
  Field(out, "used_cpu_user_children", Seconds(children.ru_utime));
  timeval user{}, sys{};
  ThreadTimes(in.st.main_thread_tid(), &user, &sys);
  Field(out, "used_cpu_sys_main_thread", Seconds(sys));
  Field(out, "used_cpu_user_main_thread", Seconds(user));
}

void InfoCommandStats(std::string& out, InfoInput& in) {
  CommandStats& cs = in.st.command_stats();
  for (const CommandSpec* spec : in.st.commands().by_id()) {
    CommandTotals t = cs.Totals(spec->id);
    if (!t.calls && !t.failed && !t.rejected) continue;
    char buf[256];
    std::snprintf(buf, sizeof buf, "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
                  static_cast<unsigned long long>(t.calls), static_cast<unsigned long long>(t.usec),
                  t.calls ? static_cast<double>(t.usec) / static_cast<double>(t.calls) : 0.0,
                  static_cast<unsigned long long>(t.rejected), static_cast<unsigned long long>(t.failed));
    Field(out, "cmdstat_" + spec->full_name, buf);
  }
}

void InfoErrorStats(std::string& out, InfoInput& in) {
  for (const auto& [code, n] : in.st.command_stats().Errors()) Field(out, "errorstat_" + code, "count=" + std::to_string(n));
}

void InfoLatencyStats(std::string& out, InfoInput& in) {
  CommandStats& cs = in.st.command_stats();
  const std::vector<double> percentiles = ParsePercentiles(in.cfg.latency_tracking_info_percentiles);
  for (const CommandSpec* spec : in.st.commands().by_id()) {
    LatencyHistogram h;
    if (!cs.Histogram(spec->id, &h)) continue;
    std::string v;
    for (size_t j = 0; j < percentiles.size(); ++j) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "p%s=%.3f", FormatPercentile(percentiles[j]).c_str(),
                    static_cast<double>(h.ValueAtPercentile(percentiles[j])) / 1000.0);
      if (j) v += ",";
      v += buf;
    }
    Field(out, "latency_percentiles_usec_" + spec->full_name, v);
  }
}

void InfoCluster(std::string& out, InfoInput&) { Field(out, "cluster_enabled", 0); }

void InfoKeyspace(std::string& out, InfoInput& in) {
  for (int d = 0; d < kNumDbs; ++d) {
    int64_t keys = 0, expires = 0;
    for (auto& e : in.engines) {
      keys += e.per_db[d].first;
      expires += e.per_db[d].second;
    }
    // avg_ttl is not sampled by keyshard's expiry cycle; 0 is Redis's "unknown".
    if (keys)
      Field(out, "db" + std::to_string(d),
            "keys=" + std::to_string(keys) + ",expires=" + std::to_string(expires) + ",avg_ttl=0");
  }
}

void InfoKeyshard(std::string& out, InfoInput& in) {
  MemoryFigures m = CollectMemory(in.st);
  Field(out, "engines", static_cast<int64_t>(in.engines.size()));
  for (size_t i = 0; i < in.engines.size(); ++i) {
    const EngineCounts& e = in.engines[i];
    Field(out, "engine" + std::to_string(i),
          "keys=" + std::to_string(e.keys) + ",expires=" + std::to_string(e.expires) +
              ",hits=" + std::to_string(e.stats.keyspace_hits) + ",misses=" + std::to_string(e.stats.keyspace_misses) +
              ",expired=" + std::to_string(e.stats.expired_keys) + ",evicted=" + std::to_string(e.stats.evicted_keys) +
              ",used_memory=" + std::to_string(m.engines[i].used) + ",maxmemory=" + std::to_string(m.engines[i].maxmemory) +
              ",maxmemory_policy=" + std::string(PolicyName(m.engines[i].policy)));
  }
  // Remote shards, when configured: one line each, the last error last (it may hold commas).
  RemoteShards* remotes = in.st.remotes();
  if (!remotes) return;
  const std::vector<RemoteStatus> rs = remotes->Status();
  Field(out, "remotes", static_cast<int64_t>(rs.size()));
  for (size_t i = 0; i < rs.size(); ++i) {
    const RemoteStatus& r = rs[i];
    char latency[32];
    std::snprintf(latency, sizeof latency, "%.3f", r.latency_ms);
    std::string last = r.last_error;
    for (char& c : last)
      if (c == '\r' || c == '\n') c = ' ';
    Field(out, "remote" + std::to_string(i),
          "name=" + r.name + ",address=" + r.address + ",state=" + r.state + ",in_flight=" + std::to_string(r.in_flight) +
              ",requests=" + std::to_string(r.requests) + ",errors=" + std::to_string(r.errors) +
              ",timeouts=" + std::to_string(r.timeouts) + ",reconnects=" + std::to_string(r.reconnects) +
              ",latency_ms=" + latency + ",keys=" + std::to_string(r.keys) + ",used_memory=" + std::to_string(r.used_memory) +
              ",last_error=" + last);
  }
}

}  // namespace ks
