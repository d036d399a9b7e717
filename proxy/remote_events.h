#pragma once
// RemoteEvents: keyspace notifications and client tracking of keys on remote shards. Each
// remote gets one extra connection (RESP3, on I/O thread 0's io_context), its "event link":
// - notifications: while notify-keyspace-events is non-empty, the remote is given the same
//   value (CONFIG SET) and the link PSUBSCRIBEs __keyspace@*__:* and __keyevent@*__:*; each
//   message of a key in a slot the remote owns and that is not fenced (a slot move's RESTOREs
//   and DELs are not client writes) is published into keyshard's pub/sub unchanged;
// - tracking: the link's client id is the REDIRECT target of every pool connection's
//   `CLIENT TRACKING ON REDIRECT <id> OPTIN`, and a tracked read goes out behind
//   `CLIENT CACHING YES` (proxy/remote_pool.cc), so the remote tracks exactly the keys
//   keyshard's clients remember; its invalidations arrive here as RESP3 pushes and are
//   invalidated in keyshard's tracking table. While any client tracks in BCAST mode the link
//   itself tracks in BCAST mode (every key: keyshard filters by its clients' prefixes).
// When the link comes up or goes down, every key remembered in the remote's slots is
// invalidated (BCAST clients are told to flush) and the remote's tracking epoch changes: an
// invalidation may have been missed. A lost link reconnects with the pool's back-off.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <vector>

#include "proxy/remote_pool.h"

namespace ks {

class ServerState;

class RemoteEvents {
 public:
  RemoteEvents(const std::vector<RemotePool::Remote*>& remotes, boost::asio::io_context& ioc, ServerState& st,
               int64_t timeout_ms);
  ~RemoteEvents();
  // Connects every remote's link (on ioc).
  void Start();
  // Closes the links; once ioc has stopped.
  void Stop();
  // notify-keyspace-events or the BCAST clients changed: the links catch up. Any thread.
  void Changed();
  // Waits (at most timeout_ms) until the events the remote raised so far were handled. Not on
  // an I/O thread.
  void Sync(uint16_t remote, int64_t timeout_ms);

 private:
  class Link;
  boost::asio::io_context& ioc_;
  std::vector<std::shared_ptr<Link>> links_;
};

}  // namespace ks
