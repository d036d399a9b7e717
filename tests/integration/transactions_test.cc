// Transactions against a real keyshard process (8 engines): money moves between accounts
// spread over every engine with WATCH / GET / MULTI / SET / SET / EXEC, retried when EXEC
// answers nil, while other clients read every account with MGET. The total never changes
// and every acknowledged transfer is applied exactly once, live and after a kill -9 under
// appendfsync always. The same with transfers made by EVAL (keys on two engines, the
// destination undeclared), alone and queued inside MULTI/EXEC, mixed with the EXEC ones.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

constexpr int kAccounts = 24;
constexpr long kInitial = 1000;

std::string Account(int i) { return "acct:" + std::to_string(i); }

long Value(const std::string& bulk) { return std::atol(bulk.c_str() + (bulk.starts_with("\"") ? 1 : 0)); }

struct Transfer {
  int from = 0, to = 0;
  long amount = 0;
};

// What one client did: the transfers EXEC acknowledged, and the one in flight when the
// connection broke (applied or not: the client cannot know).
struct Ledger {
  std::vector<Transfer> done;
  std::optional<Transfer> in_flight;
  long retries = 0;
};

void OpenAccounts(int port) {
  Client c(port);
  std::vector<std::string> mset = {"MSET"};
  for (int i = 0; i < kAccounts; ++i) {
    mset.push_back(Account(i));
    mset.push_back(std::to_string(kInitial));
  }
  ASSERT_EQ(c.Run(mset), "OK");
}

// One optimistic transfer; false if the connection broke. Retries while EXEC answers nil.
bool Move(Client& c, const Transfer& t, Ledger& ledger) {
  const std::string a = Account(t.from), b = Account(t.to);
  for (;;) {
    if (c.Run({"WATCH", a, b}) != "OK") return false;
    std::string va = c.Run({"GET", a}), vb = c.Run({"GET", b});
    if (!va.starts_with("\"") || !vb.starts_with("\"")) return false;
    if (c.Run({"MULTI"}) != "OK") return false;
    c.Run({"SET", a, std::to_string(Value(va) - t.amount)});
    c.Run({"SET", b, std::to_string(Value(vb) + t.amount)});
    std::string r = c.Run({"EXEC"});
    if (r == "(nil)") {
      ++ledger.retries;
      continue;
    }
    if (r != "[OK, OK]") return false;
    return true;
  }
}

// Moves the amount by a script; the destination is not declared, so the script locks its
// engine when it reaches it.
const char* kEvalMove =
    "redis.call('decrby', KEYS[1], ARGV[1]) redis.call('incrby', ARGV[2], ARGV[1]) return 'moved'";

bool EvalMove(Client& c, const Transfer& t) {
  return c.Run({"EVAL", kEvalMove, "1", Account(t.from), std::to_string(t.amount), Account(t.to)}) == "\"moved\"";
}

// The script queued in a transaction with a read of the source: EXEC runs both as one unit.
bool ExecEvalMove(Client& c, const Transfer& t) {
  if (c.Run({"MULTI"}) != "OK") return false;
  c.Run({"GET", Account(t.from)});
  c.Run({"EVAL", kEvalMove, "1", Account(t.from), std::to_string(t.amount), Account(t.to)});
  std::string r = c.Run({"EXEC"});
  return r.starts_with("[\"") && r.ends_with(", \"moved\"]");
}

enum class Way { kExec, kEval, kMixed };

void Transfers(int port, int seed, int count, std::atomic<bool>& stop, Ledger& ledger, Way way) {
  Client c(port);
  if (!c.connected()) return;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> acct(0, kAccounts - 1);
  std::uniform_int_distribution<long> amount(1, 20);
  for (int i = 0; i < count && !stop.load(); ++i) {
    Transfer t{acct(rng), acct(rng), amount(rng)};
    if (t.from == t.to) continue;
    ledger.in_flight = t;
    const int pick = way == Way::kExec ? 0 : way == Way::kEval ? 1 : i % 3;
    const bool ok = pick == 0 ? Move(c, t, ledger) : pick == 1 ? EvalMove(c, t) : ExecEvalMove(c, t);
    if (!ok) return;
    ledger.in_flight.reset();
    ledger.done.push_back(t);
  }
}

