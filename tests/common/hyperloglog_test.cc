// The HyperLogLog representation on its own: Redis's bytes for known adds, the sparse -> dense
// promotion, merging, and a fuzz of corrupted values that must be reported, never crash. For
// the memory side it builds alone under ASAN and UBSan in a few seconds:
//   g++ -std=c++20 -O1 -g -fsanitize=address,undefined -I. common/hyperloglog.cc common/bitops.cc
//       tests/common/hyperloglog_test.cc -lgtest -lgtest_main -pthread -o /tmp/hll_asan
#include "common/hyperloglog.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/bitops.h"

namespace ks::hll {
namespace {

std::string Header(uint8_t enc, bool stale) {
  std::string h("HYLL", 4);
  h += static_cast<char>(enc);
  h += std::string(10, '\0');
  h += stale ? '\x80' : '\0';
  return h;
}

TEST(HyperLogLog, EmptyValueIsRedisBytes) {
  EXPECT_EQ(NewSparse(), Header(kSparse, false) + std::string("\x7f\xff", 2));
}

TEST(HyperLogLog, FirstAddMatchesRedis) {
  // redis-server 7.0: PFADD k a; GET k -> "HYLL\x01...\x80q\xa6\x84NW" (Z:12711 v:2,1 Z:3672).
  std::string v = NewSparse();
  EXPECT_EQ(Add(v, "a", 3000), 1);
  EXPECT_EQ(v, Header(kSparse, true) + std::string("q\xa6\x84NW", 5));
  EXPECT_EQ(DecodeSparse(v), "Z:12711 v:2,1 Z:3672");
  EXPECT_EQ(Add(v, "a", 3000), 0);
  bool invalid = false;
  EXPECT_EQ(Count(v, &invalid), 1u);
  EXPECT_FALSE(invalid);
}

TEST(HyperLogLog, PromotesToDenseAndAgrees) {
  std::string sparse = NewSparse();
  std::string dense = NewSparse();
  ASSERT_TRUE(SparseToDense(dense));
  ASSERT_EQ(dense.size(), kDenseSize);
  for (int i = 0; i < 20000; ++i) {
    std::string e = "el:" + std::to_string(i);
    Add(sparse, e, 3000);
    Add(dense, e, 3000);
    if (EncodingOf(sparse) == kSparse) EXPECT_LE(sparse.size(), 3000u);
    if (i % 997 == 0) EXPECT_EQ(Count(sparse, nullptr), Count(dense, nullptr)) << i;
  }
  EXPECT_EQ(EncodingOf(sparse), kDense);
  // Registers equal; headers may differ only in the cache.
  EXPECT_EQ(sparse.substr(kHeaderSize), dense.substr(kHeaderSize));
  uint64_t c = Count(dense, nullptr);
  EXPECT_NEAR(static_cast<double>(c), 20000.0, 20000 * 0.03);
}

TEST(HyperLogLog, MergeIsUnion) {
  std::string a = NewSparse(), b = NewSparse(), both = NewSparse();
  for (int i = 0; i < 1000; ++i) {
    Add(a, "x" + std::to_string(i), 3000);
    Add(both, "x" + std::to_string(i), 3000);
  }
  for (int i = 500; i < 1500; ++i) {
    Add(b, "x" + std::to_string(i), 3000);
    Add(both, "x" + std::to_string(i), 3000);
  }
  RawRegisters max{};
  ASSERT_TRUE(MergeInto(max, a));
  ASSERT_TRUE(MergeInto(max, b));
  EXPECT_EQ(CountRaw(max), Count(both, nullptr));
}

TEST(HyperLogLog, DenseRegistersRoundTrip) {
  std::string regs(kDenseSize - kHeaderSize, '\0');
  auto* p = reinterpret_cast<uint8_t*>(regs.data());
  std::mt19937 rng(1);
  std::vector<uint8_t> want(kRegisters);
  for (uint32_t i = 0; i < kRegisters; ++i) DenseSetRaw(p, i, want[i] = static_cast<uint8_t>(rng() & 63));
  for (uint32_t i = 0; i < kRegisters; ++i) ASSERT_EQ(DenseGet(p, i), want[i]) << i;
}

// Random byte flips, truncations and extensions of valid sparse and dense values: every
// operation either works or reports corruption, and stays within the buffer.
TEST(HyperLogLog, CorruptValuesNeverCrash) {
  std::mt19937 rng(42);
  std::vector<std::string> seeds;
  std::string v = NewSparse();
  for (int i = 0; i < 300; ++i) {
    Add(v, std::to_string(i), 3000);
    if (i % 50 == 0) seeds.push_back(v);
  }
  std::string d = v;
  SparseToDense(d);
  seeds.push_back(d);
  int reported = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string x = seeds[rng() % seeds.size()];
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) x[kHeaderSize + rng() % (x.size() - kHeaderSize)] = static_cast<char>(rng());
    if (rng() % 4 == 0) x.resize(kHeaderSize + rng() % (x.size() - kHeaderSize + 3));
    if (!IsHll(x)) continue;
    bool invalid = false;
    Count(x, &invalid);
    RawRegisters max{};
    bool merged = MergeInto(max, x);
    std::string y = x;
    int r = Add(y, "probe" + std::to_string(round), 3000);
    std::string z = x;
    bool densed = SparseToDense(z);
    if (EncodingOf(x) == kSparse) DecodeSparse(x);
    reported += invalid + !merged + (r < 0) + !densed;
  }
  EXPECT_GT(reported, 0);
}

TEST(BitOps, FirstBitAndPopcount) {
  uint8_t buf[20] = {};
  EXPECT_EQ(bits::FirstBit(buf, 20, 1), -1);
  EXPECT_EQ(bits::FirstBit(buf, 20, 0), 0);
  buf[13] = 0x10;
  EXPECT_EQ(bits::FirstBit(buf, 20, 1), 13 * 8 + 3);
  EXPECT_EQ(bits::Popcount(buf, 20), 1);
  for (auto& b : buf) b = 0xff;
  EXPECT_EQ(bits::FirstBit(buf, 20, 0), -1);
  buf[17] = 0xfe;
  EXPECT_EQ(bits::FirstBit(buf, 20, 0), 17 * 8 + 7);
  EXPECT_EQ(bits::Popcount(buf, 20), 159);
}

TEST(BitOps, FieldsWrapAndSaturate) {
  uint8_t buf[9] = {};
  bits::SetUnsigned(buf, 3, 8, 0xab);
  EXPECT_EQ(bits::GetUnsigned(buf, 3, 8), 0xabu);
  EXPECT_EQ(bits::GetSigned(buf, 3, 8), static_cast<int8_t>(0xab));
  uint64_t u = 0;
  EXPECT_NE(bits::CheckUnsignedOverflow(250, 10, 8, bits::Overflow::kWrap, &u), 0);
  EXPECT_EQ(u, 4u);
  EXPECT_NE(bits::CheckUnsignedOverflow(250, 10, 8, bits::Overflow::kSat, &u), 0);
  EXPECT_EQ(u, 255u);
  int64_t s = 0;
  EXPECT_NE(bits::CheckSignedOverflow(-100, -100, 8, bits::Overflow::kWrap, &s), 0);
  EXPECT_EQ(s, 56);
  EXPECT_NE(bits::CheckSignedOverflow(INT64_MAX, 1, 64, bits::Overflow::kSat, &s), 0);
  EXPECT_EQ(s, INT64_MAX);
  EXPECT_EQ(bits::CheckSignedOverflow(-5, 3, 4, bits::Overflow::kFail, &s), 0);
}

}  // namespace
}  // namespace ks::hll
