#include "common/geohash.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace ks::geo {
namespace {

constexpr double kDegToRad = M_PI / 180.0;
constexpr double kEarthRadiusMeters = 6372797.560856;  // WGS-84 quadratic mean radius
constexpr double kMercatorMax = 20037726.37;

double DegRad(double ang) { return ang * kDegToRad; }
double RadDeg(double ang) { return ang / kDegToRad; }

// Spreads the bits of x into the even positions and those of y into the odd ones.
uint64_t Interleave(uint32_t xlo, uint32_t ylo) {
  static constexpr uint64_t kMasks[] = {0x5555555555555555ULL, 0x3333333333333333ULL, 0x0F0F0F0F0F0F0F0FULL,
                                        0x00FF00FF00FF00FFULL, 0x0000FFFF0000FFFFULL};
  static constexpr unsigned kShifts[] = {1, 2, 4, 8, 16};
  uint64_t x = xlo, y = ylo;
  for (int i = 4; i >= 0; --i) {
    x = (x | (x << kShifts[i])) & kMasks[i];
    y = (y | (y << kShifts[i])) & kMasks[i];
  }
  return x | (y << 1);
}

// The inverse: even bits to the low 32 bits, odd bits to the high 32.
uint64_t Deinterleave(uint64_t v) {
  static constexpr uint64_t kMasks[] = {0x5555555555555555ULL, 0x3333333333333333ULL, 0x0F0F0F0F0F0F0F0FULL,
                                        0x00FF00FF00FF00FFULL, 0x0000FFFF0000FFFFULL, 0x00000000FFFFFFFFULL};
  static constexpr unsigned kShifts[] = {0, 1, 2, 4, 8, 16};
  uint64_t x = v, y = v >> 1;
  for (int i = 0; i <= 5; ++i) {
    x = (x | (x >> kShifts[i])) & kMasks[i];
    y = (y | (y >> kShifts[i])) & kMasks[i];
  }
  return x | (y << 32);
}

// x86-64's cvttsd2si: out-of-range and NaN give INT64_MIN.
int64_t TruncToInt64(double d) {
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

// What `(uint64_t)d` yields in Redis as GCC compiles it for x86-64, for any double (scores of
// sorted sets that were not written by GEOADD included).
uint64_t CastToUint64(double d) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (d < kTwo63) return static_cast<uint64_t>(TruncToInt64(d));
  return static_cast<uint64_t>(TruncToInt64(d - kTwo63)) ^ (1ULL << 63);
}

void MoveX(HashBits* h, int d) {
  if (d == 0) return;
  uint64_t x = h->bits & 0xaaaaaaaaaaaaaaaaULL;
  uint64_t y = h->bits & 0x5555555555555555ULL;
  uint64_t zz = 0x5555555555555555ULL >> (64 - h->step * 2);
  if (d > 0) {
    x = x + (zz + 1);
  } else {
    x = x | zz;
    x = x - (zz + 1);
  }
  x &= (0xaaaaaaaaaaaaaaaaULL >> (64 - h->step * 2));
  h->bits = x | y;
}

void MoveY(HashBits* h, int d) {
  if (d == 0) return;
  uint64_t x = h->bits & 0xaaaaaaaaaaaaaaaaULL;
  uint64_t y = h->bits & 0x5555555555555555ULL;
  uint64_t zz = 0xaaaaaaaaaaaaaaaaULL >> (64 - h->step * 2);
  if (d > 0) {
    y = y + (zz + 1);
  } else {
    y = y | zz;
    y = y - (zz + 1);
  }
  y &= (0x5555555555555555ULL >> (64 - h->step * 2));
  h->bits = x | y;
}

constexpr Range kLonRange{kLonMin, kLonMax};
constexpr Range kLatRange{kLatMin, kLatMax};

// Redis's geohashEstimateStepsByRadius: the box size (bits of precision) for a search radius.
int EstimateSteps(double range_meters, double lat) {
  if (range_meters == 0) return 26;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    step++;
  }
  step -= 2;  // make sure the range is included in most of the base cases
  // Boxes are narrower towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

// Redis's geohashBoundingBox: {min lon, min lat, max lon, max lat} of the search area.
void BoundingBox(const Shape& s, double* bounds) {
  double height, width;
  if (s.type == Shape::kCircle) {
    height = s.conversion * s.radius;
    width = s.conversion * s.radius;
  } else {
    height = s.conversion * s.height / 2;
    width = s.conversion * s.width / 2;
  }
  const double lon = s.xy[0], lat = s.xy[1];
  const double lat_delta = RadDeg(height / kEarthRadiusMeters);
  const double lon_delta_top = RadDeg(width / kEarthRadiusMeters / std::cos(DegRad(lat + lat_delta)));
  const double lon_delta_bottom = RadDeg(width / kEarthRadiusMeters / std::cos(DegRad(lat - lat_delta)));
  // The box is widest on the side nearer the equator.
  const bool southern = lat < 0;
  bounds[0] = southern ? lon - lon_delta_bottom : lon - lon_delta_top;
  bounds[2] = southern ? lon + lon_delta_bottom : lon + lon_delta_top;
  bounds[1] = lat - lat_delta;
  bounds[3] = lat + lat_delta;
}

double LatDistance(double lat1, double lat2) { return kEarthRadiusMeters * std::fabs(DegRad(lat2) - DegRad(lat1)); }

}  // namespace

