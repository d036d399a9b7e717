// Geospatial indexes: Redis 7.0's geo.c. A geo index is a sorted set whose scores are 52-bit
// interleaved geohashes (common/geohash.h), so GEOADD is ZADD with computed scores and every
// sorted set command works on it. Searches scan the 9 geohash boxes around the area, as
// Redis does, and sort as Redis sorts (a stable sort, or its pqsort with COUNT), so results,
// their order and the ANY shortcut match Redis's. GEORADIUS ... STORE and GEOSEARCHSTORE
// write their destination on whichever engine owns it: the execution path holds the engines
// of both keys.
#include <algorithm>
#include <string>
#include <vector>

#include "common/geohash.h"
#include "common/partial_qsort.h"
#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/families/zset_internal.h"

namespace ks {
namespace {

using zset_detail::Elements;

// Meters per unit (case-insensitive), or a negative value for an unknown unit.
double UnitToMeters(std::string_view u) {
  if (EqualsNoCase(u, "m")) return 1;
  if (EqualsNoCase(u, "km")) return 1000;
  if (EqualsNoCase(u, "ft")) return 0.3048;
  if (EqualsNoCase(u, "mi")) return 1609.34;
  return -1;
}

// Redis's extractLongLatOrReply: args i, i+1 as longitude, latitude within Mercator's limits.
bool ParseLonLat(CommandContext& ctx, size_t i, double xy[2]) {
  for (int j = 0; j < 2; ++j)
    if (!StrToD(ctx.arg(i + j), &xy[j])) {
      ctx.rb.Error(err::kNotFloat);
      return false;
    }
  if (xy[0] < geo::kLonMin || xy[0] > geo::kLonMax || xy[1] < geo::kLatMin || xy[1] > geo::kLatMax) {
    ctx.rb.Error(err::GeoInvalidLonLat(xy[0], xy[1]));
    return false;
  }
  return true;
}

bool ParseUnit(CommandContext& ctx, size_t i, double* conversion) {
  *conversion = UnitToMeters(ctx.arg(i));
  if (*conversion < 0) {
    ctx.rb.Error(err::kGeoUnit);
    return false;
  }
  return true;
}

// <radius> <unit> at i.
bool ParseRadius(CommandContext& ctx, size_t i, geo::Shape* shape) {
  if (!StrToD(ctx.arg(i), &shape->radius)) {
    ctx.rb.Error(err::kGeoNeedRadius);
    return false;
  }
  if (shape->radius < 0) {
    ctx.rb.Error(err::kGeoRadiusNegative);
    return false;
  }
  shape->type = geo::Shape::kCircle;
  return ParseUnit(ctx, i + 1, &shape->conversion);
}

// <width> <height> <unit> at i.
bool ParseBox(CommandContext& ctx, size_t i, geo::Shape* shape) {
  double w, h;
  if (!StrToD(ctx.arg(i), &w)) {
    ctx.rb.Error(err::kGeoNeedWidth);
    return false;
  }
  if (!StrToD(ctx.arg(i + 1), &h)) {
    ctx.rb.Error(err::kGeoNeedHeight);
    return false;
  }
  if (h < 0 || w < 0) {
    ctx.rb.Error(err::kGeoBoxNegative);
    return false;
  }
  shape->width = w;
  shape->height = h;
  shape->type = geo::Shape::kBox;
  return ParseUnit(ctx, i + 2, &shape->conversion);
}

// ---- GEOADD, GEODIST, GEOHASH, GEOPOS -----------------------------------------------------

// GEOADD key [NX|XX] [CH] lon lat member [lon lat member ...]: ZADD key [options] score member...
void GeoAdd(CommandContext& ctx) {
  size_t first = 2;
  bool nx = false, xx = false;
  for (; first < ctx.argc(); ++first) {
    std::string_view o = ctx.arg(first);
    if (EqualsNoCase(o, "nx"))
      nx = true;
    else if (EqualsNoCase(o, "xx"))
      xx = true;
    else if (!EqualsNoCase(o, "ch"))  // CH is ZADD's
      break;
  }
  if ((ctx.argc() - first) % 3 || (nx && xx)) return ctx.rb.Error(err::kSyntax);
  const size_t n = (ctx.argc() - first) / 3;
  std::vector<std::string> scores(n);
  for (size_t i = 0; i < n; ++i) {
    double xy[2];
    if (!ParseLonLat(ctx, first + i * 3, xy)) return;
    geo::HashBits hash;
    geo::EncodeWGS84(xy[0], xy[1], geo::kStepMax, &hash);
    scores[i] = std::to_string(geo::Align52(hash));
  }
  std::vector<std::string_view> zargs;
  zargs.reserve(first + n * 2);
  zargs.push_back("zadd");
  for (size_t i = 1; i < first; ++i) zargs.push_back(ctx.arg(i));
  for (size_t i = 0; i < n; ++i) {
    zargs.push_back(scores[i]);
    zargs.push_back(ctx.arg(first + i * 3 + 2));
  }
  const std::span<const std::string_view> saved = ctx.args;
  ctx.args = zargs;
  zset_detail::ZAddCommand(ctx);
  ctx.args = saved;  // the AOF logs GEOADD as sent
}

void GeoDist(CommandContext& ctx) {
  double to_meters = 1;
  if (ctx.argc() == 5) {
    if (!ParseUnit(ctx, 4, &to_meters)) return;
  } else if (ctx.argc() > 5) {
    return ctx.rb.Error(err::kSyntax);
  }
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kZSet, Access::kRead);
  if (wrong) return;
  double s1, s2, a[2], b[2];
  if (!e || !zset_detail::ZSetOf(e).Score(ctx.arg(2), &s1) || !zset_detail::ZSetOf(e).Score(ctx.arg(3), &s2) ||
      !geo::DecodeScore(s1, a) || !geo::DecodeScore(s2, b))
    return ctx.rb.Null();
  ctx.rb.Bulk(geo::FormatDistance(geo::Distance(a[0], a[1], b[0], b[1]) / to_meters));
}

void GeoHash(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kZSet, Access::kRead);
  if (wrong) return;
  ctx.rb.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    double s;
    if (e && zset_detail::ZSetOf(e).Score(ctx.arg(i), &s))
      ctx.rb.Bulk(geo::HashString(s));
    else
      ctx.rb.Null();
  }
}

