#include "server/pubsub/tracking_cmds.h"

#include <string>
#include <vector>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/errors.h"
#include "server/pubsub/tracking.h"

namespace ks {

// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p]... [BCAST] [OPTIN] [OPTOUT] [NOLOOP], with
// Redis 7.0's checks in its order: options first (syntax, REDIRECT's id), then their mix.
void ClientTracking(CommandContext& ctx) {
  int64_t redir = 0;
  uint32_t options = 0;
  std::vector<std::string> prefixes;
  for (size_t j = 3; j < ctx.argc(); ++j) {
    const std::string_view a = ctx.arg(j);
    const bool more = j + 1 < ctx.argc();
    if (EqualsNoCase(a, "redirect") && more) {
      ++j;
      if (redir != 0) return ctx.rb.Error(err::kTrackingOneRedirect);
      if (!StrToLL(ctx.arg(j), &redir)) return ctx.rb.Error(err::kNotInteger);
      // The client must exist now, though it may leave later (then: tracking-redir-broken).
      if (redir <= 0 || !ctx.server.clients().Find(static_cast<uint64_t>(redir)))
        return ctx.rb.Error(err::kTrackingNoRedirClient);
    } else if (EqualsNoCase(a, "bcast")) {
      options |= kTrackBcast;
    } else if (EqualsNoCase(a, "optin")) {
      options |= kTrackOptin;
    } else if (EqualsNoCase(a, "optout")) {
      options |= kTrackOptout;
    } else if (EqualsNoCase(a, "noloop")) {
      options |= kTrackNoloop;
    } else if (EqualsNoCase(a, "prefix") && more) {
      prefixes.emplace_back(ctx.arg(++j));
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  ClientState& c = ctx.client;
  Tracking& tracking = ctx.server.tracking();
  if (EqualsNoCase(ctx.arg(2), "on")) {
    if (!(options & kTrackBcast) && !prefixes.empty()) return ctx.rb.Error(err::kTrackingPrefixNeedsBcast);
    if ((c.tracking & kTrackOn) && !(c.tracking & kTrackBcast) != !(options & kTrackBcast))
      return ctx.rb.Error(err::kTrackingSwitchBcast);
    if ((options & kTrackBcast) && (options & (kTrackOptin | kTrackOptout))) return ctx.rb.Error(err::kTrackingOptBcast);
    if ((options & kTrackOptin) && (options & kTrackOptout)) return ctx.rb.Error(err::kTrackingOptinOptout);
    if (((options & kTrackOptin) && (c.tracking & kTrackOptout)) || ((options & kTrackOptout) && (c.tracking & kTrackOptin)))
      return ctx.rb.Error(err::kTrackingSwitchOpt);
    if (options & kTrackBcast) {
      std::string collision = tracking.PrefixCollision(c.info->id, prefixes);
      if (!collision.empty()) return ctx.rb.Error(collision);
    }
    tracking.Enable(c, static_cast<uint64_t>(redir), options, prefixes);
  } else if (EqualsNoCase(ctx.arg(2), "off")) {
    tracking.Disable(c);
  } else {
    return ctx.rb.Error(err::kSyntax);
  }
  ctx.rb.Ok();
}

void ClientCaching(CommandContext& ctx) {
  ClientState& c = ctx.client;
  if (!(c.tracking & kTrackOn)) return ctx.rb.Error(err::kCachingNotTracking);
  const std::string_view opt = ctx.arg(2);
  if (EqualsNoCase(opt, "yes")) {
    if (!(c.tracking & kTrackOptin)) return ctx.rb.Error(err::kCachingYesNotOptin);
  } else if (EqualsNoCase(opt, "no")) {
    if (!(c.tracking & kTrackOptout)) return ctx.rb.Error(err::kCachingNoNotOptout);
  } else {
    return ctx.rb.Error(err::kSyntax);
  }
  // Cleared again after the next command that is not a CLIENT subcommand (Service::Dispatch).
  c.tracking |= kTrackCaching;
  ctx.rb.Ok();
}

void ClientGetRedir(CommandContext& ctx) {
  const ClientState& c = ctx.client;
  ctx.rb.Int((c.tracking & kTrackOn) ? static_cast<int64_t>(c.info->tracking_redir.load(std::memory_order_relaxed)) : -1);
}

void ClientTrackingInfo(CommandContext& ctx) {
  const ClientState& c = ctx.client;
  const uint32_t t = c.tracking;
  const uint32_t shared = c.info->tracking_flags.load(std::memory_order_relaxed);
  std::vector<std::string_view> flags;
  flags.push_back((t & kTrackOn) ? "on" : "off");
  if (t & kTrackBcast) flags.push_back("bcast");
  if (t & kTrackOptin) {
    flags.push_back("optin");
    if (t & kTrackCaching) flags.push_back("caching-yes");
  }
  if (t & kTrackOptout) {
    flags.push_back("optout");
    if (t & kTrackCaching) flags.push_back("caching-no");
  }
  if (t & kTrackNoloop) flags.push_back("noloop");
  if (shared & kTrackBrokenRedir) flags.push_back("broken_redirect");
  ctx.rb.Map(3);
  ctx.rb.Bulk("flags");
  ctx.rb.Set(flags.size());
  for (std::string_view f : flags) ctx.rb.Bulk(f);
  ctx.rb.Bulk("redirect");
  ctx.rb.Int((t & kTrackOn) ? static_cast<int64_t>(c.info->tracking_redir.load(std::memory_order_relaxed)) : -1);
  ctx.rb.Bulk("prefixes");
  std::vector<std::string> prefixes = ctx.server.tracking().Prefixes(c.info->id);
  ctx.rb.Array(prefixes.size());
  for (const auto& p : prefixes) ctx.rb.Bulk(p);
}

}  // namespace ks
