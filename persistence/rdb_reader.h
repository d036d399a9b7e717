#pragma once
// RdbReader: loads Redis RDB files (versions 1..10: everything Redis 7.0 writes and the older
// ziplist / quicklist v1 / plain encodings) into the engines of a ShardSet, each key routed to
// its engine by slot. Also decodes single values (RESTORE payloads). Errors are values: a
// message naming the file and the byte offset where decoding failed.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/entry.h"
#include "routing/shard_set.h"

namespace ks {

// The compact-encoding limits a loaded object is built under (the server's current config).
struct RdbLoadLimits {
  int64_t list_fill = -2;
  int64_t list_compress = 0;
  uint64_t list_packed_threshold = uint64_t{1} << 30;
  int64_t hash_max_entries = 128;
  int64_t hash_max_value = 64;
  int64_t set_max_intset = 512;
  int64_t zset_max_entries = 128;
  int64_t zset_max_value = 64;
};

struct RdbLoadStats {
  uint64_t keys_loaded = 0;
  uint64_t expired_skipped = 0;
  // The code of each function library the file holds (FUNCTION2 records), in file order: the
  // caller registers them (the RDB layer knows no scripting).
  std::vector<std::string> libraries;
};

// Decodes a value of RDB type `type` from data (which must hold exactly that value). Returns
// a new entry under key, or nullptr with *error set.
Entry* DecodeValue(uint8_t type, std::string_view data, std::string_view key,
                   const RdbLoadLimits& limits, std::string* error);

// Checks a DUMP payload's version and CRC64 (Redis's verifyDumpPayload); on success *type and
// *value are the parts inside.
bool VerifyDumpPayload(std::string_view payload, uint8_t* type, std::string_view* value);

// Reads FUNCTION RESTORE's payload (Redis's functionRestoreCommand): the version and CRC64
// are checked, then each record must be a FUNCTION2 library. Returns the error text (without
// the "ERR " prefix, as Redis builds it), or empty with *libraries filled.
std::string ParseFunctionsPayload(std::string_view payload, std::vector<std::string>* libraries);

// Loads an RDB image (already in memory) into shards. Keys already expired at the shards'
// clock are skipped; a key that already exists is an error (the same key in two files).
// `name` is used in error messages. Returns an empty string on success.
std::string LoadRdb(std::string_view image, std::string_view name, ShardSet& shards,
                    const RdbLoadLimits& limits, RdbLoadStats* stats);

// Reads path and loads it as LoadRdb does. A missing file is not an error (*found = false).
std::string LoadRdbFile(const std::string& path, ShardSet& shards, const RdbLoadLimits& limits,
                        RdbLoadStats* stats, bool* found);

}  // namespace ks
