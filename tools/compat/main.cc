// keyshard-compat: checks a Redis-compatible endpoint against case files (run), against a
// reference server (diff, also with random sequences) and by its COMMAND table (coverage).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tools/compat/case_file.h"
#include "tools/compat/coverage.h"
#include "tools/compat/random_gen.h"
#include "tools/compat/random_mode.h"
#include "tools/compat/report.h"
#include "tools/compat/runner.h"

using namespace keyshard::compat;

namespace {

constexpr int kExitUsage = 2;

const char* kUsage = R"(usage:
  keyshard-compat run [--host H] [--port P] [--password PW] CASES...
  keyshard-compat diff --target H:P --reference H:P CASES...
  keyshard-compat diff --target H:P --reference H:P --random [--seed S] [--ops N]
                       [--families strings,keys,server,lists,hashes,sets,zsets|all] [--max-shrink N]
  keyshard-compat record [--host H] [--port P] [--password PW] FILE
                       (prints FILE with the endpoint's replies filled in where no "=>" is given)
  keyshard-compat coverage --target H:P --reference H:P [--hide-missing] [--ignore-missing]

CASES are .cases files or directories holding them (see docs/COMPAT.md).
Common options:
  --json               print a JSON report on stdout instead of the tables
  --junit FILE         also write a JUnit XML report to FILE
  --verbose            list passing cases too
  --no-color           no ANSI colours (default: colours only when stdout is a terminal)
  --timeout MS         per-reply timeout (default 10000)
  --target-password PW, --reference-password PW   AUTH for diff and coverage endpoints
Exit status: 0 when everything passed, 1 on failures or divergences, 2 on usage errors.
)";

struct Args {
  std::string mode;
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password, target, reference, target_password, reference_password;
  std::vector<std::string> cases;
  bool random = false, json = false, verbose = false, no_color = false;
  bool hide_missing = false, ignore_missing = false;
  unsigned long long seed = 1;
  size_t ops = 10000, max_shrink = 2000;
  int timeout_ms = 10000;
  std::string families, junit;
};

[[noreturn]] void UsageError(const std::string& msg) {
  std::fprintf(stderr, "keyshard-compat: %s\n\n%s", msg.c_str(), kUsage);
  std::exit(kExitUsage);
}

unsigned long long ToNumber(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end || v[0] == '-') UsageError(flag + " needs a non-negative integer, got '" + v + "'");
  return n;
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  if (argc < 2) UsageError("missing mode");
  a.mode = argv[1];
  if (a.mode == "help" || a.mode == "--help" || a.mode == "-h") {
    std::fputs(kUsage, stdout);
    std::exit(0);
  }
  if (a.mode != "run" && a.mode != "diff" && a.mode != "coverage" && a.mode != "record") UsageError("unknown mode '" + a.mode + "'");
  for (int i = 2; i < argc; ++i) {
    std::string f = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) UsageError(f + " needs a value");
      return argv[++i];
    };
    if (f == "--host") a.host = value();
    else if (f == "--port") a.port = static_cast<int>(ToNumber(f, value()));
    else if (f == "--password") a.password = value();
    else if (f == "--target") a.target = value();
    else if (f == "--reference") a.reference = value();
    else if (f == "--target-password") a.target_password = value();
    else if (f == "--reference-password") a.reference_password = value();
    else if (f == "--random") a.random = true;
    else if (f == "--seed") a.seed = ToNumber(f, value());
    else if (f == "--ops") a.ops = ToNumber(f, value());
    else if (f == "--families") a.families = value();
    else if (f == "--max-shrink") a.max_shrink = ToNumber(f, value());
    else if (f == "--timeout") a.timeout_ms = static_cast<int>(ToNumber(f, value()));
    else if (f == "--json") a.json = true;
    else if (f == "--junit") a.junit = value();
    else if (f == "--verbose" || f == "-v") a.verbose = true;
    else if (f == "--no-color") a.no_color = true;
    else if (f == "--hide-missing") a.hide_missing = true;
    else if (f == "--ignore-missing") a.ignore_missing = true;
    else if (f.size() > 1 && f[0] == '-') UsageError("unknown option " + f);
    else a.cases.push_back(f);
  }
  return a;
}

Endpoint NeedEndpoint(const std::string& flag, const std::string& text, const std::string& password, int timeout) {
  if (text.empty()) UsageError(flag + " HOST:PORT is required");
  auto ep = ParseEndpoint(text);
  if (!ep) UsageError(flag + ": expected HOST:PORT, got '" + text + "'");
  ep->password = password;
  ep->timeout_ms = timeout;
  return *ep;
}

int Finish(const RunReport& report, const Args& a) {
  OutputOptions out;
  out.color = !a.no_color && !a.json && ::isatty(STDOUT_FILENO) == 1 && !std::getenv("NO_COLOR");
  out.verbose = a.verbose;
  if (a.json) std::fputs(RunReportJson(report).c_str(), stdout);
  else PrintRunReport(report, out, stdout);
  if (!a.junit.empty()) {
    std::string err;
    if (!WriteFile(a.junit, RunReportJunit(report), &err)) {
      std::fprintf(stderr, "keyshard-compat: %s\n", err.c_str());
      return 1;
    }
  }
  return report.AllPassed() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a server closing the socket is reported, not fatal
  Args a = ParseArgs(argc, argv);

  if (a.mode == "run" || a.mode == "record") {
    Endpoint ep;
    ep.host = a.host;
    ep.port = a.port;
    ep.password = a.password;
    ep.timeout_ms = a.timeout_ms;
    if (a.mode == "record") {
      if (a.cases.size() != 1) UsageError("record takes one case file");
      std::string err;
      std::string text = RecordCaseFile(ep, a.cases[0], &err);
      if (!err.empty()) {
        std::fprintf(stderr, "keyshard-compat: %s\n", err.c_str());
        return 1;
      }
      std::fputs(text.c_str(), stdout);
      return 0;
    }
    if (a.cases.empty()) UsageError("run needs case files or directories");
    return Finish(RunCaseFiles(ep, ExpandCasePaths(a.cases)), a);
  }

  Endpoint target = NeedEndpoint("--target", a.target, a.target_password, a.timeout_ms);
  Endpoint reference = NeedEndpoint("--reference", a.reference, a.reference_password, a.timeout_ms);

  if (a.mode == "coverage") {
    CoverageReport rep = RunCoverage(target, reference);
    bool color = !a.no_color && !a.json && ::isatty(STDOUT_FILENO) == 1 && !std::getenv("NO_COLOR");
    std::fputs((a.json ? CoverageJson(rep) : CoverageText(rep, color, !a.hide_missing)).c_str(), stdout);
    if (!rep.error.empty()) return 1;
    bool ok = a.ignore_missing ? rep.identical == rep.present : rep.identical == rep.reference_total;
    return ok ? 0 : 1;
  }

  if (a.random) {
    if (!a.cases.empty()) UsageError("give either CASES or --random, not both");
    RandomOptions opts;
    opts.seed = a.seed;
    opts.ops = a.ops;
    opts.max_shrink_tests = a.max_shrink;
    opts.families = DefaultFamilies();
    std::string err;
    if (!a.families.empty() && !ParseFamilies(a.families, &opts.families, &err)) UsageError(err);
    return Finish(RunRandom(target, reference, opts), a);
  }
  if (a.cases.empty()) UsageError("diff needs case files or --random");
  return Finish(DiffCaseFiles(target, reference, ExpandCasePaths(a.cases)), a);
}
