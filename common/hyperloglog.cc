#include "common/hyperloglog.h"

#include <cmath>
#include <cstring>

namespace ks::hll {
namespace {

// Sparse opcodes.
constexpr uint8_t kXZeroBit = 0x40;
constexpr uint8_t kValBit = 0x80;
constexpr int kValMaxValue = 32;
constexpr int kValMaxLen = 4;
constexpr int kZeroMaxLen = 64;
constexpr int kXZeroMaxLen = 16384;

bool IsZero(uint8_t b) { return (b & 0xc0) == 0; }
bool IsXZero(uint8_t b) { return (b & 0xc0) == kXZeroBit; }
bool IsVal(uint8_t b) { return (b & kValBit) != 0; }
int ZeroLen(uint8_t b) { return (b & 0x3f) + 1; }
int ValValue(uint8_t b) { return ((b >> 2) & 0x1f) + 1; }
int ValLen(uint8_t b) { return (b & 0x3) + 1; }
uint8_t ValOp(int val, int len) { return static_cast<uint8_t>(((val - 1) << 2 | (len - 1)) | kValBit); }

// An XZERO's length. Redis reads the second byte even when the opcode is the value's last
// byte (it finds the string's NUL terminator there); reading 0 instead keeps that behaviour
// without reading past our buffer.
int XZeroLen(const uint8_t* p, const uint8_t* end) {
  uint8_t lo = p + 1 < end ? p[1] : 0;
  return (((p[0] & 0x3f) << 8) | lo) + 1;
}

// Appends a ZERO or XZERO opcode for len zero registers.
uint8_t* PutZeros(uint8_t* n, int len) {
  if (len > kZeroMaxLen) {
    int l = len - 1;
    n[0] = static_cast<uint8_t>((l >> 8) | kXZeroBit);
    n[1] = static_cast<uint8_t>(l & 0xff);
    return n + 2;
  }
  n[0] = static_cast<uint8_t>(len - 1);
  return n + 1;
}

// Redis's hllSigma and hllTau (Ertl, "New cardinality estimation algorithms for HyperLogLog
// sketches"), computed the same way so the estimates agree to the unit.
double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double z_prime, y = 1, z = x;
  do {
    x *= x;
    z_prime = z;
    z += x * y;
    y += y;
  } while (z_prime != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prime, y = 1.0, z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prime = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prime != z);
  return z / 3;
}

using Histogram = std::array<int64_t, 64>;

uint64_t CountFromHistogram(const Histogram& h) {
  constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln(2)
  const double m = static_cast<double>(kRegisters);
  double z = m * Tau((m - static_cast<double>(h[kQ + 1])) / m);
  for (int j = kQ; j >= 1; --j) {
    z += static_cast<double>(h[j]);
    z *= 0.5;
  }
  z += m * Sigma(static_cast<double>(h[0]) / m);
  return static_cast<uint64_t>(llroundl(kAlphaInf * m * m / z));
}

const uint8_t* Bytes(std::string_view v) { return reinterpret_cast<const uint8_t*>(v.data()); }
uint8_t* Bytes(std::string& v) { return reinterpret_cast<uint8_t*>(v.data()); }

}  // namespace

