#include "server/persist/engine_hooks.h"

#include <array>

#include "persistence/aof_log.h"
#include "persistence/snapshot.h"
#include "server/core/server_state.h"
#include "server/pubsub/notifications.h"

namespace ks {

void EngineHooks::BeforeSlotChange(uint16_t slot) {
  if (snapshot_) snapshot_->BeforeSlotChange(slot);
}

void EngineHooks::KeyRemoved(int db, uint16_t slot, std::string_view key, RemovalCause cause) {
  // Redis's "expired" (lazy and active expiry alike) and "evicted" events, published after
  // the engine is unlocked.
  const uint32_t type = cause == RemovalCause::kExpired ? kNotifyExpired : kNotifyEvicted;
  if (state_.limits().notify_flags.load(std::memory_order_relaxed) & type)
    state_.engine_notes().Push(
        KeyspaceNote{type, cause == RemovalCause::kExpired ? "expired" : "evicted", db, std::string(key)});
  state_.keyspace_events().KeyModified(db, key, slot,
                                       cause == RemovalCause::kExpired ? KeyEvent::kExpired : KeyEvent::kEvicted);
  // Written out by the next command on this engine or by the once-a-second flush.
  if (AofSet* aof = state_.aof()) {
    std::array<std::string_view, 2> del = {"DEL", key};
    aof->log(engine_).Append(db, del);
  }
}

}  // namespace ks
