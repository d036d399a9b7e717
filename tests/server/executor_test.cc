// The execution path (server/core/executor.h) and the versioned routing under it: a command
// whose slot moves between routing and locking is routed again and runs on the new owner.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "routing/slots.h"
#include "server/core/command_context.h"
#include "server/core/executor.h"
#include "tests/support/direct_client.h"

namespace ks {
namespace {

using test::DirectClient;
using test::TestServer;

// Moves every key of slot (all databases) from one engine to another; both are locked.
void MoveSlotKeys(uint16_t slot, Engine& from, Engine& to) {
  for (int db = 0; db < kNumDbs; ++db) {
    std::vector<std::string> keys;
    from.db(db).ForEachInSlot(slot, [&](Entry* e) { keys.emplace_back(e->key()); });
    for (const std::string& k : keys) to.Put(db, slot, from.Detach(db, slot, k));
  }
}

int Owner(TestServer& srv, std::string_view key) { return srv.state.shards().slots().EngineOf(KeySlot(key)); }

// Moves key's slot to another engine the first time a command is routed after arming.
struct MoveOnNextRoute {
  TestServer& srv;
  uint16_t slot;
  int to;
  int fired = 0;
  void Arm() {
    srv.state.shards().set_route_hook_for_test([this] {
      if (fired++) return;
      srv.state.shards().AssignSlot(slot, static_cast<uint16_t>(to),
                                    [&](Engine& f, Engine& t) { MoveSlotKeys(slot, f, t); });
    });
  }
};

TEST(Routing, CommandRoutedBeforeASlotMoveRunsOnTheNewOwner) {
  TestServer srv;
  DirectClient c(srv);
  ASSERT_EQ(c.Run({"SET", "user:1", "old"}), "OK");
  const int from = Owner(srv, "user:1");
  const int to = (from + 3) % srv.state.shards().size();
  const uint64_t version = srv.state.shards().slots().version();

  MoveOnNextRoute move{srv, KeySlot("user:1"), to};
  move.Arm();
  // Routed to `from`, which no longer owns the slot once locked: the command goes again.
  EXPECT_EQ(c.Run({"SET", "user:1", "new"}), "OK");
  EXPECT_EQ(move.fired, 2);  // routed twice
  EXPECT_EQ(srv.state.shards().reroutes(), 1u);
  EXPECT_GT(srv.state.shards().slots().version(), version);
  EXPECT_EQ(Owner(srv, "user:1"), to);

  EXPECT_EQ(c.Run({"GET", "user:1"}), "\"new\"");
  // The key lives on the new owner only.
  const uint16_t slot = KeySlot("user:1");
  {
    EngineGuard g(srv.state.shards(), from);
    EXPECT_EQ(g.engine().db(0).Find(slot, "user:1"), nullptr);
  }
  {
    EngineGuard g(srv.state.shards(), to);
    EXPECT_NE(g.engine().db(0).Find(slot, "user:1"), nullptr);
  }
}

TEST(Routing, MultiEngineCommandReroutesWhenOneOfItsSlotsMoves) {
  TestServer srv;
  DirectClient c(srv);
  // Two keys on different engines.
  std::string a = "a", b;
  for (int i = 0; b.empty(); ++i) {
    std::string k = "b" + std::to_string(i);
    if (Owner(srv, k) != Owner(srv, a)) b = k;
  }
  ASSERT_EQ(c.Run({"MSET", a, "1", b, "2"}), "OK");
  // Move b's slot onto a's engine while MSET/RENAME is being routed.
  MoveOnNextRoute move{srv, KeySlot(b), Owner(srv, a)};
  move.Arm();
  EXPECT_EQ(c.Run({"RENAME", a, b}), "OK");
  EXPECT_EQ(srv.state.shards().reroutes(), 1u);
  EXPECT_EQ(Owner(srv, b), Owner(srv, a));
  EXPECT_EQ(c.Run({"GET", b}), "\"1\"");
  EXPECT_EQ(c.Run({"EXISTS", a}), "(integer) 0");
  EXPECT_EQ(c.Run({"DBSIZE"}), "(integer) 1");
}

TEST(Routing, ShardIdsNameLocalOrRemoteShards) {
  ShardId l = ShardId::Local(7), r = ShardId::Remote(7);
  EXPECT_TRUE(l.local());
  EXPECT_FALSE(r.local());
  EXPECT_FALSE(l == r);
  EXPECT_EQ(ShardId::Unpack(r.Pack()), r);
  EXPECT_EQ(ShardId::Unpack(l.Pack()).index, 7);
}


// Several commands under one lock set taken once, as EXEC will run them: the engines of all
// their keys are held from the first handler to the last.
TEST(Execution, SeveralCommandsRunUnderOneLockSet) {
  TestServer srv;
  DirectClient c(srv);
  ASSERT_EQ(c.Run({"SET", "counter", "41"}), "OK");
  std::vector<std::string_view> set_args = {"SET", "greeting", "hi"};
  std::vector<std::string_view> incr_args = {"INCR", "counter"};
  std::vector<std::string_view> mget_args = {"MGET", "greeting", "counter"};
  std::string out;
  ReplyBuilder rb(&out);
  ClientState& client = c.state();
  const CommandRegistry& table = srv.state.commands();
  CommandContext set{set_args, rb, client, srv.state, *table.Find("set"), {}};
  CommandContext incr{incr_args, rb, client, srv.state, *table.Find("incr"), {}};
  CommandContext mget{mget_args, rb, client, srv.state, *table.Find("mget"), {}};
  CommandContext* cmds[] = {&set, &incr, &mget};
  {
    Execution ex(srv.state);
    ex.Acquire(cmds);
    // Every engine a key routes to is held.
    for (CommandContext* ctx : cmds)
      for (const KeyRef& k : ctx->keys) EXPECT_TRUE(ex.locks().holds(&srv.state.shards().engine(k.engine)));
    for (CommandContext* ctx : cmds) EXPECT_TRUE(ex.Run(*ctx));
    ex.Release();
    EXPECT_TRUE(ex.locks().empty());
  }
  EXPECT_EQ(test::DecodeAll(out), "OK | (integer) 42 | [\"hi\", \"42\"]");
}

// A row's lock_for picks the lock set per call: SORT holds every engine when a BY/GET pattern
// can name other keys, and only its own keys' engines otherwise.
TEST(Execution, SortLocksEveryEngineOnlyForKeyPatterns) {
  TestServer srv;
  DirectClient c(srv);
  std::string out;
  ReplyBuilder rb(&out);
  const CommandSpec& sort = *srv.state.commands().Find("sort");
  auto held = [&](std::vector<std::string_view> args) {
    CommandContext ctx{args, rb, c.state(), srv.state, sort, {}};
    Execution ex(srv.state);
    ex.Acquire(ctx);
    size_t n = 0;
    for (int e = 0; e < srv.state.shards().size(); ++e) n += ex.locks().holds(&srv.state.shards().engine(e));
    EXPECT_EQ(ctx.keys.size(), args.size() > 3 && args[args.size() - 2] == "STORE" ? 2u : 1u);
    return n;
  };
  EXPECT_EQ(held({"SORT", "list"}), 1u);
  EXPECT_EQ(held({"SORT", "list", "BY", "nosort", "GET", "#"}), 1u);
  EXPECT_EQ(held({"SORT", "list", "BY", "weight_*"}), 8u);
  EXPECT_EQ(held({"SORT", "list", "GET", "#", "GET", "h_*->f", "STORE", "dst"}), 8u);
  EXPECT_EQ(held({"SORT", "list", "LIMIT", "0", "1", "STORE", "dst"}), Owner(srv, "list") == Owner(srv, "dst") ? 1u : 2u);
}

}  // namespace
}  // namespace ks
