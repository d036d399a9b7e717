#pragma once
// ScanTable: an intrusive chained hash table keyed by string_view, for the large encodings of
// hashes, sets and sorted sets. Its point is SCAN: the cursor walks buckets in Redis's
// reverse-binary order (dictScan), so a full HSCAN/SSCAN/ZSCAN iteration returns every element
// that was present throughout, even if the table grew or shrank between calls (elements may
// come back more than once, as in Redis).
//
// The table owns no memory of the nodes: callers allocate nodes, and free them after Remove()
// or through Clear(deleter). Traits gives the key of a node and its next-pointer:
//   struct Traits { static std::string_view Key(const Node*); static Node*& Next(Node*); };
#include <boost/container_hash/hash.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "common/random.h"

namespace ks {

template <typename Node, typename Traits>
class ScanTable {
 public:
  ScanTable() = default;
  ScanTable(const ScanTable&) = delete;
  ScanTable& operator=(const ScanTable&) = delete;
  ScanTable(ScanTable&& o) noexcept { *this = std::move(o); }
  ScanTable& operator=(ScanTable&& o) noexcept {
    buckets_ = std::move(o.buckets_);
    mask_ = o.mask_;
    size_ = o.size_;
    max_chain_ = o.max_chain_;
    o.mask_ = 0;
    o.size_ = 0;
    o.max_chain_ = 0;
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  static size_t HashOf(std::string_view key) { return boost::hash_range(key.begin(), key.end()); }

  Node* Find(std::string_view key) const {
    if (!buckets_) return nullptr;
    for (Node* n = buckets_[HashOf(key) & mask_]; n; n = Traits::Next(n))
      if (Traits::Key(n) == key) return n;
    return nullptr;
  }

  // Adds n; no node with the same key may be present.
  void Insert(Node* n) {
    if (!buckets_) Resize(4);
    else if (size_ + 1 > mask_ + 1) Resize((mask_ + 1) * 2);
    Node*& head = buckets_[HashOf(Traits::Key(n)) & mask_];
    Traits::Next(n) = head;
    head = n;
    ++size_;
    size_t len = 0;
    for (Node* m = n; m; m = Traits::Next(m)) ++len;
    if (len > max_chain_) max_chain_ = len;
  }

  // Unlinks and returns the node with this key, or nullptr.
  Node* Remove(std::string_view key) {
    if (!buckets_) return nullptr;
    Node** link = &buckets_[HashOf(key) & mask_];
    for (Node* n = *link; n; link = &Traits::Next(n), n = *link) {
      if (Traits::Key(n) != key) continue;
      *link = Traits::Next(n);
      Traits::Next(n) = nullptr;
      --size_;
      // Shrink below ~12% full, as Redis does below 10%, keeping a minimum of 4 buckets.
      if (mask_ + 1 > 4 && size_ * 8 < mask_ + 1) Resize(std::max<size_t>(4, NextPow2(size_ * 2)));
      return n;
    }
    return nullptr;
  }

  // Visits the bucket(s) the cursor names, calling f(const Node*) for each node, and returns
  // the next cursor; 0 means the iteration is complete. Start with cursor 0.
  template <typename F>
  uint64_t Scan(uint64_t cursor, F&& f) const {
    if (size_ == 0) return 0;
    uint64_t m = mask_;
    for (Node* n = buckets_[cursor & m]; n; n = Traits::Next(n)) f(static_cast<const Node*>(n));
    // Increment the reversed cursor: set the bits above the mask, reverse, add one, reverse.
    cursor |= ~m;
    cursor = Reverse(cursor);
    ++cursor;
    return Reverse(cursor);
  }

  template <typename F>
  void ForEach(F&& f) const {
    if (!buckets_) return;
    for (size_t i = 0; i <= mask_; ++i)
      for (Node* n = buckets_[i]; n; n = Traits::Next(n)) f(n);
  }

  // A node chosen uniformly at random; nullptr if empty. Rejection sampling over (bucket,
  // position) pairs: a random bucket and a random position below max_chain_ (no chain is longer)
  // name at most one node, and every node is named by exactly one pair, so all nodes are equally
  // likely. (Redis's dictGetRandomKey, a random non-empty bucket and then a random node of its
  // chain, favours nodes in short chains.) Expected tries: buckets * max_chain_ / size, a small
  // constant, since the table stays between 1/8 and fully loaded and chains stay short.
  Node* Random(Rng& rng) const {
    if (size_ == 0) return nullptr;
    for (;;) {
      Node* n = buckets_[rng() & mask_];
      if (!n) continue;
      for (uint64_t pos = max_chain_ > 1 ? rng.Below(max_chain_) : 0; n && pos > 0; --pos) n = Traits::Next(n);
      if (n) return n;
    }
  }

  // Unlinks every node, handing each to deleter(Node*).
  template <typename D>
  void Clear(D&& deleter) {
    if (!buckets_) return;
    for (size_t i = 0; i <= mask_; ++i) {
      Node* n = buckets_[i];
      while (n) {
        Node* next = Traits::Next(n);
        deleter(n);
        n = next;
      }
    }
    buckets_.reset();
    mask_ = 0;
    size_ = 0;
    max_chain_ = 0;
  }

  // Bytes of the bucket array (not the nodes).
  size_t OverheadBytes() const { return buckets_ ? (mask_ + 1) * sizeof(Node*) : 0; }

 private:
  static size_t NextPow2(size_t n) {
    size_t p = 4;
    while (p < n) p *= 2;
    return p;
  }
  static uint64_t Reverse(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
    v = ((v >> 8) & 0x00FF00FF00FF00FFull) | ((v & 0x00FF00FF00FF00FFull) << 8);
    v = ((v >> 16) & 0x0000FFFF0000FFFFull) | ((v & 0x0000FFFF0000FFFFull) << 16);
    return (v >> 32) | (v << 32);
  }
  void Resize(size_t buckets) {
    std::unique_ptr<Node*[]> fresh(new Node*[buckets]());
    size_t mask = buckets - 1;
    max_chain_ = 0;
    if (buckets_) {
      std::unique_ptr<uint32_t[]> lens(new uint32_t[buckets]());  // to find the longest chain
      for (size_t i = 0; i <= mask_; ++i) {
        Node* n = buckets_[i];
        while (n) {
          Node* next = Traits::Next(n);
          size_t b = HashOf(Traits::Key(n)) & mask;
          Node*& head = fresh[b];
          Traits::Next(n) = head;
          head = n;
          if (++lens[b] > max_chain_) max_chain_ = lens[b];
          n = next;
        }
      }
    }
    buckets_ = std::move(fresh);
    mask_ = mask;
  }

  std::unique_ptr<Node*[]> buckets_;
  size_t mask_ = 0;
  size_t size_ = 0;
  // No chain is longer (the longest since the last resize, at least); Random's bound.
  size_t max_chain_ = 0;
};

}  // namespace ks