uint64_t MurmurHash64A(const void* key, size_t len, uint64_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const int r = 47;
  // Redis passes the length as an int; elements are bulk strings well under 2 GB.
  uint64_t h = seed ^ (static_cast<uint64_t>(static_cast<int>(len)) * m);
  const uint8_t* data = static_cast<const uint8_t*>(key);
  const uint8_t* end = data + (len - (len & 7));
  while (data != end) {
    uint64_t k = 0;
    for (int i = 7; i >= 0; --i) k = (k << 8) | data[i];  // little endian, as Redis reads it
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
    data += 8;
  }
  switch (len & 7) {
    case 7: h ^= static_cast<uint64_t>(data[6]) << 48; [[fallthrough]];
    case 6: h ^= static_cast<uint64_t>(data[5]) << 40; [[fallthrough]];
    case 5: h ^= static_cast<uint64_t>(data[4]) << 32; [[fallthrough]];
    case 4: h ^= static_cast<uint64_t>(data[3]) << 24; [[fallthrough]];
    case 3: h ^= static_cast<uint64_t>(data[2]) << 16; [[fallthrough]];
    case 2: h ^= static_cast<uint64_t>(data[1]) << 8; [[fallthrough]];
    case 1:
      h ^= static_cast<uint64_t>(data[0]);
      h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

bool IsHll(std::string_view v) {
  if (v.size() < kHeaderSize) return false;
  if (v.substr(0, 4) != "HYLL") return false;
  uint8_t enc = EncodingOf(v);
  if (enc > kSparse) return false;
  if (enc == kDense && v.size() != kDenseSize) return false;
  return true;
}

std::string NewSparse() {
  std::string v(kHeaderSize, '\0');
  std::memcpy(v.data(), "HYLL", 4);
  v[4] = static_cast<char>(kSparse);
  uint8_t op[2];
  for (size_t left = kRegisters; left > 0;) {
    int n = static_cast<int>(left > kXZeroMaxLen ? kXZeroMaxLen : left);
    PutZeros(op, n);
    v.append(reinterpret_cast<const char*>(op), 2);
    left -= static_cast<size_t>(n);
  }
  return v;
}

bool CacheValid(std::string_view v) { return (static_cast<uint8_t>(v[15]) & 0x80) == 0; }

uint64_t CachedCount(std::string_view v) {
  uint64_t c = 0;
  for (int i = 7; i >= 0; --i) c = (c << 8) | static_cast<uint8_t>(v[8 + i]);
  return c;
}

void SetCache(char* v, uint64_t card) {
  for (int i = 0; i < 8; ++i) v[8 + i] = static_cast<char>((card >> (8 * i)) & 0xff);
}

void InvalidateCache(char* v) { v[15] = static_cast<char>(static_cast<uint8_t>(v[15]) | 0x80); }

int PatLen(std::string_view ele, uint32_t* index) {
  uint64_t hash = MurmurHash64A(ele.data(), ele.size(), kSeed);
  *index = static_cast<uint32_t>(hash & (kRegisters - 1));
  hash >>= kP;
  hash |= uint64_t{1} << kQ;  // the run ends by bit Q at the latest: count <= Q + 1
  return __builtin_ctzll(hash) + 1;
}

uint8_t DenseGet(const uint8_t* regs, uint32_t i) {
  size_t byte = size_t{i} * 6 / 8;
  unsigned fb = (i * 6) & 7;
  unsigned v = regs[byte] >> fb;
  if (fb > 2) v |= static_cast<unsigned>(regs[byte + 1]) << (8 - fb);
  return static_cast<uint8_t>(v & 63);
}

void DenseSetRaw(uint8_t* regs, uint32_t i, uint8_t val) {
  size_t byte = size_t{i} * 6 / 8;
  unsigned fb = (i * 6) & 7;
  unsigned v = val & 63u;
  regs[byte] = static_cast<uint8_t>((regs[byte] & ~(63u << fb)) | (v << fb));
  if (fb > 2) {
    unsigned fb8 = 8 - fb;
    regs[byte + 1] = static_cast<uint8_t>((regs[byte + 1] & ~(63u >> fb8)) | (v >> fb8));
  }
}

int DenseSet(uint8_t* regs, uint32_t i, uint8_t count) {
  if (count <= DenseGet(regs, i)) return 0;
  DenseSetRaw(regs, i, count);
  return 1;
}

int DenseAdd(uint8_t* regs, std::string_view ele) {
  uint32_t index;
  int count = PatLen(ele, &index);
  return DenseSet(regs, index, static_cast<uint8_t>(count));
}

bool SparseToDense(std::string& v) {
  if (EncodingOf(v) == kDense) return true;
  std::string d(kDenseSize, '\0');
  std::memcpy(d.data(), v.data(), kHeaderSize);  // magic and cached cardinality
  d[4] = static_cast<char>(kDense);
  uint8_t* regs = Bytes(d) + kHeaderSize;
  const uint8_t* p = Bytes(v) + kHeaderSize;
  const uint8_t* end = Bytes(v) + v.size();
  int64_t idx = 0;
  while (p < end) {
    if (IsZero(*p)) {
      idx += ZeroLen(*p);
      p++;
    } else if (IsXZero(*p)) {
      idx += XZeroLen(p, end);
      p += 2;
    } else {
      int runlen = ValLen(*p), regval = ValValue(*p);
      // Past the last register: corrupt. (Redis 7.0 writes on and fails at the end; a break
      // here, as later Redis versions have, would accept a run ending exactly at the end.)
      if (runlen + idx > static_cast<int64_t>(kRegisters)) return false;
      while (runlen--) DenseSetRaw(regs, static_cast<uint32_t>(idx++), static_cast<uint8_t>(regval));
      p++;
    }
  }
  if (idx != static_cast<int64_t>(kRegisters)) return false;
  v = std::move(d);
  return true;
}

int SparseSet(std::string& v, uint32_t index, uint8_t count, size_t sparse_max_bytes) {
  if (count > kValMaxValue) goto promote;
  {
    // Step 1: find the opcode covering register `index`.
    size_t p = kHeaderSize, end = v.size();
    int64_t first = 0, span = 0;
    size_t prev = 0;
    bool has_prev = false;
    while (p < end) {
      const uint8_t* b = Bytes(v) + p;
      size_t oplen = 1;
      if (IsZero(*b)) {
        span = ZeroLen(*b);
      } else if (IsVal(*b)) {
        span = ValLen(*b);
      } else {
        span = XZeroLen(b, Bytes(v) + end);
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      has_prev = true;
      p += oplen;
      first += span;
    }
    if (span == 0 || p >= end) return -1;  // no opcode covers it: corrupt

    const uint8_t op = Bytes(v)[p];
    const bool is_zero = IsZero(op), is_xzero = IsXZero(op), is_val = !is_zero && !is_xzero;
    const int runlen = is_zero ? ZeroLen(op) : is_xzero ? XZeroLen(Bytes(v) + p, Bytes(v) + end) : ValLen(op);

    // Step 2: the trivial cases, then the general split into up to 5 bytes.
    if (is_val) {
      if (ValValue(op) >= count) return 0;
      if (runlen == 1) {
        v[p] = static_cast<char>(ValOp(count, 1));
        goto updated;
      }
    }
    if (is_zero && runlen == 1) {
      v[p] = static_cast<char>(ValOp(count, 1));
      goto updated;
    }
    {
      uint8_t seq[5], *n = seq;
      const int64_t last = first + span - 1;
      if (is_zero || is_xzero) {
        if (index != first) n = PutZeros(n, static_cast<int>(index - first));
        *n++ = ValOp(count, 1);
        if (index != last) n = PutZeros(n, static_cast<int>(last - index));
      } else {
        int curval = ValValue(op);
        if (index != first) *n++ = ValOp(curval, static_cast<int>(index - first));
        *n++ = ValOp(count, 1);
        if (index != last) *n++ = ValOp(curval, static_cast<int>(last - index));
      }
      // Step 3: replace the old opcode by the sequence, unless that grows the value past the
      // sparse limit.
      const size_t seqlen = static_cast<size_t>(n - seq);
      const size_t oldlen = is_xzero ? 2 : 1;
      if (seqlen > oldlen && v.size() + (seqlen - oldlen) > sparse_max_bytes) goto promote;
      v.replace(p, oldlen, reinterpret_cast<const char*>(seq), seqlen);
    }
  updated:
    // Step 4: merge adjacent VAL opcodes of the same value, scanning up to 5 opcodes from
    // the previous one, as Redis does (so the bytes stay identical).
    {
      size_t q = has_prev ? prev : kHeaderSize;
      int scanlen = 5;
      while (q < v.size() && scanlen--) {
        uint8_t b = Bytes(v)[q];
        if (IsXZero(b)) {
          q += 2;
          continue;
        }
        if (IsZero(b)) {
          q++;
          continue;
        }
        if (q + 1 < v.size() && IsVal(Bytes(v)[q + 1])) {
          int v1 = ValValue(b), v2 = ValValue(Bytes(v)[q + 1]);
          if (v1 == v2) {
            int len = ValLen(b) + ValLen(Bytes(v)[q + 1]);
            if (len <= kValMaxLen) {
              v[q + 1] = static_cast<char>(ValOp(v1, len));
              v.erase(q, 1);
              continue;
            }
          }
        }
        q++;
      }
    }
    InvalidateCache(v.data());
    return 1;
  }
promote:
  if (!SparseToDense(v)) return -1;
  return DenseSet(Bytes(v) + kHeaderSize, index, count);
}

int Add(std::string& v, std::string_view ele, size_t sparse_max_bytes) {
  switch (EncodingOf(v)) {
    case kDense: return DenseAdd(Bytes(v) + kHeaderSize, ele);
    case kSparse: {
      uint32_t index;
      int count = PatLen(ele, &index);
      return SparseSet(v, index, static_cast<uint8_t>(count), sparse_max_bytes);
    }
    default: return -1;
  }
}

bool MergeInto(RawRegisters& max, std::string_view v) {
  if (EncodingOf(v) == kDense) {
    const uint8_t* regs = Bytes(v) + kHeaderSize;
    for (uint32_t i = 0; i < kRegisters; ++i) {
      uint8_t r = DenseGet(regs, i);
      if (r > max[i]) max[i] = r;
    }
    return true;
  }
  const uint8_t* p = Bytes(v) + kHeaderSize;
  const uint8_t* end = Bytes(v) + v.size();
  int64_t i = 0;
  while (p < end) {
    if (IsZero(*p)) {
      i += ZeroLen(*p);
      p++;
    } else if (IsXZero(*p)) {
      i += XZeroLen(p, end);
      p += 2;
    } else {
      int runlen = ValLen(*p), regval = ValValue(*p);
      if (runlen + i > static_cast<int64_t>(kRegisters)) return false;  // as in SparseToDense
      while (runlen--) {
        if (regval > max[static_cast<size_t>(i)]) max[static_cast<size_t>(i)] = static_cast<uint8_t>(regval);
        i++;
      }
      p++;
    }
  }
  return i == static_cast<int64_t>(kRegisters);
}

uint64_t Count(std::string_view v, bool* invalid) {
  Histogram h{};
  if (EncodingOf(v) == kDense) {
    const uint8_t* regs = Bytes(v) + kHeaderSize;
    for (uint32_t i = 0; i < kRegisters; ++i) h[DenseGet(regs, i)]++;
  } else {
    const uint8_t* p = Bytes(v) + kHeaderSize;
    const uint8_t* end = Bytes(v) + v.size();
    int64_t idx = 0;
    while (p < end) {
      if (IsZero(*p)) {
        int n = ZeroLen(*p);
        idx += n;
        h[0] += n;
        p++;
      } else if (IsXZero(*p)) {
        int n = XZeroLen(p, end);
        idx += n;
        h[0] += n;
        p += 2;
      } else {
        int n = ValLen(*p);
        idx += n;
        h[ValValue(*p)] += n;
        p++;
      }
    }
    if (idx != static_cast<int64_t>(kRegisters) && invalid) *invalid = true;
  }
  return CountFromHistogram(h);
}

uint64_t CountRaw(const RawRegisters& regs) {
  Histogram h{};
  for (uint8_t r : regs) h[r & 63]++;
  return CountFromHistogram(h);
}

std::string DecodeSparse(std::string_view v) {
  std::string out;
  const uint8_t* p = Bytes(v) + kHeaderSize;
  const uint8_t* end = Bytes(v) + v.size();
  while (p < end) {
    if (!out.empty()) out += ' ';
    if (IsZero(*p)) {
      out += "z:" + std::to_string(ZeroLen(*p));
      p++;
    } else if (IsXZero(*p)) {
      out += "Z:" + std::to_string(XZeroLen(p, end));
      p += 2;
    } else {
      out += "v:" + std::to_string(ValValue(*p)) + "," + std::to_string(ValLen(*p));
      p++;
    }
  }
  return out;
}

}  // namespace ks::hll
