// proxy.toml reading, kept in its own file: toml11 is a heavy header.
#include <toml.hpp>

#include "server/config.h"

namespace ks {

std::optional<std::string> LoadConfigFile(const std::string& path, Config& c) {
  toml::value root;
  try {
    root = toml::parse(path);
  } catch (const std::exception& e) {
    return "cannot read config file " + path + ": " + e.what();
  }
  if (!root.is_table()) return "config file " + path + " is not a TOML table";
  for (const auto& [key, val] : root.as_table()) {
    const OptionDef* o = FindOption(key);
    if (!o) return "unknown config key '" + key + "' in " + path;
    std::string text;
    if (val.is_string()) {
      text = val.as_string().str;
    } else if (val.is_integer()) {
      text = std::to_string(val.as_integer());
    } else if (val.is_boolean()) {
      text = val.as_boolean() ? "yes" : "no";
    } else {
      return "config key '" + key + "' in " + path + " must be a string or an integer";
    }
    if (o->num && val.is_string() && o->type != OptionType::kMemory)
      return "config key '" + key + "' in " + path + " must be an integer";
    if (auto err = SetOption(c, *o, text)) return "bad value for config key '" + key + "' in " + path + ": " + *err;
  }
  return std::nullopt;
}

}  // namespace ks
