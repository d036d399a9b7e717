// Pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, SSUBSCRIBE,
// SUNSUBSCRIBE, SPUBLISH and PUBSUB. They touch no key, so they lock no engine (kSelf).
#include "server/pubsub/pubsub_family.h"

#include <cctype>
#include <chrono>
#include <cstdio>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/pubsub/pubsub.h"

namespace ks {
namespace {

ClientSubscriptions& Subs(ClientState& c) {
  if (!c.subs) c.subs = std::make_shared<ClientSubscriptions>();
  return *c.subs;
}

// Redis's CLIENT_PUBSUB flag and CLIENT LIST's sub/psub/ssub follow the client's sets.
void UpdateClientFlags(ClientState& c) {
  const ClientSubscriptions& s = Subs(c);
  c.info->sub.store(static_cast<int>(s.channels.size()), std::memory_order_relaxed);
  c.info->psub.store(static_cast<int>(s.patterns.size()), std::memory_order_relaxed);
  c.info->ssub.store(static_cast<int>(s.shard_channels.size()), std::memory_order_relaxed);
}

// ["subscribe", channel, count] and its relatives: a push in RESP3, an array in RESP2.
void ReplySubscription(ReplyBuilder& rb, std::string_view kind, const std::string_view* channel, int64_t count) {
  rb.Push(3);
  rb.Bulk(kind);
  if (channel)
    rb.Bulk(*channel);
  else
    rb.Null();
  rb.Int(count);
}

struct KindNames {
  ChannelKind kind;
  std::string_view subscribe, unsubscribe;
};
constexpr KindNames kGlobalNames{ChannelKind::kGlobal, "subscribe", "unsubscribe"};
constexpr KindNames kShardNames{ChannelKind::kShard, "ssubscribe", "sunsubscribe"};

ClientSubscriptions::Set& SetOf(ClientSubscriptions& s, ChannelKind k) {
  return k == ChannelKind::kGlobal ? s.channels : s.shard_channels;
}
int64_t CountOf(const ClientSubscriptions& s, ChannelKind k) {
  return k == ChannelKind::kGlobal ? s.count() : static_cast<int64_t>(s.shard_channels.size());
}

void DoSubscribe(CommandContext& ctx, const KindNames& names) {
  ClientSubscriptions& s = Subs(ctx.client);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view ch = ctx.arg(i);
    if (SetOf(s, names.kind).emplace(ch).second) ctx.server.pubsub().Subscribe(names.kind, ch, ctx.client.sink);
    ReplySubscription(ctx.rb, names.subscribe, &ch, CountOf(s, names.kind));
  }
  ctx.client.info->pubsub.store(true, std::memory_order_relaxed);
  UpdateClientFlags(ctx.client);
}

void UnsubscribeOne(CommandContext* ctx, ClientState& c, PubSub& ps, const KindNames& names, std::string_view ch) {
  ClientSubscriptions& s = Subs(c);
  auto& set = SetOf(s, names.kind);
  std::string keep(ch);  // ch may point into the set
  if (auto it = set.find(keep); it != set.end()) {
    set.erase(it);
    ps.Unsubscribe(names.kind, keep, c.sink.get());
  }
  if (ctx) {
    std::string_view v = keep;
    ReplySubscription(ctx->rb, names.unsubscribe, &v, CountOf(s, names.kind));
  }
}

// Redis clears CLIENT_PUBSUB once no subscription of any kind is left.
void ClearFlagIfNone(ClientState& c) {
  if (Subs(c).total() == 0) c.info->pubsub.store(false, std::memory_order_relaxed);
  UpdateClientFlags(c);
}

void DoUnsubscribe(CommandContext& ctx, const KindNames& names) {
  ClientSubscriptions& s = Subs(ctx.client);
  if (ctx.argc() == 1) {
    auto& set = SetOf(s, names.kind);
    if (set.empty()) {
      ReplySubscription(ctx.rb, names.unsubscribe, nullptr, CountOf(s, names.kind));
    } else {
      std::vector<std::string> all(set.begin(), set.end());
      for (const auto& ch : all) UnsubscribeOne(&ctx, ctx.client, ctx.server.pubsub(), names, ch);
    }
  } else {
    for (size_t i = 1; i < ctx.argc(); ++i) UnsubscribeOne(&ctx, ctx.client, ctx.server.pubsub(), names, ctx.arg(i));
  }
  ClearFlagIfNone(ctx.client);
}

void Subscribe(CommandContext& ctx) { DoSubscribe(ctx, kGlobalNames); }
void SSubscribe(CommandContext& ctx) { DoSubscribe(ctx, kShardNames); }
void Unsubscribe(CommandContext& ctx) { DoUnsubscribe(ctx, kGlobalNames); }
void SUnsubscribe(CommandContext& ctx) { DoUnsubscribe(ctx, kShardNames); }

void PSubscribe(CommandContext& ctx) {
  ClientSubscriptions& s = Subs(ctx.client);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view p = ctx.arg(i);
    if (s.patterns.emplace(p).second) ctx.server.pubsub().PSubscribe(p, ctx.client.sink);
    ReplySubscription(ctx.rb, "psubscribe", &p, s.count());
  }
  ctx.client.info->pubsub.store(true, std::memory_order_relaxed);
  UpdateClientFlags(ctx.client);
}

