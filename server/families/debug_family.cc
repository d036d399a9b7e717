// DEBUG: the subcommands tools and test suites use, gated by enable-debug-command as in
// Redis. DIGEST / DIGEST-VALUE are in debug_digest.cc.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "common/random.h"
#include "common/strconv.h"
#include "engine/eviction.h"
#include "engine/hash.h"
#include "engine/list.h"
#include "engine/set.h"
#include "engine/zset.h"
#include "persistence/rdb_writer.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/families/debug_digest.h"
#include "server/persist/rdb_startup.h"
#include "server/persist/snapshots.h"

namespace ks {
namespace {

bool DebugAllowed(CommandContext& ctx) {
  std::string mode;
  {
    std::lock_guard lk(ctx.server.config_mu());
    mode = ctx.server.config().enable_debug_command;
  }
  return mode == "yes" || (mode == "local" && ctx.client.local);
}

// DEBUG SLEEP seconds: stops the data set for that long (every engine held), as Redis's
// single thread stops. Like Redis, a malformed number sleeps 0 seconds.
void DebugSleep(CommandContext& ctx) {
  double secs = std::strtod(std::string(ctx.arg(2)).c_str(), nullptr);
  if (!(secs > 0)) return ctx.rb.Ok();
  EngineLocks locks;
  locks.LockAll(ctx.shards());
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(secs * 1e6)));
  locks.UnlockAll();
  ctx.rb.Ok();
}

// The key's entry, found without expiring or touching it (Redis's objectCommandLookup), with
// its engine held by locks.
Entry* DebugLookup(CommandContext& ctx, std::string_view key, EngineLocks& locks) {
  const uint16_t slot = KeySlot(key);
  const uint16_t engine = locks.LockSlot(ctx.shards(), slot);
  return ctx.shards().engine(engine).db(ctx.db()).Find(slot, key);
}

// Bytes of one listpack entry holding s, as Redis 7's listpack encodes it (integers in their
// shortest form), including its back-length.
size_t ListpackEntryBytes(std::string_view s) {
  int64_t v;
  size_t len;
  if (s.size() <= 20 && StrToLL(s, &v)) {
    if (v >= 0 && v <= 127) len = 1;
    else if (v >= -4096 && v <= 4095) len = 2;
    else if (v >= -32768 && v <= 32767) len = 3;
    else if (v >= -8388608 && v <= 8388607) len = 4;
    else if (v >= INT32_MIN && v <= INT32_MAX) len = 5;
    else len = 9;
  } else if (s.size() < 64) {
    len = 1 + s.size();
  } else if (s.size() < 4096) {
    len = 2 + s.size();
  } else {
    len = 5 + s.size();
  }
  const size_t back = len <= 127 ? 1 : len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5;
  return len + back;
}

// DEBUG OBJECT key: Redis's status line. serializedlength is the value's RDB encoding, which
// keyshard writes byte-compatibly.
void DebugObject(CommandContext& ctx) {
  EngineLocks locks;
  Entry* e = DebugLookup(ctx, ctx.arg(2), locks);
  if (!e) return ctx.rb.Error(err::kNoSuchKey);
  const Engine& engine = *locks.held()[0];
  std::string rdb;
  SerializeValue(e, ctx.server.limits().rdbcompression.load(std::memory_order_relaxed), rdb);
  // Redis shares the objects of small integers (refcount INT_MAX) unless an LRU/LFU policy
  // needs a clock per value.
  int refcount = 1;
  int64_t iv;
  const EvictionPolicy policy = engine.memory_policy().policy;
  const bool per_value_clock = policy == EvictionPolicy::kAllKeysLru || policy == EvictionPolicy::kVolatileLru ||
                               policy == EvictionPolicy::kAllKeysLfu || policy == EvictionPolicy::kVolatileLfu;
  if (e->encoding() == Encoding::kInt && StrToLL(e->str(), &iv) && iv >= 0 && iv < 10000 && !per_value_clock)
    refcount = 2147483647;
  std::string extra;
  if (e->type() == ObjType::kList) {
    const List* l = static_cast<const List*>(e->obj());
    // Redis sums node->sz: a listpack's bytes (header and end byte included), or a plain
    // node's element.
    size_t bytes = 0;
    for (auto c = l->CursorAt(0); c.Valid(); c.Next()) {
      if (c.NodePlain()) {
        bytes += c.Value().size();
        continue;
      }
      if (c.AtNodeStart()) bytes += 7;
      bytes += ListpackEntryBytes(c.Value());
    }
    const int64_t depth = l->compress_depth();  // the list's own, as ql->compress
    char buf[256];
    std::snprintf(buf, sizeof buf, " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d ql_uncompressed_size:%zu",
                  l->node_count(), l->node_count() ? static_cast<double>(l->size()) / static_cast<double>(l->node_count()) : 0.0,
                  l->fill(), depth != 0 ? 1 : 0, bytes);
    extra = buf;
  }
  char line[512];
  std::snprintf(line, sizeof line, "Value at:%p refcount:%d encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%llu",
                static_cast<const void*>(e), refcount, std::string(EncodingName(e->encoding())).c_str(), rdb.size(),
                e->access(), static_cast<unsigned long long>(engine.IdleSeconds(e)));
  ctx.rb.Simple(std::string(line) + extra);
}

