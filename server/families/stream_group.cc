// Stream consumer groups: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP),
// XACK, XPENDING, XCLAIM and XAUTOCLAIM as Redis 7.0 has them (t_stream.c), with its argument
// checks in Redis's order and its error texts.
#include <string>
#include <vector>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/families/stream_ops.h"

namespace ks {
namespace {

using namespace streams;

std::string NoGroup(std::string_view key, std::string_view group) {
  return "NOGROUP No such key '" + std::string(key) + "' or consumer group '" + std::string(group) + "'";
}

std::string NoGroupForKey(std::string_view key, std::string_view group) {
  return "NOGROUP No such consumer group '" + std::string(group) + "' for key name '" + std::string(key) + "'";
}

std::string SubSyntax(CommandContext& ctx) {
  return "ERR unknown subcommand or wrong number of arguments for '" + std::string(ctx.arg(1)) +
         "'. Try XGROUP HELP.";
}

// The part every XGROUP subcommand but HELP shares: the key must be a stream (unless CREATE
// ... MKSTREAM), and SETID/CREATECONSUMER/DELCONSUMER need the group.
struct GroupTarget {
  Entry* e = nullptr;
  Stream* s = nullptr;
  StreamGroup* g = nullptr;
};

bool LookupGroupTarget(CommandContext& ctx, bool mkstream, bool need_group, GroupTarget* t) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kStream, Access::kWrite);
  if (wrong) return false;
  t->e = e;
  t->s = e ? AsStream(e) : nullptr;
  if (!mkstream) {
    if (!t->s) {
      ctx.rb.Error(
          "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
          "MKSTREAM option to create an empty stream automatically.");
      return false;
    }
    t->g = t->s->FindGroup(ctx.arg(3));
    if (!t->g && need_group) {
      ctx.rb.Error(NoGroupForKey(ctx.arg(2), ctx.arg(3)));
      return false;
    }
  }
  return true;
}

bool ParseEntriesRead(CommandContext& ctx, std::string_view arg, int64_t* v) {
  if (!StrToLL(arg, v)) {
    ctx.rb.Error(err::kNotInteger);
    return false;
  }
  if (*v < 0 && *v != Stream::kInvalidEntriesRead) {
    ctx.rb.Error("ERR value for ENTRIESREAD must be positive or -1");
    return false;
  }
  return true;
}

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]
void XGroupCreate(CommandContext& ctx) {
  bool mkstream = false;
  int64_t entries_read = Stream::kInvalidEntriesRead;
  for (size_t i = 5; i < ctx.argc();) {
    if (EqualsNoCase(ctx.arg(i), "mkstream")) {
      mkstream = true;
      ++i;
    } else if (EqualsNoCase(ctx.arg(i), "entriesread") && i + 1 < ctx.argc()) {
      if (!ParseEntriesRead(ctx, ctx.arg(i + 1), &entries_read)) return;
      i += 2;
    } else {
      return ctx.rb.Error(SubSyntax(ctx));
    }
  }
  GroupTarget t;
  if (!LookupGroupTarget(ctx, mkstream, false, &t)) return;
  if (ctx.argc() > 8) return ctx.rb.Error(SubSyntax(ctx));
  StreamID id;
  if (ctx.arg(4) == "$") {
    id = t.s ? t.s->last_id() : StreamID{};
  } else if (!ParseId(ctx, ctx.arg(4), 0, true, &id)) {
    return;
  }
  const KeyRef& k = ctx.keys[0];
  if (!t.e) {
    t.e = Entry::NewObject(k.key, ObjType::kStream, Encoding::kStream, new Stream());
    ctx.Put(k, t.e);
    t.s = AsStream(t.e);
  }
  if (!t.s->CreateGroup(ctx.arg(3), id, entries_read)) return ctx.rb.Error("BUSYGROUP Consumer Group name already exists");
  ctx.Changed(k, t.e, kNotifyStream, "xgroup-create");
  ctx.rb.Ok();
}