void PUnsubscribeOne(CommandContext* ctx, ClientState& c, PubSub& ps, std::string_view pattern) {
  ClientSubscriptions& s = Subs(c);
  std::string keep(pattern);
  if (auto it = s.patterns.find(keep); it != s.patterns.end()) {
    s.patterns.erase(it);
    ps.PUnsubscribe(keep, c.sink.get());
  }
  if (ctx) {
    std::string_view v = keep;
    ReplySubscription(ctx->rb, "punsubscribe", &v, s.count());
  }
}

void PUnsubscribe(CommandContext& ctx) {
  ClientSubscriptions& s = Subs(ctx.client);
  if (ctx.argc() == 1) {
    if (s.patterns.empty()) {
      ReplySubscription(ctx.rb, "punsubscribe", nullptr, s.count());
    } else {
      std::vector<std::string> all(s.patterns.begin(), s.patterns.end());
      for (const auto& p : all) PUnsubscribeOne(&ctx, ctx.client, ctx.server.pubsub(), p);
    }
  } else {
    for (size_t i = 1; i < ctx.argc(); ++i) PUnsubscribeOne(&ctx, ctx.client, ctx.server.pubsub(), ctx.arg(i));
  }
  ClearFlagIfNone(ctx.client);
}

void Publish(CommandContext& ctx) { ctx.rb.Int(ctx.server.pubsub().Publish(ChannelKind::kGlobal, ctx.arg(1), ctx.arg(2))); }
void SPublish(CommandContext& ctx) { ctx.rb.Int(ctx.server.pubsub().Publish(ChannelKind::kShard, ctx.arg(1), ctx.arg(2))); }

void ReplyChannels(CommandContext& ctx, ChannelKind kind) {
  if (ctx.argc() > 3) return ctx.rb.Error(err::SubcommandSyntax(ctx.arg(1), "PUBSUB"));
  std::optional<std::string_view> pattern;
  if (ctx.argc() == 3) pattern = ctx.arg(2);
  auto names = ctx.server.pubsub().Channels(kind, pattern);
  ctx.rb.Array(names.size());
  for (const auto& n : names) ctx.rb.Bulk(n);
}

