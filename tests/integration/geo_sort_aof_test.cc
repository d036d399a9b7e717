// What SORT ... STORE, GEORADIUS ... STORE and GEOSEARCHSTORE leave in the append-only logs:
// their effect (the destination as it was written), so a restart rebuilds it even after the
// keys it was computed from changed, and whatever engines those keys live on. Without STORE
// they log nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/processes.h"

namespace ks::test {
namespace {

uintmax_t LogBytes(const std::string& dir) {
  uintmax_t n = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir + "/appendonlydir"))
    if (f.path().extension() == ".aof") n += f.file_size();
  return n;
}

TEST(GeoSortAof, StoredResultsReplayAsWrittenAndReadsLogNothing) {
  KeyshardProcess first({"--appendonly", "yes", "--save", ""});
  ASSERT_GT(first.port(), 0);
  Client c(first.port());
  // Weights, names and the sorted list on different engines (no hash tags).
  c.Run({"RPUSH", "ids", "1", "2", "3"});
  c.Run({"MSET", "w_1", "3", "w_2", "1", "w_3", "2", "name_1", "one", "name_2", "two", "name_3", "three"});
  EXPECT_EQ(c.Run({"SORT", "ids", "BY", "w_*", "GET", "name_*", "STORE", "sorted"}), "(integer) 3");
  c.Run({"GEOADD", "src", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"});
  EXPECT_EQ(c.Run({"GEORADIUS", "src", "15", "37", "200", "km", "STORE", "near"}), "(integer) 2");
  EXPECT_EQ(c.Run({"GEOSEARCHSTORE", "dists", "src", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"}),
            "(integer) 2");
  const std::string sorted = c.Run({"LRANGE", "sorted", "0", "-1"});
  const std::string near = c.Run({"ZRANGE", "near", "0", "-1", "WITHSCORES"});
  const std::string dists = c.Run({"ZRANGE", "dists", "0", "-1", "WITHSCORES"});
  EXPECT_EQ(sorted, "[\"two\", \"three\", \"one\"]");

  // Reads log nothing.
  const uintmax_t before = LogBytes(first.dir());
  c.Run({"SORT", "ids", "BY", "w_*", "GET", "#"});
  c.Run({"GEORADIUS", "src", "15", "37", "200", "km", "WITHDIST"});
  c.Run({"GEORADIUSBYMEMBER", "src", "Palermo", "100", "km"});
  EXPECT_EQ(LogBytes(first.dir()), before);

  // The sources change after the results were stored.
  c.Run({"MSET", "w_1", "0", "w_2", "9"});
  c.Run({"GEOADD", "src", "14.5", "37.2", "Gela"});
  c.Run({"DEL", "ids"});
  first.Kill();

  KeyshardProcess second({"--dir", first.dir(), "--appendonly", "yes", "--save", ""});
  ASSERT_GT(second.port(), 0);
  Client d(second.port());
  EXPECT_EQ(d.Run({"LRANGE", "sorted", "0", "-1"}), sorted);
  EXPECT_EQ(d.Run({"ZRANGE", "near", "0", "-1", "WITHSCORES"}), near);
  EXPECT_EQ(d.Run({"ZRANGE", "dists", "0", "-1", "WITHSCORES"}), dists);
  EXPECT_EQ(d.Run({"ZCARD", "src"}), "(integer) 3");
  EXPECT_EQ(d.Run({"EXISTS", "ids"}), "(integer) 0");
}

}  // namespace
}  // namespace ks::test
