#include "server/core/latency_monitor.h"

#include <cmath>
#include <cstdio>

#include "common/strconv.h"

namespace ks {

std::vector<LatencySample> LatencySeries::InOrder() const {
  std::vector<LatencySample> v;
  for (size_t j = 0; j < kLen; ++j) {
    const LatencySample& s = samples[(idx + j) % kLen];
    if (s.time != 0) v.push_back(s);
  }
  return v;
}

void LatencyMonitor::Add(std::string_view event, int64_t now_sec, uint32_t latency_ms) {
  std::lock_guard lk(mu_);
  auto it = events_.find(std::string(event));
  if (it == events_.end()) it = events_.emplace(std::string(event), LatencySeries{}).first;
  LatencySeries& ts = it->second;
  if (latency_ms > ts.max) ts.max = latency_ms;
  // A second sample within the same second only raises that second's figure.
  LatencySample& prev = ts.samples[(ts.idx + LatencySeries::kLen - 1) % LatencySeries::kLen];
  if (prev.time == static_cast<int32_t>(now_sec)) {
    if (latency_ms > prev.latency) prev.latency = latency_ms;
    return;
  }
  ts.samples[ts.idx] = {static_cast<int32_t>(now_sec), latency_ms};
  ts.idx = (ts.idx + 1) % LatencySeries::kLen;
}

std::map<std::string, LatencySeries> LatencyMonitor::Snapshot() const {
  std::lock_guard lk(mu_);
  return events_;
}

size_t LatencyMonitor::Reset(const std::vector<std::string>& names) {
  std::lock_guard lk(mu_);
  if (names.empty()) {
    size_t n = events_.size();
    events_.clear();
    return n;
  }
  size_t n = 0;
  for (auto it = events_.begin(); it != events_.end();) {
    bool match = false;
    for (const auto& name : names) match |= EqualsNoCase(name, it->first);
    if (match) {
      it = events_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

LatencyStats LatencyMonitor::Analyze(const LatencySeries& ts, int64_t now_sec) {
  LatencyStats ls;
  ls.all_time_high = ts.max;
  uint64_t sum = 0;
  for (const LatencySample& s : ts.samples) {
    if (s.time == 0) continue;
    ++ls.samples;
    if (ls.samples == 1) {
      ls.min = ls.max = s.latency;
    } else {
      ls.min = std::min(ls.min, s.latency);
      ls.max = std::max(ls.max, s.latency);
    }
    sum += s.latency;
    if (ls.period == 0 || s.time < ls.period) ls.period = s.time;
  }
  if (ls.samples) {
    ls.avg = static_cast<uint32_t>(sum / ls.samples);
    ls.period = now_sec - ls.period;
    if (ls.period == 0) ls.period = 1;
  }
  sum = 0;
  for (const LatencySample& s : ts.samples) {
    if (s.time == 0) continue;
    int64_t delta = static_cast<int64_t>(ls.avg) - s.latency;
    sum += static_cast<uint64_t>(delta < 0 ? -delta : delta);
  }
  if (ls.samples) ls.mad = static_cast<uint32_t>(sum / ls.samples);
  return ls;
}

namespace {

// Redis's sparkline.c, with its SPARKLINE_FILL rendering.
struct SparkSample {
  double value;
  std::string label;
};

void RenderRange(std::string& out, const std::vector<SparkSample>& seq, double min, double max, int rows,
                 size_t offset, size_t len) {
  static const char kFill[] = "_o#";
  constexpr int kCharsetLen = 3;
  constexpr int kLabelMarginTop = 1;
  double relmax = max - min;
  if (relmax == 0) relmax = 1;
  const int steps = kCharsetLen * rows;
  bool labels = false;
  for (const auto& s : seq) labels |= !s.label.empty();
  int row = 0;
  for (bool loop = true; loop;) {
    loop = false;
    std::string chars(len, ' ');
    for (size_t j = 0; j < len; ++j) {
      const SparkSample& s = seq[j + offset];
      const double relval = s.value - min;
      int step = static_cast<int>(static_cast<int>(relval * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < rows) {
        const int charidx = step - ((rows - row - 1) * kCharsetLen);
        loop = true;
        if (charidx >= 0 && charidx < kCharsetLen)
          chars[j] = kFill[charidx];
        else if (charidx >= kCharsetLen)
          chars[j] = '|';
      } else {
        if (labels && row - rows < kLabelMarginTop) {
          loop = true;
          break;
        }
        const int label_char = row - rows - kLabelMarginTop;
        if (static_cast<int>(s.label.size()) > label_char) {
          loop = true;
          chars[j] = s.label[static_cast<size_t>(label_char)];
        }
      }
    }
    if (loop) {
      ++row;
      out += chars;
      out += '\n';
    }
  }
}

}  // namespace

std::string LatencyGraph(std::string_view event, const LatencySeries& ts, int64_t now_sec) {
  constexpr size_t kCols = 80;
  std::vector<SparkSample> seq;
  uint32_t min = 0, max = 0;
  double smin = 0, smax = 0;
  for (const LatencySample& s : ts.InOrder()) {
    if (seq.empty()) {
      min = max = s.latency;
      smin = smax = s.latency;
    } else {
      max = std::max(max, s.latency);
      min = std::min(min, s.latency);
      // sparklineSequenceAddSample's else-if: a value is checked against max only when it
      // is not a new minimum.
      if (s.latency < smin)
        smin = s.latency;
      else if (s.latency > smax)
        smax = s.latency;
    }
    const int64_t elapsed = now_sec - s.time;
    char buf[64];
    if (elapsed < 60)
      std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(elapsed));
    else if (elapsed < 3600)
      std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(elapsed / 60));
    else if (elapsed < 3600 * 24)
      std::snprintf(buf, sizeof buf, "%lldh", static_cast<long long>(elapsed / 3600));
    else
      std::snprintf(buf, sizeof buf, "%lldd", static_cast<long long>(elapsed / (3600 * 24)));
    seq.push_back({static_cast<double>(s.latency), buf});
  }
  char head[256];
  std::snprintf(head, sizeof head, " - high %lu ms, low %lu ms (all time high %lu ms)\n",
                static_cast<unsigned long>(max), static_cast<unsigned long>(min), static_cast<unsigned long>(ts.max));
  std::string out(event);
  out += head;
  out.append(kCols, '-');
  out += '\n';
  for (size_t j = 0; j < seq.size(); j += kCols) {
    const size_t sub = std::min(kCols, seq.size() - j);
    if (j != 0) out += '\n';
    RenderRange(out, seq, smin, smax, 4, j, sub);
  }
  return out;
}

std::string LatencyDoctorReport(const std::map<std::string, LatencySeries>& events, int64_t now_sec,
                                const LatencyDoctorSettings& cfg) {
  std::string report;
  if (events.empty() && cfg.threshold_ms == 0)
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
           "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep "
           "space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
  bool slowlog_enabled = false, slowlog_tuning = false, slowlog_inspect = false, disk_contention = false,
       scheduler = false, data_writeback = false, no_appendfsync = false, local_disk = false, ssd = false,
       write_load_info = false, hz = false, large_objects = false, mass_eviction = false, relax_fsync = false;
  int advices = 0;
  int eventnum = 0;
  auto is = [](const std::string& a, std::string_view b) { return EqualsNoCase(a, b); };
  for (const auto& [event, ts] : events) {
    ++eventnum;
    if (eventnum == 1)
      report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
    LatencyStats ls = LatencyMonitor::Analyze(ts, now_sec);
    char line[512];
    std::snprintf(line, sizeof line,
                  "%d. %s: %d latency spikes (average %lums, mean deviation %lums, period %.2f sec). Worst all time event %lums.",
                  eventnum, event.c_str(), static_cast<int>(ls.samples), static_cast<unsigned long>(ls.avg),
                  static_cast<unsigned long>(ls.mad),
                  ls.samples ? static_cast<double>(ls.period) / ls.samples : 0.0, static_cast<unsigned long>(ts.max));
    report += line;
    if (is(event, "command")) {
      if (cfg.slowlog_slower_than < 0) {
        slowlog_enabled = true;
        ++advices;
      } else if (cfg.slowlog_slower_than / 1000 > cfg.threshold_ms) {
        slowlog_tuning = true;
        ++advices;
      }
      slowlog_inspect = large_objects = true;
      advices += 2;
    }
    if (is(event, "fast-command")) {
      scheduler = true;
      ++advices;
    }
    if (is(event, "aof-write-pending-fsync")) {
      local_disk = disk_contention = ssd = data_writeback = true;
      advices += 4;
    }
    if (is(event, "aof-write-active-child")) {
      no_appendfsync = data_writeback = ssd = true;
      advices += 3;
    }
    if (is(event, "aof-write-alone")) {
      local_disk = data_writeback = ssd = true;
      advices += 3;
    }
    if (is(event, "aof-fsync-always")) {
      relax_fsync = true;
      ++advices;
    }
    if (is(event, "aof-fstat") || is(event, "rdb-unlink-temp-file")) {
      disk_contention = local_disk = true;
      advices += 2;
    }
    if (is(event, "aof-rewrite-diff-write") || is(event, "aof-rename")) {
      write_load_info = data_writeback = ssd = local_disk = true;
      advices += 4;
    }
    if (is(event, "expire-cycle")) {
      hz = large_objects = true;
      advices += 2;
    }
    if (is(event, "eviction-del")) {
      large_objects = true;
      ++advices;
    }
    if (is(event, "eviction-cycle")) {
      mass_eviction = true;
      ++advices;
    }
    report += "\n";
  }
  if (eventnum == 0 && advices == 0)
    return report +
           "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest "
           "bit. I honestly think you ought to sleep tonight.\n";
  if (eventnum > 0 && advices == 0)
    return report +
           "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis "
           "community to get some help, providing this report in your help request.\n";
  report += "\nI have a few advices for you:\n\n";
  const std::string threshold_us = std::to_string(static_cast<unsigned long long>(cfg.threshold_ms) * 1000);
  if (slowlog_enabled)
    report += "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log "
              "Redis feature using the command 'CONFIG SET slowlog-log-slower-than " + threshold_us +
              "'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n";
  if (slowlog_tuning)
    report += "- Your current Slow Log configuration only logs events that are slower than your configured latency "
              "monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than " + threshold_us + "'.\n";
  if (slowlog_inspect)
    report += "- Check your Slow Log to understand what are the commands you are running which are too slow to "
              "execute. Please check https://redis.io/commands/slowlog for more information.\n";
  if (scheduler)
    report += "- The system is slow to execute Redis code paths not containing system calls. This usually means the "
              "system does not provide Redis CPU time to run for long periods. You should try to:\n"
              "  1) Lower the system load.\n"
              "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
              "  3) Check if you have a \"noisy neighbour\" problem.\n"
              "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
              "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using "
              "Jemalloc. However this may create fragmentation problems.\n";
  if (local_disk)
    report += "- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote "
              "disks provided by platform-as-a-service providers are known to be slow.\n";
  if (ssd)
    report += "- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log "
              "rewriting (resulting in smaller memory usage). With extremely high write load SSD disks can be a "
              "good option. However Redis should perform reasonably with high load using normal disks. Use this "
              "advice as a last resort.\n";
  if (data_writeback)
    report += "- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to "
              "data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen "
              "that after a hard crash the AOF file will have a half-written command at the end and will require to "
              "be repaired before Redis restarts.\n";
  if (disk_contention)
    report += "- Try to lower the disk contention. This is often caused by other disk intensive processes running in "
              "the same computer (including other Redis instances).\n";
  if (no_appendfsync)
    report += "- Assuming from the point of view of data safety this is viable in your environment, you could try to "
              "enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a "
              "child rewriting the AOF file or producing an RDB file (the moment where there is high disk "
              "contention).\n";
  if (relax_fsync && cfg.fsync_always)
    report += "- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if "
              "possible try to relax the fsync policy to 'onesec'.\n";
  if (write_load_info)
    report += "- Latency during the AOF atomic rename operation or when the final difference is flushed to the AOF "
              "file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer to "
              "get very large. If possible try to send less commands to accomplish the same work, or use Lua scripts "
              "to group multiple operations into a single EVALSHA call.\n";
  if (hz && cfg.hz < 100)
    report += "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration "
              "parameter to 100 using 'CONFIG SET hz 100'.\n";
  if (large_objects)
    report += "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. "
              "If you have very large objects that are often deleted, expired, or evicted, try to fragment those "
              "objects into multiple smaller objects.\n";
  if (mass_eviction)
    report += "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets "
              "or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE "
              "command), may create sudden memory pressure forcing the server to block trying to evict keys. \n";
  return report;
}

}  // namespace ks
