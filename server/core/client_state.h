#pragma once
// Per-connection state that commands read and change (database, protocol, auth, name...).
// ClientInfo is the part other connections may see (CLIENT LIST/KILL), so its changing text
// fields are guarded by a mutex; everything else belongs to the connection's own thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/multi/transaction.h"

namespace ks {

struct CommandSpec;
struct BlockedClient;
struct ClientSubscriptions;
class Subscriber;
class DeferredReplies;

enum class ReplyMode : uint8_t { kOn, kOff, kSkip };
// SCRIPT DEBUG's mode for the client's next EVAL: off, YES (a forked session), SYNC.
enum class LdbMode : uint8_t { kOff, kFork, kSync };

// A client's pipeline waiting on remote shards' replies (server/core/forward.h): a blocking
// command forwarded to a remote holds the rest of the pipeline until its reply (the client is
// blocked, as in Redis), and is itself held back until the client's earlier forwarded
// commands are answered (so it reaches the remote after them).
enum class RemoteWait : uint8_t {
  kNo,
  kRetry,  // not run: run it again once every reply the client waits for has arrived
  kAfter,  // forwarded: run nothing more until its reply has arrived
};

// What ends the wait of a client's command blocked on a remote shard (ClientInfo::unblock_remote).
struct RemoteUnblock {
  enum class Kind : uint8_t {
    kTimeout,  // CLIENT UNBLOCK id [TIMEOUT]
    kError,    // CLIENT UNBLOCK id ERROR
    kReroute,  // its slot moves away from that remote: run it again at the new owner
  };
  Kind kind = Kind::kTimeout;
  // The wait it is meant for (ClientInfo::remote_block's generation): a later one is left alone.
  uint64_t gen = 0;
  // kReroute: only a command waiting on this remote with a key in one of these slots (sorted).
  uint16_t remote = 0;
  std::shared_ptr<const std::vector<uint16_t>> slots;
};

// ClientInfo::remote_block's low bits.
enum RemoteBlockedState : uint8_t { kNotRemoteBlocked, kRemoteBlocked, kRemoteUnblockSent };

// The client's command waiting on a remote shard (a forwarded BLPOP...), on its own thread.
struct RemoteBlock {
  uint64_t gen = 0;  // ClientInfo::remote_block's generation of this wait
  uint16_t remote = 0;
  std::vector<uint16_t> slots;    // of its keys
  std::vector<std::string> args;  // dispatched again when rerouted
  bool active = true;             // until its reply arrives
  bool rerouting = false;         // a nil reply means: dispatch it again (its slot moved)
  // CLIENT UNBLOCK asked for this reply (it wins over a reroute already under way).
  std::optional<RemoteUnblock::Kind> unblocked;
};

struct ClientInfo {
  uint64_t id = 0;
  int thread_index = 0;  // its I/O thread; set before the client is registered
  std::string addr;   // "ip:port" of the peer
  std::string laddr;  // local "ip:port"
  int fd = -1;
  int64_t created_ms = 0;
  std::atomic<int64_t> last_interaction_ms{0};
  std::atomic<int> db{0};
  std::atomic<int> resp{2};
  std::atomic<const CommandSpec*> last_cmd{nullptr};
  std::atomic<uint64_t> query_buf_bytes{0};
  std::atomic<uint64_t> output_buf_bytes{0};
  std::atomic<bool> no_evict{false};
  std::atomic<bool> no_touch{false};
  std::atomic<bool> killed{false};
  // Pub/sub: Redis's CLIENT_PUBSUB flag (subscribed to anything) and CLIENT LIST's counts.
  std::atomic<bool> pubsub{false};
  std::atomic<bool> monitor{false};  // after MONITOR
  std::atomic<int> sub{0}, psub{0}, ssub{0};
  // Client tracking (server/pubsub/tracking.h): TrackingFlag bits and the REDIRECT id, for
  // CLIENT LIST and invalidators on other threads.
  std::atomic<uint32_t> tracking_flags{0};
  std::atomic<uint64_t> tracking_redir{0};
  // The connection's message queue, for invalidations redirected here. Set before the client
  // is registered, never changed.
  std::weak_ptr<Subscriber> sink;

