#include "tools/compat/case_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/compat/args.h"

namespace keyshard::compat {

namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      if (!cur.empty() && cur.back() == '\r') cur.pop_back();
      lines.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) lines.push_back(std::move(cur));
  return lines;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string FamilyOf(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  const std::string ext = ".cases";
  if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
    name.resize(name.size() - ext.size());
  return name;
}

}  // namespace

CaseFileResult ParseCaseFile(const std::string& path, const std::string& text) {
  CaseFileResult result;
  CaseFile file;
  file.path = path;
  file.family = FamilyOf(path);
  auto lines = SplitLines(text);
  auto fail = [&](int line, const std::string& msg) {
    result.error = path + ":" + std::to_string(line) + ": " + msg;
    return result;
  };
  auto current_case = [&](int line) -> Case& {
    if (file.cases.empty()) file.cases.push_back(Case{"line " + std::to_string(line), line, {}});
    return file.cases.back();
  };

  for (size_t i = 0; i < lines.size(); ++i) {
    const int lineno = static_cast<int>(i) + 1;
    std::string line = Trim(lines[i]);
    if (line.empty() || line[0] == '#') continue;

    bool raw = false;
    if (line[0] == '@') {
      std::string word = line.substr(0, line.find_first_of(" \t"));
      std::string rest = word.size() < line.size() ? Trim(line.substr(word.size())) : "";
      if (word == "@case") {
        if (rest.empty()) return fail(lineno, "@case needs a name");
        file.cases.push_back(Case{rest, lineno, {}});
        continue;
      }
      if (word != "@raw") return fail(lineno, "unknown directive " + word + " (known: @case, @raw)");
      line = rest;
      raw = true;
    }

    std::string err;
    auto tokens = SplitArgs(line, &err, /*stop_at_arrow=*/true);
    if (!tokens) return fail(lineno, err);
    Step step;
    step.line = lineno;
    size_t arrow = tokens->size();
    for (size_t t = 0; t < tokens->size(); ++t) {
      if (!(*tokens)[t].quoted && (*tokens)[t].text == "=>") {
        arrow = t;
        break;
      }
    }
    if (arrow == 0) return fail(lineno, "missing command before '=>'");
    for (size_t t = 0; t < arrow; ++t) step.argv.push_back((*tokens)[t].text);
    step.source = Trim(line.substr(0, arrow < tokens->size() ? (*tokens)[arrow].begin : line.size()));
    if (raw) {
      if (step.argv.size() != 1) return fail(lineno, "@raw takes one quoted string of bytes");
      step.raw = step.argv[0];
      step.argv.clear();
      step.source = "@raw " + step.source;
    }
    if (arrow < tokens->size()) {
      // The expectation may continue over following lines until its brackets close.
      std::string expr = line.substr((*tokens)[arrow].end);
      size_t j = i;
      while (true) {
        MatcherParse p = ParseMatcher(expr);
        if (p.matcher) {
          step.expect = std::move(p.matcher);
          break;
        }
        if (p.incomplete && j + 1 < lines.size()) {
          expr += "\n" + lines[++j];
          continue;
        }
        return fail(lineno, "bad expected reply: " + p.error);
      }
      i = j;
    }
    current_case(lineno).steps.push_back(std::move(step));
  }
  file.cases.erase(std::remove_if(file.cases.begin(), file.cases.end(),
                                  [](const Case& c) { return c.steps.empty(); }),
                   file.cases.end());
  result.file = std::move(file);
  return result;
}

CaseFileResult LoadCaseFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    CaseFileResult r;
    r.error = path + ": cannot open";
    return r;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseCaseFile(path, ss.str());
}

std::vector<std::string> ExpandCasePaths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : std::filesystem::directory_iterator(p, ec))
        if (e.path().extension() == ".cases") found.push_back(e.path().string());
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(p);
    }
  }
  return out;
}

std::string FormatStep(const std::vector<std::string>& argv, const std::optional<std::string>& expect) {
  std::string out = FormatCommand(argv);
  if (expect) out += " => " + *expect;
  return out;
}

}  // namespace keyshard::compat
