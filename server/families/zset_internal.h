#pragma once
// Helpers shared by the sorted set family's files (zset_family.cc, zset_range.cc,
// zset_setops.cc), and the handlers each file contributes to the family's table.
#include <string>
#include <utility>
#include <vector>

#include "engine/zset.h"
#include "server/core/command_context.h"

namespace ks::zset_detail {

inline ZSet ZSetOf(const Entry* e) { return ZSet(e->obj()); }

// Stores z's (possibly moved) pointer and encoding back into e.
inline void SyncEntry(Entry* e, const ZSet& z) {
  e->set_obj(z.ptr());
  e->set_encoding(z.listpack() ? Encoding::kListpack : Encoding::kSkiplist);
}

using Elements = std::vector<std::pair<std::string, double>>;

// Replaces dst by a sorted set of `sorted` (ascending, distinct members), encoded as Redis's
// zsetConvertToListpackIfNeeded would leave it; an empty result deletes dst. Any old value
// of dst, of any type, is dropped (setKey).
// event: the keyspace event of the storing command ("zunionstore"...); "del" if sorted is empty.
void StoreSorted(CommandContext& ctx, const KeyRef& dst, const Elements& sorted, std::string_view event);

// An element reply: bulk member, then the score as a double when with_scores; in RESP3 a
// scored element is a 2-element array.
inline void ReplyElement(ReplyBuilder& rb, std::string_view member, double score, bool with_scores) {
  if (with_scores && rb.resp3()) rb.Array(2);
  rb.Bulk(member);
  if (with_scores) rb.Double(score);
}
// The array header for n elements (flat member/score pairs in RESP2).
inline void ReplyElementsHeader(ReplyBuilder& rb, size_t n, bool with_scores) {
  rb.Array(with_scores && !rb.resp3() ? n * 2 : n);
}

// ZADD's handler (zset_family.cc), which GEOADD runs with the arguments it builds.
void ZAddCommand(CommandContext& ctx);

// Handlers in zset_range.cc.
void ZRange(CommandContext& ctx);
void ZRangeStore(CommandContext& ctx);
void ZRevRange(CommandContext& ctx);
void ZRangeByScore(CommandContext& ctx);
void ZRevRangeByScore(CommandContext& ctx);
void ZRangeByLex(CommandContext& ctx);
void ZRevRangeByLex(CommandContext& ctx);
void ZCount(CommandContext& ctx);
void ZLexCount(CommandContext& ctx);
void ZRemRangeByRank(CommandContext& ctx);
void ZRemRangeByScore(CommandContext& ctx);
void ZRemRangeByLex(CommandContext& ctx);

// Handlers in zset_setops.cc.
void ZUnion(CommandContext& ctx);
void ZInter(CommandContext& ctx);
void ZDiff(CommandContext& ctx);
void ZUnionStore(CommandContext& ctx);
void ZInterStore(CommandContext& ctx);
void ZDiffStore(CommandContext& ctx);
void ZInterCard(CommandContext& ctx);

}  // namespace ks::zset_detail
