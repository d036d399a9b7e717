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
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ks {

enum class ListEnd : uint8_t { kHead, kTail };

class List {
 public:
  struct Node;

  // fill: list-max-listpack-size when the list is created (Redis also keeps the value the
  // list was created with).
  static List* New(int64_t fill);
  static void Destroy(List* l);
  List* Clone() const;

  size_t size() const { return count_; }
  size_t node_count() const { return nodes_; }
  int32_t fill() const { return fill_; }
  // Heap bytes of the list: its header and every node allocation.
  size_t AllocatedBytes() const;

  void Push(ListEnd end, std::string_view v);
  // Calls f(element) with the element at `end`, then removes it. The list must not be empty.
  template <typename F>
  void Pop(ListEnd end, F&& f) {
    Pos p = end == ListEnd::kHead ? First() : Last();
    f(Value(p));
    Erase(p);
  }

  // Element i (0 = head), i < size(). The view lives until the list next changes.
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
  class Cursor {
   public:
    bool Valid() const { return pos_.node != nullptr; }
    std::string_view Value() const { return list_->Value(pos_); }
    void Next() { list_->Advance(pos_); }
    void Prev() { list_->Retreat(pos_); }

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

  explicit List(int64_t fill);
  ~List();
  List(const List&) = delete;
  List& operator=(const List&) = delete;

  Pos First() const { return {head_, 0}; }
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
  // Allocated bytes of all nodes, kept as they change so AllocatedBytes() is O(1): memory
  // accounting asks after every write.
  uint64_t node_bytes_ = 0;
};

}  // namespace ks
