// struct for Redis scripts: the format language and behaviour of Roberto Ierusalimschy's
// struct library as Redis 7.0 embeds it (with Redis's overflow and offset checks). Checked
// against a real redis-server by tests/integration/lua_libs_diff_test.cc.
//
// Format options:  '>' big endian, '<' little endian, '![n]' maximum alignment (default 8),
// ' ' ignored, 'x' one zero byte, 'b'/'B' signed/unsigned char, 'h'/'H' short, 'l'/'L' long,
// 'T' size_t, 'i[n]'/'I[n]' integer of n bytes (default 4, at most 32), 'f' float, 'd' double,
// 'c[n]' n chars (packing c0: the whole string; unpacking c0: the length is the previous
// number), 's' a zero-terminated string. Sizes and the native (little) endianness are those of
// x86-64 Linux, where Redis runs.
//
// Lua errors unwind with longjmp: only plain C data (luaL_Buffer included) lives across calls
// that can raise.
#include "server/scripting/lua_struct.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include <cctype>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace {

constexpr int kMaxIntSize = 32;   // bytes an 'i'/'I' option may ask for
constexpr int kMaxAlign = 8;      // what '!' without a number means (alignment of double)
constexpr int kDefaultIntSize = 4;

struct Header {
  bool little;  // byte order of the multi-byte options that follow
  int align;    // maximum alignment of the options that follow
};

constexpr Header kDefaults{true, 1};  // native byte order, no alignment

bool IsPowerOfTwo(int x) { return x > 0 && (x & (x - 1)) == 0; }

// Reads the decimal count that may follow an option; `fallback` when there is none.
int ReadCount(lua_State* L, const char** fmt, int fallback) {
  if (!std::isdigit(static_cast<unsigned char>(**fmt))) return fallback;
  int n = 0;
  do {
    int digit = **fmt - '0';
    if (n > (INT_MAX - digit) / 10) luaL_error(L, "integral size overflow");
    n = n * 10 + digit;
    ++*fmt;
  } while (std::isdigit(static_cast<unsigned char>(**fmt)));
  return n;
}

// Bytes an option takes (its count read from the format where it has one); 0 for options
// without a fixed size of their own ('s' and the control options).
size_t OptionSize(lua_State* L, char opt, const char** fmt) {
  switch (opt) {
    case 'b': case 'B': case 'x': return 1;
    case 'h': case 'H': return 2;
    case 'l': case 'L': case 'T': case 'd': return 8;
    case 'f': return 4;
    case 'c': return static_cast<size_t>(ReadCount(L, fmt, 1));
    case 'i': case 'I': {
      int size = ReadCount(L, fmt, kDefaultIntSize);
      if (size > kMaxIntSize) {
        luaL_error(L, "integral size %d is larger than limit of %d", size, kMaxIntSize);
      }
      return static_cast<size_t>(size);
    }
    default: return 0;
  }
}

// Zero bytes needed before an option of `size` bytes at offset `pos`; the mask arithmetic is
// the library's own, also for sizes that are not powers of two.
size_t Padding(size_t pos, const Header& h, char opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  if (size > static_cast<size_t>(h.align)) size = static_cast<size_t>(h.align);
  return (size - (pos & (size - 1))) & (size - 1);
}

// The options that set byte order and alignment; anything else is a format error.
void ApplyControl(lua_State* L, char opt, const char** fmt, Header* h) {
  switch (opt) {
    case ' ': return;
    case '>': h->little = false; return;
    case '<': h->little = true; return;
    case '!': {
      int align = ReadCount(L, fmt, kMaxAlign);
      if (!IsPowerOfTwo(align)) luaL_error(L, "alignment %d is not a power of 2", align);
      h->align = align;
      return;
    }
    default:
      luaL_argerror(L, 1, lua_pushfstring(L, "invalid format option '%c'", opt));
  }
}

bool IsIntegerOption(char opt) { return std::strchr("bBhHlLTiI", opt) != nullptr && opt != '\0'; }

// The C conversions of a Lua number to the 64-bit pattern the library writes, with the results
// x86-64 gives where C leaves them undefined (NaN, out of range), so bytes match Redis's.
uint64_t IntegerBits(double n) {
  constexpr double kTwo63 = 9223372036854775808.0;
  constexpr double kTwo64 = 18446744073709551616.0;
  if (n < 0) return n < -kTwo63 ? (uint64_t{1} << 63) : static_cast<uint64_t>(static_cast<int64_t>(n));
  if (std::isnan(n)) return uint64_t{1} << 63;
  if (n >= kTwo64) return 0;
  return static_cast<uint64_t>(n);
}

