#pragma once
// RemotePool: the network side of remote shards (server/core/remote_shards.h). Each I/O thread
// has its own pooled, pipelined upstream connections to every remote (remote-pool-size per
// protocol version), run on that thread's io_context, so forwarding a command never hops
// threads and a client (which lives on one thread) always uses the same connection
// (client id mod pool size): its requests reach the remote in order. Requests on one
// connection are written back to back and matched to replies FIFO.
//
// A connection opens on first use with AUTH (password), HELLO 3 (RESP3 pool) and a CONFIG SET
// of the options clients set through keyshard that the remotes share pipelined ahead of the
// requests; SELECT precedes a request for another database. A request not
// answered within remote-timeout fails with a clear error and its connection is reset (its
// FIFO is out of step); a failed connect puts the connection in back-off (100 ms doubling up
// to 5 s), during which requests fail at once with the last error. Blocking commands get a
// connection of their own, closed after the reply (or when the client leaves), with CLIENT ID
// pipelined first so CLIENT UNBLOCK can name it on the remote.
#include <boost/asio/io_context.hpp>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/core/config.h"
#include "server/core/remote_shards.h"

namespace ks {

class RemoteEvents;
class ServerState;
class Upstream;

class RemotePool final : public RemoteShards {
 public:
  struct Options {
    int64_t timeout_ms = 1000;
    int pool_size = 2;
    int64_t refresh_ms = 2000;  // how often INFO memory/keyspace of each remote is fetched
  };
  // threads[i] is I/O thread i's io_context (RemoteRequest::thread_index).
  RemotePool(const std::vector<Config::Remote>& remotes, std::vector<boost::asio::io_context*> threads, Options o);
  ~RemotePool() override;

  // Keyspace notifications and client tracking of remote keys (proxy/remote_events.h): before
  // Start, which connects each remote's event link on thread 0.
  void AttachEvents(ServerState& st);
  // Starts fetching each remote's figures (keys, used_memory) in the background on thread 0.
  void Start();
  // Closes every upstream connection. Call once the I/O threads have stopped.
  void Stop();

  size_t size() const override { return remotes_.size(); }
  const std::string& name(uint16_t remote) const override { return remotes_[remote]->cfg.name; }
  const std::string& address(uint16_t remote) const override { return remotes_[remote]->cfg.address; }
  void Send(const RemoteRequest& req, std::span<const std::string_view> args, RemoteReplyFn done) override;
  void DropClient(int thread_index, uint64_t client_id) override;
  void ReleaseLease(int thread_index, uint64_t client_id, uint16_t remote) override;
  void Unblock(int thread_index, uint64_t client_id, bool error) override;
  std::vector<RemoteStatus> Status() const override;
  void RememberConfig(std::span<const std::string_view> name_values) override;
  std::vector<std::string> RememberedConfig() const override;
  void EventsChanged() override;
  uint64_t TrackingEpoch(uint16_t remote) const override { return remotes_[remote]->track_epoch.load(); }
  void SyncEvents(uint16_t remote, int64_t timeout_ms) override;

  // Counters and health of one remote, shared by its connections on every thread.
  struct Remote {
    Config::Remote cfg;
    std::atomic<uint64_t> in_flight{0}, requests{0}, errors{0}, timeouts{0}, reconnects{0};
    std::atomic<int> ready{0};        // connections up now
    std::atomic<bool> down{false};    // the last connect failed
    std::atomic<bool> ever_up{false};
    mutable std::mutex mu;            // guards the fields below
    std::string last_error;
    std::atomic<double> latency_ms{0};  // moving average of answered requests (not under mu)
    int64_t keys = -1, used_memory = -1;
    // Options set through keyshard that the remotes share (RememberConfig), in the order first
    // set: one CONFIG SET of them opens every new connection.
    std::vector<std::pair<std::string, std::string>> config;
    // The event link's client id at the remote, the REDIRECT target of the connections'
    // tracking (0: the link is down), and the epoch that changes whenever it comes or goes.
    std::atomic<uint64_t> redirect_id{0}, track_epoch{0};
    void Error(std::string e) {
      std::lock_guard lk(mu);
      last_error = std::move(e);
    }
  };

 private:
  struct Thread;
  void Refresh();
  // The pooled connection of a client (by id) to remote on thread_index, made on first use.
  Upstream& Pooled(int thread_index, int resp, uint16_t remote, uint64_t client_id);
  // CLIENT UNBLOCK for the blocking command on up (see RemoteShards::Unblock).
  void SendUnblock(int thread_index, std::weak_ptr<Upstream> up, int attempt);

  std::vector<std::unique_ptr<Remote>> remotes_;
  std::vector<boost::asio::io_context*> threads_;
  std::vector<std::unique_ptr<Thread>> per_thread_;
  Options opts_;
  std::unique_ptr<RemoteEvents> events_;
  std::shared_ptr<bool> alive_;  // the refresher's timer stops when this is gone
};

}  // namespace ks
