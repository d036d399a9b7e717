// Bitmaps: Redis 7.0's bit commands over string values (bitops.c), with its argument order,
// error texts and reply shapes. They are plain strings, so GET/SETRANGE/APPEND see the same
// bytes. Writes grow the value in place through ctx.Modify (Entry::ResizeString keeps spare
// room like sdsgrowzero), so SETBIT on a large bitmap neither copies it nor loses track of its
// memory; BITOP builds its result aside and stores it as SET would.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "common/bitops.h"
#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"

namespace ks {
namespace {

using bits::Overflow;

const uint8_t* U8(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// Largest byte index + 1 a bit offset may reach: proto-max-bulk-len, as Redis limits it,
// capped by what an Entry's string can hold (4 GB).
int64_t MaxBytes(CommandContext& ctx) {
  return std::min<int64_t>(ctx.server.limits().get(ctx.server.limits().proto_max_bulk_len), UINT32_MAX);
}

// Redis's getBitOffsetFromArgument: a non-negative integer, or "#n" (BITFIELD: n * bits),
// whose byte is below proto-max-bulk-len.
bool ParseBitOffset(CommandContext& ctx, std::string_view arg, bool hash, int bits, uint64_t* out) {
  bool use_hash = hash && bits > 0 && !arg.empty() && arg[0] == '#';
  int64_t v;
  if (!StrToLL(use_hash ? arg.substr(1) : arg, &v)) {
    ctx.rb.Error(err::kBitOffset);
    return false;
  }
  // Redis multiplies in a long long; wrapping the same way keeps its answers.
  if (use_hash) v = static_cast<int64_t>(static_cast<uint64_t>(v) * static_cast<uint64_t>(bits));
  if (v < 0 || (v >> 3) >= MaxBytes(ctx)) {
    ctx.rb.Error(err::kBitOffset);
    return false;
  }
  *out = static_cast<uint64_t>(v);
  return true;
}

// Redis's lookupStringForBitCommand: the string at k grown (zero-filled) to hold byte
// `byte`, created if missing; nullptr after replying WRONGTYPE. The value becomes "raw", as
// dbUnshareStringValue leaves it. *grown (Redis's `dirty`) tells whether the key was created
// or lengthened, which SETBIT counts as a change even when the bit keeps its value.
Entry* StringForBitWrite(CommandContext& ctx, const KeyRef& k, uint64_t byte, bool* grown) {
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kWrite);
  if (wrong) return nullptr;
  size_t need = static_cast<size_t>(byte) + 1;
  *grown = !e || e->str().size() < need;
  if (!e) {
    Entry* n = Entry::NewZeroString(k.key, need, Encoding::kRaw);
    ctx.Put(k, n);
    return n;
  }
  return ctx.Modify(k, e, [&](Entry* x) {
    if (x->str().size() < need) x = Entry::ResizeString(x, need);
    x->set_encoding(Encoding::kRaw);
    return x;
  });
}

void SetBit(CommandContext& ctx) {
  uint64_t offset;
  if (!ParseBitOffset(ctx, ctx.arg(2), false, 0, &offset)) return;
  int64_t on;
  if (!StrToLL(ctx.arg(3), &on) || (on & ~1)) return ctx.rb.Error(err::kBitValue);
  bool grown;
  Entry* e = StringForBitWrite(ctx, ctx.keys[0], offset >> 3, &grown);
  if (!e) return;
  uint8_t& byte = reinterpret_cast<uint8_t&>(e->mutable_str()[offset >> 3]);
  const uint8_t mask = static_cast<uint8_t>(1u << (7 - (offset & 7)));
  const bool old = byte & mask;
  byte = static_cast<uint8_t>(on ? (byte | mask) : (byte & ~mask));
  if (grown || old != (on != 0)) ctx.Notify(kNotifyString, "setbit", ctx.keys[0]);
  ctx.rb.Int(old ? 1 : 0);
}

void GetBit(CommandContext& ctx) {
  uint64_t offset;
  if (!ParseBitOffset(ctx, ctx.arg(2), false, 0, &offset)) return;
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kString, Access::kRead);
  if (wrong) return;
  int bit = 0;
  if (e && (offset >> 3) < e->str().size())
    bit = (U8(e->str())[offset >> 3] >> (7 - (offset & 7))) & 1;
  ctx.rb.Int(bit);
}

// Parses BYTE|BIT at position i (present when argc > i); false after replying.
bool ParseUnit(CommandContext& ctx, size_t i, bool* isbit) {
  *isbit = false;
  if (ctx.argc() <= i) return true;
  if (EqualsNoCase(ctx.arg(i), "bit")) *isbit = true;
  else if (!EqualsNoCase(ctx.arg(i), "byte")) {
    ctx.rb.Error(err::kSyntax);
    return false;
  }
  return true;
}

// Clamps [start, end] to a value of totlen units after resolving negative indexes, as
// bitcountCommand/bitposCommand do.
void ClampRange(int64_t totlen, int64_t* start, int64_t* end) {
  if (*start < 0) *start = totlen + *start;
  if (*end < 0) *end = totlen + *end;
  if (*start < 0) *start = 0;
  if (*end < 0) *end = 0;
  if (*end >= totlen) *end = totlen - 1;
}

void BitCount(CommandContext& ctx) {
  // Redis 7.0 looks the key up before reading the range: a missing key answers 0 whatever
  // follows it.
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kString, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Int(0);
  std::string_view s = e->str();
  const uint8_t* p = U8(s);
  int64_t start, end;
  int64_t totlen = static_cast<int64_t>(s.size());
  uint8_t first_mask = 0, last_mask = 0;
  if (ctx.argc() == 4 || ctx.argc() == 5) {
    if (!StrToLL(ctx.arg(2), &start) || !StrToLL(ctx.arg(3), &end)) return ctx.rb.Error(err::kNotInteger);
    bool isbit;
    if (!ParseUnit(ctx, 4, &isbit)) return;
    // Two negative indexes in the wrong order are an empty range before any clamping.
    if (start < 0 && end < 0 && start > end) return ctx.rb.Int(0);
    if (isbit) totlen <<= 3;
    ClampRange(totlen, &start, &end);
    if (isbit && start <= end) {
      // Bits of the edge bytes outside the range, subtracted after counting whole bytes.
      first_mask = static_cast<uint8_t>(~((1u << (8 - (start & 7))) - 1) & 0xff);
      last_mask = static_cast<uint8_t>((1u << (7 - (end & 7))) - 1);
      start >>= 3;
      end >>= 3;
    }
  } else if (ctx.argc() == 2) {
    start = 0;
    end = totlen - 1;
  } else {
    return ctx.rb.Error(err::kSyntax);
  }
  if (start > end) return ctx.rb.Int(0);
  int64_t count = bits::Popcount(p + start, static_cast<size_t>(end - start + 1));
  if (first_mask) count -= __builtin_popcount(p[start] & first_mask);
  if (last_mask) count -= __builtin_popcount(p[end] & last_mask);
  ctx.rb.Int(count);
}

// First bit equal to `bit` among bits [from, to] of p, or -1.
int64_t FindBit(const uint8_t* p, uint64_t from, uint64_t to, int bit) {
  auto at = [&](uint64_t i) { return (p[i >> 3] >> (7 - (i & 7))) & 1; };
  for (; from <= to && (from & 7); ++from)
    if (at(from) == bit) return static_cast<int64_t>(from);
  if (from > to) return -1;
  uint64_t whole = (to + 1 - from) / 8;
  if (whole) {
    int64_t r = bits::FirstBit(p + (from >> 3), whole, bit);
    if (r >= 0) return static_cast<int64_t>(from) + r;
    from += whole * 8;
  }
  for (; from <= to; ++from)
    if (at(from) == bit) return static_cast<int64_t>(from);
  return -1;
}

void BitPos(CommandContext& ctx) {
  int64_t bit;
  if (!StrToLL(ctx.arg(2), &bit)) return ctx.rb.Error(err::kNotInteger);
  if (bit != 0 && bit != 1) return ctx.rb.Error(err::kBitposBit);
  // A missing key is an endless run of zeroes.
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kString, Access::kRead);
  if (wrong) return;
  if (!e) return ctx.rb.Int(bit ? -1 : 0);
  std::string_view s = e->str();
  int64_t totlen = static_cast<int64_t>(s.size());
  int64_t start, end;
  bool isbit = false, end_given = false;
  if (ctx.argc() >= 4 && ctx.argc() <= 6) {
    if (!StrToLL(ctx.arg(3), &start)) return ctx.rb.Error(err::kNotInteger);
    if (ctx.argc() == 6 && !ParseUnit(ctx, 5, &isbit)) return;
    if (ctx.argc() >= 5) {
      if (!StrToLL(ctx.arg(4), &end)) return ctx.rb.Error(err::kNotInteger);
      end_given = true;
    } else {
      end = isbit ? totlen * 8 - 1 : totlen - 1;
    }
    if (isbit) totlen <<= 3;
    ClampRange(totlen, &start, &end);
  } else if (ctx.argc() == 3) {
    start = 0;
    end = totlen - 1;
  } else {
    return ctx.rb.Error(err::kSyntax);
  }
  // An empty range holds neither a 0 nor a 1.
  if (start > end) return ctx.rb.Int(-1);
  uint64_t from = isbit ? static_cast<uint64_t>(start) : static_cast<uint64_t>(start) * 8;
  uint64_t to = isbit ? static_cast<uint64_t>(end) : static_cast<uint64_t>(end) * 8 + 7;
  int64_t pos = FindBit(U8(s), from, to, static_cast<int>(bit));
  if (pos >= 0) return ctx.rb.Int(pos);
  // Looking for a clear bit with no end given, the string continues with zeroes: the first
  // one is just past the range. With an explicit end the range holds none.
  if (bit == 0 && !end_given) return ctx.rb.Int(static_cast<int64_t>(to) + 1);
  ctx.rb.Int(-1);
}

