// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Redis 7.0's eval.c).
#include <cctype>
#include <mutex>
#include <optional>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"
#include "server/core/remote_shards.h"
#include "server/pubsub/pubsub.h"
#include "server/pubsub/pubsub_family.h"
#include "server/scripting/scripting.h"

namespace ks {
namespace {

std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// EVAL script numkeys key... arg...: the script (or its sha) at 1, numkeys at 2.
void EvalBody(CommandContext& ctx, bool by_sha, bool ro) {
  int64_t numkeys;
  if (!StrToLL(ctx.arg(2), &numkeys)) return ctx.rb.Error(err::kNotInteger);
  if (numkeys > static_cast<int64_t>(ctx.argc()) - 3) return ctx.rb.Error(err::kNumkeysTooMany);
  if (numkeys < 0) return ctx.rb.Error(err::kNumkeysNegative);
  auto keys = ctx.args.subspan(3, static_cast<size_t>(numkeys));
  auto args = ctx.args.subspan(3 + static_cast<size_t>(numkeys));

  Scripting& sc = ctx.server.scripting();
  std::string sha;
  const Scripting::Script* s;
  if (by_sha) {
    sha = Lower(ctx.arg(1));
    s = sc.FindEval(sha);
    if (!s) return ctx.rb.Error(err::kNoScript);
  } else {
    std::string error;
    s = sc.LoadEval(ctx.arg(1), &sha, &error);
    if (!s) return ctx.rb.Error(error);
  }
  sc.RunEval(ctx, sha, *s, keys, args, ro);
}

// EVAL after SCRIPT DEBUG YES|SYNC (evalGenericCommandWithDebugging): the session starts
// before anything is checked, so even an error reply comes after "<endsession>". The script
// runs in an Execution the session holds from the start (a forked session locks every engine
// in it before the fork); inside EXEC, that is EXEC's.
void EvalDebugging(CommandContext& ctx, bool ro) {
  Ldb& ldb = ctx.server.scripting().ldb();
  Execution* const outer = ctx.outer;
  std::optional<Execution> own;
  Execution& ex = outer ? *outer : own.emplace(ctx.server);
  ctx.outer = &ex;
  if (ldb.Start(ctx, ex)) {
    EvalBody(ctx, false, ro);
    ldb.End(ctx);
  }
  ctx.outer = outer;
  ctx.client.ldb = LdbMode::kOff;
}

void EvalGeneric(CommandContext& ctx, bool by_sha, bool ro) {
  // The row skips MONITOR's feed after the call: Redis shows a script before its commands.
  if (ctx.server.pubsub().has_monitors()) [[unlikely]]
    FeedMonitors(ctx.server, ctx.client, ctx.spec, ctx.args);
  // A sha of the wrong length cannot match, whatever numkeys says (as in Redis).
  if (by_sha && ctx.arg(1).size() != 40) return ctx.rb.Error(err::kNoScript);
  if (ctx.client.ldb != LdbMode::kOff) [[unlikely]] {
    if (by_sha) return ctx.rb.Error(err::kLdbEvalsha);
    return EvalDebugging(ctx, ro);
  }
  EvalBody(ctx, by_sha, ro);
}

void Eval(CommandContext& ctx) { EvalGeneric(ctx, false, false); }
void EvalSha(CommandContext& ctx) { EvalGeneric(ctx, true, false); }
void EvalRo(CommandContext& ctx) { EvalGeneric(ctx, false, true); }
void EvalShaRo(CommandContext& ctx) { EvalGeneric(ctx, true, true); }

void ScriptLoad(CommandContext& ctx) {
  Scripting& sc = ctx.server.scripting();
  std::string sha, error;
  if (!sc.LoadEval(ctx.arg(2), &sha, &error)) return ctx.rb.Error(error);
  ctx.rb.Bulk(sha);
}

void ScriptExists(CommandContext& ctx) {
  Scripting& sc = ctx.server.scripting();
  ctx.rb.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) ctx.rb.Int(sc.FindEval(Lower(ctx.arg(i))) ? 1 : 0);
}

void ScriptFlush(CommandContext& ctx) {
  // ASYNC is accepted and done at once: dropping the cache is quick.
  if (ctx.argc() > 3) return ctx.rb.Error(err::kScriptFlushOption);
  if (ctx.argc() == 3) {
    std::string mode = Lower(ctx.arg(2));
    if (mode != "sync" && mode != "async") return ctx.rb.Error(err::kScriptFlushOption);
  }
  Scripting& sc = ctx.server.scripting();
  sc.FlushEval();
  ctx.rb.Ok();
}

// Runs on any thread while a script holds the script mutex: it takes no lock a script holds.
void ScriptKill(CommandContext& ctx) {
  std::string e = ctx.server.scripting().Kill(true);
  if (!e.empty()) return ctx.rb.Error(e);
  ctx.rb.Ok();
}

// SCRIPT DEBUG YES|SYNC|NO: the mode of the client's next EVAL. Refused with replies still
// to be sent before it (a pipeline, or inside EXEC), which the session's direct writes
// would overtake.
void ScriptDebug(CommandContext& ctx) {
  const std::string* out = ctx.rb.output();
  if ((out && !out->empty()) || (ctx.client.deferred && ctx.client.deferred->Waiting() > 0))
    return ctx.rb.Error(err::kScriptDebugPipeline);
  const std::string mode = Lower(ctx.arg(2));
  if (mode == "no")
    ctx.client.ldb = LdbMode::kOff;
  else if (mode == "yes")
    ctx.client.ldb = LdbMode::kFork;
  else if (mode == "sync")
    ctx.client.ldb = LdbMode::kSync;
  else
    return ctx.rb.Error(err::kScriptDebugMode);
  ctx.rb.Ok();
}

void ScriptHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

CommandSpec EvalRow(std::string_view name, CommandHandler h, bool ro, bool sha, std::string_view summary) {
  KeySpec ks{.flags = ro ? "RO access" : "RW access update", .begin_index = 2, .keynum = true, .key_step = 1,
             .keynum_idx = 0, .first_key = 1};
  if (!sha)
    ks.notes = ro ? "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
                  : "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
  return {.name = name,
          .arity = -3,
          .flags = ro ? "readonly noscript stale skip_monitor no_mandatory_keys movablekeys"
                      : "noscript stale skip_monitor no_mandatory_keys movablekeys",
          .first_key = 0, .last_key = 0, .step = 0,
          .acl = "@slow @scripting",
          .key_specs = {ks},
          .handler = h,
          // The handler takes the script mutex and then the engines (Scripting::RunEval).
          .lock = LockMode::kSelf,
          .script_lock = true,
          .group = "scripting", .since = ro ? "7.0.0" : "2.6.0",
          .summary = summary,
          .complexity = "Depends on the script that is executed."};
}

CommandSpec ScriptSub(std::string_view name, int arity, std::string_view flags, std::string_view tips,
                      CommandHandler h, std::string_view since, std::string_view summary,
                      std::string_view complexity) {
  return {.name = name,
          .arity = arity,
          .flags = flags,
          .first_key = 0, .last_key = 0, .step = 0,
          .acl = "@slow @scripting",
          .tips = tips,
          .handler = h,
          .lock = LockMode::kSelf,
          .group = "scripting", .since = since,
          .summary = summary,
          .complexity = complexity};
}

// A subcommand that runs with the script mutex held (taken by the execution path).
CommandSpec ScriptLocking(CommandSpec s) {
  s.script_lock = true;
  return s;
}

}  // namespace

