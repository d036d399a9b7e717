#pragma once
// HyperLogLog values exactly as Redis 7.0 keeps them in strings (hyperloglog.c): a 16-byte
// header ("HYLL", encoding byte, 3 unused bytes, cached cardinality little endian with its top
// bit marking it stale) followed either by sparse opcodes (ZERO 00xxxxxx, XZERO 01xxxxxx
// yyyyyyyy, VAL 1vvvvvxx) or by 16384 dense 6-bit registers. Elements are hashed with
// MurmurHash64A and Redis's seed, and every edit follows Redis's steps, so the same adds give
// the same bytes: values move between keyshard and redis-server by GET/SET, DUMP/RESTORE and
// RDB. Pure functions over bytes, shared by the command family and its tests; a corrupt value
// is reported (-1 / false / *invalid), never read or written out of bounds.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ks::hll {

inline constexpr int kP = 14;                                        // index bits
inline constexpr int kQ = 64 - kP;                                   // bits left for the run of zeroes
inline constexpr size_t kRegisters = size_t{1} << kP;                // 16384
inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * 6 + 7) / 8;  // 12304
inline constexpr uint8_t kDense = 0;
inline constexpr uint8_t kSparse = 1;
inline constexpr uint64_t kSeed = 0xadc83b19ULL;

// Redis's MurmurHash64A (endian-neutral 64-bit MurmurHash2).
uint64_t MurmurHash64A(const void* key, size_t len, uint64_t seed);

// Redis's isHLLObjectOrReply minus the type check: magic, a known encoding, and a dense value
// of exactly kDenseSize bytes. A value failing it is "not a valid HyperLogLog string value".
bool IsHll(std::string_view v);
inline uint8_t EncodingOf(std::string_view v) { return static_cast<uint8_t>(v[4]); }

// An empty HLL: sparse, one XZERO opcode covering every register (what PFADD creates).
std::string NewSparse();

// The cached cardinality (header bytes 8..15) and its staleness bit.
bool CacheValid(std::string_view v);
uint64_t CachedCount(std::string_view v);
void SetCache(char* v, uint64_t card);
void InvalidateCache(char* v);

// Register run length and index for an element (Redis's hllPatLen).
int PatLen(std::string_view ele, uint32_t* index);

// Dense registers (the kRegisters*6/8 bytes after the header), read and written without
// touching the byte past the last register.
uint8_t DenseGet(const uint8_t* regs, uint32_t i);
void DenseSetRaw(uint8_t* regs, uint32_t i, uint8_t val);
// Raises register i to count if lower; 1 if it changed.
int DenseSet(uint8_t* regs, uint32_t i, uint8_t count);
int DenseAdd(uint8_t* regs, std::string_view ele);

// Sparse edits (Redis's hllSparseSet): 1 if a register changed, 0 if not, -1 if the value is
// corrupt. Growing past sparse_max_bytes, or a count above 32, promotes v to dense first.
int SparseSet(std::string& v, uint32_t index, uint8_t count, size_t sparse_max_bytes);
// Converts v to dense in place; false (v unchanged) if the sparse opcodes are corrupt.
bool SparseToDense(std::string& v);

// PFADD of one element to a valid value of either encoding; 1, 0 or -1 as above.
int Add(std::string& v, std::string_view ele, size_t sparse_max_bytes);

// Raw registers: one byte a register (PFCOUNT of several keys, PFMERGE).
using RawRegisters = std::array<uint8_t, kRegisters>;
// max[i] = max(max[i], register i of v); false if v's sparse opcodes are corrupt.
bool MergeInto(RawRegisters& max, std::string_view v);

// Cardinality estimate of a valid value (Redis 7.0's hllCount, Ertl's estimator); *invalid is
// set when sparse opcodes do not cover exactly kRegisters registers.
uint64_t Count(std::string_view v, bool* invalid);
uint64_t CountRaw(const RawRegisters& regs);

// PFDEBUG DECODE's text ("Z:16384", "z:3 v:2,1 ..."), for a sparse value.
std::string DecodeSparse(std::string_view v);

}  // namespace ks::hll
