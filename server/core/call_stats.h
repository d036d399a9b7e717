#pragma once
// What Redis's call() records for every command it runs, whoever runs it: a client's command,
// each command of an EXEC, each redis.call of a script. Calls and time in INFO commandstats,
// the latency histogram (latency-tracking), the slow log and the latency monitor.
#include <cstdint>
#include <span>
#include <string_view>

#include "server/core/client_state.h"
#include "server/core/command.h"
#include "server/core/server_state.h"

namespace ks {

// A clock for timing commands: the CPU's invariant time-stamp counter where there is one
// (one instruction to read; every command reads it twice), else the monotonic clock.
class CommandTimer {
 public:
  static const CommandTimer& Get();
  uint64_t Now() const;
  int64_t ElapsedUs(uint64_t start, uint64_t end) const {
    if (us_per_tick_ > 0) return static_cast<int64_t>(static_cast<double>(end - start) * us_per_tick_);
    return static_cast<int64_t>(end - start);
  }

 private:
  CommandTimer();
  double us_per_tick_ = 0;
};

// Who ran the command, as the slow log names it: the client, or a script's client (Redis's
// Lua client has no connection: "?:0" and no name).
enum class CallOrigin { kClient, kScript };

// Counts one call of spec (and shows it to MONITOR clients) that ran for duration_us; `failed`: it replied an error.
void RecordCall(ServerState& state, const ClientState& client, const CommandSpec& spec,
                std::span<const std::string_view> args, int64_t duration_us, bool failed,
                CallOrigin origin = CallOrigin::kClient);

}  // namespace ks
