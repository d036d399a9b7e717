#pragma once
// Helpers shared by the INFO sections (info.cc, info_sections.cc).
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace ks::info {

inline void Field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(":").append(value).append("\r\n");
}
inline void Field(std::string& out, std::string_view name, int64_t value) { Field(out, name, std::to_string(value)); }
inline void FieldU(std::string& out, std::string_view name, uint64_t value) { Field(out, name, std::to_string(value)); }
// A double with printf's format, e.g. "%.2f".
inline void FieldF(std::string& out, std::string_view name, const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  Field(out, name, buf);
}

// Redis's bytesToHuman: "1.25M".
inline std::string Human(int64_t n) {
  static const char* kUnits[] = {"B", "K", "M", "G", "T", "P"};
  double d = static_cast<double>(n);
  int u = 0;
  while (d >= 1024 && u < 5) {
    d /= 1024;
    ++u;
  }
  char buf[64];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%lldB", static_cast<long long>(n));
  else
    std::snprintf(buf, sizeof buf, "%.2f%s", d, kUnits[u]);
  return buf;
}

}  // namespace ks::info
