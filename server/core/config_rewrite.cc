// CONFIG REWRITE for keyshard's TOML config file: like Redis's rewriteConfig, every option
// the file sets is rewritten in place with its current value (the line's comment, the
// file's order and everything else are kept), and options set elsewhere (command line,
// CONFIG SET) to a non-default value are appended to the top-level table. [engine.N] tables
// are left as they are. The new file replaces the old one atomically.
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "server/core/config.h"

namespace ks {
namespace {

std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// The option's current value as a TOML value; `boolean` keeps a yes/no option that the file
// wrote as true/false in that form.
std::string TomlValue(const Config& c, const OptionDef& o, bool boolean) {
  if (o.num) return std::to_string(c.*(o.num));
  if (boolean && o.type == OptionType::kBool) return c.*(o.str) == "yes" ? "true" : "false";
  return TomlString(c.*(o.str));
}

// Where a TOML value starting at p ends (before any comment), for a basic or literal string,
// or a bare value.
size_t ValueEnd(const std::string& line, size_t p) {
  if (p < line.size() && (line[p] == '"' || line[p] == '\'')) {
    const char q = line[p];
    for (size_t i = p + 1; i < line.size(); ++i) {
      if (q == '"' && line[i] == '\\') {
        ++i;
        continue;
      }
      if (line[i] == q) return i + 1;
    }
    return line.size();
  }
  size_t e = line.find('#', p);
  if (e == std::string::npos) e = line.size();
  while (e > p && std::isspace(static_cast<unsigned char>(line[e - 1]))) --e;
  return e;
}

}  // namespace

std::optional<std::string> RewriteConfigFile(const std::string& path, const Config& current) {
  std::ifstream in(path);
  if (!in) return std::string(std::strerror(errno));
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  in.close();

  const Config defaults;
  std::set<const OptionDef*> written;
  size_t top_level_end = lines.size();  // index of the first table header
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string& line = lines[i];
    size_t p = line.find_first_not_of(" \t");
    if (p == std::string::npos || line[p] == '#') continue;
    if (line[p] == '[') {
      top_level_end = i;
      break;
    }
    size_t eq = line.find('=', p);
    if (eq == std::string::npos) continue;
    std::string key = line.substr(p, eq - p);
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'')) key = key.substr(1, key.size() - 2);
    const OptionDef* o = FindOption(key);
    if (!o || written.count(o)) continue;
    size_t v = line.find_first_not_of(" \t", eq + 1);
    if (v == std::string::npos) v = line.size();
    const size_t end = ValueEnd(line, v);
    const bool boolean = line.compare(v, 4, "true") == 0 || line.compare(v, 5, "false") == 0;
    line = line.substr(0, v) + TomlValue(current, *o, boolean) + line.substr(end);
    written.insert(o);
  }
  // Options changed from their defaults elsewhere go at the end of the top-level table (a
  // key after a [table] header would belong to that table).
  std::vector<std::string> added;
  for (const OptionDef& o : ConfigOptions()) {
    if (written.count(&o) || o.str == &Config::import_rdb) continue;  // an import is a one-off
    if (FormatOption(current, o) == FormatOption(defaults, o)) continue;
    added.push_back(std::string(o.name) + " = " + TomlValue(current, o, false));
  }
  if (!added.empty()) {
    size_t at = top_level_end;
    if (at < lines.size()) {
      // Keep the blank lines and comments that lead into the first table with that table.
      auto blank_or_comment = [](const std::string& l) {
        size_t q = l.find_first_not_of(" \t");
        return q == std::string::npos || l[q] == '#';
      };
      while (at > 0 && blank_or_comment(lines[at - 1])) --at;
    }
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), added.begin(), added.end());
  }

  std::string text;
  for (const auto& l : lines) text += l + "\n";
  const std::string tmp = path + ".rewrite-tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return std::string(std::strerror(errno));
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string e = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return e;
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string e = std::strerror(errno);
    ::unlink(tmp.c_str());
    return e;
  }
  return std::nullopt;
}

}  // namespace ks
