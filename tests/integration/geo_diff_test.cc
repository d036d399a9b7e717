// Differential test of the geo commands: GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS*,
// GEOSEARCH and GEOSEARCHSTORE run against keyshard (8 engines) and a real redis-server 7.0,
// reply by reply. Key names carry no hash tags on purpose, so STORE/STOREDIST and
// GEOSEARCHSTORE write destinations on other engines than their sources. ZRANGE WITHSCORES
// of the geo keys (the 52-bit geohash scores) must equal Redis's, and so must the order of
// search results, ties included (Redis's pqsort under COUNT). RESP3 shapes are checked by
// tests/compat/geo.cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/diff_servers.h"

namespace ks::test {
namespace {

using GeoDiff = DiffTest<ScriptCase>;

TEST_P(GeoDiff, SameRepliesAsRedis) { SameScript(GetParam().script, GetParam().name); }

std::vector<ScriptCase> Cases() {
  return {
      {"AddPosDistHash",
       R"(geoadd Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
geoadd Sicily 13.361389 38.115556 Palermo
geoadd Sicily ch 13.5 38.1 Palermo 12.5 37.8 Marsala
geoadd Sicily nx ch 1 1 Palermo 12.9 38.0 Trapani
geoadd Sicily xx 1 1 Nowhere 13.361389 38.115556 Palermo
geoadd Sicily xx ch 13.361389 38.115556 Palermo
geoadd Sicily nx xx 1 1 a
geoadd Sicily ch
geoadd Sicily 1 2
geoadd Sicily 1 2 a 3
geoadd Sicily abc 1 a
geoadd Sicily 1 abc a
geoadd Sicily 181 1 a
geoadd Sicily 1 85.06 a
geoadd Sicily -180.0001 1 a
zrange Sicily 0 -1 withscores
object encoding Sicily
geopos Sicily Palermo Catania nope Marsala
geopos nokey a b
geohash Sicily Palermo Catania nope
geohash nokey a
geodist Sicily Palermo Catania
geodist Sicily Palermo Catania m
geodist Sicily Palermo Catania KM
geodist Sicily Palermo Catania mi
geodist Sicily Palermo Catania Ft
geodist Sicily Palermo Catania yards
geodist Sicily Palermo Catania km extra
geodist Sicily Palermo nope
geodist Sicily Palermo Palermo
geodist nokey a b
geodist nokey a b parsecs
set str x
geoadd str 1 1 a
geopos str a
geohash str a
geodist str a b
georadius str 1 1 1 km
geosearch str fromlonlat 1 1 byradius 1 km)"},
      {"EdgesPolesAntimeridian",
       R"(geoadd e 180 85.05112878 ne -180 -85.05112878 sw 0 0 origin 179.9999 0 east -179.9999 0 west
geoadd e 180 0 am180 -180 0 amm180 0 85.05112878 np 0 -85.05112878 sp
geoadd e -0 -0 negzero 1e-10 -1e-10 tiny
zrange e 0 -1 withscores
geopos e ne sw origin east west am180 amm180 np sp negzero tiny
geohash e ne sw origin east west am180 amm180 np sp negzero tiny
geodist e east west km
geodist e am180 amm180
geodist e np sp km
geodist e ne sw mi
geosearch e fromlonlat 180 0 byradius 100 km asc withdist withcoord withhash
geosearch e fromlonlat -180 0 byradius 30 km asc withdist
geosearch e fromlonlat 0 85 byradius 500 km asc withdist
geosearch e fromlonlat 0 -85 bybox 5000 5000 km desc withdist
geosearch e fromlonlat 0 0 bybox 40100 40100 km asc withdist
geosearch e fromlonlat 0 0 byradius 20100 km desc withdist
georadius e 0 0 1 m withdist
georadius e 0 0 0 m withdist withhash
zadd e -1 negscore 1e300 huge inf infscore -inf minfscore 0.5 half 4503599627370496 two52
geopos e negscore huge infscore minfscore half two52
geohash e negscore huge infscore minfscore half two52
geodist e negscore huge)"},
      {"SearchOptionsAndErrors",
       R"(geoadd Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 13.583333 37.316667 Agrigento 12.5 37.8 Marsala 14.2 37.1 Gela
georadius Sicily 15 37 200 km
georadius Sicily 15 37 200 km withdist withcoord withhash asc
georadius Sicily 15 37 200 km WITHDIST desc count 2
georadius Sicily 15 37 200 km count 2 any
georadius Sicily 15 37 200 km count 1 any desc withdist
georadius Sicily 15 37 200000 m withdist
georadius Sicily 15 37 124.27 mi withdist
georadius Sicily 15 37 656168 ft withdist asc
georadius Sicily 15 37 -1 km
georadius Sicily 15 37 abc km
georadius Sicily 15 37 10 parsec
georadius Sicily 200 37 10 km
georadius Sicily 15 37 10 km count 0
georadius Sicily 15 37 10 km count -1
georadius Sicily 15 37 10 km count abc
georadius Sicily 15 37 10 km count
georadius Sicily 15 37 10 km any
georadius Sicily 15 37 10 km bogus
georadius Sicily 15 37 200 km store dst withdist
georadius_ro Sicily 15 37 200 km store dst
georadius_ro Sicily 15 37 200 km withdist asc
georadiusbymember Sicily Palermo 200 km withdist asc
georadiusbymember Sicily Palermo 200 km withcoord desc count 3
georadiusbymember Sicily nope 200 km
georadiusbymember Sicily Palermo abc km
georadiusbymember nokey nope abc km
georadiusbymember nokey nope 1 km store dst
georadiusbymember_ro Sicily Agrigento 100 km withdist
geosearch Sicily frommember Palermo byradius 200 km asc withdist
geosearch Sicily fromlonlat 15 37 bybox 400 400 km asc withdist withhash withcoord
geosearch Sicily fromlonlat 15 37 bybox 400 100 km asc
geosearch Sicily frommember Gela bybox 100 400 km desc count 2
geosearch Sicily frommember Gela bybox 100 400 km count 2 any
geosearch Sicily frommember nope byradius 1 km
geosearch nokey frommember nope byradius 1 km
geosearch Sicily frommember Palermo fromlonlat 1 1 byradius 1 km
geosearch Sicily fromlonlat 1 1 frommember Palermo byradius 1 km
geosearch Sicily fromlonlat 1 1 byradius 1 km bybox 1 1 km
geosearch Sicily byradius 1 km withdist asc
geoSearch Sicily fromlonlat 1 1 withdist asc
geosearch Sicily fromlonlat 1 1 bybox -1 1 km
geosearch Sicily fromlonlat 1 1 bybox a 1 km
geosearch Sicily fromlonlat 1 1 bybox 1 a km
geosearch Sicily fromlonlat 1 1 bybox 1 1 lightyears
geosearch Sicily fromlonlat 1 1 byradius 1 km any
geosearch Sicily fromlonlat 1 1 byradius 1 km store x
geosearch Sicily fromlonlat 1 1 byradius 1 km storedist
geosearchstore dst Sicily fromlonlat 15 37 byradius 200 km withdist
geosearchstore dst Sicily fromlonlat 15 37 byradius 200 km store x)"},
      {"StoreAcrossEngines",
       R"(geoadd src 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 13.583333 37.316667 Agrigento 12.5 37.8 Marsala 14.2 37.1 Gela
georadius src 15 37 200 km store dst1
zrange dst1 0 -1 withscores
object encoding dst1
georadius src 15 37 200 km storedist dst2
zrange dst2 0 -1 withscores
georadius src 15 37 200 km count 2 desc storedist dst3
zrange dst3 0 -1 withscores
georadius src 15 37 200 km store dst4 storedist dst5
exists dst4 dst5
zrange dst5 0 -1 withscores
georadius src 15 37 200 km storedist dst6 store dst7
exists dst6 dst7
georadiusbymember src Palermo 100 km store dst8
zrange dst8 0 -1 withscores
geosearchstore dst9 src fromlonlat 15 37 byradius 200 km
zrange dst9 0 -1 withscores
geosearchstore dst10 src frommember Gela bybox 300 300 km storedist
zrange dst10 0 -1 withscores
geosearchstore dst10 src fromlonlat 15 37 byradius 200 km count 2 asc storedist
zrange dst10 0 -1 withscores
set dst11 string
geosearchstore dst11 src fromlonlat 15 37 byradius 200 km
type dst11
geosearchstore dst11 src fromlonlat 0 0 byradius 1 km
exists dst11
rpush dst12 a
georadius src 0 0 1 km store dst12
exists dst12
geosearchstore dst13 nokey fromlonlat 0 0 byradius 1 km
set dst14 x
geosearchstore dst14 nokey fromlonlat 0 0 byradius 1 km
exists dst14
georadius src 15 37 200 km store src
zrange src 0 -1 withscores
geosearchstore src src fromlonlat 15 37 byradius 100 km storedist
zrange src 0 -1 withscores)"},
  };
}

INSTANTIATE_TEST_SUITE_P(Geo, GeoDiff, ::testing::ValuesIn(Cases()), [](const auto& info) { return info.param.name; });

// Seeded random indexes searched by random shapes: listpack and skiplist sets, clustered
// points with exact duplicates (ties in distance), every option, COUNT with and without
// ANY. The reply order must be Redis's, so ties are resolved by the same sorts.
class GeoRandomDiff : public DiffTest<int> {};

std::string Fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

TEST_P(GeoRandomDiff, SameSearchesAsRedis) {
  const int seed = GetParam();
  std::mt19937 rng(static_cast<uint32_t>(seed));
  auto uni = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  // Seeds 1-2: small sets (listpack); 3-4: a few hundred points (skiplist).
  const int points = seed <= 2 ? 60 : 400;
  const double clat = uni(-60, 60), clon = uni(-170, 170);
  const std::vector<std::string> keys = {"geo:a", "geo:b"};
  for (const std::string& key : keys) {
    Cmd add = {"GEOADD", key};
    std::vector<std::pair<double, double>> placed;
    for (int i = 0; i < points; ++i) {
      double lon, lat;
      if (!placed.empty() && rng() % 6 == 0) {
        std::tie(lon, lat) = placed[rng() % placed.size()];  // same place: equal distances
      } else {
        lon = std::clamp(clon + uni(-3, 3), -180.0, 180.0);
        lat = std::clamp(clat + uni(-2, 2), -85.0, 85.0);
      }
      placed.emplace_back(lon, lat);
      add.insert(add.end(), {Fmt(lon), Fmt(lat), "m" + std::to_string(i)});
    }
    Same(add, "seed " + std::to_string(seed));
    Same({"ZRANGE", key, "0", "-1", "WITHSCORES"}, "scores");
    Same({"OBJECT", "ENCODING", key}, "encoding");
  }
  const std::vector<std::string> units = {"m", "km", "mi", "ft"};
  for (int step = 0; step < 300; ++step) {
    const std::string& key = keys[rng() % 2];
    const std::string unit = units[rng() % units.size()];
    const double scale = unit == "m" ? 1000 : unit == "ft" ? 3280.84 : unit == "mi" ? 0.621371 : 1;
    Cmd cmd;
    const int kind = static_cast<int>(rng() % 5);
    const std::string lon = Fmt(clon + uni(-3, 3)), lat = Fmt(clat + uni(-2, 2));
    const std::string radius = Fmt(uni(0, 250) * scale);
    const std::string member = "m" + std::to_string(rng() % points);
    switch (kind) {
      case 0: cmd = {"GEORADIUS", key, lon, lat, radius, unit}; break;
      case 1: cmd = {"GEORADIUSBYMEMBER", key, member, radius, unit}; break;
      case 2: cmd = {"GEOSEARCH", key, "FROMLONLAT", lon, lat, "BYRADIUS", radius, unit}; break;
      case 3:
        cmd = {"GEOSEARCH", key, "FROMMEMBER", member, "BYBOX", Fmt(uni(0, 400) * scale), Fmt(uni(0, 400) * scale), unit};
        break;
      case 4:
        cmd = {"GEOSEARCHSTORE", "geo:dst", key, "FROMLONLAT", lon, lat, "BYBOX", Fmt(uni(0, 500) * scale),
               Fmt(uni(0, 300) * scale), unit};
        break;
    }
    const int order = static_cast<int>(rng() % 3);
    if (order == 1) cmd.push_back("ASC");
    if (order == 2) cmd.push_back("DESC");
    if (rng() % 2) {
      cmd.insert(cmd.end(), {"COUNT", std::to_string(1 + rng() % 12)});
      if (rng() % 3 == 0) cmd.push_back("ANY");
    }
    if (kind == 4) {
      if (rng() % 2) cmd.push_back("STOREDIST");
    } else {
      if (rng() % 2) cmd.push_back("WITHDIST");
      if (rng() % 3 == 0) cmd.push_back("WITHCOORD");
      if (rng() % 4 == 0) cmd.push_back("WITHHASH");
    }
    Same(cmd, "seed " + std::to_string(seed) + " step " + std::to_string(step));
    if (kind == 4) Same({"ZRANGE", "geo:dst", "0", "-1", "WITHSCORES"}, "stored");
    if (HasFailure()) return;  // the first divergence is the informative one
  }
}

INSTANTIATE_TEST_SUITE_P(Geo, GeoRandomDiff, ::testing::Values(1, 2, 3, 4));

}  // namespace
}  // namespace ks::test
