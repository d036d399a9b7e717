#pragma once
// What other parts of the server need of the pub/sub commands.
namespace ks {

class ServerState;
struct ClientState;

// Removes every subscription of c without replying (RESET, and a connection that closes).
void DropSubscriptions(ServerState& state, ClientState& c);

}  // namespace ks
