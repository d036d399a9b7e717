#include "server/resharding/remote_move.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <sys/time.h>

#include "engine/engine.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "routing/slots.h"

namespace ks {
namespace {

// A pipeline is sent once it holds this many bytes of arguments or commands: big values
// travel in chunks, small keys in large batches.
constexpr size_t kChunkBytes = 1 << 20;
constexpr size_t kChunkCommands = 1024;
constexpr size_t kDelKeysPerCommand = 256;
constexpr const char* kScanCount = "1000";

// Commands for one remote, each tagged with what its reply answers (SELECTs the builder adds
// to follow the keys' databases answer nothing the caller reads).
class Batch {
 public:
  explicit Batch(RemoteLink& link) : link_(link), db_(link.db()) {}
  // Adds a command in database db; tag is returned with its reply (-1 for the SELECTs).
  void Add(int db, std::vector<std::string> cmd, long tag, size_t bytes) {
    if (db != db_) {
      cmds_.push_back({"SELECT", std::to_string(db)});
      tags_.push_back(-1);
      db_ = db;
    }
    cmds_.push_back(std::move(cmd));
    tags_.push_back(tag);
    bytes_ += bytes;
  }
  bool full() const { return bytes_ >= kChunkBytes || cmds_.size() >= kChunkCommands; }
  bool empty() const { return cmds_.empty(); }
  // Sends everything; for each tagged reply calls on_reply(tag, reply). A SELECT refused is
  // an error. Returns the first error.
  template <typename F>
  std::string Flush(F&& on_reply) {
    if (cmds_.empty()) return {};
    std::vector<RemoteLink::Reply> replies;
    std::string err = link_.Pipeline(cmds_, &replies);
    if (err.empty()) {
      link_.set_db(db_);
      for (size_t i = 0; i < replies.size() && err.empty(); ++i) {
        if (tags_[i] < 0) {
          if (replies[i].error) err = link_.name() + ": SELECT: " + replies[i].str;
          continue;
        }
        err = on_reply(tags_[i], replies[i]);
      }
    }
    cmds_.clear();
    tags_.clear();
    bytes_ = 0;
    return err;
  }

 private:
  RemoteLink& link_;
  int db_;
  std::vector<std::vector<std::string>> cmds_;
  std::vector<long> tags_;
  size_t bytes_ = 0;
};

}  // namespace

RemoteLink::~RemoteLink() {
  if (ctx_) redisFree(ctx_);
}

std::string RemoteLink::Connect(const RemoteEndpoint& ep) {
  name_ = ep.host + ":" + std::to_string(ep.port);
  timeval tv{ep.timeout_ms / 1000, (ep.timeout_ms % 1000) * 1000};
  ctx_ = redisConnectWithTimeout(ep.host.c_str(), ep.port, tv);
  if (!ctx_ || ctx_->err) return name_ + ": cannot connect: " + (ctx_ ? ctx_->errstr : "out of memory");
  redisSetTimeout(ctx_, tv);
  db_ = 0;
  if (!ep.password.empty()) {
    std::vector<Reply> r;
    if (std::string e = Pipeline({{"AUTH", ep.password}}, &r); !e.empty()) return e;
    if (r[0].error) return name_ + ": AUTH: " + r[0].str;
  }
  if (!ep.config.empty()) {
    std::vector<std::string> set{"CONFIG", "SET"};
    set.insert(set.end(), ep.config.begin(), ep.config.end());
    std::vector<Reply> r;
    if (std::string e = Pipeline({set}, &r); !e.empty()) return e;
    if (r[0].error) return name_ + ": CONFIG SET: " + r[0].str;
  }
  return {};
}

std::string RemoteLink::Pipeline(const std::vector<std::vector<std::string>>& cmds, std::vector<Reply>* replies) {
  if (!ctx_ || ctx_->err) return name_ + ": not connected";
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& c : cmds) {
    argv.clear();
    lens.clear();
    for (const auto& a : c) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx_, static_cast<int>(c.size()), argv.data(), lens.data()) != REDIS_OK)
      return name_ + ": " + ctx_->errstr;
  }
  replies->clear();
  replies->reserve(cmds.size());
  for (size_t i = 0; i < cmds.size(); ++i) {
    void* p = nullptr;
    if (redisGetReply(ctx_, &p) != REDIS_OK || !p)
      return name_ + ": " + (ctx_->errstr[0] ? ctx_->errstr : "connection lost");
    auto* r = static_cast<redisReply*>(p);
    Reply out;
    switch (r->type) {
      case REDIS_REPLY_ERROR: out.error = true; [[fallthrough]];
      case REDIS_REPLY_STATUS:
      case REDIS_REPLY_STRING: out.str.assign(r->str, r->len); break;
      case REDIS_REPLY_INTEGER: out.integer = r->integer; break;
      case REDIS_REPLY_NIL: out.nil = true; break;
      case REDIS_REPLY_ARRAY:
        // SCAN's [cursor, [keys...]]: the cursor in str, the keys in keys.
        if (r->elements == 2 && r->element[0]->type == REDIS_REPLY_STRING) {
          out.str.assign(r->element[0]->str, r->element[0]->len);
          const redisReply* ks = r->element[1];
          for (size_t j = 0; ks->type == REDIS_REPLY_ARRAY && j < ks->elements; ++j)
            out.keys.emplace_back(ks->element[j]->str, ks->element[j]->len);
        }
        break;
      default: break;
    }
    freeReplyObject(r);
    replies->push_back(std::move(out));
  }
  return {};
}

