#include "tools/compat/report.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>

namespace keyshard::compat {

namespace {

// Display width of a cell: bytes outside ANSI escape sequences.
size_t VisibleWidth(const std::string& s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b') {
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++w;
  }
  return w;
}

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t') out += "?";
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string Clip(const std::string& s, size_t max = 400) {
  return s.size() <= max ? s : s.substr(0, max) + "... (" + std::to_string(s.size()) + " chars)";
}

}  // namespace

std::string Colorize(const std::string& s, const char* ansi, bool on) {
  if (!on) return s;
  return std::string("\x1b[") + ansi + "m" + s + "\x1b[0m";
}

std::string Table::ToString() const {
  std::vector<size_t> width(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], VisibleWidth(row[i]));
  };
  measure(header_);
  for (const auto& r : rows_) measure(r);
  auto line = [&](const std::vector<std::string>& row) {
    std::string out;
    for (size_t i = 0; i < width.size(); ++i) {
      std::string cell = i < row.size() ? row[i] : "";
      out += cell;
      if (i + 1 < width.size()) out += std::string(width[i] - VisibleWidth(cell) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(header_);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  out += line(rule);
  for (const auto& r : rows_) out += line(r);
  return out;
}

void PrintRunReport(const RunReport& report, const OutputOptions& opts, std::FILE* out) {
  const bool diff = report.mode != "run";
  const char* expected_label = diff ? "reference" : "expected";
  const char* actual_label = diff ? "target" : "actual";
  int total_cases = 0, total_failed = 0;

  for (const auto& fam : report.families) {
    if (!fam.error.empty()) {
      std::fprintf(out, "%s %s: %s\n", Colorize("ERROR", kRed, opts.color).c_str(), fam.family.c_str(),
                   fam.error.c_str());
      continue;
    }
    bool header_done = false;
    for (const auto& c : fam.cases) {
      if (c.passed() && !opts.verbose) continue;
      if (!header_done) {
        std::fprintf(out, "%s\n", Colorize("== " + fam.family + " (" + fam.path + ")", kBold, opts.color).c_str());
        header_done = true;
      }
      if (c.passed()) {
        std::fprintf(out, "  %s %s\n", Colorize("PASS", kGreen, opts.color).c_str(), c.name.c_str());
        continue;
      }
      std::fprintf(out, "  %s %s\n", Colorize("FAIL", kRed, opts.color).c_str(), c.name.c_str());
      for (const auto& f : c.failures) {
        std::fprintf(out, "    %s:%d  %s\n", fam.path.c_str(), f.line, Clip(f.command).c_str());
        std::fprintf(out, "      %-10s %s\n", expected_label, Clip(f.expected).c_str());
        std::fprintf(out, "      %-10s %s\n", actual_label, Colorize(Clip(f.actual), kRed, opts.color).c_str());
        if (!f.reason.empty()) std::fprintf(out, "      %-10s %s\n", "why", f.reason.c_str());
      }
    }
    if (header_done) std::fprintf(out, "\n");
  }

  Table table({"family", "cases", "passed", "failed", "commands"});
  for (const auto& fam : report.families) {
    const int failed = fam.Failed();
    total_cases += static_cast<int>(fam.cases.size());
    total_failed += failed;
    table.Add({fam.family, std::to_string(fam.cases.size()),
               Colorize(std::to_string(fam.Passed()), kGreen, opts.color && fam.Passed() > 0),
               Colorize(std::to_string(failed), kRed, opts.color && failed > 0), std::to_string(fam.Steps())});
  }
  if (report.families.size() > 1)
    table.Add({"total", std::to_string(total_cases), std::to_string(total_cases - total_failed),
               std::to_string(total_failed), ""});
  std::fputs(table.ToString().c_str(), out);

  std::string verdict = report.AllPassed() ? Colorize("PASS", kGreen, opts.color) : Colorize("FAIL", kRed, opts.color);
  if (diff)
    std::fprintf(out, "%s  %s: target %s vs reference %s\n", verdict.c_str(), report.mode.c_str(),
                 report.target.c_str(), report.reference.c_str());
  else
    std::fprintf(out, "%s  run against %s\n", verdict.c_str(), report.target.c_str());
  if (!report.reproduction.empty())
    std::fprintf(out, "\nMinimal reproduction (paste into a .cases file):\n%s", report.reproduction.c_str());
}

std::string RunReportJson(const RunReport& report) {
  namespace json = boost::json;
  json::object root;
  root["mode"] = report.mode;
  root["target"] = report.target;
  if (!report.reference.empty()) root["reference"] = report.reference;
  root["passed"] = report.AllPassed();
  json::array fams;
  for (const auto& f : report.families) {
    json::object fo;
    fo["family"] = f.family;
    fo["path"] = f.path;
    if (!f.error.empty()) fo["error"] = f.error;
    fo["cases_passed"] = f.Passed();
    fo["cases_failed"] = f.Failed();
    json::array cases;
    for (const auto& c : f.cases) {
      json::object co;
      co["name"] = c.name;
      co["line"] = c.line;
      co["passed"] = c.passed();
      co["commands"] = c.steps;
      json::array fails;
      for (const auto& x : c.failures) {
        fails.push_back(json::object{{"line", x.line},
                                     {"command", x.command},
                                     {"expected", x.expected},
                                     {"actual", x.actual},
                                     {"reason", x.reason}});
      }
      co["failures"] = std::move(fails);
      cases.push_back(std::move(co));
    }
    fo["cases"] = std::move(cases);
    fams.push_back(std::move(fo));
  }
  root["families"] = std::move(fams);
  if (!report.reproduction.empty()) root["reproduction"] = report.reproduction;
  return json::serialize(root) + "\n";
}

std::string RunReportJunit(const RunReport& report) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"keyshard-compat " +
                    XmlEscape(report.mode) + "\">\n";
  for (const auto& f : report.families) {
    double secs = 0;
    for (const auto& c : f.cases) secs += c.seconds;
    out += "  <testsuite name=\"" + XmlEscape(f.family) + "\" tests=\"" +
           std::to_string(f.cases.size() + (f.error.empty() ? 0 : 1)) + "\" failures=\"" +
           std::to_string(f.Failed()) + "\" time=\"" + std::to_string(secs) + "\">\n";
    if (!f.error.empty())
      out += "    <testcase name=\"load\" classname=\"" + XmlEscape(f.family) + "\"><failure message=\"" +
             XmlEscape(f.error) + "\"/></testcase>\n";
    for (const auto& c : f.cases) {
      out += "    <testcase name=\"" + XmlEscape(c.name) + "\" classname=\"" + XmlEscape(f.family) +
             "\" time=\"" + std::to_string(c.seconds) + "\"";
      if (c.passed()) {
        out += "/>\n";
        continue;
      }
      out += ">\n      <failure message=\"" + XmlEscape(c.failures[0].reason) + "\">";
      for (const auto& x : c.failures) {
        out += XmlEscape(f.path + ":" + std::to_string(x.line) + ": " + x.command + "\n  expected: " + x.expected +
                         "\n  actual:   " + x.actual + "\n");
      }
      out += "</failure>\n    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  if (!report.reproduction.empty())
    out += "  <testsuite name=\"reproduction\" tests=\"0\">\n    <system-out>" + XmlEscape(report.reproduction) +
           "</system-out>\n  </testsuite>\n";
  return out + "</testsuites>\n";
}

Progress::Progress() : enabled_(::isatty(STDERR_FILENO) == 1) {}

void Progress::Update(const std::string& text) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (shown_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  shown_ = true;
  std::fprintf(stderr, "\r\x1b[K%s", text.c_str());
  std::fflush(stderr);
}

void Progress::Clear() {
  if (!enabled_ || !shown_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  shown_ = false;
}

bool WriteFile(const std::string& path, const std::string& content, std::string* error) {
  std::ofstream f(path, std::ios::binary);
  f << content;
  if (!f) {
    *error = "cannot write " + path;
    return false;
  }
  return true;
}

}  // namespace keyshard::compat