// XGROUP SETID key group id|$ [ENTRIESREAD n]
void XGroupSetId(CommandContext& ctx) {
  int64_t entries_read = Stream::kInvalidEntriesRead;
  for (size_t i = 5; i < ctx.argc(); i += 2) {
    if (!EqualsNoCase(ctx.arg(i), "entriesread") || i + 1 >= ctx.argc()) return ctx.rb.Error(SubSyntax(ctx));
    if (!ParseEntriesRead(ctx, ctx.arg(i + 1), &entries_read)) return;
  }
  GroupTarget t;
  if (!LookupGroupTarget(ctx, false, true, &t)) return;
  if (ctx.argc() != 5 && ctx.argc() != 7) return ctx.rb.Error(SubSyntax(ctx));
  StreamID id;
  if (ctx.arg(4) == "$") {
    id = t.s->last_id();
  } else if (!ParseId(ctx, ctx.arg(4), 0, false, &id)) {
    return;
  }
  t.g->last_id = id;
  t.g->entries_read = entries_read;
  ctx.Changed(ctx.keys[0], t.e, kNotifyStream, "xgroup-setid");
  ctx.rb.Ok();
}

// XGROUP DESTROY key group
void XGroupDestroy(CommandContext& ctx) {
  GroupTarget t;
  if (!LookupGroupTarget(ctx, false, false, &t)) return;
  if (!t.g) return ctx.rb.Int(0);
  t.s->DestroyGroup(ctx.arg(3));
  ctx.Changed(ctx.keys[0], t.e, kNotifyStream, "xgroup-destroy");
  ctx.rb.Int(1);
}

// XGROUP CREATECONSUMER key group consumer
void XGroupCreateConsumer(CommandContext& ctx) {
  GroupTarget t;
  if (!LookupGroupTarget(ctx, false, true, &t)) return;
  bool created = t.g->CreateConsumer(ctx.arg(4), ctx.NowMs()) != nullptr;
  if (created) ctx.Changed(ctx.keys[0], t.e, kNotifyStream, "xgroup-createconsumer");
  ctx.rb.Int(created ? 1 : 0);
}

// XGROUP DELCONSUMER key group consumer
void XGroupDelConsumer(CommandContext& ctx) {
  GroupTarget t;
  if (!LookupGroupTarget(ctx, false, true, &t)) return;
  if (!t.g->FindConsumer(ctx.arg(4))) return ctx.rb.Int(0);
  int64_t pending = static_cast<int64_t>(t.g->DeleteConsumer(ctx.arg(4)));
  ctx.Changed(ctx.keys[0], t.e, kNotifyStream, "xgroup-delconsumer");
  ctx.rb.Int(pending);
}

void XGroupHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

// XACK key group id [id ...]
void XAck(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kStream, Access::kRead);
  if (wrong) return;
  StreamGroup* g = e ? AsStream(e)->FindGroup(ctx.arg(2)) : nullptr;
  if (!g) return ctx.rb.Int(0);
  std::vector<StreamID> ids(ctx.argc() - 3);
  for (size_t j = 3; j < ctx.argc(); ++j)
    if (!ParseId(ctx, ctx.arg(j), 0, true, &ids[j - 3])) return;
  int64_t acked = 0;
  for (StreamID id : ids) {
    auto it = g->pel.find(id);
    if (it == g->pel.end()) continue;
    StreamNack* n = it->second;
    n->consumer->pel.erase(id);
    g->pel.erase(it);
    delete n;
    ++acked;
  }
  if (acked) ctx.Changed(ctx.keys[0], e);
  ctx.rb.Int(acked);
}

