#include "tools/compat/executor.h"

#include <cstdlib>

#include "tools/compat/compare.h"

namespace keyshard::compat {

namespace {

constexpr int kMaxScanRounds = 100000;

// Continues a SCAN-family iteration on one endpoint after its first reply.
void FinishScan(Connection& conn, std::vector<std::string> argv, Outcome& out) {
  const size_t ci = ScanCursorIndex(argv);
  if (!out.reply || ci >= argv.size() || argv[ci] != "0") return;
  auto shape_ok = [](const Reply& r) {
    return r.type == ReplyType::kArray && r.elems.size() == 2 && r.elems[0].type == ReplyType::kBulk &&
           r.elems[1].type == ReplyType::kArray;
  };
  if (!shape_ok(*out.reply)) return;
  std::vector<Reply> all = std::move(out.reply->elems[1].elems);
  std::string cursor = out.reply->elems[0].str;
  for (int round = 0; cursor != "0" && round < kMaxScanRounds; ++round) {
    argv[ci] = cursor;
    std::string err;
    auto r = conn.Call(argv, &err);
    if (!r) {
      out.reply.reset();
      out.error = err;
      return;
    }
    if (!shape_ok(*r)) {
      out.reply = std::move(r);
      return;
    }
    for (auto& e : r->elems[1].elems) all.push_back(std::move(e));
    cursor = r->elems[0].str;
  }
  out.reply = Reply::Array({Reply::Bulk(cursor), Reply::Array(std::move(all))});
}

}  // namespace

std::vector<Outcome> Execute(const std::vector<Connection*>& conns, const Command& cmd) {
  std::vector<Outcome> outs(conns.size());
  std::vector<bool> sent(conns.size(), false);
  for (size_t i = 0; i < conns.size(); ++i) {
    sent[i] = cmd.argv.empty() ? conns[i]->SendRaw(cmd.raw, &outs[i].error)
                               : conns[i]->Send(cmd.argv, &outs[i].error);
  }
  for (size_t i = 0; i < conns.size(); ++i) {
    if (!sent[i]) continue;
    outs[i].reply = conns[i]->Receive(&outs[i].error);
    if (!cmd.argv.empty() && PolicyFor(cmd.argv) == Policy::kScan) FinishScan(*conns[i], cmd.argv, outs[i]);
  }
  return outs;
}

// KS_COMPAT_EXTRA_FLUSH="host:port,host:port": servers flushed with every reset, for a
// keyshard whose remote shards (issue 16) its own FLUSHALL does not reach yet.
bool FlushExtraServers(std::string* error) {
  const char* env = std::getenv("KS_COMPAT_EXTRA_FLUSH");
  if (!env || !*env) return true;
  std::string list = env;
  for (size_t p = 0; p <= list.size();) {
    size_t comma = list.find(',', p);
    if (comma == std::string::npos) comma = list.size();
    auto ep = ParseEndpoint(list.substr(p, comma - p));
    p = comma + 1;
    if (!ep) continue;
    Connection c(*ep);
    if (!c.Connect(error)) return false;
    auto r = c.Call({"FLUSHALL"}, error);
    if (!r) return false;
  }
  return true;
}

bool ResetState(Connection& conn, std::string* error) {
  if (!FlushExtraServers(error)) return false;
  if (!conn.Connect(error)) return false;
  for (const std::vector<std::string>& argv : {std::vector<std::string>{"FLUSHALL"},
                                               std::vector<std::string>{"SELECT", "0"}}) {
    auto r = conn.Call(argv, error);
    if (!r) return false;
    if (r->IsError()) {
      *error = conn.endpoint().Name() + ": " + argv[0] + " failed: " + r->str;
      return false;
    }
  }
  return true;
}

std::optional<std::string> CompareOutcomes(const Command& cmd, const Outcome& t, const Outcome& r) {
  if (!t.reply || !r.reply) {
    if (!t.reply && !r.reply) return std::nullopt;  // both failed alike (e.g. both closed)
    return !t.reply ? "target: " + t.error : "reference: " + r.error;
  }
  return CompareReplies(cmd.argv, *t.reply, *r.reply);
}

std::optional<Divergence> ReplayDifferential(Connection& target, Connection& reference,
                                             const std::vector<Command>& seq, std::string* setup_error,
                                             const ProgressFn& progress) {
  if (!ResetState(target, setup_error) || !ResetState(reference, setup_error)) return std::nullopt;
  std::vector<Connection*> conns = {&target, &reference};
  for (size_t i = 0; i < seq.size(); ++i) {
    auto outs = Execute(conns, seq[i]);
    if (progress) progress(i + 1, seq.size());
    if (auto why = CompareOutcomes(seq[i], outs[0], outs[1])) {
      Divergence d;
      d.index = i;
      d.target = std::move(outs[0].reply);
      d.reference = std::move(outs[1].reply);
      d.target_error = outs[0].error;
      d.reference_error = outs[1].error;
      d.reason = *why;
      return d;
    }
  }
  return std::nullopt;
}

}  // namespace keyshard::compat
