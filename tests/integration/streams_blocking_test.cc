// Blocking stream reads under load against a real keyshard: producers XADD to streams on
// different engines while consumers of two groups wait in XREADGROUP ... BLOCK and plain
// readers wait in XREAD ... BLOCK "$". Every entry must reach exactly one consumer of each
// group, and every plain reader must see every entry added after it started, in order.
// Waiting is the servers' BLOCK timeout, never a sleep.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"
#include "tests/support/replies.h"

namespace ks::test {
namespace {

// The entry IDs in an XREAD/XREADGROUP reply, with their stream: "key id".
std::vector<std::string> EntryIds(const std::string& reply) {
  std::vector<std::string> out;
  // [["key", [["id", [...]], ...]], ...]: an ID is a quoted "ms-seq" followed by its fields.
  static const std::regex id_re("\\[\"([0-9]+-[0-9]+)\", \\[");
  // Stream by stream: the keys are s0..s2.
  for (const std::string key : {"s0", "s1", "s2"}) {
    size_t at = reply.find("[\"" + key + "\", [");
    if (at == std::string::npos) continue;
    size_t end = reply.find("]]]", at);
    std::string part = reply.substr(at, end == std::string::npos ? std::string::npos : end - at + 3);
    for (std::sregex_iterator it(part.begin(), part.end(), id_re), e; it != e; ++it)
      out.push_back(key + " " + (*it)[1].str());
  }
  return out;
}

TEST(StreamsBlocking, EveryEntryReachesExactlyOneConsumerPerGroup) {
  KeyshardProcess ks;
  ASSERT_GT(ks.port(), 0);
  const std::vector<std::string> keys = {"s0", "s1", "s2"};  // three different engines
  {
    Client c(ks.port());
    for (const auto& k : keys) {
      ASSERT_EQ(c.Run({"XGROUP", "CREATE", k, "g1", "$", "MKSTREAM"}), "OK");
      ASSERT_EQ(c.Run({"XGROUP", "CREATE", k, "g2", "$"}), "OK");
    }
  }
  constexpr int kProducers = 4, kPerProducer = 150, kConsumers = 3, kReaders = 2;
  constexpr int kTotal = kProducers * kPerProducer;
  std::mutex mu;
  std::map<std::string, std::multiset<std::string>> got;  // group -> "key id"
  std::atomic<int> delivered[2] = {0, 0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;

  // Plain readers start first and record the last IDs they block on.
  std::vector<std::vector<std::string>> reader_seen(kReaders);
  std::atomic<int> readers_ready{0};
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      Client c(ks.port());
      std::vector<std::string> last = {"$", "$", "$"};
      // The first call resolves "$"; afterwards each reader continues from what it saw.
      bool first = true;
      while (static_cast<int>(reader_seen[r].size()) < kTotal && !failed) {
        std::vector<std::string> cmd = {"XREAD", "COUNT", "50", "BLOCK", first ? "1" : "2000", "STREAMS"};
        cmd.insert(cmd.end(), keys.begin(), keys.end());
        cmd.insert(cmd.end(), last.begin(), last.end());
        if (first) {
          // Pin "$" to concrete IDs so entries added after readers_ready are all seen.
          for (size_t i = 0; i < keys.size(); ++i) {
            std::string info = c.Run({"XINFO", "STREAM", keys[i]});
            std::smatch m;
            static const std::regex last_re("\"last-generated-id\", \"([0-9]+-[0-9]+)\"");
            if (std::regex_search(info, m, last_re)) last[i] = m[1].str();
          }
          first = false;
          readers_ready++;
          continue;
        }
        std::string reply = c.Run(cmd);
        if (reply == "(nil)") continue;
        if (reply.rfind("(error)", 0) == 0 || reply[0] != '[') {
          failed = true;
          ADD_FAILURE() << reply;
          return;
        }
        for (const std::string& e : EntryIds(reply)) {
          reader_seen[r].push_back(e);
          size_t sp = e.find(' ');
          for (size_t i = 0; i < keys.size(); ++i)
            if (keys[i] == e.substr(0, sp)) last[i] = e.substr(sp + 1);
        }
      }
    });
  }
  while (readers_ready < kReaders) std::this_thread::yield();

