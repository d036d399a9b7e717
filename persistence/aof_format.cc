#include "persistence/aof_format.h"

#include <charconv>
#include <cstdint>

#include "common/strconv.h"
#include "engine/entry.h"
#include "engine/hash.h"
#include "engine/list.h"
#include "engine/set.h"
#include "engine/stream.h"
#include "engine/zset.h"

namespace ks {
namespace {

void AppendHeader(std::string& out, char c, size_t n) {
  char buf[24];
  out += c;
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
  out += "\r\n";
}

void AppendBulk(std::string& out, std::string_view s) {
  AppendHeader(out, '$', s.size());
  out.append(s);
  out += "\r\n";
}

// Collects one command's arguments and flushes them in batches, so a big collection becomes
// several bounded commands rather than one huge one.
class Batcher {
 public:
  Batcher(std::string& out, std::string_view cmd, std::string_view key) : out_(out), cmd_(cmd), key_(key) {}
  ~Batcher() { Flush(); }
  void Add(std::string_view a) {
    args_.emplace_back(a);
    bytes_ += a.size();
  }
  void AddPair(std::string_view a, std::string_view b) {
    Add(a);
    Add(b);
    if (args_.size() >= kBatch) Flush();
  }
  void AddOne(std::string_view a) {
    Add(a);
    if (args_.size() >= kBatch) Flush();
  }
  void Flush() {
    if (args_.empty()) return;
    AppendHeader(out_, '*', args_.size() + 2);
    AppendBulk(out_, cmd_);
    AppendBulk(out_, key_);
    for (auto& a : args_) AppendBulk(out_, a);
    args_.clear();
  }
  // Bytes of arguments added so far (a part's budget counts them).
  size_t bytes() const { return bytes_; }

 private:
  static constexpr size_t kBatch = 128;  // arguments per command, as Redis's AOF_REWRITE_ITEMS_PER_CMD (64 pairs)
  std::string& out_;
  std::string_view cmd_, key_;
  std::vector<std::string> args_;
  size_t bytes_ = 0;
};

}  // namespace

void AppendRespCommand(std::string& out, std::span<const std::string_view> args) {
  AppendHeader(out, '*', args.size());
  for (auto a : args) AppendBulk(out, a);
}

void AppendRespCommand(std::string& out, std::initializer_list<std::string_view> args) {
  AppendRespCommand(out, std::span<const std::string_view>(args.begin(), args.size()));
}

namespace {

// Redis's rewriteStreamObject: XADD per entry (XADD MAXLEN 0 for an empty stream), XSETID
// for the counters, XGROUP CREATE per group, then XCLAIM ... JUSTID FORCE per pending entry
// (XGROUP CREATECONSUMER for a consumer with none).
void AppendStreamRebuild(std::string& out, std::string_view key, const Stream& s) {
  std::vector<std::string> own;
  std::vector<std::string_view> args;
  auto emit = [&] {
    AppendRespCommand(out, std::span<const std::string_view>(args.data(), args.size()));
    args.clear();
    own.clear();
  };
  char buf[24];
  if (s.length()) {
    s.Range(StreamID{}, StreamID::Max(), false, 0, [&](StreamID id, const std::vector<Stream::Field>& fs) {
      own.reserve(1 + 2 * fs.size());
      own.push_back(id.ToString());
      args = {"XADD", key, own.back()};
      for (auto& f : fs) {
        own.emplace_back(f.field.Str(buf));
        args.push_back(own.back());
        own.emplace_back(f.value.Str(buf));
        args.push_back(own.back());
      }
      emit();
      return true;
    });
  } else {
    args = {"XADD", key, "MAXLEN", "0", "0-1", "x", "y"};
    emit();
  }
  std::string last = s.last_id().ToString(), added = std::to_string(s.entries_added()),
              maxdel = s.max_deleted_id().ToString();
  args = {"XSETID", key, last, "ENTRIESADDED", added, "MAXDELETEDID", maxdel};
  emit();
  if (!s.groups()) return;
  for (auto& [name, g] : *s.groups()) {
    std::string gid = g->last_id.ToString(), er = std::to_string(g->entries_read);
    args = {"XGROUP", "CREATE", key, name, gid, "ENTRIESREAD", er};
    emit();
    for (auto& [cname, c] : g->consumers) {
      if (c->pel.empty()) {
        args = {"XGROUP", "CREATECONSUMER", key, name, cname};
        emit();
        continue;
      }
      for (auto& [id, nack] : c->pel) {
        std::string sid = id.ToString(), t = std::to_string(nack->delivery_time),
                    cnt = std::to_string(nack->delivery_count);
        args = {"XCLAIM", key, name, cname, "0", sid, "TIME", t, "RETRYCOUNT", cnt, "JUSTID", "FORCE"};
        emit();
      }
    }
  }
}

// A rebuild from c on: DEL first (with replace), then elements until `budget` bytes of them
// went out; the TTL once the value is complete.
bool RebuildPart(std::string& out, const Entry* e, RebuildCursor& c, size_t budget, bool replace) {
  std::string_view key = e->key();
  if (!c.started && replace && e->type() != ObjType::kString) AppendRespCommand(out, {"DEL", key});
  c.started = true;
  bool done = true;
  switch (e->type()) {
    case ObjType::kString:
      AppendRespCommand(out, {"SET", key, e->str()});
      break;
    case ObjType::kList: {
      const List* l = static_cast<const List*>(e->obj());
      Batcher b(out, "RPUSH", key);
      if (c.pos >= l->size()) break;
      for (auto cur = l->CursorAt(c.pos); cur.Valid();) {
        b.AddOne(cur.Value());
        ++c.pos;
        cur.Next();
        if (b.bytes() >= budget && cur.Valid()) {
          done = false;
          break;
        }
      }
      break;
    }
    case ObjType::kSet: {
      const SetObject* s = static_cast<const SetObject*>(e->obj());
      Batcher b(out, "SADD", key);
      if (s->is_intset()) {
        char buf[kSetIntBuf];
        const size_t n = s->size();
        while (c.pos < n && b.bytes() < budget) b.AddOne(SetObject::FormatInt(s->IntAt(c.pos++), buf));
        done = c.pos >= n;
      } else {
        // A scan cursor over an unchanged table visits every bucket once.
        uint64_t cursor = c.pos;
        do {
          cursor = s->ScanTableStep(cursor, [&](std::string_view m) { b.AddOne(m); });
        } while (cursor != 0 && b.bytes() < budget);
        c.pos = cursor;
        done = cursor == 0;
      }
      break;
    }
    case ObjType::kHash: {
      Hash h(e->obj());
      Batcher b(out, "HSET", key);
      uint64_t cursor = c.pos;
      do {
        cursor = h.Scan(cursor, [&](std::string_view f, std::string_view v) { b.AddPair(f, v); });
      } while (cursor != 0 && b.bytes() < budget);
      c.pos = cursor;
      done = cursor == 0;
      break;
    }
    case ObjType::kStream:
      AppendStreamRebuild(out, key, *static_cast<const Stream*>(e->obj()));
      break;
    case ObjType::kZSet: {
      ZSet z(e->obj());
      Batcher b(out, "ZADD", key);
      if (z.empty()) break;
      for (auto cur = z.At(static_cast<int64_t>(c.pos), false); cur.Valid();) {
        b.AddPair(DToStr(cur.score()), cur.member());
        ++c.pos;
        cur.Next();
        if (b.bytes() >= budget && cur.Valid()) {
          done = false;
          break;
        }
      }
      break;
    }
  }
  if (done && e->has_expire()) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, e->expire_ms());
    AppendRespCommand(out, {"PEXPIREAT", key, std::string_view(buf, r.ptr - buf)});
  }
  return done;
}

}  // namespace

