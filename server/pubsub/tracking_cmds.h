#pragma once
// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO: the handlers of client-side caching's
// CLIENT subcommands (their table rows are with CLIENT's, server/families/client_cmds.cc).
namespace ks {

struct CommandContext;

void ClientTracking(CommandContext& ctx);
void ClientCaching(CommandContext& ctx);
void ClientGetRedir(CommandContext& ctx);
void ClientTrackingInfo(CommandContext& ctx);

}  // namespace ks
