#pragma once
// slots.conf: the slot map kept in `dir`, as Redis Cluster keeps nodes.conf. Written
// atomically (temporary file, fsync, rename, directory fsync) after every batch of slot moves
// and read at start-up before any data is loaded, since loading routes keys by slot.
//
// Format: comment lines starting with '#', then one "<first>-<last> <engine>" line per run of
// slots with the same owner, ascending, covering 0-16383.
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
// The file's text for a map.
std::string SlotMapText(const SlotOwners& owners);
// Writes the map. Returns an empty string or the error.
std::string SaveSlotMap(const std::string& dir, const SlotOwners& owners);
// Reads the map: nullopt in *owners (and no error) if there is no file; an error naming the
// line when it is malformed, incomplete or names an engine >= engines.
std::optional<std::string> LoadSlotMap(const std::string& dir, int engines, std::optional<SlotOwners>* owners);

// Parses a slot list such as "0-999,5000" (ranges inclusive, ascending or not, no
// duplicates). Returns the error naming the bad part.
std::optional<std::string> ParseSlotList(std::string_view spec, std::vector<uint16_t>* out);

}  // namespace ks
