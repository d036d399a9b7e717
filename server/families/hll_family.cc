// HyperLogLog: Redis 7.0's PF* commands (hyperloglog.c) over string values in Redis's exact
// representation (common/hyperloglog.h), so a key's bytes equal redis-server's for the same
// adds. A dense value (12304 bytes) is edited in place inside its entry; a sparse one (at most
// hll-sparse-max-bytes) is edited in a copy and stored back, since it may grow or turn dense.
// Keys of PFCOUNT and PFMERGE may live on any engines: the execution path holds them all.
#include <cmath>
#include <string>

#include "common/hyperloglog.h"
#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"

namespace ks {
namespace {

size_t SparseMax(CommandContext& ctx) {
  return static_cast<size_t>(ctx.server.limits().get(ctx.server.limits().hll_sparse_max_bytes));
}

uint8_t* Registers(Entry* e) { return reinterpret_cast<uint8_t*>(e->mutable_str()) + hll::kHeaderSize; }

// Looks up an HLL for a command that may change it (Redis's lookupKeyWrite + isHLLObjectOrReply
// + dbUnshareStringValue, which leaves the value "raw"). Replies and returns nullptr (with
// *missing false) on a wrong type or an invalid value; *missing says the key does not exist.
Entry* HllForWrite(CommandContext& ctx, const KeyRef& k, Access a, bool* missing) {
  *missing = false;
  auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kString, a);
  if (wrong) return nullptr;
  if (!e) {
    *missing = true;
    return nullptr;
  }
  if (!hll::IsHll(e->str())) {
    ctx.rb.Error(err::kHllWrongType);
    return nullptr;
  }
  e->set_encoding(Encoding::kRaw);
  return e;
}

// Stores v, edited from e's value (or new when e is null), back under k.
void StoreHll(CommandContext& ctx, const KeyRef& k, Entry* e, const std::string& v) {
  if (!e) return ctx.Put(k, Entry::NewString(k.key, v, Encoding::kRaw));
  ctx.Modify(k, e, [&](Entry* x) { return Entry::SetString(x, v, Encoding::kRaw); });
}

void PfAdd(CommandContext& ctx) {
  const KeyRef& k = ctx.keys[0];
  bool missing;
  Entry* e = HllForWrite(ctx, k, Access::kWrite, &missing);
  if (!e && !missing) return;
  const size_t sparse_max = SparseMax(ctx);
  int updated = 0;
  if (e && hll::EncodingOf(e->str()) == hll::kDense) {
    uint8_t* regs = Registers(e);
    for (size_t i = 2; i < ctx.argc(); ++i) updated += hll::DenseAdd(regs, ctx.arg(i));
    if (updated) {
      hll::InvalidateCache(e->mutable_str());
      ctx.Signal(k, KeyEvent::kWritten);
      ctx.Notify(kNotifyString, "pfadd", k);
    }
    return ctx.rb.Int(updated ? 1 : 0);
  }
  std::string v = e ? std::string(e->str()) : hll::NewSparse();
  if (!e) updated = 1;  // creating the key is a change even with no elements
  bool corrupt = false;
  for (size_t i = 2; i < ctx.argc() && !corrupt; ++i) {
    int r = hll::Add(v, ctx.arg(i), sparse_max);
    if (r == 1) ++updated;
    corrupt = r < 0;
  }
  if (updated && !corrupt) hll::InvalidateCache(v.data());
  // Redis edits the value in place, so what the elements before a corrupt opcode changed stays.
  if (updated) {
    StoreHll(ctx, k, e, v);
    if (!corrupt) ctx.Notify(kNotifyString, "pfadd", k);  // Redis replies the error before notifying
  }
  if (corrupt) return ctx.rb.Error(err::kHllInvalid);
  ctx.rb.Int(updated ? 1 : 0);
}

void PfCount(CommandContext& ctx) {
  if (ctx.keys.size() > 1) {
    // The union's cardinality, nothing modified.
    hll::RawRegisters max{};
    for (const KeyRef& k : ctx.keys) {
      auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kRead);
      if (wrong) return;
      if (!e) continue;
      if (!hll::IsHll(e->str())) return ctx.rb.Error(err::kHllWrongType);
      if (!hll::MergeInto(max, e->str())) return ctx.rb.Error(err::kHllInvalid);
    }
    return ctx.rb.Int(static_cast<int64_t>(hll::CountRaw(max)));
  }
  const KeyRef& k = ctx.keys[0];
  bool missing;
  Entry* e = HllForWrite(ctx, k, Access::kRead, &missing);
  if (missing) return ctx.rb.Int(0);
  if (!e) return;
  std::string_view v = e->str();
  if (hll::CacheValid(v)) return ctx.rb.Int(static_cast<int64_t>(hll::CachedCount(v)));
  bool invalid = false;
  uint64_t card = hll::Count(v, &invalid);
  if (invalid) return ctx.rb.Error(err::kHllInvalid);
  // Redis caches the result in the value, which makes this read a write of the key: a
  // snapshot in progress copies the slot first, the change counter moves (server.dirty++)
  // and the change is signalled. The AOF is not told (the row is readonly); a replayed value
  // recomputes the count on its first PFCOUNT.
  ctx.engine(k).BeforeSlotChange(k.slot);
  hll::SetCache(e->mutable_str(), card);
  ctx.server.stats().per_thread[ctx.client.thread_index].dirty.fetch_add(1, std::memory_order_relaxed);
  ctx.Signal(k, KeyEvent::kWritten);
  ctx.rb.Int(static_cast<int64_t>(card));
}

