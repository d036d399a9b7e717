#pragma once
// Redis's DEBUG DIGEST and DIGEST-VALUE (debug.c's computeDatasetDigest / xorObjectDigest).
#include <array>
#include <string>

#include "routing/shard_set.h"

namespace ks {

// The 40-hex-digit digest of one value (all zeros for nullptr, a missing key).
std::string ValueDigest(const Entry* e);
// The digest of every key of every database; call with every engine locked.
std::string DatasetDigest(ShardSet& shards);

}  // namespace ks
