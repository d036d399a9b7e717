#include "persistence/rdb_codec.h"

#include <charconv>
#include <cstring>

namespace ks::rdb {
namespace {

void PutLE(std::string& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetLE(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// lpEncodeBacklen: the entry length written so it can be read from its last byte backwards.
void PutBacklen(std::string& out, uint64_t l) {
  if (l <= 127) {
    out.push_back(static_cast<char>(l));
  } else if (l < 16383) {
    out.push_back(static_cast<char>(l >> 7));
    out.push_back(static_cast<char>((l & 127) | 128));
  } else if (l < 2097151) {
    out.push_back(static_cast<char>(l >> 14));
    out.push_back(static_cast<char>(((l >> 7) & 127) | 128));
    out.push_back(static_cast<char>((l & 127) | 128));
  } else if (l < 268435455) {
    out.push_back(static_cast<char>(l >> 21));
    out.push_back(static_cast<char>(((l >> 14) & 127) | 128));
    out.push_back(static_cast<char>(((l >> 7) & 127) | 128));
    out.push_back(static_cast<char>((l & 127) | 128));
  } else {
    out.push_back(static_cast<char>(l >> 28));
    out.push_back(static_cast<char>(((l >> 21) & 127) | 128));
    out.push_back(static_cast<char>(((l >> 14) & 127) | 128));
    out.push_back(static_cast<char>(((l >> 7) & 127) | 128));
    out.push_back(static_cast<char>((l & 127) | 128));
  }
}

size_t BacklenSize(uint64_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

std::string_view FormatInt(int64_t v, char* buf) {
  auto r = std::to_chars(buf, buf + 24, v);
  return {buf, static_cast<size_t>(r.ptr - buf)};
}

}  // namespace

bool StrToInt64(std::string_view s, int64_t* v) {
  if (s.empty() || s.size() > 20) return false;
  if (s.size() == 1 && s[0] == '0') {
    *v = 0;
    return true;
  }
  size_t i = s[0] == '-' ? 1 : 0;
  if (i >= s.size() || s[i] < '1' || s[i] > '9') return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

void ListpackBuilder::Append(std::string_view s) {
  size_t start = buf_.size();
  int64_t v;
  if (StrToInt64(s, &v)) {
    if (v >= 0 && v <= 127) {
      buf_.push_back(static_cast<char>(v));
    } else if (v >= -4096 && v <= 4095) {
      uint64_t u = v < 0 ? (1ULL << 13) + v : v;
      buf_.push_back(static_cast<char>((u >> 8) | 0xC0));
      buf_.push_back(static_cast<char>(u & 0xff));
    } else if (v >= -32768 && v <= 32767) {
      buf_.push_back(static_cast<char>(0xF1));
      PutLE(buf_, static_cast<uint64_t>(v), 2);
    } else if (v >= -8388608 && v <= 8388607) {
      buf_.push_back(static_cast<char>(0xF2));
      PutLE(buf_, static_cast<uint64_t>(v), 3);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      buf_.push_back(static_cast<char>(0xF3));
      PutLE(buf_, static_cast<uint64_t>(v), 4);
    } else {
      buf_.push_back(static_cast<char>(0xF4));
      PutLE(buf_, static_cast<uint64_t>(v), 8);
    }
  } else if (s.size() < 64) {
    buf_.push_back(static_cast<char>(0x80 | s.size()));
    buf_.append(s);
  } else if (s.size() < 4096) {
    buf_.push_back(static_cast<char>((s.size() >> 8) | 0xE0));
    buf_.push_back(static_cast<char>(s.size() & 0xff));
    buf_.append(s);
  } else {
    buf_.push_back(static_cast<char>(0xF0));
    PutLE(buf_, s.size(), 4);
    buf_.append(s);
  }
  PutBacklen(buf_, buf_.size() - start);
  ++count_;
}

std::string ListpackBuilder::Finish() {
  buf_.push_back(static_cast<char>(0xFF));
  std::string h;
  PutLE(h, buf_.size(), 4);
  PutLE(h, count_ < 65535 ? count_ : 65535, 2);
  std::memcpy(buf_.data(), h.data(), 6);
  return std::move(buf_);
}

bool ForEachListpack(std::string_view lp, const std::function<void(std::string_view)>& f) {
  const auto* b = reinterpret_cast<const unsigned char*>(lp.data());
  size_t n = lp.size();
  if (n < 7 || GetLE(b, 4) != n || b[n - 1] != 0xFF) return false;
  uint64_t declared = GetLE(b + 4, 2);
  size_t pos = 6, count = 0;
  char buf[24];
  while (pos < n - 1) {
    unsigned char c = b[pos];
    size_t hdr = 0, len = 0;
    bool is_int = false;
    int64_t v = 0;
    size_t avail = n - 1 - pos;
    auto need = [&](size_t k) { return avail >= k; };
    if ((c & 0x80) == 0) {
      is_int = true, v = c & 0x7f, hdr = 1;
    } else if ((c & 0xC0) == 0x80) {
      hdr = 1, len = c & 0x3f;
    } else if ((c & 0xE0) == 0xC0) {
      if (!need(2)) return false;
      uint64_t u = (static_cast<uint64_t>(c & 0x1f) << 8) | b[pos + 1];
      v = u >= 4096 ? static_cast<int64_t>(u) - 8192 : static_cast<int64_t>(u);
      is_int = true, hdr = 2;
    } else if ((c & 0xF0) == 0xE0) {
      if (!need(2)) return false;
      hdr = 2, len = (static_cast<size_t>(c & 0x0f) << 8) | b[pos + 1];
    } else if (c == 0xF0) {
      if (!need(5)) return false;
      hdr = 5, len = GetLE(b + pos + 1, 4);
    } else if (c >= 0xF1 && c <= 0xF4) {
      int w = c == 0xF1 ? 2 : c == 0xF2 ? 3 : c == 0xF3 ? 4 : 8;
      if (!need(1 + w)) return false;
      uint64_t u = GetLE(b + pos + 1, w);
      if (w < 8) {  // sign-extend
        uint64_t sign = 1ULL << (8 * w - 1);
        v = static_cast<int64_t>((u ^ sign) - sign);
      } else {
        v = static_cast<int64_t>(u);
      }
      is_int = true, hdr = 1 + w;
    } else {
      return false;
    }
    if (!need(hdr + len)) return false;
    size_t entry = hdr + len;
    size_t bl = BacklenSize(entry);
    if (!need(entry + bl)) return false;
    f(is_int ? FormatInt(v, buf) : std::string_view(lp.data() + pos + hdr, len));
    pos += entry + bl;
    ++count;
  }
  if (pos != n - 1) return false;
  return declared == 65535 || declared == count;
}

bool ForEachZiplist(std::string_view zl, const std::function<void(std::string_view)>& f) {
  const auto* b = reinterpret_cast<const unsigned char*>(zl.data());
  size_t n = zl.size();
  if (n < 11 || GetLE(b, 4) != n || b[n - 1] != 0xFF) return false;
  uint64_t declared = GetLE(b + 8, 2);
  size_t pos = 10, count = 0;
  char buf[24];
  while (pos < n - 1) {
    size_t avail = n - 1 - pos;
    size_t prevlen_size = b[pos] < 254 ? 1 : 5;
    if (avail < prevlen_size + 1) return false;
    size_t p = pos + prevlen_size;
    avail -= prevlen_size;
    unsigned char c = b[p];
    size_t hdr, len = 0;
    bool is_int = true;
    int64_t v = 0;
    switch (c >> 6) {
      case 0:
        is_int = false, hdr = 1, len = c & 0x3f;
        break;
      case 1:
        if (avail < 2) return false;
        is_int = false, hdr = 2, len = (static_cast<size_t>(c & 0x3f) << 8) | b[p + 1];
        break;
      case 2:
        if (avail < 5) return false;
        is_int = false, hdr = 5;
        len = (static_cast<size_t>(b[p + 1]) << 24) | (static_cast<size_t>(b[p + 2]) << 16) |
              (static_cast<size_t>(b[p + 3]) << 8) | b[p + 4];
        break;
      default: {
        int w;
        if (c == 0xC0) w = 2;
        else if (c == 0xD0) w = 4;
        else if (c == 0xE0) w = 8;
        else if (c == 0xF0) w = 3;
        else if (c == 0xFE) w = 1;
        else if (c >= 0xF1 && c <= 0xFD) w = 0;
        else return false;
        hdr = 1 + w;
        if (avail < hdr) return false;
        if (w == 0) {
          v = (c & 0x0f) - 1;
        } else {
          uint64_t u = GetLE(b + p + 1, w);
          uint64_t sign = w < 8 ? 1ULL << (8 * w - 1) : 0;
          v = w < 8 ? static_cast<int64_t>((u ^ sign) - sign) : static_cast<int64_t>(u);
        }
      }
    }
    if (avail < hdr + len) return false;
    f(is_int ? FormatInt(v, buf) : std::string_view(zl.data() + p + hdr, len));
    pos = p + hdr + len;
    ++count;
  }
  if (pos != n - 1) return false;
  return declared == 65535 || declared == count;
}

bool ParseIntset(std::string_view blob, std::vector<int64_t>* out) {
  const auto* b = reinterpret_cast<const unsigned char*>(blob.data());
  if (blob.size() < 8) return false;
  uint64_t w = GetLE(b, 4), len = GetLE(b + 4, 4);
  if ((w != 2 && w != 4 && w != 8) || blob.size() != 8 + w * len) return false;
  out->clear();
  out->reserve(len);
  for (uint64_t i = 0; i < len; ++i) {
    uint64_t u = GetLE(b + 8 + i * w, static_cast<int>(w));
    uint64_t sign = w < 8 ? 1ULL << (8 * w - 1) : 0;
    int64_t v = w < 8 ? static_cast<int64_t>((u ^ sign) - sign) : static_cast<int64_t>(u);
    if (!out->empty() && v <= out->back()) return false;  // must be sorted and distinct
    out->push_back(v);
  }
  return true;
}

std::string EncodeIntset(const std::vector<int64_t>& sorted, size_t width) {
  std::string out;
  out.reserve(8 + sorted.size() * width);
  PutLE(out, width, 4);
  PutLE(out, sorted.size(), 4);
  for (int64_t v : sorted) PutLE(out, static_cast<uint64_t>(v), static_cast<int>(width));
  return out;
}

}  // namespace ks::rdb
