#pragma once
// slots.conf: the slot map kept in `dir`, as Redis Cluster keeps nodes.conf. Written
// atomically (temporary file, fsync, rename, directory fsync) after every batch of slot moves
// and read at start-up before any data is loaded, since loading routes keys by slot.
//
// Format: comment lines starting with '#', then one "<first>-<last> <owner>" line per run of
// slots with the same owner, ascending, covering 0-16383. The owner is a local engine's number
// or a remote shard's name (as [remote.<name>] in proxy.toml calls it; names start with a
// letter), so a remote's slots survive a restart even if the configuration lists remotes in
// another order.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/db.h"  // kNumSlots

namespace ks {

// Each slot's owner code (routing/slot_map.h OwnerCode: an engine, or kRemoteOwner | remote).
using SlotOwners = std::array<uint16_t, kNumSlots>;

// A run of slots owned by one engine or remote (engine holds the owner code).
struct SlotRun {
  uint16_t from, to;
  uint16_t engine;
};
std::vector<SlotRun> SlotRuns(const SlotOwners& owners);

std::string SlotMapPath(const std::string& dir);
// Writes the map. Returns an empty string or the error.
// remotes[i] is the name of remote shard i (ShardId::Remote(i)).
std::string SaveSlotMap(const std::string& dir, const SlotOwners& owners, const std::vector<std::string>& remotes = {});
// Reads the map: nullopt in *owners (and no error) if there is no file; an error naming the
// line when it is malformed, incomplete, names an engine >= engines or a remote not in remotes.
std::optional<std::string> LoadSlotMap(const std::string& dir, int engines, std::optional<SlotOwners>* owners,
                                       const std::vector<std::string>& remotes = {});
// An owner code as slots.conf writes it: the engine's number or the remote's name.
std::string OwnerText(uint16_t code, const std::vector<std::string>& remotes);

// Parses a slot list such as "0-999,5000" (ranges inclusive, ascending or not, no
// duplicates). Returns the error naming the bad part.
std::optional<std::string> ParseSlotList(std::string_view spec, std::vector<uint16_t>* out);

}  // namespace ks
