#include "persistence/rdb_writer.h"

#include <fcntl.h>
#include <lzf.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "engine/hash.h"
#include "engine/list.h"
#include "engine/set.h"
#include "engine/stream.h"
#include "engine/zset.h"
#include "persistence/crc64.h"
#include "persistence/rdb_codec.h"

namespace ks {
namespace {

using namespace rdb;

void PutLE(std::string& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutLen(std::string& out, uint64_t len) {
  if (len < 64) {
    out.push_back(static_cast<char>(len));
  } else if (len < 16384) {
    out.push_back(static_cast<char>(0x40 | (len >> 8)));
    out.push_back(static_cast<char>(len & 0xff));
  } else if (len <= UINT32_MAX) {
    out.push_back(static_cast<char>(0x80));
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  } else {
    out.push_back(static_cast<char>(0x81));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  }
}

// rdbTryIntegerEncoding: int8/16/32 when the text is a canonical integer that fits.
bool PutIntEncoded(std::string& out, std::string_view s) {
  int64_t v;
  if (s.size() > 11 || !StrToInt64(s, &v)) return false;
  if (v >= INT8_MIN && v <= INT8_MAX) {
    out.push_back(static_cast<char>(0xC0 | kEncInt8));
    PutLE(out, static_cast<uint64_t>(v), 1);
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    out.push_back(static_cast<char>(0xC0 | kEncInt16));
    PutLE(out, static_cast<uint64_t>(v), 2);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    out.push_back(static_cast<char>(0xC0 | kEncInt32));
    PutLE(out, static_cast<uint64_t>(v), 4);
  } else {
    return false;
  }
  return true;
}

// rdbSaveRawString.
void PutString(std::string& out, std::string_view s, bool compress) {
  if (s.size() <= 11 && PutIntEncoded(out, s)) return;
  if (compress && s.size() > 20) {
    std::string buf(s.size() - 4, '\0');
    unsigned clen = lzf_compress(s.data(), static_cast<unsigned>(s.size()), buf.data(),
                                 static_cast<unsigned>(buf.size()));
    if (clen > 0) {
      out.push_back(static_cast<char>(0xC0 | kEncLzf));
      PutLen(out, clen);
      PutLen(out, s.size());
      out.append(buf.data(), clen);
      return;
    }
  }
  PutLen(out, s.size());
  out.append(s);
}

// d2string as zzlInsertAt formats a score for the listpack.
std::string ScoreText(double d) {
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  if (d == std::trunc(d) && std::fabs(d) < 9007199254740992.0 && !(d == 0 && std::signbit(d))) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(d));
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", d);
  }
  return buf;
}

void PutDouble(std::string& out, double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  PutLE(out, u, 8);
}

// rdbSaveObject's quicklist: one QUICKLIST_2 node per list node, a plain node's element as is
// (container PLAIN), the others as a listpack, and a node the list keeps compressed as its
// LZF bytes (rdbSaveLzfBlob), which are Redis's for that node.
uint8_t SerializeList(const List& l, bool compress, std::string& out) {
  PutLen(out, l.node_count());
  ListpackBuilder lp;
  bool in_node = false;
  for (auto c = l.CursorAt(0); c.Valid(); c.Next()) {
    if (!c.AtNodeStart()) {
      if (in_node) lp.Append(c.Value());
      continue;
    }
    if (lp.count() > 0) PutString(out, lp.Finish(), compress);
    lp = ListpackBuilder();
    in_node = false;
    PutLen(out, c.NodePlain() ? kQuicklistPlain : kQuicklistPacked);
    if (c.NodeCompressed()) {
      size_t len;
      std::string_view blob = c.NodeLzf(&len);
      out.push_back(static_cast<char>(0xC0 | kEncLzf));
      PutLen(out, blob.size());
      PutLen(out, len);
      out.append(blob);
    } else if (c.NodePlain()) {
      PutString(out, c.Value(), compress);
    } else {
      in_node = true;
      lp.Append(c.Value());
    }
  }
  if (lp.count() > 0) PutString(out, lp.Finish(), compress);
  return kTypeListQuicklist2;
}

uint8_t SerializeHash(const Hash& h, bool compress, std::string& out) {
  if (h.listpack()) {
    ListpackBuilder lp;
    h.ForEach([&](std::string_view f, std::string_view v) {
      lp.Append(f);
      lp.Append(v);
    });
    PutString(out, lp.Finish(), compress);
    return kTypeHashListpack;
  }
  PutLen(out, h.size());
  h.ForEach([&](std::string_view f, std::string_view v) {
    PutString(out, f, compress);
    PutString(out, v, compress);
  });
  return kTypeHash;
}

uint8_t SerializeSet(const SetObject& s, bool compress, std::string& out) {
  if (s.is_intset()) {
    std::vector<int64_t> ints(s.size());
    for (size_t i = 0; i < ints.size(); ++i) ints[i] = s.IntAt(i);
    PutString(out, EncodeIntset(ints, s.intset_width()), compress);
    return kTypeSetIntset;
  }
  PutLen(out, s.size());
  s.ForEach([&](std::string_view m) { PutString(out, m, compress); });
  return kTypeSet;
}

uint8_t SerializeZSet(const ZSet& z, bool compress, std::string& out) {
  int64_t n = static_cast<int64_t>(z.size());
  if (z.listpack()) {
    ListpackBuilder lp;
    z.ForRanks(0, n - 1, false, [&](std::string_view m, double score) {
      lp.Append(m);
      lp.Append(ScoreText(score));
    });
    PutString(out, lp.Finish(), compress);
    return kTypeZSetListpack;
  }
  PutLen(out, z.size());
  // Highest score first, as Redis writes it, so loading inserts at the head in O(1).
  z.ForRanks(0, n - 1, true, [&](std::string_view m, double score) {
    PutString(out, m, compress);
    PutDouble(out, score);
  });
  return kTypeZSet2;
}

// RDB_TYPE_STREAM_LISTPACKS_2 as Redis 7.0's rdbSaveObject writes it: the nodes as they are
// (16-byte master ID, listpack), the stream's counters, then each group with its PEL and its
// consumers (whose PELs name the group's NACKs by ID).
void PutStreamID(std::string& out, StreamID id) {
  uint8_t b[16];
  id.Encode(b);
  out.append(reinterpret_cast<const char*>(b), 16);
}

uint8_t SerializeStream(const Stream& s, bool compress, std::string& out) {
  PutLen(out, s.nodes().size());
  for (auto& [master, lp] : s.nodes()) {
    uint8_t key[16];
    master.Encode(key);
    PutString(out, std::string_view(reinterpret_cast<const char*>(key), 16), compress);
    PutString(out, std::string_view(reinterpret_cast<const char*>(lp), lp::Bytes(lp)), compress);
  }
  PutLen(out, s.length());
  PutLen(out, s.last_id().ms);
  PutLen(out, s.last_id().seq);
  PutLen(out, s.first_id().ms);
  PutLen(out, s.first_id().seq);
  PutLen(out, s.max_deleted_id().ms);
  PutLen(out, s.max_deleted_id().seq);
  PutLen(out, s.entries_added());
  PutLen(out, s.group_count());
  if (s.groups()) {
    for (auto& [name, g] : *s.groups()) {
      PutString(out, name, compress);
      PutLen(out, g->last_id.ms);
      PutLen(out, g->last_id.seq);
      PutLen(out, static_cast<uint64_t>(g->entries_read));
      PutLen(out, g->pel.size());
      for (auto& [id, nack] : g->pel) {
        PutStreamID(out, id);
        PutLE(out, static_cast<uint64_t>(nack->delivery_time), 8);
        PutLen(out, nack->delivery_count);
      }
      PutLen(out, g->consumers.size());
      for (auto& [cname, c] : g->consumers) {
        PutString(out, cname, compress);
        PutLE(out, static_cast<uint64_t>(c->seen_time), 8);
        PutLen(out, c->pel.size());
        for (auto& [id, nack] : c->pel) PutStreamID(out, id);
      }
    }
  }
  return kTypeStreamListpacks2;
}

void PutAux(std::string& out, std::string_view k, std::string_view v) {
  out.push_back(static_cast<char>(kOpAux));
  PutString(out, k, false);
  PutString(out, v, false);
}

}  // namespace

