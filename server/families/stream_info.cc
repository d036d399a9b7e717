// XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS and XINFO HELP as Redis 7.0
// replies them (t_stream.c xinfoCommand).
#include <algorithm>
#include <map>
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

// The node count of the rax Redis would index these 16-byte keys with: a compressed trie
// where a run of shared bytes is one node and each branching point is one node (plus a leaf
// per key). XINFO STREAM reports it as radix-tree-nodes.
size_t RaxNodes(const std::vector<std::string>& keys, size_t lo, size_t hi, size_t depth) {
  if (hi - lo == 1 && depth == keys[lo].size()) return 1;
  if (lo == hi) return 1;
  // Common prefix of the range from depth.
  size_t lcp = keys[lo].size() - depth;
  for (size_t i = lo + 1; i < hi; ++i) {
    size_t l = 0;
    while (l < lcp && keys[lo][depth + l] == keys[i][depth + l]) ++l;
    lcp = l;
  }
  if (lcp > 0) return 1 + RaxNodes(keys, lo, hi, depth + lcp);
  size_t n = 1;
  size_t i = lo;
  while (i < hi) {
    size_t j = i + 1;
    while (j < hi && keys[j][depth] == keys[i][depth]) ++j;
    n += RaxNodes(keys, i, j, depth + 1);
    i = j;
  }
  return n;
}

size_t RadixTreeNodes(const Stream& s) {
  if (s.nodes().empty()) return 1;
  std::vector<std::string> keys;
  keys.reserve(s.nodes().size());
  for (auto& [id, lp] : s.nodes()) {
    uint8_t b[16];
    id.Encode(b);
    keys.emplace_back(reinterpret_cast<const char*>(b), 16);
  }
  return RaxNodes(keys, 0, keys.size(), 0);
}

// streamReplyWithCGLag.
void ReplyLag(ReplyBuilder& rb, const Stream& s, const StreamGroup& g) {
  if (!s.entries_added()) return rb.Int(0);
  if (g.entries_read != Stream::kInvalidEntriesRead && !s.RangeHasTombstones(g.last_id, StreamID::Max()))
    return rb.Int(static_cast<int64_t>(s.entries_added()) - g.entries_read);
  int64_t er = s.EstimateDistanceFromFirstEverEntry(g.last_id);
  if (er != Stream::kInvalidEntriesRead) return rb.Int(static_cast<int64_t>(s.entries_added()) - er);
  rb.Null();
}

void ReplyEntriesRead(ReplyBuilder& rb, const StreamGroup& g) {
  if (g.entries_read != Stream::kInvalidEntriesRead)
    rb.Int(g.entries_read);
  else
    rb.Null();
}

// XINFO STREAM FULL's "pel-count" and "pending" of a group (entries name their consumer) or
// of a consumer: the first `limit` entries of the PEL (all of it for 0).
void ReplyPel(ReplyBuilder& rb, const std::map<StreamID, StreamNack*>& pel, size_t limit, bool with_consumer) {
  rb.Bulk("pel-count");
  rb.Int(static_cast<int64_t>(pel.size()));
  rb.Bulk("pending");
  const size_t n = limit ? std::min(limit, pel.size()) : pel.size();
  rb.Array(n);
  size_t i = 0;
  for (auto it = pel.begin(); i < n; ++it, ++i) {
    rb.Array(with_consumer ? 4 : 3);
    ReplyId(rb, it->first);
    if (with_consumer) rb.Bulk(it->second->consumer->name);
    rb.Int(it->second->delivery_time);
    rb.Int(static_cast<int64_t>(it->second->delivery_count));
  }
}

Stream* LookupInfo(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kStream, Access::kRead);
  if (wrong) return nullptr;
  if (!e) {
    ctx.rb.Error("ERR no such key");
    return nullptr;
  }
  return AsStream(e);
}

