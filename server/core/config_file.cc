// proxy.toml reading, kept in its own file: toml11 is a heavy header.
#include <toml.hpp>

#include <algorithm>

#include "common/strconv.h"
#include "engine/eviction.h"
#include "server/core/config.h"

namespace ks {
namespace {

// [engine.N] tables: per-engine maxmemory and maxmemory-policy overriding the defaults.
std::optional<std::string> LoadEngineOverrides(const toml::value& v, const std::string& path, Config& c) {
  if (!v.is_table()) return "config key 'engine' in " + path + " must be a table of [engine.N] tables";
  for (const auto& [id_text, t] : v.as_table()) {
    int64_t id;
    std::string where = "[engine." + id_text + "] in " + path;
    if (!StrToLL(id_text, &id) || id < 0) return where + ": the engine must be a number";
    if (!t.is_table()) return where + " must be a table";
    Config::EngineOverride& o = c.engine_overrides[id];
    for (const auto& [key, val] : t.as_table()) {
      if (key == "maxmemory") {
        std::string text = val.is_integer() ? std::to_string(val.as_integer()) : val.is_string() ? val.as_string().str : "";
        if (!ParseMemory(text, &o.maxmemory) || o.maxmemory < 0) return where + ": bad maxmemory '" + text + "'";
      } else if (key == "maxmemory-policy") {
        auto p = val.is_string() ? ParsePolicy(val.as_string().str) : std::nullopt;
        if (!p) return where + ": bad maxmemory-policy";
        o.maxmemory_policy = std::string(PolicyName(*p));
      } else {
        return where + ": unknown key '" + key + "' (maxmemory and maxmemory-policy may be set per engine)";
      }
    }
  }
  return std::nullopt;
}

// [remote.<name>] tables: remote shards (Config::Remote), in the file's order.
std::optional<std::string> LoadRemotes(const toml::value& v, const std::string& path, Config& c) {
  if (!v.is_table()) return "config key 'remote' in " + path + " must be a table of [remote.<name>] tables";
  // toml11's table is unordered: the file's order comes from each table's position.
  std::vector<std::pair<std::string, const toml::value*>> tables;
  for (const auto& [name, t] : v.as_table()) tables.emplace_back(name, &t);
  std::sort(tables.begin(), tables.end(), [](const auto& a, const auto& b) {
    return a.second->location().line() < b.second->location().line();
  });
  for (const auto& [name, t] : tables) {
    std::string where = "[remote." + name + "] in " + path;
    if (!t->is_table()) return where + " must be a table";
    Config::Remote r;
    r.name = name;
    for (const auto& [key, val] : t->as_table()) {
      std::string* field = key == "address" ? &r.address : key == "password" ? &r.password : key == "slots" ? &r.slots : nullptr;
      if (!field) return where + ": unknown key '" + key + "' (a remote takes address, password and slots)";
      if (!val.is_string()) return where + ": '" + key + "' must be a string";
      *field = val.as_string().str;
    }
    if (r.address.empty()) return where + ": 'address' (\"host:port\") is required";
    if (!ParseHostPort(r.address, &r.host, &r.port))
      return where + ": bad address '" + r.address + "' (want \"host:port\", e.g. \"10.0.0.2:6379\" or \"[::1]:6379\")";
    c.remotes.push_back(std::move(r));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> LoadConfigFile(const std::string& path, Config& c) {
  toml::value root;
  try {
    root = toml::parse(path);
  } catch (const std::exception& e) {
    return "cannot read config file " + path + ": " + e.what();
  }
  if (!root.is_table()) return "config file " + path + " is not a TOML table";
  for (const auto& [key, val] : root.as_table()) {
    if (key == "engine") {
      if (auto err = LoadEngineOverrides(val, path, c)) return err;
      continue;
    }
    if (key == "remote") {
      if (auto err = LoadRemotes(val, path, c)) return err;
      continue;
    }
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
