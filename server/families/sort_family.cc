// SORT and SORT_RO, as Redis 7.0's sort.c: lists, sets and sorted sets, numeric or ALPHA,
// ASC/DESC, LIMIT, BY (a pattern, a hash field `->`, or a constant: no sorting), GET (`#`,
// patterns, hash fields) and STORE into a list.
//
// BY and GET patterns name keys that are only known while the command runs. Redis Cluster
// refuses them; here they work on any engine: the row's lock_for asks the execution path for
// every engine when a pattern can reach a key (it contains '*'), so the whole SORT, its
// lookups and its STORE are one atomic step. Without such patterns SORT locks only its own
// keys (the source, and the STORE destination found as Redis's sortGetKeys finds it).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "common/partial_qsort.h"
#include "common/strconv.h"
#include "engine/hash.h"
#include "engine/list.h"
#include "engine/set.h"
#include "engine/zset.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"

namespace ks {
namespace {

// A pattern as Redis reads it: C string functions stop at the first NUL byte.
std::string_view CPart(std::string_view s) { return s.substr(0, s.find('\0')); }

bool ReachesKeys(std::string_view pattern) { return CPart(pattern).find('*') != std::string_view::npos; }

// SORT's lock mode: every engine when a BY or GET pattern can name other keys. Walks the
// options as the handler does; it may see more patterns than the handler (which stops at a
// syntax error), never fewer.
LockMode SortLockFor(std::span<const std::string_view> args) {
  for (size_t j = 2; j < args.size(); ++j) {
    const size_t left = args.size() - j - 1;
    if ((EqualsNoCase(args[j], "by") || EqualsNoCase(args[j], "get")) && left >= 1) {
      if (ReachesKeys(args[j + 1])) return LockMode::kAll;
      ++j;
    } else if (EqualsNoCase(args[j], "limit") && left >= 2) {
      j += 2;
    } else if (EqualsNoCase(args[j], "store") && left >= 1) {
      ++j;
    }
  }
  return LockMode::kKeys;
}

// Redis's sortGetKeys: the sorted key, and the key after the last STORE.
void SortKeys(std::span<const std::string_view> args, KeyIndexes& out) {
  out.push_back(1);
  int store = -1;
  for (size_t i = 2; i < args.size(); ++i) {
    if (EqualsNoCase(args[i], "limit"))
      i += 2;
    else if (EqualsNoCase(args[i], "get") || EqualsNoCase(args[i], "by"))
      i += 1;
    else if (EqualsNoCase(args[i], "store") && i + 1 < args.size())
      store = static_cast<int>(i + 1);
  }
  if (store > 0) out.push_back(store);
}

struct SortItem {
  std::string obj;
  double score = 0;
  std::optional<std::string> cmpobj;  // ALPHA BY: the weight, when its key exists
};

class SortRun {
 public:
  SortRun(CommandContext& ctx, bool write) : ctx_(ctx), write_(write) {}

  // Redis's lookupKeyByPattern: "#" is the element itself; the first '*' is replaced by it;
  // "key->field" reads a hash field. Missing keys, wrong types and patterns without '*' give
  // nothing.
  std::optional<std::string> Lookup(std::string_view pattern, std::string_view subst) {
    const std::string_view cpat = CPart(pattern);
    if (cpat == "#") return std::string(subst);
    const size_t star = cpat.find('*');
    if (star == std::string_view::npos) return std::nullopt;
    size_t fieldlen = 0;
    std::string_view field;
    const size_t arrow = cpat.find("->", star + 1);
    if (arrow != std::string_view::npos && arrow + 2 < cpat.size()) {
      fieldlen = pattern.size() - arrow - 2;
      field = pattern.substr(arrow + 2, fieldlen);
    }
    const size_t postfixlen = pattern.size() - (star + 1) - (fieldlen ? fieldlen + 2 : 0);
    std::string key;
    key.reserve(star + subst.size() + postfixlen);
    key.append(pattern.substr(0, star)).append(subst).append(pattern.substr(star + 1, postfixlen));
    const KeyRef k = ctx_.RouteHeld(key);
    const Entry* e = write_ ? ctx_.Find(k) : ctx_.FindRead(k);
    if (!e) return std::nullopt;
    if (fieldlen) {
      if (e->type() != ObjType::kHash) return std::nullopt;
      std::string_view v;
      if (!Hash(e->obj()).Get(field, &v)) return std::nullopt;
      return std::string(v);
    }
    if (e->type() != ObjType::kString) return std::nullopt;
    return std::string(e->str());
  }

