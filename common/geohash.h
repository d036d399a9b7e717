#pragma once
// Geohash arithmetic as Redis 7.0 does it (geohash.c, geohash_helper.c): 52-bit interleaved
// hashes of (longitude, latitude) on the Web Mercator latitude range, the 9 boxes that cover a
// search area, haversine distances and the text formats GEO replies use. Every floating-point
// step follows Redis's order of operations, so scores, boxes, distances and the points a
// search finds are bit-for-bit Redis's.
#include <cstdint>
#include <string>

namespace ks::geo {

constexpr double kLonMin = -180;
constexpr double kLonMax = 180;
constexpr double kLatMin = -85.05112878;
constexpr double kLatMax = 85.05112878;
constexpr uint8_t kStepMax = 26;  // 26 bits each way: a 52-bit sorted set score

struct HashBits {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool zero() const { return bits == 0 && step == 0; }
};

struct Range {
  double min = 0, max = 0;
};

struct Area {
  HashBits hash;
  Range lon, lat;
};

struct Neighbors {
  HashBits north, east, west, south, north_east, south_east, north_west, south_west;
};

// Encodes with explicit ranges (GEOHASH re-encodes on -90..90); false outside them or
// outside Redis's limits.
bool Encode(Range lon_range, Range lat_range, double lon, double lat, uint8_t step, HashBits* out);
bool EncodeWGS84(double lon, double lat, uint8_t step, HashBits* out);
bool Decode(Range lon_range, Range lat_range, HashBits hash, Area* out);
void GetNeighbors(const HashBits& hash, Neighbors* out);
// The hash shifted to 52 bits: the sorted set score.
uint64_t Align52(HashBits hash);
// A member's score back to {longitude, latitude} (Redis's decodeGeohash, including how the
// C cast turns any double score into 64 bits).
bool DecodeScore(double score, double xy[2]);

// Great-circle distance in meters.
double Distance(double lon1, double lat1, double lon2, double lat2);

// A search area: a circle (radius) or a box (width x height) around xy, in units that
// `conversion` turns into meters.
struct Shape {
  enum Type : uint8_t { kCircle, kBox } type = kCircle;
  double xy[2] = {0, 0};
  double conversion = 1;
  double radius = 0;
  double width = 0, height = 0;
  double bounds[4] = {0, 0, 0, 0};  // min lon, min lat, max lon, max lat
};

// The center box and its 8 neighbours (some zeroed when useless) covering shape.
struct SearchAreas {
  HashBits hash;
  Neighbors neighbors;
  Area area;
};
SearchAreas AreasByShape(Shape* shape);

// Whether the point a score decodes to lies within shape; its position and distance from the
// center (meters) are returned.
bool WithinShape(const Shape& shape, double score, double xy[2], double* distance);

// GEOHASH's 11-character standard geohash of a score.
std::string HashString(double score);
// A distance as GEODIST and WITHDIST print it ("%.4f").
std::string FormatDistance(double d);
// A coordinate as Redis prints it (addReplyHumanLongDouble: "%.17Lf", trailing zeros cut).
std::string FormatCoord(double d);

}  // namespace ks::geo
