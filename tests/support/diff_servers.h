#pragma once
// The harness of the differential tests (tests/integration/*_diff_test.cc): a keyshard and a
// reference redis-server shared by a test suite, a fresh client to each per test, and the
// reply-by-reply comparison the suites have in common. How a suite compares a reply that Redis
// does not determine (unordered or random ones) stays with the suite.
#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/processes.h"

namespace ks::test {

using Cmd = std::vector<std::string>;

// A named sequence of commands, one parameter of a differential suite.
struct DiffCase {
  std::string name;
  std::vector<Cmd> cmds;
};

inline void PrintTo(const DiffCase& c, std::ostream* os) { *os << c.name; }

// A named script, one parameter of a differential suite: one command per line, arguments split
// on spaces, "double quotes" group one (spaces and all; "" is an empty one).
struct ScriptCase {
  std::string name;
  std::string script;
};

inline void PrintTo(const ScriptCase& c, std::ostream* os) { *os << c.name; }

// A script's lines, in order.
std::vector<std::string> ScriptLines(const std::string& script);
// One line of a script as a command (empty for a blank line).
Cmd SplitScriptLine(const std::string& line);

// Names each instance of a parameterised suite by its case's `name`.
struct CaseName {
  template <typename Info>
  std::string operator()(const Info& info) const {
    return info.param.name;
  }
};

// A command as a failure message shows it: arguments past 40 bytes are cut.
std::string Shown(const Cmd& cmd);

// The servers and clients; suites derive through DiffTest.
class DiffServers {
 public:
  static void StartServers();
  static void StopServers();

 protected:
  // Connects a client to each server, FLUSHALLs both and runs `config` on both (each must
  // reply OK). Fails fatally if a server did not start.
  void Connect(const std::vector<Cmd>& config = {});
  // Runs cmd on both servers; returns {keyshard's reply, Redis's}.
  std::pair<std::string, std::string> Both(const Cmd& cmd);
  // Runs cmd on both servers and expects the same reply; returns Redis's.
  std::string Same(const Cmd& cmd, const std::string& context);
  // Same for every command of a script (see ScriptCase).
  void SameScript(const std::string& script, const std::string& context);

  static std::unique_ptr<KeyshardProcess> ks_;
  static std::unique_ptr<RedisProcess> redis_;
  std::unique_ptr<Client> kc_, rc_;
};

// A differential suite: servers started once per suite, clients connected per test.
// Suites with their own per-test CONFIG SETs override SetUp and call Connect(config).
template <typename GTestBase>
class DiffFixture : public DiffServers, public GTestBase {
 protected:
  static void SetUpTestSuite() { StartServers(); }
  static void TearDownTestSuite() { StopServers(); }
  void SetUp() override { Connect(); }
};

// One parameterised by Param (TEST_P), and one of plain TEST_Fs.
template <typename Param>
using DiffTest = DiffFixture<::testing::TestWithParam<Param>>;
using DiffSuite = DiffFixture<::testing::Test>;

}  // namespace ks::test
