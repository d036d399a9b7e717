#include "server/remote/fanout.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "resp/reply_builder.h"
#include "resp/reply_parser.h"
#include "routing/shard_set.h"
#include "routing/slots.h"
#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "server/core/executor.h"
#include "server/core/forward.h"
#include "server/core/remote_shards.h"
#include "server/core/server_state.h"

namespace ks {
namespace {

// One shard's share of a command: its arguments and where its reply goes.
struct Part {
  int remote = -1;                     // -1: this server's engines
  std::vector<std::string_view> args;  // into the client's arguments or FanOut::owned
  std::vector<int> pos;                // ByIndex: the merged reply's index of each key
  bool local_size = false;             // not a command: this server's key count (DBSIZE)
};

// One fan-out strategy: the parts to run and how their replies merge.
class FanOut {
 public:
  virtual ~FanOut() = default;
  // Writes the merged reply; no reply is an error (those never get here).
  virtual void Merge(std::vector<RespValue>& replies, ReplyBuilder& rb) = 0;

  std::vector<Part> parts;
  std::deque<std::string> owned;  // arguments made here (stable addresses)
  // CONFIG SET (MirrorConfig): the remote parts go out only once the local one succeeded (a
  // value keyshard refuses never reaches a remote), and a remote's own error names it.
  bool mirror = false;
  // Runs once the local part succeeded, before the remote parts are sent.
  std::function<void()> before_remotes;
};

void Mismatch(ReplyBuilder& rb) { rb.Error(err::kFanOutBadReply); }

// MGET: each part's array element goes back to its key's index.
class ByIndex final : public FanOut {
 public:
  explicit ByIndex(size_t n) : n_(n) {}
  void Merge(std::vector<RespValue>& replies, ReplyBuilder& rb) override {
    RespValue out = RespValue::Array(std::vector<RespValue>(n_));
    for (size_t p = 0; p < parts.size(); ++p) {
      RespValue& r = replies[p];
      if (r.type != RespValue::Type::kArray || r.elems.size() != parts[p].pos.size()) return Mismatch(rb);
      for (size_t j = 0; j < r.elems.size(); ++j) out.elems[parts[p].pos[j]] = std::move(r.elems[j]);
    }
    WriteReply(out, rb);
  }

 private:
  size_t n_;
};

// DEL, UNLINK, EXISTS, TOUCH, DBSIZE: the sum of the parts' integers.
class Sum final : public FanOut {
 public:
  void Merge(std::vector<RespValue>& replies, ReplyBuilder& rb) override {
    int64_t sum = 0;
    for (const RespValue& r : replies) {
      if (r.type != RespValue::Type::kInteger) return Mismatch(rb);
      sum += r.integer;
    }
    rb.Int(sum);
  }
};

// MSET, FLUSHALL, FLUSHDB, FUNCTION LOAD...: every part succeeded; the first part's reply
// (this server's when it has a part: FUNCTION LOAD's library name).
class AllSucceeded final : public FanOut {
 public:
  void Merge(std::vector<RespValue>& replies, ReplyBuilder& rb) override { WriteReply(replies.front(), rb); }
};

// KEYS: the arrays one after the other, this server's first, then the remotes in their
// configured order: deterministic for a given content.
class Concat final : public FanOut {
 public:
  void Merge(std::vector<RespValue>& replies, ReplyBuilder& rb) override {
    RespValue out = RespValue::Array({});
    for (RespValue& r : replies) {
      if (!r.IsAggregate()) return Mismatch(rb);
      for (RespValue& e : r.elems) out.elems.push_back(std::move(e));
    }
    WriteReply(out, rb);
  }
};

// RANDOMKEY (nondeterministic_output, no response policy: any one shard's answer is right).
// Parts come in pairs, the command and DBSIZE on the same shard; a shard is drawn in
// proportion to its keys, so every key is about equally likely, as RANDOMKEY's own draw
// across engines does.
class AnyOneBySize final : public FanOut {
 public:
  explicit AnyOneBySize(uint64_t draw) : draw_(draw) {}
  void Merge(std::vector<RespValue>& replies, ReplyBuilder& rb) override {
    uint64_t total = 0;
    for (size_t p = 0; p + 1 < replies.size(); p += 2)
      if (!replies[p].IsNull() && replies[p + 1].type == RespValue::Type::kInteger && replies[p + 1].integer > 0)
        total += static_cast<uint64_t>(replies[p + 1].integer);
    if (total == 0) {
      // Sizes unknown or all empty: the first shard with a key, else the (null) first reply.
      for (size_t p = 0; p < replies.size(); p += 2)
        if (!replies[p].IsNull()) return WriteReply(replies[p], rb);
      return WriteReply(replies.front(), rb);
    }
    uint64_t r = draw_ % total;
    for (size_t p = 0; p + 1 < replies.size(); p += 2) {
      if (replies[p].IsNull() || replies[p + 1].type != RespValue::Type::kInteger || replies[p + 1].integer <= 0)
        continue;
      const uint64_t n = static_cast<uint64_t>(replies[p + 1].integer);
      if (r < n) return WriteReply(replies[p], rb);
      r -= n;
    }
    WriteReply(replies.front(), rb);
  }

