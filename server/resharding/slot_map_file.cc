#include "server/resharding/slot_map_file.h"

#include <algorithm>
#include <bitset>
#include <cctype>
#include <fstream>
#include <sstream>

#include "common/strconv.h"
#include "persistence/atomic_file.h"
#include "routing/slot_map.h"

namespace ks {

std::vector<SlotRun> SlotRuns(const SlotOwners& owners) {
  std::vector<SlotRun> runs;
  for (int s = 0; s < kNumSlots; ++s) {
    if (!runs.empty() && runs.back().engine == owners[s] && runs.back().to + 1 == s)
      runs.back().to = static_cast<uint16_t>(s);
    else
      runs.push_back({static_cast<uint16_t>(s), static_cast<uint16_t>(s), owners[s]});
  }
  return runs;
}

std::string SlotMapPath(const std::string& dir) { return dir + "/slots.conf"; }

std::string OwnerText(uint16_t code, const std::vector<std::string>& remotes) {
  if (!(code & kRemoteOwner)) return std::to_string(code);
  const size_t i = code & ~kRemoteOwner;
  return i < remotes.size() ? remotes[i] : "remote#" + std::to_string(i);
}

std::string SaveSlotMap(const std::string& dir, const SlotOwners& owners, const std::vector<std::string>& remotes) {
  std::string out = "# keyshard slot map: <first slot>-<last slot> <engine number or remote name>\n";
  for (const SlotRun& r : SlotRuns(owners))
    out += std::to_string(r.from) + "-" + std::to_string(r.to) + " " + OwnerText(r.engine, remotes) + "\n";
  return WriteFileAtomically(SlotMapPath(dir), out);
}

namespace {

bool ParseSlot(std::string_view s, uint16_t* out) {
  int64_t v;
  if (!StrToLL(s, &v) || v < 0 || v >= kNumSlots) return false;
  *out = static_cast<uint16_t>(v);
  return true;
}

// "a-b" or "a": the inclusive range.
bool ParseRange(std::string_view s, uint16_t* from, uint16_t* to) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!ParseSlot(s, from)) return false;
    *to = *from;
    return true;
  }
  return ParseSlot(s.substr(0, dash), from) && ParseSlot(s.substr(dash + 1), to) && *from <= *to;
}

}  // namespace

std::optional<std::string> LoadSlotMap(const std::string& dir, int engines, std::optional<SlotOwners>* owners,
                                       const std::vector<std::string>& remotes) {
  owners->reset();
  const std::string path = SlotMapPath(dir);
  std::ifstream in(path);
  if (!in) return std::nullopt;
  SlotOwners map{};
  std::bitset<kNumSlots> seen;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const std::string& why) { return path + " line " + std::to_string(n) + ": " + why; };
    size_t sp = line.find(' ');
    uint16_t from, to;
    int64_t e;
    if (sp == std::string::npos || !ParseRange(std::string_view(line).substr(0, sp), &from, &to))
      return bad("expected '<first>-<last> <engine>'");
    const std::string_view owner = std::string_view(line).substr(sp + 1);
    if (!owner.empty() && std::isalpha(static_cast<unsigned char>(owner[0]))) {
      auto it = std::find(remotes.begin(), remotes.end(), owner);
      if (it == remotes.end())
        return bad("remote shard '" + std::string(owner) +
                   "' owns slots but is not configured (add [remote." + std::string(owner) + "] to the config)");
      e = kRemoteOwner | (it - remotes.begin());
    } else {
      if (!StrToLL(owner, &e) || e < 0) return bad("bad engine number");
      if (e >= engines)
        return bad("engine " + std::to_string(e) + " does not exist (shards is " + std::to_string(engines) + ")");
    }
    for (int s = from; s <= to; ++s) {
      if (seen[s]) return bad("slot " + std::to_string(s) + " listed twice");
      seen[s] = true;
      map[s] = static_cast<uint16_t>(e);
    }
  }
  if (!seen.all()) return path + ": slots missing (" + std::to_string(kNumSlots - seen.count()) + " of 16384)";
  *owners = map;
  return std::nullopt;
}

std::optional<std::string> ParseSlotList(std::string_view spec, std::vector<uint16_t>* out) {
  out->clear();
  std::bitset<kNumSlots> seen;
  if (spec.empty()) return std::string("empty slot list");
  for (size_t p = 0; p <= spec.size();) {
    size_t comma = spec.find(',', p);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view part = spec.substr(p, comma - p);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    uint16_t from, to;
    if (!ParseRange(part, &from, &to))
      return "bad slot range '" + std::string(part) + "' (want N or N-M with 0 <= N <= M <= 16383)";
    for (int s = from; s <= to; ++s) {
      if (seen[s]) return "slot " + std::to_string(s) + " listed twice";
      seen[s] = true;
      out->push_back(static_cast<uint16_t>(s));
    }
    p = comma + 1;
  }
  return std::nullopt;
}

}  // namespace ks
