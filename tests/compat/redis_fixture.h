// Starts a throwaway redis-server on a free port in a temp dir, for the runner's own tests.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "tools/compat/connection.h"

namespace keyshard::compat::testing {

class RedisServer {
 public:
  // Extra arguments go to redis-server (e.g. {"--rename-command", "LCS", ""}).
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool ok() const { return pid_ > 0; }
  int port() const { return port_; }
  Endpoint endpoint() const;
  const std::string& error() const { return error_; }

 private:
  bool Start(const std::vector<std::string>& extra_args);
  void Stop();

  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
  std::string error_;
};

// A port that was free a moment ago (bind to port 0, read it back, close).
int FreePort();

// A temporary directory, removed by the caller.
std::string MakeTempDir();

}  // namespace keyshard::compat::testing