bool ParseIntervalId(CommandContext& ctx, std::string_view arg, uint64_t missing_seq, StreamID* id, bool* excl) {
  *excl = arg.size() > 1 && arg[0] == '(';
  if (*excl) return ParseId(ctx, arg.substr(1), missing_seq, true, id);
  return ParseId(ctx, arg, missing_seq, false, id);
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
void XPending(CommandContext& ctx) {
  bool justinfo = ctx.argc() == 3;
  if (ctx.argc() != 3 && (ctx.argc() < 6 || ctx.argc() > 9)) return ctx.rb.Error(err::kSyntax);
  StreamID start, end;
  int64_t count = 0, minidle = 0;
  std::string_view consumer_name;
  bool has_consumer = false;
  if (ctx.argc() >= 6) {
    size_t si = 3;
    if (EqualsNoCase(ctx.arg(3), "idle")) {
      if (!StrToLL(ctx.arg(4), &minidle)) return ctx.rb.Error(err::kNotInteger);
      if (ctx.argc() < 8) return ctx.rb.Error(err::kSyntax);
      si += 2;
    }
    if (!StrToLL(ctx.arg(si + 2), &count)) return ctx.rb.Error(err::kNotInteger);
    if (count < 0) count = 0;
    bool sx, ex;
    if (!ParseIntervalId(ctx, ctx.arg(si), 0, &start, &sx)) return;
    if (sx && !start.Incr()) return ctx.rb.Error("ERR invalid start ID for the interval");
    if (!ParseIntervalId(ctx, ctx.arg(si + 1), UINT64_MAX, &end, &ex)) return;
    if (ex && !end.Decr()) return ctx.rb.Error("ERR invalid end ID for the interval");
    if (si + 3 < ctx.argc()) {
      consumer_name = ctx.arg(si + 3);
      has_consumer = true;
    }
  }
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kStream, Access::kRead);
  if (wrong) return;
  StreamGroup* g = e ? AsStream(e)->FindGroup(ctx.arg(2)) : nullptr;
  if (!g) return ctx.rb.Error(NoGroup(ctx.arg(1), ctx.arg(2)));
  ReplyBuilder& rb = ctx.rb;
  if (justinfo) {
    rb.Array(4);
    rb.Int(static_cast<int64_t>(g->pel.size()));
    if (g->pel.empty()) {
      rb.Null();
      rb.Null();
      rb.NullArray();
      return;
    }
    ReplyId(rb, g->pel.begin()->first);
    ReplyId(rb, std::prev(g->pel.end())->first);
    size_t n = 0;
    for (auto& [name, c] : g->consumers) n += !c->pel.empty();
    rb.Array(n);
    for (auto& [name, c] : g->consumers) {
      if (c->pel.empty()) continue;
      rb.Array(2);
      rb.Bulk(name);
      rb.Bulk(std::to_string(c->pel.size()));
    }
    return;
  }
  const std::map<StreamID, StreamNack*>* pel = &g->pel;
  if (has_consumer) {
    StreamConsumer* c = g->FindConsumer(consumer_name);
    if (!c) return rb.Array(0);
    pel = &c->pel;
  }
  int64_t now = ctx.NowMs();
  std::string body;
  ReplyBuilder sub(&body);
  sub.set_resp3(rb.resp3());
  size_t n = 0;
  for (auto it = pel->lower_bound(start); count && it != pel->end() && it->first <= end; ++it) {
    StreamNack* nack = it->second;
    if (minidle && now - nack->delivery_time < minidle) continue;
    ++n;
    --count;
    sub.Array(4);
    ReplyId(sub, it->first);
    sub.Bulk(nack->consumer->name);
    int64_t elapsed = now - nack->delivery_time;
    sub.Int(elapsed < 0 ? 0 : elapsed);
    sub.Int(static_cast<int64_t>(nack->delivery_count));
  }
  ReplyArrayOf(rb, n, body);
}

// Moves nack (of id) to consumer c.
void Reassign(StreamNack* nack, StreamID id, StreamConsumer* c) {
  if (nack->consumer == c) return;
  if (nack->consumer) nack->consumer->pel.erase(id);
  c->pel[id] = nack;
  nack->consumer = c;
}

bool EntryExists(const Stream& s, StreamID id) {
  return s.Range(id, id, false, 1, [](StreamID, const std::vector<Stream::Field>&) { return false; }) == 1;
}

void DropNack(StreamGroup& g, std::map<StreamID, StreamNack*>::iterator it) {
  StreamNack* n = it->second;
  if (n->consumer) n->consumer->pel.erase(it->first);
  g.pel.erase(it);
  delete n;
}

// Replies the entry id (or null if it is gone) as XCLAIM does.
void ReplyClaimed(ReplyBuilder& rb, const Stream& s, StreamID id, bool justid) {
  if (justid) return ReplyId(rb, id);
  size_t n = s.Range(id, id, false, 1, [&](StreamID eid, const std::vector<Stream::Field>& fs) {
    ReplyEntry(rb, eid, fs);
    return true;
  });
  if (!n) rb.Null();
}

