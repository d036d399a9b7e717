#pragma once
// Every Redis error text keyshard replies with, in one place; tests use these too.
#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>

namespace ks::err {

inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kNanOrInf = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kDbIndexRange = "ERR DB index is out of range";
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthNotConfigured =
    "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
inline constexpr std::string_view kStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kOffsetRange = "ERR offset is out of range";
inline constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kBgsaveError =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that "
    "may modify the data set are disabled, because this instance is configured to report errors during writes if RDB "
    "snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB "
    "error.";
inline constexpr std::string_view kBgsaveInProgress = "ERR Background save already in progress";
inline constexpr std::string_view kBgsaveChildActive =
    "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a "
    "BGSAVE whenever possible.";
inline constexpr std::string_view kAofRewriteInProgress = "ERR Background append only file rewriting already in progress";
inline constexpr std::string_view kAofRewriteFailed =
    "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
// A blocked client ended by CLIENT UNBLOCK id ERROR.
inline constexpr std::string_view kUnblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kDecrOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kLcsWrongType = "ERR The specified keys must contain string values";
inline constexpr std::string_view kLcsIdxAndLen = "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kLcsTooLong = "ERR String too long for LCS";
inline constexpr std::string_view kLcsOverLimit =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
inline constexpr std::string_view kLcsAllocFailed = "ERR Insufficient memory, failed allocating transient memory for LCS";
// SINTERCARD (and other numkeys commands).
inline constexpr std::string_view kNumkeysPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kNumkeysTooMany = "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";
// Lists (LSET, LPOS, LMPOP/BLMPOP).
inline constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
inline constexpr std::string_view kLposRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start "
    "from the end of the list";
inline constexpr std::string_view kLposCountNegative = "ERR COUNT can't be negative";
inline constexpr std::string_view kLposMaxlenNegative = "ERR MAXLEN can't be negative";
inline constexpr std::string_view kMpopCountPositive = "ERR count should be greater than 0";
inline constexpr std::string_view kIntRange = "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kExpireNxCompat = "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtLt = "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching "
    "between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
    "between policies at runtime LRU and LFU data will take some time to adjust.";

// Connection and server commands (HELLO, CLIENT, CONFIG, COMMAND, SWAPDB).
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kProtoVersionNotInteger = "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> "
    "option can be used to authenticate the client and select the RESP protocol version at the same time";
inline constexpr std::string_view kBadClientName = "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
inline constexpr std::string_view kInvalidClientId = "ERR Invalid client ID";
inline constexpr std::string_view kClientIdPositive = "ERR client-id should be greater than 0";
inline constexpr std::string_view kInvalidFirstDb = "ERR invalid first DB index";
inline constexpr std::string_view kInvalidSecondDb = "ERR invalid second DB index";
inline constexpr std::string_view kInvalidCommand = "ERR Invalid command specified";
inline constexpr std::string_view kInvalidCommandArgs = "ERR Invalid arguments specified for command";
inline constexpr std::string_view kInvalidCommandArgCount = "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view kCommandHasNoKeys = "ERR The command has no key arguments";

inline std::string WrongArgs(std::string_view cmd) {
  return "ERR wrong number of arguments for '" + std::string(cmd) + "' command";
}
inline std::string InvalidExpire(std::string_view cmd) {
  return "ERR invalid expire time in '" + std::string(cmd) + "' command";
}
// Hashes (HINCRBY, HINCRBYFLOAT, HRANDFIELD).
inline constexpr std::string_view kHashNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kHashNotFloat = "ERR hash value is not a float";
inline constexpr std::string_view kValueNanOrInf = "ERR value is NaN or Infinity";
inline constexpr std::string_view kValueOutOfRange = "ERR value is out of range";
// Redis's getRangeLongFromObjectOrReply without a custom message (SRANDMEMBER's count).
inline std::string ValueRange(long long min, long long max) {
  return "ERR value is out of range, value must between " + std::to_string(min) + " and " + std::to_string(max);
}
// Sorted sets (ZADD, ZRANGE family, ZUNION/ZINTER/ZDIFF).
inline constexpr std::string_view kZAddXxNx = "ERR XX and NX options at the same time are not compatible";
inline constexpr std::string_view kZAddGtLtNx = "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view kZAddIncrPairs = "ERR INCR option supports a single increment-element pair";
inline constexpr std::string_view kZScoreNan = "ERR resulting score is not a number (NaN)";
inline constexpr std::string_view kZMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kZMinMaxNotLex = "ERR min or max not valid string range item";
inline constexpr std::string_view kZLimitNeedsBy =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr std::string_view kZLexNoScores = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
inline constexpr std::string_view kZWeightNotFloat = "ERR weight value is not a float";
inline std::string ZNeedsInputKey(std::string_view cmd) {
  return "ERR at least 1 input key is needed for '" + std::string(cmd) + "' command";
}
inline std::string UnsupportedOption(std::string_view opt) {
  return "ERR Unsupported option " + std::string(opt);
}
inline std::string UnknownSubcommand(std::string_view sub, std::string_view cmd_upper) {
  return "ERR unknown subcommand '" + std::string(sub.substr(0, 128)) + "'. Try " + std::string(cmd_upper) +
         " HELP.";
}
// Redis's addReplySubcommandSyntaxError: a known subcommand with the wrong arguments.
inline std::string SubcommandSyntax(std::string_view sub, std::string_view cmd_upper) {
  return "ERR unknown subcommand or wrong number of arguments for '" + std::string(sub.substr(0, 128)) + "'. Try " +
         std::string(cmd_upper) + " HELP.";
}
// Pub/sub (server/pubsub/).
inline std::string NotInSubscribedContext(std::string_view cmd) {
  return "ERR Can't execute '" + std::string(cmd) +
         "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
}

// Client tracking (server/pubsub/tracking_cmds.cc).
inline constexpr std::string_view kTrackingOneRedirect = "ERR A client can only redirect to a single other client";
inline constexpr std::string_view kTrackingNoRedirClient = "ERR The client ID you want redirect to does not exist";
inline constexpr std::string_view kTrackingPrefixNeedsBcast = "ERR PREFIX option requires BCAST mode to be enabled";
inline constexpr std::string_view kTrackingSwitchBcast =
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with "
    "a different mode.";
inline constexpr std::string_view kTrackingOptBcast = "ERR OPTIN and OPTOUT are not compatible with BCAST";
inline constexpr std::string_view kTrackingOptinOptout = "ERR You can't specify both OPTIN mode and OPTOUT mode";
inline constexpr std::string_view kTrackingSwitchOpt =
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it "
    "with a different mode.";
inline constexpr std::string_view kCachingNotTracking =
    "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled";
inline constexpr std::string_view kCachingYesNotOptin =
    "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.";
inline constexpr std::string_view kCachingNoNotOptout =
    "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.";

// DUMP / RESTORE (persistence_family.cc).
inline constexpr std::string_view kBadDumpPayload = "ERR DUMP payload version or checksum are wrong";
inline constexpr std::string_view kBadDataFormat = "ERR Bad data format";
inline constexpr std::string_view kBusyKey = "BUSYKEY Target key name already exists.";
inline constexpr std::string_view kInvalidTtl = "ERR Invalid TTL value, must be >= 0";
inline constexpr std::string_view kInvalidIdleTime = "ERR Invalid IDLETIME value, must be >= 0";
inline constexpr std::string_view kInvalidFreq = "ERR Invalid FREQ value, must be >= 0 and <= 255";

// Scripting and functions (server/scripting).
inline constexpr std::string_view kNoScript = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view kNumkeysNegative = "ERR Number of keys can't be negative";
inline constexpr std::string_view kLdbEvalsha = "ERR Please use EVAL instead of EVALSHA for debugging";
inline constexpr std::string_view kScriptDebugPipeline = "ERR SCRIPT DEBUG must be called outside a pipeline";
inline constexpr std::string_view kScriptDebugMode = "ERR Use SCRIPT DEBUG YES/SYNC/NO";
inline constexpr std::string_view kNotBusy = "NOTBUSY No scripts in execution right now.";
inline constexpr std::string_view kUnkillable =
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the "
    "script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
inline constexpr std::string_view kBusyEval =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kScriptFlushOption = "ERR SCRIPT FLUSH only support SYNC|ASYNC option";
// Bitmaps (bitmap_family.cc).
inline constexpr std::string_view kBitOffset = "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kBitValue = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kBitposBit = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kBitopNot = "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view kBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
inline constexpr std::string_view kBitfieldOverflow = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kBitfieldRo = "ERR BITFIELD_RO only supports the GET subcommand";
// HyperLogLog (hll_family.cc).
inline constexpr std::string_view kHllWrongType = "WRONGTYPE Key is not a valid HyperLogLog string value.";
inline constexpr std::string_view kHllInvalid = "INVALIDOBJ Corrupted HLL object detected";
inline constexpr std::string_view kPfdebugNoKey = "ERR The specified key does not exist";
inline constexpr std::string_view kHllNotSparse = "ERR HLL encoding is not sparse";
inline std::string PfdebugUnknown(std::string_view sub) {
  return "ERR Unknown PFDEBUG subcommand '" + std::string(sub) + "'";
}
// Transactions (server/multi/).
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kWatchInMulti = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view kNotInMulti = "ERR Command not allowed inside a transaction";
inline constexpr std::string_view kExecAbort = "EXECABORT Transaction discarded because of previous errors.";
// EXEC itself refused (arity, OOM, MISCONF): Redis's execCommandAbort. Errors Redis formats
// (ERR ...) lose their "ERR " there; its fixed error objects (OOM, MISCONF) keep their code.
inline std::string ExecAbortBecause(std::string_view error) {
  if (error.starts_with("ERR ")) error.remove_prefix(4);
  return "EXECABORT Transaction discarded because of: " + std::string(error);
}
// Server administration (SHUTDOWN, SLOWLOG, WAIT, CLIENT PAUSE, MODULE, DEBUG, cluster).
inline constexpr std::string_view kNoConfigFile = "ERR The server is running without a config file";
inline constexpr std::string_view kNoShutdownInProgress = "ERR No shutdown in progress.";
inline constexpr std::string_view kShutdownFailed = "ERR Errors trying to SHUTDOWN. Check logs.";
inline constexpr std::string_view kSlowlogCount = "ERR count should be greater than or equal to -1";
inline constexpr std::string_view kTimeoutNotInteger = "ERR timeout is not an integer or out of range";
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kTimeoutOutOfRange = "ERR timeout is out of range";
inline constexpr std::string_view kPauseMode = "ERR CLIENT PAUSE mode must be WRITE or ALL";
inline constexpr std::string_view kClusterDisabled = "ERR This instance has cluster support disabled";
inline constexpr std::string_view kModuleNotAllowed =
    "ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can run it from a "
    "local connection, otherwise you need to set this option in the configuration file, and then restart the server.";
inline constexpr std::string_view kModuleLoadFailed = "ERR Error loading the extension. Please check the server logs.";
inline constexpr std::string_view kModuleUnloadFailed = "ERR Error unloading module: no such module with that name";
inline constexpr std::string_view kDebugNotAllowed =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a "
    "local connection, otherwise you need to set this option in the configuration file, and then restart the server.";
inline constexpr std::string_view kNoSuchKeyDebug = "ERR no such key";
inline constexpr std::string_view kPackedThreshold = "ERR argument must be a memory value bigger than 1 and smaller than 4gb";
// protected-mode: what a non-loopback connection gets, without a password set, before it is
// closed (Redis 7.0's text, including its "-" and "\r\n").
inline constexpr std::string_view kProtectedModeDenied =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the "
    "default user. In this mode connections are only accepted from the loopback interface. If you want to connect "
    "from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode "
    "sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the "
    "same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. "
    "Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by "
    "editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the "
    "server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' "
    "option. 4) Setup a bind address or an authentication password. NOTE: You only need to do one of the above "
    "things in order for the server to start accepting connections from the outside.\r\n";
// Whether protected-mode turns a connection away (Redis's clientAcceptHandler).
inline bool ProtectedModeRefuses(bool protected_mode, bool password_set, bool loopback) {
  return protected_mode && !password_set && !loopback;
}

// Geo (geo_family.cc) and SORT (sort_family.cc).
inline constexpr std::string_view kGeoUnit = "ERR unsupported unit provided. please use M, KM, FT, MI";
inline constexpr std::string_view kGeoNeedRadius = "ERR need numeric radius";
inline constexpr std::string_view kGeoRadiusNegative = "ERR radius cannot be negative";
inline constexpr std::string_view kGeoNeedWidth = "ERR need numeric width";
inline constexpr std::string_view kGeoNeedHeight = "ERR need numeric height";
inline constexpr std::string_view kGeoBoxNegative = "ERR height or width cannot be negative";
inline constexpr std::string_view kGeoCountPositive = "ERR COUNT must be > 0";
inline constexpr std::string_view kGeoAnyNeedsCount = "ERR the ANY argument requires COUNT argument";
inline constexpr std::string_view kGeoNoMember = "ERR could not decode requested zset member";
inline std::string GeoInvalidLonLat(double lon, double lat) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "ERR invalid longitude,latitude pair %f,%f", lon, lat);
  return buf;
}
inline std::string GeoStoreWithOptions(bool geosearchstore) {
  return std::string("ERR ") + (geosearchstore ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") +
         " is not compatible with WITHDIST, WITHHASH and WITHCOORD options";
}
inline std::string GeoExactlyOneFrom(std::string_view cmd) {
  return "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + std::string(cmd);
}
inline std::string GeoExactlyOneBy(std::string_view cmd) {
  return "ERR exactly one of BYRADIUS and BYBOX can be specified for " + std::string(cmd);
}
inline constexpr std::string_view kSortNotDouble = "ERR One or more scores can't be converted into double";

// Remote shards (issue 16). Keys on a remote shard and on another shard in one command:
// Redis Cluster's text, since nothing partial may run.
inline constexpr std::string_view kCrossSlot = "CROSSSLOT Keys in request don't hash to the same slot";
// A remote's key reached from where nothing can be forwarded (a transaction, a script).
inline std::string RemoteNotHere(std::string_view remote) {
  return "CROSSSLOT Keys in request don't hash to the same slot (key on remote shard '" + std::string(remote) +
         "': a transaction or script runs on one server, its keys all here or all on one remote)";
}
// A command over the whole keyspace (KEYS, DBSIZE, FLUSHALL...) inside a transaction or a
// script, which run on one server, while remote shards own slots: it would see or change only
// part of the keyspace.
inline std::string WholeKeyspaceNotHere(std::string_view command) {
  std::string name(command);
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "CROSSSLOT Keys in request don't hash to the same slot (" + name +
         " covers every slot and remote shards own some: a transaction or script runs on one server)";
}
// A split command's part found its slot moved to a remote meanwhile (Redis Cluster's text
// for a multi-key command during a slot's migration): the client retries.
inline constexpr std::string_view kFanOutMoved = "TRYAGAIN Multiple keys request during rehashing of slot";
inline constexpr std::string_view kFanOutBadReply = "ERR remote shard reply does not fit the command: cannot merge it";
inline std::string RemoteUnavailable(std::string_view name, std::string_view address, std::string_view why) {
  return "ERR remote shard '" + std::string(name) + "' (" + std::string(address) + ") unavailable: " + std::string(why);
}
// A remote's own error reply to a command keyshard sent to every remote (CONFIG SET), which
// alone would not say which server refused.
inline std::string RemoteRefused(std::string_view name, std::string_view address, std::string_view error) {
  return "ERR remote shard '" + std::string(name) + "' (" + std::string(address) + ") refused it: " + std::string(error);
}
inline bool IsRemoteShardError(std::string_view error) { return error.starts_with("ERR remote shard '"); }
inline std::string RemoteTimeout(std::string_view name, std::string_view address, int64_t ms) {
  return "ERR remote shard '" + std::string(name) + "' (" + std::string(address) + ") timed out: no reply within " +
         std::to_string(ms) + " ms";
}

}  // namespace ks::err