void PfMerge(CommandContext& ctx) {
  // Every key, the destination included, is a source.
  hll::RawRegisters max{};
  bool use_dense = false;
  for (const KeyRef& k : ctx.keys) {
    auto [e, wrong] = ctx.LookupOrReply(k, ObjType::kString, Access::kRead);
    if (wrong) return;
    if (!e) continue;
    if (!hll::IsHll(e->str())) return ctx.rb.Error(err::kHllWrongType);
    if (hll::EncodingOf(e->str()) == hll::kDense) use_dense = true;
    if (!hll::MergeInto(max, e->str())) return ctx.rb.Error(err::kHllInvalid);
  }
  const KeyRef& dst = ctx.keys[0];
  Entry* e = ctx.Find(dst);  // validated above when present
  std::string v = e ? std::string(e->str()) : hll::NewSparse();
  // The destination turns dense if any input was.
  if (use_dense && !hll::SparseToDense(v)) return ctx.rb.Error(err::kHllInvalid);
  const size_t sparse_max = SparseMax(ctx);
  for (uint32_t j = 0; j < hll::kRegisters; ++j) {
    if (max[j] == 0) continue;
    if (hll::EncodingOf(v) == hll::kDense)
      hll::DenseSet(reinterpret_cast<uint8_t*>(v.data()) + hll::kHeaderSize, j, max[j]);
    else
      hll::SparseSet(v, j, max[j], sparse_max);
  }
  hll::InvalidateCache(v.data());
  StoreHll(ctx, dst, e, v);
  ctx.Notify(kNotifyString, "pfadd", dst);  // Redis's PFMERGE raises "pfadd", not an event of its own
  ctx.rb.Ok();
}

void PfDebug(CommandContext& ctx) {
  std::string_view sub = ctx.arg(1);
  const KeyRef& k = ctx.keys[0];
  bool missing;
  Entry* e = HllForWrite(ctx, k, Access::kWrite, &missing);
  if (missing) return ctx.rb.Error(err::kPfdebugNoKey);
  if (!e) return;
  const bool sparse = hll::EncodingOf(e->str()) == hll::kSparse;
  // GETREG and TODENSE leave the value dense.
  auto to_dense = [&]() -> bool {
    std::string v(e->str());
    if (!hll::SparseToDense(v)) {
      ctx.rb.Error(err::kHllInvalid);
      return false;
    }
    e = ctx.Modify(k, e, [&](Entry* x) { return Entry::SetString(x, v, Encoding::kRaw); });
    return true;
  };
  if (EqualsNoCase(sub, "getreg")) {
    if (sparse && !to_dense()) return;
    const uint8_t* regs = Registers(e);
    ctx.rb.Array(hll::kRegisters);
    for (uint32_t j = 0; j < hll::kRegisters; ++j) ctx.rb.Int(hll::DenseGet(regs, j));
  } else if (EqualsNoCase(sub, "decode")) {
    if (!sparse) return ctx.rb.Error(err::kHllNotSparse);
    ctx.rb.Bulk(hll::DecodeSparse(e->str()));
  } else if (EqualsNoCase(sub, "encoding")) {
    ctx.rb.Simple(sparse ? "sparse" : "dense");
  } else if (EqualsNoCase(sub, "todense")) {
    if (sparse && !to_dense()) return;
    ctx.rb.Int(sparse ? 1 : 0);
  } else {
    ctx.rb.Error(err::PfdebugUnknown(sub));
  }
}

