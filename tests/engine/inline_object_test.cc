// Small compact collections kept inline in their Entry (Entry::PackObject): reads see the
// same object, a change copies it out first, and moving or copying the entry keeps it.
#include <gtest/gtest.h>
#include <malloc.h>

#include <string>

#include "engine/db.h"
#include "engine/entry.h"
#include "engine/hash.h"
#include "engine/object_ops.h"
#include "engine/set.h"
#include "engine/zset.h"

namespace ks {
namespace {

Entry* SmallHash(std::string_view key) {
  Hash h = Hash::NewListpack();
  for (int i = 0; i < 10; ++i) h.Set("field:" + std::to_string(i), "value:" + std::to_string(i));
  return Entry::NewObject(key, ObjType::kHash, Encoding::kListpack, h.ptr());
}

std::string Dump(const Hash& h) {
  std::string out;
  h.ForEach([&](std::string_view f, std::string_view v) { out += std::string(f) + "=" + std::string(v) + ";"; });
  return out;
}

TEST(InlineObject, PackedHashReadsTheSameInOneAllocation) {
  Entry* e = SmallHash("hash:1");
  const std::string before = Dump(Hash(e->obj()));
  const size_t two_blocks = e->AllocatedBytes() + ObjectBytes(ObjType::kHash, e->obj());
  e = Entry::PackObject(e);
  ASSERT_TRUE(e->inline_obj());
  EXPECT_EQ(e->key(), "hash:1");
  EXPECT_EQ(Dump(Hash(e->obj())), before);
  EXPECT_EQ(ObjectBytes(ObjType::kHash, e->obj()), 0u);
  EXPECT_EQ(ObjectInlineBytes(ObjType::kHash, e->obj()), 0u);  // inline already
  EXPECT_LT(e->AllocatedBytes(), two_blocks);
  EXPECT_EQ(e->charged_obj_bytes(), 0u);
  std::string_view v;
  EXPECT_TRUE(Hash(e->obj()).Get("field:7", &v));
  EXPECT_EQ(v, "value:7");
  EXPECT_EQ(Entry::PackObject(e), e);  // a second pack is a no-op
  Entry::Free(e);
}

TEST(InlineObject, ChangingAnInlineHashCopiesItOutAndKeepsTheKey) {
  Entry* e = Entry::PackObject(SmallHash("hash:2"));
  Hash h(e->obj());
  EXPECT_TRUE(h.Set("new", "field"));
  EXPECT_FALSE(h.Set("field:0", "changed"));
  EXPECT_TRUE(h.Delete("field:9"));
  EXPECT_NE(h.ptr(), e->obj());
  e->set_obj(h.ptr());
  EXPECT_FALSE(e->inline_obj());
  EXPECT_EQ(e->key(), "hash:2");
  EXPECT_EQ(e->charged_obj_bytes(), 0u);
  e->set_charged_obj_bytes(ObjectBytes(ObjType::kHash, e->obj()));
  EXPECT_GT(e->charged_obj_bytes(), 0u);
  Hash back(e->obj());
  EXPECT_EQ(back.size(), 10u);
  std::string_view v;
  ASSERT_TRUE(back.Get("field:0", &v));
  EXPECT_EQ(v, "changed");
  EXPECT_FALSE(back.Exists("field:9"));
  e = Entry::PackObject(e);
  EXPECT_TRUE(e->inline_obj());
  EXPECT_EQ(Hash(e->obj()).size(), 10u);
  Entry::Free(e);
}

TEST(InlineObject, ConvertingAnInlineHashLeavesTheEntryToFree) {
  Entry* e = Entry::PackObject(SmallHash("hash:3"));
  Hash h(e->obj());
  h.ConvertToHashtable();
  e->set_obj(h.ptr());
  EXPECT_FALSE(h.listpack());
  EXPECT_EQ(Hash(e->obj()).size(), 10u);
  EXPECT_EQ(Entry::PackObject(e), e);  // a hashtable stays behind its pointer
  Entry::Free(e);
}

TEST(InlineObject, TtlRenameAndCopyKeepAnInlineObject) {
  Entry* e = Entry::PackObject(SmallHash("hash:4"));
  const std::string content = Dump(Hash(e->obj()));
  e = Entry::SetExpire(e, 5000);
  ASSERT_TRUE(e->inline_obj());
  EXPECT_EQ(e->expire_ms(), 5000);
  EXPECT_EQ(Dump(Hash(e->obj())), content);
  e = Entry::Rekey(e, "renamed-hash");
  EXPECT_EQ(e->key(), "renamed-hash");
  EXPECT_EQ(Dump(Hash(e->obj())), content);
  Entry* c = Entry::CloneAs(e, "copy");
  EXPECT_FALSE(c->inline_obj());
  EXPECT_EQ(Dump(Hash(c->obj())), content);
  EXPECT_GT(ObjectBytes(ObjType::kHash, c->obj()), 0u);  // the clone owns a heap copy
  e = Entry::SetExpire(e, Entry::kNoExpire);
  EXPECT_TRUE(e->inline_obj());
  EXPECT_EQ(Dump(Hash(e->obj())), content);
  Entry::Free(c);
  Entry::Free(e);
}

TEST(InlineObject, SortedSetListpackPacksAndChangesLikeAHeapOne) {
  ZSet z = ZSet::NewListpack();
  for (int i = 0; i < 10; ++i) z.Insert("member:" + std::to_string(i), i);
  Entry* e = Entry::PackObject(Entry::NewObject("zset:1", ObjType::kZSet, Encoding::kListpack, z.ptr()));
  ASSERT_TRUE(e->inline_obj());
  ZSet in(e->obj());
  EXPECT_EQ(in.size(), 10u);
  EXPECT_EQ(in.bytes(), 0u);
  double s;
  ASSERT_TRUE(in.Score("member:3", &s));
  EXPECT_EQ(s, 3);
  EXPECT_EQ(in.Rank("member:9", true, &s), 0);
  // A member view into the inline buffer stays usable while the set is copied out.
  std::string_view first = in.At(0, false).member();
  EXPECT_TRUE(in.Remove(first));
  in.UpdateScore("member:5", 5, 100);
  in.Insert("member:x", -1);
  e->set_obj(in.ptr());
  ZSet out(e->obj());
  EXPECT_EQ(out.size(), 10u);
  EXPECT_EQ(out.At(0, false).member(), "member:x");
  EXPECT_EQ(out.At(9, true).member(), "member:5");  // ascending rank 9, walking down
  EXPECT_FALSE(out.Score("member:0", &s));
  e = Entry::PackObject(e);
  ZSet again(e->obj());
  again.RemoveRanks(0, 4);
  EXPECT_EQ(again.size(), 5u);
  again.ConvertToSkiplist();
  e->set_obj(again.ptr());
  EXPECT_EQ(ZSet(e->obj()).size(), 5u);
  Entry::Free(e);
}

TEST(InlineObject, IntsetPacksAndChangesLikeAHeapOne) {
  SetObject* s = SetObject::NewIntset();
  for (int i = 0; i < 10; ++i) SetObject::Add(s, std::to_string(i * 1000), 512);
  Entry* e = Entry::PackObject(Entry::NewObject("set:1", ObjType::kSet, Encoding::kIntset, s));
  ASSERT_TRUE(e->inline_obj());
  auto* in = static_cast<SetObject*>(e->obj());
  EXPECT_TRUE(in->is_intset());
  EXPECT_EQ(in->size(), 10u);
  EXPECT_TRUE(in->Contains("9000"));
  EXPECT_EQ(in->AllocatedBytes(), 0u);
  SetObject* m = in;
  EXPECT_FALSE(SetObject::Add(m, "3000", 512));  // present: nothing to copy
  EXPECT_EQ(m, in);
  EXPECT_FALSE(SetObject::Remove(m, "5"));
  EXPECT_EQ(m, in);
  EXPECT_TRUE(SetObject::Add(m, "70000", 512));  // widens to 4 bytes
  EXPECT_NE(m, in);
  e->set_obj(m);
  EXPECT_FALSE(e->inline_obj());
  EXPECT_EQ(static_cast<SetObject*>(e->obj())->size(), 11u);
  e = Entry::PackObject(e);
  ASSERT_TRUE(e->inline_obj());
  m = static_cast<SetObject*>(e->obj());
  EXPECT_TRUE(SetObject::Add(m, "not-a-number", 512));  // converts to a hashtable
  e->set_obj(m);
  EXPECT_FALSE(static_cast<SetObject*>(e->obj())->is_intset());
  EXPECT_EQ(static_cast<SetObject*>(e->obj())->size(), 12u);
  Entry::Free(e);
}

TEST(InlineObject, TinyObjectsStillLeaveRoomForAPointer) {
  SetObject* s = SetObject::NewIntset();  // 8-byte header, no members
  Entry* e = Entry::PackObject(Entry::NewObject("k", ObjType::kSet, Encoding::kIntset, s));
  ASSERT_TRUE(e->inline_obj());
  SetObject* m = static_cast<SetObject*>(e->obj());
  SetObject::Add(m, "1", 512);
  e->set_obj(m);
  EXPECT_EQ(e->key(), "k");
  EXPECT_TRUE(static_cast<SetObject*>(e->obj())->Contains("1"));
  Entry::Free(e);
}

TEST(InlineObject, LargeListpacksStayBehindTheirPointer) {
  Hash h = Hash::NewListpack();
  for (int i = 0; i < 100; ++i) h.Set("field:" + std::to_string(i), std::string(20, 'v'));
  Entry* e = Entry::NewObject("big", ObjType::kHash, Encoding::kListpack, h.ptr());
  EXPECT_EQ(ObjectInlineBytes(ObjType::kHash, e->obj()), 0u);
  EXPECT_EQ(Entry::PackObject(e), e);
  Entry::Free(e);
}

TEST(InlineObject, DbFigureReturnsToStartAfterPackingChangingAndDeleting) {
  Db db;
  Entry* warm = Entry::NewString("warm", "x", Encoding::kEmbstr);
  db.Insert(7, warm);
  const size_t start = db.bytes();
  db.Insert(7, SmallHash("h"));
  Entry* e = db.Find(7, "h");
  e = db.Modify(7, e, [](Entry* x) { return Entry::PackObject(x); });
  ASSERT_TRUE(e->inline_obj());
  EXPECT_EQ(db.bytes(), start + e->AllocatedBytes());
  // A change copies the listpack out; the entry then holds a pointer until packed again.
  Hash h(e->obj());
  h.Set("another", "value");
  e->set_obj(h.ptr());
  db.Reaccount(7, e);
  EXPECT_EQ(db.bytes(), start + e->AllocatedBytes() + ObjectBytes(ObjType::kHash, e->obj()));
  e = db.Modify(7, e, [](Entry* x) { return Entry::PackObject(x); });
  db.Reaccount(7, e);
  EXPECT_EQ(db.bytes(), start + e->AllocatedBytes());
  e = db.SetExpire(7, e, 1000);
  EXPECT_TRUE(e->inline_obj());
  EXPECT_EQ(db.bytes(), start + e->AllocatedBytes());
  Entry::Free(db.Detach(7, "h"));
  EXPECT_EQ(db.bytes(), start);
}

}  // namespace
}  // namespace ks