 private:
  CommandContext& ctx_;
  bool write_;
};

int BinaryCompare(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// strcoll on the C strings, as Redis's collateStringObjects (keyshard, like Redis under the C
// locales, compares bytes).
int Collate(const std::string& a, const std::string& b) { return std::strcoll(a.c_str(), b.c_str()); }

void SortGeneric(CommandContext& ctx, bool readonly) {
  bool desc = false, alpha = false, dontsort = false;
  int64_t limit_start = 0, limit_count = -1;
  std::optional<std::string_view> sortby;
  std::vector<std::string_view> gets;
  size_t store_idx = 0;
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const size_t left = ctx.argc() - j - 1;
    const std::string_view a = ctx.arg(j);
    if (EqualsNoCase(a, "asc")) {
      desc = false;
    } else if (EqualsNoCase(a, "desc")) {
      desc = true;
    } else if (EqualsNoCase(a, "alpha")) {
      alpha = true;
    } else if (EqualsNoCase(a, "limit") && left >= 2) {
      if (!StrToLL(ctx.arg(j + 1), &limit_start) || !StrToLL(ctx.arg(j + 2), &limit_count))
        return ctx.rb.Error(err::kNotInteger);
      j += 2;
    } else if (!readonly && EqualsNoCase(a, "store") && left >= 1) {
      store_idx = ++j;
    } else if (EqualsNoCase(a, "by") && left >= 1) {
      sortby = ctx.arg(j + 1);
      // A constant BY (no '*') means: do not sort, and look nothing up.
      if (!ReachesKeys(*sortby)) dontsort = true;
      ++j;
    } else if (EqualsNoCase(a, "get") && left >= 1) {
      gets.push_back(ctx.arg(++j));
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  const KeyRef* dst = nullptr;
  if (store_idx)
    for (const KeyRef& k : ctx.keys)
      if (k.key.data() == ctx.arg(store_idx).data()) dst = &k;
  if (store_idx && !dst) return ctx.rb.Error(err::kSyntax);  // cannot happen: SortKeys found it
  const bool store = dst != nullptr;

  const KeyRef& src = ctx.keys[0];
  Entry* e = store ? ctx.Find(src) : ctx.FindRead(src);
  const ObjType type = e ? e->type() : ObjType::kList;  // a missing key sorts as an empty list
  if (type != ObjType::kList && type != ObjType::kSet && type != ObjType::kZSet)
    return ctx.rb.Error(err::kWrongType);

  // A set has no order of its own: when the result is stored, sort it anyway so that it does
  // not depend on the set's layout.
  if (dontsort && type == ObjType::kSet && store) {
    dontsort = false;
    alpha = true;
    sortby.reset();
  }
  // Redis converts a compact sorted set to a skiplist for SORT (OBJECT ENCODING shows it).
  if (e && type == ObjType::kZSet) {
    ZSet z(e->obj());
    if (z.listpack()) {
      z.ConvertToSkiplist();
      e->set_obj(z.ptr());
      e->set_encoding(Encoding::kSkiplist);
      ctx.engine(src).db(ctx.db()).Reaccount(src.slot, e);
    }
  }

  int64_t vectorlen = 0;
  if (e) {
    if (type == ObjType::kList)
      vectorlen = static_cast<int64_t>(static_cast<const List*>(e->obj())->size());
    else if (type == ObjType::kSet)
      vectorlen = static_cast<int64_t>(static_cast<const SetObject*>(e->obj())->size());
    else
      vectorlen = static_cast<int64_t>(ZSet(e->obj()).size());
  }
  // LIMIT, clamped to the object's size as Redis does.
  int64_t start = std::min(std::max<int64_t>(limit_start, 0), vectorlen);
  limit_count = std::min(std::max<int64_t>(limit_count, -1), vectorlen);
  int64_t end = limit_count < 0 ? vectorlen - 1 : start + limit_count - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;
  if ((type == ObjType::kZSet || type == ObjType::kList) && dontsort && (start != 0 || end != vectorlen - 1))
    vectorlen = end - start + 1;

  std::vector<SortItem> v;
  v.reserve(static_cast<size_t>(std::max<int64_t>(vectorlen, 0)));
  if (e && type == ObjType::kList) {
    const List* l = static_cast<const List*>(e->obj());
    if (dontsort) {
      // The list's own order (reversed by DESC), only the LIMIT range.
      if (end >= start) {
        List::Cursor c = l->CursorAt(desc ? l->size() - static_cast<size_t>(start) - 1 : static_cast<size_t>(start));
        for (; static_cast<int64_t>(v.size()) < vectorlen && c.Valid(); desc ? c.Prev() : c.Next())
          v.push_back({std::string(c.Value())});
        end -= start;
        start = 0;
      }
    } else {
      for (List::Cursor c = l->CursorAt(0); c.Valid(); c.Next()) v.push_back({std::string(c.Value())});
    }
  } else if (e && type == ObjType::kSet) {
    static_cast<const SetObject*>(e->obj())->ForEach([&](std::string_view m) { v.push_back({std::string(m)}); });
  } else if (e && type == ObjType::kZSet) {
    ZSet z(e->obj());
    if (dontsort) {
      // Score order (reversed by DESC), only the LIMIT range.
      const int64_t size = static_cast<int64_t>(z.size());
      ZSet::Cursor c = z.At(desc ? size - 1 - start : start, desc);
      for (int64_t n = vectorlen; n > 0 && c.Valid(); --n, c.Next()) v.push_back({std::string(c.member())});
      end -= start;
      start = 0;
    } else {
      z.ForRanks(0, static_cast<int64_t>(z.size()) - 1, false,
                 [&](std::string_view m, double) { v.push_back({std::string(m)}); });
    }
  }

  SortRun run(ctx, store);
  bool conversion_error = false;
  if (!dontsort) {
    for (SortItem& item : v) {
      std::optional<std::string> byval;
      if (sortby) {
        byval = run.Lookup(*sortby, item.obj);
        if (!byval) continue;
      }
      const std::string& val = sortby ? *byval : item.obj;
      if (alpha) {
        if (sortby) item.cmpobj = std::move(*byval);
      } else {
        // strtod as Redis calls it: the whole C string, no range error, no NaN.
        char* eptr;
        errno = 0;
        item.score = std::strtod(val.c_str(), &eptr);
        if (eptr[0] != '\0' || errno == ERANGE || std::isnan(item.score)) conversion_error = true;
      }
    }
    const bool bypattern = sortby.has_value();
    auto cmp = [&](const SortItem& a, const SortItem& b) {
      int c;
      if (!alpha) {
        if (a.score > b.score)
          c = 1;
        else if (a.score < b.score)
          c = -1;
        else
          c = BinaryCompare(a.obj, b.obj);  // equal scores: deterministic by the element
      } else if (bypattern) {
        if (!a.cmpobj || !b.cmpobj)
          c = a.cmpobj.has_value() == b.cmpobj.has_value() ? 0 : (!a.cmpobj ? -1 : 1);
        else
          c = store ? BinaryCompare(*a.cmpobj, *b.cmpobj) : Collate(*a.cmpobj, *b.cmpobj);
      } else {
        c = store ? BinaryCompare(a.obj, b.obj) : Collate(a.obj, b.obj);
      }
      return desc ? -c : c;
    };
    if (sortby && (start != 0 || end != static_cast<int64_t>(v.size()) - 1))
      PartialQsort(v.data(), v.size(), cmp, start, end);
    else
      std::stable_sort(v.begin(), v.end(), [&](const SortItem& a, const SortItem& b) { return cmp(a, b) < 0; });
  }

  const int64_t span = end - start + 1;
  const int64_t outputlen = gets.empty() ? span : static_cast<int64_t>(gets.size()) * span;
  if (conversion_error) return ctx.rb.Error(err::kSortNotDouble);
  if (!store) {
    ctx.rb.Array(static_cast<size_t>(std::max<int64_t>(outputlen, 0)));
    for (int64_t j = start; j <= end; ++j) {
      const std::string& obj = v[static_cast<size_t>(j)].obj;
      if (gets.empty()) ctx.rb.Bulk(obj);
      for (std::string_view g : gets) {
        std::optional<std::string> val = run.Lookup(g, obj);
        if (val)
          ctx.rb.Bulk(*val);
        else
          ctx.rb.Null();
      }
    }
    return;
  }
  // Every value is read before the destination changes (it may be one of the keys read).
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(std::max<int64_t>(outputlen, 0)));
  for (int64_t j = start; j <= end; ++j) {
    const std::string& obj = v[static_cast<size_t>(j)].obj;
    if (gets.empty()) out.push_back(obj);
    for (std::string_view g : gets) out.push_back(run.Lookup(g, obj).value_or(std::string()));
  }
  if (outputlen > 0) {
    const HotLimits& lim = ctx.server.limits();
    // Redis 7.0's SORT STORE builds its list with createQuicklistObject() alone: quicklist.c's
    // defaults (fill -2, no compression), whatever the config says.
    List* l = List::New(-2, 0, static_cast<uint64_t>(lim.get(lim.list_packed_threshold)));
    for (const std::string& s : out) l->Push(ListEnd::kTail, s);
    ctx.Put(*dst, Entry::NewObject(dst->key, ObjType::kList, Encoding::kQuicklist, l));
    ctx.Notify(kNotifyList, "sortstore", *dst);
  } else if (ctx.Delete(*dst)) {
    ctx.Notify(kNotifyGeneric, "del", *dst);
  }
  ctx.rb.Int(outputlen);
}

void Sort(CommandContext& ctx) { SortGeneric(ctx, false); }
void SortRo(CommandContext& ctx) { SortGeneric(ctx, true); }

}  // namespace

void RegisterSortFamily(CommandRegistry& reg) {
  reg.Add(
      {.name = "sort",
       .arity = -2,
       .flags = "write denyoom movablekeys",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@write @set @sortedset @list @slow @dangerous",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}, {.flags = "RO access", .notes = "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"}, {.flags = "OW update", .notes = "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array"}},
       .handler = Sort,
       .find_keys = SortKeys,
       .lock_for = SortLockFor,
       .aof = AofLog::kChangedKeys,
       .group = "generic", .since = "1.0.0",
       .summary = "Sort the elements in a list, set or sorted set",
       .complexity = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
      });
  reg.Add(
      {.name = "sort_ro",
       .arity = -2,
       .flags = "readonly movablekeys",
       .first_key = 1, .last_key = 1, .step = 1,
       .acl = "@read @set @sortedset @list @slow @dangerous",
       .key_specs = {{.flags = "RO access", .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}, {.flags = "RO access", .notes = "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"}},
       .handler = SortRo,
       .lock_for = SortLockFor,
       .group = "generic", .since = "7.0.0",
       .summary = "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
       .complexity = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
      });
}

}  // namespace ks
