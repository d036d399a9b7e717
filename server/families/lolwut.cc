// LOLWUT [VERSION v]: Redis 7.0's answer is its version line; VERSION 5 draws Georg Nees'
// "Schotter" in Braille characters as Redis 5's lolwut5.c does (with keyshard's random
// source, so the lower rows differ from any other run, as they do between Redis runs).
// VERSION 6 draws Redis 6's 8-bit skyline in terminal colours as lolwut6.c does (random too).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"

namespace ks {
namespace {

constexpr std::string_view kVersion = "7.0.15";

struct Canvas {
  int width, height;
  std::vector<char> pixels;
  Canvas(int w, int h) : width(w), height(h), pixels(static_cast<size_t>(w) * static_cast<size_t>(h), 0) {}
  void Set(int x, int y) {
    if (x < 0 || x >= width || y < 0 || y >= height) return;
    pixels[static_cast<size_t>(x + y * width)] = 1;
  }
  int Get(int x, int y) const {
    if (x < 0 || x >= width || y < 0 || y >= height) return 0;
    return pixels[static_cast<size_t>(x + y * width)];
  }
  // Bresenham, as lwDrawLine.
  void Line(int x1, int y1, int x2, int y2) {
    int dx = std::abs(x2 - x1), dy = std::abs(y2 - y1);
    int sx = x1 < x2 ? 1 : -1, sy = y1 < y2 ? 1 : -1;
    int err = dx - dy;
    for (;;) {
      Set(x1, y1);
      if (x1 == x2 && y1 == y2) break;
      int e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x1 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y1 += sy;
      }
    }
  }
  void Square(int x, int y, float size, float angle) {
    int px[4], py[4];
    size /= 1.4142135623f;
    size = std::round(size);
    float k = static_cast<float>(M_PI / 4) + angle;
    for (int j = 0; j < 4; ++j) {
      px[j] = static_cast<int>(std::round(std::sin(k) * size + static_cast<float>(x)));
      py[j] = static_cast<int>(std::round(std::cos(k) * size + static_cast<float>(y)));
      k += static_cast<float>(M_PI / 2);
    }
    for (int j = 0; j < 4; ++j) Line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4]);
  }
  // Braille: each character is a 2x4 block of pixels.
  std::string Render() const {
    std::string text;
    for (int y = 0; y < height; y += 4) {
      for (int x = 0; x < width; x += 2) {
        int byte = 0;
        if (Get(x, y)) byte |= 1 << 0;
        if (Get(x, y + 1)) byte |= 1 << 1;
        if (Get(x, y + 2)) byte |= 1 << 2;
        if (Get(x + 1, y)) byte |= 1 << 3;
        if (Get(x + 1, y + 1)) byte |= 1 << 4;
        if (Get(x + 1, y + 2)) byte |= 1 << 5;
        if (Get(x, y + 3)) byte |= 1 << 6;
        if (Get(x + 1, y + 3)) byte |= 1 << 7;
        const int code = 0x2800 + byte;
        text += static_cast<char>(0xE0 | (code >> 12));
        text += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        text += static_cast<char>(0x80 | (code & 0x3F));
      }
      if (y != height - 1) text += '\n';
    }
    return text;
  }
};

bool RangeArg(CommandContext& ctx, std::string_view a, int64_t min, int64_t max, int64_t* out) {
  if (!StrToLL(a, out)) {
    ctx.rb.Error(err::kNotInteger);
    return false;
  }
  if (*out < min || *out > max) {
    ctx.rb.Error(err::ValueRange(min, max));
    return false;
  }
  return true;
}

