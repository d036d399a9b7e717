// The dispatcher makes room (or refuses with Redis's OOM error) on the engines a command has
// locked. A denyoom command that locked nothing itself (LockMode::kSelf) or had no key would
// skip that check: the table must have none, and commands over several engines are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "tests/support/direct_client.h"

namespace ks::test {
namespace {

template <typename F>
void ForEachSpec(const CommandRegistry& reg, F&& f) {
  for (const CommandSpec& s : reg.all()) {
    f(s);
    for (const CommandSpec& sub : s.subcommands) f(sub);
  }
}

TEST(DenyoomCommands, EveryOneLocksTheEnginesOfItsKeys) {
  CommandRegistry reg;
  int denyoom = 0;
  std::vector<std::string> keyless_all;
  ForEachSpec(reg, [&](const CommandSpec& s) {
    if (!(s.flag_bits & kCmdDenyOom)) return;
    ++denyoom;
    // Keyless in Redis (FUNCTION LOAD/RESTORE): every engine is locked, so the check runs on
    // all of them. Only keyless rows may take that way out, and each one is named here so a
    // new one needs a behavioural test like the next one's.
    if (s.lock == LockMode::kAll) {
      keyless_all.push_back(s.full_name);
      EXPECT_TRUE(s.first_key == 0 && s.key_specs.empty()) << s.full_name << " has keys: lock them instead";
      return;
    }
    EXPECT_EQ(s.lock, LockMode::kKeys) << s.full_name << " would skip the OOM check";
    EXPECT_TRUE(s.first_key > 0 || !s.key_specs.empty()) << s.full_name << " has no key to lock an engine by";
  });
  EXPECT_GT(denyoom, 20);
  std::sort(keyless_all.begin(), keyless_all.end());
  EXPECT_EQ(keyless_all, (std::vector<std::string>{"function|load", "function|restore"}));
}

TEST(DenyoomCommands, KeylessFunctionLoadAndRestoreAreRefusedWhenNothingCanBeEvicted) {
  TestServer srv{4};
  DirectClient c{srv};
  const std::string lib = "#!lua name=l\nredis.register_function('f', function() return 1 end)";
  ASSERT_EQ(c.Run({"SET", "a", "1"}), "OK");
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory", "1"}), "OK");  // noeviction: nothing may go
  const std::string oom = "(error) " + std::string(err::kOom);
  EXPECT_EQ(c.Run({"FUNCTION", "LOAD", lib}), oom);
  EXPECT_EQ(c.Run({"FUNCTION", "RESTORE", "x"}), oom);
  EXPECT_EQ(c.Run({"FUNCTION", "LIST"}), "[]");
  EXPECT_EQ(c.Run({"FUNCTION", "FLUSH"}), "OK");  // not denyoom
  EXPECT_EQ(c.Run({"GET", "a"}), "\"1\"");
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory", "0"}), "OK");
  EXPECT_EQ(c.Run({"FUNCTION", "LOAD", lib}), "\"l\"");
}

TEST(DenyoomCommands, WriteOverSeveralEnginesIsRefusedWhileReadsWork) {
  TestServer srv{4};
  DirectClient c{srv};
  ASSERT_EQ(c.Run({"MSET", "a", "1", "b", "2", "c", "3", "d", "4"}), "OK");
  ASSERT_EQ(c.Run({"CONFIG", "SET", "maxmemory", "1"}), "OK");  // noeviction: nothing may go
  const std::string oom = "(error) " + std::string(err::kOom);
  EXPECT_EQ(c.Run({"MSET", "a", "1", "b", "2", "c", "3", "d", "4"}), oom);
  EXPECT_EQ(c.Run({"SUNIONSTORE", "e", "a", "b"}), oom);
  EXPECT_EQ(c.Run({"MGET", "a", "b", "c", "d"}), "[\"1\", \"2\", \"3\", \"4\"]");
  EXPECT_EQ(c.Run({"DEL", "a", "b"}), "(integer) 2");  // not denyoom: frees memory
}

}  // namespace
}  // namespace ks::test
