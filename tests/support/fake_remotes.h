#pragma once
// Remote shards without sockets, for tests of the execution path (forwarding, fan-out): a fake
// RemoteShards records what would be sent, a fake DeferredReplies what comes back.
#include <algorithm>
#include <array>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "routing/slots.h"
#include "server/core/remote_shards.h"
#include "tests/support/direct_client.h"

namespace ks::test {

// One request a FakeRemotes was given; done delivers its reply.
struct Sent {
  RemoteRequest req;
  std::vector<std::string> args;
  RemoteReplyFn done;
};

// Remotes named as given (remote i is names[i]), all at an address never dialled.
class FakeRemotes : public RemoteShards {
 public:
  explicit FakeRemotes(std::initializer_list<const char*> names) : names_(names.begin(), names.end()) {}
  size_t size() const override { return names_.size(); }
  const std::string& name(uint16_t r) const override { return names_[r]; }
  const std::string& address(uint16_t) const override { return address_; }
  void Send(const RemoteRequest& req, std::span<const std::string_view> args, RemoteReplyFn done) override {
    sent.push_back({req, std::vector<std::string>(args.begin(), args.end()), std::move(done)});
  }
  void DropClient(int, uint64_t) override {}
  void ReleaseLease(int, uint64_t, uint16_t) override {}
  void Unblock(int, uint64_t, bool) override {}
  std::vector<RemoteStatus> Status() const override { return {}; }
  void RememberConfig(std::span<const std::string_view> nv) override { remembered.assign(nv.begin(), nv.end()); }
  std::vector<Sent> sent;
  std::vector<std::string> remembered;  // the last RememberConfig's names and values

 private:
  std::vector<std::string> names_;
  std::string address_ = "127.0.0.1:1";
};

// The client's reply slots: replies[i] is the i-th reserved one, empty until filled.
class FakeDeferred : public DeferredReplies {
 public:
  RemoteReplyFn Reserve() override {
    replies.emplace_back();
    const size_t i = replies.size() - 1;
    return [this, i](std::string_view r) { replies[i] = std::string(r); };
  }
  size_t Waiting() const override { return std::count(replies.begin(), replies.end(), std::string()); }
  void Requeue(std::string request) override { requeued.push_back(std::move(request)); }
  std::vector<std::string> requeued;
  std::vector<std::string> replies;
};

// A config naming the same remotes as a FakeRemotes (at the address it reports).
inline Config WithRemotes(std::initializer_list<const char*> names) {
  Config c = TestServer::NoSavePoints();
  for (const char* n : names) {
    Config::Remote r;
    r.name = n;
    r.address = "127.0.0.1:1";
    c.remotes.push_back(r);
  }
  return c;
}

// Moves key's slot to remote `remote`; every other slot stays where it is.
inline void MakeRemote(TestServer& srv, std::string_view key, uint16_t remote = 0) {
  std::array<uint16_t, kNumSlots> codes;
  for (int s = 0; s < kNumSlots; ++s) codes[s] = srv.state.shards().slots().CodeOf(static_cast<uint16_t>(s));
  codes[KeySlot(key)] = static_cast<uint16_t>(kRemoteOwner | remote);
  srv.state.shards().ResetSlots(codes);
}

}  // namespace ks::test