StreamConsumer* LookupConsumerRefresh(CommandContext& ctx, StreamGroup& g, std::string_view name) {
  StreamConsumer* c = g.FindConsumer(name);
  if (c)
    c->seen_time = ctx.NowMs();
  else {
    c = g.CreateConsumer(name, ctx.NowMs());
    ctx.Notify(kNotifyStream, "xgroup-createconsumer", ctx.keys[0]);  // Redis's streamCreateConsumer
  }
  return c;
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n]
//        [FORCE] [JUSTID] [LASTID id]
void XClaim(CommandContext& ctx) {
  ctx.propagation_replaced = true;  // XCLAIM ... JUSTID per claimed entry, never the stream
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kStream, Access::kRead);
  if (wrong) return;
  Stream* s = e ? AsStream(e) : nullptr;
  StreamGroup* g = s ? s->FindGroup(ctx.arg(2)) : nullptr;
  if (!g) return ctx.rb.Error(NoGroup(ctx.arg(1), ctx.arg(2)));
  int64_t minidle;
  if (!StrToLL(ctx.arg(4), &minidle)) return ctx.rb.Error("ERR Invalid min-idle-time argument for XCLAIM");
  if (minidle < 0) minidle = 0;
  std::vector<StreamID> ids;
  size_t j = 5;
  for (; j < ctx.argc(); ++j) {
    StreamID id;
    std::string_view a = ctx.arg(j);
    // streamParseStrictIDOrReply without a reply: stop at the first non-ID (the options).
    if (a == "-" || a == "+" || !ParseStreamID(a, 0, &id)) break;
    if (a.find('*') != std::string_view::npos) break;
    ids.push_back(id);
  }
  int64_t now = ctx.NowMs(), retrycount = -1, deliverytime = -1;
  bool force = false, justid = false;
  StreamID last_id;
  for (; j < ctx.argc(); ++j) {
    size_t more = ctx.argc() - 1 - j;
    std::string_view opt = ctx.arg(j);
    if (EqualsNoCase(opt, "force")) {
      force = true;
    } else if (EqualsNoCase(opt, "justid")) {
      justid = true;
    } else if (EqualsNoCase(opt, "idle") && more) {
      if (!StrToLL(ctx.arg(++j), &deliverytime)) return ctx.rb.Error("ERR Invalid IDLE option argument for XCLAIM");
      deliverytime = now - deliverytime;
    } else if (EqualsNoCase(opt, "time") && more) {
      if (!StrToLL(ctx.arg(++j), &deliverytime)) return ctx.rb.Error("ERR Invalid TIME option argument for XCLAIM");
    } else if (EqualsNoCase(opt, "retrycount") && more) {
      if (!StrToLL(ctx.arg(++j), &retrycount))
        return ctx.rb.Error("ERR Invalid RETRYCOUNT option argument for XCLAIM");
    } else if (EqualsNoCase(opt, "lastid") && more) {
      if (!ParseId(ctx, ctx.arg(++j), 0, true, &last_id)) return;
    } else {
      return ctx.rb.Error("ERR Unrecognized XCLAIM option '" + std::string(opt) + "'");
    }
  }
  bool changed = false;
  if (last_id > g->last_id) {
    g->last_id = last_id;
    changed = true;
  }
  if (deliverytime != -1) {
    // A clock frozen at 0 is the append-only log replaying (persistence/loading_clock.h): the
    // TIME it logged is kept as it is.
    if (deliverytime < 0 || (now > 0 && deliverytime > now)) deliverytime = now;
  } else {
    deliverytime = now;
  }
  bool claimed_any = false;
  StreamConsumer* consumer = nullptr;
  std::string body;
  ReplyBuilder sub(&body);
  sub.set_resp3(ctx.rb.resp3());
  size_t n = 0;
  for (StreamID id : ids) {
    auto it = g->pel.find(id);
    if (!EntryExists(*s, id)) {
      if (it != g->pel.end()) {
        if (it->second->consumer) PropagateXClaim(ctx, ctx.keys[0], ctx.arg(2), *g, id, *it->second);
        claimed_any = true;
        DropNack(*g, it);
        changed = true;
      }
      continue;
    }
    if (force && it == g->pel.end()) it = g->pel.emplace(id, new StreamNack{now, 0, nullptr}).first;
    if (it == g->pel.end()) continue;
    StreamNack* nack = it->second;
    if (nack->consumer && minidle && now - nack->delivery_time < minidle) continue;
    if (!consumer) consumer = LookupConsumerRefresh(ctx, *g, ctx.arg(3));
    nack->delivery_time = deliverytime;
    if (retrycount >= 0)
      nack->delivery_count = static_cast<uint64_t>(retrycount);
    else if (!justid)
      nack->delivery_count++;
    Reassign(nack, id, consumer);
    ReplyClaimed(sub, *s, id, justid);
    PropagateXClaim(ctx, ctx.keys[0], ctx.arg(2), *g, id, *nack);
    claimed_any = true;
    ++n;
    changed = true;
  }
  if (changed && !claimed_any) PropagateSetId(ctx, ctx.keys[0], ctx.arg(2), *g);
  if (changed) ctx.Changed(ctx.keys[0], e);
  ReplyArrayOf(ctx.rb, n, body);
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
void XAutoClaim(CommandContext& ctx) {
  ctx.propagation_replaced = true;  // as XCLAIM
  int64_t minidle, count = 100;
  if (!StrToLL(ctx.arg(4), &minidle)) return ctx.rb.Error("ERR Invalid min-idle-time argument for XAUTOCLAIM");
  if (minidle < 0) minidle = 0;
  StreamID start;
  bool sx;
  if (!ParseIntervalId(ctx, ctx.arg(5), 0, &start, &sx)) return;
  if (sx && !start.Incr()) return ctx.rb.Error("ERR invalid start ID for the interval");
  bool justid = false;
  constexpr int64_t kAttemptsFactor = 10;
  for (size_t j = 6; j < ctx.argc(); ++j) {
    size_t more = ctx.argc() - 1 - j;
    if (EqualsNoCase(ctx.arg(j), "count") && more) {
      int64_t max_count = INT64_MAX / 16;
      if (!StrToLL(ctx.arg(j + 1), &count) || count < 1 || count > max_count) {
        return ctx.rb.Error("ERR COUNT must be > 0");
      }
      ++j;
    } else if (EqualsNoCase(ctx.arg(j), "justid")) {
      justid = true;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kStream, Access::kRead);
  if (wrong) return;
  Stream* s = e ? AsStream(e) : nullptr;
  StreamGroup* g = s ? s->FindGroup(ctx.arg(2)) : nullptr;
  if (!g) return ctx.rb.Error(NoGroup(ctx.arg(1), ctx.arg(2)));
  int64_t attempts = count * kAttemptsFactor, now = ctx.NowMs();
  StreamConsumer* consumer = nullptr;
  std::vector<StreamID> deleted;
  std::string body;
  ReplyBuilder sub(&body);
  sub.set_resp3(ctx.rb.resp3());
  size_t n = 0;
  bool changed = false;
  auto it = g->pel.lower_bound(start);
  while (attempts-- && count && it != g->pel.end()) {
    StreamID id = it->first;
    StreamNack* nack = it->second;
    if (!EntryExists(*s, id)) {
      auto next = std::next(it);
      if (nack->consumer) PropagateXClaim(ctx, ctx.keys[0], ctx.arg(2), *g, id, *nack);
      DropNack(*g, it);
      it = next;
      deleted.push_back(id);
      --count;
      changed = true;
      continue;
    }
    ++it;
    if (minidle && now - nack->delivery_time < minidle) continue;
    if (!consumer) consumer = LookupConsumerRefresh(ctx, *g, ctx.arg(3));
    nack->delivery_time = now;
    if (!justid) nack->delivery_count++;
    Reassign(nack, id, consumer);
    ReplyClaimed(sub, *s, id, justid);
    PropagateXClaim(ctx, ctx.keys[0], ctx.arg(2), *g, id, *nack);
    ++n;
    --count;
    changed = true;
  }
  StreamID cursor = it == g->pel.end() ? StreamID{} : it->first;
  if (changed) ctx.Changed(ctx.keys[0], e);
  ctx.rb.Array(3);
  ReplyId(ctx.rb, cursor);
  ReplyArrayOf(ctx.rb, n, body);
  ctx.rb.Array(deleted.size());
  for (StreamID id : deleted) ReplyId(ctx.rb, id);
}

KeySpec Spec(std::string_view flags, int index) {
  return {.flags = flags, .begin_index = index, .last_key = 0, .key_step = 1, .limit = 0};
}

CommandSpec GroupSub(std::string_view name, int arity, std::string_view flags, std::string_view spec_flags,
                     CommandHandler h, std::string_view since, std::string_view summary,
                     std::string_view complexity) {
  return {.name = name, .arity = arity, .flags = flags, .first_key = 2, .last_key = 2, .step = 1,
          .acl = "@write @stream @slow", .key_specs = {Spec(spec_flags, 2)}, .handler = h,
          .aof = AofLog::kVerbatim, .group = "stream",
          .since = since, .summary = summary, .complexity = complexity};
}

}  // namespace

