// The layers of docs/ARCHITECTURE.md, checked on the sources: a file includes only project
// headers of its own layer or of layers below it, and only the routing layer touches an
// engine's mutex.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Bottom up. A layer may include itself and anything with a lower rank.
const std::map<std::string, int>& Ranks() {
  static const std::map<std::string, int> r = {
      {"common", 0}, {"resp", 1}, {"engine", 2}, {"routing", 3},
      {"persistence", 4}, {"server", 5}, {"proxy", 6},
  };
  return r;
}

std::string TopFolder(const std::string& rel) { return rel.substr(0, rel.find('/')); }

std::vector<std::string> SourcesUnder(const std::string& layer) {
  std::vector<std::string> out;
  fs::path root = fs::path(KEYSHARD_SOURCE_DIR) / layer;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    auto ext = e.path().extension();
    if (ext == ".cc" || ext == ".h") out.push_back(fs::relative(e.path(), KEYSHARD_SOURCE_DIR).string());
  }
  return out;
}

std::string Read(const std::string& rel) {
  std::ifstream in(fs::path(KEYSHARD_SOURCE_DIR) / rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Project includes of a file: "folder/..." paths.
std::vector<std::string> Includes(const std::string& text) {
  static const std::regex re(R"re(#\s*include\s+"([^"]+)")re");
  std::vector<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

TEST(Layering, EveryIncludeGoesDown) {
  std::vector<std::string> violations;
  size_t files = 0;
  for (const auto& [layer, rank] : Ranks()) {
    for (const std::string& file : SourcesUnder(layer)) {
      ++files;
      for (const std::string& inc : Includes(Read(file))) {
        auto it = Ranks().find(TopFolder(inc));
        if (it == Ranks().end()) continue;  // not a layer (a system or third-party header)
        if (it->second > rank) violations.push_back(file + " includes " + inc);
      }
      // Inside server/, the execution core knows no command family.
      if (file.rfind("server/core/", 0) == 0)
        for (const std::string& inc : Includes(Read(file)))
          if (inc.rfind("server/families/", 0) == 0) violations.push_back(file + " includes " + inc);
    }
  }
  EXPECT_GT(files, 50u);
  std::string all;
  for (auto& v : violations) all += v + "\n";
  EXPECT_TRUE(violations.empty()) << all;
}

// The routing layer owns engine locking (routing/shard_set.h): every other layer goes through
// it, so that ownership can be re-checked after locking and slots can move.
TEST(Layering, OnlyRoutingLocksEngines) {
  std::vector<std::string> violations;
  static const std::regex re(R"(\bmutex\(\)\s*\.\s*(lock|unlock|try_lock)|lock_guard[^;]*mutex\(\)|unique_lock[^;]*mutex\(\)|scoped_lock[^;]*mutex\(\))");
  for (const auto& [layer, rank] : Ranks()) {
    if (layer == "routing" || layer == "engine") continue;
    for (const std::string& file : SourcesUnder(layer)) {
      std::string text = Read(file);
      std::istringstream lines(text);
      std::string line;
      int n = 0;
      while (std::getline(lines, line)) {
        ++n;
        if (line.find("mutex()") == std::string::npos) continue;
        if (std::regex_search(line, re)) violations.push_back(file + ":" + std::to_string(n) + ": " + line);
      }
    }
  }
  std::string all;
  for (auto& v : violations) all += v + "\n";
  EXPECT_TRUE(violations.empty()) << all;
}

}  // namespace
