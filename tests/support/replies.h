#pragma once
// Helpers that take apart the readable replies of Client and DirectClient ("[a, b]",
// "\"bulk\"", "(integer) 1"), so tests compare data rather than reply text.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace ks::test {

// The items of a flat array reply "[a, b, c]" as they are written (quotes kept); none for
// anything else. Items must not contain ", ".
std::vector<std::string> ArrayItems(const std::string& reply);
// ArrayItems with the quotes of bulk items removed.
std::vector<std::string> UnquotedItems(const std::string& reply);
// A flat array reply with its items sorted (for replies whose order Redis leaves open);
// any other reply as it is.
std::string SortedArray(const std::string& reply);
// Every "quoted" string anywhere in a reply, unquoted and sorted.
std::vector<std::string> SortedQuotedStrings(const std::string& reply);
// The value of an "(integer) N" reply; -1 for any other reply.
long IntReply(const std::string& reply);

// Everything a client sees of databases 0..15, one line a key, sorted: key, type, OBJECT
// ENCODING (if with_encoding), PEXPIRETIME and value (sets and hashes sorted). Reads only;
// leaves the client in database 0. C is Client or DirectClient.
template <typename C>
std::string DumpKeyspace(C& c, bool with_encoding) {
  using Cmd = std::vector<std::string>;
  std::ostringstream out;
  for (int db = 0; db < 16; ++db) {
    c.Run(Cmd{"SELECT", std::to_string(db)});
    auto keys = UnquotedItems(c.Run(Cmd{"KEYS", "*"}));
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys) {
      std::string type = c.Run(Cmd{"TYPE", k});
      out << db << " " << k << " " << type << " ";
      if (with_encoding) out << c.Run(Cmd{"OBJECT", "ENCODING", k}) << " ";
      out << c.Run(Cmd{"PEXPIRETIME", k}) << " = ";
      if (type == "string") {
        out << c.Run(Cmd{"GET", k});
      } else if (type == "list") {
        out << c.Run(Cmd{"LRANGE", k, "0", "-1"});
      } else if (type == "set") {
        auto m = UnquotedItems(c.Run(Cmd{"SMEMBERS", k}));
        std::sort(m.begin(), m.end());
        for (const auto& x : m) out << x << ",";
      } else if (type == "hash") {
        auto m = UnquotedItems(c.Run(Cmd{"HGETALL", k}));
        std::vector<std::string> pairs;
        for (size_t i = 0; i + 1 < m.size(); i += 2) pairs.push_back(m[i] + "=" + m[i + 1]);
        std::sort(pairs.begin(), pairs.end());
        for (const auto& x : pairs) out << x << ",";
      } else if (type == "zset") {
        out << c.Run(Cmd{"ZRANGE", k, "0", "-1", "WITHSCORES"});
      }
      out << "\n";
    }
  }
  c.Run(Cmd{"SELECT", "0"});
  return out.str();
}

}  // namespace ks::test