uint8_t SerializeValue(const Entry* e, bool compress, std::string& out) {
  switch (e->type()) {
    case ObjType::kString:
      PutString(out, e->str(), compress);
      return kTypeString;
    case ObjType::kList:
      return SerializeList(*static_cast<const List*>(e->obj()), compress, out);
    case ObjType::kHash:
      return SerializeHash(Hash(e->obj()), compress, out);
    case ObjType::kSet:
      return SerializeSet(*static_cast<const SetObject*>(e->obj()), compress, out);
    case ObjType::kZSet:
      return SerializeZSet(ZSet(e->obj()), compress, out);
    case ObjType::kStream:
      return SerializeStream(*static_cast<const Stream*>(e->obj()), compress, out);
  }
  return kTypeString;
}

std::string DumpPayload(const Entry* e, bool compress) {
  std::string out(1, '\0');
  out[0] = static_cast<char>(SerializeValue(e, compress, out));
  PutLE(out, kVersion, 2);
  PutLE(out, Crc64(0, out.data(), out.size()), 8);
  return out;
}

void PutRdbHeader(std::string& out, int64_t now_ms, const RdbSaveOptions& opt) {
  out += "REDIS0010";
  PutAux(out, "redis-ver", "7.0.15");
  PutAux(out, "redis-bits", "64");
  PutAux(out, "ctime", std::to_string(now_ms / 1000));
  PutAux(out, "used-mem", std::to_string(opt.used_memory));
  PutAux(out, "aof-base", opt.aof_base ? "1" : "0");
  for (const std::string& code : opt.libraries) {
    out.push_back(static_cast<char>(kOpFunction2));
    PutString(out, code, opt.compression);
  }
}

