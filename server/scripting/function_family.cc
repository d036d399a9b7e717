// FUNCTION LOAD/LIST/DELETE/FLUSH/STATS/KILL/HELP, FCALL and FCALL_RO (Redis 7.0's
// functions.c).
#include <cctype>
#include <mutex>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/pubsub/pubsub.h"
#include "server/pubsub/pubsub_family.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "server/scripting/functions.h"
#include "server/scripting/scripting.h"

namespace ks {
namespace {

bool Is(std::string_view a, std::string_view b) { return EqualsNoCase(a, b); }

void FcallGeneric(CommandContext& ctx, bool ro) {
  // The row skips MONITOR's feed after the call: Redis shows a script before its commands.
  if (ctx.server.pubsub().has_monitors()) [[unlikely]]
    FeedMonitors(ctx.server, ctx.client, ctx.spec, ctx.args);
  Scripting& sc = ctx.server.scripting();
  if (!sc.functions().Find(ctx.arg(1))) return ctx.rb.Error("ERR Function not found");
  int64_t numkeys;
  if (!StrToLL(ctx.arg(2), &numkeys)) return ctx.rb.Error("ERR Bad number of keys provided");
  if (numkeys > static_cast<int64_t>(ctx.argc()) - 3) return ctx.rb.Error(err::kNumkeysTooMany);
  if (numkeys < 0) return ctx.rb.Error(err::kNumkeysNegative);
  sc.RunFunction(ctx, ctx.arg(1), ctx.args.subspan(3, static_cast<size_t>(numkeys)),
                 ctx.args.subspan(3 + static_cast<size_t>(numkeys)), ro);
}

void Fcall(CommandContext& ctx) { FcallGeneric(ctx, false); }
void FcallRo(CommandContext& ctx) { FcallGeneric(ctx, true); }

void FunctionLoad(CommandContext& ctx) {
  bool replace = false;
  size_t i = 2;
  if (ctx.argc() > 3) {
    if (!Is(ctx.arg(2), "replace")) return ctx.rb.Error("ERR Unknown option given: " + std::string(ctx.arg(2)));
    replace = true;
    i = 3;
  }
  if (ctx.argc() > i + 1) return ctx.rb.Error(err::WrongArgs("function|load"));
  Scripting& sc = ctx.server.scripting();
  std::string name;
  std::string e = sc.functions().Load(ctx.arg(i), replace, &name);
  if (!e.empty()) return ctx.rb.Error(e);
  ctx.rb.Bulk(name);
}

void FunctionDump(CommandContext& ctx) {
  ctx.rb.Bulk(FunctionsDumpPayload(ctx.server.scripting().functions().Codes()));
}

void FunctionRestore(CommandContext& ctx) {
  if (ctx.argc() > 4)
    return ctx.rb.Error("ERR unknown subcommand or wrong number of arguments for '" + std::string(ctx.arg(1)) +
                        "'. Try FUNCTION HELP.");
  bool flush = false, replace = false;
  if (ctx.argc() == 4) {
    if (Is(ctx.arg(3), "flush"))
      flush = true;
    else if (Is(ctx.arg(3), "replace"))
      replace = true;
    else if (!Is(ctx.arg(3), "append"))
      return ctx.rb.Error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
  }
  std::vector<std::string> codes;
  std::string e = ParseFunctionsPayload(ctx.arg(2), &codes);
  if (!e.empty()) return ctx.rb.Error("ERR " + e);
  e = ctx.server.scripting().functions().Restore(codes, flush, replace);
  if (!e.empty()) return ctx.rb.Error(e);
  ctx.rb.Ok();
}

void FunctionDelete(CommandContext& ctx) {
  Scripting& sc = ctx.server.scripting();
  if (!sc.functions().Delete(ctx.arg(2))) return ctx.rb.Error("ERR Library not found");
  ctx.rb.Ok();
}

void FunctionFlush(CommandContext& ctx) {
  if (ctx.argc() > 3)
    return ctx.rb.Error("ERR unknown subcommand or wrong number of arguments for '" + std::string(ctx.arg(1)) +
                        "'. Try FUNCTION HELP.");
  if (ctx.argc() == 3 && !Is(ctx.arg(2), "sync") && !Is(ctx.arg(2), "async"))
    return ctx.rb.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  Scripting& sc = ctx.server.scripting();
  sc.functions().Flush();
  ctx.rb.Ok();
}

void FunctionList(CommandContext& ctx) {
  bool with_code = false;
  bool have_pattern = false;
  std::string_view pattern;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (!with_code && Is(ctx.arg(i), "withcode")) {
      with_code = true;
    } else if (!have_pattern && Is(ctx.arg(i), "libraryname")) {
      if (i + 1 >= ctx.argc()) return ctx.rb.Error("ERR library name argument was not given");
      pattern = ctx.arg(++i);
      have_pattern = true;
    } else {
      return ctx.rb.Error("ERR Unknown argument " + std::string(ctx.arg(i)));
    }
  }
  Scripting& sc = ctx.server.scripting();
  Functions& fns = sc.functions();
  std::vector<const Functions::Library*> libs;
  for (const auto& [name, lib] : fns.libraries())
    if (!have_pattern || GlobMatch(pattern, name)) libs.push_back(&lib);
  ReplyBuilder& rb = ctx.rb;
  rb.Array(libs.size());
  for (const Functions::Library* lib : libs) {
    rb.Map(with_code ? 4 : 3);
    rb.Bulk("library_name");
    rb.Bulk(lib->name);
    rb.Bulk("engine");
    rb.Bulk("LUA");
    rb.Bulk("functions");
    rb.Array(lib->functions.size());
    for (const std::string& fname : lib->functions) {
      const Functions::Function* f = fns.Find(fname);
      rb.Map(3);
      rb.Bulk("name");
      rb.Bulk(f->name);
      rb.Bulk("description");
      if (f->has_description)
        rb.Bulk(f->description);
      else
        rb.Null();
      rb.Bulk("flags");
      static constexpr std::pair<uint32_t, std::string_view> kFlags[] = {
          {kScriptNoWrites, "no-writes"},     {kScriptAllowOom, "allow-oom"},
          {kScriptAllowStale, "allow-stale"}, {kScriptNoCluster, "no-cluster"},
          {kScriptAllowCrossSlot, "allow-cross-slot-keys"},
      };
      size_t n = 0;
      for (auto& [bit, name] : kFlags) n += (f->flags & bit) != 0;
      rb.Set(n);
      for (auto& [bit, name] : kFlags)
        if (f->flags & bit) rb.Simple(name);
    }
    if (with_code) {
      rb.Bulk("library_code");
      rb.Bulk(lib->code);
    }
  }
}

// Answers while a function runs (allow_busy): the running function from the run state, the
// counts from a moment the script mutex was free.
void FunctionStats(CommandContext& ctx) {
  Scripting& sc = ctx.server.scripting();
  ReplyBuilder& rb = ctx.rb;
  rb.Map(2);
  rb.Bulk("running_script");
  std::string name;
  std::vector<std::string> command;
  int64_t ms;
  if (sc.RunningFunction(&name, &command, &ms)) {
    rb.Map(3);
    rb.Bulk("name");
    rb.Bulk(name);
    rb.Bulk("command");
    rb.Array(command.size());
    for (const std::string& a : command) rb.Bulk(a);
    rb.Bulk("duration_ms");
    rb.Int(ms);
  } else {
    rb.Null();
  }
  size_t libs = 0, fns = 0;
  // Inside EXEC (ctx.outer) this thread may hold the mutex already: the counts as published.
  if (std::unique_lock lk(ctx.server.script_mu(), std::defer_lock); !ctx.outer && lk.try_lock()) {
    libs = sc.functions().libraries().size();
    fns = sc.functions().function_count();
    sc.set_function_counts(libs, fns);
  } else {
    sc.function_counts(&libs, &fns);
  }
  rb.Bulk("engines");
  rb.Map(1);
  rb.Bulk("LUA");
  rb.Map(2);
  rb.Bulk("libraries_count");
  rb.Int(static_cast<int64_t>(libs));
  rb.Bulk("functions_count");
  rb.Int(static_cast<int64_t>(fns));
}

void FunctionKill(CommandContext& ctx) {
  std::string e = ctx.server.scripting().Kill(false);
  if (!e.empty()) return ctx.rb.Error(e);
  ctx.rb.Ok();
}

void FunctionHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
      "      libraries with the new libraries (notice that even on this option there is a chance of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

CommandSpec FcallRow(std::string_view name, CommandHandler h, bool ro, std::string_view summary) {
  return {.name = name,
          .arity = -3,
          .flags = ro ? "readonly noscript stale skip_monitor no_mandatory_keys movablekeys"
                      : "noscript stale skip_monitor no_mandatory_keys movablekeys",
          .first_key = 0, .last_key = 0, .step = 0,
          .acl = "@slow @scripting",
          .key_specs = {{.flags = ro ? "RO access" : "RW access update", .begin_index = 2, .keynum = true,
                         .key_step = 1, .keynum_idx = 0, .first_key = 1,
                         .notes = ro ? "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
                                     : "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"}},
          .handler = h,
          // The handler takes the script mutex and then the engines (Scripting::RunFunction).
          .lock = LockMode::kSelf,
          .script_lock = true,
          .group = "scripting", .since = "7.0.0",
          .summary = summary,
          .complexity = "Depends on the function that is executed."};
}

CommandSpec FunctionSub(std::string_view name, int arity, std::string_view flags, std::string_view acl,
                        std::string_view tips, CommandHandler h, std::string_view summary,
                        std::string_view complexity) {
  return {.name = name,
          .arity = arity,
          .flags = flags,
          .first_key = 0, .last_key = 0, .step = 0,
          .acl = acl,
          .tips = tips,
          .handler = h,
          .lock = LockMode::kSelf,
          .group = "scripting", .since = "7.0.0",
          .summary = summary,
          .complexity = complexity};
}

// A subcommand that runs with the script mutex held (taken by the execution path).
CommandSpec ScriptLocking(CommandSpec s) {
  s.script_lock = true;
  return s;
}

// A subcommand that changes the set of libraries: under the script mutex and every engine's
// lock (so a snapshot, which holds every engine, sees the set before or after it, and a
// denyoom one makes room on every engine or is refused, as Redis's OOM check), logged once
// in engine 0's AOF (AofLog::kServerWide).
CommandSpec LibraryChange(CommandSpec s) {
  s.script_lock = true;
  s.lock = LockMode::kAll;
  s.aof = AofLog::kServerWide;
  return s;
}

}  // namespace

