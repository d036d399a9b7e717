#include "persistence/rdb_reader.h"

#include <fcntl.h>
#include <lzf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <utility>
#include <vector>

#include "engine/hash.h"
#include "engine/list.h"
#include "engine/object_ops.h"
#include "engine/set.h"
#include "engine/stream.h"
#include "engine/zset.h"
#include "persistence/crc64.h"
#include "persistence/rdb_codec.h"
#include "routing/slots.h"

namespace ks {
namespace {

using namespace rdb;

// A bounds-checked cursor over RDB bytes. The first failure is kept with its offset.
class Input {
 public:
  explicit Input(std::string_view d) : d_(d) {}

  size_t offset() const { return pos_; }
  const std::string& error() const { return err_; }
  size_t error_offset() const { return err_off_; }
  bool done() const { return pos_ == d_.size(); }

  bool Fail(std::string msg) {
    if (err_.empty()) {
      err_ = std::move(msg);
      err_off_ = pos_;
    }
    return false;
  }

  bool Bytes(size_t n, std::string_view* out) {
    if (d_.size() - pos_ < n) return Fail("unexpected end of data");
    *out = d_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool U8(uint8_t* v) {
    std::string_view b;
    if (!Bytes(1, &b)) return false;
    *v = static_cast<uint8_t>(b[0]);
    return true;
  }
  bool LE(int n, uint64_t* v) {
    std::string_view b;
    if (!Bytes(n, &b)) return false;
    *v = 0;
    for (int i = 0; i < n; ++i) *v |= static_cast<uint64_t>(static_cast<uint8_t>(b[i])) << (8 * i);
    return true;
  }
  bool BE(int n, uint64_t* v) {
    std::string_view b;
    if (!Bytes(n, &b)) return false;
    *v = 0;
    for (int i = 0; i < n; ++i) *v = (*v << 8) | static_cast<uint8_t>(b[i]);
    return true;
  }
  // rdbLoadLenByRef: *encoded is set for the 0b11 special string encodings.
  bool Len(uint64_t* len, bool* encoded = nullptr) {
    uint8_t c;
    if (!U8(&c)) return false;
    if (encoded) *encoded = false;
    switch (c >> 6) {
      case 0:
        *len = c & 0x3f;
        return true;
      case 1: {
        uint8_t c2;
        if (!U8(&c2)) return false;
        *len = (static_cast<uint64_t>(c & 0x3f) << 8) | c2;
        return true;
      }
      case 3:
        if (!encoded) return Fail("unexpected encoded length");
        *encoded = true;
        *len = c & 0x3f;
        return true;
      default:
        if (c == 0x80) return BE(4, len);
        if (c == 0x81) return BE(8, len);
        return Fail("unknown length encoding " + std::to_string(c));
    }
  }
  // A length that must be plausible for the bytes left (each element takes at least one).
  bool Count(uint64_t* n) {
    if (!Len(n)) return false;
    if (*n > d_.size() - pos_) return Fail("length " + std::to_string(*n) + " exceeds the data");
    return true;
  }
  bool String(std::string* out) {
    uint64_t len;
    bool enc;
    if (!Len(&len, &enc)) return false;
    if (!enc) {
      std::string_view b;
      if (!Bytes(len, &b)) return false;
      out->assign(b);
      return true;
    }
    uint64_t v;
    switch (len) {
      case kEncInt8:
      case kEncInt16:
      case kEncInt32: {
        int w = len == kEncInt8 ? 1 : len == kEncInt16 ? 2 : 4;
        if (!LE(w, &v)) return false;
        uint64_t sign = 1ULL << (8 * w - 1);
        *out = std::to_string(static_cast<int64_t>(((v & ((sign << 1) - 1)) ^ sign) - sign));
        return true;
      }
      case kEncLzf: {
        uint64_t clen, ulen;
        std::string_view b;
        if (!Len(&clen) || !Len(&ulen) || !Bytes(clen, &b)) return false;
        if (ulen > (1ULL << 32)) return Fail("LZF string too long");
        out->resize(ulen);
        if (ulen == 0 || lzf_decompress(b.data(), static_cast<unsigned>(clen), out->data(),
                                        static_cast<unsigned>(ulen)) != ulen)
          return Fail("invalid LZF compressed string");
        return true;
      }
      default:
        return Fail("unknown string encoding " + std::to_string(len));
    }
  }
  bool BinaryDouble(double* d) {
    uint64_t u;
    if (!LE(8, &u)) return false;
    std::memcpy(d, &u, 8);
    return true;
  }
  // rdbLoadDoubleValue: the text format of RDB_TYPE_ZSET.
  bool TextDouble(double* d) {
    uint8_t n;
    if (!U8(&n)) return false;
    if (n == 253) *d = NAN;
    else if (n == 254) *d = INFINITY;
    else if (n == 255) *d = -INFINITY;
    else {
      std::string_view b;
      if (!Bytes(n, &b)) return false;
      std::string s(b);
      char* end;
      *d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size()) return Fail("invalid double value");
    }
    return true;
  }

