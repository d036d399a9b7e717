#pragma once
// The data side of slot moves to and from remote shards (real Redis servers): the
// resharder's thread copies keys over synchronous hiredis connections, while the slots are
// fenced (routing/slot_fence.h) so no command reads or writes them meanwhile.
//
//   local -> remote: DumpSlots (DUMP payloads, under the engine's lock) then RestoreToRemote
//                    (RESTORE key abs-ttl payload REPLACE ABSTTL, pipelined in chunks of bytes);
//   remote -> *:     ScanRemoteSlots (one SCAN pass per database finds the keys of all the
//                    batch's slots, KeySlot computed here) then DumpFromRemote (DUMP + PTTL,
//                    pipelined) then RestoreLocal (the engine's RESTORE decoding) or
//                    RestoreToRemote, and DeleteOnRemote on the source once the map names the
//                    new owner.
// Every function returns an error text, empty on success.
#include <bitset>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/db.h"  // kNumSlots

struct redisContext;

namespace ks {

class Engine;
struct RdbLoadLimits;

// Where a remote shard listens.
struct RemoteEndpoint {
  std::string host;
  int port = 0;
  std::string password;  // AUTH, if not empty
  int timeout_ms = 1000;  // per network operation
  // Options set through keyshard that the remotes share (RemoteShards::RememberedConfig), as
  // name, value...: one CONFIG SET after AUTH, so the keys a move RESTOREs convert there as
  // the pooled connections' writes do, even on a remote restarted since.
  std::vector<std::string> config;
};

// A key in one database.
using DbKey = std::pair<int, std::string>;

// One key serialized: a DUMP payload and its absolute expiry (0: none).
struct DumpedKey {
  int db = 0;
  std::string key;
  std::string payload;
  int64_t expire_ms = 0;
};

// A synchronous connection to a remote shard (the resharder's thread only).
class RemoteLink {
 public:
  RemoteLink() = default;
  ~RemoteLink();
  RemoteLink(const RemoteLink&) = delete;
  RemoteLink& operator=(const RemoteLink&) = delete;

  std::string Connect(const RemoteEndpoint& ep);
  // Sends the commands at once (pipelined) and reads every reply; each reply is kept as
  // (is_error, text or bulk bytes, integer). An I/O error or a protocol error is returned.
  struct Reply {
    bool error = false;
    bool nil = false;
    std::string str;
    long long integer = 0;
    std::vector<std::string> keys;  // SCAN's keys (str holds its cursor)
  };
  std::string Pipeline(const std::vector<std::vector<std::string>>& cmds, std::vector<Reply>* replies);
  const std::string& name() const { return name_; }
  // The database the connection has SELECTed (Pipeline callers switch with SELECT).
  int db() const { return db_; }
  void set_db(int db) { db_ = db; }

 private:
  redisContext* ctx_ = nullptr;
  std::string name_;  // host:port, for error texts
  int db_ = 0;        // the database SELECTed on the connection
};

// Serializes every key of the slots (all databases) of an engine the caller has locked.
// Keys already expired at now_ms are left out.
void DumpSlots(Engine& e, const std::vector<uint16_t>& slots, bool compress, int64_t now_ms,
               std::vector<DumpedKey>* out);
// RESTOREs the keys on the remote (REPLACE ABSTTL), in pipelined chunks of about 1 MB.
// *acked counts the keys the remote acknowledged, in order (a failure leaves the rest unsent).
std::string RestoreToRemote(RemoteLink& link, const std::vector<DumpedKey>& keys, size_t* acked);
// DELetes the keys on the remote (in chunks; missing keys are fine).
std::string DeleteOnRemote(RemoteLink& link, const std::vector<DbKey>& keys);
// Finds the keys of the remote whose slot is in `slots`, in every database that has keys:
// one SCAN pass per database for all of them.
std::string ScanRemoteSlots(RemoteLink& link, const std::bitset<kNumSlots>& slots, std::vector<DbKey>* keys);
// Counts the remote's keys per slot (every database; one SCAN pass, nothing held): sizes the
// batches of a move from it.
std::string CountRemoteKeys(RemoteLink& link, std::vector<uint32_t>* per_slot);
// DUMP + PTTL of the keys (pipelined); keys gone meanwhile are skipped.
std::string DumpFromRemote(RemoteLink& link, const std::vector<DbKey>& keys, int64_t now_ms,
                           std::vector<DumpedKey>* out);
// Puts the keys into an engine the caller has locked, replacing what is there (the
// engine's RESTORE decoding); keys expired at now_ms are skipped. *restored lists them.
std::string RestoreLocal(Engine& e, const std::vector<DumpedKey>& keys, const RdbLoadLimits& limits,
                         int64_t now_ms, std::vector<DbKey>* restored);

}  // namespace ks