void AppendKeyRebuild(std::string& out, const Entry* e, bool replace) {
  RebuildCursor c;
  RebuildPart(out, e, c, SIZE_MAX, replace);
}

bool AppendKeyRebuildPart(std::string& out, const Entry* e, RebuildCursor& c, size_t budget) {
  return RebuildPart(out, e, c, budget, true);
}

int AofReader::ReadLine(size_t& p, char prefix, int64_t* out) const {
  if (p >= data_.size()) return 1;
  if (data_[p] != prefix) return 2;
  size_t nl = data_.find("\r\n", p + 1);
  if (nl == std::string_view::npos) {
    // Not corrupt yet if what is there could still be the start of a number.
    for (size_t i = p + 1; i < data_.size(); ++i)
      if (!(data_[i] >= '0' && data_[i] <= '9') && !(data_[i] == '\r' && i + 1 == data_.size())) return 2;
    return 1;
  }
  std::string_view num = data_.substr(p + 1, nl - p - 1);
  auto r = std::from_chars(num.data(), num.data() + num.size(), *out);
  if (r.ec != std::errc() || r.ptr != num.data() + num.size() || *out < 0) return 2;
  p = nl + 2;
  return 0;
}

AofReader::Status AofReader::Next(std::vector<std::string_view>& args) {
  args.clear();
  if (pos_ >= data_.size()) return Status::kEnd;
  size_t p = pos_;
  if (data_[p] == '#') {
    size_t nl = data_.find('\n', p);
    if (nl == std::string_view::npos) return Status::kTruncated;
    size_t end = (nl > p && data_[nl - 1] == '\r') ? nl - 1 : nl;
    args.push_back(data_.substr(p + 1, end - p - 1));
    pos_ = nl + 1;
    return Status::kAnnotation;
  }
  int64_t n;
  if (int r = ReadLine(p, '*', &n)) return r == 1 ? Status::kTruncated : Status::kCorrupt;
  if (n < 1) return Status::kCorrupt;
  for (int64_t i = 0; i < n; ++i) {
    int64_t len;
    if (int r = ReadLine(p, '$', &len)) return r == 1 ? Status::kTruncated : Status::kCorrupt;
    if (data_.size() - p < static_cast<size_t>(len) + 2) {
      // Cut inside the bulk, or its CRLF: truncated, unless the bytes present already break it.
      if (data_.size() - p > static_cast<size_t>(len) && data_[p + len] != '\r') return Status::kCorrupt;
      return Status::kTruncated;
    }
    if (data_[p + len] != '\r' || data_[p + len + 1] != '\n') return Status::kCorrupt;
    args.push_back(data_.substr(p, len));
    p += len + 2;
  }
  pos_ = p;
  return Status::kCommand;
}

}  // namespace ks
