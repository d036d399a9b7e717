#include "tools/compat/coverage.h"

#include <boost/json.hpp>
#include <cstdio>

#include "tools/compat/report.h"

namespace keyshard::compat {

namespace {

void AddEntry(const Reply& e, std::map<std::string, CommandInfo>& out) {
  if (e.type != ReplyType::kArray || e.elems.size() < 6) return;
  CommandInfo info;
  info.name = e.elems[0].str;
  for (auto& c : info.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  info.arity = e.elems[1].integer;
  for (const auto& f : e.elems[2].elems) info.flags.insert(f.str);
  info.first_key = e.elems[3].integer;
  info.last_key = e.elems[4].integer;
  info.step = e.elems[5].integer;
  if (e.elems.size() >= 10)
    for (const auto& sub : e.elems[9].elems) AddEntry(sub, out);
  out[info.name] = std::move(info);
}

std::string FlagDiff(const std::set<std::string>& t, const std::set<std::string>& r) {
  std::string out;
  for (const auto& f : r)
    if (!t.count(f)) out += " -" + f;
  for (const auto& f : t)
    if (!r.count(f)) out += " +" + f;
  return out;
}

std::string Percent(size_t a, size_t b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", b ? 100.0 * static_cast<double>(a) / static_cast<double>(b) : 100.0);
  return buf;
}

}  // namespace

std::map<std::string, CommandInfo> ParseCommandReply(const Reply& reply) {
  std::map<std::string, CommandInfo> out;
  for (const auto& e : reply.elems) AddEntry(e, out);
  return out;
}

CoverageReport CompareCommandTables(const std::map<std::string, CommandInfo>& target,
                                    const std::map<std::string, CommandInfo>& reference) {
  CoverageReport rep;
  rep.reference_total = reference.size();
  for (const auto& [name, ref] : reference) {
    auto it = target.find(name);
    if (it == target.end()) {
      rep.rows.push_back({name, "missing", ""});
      continue;
    }
    ++rep.present;
    const CommandInfo& t = it->second;
    std::string detail;
    if (t.arity != ref.arity)
      detail += "arity " + std::to_string(t.arity) + " (reference " + std::to_string(ref.arity) + "); ";
    if (t.flags != ref.flags) detail += "flags" + FlagDiff(t.flags, ref.flags) + "; ";
    if (t.first_key != ref.first_key || t.last_key != ref.last_key || t.step != ref.step)
      detail += "keys " + std::to_string(t.first_key) + "," + std::to_string(t.last_key) + "," +
                std::to_string(t.step) + " (reference " + std::to_string(ref.first_key) + "," +
                std::to_string(ref.last_key) + "," + std::to_string(ref.step) + "); ";
    if (detail.empty()) {
      ++rep.identical;
    } else {
      detail.resize(detail.size() - 2);
      rep.rows.push_back({name, "differs", detail});
    }
  }
  return rep;
}

CoverageReport RunCoverage(const Endpoint& target_ep, const Endpoint& reference_ep) {
  auto fetch = [](const Endpoint& ep, std::string* err) -> std::optional<Reply> {
    Connection c(ep);
    if (!c.Connect(err)) return std::nullopt;
    auto r = c.Call({"COMMAND"}, err);
    if (r && r->type != ReplyType::kArray) {
      *err = ep.Name() + ": COMMAND replied " + Render(*r).substr(0, 200);
      return std::nullopt;
    }
    return r;
  };
  std::string err;
  auto t = fetch(target_ep, &err);
  std::optional<Reply> r;
  if (t) r = fetch(reference_ep, &err);
  CoverageReport rep;
  if (t && r) rep = CompareCommandTables(ParseCommandReply(*t), ParseCommandReply(*r));
  else rep.error = err;
  rep.target = target_ep.Name();
  rep.reference = reference_ep.Name();
  return rep;
}

std::string CoverageText(const CoverageReport& r, bool color, bool show_missing) {
  if (!r.error.empty()) return Colorize("ERROR", kRed, color) + " " + r.error + "\n";
  Table table({"command", "status", "detail"});
  size_t hidden = 0;
  for (const auto& row : r.rows) {
    if (row.status == "missing" && !show_missing) {
      ++hidden;
      continue;
    }
    table.Add({row.name, Colorize(row.status, row.status == "missing" ? kYellow : kRed, color), row.detail});
  }
  std::string out = hidden < r.rows.size() ? table.ToString() : "";
  if (hidden) {
    out += '(';
    out += std::to_string(hidden) + " missing commands not listed; without --hide-missing they are listed)\n";
  }
  out += "\ncoverage of " + r.reference + " by " + r.target + ": " + std::to_string(r.identical) + "/" +
         std::to_string(r.reference_total) + " commands identical (" + Percent(r.identical, r.reference_total) +
         "), " + std::to_string(r.present) + " present (" + Percent(r.present, r.reference_total) + "), " +
         std::to_string(r.present - r.identical) + " described differently\n";
  return out;
}

std::string CoverageJson(const CoverageReport& r) {
  namespace json = boost::json;
  json::object root;
  root["target"] = r.target;
  root["reference"] = r.reference;
  if (!r.error.empty()) root["error"] = r.error;
  root["reference_total"] = r.reference_total;
  root["present"] = r.present;
  root["identical"] = r.identical;
  json::array rows;
  for (const auto& row : r.rows)
    rows.push_back(json::object{{"command", row.name}, {"status", row.status}, {"detail", row.detail}});
  root["commands"] = std::move(rows);
  return json::serialize(root) + "\n";
}

}  // namespace keyshard::compat