void Lolwut5(CommandContext& ctx, std::span<const std::string_view> args) {
  int64_t cols = 66, per_row = 8, per_col = 12;
  if (args.size() > 1 && !RangeArg(ctx, args[1], 1, 1000, &cols)) return;
  if (args.size() > 2 && !RangeArg(ctx, args[2], 1, 200, &per_row)) return;
  if (args.size() > 3 && !RangeArg(ctx, args[3], 1, 200, &per_col)) return;
  const int width = static_cast<int>(cols) * 2;
  const int padding = width > 4 ? 2 : 0;
  const float side = static_cast<float>(width - padding * 2) / static_cast<float>(per_row);
  const int height = static_cast<int>(side * static_cast<float>(per_col) + static_cast<float>(padding * 2));
  Canvas canvas(width, height);
  Rng rng = ctx.random();
  auto unit = [&] { return static_cast<float>(rng() >> 40) / static_cast<float>(1 << 24); };
  for (int y = 0; y < per_col; ++y) {
    for (int x = 0; x < per_row; ++x) {
      int sx = static_cast<int>(static_cast<float>(x) * side + side / 2 + static_cast<float>(padding));
      int sy = static_cast<int>(static_cast<float>(y) * side + side / 2 + static_cast<float>(padding));
      float angle = 0;
      if (y > 1) {
        // The further down, the more disorder: rotation and offset grow with the row.
        const float scale = static_cast<float>(y) / static_cast<float>(per_col);
        float r1 = unit() * scale, r2 = unit() * scale, r3 = unit() * scale;
        if (rng() % 2) r1 = -r1;
        if (rng() % 2) r2 = -r2;
        if (rng() % 2) r3 = -r3;
        angle = r1;
        sx += static_cast<int>(r2 * side / 3);
        sy += static_cast<int>(r3 * side / 3);
      }
      canvas.Square(sx, sy, side, angle);
    }
  }
  std::string out = canvas.Render();
  out += "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ";
  out += kVersion;
  out += "\n";
  ctx.rb.Verbatim(out);
}

// lolwut6.c: a canvas of grey levels (0 black .. 3 white), one character per pixel.
struct GreyCanvas {
  int width, height;
  std::vector<uint8_t> pixels;
  GreyCanvas(int w, int h) : width(w), height(h), pixels(static_cast<size_t>(w) * static_cast<size_t>(h), 3) {}
  void Set(int x, int y, int color) {
    if (x < 0 || x >= width || y < 0 || y >= height) return;
    pixels[static_cast<size_t>(x + y * width)] = static_cast<uint8_t>(color);
  }
  int Get(int x, int y) const {
    if (x < 0 || x >= width || y < 0 || y >= height) return 0;
    return pixels[static_cast<size_t>(x + y * width)];
  }
};

struct Skyscraper {
  int xoff, width, height;
  bool windows;
  int color;
};

// generateSkyscraper: a block with a roof two pixels narrower on each side and, in the
// foreground, windows two pixels wide of a random grey.
template <typename Rand>
void DrawSkyscraper(GreyCanvas& c, const Skyscraper& si, Rand& rand) {
  const int starty = c.height - 1;
  const int endy = starty - si.height + 1;
  for (int y = starty; y >= endy; --y) {
    for (int x = si.xoff; x < si.xoff + si.width; ++x) {
      if (y == endy && (x <= si.xoff + 1 || x >= si.xoff + si.width - 2)) continue;
      int color = si.color;
      if (si.windows && x > si.xoff + 1 && x < si.xoff + si.width - 2 && y > endy + 1 && y < starty - 1) {
        const int relx = x - (si.xoff + 1), rely = y - (endy + 1);
        if (relx / 2 % 2 && rely % 2) {
          do {
            color = 1 + rand() % 2;
          } while (color == si.color);
          if (relx % 2) color = c.Get(x - 1, y);  // both pixels of a window share its grey
        }
      }
      c.Set(x, y, color);
    }
  }
}

