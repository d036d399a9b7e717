#pragma once
// EngineHooks: the server's EngineObserver for one engine (engine/engine.h). It passes slot
// changes to the snapshot in progress (persistence/snapshot.h) and logs keys the engine
// removed itself (expiry, eviction) as a DEL in the engine's append-only file, as Redis
// propagates them, so an evicted key never comes back on replay; and signals those removals
// as "key modified" (server/core/keyspace_events.h).
#include <cstdint>
#include <string_view>

#include "engine/engine.h"

namespace ks {

class EngineSnapshot;
class ServerState;

class EngineHooks final : public EngineObserver {
 public:
  EngineHooks(ServerState& state, int engine) : state_(state), engine_(engine) {}

  void BeforeSlotChange(uint16_t slot) override;
  void KeyRemoved(int db, uint16_t slot, std::string_view key, RemovalCause cause) override;

  // With the engine locked: the snapshot that must see slots before they change, or null.
  void set_snapshot(EngineSnapshot* s) { snapshot_ = s; }

 private:
  ServerState& state_;
  int engine_;
  EngineSnapshot* snapshot_ = nullptr;  // guarded by the engine's mutex
};

}  // namespace ks
