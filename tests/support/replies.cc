#include "tests/support/replies.h"

#include <cstdlib>

namespace ks::test {

std::vector<std::string> ArrayItems(const std::string& reply) {
  std::vector<std::string> items;
  if (reply.size() < 2 || reply.front() != '[' || reply == "[]") return items;
  std::string body = reply.substr(1, reply.size() - 2);
  size_t pos = 0;
  for (size_t sep; (sep = body.find(", ", pos)) != std::string::npos; pos = sep + 2)
    items.push_back(body.substr(pos, sep - pos));
  items.push_back(body.substr(pos));
  return items;
}

std::vector<std::string> UnquotedItems(const std::string& reply) {
  auto items = ArrayItems(reply);
  for (auto& i : items)
    if (i.size() >= 2 && i.front() == '"' && i.back() == '"') i = i.substr(1, i.size() - 2);
  return items;
}

std::string SortedArray(const std::string& reply) {
  if (reply.size() < 2 || reply.front() != '[' || reply == "[]") return reply;
  auto items = ArrayItems(reply);
  std::sort(items.begin(), items.end());
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

std::vector<std::string> SortedQuotedStrings(const std::string& reply) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = reply.find('"', pos)) != std::string::npos) {
    size_t end = reply.find('"', pos + 1);
    out.push_back(reply.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

long IntReply(const std::string& reply) {
  return reply.rfind("(integer) ", 0) == 0 ? std::atol(reply.c_str() + 10) : -1;
}

}  // namespace ks::test
