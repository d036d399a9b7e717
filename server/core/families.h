#pragma once
// Each command family registers its table rows here; RegisterAllFamilies is the one list.
namespace ks {

class CommandRegistry;

void RegisterStringFamily(CommandRegistry& reg);      // string_family.cc
void RegisterGenericFamily(CommandRegistry& reg);     // generic_family.cc: keys, expiry, SCAN
void RegisterConnectionFamily(CommandRegistry& reg);  // connection_family.cc: PING, HELLO, CLIENT...
void RegisterServerFamily(CommandRegistry& reg);      // server_family.cc: INFO, CONFIG, COMMAND, FLUSH*...
void RegisterClusterFamily(CommandRegistry& reg);     // cluster_family.cc: CLUSTER KEYSLOT
void RegisterListFamily(CommandRegistry& reg);        // list_family.cc: LPUSH, LPOP, LRANGE, LMOVE...
void RegisterBlockingListFamily(CommandRegistry& reg);  // blocking_family.cc: BLPOP, BLMOVE, BLMPOP...
void RegisterBlockingZSetFamily(CommandRegistry& reg);  // blocking_family.cc: BZPOPMIN, BZPOPMAX, BZMPOP
void RegisterSetFamily(CommandRegistry& reg);         // set_family.cc: SADD, SINTER, SSCAN...
void RegisterHashFamily(CommandRegistry& reg);        // hash_family.cc: HSET, HGETALL, HSCAN...
void RegisterZSetFamily(CommandRegistry& reg);        // zset_family.cc (+ zset_range.cc, zset_setops.cc)
void RegisterMemoryFamily(CommandRegistry& reg);      // memory_family.cc: MEMORY USAGE, MEMORY STATS
void RegisterPersistenceFamily(CommandRegistry& reg);  // persistence_family.cc: DUMP, RESTORE
void RegisterEvalFamily(CommandRegistry& reg);        // scripting/eval_family.cc: EVAL, EVALSHA, SCRIPT
void RegisterFunctionFamily(CommandRegistry& reg);    // scripting/function_family.cc: FUNCTION, FCALL
void RegisterBitmapFamily(CommandRegistry& reg);      // bitmap_family.cc: SETBIT, BITCOUNT, BITOP, BITFIELD...
void RegisterHllFamily(CommandRegistry& reg);         // hll_family.cc: PFADD, PFCOUNT, PFMERGE, PFDEBUG...
void RegisterMultiFamily(CommandRegistry& reg);       // multi/multi_family.cc: MULTI, EXEC, WATCH...
void RegisterDebugFamily(CommandRegistry& reg);       // debug_family.cc: DEBUG
void RegisterLolwutCommand(CommandRegistry& reg);     // lolwut.cc: LOLWUT
void RegisterAdminFamily(CommandRegistry& reg);       // admin_family.cc: SHUTDOWN, SLOWLOG, LATENCY, ROLE, WAIT, MODULE
void RegisterGeoFamily(CommandRegistry& reg);         // geo_family.cc: GEOADD, GEOSEARCH...
void RegisterSortFamily(CommandRegistry& reg);        // sort_family.cc: SORT, SORT_RO
void RegisterStreamFamily(CommandRegistry& reg);      // stream_family.cc (+ stream_group.cc, stream_info.cc)
void RegisterKeyshardFamily(CommandRegistry& reg);    // resharding/keyshard_family.cc: KEYSHARD MOVE...
void RegisterPubSubFamily(CommandRegistry& reg);      // pubsub/pubsub_family.cc: SUBSCRIBE, PUBLISH, PUBSUB...

inline void RegisterAllFamilies(CommandRegistry& reg) {
  RegisterStringFamily(reg);
  RegisterGenericFamily(reg);
  RegisterConnectionFamily(reg);
  RegisterServerFamily(reg);
  RegisterClusterFamily(reg);
  RegisterListFamily(reg);
  RegisterBlockingListFamily(reg);
  RegisterBlockingZSetFamily(reg);
  RegisterSetFamily(reg);
  RegisterHashFamily(reg);
  RegisterZSetFamily(reg);
  RegisterMemoryFamily(reg);
  RegisterPersistenceFamily(reg);
  RegisterEvalFamily(reg);
  RegisterFunctionFamily(reg);
  RegisterBitmapFamily(reg);
  RegisterHllFamily(reg);
  RegisterMultiFamily(reg);
  RegisterAdminFamily(reg);
  RegisterDebugFamily(reg);
  RegisterLolwutCommand(reg);
  RegisterGeoFamily(reg);
  RegisterSortFamily(reg);
  RegisterStreamFamily(reg);
  RegisterKeyshardFamily(reg);
  RegisterPubSubFamily(reg);
}

}  // namespace ks
