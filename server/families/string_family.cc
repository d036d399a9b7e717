// Strings: Redis 7.0's string commands (t_string.c), with its argument rules, error texts,
// reply shapes, OBJECT ENCODING results and TTL behaviour.
//
// Values live inline in their Entry. Commands that change a string in place (APPEND, SETRANGE,
// INCR...) go through ctx.Modify, since growing the entry may move it; SET over an existing
// string reuses its allocation when it can.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>

#include "server/core/arg_parser.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"

namespace ks {
namespace {

// ---- Shared helpers --------------------------------------------------------------------

int64_t ProtoMaxBulkLen(CommandContext& ctx) { return ctx.server.limits().get(ctx.server.limits().proto_max_bulk_len); }

// The longest string APPEND/SETRANGE may build: proto-max-bulk-len, capped by what an Entry
// can hold.
int64_t MaxStringLen(CommandContext& ctx) { return std::min<int64_t>(ProtoMaxBulkLen(ctx), UINT32_MAX); }

// Redis's createStringObject: embstr up to 44 bytes, raw beyond. (Not tryObjectEncoding: no int.)
Encoding SdsEncodingFor(size_t len) { return len <= kEmbstrMaxLen ? Encoding::kEmbstr : Encoding::kRaw; }

// Stores value under k as Redis's setKey does: old (the live entry or nullptr) is replaced and
// the TTL becomes expire_ms. An old string with the same TTL presence is rewritten in place.
void StoreString(CommandContext& ctx, const KeyRef& k, Entry* old, std::string_view value, Encoding enc,
                 int64_t expire_ms) {
  if (!old) return ctx.Put(k, Entry::NewString(k.key, value, enc, expire_ms));
  Entry* n = ctx.Modify(k, old, [&](Entry* e) {
    if (e->type() == ObjType::kString && e->has_expire() == (expire_ms != Entry::kNoExpire)) {
      e = Entry::SetString(e, value, enc);
      return Entry::SetExpire(e, expire_ms);  // same TTL presence: never moves
    }
    Entry* fresh = Entry::NewString(k.key, value, enc, expire_ms);
    Entry::Free(e);
    return fresh;
  });
  n->set_access(ctx.engine(k).LruClock());  // a new value object is fresh in Redis
}

// Replaces a live string's bytes, keeping its TTL (INCR, INCRBYFLOAT).
void RewriteString(CommandContext& ctx, const KeyRef& k, Entry* e, std::string_view value, Encoding enc) {
  ctx.Modify(k, e, [&](Entry* x) { return Entry::SetString(x, value, enc); });
}

// Options of SET and GETEX, as Redis's parseExtendedStringArgumentsOrReply reads them.
enum StrFlag : uint16_t {
  kNx = 1 << 0,
  kXx = 1 << 1,
  kGet = 1 << 2,
  kKeepTtl = 1 << 3,
  kPersist = 1 << 4,
  kEx = 1 << 5,
  kPx = 1 << 6,
  kExat = 1 << 7,
  kPxat = 1 << 8,
};
constexpr uint16_t kAnyExpire = kEx | kPx | kExat | kPxat;

struct StrOptions {
  uint16_t flags = 0;
  std::string_view expire;  // the EX/PX/EXAT/PXAT argument
};

// Reads SET's (for_set) or GETEX's options from argument `from`; replies a syntax error and
// returns false on a bad one. Like Redis, a repeated option (EX 1 EX 2) is accepted, the last
// one winning; conflicting ones are not.
bool ParseStrOptions(CommandContext& ctx, size_t from, bool for_set, StrOptions* o) {
  static constexpr std::pair<std::string_view, StrFlag> kUnits[] = {
      {"ex", kEx}, {"px", kPx}, {"exat", kExat}, {"pxat", kPxat}};
  for (size_t i = from; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    bool has_next = i + 1 < ctx.argc();
    uint16_t& f = o->flags;
    if (for_set && EqualsNoCase(a, "nx") && !(f & kXx)) {
      f |= kNx;
      continue;
    }
    if (for_set && EqualsNoCase(a, "xx") && !(f & kNx)) {
      f |= kXx;
      continue;
    }
    if (for_set && EqualsNoCase(a, "get")) {
      f |= kGet;
      continue;
    }
    if (for_set && EqualsNoCase(a, "keepttl") && !(f & (kPersist | kAnyExpire))) {
      f |= kKeepTtl;
      continue;
    }
    if (!for_set && EqualsNoCase(a, "persist") && !(f & (kKeepTtl | kAnyExpire))) {
      f |= kPersist;
      continue;
    }
    bool matched = false;
    for (auto [name, unit] : kUnits) {
      if (has_next && EqualsNoCase(a, name) && !(f & (kKeepTtl | kPersist | (kAnyExpire & ~unit)))) {
        f |= unit;
        o->expire = ctx.arg(++i);
        matched = true;
        break;
      }
    }
    if (!matched) {
      ctx.rb.Error(err::kSyntax);
      return false;
    }
  }
  return true;
}

// Redis's getExpireMillisecondsOrReply: the absolute expiry in ms for an EX/PX/EXAT/PXAT
// argument, or an error reply naming the command.
bool ExpireAtMs(CommandContext& ctx, std::string_view arg, uint16_t unit, int64_t* out) {
  int64_t v;
  if (!StrToLL(arg, &v)) {
    ctx.rb.Error(err::kNotInteger);
    return false;
  }
  bool seconds = unit & (kEx | kExat);
  if (v <= 0 || (seconds && v > INT64_MAX / 1000)) {
    ctx.rb.Error(err::InvalidExpire(ctx.spec.name));
    return false;
  }
  if (seconds) v *= 1000;
  if (unit & (kEx | kPx)) {
    int64_t now = ctx.NowMs();
    if (v > INT64_MAX - now) {
      ctx.rb.Error(err::InvalidExpire(ctx.spec.name));
      return false;
    }
    v += now;
  }
  *out = v;
  return true;
}

// ---- GET, SET and friends ----------------------------------------------------------------

void Get(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kString, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Null();
  ctx.rb.Bulk(e->str());
}

// Redis's setGenericCommand. ok/abort: the replies for "set" and "not set" (SETNX uses 1/0).
void SetGeneric(CommandContext& ctx, uint16_t flags, std::string_view value, std::string_view expire_arg,
                bool int_replies) {
  int64_t expire_ms = Entry::kNoExpire;
  if ((flags & kAnyExpire) && !ExpireAtMs(ctx, expire_arg, flags & kAnyExpire, &expire_ms)) return;

  const KeyRef& k = ctx.keys[0];
  bool get = flags & kGet;
  if (get) {
    // GET reads like the GET command: a hit or miss, and WRONGTYPE stops the SET.
    auto [cur, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kRead);
    if (wrong) return;
    if (cur)
      ctx.rb.Bulk(cur->str());  // copied into the output before the entry changes
    else
      ctx.rb.Null();
  }
  Entry* old = ctx.Find(k);
  if (((flags & kNx) && old) || ((flags & kXx) && !old)) {
    if (get) return;
    return int_replies ? ctx.rb.Int(0) : ctx.rb.Null();
  }
  if ((flags & kKeepTtl) && old) expire_ms = old->expire_ms();
  StoreString(ctx, k, old, value, StringEncodingFor(value), expire_ms);
  ctx.Notify(kNotifyString, "set", k);
  if (flags & kAnyExpire) ctx.Notify(kNotifyGeneric, "expire", k);
  if (get) return;
  int_replies ? ctx.rb.Int(1) : ctx.rb.Ok();
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL]
void Set(CommandContext& ctx) {
  StrOptions o;
  if (!ParseStrOptions(ctx, 3, true, &o)) return;
  SetGeneric(ctx, o.flags, ctx.arg(2), o.expire, false);
}

void SetNx(CommandContext& ctx) { SetGeneric(ctx, kNx, ctx.arg(2), {}, true); }
void SetEx(CommandContext& ctx) { SetGeneric(ctx, kEx, ctx.arg(3), ctx.arg(2), false); }
void PSetEx(CommandContext& ctx) { SetGeneric(ctx, kPx, ctx.arg(3), ctx.arg(2), false); }

// GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST]
void GetEx(CommandContext& ctx) {
  StrOptions o;
  if (!ParseStrOptions(ctx, 2, false, &o)) return;
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Null();  // before validating the expiry, as Redis does
  uint16_t unit = o.flags & kAnyExpire;
  int64_t when = Entry::kNoExpire;
  if (unit && !ExpireAtMs(ctx, o.expire, unit, &when)) return;
  ctx.rb.Bulk(e->str());
  if ((unit & (kExat | kPxat)) && when <= ctx.NowMs()) {
    ctx.Delete(k);  // an absolute time already past deletes the key
    ctx.Notify(kNotifyGeneric, "del", k);
  } else if (unit || ((o.flags & kPersist) && e->has_expire())) {
    ctx.Modify(k, e, [&](Entry* x) { return Entry::SetExpire(x, when); });  // kNoExpire for PERSIST
    ctx.Notify(kNotifyGeneric, unit ? "expire" : "persist", k);
  }
}

void GetDel(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Null();
  ctx.rb.Bulk(e->str());
  ctx.Delete(k);
  ctx.Notify(kNotifyGeneric, "del", k);
}

void GetSet(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kRead);
  if (wrong) return;
  if (e)
    ctx.rb.Bulk(e->str());
  else
    ctx.rb.Null();
  std::string_view v = ctx.arg(2);
  StoreString(ctx, k, e, v, StringEncodingFor(v), Entry::kNoExpire);  // drops the TTL
  ctx.Notify(kNotifyString, "set", k);
}

void MGet(CommandContext& ctx) {
  ctx.rb.Array(ctx.keys.size());
  for (const KeyRef& k : ctx.keys) {
    Entry* e = ctx.Lookup(k, ObjType::kString, Access::kRead).entry;
    if (!e)
      ctx.rb.Null();
    else
      ctx.rb.Bulk(e->str());
  }
}

// MSET and MSETNX. The dispatcher has locked every engine the keys live on, so checking
// and setting all of them is one atomic step.
void MSetGeneric(CommandContext& ctx, bool nx) {
  if (ctx.argc() % 2 != 1) return ctx.rb.Error(err::WrongArgs(ctx.spec.name));
  if (nx) {
    for (const KeyRef& k : ctx.keys)
      if (ctx.Find(k)) return ctx.rb.Int(0);
  }
  for (size_t i = 0; i < ctx.keys.size(); ++i) {
    const KeyRef& k = ctx.keys[i];
    std::string_view v = ctx.arg(2 + 2 * i);
    StoreString(ctx, k, ctx.Find(k), v, StringEncodingFor(v), Entry::kNoExpire);
    ctx.Notify(kNotifyString, "set", k);
  }
  nx ? ctx.rb.Int(1) : ctx.rb.Ok();
}

void MSet(CommandContext& ctx) { MSetGeneric(ctx, false); }
void MSetNx(CommandContext& ctx) { MSetGeneric(ctx, true); }

// ---- Editing strings ---------------------------------------------------------------------

void Append(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  std::string_view add = ctx.arg(2);
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kWrite);
  if (wrong) return;
  if (!e) {
    ctx.Put(k, Entry::NewString(k.key, add, StringEncodingFor(add)));
    ctx.Notify(kNotifyString, "append", k);
    return ctx.rb.Int(static_cast<int64_t>(add.size()));
  }
  size_t old_len = e->str().size();
  if (static_cast<int64_t>(old_len + add.size()) > MaxStringLen(ctx)) return ctx.rb.Error(err::kStringTooLong);
  // Redis unshares the value into a raw sds even when nothing is appended.
  ctx.Modify(k, e, [&](Entry* x) {
    x = Entry::ResizeString(x, old_len + add.size());
    if (!add.empty()) std::memcpy(x->mutable_str() + old_len, add.data(), add.size());
    x->set_encoding(Encoding::kRaw);
    return x;
  });
  ctx.Notify(kNotifyString, "append", k);
  ctx.rb.Int(static_cast<int64_t>(old_len + add.size()));
}