void BitOp(CommandContext& ctx) {
  enum Op { kAnd, kOr, kXor, kNot } op;
  std::string_view name = ctx.arg(1);
  if (EqualsNoCase(name, "and")) op = kAnd;
  else if (EqualsNoCase(name, "or")) op = kOr;
  else if (EqualsNoCase(name, "xor")) op = kXor;
  else if (EqualsNoCase(name, "not")) op = kNot;
  else return ctx.rb.Error(err::kSyntax);
  if (op == kNot && ctx.argc() != 4) return ctx.rb.Error(err::kBitopNot);

  // Sources in order (missing keys are empty strings); the first non-string stops it.
  boost::container::small_vector<std::string_view, 8> src;
  size_t maxlen = 0;
  for (size_t i = 1; i < ctx.keys.size(); ++i) {
    auto [e, wrong] = ctx.LookupOrReply(ctx.keys[i], ObjType::kString, Access::kRead);
    if (wrong) return;
    src.push_back(e ? e->str() : std::string_view());
    maxlen = std::max(maxlen, src.back().size());
  }
  const KeyRef& dst = ctx.keys[0];
  if (maxlen == 0) {
    if (ctx.Delete(dst)) ctx.Notify(kNotifyGeneric, "del", dst);
    return ctx.rb.Int(0);
  }
  std::string res(maxlen, '\0');
  uint8_t* r = reinterpret_cast<uint8_t*>(res.data());
  std::memcpy(r, src[0].data(), src[0].size());  // zero-padded past its end
  if (op == kNot) {
    for (size_t i = 0; i < maxlen; ++i) r[i] = static_cast<uint8_t>(~r[i]);
  } else {
    for (size_t j = 1; j < src.size(); ++j) {
      const uint8_t* s = U8(src[j]);
      size_t n = src[j].size();
      switch (op) {
        case kAnd:
          for (size_t i = 0; i < n; ++i) r[i] &= s[i];
          std::memset(r + n, 0, maxlen - n);  // a shorter string is zeroes beyond its end
          break;
        case kOr:
          for (size_t i = 0; i < n; ++i) r[i] |= s[i];
          break;
        case kXor:
          for (size_t i = 0; i < n; ++i) r[i] ^= s[i];
          break;
        case kNot: break;
      }
    }
  }
  // setKey: any old value and its TTL go; Redis stores the result as a raw string.
  ctx.Put(dst, Entry::NewString(dst.key, res, Encoding::kRaw));
  ctx.Notify(kNotifyString, "set", dst);
  ctx.rb.Int(static_cast<int64_t>(maxlen));
}

