// Streams: Redis 7.0's XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XREAD, XREADGROUP and
// XSETID (t_stream.c) with its argument order, error texts and reply shapes. Consumer groups
// are in stream_group.cc, XINFO in stream_info.cc; the stream itself in engine/stream.h.
//
// Blocking XREAD/XREADGROUP queue on their keys through server/blocking: XADD makes the key
// ready, and the waiter's command is re-run. Before it blocks, a waiter's arguments are
// rewritten to what Redis remembers of the client: "$" becomes the ID it stood for, and a
// missing COUNT becomes Redis's XREAD_BLOCKED_DEFAULT_COUNT (1000).
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "server/blocking/blocking.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/families/stream_ops.h"

namespace ks {
namespace streams {

namespace {
// string2ull: string2ll for non-negatives, else strtoull over the whole string.
bool StrToULL(std::string_view s, uint64_t* v) {
  int64_t ll;
  if (StrToLL(s, &ll)) {
    if (ll < 0) return false;
    *v = static_cast<uint64_t>(ll);
    return true;
  }
  std::string z(s.substr(0, s.find('\0')));
  if (z.empty()) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long r = std::strtoull(z.c_str(), &end, 10);
  if (errno == EINVAL || errno == ERANGE || *end != '\0') return false;
  *v = r;
  return true;
}
}  // namespace

bool ParseId(CommandContext& ctx, std::string_view arg, uint64_t missing_seq, bool strict, StreamID* id,
             bool* seq_given) {
  auto invalid = [&] {
    ctx.rb.Error(kInvalidId);
    return false;
  };
  if (arg.size() > 127) return invalid();
  arg = arg.substr(0, arg.find('\0'));  // Redis parses a C string
  if (strict && arg.size() == 1 && (arg[0] == '-' || arg[0] == '+')) return invalid();
  if (seq_given) *seq_given = true;
  if (arg == "-") {
    *id = {0, 0};
    return true;
  }
  if (arg == "+") {
    *id = StreamID::Max();
    return true;
  }
  size_t dash = arg.find('-');
  uint64_t ms, seq;
  if (!StrToULL(arg.substr(0, dash), &ms)) return invalid();
  if (dash != std::string_view::npos) {
    std::string_view s = arg.substr(dash + 1);
    if (seq_given && s == "*") {
      seq = 0;
      *seq_given = false;
    } else if (!StrToULL(s, &seq)) {
      return invalid();
    }
  } else {
    seq = missing_seq;
  }
  *id = {ms, seq};
  return true;
}

void ReplyId(ReplyBuilder& rb, StreamID id) { rb.Bulk(id.ToString()); }

void ReplyEntry(ReplyBuilder& rb, StreamID id, const std::vector<Stream::Field>& fs) {
  char buf[24];
  rb.Array(2);
  ReplyId(rb, id);
  rb.Array(fs.size() * 2);
  for (auto& f : fs) {
    rb.Bulk(f.field.Str(buf));
    rb.Bulk(f.value.Str(buf));
  }
}

void ReplyArrayOf(ReplyBuilder& rb, size_t n, const std::string& body) {
  rb.Array(n);
  rb.output()->append(body);
}

size_t ReplyRange(ReplyBuilder& rb, const Stream& s, StreamID start, StreamID end, bool rev, size_t count) {
  std::string body;
  ReplyBuilder sub(&body);
  sub.set_resp3(rb.resp3());
  size_t n = s.Range(start, end, rev, count, [&](StreamID id, const std::vector<Stream::Field>& fs) {
    ReplyEntry(sub, id, fs);
    return true;
  });
  ReplyArrayOf(rb, n, body);
  return n;
}

StreamConsumer* ConsumerOrCreate(CommandContext& ctx, StreamGroup& g, std::string_view name) {
  StreamConsumer* c = g.FindConsumer(name);
  if (!c) c = g.CreateConsumer(name, ctx.NowMs());
  return c;
}

void PropagateXClaim(CommandContext& ctx, const KeyRef& k, std::string_view group, const StreamGroup& g,
                     StreamID id, const StreamNack& nack) {
  if (!ctx.Propagating()) return;
  ctx.propagated.push_back({k.engine,
                            {"XCLAIM", std::string(k.key), std::string(group), nack.consumer->name, "0", id.ToString(),
                             "TIME", std::to_string(nack.delivery_time), "RETRYCOUNT",
                             std::to_string(nack.delivery_count), "FORCE", "JUSTID", "LASTID", g.last_id.ToString()}});
}

void PropagateSetId(CommandContext& ctx, const KeyRef& k, std::string_view group, const StreamGroup& g) {
  if (!ctx.Propagating()) return;
  ctx.propagated.push_back({k.engine,
                            {"XGROUP", "SETID", std::string(k.key), std::string(group), g.last_id.ToString(),
                             "ENTRIESREAD", std::to_string(g.entries_read)}});
}

void PropagateCreateConsumer(CommandContext& ctx, const KeyRef& k, std::string_view group, std::string_view name) {
  if (!ctx.Propagating()) return;
  ctx.propagated.push_back(
      {k.engine, {"XGROUP", "CREATECONSUMER", std::string(k.key), std::string(group), std::string(name)}});
}

size_t ReplyGroupRange(CommandContext& ctx, const KeyRef& k, std::string_view group, Stream& s, StreamGroup& g,
                       StreamConsumer& c, StreamID start, size_t count, bool noack, bool history) {
  std::string body;
  ReplyBuilder sub(&body);
  sub.set_resp3(ctx.rb.resp3());
  int64_t now = ctx.NowMs();
  size_t n = 0;
  if (history) {
    // streamReplyWithRangeFromConsumerPEL: only this consumer's pending entries.
    for (auto it = c.pel.lower_bound(start); it != c.pel.end() && (!count || n < count); ++it) {
      StreamID id = it->first;
      bool found = s.Range(id, id, false, 1, [&](StreamID eid, const std::vector<Stream::Field>& fs) {
        ReplyEntry(sub, eid, fs);
        return true;
      });
      if (!found) {
        // Deleted since it was delivered: the ID with a null entry.
        sub.Array(2);
        ReplyId(sub, id);
        sub.NullArray();
      } else {
        it->second->delivery_time = now;
        it->second->delivery_count++;
      }
      ++n;
    }
    ReplyArrayOf(ctx.rb, n, body);
    return n;
  }
  bool moved = false;
  n = s.Range(start, StreamID::Max(), false, count, [&](StreamID id, const std::vector<Stream::Field>& fs) {
    if (id > g.last_id) {
      moved = true;
      if (g.entries_read != Stream::kInvalidEntriesRead && !s.RangeHasTombstones(id, StreamID::Max()))
        g.entries_read++;
      else if (s.entries_added())
        g.entries_read = s.EstimateDistanceFromFirstEverEntry(id);
      g.last_id = id;
    }
    if (!noack) {
      auto [git, inserted] = g.pel.try_emplace(id, nullptr);
      if (inserted) {
        git->second = new StreamNack{now, 1, &c};
      } else {
        // Already pending (XGROUP SETID moved the group back): it changes owner.
        StreamNack* nack = git->second;
        nack->consumer->pel.erase(id);
        nack->consumer = &c;
        nack->delivery_time = now;
        nack->delivery_count = 1;
      }
      c.pel[id] = git->second;
      PropagateXClaim(ctx, k, group, g, id, *git->second);
    }
    ReplyEntry(sub, id, fs);
    return true;
  });
  // The group's position with its read counter (XCLAIM's LASTID carries no counter).
  if (moved) PropagateSetId(ctx, k, group, g);
  ReplyArrayOf(ctx.rb, n, body);
  return n;
}

int64_t NodeMaxBytes(CommandContext& ctx) { return ctx.server.limits().get(ctx.server.limits().stream_node_max_bytes); }
int64_t NodeMaxEntries(CommandContext& ctx) {
  return ctx.server.limits().get(ctx.server.limits().stream_node_max_entries);
}

}  // namespace streams

namespace {

using namespace streams;

// ---- XADD / XTRIM options (streamParseAddOrTrimArgsOrReply) --------------------------------

struct AddTrimArgs {
  Stream::TrimArgs trim;
  std::string_view threshold;  // the MAXLEN/MINID argument as given
  bool limit_given = false;
  bool nomkstream = false;
  bool id_given = false;
  bool seq_given = false;
  StreamID id;
};

// Returns the index of the ID argument (XADD) or past the options (XTRIM); -1 after an error.
int ParseAddOrTrim(CommandContext& ctx, AddTrimArgs* a, bool xadd) {
  size_t i = 2;
  int64_t limit = 0;
  for (; i < ctx.argc(); ++i) {
    size_t more = ctx.argc() - 1 - i;
    std::string_view opt = ctx.arg(i);
    if (xadd && opt == "*") break;
    bool maxlen = EqualsNoCase(opt, "maxlen"), minid = EqualsNoCase(opt, "minid");
    if ((maxlen || minid) && more) {
      if (a->trim.by != Stream::TrimBy::kNone) {
        ctx.rb.Error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
        return -1;
      }
      a->trim.approx = false;
      std::string_view next = ctx.arg(i + 1);
      if (more >= 2 && next == "~") {
        a->trim.approx = true;
        ++i;
      } else if (more >= 2 && next == "=") {
        ++i;
      }
      a->threshold = ctx.arg(i + 1);
      if (maxlen) {
        int64_t v;
        if (!StrToLL(ctx.arg(i + 1), &v)) {
          ctx.rb.Error(err::kNotInteger);
          return -1;
        }
        if (v < 0) {
          ctx.rb.Error("ERR The MAXLEN argument must be >= 0.");
          return -1;
        }
        a->trim.maxlen = static_cast<uint64_t>(v);
        a->trim.by = Stream::TrimBy::kMaxLen;
      } else {
        if (!ParseId(ctx, ctx.arg(i + 1), 0, true, &a->trim.minid)) return -1;
        a->trim.by = Stream::TrimBy::kMinId;
      }
      ++i;
    } else if (EqualsNoCase(opt, "limit") && more) {
      if (!StrToLL(ctx.arg(i + 1), &limit)) {
        ctx.rb.Error(err::kNotInteger);
        return -1;
      }
      if (limit < 0) {
        ctx.rb.Error("ERR The LIMIT argument must be >= 0.");
        return -1;
      }
      a->limit_given = true;
      ++i;
    } else if (xadd && EqualsNoCase(opt, "nomkstream")) {
      a->nomkstream = true;
    } else if (xadd) {
      if (!ParseId(ctx, opt, 0, true, &a->id, &a->seq_given)) return -1;
      a->id_given = true;
      break;
    } else {
      ctx.rb.Error(err::kSyntax);
      return -1;
    }
  }
  if (limit && a->trim.by == Stream::TrimBy::kNone) {
    ctx.rb.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return -1;
  }
  if (!xadd && a->trim.by == Stream::TrimBy::kNone) {
    ctx.rb.Error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return -1;
  }
  if (a->limit_given) {
    if (!a->trim.approx) {
      ctx.rb.Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return -1;
    }
    a->trim.limit = limit;
  } else if (a->trim.approx) {
    a->trim.limit = 100 * NodeMaxEntries(ctx);
    if (a->trim.limit <= 0 || a->trim.limit > 1000000) a->trim.limit = 10000;
  } else {
    a->trim.limit = 0;
  }
  return static_cast<int>(i);
}

// The trim options as the AOF gets them (Redis's streamRewriteApproxSpecifier and
// streamRewriteTrimArgument): an approximate trim becomes the exact one that gives the same
// result (the length or first ID it left), so a replay does not depend on node layout.
void AppendTrimArgs(std::vector<std::string>& out, const Stream::TrimArgs& t, const Stream& s,
                    std::string_view original) {
  if (t.by == Stream::TrimBy::kNone) return;
  if (t.by == Stream::TrimBy::kMaxLen || s.length() == 0) {
    out.insert(out.end(), {"MAXLEN", "=", t.approx ? std::to_string(s.length()) : std::string(original)});
    if (t.by == Stream::TrimBy::kMinId) out.back() = "0";  // everything went
  } else {
    out.insert(out.end(), {"MINID", "=", t.approx ? s.first_id().ToString() : std::string(original)});
  }
}

Entry* NewStreamEntry(std::string_view key) {
  return Entry::NewObject(key, ObjType::kStream, Encoding::kStream, new Stream());
}

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [...]
void XAdd(CommandContext& ctx) {
  ctx.propagation_replaced = true;  // logged below as XADD with its final ID; errors log nothing
  AddTrimArgs a;
  int id_pos = ParseAddOrTrim(ctx, &a, true);
  if (id_pos < 0) return;
  size_t field_pos = static_cast<size_t>(id_pos) + 1;
  size_t nargs = ctx.argc() > field_pos ? ctx.argc() - field_pos : 0;
  if (nargs < 2 || nargs % 2 == 1) return ctx.rb.Error("ERR wrong number of arguments for 'xadd' command");
  if (a.id_given && a.seq_given && a.id == StreamID{})
    return ctx.rb.Error("ERR The ID specified in XADD must be greater than 0-0");
  const KeyRef& k = ctx.keys[0];
  KeyLookup lk = ctx.LookupOrReply(k, ObjType::kStream, Access::kWrite);
  if (lk.wrong_type) return;
  Entry* e = lk.entry;
  if (!e && a.nomkstream) return ctx.rb.Null();
  bool created = false;
  Stream* s = e ? AsStream(e) : nullptr;
  StreamID last = s ? s->last_id() : StreamID{};
  if (last == StreamID::Max())
    return ctx.rb.Error("ERR The stream has exhausted the last possible ID, unable to add more items");
  StreamID id;
  const char* too_small = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
  if (a.id_given) {
    if (a.seq_given) {
      id = a.id;
    } else if (last.ms == a.id.ms) {
      if (last.seq == UINT64_MAX) return ctx.rb.Error(too_small);
      id = {last.ms, last.seq + 1};
    } else {
      id = a.id;
    }
  } else {
    uint64_t ms = static_cast<uint64_t>(ctx.NowMs());
    if (ms > last.ms) {
      id = {ms, 0};
    } else {
      id = last;
      id.Incr();
    }
  }
  if (id <= last) return ctx.rb.Error(too_small);
  size_t total = 0;
  std::vector<std::pair<std::string_view, std::string_view>> fv;
  fv.reserve(nargs / 2);
  for (size_t i = field_pos; i < ctx.argc(); i += 2) {
    fv.emplace_back(ctx.arg(i), ctx.arg(i + 1));
    total += ctx.arg(i).size() + ctx.arg(i + 1).size();
  }
  if (total > (size_t{1} << 30)) return ctx.rb.Error("ERR Elements are too large to be stored");
  if (!e) {
    e = NewStreamEntry(k.key);
    ctx.Notify(kNotifyNew, "new", k);  // Redis's dbAdd, before the entry is appended
    ctx.engine(k).Put(ctx.db(), k.slot, e);
    s = AsStream(e);
    created = true;
  }
  (void)created;
  s->Append(id, fv, NodeMaxBytes(ctx), NodeMaxEntries(ctx));
  ReplyId(ctx.rb, id);
  int64_t trimmed = s->Trim(a.trim);
  if (ctx.Propagating()) {
    std::vector<std::string> log = {"XADD", std::string(k.key)};
    AppendTrimArgs(log, a.trim, *s, a.threshold);
    log.push_back(id.ToString());
    for (auto& [f, v] : fv) log.insert(log.end(), {std::string(f), std::string(v)});
    ctx.propagated.push_back({k.engine, std::move(log)});
  }
  ctx.Changed(k, e);
  ctx.Notify(kNotifyStream, "xadd", k);
  if (trimmed) ctx.Notify(kNotifyStream, "xtrim", k);
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
void XTrim(CommandContext& ctx) {
  ctx.propagation_replaced = true;  // logged below with an exact threshold
  AddTrimArgs a;
  int pos = ParseAddOrTrim(ctx, &a, false);
  if (pos < 0) return;
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kStream, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  int64_t n = AsStream(e)->Trim(a.trim);
  ctx.rb.Int(n);
  if (!n) return;
  if (ctx.Propagating()) {
    std::vector<std::string> log = {"XTRIM", std::string(k.key)};
    AppendTrimArgs(log, a.trim, *AsStream(e), a.threshold);
    ctx.propagated.push_back({k.engine, std::move(log)});
  }
  ctx.Changed(k, e, kNotifyStream, "xtrim");
}

// XLEN key
void XLen(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kStream, Access::kRead);
  if (wrong) return;
  ctx.rb.Int(e ? static_cast<int64_t>(AsStream(e)->length()) : 0);
}

// streamParseIntervalIDOrReply: "(" makes the bound exclusive.
bool ParseInterval(CommandContext& ctx, std::string_view arg, uint64_t missing_seq, StreamID* id, bool* excl) {
  *excl = arg.size() > 1 && arg[0] == '(';
  if (*excl) return ParseId(ctx, arg.substr(1), missing_seq, true, id);
  return ParseId(ctx, arg, missing_seq, false, id);
}

void RangeGeneric(CommandContext& ctx, bool rev) {
  std::string_view start_arg = ctx.arg(rev ? 3 : 2), end_arg = ctx.arg(rev ? 2 : 3);
  StreamID start, end;
  bool sx, ex;
  if (!ParseInterval(ctx, start_arg, 0, &start, &sx)) return;
  if (!ParseInterval(ctx, end_arg, UINT64_MAX, &end, &ex)) return;
  if (sx && !start.Incr()) return ctx.rb.Error("ERR invalid start ID for the interval");
  if (ex && !end.Decr()) return ctx.rb.Error("ERR invalid end ID for the interval");
  int64_t count = -1;
  for (size_t j = 4; j < ctx.argc(); ++j) {
    size_t additional = ctx.argc() - j - 1;
    if (EqualsNoCase(ctx.arg(j), "count") && additional >= 1) {
      if (!StrToLL(ctx.arg(j + 1), &count)) return ctx.rb.Error(err::kNotInteger);
      if (count < 0) count = 0;
      ++j;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kStream, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Array(0);
  if (count == 0) return ctx.rb.NullArray();
  ReplyRange(ctx.rb, *AsStream(e), start, end, rev, count < 0 ? 0 : static_cast<size_t>(count));
}

void XRange(CommandContext& ctx) { RangeGeneric(ctx, false); }
void XRevRange(CommandContext& ctx) { RangeGeneric(ctx, true); }

// XDEL key id [id ...]
void XDel(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kStream, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  std::vector<StreamID> ids(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); ++j)
    if (!ParseId(ctx, ctx.arg(j), 0, true, &ids[j - 2])) return;
  Stream* s = AsStream(e);
  int64_t deleted = 0;
  bool first_entry = false;
  for (StreamID id : ids) {
    if (!s->Delete(id)) continue;
    if (id == s->first_id()) first_entry = true;
    if (id > s->max_deleted_id()) s->set_max_deleted_id(id);
    ++deleted;
  }
  if (deleted) {
    if (s->length() == 0)
      s->set_first_id({});
    else if (first_entry)
      s->UpdateFirstId();
    ctx.Changed(k, e, kNotifyStream, "xdel");
  }
  ctx.rb.Int(deleted);
}

// ---- XREAD / XREADGROUP -------------------------------------------------------------------

constexpr int64_t kBlockedDefaultCount = 1000;  // XREAD_BLOCKED_DEFAULT_COUNT

void ReadGeneric(CommandContext& ctx, bool group_read) {
  // The AOF gets what changed (XCLAIM per delivered entry...), never the whole stream; an
  // error changes nothing and logs nothing.
  if (group_read) ctx.propagation_replaced = true;
  int64_t timeout = -1, count = 0;
  size_t streams_arg = 0, nstreams = 0;
  bool noack = false, count_given = false;
  std::string_view group_name, consumer_name;
  bool has_group = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    size_t more = ctx.argc() - i - 1;
    std::string_view o = ctx.arg(i);
    if (EqualsNoCase(o, "block") && more) {
      ++i;
      int64_t t;
      if (!StrToLL(ctx.arg(i), &t)) return ctx.rb.Error("ERR timeout is not an integer or out of range");
      if (t < 0) return ctx.rb.Error("ERR timeout is negative");
      if (t > 0 && t > INT64_MAX - ctx.NowMs()) return ctx.rb.Error("ERR timeout is out of range");
      timeout = t;
    } else if (EqualsNoCase(o, "count") && more) {
      ++i;
      if (!StrToLL(ctx.arg(i), &count)) return ctx.rb.Error(err::kNotInteger);
      if (count < 0) count = 0;
      count_given = true;
    } else if (EqualsNoCase(o, "streams") && more) {
      streams_arg = i + 1;
      nstreams = ctx.argc() - streams_arg;
      if (nstreams % 2 != 0) {
        // Redis 7.0 names XREAD and "$" in this error for XREADGROUP too.
        return ctx.rb.Error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      }
      nstreams /= 2;
      break;
    } else if (EqualsNoCase(o, "group") && more >= 2) {
      if (!group_read)
        return ctx.rb.Error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
      group_name = ctx.arg(i + 1);
      consumer_name = ctx.arg(i + 2);
      has_group = true;
      i += 2;
    } else if (EqualsNoCase(o, "noack")) {
      if (!group_read)
        return ctx.rb.Error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
      noack = true;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  if (streams_arg == 0) return ctx.rb.Error(err::kSyntax);
  if (group_read && !has_group) return ctx.rb.Error("ERR Missing GROUP option for XREADGROUP");

  // ctx.keys are the stream keys in order (the key spec starts after STREAMS).
  std::vector<StreamID> ids(nstreams);
  std::vector<StreamGroup*> groups(nstreams, nullptr);
  std::vector<bool> is_new(nstreams, false);
  for (size_t j = 0; j < nstreams; ++j) {
    std::string_view idarg = ctx.arg(streams_arg + nstreams + j);
    if (ctx.serving) {
      // Serving a blocked client: a key that now holds another type keeps it waiting, as in
      // Redis 7.0 (only stream writes make a stream waiter ready).
      KeyLookup l = ctx.Lookup(ctx.keys[j], ObjType::kStream, Access::kRead);
      if (l.wrong_type) {
        ctx.would_block = true;
        return;
      }
      if (has_group && l.entry && !AsStream(l.entry)->FindGroup(group_name))
        return ctx.rb.Error("NOGROUP the consumer group this client was blocked on no longer exists");
    }
    auto [e, wrong] = ctx.LookupOrReply(ctx.keys[j], ObjType::kStream, Access::kRead);
    if (wrong) return;
    if (has_group) {
      StreamGroup* g = e ? AsStream(e)->FindGroup(group_name) : nullptr;
      if (!g) {
        return ctx.rb.Error("NOGROUP No such key '" + std::string(ctx.keys[j].key) + "' or consumer group '" +
                            std::string(group_name) + "' in XREADGROUP with GROUP option");
      }
      groups[j] = g;
    }
    if (idarg == "$") {
      if (group_read) {
        return ctx.rb.Error(
            "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
            "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return "
            "an empty result set.");
      }
      ids[j] = e ? AsStream(e)->last_id() : StreamID{};
      continue;
    }
    if (idarg == ">") {
      if (!group_read) {
        return ctx.rb.Error(
            "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> "
            "option.");
      }
      ids[j] = StreamID::Max();
      is_new[j] = true;
      continue;
    }
    if (!ParseId(ctx, idarg, 0, true, &ids[j])) return;
  }

  // Serve synchronously what can be served.
  std::string body;
  ReplyBuilder sub(&body);
  sub.set_resp3(ctx.rb.resp3());
  ReplyBuilder& saved = ctx.rb;
  size_t served = 0;
  bool changed = false;
  for (size_t j = 0; j < nstreams; ++j) {
    const KeyRef& k = ctx.keys[j];
    Entry* e = ctx.Lookup(k, ObjType::kStream, Access::kWrite).entry;
    if (!e) continue;
    Stream* s = AsStream(e);
    StreamID gt = ids[j];
    bool sync = false, history = false;
    StreamConsumer* consumer = nullptr;
    if (has_group) {
      if (!is_new[j]) {
        sync = history = true;
      } else if (s->length()) {
        StreamID maxid;
        if (s->EdgeId(false, &maxid) && maxid > groups[j]->last_id) {
          sync = true;
          gt = groups[j]->last_id;
        }
      }
    } else if (s->length()) {
      StreamID maxid;
      if (s->EdgeId(false, &maxid) && maxid > gt) sync = true;
    }
    if (!sync) continue;
    if (has_group) {
      // As Redis 7.0, the consumer is looked up (and created, seen_time refreshed) only for a
      // stream served now: a read that finds nothing, or blocks, leaves the group as it was.
      consumer = groups[j]->FindConsumer(consumer_name);
      if (!consumer) {
        consumer = groups[j]->CreateConsumer(consumer_name, ctx.NowMs());
        PropagateCreateConsumer(ctx, k, group_name, consumer_name);
        ctx.Notify(kNotifyStream, "xgroup-createconsumer", k);
        changed = true;
      }
      consumer->seen_time = ctx.NowMs();
    }
    ++served;
    StreamID start = gt;
    start.Incr();
    if (!ctx.rb.resp3()) sub.Array(2);
    sub.Bulk(k.key);
    if (has_group) {
      CommandContext& c = ctx;
      // ReplyGroupRange writes to ctx.rb: point it at the sub-builder's buffer meanwhile.
      std::string* out = saved.output();
      saved.set_output(&body);
      ReplyGroupRange(c, k, group_name, *s, *groups[j], *consumer, start, static_cast<size_t>(count), noack, history);
      saved.set_output(out);
      changed = true;
    } else {
      ReplyRange(sub, *s, start, StreamID::Max(), false, static_cast<size_t>(count));
    }
  }
  if (changed)
    for (size_t j = 0; j < nstreams; ++j)
      if (Entry* e = ctx.Lookup(ctx.keys[j], ObjType::kStream, Access::kWrite).entry) ctx.Changed(ctx.keys[j], e);
  if (served) {
    if (ctx.rb.resp3())
      ctx.rb.Map(served);
    else
      ctx.rb.Array(served);
    ctx.rb.output()->append(body);
    return;
  }
  if (timeout == -1) return ctx.rb.NullArray();
  if (ctx.serving) {
    ctx.would_block = true;
    return;
  }
  // Block, remembering "$" as the IDs it stood for and Redis's default count.
  std::vector<std::string> args;
  args.emplace_back(ctx.arg(0));
  if (has_group) {
    args.emplace_back("GROUP");
    args.emplace_back(group_name);
    args.emplace_back(consumer_name);
    if (noack) args.emplace_back("NOACK");
  }
  args.emplace_back("COUNT");
  args.emplace_back(std::to_string(count_given && count ? count : kBlockedDefaultCount));
  args.emplace_back("BLOCK");
  args.emplace_back(std::to_string(timeout));
  args.emplace_back("STREAMS");
  for (size_t j = 0; j < nstreams; ++j) args.emplace_back(ctx.keys[j].key);
  for (size_t j = 0; j < nstreams; ++j) args.emplace_back(is_new[j] ? std::string(">") : ids[j].ToString());
  BlockOnKeys(ctx, std::span<const KeyRef>(ctx.keys.data(), nstreams), timeout, TimeoutReply::kNullArray, &args);
}

void XRead(CommandContext& ctx) { ReadGeneric(ctx, false); }
void XReadGroup(CommandContext& ctx) { ReadGeneric(ctx, true); }

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
void XSetId(CommandContext& ctx) {
  StreamID id, max_xdel;
  int64_t entries_added = -1;
  if (!ParseId(ctx, ctx.arg(2), 0, true, &id)) return;
  bool max_given = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    size_t more = ctx.argc() - i - 1;
    if (EqualsNoCase(ctx.arg(i), "entriesadded") && more) {
      if (!StrToLL(ctx.arg(i + 1), &entries_added)) return ctx.rb.Error(err::kNotInteger);
      if (entries_added < 0) return ctx.rb.Error("ERR entries_added must be positive");
      ++i;
    } else if (EqualsNoCase(ctx.arg(i), "maxdeletedid") && more) {
      if (!ParseId(ctx, ctx.arg(i + 1), 0, true, &max_xdel)) return;
      if (id < max_xdel)
        return ctx.rb.Error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
      max_given = true;
      ++i;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kStream, Access::kWrite);
  if (wrong) return;
  if (!e) return ctx.rb.Error("ERR no such key");
  Stream* s = AsStream(e);
  if (s->length() > 0) {
    StreamID maxid;
    s->EdgeId(false, &maxid);
    if (id < maxid) return ctx.rb.Error("ERR The ID specified in XSETID is smaller than the target stream top item");
    if (entries_added != -1 && s->length() > static_cast<uint64_t>(entries_added))
      return ctx.rb.Error("ERR The entries_added specified in XSETID is smaller than the target stream length");
  }
  s->set_last_id(id);
  if (entries_added != -1) s->set_entries_added(static_cast<uint64_t>(entries_added));
  if (max_given) s->set_max_deleted_id(max_xdel);
  ctx.Changed(k, e, kNotifyStream, "xsetid");
  ctx.rb.Ok();
}

}  // namespace

void RegisterStreamGroupFamily(CommandRegistry& reg);  // stream_group.cc

void RegisterStreamFamily(CommandRegistry& reg) {
  reg.Add({.name = "xadd", .arity = -5, .flags = "write denyoom fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @stream @fast", .tips = "nondeterministic_output",
           .key_specs = {{.flags = "RW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0,
                          .notes = "UPDATE instead of INSERT because of the optional trimming feature"}},
           .handler = XAdd, .group = "stream", .since = "5.0.0",
           .summary = "Appends a new entry to a stream",
           .complexity = "O(1) when adding a new entry, O(N) when trimming where N being the number of entries "
                         "evicted."});
  reg.Add({.name = "xtrim", .arity = -4, .flags = "write", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @stream @slow", .tips = "nondeterministic_output",
           .key_specs = {{.flags = "RW delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = XTrim, .group = "stream", .since = "5.0.0",
           .summary = "Trims the stream to (approximately if '~' is passed) a certain size",
           .complexity = "O(N), with N being the number of evicted entries. Constant times are very small however, "
                         "since entries are organized in macro nodes containing multiple entries that can be "
                         "released with a single deallocation."});
  reg.Add({.name = "xlen", .arity = 2, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @stream @fast",
           .key_specs = {{.flags = "RO", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = XLen, .group = "stream", .since = "5.0.0",
           .summary = "Return the number of entries in a stream", .complexity = "O(1)"});
  reg.Add({.name = "xrange", .arity = -4, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @stream @slow",
           .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = XRange, .group = "stream", .since = "5.0.0",
           .summary = "Return a range of elements in a stream, with IDs matching the specified IDs interval",
           .complexity = "O(N) with N being the number of elements being returned. If N is constant (e.g. always "
                         "asking for the first 10 elements with COUNT), you can consider it O(1)."});
  reg.Add({.name = "xrevrange", .arity = -4, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @stream @slow",
           .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = XRevRange, .group = "stream", .since = "5.0.0",
           .summary = "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE",
           .complexity = "O(N) with N being the number of elements returned. If N is constant (e.g. always asking "
                         "for the first 10 elements with COUNT), you can consider it O(1)."});
  reg.Add({.name = "xdel", .arity = -3, .flags = "write fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @stream @fast",
           .key_specs = {{.flags = "RW delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = XDel, .aof = AofLog::kVerbatim, .group = "stream", .since = "5.0.0",
           .summary = "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.",
           .complexity = "O(1) for each single item to delete in the stream, regardless of the stream size."});
  reg.Add({.name = "xread", .arity = -4, .flags = "readonly blocking movablekeys", .first_key = 0, .last_key = 0,
           .step = 0, .acl = "@read @stream @slow @blocking",
           .key_specs = {{.flags = "RO access", .begin_keyword = "STREAMS", .begin_startfrom = 1, .last_key = -1,
                          .key_step = 1, .limit = 2}},
           .handler = XRead, .group = "stream", .since = "5.0.0",
           .summary = "Return never seen elements in multiple streams, with IDs greater than the ones reported by "
                      "the caller for each stream. Can block.",
           .complexity = "For each stream mentioned: O(N) with N being the number of elements being returned, it "
                         "means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, "
                         "XADD will pay O(M) time in order to serve the M clients blocked on the stream getting "
                         "new data."});
  reg.Add({.name = "xreadgroup", .arity = -7, .flags = "write blocking movablekeys", .first_key = 0,
           .last_key = 0, .step = 0, .acl = "@write @stream @slow @blocking",
           .key_specs = {{.flags = "RO access", .begin_keyword = "STREAMS", .begin_startfrom = 4, .last_key = -1,
                          .key_step = 1, .limit = 2}},
           .handler = XReadGroup, .group = "stream", .since = "5.0.0",
           .summary = "Return new entries from a stream using a consumer group, or access the history of the "
                      "pending entries for a given consumer. Can block.",
           .complexity = "For each stream mentioned: O(M) with M being the number of elements returned. If M is "
                         "constant (e.g. always asking for the first 10 elements with COUNT), you can consider it "
                         "O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to "
                         "serve the N clients blocked on the stream getting new data."});
  reg.Add({.name = "xsetid", .arity = -3, .flags = "write denyoom fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @stream @fast",
           .key_specs = {{.flags = "RW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = XSetId, .aof = AofLog::kVerbatim, .group = "stream", .since = "5.0.0",
           .summary = "An internal command for replicating stream values", .complexity = "O(1)"});
  RegisterStreamGroupFamily(reg);
}

}  // namespace ks