void SetRange(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  std::string_view value = ctx.arg(3);
  int64_t offset;
  if (!StrToLL(ctx.arg(2), &offset)) return ctx.rb.Error(err::kNotInteger);
  if (offset < 0) return ctx.rb.Error(err::kOffsetRange);
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kWrite);
  if (wrong) return;
  size_t old_len = e ? e->str().size() : 0;
  if (value.empty()) return ctx.rb.Int(static_cast<int64_t>(old_len));  // nothing set, no key made
  if (offset > MaxStringLen(ctx) - static_cast<int64_t>(value.size())) return ctx.rb.Error(err::kStringTooLong);
  size_t end = static_cast<size_t>(offset) + value.size();
  if (!e) {
    Entry* n = Entry::NewZeroString(k.key, end, Encoding::kRaw);
    std::memcpy(n->mutable_str() + offset, value.data(), value.size());
    ctx.Put(k, n);
    ctx.Notify(kNotifyString, "setrange", k);
    return ctx.rb.Int(static_cast<int64_t>(end));
  }
  e = ctx.Modify(k, e, [&](Entry* x) {
    if (end > old_len) x = Entry::ResizeString(x, end);
    std::memcpy(x->mutable_str() + offset, value.data(), value.size());
    x->set_encoding(Encoding::kRaw);
    return x;
  });
  ctx.Notify(kNotifyString, "setrange", k);
  ctx.rb.Int(static_cast<int64_t>(e->str().size()));
}

