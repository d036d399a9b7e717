// DEBUG DIGEST / DIGEST-VALUE, computed exactly as Redis 7.0's debug.c does (SHA-1 mixing of
// keys, types and elements), so the same data set gives the same digest on keyshard and
// redis-server.
#include <arpa/inet.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstring>

#include "engine/hash.h"
#include "engine/list.h"
#include "engine/set.h"
#include "engine/zset.h"
#include "server/families/debug_digest.h"

namespace ks {
namespace {

using Digest = std::array<unsigned char, 20>;

void XorDigest(Digest& d, const void* p, size_t len) {
  unsigned char hash[20];
  SHA1(static_cast<const unsigned char*>(p), len, hash);
  for (int j = 0; j < 20; ++j) d[j] ^= hash[j];
}

void MixDigest(Digest& d, const void* p, size_t len) {
  XorDigest(d, p, len);
  unsigned char out[20];
  SHA1(d.data(), 20, out);
  std::memcpy(d.data(), out, 20);
}

void Mix(Digest& d, std::string_view s) { MixDigest(d, s.data(), s.size()); }

// Redis's object type numbers (OBJ_STRING...).
uint32_t RedisType(ObjType t) {
  switch (t) {
    case ObjType::kString: return 0;
    case ObjType::kList: return 1;
    case ObjType::kSet: return 2;
    case ObjType::kZSet: return 3;
    case ObjType::kHash: return 4;
  }
  return 0;
}

// Redis 7.0 formats a sorted set score for the digest with "%.17g".
std::string Score(double d) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

// xorObjectDigest: the value's type, its elements, and whether it has a TTL.
void XorObjectDigest(Digest& d, const Entry* e) {
  const uint32_t aux = htonl(RedisType(e->type()));
  MixDigest(d, &aux, sizeof aux);
  switch (e->type()) {
    case ObjType::kString:
      Mix(d, e->str());
      break;
    case ObjType::kList: {
      const List* l = static_cast<const List*>(e->obj());
      for (auto c = l->CursorAt(0); c.Valid(); c.Next()) Mix(d, c.Value());
      break;
    }
    case ObjType::kSet:
      static_cast<const SetObject*>(e->obj())->ForEach([&](std::string_view m) { XorDigest(d, m.data(), m.size()); });
      break;
    case ObjType::kZSet: {
      ZSet z(e->obj());
      const int64_t n = static_cast<int64_t>(z.size());
      z.ForRanks(0, n - 1, false, [&](std::string_view m, double score) {
        Digest ele{};
        Mix(ele, m);
        Mix(ele, Score(score));
        XorDigest(d, ele.data(), 20);
      });
      break;
    }
    case ObjType::kHash: {
      Hash h(e->obj());
      h.ForEach([&](std::string_view f, std::string_view v) {
        Digest ele{};
        Mix(ele, f);
        Mix(ele, v);
        XorDigest(d, ele.data(), 20);
      });
      break;
    }
  }
  if (e->has_expire()) XorDigest(d, "!!expire!!", 10);
}

std::string Hex(const Digest& d) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (unsigned char c : d) {
    s += kHex[c >> 4];
    s += kHex[c & 15];
  }
  return s;
}

}  // namespace

std::string ValueDigest(const Entry* e) {
  Digest d{};
  if (e) XorObjectDigest(d, e);
  return Hex(d);
}

std::string DatasetDigest(ShardSet& shards) {
  Digest final{};
  for (int db = 0; db < kNumDbs; ++db) {
    size_t keys = 0;
    for (int i = 0; i < shards.size(); ++i) keys += shards.engine(i).db(db).size();
    if (keys == 0) continue;
    // The database number is mixed in, so the same data in another database differs.
    const uint32_t aux = htonl(static_cast<uint32_t>(db));
    MixDigest(final, &aux, sizeof aux);
    for (int i = 0; i < shards.size(); ++i) {
      const Db& d = shards.engine(i).db(db);
      for (uint16_t slot = 0; slot < kNumSlots; ++slot) {
        d.ForEachInSlot(slot, [&](const Entry* e) {
          Digest kv{};
          Mix(kv, e->key());
          XorObjectDigest(kv, e);
          XorDigest(final, kv.data(), 20);  // Redis hashes the key's digest into the total
        });
      }
    }
  }
  return Hex(final);
}

}  // namespace ks