void ReplyNumSub(CommandContext& ctx, ChannelKind kind) {
  // An array of channel, count pairs in both protocols, as Redis 7.0 replies.
  ctx.rb.Array((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.rb.Bulk(ctx.arg(i));
    ctx.rb.Int(ctx.server.pubsub().NumSub(kind, ctx.arg(i)));
  }
}

void PubsubChannels(CommandContext& ctx) { ReplyChannels(ctx, ChannelKind::kGlobal); }
void PubsubShardChannels(CommandContext& ctx) { ReplyChannels(ctx, ChannelKind::kShard); }
void PubsubNumSub(CommandContext& ctx) { ReplyNumSub(ctx, ChannelKind::kGlobal); }
void PubsubShardNumSub(CommandContext& ctx) { ReplyNumSub(ctx, ChannelKind::kShard); }
void PubsubNumPat(CommandContext& ctx) { ctx.rb.Int(ctx.server.pubsub().NumPat()); }

void PubsubHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

CommandSpec SubscribeRow(std::string_view name, int arity, int first_key, CommandHandler h, std::string_view since,
                         std::string_view summary, std::string_view complexity) {
  CommandSpec row{.name = name,
                  .arity = arity,
                  .flags = "pubsub noscript loading stale",
                  .first_key = first_key, .last_key = first_key ? -1 : 0, .step = first_key,
                  .acl = "@pubsub @slow",
                  .handler = h,
                  .lock = LockMode::kSelf,
                  .group = "pubsub", .since = since,
                  .summary = summary,
                  .complexity = complexity,
                  .subscribed_ok = true};
  if (first_key) row.key_specs = {{.flags = "not_key", .begin_index = 1, .last_key = -1, .key_step = 1, .limit = 0}};
  return row;
}

CommandSpec PubsubSub(std::string_view name, int arity, CommandHandler h, std::string_view since,
                      std::string_view summary, std::string_view complexity) {
  return {.name = name,
          .arity = arity,
          .flags = "pubsub loading stale",
          .first_key = 0, .last_key = 0, .step = 0,
          .acl = "@pubsub @slow",
          .handler = h,
          .lock = LockMode::kSelf,
          .group = "pubsub", .since = since,
          .summary = summary,
          .complexity = complexity};
}

// MONITOR: from now on the client gets a line for every command any client runs.
void Monitor(CommandContext& ctx) {
  if (ctx.client.info->monitor.exchange(true)) return;  // Redis ignores it, without a reply
  ctx.server.pubsub().AddMonitor(ctx.client.sink);
  ctx.rb.Ok();
}

}  // namespace

void FeedMonitors(ServerState& state, const ClientState& c, const CommandSpec& spec,
                  std::span<const std::string_view> args, CallOrigin origin) {
  using namespace std::chrono;
  // Wall-clock time with microseconds, as Redis prints it.
  const int64_t us = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  char ts[48];
  std::snprintf(ts, sizeof ts, "%lld.%06lld ", static_cast<long long>(us / 1000000), static_cast<long long>(us % 1000000));
  std::string line = ts;
  line += "[" + std::to_string(c.db) + " " + (origin == CallOrigin::kScript ? std::string("lua") : c.info->addr) + "] ";
  // Passwords never reach monitors (Redis's redactClientCommandArgument in AUTH and HELLO).
  const CommandSpec& top = spec.parent ? *spec.parent : spec;
  for (size_t i = 0; i < args.size(); ++i) {
    bool redact = (top.name == "auth" && i >= 1) ||
                  (top.name == "hello" && i >= 2 && EqualsNoCase(args[i - 1], "auth") && i + 1 < args.size());
    if (top.name == "hello" && i >= 3 && EqualsNoCase(args[i - 2], "auth")) redact = true;
    if (redact)
      line += "\"(redacted)\"";
    else
      AppendRepr(line, args[i]);
    if (i + 1 < args.size()) line += ' ';
  }
  // A status reply ("+...") in both protocols.
  std::string frame;
  frame.reserve(line.size() + 3);
  frame += '+';
  frame += line;
  frame += "\r\n";
  state.pubsub().FeedMonitors(frame);
}

void DropSubscriptions(ServerState& state, ClientState& c) {
  if (c.info->monitor.exchange(false)) state.pubsub().RemoveMonitor(c.sink.get());
  if (!c.subs) return;
  PubSub& ps = state.pubsub();
  for (const auto& ch : c.subs->channels) ps.Unsubscribe(ChannelKind::kGlobal, ch, c.sink.get());
  for (const auto& ch : c.subs->shard_channels) ps.Unsubscribe(ChannelKind::kShard, ch, c.sink.get());
  for (const auto& p : c.subs->patterns) ps.PUnsubscribe(p, c.sink.get());
  c.subs.reset();
  c.info->pubsub.store(false, std::memory_order_relaxed);
  c.info->sub.store(0, std::memory_order_relaxed);
  c.info->psub.store(0, std::memory_order_relaxed);
  c.info->ssub.store(0, std::memory_order_relaxed);
}

