// Outcomes of run and diff modes, shared by the runner and the reports.
#pragma once

#include <string>
#include <vector>

namespace keyshard::compat {

struct Failure {
  int line = 0;
  std::string command;
  std::string expected;  // run: the case file's expectation; diff: the reference's reply
  std::string actual;    // the target's reply
  std::string reason;
};

struct CaseResult {
  std::string name;
  int line = 0;
  int steps = 0;
  double seconds = 0;
  std::vector<Failure> failures;
  bool passed() const { return failures.empty(); }
};

struct FamilyResult {
  std::string family;
  std::string path;
  std::string error;  // the file could not be parsed or the endpoints could not be reset
  std::vector<CaseResult> cases;

  int Passed() const {
    int n = 0;
    for (const auto& c : cases) n += c.passed();
    return n;
  }
  int Failed() const { return static_cast<int>(cases.size()) - Passed() + (error.empty() ? 0 : 1); }
  int Steps() const {
    int n = 0;
    for (const auto& c : cases) n += c.steps;
    return n;
  }
};

struct RunReport {
  std::string mode;      // "run", "diff" or "random"
  std::string target;    // endpoint names
  std::string reference;
  std::vector<FamilyResult> families;
  std::string reproduction;  // random mode: the shrunk case file

  bool AllPassed() const {
    for (const auto& f : families)
      if (f.Failed()) return false;
    return true;
  }
};

}  // namespace keyshard::compat
