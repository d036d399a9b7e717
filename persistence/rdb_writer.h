#pragma once
// RdbWriter: one engine's keyspace as a Redis 7.0 RDB file (version 10), and single values as
// DUMP payloads. Values are written in the encodings Redis 7.0 uses for the same objects:
// integer and LZF-compressed strings, QUICKLIST_2 lists of listpacks, listpack or hashtable
// hashes, intset or hashtable sets, listpack or ZSET_2 sorted sets.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace ks {

struct RdbSaveOptions {
  bool compression = true;  // rdbcompression: LZF for strings longer than 20 bytes
  bool checksum = true;     // rdbchecksum: CRC64 trailer (0 when off, as Redis)
  uint64_t used_memory = 0; // the used-mem aux field
  bool aof_base = false;    // the aof-base aux field: the file is an append-only log's base
  // Function libraries' code, each written as a FUNCTION2 record after the aux fields, as
  // Redis 7.0's rdbSaveFunctions does (keyshard puts them in engine 0's file only).
  std::vector<std::string> libraries;
};

// Appends the RDB encoding of e's value (without type byte) to out; returns the RDB type.
uint8_t SerializeValue(const Entry* e, bool compress, std::string& out);

// Redis's DUMP payload: type, value, RDB version (2 bytes LE) and CRC64 (8 bytes LE).
std::string DumpPayload(const Entry* e, bool compress);

// FUNCTION DUMP's payload: a FUNCTION2 record per library, then the RDB version and CRC64.
std::string FunctionsDumpPayload(std::span<const std::string> libraries);

// Pieces of an RDB image for writers that produce one in parts (persistence/snapshot.h):
// - the magic and the aux fields;
// - the live keys (not expired at now_ms) of one slot in every database, with a SELECTDB
//   whenever the database differs from *cur_db (updated); returns how many keys. Keys of a
//   database may come in several runs: Redis's loader accepts any number of SELECTDBs.
// - the EOF opcode and the CRC64 (of every byte before it, given as crc_before, and the EOF).
// The caller holds the engine locked (routing/shard_set.h) for PutSlotKeys.
void PutRdbHeader(std::string& out, int64_t now_ms, const RdbSaveOptions& opt);
size_t PutSlotKeys(Engine& engine, uint16_t slot, int64_t now_ms, bool compress, int* cur_db, std::string& out);
void PutRdbTrailer(std::string& out, uint64_t crc_before, bool checksum);

// The whole RDB image of an engine, skipping keys already expired at engine.NowMs().
// The caller holds the engine locked (routing/shard_set.h).
std::string EngineToRdb(Engine& engine, const RdbSaveOptions& opt);

}  // namespace ks