  // Closes the connection from any thread (posts to the connection's own executor).
  std::function<void()> kill;
  // A command forwarded to a remote shard that may block there: generation << 2 |
  // RemoteBlockedState (one word, so CLIENT UNBLOCK's compare-and-swap names one wait). CLIENT
  // LIST's b flag and INFO's blocked_clients, and CLIENT UNBLOCK's 1 exactly once per wait.
  std::atomic<uint64_t> remote_block{0};
  uint8_t remote_block_state() const { return remote_block.load(std::memory_order_relaxed) & 3; }
  std::atomic<bool> remote_block_timeout{false};  // it has a timeout (clients_in_timeout_table)
  // Ends that wait from any thread (posts to the connection's executor); null for clients
  // without a connection.
  std::function<void(RemoteUnblock)> unblock_remote;

  std::string name() const {
    std::lock_guard lk(mu);
    return name_;
  }
  void set_name(std::string n) {
    std::lock_guard lk(mu);
    name_ = std::move(n);
  }
  std::string lib_name() const {
    std::lock_guard lk(mu);
    return lib_name_;
  }
  std::string lib_ver() const {
    std::lock_guard lk(mu);
    return lib_ver_;
  }
  // The wait of a client blocked in BLPOP & co., for CLIENT UNBLOCK from other connections.
  void SetBlocked(std::shared_ptr<BlockedClient> b) {
    std::lock_guard lk(mu);
    blocked_ = std::move(b);
  }
  std::shared_ptr<BlockedClient> blocked() const {
    std::lock_guard lk(mu);
    return blocked_;
  }
  void set_lib(std::string name, std::string ver, bool set_name, bool set_ver) {
    std::lock_guard lk(mu);
    if (set_name) lib_name_ = std::move(name);
    if (set_ver) lib_ver_ = std::move(ver);
  }

 private:
  mutable std::mutex mu;
  std::string name_;
  std::string lib_name_;
  std::string lib_ver_;
  std::shared_ptr<BlockedClient> blocked_;
};

struct ClientState {
  std::shared_ptr<ClientInfo> info;
  int db = 0;
  int resp = 2;
  bool authenticated = true;
  ReplyMode reply_mode = ReplyMode::kOn;
  // Set by a command; the connection acts on it after writing the reply.
  bool close_after_reply = false;
  // Index of the I/O thread serving this client (for per-thread counters).
  int thread_index = 0;
  // Set by a blocking command that found nothing: the connection waits on it.
  std::shared_ptr<BlockedClient> blocked;
  // MULTI's queue and WATCH's keys, made at the client's first MULTI or WATCH.
  std::unique_ptr<Transaction> tx;
  // Set by the dispatcher when CLIENT PAUSE holds the command: nothing ran and nothing was
  // replied; the connection keeps the command and dispatches it again when the pause ends.
  bool held = false;
  // With held: what holds the command is a slot fence (a slot on its way to or from a remote
  // shard, routing/slot_fence.h), raised before the fence's generation moved past this.
  bool fence_held = false;
  uint64_t fence_generation = 0;
  // Whether the peer is on a loopback address (DEBUG under enable-debug-command local).
  bool local = true;
  // Where messages for this client go (the connection's queue; server/pubsub/pubsub.h), and
  // its subscriptions, made on first SUBSCRIBE.
  std::shared_ptr<Subscriber> sink;
  std::shared_ptr<ClientSubscriptions> subs;
  // TrackingFlag bits (server/pubsub/tracking.h), kept here too so a read checks a plain field.
  uint32_t tracking = 0;
  // Error replies of the commands EXEC ran, which counted them as their own failed calls.
  uint64_t nested_errors = 0;
  LdbMode ldb = LdbMode::kOff;
  // While a command runs: the bytes the connection read after it (pipelined requests), for a
  // command that takes over the socket (a Lua debugging session reads them first).
  std::string_view unread_input;
  // Set by a command that gave the socket to another process (a forked debugging session):
  // the connection writes nothing more and closes its descriptor without a shutdown.
  bool socket_handed_off = false;
  // Where replies of commands forwarded to remote shards go (server/core/remote_shards.h);
  // null: this client cannot forward (AOF replay, direct clients).
  std::shared_ptr<DeferredReplies> deferred;
  RemoteWait remote_wait = RemoteWait::kNo;
  // The forwarded blocking command waiting for its reply, if any.
  std::shared_ptr<RemoteBlock> remote_block;

  void SetDb(int d) {
    db = d;
    info->db.store(d, std::memory_order_relaxed);
  }
  void SetResp(int r) {
    resp = r;
    info->resp.store(r, std::memory_order_relaxed);
  }
};

}  // namespace ks