// DEBUG LISTPACK / QUICKLIST key: print the value's compact layout to stdout, as Redis does.
void DebugListpack(CommandContext& ctx) {
  EngineLocks locks;
  Entry* e = DebugLookup(ctx, ctx.arg(2), locks);
  if (!e) return ctx.rb.Error(err::kNoSuchKey);
  const Encoding enc = e->encoding();
  if (enc != Encoding::kListpack) return ctx.rb.Error("ERR Not a listpack encoded object.");
  std::string out = "{listpack}\n";
  size_t i = 0;
  auto print = [&](std::string_view s) {
    out += "{\n\taddr: " + std::to_string(i) + ",\n\tindex: " + std::to_string(i) + ",\n\tbytes: " +
           std::to_string(ListpackEntryBytes(s)) + ",\n\t[str]" + std::string(s) + "\n}\n";
    ++i;
  };
  if (e->type() == ObjType::kHash)
    Hash(e->obj()).ForEach([&](std::string_view f, std::string_view v) {
      print(f);
      print(v);
    });
  else if (e->type() == ObjType::kZSet)
    ZSet(e->obj()).ForRanks(0, static_cast<int64_t>(ZSet(e->obj()).size()) - 1, false,
                            [&](std::string_view m, double score) {
                              print(m);
                              print(DToStr(score));
                            });
  out += "{end}\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  ctx.rb.Simple("Listpack structure printed on stdout");
}

void DebugQuicklist(CommandContext& ctx) {
  EngineLocks locks;
  Entry* e = DebugLookup(ctx, ctx.arg(2), locks);
  if (!e) return ctx.rb.Error(err::kNoSuchKey);
  if (e->encoding() != Encoding::kQuicklist) return ctx.rb.Error("ERR Not a quicklist encoded object.");
  const List* l = static_cast<const List*>(e->obj());
  std::printf("{count : %zu}\n{len : %zu}\n{fill : %d}\n", l->size(), l->node_count(), l->fill());
  std::fflush(stdout);
  ctx.rb.Simple("Quicklist structure printed on stdout");
}

// memtoull as DEBUG QUICKLIST-PACKED-THRESHOLD parses its size: digits and an optional unit,
// no sign; an empty number is 0, and the product wraps as unsigned arithmetic does.
bool MemToULL(std::string_view s, uint64_t* out) {
  size_t i = 0;
  if (!s.empty() && s[0] == '-') return false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  const std::string unit = ToLower(s.substr(i));
  uint64_t mul;
  if (unit.empty() || unit == "b") mul = 1;
  else if (unit == "k") mul = 1000;
  else if (unit == "kb") mul = 1024;
  else if (unit == "m") mul = 1000 * 1000;
  else if (unit == "mb") mul = 1024 * 1024;
  else if (unit == "g") mul = 1000ull * 1000 * 1000;
  else if (unit == "gb") mul = 1024ull * 1024 * 1024;
  else return false;
  uint64_t v = 0;
  for (size_t j = 0; j < i; ++j) {
    const uint64_t d = static_cast<uint64_t>(s[j] - '0');
    if (v > (UINT64_MAX - d) / 10) {
      v = UINT64_MAX;  // strtoull's ERANGE result
      break;
    }
    v = v * 10 + d;
  }
  *out = v * mul;
  return true;
}

// quicklistSetPackedThreshold: refused above 4 GB less 1 MB; 0 restores the default 1 GB.
void DebugPackedThreshold(CommandContext& ctx) {
  uint64_t sz;
  if (!MemToULL(ctx.arg(2), &sz) || sz > (uint64_t{1} << 32) - (uint64_t{1} << 20))
    return ctx.rb.Error(err::kPackedThreshold);
  if (sz == 0) sz = uint64_t{1} << 30;
  ctx.server.limits().list_packed_threshold.store(static_cast<int64_t>(sz), std::memory_order_relaxed);
  ctx.rb.Ok();
}