void PutInteger(lua_State* L, luaL_Buffer* b, int arg, bool little, size_t size) {
  uint64_t value = IntegerBits(luaL_checknumber(L, arg));
  char bytes[kMaxIntSize];
  for (size_t i = 0; i < size; ++i) {
    bytes[little ? i : size - 1 - i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  luaL_addlstring(b, bytes, size);
}

// Reverses `size` bytes in place when the requested order is not the native (little) one.
void ToOrder(char* p, size_t size, bool little) {
  if (little) return;
  for (size_t i = 0, j = size - 1; i < j; ++i, --j) {
    char t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
}

// struct.pack(fmt, v1, v2, ...)
int Pack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Header h = kDefaults;
  int arg = 2;
  size_t total = 0;
  lua_pushnil(L);  // keeps the buffer's stack entries apart from the arguments
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = OptionSize(L, opt, &fmt);
    size_t pad = Padding(total, h, opt, size);
    total += pad;
    for (; pad > 0; --pad) luaL_addchar(&b, '\0');
    if (IsIntegerOption(opt)) {
      PutInteger(L, &b, arg++, h.little, size);
    } else if (opt == 'x') {
      luaL_addchar(&b, '\0');
    } else if (opt == 'f') {
      float f = static_cast<float>(luaL_checknumber(L, arg++));
      ToOrder(reinterpret_cast<char*>(&f), sizeof f, h.little);
      luaL_addlstring(&b, reinterpret_cast<const char*>(&f), sizeof f);
    } else if (opt == 'd') {
      double d = luaL_checknumber(L, arg++);
      ToOrder(reinterpret_cast<char*>(&d), sizeof d, h.little);
      luaL_addlstring(&b, reinterpret_cast<const char*>(&d), sizeof d);
    } else if (opt == 'c' || opt == 's') {
      size_t len;
      const char* s = luaL_checklstring(L, arg++, &len);
      if (size == 0) size = len;
      // The library names the argument after the string; Redis's scripts see that number.
      luaL_argcheck(L, len >= size, arg, "string too short");
      luaL_addlstring(&b, s, size);
      if (opt == 's') {
        luaL_addchar(&b, '\0');
        ++size;
      }
    } else {
      ApplyControl(L, opt, &fmt, &h);
    }
    total += size;
  }
  luaL_pushresult(&b);
  return 1;
}

lua_Number GetInteger(const char* p, bool little, bool is_signed, size_t size) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) {
    v <<= 8;
    v |= static_cast<unsigned char>(p[little ? size - 1 - i : i]);
  }
  if (!is_signed) return static_cast<lua_Number>(v);
  // Sign-extend from the top bit of the field; the shift count wraps at 64 as x86 does, which
  // is what the library computes for fields wider than 8 bytes.
  uint64_t mask = ~uint64_t{0} << ((size * 8 - 1) & 63);
  if (v & mask) v |= mask;
  return static_cast<lua_Number>(static_cast<int64_t>(v));
}

// struct.unpack(fmt, data[, init]): the values, then the position after the last one read.
int Unpack(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  size_t ld;
  const char* data = luaL_checklstring(L, 2, &ld);
  // Redis's version: only 0 is refused here; a negative or too large offset wraps or runs
  // past the end and fails as "data string too short" when something is to be read.
  size_t pos = static_cast<size_t>(luaL_optinteger(L, 3, 1));
  luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
  --pos;
  Header h = kDefaults;
  int n = 0;
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = OptionSize(L, opt, &fmt);
    pos += Padding(pos, h, opt, size);
    luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");  // this value and the final position
    if (IsIntegerOption(opt)) {
      bool is_signed = std::islower(static_cast<unsigned char>(opt)) != 0;
      lua_pushnumber(L, GetInteger(data + pos, h.little, is_signed, size));
      ++n;
    } else if (opt == 'x') {
      // padding: nothing to read
    } else if (opt == 'f') {
      float f;
      std::memcpy(&f, data + pos, sizeof f);
      ToOrder(reinterpret_cast<char*>(&f), sizeof f, h.little);
      lua_pushnumber(L, f);
      ++n;
    } else if (opt == 'd') {
      double d;
      std::memcpy(&d, data + pos, sizeof d);
      ToOrder(reinterpret_cast<char*>(&d), sizeof d, h.little);
      lua_pushnumber(L, d);
      ++n;
    } else if (opt == 'c') {
      if (size == 0) {
        // c0: the previous result (a number, or a string that reads as one) is the length.
        if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
        size = static_cast<size_t>(lua_tonumber(L, -1));
        lua_pop(L, 1);
        --n;
        luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
      }
      lua_pushlstring(L, data + pos, size);
      ++n;
    } else if (opt == 's') {
      const void* zero = std::memchr(data + pos, '\0', ld - pos);
      if (zero == nullptr) luaL_error(L, "unfinished string in data");
      size = static_cast<size_t>(static_cast<const char*>(zero) - (data + pos)) + 1;
      lua_pushlstring(L, data + pos, size - 1);
      ++n;
    } else {
      ApplyControl(L, opt, &fmt, &h);
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));
  return n + 1;
}

// struct.size(fmt): bytes that pack(fmt, ...) produces; formats with 's' or 'c0' have none.
int Size(lua_State* L) {
  const char* fmt = luaL_checkstring(L, 1);
  Header h = kDefaults;
  size_t pos = 0;
  while (*fmt != '\0') {
    char opt = *fmt++;
    size_t size = OptionSize(L, opt, &fmt);
    pos += Padding(pos, h, opt, size);
    if (opt == 's') {
      luaL_argerror(L, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && size == 0) {
      luaL_argerror(L, 1, "option 'c0' has no fixed size");
    }
    // Unknown letters and digits count as size 0 here, unlike in pack and unpack.
    if (!std::isalnum(static_cast<unsigned char>(opt))) ApplyControl(L, opt, &fmt, &h);
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

constexpr luaL_Reg kFunctions[] = {
    {"pack", Pack},
    {"unpack", Unpack},
    {"size", Size},
    {nullptr, nullptr},
};

}  // namespace

extern "C" int luaopen_struct(lua_State* L) {
  luaL_register(L, "struct", kFunctions);
  return 1;
}
