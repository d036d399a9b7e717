#include "tools/compat/runner.h"

#include <chrono>
#include <fstream>
#include <map>

#include "tools/compat/case_file.h"
#include "tools/compat/compare.h"
#include "tools/compat/executor.h"
#include "tools/compat/matcher.h"
#include "tools/compat/report.h"

namespace keyshard::compat {

namespace {

std::string Show(const Outcome& o) { return o.reply ? Render(*o.reply) : "<" + o.error + ">"; }

Command ToCommand(const Step& s) { return Command{s.argv, s.raw}; }

// Runs every file; check(step, outcomes) returns a failure for a step, if any.
template <typename CheckFn>
RunReport RunFiles(const std::vector<Connection*>& conns, const std::vector<std::string>& paths,
                   RunReport report, CheckFn check) {
  Progress progress;
  for (const auto& path : paths) {
    auto loaded = LoadCaseFile(path);
    FamilyResult fam;
    fam.path = path;
    if (!loaded.file) {
      fam.family = path;
      fam.error = loaded.error;
      report.families.push_back(std::move(fam));
      continue;
    }
    fam.family = loaded.file->family;
    std::string err;
    bool reset_ok = true;
    for (auto* c : conns) reset_ok = reset_ok && ResetState(*c, &err);
    if (!reset_ok) {
      fam.error = "cannot reset state: " + err;
      report.families.push_back(std::move(fam));
      continue;
    }
    for (const auto& c : loaded.file->cases) {
      CaseResult cr;
      cr.name = c.name;
      cr.line = c.line;
      auto start = std::chrono::steady_clock::now();
      for (const auto& step : c.steps) {
        progress.Update("[" + fam.family + "] " + c.name);
        auto outs = Execute(conns, ToCommand(step));
        ++cr.steps;
        if (auto f = check(step, outs)) {
          f->line = step.line;
          f->command = step.source;
          cr.failures.push_back(std::move(*f));
        }
      }
      cr.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      fam.cases.push_back(std::move(cr));
    }
    report.families.push_back(std::move(fam));
  }
  progress.Clear();
  return report;
}

}  // namespace

RunReport RunCaseFiles(const Endpoint& endpoint, const std::vector<std::string>& paths) {
  Connection conn(endpoint);
  RunReport report;
  report.mode = "run";
  report.target = endpoint.Name();
  return RunFiles({&conn}, paths, std::move(report),
                  [](const Step& step, const std::vector<Outcome>& outs) -> std::optional<Failure> {
                    const Outcome& o = outs[0];
                    if (!step.expect) {
                      if (o.reply) return std::nullopt;
                      return Failure{0, "", "a reply", Show(o), "connection failed"};
                    }
                    if (o.reply && Matches(*step.expect, *o.reply)) return std::nullopt;
                    return Failure{0, "", Describe(*step.expect), Show(o),
                                   o.reply ? "reply does not match" : "connection failed"};
                  });
}

RunReport DiffCaseFiles(const Endpoint& target, const Endpoint& reference,
                        const std::vector<std::string>& paths) {
  Connection t(target), r(reference);
  RunReport report;
  report.mode = "diff";
  report.target = target.Name();
  report.reference = reference.Name();
  return RunFiles({&t, &r}, paths, std::move(report),
                  [](const Step& step, const std::vector<Outcome>& outs) -> std::optional<Failure> {
                    const Outcome& to = outs[0];
                    const Outcome& ro = outs[1];
                    if (step.expect && step.expect->IsLoose()) {
                      const bool tok = to.reply && Matches(*step.expect, *to.reply);
                      const bool rok = ro.reply && Matches(*step.expect, *ro.reply);
                      if (tok && rok) return std::nullopt;
                      return Failure{0, "", Show(ro), Show(to),
                                     !rok ? "reference does not match the case file's " + Describe(*step.expect)
                                          : "target does not match the case file's " + Describe(*step.expect)};
                    }
                    auto why = CompareOutcomes(ToCommand(step), to, ro);
                    if (!why) return std::nullopt;
                    return Failure{0, "", Show(ro), Show(to), *why};
                  });
}

std::string RecordCaseFile(const Endpoint& endpoint, const std::string& path, std::string* error) {
  auto loaded = LoadCaseFile(path);
  if (!loaded.file) {
    *error = loaded.error;
    return "";
  }
  Connection conn(endpoint);
  if (!ResetState(conn, error)) return "";
  std::map<int, std::string> filled;  // line -> expectation
  for (const auto& c : loaded.file->cases) {
    for (const auto& step : c.steps) {
      auto outs = Execute({&conn}, ToCommand(step));
      if (step.expect) continue;
      filled[step.line] = outs[0].reply ? ExpectationFor(step.argv, *outs[0].reply) : "any";
    }
  }
  std::ifstream in(path, std::ios::binary);
  std::string line, out;
  for (int n = 1; std::getline(in, line); ++n) {
    auto it = filled.find(n);
    if (it != filled.end()) {
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
      line += " => " + it->second;
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace keyshard::compat