void DumpSlots(Engine& e, const std::vector<uint16_t>& slots, bool compress, int64_t now_ms,
               std::vector<DumpedKey>* out) {
  for (int db = 0; db < kNumDbs; ++db)
    for (uint16_t s : slots)
      e.db(db).ForEachInSlot(s, [&](Entry* en) {
        int64_t exp = en->has_expire() ? en->expire_ms() : 0;
        if (exp && exp <= now_ms) return;
        out->push_back({db, std::string(en->key()), DumpPayload(en, compress), exp});
      });
}

std::string RestoreToRemote(RemoteLink& link, const std::vector<DumpedKey>& keys, size_t* acked) {
  *acked = 0;
  Batch b(link);
  auto on_reply = [&](long tag, const RemoteLink::Reply& r) -> std::string {
    if (r.error) return link.name() + ": RESTORE " + keys[tag].key + ": " + r.str;
    ++*acked;
    return {};
  };
  for (size_t i = 0; i < keys.size(); ++i) {
    const DumpedKey& k = keys[i];
    b.Add(k.db, {"RESTORE", k.key, std::to_string(k.expire_ms), k.payload, "REPLACE", "ABSTTL"},
          static_cast<long>(i), k.key.size() + k.payload.size());
    if (b.full())
      if (std::string e = b.Flush(on_reply); !e.empty()) return e;
  }
  return b.Flush(on_reply);
}

std::string DeleteOnRemote(RemoteLink& link, const std::vector<DbKey>& keys) {
  Batch b(link);
  auto on_reply = [&](long, const RemoteLink::Reply& r) -> std::string {
    return r.error ? link.name() + ": DEL: " + r.str : std::string();
  };
  size_t i = 0;
  while (i < keys.size()) {
    const int db = keys[i].first;
    std::vector<std::string> cmd{"DEL"};
    size_t bytes = 0;
    while (i < keys.size() && keys[i].first == db && cmd.size() <= kDelKeysPerCommand) {
      bytes += keys[i].second.size();
      cmd.push_back(keys[i++].second);
    }
    b.Add(db, std::move(cmd), 0, bytes);
    if (b.full())
      if (std::string e = b.Flush(on_reply); !e.empty()) return e;
  }
  return b.Flush(on_reply);
}

