#pragma once
// DirectClient: runs commands through the real dispatcher and command table without a
// socket, against a ServerState with a ManualClock, and decodes the reply to readable text:
//   OK | (error) ERR ... | (integer) 5 | "bulk" | (nil) | [a, b] | {k: v} | (double) 1.5
// Family tests use it; socket-level behaviour is covered by the integration tests.
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/clock.h"
#include "resp/reply_builder.h"
#include "server/core/client_state.h"
#include "server/core/command_context.h"
#include "server/core/config.h"
#include "server/core/server_state.h"
#include "server/core/service.h"
#include "server/pubsub/pubsub.h"
#include "server/pubsub/pubsub_family.h"

namespace ks::test {

// Decodes one RESP2/RESP3 reply starting at pos (advancing it) into the readable form above.
std::string DecodeReply(std::string_view resp, size_t& pos);
// Decodes every reply in resp, joined by " | ".
std::string DecodeAll(std::string_view resp);

struct TestServer {
  // By default without save points: a test's FLUSHALL must not write RDB files into the
  // working directory. Tests of snapshots pass a Config with `save` and `dir` set.
  explicit TestServer(int shards = 8, Config config = NoSavePoints())
      : clock(), state(WithShards(config, shards), &clock), service(state) {}
  static Config NoSavePoints() {
    Config c;
    c.save = "";
    return c;
  }
  static Config WithShards(Config c, int shards) {
    c.shards = shards;
    return c;
  }
  ManualClock clock;
  ServerState state;
  Service service;
};

class DirectClient;

// key routed by reading the slot map, without locking (a test's direct look at an engine).
inline KeyRef RouteKey(ShardSet& shards, std::string_view key) {
  uint16_t slot = KeySlot(key);
  return KeyRef{key, slot, shards.slots().EngineOf(slot)};
}

// The decoded form of an error reply with this text, as in Err(err::kWrongType).
std::string Err(std::string_view text);
// The live entry of key in database 0, or nullptr.
Entry* Lookup(TestServer& srv, std::string_view key);
// The sum of per_engine(engine) over every engine of srv, each read under its lock.
template <typename F>
size_t SumOverEngines(TestServer& srv, F per_engine) {
  size_t n = 0;
  for (int i = 0; i < srv.state.shards().size(); ++i) {
    Engine& e = srv.state.shards().engine(i);
    std::lock_guard lk(e.mutex());
    n += per_engine(e);
  }
  return n;
}
// The memory figure of all engines together.
size_t UsedBytes(TestServer& srv);
// Creates and deletes a key on every engine, so their databases' slot arrays exist and the
// figure measured next is the empty-keyspace one.
void WarmUpEngines(DirectClient& c);

// Collects what the server sends a DirectClient outside its replies (pub/sub messages).
class CollectingSubscriber : public Subscriber {
 public:
  explicit CollectingSubscriber(const ClientInfo* info) : info_(info) {}
  void Send(std::string_view frame) override {
    std::lock_guard lk(mu_);
    bytes_.append(frame);
  }
  int resp() const override { return info_->resp.load(std::memory_order_relaxed); }
  std::string Take() {
    std::lock_guard lk(mu_);
    return std::exchange(bytes_, {});
  }

 private:
  const ClientInfo* info_;
  std::mutex mu_;
  std::string bytes_;
};

class DirectClient {
 public:
  explicit DirectClient(TestServer& server);
  ~DirectClient();

  // Runs one command; returns the decoded reply ("" if none was written, e.g. REPLY OFF).
  std::string Run(std::initializer_list<std::string_view> args);
  std::string Run(const std::vector<std::string>& args);
  // The raw RESP bytes of the last reply.
  const std::string& raw() const { return raw_; }

  ClientState& state() { return client_; }
  // The raw RESP of the messages sent to this client since the last call.
  std::string TakeMessages() { return sink_->Take(); }

 private:
  TestServer& server_;
  ClientState client_;
  std::shared_ptr<CollectingSubscriber> sink_;
  std::string raw_;
  ReplyBuilder rb_;
};

}  // namespace ks::test
