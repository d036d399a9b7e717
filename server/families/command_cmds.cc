// COMMAND and its subcommands: the command table described in Redis 7.0's exact reply shapes.
#include <string>
#include <vector>

#include "common/strconv.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/families/server_cmds.h"

namespace ks {
namespace {

// Space-separated words of a table field.
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    if (end > pos) out.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

void StatusSet(ReplyBuilder& rb, std::string_view text) {
  auto w = Words(text);
  rb.Set(w.size());
  for (auto s : w) rb.Simple(s);
}

void IntField(ReplyBuilder& rb, std::string_view name, int64_t v) {
  rb.Bulk(name);
  rb.Int(v);
}

// A key spec's begin_search or find_keys part: {type: type, spec: {fields more fields}}.
void TypedSpec(ReplyBuilder& rb, std::string_view part, std::string_view type, size_t fields) {
  rb.Bulk(part);
  rb.Map(2);
  rb.Bulk("type");
  rb.Bulk(type);
  rb.Bulk("spec");
  rb.Map(fields);
}

void KeySpecReply(ReplyBuilder& rb, const KeySpec& ks) {
  rb.Map(ks.notes.empty() ? 3 : 4);
  if (!ks.notes.empty()) {
    rb.Bulk("notes");
    rb.Bulk(ks.notes);
  }
  rb.Bulk("flags");
  StatusSet(rb, ks.flags);
  bool unknown = ks.begin_index <= 0 && ks.begin_keyword.empty();
  if (unknown) {
    TypedSpec(rb, "begin_search", "unknown", 0);
  } else if (ks.begin_index > 0) {
    TypedSpec(rb, "begin_search", "index", 1);
    IntField(rb, "index", ks.begin_index);
  } else {
    TypedSpec(rb, "begin_search", "keyword", 2);
    rb.Bulk("keyword");
    rb.Bulk(ks.begin_keyword);
    IntField(rb, "startfrom", ks.begin_startfrom);
  }
  // A spec whose start is unknown (e.g. SORT's STORE key) has unknown key positions too.
  if (unknown) {
    TypedSpec(rb, "find_keys", "unknown", 0);
  } else if (ks.keynum) {
    TypedSpec(rb, "find_keys", "keynum", 3);
    IntField(rb, "keynumidx", ks.keynum_idx);
    IntField(rb, "firstkey", ks.first_key);
    IntField(rb, "keystep", ks.key_step);
  } else {
    TypedSpec(rb, "find_keys", "range", 3);
    IntField(rb, "lastkey", ks.last_key);
    IntField(rb, "keystep", ks.key_step);
    IntField(rb, "limit", ks.limit);
  }
}

// One command's COMMAND INFO entry: the 10-element array of Redis 7.0.
void InfoReply(ReplyBuilder& rb, const CommandSpec& c) {
  rb.Array(10);
  rb.Bulk(c.full_name);
  rb.Int(c.arity);
  StatusSet(rb, c.flags);
  rb.Int(c.first_key);
  rb.Int(c.last_key);
  rb.Int(c.step);
  StatusSet(rb, c.acl);
  auto tips = Words(c.tips);
  rb.Set(tips.size());
  for (auto t : tips) rb.Bulk(t);
  rb.Set(c.key_specs.size());
  for (const KeySpec& ks : c.key_specs) KeySpecReply(rb, ks);
  // Redis replies an empty set when there are no subcommands and an array otherwise.
  if (c.subcommands.empty()) {
    rb.Set(0);
  } else {
    rb.Array(c.subcommands.size());
    for (const CommandSpec& s : c.subcommands) InfoReply(rb, s);
  }
}

// COMMAND DOCS entry. keyshard's table has no argument, history or doc-flag data, so those
// fields of Redis's reply are absent.
void DocsReply(ReplyBuilder& rb, const CommandSpec& c) {
  size_t n = 1 + !c.summary.empty() + !c.since.empty() + !c.complexity.empty() + !c.subcommands.empty();
  rb.Map(n);
  auto field = [&rb](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    rb.Bulk(name);
    rb.Bulk(value);
  };
  field("summary", c.summary);
  field("since", c.since);
  rb.Bulk("group");
  rb.Bulk(c.group);
  field("complexity", c.complexity);
  if (!c.subcommands.empty()) {
    rb.Bulk("subcommands");
    rb.Map(c.subcommands.size());
    for (const CommandSpec& s : c.subcommands) {
      rb.Bulk(s.full_name);
      DocsReply(rb, s);
    }
  }
}

// "get" or "client|list"; nullptr if unknown.
const CommandSpec* FindByFullName(const CommandRegistry& reg, std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return reg.Find(name);
  const CommandSpec* parent = reg.Find(name.substr(0, bar));
  if (!parent) return nullptr;
  return CommandRegistry::FindSub(*parent, name.substr(bar + 1));
}

void Command(CommandContext& ctx) {
  const auto& all = ctx.server.commands().all();
  ctx.rb.Array(all.size());
  for (const CommandSpec& c : all) InfoReply(ctx.rb, c);
}

void CommandCount(CommandContext& ctx) { ctx.rb.Int(static_cast<int64_t>(ctx.server.commands().all().size())); }

void CommandInfo(CommandContext& ctx) {
  if (ctx.argc() == 2) return Command(ctx);
  ctx.rb.Array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const CommandSpec* c = FindByFullName(ctx.server.commands(), ctx.arg(i));
    if (c)
      InfoReply(ctx.rb, *c);
    else
      ctx.rb.Null();
  }
}

void CommandDocs(CommandContext& ctx) {
  std::vector<const CommandSpec*> found;
  if (ctx.argc() == 2) {
    for (const CommandSpec& c : ctx.server.commands().all()) found.push_back(&c);
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i)
      if (const CommandSpec* c = FindByFullName(ctx.server.commands(), ctx.arg(i))) found.push_back(c);
  }
  ctx.rb.Map(found.size());
  for (const CommandSpec* c : found) {
    ctx.rb.Bulk(c->full_name);
    DocsReply(ctx.rb, *c);
  }
}

