// CLUSTER subcommands that make sense for one process holding every slot. KEYSLOT lets
// users see where keys land (keyshard routes keys by slot exactly as Redis Cluster does).
#include "routing/slots.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/families.h"

namespace ks {
namespace {

void ClusterKeyslot(CommandContext& ctx) { ctx.rb.Int(KeySlot(ctx.arg(2))); }

}  // namespace

void RegisterClusterFamily(CommandRegistry& reg) {
  reg.Add(ContainerRow("cluster", "cluster", "3.0.0",
                       "Cluster introspection; keyshard answers the subcommands that describe slots.", {
               {.name = "keyslot",
                .arity = 3,
                .flags = "stale",
                .first_key = 0, .last_key = 0, .step = 0,
                .acl = "@slow",
                .handler = ClusterKeyslot,
                .group = "cluster", .since = "3.0.0",
                .summary = "Returns the hash slot of a key.",
                .complexity = "O(N) where N is the number of bytes in the key"},
           }));
}

}  // namespace ks
