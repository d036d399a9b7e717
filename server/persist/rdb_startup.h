#pragma once
// Start-up loading of RDB snapshots: every engine file <dir>/<stem>-<N><ext> that exists
// (whatever shard count wrote them), each key routed to its engine by slot.
#include <optional>
#include <string>

#include "persistence/rdb_reader.h"
#include "server/core/server_state.h"

namespace ks {

// The compact-encoding thresholds loaded collections are built with (the live config).
RdbLoadLimits RdbLoadLimitsFrom(ServerState& s);

// Returns an error naming the file and offset of the first corrupt file; missing files are
// skipped. *keys receives the number of keys loaded.
std::optional<std::string> LoadRdbSnapshots(ServerState& state, uint64_t* keys);

// --import-rdb: loads a Redis dump (any encoding Redis 7.0 writes; expired keys skipped) on
// top of what is loaded, each key routed to its engine by slot. A key that is already loaded
// is an error. *keys receives the number of keys imported.
std::optional<std::string> ImportRdb(ServerState& state, const std::string& path, uint64_t* keys);

}  // namespace ks