 private:
  std::string_view d_;
  size_t pos_ = 0;
  std::string err_;
  size_t err_off_ = 0;
};

bool ParseScore(std::string_view s, double* d) {
  std::string t(s);
  char* end;
  *d = std::strtod(t.c_str(), &end);
  return !t.empty() && end == t.c_str() + t.size() && !std::isnan(*d);
}

using Strings = std::vector<std::string>;

// Elements of a listpack or ziplist blob, appended to out.
bool ReadPacked(Input& in, bool ziplist, Strings* out, const char* what) {
  std::string blob;
  if (!in.String(&blob)) return false;
  auto push = [&](std::string_view s) { out->emplace_back(s); };
  bool ok = ziplist ? ForEachZiplist(blob, push) : ForEachListpack(blob, push);
  if (!ok) return in.Fail(std::string("corrupt ") + (ziplist ? "ziplist" : "listpack") + " in " + what);
  return true;
}

bool ReadStrings(Input& in, uint64_t n, Strings* out) {
  out->reserve(out->size() + n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string s;
    if (!in.String(&s)) return false;
    out->push_back(std::move(s));
  }
  return true;
}

// nodes: where each quicklist node of the file ends in elems and whether it is plain; empty
// for the types without nodes, whose elements are pushed under the current limits.
Entry* BuildList(const Strings& elems, const std::vector<std::pair<size_t, bool>>& nodes, std::string_view key,
                 const RdbLoadLimits& lim) {
  List* l = List::New(lim.list_fill, lim.list_compress, lim.list_packed_threshold);
  if (nodes.empty()) {
    for (const auto& s : elems) l->Push(ListEnd::kTail, s);
  } else {
    size_t from = 0;
    for (auto [end, plain] : nodes) {
      l->AppendNode(std::span<const std::string>(elems).subspan(from, end - from), plain);
      from = end;
    }
  }
  return Entry::NewObject(key, ObjType::kList, Encoding::kQuicklist, l);
}

Entry* BuildHash(Input& in, const Strings& kv, std::string_view key, const RdbLoadLimits& lim) {
  if (kv.size() % 2 != 0) return in.Fail("hash with an odd number of elements"), nullptr;
  size_t n = kv.size() / 2;
  bool compact = static_cast<int64_t>(n) <= lim.hash_max_entries;
  for (size_t i = 0; compact && i < kv.size(); ++i)
    if (static_cast<int64_t>(kv[i].size()) > lim.hash_max_value) compact = false;
  Hash h = Hash::NewListpack();
  if (!compact) h.ConvertToHashtable();
  else h.Reserve(kv.size() * 2 + [&] {
      size_t b = 0;
      for (size_t i = 0; i < n; ++i) b += Hash::ListpackPairBytes(kv[2 * i], kv[2 * i + 1]);
      return b;
    }());
  for (size_t i = 0; i < n; ++i) {
    if (!h.Set(kv[2 * i], kv[2 * i + 1])) {
      h.Free();
      return in.Fail("duplicate hash field"), nullptr;
    }
  }
  h.ShrinkToFit();
  return Entry::PackObject(
      Entry::NewObject(key, ObjType::kHash, compact ? Encoding::kListpack : Encoding::kHashtable, h.ptr()));
}

Entry* BuildSet(Input& in, const Strings& members, std::string_view key, const RdbLoadLimits& lim) {
  SetObject* s = SetObject::NewIntset();
  for (const auto& m : members) {
    if (!SetObject::Add(s, m, static_cast<size_t>(lim.set_max_intset))) {
      SetObject::Free(s);
      return in.Fail("duplicate set member"), nullptr;
    }
  }
  // Small compact collections live inside the entry, as after a write (Entry::PackObject).
  return Entry::PackObject(Entry::NewObject(key, ObjType::kSet, s->encoding(), s));
}

Entry* BuildZSet(Input& in, std::vector<std::pair<std::string, double>> elems, std::string_view key,
                 const RdbLoadLimits& lim) {
  size_t max_len = 0;
  std::unordered_set<std::string_view> seen;
  seen.reserve(elems.size());
  for (const auto& [m, sc] : elems) {
    if (std::isnan(sc)) return in.Fail("sorted set score is NaN"), nullptr;
    if (!seen.insert(m).second) return in.Fail("duplicate sorted set member"), nullptr;
    max_len = std::max(max_len, m.size());
  }
  std::sort(elems.begin(), elems.end(), [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  bool compact = ZSetFitsListpack(elems.size(), max_len, lim.zset_max_entries, lim.zset_max_value);
  ZSet z = ZSet::FromSorted(elems, compact);
  return Entry::PackObject(
      Entry::NewObject(key, ObjType::kZSet, compact ? Encoding::kListpack : Encoding::kSkiplist, z.ptr()));
}

// RDB_TYPE_STREAM_LISTPACKS (Redis 5..6.2) and _2 (7.0), checked as Redis's loader with
// deep sanitization checks them: every node a valid stream listpack under a 16-byte ID, the
// length consistent with the nodes, every consumer PEL entry in its group's PEL and every
// group NACK owned by a consumer.
Entry* ReadStream(uint8_t type, Input& in, std::string_view key) {
  auto s = std::make_unique<Stream>();
  auto fail = [&](const std::string& m) { return in.Fail(m), nullptr; };
  uint64_t nodes;
  if (!in.Count(&nodes)) return nullptr;
  uint64_t total = 0;
  for (uint64_t i = 0; i < nodes; ++i) {
    std::string k, blob;
    if (!in.String(&k)) return nullptr;
    if (k.size() != 16) return fail("stream node key entry is not the size of a stream ID");
    if (!in.String(&blob)) return nullptr;
    StreamID master = StreamID::Decode(reinterpret_cast<const uint8_t*>(k.data()));
    size_t entries;
    if (!ValidateStreamNode(blob, master, &entries)) return fail("stream listpack integrity check failed");
    if (entries == 0) return fail("empty listpack inside stream");
    if (!s->nodes().empty() && !(std::prev(s->nodes().end())->first < master))
      return fail("stream nodes out of order");
    auto* lp = static_cast<uint8_t*>(std::malloc(blob.size()));
    std::memcpy(lp, blob.data(), blob.size());
    s->AddRawNode(master, lp);
    total += entries;
  }
  uint64_t length, a, b;
  if (!in.Len(&length)) return nullptr;
  if (length != total) return fail("stream length inconsistent with its nodes");
  s->set_length(length);
  if (!in.Len(&a) || !in.Len(&b)) return nullptr;
  s->set_last_id({a, b});
  if (type == kTypeStreamListpacks2) {
    if (!in.Len(&a) || !in.Len(&b)) return nullptr;
    s->set_first_id({a, b});
    if (!in.Len(&a) || !in.Len(&b)) return nullptr;
    s->set_max_deleted_id({a, b});
    if (!in.Len(&a)) return nullptr;
    s->set_entries_added(a);
  } else {
    // Redis 7.0 derives what older files lack.
    s->UpdateFirstId();
    s->set_entries_added(length);
  }
  StreamID last_entry;
  if (s->EdgeId(false, &last_entry) && s->last_id() < last_entry) return fail("stream last ID below its entries");
  uint64_t ngroups;
  if (!in.Count(&ngroups)) return nullptr;
  for (uint64_t g = 0; g < ngroups; ++g) {
    std::string name;
    if (!in.String(&name) || !in.Len(&a) || !in.Len(&b)) return nullptr;
    StreamID gid{a, b};
    int64_t entries_read;
    if (type == kTypeStreamListpacks2) {
      uint64_t er;
      if (!in.Len(&er)) return nullptr;
      entries_read = static_cast<int64_t>(er);
    } else {
      entries_read = s->EstimateDistanceFromFirstEverEntry(gid);
    }
    StreamGroup* cg = s->CreateGroup(name, gid, entries_read);
    if (!cg) return fail("duplicated consumer group name");
    uint64_t npel;
    if (!in.Count(&npel)) return nullptr;
    for (uint64_t i = 0; i < npel; ++i) {
      std::string_view raw;
      uint64_t t, cnt;
      if (!in.Bytes(16, &raw) || !in.LE(8, &t) || !in.Len(&cnt)) return nullptr;
      StreamID id = StreamID::Decode(reinterpret_cast<const uint8_t*>(raw.data()));
      auto* n = new StreamNack{static_cast<int64_t>(t), cnt, nullptr};
      if (!cg->pel.emplace(id, n).second) {
        delete n;
        return fail("duplicated global PEL entry loading stream consumer group");
      }
    }
    uint64_t nconsumers;
    if (!in.Count(&nconsumers)) return nullptr;
    for (uint64_t c = 0; c < nconsumers; ++c) {
      std::string cname;
      uint64_t seen;
      if (!in.String(&cname) || !in.LE(8, &seen)) return nullptr;
      StreamConsumer* cons = cg->CreateConsumer(cname, static_cast<int64_t>(seen));
      if (!cons) return fail("duplicated consumer name in stream group");
      uint64_t n;
      if (!in.Count(&n)) return nullptr;
      for (uint64_t i = 0; i < n; ++i) {
        std::string_view raw;
        if (!in.Bytes(16, &raw)) return nullptr;
        StreamID id = StreamID::Decode(reinterpret_cast<const uint8_t*>(raw.data()));
        auto it = cg->pel.find(id);
        if (it == cg->pel.end()) return fail("consumer PEL entry not found in the group global PEL");
        if (it->second->consumer) return fail("stream PEL entry owned by two consumers");
        it->second->consumer = cons;
        cons->pel.emplace(id, it->second);
      }
    }
    for (auto& [id, nack] : cg->pel)
      if (!nack->consumer) return fail("stream group PEL entry without a consumer");
  }
  return Entry::NewObject(key, ObjType::kStream, Encoding::kStream, s.release());
}

// Reads one value. Returns nullptr on error (in's error set) or for an empty collection
// (*empty set: Redis skips such keys too).
Entry* ReadValue(uint8_t type, Input& in, std::string_view key, const RdbLoadLimits& lim, bool* empty) {
  *empty = false;
  Strings v;
  std::vector<std::pair<size_t, bool>> list_nodes;
  uint64_t n;
  switch (type) {
    case kTypeString: {
      std::string s;
      if (!in.String(&s)) return nullptr;
      return Entry::NewString(key, s, StringEncodingFor(s));
    }
    case kTypeList:
      if (!in.Count(&n) || !ReadStrings(in, n, &v)) return nullptr;
      break;
    case kTypeListZiplist:
      if (!ReadPacked(in, true, &v, "list")) return nullptr;
      break;
    case kTypeListQuicklist:
    case kTypeListQuicklist2:
      if (!in.Count(&n)) return nullptr;
      for (uint64_t i = 0; i < n; ++i) {
        uint64_t container = kQuicklistPacked;
        if (type == kTypeListQuicklist2 && !in.Len(&container)) return nullptr;
        if (container == kQuicklistPlain) {
          if (!ReadStrings(in, 1, &v)) return nullptr;
        } else if (container == kQuicklistPacked) {
          if (!ReadPacked(in, type == kTypeListQuicklist, &v, "quicklist")) return nullptr;
        } else {
          return in.Fail("unknown quicklist container " + std::to_string(container)), nullptr;
        }
        // Empty listpacks are skipped, as Redis does.
        if (v.size() > (list_nodes.empty() ? 0 : list_nodes.back().first))
          list_nodes.emplace_back(v.size(), container == kQuicklistPlain);
      }
      break;
    case kTypeSet:
      if (!in.Count(&n) || !ReadStrings(in, n, &v)) return nullptr;
      break;
    case kTypeSetIntset: {
      std::string blob;
      std::vector<int64_t> ints;
      if (!in.String(&blob)) return nullptr;
      if (!ParseIntset(blob, &ints)) return in.Fail("corrupt intset"), nullptr;
      for (int64_t i : ints) v.push_back(std::to_string(i));
      break;
    }
    case kTypeHash:
      if (!in.Count(&n) || !ReadStrings(in, 2 * n, &v)) return nullptr;
      break;
    case kTypeHashZiplist:
    case kTypeHashListpack:
      if (!ReadPacked(in, type == kTypeHashZiplist, &v, "hash")) return nullptr;
      break;
    case kTypeZSet:
    case kTypeZSet2:
    case kTypeZSetZiplist:
    case kTypeZSetListpack: {
      std::vector<std::pair<std::string, double>> elems;
      if (type == kTypeZSet || type == kTypeZSet2) {
        if (!in.Count(&n)) return nullptr;
        elems.reserve(n);
        for (uint64_t i = 0; i < n; ++i) {
          std::string m;
          double d;
          if (!in.String(&m)) return nullptr;
          if (!(type == kTypeZSet2 ? in.BinaryDouble(&d) : in.TextDouble(&d))) return nullptr;
          elems.emplace_back(std::move(m), d);
        }
      } else {
        if (!ReadPacked(in, type == kTypeZSetZiplist, &v, "sorted set")) return nullptr;
        if (v.size() % 2 != 0) return in.Fail("sorted set with an odd number of elements"), nullptr;
        for (size_t i = 0; i < v.size(); i += 2) {
          double d;
          if (!ParseScore(v[i + 1], &d)) return in.Fail("invalid sorted set score"), nullptr;
          elems.emplace_back(std::move(v[i]), d);
        }
      }
      if (elems.empty()) return *empty = true, nullptr;
      return BuildZSet(in, std::move(elems), key, lim);
    }
    case kTypeHashZipmap:
      return in.Fail("zipmap-encoded hashes (RDB from Redis < 2.6) are not supported"), nullptr;
    case kTypeModule:
    case kTypeModule2:
      return in.Fail("module data types are not supported (key '" + std::string(key) + "')"), nullptr;
    case kTypeStreamListpacks:
    case kTypeStreamListpacks2:
      return ReadStream(type, in, key);
    default:
      return in.Fail("unknown object type " + std::to_string(type)), nullptr;
  }
  if (v.empty()) return *empty = true, nullptr;
  switch (type) {
    case kTypeList:
    case kTypeListZiplist:
    case kTypeListQuicklist:
    case kTypeListQuicklist2:
      return BuildList(v, list_nodes, key, lim);
    case kTypeSet:
    case kTypeSetIntset:
      return BuildSet(in, v, key, lim);
    default:
      return BuildHash(in, v, key, lim);
  }
}

}  // namespace

Entry* DecodeValue(uint8_t type, std::string_view data, std::string_view key,
                   const RdbLoadLimits& limits, std::string* error) {
  Input in(data);
  bool empty;
  Entry* e = ReadValue(type, in, key, limits, &empty);
  if (e && !in.done()) {
    Entry::Free(e);
    in.Fail("trailing bytes after the value");
    e = nullptr;
  }
  if (!e) *error = empty ? "empty collection" : in.error();
  return e;
}

bool VerifyDumpPayload(std::string_view p, uint8_t* type, std::string_view* value) {
  if (p.size() < 10) return false;
  const auto* b = reinterpret_cast<const unsigned char*>(p.data());
  size_t footer = p.size() - 10;
  unsigned version = b[footer] | (b[footer + 1] << 8);
  if (version > static_cast<unsigned>(kVersion)) return false;
  uint64_t crc = 0;
  for (int i = 0; i < 8; ++i) crc |= static_cast<uint64_t>(b[footer + 2 + i]) << (8 * i);
  if (Crc64(0, p.data(), p.size() - 8) != crc) return false;
  if (footer < 1) return false;
  *type = b[0];
  *value = p.substr(1, footer - 1);
  return true;
}

std::string ParseFunctionsPayload(std::string_view p, std::vector<std::string>* libraries) {
  if (p.size() < 10) return "DUMP payload version or checksum are wrong";
  const auto* b = reinterpret_cast<const unsigned char*>(p.data());
  const size_t footer = p.size() - 10;
  const unsigned version = b[footer] | (b[footer + 1] << 8);
  uint64_t crc = 0;
  for (int i = 0; i < 8; ++i) crc |= static_cast<uint64_t>(b[footer + 2 + i]) << (8 * i);
  if (version > static_cast<unsigned>(kVersion) || Crc64(0, p.data(), p.size() - 8) != crc)
    return "DUMP payload version or checksum are wrong";
  Input in(p.substr(0, footer));
  while (!in.done()) {
    uint8_t type;
    if (!in.U8(&type)) return "can not read data type";
    if (type == kOpFunction) return "Pre-GA function format not supported";
    if (type != kOpFunction2) return "given type is not a function";
    std::string code;
    if (!in.String(&code)) return "failed loading the given functions payload";
    libraries->push_back(std::move(code));
  }
  return {};
}

std::string LoadRdb(std::string_view image, std::string_view name, ShardSet& shards,
                    const RdbLoadLimits& limits, RdbLoadStats* stats) {
  Input in(image);
  auto error = [&] {
    return "Bad RDB file " + std::string(name) + " at offset " + std::to_string(in.error_offset()) +
           ": " + in.error();
  };
  std::string_view magic;
  if (!in.Bytes(9, &magic)) return error();
  if (magic.substr(0, 5) != "REDIS") return in.Fail("wrong signature, not an RDB file"), error();
  int version = 0;
  for (char c : magic.substr(5)) {
    if (c < '0' || c > '9') return in.Fail("wrong signature, not an RDB file"), error();
    version = version * 10 + (c - '0');
  }
  if (version < 1 || version > kMaxReadVersion)
    return in.Fail("can't handle RDB format version " + std::to_string(version)), error();

  int db = 0;
  int64_t expire = Entry::kNoExpire;
  int64_t idle = -1;
  int64_t now = shards.clock()->NowMs();
  for (;;) {
    uint8_t op;
    if (!in.U8(&op)) return error();
    uint64_t a, b;
    switch (op) {
      case kOpExpireTime:
        if (!in.LE(4, &a)) return error();
        expire = static_cast<int64_t>(a) * 1000;
        continue;
      case kOpExpireTimeMs:
        if (!in.LE(8, &a)) return error();
        expire = static_cast<int64_t>(a);
        continue;
      case kOpFreq:
        if (!in.LE(1, &a)) return error();
        continue;
      case kOpIdle:
        if (!in.Len(&a)) return error();
        idle = static_cast<int64_t>(a);
        continue;
      case kOpSelectDb:
        if (!in.Len(&a)) return error();
        if (a >= static_cast<uint64_t>(kNumDbs))
          return in.Fail("database " + std::to_string(a) + " out of range (keyshard has 16)"), error();
        db = static_cast<int>(a);
        continue;
      case kOpResizeDb:
        if (!in.Len(&a) || !in.Len(&b)) return error();
        continue;
      case kOpAux: {
        std::string k, v;
        if (!in.String(&k) || !in.String(&v)) return error();
        continue;
      }
      case kOpModuleAux:
        return in.Fail("module auxiliary data is not supported"), error();
      case kOpFunction:
        return in.Fail("Pre-GA function format not supported"), error();
      case kOpFunction2: {
        std::string code;
        if (!in.String(&code)) return error();
        if (stats) stats->libraries.push_back(std::move(code));
        continue;
      }
      case kOpEof:
        break;
      default: {
        std::string key;
        if (!in.String(&key)) return error();
        bool empty;
        Entry* e = ReadValue(op, in, key, limits, &empty);
        if (!e && !empty) return error();
        if (e && expire != Entry::kNoExpire && expire <= now) {
          Entry::Free(e);
          if (stats) ++stats->expired_skipped;
        } else if (e) {
          if (expire != Entry::kNoExpire) e = Entry::SetExpire(e, expire);
          uint16_t slot = KeySlot(key);
          SlotGuard guard(shards, slot);
          Engine& eng = guard.engine();
          if (eng.db(db).Find(slot, key)) {
            Entry::Free(e);
            return in.Fail("duplicate key '" + key + "' in database " + std::to_string(db)), error();
          }
          eng.Put(db, slot, e);
          if (idle >= 0) {
            uint32_t clock = eng.LruClock();
            uint32_t secs = static_cast<uint32_t>(std::min<int64_t>(idle, Engine::kLruClockMax));
            uint32_t access = clock >= secs ? clock - secs : Engine::kLruClockMax - (secs - clock);
            if (Entry* f = eng.db(db).Find(slot, key)) f->set_access(access);
          }
          if (stats) ++stats->keys_loaded;
        }
        expire = Entry::kNoExpire;
        idle = -1;
        continue;
      }
    }
    break;  // EOF
  }
  if (version >= 5) {
    size_t covered = in.offset();
    uint64_t crc;
    if (!in.LE(8, &crc)) return error();
    if (crc != 0 && crc != Crc64(0, image.data(), covered))
      return in.Fail("wrong RDB checksum"), error();
  }
  return {};
}

std::string LoadRdbFile(const std::string& path, ShardSet& shards, const RdbLoadLimits& limits,
                        RdbLoadStats* stats, bool* found) {
  *found = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {};
    return "Can't open RDB file " + path + ": " + std::strerror(errno);
  }
  *found = true;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return "Can't stat RDB file " + path + ": " + std::strerror(errno);
  }
  std::string image(static_cast<size_t>(st.st_size), '\0');
  size_t off = 0;
  while (off < image.size()) {
    ssize_t r = ::read(fd, image.data() + off, image.size() - off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      ::close(fd);
      return "Error reading RDB file " + path + ": " + (r < 0 ? std::strerror(errno) : "short read");
    }
    off += static_cast<size_t>(r);
  }
  ::close(fd);
  return LoadRdb(image, path, shards, limits, stats);
}

}  // namespace ks