void RegisterEvalFamily(CommandRegistry& reg) {
  reg.Add(EvalRow("eval", Eval, false, false, "Execute a Lua script server side"));
  reg.Add(EvalRow("evalsha", EvalSha, false, true, "Execute a Lua script server side"));
  reg.Add(EvalRow("eval_ro", EvalRo, true, false, "Execute a read-only Lua script server side"));
  reg.Add(EvalRow("evalsha_ro", EvalShaRo, true, true, "Execute a read-only Lua script server side"));
  reg.Add(ContainerRow(
      "script", "scripting", "2.6.0", "A container for Lua scripts management commands",
      {ScriptLocking(ScriptSub("load", 3, "noscript stale", "request_policy:all_nodes response_policy:all_succeeded", ScriptLoad,
                 "2.6.0", "Load the specified Lua script into the script cache.",
                 "O(N) with N being the length in bytes of the script body.")),
       ScriptLocking(ScriptSub("flush", -2, "noscript", "request_policy:all_nodes response_policy:all_succeeded", ScriptFlush,
                 "2.6.0", "Remove all the scripts from the script cache.",
                 "O(N) with N being the number of scripts in cache")),
       ScriptSub("kill", 2, "noscript allow_busy", "request_policy:all_shards response_policy:one_succeeded",
                 ScriptKill, "2.6.0", "Kill the script currently in execution.", "O(1)"),
       ScriptSub("debug", 3, "noscript", "", ScriptDebug, "3.2.0", "Set the debug mode for executed scripts.",
                 "O(1)"),
       ScriptSub("help", 2, "loading stale", "", ScriptHelp, "5.0.0", "Show helpful text about the different subcommands",
                 "O(1)"),
       ScriptLocking(ScriptSub("exists", -3, "noscript", "request_policy:all_shards response_policy:agg_logical_and", ScriptExists,
                 "2.6.0", "Check existence of scripts in the script cache.",
                 "O(N) with N being the number of scripts to check (so checking a single script is an O(1) "
                 "operation)."))}));
}

}  // namespace ks
