#pragma once
// Shared between connection_family.cc and client_cmds.cc (the CLIENT command).
#include <string_view>

namespace ks {

class CommandRegistry;

// Client names (CLIENT SETNAME, HELLO SETNAME) may hold only printable ASCII without spaces.
bool ValidClientName(std::string_view name);
void RegisterClientCommand(CommandRegistry& reg);

}  // namespace ks