void RegisterFunctionFamily(CommandRegistry& reg) {
  reg.Add(FcallRow("fcall", Fcall, false, "Invoke a function"));
  reg.Add(FcallRow("fcall_ro", FcallRo, true, "Invoke a read-only function"));
  constexpr std::string_view kWriteAcl = "@write @slow @scripting", kAcl = "@slow @scripting";
  reg.Add(ContainerRow(
      "function", "scripting", "7.0.0", "A container for function commands",
      {LibraryChange(FunctionSub("delete", 3, "write noscript", kWriteAcl, "request_policy:all_shards response_policy:all_succeeded",
                   FunctionDelete, "Delete a function by name", "O(1)")),
       LibraryChange(FunctionSub("flush", -2, "write noscript", kWriteAcl, "request_policy:all_shards response_policy:all_succeeded",
                   FunctionFlush, "Deleting all functions", "O(N) where N is the number of functions deleted")),
       FunctionSub("stats", 2, "noscript allow_busy", kAcl,
                   "nondeterministic_output request_policy:all_shards response_policy:special", FunctionStats,
                   "Return information about the function currently running (name, description, duration)", "O(1)"),
       ScriptLocking(FunctionSub("list", -2, "noscript", kAcl, "nondeterministic_output_order", FunctionList,
                   "List information about all the functions", "O(N) where N is the number of functions")),
       LibraryChange(FunctionSub("load", -3, "write denyoom noscript", kWriteAcl,
                   "request_policy:all_shards response_policy:all_succeeded", FunctionLoad, "Create a function with the given arguments (name, code, description)",
                   "O(1) (considering compilation time is redundant)")),
       FunctionSub("kill", 2, "noscript allow_busy", kAcl, "request_policy:all_shards response_policy:one_succeeded",
                   FunctionKill, "Kill the function currently in execution.", "O(1)"),
       ScriptLocking(FunctionSub("dump", 2, "noscript", kAcl, "", FunctionDump,
                                 "Dump all functions into a serialized binary payload",
                                 "O(N) where N is the number of functions")),
       LibraryChange(FunctionSub("restore", -3, "write denyoom noscript", kWriteAcl,
                                 "request_policy:all_shards response_policy:all_succeeded", FunctionRestore,
                                 "Restore all the functions on the given payload",
                                 "O(N) where N is the number of functions on the payload")),
       FunctionSub("help", 2, "loading stale", kAcl, "", FunctionHelp, "Show helpful text about the different subcommands",
                   "O(1)")}));
}

}  // namespace ks
