#pragma once
// List: the value of a Redis list key, laid out like Redis 7.0's quicklist of listpacks.
//
// A list is a chain of nodes; each node is ONE allocation holding its links, its counts and a
// packed run of elements. An element is stored as
//   [length, LEB128 varint][bytes][back-length, a reversed varint of the two fields before it]
// so a node can be walked from either end, as a listpack can: a small element costs its bytes
// plus 2. A short list is a single node (what Redis 7.0 also builds: it reports "quicklist" for
// every list). Nodes are filled up to `list-max-listpack-size` as Redis's quicklist fills them
// (a count per node when positive, a byte budget of 4..64 KB when -1..-5), which keeps
// LPUSH/RPUSH/LPOP/RPOP O(1) amortised: they touch only the end node, whose size is bounded,
// while LINDEX/LSET/LRANGE skip whole nodes by their counts.
//
// As in Redis, with `list-compress-depth` d > 0 every node but the d at each end is kept
// LZF-compressed (quicklist.c's rules: nodes under 48 bytes stay raw, compression is kept only
// when it saves 8 bytes or more). Reading a compressed node decompresses it into a per-list
// scratch copy (the node stays compressed); changing one decompresses it in place and
// compresses it again afterwards. The LZF bytes kept are Redis's own for the node (its
// elements as a listpack, compressed), so RDB writes them as they are and memory matches. An element of `packed_threshold` bytes or more gets a node
// of its own (Redis's PLAIN node, DEBUG QUICKLIST-PACKED-THRESHOLD).
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ks {

enum class ListEnd : uint8_t { kHead, kTail };

class List {
 public:
  struct Node;

  static constexpr uint64_t kDefaultPackedThreshold = uint64_t{1} << 30;

  // fill: list-max-listpack-size, compress: list-compress-depth, packed_threshold: the size
  // from which an element gets a plain node; all as when the list is created (Redis also
  // keeps the fill and depth the list was created with).
  static List* New(int64_t fill, int64_t compress = 0, uint64_t packed_threshold = kDefaultPackedThreshold);
  static void Destroy(List* l);
  List* Clone() const;

  size_t size() const { return count_; }
  size_t node_count() const { return nodes_; }
  int32_t fill() const { return fill_; }
  int compress_depth() const { return compress_; }
  // Elements of this size or more get a plain node from now on.
  void set_packed_threshold(uint64_t t) { packed_threshold_ = static_cast<uint32_t>(std::min<uint64_t>(t, UINT32_MAX)); }
  // Sum of the nodes' uncompressed element bytes.
  size_t RawBytes() const;
  // Nodes kept compressed and plain nodes, for tests and DEBUG.
  size_t CompressedNodes() const;
  size_t PlainNodes() const;
  // Heap bytes of the list: its header and every node allocation (compressed nodes at their
  // compressed size; the read scratch copy is transient and not counted).
  size_t AllocatedBytes() const;

  void Push(ListEnd end, std::string_view v);
  // Appends one node holding elems at the tail, as Redis's RDB loader appends each node of the
  // file (quicklistAppendListpack / quicklistAppendPlainNode): the file's node boundaries and
  // plain nodes are kept.
  void AppendNode(std::span<const std::string> elems, bool plain);
  // Calls f(element) with the element at `end`, then removes it. The list must not be empty.
  template <typename F>
  void Pop(ListEnd end, F&& f) {
    Pos p = end == ListEnd::kHead ? First() : Last();
    f(Value(p));
    Erase(p);
  }

  // Element i (0 = head), i < size(). The view lives until the list next changes, or until
  // another compressed node is read (the scratch copy holds one node).
  std::string_view At(size_t i) const { return Value(Locate(i)); }
  // Replaces element i, i < size().
  void Set(size_t i, std::string_view v);
  // Inserts v before (or after) the first element equal to pivot; false if none is.
  bool InsertAtPivot(std::string_view pivot, std::string_view v, bool after);
  // LREM: removes up to |count| elements equal to v, from the head when count >= 0 (0 = all),
  // from the tail when negative. Returns how many were removed.
  size_t Remove(std::string_view v, int64_t count);
  // Removes n elements starting at index `from` (from + n <= size()).
  void EraseRange(size_t from, size_t n);

  // A cursor over the elements, in either direction; invalidated by any change to the list.
  // Value() lives while the cursor stays in its node (copy it to keep it past a node).
  class Cursor {
   public:
    bool Valid() const { return pos_.node != nullptr; }
    std::string_view Value() const { return list_->Value(pos_); }
    void Next() { list_->Advance(pos_); }
    void Prev() { list_->Retreat(pos_); }
    // The node the cursor is in: whether this is its first element, whether it is kept
    // compressed, whether it is a plain node (the RDB writer writes node by node as Redis).
    bool AtNodeStart() const { return pos_.off == 0; }
    bool NodeCompressed() const;
    bool NodePlain() const;
    // A compressed node's LZF bytes (Redis's, see list.cc) and their uncompressed length.
    std::string_view NodeLzf(size_t* redis_len) const;

   private:
    friend class List;
    struct PosT {
      Node* node;
      uint32_t off;
    };
    Cursor(const List* l, PosT p) : list_(l), pos_(p) {}
    const List* list_;
    PosT pos_;
  };
  // A cursor at element i (i < size()), or an invalid one on an empty list.
  Cursor CursorAt(size_t i) const { return Cursor(this, count_ ? Locate(i) : Pos{nullptr, 0}); }

  // Checks the internal invariants (counts, links, encodings); for tests.
  bool Check() const;

 private:
  using Pos = Cursor::PosT;

  List(int64_t fill, int64_t compress, uint64_t packed_threshold);
  ~List();
  List(const List&) = delete;
  List& operator=(const List&) = delete;

  Pos First() const { return {head_, 0}; }
  // The node's elements: its own bytes, or the scratch copy of a compressed node.
  const uint8_t* Raw(const Node* n) const;
  void DropScratch() const;
  bool IsLarge(size_t len) const { return len >= packed_threshold_; }
  // Moves n to a new allocation m (relinks it; *track follows it when it pointed at n).
  void Relocate(Node* n, Node* m, Node** track = nullptr);
  void FreeNode(Node* n);
  // quicklist.c's node compression: decompress (in place), compress when worth it.
  Node* Decompress(Node* n, Node** track = nullptr);
  Node* CompressNode(Node* n, Node** track = nullptr);
  // quicklistDecompressNodeForUse: decompressed for a change, compressed again by Settle.
  Node* Open(Node* n);
  // quicklistCompress(node): a node opened for a change is compressed again; otherwise the
  // depth rule is applied from the ends up to it (__quicklistCompress).
  void Settle(Node* n, Node** track = nullptr);
  void CompressAround(Node* n, Node** track = nullptr);
  // A new node holding v alone after prev (nullptr: at the head), plain when v is large,
  // compressed around as __quicklistInsertNode does.
  Node* InsertNewNode(Node* prev, std::string_view v, Node** track = nullptr);
  Pos Last() const;
  Pos Locate(size_t i) const;
  std::string_view Value(Pos p) const;
  void Advance(Pos& p) const;
  void Retreat(Pos& p) const;
  // Removes the element at p. Afterwards p is the element that followed it (node nullptr at
  // the end). Frees the node if it empties.
  void Erase(Pos& p);
  // Inserts v at p (before the element there); p.off == bytes appends to p.node.
  void InsertAt(Pos p, std::string_view v);

  bool AllowInsert(const Node* n, size_t elem_len) const;
  // A new empty node after prev (nullptr: at the head), with room for cap bytes.
  Node* NewNodeAfter(Node* prev, size_t cap = 0);
  void UnlinkAndFree(Node* n);
  // Grows or shrinks n's allocation to fit `bytes` of elements; relinks it if it moved.
  Node* ResizeNode(Node* n, size_t bytes);
  Node* InsertInNode(Node* n, uint32_t off, std::string_view v);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  uint64_t count_ = 0;
  uint32_t nodes_ = 0;
  int32_t fill_;
  uint32_t packed_threshold_;
  uint16_t compress_;
  // Decompressed copy of one compressed node being read: [const Node* owner][elements].
  mutable uint8_t* scratch_ = nullptr;
  // Allocated bytes of all nodes, kept as they change so AllocatedBytes() is O(1): memory
  // accounting asks after every write.
  uint64_t node_bytes_ = 0;
};

}  // namespace ks