void RegisterStreamInfoFamily(CommandRegistry& reg);  // stream_info.cc

void RegisterStreamGroupFamily(CommandRegistry& reg) {
  reg.Add(ContainerRow(
      "xgroup", "stream", "5.0.0", "A container for consumer groups commands",
      {GroupSub("create", -5, "write denyoom", "RW insert", XGroupCreate, "5.0.0", "Create a consumer group.", "O(1)"),
       GroupSub("setid", -5, "write", "RW update", XGroupSetId, "5.0.0",
                "Set a consumer group to an arbitrary last delivered ID value.", "O(1)"),
       GroupSub("destroy", 4, "write", "RW delete", XGroupDestroy, "5.0.0", "Destroy a consumer group.",
                "O(N) where N is the number of entries in the group's pending entries list (PEL)."),
       GroupSub("createconsumer", 5, "write denyoom", "RW insert", XGroupCreateConsumer, "6.2.0",
                "Create a consumer in a consumer group.", "O(1)"),
       GroupSub("delconsumer", 5, "write", "RW delete", XGroupDelConsumer, "5.0.0",
                "Delete a consumer from a consumer group.", "O(1)"),
       {.name = "help", .arity = 2, .flags = "loading stale", .first_key = 0, .last_key = 0, .step = 0,
        .acl = "@stream @slow", .handler = XGroupHelp, .group = "stream", .since = "5.0.0",
        .summary = "Show helpful text about the different subcommands", .complexity = "O(1)"}}));
  reg.Add({.name = "xack", .arity = -4, .flags = "write fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @stream @fast", .key_specs = {Spec("RW update", 1)}, .handler = XAck, .aof = AofLog::kVerbatim, .group = "stream",
           .since = "5.0.0",
           .summary = "Marks a pending message as correctly processed, effectively removing it from the pending "
                      "entries list of the consumer group. Return value of the command is the number of messages "
                      "successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.",
           .complexity = "O(1) for each message ID processed."});
  reg.Add({.name = "xpending", .arity = -3, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @stream @slow", .tips = "nondeterministic_output", .key_specs = {Spec("RO access", 1)},
           .handler = XPending, .group = "stream", .since = "5.0.0",
           .summary = "Return information and entries from a stream consumer group pending entries list, that are "
                      "messages fetched but never acknowledged.",
           .complexity = "O(N) with N being the number of elements returned, so asking for a small fixed number of "
                         "entries per call is O(1). O(M), where M is the total number of entries scanned when used "
                         "with the IDLE filter. When the command returns just the summary and the list of consumers "
                         "is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every "
                         "consumer."});
  reg.Add({.name = "xclaim", .arity = -6, .flags = "write fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @stream @fast", .tips = "nondeterministic_output", .key_specs = {Spec("RW update", 1)},
           .handler = XClaim, .group = "stream", .since = "5.0.0",
           .summary = "Changes (or acquires) ownership of a message in a consumer group, as if the message was "
                      "delivered to the specified consumer.",
           .complexity = "O(log N) with N being the number of messages in the PEL of the consumer group."});
  reg.Add({.name = "xautoclaim", .arity = -6, .flags = "write fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @stream @fast", .tips = "nondeterministic_output", .key_specs = {Spec("RW delete", 1)},
           .handler = XAutoClaim, .group = "stream", .since = "6.2.0",
           .summary = "Changes (or acquires) ownership of messages in a consumer group, as if the messages were "
                      "delivered to the specified consumer.",
           .complexity = "O(1) if COUNT is small."});
  RegisterStreamInfoFamily(reg);
}

}  // namespace ks
