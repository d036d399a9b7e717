// Strings: GET, SET and the rest of Redis 7.0's string commands.
#include <optional>

#include "server/arg_parser.h"
#include "server/command_context.h"
#include "server/command_registry.h"
#include "server/errors.h"
#include "server/families.h"

namespace ks {
namespace {

// The string at key, or an error for a wrong type. nullptr with ok=true: no such key.
Entry* FindString(CommandContext& ctx, const KeyRef& k, bool* wrong_type, bool read = true) {
  Entry* e = read ? ctx.FindRead(k) : ctx.Find(k);
  *wrong_type = e && e->type() != ObjType::kString;
  return e;
}

void Get(CommandContext& ctx) {
  bool wrong;
  Entry* e = FindString(ctx, ctx.keys[0], &wrong);
  if (wrong) return ctx.rb.Error(err::kWrongType);
  if (!e) return ctx.rb.Null();
  ctx.rb.Bulk(e->str());
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL]
void Set(CommandContext& ctx) {
  enum Unit { kNone, kEx, kPx, kExat, kPxat };
  bool nx = false, xx = false, get = false, keepttl = false;
  Unit unit = kNone;
  std::string_view expire_arg;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    bool has_next = i + 1 < ctx.argc();
    if (EqualsNoCase(a, "nx") && !xx) {
      nx = true;
    } else if (EqualsNoCase(a, "xx") && !nx) {
      xx = true;
    } else if (EqualsNoCase(a, "get")) {
      get = true;
    } else if (EqualsNoCase(a, "keepttl") && unit == kNone) {
      keepttl = true;
    } else if (unit == kNone && !keepttl && has_next &&
               (EqualsNoCase(a, "ex") || EqualsNoCase(a, "px") || EqualsNoCase(a, "exat") ||
                EqualsNoCase(a, "pxat"))) {
      unit = EqualsNoCase(a, "ex") ? kEx : EqualsNoCase(a, "px") ? kPx : EqualsNoCase(a, "exat") ? kExat : kPxat;
      expire_arg = ctx.arg(++i);
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  int64_t expire_ms = Entry::kNoExpire;
  if (unit != kNone) {
    int64_t v;
    if (!StrToLL(expire_arg, &v)) return ctx.rb.Error(err::kNotInteger);
    if (v <= 0) return ctx.rb.Error(err::InvalidExpire("set"));
    if (unit == kEx || unit == kExat) {
      if (v > INT64_MAX / 1000) return ctx.rb.Error(err::InvalidExpire("set"));
      v *= 1000;
    }
    if (unit == kEx || unit == kPx) {
      int64_t now = ctx.NowMs();
      if (v > INT64_MAX - now) return ctx.rb.Error(err::InvalidExpire("set"));
      v += now;
    }
    expire_ms = v;
  }

  const KeyRef& k = ctx.keys[0];
  Entry* old = ctx.Find(k);
  if (get && old && old->type() != ObjType::kString) return ctx.rb.Error(err::kWrongType);
  bool do_set = !((nx && old) || (xx && !old));
  if (get) {
    if (old)
      ctx.rb.Bulk(old->str());
    else
      ctx.rb.Null();
  }
  if (!do_set) {
    if (!get) ctx.rb.Null();
    return;
  }
  if (keepttl && old) expire_ms = old->expire_ms();
  std::string_view value = ctx.arg(2);
  // Reply before the old entry is freed: GET's reply was copied into the output already.
  ctx.Put(k, Entry::NewString(k.key, value, StringEncodingFor(value), expire_ms));
  if (!get) ctx.rb.Ok();
}

void MGet(CommandContext& ctx) {
  ctx.rb.Array(ctx.keys.size());
  for (const KeyRef& k : ctx.keys) {
    Entry* e = ctx.FindRead(k);
    if (!e || e->type() != ObjType::kString)
      ctx.rb.Null();
    else
      ctx.rb.Bulk(e->str());
  }
}

void MSet(CommandContext& ctx) {
  if (ctx.argc() % 2 != 1) return ctx.rb.Error(err::WrongArgs("mset"));
  // All engines involved are locked, so the whole MSET is one atomic step.
  for (size_t i = 0; i < ctx.keys.size(); ++i) {
    const KeyRef& k = ctx.keys[i];
    std::string_view v = ctx.arg(2 + 2 * i);
    ctx.Put(k, Entry::NewString(k.key, v, StringEncodingFor(v)));
  }
  ctx.rb.Ok();
}

}  // namespace

void RegisterStringFamily(CommandRegistry& reg) {
  reg.Add({.name = "get",
           .arity = 2,
           .flags = "readonly fast",
           .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @string @fast",
           .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = Get,
           .group = "string", .since = "1.0.0",
           .summary = "Returns the string value of a key.",
           .complexity = "O(1)"});
  reg.Add({.name = "set",
           .arity = -3,
           .flags = "write denyoom",
           .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @string @slow",
           .key_specs = {{.flags = "RW access update variable_flags", .begin_index = 1, .last_key = 0, .key_step = 1,
                          .limit = 0, .notes = "RW and ACCESS due to the optional `GET` argument"}},
           .handler = Set,
           .group = "string", .since = "1.0.0",
           .summary = "Sets the string value of a key, optionally with a TTL or a condition.",
           .complexity = "O(1)"});
  reg.Add({.name = "mget",
           .arity = -2,
           .flags = "readonly fast",
           .first_key = 1, .last_key = -1, .step = 1,
           .acl = "@read @string @fast",
           .tips = "request_policy:multi_shard",
           .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = -1, .key_step = 1, .limit = 0}},
           .handler = MGet,
           .group = "string", .since = "1.0.0",
           .summary = "Returns the values of several keys at once.",
           .complexity = "O(N) where N is the number of keys to retrieve."});
  reg.Add({.name = "mset",
           .arity = -3,
           .flags = "write denyoom",
           .first_key = 1, .last_key = -1, .step = 2,
           .acl = "@write @string @slow",
           .tips = "request_policy:multi_shard response_policy:all_succeeded",
           .key_specs = {{.flags = "OW update", .begin_index = 1, .last_key = -1, .key_step = 2, .limit = 0}},
           .handler = MSet,
           .group = "string", .since = "1.0.1",
           .summary = "Sets several keys to several values atomically.",
           .complexity = "O(N) where N is the number of keys to set."});
}

}  // namespace ks
