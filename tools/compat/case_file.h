// Case files: a command per line and, after "=>", its expected reply. Format in docs/COMPAT.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tools/compat/matcher.h"

namespace keyshard::compat {

struct Step {
  int line = 0;
  std::vector<std::string> argv;  // empty for a raw step
  std::string raw;                // bytes sent verbatim by "@raw"
  std::optional<Matcher> expect;  // none: not checked by run, still compared by diff
  std::string source;             // the command as written, for reports
  bool IsRaw() const { return argv.empty(); }
};

struct Case {
  std::string name;
  int line = 0;
  std::vector<Step> steps;
};

struct CaseFile {
  std::string path;
  std::string family;  // file name without directory and ".cases"
  std::vector<Case> cases;
};

struct CaseFileResult {
  std::optional<CaseFile> file;
  std::string error;  // "path:line: message"
};

CaseFileResult ParseCaseFile(const std::string& path, const std::string& text);
CaseFileResult LoadCaseFile(const std::string& path);

// Expands directories to their *.cases files (sorted); files are kept as given.
std::vector<std::string> ExpandCasePaths(const std::vector<std::string>& paths);

// One case-file line for a command and its expected reply (or none).
std::string FormatStep(const std::vector<std::string>& argv, const std::optional<std::string>& expect);

}  // namespace keyshard::compat