void ReplyCoords(ReplyBuilder& rb, const double xy[2]) {
  rb.Array(2);
  rb.DoubleText(geo::FormatCoord(xy[0]));
  rb.DoubleText(geo::FormatCoord(xy[1]));
}

void GeoPos(CommandContext& ctx) {
  auto [e, wrong] = ctx.LookupOrReply(ctx.keys[0], ObjType::kZSet, Access::kRead);
  if (wrong) return;
  ctx.rb.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    double s, xy[2];
    if (e && zset_detail::ZSetOf(e).Score(ctx.arg(i), &s) && geo::DecodeScore(s, xy))
      ReplyCoords(ctx.rb, xy);
    else
      ctx.rb.NullArray();
  }
}

// ---- Searches ---------------------------------------------------------------------------

struct GeoPoint {
  double lon, lat, dist, score;
  std::string_view member;  // into the source set, which the search does not change
};

// Appends the members scored in [min, max) that lie within shape; stops at limit (0: none).
void PointsInRange(const ZSet& z, double min, double max, const geo::Shape& shape, std::vector<GeoPoint>& out,
                   size_t limit) {
  auto [first, last] = z.ScoreRanks(ZScoreRange{min, max, false, true});
  if (first > last) return;
  ZSet::Cursor c = z.At(first, false);
  for (int64_t r = first; r <= last && c.Valid(); ++r, c.Next()) {
    double xy[2], dist = 0;
    if (geo::WithinShape(shape, c.score(), xy, &dist)) out.push_back({xy[0], xy[1], dist, c.score(), c.member()});
    if (limit && out.size() >= limit) break;
  }
}

// Redis's membersOfAllNeighbors: the center box, then N, S, E, W, NE, NW, SE, SW.
void MembersOfAllNeighbors(const ZSet& z, const geo::SearchAreas& a, const geo::Shape& shape,
                           std::vector<GeoPoint>& out, size_t limit) {
  const geo::HashBits boxes[9] = {a.hash,
                                  a.neighbors.north,
                                  a.neighbors.south,
                                  a.neighbors.east,
                                  a.neighbors.west,
                                  a.neighbors.north_east,
                                  a.neighbors.north_west,
                                  a.neighbors.south_east,
                                  a.neighbors.south_west};
  size_t last_processed = 0;
  for (size_t i = 0; i < 9; ++i) {
    if (boxes[i].zero()) continue;
    // With huge radii neighbours can repeat the box before them: searched once. (As in
    // Redis, the center box is never compared.)
    if (last_processed && boxes[i].bits == boxes[last_processed].bits &&
        boxes[i].step == boxes[last_processed].step)
      continue;
    if (limit && out.size() >= limit) break;
    geo::HashBits next = boxes[i];
    next.bits++;
    PointsInRange(z, static_cast<double>(geo::Align52(boxes[i])), static_cast<double>(geo::Align52(next)), shape,
                  out, limit);
    last_processed = i;
  }
}