// XINFO STREAM key [FULL [COUNT count]]
void XInfoStream(CommandContext& ctx) {
  bool full = true;
  int64_t count = 10;
  size_t argc = ctx.argc() - 2;
  // Redis looks the key up before it parses the options.
  Stream* s = LookupInfo(ctx);
  if (!s) return;
  if (argc == 1) {
    full = false;
  } else {
    std::string syntax =
        "ERR unknown subcommand or wrong number of arguments for '" + std::string(ctx.arg(1)) + "'. Try XINFO HELP.";
    if (argc != 2 && argc != 4) return ctx.rb.Error(syntax);
    if (!EqualsNoCase(ctx.arg(3), "full")) return ctx.rb.Error(syntax);
    if (argc == 4) {
      if (!EqualsNoCase(ctx.arg(4), "count")) return ctx.rb.Error(syntax);
      if (!StrToLL(ctx.arg(5), &count)) return ctx.rb.Error(err::kNotInteger);
      if (count < 0) count = 10;
    }
  }
  ReplyBuilder& rb = ctx.rb;
  rb.Map(full ? 9 : 10);
  rb.Bulk("length");
  rb.Int(static_cast<int64_t>(s->length()));
  rb.Bulk("radix-tree-keys");
  rb.Int(static_cast<int64_t>(s->node_count()));
  rb.Bulk("radix-tree-nodes");
  rb.Int(static_cast<int64_t>(RadixTreeNodes(*s)));
  rb.Bulk("last-generated-id");
  ReplyId(rb, s->last_id());
  rb.Bulk("max-deleted-entry-id");
  ReplyId(rb, s->max_deleted_id());
  rb.Bulk("entries-added");
  rb.Int(static_cast<int64_t>(s->entries_added()));
  rb.Bulk("recorded-first-entry-id");
  ReplyId(rb, s->first_id());
  if (!full) {
    rb.Bulk("groups");
    rb.Int(static_cast<int64_t>(s->group_count()));
    for (bool rev : {false, true}) {
      rb.Bulk(rev ? "last-entry" : "first-entry");
      size_t n = s->Range(StreamID{}, StreamID::Max(), rev, 1, [&](StreamID id, const std::vector<Stream::Field>& fs) {
        ReplyEntry(rb, id, fs);
        return true;
      });
      if (!n) rb.Null();
    }
    return;
  }
  rb.Bulk("entries");
  ReplyRange(rb, *s, StreamID{}, StreamID::Max(), false, static_cast<size_t>(count));
  rb.Bulk("groups");
  if (!s->groups()) return rb.Array(0);
  rb.Array(s->group_count());
  size_t limit = static_cast<size_t>(count);
  for (auto& [name, g] : *s->groups()) {
    rb.Map(7);
    rb.Bulk("name");
    rb.Bulk(name);
    rb.Bulk("last-delivered-id");
    ReplyId(rb, g->last_id);
    rb.Bulk("entries-read");
    ReplyEntriesRead(rb, *g);
    rb.Bulk("lag");
    ReplyLag(rb, *s, *g);
    ReplyPel(rb, g->pel, limit, true);
    rb.Bulk("consumers");
    rb.Array(g->consumers.size());
    for (auto& [cname, c] : g->consumers) {
      rb.Map(4);
      rb.Bulk("name");
      rb.Bulk(cname);
      rb.Bulk("seen-time");
      rb.Int(c->seen_time);
      ReplyPel(rb, c->pel, limit, false);
    }
  }
}

// XINFO GROUPS key
void XInfoGroups(CommandContext& ctx) {
  Stream* s = LookupInfo(ctx);
  if (!s) return;
  ReplyBuilder& rb = ctx.rb;
  if (!s->groups()) return rb.Array(0);
  rb.Array(s->group_count());
  for (auto& [name, g] : *s->groups()) {
    rb.Map(6);
    rb.Bulk("name");
    rb.Bulk(name);
    rb.Bulk("consumers");
    rb.Int(static_cast<int64_t>(g->consumers.size()));
    rb.Bulk("pending");
    rb.Int(static_cast<int64_t>(g->pel.size()));
    rb.Bulk("last-delivered-id");
    ReplyId(rb, g->last_id);
    rb.Bulk("entries-read");
    ReplyEntriesRead(rb, *g);
    rb.Bulk("lag");
    ReplyLag(rb, *s, *g);
  }
}

// XINFO CONSUMERS key group
void XInfoConsumers(CommandContext& ctx) {
  Stream* s = LookupInfo(ctx);
  if (!s) return;
  StreamGroup* g = s->FindGroup(ctx.arg(3));
  if (!g) {
    return ctx.rb.Error("NOGROUP No such consumer group '" + std::string(ctx.arg(3)) + "' for key name '" +
                        std::string(ctx.arg(2)) + "'");
  }
  ReplyBuilder& rb = ctx.rb;
  int64_t now = ctx.NowMs();
  rb.Array(g->consumers.size());
  for (auto& [name, c] : g->consumers) {
    int64_t idle = now - c->seen_time;
    rb.Map(3);
    rb.Bulk("name");
    rb.Bulk(name);
    rb.Bulk("pending");
    rb.Int(static_cast<int64_t>(c->pel.size()));
    rb.Bulk("idle");
    rb.Int(idle < 0 ? 0 : idle);
  }
}

void XInfoHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CONSUMERS <key> <groupname>",
      "    Show consumers of <groupname>.",
      "GROUPS <key>",
      "    Show the stream consumer groups.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Show information about the stream.",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

CommandSpec InfoSub(std::string_view name, int arity, CommandHandler h, std::string_view summary,
                    std::string_view tips = {}) {
  return {.name = name, .arity = arity, .flags = "readonly", .first_key = 2, .last_key = 2, .step = 1,
          .acl = "@read @stream @slow", .tips = tips,
          .key_specs = {{.flags = "RO access", .begin_index = 2, .last_key = 0, .key_step = 1, .limit = 0}},
          .handler = h, .group = "stream", .since = "5.0.0", .summary = summary, .complexity = "O(1)"};
}

}  // namespace

void RegisterStreamInfoFamily(CommandRegistry& reg) {
  reg.Add(ContainerRow("xinfo", "stream", "5.0.0", "A container for stream introspection commands",
                       {InfoSub("stream", -3, XInfoStream, "Get information about a stream"),
                        InfoSub("groups", 3, XInfoGroups, "List the consumer groups of a stream"),
                        InfoSub("consumers", 4, XInfoConsumers, "List the consumers in a consumer group",
                                "nondeterministic_output"),
                        {.name = "help", .arity = 2, .flags = "loading stale", .first_key = 0, .last_key = 0,
                         .step = 0, .acl = "@stream @slow", .handler = XInfoHelp, .group = "stream",
                         .since = "5.0.0", .summary = "Show helpful text about the different subcommands",
                         .complexity = "O(1)"}}));
}

}  // namespace ks
