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

  void Dispatch(std::span<const std::string_view> args, ClientState& client, ReplyBuilder& rb);

  ServerState& state() { return state_; }

 private:
  // Dispatch's work; returns the command's table row, or nullptr for an unknown command.
  const CommandSpec* Run(std::span<const std::string_view> args, ClientState& client, ReplyBuilder& rb);

  ServerState& state_;
};

}  // namespace ks
