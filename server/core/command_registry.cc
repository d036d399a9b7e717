#include "server/core/command_registry.h"

#include <cstring>

#include "common/strconv.h"
#include "server/core/families.h"

namespace ks {

uint32_t ParseCommandFlags(std::string_view flags) {
  static const std::pair<std::string_view, uint32_t> kNames[] = {
      {"write", kCmdWrite},     {"readonly", kCmdReadonly}, {"denyoom", kCmdDenyOom},
      {"admin", kCmdAdmin},     {"no_auth", kCmdNoAuth},    {"fast", kCmdFast},
      {"blocking", kCmdBlocking}, {"loading", kCmdLoading}, {"stale", kCmdStale},
      {"noscript", kCmdNoScript}, {"movablekeys", kCmdMovableKeys}, {"allow_busy", kCmdAllowBusy},
      {"no_multi", kCmdNoMulti},
      {"may_replicate", kCmdMayReplicate}, {"skip_slowlog", kCmdSkipSlowlog},
      {"skip_monitor", kCmdSkipMonitor},
  };
  uint32_t bits = 0;
  size_t pos = 0;
  while (pos < flags.size()) {
    size_t end = flags.find(' ', pos);
    if (end == std::string_view::npos) end = flags.size();
    std::string_view f = flags.substr(pos, end - pos);
    for (auto& [n, b] : kNames)
      if (n == f) bits |= b;
    pos = end + 1;
  }
  return bits;
}

// Case-insensitive: ORing 0x20 into every byte lower-cases ASCII letters (other bytes change
// too, the same way on both sides, which is all a hash needs). Eight bytes at a time, because
// every command looks its name up here.
size_t CommandRegistry::NameHash::operator()(std::string_view s) const {
  uint64_t h = s.size() * 0x9E3779B97F4A7C15ull;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ (w | 0x2020202020202020ull)) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  if (i < s.size()) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h = (h ^ (w | 0x2020202020202020ull)) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  return h;
}

bool CommandRegistry::NameEq::operator()(std::string_view a, std::string_view b) const { return EqualsNoCase(a, b); }

CommandRegistry::CommandRegistry() { RegisterAllFamilies(*this); }

void CommandRegistry::Finish(CommandSpec& spec, const CommandSpec* parent) {
  spec.flag_bits = ParseCommandFlags(spec.flags);
  spec.parent = parent;
  spec.full_name = parent ? std::string(parent->name) + "|" + std::string(spec.name) : std::string(spec.name);
  spec.id = static_cast<uint16_t>(by_id_.size());
  by_id_.push_back(&spec);
  for (auto& sub : spec.subcommands) Finish(sub, &spec);
}

void CommandRegistry::Add(CommandSpec spec) {
  commands_.push_back(std::move(spec));
  CommandSpec& s = commands_.back();
  Finish(s, nullptr);
  by_name_[std::string(s.name)] = &s;
}

const CommandSpec* CommandRegistry::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

const CommandSpec* CommandRegistry::FindSub(const CommandSpec& parent, std::string_view sub) {
  for (const auto& s : parent.subcommands)
    if (EqualsNoCase(s.name, sub)) return &s;
  return nullptr;
}

int KeySpecBegin(const KeySpec& ks, int argc, const std::string_view* argv) {
  if (ks.begin_index > 0) return ks.begin_index;
  if (ks.begin_keyword.empty()) return 0;
  int from = ks.begin_startfrom;
  int dir = from >= 0 ? 1 : -1;
  for (int i = from >= 0 ? from : argc + from; i > 0 && i < argc; i += dir)
    if (EqualsNoCase(argv[i], ks.begin_keyword)) return i + 1;
  return 0;
}

bool OverWholeKeyspace(const CommandSpec& spec) {
  return spec.lock == LockMode::kAll || (spec.key_specs.empty() && !spec.find_keys && HasWord(spec.acl, "@keyspace"));
}

KeyIndexes CommandKeyIndexes(const CommandSpec& spec, int argc, const std::string_view* argv, bool as_getkeys) {
  KeyIndexes out;
  bool specs_complete = !spec.key_specs.empty();
  for (const KeySpec& ks : spec.key_specs) specs_complete &= ks.begin_index > 0 || !ks.begin_keyword.empty();
  if (spec.find_keys && !(as_getkeys && specs_complete)) {
    spec.find_keys({argv, static_cast<size_t>(argc)}, out);
    return out;
  }
  if (!(spec.flag_bits & kCmdMovableKeys)) {
    if (spec.first_key <= 0) return out;
    int last = spec.last_key < 0 ? argc + spec.last_key : spec.last_key;
    for (int i = spec.first_key; i <= last && i < argc; i += spec.step) out.push_back(i);
    return out;
  }
  for (const KeySpec& ks : spec.key_specs) {
    int begin = KeySpecBegin(ks, argc, argv);
    if (begin == 0) continue;
    if (ks.keynum) {
      int idx = begin + ks.keynum_idx;
      if (idx >= argc) continue;
      int64_t n;
      if (!StrToLL(argv[idx], &n) || n < 0) continue;
      int first = begin + ks.first_key;
      for (int64_t k = 0; k < n; ++k) {
        int64_t i = first + k * ks.key_step;
        if (i >= argc) break;
        out.push_back(static_cast<int>(i));
      }
    } else {
      int last;
      if (ks.last_key >= 0) {
        last = begin + ks.last_key;
      } else if (ks.last_key == -1) {
        last = argc - 1;
      } else {
        last = argc + ks.last_key;  // e.g. -2: all but the last argument
      }
      if (ks.limit > 1 && ks.last_key == -1) last = begin + (argc - begin) / ks.limit - 1;
      for (int i = begin; i <= last && i < argc; i += ks.key_step) out.push_back(i);
    }
  }
  return out;
}

}  // namespace ks