 private:
  uint64_t draw_;
};

// SCAN: one shard per call; its cursor is rewritten into the combined one (fanout.h).
class ScanStep final : public FanOut {
 public:
  ScanStep(uint64_t shard, uint64_t remotes) : shard_(shard), remotes_(remotes) {}
  void Merge(std::vector<RespValue>& replies, ReplyBuilder& rb) override {
    RespValue& r = replies.front();
    uint64_t inner = 0;
    if (r.type != RespValue::Type::kArray || r.elems.size() != 2 || !StrToScanCursor(r.elems[0].text(), &inner) ||
        inner > kScanInnerMask)
      return Mismatch(rb);
    uint64_t next = 0;
    if (inner != 0)
      next = (shard_ << kScanShardShift) | inner;
    else if (shard_ < remotes_)
      next = (shard_ + 1) << kScanShardShift;  // the next remote, from its start
    r.elems[0] = RespValue::Bulk(std::to_string(next));
    WriteReply(r, rb);
  }

 private:
  uint64_t shard_, remotes_;
};

// A fan-out in flight: replies by part, and the client's reply slot.
struct InFlight {
  std::unique_ptr<FanOut> f;
  std::vector<RespValue> replies;
  size_t left = 0;
  bool resp3 = false;
  RemoteReplyFn done;
  // For the merged reply's error, counted once (not each part's): INFO errorstats and the
  // command's failed_calls.
  ServerState* state = nullptr;
  int thread = 0;
  const CommandSpec* spec = nullptr;

