#pragma once
// Service: runs one parsed command for a client: finds its table row, checks arity and
// authentication, routes and locks its keys, calls the handler, counts it.
#include <string_view>

#include "resp/reply_builder.h"
#include "server/core/client_state.h"
#include "server/core/server_state.h"

namespace ks {

class Service {
 public:
  explicit Service(ServerState& state) : state_(state) {}

  // Runs args (the table row, arity, authentication, MISCONF and CLIENT PAUSE checks, then the
  // execution path) and counts it: calls, time, errors, slow log, latency events. When a pause
  // holds the command, client.held is set and nothing is replied.
  void Dispatch(std::span<const std::string_view> args, ClientState& client, ReplyBuilder& rb);

  ServerState& state() { return state_; }

 private:
  // The command that ran (for its failed_calls), or nullptr if none did.
  const CommandSpec* Run(std::span<const std::string_view> args, ClientState& client, ReplyBuilder& rb);
  // Whether the command (or EXEC's queue) has a key in a slot fenced by a move.
  bool TouchesFencedSlot(const CommandSpec& spec, std::span<const std::string_view> args, const ClientState& client);

  ServerState& state_;
};

}  // namespace ks