enum GeoFlag : uint8_t {
  kFromCoords = 1,  // GEORADIUS: lon lat radius unit
  kFromMember = 2,  // GEORADIUSBYMEMBER: member radius unit
  kNoStore = 4,     // the _RO variants
  kSearch = 8,      // GEOSEARCH syntax
  kSearchStore = 16,
};

enum class Order : uint8_t { kNone, kAsc, kDesc };

// Redis's georadiusGeneric, for all six search commands. src_idx is the source key's argument.
void GeoSearchGeneric(CommandContext& ctx, size_t src_idx, uint8_t flags) {
  const KeyRef& src = ctx.keys[src_idx == 1 ? 0 : 1];
  auto [e, wrong] = ctx.LookupOrReply(src, ObjType::kZSet, Access::kRead);
  if (wrong) return;

  geo::Shape shape;
  size_t base;
  size_t store_idx = 0;
  if (flags & kFromCoords) {
    base = 6;
    if (!ParseLonLat(ctx, 2, shape.xy) || !ParseRadius(ctx, 4, &shape)) return;
  } else if (flags & kFromMember) {
    base = 5;
    // Without the key Redis parses on only to know which empty reply to give.
    if (e) {
      double s;
      if (!zset_detail::ZSetOf(e).Score(ctx.arg(2), &s) || !geo::DecodeScore(s, shape.xy))
        return ctx.rb.Error(err::kGeoNoMember);
      if (!ParseRadius(ctx, 3, &shape)) return;
    }
  } else {
    base = 2;
    if (flags & kSearchStore) {
      base = 3;
      store_idx = 1;
    }
  }

  bool withdist = false, withhash = false, withcoords = false, storedist = false;
  bool frommember = false, fromloc = false, byradius = false, bybox = false, any = false;
  Order order = Order::kNone;
  int64_t count = 0;
  const size_t remaining = ctx.argc() - base;
  for (size_t i = 0; i < remaining; ++i) {
    const std::string_view a = ctx.arg(base + i);
    const size_t at = base + i;
    if (EqualsNoCase(a, "withdist")) {
      withdist = true;
    } else if (EqualsNoCase(a, "withhash")) {
      withhash = true;
    } else if (EqualsNoCase(a, "withcoord")) {
      withcoords = true;
    } else if (EqualsNoCase(a, "any")) {
      any = true;
    } else if (EqualsNoCase(a, "asc")) {
      order = Order::kAsc;
    } else if (EqualsNoCase(a, "desc")) {
      order = Order::kDesc;
    } else if (EqualsNoCase(a, "count") && i + 1 < remaining) {
      if (!StrToLL(ctx.arg(at + 1), &count)) return ctx.rb.Error(err::kNotInteger);
      if (count <= 0) return ctx.rb.Error(err::kGeoCountPositive);
      ++i;
    } else if ((EqualsNoCase(a, "store") || EqualsNoCase(a, "storedist")) && i + 1 < remaining &&
               !(flags & kNoStore) && !(flags & kSearch)) {
      store_idx = at + 1;
      storedist = EqualsNoCase(a, "storedist");
      ++i;
    } else if (EqualsNoCase(a, "storedist") && (flags & kSearch) && (flags & kSearchStore)) {
      storedist = true;
    } else if (EqualsNoCase(a, "frommember") && i + 1 < remaining && (flags & kSearch) && !fromloc) {
      if (e) {
        double s;
        if (!zset_detail::ZSetOf(e).Score(ctx.arg(at + 1), &s) || !geo::DecodeScore(s, shape.xy))
          return ctx.rb.Error(err::kGeoNoMember);
      }
      frommember = true;
      ++i;
    } else if (EqualsNoCase(a, "fromlonlat") && i + 2 < remaining && (flags & kSearch) && !frommember) {
      if (!ParseLonLat(ctx, at + 1, shape.xy)) return;
      fromloc = true;
      i += 2;
    } else if (EqualsNoCase(a, "byradius") && i + 2 < remaining && (flags & kSearch) && !bybox) {
      if (!ParseRadius(ctx, at + 1, &shape)) return;
      byradius = true;
      i += 2;
    } else if (EqualsNoCase(a, "bybox") && i + 3 < remaining && (flags & kSearch) && !byradius) {
      if (!ParseBox(ctx, at + 1, &shape)) return;
      bybox = true;
      i += 3;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }

  const bool store = store_idx != 0;
  if (store && (withdist || withhash || withcoords))
    return ctx.rb.Error(err::GeoStoreWithOptions(flags & kSearchStore));
  if ((flags & kSearch) && !(frommember || fromloc)) return ctx.rb.Error(err::GeoExactlyOneFrom(ctx.arg(0)));
  if ((flags & kSearch) && !(byradius || bybox)) return ctx.rb.Error(err::GeoExactlyOneBy(ctx.arg(0)));
  if (any && !count) return ctx.rb.Error(err::kGeoAnyNeedsCount);

  // The destination: the key the table located at store_idx (GEOSEARCHSTORE's first key, or
  // the last STORE/STOREDIST of GEORADIUS, as Redis's georadiusGetKeys finds it).
  const KeyRef* dst = nullptr;
  if (store) {
    for (const KeyRef& k : ctx.keys)
      if (k.key.data() == ctx.arg(store_idx).data()) dst = &k;
    if (!dst) return ctx.rb.Error(err::kSyntax);
  }

  if (!e) {
    if (dst) {
      ctx.Delete(*dst);
      return ctx.rb.Int(0);
    }
    return ctx.rb.Array(0);
  }

  // COUNT returns the nearest ones, unless ANY asked for the first found.
  if (count != 0 && order == Order::kNone && !any) order = Order::kAsc;

  ZSet z = zset_detail::ZSetOf(e);
  geo::SearchAreas areas = geo::AreasByShape(&shape);
  std::vector<GeoPoint> found;
  MembersOfAllNeighbors(z, areas, shape, found, any ? static_cast<size_t>(count) : 0);
  if (found.empty() && !dst) return ctx.rb.Array(0);

  const size_t total = found.size();
  const size_t returned = (count == 0 || total < static_cast<size_t>(count)) ? total : static_cast<size_t>(count);
  if (order != Order::kNone) {
    const bool desc = order == Order::kDesc;
    if (returned == total) {
      // glibc's qsort is a merge sort: stable.
      std::stable_sort(found.begin(), found.end(),
                       [desc](const GeoPoint& a, const GeoPoint& b) { return desc ? a.dist > b.dist : a.dist < b.dist; });
    } else {
      auto cmp = [desc](const GeoPoint& a, const GeoPoint& b) {
        int c = a.dist > b.dist ? 1 : (a.dist == b.dist ? 0 : -1);
        return desc ? -c : c;
      };
      PartialQsort(found.data(), total, cmp, 0, static_cast<int64_t>(returned) - 1);
    }
  }

  if (!dst) {
    const size_t options = size_t{withdist} + size_t{withcoords} + size_t{withhash};
    ctx.rb.Array(returned);
    for (size_t i = 0; i < returned; ++i) {
      const GeoPoint& p = found[i];
      if (options) ctx.rb.Array(options + 1);
      ctx.rb.Bulk(p.member);
      if (withdist) ctx.rb.Bulk(geo::FormatDistance(p.dist / shape.conversion));
      if (withhash) ctx.rb.Int(static_cast<int64_t>(p.score));
      if (withcoords) {
        const double xy[2] = {p.lon, p.lat};
        ReplyCoords(ctx.rb, xy);
      }
    }
    return;
  }
  Elements out;
  out.reserve(returned);
  for (size_t i = 0; i < returned; ++i)
    out.emplace_back(std::string(found[i].member), storedist ? found[i].dist / shape.conversion : found[i].score);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  // An empty result deletes the destination.
  zset_detail::StoreSorted(ctx, *dst, out, (flags & kSearchStore) ? "geosearchstore" : "georadiusstore");
  ctx.rb.Int(static_cast<int64_t>(returned));
}

void GeoRadius(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kFromCoords); }
void GeoRadiusByMember(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kFromMember); }
void GeoRadiusRo(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kFromCoords | kNoStore); }
void GeoRadiusByMemberRo(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kFromMember | kNoStore); }
void GeoSearch(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kSearch); }
void GeoSearchStore(CommandContext& ctx) { GeoSearchGeneric(ctx, 2, kSearch | kSearchStore); }