bool Encode(Range lon_range, Range lat_range, double lon, double lat, uint8_t step, HashBits* out) {
  if (step > 32 || step == 0 || (lat_range.max == 0 && lat_range.min == 0) ||
      (lon_range.max == 0 && lon_range.min == 0))
    return false;
  if (lon > kLonMax || lon < kLonMin || lat > kLatMax || lat < kLatMin) return false;
  out->bits = 0;
  out->step = step;
  if (lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max) return false;
  double lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min);
  double lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min);
  lat_offset *= static_cast<double>(1ULL << step);
  lon_offset *= static_cast<double>(1ULL << step);
  out->bits = Interleave(static_cast<uint32_t>(lat_offset), static_cast<uint32_t>(lon_offset));
  return true;
}

bool EncodeWGS84(double lon, double lat, uint8_t step, HashBits* out) {
  return Encode(kLonRange, kLatRange, lon, lat, step, out);
}

bool Decode(Range lon_range, Range lat_range, HashBits hash, Area* area) {
  if (hash.zero() || (lat_range.max == 0 && lat_range.min == 0) || (lon_range.max == 0 && lon_range.min == 0))
    return false;
  area->hash = hash;
  const uint8_t step = hash.step;
  const uint64_t sep = Deinterleave(hash.bits);
  const double lat_scale = lat_range.max - lat_range.min;
  const double lon_scale = lon_range.max - lon_range.min;
  const uint32_t ilat = static_cast<uint32_t>(sep);
  const uint32_t ilon = static_cast<uint32_t>(sep >> 32);
  const double div = static_cast<double>(1ULL << step);
  area->lat.min = lat_range.min + (ilat * 1.0 / div) * lat_scale;
  area->lat.max = lat_range.min + ((ilat + 1) * 1.0 / div) * lat_scale;
  area->lon.min = lon_range.min + (ilon * 1.0 / div) * lon_scale;
  area->lon.max = lon_range.min + ((ilon + 1) * 1.0 / div) * lon_scale;
  return true;
}

void GetNeighbors(const HashBits& hash, Neighbors* n) {
  n->east = n->west = n->north = n->south = hash;
  n->south_east = n->south_west = n->north_east = n->north_west = hash;
  MoveX(&n->east, 1);
  MoveX(&n->west, -1);
  MoveY(&n->south, -1);
  MoveY(&n->north, 1);
  MoveX(&n->north_west, -1);
  MoveY(&n->north_west, 1);
  MoveX(&n->south_west, -1);
  MoveY(&n->south_west, -1);
  MoveX(&n->north_east, 1);
  MoveY(&n->north_east, 1);
  MoveX(&n->south_east, 1);
  MoveY(&n->south_east, -1);
}

uint64_t Align52(HashBits hash) { return hash.bits << (52 - hash.step * 2); }

bool DecodeScore(double score, double xy[2]) {
  HashBits hash{CastToUint64(score), kStepMax};
  Area area;
  if (!Decode(kLonRange, kLatRange, hash, &area)) return false;
  xy[0] = (area.lon.min + area.lon.max) / 2;
  if (xy[0] > kLonMax) xy[0] = kLonMax;
  if (xy[0] < kLonMin) xy[0] = kLonMin;
  xy[1] = (area.lat.min + area.lat.max) / 2;
  if (xy[1] > kLatMax) xy[1] = kLatMax;
  if (xy[1] < kLatMin) xy[1] = kLatMin;
  return true;
}

double Distance(double lon1d, double lat1d, double lon2d, double lat2d) {
  const double lon1r = DegRad(lon1d);
  const double lon2r = DegRad(lon2d);
  const double v = std::sin((lon2r - lon1r) / 2);
  // Same longitude: the haversine reduces to the latitude difference.
  if (v == 0.0) return LatDistance(lat1d, lat2d);
  const double lat1r = DegRad(lat1d);
  const double lat2r = DegRad(lat2d);
  const double u = std::sin((lat2r - lat1r) / 2);
  const double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(a));
}