std::vector<long> Balances(Client& c) {
  std::vector<std::string> mget = {"MGET"};
  for (int i = 0; i < kAccounts; ++i) mget.push_back(Account(i));
  std::vector<long> out;
  for (const std::string& v : UnquotedItems(c.Run(mget))) out.push_back(std::atol(v.c_str()));
  return out;
}

std::vector<long> Expected(const std::vector<Ledger>& ledgers) {
  std::vector<long> want(kAccounts, kInitial);
  for (const Ledger& l : ledgers)
    for (const Transfer& t : l.done) {
      want[t.from] -= t.amount;
      want[t.to] += t.amount;
    }
  return want;
}

// One Transfers thread per ledger: writer i seeded with seed + i, making count transfers the
// way way(i) says.
std::vector<std::thread> StartTransfers(int port, int seed, int count, std::atomic<bool>& stop,
                                        std::vector<Ledger>& ledgers, Way (*way)(int)) {
  std::vector<std::thread> writers;
  for (size_t i = 0; i < ledgers.size(); ++i) {
    const int n = static_cast<int>(i);
    writers.emplace_back(Transfers, port, seed + n, count, std::ref(stop), std::ref(ledgers[i]), way(n));
  }
  return writers;
}

TEST(Transactions, ConcurrentTransfersKeepTheTotalAndApplyEachOnce) {
  KeyshardProcess ks;
  ASSERT_TRUE(ks.running());
  OpenAccounts(ks.port());
  const int kWriters = 4, kReaders = 2, kEach = 250;
  std::atomic<bool> stop{false};
  std::vector<Ledger> ledgers(kWriters);
  std::vector<std::thread> writers =
      StartTransfers(ks.port(), 1000, kEach, stop, ledgers, [](int) { return Way::kExec; });
  std::atomic<long> reads{0}, bad_totals{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < kReaders; ++i)
    readers.emplace_back([&] {
      Client c(ks.port());
      while (!stop.load()) {
        std::vector<long> b = Balances(c);
        long sum = 0;
        for (long v : b) sum += v;
        if (b.size() != kAccounts || sum != kAccounts * kInitial) bad_totals++;
        reads++;
      }
    });
  for (auto& t : writers) t.join();
  stop = true;
  for (auto& t : readers) t.join();

  long done = 0, retries = 0;
  for (const Ledger& l : ledgers) {
    EXPECT_FALSE(l.in_flight) << "a transfer failed without a reply";
    done += static_cast<long>(l.done.size());
    retries += l.retries;
  }
  Client c(ks.port());
  EXPECT_EQ(Balances(c), Expected(ledgers));
  EXPECT_EQ(bad_totals.load(), 0) << "an MGET saw a transfer half done";
  EXPECT_GT(reads.load(), 0);
  EXPECT_GT(done, kWriters * kEach / 2);
  std::printf("%ld transfers, %ld EXEC retries after a WATCHed key changed, %ld MGETs\n", done, retries, reads.load());
}

// Whether the balances equal the acknowledged transfers plus some subset of the ones in
// flight at the crash.
bool MatchesSomeOutcome(const std::vector<long>& got, const std::vector<Ledger>& ledgers) {
  std::vector<Transfer> flying;
  for (const Ledger& l : ledgers)
    if (l.in_flight) flying.push_back(*l.in_flight);
  const std::vector<long> base = Expected(ledgers);
  for (unsigned mask = 0; mask < (1u << flying.size()); ++mask) {
    std::vector<long> want = base;
    for (size_t i = 0; i < flying.size(); ++i)
      if (mask & (1u << i)) {
        want[flying[i].from] -= flying[i].amount;
        want[flying[i].to] += flying[i].amount;
      }
    if (want == got) return true;
  }
  return false;
}