// Redis's getrangeCommand: indexes are clamped, a missing key reads as "".
void GetRange(CommandContext& ctx) {
  int64_t start, end;
  if (!StrToLL(ctx.arg(2), &start) || !StrToLL(ctx.arg(3), &end)) return ctx.rb.Error(err::kNotInteger);
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kString, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Bulk("");
  std::string_view s = e->str();
  int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) return ctx.rb.Bulk("");
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return ctx.rb.Bulk("");
  ctx.rb.Bulk(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

void StrLen(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kString, Access::kRead);
  if (wrong) return;
  ctx.rb.Int(e ? static_cast<int64_t>(e->str().size()) : 0);
}

// ---- Counters ----------------------------------------------------------------------------

// Redis's incrDecrCommand: the result is stored int-encoded and the TTL is kept.
void IncrDecrBy(CommandContext& ctx, int64_t incr) {
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kWrite);
  if (wrong) return;
  int64_t value = 0;
  if (e && !StrToLL(e->str(), &value)) return ctx.rb.Error(err::kNotInteger);
  if ((incr < 0 && value < 0 && incr < INT64_MIN - value) || (incr > 0 && value > 0 && incr > INT64_MAX - value))
    return ctx.rb.Error(err::kOverflow);
  value += incr;
  char buf[24];
  std::string_view text = LLToStr(value, buf);
  if (e)
    RewriteString(ctx, k, e, text, Encoding::kInt);
  else
    ctx.Put(k, Entry::NewString(k.key, text, Encoding::kInt));
  ctx.Notify(kNotifyString, "incrby", k);
  ctx.rb.Int(value);
}

