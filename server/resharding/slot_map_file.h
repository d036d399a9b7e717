#pragma once
// slots.conf: the slot map kept in `dir`, as Redis Cluster keeps nodes.conf. Written
// atomically (temporary file, fsync, rename, directory fsync) after every batch of slot moves
// and read at start-up before any data is loaded, since loading routes keys by slot.
//
// Format: comment lines starting with '#', an "active <engine> <engine>..." line naming the
// engines that take part in routing (engines added or removed at run time; a file without
// it, from before engines could be removed, means the first `shards` engines and every
// owner), then one "<first>-<last> <engine>" line per run of slots with the same owner,
// ascending, covering 0-16383. Every owner is active.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/db.h"  // kNumSlots

namespace ks {

using SlotOwners = std::array<uint16_t, kNumSlots>;

// A run of slots owned by one engine.
struct SlotRun {
  uint16_t from, to;
  uint16_t engine;
};
std::vector<SlotRun> SlotRuns(const SlotOwners& owners);

std::string SlotMapPath(const std::string& dir);
// The file's text for a map and the active engines (ascending).
std::string SlotMapText(const SlotOwners& owners, const std::vector<int>& active);
// Writes the map and the active engines. Returns an empty string or the error.
std::string SaveSlotMap(const std::string& dir, const SlotOwners& owners, const std::vector<int>& active);
// Reads the map: nullopt in *owners (and no error) if there is no file; an error naming the
// line when it is malformed, incomplete, names an engine >= engines or gives slots to an
// engine the active line leaves out. *active is nullopt when the file has no active line.
std::optional<std::string> LoadSlotMap(const std::string& dir, int engines, std::optional<SlotOwners>* owners,
                                       std::optional<std::vector<int>>* active);

// Parses a slot list such as "0-999,5000" (ranges inclusive, ascending or not, no
// duplicates). Returns the error naming the bad part.
std::optional<std::string> ParseSlotList(std::string_view spec, std::vector<uint16_t>* out);

}  // namespace ks
