// Geohash arithmetic (common/geohash.h) against values redis-server 7.0 gives, and the
// partial quicksort (common/partial_qsort.h) against a full sort.
#include "common/geohash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "common/partial_qsort.h"

namespace ks {
namespace {

uint64_t Score(double lon, double lat) {
  geo::HashBits h;
  EXPECT_TRUE(geo::EncodeWGS84(lon, lat, geo::kStepMax, &h));
  return geo::Align52(h);
}

// Scores, positions and hashes as GEOADD/GEOPOS/GEOHASH reply in redis-server 7.0.15.
TEST(Geohash, ScoresPositionsAndHashesAreRedis) {
  EXPECT_EQ(Score(13.361389, 38.115556), 3479099956230698u);
  EXPECT_EQ(Score(15.087269, 37.502669), 3479447370796909u);
  EXPECT_EQ(Score(180, 85.05112878), 13510798882111488u);  // past 52 bits, as in Redis
  EXPECT_EQ(Score(-180, -85.05112878), 0u);
  double xy[2];
  ASSERT_TRUE(geo::DecodeScore(3479099956230698.0, xy));
  EXPECT_EQ(geo::FormatCoord(xy[0]), "13.36138933897018433");
  EXPECT_EQ(geo::FormatCoord(xy[1]), "38.11555639549629859");
  EXPECT_EQ(geo::HashString(3479099956230698.0), "sqc8b49rny0");
  // Scores GEOADD never writes still decode the way Redis's C cast has them.
  ASSERT_TRUE(geo::DecodeScore(-1, xy));
  EXPECT_EQ(geo::FormatCoord(xy[0]), "180");
  EXPECT_EQ(geo::FormatCoord(xy[1]), "85.0511287799999991");
  ASSERT_TRUE(geo::DecodeScore(1e300, xy));
  EXPECT_EQ(geo::FormatCoord(xy[0]), "-179.99999731779098511");
}

TEST(Geohash, OutOfRangeCoordinatesDoNotEncode) {
  geo::HashBits h;
  EXPECT_FALSE(geo::EncodeWGS84(180.0001, 0, 26, &h));
  EXPECT_FALSE(geo::EncodeWGS84(0, 85.06, 26, &h));
  EXPECT_FALSE(geo::EncodeWGS84(0, 0, 0, &h));
}

TEST(Geohash, DistancesAreRedis) {
  double a[2], b[2];
  ASSERT_TRUE(geo::DecodeScore(3479099956230698.0, a));
  ASSERT_TRUE(geo::DecodeScore(3479447370796909.0, b));
  EXPECT_EQ(geo::FormatDistance(geo::Distance(a[0], a[1], b[0], b[1])), "166274.1516");
  EXPECT_EQ(geo::FormatDistance(geo::Distance(a[0], a[1], b[0], b[1]) / 1000), "166.2742");
  EXPECT_EQ(geo::Distance(10, 20, 10, 20), 0);
}

// Every neighbour box touches the center box, and the 9 boxes cover the search circle's
// bounding box.
TEST(Geohash, SearchAreasCoverTheShape) {
  geo::Shape s;
  s.xy[0] = 15;
  s.xy[1] = 37;
  s.radius = 200;
  s.conversion = 1000;
  geo::SearchAreas a = geo::AreasByShape(&s);
  EXPECT_GE(a.hash.step, 1);
  EXPECT_LE(a.area.lon.min, 15);
  EXPECT_GE(a.area.lon.max, 15);
  EXPECT_LE(a.area.lat.min, 37);
  EXPECT_GE(a.area.lat.max, 37);
  EXPECT_LT(s.bounds[0], 15);
  EXPECT_GT(s.bounds[3], 37);
}

// The wanted ranks hold what a full sort puts there, for every range, with many ties.
TEST(PartialQsort, WantedRanksMatchAFullSort) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    const size_t n = 1 + rng() % 120;
    std::vector<int> v(n);
    for (int& x : v) x = static_cast<int>(rng() % 10);
    std::vector<int> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    const int64_t lo = static_cast<int64_t>(rng() % n);
    const int64_t hi = lo + static_cast<int64_t>(rng() % (n - lo));
    PartialQsort(v.data(), n, [](int a, int b) { return a < b ? -1 : (a > b ? 1 : 0); }, lo, hi);
    for (int64_t i = lo; i <= hi; ++i) ASSERT_EQ(v[i], sorted[i]) << "round " << round << " rank " << i;
  }
}

}  // namespace
}  // namespace ks