// generateSkyline: two background layers without windows (lighter behind), then the
// foreground with windows.
template <typename Rand>
void DrawSkyline(GreyCanvas& c, Rand& rand) {
  Skyscraper si{};
  for (int color = 2; color >= 1; --color) {
    si.color = color;
    for (int offset = -10; offset < c.width;) {
      offset += rand() % 8;
      si.xoff = offset;
      si.width = 10 + rand() % 9;
      si.height = color == 2 ? c.height / 2 + rand() % c.height / 2 : c.height / 2 + rand() % c.height / 3;
      si.windows = false;
      DrawSkyscraper(c, si, rand);
      offset += color == 2 ? si.width / 2 : si.width + 1;
    }
  }
  si.color = 0;
  for (int offset = -10; offset < c.width;) {
    offset += rand() % 8;
    si.xoff = offset;
    si.width = 5 + rand() % 14;
    if (si.width % 4) si.width += si.width % 3;
    si.height = c.height / 3 + rand() % c.height / 2;
    si.windows = true;
    DrawSkyscraper(c, si, rand);
    offset += si.width + 5;
  }
}

void Lolwut6(CommandContext& ctx, std::span<const std::string_view> args) {
  int64_t cols = 80, rows = 20;
  // lolwut6Command clamps its arguments instead of refusing them.
  if (args.size() > 1 && !StrToLL(args[1], &cols)) return ctx.rb.Error(err::kNotInteger);
  if (args.size() > 2 && !StrToLL(args[2], &rows)) return ctx.rb.Error(err::kNotInteger);
  cols = std::clamp<int64_t>(cols, 1, 1000);
  rows = std::clamp<int64_t>(rows, 1, 1000);
  GreyCanvas canvas(static_cast<int>(cols), static_cast<int>(rows));
  Rng rng = ctx.random();
  auto rand = [&] { return static_cast<int>(rng() >> 33); };  // rand()'s 0..2^31-1
  DrawSkyline(canvas, rand);
  static constexpr std::string_view kGrey[] = {"0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"};
  std::string out;
  for (int y = 0; y < canvas.height; ++y) {
    for (int x = 0; x < canvas.width; ++x) {
      out += "\033[";
      out += kGrey[canvas.Get(x, y) & 3];
      out += " \033[0m";
    }
    if (y != canvas.height - 1) out += '\n';
  }
  out += "\nDedicated to the 8 bit game developers of past and present.\n"
         "Original 8 bit image from Plaguemon by hikikomori. Redis ver. ";
  out += kVersion;
  out += '\n';
  ctx.rb.Verbatim(out);
}

void Lolwut(CommandContext& ctx) {
  std::string version(kVersion);
  std::span<const std::string_view> args = ctx.args;
  if (ctx.argc() >= 3 && EqualsNoCase(ctx.arg(1), "version")) {
    int64_t v;
    if (!StrToLL(ctx.arg(2), &v) || v < LONG_MIN || v > LONG_MAX) return ctx.rb.Error(err::kNotInteger);
    version = std::to_string(static_cast<unsigned int>(v)) + ".0.0";
    args = args.subspan(2);
  }
  // Redis's rule: 5.x (and 4.9) draw Schotter.
  if ((version[0] == '5' && version[1] == '.' && version[2] != '9') ||
      (version[0] == '4' && version[1] == '.' && version[2] == '9'))
    return Lolwut5(ctx, args);
  if ((version[0] == '6' && version[1] == '.' && version[2] != '9') ||
      (version[0] == '5' && version[1] == '.' && version[2] == '9'))
    return Lolwut6(ctx, args);
  ctx.rb.Verbatim("Redis ver. " + std::string(kVersion) + "\n");
}

}  // namespace

void RegisterLolwutCommand(CommandRegistry& reg) {
  reg.Add({.name = "lolwut",
           .arity = -1,
           .flags = "readonly fast",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@read @fast",
           .handler = Lolwut,
           .lock = LockMode::kSelf,
           .group = "server", .since = "5.0.0",
           .summary = "Displays computer art and the Redis version"});
}

}  // namespace ks
