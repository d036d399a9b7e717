#pragma once
// Parts of the server family kept in their own files; server_family.cc registers them.
namespace ks {

class CommandRegistry;

void RegisterInfoCommand(CommandRegistry& reg);     // info.cc
void RegisterCommandCommand(CommandRegistry& reg);  // command_cmds.cc: COMMAND and its subcommands

}  // namespace ks
