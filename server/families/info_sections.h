#pragma once
// INFO's sections, each appending its fields to out (info.cc parses the section names and
// writes the headers).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "server/core/config.h"

namespace ks {

class ServerState;

struct EngineCounts {
  int64_t keys = 0, expires = 0;
  EngineStats stats;
  std::array<std::pair<int64_t, int64_t>, kNumDbs> per_db{};  // keys, expires
};

struct InfoInput {
  ServerState& st;
  Config cfg;
  int64_t now_ms = 0;
  std::vector<EngineCounts> engines;  // when a section needs them
};

// info.cc
void InfoServer(std::string& out, InfoInput& in);
void InfoClients(std::string& out, InfoInput& in);
void InfoMemory(std::string& out, InfoInput& in);
void InfoPersistence(std::string& out, InfoInput& in);
void InfoStats(std::string& out, InfoInput& in);
// info_sections.cc
void InfoReplication(std::string& out, InfoInput& in);
void InfoCpu(std::string& out, InfoInput& in);
void InfoCommandStats(std::string& out, InfoInput& in);
void InfoErrorStats(std::string& out, InfoInput& in);
void InfoLatencyStats(std::string& out, InfoInput& in);
void InfoCluster(std::string& out, InfoInput& in);
void InfoKeyspace(std::string& out, InfoInput& in);
void InfoKeyshard(std::string& out, InfoInput& in);

}  // namespace ks
