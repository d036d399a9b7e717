#include "engine/listpack.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "common/strconv.h"

namespace ks::lp {
namespace {

uint32_t Load32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24); }
void Store32(uint8_t* p, uint32_t v) {
  p[0] = v & 0xFF;
  p[1] = (v >> 8) & 0xFF;
  p[2] = (v >> 16) & 0xFF;
  p[3] = (v >> 24) & 0xFF;
}
void SetBytes(uint8_t* lp, uint32_t n) { Store32(lp, n); }
void SetCount(uint8_t* lp, uint32_t n) {
  if (n >= 65535) n = 65535;  // Redis: "unknown", counted by walking
  lp[4] = n & 0xFF;
  lp[5] = n >> 8;
}

// Encodes an integer as lpEncodeIntegerGetType does; returns its length.
size_t EncodeInt(int64_t v, uint8_t* buf) {
  if (v >= 0 && v <= 127) {
    buf[0] = static_cast<uint8_t>(v);
    return 1;
  }
  if (v >= -4096 && v <= 4095) {
    uint64_t u = v < 0 ? (uint64_t{1} << 13) + v : v;
    buf[0] = static_cast<uint8_t>((u >> 8) | 0xC0);
    buf[1] = u & 0xFF;
    return 2;
  }
  auto put = [&](uint8_t tag, int bits) {
    uint64_t u = v < 0 ? (bits == 64 ? uint64_t(v) : (uint64_t{1} << bits) + v) : uint64_t(v);
    buf[0] = tag;
    for (int i = 0; i < bits / 8; ++i) buf[1 + i] = (u >> (8 * i)) & 0xFF;
    return size_t(1 + bits / 8);
  };
  if (v >= -32768 && v <= 32767) return put(0xF1, 16);
  if (v >= -8388608 && v <= 8388607) return put(0xF2, 24);
  if (v >= -2147483648LL && v <= 2147483647LL) return put(0xF3, 32);
  return put(0xF4, 64);
}

size_t StrHeaderLen(size_t len) { return len < 64 ? 1 : len < 4096 ? 2 : 5; }

size_t BacklenSize(uint64_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

// lpEncodeBacklen: written left to right, read right to left.
size_t EncodeBacklen(uint8_t* buf, uint64_t l) {
  size_t n = BacklenSize(l);
  if (n == 1) {
    buf[0] = static_cast<uint8_t>(l);
    return 1;
  }
  for (size_t i = 0; i < n; ++i) {
    // The last byte (read first) holds the lowest 7 bits, with the "more" bit set.
    size_t shift = 7 * (n - 1 - i);
    uint8_t b = (l >> shift) & 127;
    if (i != 0) b |= 128;
    buf[i] = b;
  }
  return n;
}

// The length of the element's encoding+data starting at p (no back-length), or 0 when the
// encoding byte is invalid. avail bounds the reads of multi-byte lengths.
size_t EncodedLen(const uint8_t* p, size_t avail) {
  uint8_t b = p[0];
  if ((b & 0x80) == 0) return 1;
  if ((b & 0xC0) == 0x80) return 1 + (b & 0x3F);
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) {
    if (avail < 2) return 0;
    return 2 + (((b & 0x0F) << 8) | p[1]);
  }
  switch (b) {
    case 0xF1: return 3;
    case 0xF2: return 4;
    case 0xF3: return 5;
    case 0xF4: return 9;
    case 0xF0:
      if (avail < 5) return 0;
      return 5 + size_t(Load32(p + 1));
    default: return 0;
  }
}

uint64_t DecodeBacklen(const uint8_t* p, const uint8_t* lower) {
  uint64_t v = 0;
  unsigned shift = 0;
  for (;;) {
    v |= uint64_t(p[0] & 127) << shift;
    if (!(p[0] & 128)) break;
    shift += 7;
    if (p == lower || shift > 28) return UINT64_MAX;
    --p;
  }
  return v;
}

