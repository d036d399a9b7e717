// Server commands: INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME, CONFIG, SWAPDB, COMMAND.
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"
#include "server/families.h"

namespace ks {

void RegisterServerFamily(CommandRegistry& reg) { (void)reg; }

}  // namespace ks
