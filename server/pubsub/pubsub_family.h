#pragma once
// What other parts of the server need of the pub/sub commands and MONITOR.
#include "server/core/call_stats.h"
#include <span>
#include <string_view>

namespace ks {

class ServerState;
struct ClientState;
struct CommandSpec;

// Removes every subscription of c without replying (RESET, and a connection that closes), and
// ends its MONITOR.
void DropSubscriptions(ServerState& state, ClientState& c);
// Sends the MONITOR line of a command c ran (spec, args) to every monitor; a script's
// commands are shown as its client's, "lua", as Redis shows them.
void FeedMonitors(ServerState& state, const ClientState& c, const CommandSpec& spec,
                  std::span<const std::string_view> args, CallOrigin origin = CallOrigin::kClient);

}  // namespace ks