// Redis's georadiusGetKeys: the source, and the key after the last STORE or STOREDIST.
void GeoRadiusKeys(std::span<const std::string_view> args, KeyIndexes& out) {
  out.push_back(1);
  int stored = -1;
  for (size_t i = 5; i < args.size(); ++i)
    if ((EqualsNoCase(args[i], "store") || EqualsNoCase(args[i], "storedist")) && i + 1 < args.size()) {
      stored = static_cast<int>(i + 1);
      ++i;
    }
  if (stored > 0) out.push_back(stored);
}

}  // namespace

void RegisterGeoFamily(CommandRegistry& reg) {
  reg.Add(
      {.name = "geoadd",
       .arity = -5,
       .flags = "write denyoom",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @geo @slow",
       .key_specs = {{.flags = "RW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = GeoAdd,
       .aof = AofLog::kVerbatim,
       .group = "geo", .since = "3.2.0",
       .summary = "Add one or more geospatial items in the geospatial index represented using a sorted set",
       .complexity = "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
      });
  reg.Add(
      {.name = "geodist",
       .arity = -4,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @geo @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = GeoDist,
       .group = "geo", .since = "3.2.0",
       .summary = "Returns the distance between two members of a geospatial index",
       .complexity = "O(log(N))",
      });
  reg.Add(
      {.name = "geohash",
       .arity = -2,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @geo @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = GeoHash,
       .group = "geo", .since = "3.2.0",
       .summary = "Returns members of a geospatial index as standard geohash strings",
       .complexity = "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
      });
  reg.Add(
      {.name = "geopos",
       .arity = -2,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @geo @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = GeoPos,
       .group = "geo", .since = "3.2.0",
       .summary = "Returns longitude and latitude of members of a geospatial index",
       .complexity = "O(N) where N is the number of members requested.",
      });
  reg.Add(
      {.name = "georadius",
       .arity = -6,
       .flags = "write denyoom movablekeys",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @geo @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}, {.flags = "OW update", .begin_keyword = "STORE", .begin_startfrom = 6, .last_key = 0, .key_step = 1, .limit = 0}, {.flags = "OW update", .begin_keyword = "STOREDIST", .begin_startfrom = 6, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = GeoRadius,
       .find_keys = GeoRadiusKeys,
       .aof = AofLog::kChangedKeys,
       .group = "geo", .since = "3.2.0",
       .summary = "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point",
       .complexity = "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
      });
  reg.Add(
      {.name = "georadiusbymember",
       .arity = -5,
       .flags = "write denyoom movablekeys",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @geo @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}, {.flags = "OW update", .begin_keyword = "STORE", .begin_startfrom = 5, .last_key = 0, .key_step = 1, .limit = 0}, {.flags = "OW update", .begin_keyword = "STOREDIST", .begin_startfrom = 5, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = GeoRadiusByMember,
       .find_keys = GeoRadiusKeys,
       .aof = AofLog::kChangedKeys,
       .group = "geo", .since = "3.2.0",
       .summary = "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member",
       .complexity = "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
      });
  reg.Add(
      {.name = "georadius_ro",
       .arity = -6,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @geo @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = GeoRadiusRo,
       .group = "geo", .since = "3.2.10",
       .summary = "A read-only variant for GEORADIUS",
       .complexity = "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
      });
  reg.Add(
      {.name = "georadiusbymember_ro",
       .arity = -5,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @geo @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = GeoRadiusByMemberRo,
       .group = "geo", .since = "3.2.10",
       .summary = "A read-only variant for GEORADIUSBYMEMBER",
       .complexity = "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
      });
  reg.Add(
      {.name = "geosearch",
       .arity = -7,
       .flags = "readonly",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @geo @slow",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = GeoSearch,
       .group = "geo", .since = "6.2.0",
       .summary = "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.",
       .complexity = "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
      });
  reg.Add(
      {.name = "geosearchstore",
       .arity = -8,
       .flags = "write denyoom",
       .first_key = 1, .last_key = 2, .step = 1,
       .acl = "@write @geo @slow",
       .key_specs = {{.flags = "OW update", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}, {.flags = "RO access", .begin_index = 2, .last_key = 0, .key_step = 1, .limit = 0}},
       .handler = GeoSearchStore,
       .aof = AofLog::kChangedKeys,
       .group = "geo", .since = "6.2.0",
       .summary = "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.",
       .complexity = "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
      });
}

}  // namespace ks