uint8_t* Reserve(uint8_t* lp, size_t need) {
  if (need <= malloc_usable_size(lp)) return lp;
  size_t cap = need < 64 ? need : need + need / 2;
  return static_cast<uint8_t*>(std::realloc(lp, cap));
}

}  // namespace

std::string_view Value::Str(char* buf) const { return is_int ? LLToStr(i, buf) : s; }

int64_t Value::Int() const {
  if (is_int) return i;
  int64_t v = 0;
  StrToLL(s, &v);
  return v;
}

uint8_t* New(size_t cap) {
  if (cap < kHeaderSize + 1) cap = kHeaderSize + 1;
  auto* lp = static_cast<uint8_t*>(std::malloc(cap));
  SetBytes(lp, kHeaderSize + 1);
  SetCount(lp, 0);
  lp[kHeaderSize] = kEof;
  return lp;
}

void Free(uint8_t* lp) { std::free(lp); }

uint8_t* Clone(const uint8_t* lp) {
  auto* c = static_cast<uint8_t*>(std::malloc(Bytes(lp)));
  std::memcpy(c, lp, Bytes(lp));
  return c;
}

uint32_t Bytes(const uint8_t* lp) { return Load32(lp); }
uint16_t RawCount(const uint8_t* lp) { return lp[4] | (lp[5] << 8); }
size_t Allocated(const uint8_t* lp) { return malloc_usable_size(const_cast<uint8_t*>(lp)); }

uint8_t* Shrink(uint8_t* lp) {
  if (malloc_usable_size(lp) <= Bytes(lp) + 8) return lp;
  return static_cast<uint8_t*>(std::realloc(lp, Bytes(lp)));
}

namespace {
uint8_t* AppendEncoded(uint8_t* lp, const uint8_t* enc, size_t enc_len, std::string_view data) {
  uint8_t bl[5];
  size_t bl_len = EncodeBacklen(bl, enc_len + data.size());
  uint32_t old = Bytes(lp);
  size_t add = enc_len + data.size() + bl_len;
  lp = Reserve(lp, old + add);
  uint8_t* p = lp + old - 1;  // over the terminator
  std::memcpy(p, enc, enc_len);
  if (!data.empty()) std::memcpy(p + enc_len, data.data(), data.size());
  std::memcpy(p + enc_len + data.size(), bl, bl_len);
  p[add] = kEof;
  SetBytes(lp, static_cast<uint32_t>(old + add));
  uint16_t c = RawCount(lp);
  if (c != 65535) SetCount(lp, c + 1u);
  return lp;
}
}  // namespace

uint8_t* AppendInt(uint8_t* lp, int64_t v) {
  uint8_t enc[9];
  size_t n = EncodeInt(v, enc);
  return AppendEncoded(lp, enc, n, {});
}

uint8_t* Append(uint8_t* lp, std::string_view s) {
  int64_t v;
  if (s.size() <= 20 && StrToLL(s, &v)) return AppendInt(lp, v);
  uint8_t enc[5];
  size_t n;
  if (s.size() < 64) {
    enc[0] = 0x80 | static_cast<uint8_t>(s.size());
    n = 1;
  } else if (s.size() < 4096) {
    enc[0] = 0xE0 | static_cast<uint8_t>(s.size() >> 8);
    enc[1] = s.size() & 0xFF;
    n = 2;
  } else {
    enc[0] = 0xF0;
    Store32(enc + 1, static_cast<uint32_t>(s.size()));
    n = 5;
  }
  return AppendEncoded(lp, enc, n, s);
}

size_t EntrySize(std::string_view s) {
  int64_t v;
  size_t l;
  if (s.size() <= 20 && StrToLL(s, &v)) {
    uint8_t enc[9];
    l = EncodeInt(v, enc);
  } else {
    l = StrHeaderLen(s.size()) + s.size();
  }
  return l + BacklenSize(l);
}

uint32_t First(const uint8_t* lp) { return lp[kHeaderSize] == kEof ? 0 : kHeaderSize; }