  for (int g = 0; g < 2; ++g) {
    for (int ci = 0; ci < kConsumers; ++ci) {
      threads.emplace_back([&, g, ci] {
        Client c(ks.port());
        std::string group = g == 0 ? "g1" : "g2";
        std::string name = "c" + std::to_string(ci);
        while (delivered[g] < kTotal && !failed) {
          std::vector<std::string> cmd = {"XREADGROUP", "GROUP", group, name, "COUNT", "7", "BLOCK", "200", "STREAMS"};
          cmd.insert(cmd.end(), keys.begin(), keys.end());
          cmd.insert(cmd.end(), {">", ">", ">"});
          std::string reply = c.Run(cmd);
          if (reply == "(nil)") continue;
          if (reply.rfind("(error)", 0) == 0 || reply[0] != '[') {
            failed = true;
            ADD_FAILURE() << reply;
            return;
          }
          std::vector<std::string> ids = EntryIds(reply);
          {
            std::lock_guard lk(mu);
            for (const auto& e : ids) got[group].insert(e);
          }
          delivered[g] += static_cast<int>(ids.size());
          for (const auto& e : ids) {
            size_t sp = e.find(' ');
            c.Run({"XACK", e.substr(0, sp), group, e.substr(sp + 1)});
          }
        }
      });
    }
  }
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      Client c(ks.port());
      for (int i = 0; i < kPerProducer; ++i) {
        std::string reply = c.Run({"XADD", keys[(p + i) % keys.size()], "*", "p", std::to_string(p), "i", std::to_string(i)});
        if (reply.size() < 3 || reply[0] != '"') {
          failed = true;
          ADD_FAILURE() << reply;
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_FALSE(failed);
  for (const std::string group : {"g1", "g2"}) {
    const auto& s = got[group];
    EXPECT_EQ(s.size(), static_cast<size_t>(kTotal)) << group;
    std::set<std::string> distinct(s.begin(), s.end());
    EXPECT_EQ(distinct.size(), s.size()) << group << ": an entry reached two consumers";
  }
  for (int r = 0; r < kReaders; ++r) {
    EXPECT_EQ(reader_seen[r].size(), static_cast<size_t>(kTotal)) << "reader " << r;
    std::set<std::string> distinct(reader_seen[r].begin(), reader_seen[r].end());
    EXPECT_EQ(distinct.size(), reader_seen[r].size()) << "reader " << r;
  }
  Client c(ks.port());
  for (const auto& k : keys) {
    EXPECT_EQ(c.Run({"XPENDING", k, "g1"}), "[(integer) 0, (nil), (nil), (nil)]") << k;
    EXPECT_EQ(c.Run({"XPENDING", k, "g2"}), "[(integer) 0, (nil), (nil), (nil)]") << k;
  }
}

TEST(StreamsBlocking, TimeoutsUnblockAndFifoAmongWaiters) {
  KeyshardProcess ks;
  ASSERT_GT(ks.port(), 0);
  Client c(ks.port());
  // A timeout replies a null array.
  EXPECT_EQ(c.Run({"XREAD", "BLOCK", "20", "STREAMS", "nowhere", "$"}), "(nil)");
  ASSERT_EQ(c.Run({"XGROUP", "CREATE", "q", "g", "$", "MKSTREAM"}), "OK");
  EXPECT_EQ(c.Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "20", "STREAMS", "q", ">"}), "(nil)");
  // Two group consumers wait; one XADD serves the first in line, the next XADD the second.
  std::string first_reply, second_reply;
  std::atomic<int> queued{0};
  std::thread a([&] {
    Client w(ks.port());
    queued++;
    first_reply = w.Run({"XREADGROUP", "GROUP", "g", "first", "BLOCK", "0", "STREAMS", "q", ">"});
  });
  // Wait (by polling the server) until the first waiter is blocked before the second queues.
  for (int i = 0; i < 100000 && InfoInt(c, "clients", "blocked_clients") < 1; ++i) std::this_thread::yield();
  std::thread b([&] {
    Client w(ks.port());
    second_reply = w.Run({"XREADGROUP", "GROUP", "g", "second", "BLOCK", "0", "STREAMS", "q", ">"});
  });
  for (int i = 0; i < 100000 && InfoInt(c, "clients", "blocked_clients") < 2; ++i) std::this_thread::yield();
  EXPECT_EQ(c.Run({"XADD", "q", "1-1", "f", "one"}), "\"1-1\"");
  a.join();
  EXPECT_EQ(first_reply, "[[\"q\", [[\"1-1\", [\"f\", \"one\"]]]]]");
  EXPECT_EQ(c.Run({"XADD", "q", "2-1", "f", "two"}), "\"2-1\"");
  b.join();
  EXPECT_EQ(second_reply, "[[\"q\", [[\"2-1\", [\"f\", \"two\"]]]]]");
  // CLIENT UNBLOCK ends a wait with the timeout reply.
  std::string unblocked;
  std::atomic<int64_t> id{-1};
  std::thread u([&] {
    Client w(ks.port());
    id = IntReply(w.Run({"CLIENT", "ID"}));
    unblocked = w.Run({"XREAD", "BLOCK", "0", "STREAMS", "q", "$"});
  });
  while (id < 0) std::this_thread::yield();
  for (int i = 0; i < 100000 && InfoInt(c, "clients", "blocked_clients") < 1; ++i) std::this_thread::yield();
  EXPECT_EQ(c.Run({"CLIENT", "UNBLOCK", std::to_string(id.load())}), "(integer) 1");
  u.join();
  EXPECT_EQ(unblocked, "(nil)");
}

}  // namespace
}  // namespace ks::test
