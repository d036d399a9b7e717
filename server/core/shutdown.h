#pragma once
// Shutting down as Redis's prepareForShutdown does, for SHUTDOWN and for SIGTERM/SIGINT:
// hold every client (a pause with no end) and let commands already running finish, wait for
// a snapshot in progress, write and fsync the append-only logs, save an RDB snapshot when
// save points are set (or SAVE was asked; never with NOSAVE), then stop the server. A failed
// save cancels the shutdown unless FORCE, and clients are let go again.
#include <optional>
#include <string>
#include <string_view>

namespace ks {

class ServerState;

struct ShutdownFlags {
  bool nosave = false;
  bool save = false;
  bool now = false;
  bool force = false;
};

// shutdown-on-sigterm / shutdown-on-sigint: "default" or words among save nosave now force.
ShutdownFlags ParseShutdownFlags(std::string_view words);

// Returns nullopt once the server is stopping, else why not (already logged). self_thread is
// the I/O thread running the SHUTDOWN command (-1 from a signal).
std::optional<std::string> Shutdown(ServerState& state, ShutdownFlags flags, int self_thread);

}  // namespace ks