SearchAreas AreasByShape(Shape* shape) {
  BoundingBox(*shape, shape->bounds);
  const double min_lon = shape->bounds[0], min_lat = shape->bounds[1];
  const double max_lon = shape->bounds[2], max_lat = shape->bounds[3];
  const double lon = shape->xy[0], lat = shape->xy[1];
  double radius_meters = shape->type == Shape::kCircle
                             ? shape->radius
                             : std::sqrt((shape->width / 2) * (shape->width / 2) + (shape->height / 2) * (shape->height / 2));
  radius_meters *= shape->conversion;

  int steps = EstimateSteps(radius_meters, lat);
  SearchAreas r;
  EncodeWGS84(lon, lat, static_cast<uint8_t>(steps), &r.hash);
  GetNeighbors(r.hash, &r.neighbors);
  Decode(kLonRange, kLatRange, r.hash, &r.area);

  // Near a box edge the estimated step can be too coarse for a neighbour to cover the
  // whole area: one step bigger then.
  bool decrease = false;
  {
    Area north, south, east, west;
    Decode(kLonRange, kLatRange, r.neighbors.north, &north);
    Decode(kLonRange, kLatRange, r.neighbors.south, &south);
    Decode(kLonRange, kLatRange, r.neighbors.east, &east);
    Decode(kLonRange, kLatRange, r.neighbors.west, &west);
    if (north.lat.max < max_lat) decrease = true;
    if (south.lat.min > min_lat) decrease = true;
    if (east.lon.max < max_lon) decrease = true;
    if (west.lon.min > min_lon) decrease = true;
  }
  if (steps > 1 && decrease) {
    steps--;
    EncodeWGS84(lon, lat, static_cast<uint8_t>(steps), &r.hash);
    GetNeighbors(r.hash, &r.neighbors);
    Decode(kLonRange, kLatRange, r.hash, &r.area);
  }

  // Neighbours wholly outside the area are not searched.
  Neighbors& n = r.neighbors;
  if (steps >= 2) {
    if (r.area.lat.min < min_lat) n.south = n.south_west = n.south_east = HashBits{};
    if (r.area.lat.max > max_lat) n.north = n.north_east = n.north_west = HashBits{};
    if (r.area.lon.min < min_lon) n.west = n.south_west = n.north_west = HashBits{};
    if (r.area.lon.max > max_lon) n.east = n.south_east = n.north_east = HashBits{};
  }
  return r;
}

bool WithinShape(const Shape& shape, double score, double xy[2], double* distance) {
  if (!DecodeScore(score, xy)) return false;
  if (shape.type == Shape::kCircle) {
    *distance = Distance(shape.xy[0], shape.xy[1], xy[0], xy[1]);
    return *distance <= shape.radius * shape.conversion;
  }
  // The cheaper latitude test first.
  const double width_m = shape.width * shape.conversion, height_m = shape.height * shape.conversion;
  if (LatDistance(xy[1], shape.xy[1]) > height_m / 2) return false;
  if (Distance(xy[0], xy[1], shape.xy[0], xy[1]) > width_m / 2) return false;
  *distance = Distance(shape.xy[0], shape.xy[1], xy[0], xy[1]);
  return true;
}

std::string HashString(double score) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double xy[2];
  DecodeScore(score, xy);
  // Our latitude range is Mercator's (+-85.05); a standard geohash uses +-90.
  HashBits hash;
  Encode(Range{-180, 180}, Range{-90, 90}, xy[0], xy[1], 26, &hash);
  std::string out(11, '0');
  for (int i = 0; i < 11; ++i) {
    // 52 bits make 10 characters; the 11th is always 0, as Redis has it.
    int idx = i == 10 ? 0 : static_cast<int>((hash.bits >> (52 - ((i + 1) * 5))) & 0x1f);
    out[i] = kAlphabet[idx];
  }
  return out;
}

std::string FormatDistance(double d) {
  char buf[128];
  int n = std::snprintf(buf, sizeof buf, "%.4f", d);
  return std::string(buf, static_cast<size_t>(n));
}

std::string FormatCoord(double d) {
  char buf[5 * 1024];
  int n = std::snprintf(buf, sizeof buf, "%.17Lf", static_cast<long double>(d));
  std::string s(buf, static_cast<size_t>(n));
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace ks::geo
