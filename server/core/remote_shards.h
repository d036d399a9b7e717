#pragma once
// RemoteShards: what the execution path sees of remote shards (issue 16), Redis servers that
// own slots behind the same routing. The network side (pooled, pipelined upstream connections,
// proxy/remote_pool.h) implements it; server/ knows no sockets.
//
// Threads: Send is called on a client's I/O thread (RemoteRequest::thread_index) and `done`
// runs later on that same thread, exactly once, with one complete reply in the client's
// protocol: the remote's bytes unchanged, or an error made here ("-ERR remote shard 'b'
// (10.0.0.2:6379) unavailable: connection refused"). A client's requests to one remote go
// over one upstream connection (chosen by client id), so they reach the remote in order.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ks {

struct RemoteRequest {
  uint16_t remote = 0;     // ShardId::Remote(remote).index
  int thread_index = 0;    // the client's I/O thread: Send's caller and done's thread
  uint64_t client_id = 0;  // pins the client to one upstream connection
  int db = 0;              // SELECTed on the upstream connection first when it differs
  int resp = 2;            // the reply comes in this protocol (RESP3: HELLO 3 upstream)
  // A blocking command (BLPOP...): it gets an upstream connection of its own (a blocked
  // connection would stall every client pinned to it) and waits its own timeout plus
  // remote-timeout; 0 means it may block forever.
  bool blocking = false;
  int64_t block_timeout_ms = 0;
  // The client's own connection to this remote, opened on first use and kept until
  // ReleaseLease (WATCH state lives on a connection: a client WATCHing remote keys needs one
  // nobody else uses until its EXEC, DISCARD or UNWATCH). While it exists, the client's other
  // requests to that remote go over it too, so they keep their order.
  bool lease = false;
  // A read whose keys a tracking client remembers (CLIENT TRACKING): the remote is asked to
  // track them too (CLIENT CACHING YES ahead of it on the same connection), so a change there
  // comes back as an invalidation (proxy/remote_events.h).
  bool track = false;
};

// One complete RESP reply.
using RemoteReplyFn = std::function<void(std::string_view reply)>;

// Health and figures of one remote, for INFO, /metrics and the admin API.
struct RemoteStatus {
  std::string name, address;
  std::string state;         // "connected", "connecting", "down"
  uint64_t in_flight = 0;    // requests sent and not answered
  uint64_t requests = 0;     // forwarded since start
  uint64_t errors = 0;       // requests failed here (unavailable, timeout, protocol error)
  uint64_t timeouts = 0;
  uint64_t reconnects = 0;
  std::string last_error;    // empty when none yet
  double latency_ms = 0;     // moving average of answered requests
  int64_t keys = -1;         // DBSIZE summed over its databases, refreshed in the background; -1 unknown
  int64_t used_memory = -1;  // from its INFO memory; -1 unknown
};

class RemoteShards {
 public:
  virtual ~RemoteShards() = default;
  virtual size_t size() const = 0;
  virtual const std::string& name(uint16_t remote) const = 0;
  virtual const std::string& address(uint16_t remote) const = 0;
  // Forwards args (a whole command) to the remote; see above for threads and the reply.
  virtual void Send(const RemoteRequest& req, std::span<const std::string_view> args, RemoteReplyFn done) = 0;
  // The client left: its blocking requests are abandoned (their connections closed, so a
  // remote BLPOP served later cannot pop an element nobody receives). Its I/O thread only.
  virtual void DropClient(int thread_index, uint64_t client_id) = 0;
  // Gives back the client's leased connection to remote (RemoteRequest::lease), if any: it is
  // closed once its last reply has arrived. Its I/O thread only.
  virtual void ReleaseLease(int thread_index, uint64_t client_id, uint16_t remote) = 0;
  // Ends the wait of the client's blocking request (RemoteRequest::blocking) on the remote:
  // `CLIENT UNBLOCK <its id there> TIMEOUT|ERROR` goes to that remote over a pooled connection
  // (the dedicated one learnt its id with a CLIENT ID pipelined ahead of the command). The
  // request's own reply then arrives the normal way: nil or the UNBLOCKED error, or the value
  // the remote had already popped, so nothing is lost. Sent again while the remote answers 0
  // and the request is still unanswered (it had not blocked there yet). Its I/O thread only;
  // nothing happens when the client has no blocking request.
  virtual void Unblock(int thread_index, uint64_t client_id, bool error) = 0;
  // Options a client set through keyshard that the remotes share (CONFIG SET of encoding
  // thresholds, as name, value, name, value...): remembered (a later value of the same name
  // replaces the earlier), and each upstream connection that connects from now on sends them
  // in one CONFIG SET ahead of everything else (its reply consumed), so a restarted remote
  // gets them back. Any thread.
  virtual void RememberConfig(std::span<const std::string_view> name_values) { (void)name_values; }
  // What RememberConfig kept, as name, value, name, value... (a slot move's own connections
  // send it too, so keys RESTOREd there convert as the pooled connections' writes do).
  virtual std::vector<std::string> RememberedConfig() const { return {}; }
  // A snapshot of every remote's status; any thread, never waits on the network.
  virtual std::vector<RemoteStatus> Status() const = 0;

  // Keyspace notifications and client tracking of remote keys (proxy/remote_events.h).
  // notify-keyspace-events or the set of BCAST tracking clients changed: each remote's event
  // connection catches up. Any thread; never waits.
  virtual void EventsChanged() {}
  // Changes when a remote's invalidation connection comes up or goes down: a tracked read sent
  // in one epoch and answered in another may have been tracked towards a connection that is
  // gone, so its keys are invalidated (a missed invalidation must never leave a stale cache).
  virtual uint64_t TrackingEpoch(uint16_t remote) const {
    (void)remote;
    return 0;
  }
  // Returns once every event the remote raised before the call has been handled (dropped or
  // published), or after timeout_ms. The resharder calls it before a slot's owner flips to a
  // remote, so the RESTOREs of a move are dropped as a move's, not published. Never call it
  // on an I/O thread.
  virtual void SyncEvents(uint16_t remote, int64_t timeout_ms) {
    (void)remote;
    (void)timeout_ms;
  }
};

// Where a client's replies to forwarded commands go: the connection reserves the reply's
// place in its output (keeping the pipeline's order) and fills it when the reply arrives.
// Null for clients without a connection (AOF replay, tests' direct clients, scripts).
class DeferredReplies {
 public:
  virtual ~DeferredReplies() = default;
  // Reserves the next reply's place; the returned function fills it (once, on the client's
  // I/O thread) and is safe to call after the connection is gone.
  virtual RemoteReplyFn Reserve() = 0;
  // Replies reserved and not yet filled.
  virtual size_t Waiting() const = 0;
  // Puts a command (RESP-encoded) back at the front of the client's input, to be dispatched
  // again once the reply it waits for is filled (a blocked command whose slot moved). Its I/O
  // thread only.
  virtual void Requeue(std::string request) = 0;
};

}  // namespace ks
