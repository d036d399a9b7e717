// Keyspace commands: DEL, EXISTS, TYPE, the EXPIRE family, KEYS, SCAN, RENAME, COPY, MOVE...
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"
#include "server/families.h"

namespace ks {

void RegisterGenericFamily(CommandRegistry& reg) { (void)reg; }

}  // namespace ks