// ---- BITFIELD -----------------------------------------------------------------------------

struct FieldOp {
  enum Kind : uint8_t { kGet, kSet, kIncrBy } kind;
  Overflow ow;
  bool sign;
  int bits;
  uint64_t offset;
  int64_t value;
};

// Redis's getBitfieldTypeFromArgument: "i1".."i64" or "u1".."u63", lower case.
bool ParseFieldType(std::string_view a, bool* sign, int* bits) {
  if (a.empty() || (a[0] != 'i' && a[0] != 'u')) return false;
  *sign = a[0] == 'i';
  int64_t n;
  if (!StrToLL(a.substr(1), &n) || n < 1 || n > (*sign ? 64 : 63)) return false;
  *bits = static_cast<int>(n);
  return true;
}

void BitFieldGeneric(CommandContext& ctx, bool ro_command) {
  boost::container::small_vector<FieldOp, 4> ops;
  Overflow ow = Overflow::kWrap;
  bool readonly = true;
  uint64_t highest = 0;  // farthest bit a SET/INCRBY writes
  for (size_t j = 2; j < ctx.argc(); ++j) {
    size_t remaining = ctx.argc() - j - 1;
    std::string_view sub = ctx.arg(j);
    FieldOp::Kind kind;
    if (EqualsNoCase(sub, "get") && remaining >= 2) kind = FieldOp::kGet;
    else if (EqualsNoCase(sub, "set") && remaining >= 3) kind = FieldOp::kSet;
    else if (EqualsNoCase(sub, "incrby") && remaining >= 3) kind = FieldOp::kIncrBy;
    else if (EqualsNoCase(sub, "overflow") && remaining >= 1) {
      std::string_view t = ctx.arg(++j);
      if (EqualsNoCase(t, "wrap")) ow = Overflow::kWrap;
      else if (EqualsNoCase(t, "sat")) ow = Overflow::kSat;
      else if (EqualsNoCase(t, "fail")) ow = Overflow::kFail;
      else return ctx.rb.Error(err::kBitfieldOverflow);
      continue;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
    FieldOp op{kind, ow, false, 0, 0, 0};
    if (!ParseFieldType(ctx.arg(j + 1), &op.sign, &op.bits)) return ctx.rb.Error(err::kBitfieldType);
    if (!ParseBitOffset(ctx, ctx.arg(j + 2), true, op.bits, &op.offset)) return;
    if (kind != FieldOp::kGet) {
      readonly = false;
      highest = std::max(highest, op.offset + static_cast<uint64_t>(op.bits) - 1);
      if (!StrToLL(ctx.arg(j + 3), &op.value)) return ctx.rb.Error(err::kNotInteger);
    }
    ops.push_back(op);
    j += kind == FieldOp::kGet ? 2 : 3;
  }

  const KeyRef& k = ctx.keys[0];
  Entry* e;
  bool grown = false;  // created or lengthened: every write counts as a change then
  if (readonly) {
    auto [found, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kRead);
    if (wrong) return;
    e = found;
  } else {
    if (ro_command) return ctx.rb.Error(err::kBitfieldRo);
    // A field may end a few bytes past proto-max-bulk-len, as in Redis; only what an Entry
    // can hold limits it.
    if ((highest >> 3) + 1 > UINT32_MAX) return ctx.rb.Error(err::kStringTooLong);
    e = StringForBitWrite(ctx, k, highest >> 3, &grown);
    if (!e) return;
  }
  size_t changes = 0;  // SET/INCRBY ops that changed the string, for the "setbit" event

  ctx.rb.Array(ops.size());
  for (const FieldOp& op : ops) {
    if (op.kind == FieldOp::kGet) {
      // Read through a zero-padded copy of the 9 bytes a 64-bit field can span, so fields
      // past the end of the string read as zeroes.
      uint8_t buf[9] = {};
      uint64_t byte = op.offset >> 3;
      if (e) {
        std::string_view s = e->str();
        for (uint64_t i = 0; i < 9 && byte + i < s.size(); ++i) buf[i] = U8(s)[byte + i];
      }
      uint64_t rel = op.offset - byte * 8;
      if (op.sign) ctx.rb.Int(bits::GetSigned(buf, rel, op.bits));
      else ctx.rb.Int(static_cast<int64_t>(bits::GetUnsigned(buf, rel, op.bits)));
      continue;
    }
    uint8_t* p = reinterpret_cast<uint8_t*>(e->mutable_str());
    if (op.sign) {
      int64_t oldval = bits::GetSigned(p, op.offset, op.bits), newval, retval, wrapped = 0;
      int overflow;
      if (op.kind == FieldOp::kIncrBy) {
        overflow = bits::CheckSignedOverflow(oldval, op.value, op.bits, op.ow, &wrapped);
        newval = overflow ? wrapped
                          : static_cast<int64_t>(static_cast<uint64_t>(oldval) + static_cast<uint64_t>(op.value));
        retval = newval;
      } else {
        newval = op.value;
        overflow = bits::CheckSignedOverflow(newval, 0, op.bits, op.ow, &wrapped);
        if (overflow) newval = wrapped;
        retval = oldval;
      }
      if (overflow && op.ow == Overflow::kFail) {
        ctx.rb.Null();
      } else {
        ctx.rb.Int(retval);
        bits::SetUnsigned(p, op.offset, op.bits, static_cast<uint64_t>(newval));
        if (grown || oldval != newval) ++changes;
      }
    } else {
      uint64_t oldval = bits::GetUnsigned(p, op.offset, op.bits), newval, retval, wrapped = 0;
      int overflow;
      if (op.kind == FieldOp::kIncrBy) {
        newval = oldval + static_cast<uint64_t>(op.value);
        overflow = bits::CheckUnsignedOverflow(oldval, op.value, op.bits, op.ow, &wrapped);
        if (overflow) newval = wrapped;
        retval = newval;
      } else {
        newval = static_cast<uint64_t>(op.value);
        overflow = bits::CheckUnsignedOverflow(newval, 0, op.bits, op.ow, &wrapped);
        if (overflow) newval = wrapped;
        retval = oldval;
      }
      if (overflow && op.ow == Overflow::kFail) {
        ctx.rb.Null();
      } else {
        ctx.rb.Int(static_cast<int64_t>(retval));
        bits::SetUnsigned(p, op.offset, op.bits, newval);
        if (grown || oldval != newval) ++changes;
      }
    }
  }
  if (changes) ctx.Notify(kNotifyString, "setbit", k);
}

void BitField(CommandContext& ctx) { BitFieldGeneric(ctx, false); }
void BitFieldRo(CommandContext& ctx) { BitFieldGeneric(ctx, true); }

}  // namespace