// Redis's getKeysUsingKeySpecs validity rules: a keynum that is not a count, or key positions
// past the end, make the arguments invalid.
bool KeySpecsValid(const CommandSpec& spec, std::span<const std::string_view> argv) {
  int argc = static_cast<int>(argv.size());
  for (const KeySpec& ks : spec.key_specs) {
    int begin = KeySpecBegin(ks, argc, argv.data());
    if (begin == 0) continue;
    if (begin >= argc) return false;
    if (ks.keynum) {
      int idx = begin + ks.keynum_idx;
      int64_t n;
      if (idx >= argc || !StrToLL(argv[idx], &n) || n < 0) return false;
      int64_t last = begin + ks.first_key + (n - 1) * ks.key_step;
      if (n > 0 && last >= argc) return false;
    } else if (ks.last_key >= 0 && begin + ks.last_key >= argc) {
      return false;
    }
  }
  return true;
}

// COMMAND GETKEYS / GETKEYSANDFLAGS: the row of the command line after the subcommand, or
// nullptr once Redis's error for a line it cannot find keys in is replied.
const CommandSpec* GetKeysRow(CommandContext& ctx, std::span<const std::string_view> cmdline) {
  const CommandSpec* spec = ctx.server.commands().Find(cmdline[0]);
  if (spec && !spec->subcommands.empty() && cmdline.size() >= 2)
    spec = CommandRegistry::FindSub(*spec, cmdline[1]);
  if (!spec) return ctx.rb.Error(err::kInvalidCommand), nullptr;
  if (spec->key_specs.empty() && spec->first_key <= 0) return ctx.rb.Error(err::kCommandHasNoKeys), nullptr;
  const int argc = static_cast<int>(cmdline.size());
  if ((spec->arity > 0 && spec->arity != argc) || argc < -spec->arity)
    return ctx.rb.Error(err::kInvalidCommandArgCount), nullptr;
  if (!KeySpecsValid(*spec, cmdline)) return ctx.rb.Error(err::kInvalidCommandArgs), nullptr;
  return spec;
}

// COMMAND GETKEYS cmd arg...: the keys the table locates in a full command line.
void CommandGetKeys(CommandContext& ctx) {
  std::span<const std::string_view> cmdline = ctx.args.subspan(2);
  const CommandSpec* spec = GetKeysRow(ctx, cmdline);
  if (!spec) return;
  const int argc = static_cast<int>(cmdline.size());
  KeyIndexes idx = CommandKeyIndexes(*spec, argc, cmdline.data(), true);
  if (idx.empty()) return ctx.rb.Error(err::kInvalidCommandArgs);
  ctx.rb.Array(idx.size());
  for (int i : idx) ctx.rb.Bulk(cmdline[static_cast<size_t>(i)]);
}

