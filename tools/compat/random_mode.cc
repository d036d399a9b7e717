#include "tools/compat/random_mode.h"

#include <chrono>

#include "tools/compat/args.h"
#include "tools/compat/case_file.h"
#include "tools/compat/compare.h"
#include "tools/compat/executor.h"
#include "tools/compat/random_gen.h"
#include "tools/compat/report.h"
#include "tools/compat/shrink.h"

namespace keyshard::compat {

namespace {

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

std::string Show(const std::optional<Reply>& r, const std::string& err) {
  return r ? Render(*r) : "<" + err + ">";
}

// Replays the minimal sequence once more and writes it as a case file whose expectations
// are the reference's replies, so it passes `run` against the reference and fails on the target.
std::string FormatReproduction(Connection& target, Connection& reference, const std::vector<Command>& seq,
                               const std::string& header) {
  std::string out = header;
  std::string err;
  if (!ResetState(target, &err) || !ResetState(reference, &err)) return out + "# (could not replay: " + err + ")\n";
  std::vector<Connection*> conns = {&target, &reference};
  out += "@case random divergence\n";
  bool diverged = false;
  for (const auto& cmd : seq) {
    auto outs = Execute(conns, cmd);
    std::string expect = outs[1].reply ? ExpectationFor(cmd.argv, *outs[1].reply) : "any";
    auto why = CompareOutcomes(cmd, outs[0], outs[1]);
    if (why) out += "# the target replied " + Show(outs[0].reply, outs[0].error) + " (" + *why + ")\n";
    out += FormatStep(cmd.argv, expect) + "\n";
    if (why) {
      diverged = true;
      break;
    }
  }
  if (!diverged)
    out += "# note: this last replay did not diverge; the divergence looks timing-dependent.\n";
  return out;
}

}  // namespace

RunReport RunRandom(const Endpoint& target_ep, const Endpoint& reference_ep, const RandomOptions& opts) {
  RunReport report;
  report.mode = "random";
  report.target = target_ep.Name();
  report.reference = reference_ep.Name();
  FamilyResult fam;
  fam.family = "random";
  fam.path = "seed " + std::to_string(opts.seed);

  Connection target(target_ep), reference(reference_ep);
  std::vector<Command> seq;
  {
    RandomGenerator gen(opts.seed, opts.families);
    for (auto& argv : gen.Generate(opts.ops)) seq.push_back(Command{std::move(argv), {}});
  }

  Progress progress;
  auto start = std::chrono::steady_clock::now();
  std::string setup_error;
  auto div = ReplayDifferential(target, reference, seq, &setup_error, [&](size_t done, size_t total) {
    progress.Update("random: " + std::to_string(done) + "/" + std::to_string(total) + " commands");
  });
  progress.Clear();
  CaseResult cr;
  cr.name = "seed " + std::to_string(opts.seed) + ", " + std::to_string(opts.ops) + " commands (" +
            Join(opts.families, ",") + ")";
  cr.steps = static_cast<int>(div ? div->index + 1 : seq.size());
  if (!setup_error.empty()) {
    fam.error = setup_error;
    report.families.push_back(std::move(fam));
    return report;
  }
  if (div) {
    const size_t found_at = div->index;
    std::vector<Command> prefix(seq.begin(), seq.begin() + static_cast<long>(found_at) + 1);
    ShrinkStats stats;
    std::function<bool(const std::vector<Command>&)> fails = [&](const std::vector<Command>& cand) {
      progress.Update("shrinking: " + std::to_string(cand.size()) + " commands, " + std::to_string(stats.tests) +
                      " replays");
      std::string err;
      auto d = ReplayDifferential(target, reference, cand, &err);
      return d.has_value();
    };
    auto minimal = Shrink(prefix, fails, opts.max_shrink_tests, &stats);
    progress.Clear();

    std::string header = "# Found by: keyshard-compat diff --random --seed " + std::to_string(opts.seed) + " --ops " +
                         std::to_string(opts.ops) + " --families " + Join(opts.families, ",") + "\n" +
                         "# Divergence at command " + std::to_string(found_at + 1) + ", shrunk from " +
                         std::to_string(prefix.size()) + " to " + std::to_string(minimal.size()) + " commands in " +
                         std::to_string(stats.tests) + " replays" +
                         (stats.budget_exhausted ? " (shrink budget exhausted)" : "") + ".\n";
    report.reproduction = FormatReproduction(target, reference, minimal, header);

    Failure f;
    f.line = static_cast<int>(found_at + 1);
    f.command = FormatCommand(seq[found_at].argv);
    f.expected = Show(div->reference, div->reference_error);
    f.actual = Show(div->target, div->target_error);
    f.reason = div->reason + " (at command " + std::to_string(found_at + 1) + " of " + std::to_string(seq.size()) + ")";
    cr.failures.push_back(std::move(f));
  }
  cr.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fam.cases.push_back(std::move(cr));
  report.families.push_back(std::move(fam));
  return report;
}

}  // namespace keyshard::compat
