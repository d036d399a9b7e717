#include "tests/support/diff_servers.h"

namespace ks::test {

std::unique_ptr<KeyshardProcess> DiffServers::ks_;
std::unique_ptr<RedisProcess> DiffServers::redis_;

std::string Shown(const Cmd& cmd) {
  std::string shown;
  for (const auto& a : cmd) shown += (a.size() > 40 ? a.substr(0, 40) + "..." : a) + " ";
  return shown;
}

std::vector<std::string> ScriptLines(const std::string& script) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < script.size()) {
    size_t nl = script.find('\n', pos);
    if (nl == std::string::npos) nl = script.size();
    lines.push_back(script.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

Cmd SplitScriptLine(const std::string& line) {
  Cmd out;
  std::string cur;
  bool quoted = false, have = false;
  for (char ch : line) {
    if (ch == '"') {
      quoted = !quoted;
      have = true;
    } else if (ch == ' ' && !quoted) {
      if (have) out.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur.push_back(ch);
      have = true;
    }
  }
  if (have) out.push_back(cur);
  return out;
}

void DiffServers::StartServers() {
  ks_ = std::make_unique<KeyshardProcess>();
  redis_ = std::make_unique<RedisProcess>();
}

void DiffServers::StopServers() {
  ks_.reset();
  redis_.reset();
}

void DiffServers::Connect(const std::vector<Cmd>& config) {
  ASSERT_TRUE(ks_->running()) << "keyshard did not start";
  ASSERT_TRUE(redis_->running()) << "redis-server did not start";
  kc_ = std::make_unique<Client>(ks_->port());
  rc_ = std::make_unique<Client>(redis_->port());
  ASSERT_TRUE(kc_->connected());
  ASSERT_TRUE(rc_->connected());
  for (Client* c : {kc_.get(), rc_.get()}) {
    ASSERT_EQ(c->Run({"FLUSHALL"}), "OK");
    for (const Cmd& cmd : config) ASSERT_EQ(c->Run(cmd), "OK") << Shown(cmd);
  }
}

std::pair<std::string, std::string> DiffServers::Both(const Cmd& cmd) { return {kc_->Run(cmd), rc_->Run(cmd)}; }

std::string DiffServers::Same(const Cmd& cmd, const std::string& context) {
  auto [k, r] = Both(cmd);
  EXPECT_EQ(k, r) << context << ": " << Shown(cmd);
  return r;
}

void DiffServers::SameScript(const std::string& script, const std::string& context) {
  for (const std::string& line : ScriptLines(script)) {
    const Cmd cmd = SplitScriptLine(line);
    if (!cmd.empty()) Same(cmd, context);
  }
}

}  // namespace ks::test