  void Finish() {
    std::string out;
    ReplyBuilder rb(&out);
    rb.set_resp3(resp3);
    // The first failed part (in part order: this server's first) is the whole reply.
    for (const RespValue& r : replies)
      if (r.IsError()) {
        rb.Error(r.str);
        CountRemoteError(*state, thread, *spec, out);
        return done(out);
      }
    f->Merge(replies, rb);
    done(out);
  }
};

// Runs a part on this server's engines, as the client's command would run, into a reply.
RespValue RunLocal(ServerState& state, CommandContext& ctx, std::span<const std::string_view> args) {
  std::string out;
  ReplyBuilder rb(&out);
  rb.set_resp3(ctx.client.resp == 3);
  CommandContext sub{args, rb, ctx.client, state, ctx.spec, {}};
  RespValue v;
  // False: a slot of these keys went to a remote since they were routed; nothing ran.
  if (!Execute(state, sub)) return RespValue::Error(std::string(err::kFanOutMoved));
  if (ParseReply(out, &v).status != ReplyStatus::kOk) return RespValue::Error(std::string(err::kFanOutBadReply));
  return v;
}

RespValue LocalSize(ServerState& state, int db) {
  ShardSet& shards = state.shards();
  int64_t n = 0;
  for (int i = 0; i < shards.size(); ++i) {
    EngineGuard lk(shards.engine(i));
    n += static_cast<int64_t>(shards.engine(i).KeyCount(db));
  }
  return RespValue::Integer(n);
}

RemoteRoute Start(ServerState& state, CommandContext& ctx, std::unique_ptr<FanOut> f) {
  auto fl = std::make_shared<InFlight>();
  fl->replies.resize(f->parts.size());
  fl->left = f->parts.size();
  fl->resp3 = ctx.client.resp == 3;
  fl->state = &state;
  fl->thread = ctx.client.thread_index;
  fl->spec = &ctx.spec;
  // Under CLIENT REPLY OFF/SKIP every part still runs; the merged reply is dropped.
  fl->done = ctx.client.reply_mode == ReplyMode::kOn ? ctx.client.deferred->Reserve()
                                                     : RemoteReplyFn([](std::string_view) {});
  FanOut& fo = *f;
  fl->f = std::move(f);
  RemoteShards& remotes = *state.remotes();
  bool local_ok = true;
  for (size_t p = 0; p < fo.parts.size(); ++p) {
    const Part& part = fo.parts[p];
    if (part.remote >= 0) continue;
    fl->replies[p] = part.local_size ? LocalSize(state, ctx.client.db) : RunLocal(state, ctx, part.args);
    local_ok &= !fl->replies[p].IsError();
    --fl->left;
  }
  if (fo.mirror && !local_ok) {
    fl->left = 0;  // the local error is the reply (the local part comes first)
    fl->Finish();
    return RemoteRoute::kForwarded;
  }
  if (fo.before_remotes) fo.before_remotes();
  // Send never calls back before it returns (a failure is posted), so `left` counts right.
  for (size_t p = 0; p < fo.parts.size(); ++p) {
    const Part& part = fo.parts[p];
    if (part.remote < 0) continue;
    RemoteRequest req = RequestFor(ctx, static_cast<uint16_t>(part.remote));
    RemoteReplyFn done = [fl, p, &remotes](std::string_view reply) {
      RespValue& v = fl->replies[p];
      if (ParseReply(reply, &v).status != ReplyStatus::kOk) v = RespValue::Error(std::string(err::kFanOutBadReply));
      if (fl->f->mirror && v.IsError() && !err::IsRemoteShardError(v.str)) {
        const auto r = static_cast<uint16_t>(fl->f->parts[p].remote);
        v = RespValue::Error(err::RemoteRefused(remotes.name(r), remotes.address(r), v.str));
      }
      if (--fl->left == 0) fl->Finish();
    };
    if (ctx.client.tracking) [[unlikely]]
      done = TrackRemoteRead(state, ctx.spec, ctx.client, part.args, req, std::move(done));
    remotes.Send(req, part.args, CountInFlight(state, ctx.spec, part.args, std::move(done)));
  }
  if (fl->left == 0) fl->Finish();
  return RemoteRoute::kForwarded;
}

// Every shard runs the whole command: this server first, then each remote in order.
void AddEveryShard(FanOut& f, const CommandContext& ctx, size_t remotes) {
  f.parts.push_back({-1, {ctx.args.begin(), ctx.args.end()}, {}});
  for (size_t r = 0; r < remotes; ++r) f.parts.push_back({static_cast<int>(r), {ctx.args.begin(), ctx.args.end()}, {}});
}

RemoteRoute ScanOverShards(ServerState& state, CommandContext& ctx) {
  uint64_t cursor = 0;
  // A malformed cursor: this server's SCAN answers the error.
  if (ctx.args.size() < 2 || !StrToScanCursor(ctx.args[1], &cursor)) return RemoteRoute::kLocal;
  const uint64_t shard = cursor >> kScanShardShift, remotes = state.remotes()->size();
  auto f = std::make_unique<ScanStep>(shard, remotes);
  Part part;
  part.args.assign(ctx.args.begin(), ctx.args.end());
  if (shard > remotes) {
    // Past the last shard: an empty, finished iteration (as a local cursor past the last slot).
    part.args[1] = f->owned.emplace_back(std::to_string(uint64_t{1} << 14));
  } else if (shard > 0) {
    part.remote = static_cast<int>(shard - 1);
    part.args[1] = f->owned.emplace_back(std::to_string(cursor & kScanInnerMask));
  }
  f->parts.push_back(std::move(part));
  return Start(state, ctx, std::move(f));
}

// CONFIG SET of options the remotes share: here first (as ever), then those options, as one
// CONFIG SET, to every remote over the client's own connection (so the client's later
// commands there run after it), remembered for connections made later. OK when all
// succeeded; otherwise the first error (keyshard's own setting stays applied).
RemoteRoute MirrorConfig(ServerState& state, CommandContext& ctx) {
  std::vector<std::string_view> pairs;  // into the table's names and the client's arguments
  ctx.spec.remote_config(ctx.args, pairs);
  if (pairs.empty()) return RemoteRoute::kLocal;
  auto f = std::make_unique<AllSucceeded>();
  f->mirror = true;
  std::vector<std::string_view> command{ctx.args[0], ctx.args[1]};  // CONFIG SET
  command.insert(command.end(), pairs.begin(), pairs.end());
  f->parts.push_back({-1, {ctx.args.begin(), ctx.args.end()}, {}});
  for (size_t r = 0; r < state.remotes()->size(); ++r) f->parts.push_back({static_cast<int>(r), command, {}});
  // Called within Start, while the client's arguments are alive.
  f->before_remotes = [&remotes = *state.remotes(), pairs] { remotes.RememberConfig(pairs); };
  return Start(state, ctx, std::move(f));
}

}  // namespace

RemoteRoute SplitAcrossShards(ServerState& state, CommandContext& ctx, const KeyIndexes& idx) {
  const CommandSpec& spec = ctx.spec;
  // A key without its values (MSET a 1 b): the arity error a single server gives, before any
  // part could run.
  if (spec.step > 1 && spec.last_key == -1 && spec.first_key > 0 &&
      (ctx.args.size() - static_cast<size_t>(spec.first_key)) % static_cast<size_t>(spec.step) != 0) {
    ctx.rb.Error(err::WrongArgs(spec.full_name));
    return RemoteRoute::kRefused;
  }
  // Splittable: keys to the end of the line, each followed by a fixed number of arguments
  // (MGET key..., MSET key value...), and a row that allows it. MSETNX (agg_min) sets all or
  // nothing, which parts applied on different servers cannot promise.
  const bool splittable = HasWord(spec.tips, "request_policy:multi_shard") &&
                          !HasWord(spec.tips, "response_policy:agg_min") && spec.last_key == -1 && spec.step >= 1 &&
                          ctx.client.deferred && state.remotes();
  if (!splittable) {
    ctx.rb.Error(err::kCrossSlot);
    return RemoteRoute::kRefused;
  }
  std::unique_ptr<FanOut> f;
  if (HasWord(spec.tips, "response_policy:agg_sum"))
    f = std::make_unique<Sum>();
  else if (HasWord(spec.tips, "response_policy:all_succeeded"))
    f = std::make_unique<AllSucceeded>();
  else
    f = std::make_unique<ByIndex>(idx.size());
  // One part per shard, this server's first; each key keeps its values (MSET's) behind it.
  const SlotMap& map = state.shards().slots();
  std::vector<int> part_of_remote(state.remotes()->size(), -1);
  int local_part = -1;
  for (size_t k = 0; k < idx.size(); ++k) {
    const ShardId owner = map.Owner(KeySlot(ctx.args[idx[k]]));
    if (!owner.local() && owner.index >= part_of_remote.size()) {
      // A remote the slot map names but the pool does not have (nothing is sent anywhere).
      const auto& names = state.remote_names();
      ctx.rb.Error(err::RemoteNotHere(owner.index < names.size() ? std::string_view(names[owner.index]) : "?"));
      return RemoteRoute::kRefused;
    }
    int& slot = owner.local() ? local_part : part_of_remote[owner.index];
    if (slot < 0) {
      slot = static_cast<int>(f->parts.size());
      f->parts.push_back({owner.local() ? -1 : static_cast<int>(owner.index), {ctx.args[0]}, {}});
    }
    Part& p = f->parts[slot];
    for (int a = idx[k]; a < idx[k] + spec.step && a < static_cast<int>(ctx.args.size()); ++a) p.args.push_back(ctx.args[a]);
    p.pos.push_back(static_cast<int>(k));
  }
  // This server's part first: its error, if any, is the one the client sees.
  if (local_part > 0) std::rotate(f->parts.begin(), f->parts.begin() + local_part, f->parts.begin() + local_part + 1);
  return Start(state, ctx, std::move(f));
}

RemoteRoute FanOutKeyspace(ServerState& state, CommandContext& ctx) {
  const CommandSpec& spec = ctx.spec;
  if (!ctx.client.deferred || !state.remotes() || state.remotes()->size() == 0) return RemoteRoute::kLocal;
  if (spec.remote_config) return MirrorConfig(state, ctx);
  const bool keyspace = HasWord(spec.acl, "@keyspace");
  if (keyspace && HasWord(spec.tips, "request_policy:special")) return ScanOverShards(state, ctx);
  // A keyless write to the keyspace without a request policy (SWAPDB) changes every shard's
  // part of it: applied on each, all must succeed (not atomic across them).
  const bool keyspace_write = keyspace && (spec.flag_bits & kCmdWrite) && !HasWord(spec.tips, "request_policy:all_shards");
  if (!HasWord(spec.tips, "request_policy:all_shards") && !keyspace_write) return RemoteRoute::kLocal;
  const bool all_succeeded = keyspace_write || HasWord(spec.tips, "response_policy:all_succeeded");
  // Functions live on every shard (FCALL runs where its keys are); other all_shards commands
  // (PING, WAIT, MEMORY..., SCRIPT KILL) are about this server itself.
  if (!keyspace && !(HasWord(spec.acl, "@scripting") && all_succeeded)) return RemoteRoute::kLocal;
  const size_t remotes = state.remotes()->size();
  std::unique_ptr<FanOut> f;
  if (HasWord(spec.tips, "response_policy:agg_sum")) {
    f = std::make_unique<Sum>();
  } else if (all_succeeded) {
    f = std::make_unique<AllSucceeded>();
  } else if (HasWord(spec.tips, "nondeterministic_output")) {
    // Any one shard's reply, drawn by size: each shard answers the command and DBSIZE.
    f = std::make_unique<AnyOneBySize>(ctx.random()());
    const std::string_view& dbsize = f->owned.emplace_back("DBSIZE");
    f->parts.push_back({-1, {ctx.args.begin(), ctx.args.end()}, {}});
    f->parts.push_back({-1, {}, {}, true});
    for (size_t r = 0; r < remotes; ++r) {
      f->parts.push_back({static_cast<int>(r), {ctx.args.begin(), ctx.args.end()}, {}});
      f->parts.push_back({static_cast<int>(r), {dbsize}, {}});
    }
    return Start(state, ctx, std::move(f));
  } else {
    f = std::make_unique<Concat>();
  }
  AddEveryShard(*f, ctx, remotes);
  return Start(state, ctx, std::move(f));
}

}  // namespace ks