uint32_t Next(const uint8_t* lp, uint32_t off) {
  size_t l = EncodedLen(lp + off, Bytes(lp) - off);
  off += static_cast<uint32_t>(l + BacklenSize(l));
  return lp[off] == kEof ? 0 : off;
}

uint32_t Prev(const uint8_t* lp, uint32_t off) {
  if (off <= kHeaderSize) return 0;
  uint64_t l = DecodeBacklen(lp + off - 1, lp + kHeaderSize);
  return static_cast<uint32_t>(off - BacklenSize(l) - l);
}

uint32_t Last(const uint8_t* lp) { return Prev(lp, Bytes(lp) - 1); }

Value Get(const uint8_t* lp, uint32_t off) {
  const uint8_t* p = lp + off;
  Value v;
  uint8_t b = p[0];
  auto sign = [](uint64_t u, int bits) -> int64_t {
    if (bits == 64) return static_cast<int64_t>(u);
    uint64_t max = (uint64_t{1} << (bits - 1)) - 1;
    return u > max ? static_cast<int64_t>(u) - (int64_t{1} << bits) : static_cast<int64_t>(u);
  };
  auto le = [&](int bytes) {
    uint64_t u = 0;
    for (int i = 0; i < bytes; ++i) u |= uint64_t(p[1 + i]) << (8 * i);
    return u;
  };
  v.is_int = true;
  if ((b & 0x80) == 0) {
    v.i = b;
  } else if ((b & 0xE0) == 0xC0) {
    v.i = sign(((b & 0x1F) << 8) | p[1], 13);
  } else if (b == 0xF1) {
    v.i = sign(le(2), 16);
  } else if (b == 0xF2) {
    v.i = sign(le(3), 24);
  } else if (b == 0xF3) {
    v.i = sign(le(4), 32);
  } else if (b == 0xF4) {
    v.i = sign(le(8), 64);
  } else {
    v.is_int = false;
    if ((b & 0xC0) == 0x80)
      v.s = {reinterpret_cast<const char*>(p + 1), size_t(b & 0x3F)};
    else if ((b & 0xF0) == 0xE0)
      v.s = {reinterpret_cast<const char*>(p + 2), size_t(((b & 0x0F) << 8) | p[1])};
    else
      v.s = {reinterpret_cast<const char*>(p + 5), size_t(Load32(p + 1))};
  }
  return v;
}

uint8_t* ReplaceInt(uint8_t* lp, uint32_t off, int64_t v) {
  size_t old_l = EncodedLen(lp + off, Bytes(lp) - off);
  size_t old_total = old_l + BacklenSize(old_l);
  uint8_t enc[9 + 5];
  size_t l = EncodeInt(v, enc);
  size_t total = l + EncodeBacklen(enc + l, l);
  uint32_t bytes = Bytes(lp);
  if (total > old_total) lp = Reserve(lp, bytes + total - old_total);
  std::memmove(lp + off + total, lp + off + old_total, bytes - off - old_total);
  std::memcpy(lp + off, enc, total);
  SetBytes(lp, static_cast<uint32_t>(bytes + total - old_total));
  return lp;
}

bool Validate(std::string_view blob, size_t* count) {
  const auto* lp = reinterpret_cast<const uint8_t*>(blob.data());
  size_t n = blob.size();
  if (n < kHeaderSize + 1 || Load32(lp) != n || lp[n - 1] != kEof) return false;
  size_t off = kHeaderSize, c = 0;
  while (off < n - 1) {
    size_t avail = n - 1 - off;
    size_t l = EncodedLen(lp + off, avail);
    if (l == 0 || l > avail) return false;
    size_t bl = BacklenSize(l);
    if (l + bl > avail) return false;
    if (DecodeBacklen(lp + off + l + bl - 1, lp + off + l) != l) return false;
    off += l + bl;
    ++c;
  }
  uint16_t rc = RawCount(lp);
  if (rc != 65535 && rc != c) return false;
  *count = c;
  return true;
}

}  // namespace ks::lp