void RegisterBitmapFamily(CommandRegistry& reg) {
  const KeySpec kRoAccess{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0};
  reg.Add({.name = "setbit", .arity = 4, .flags = "write denyoom", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @bitmap @slow",
           .key_specs = {{.flags = "RW access update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = SetBit, .aof = AofLog::kVerbatim, .group = "bitmap", .since = "2.2.0",
           .summary = "Sets or clears the bit at offset in the string value stored at key", .complexity = "O(1)"});
  reg.Add({.name = "getbit", .arity = 3, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @bitmap @fast", .key_specs = {kRoAccess}, .handler = GetBit, .group = "bitmap",
           .since = "2.2.0", .summary = "Returns the bit value at offset in the string value stored at key",
           .complexity = "O(1)"});
  reg.Add({.name = "bitcount", .arity = -2, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @bitmap @slow", .key_specs = {kRoAccess}, .handler = BitCount, .group = "bitmap",
           .since = "2.6.0", .summary = "Count set bits in a string", .complexity = "O(N)"});
  reg.Add({.name = "bitpos", .arity = -3, .flags = "readonly", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @bitmap @slow", .key_specs = {kRoAccess}, .handler = BitPos, .group = "bitmap",
           .since = "2.8.7", .summary = "Find first bit set or clear in a string", .complexity = "O(N)"});
  // Verbatim when every key is on one engine; across engines the effect (SET dest) is logged.
  reg.Add({.name = "bitop", .arity = -4, .flags = "write denyoom", .first_key = 2, .last_key = -1, .step = 1,
           .acl = "@write @bitmap @slow",
           .key_specs = {{.flags = "OW update", .begin_index = 2, .last_key = 0, .key_step = 1, .limit = 0},
                         {.flags = "RO access", .begin_index = 3, .last_key = -1, .key_step = 1, .limit = 0}},
           .handler = BitOp, .aof = AofLog::kVerbatim, .group = "bitmap", .since = "2.6.0",
           .summary = "Perform bitwise operations between strings", .complexity = "O(N)"});
  reg.Add({.name = "bitfield", .arity = -2, .flags = "write denyoom", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @bitmap @slow",
           .key_specs = {{.flags = "RW access update variable_flags", .begin_index = 1, .last_key = 0, .key_step = 1,
                          .limit = 0, .notes = "This command allows both access and modification of the key"}},
           .handler = BitField, .aof = AofLog::kVerbatim, .group = "bitmap", .since = "3.2.0",
           .summary = "Perform arbitrary bitfield integer operations on strings",
           .complexity = "O(1) for each subcommand specified"});
  reg.Add({.name = "bitfield_ro", .arity = -2, .flags = "readonly fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@read @bitmap @fast", .key_specs = {kRoAccess}, .handler = BitFieldRo, .group = "bitmap",
           .since = "6.0.0",
           .summary = "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
           .complexity = "O(1) for each subcommand specified"});
}

}  // namespace ks
