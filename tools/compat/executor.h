// Sends commands to one or more endpoints and collects their replies; resets state between
// case files; replays a command sequence differentially (random mode and the shrinker).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tools/compat/connection.h"
#include "tools/compat/reply.h"

namespace keyshard::compat {

// A command as argv, or raw bytes (case-file "@raw") when argv is empty.
struct Command {
  std::vector<std::string> argv;
  std::string raw;
};

struct Outcome {
  std::optional<Reply> reply;
  std::string error;  // I/O failure when reply is empty
};

// Sends the command to every connection first, then reads each reply. A SCAN-family command
// from cursor 0 is iterated to the end on each endpoint and returns ["0", all elements].
std::vector<Outcome> Execute(const std::vector<Connection*>& conns, const Command& cmd);

// Fresh state: reconnect (RESP2, db 0, no client state), FLUSHALL, SELECT 0.
bool ResetState(Connection& conn, std::string* error);

struct Divergence {
  size_t index = 0;  // position in the sequence
  std::optional<Reply> target, reference;
  std::string target_error, reference_error;
  std::string reason;
};

// Called after every command with its position; for progress lines.
using ProgressFn = std::function<void(size_t done, size_t total)>;

// Replays `seq` on fresh state on both endpoints; returns the first divergence, if any.
// *setup_error is set (and nullopt returned) when an endpoint cannot be reset.
std::optional<Divergence> ReplayDifferential(Connection& target, Connection& reference,
                                             const std::vector<Command>& seq, std::string* setup_error,
                                             const ProgressFn& progress = nullptr);

// Compares one pair of outcomes; nullopt when they agree.
std::optional<std::string> CompareOutcomes(const Command& cmd, const Outcome& target,
                                           const Outcome& reference);

}  // namespace keyshard::compat