// One round of a kill -9 under appendfsync always while kWriters clients make transfers
// (writer i the way way(i) says, seeded with seed + i): restarted from the logs, no transfer
// (a `unit`) is replayed in part, every acknowledged one is there, and the logs a crash left
// are valid for redis-check-aof.
void KillDuringTransfersThenCheck(int round, int seed, Way (*way)(int), const char* unit) {
  KeyshardProcess first({"--appendonly", "yes", "--appendfsync", "always"});
  ASSERT_TRUE(first.running());
  OpenAccounts(first.port());
  const int kWriters = 4;
  std::atomic<bool> stop{false};
  std::vector<Ledger> ledgers(kWriters);
  std::vector<std::thread> writers = StartTransfers(first.port(), seed, 1 << 30, stop, ledgers, way);
  // Load generation only: what is checked does not depend on when the kill lands.
  std::this_thread::sleep_for(std::chrono::milliseconds(300 + 100 * round));
  first.Kill();
  stop = true;
  for (auto& t : writers) t.join();

  KeyshardProcess second({"--dir", first.dir(), "--appendonly", "yes"});
  ASSERT_TRUE(second.running());
  Client c(second.port());
  std::vector<long> got = Balances(c);
  ASSERT_EQ(got.size(), static_cast<size_t>(kAccounts));
  long sum = 0, done = 0;
  for (long v : got) sum += v;
  for (const Ledger& l : ledgers) done += static_cast<long>(l.done.size());
  EXPECT_EQ(sum, kAccounts * kInitial) << "round " << round << ": a " << unit << " was replayed in part";
  EXPECT_TRUE(MatchesSomeOutcome(got, ledgers)) << "round " << round << ": an acknowledged " << unit << " is missing";
  EXPECT_GT(done, 0);
  second.Stop();
  namespace fs = std::filesystem;
  for (auto& ent : fs::directory_iterator(first.dir() + "/appendonlydir")) {
    std::string p = ent.path().string();
    if (!p.ends_with(".manifest")) continue;
    std::string cmd = "redis-check-aof '" + p + "' > /dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << p;
  }
  std::printf("round %d: %ld acknowledged %ss, all present after kill -9\n", round, done, unit);
}

TEST(Transactions, KillDuringTransfersKeepsEveryAcknowledgedExecUnderAlways) {
  for (int round = 0; round < 3; ++round)
    ASSERT_NO_FATAL_FAILURE(
        KillDuringTransfersThenCheck(round, 77 * round, [](int) { return Way::kExec; }, "transaction"));
}

TEST(Transactions, ConcurrentExecAndEvalTransfersKeepTheTotalAndApplyEachOnce) {
  KeyshardProcess ks;
  ASSERT_TRUE(ks.running());
  OpenAccounts(ks.port());
  const int kWriters = 4, kEach = 300;
  std::atomic<bool> stop{false};
  std::vector<Ledger> ledgers(kWriters);
  std::vector<std::thread> writers =
      StartTransfers(ks.port(), 500, kEach, stop, ledgers, [](int) { return Way::kMixed; });
  std::atomic<long> reads{0}, bad_totals{0};
  std::thread reader([&] {
    Client c(ks.port());
    while (!stop.load()) {
      // MGET and a MULTI/EXEC of DBSIZE (which locks engines itself) plus MGET.
      std::vector<long> b = Balances(c);
      long sum = 0;
      for (long v : b) sum += v;
      if (b.size() != kAccounts || sum != kAccounts * kInitial) bad_totals++;
      c.Run({"MULTI"});
      c.Run({"DBSIZE"});
      c.Run({"EVAL", "return redis.call('dbsize')", "0"});
      if (c.Run({"EXEC"}) != "[(integer) 24, (integer) 24]") bad_totals++;
      reads++;
    }
  });
  for (auto& t : writers) t.join();
  stop = true;
  reader.join();
  long done = 0;
  for (const Ledger& l : ledgers) {
    EXPECT_FALSE(l.in_flight) << "a transfer failed without a reply";
    done += static_cast<long>(l.done.size());
  }
  Client c(ks.port());
  EXPECT_EQ(Balances(c), Expected(ledgers));
  EXPECT_EQ(bad_totals.load(), 0) << "a reader saw a transfer half done";
  EXPECT_GT(reads.load(), 0);
  EXPECT_GT(done, kWriters * kEach / 2);
}

// A script's writes on two engines are one unit in the logs (a MULTI ... EXEC block per
// engine): after a kill -9 under appendfsync always none is replayed in part, and every
// acknowledged one is there.
TEST(Transactions, KillDuringScriptTransfersReplaysEachScriptWholeUnderAlways) {
  for (int round = 0; round < 2; ++round)
    ASSERT_NO_FATAL_FAILURE(KillDuringTransfersThenCheck(
        round, 31 * round, [](int i) { return i == 0 ? Way::kMixed : Way::kEval; }, "script"));
}

}  // namespace
}  // namespace ks::test