void DebugDigest(CommandContext& ctx) {
  EngineLocks locks;
  locks.LockAll(ctx.shards());
  ctx.rb.Simple(DatasetDigest(ctx.shards()));
}

void DebugDigestValue(CommandContext& ctx) {
  ctx.rb.Array(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); ++j) {
    EngineLocks locks;
    ctx.rb.Simple(ValueDigest(DebugLookup(ctx, ctx.arg(j), locks)));
  }
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the data set and load the files back,
// with every client held meanwhile so nothing changes in between.
void DebugReload(CommandContext& ctx) {
  bool save = true, flush = true;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    if (EqualsNoCase(ctx.arg(j), "merge")) {
      // Loading on top replaces keys that exist, which is what MERGE asks.
    } else if (EqualsNoCase(ctx.arg(j), "noflush")) {
      flush = false;
    } else if (EqualsNoCase(ctx.arg(j), "nosave")) {
      save = false;
    } else {
      return ctx.rb.Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
    }
  }
  ServerState& st = ctx.server;
  st.pause().Pause(PauseType::kAll, INT64_MAX);
  st.QuiesceIoThreads(ctx.client.thread_index);
  st.snapshots().Wait();
  struct Unpause {
    ServerState& st;
    ~Unpause() { st.pause().Unpause(); }
  } unpause{st};
  if (save && !st.snapshots().SaveNow().empty()) return ctx.rb.Error("ERR");
  if (flush) {
    EngineLocks locks;
    locks.LockAll(ctx.shards());
    ctx.FlushAll();
  }
  uint64_t keys = 0;
  if (auto e = LoadRdbSnapshots(st, &keys)) {
    std::fprintf(stderr, "keyshard: DEBUG RELOAD: %s\n", e->c_str());
    return ctx.rb.Error("ERR Error trying to load the RDB dump, check server logs.");
  }
  std::fprintf(stderr, "keyshard: DB reloaded by DEBUG RELOAD\n");
  ctx.rb.Ok();
}

// DEBUG STRINGMATCH-TEST: Redis's fuzz test of its glob matcher, run against ours.
void DebugStringmatchTest(CommandContext& ctx) {
  Rng rng = ctx.random();
  std::string pattern, str;
  for (int i = 0; i < 10000000 / 100; ++i) {
    pattern.resize(rng() % 100);
    str.resize(rng() % 100);
    for (char& c : pattern) c = static_cast<char>(rng() % 256);
    for (char& c : str) c = static_cast<char>(rng() % 256);
    GlobMatch(pattern, str, false);
  }
  ctx.rb.Simple("Apparently Redis did not crash: test passed");
}