// COMMAND GETKEYSANDFLAGS: each key with the flags of the key spec that found it.
void CommandGetKeysAndFlags(CommandContext& ctx) {
  std::span<const std::string_view> cmdline = ctx.args.subspan(2);
  const CommandSpec* spec = GetKeysRow(ctx, cmdline);
  if (!spec) return;
  const int argc = static_cast<int>(cmdline.size());
  // Key spec by key spec, as Redis's getKeysUsingKeySpecs: a row of one spec finds its keys.
  std::vector<std::pair<int, std::string_view>> keys;
  for (const KeySpec& ks : spec->key_specs) {
    CommandSpec one;
    one.flag_bits = kCmdMovableKeys;
    one.key_specs = {ks};
    for (int i : CommandKeyIndexes(one, argc, cmdline.data())) keys.emplace_back(i, ks.flags);
  }
  if (keys.empty()) return ctx.rb.Error(err::kInvalidCommandArgs);
  ctx.rb.Array(keys.size());
  for (auto& [i, flags] : keys) {
    ctx.rb.Array(2);
    ctx.rb.Bulk(cmdline[static_cast<size_t>(i)]);
    std::vector<std::string_view> words;
    for (size_t p = 0; p < flags.size();) {
      size_t q = flags.find(' ', p);
      if (q == std::string_view::npos) q = flags.size();
      if (q > p) words.push_back(flags.substr(p, q - p));
      p = q + 1;
    }
    ctx.rb.Set(words.size());
    for (std::string_view w : words) ctx.rb.Simple(w);
  }
}

// COMMAND LIST [FILTERBY MODULE name|ACLCAT category|PATTERN glob]: names, subcommands included.
void CommandList(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view arg;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    size_t more = ctx.argc() - 1 - i;
    if (EqualsNoCase(ctx.arg(i), "filterby") && more == 2) {
      std::string_view type = ctx.arg(i + 1);
      if (EqualsNoCase(type, "module"))
        filter = Filter::kModule;
      else if (EqualsNoCase(type, "aclcat"))
        filter = Filter::kAclCat;
      else if (EqualsNoCase(type, "pattern"))
        filter = Filter::kPattern;
      else
        return ctx.rb.Error(err::kSyntax);
      arg = ctx.arg(i + 2);
      i += 2;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  auto matches = [&](const CommandSpec& c) {
    switch (filter) {
      case Filter::kNone: return true;
      case Filter::kModule: return false;  // keyshard loads no modules
      case Filter::kAclCat:
        for (auto cat : Words(c.acl))
          if (cat.size() > 1 && EqualsNoCase(cat.substr(1), arg)) return true;
        return false;
      case Filter::kPattern: return GlobMatch(arg, c.full_name, true);
    }
    return false;
  };
  std::vector<std::string_view> names;
  for (const CommandSpec& c : ctx.server.commands().all()) {
    if (matches(c)) names.push_back(c.full_name);
    for (const CommandSpec& s : c.subcommands)
      if (matches(s)) names.push_back(s.full_name);
  }
  ctx.rb.BulkArray(names.data(), names.size());
}

void CommandHelp(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "HELP",
      "    Prints this help.",
  };
  ctx.rb.SimpleArray(kLines, std::size(kLines));
}

// COMMAND and its subcommands differ only in these facts.
CommandSpec CommandRow(std::string_view name, int arity, std::string_view tips, CommandHandler h,
                       std::string_view since, std::string_view summary, std::string_view complexity) {
  return {.name = name,
          .arity = arity,
          .flags = "loading stale",
          .first_key = 0, .last_key = 0, .step = 0,
          .acl = "@slow @connection",
          .tips = tips,
          .handler = h,
          .lock = LockMode::kSelf,
          .group = "server", .since = since,
          .summary = summary,
          .complexity = complexity};
}

}  // namespace

void RegisterCommandCommand(CommandRegistry& reg) {
  constexpr std::string_view kUnordered = "nondeterministic_output_order";
  CommandSpec command = CommandRow("command", -1, kUnordered, Command, "2.8.13",
                                   "Describes every command: arity, flags, key positions, ACL categories.",
                                   "O(N) where N is the total number of Redis commands");
  command.subcommands = {
      CommandRow("count", 2, "", CommandCount, "2.8.13", "Returns how many top-level commands the server has.",
                 "O(1)"),
      CommandRow("info", -2, kUnordered, CommandInfo, "2.8.13", "Describes the named commands, or all of them.",
                 "O(N) where N is the number of commands to look up"),
      CommandRow("docs", -2, kUnordered, CommandDocs, "7.0.0",
                 "Returns the documentation of the named commands, or of all of them.",
                 "O(N) where N is the number of commands to look up"),
      CommandRow("getkeys", -4, "", CommandGetKeys, "2.8.13", "Extracts the key names from a full command line.",
                 "O(N) where N is the number of arguments to the command"),
      CommandRow("getkeysandflags", -4, "", CommandGetKeysAndFlags, "7.0.0",
                 "Extracts the key names and access flags for an arbitrary command.",
                 "O(N) where N is the number of arguments to the command"),
      CommandRow("list", -2, kUnordered, CommandList, "7.0.0",
                 "Lists command names, optionally filtered by ACL category or name pattern.",
                 "O(N) where N is the total number of Redis commands"),
      CommandRow("help", 2, "", CommandHelp, "5.0.0", "Lists the COMMAND subcommands.", "O(1)"),
  };
  reg.Add(std::move(command));
}

}  // namespace ks