void RegisterPubSubFamily(CommandRegistry& reg) {
  reg.Add({.name = "monitor",
           .arity = 1,
           .flags = "admin noscript loading stale",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@admin @slow @dangerous",
           .handler = Monitor,
           .lock = LockMode::kSelf,
           .group = "server", .since = "1.0.0",
           .summary = "Listens for all requests received by the server in real-time.",
           .complexity = ""});
  reg.Add(SubscribeRow("subscribe", -2, 0, Subscribe, "2.0.0", "Listens for messages published to channels.",
                       "O(N) where N is the number of channels to subscribe to."));
  reg.Add(SubscribeRow("unsubscribe", -1, 0, Unsubscribe, "2.0.0", "Stops listening to messages posted to channels.",
                       "O(N) where N is the number of clients already subscribed to a channel."));
  reg.Add(SubscribeRow("psubscribe", -2, 0, PSubscribe, "2.0.0", "Listens for messages published to channels that match one or more patterns.",
                       "O(N) where N is the number of patterns the client is already subscribed to."));
  reg.Add(SubscribeRow("punsubscribe", -1, 0, PUnsubscribe, "2.0.0", "Stops listening to messages published to channels that match one or more patterns.",
                       "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client)."));
  reg.Add(SubscribeRow("ssubscribe", -2, 1, SSubscribe, "7.0.0", "Listens for messages published to shard channels.",
                       "O(N) where N is the number of shard channels to subscribe to."));
  reg.Add(SubscribeRow("sunsubscribe", -1, 1, SUnsubscribe, "7.0.0", "Stops listening to messages posted to shard channels.",
                       "O(N) where N is the number of clients already subscribed to a shard channel."));
  reg.Add({.name = "publish",
           .arity = 3,
           .flags = "pubsub loading stale fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@pubsub @fast",
           .handler = Publish,
           .lock = LockMode::kSelf,
           .group = "pubsub", .since = "2.0.0",
           .summary = "Posts a message to a channel.",
           .complexity = "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client)."});
  reg.Add({.name = "spublish",
           .arity = 3,
           .flags = "pubsub loading stale fast",
           .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@pubsub @fast",
           .key_specs = {{.flags = "not_key", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = SPublish,
           .lock = LockMode::kSelf,
           .group = "pubsub", .since = "7.0.0",
           .summary = "Post a message to a shard channel",
           .complexity = "O(N) where N is the number of clients subscribed to the receiving shard channel."});
  reg.Add(ContainerRow(
      "pubsub", "pubsub", "2.8.0", "A container for Pub/Sub commands.",
      {PubsubSub("channels", -2, PubsubChannels, "2.8.0", "Returns the active channels.",
                 "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)"),
       PubsubSub("numpat", 2, PubsubNumPat, "2.8.0", "Returns a count of unique pattern subscriptions.", "O(1)"),
       PubsubSub("numsub", -2, PubsubNumSub, "2.8.0", "Returns a count of subscribers to channels.",
                 "O(N) for the NUMSUB subcommand, where N is the number of requested channels"),
       PubsubSub("shardchannels", -2, PubsubShardChannels, "7.0.0", "Returns the active shard channels.",
                 "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels)."),
       PubsubSub("shardnumsub", -2, PubsubShardNumSub, "7.0.0", "Returns the count of subscribers of shard channels.",
                 "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels"),
       {.name = "help",
        .arity = 2,
        .flags = "loading stale",
        .first_key = 0, .last_key = 0, .step = 0,
        .acl = "@slow",
        .handler = PubsubHelp,
        .lock = LockMode::kSelf,
        .group = "pubsub", .since = "6.2.0",
        .summary = "Returns helpful text about the different subcommands.",
        .complexity = "O(1)"}}));
}

}  // namespace ks