std::string FunctionsDumpPayload(std::span<const std::string> libraries) {
  std::string out;
  for (const std::string& code : libraries) {
    out.push_back(static_cast<char>(kOpFunction2));
    PutString(out, code, true);
  }
  PutLE(out, kVersion, 2);
  PutLE(out, Crc64(0, out.data(), out.size()), 8);
  return out;
}

size_t PutSlotKeys(Engine& engine, uint16_t slot, int64_t now_ms, bool compress, int* cur_db, std::string& out) {
  size_t n = 0;
  for (int i = 0; i < kNumDbs; ++i) {
    engine.db(i).ForEachInSlot(slot, [&](const Entry* e) {
      if (engine.IsExpired(e, now_ms)) return;
      if (*cur_db != i) {
        out.push_back(static_cast<char>(kOpSelectDb));
        PutLen(out, static_cast<uint64_t>(i));
        *cur_db = i;
      }
      if (e->has_expire()) {
        out.push_back(static_cast<char>(kOpExpireTimeMs));
        PutLE(out, static_cast<uint64_t>(e->expire_ms()), 8);
      }
      size_t type_pos = out.size();
      out.push_back('\0');
      PutString(out, e->key(), compress);
      out[type_pos] = static_cast<char>(SerializeValue(e, compress, out));
      ++n;
    });
  }
  return n;
}

void PutRdbTrailer(std::string& out, uint64_t crc_before, bool checksum) {
  size_t at = out.size();
  out.push_back(static_cast<char>(kOpEof));
  uint64_t crc = Crc64(crc_before, out.data() + at, 1);
  PutLE(out, checksum ? crc : 0, 8);
}

std::string EngineToRdb(Engine& engine, const RdbSaveOptions& opt) {
  std::string out;
  int64_t now = engine.NowMs();
  PutRdbHeader(out, now, opt);
  int cur_db = -1;
  for (int slot = 0; slot < kNumSlots; ++slot)
    PutSlotKeys(engine, static_cast<uint16_t>(slot), now, opt.compression, &cur_db, out);
  uint64_t crc = Crc64(0, out.data(), out.size());
  PutRdbTrailer(out, crc, opt.checksum);
  return out;
}

}  // namespace ks
