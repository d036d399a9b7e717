#include "server/resharding/log_precopy.h"

#include "engine/engine.h"
#include "persistence/aof_format.h"
#include "persistence/aof_log.h"
#include "routing/shard_set.h"
#include "routing/slots.h"

namespace ks {
namespace {

// Keys listed per hold of the source's lock (whole slots: a slot's table is walked at once,
// as SCAN does).
constexpr size_t kListStep = 2048;
// Delta passes re-copy dirty keys outside the two-engine hold while their number shrinks and
// is above this.
constexpr size_t kFewDirty = 16;
constexpr int kDeltaRounds = 3;
// Full passes started over by db-wide changes before the copy gives up (the two-engine hold
// then writes what is still dirty).
constexpr int kRestarts = 4;

int DbOf(const std::string& name) { return static_cast<uint8_t>(name[0]); }
std::string_view KeyOf(const std::string& name) { return std::string_view(name).substr(1); }

}  // namespace

std::string LogPreCopy::Name(int db, std::string_view key) {
  std::string n;
  n.reserve(key.size() + 1);
  n.push_back(static_cast<char>(db));
  n.append(key);
  return n;
}

void LogPreCopy::KeyModified(int db, std::string_view key, uint16_t slot, KeyEvent, uint64_t) {
  if (!InBatch(slot)) return;
  std::lock_guard lk(mu_);
  dirty_.insert(Name(db, key));
}

void LogPreCopy::DbChanged(DbEvent event, int db, int other) {
  std::lock_guard lk(mu_);
  ++db_changes_;
  if (event == DbEvent::kSwapDb) {
    std::vector<std::string> swapped;
    for (const std::string& n : written_) {
      if (DbOf(n) == db) swapped.push_back(Name(other, KeyOf(n)));
      else if (DbOf(n) == other) swapped.push_back(Name(db, KeyOf(n)));
    }
    written_.insert(swapped.begin(), swapped.end());
  }
  dirty_.insert(written_.begin(), written_.end());
}

void LogPreCopy::Begin(uint16_t from, uint16_t to, std::span<const uint16_t> slots) {
  from_ = from;
  to_ = to;
  batch_.assign(slots.begin(), slots.end());
  aof_ = nullptr;
  {
    std::lock_guard lk(mu_);
    dirty_.clear();
    written_.clear();
  }
  // Set before the first hold of the source's lock: a change made under that lock after it
  // is then seen by the hook (the mutex orders the stores before it).
  for (uint16_t s : batch_) slots_[s >> 6].fetch_or(uint64_t{1} << (s & 63), std::memory_order_relaxed);
  active_ = true;
}

void LogPreCopy::End() {
  for (uint16_t s : batch_) slots_[s >> 6].fetch_and(~(uint64_t{1} << (s & 63)), std::memory_order_relaxed);
  batch_.clear();
  aof_ = nullptr;
  active_ = false;
  std::lock_guard lk(mu_);
  dirty_ = NameSet();
  written_ = NameSet();
}

void LogPreCopy::List(std::vector<Item>* out) {
  out->clear();
  for (size_t i = 0; i < batch_.size();) {
    EngineGuard g(shards_, from_);
    size_t listed = 0;
    for (; i < batch_.size() && listed < kListStep; ++i) {
      const uint16_t slot = batch_[i];
      for (int db = 0; db < kNumDbs; ++db)
        g.engine().db(db).ForEachInSlot(slot, [&](Entry* e) {
          out->push_back({Name(db, e->key()), slot});
          ++listed;
        });
    }
  }
}

LogPreCopy::Pass LogPreCopy::CopyItems(AofSet& aof, const std::vector<Item>& items, const std::atomic<bool>& cancel) {
  EngineLog& log = aof.log(to_);
  std::vector<std::pair<int, std::string>> pieces;  // the step's commands, by database
  auto piece = [&](int db) -> std::string& {
    if (pieces.empty() || pieces.back().first != db) pieces.emplace_back(db, std::string());
    return pieces.back().second;
  };
  RebuildCursor cur;  // of items[i], when it is copied in parts
  size_t i = 0;
  while (i < items.size()) {
    if (cancel.load(std::memory_order_relaxed)) return Pass::kCancelled;
    pieces.clear();
    {
      EngineGuard g(shards_, from_);
      std::lock_guard lk(mu_);
      if (db_changes_ != db_changes_seen_) return Pass::kRestart;  // names may now be in other dbs
      size_t bytes = 0;
      while (i < items.size() && bytes < kStepBytes) {
        const Item& it = items[i];
        const int db = DbOf(it.name);
        const Entry* e = g.engine().db(db).Find(it.slot, KeyOf(it.name));
        if (!cur.started) {
          if (!e) {
            // Gone since it was listed or copied: the log forgets it now if it holds a copy
            // (never copied, the log holds nothing of it either).
            if (written_.contains(it.name)) AppendRespCommand(piece(db), {"DEL", KeyOf(it.name)});
            dirty_.erase(it.name);
            ++i;
            continue;
          }
          if (e->type() == ObjType::kStream) {
            // A stream's consumer groups change in ways the hook does not always hear of
            // (a consumer created by an XREADGROUP that delivers nothing): the two-engine
            // hold writes streams whole.
            dirty_.insert(it.name);
            ++i;
            continue;
          }
          dirty_.erase(it.name);
          written_.insert(it.name);
        } else if (!e || dirty_.contains(it.name)) {
          // Changed between its parts: the next pass, or the two-engine hold, copies it again.
          cur = {};
          ++i;
          continue;
        }
        std::string& out = piece(db);
        const size_t before = out.size();
        const bool done = AppendKeyRebuildPart(out, e, cur, kStepBytes - bytes);
        bytes += out.size() - before;
        if (done) {
          cur = {};
          ++i;
        }
      }
    }
    if (pieces.empty()) continue;
    {
      EngineGuard g(shards_, to_);
      for (auto& [db, s] : pieces) log.AppendWith(db, [&](std::string& out) { out += s; });
    }
    if (!log.Write()) return Pass::kFailed;
  }
  return Pass::kDone;
}

LogPreCopy::Result LogPreCopy::Copy(AofSet& aof, const std::atomic<bool>& cancel) {
  EngineLog& log = aof.log(to_);
  std::vector<Item> items;
  for (int attempt = 0; attempt < kRestarts; ++attempt) {
    {
      std::lock_guard lk(mu_);
      db_changes_seen_ = db_changes_;
    }
    // Read before anything is appended: a switch after this makes Valid() false.
    aof_ = &aof;
    switches_ = log.switches();
    List(&items);
    Pass p = CopyItems(aof, items, cancel);
    // Delta passes over the keys changed meanwhile, while that shrinks them.
    size_t last = SIZE_MAX;
    for (int round = 0; p == Pass::kDone && round < kDeltaRounds; ++round) {
      {
        EngineGuard g(shards_, from_);
        std::lock_guard lk(mu_);
        if (dirty_.size() <= kFewDirty || dirty_.size() >= last) break;
        last = dirty_.size();
        items.clear();
        for (const std::string& n : dirty_) items.push_back({n, KeySlot(KeyOf(n))});
      }
      p = CopyItems(aof, items, cancel);
    }
    if (p == Pass::kCancelled) return Result::kCancelled;
    if (p == Pass::kFailed) return Result::kFailed;
    if (p == Pass::kDone) break;
  }
  // Durable outside the locks: the two-engine hold then fsyncs only what it adds.
  return log.Sync() ? Result::kCopied : Result::kFailed;
}

bool LogPreCopy::Valid(AofSet* aof) {
  return aof && aof == aof_ && aof->log(to_).switches() == switches_;
}

size_t LogPreCopy::AppendDirty(EngineLog& log, bool all) {
  Engine& src = shards_.engine(from_);
  std::lock_guard lk(mu_);
  size_t n = 0;
  auto rebuild = [&](const std::string& name, const Entry* e) {
    log.AppendWith(DbOf(name), [&](std::string& out) { AppendKeyRebuild(out, e, true); });
    written_.insert(name);
    ++n;
  };
  if (all) {
    for (int db = 0; db < kNumDbs; ++db)
      for (uint16_t s : batch_) src.db(db).ForEachInSlot(s, [&](Entry* e) { rebuild(Name(db, e->key()), e); });
    dirty_.clear();
    dirty_.insert(written_.begin(), written_.end());  // below: the copies of keys now gone
  }
  for (const std::string& name : dirty_) {
    std::string_view key = KeyOf(name);
    const Entry* e = src.db(DbOf(name)).Find(KeySlot(key), key);
    if (e) {
      if (!all) rebuild(name, e);
    } else if (written_.contains(name)) {
      log.AppendWith(DbOf(name), [&](std::string& out) { AppendRespCommand(out, {"DEL", key}); });
      ++n;
    }
  }
  dirty_.clear();
  return n;
}

void LogPreCopy::Undo(EngineLog& log) {
  std::lock_guard lk(mu_);
  for (const std::string& name : written_)
    log.AppendWith(DbOf(name), [&](std::string& out) { AppendRespCommand(out, {"DEL", KeyOf(name)}); });
}

}  // namespace ks