void Incr(CommandContext& ctx) { IncrDecrBy(ctx, 1); }
void Decr(CommandContext& ctx) { IncrDecrBy(ctx, -1); }

void IncrBy(CommandContext& ctx) {
  int64_t incr;
  if (!StrToLL(ctx.arg(2), &incr)) return ctx.rb.Error(err::kNotInteger);
  IncrDecrBy(ctx, incr);
}

void DecrBy(CommandContext& ctx) {
  int64_t decr;
  if (!StrToLL(ctx.arg(2), &decr)) return ctx.rb.Error(err::kNotInteger);
  if (decr == INT64_MIN) return ctx.rb.Error(err::kDecrOverflow);  // -decr would overflow
  IncrDecrBy(ctx, -decr);
}

// Redis's incrbyfloatCommand: long double arithmetic, printed with %.17Lf trimmed, stored as a
// plain (embstr/raw) string, TTL kept.
void IncrByFloat(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kWrite);
  if (wrong) return;
  long double value = 0, incr;
  if ((e && !StrToLD(e->str(), &value)) || !StrToLD(ctx.arg(2), &incr)) return ctx.rb.Error(err::kNotFloat);
  value += incr;
  if (std::isnan(value) || std::isinf(value)) return ctx.rb.Error(err::kNanOrInf);
  std::string text = LDToStr(value);
  Encoding enc = SdsEncodingFor(text.size());
  if (e)
    RewriteString(ctx, k, e, text, enc);
  else
    ctx.Put(k, Entry::NewString(k.key, text, enc));
  ctx.Notify(kNotifyString, "incrbyfloat", k);
  ctx.rb.Bulk(text);
}

