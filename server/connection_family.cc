// Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT, CLIENT.
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"
#include "server/families.h"

namespace ks {
namespace {

void Ping(CommandContext& ctx) {
  if (ctx.argc() > 2) return ctx.rb.Error(err::WrongArgs("ping"));
  if (ctx.argc() == 2) return ctx.rb.Bulk(ctx.arg(1));
  ctx.rb.Simple("PONG");
}

}  // namespace

void RegisterConnectionFamily(CommandRegistry& reg) {
  reg.Add({.name = "ping",
           .arity = -1,
           .flags = "fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@fast @connection",
           .tips = "request_policy:all_shards response_policy:all_succeeded",
           .handler = Ping,
           .group = "connection", .since = "1.0.0",
           .summary = "Returns PONG, or the given message.",
           .complexity = "O(1)"});
}

}  // namespace ks