void DebugProtocol(CommandContext& ctx) {
  std::string_view name = ctx.arg(2);
  ReplyBuilder& rb = ctx.rb;
  if (EqualsNoCase(name, "string")) {
    rb.Bulk("Hello World");
  } else if (EqualsNoCase(name, "integer")) {
    rb.Int(12345);
  } else if (EqualsNoCase(name, "double")) {
    rb.Double(3.141);
  } else if (EqualsNoCase(name, "bignum")) {
    rb.BigNumber("1234567999999999999999999999999999999");
  } else if (EqualsNoCase(name, "null")) {
    rb.Null();
  } else if (EqualsNoCase(name, "array") || EqualsNoCase(name, "set")) {
    EqualsNoCase(name, "set") ? rb.Set(3) : rb.Array(3);
    for (int j = 0; j < 3; ++j) rb.Int(j);
  } else if (EqualsNoCase(name, "map")) {
    rb.Map(3);
    for (int j = 0; j < 3; ++j) {
      rb.Int(j);
      rb.Bool(j == 1);
    }
  } else if (EqualsNoCase(name, "attrib")) {
    if (rb.resp3()) {
      rb.Attribute(1);
      rb.Bulk("key-popularity");
      rb.Array(2);
      rb.Bulk("key:123");
      rb.Int(90);
    }
    rb.Bulk("Some real reply following the attribute");
  } else if (EqualsNoCase(name, "push")) {
    if (!rb.resp3()) return rb.Error("ERR RESP2 is not supported by this command");
    rb.Push(2);
    rb.Bulk("server-cpu-usage");
    rb.Int(42);
    rb.Bulk("Some real reply following the push reply");
  } else if (EqualsNoCase(name, "true")) {
    rb.Bool(true);
  } else if (EqualsNoCase(name, "false")) {
    rb.Bool(false);
  } else if (EqualsNoCase(name, "verbatim")) {
    rb.Verbatim("This is a verbatim\nstring");
  } else {
    rb.Error(
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

void DebugHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANGE-REPL-ID",
      "    Change the replication IDs of the instance.",
      "    Dangerous: should be used only for testing the replication subsystem.",
      "DIGEST",
      "    Output a hex signature representing the current DB content.",
      "DIGEST-VALUE <key> [<key> ...]",
      "    Output a hex signature of the values of all the specified keys.",
      "ERROR <string>",
      "    Return a Redis protocol error with <string> as message. Useful for clients",
      "    unit tests to simulate Redis errors.",
      "LOG <message>",
      "    Write <message> to the server log.",
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "PROTOCOL <type>",
      "    Reply with a test value of the specified type. <type> can be: string,",
      "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
      "    true, false.",
      "RELOAD [option ...]",
      "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
      "    * MERGE: conflicting keys will be loaded from RDB.",
      "    * NOFLUSH: the existing database will not be removed before load, but",
      "      conflicting keys will generate an exception and kill the server.",
      "    * NOSAVE: the database will be loaded from an existing RDB file.",
      "    Examples:",
      "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
      "      the database.",
      "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
      "      existing RDB file.",
      "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
      "      file to the database.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
      "STRINGMATCH-TEST",
      "    Run a fuzz tester against the stringmatchlen() function.",
      "LISTPACK <key>",
      "    Show low level info about the listpack encoding of <key>.",
      "QUICKLIST <key> [<0|1>]",
      "    Show low level info about the quicklist encoding of <key>.",
      "    The optional argument (0 by default) sets the level of detail",
      "REPLYBUFFER RESIZING <0|1>",
      "    Enable or disable the reply buffer resize cron job",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

void Debug(CommandContext& ctx) {
  if (!DebugAllowed(ctx)) return ctx.rb.Error(err::kDebugNotAllowed);
  std::string_view sub = ctx.arg(1);
  const size_t argc = ctx.argc();
  auto is = [&](std::string_view name) { return EqualsNoCase(sub, name); };
  if (is("help") && argc == 2) return DebugHelp(ctx);
  if (is("sleep") && argc == 3) return DebugSleep(ctx);
  if (is("set-active-expire") && argc == 3) {
    ctx.server.active_expire().store(std::atoi(std::string(ctx.arg(2)).c_str()) != 0);
    return ctx.rb.Ok();
  }
  if (is("object") && argc == 3) return DebugObject(ctx);
  if (is("listpack") && argc == 3) return DebugListpack(ctx);
  if (is("quicklist") && (argc == 3 || argc == 4)) return DebugQuicklist(ctx);
  if (is("quicklist-packed-threshold") && argc == 3) return DebugPackedThreshold(ctx);
  if (is("digest") && argc == 2) return DebugDigest(ctx);
  if (is("digest-value") && argc >= 2) return DebugDigestValue(ctx);
  if (is("reload")) return DebugReload(ctx);
  if (is("change-repl-id") && argc == 2) {
    ctx.server.ChangeReplId();
    std::fprintf(stderr, "keyshard: Changed replication IDs after receiving DEBUG change-repl-id\n");
    return ctx.rb.Ok();
  }
  if (is("stringmatch-test") && argc == 2) return DebugStringmatchTest(ctx);
  if (is("protocol") && argc == 3) return DebugProtocol(ctx);
  if (is("error") && argc == 3) return ctx.rb.Error(ctx.arg(2));
  if (is("log") && argc == 3) {
    std::fprintf(stderr, "keyshard: DEBUG LOG: %.*s\n", static_cast<int>(ctx.arg(2).size()), ctx.arg(2).data());
    return ctx.rb.Ok();
  }
  if (is("replybuffer") && argc == 4 && EqualsNoCase(ctx.arg(2), "resizing")) {
    ctx.server.reply_buffer_resizing().store(std::atoi(std::string(ctx.arg(3)).c_str()) != 0);
    return ctx.rb.Ok();
  }
  ctx.rb.Error(err::SubcommandSyntax(sub.substr(0, 128), "DEBUG"));
}

}  // namespace

void RegisterDebugFamily(CommandRegistry& reg) {
  reg.Add({.name = "debug",
           .arity = -2,
           .flags = "admin noscript loading stale",
           .first_key = 0, .last_key = 0, .step = 0,
           .acl = "@admin @slow @dangerous",
           .handler = Debug,
           .lock = LockMode::kSelf,
           .group = "server", .since = "1.0.0",
           .summary = "A container for debugging commands.",
           .complexity = "Depends on subcommand."});
}

}  // namespace ks