// ---- LCS ---------------------------------------------------------------------------------

// One matched range of the LCS, reported by IDX: a[a0..a1] equals b[b0..b1].
struct LcsRange {
  uint32_t a0, a1, b0, b1;
};

// The DP table of Redis's lcsCommand, one allocation with the narrowest cell type that can hold
// LCS lengths (they never exceed the shorter string): cell (i, j) = LCS length of a[0..i) and
// b[0..j).
template <typename T>
class LcsTable {
 public:
  LcsTable(std::string_view a, std::string_view b) : a_(a), b_(b), cols_(b.size() + 1) {}

  bool Build() {
    size_t cells = (a_.size() + 1) * cols_;
    cell_.reset(new (std::nothrow) T[cells]);
    if (!cell_) return false;
    for (size_t j = 0; j < cols_; ++j) at(0, j) = 0;
    for (size_t i = 1; i <= a_.size(); ++i) {
      at(i, 0) = 0;
      T* row = &at(i, 0);
      const T* up = &at(i - 1, 0);
      char ca = a_[i - 1];
      for (size_t j = 1; j < cols_; ++j)
        row[j] = ca == b_[j - 1] ? static_cast<T>(up[j - 1] + 1) : std::max(up[j], row[j - 1]);
    }
    return true;
  }

  uint32_t Length() const { return at(a_.size(), cols_ - 1); }

  // Walks the table back from the end exactly as Redis does, so that the ranges (and the
  // choice between equally long LCSs) match: on_char(pos, c) for each LCS byte (from the
  // last), on_range(r) for each contiguous range at least min_len long.
  template <typename OnChar, typename OnRange>
  void Walk(int64_t min_len, OnChar&& on_char, OnRange&& on_range) const {
    const uint32_t alen = static_cast<uint32_t>(a_.size());
    uint32_t i = alen, j = static_cast<uint32_t>(b_.size()), idx = Length();
    LcsRange r{alen, 0, 0, 0};  // r.a0 == alen: no range open
    while (i > 0 && j > 0) {
      bool emit = false;
      if (a_[i - 1] == b_[j - 1]) {
        on_char(idx - 1, a_[i - 1]);
        if (r.a0 == alen) {
          r = {i - 1, i - 1, j - 1, j - 1};
        } else if (r.a0 == i && r.b0 == j) {
          --r.a0;
          --r.b0;
        } else {
          emit = true;
        }
        if (r.a0 == 0 || r.b0 == 0) emit = true;
        --idx;
        --i;
        --j;
      } else {
        if (at(i - 1, j) > at(i, j - 1))
          --i;
        else
          --j;
        if (r.a0 != alen) emit = true;
      }
      if (emit) {
        uint32_t match_len = r.a1 - r.a0 + 1;
        if (min_len == 0 || match_len >= min_len) on_range(r);
        r.a0 = alen;
      }
    }
  }

 private:
  T& at(size_t i, size_t j) { return cell_[i * cols_ + j]; }
  const T& at(size_t i, size_t j) const { return cell_[i * cols_ + j]; }

  std::string_view a_, b_;
  size_t cols_;
  std::unique_ptr<T[]> cell_;
};

// LCS LEN needs no walk back, so two rows of the table are enough: O(min(N, M)) memory.
bool LcsLengthOnly(std::string_view a, std::string_view b, uint32_t* out) {
  if (a.size() < b.size()) std::swap(a, b);  // columns over the shorter string
  std::unique_ptr<uint32_t[]> rows(new (std::nothrow) uint32_t[2 * (b.size() + 1)]());
  if (!rows) return false;
  uint32_t* up = rows.get();
  uint32_t* cur = up + b.size() + 1;
  for (char ca : a) {
    for (size_t j = 1; j <= b.size(); ++j) cur[j] = ca == b[j - 1] ? up[j - 1] + 1 : std::max(up[j], cur[j - 1]);
    std::swap(up, cur);
  }
  *out = up[b.size()];
  return true;
}

