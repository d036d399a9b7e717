#pragma once
// Helpers shared by the stream command files (stream_family.cc, stream_group.cc,
// stream_info.cc): ID parsing with Redis's special forms, entry replies, group delivery.
#include <string>
#include <string_view>

#include "engine/stream.h"
#include "server/core/command_context.h"

namespace ks::streams {

inline constexpr std::string_view kInvalidId = "ERR Invalid stream ID specified as stream command argument";

inline Stream* AsStream(Entry* e) { return static_cast<Stream*>(e->obj()); }

// streamGenericParseIDOrReply: "-", "+" (unless strict), "ms", "ms-seq", and "ms-*" when
// seq_given is asked for. Replies the error itself.
bool ParseId(CommandContext& ctx, std::string_view arg, uint64_t missing_seq, bool strict, StreamID* id,
             bool* seq_given = nullptr);

// One entry as Redis replies it: [id, [field, value, ...]].
void ReplyEntry(ReplyBuilder& rb, StreamID id, const std::vector<Stream::Field>& fs);
void ReplyId(ReplyBuilder& rb, StreamID id);

// Writes the reply of an array whose length is known only after its items were written to
// body (Redis's deferred lengths).
void ReplyArrayOf(ReplyBuilder& rb, size_t n, const std::string& body);

// streamReplyWithRange for plain reads: entries in [start, end], up to count (0 = all).
size_t ReplyRange(ReplyBuilder& rb, const Stream& s, StreamID start, StreamID end, bool rev, size_t count);

// The delivery of XREADGROUP: new entries after the group's last ID (">"), or the consumer's
// own history from start. Updates the group and PEL as Redis does.
size_t ReplyGroupRange(CommandContext& ctx, const KeyRef& k, std::string_view group, Stream& s, StreamGroup& g,
                       StreamConsumer& c, StreamID start, size_t count, bool noack, bool history);

// The group and consumer lookup of XREADGROUP/XCLAIM: creates the consumer when missing.
StreamConsumer* ConsumerOrCreate(CommandContext& ctx, StreamGroup& g, std::string_view name);

// What XREADGROUP, XCLAIM and XAUTOCLAIM log to the append-only file, as Redis propagates
// them: XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID last per
// delivered or claimed entry (one whose entry is gone drops its NACK on replay), XGROUP SETID
// ... ENTRIESREAD for the group's position, XGROUP CREATECONSUMER for a new consumer.
void PropagateXClaim(CommandContext& ctx, const KeyRef& k, std::string_view group, const StreamGroup& g,
                     StreamID id, const StreamNack& nack);
void PropagateSetId(CommandContext& ctx, const KeyRef& k, std::string_view group, const StreamGroup& g);
void PropagateCreateConsumer(CommandContext& ctx, const KeyRef& k, std::string_view group, std::string_view name);

int64_t NodeMaxBytes(CommandContext& ctx);
int64_t NodeMaxEntries(CommandContext& ctx);

}  // namespace ks::streams
