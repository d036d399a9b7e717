// Terminal tables (coloured on a tty), JSON and JUnit output, and the progress line.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tools/compat/results.h"

namespace keyshard::compat {

struct OutputOptions {
  bool color = false;    // ANSI colours (stdout is a tty and NO_COLOR is unset)
  bool verbose = false;  // list every case, not only failures
};

// A plain text table; columns sized to content. Cells may carry ANSI colour codes.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string ToString() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

std::string Colorize(const std::string& s, const char* ansi, bool on);
inline const char* kGreen = "32";
inline const char* kRed = "31";
inline const char* kYellow = "33";
inline const char* kBold = "1";

void PrintRunReport(const RunReport& report, const OutputOptions& opts, std::FILE* out);
std::string RunReportJson(const RunReport& report);
std::string RunReportJunit(const RunReport& report);

// A throttled "\r..." status line on stderr, shown only when stderr is a terminal.
class Progress {
 public:
  Progress();
  void Update(const std::string& text);
  void Clear();

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

bool WriteFile(const std::string& path, const std::string& content, std::string* error);

}  // namespace keyshard::compat