template <typename T>
void LcsReply(CommandContext& ctx, std::string_view a, std::string_view b, bool idx, bool with_len,
              int64_t min_len) {
  LcsTable<T> t(a, b);
  if (!t.Build()) return ctx.rb.Error(err::kLcsAllocFailed);
  if (!idx) {
    std::string out(t.Length(), '\0');
    t.Walk(0, [&](uint32_t pos, char c) { out[pos] = c; }, [](const LcsRange&) {});
    return ctx.rb.Bulk(out);
  }
  // The array length comes first in RESP, so count the ranges in a first walk.
  size_t n = 0;
  t.Walk(min_len, [](uint32_t, char) {}, [&](const LcsRange&) { ++n; });
  ctx.rb.Map(2);
  ctx.rb.Bulk("matches");
  ctx.rb.Array(n);
  t.Walk(min_len, [](uint32_t, char) {}, [&](const LcsRange& r) {
    ctx.rb.Array(with_len ? 3 : 2);
    ctx.rb.Array(2);
    ctx.rb.Int(r.a0);
    ctx.rb.Int(r.a1);
    ctx.rb.Array(2);
    ctx.rb.Int(r.b0);
    ctx.rb.Int(r.b1);
    if (with_len) ctx.rb.Int(r.a1 - r.a0 + 1);
  });
  ctx.rb.Bulk("len");
  ctx.rb.Int(t.Length());
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
void Lcs(CommandContext& ctx) {
  auto [ea, a_wrong] = ctx.Lookup(ctx.keys[0], ObjType::kString, Access::kRead);
  auto [eb, b_wrong] = ctx.Lookup(ctx.keys[1], ObjType::kString, Access::kRead);
  if (a_wrong || b_wrong) return ctx.rb.Error(err::kLcsWrongType);
  std::string_view a = ea ? ea->str() : std::string_view(), b = eb ? eb->str() : std::string_view();

  bool idx = false, len = false, with_len = false;
  int64_t min_len = 0;
  ArgParser p(ctx.args, 3);
  while (!p.Done()) {
    if (p.Consume("idx")) {
      idx = true;
    } else if (p.Consume("len")) {
      len = true;
    } else if (p.Consume("withmatchlen")) {
      with_len = true;
    } else if (p.Remaining() >= 2 && p.Consume("minmatchlen")) {
      if (!p.NextInt(&min_len)) return ctx.rb.Error(p.error());
      if (min_len < 0) min_len = 0;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  if (idx && len) return ctx.rb.Error(err::kLcsIdxAndLen);
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) return ctx.rb.Error(err::kLcsTooLong);
  // Redis's limit on the table (4-byte cells) against proto-max-bulk-len; ours is often smaller,
  // but the same requests must be refused.
  unsigned __int128 redis_bytes = static_cast<unsigned __int128>(a.size() + 1) * (b.size() + 1) * 4;
  if (redis_bytes > static_cast<unsigned __int128>(ProtoMaxBulkLen(ctx))) return ctx.rb.Error(err::kLcsOverLimit);

  if (len) {
    uint32_t n;
    if (!LcsLengthOnly(a, b, &n)) return ctx.rb.Error(err::kLcsAllocFailed);
    return ctx.rb.Int(n);
  }
  size_t shorter = std::min(a.size(), b.size());
  if (shorter < UINT8_MAX)
    LcsReply<uint8_t>(ctx, a, b, idx, with_len, min_len);
  else if (shorter < UINT16_MAX)
    LcsReply<uint16_t>(ctx, a, b, idx, with_len, min_len);
  else
    LcsReply<uint32_t>(ctx, a, b, idx, with_len, min_len);
}

}  // namespace

void RegisterStringFamily(CommandRegistry& reg) {
  constexpr KeySpec kRoAccess{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0};
  constexpr KeySpec kRwAccessUpdate{.flags = "RW access update", .begin_index = 1, .last_key = 0, .key_step = 1,
                                    .limit = 0};
  constexpr KeySpec kOwUpdate{.flags = "OW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0};
  constexpr std::string_view kRangeComplexity =
      "O(N) where N is the length of the returned string. The complexity is ultimately determined by the "
      "returned length, but because creating a substring from an existing string is very cheap, it can be "
      "considered O(1) for small strings.";

  reg.Add({.name = "get", .arity = 2, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @string @fast", .key_specs = {kRoAccess}, .handler = Get,
           .group = "string", .since = "1.0.0",
           .summary = "Returns the string value of a key.", .complexity = "O(1)"});
  reg.Add({.name = "set", .arity = -3, .flags = "write denyoom", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @string @slow",
           .key_specs = {{.flags = "RW access update variable_flags", .begin_index = 1, .last_key = 0, .key_step = 1,
                          .limit = 0, .notes = "RW and ACCESS due to the optional `GET` argument"}},
           .handler = Set, .aof = AofLog::kVerbatimUnlessRelativeTtl, .group = "string", .since = "1.0.0",
           .summary = "Sets the string value of a key, optionally with a TTL or a condition.",
           .complexity = "O(1)"});
  reg.Add({.name = "setnx", .arity = 3, .flags = "write denyoom fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @string @fast",
           .key_specs = {{.flags = "OW insert", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = SetNx, .aof = AofLog::kVerbatim, .group = "string", .since = "1.0.0",
           .summary = "Sets a key's string value only if the key does not exist yet.", .complexity = "O(1)"});
  reg.Add({.name = "setex", .arity = 4, .flags = "write denyoom", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @string @slow", .key_specs = {kOwUpdate}, .handler = SetEx,
           .group = "string", .since = "2.0.0",
           .summary = "Sets a key's string value with a time to live in seconds.", .complexity = "O(1)"});
  reg.Add({.name = "psetex", .arity = 4, .flags = "write denyoom", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @string @slow", .key_specs = {kOwUpdate}, .handler = PSetEx,
           .group = "string", .since = "2.6.0",
           .summary = "Sets a key's string value with a time to live in milliseconds.", .complexity = "O(1)"});
  reg.Add({.name = "getex", .arity = -2, .flags = "write fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @string @fast",
           .key_specs = {{.flags = "RW access update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0,
                          .notes = "RW and UPDATE because it changes the TTL"}},
           .handler = GetEx, .aof = AofLog::kTtl, .group = "string", .since = "6.2.0",
           .summary = "Returns a key's string value and sets or removes its expiration.", .complexity = "O(1)"});
  reg.Add({.name = "getdel", .arity = 2, .flags = "write fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @string @fast",
           .key_specs = {{.flags = "RW access delete", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = GetDel, .aof = AofLog::kVerbatim, .group = "string", .since = "6.2.0",
           .summary = "Returns a key's string value and deletes the key.", .complexity = "O(1)"});
  reg.Add({.name = "getset", .arity = 3, .flags = "write denyoom fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @string @fast", .key_specs = {kRwAccessUpdate}, .handler = GetSet,
           .aof = AofLog::kVerbatim, .group = "string", .since = "1.0.0",
           .summary = "Sets a key's string value and returns the value it had before.", .complexity = "O(1)"});
  reg.Add({.name = "mget", .arity = -2, .flags = "readonly fast", .first_key = 1, .last_key = -1, .step = 1,
           .acl = "@read @string @fast", .tips = "request_policy:multi_shard",
           .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = -1, .key_step = 1, .limit = 0}},
           .handler = MGet, .group = "string", .since = "1.0.0",
           .summary = "Returns the values of several keys at once.",
           .complexity = "O(N) where N is the number of keys to retrieve."});
  reg.Add({.name = "mset", .arity = -3, .flags = "write denyoom", .first_key = 1, .last_key = -1, .step = 2,
           .acl = "@write @string @slow", .tips = "request_policy:multi_shard response_policy:all_succeeded",
           .key_specs = {{.flags = "OW update", .begin_index = 1, .last_key = -1, .key_step = 2, .limit = 0}},
           .handler = MSet, .aof = AofLog::kVerbatim, .group = "string", .since = "1.0.1",
           .summary = "Sets several keys to several values atomically.",
           .complexity = "O(N) where N is the number of keys to set."});
  reg.Add({.name = "msetnx", .arity = -3, .flags = "write denyoom", .first_key = 1, .last_key = -1, .step = 2,
           .acl = "@write @string @slow", .tips = "request_policy:multi_shard response_policy:agg_min",
           .key_specs = {{.flags = "OW insert", .begin_index = 1, .last_key = -1, .key_step = 2, .limit = 0}},
           .handler = MSetNx, .aof = AofLog::kVerbatim, .group = "string", .since = "1.0.1",
           .summary = "Sets several keys atomically, only if none of them exists yet.",
           .complexity = "O(N) where N is the number of keys to set."});
  reg.Add({.name = "append", .arity = 3, .flags = "write denyoom fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @string @fast",
           .key_specs = {{.flags = "RW insert", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = Append, .aof = AofLog::kVerbatim, .group = "string", .since = "2.0.0",
           .summary = "Appends a string to a key's value, creating the key if needed.",
           .complexity = "O(1). The amortized time complexity is O(1) assuming the appended value is small and the "
                         "already present value is of any size, since the dynamic string library used by Redis will "
                         "double the free space available on every reallocation."});
  reg.Add({.name = "strlen", .arity = 2, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @string @fast",
           .key_specs = {{.flags = "RO", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = StrLen, .group = "string", .since = "2.2.0",
           .summary = "Returns the length of a key's string value.", .complexity = "O(1)"});
  reg.Add({.name = "getrange", .arity = 4, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @string @slow", .key_specs = {kRoAccess}, .handler = GetRange,
           .group = "string", .since = "2.4.0",
           .summary = "Returns a substring of a key's string value.", .complexity = kRangeComplexity});
  reg.Add({.name = "substr", .arity = 4, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @string @slow", .key_specs = {kRoAccess}, .handler = GetRange,
           .group = "string", .since = "1.0.0",
           .summary = "Returns a substring of a key's string value (old name of GETRANGE).",
           .complexity = kRangeComplexity});
  reg.Add({.name = "setrange", .arity = 4, .flags = "write denyoom", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @string @slow",
           .key_specs = {{.flags = "RW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = SetRange, .aof = AofLog::kVerbatim, .group = "string", .since = "2.2.0",
           .summary = "Overwrites part of a key's string value at an offset, zero-padding as needed.",
           .complexity = "O(1), not counting the time taken to copy the new string in place. Usually, this string "
                         "is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M "
                         "being the length of the value argument."});
  struct Counter {
    std::string_view name;
    int arity;
    CommandHandler handler;
    AofLog aof;
    std::string_view since, summary;
  };
  // INCRBYFLOAT logs its result, which replays exactly where the float arithmetic might not.
  for (const Counter& c : {
           Counter{"incr", 2, Incr, AofLog::kVerbatim, "1.0.0", "Adds one to a key's integer value."},
           Counter{"decr", 2, Decr, AofLog::kVerbatim, "1.0.0", "Subtracts one from a key's integer value."},
           Counter{"incrby", 3, IncrBy, AofLog::kVerbatim, "1.0.0", "Adds an integer to a key's integer value."},
           Counter{"decrby", 3, DecrBy, AofLog::kVerbatim, "1.0.0", "Subtracts an integer from a key's integer value."},
           Counter{"incrbyfloat", 3, IncrByFloat, AofLog::kEffect, "2.6.0",
                   "Adds a floating point number to a key's value."},
       }) {
    reg.Add({.name = c.name, .arity = c.arity, .flags = "write denyoom fast", .first_key = 1, .last_key = 1,
             .step = 1, .acl = "@write @string @fast", .key_specs = {kRwAccessUpdate}, .handler = c.handler,
             .aof = c.aof, .group = "string", .since = c.since, .summary = c.summary, .complexity = "O(1)"});
  }
  reg.Add({.name = "lcs", .arity = -3, .flags = "readonly", .first_key = 1, .last_key = 2, .step = 1,
           .acl = "@read @string @slow",
           .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 1, .key_step = 1, .limit = 0}},
           .handler = Lcs, .group = "string", .since = "7.0.0",
           .summary = "Finds the longest common subsequence of two keys' string values.",
           .complexity = "O(N*M) where N and M are the lengths of s1 and s2, respectively"});
}

}  // namespace ks