namespace {

// One SCAN pass over every database of the remote that has keys (INFO keyspace names them),
// calling on_key(db, key) for each key found.
template <typename F>
std::string ScanRemote(RemoteLink& link, F&& on_key) {
  std::vector<RemoteLink::Reply> r;
  if (std::string e = link.Pipeline({{"INFO", "keyspace"}}, &r); !e.empty()) return e;
  if (r[0].error) return link.name() + ": INFO: " + r[0].str;
  std::vector<int> dbs;
  for (size_t p = r[0].str.find("\ndb"); p != std::string::npos; p = r[0].str.find("\ndb", p + 1))
    dbs.push_back(std::atoi(r[0].str.c_str() + p + 3));
  for (int db : dbs) {
    if (db < 0 || db >= kNumDbs) continue;
    std::string cursor = "0";
    do {
      Batch b(link);
      b.Add(db, {"SCAN", cursor, "COUNT", kScanCount}, 0, 0);
      std::string e = b.Flush([&](long, const RemoteLink::Reply& rep) -> std::string {
        if (rep.error) return link.name() + ": SCAN: " + rep.str;
        cursor = rep.str;
        for (const std::string& k : rep.keys) on_key(db, k);
        return {};
      });
      if (!e.empty()) return e;
    } while (cursor != "0");
  }
  return {};
}

}  // namespace

std::string ScanRemoteSlots(RemoteLink& link, const std::bitset<kNumSlots>& slots, std::vector<DbKey>* keys) {
  return ScanRemote(link, [&](int db, const std::string& k) {
    if (slots.test(KeySlot(k))) keys->emplace_back(db, k);
  });
}

std::string CountRemoteKeys(RemoteLink& link, std::vector<uint32_t>* per_slot) {
  per_slot->assign(kNumSlots, 0);
  return ScanRemote(link, [&](int, const std::string& k) { ++(*per_slot)[KeySlot(k)]; });
}

std::string DumpFromRemote(RemoteLink& link, const std::vector<DbKey>& keys, int64_t now_ms,
                           std::vector<DumpedKey>* out) {
  Batch b(link);
  // Replies come in pairs: DUMP (tag 2i) then PTTL (tag 2i+1).
  auto on_reply = [&](long tag, const RemoteLink::Reply& r) -> std::string {
    const size_t i = static_cast<size_t>(tag / 2);
    if (r.error) return link.name() + ": " + (tag % 2 ? "PTTL " : "DUMP ") + keys[i].second + ": " + r.str;
    if (tag % 2 == 0) {
      if (r.nil) return {};  // gone (expired) meanwhile
      out->push_back({keys[i].first, keys[i].second, r.str, 0});
      return {};
    }
    if (!out->empty() && out->back().key == keys[i].second && out->back().db == keys[i].first) {
      if (r.integer == -2) out->pop_back();  // expired between DUMP and PTTL
      else if (r.integer >= 0) out->back().expire_ms = now_ms + std::max<long long>(r.integer, 1);
    }
    return {};
  };
  for (size_t i = 0; i < keys.size(); ++i) {
    b.Add(keys[i].first, {"DUMP", keys[i].second}, static_cast<long>(2 * i), keys[i].second.size());
    b.Add(keys[i].first, {"PTTL", keys[i].second}, static_cast<long>(2 * i + 1), 0);
    // DUMP replies can be big: fewer keys per round trip than for RESTORE.
    if (b.full())
      if (std::string e = b.Flush(on_reply); !e.empty()) return e;
  }
  return b.Flush(on_reply);
}

std::string RestoreLocal(Engine& e, const std::vector<DumpedKey>& keys, const RdbLoadLimits& limits,
                         int64_t now_ms, std::vector<DbKey>* restored) {
  for (const DumpedKey& k : keys) {
    if (k.expire_ms && k.expire_ms <= now_ms) continue;
    uint8_t type;
    std::string_view value;
    if (!VerifyDumpPayload(k.payload, &type, &value)) return "key " + k.key + ": DUMP payload version or checksum are wrong";
    std::string why;
    Entry* en = DecodeValue(type, value, k.key, limits, &why);
    if (!en) return "key " + k.key + ": bad data format" + (why.empty() ? "" : ": " + why);
    if (k.expire_ms) en = Entry::SetExpire(en, k.expire_ms);
    e.Put(k.db, KeySlot(k.key), en);
    restored->emplace_back(k.db, k.key);
  }
  return {};
}

}  // namespace ks