// Redis's pfselftestCommand: register access, then 10M adds to a dense and a sparse HLL that
// must agree and stay within the expected error at each power of ten.
void PfSelfTest(CommandContext& ctx) {
  Rng rng = ctx.random();
  std::string dense = hll::NewSparse();
  dense.resize(hll::kDenseSize, '\0');
  dense[4] = static_cast<char>(hll::kDense);
  uint8_t* regs = reinterpret_cast<uint8_t*>(dense.data()) + hll::kHeaderSize;
  // Test 1: access registers.
  {
    std::string expect(hll::kRegisters, '\0');
    for (int round = 0; round < 1000; ++round) {
      for (uint32_t i = 0; i < hll::kRegisters; ++i) {
        uint8_t r = static_cast<uint8_t>(rng() & 63);
        expect[i] = static_cast<char>(r);
        hll::DenseSetRaw(regs, i, r);
      }
      for (uint32_t i = 0; i < hll::kRegisters; ++i) {
        int val = hll::DenseGet(regs, i), want = static_cast<uint8_t>(expect[i]);
        if (val != want)
          return ctx.rb.Error("TESTFAILED Register " + std::to_string(i) + " should be " + std::to_string(want) +
                              " but is " + std::to_string(val));
      }
    }
  }
  // Test 2: approximation error, dense and sparse compared.
  std::fill(dense.begin() + hll::kHeaderSize, dense.end(), '\0');
  std::string sparse = hll::NewSparse();
  const size_t sparse_max = SparseMax(ctx);
  const double relerr = 1.04 / std::sqrt(static_cast<double>(hll::kRegisters));
  int64_t checkpoint = 1;
  const uint64_t seed = rng();
  for (uint64_t j = 1; j <= 10000000; ++j) {
    uint64_t ele = j ^ seed;
    std::string_view bytes(reinterpret_cast<const char*>(&ele), sizeof ele);
    hll::DenseAdd(regs, bytes);
    hll::Add(sparse, bytes, sparse_max);
    if (static_cast<int64_t>(j) != checkpoint) continue;
    if (j < sparse_max / 2 && hll::EncodingOf(sparse) != hll::kSparse)
      return ctx.rb.Error("TESTFAILED sparse encoding not used");
    uint64_t dense_count = hll::Count(dense, nullptr);
    if (dense_count != hll::Count(sparse, nullptr)) return ctx.rb.Error("TESTFAILED dense/sparse disagree");
    int64_t abserr = std::llabs(checkpoint - static_cast<int64_t>(dense_count));
    uint64_t maxerr = static_cast<uint64_t>(std::ceil(relerr * 6 * static_cast<double>(checkpoint)));
    // Cardinality 10 sometimes sees a collision; Redis allows it an error of 1.
    if (j == 10) maxerr = 1;
    if (abserr > static_cast<int64_t>(maxerr))
      return ctx.rb.Error("TESTFAILED Too big error. card:" + std::to_string(checkpoint) +
                          " abserr:" + std::to_string(abserr));
    checkpoint *= 10;
  }
  ctx.rb.Ok();
}

}  // namespace

void RegisterHllFamily(CommandRegistry& reg) {
  reg.Add({.name = "pfadd", .arity = -2, .flags = "write denyoom fast", .first_key = 1, .last_key = 1, .step = 1,
           .acl = "@write @hyperloglog @fast",
           .key_specs = {{.flags = "RW insert", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = PfAdd, .aof = AofLog::kVerbatim, .group = "hyperloglog", .since = "2.8.9",
           .summary = "Adds the specified elements to the specified HyperLogLog.",
           .complexity = "O(1) to add every element."});
  reg.Add({.name = "pfcount", .arity = -2, .flags = "readonly", .first_key = 1, .last_key = -1, .step = 1,
           .acl = "@read @hyperloglog @slow",
           .key_specs = {{.flags = "RW access", .begin_index = 1, .last_key = -1, .key_step = 1, .limit = 0,
                          .notes = "RW because it may change the internal representation of the key, and propagate "
                                   "to replicas"}},
           .handler = PfCount, .group = "hyperloglog", .since = "2.8.9",
           .summary = "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
           .complexity = "O(1) with a very small average constant time when called with a single key. O(N) with N "
                         "being the number of keys, and much bigger constant times, when called with multiple "
                         "keys."});
  // Verbatim when every key is on one engine; across engines the effect (SET dest) is logged.
  reg.Add({.name = "pfmerge", .arity = -2, .flags = "write denyoom", .first_key = 1, .last_key = -1, .step = 1,
           .acl = "@write @hyperloglog @slow",
           .key_specs = {{.flags = "RW access insert", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0},
                         {.flags = "RO access", .begin_index = 2, .last_key = -1, .key_step = 1, .limit = 0}},
           .handler = PfMerge, .aof = AofLog::kVerbatim, .group = "hyperloglog", .since = "2.8.9",
           .summary = "Merge N different HyperLogLogs into a single one.",
           .complexity = "O(N) to merge N HyperLogLogs, but with high constant times."});
  reg.Add({.name = "pfdebug", .arity = 3, .flags = "write denyoom admin", .first_key = 2, .last_key = 2, .step = 1,
           .acl = "@write @hyperloglog @admin @slow @dangerous",
           .key_specs = {{.flags = "RW access", .begin_index = 2, .last_key = 0, .key_step = 1, .limit = 0}},
           .handler = PfDebug, .aof = AofLog::kVerbatim, .group = "hyperloglog", .since = "2.8.9",
           .summary = "Internal commands for debugging HyperLogLog values", .complexity = "N/A"});
  reg.Add({.name = "pfselftest", .arity = 1, .flags = "admin", .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@hyperloglog @admin @slow @dangerous", .handler = PfSelfTest, .group = "hyperloglog",
           .since = "2.8.9", .summary = "An internal command for testing HyperLogLog values",
           .complexity = "N/A"});
}

}  // namespace ks
