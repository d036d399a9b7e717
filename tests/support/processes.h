#pragma once
// Real servers for integration and differential tests: the keyshard binary and a reference
// redis-server 7.0, each started on a free port in a temporary directory and killed on
// destruction. Plus a small hiredis client whose replies decode to the same readable text as
// DirectClient's, so keyshard and Redis replies compare as strings.
#include <sys/types.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;
struct redisReply;

namespace ks::test {

// Path of the keyshard binary under test (set by CMake as KEYSHARD_BIN).
std::string KeyshardBinary();
// A TCP port that was free a moment ago.
int FreePort();
// A new empty directory $TMPDIR/<prefix>-XXXXXX (/tmp without TMPDIR), removed when the test
// process exits unless KS_KEEP_TEST_DIRS is set.
std::string MakeTempDir(std::string_view prefix = "keyshard-test");

class Process {
 public:
  Process() = default;
  ~Process() { Stop(); }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  void Stop();      // SIGTERM, then wait
  void Kill();      // SIGKILL, then wait
  // Sends sig without waiting.
  void Signal(int sig);
  // Waits up to timeout_ms for the process to exit on its own; true (and *status) if it did.
  bool WaitForExit(int timeout_ms, int* status = nullptr);
  const std::string& dir() const { return dir_; }

 protected:
  // Starts argv with stdout to a log file in dir_; returns false on failure.
  bool Spawn(const std::vector<std::string>& argv);
  bool WaitForPort(int port, int timeout_ms);
  // True if the server on `port` replies to PING (any reply) and the process is still alive.
  bool Answers(int port);
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
  std::string log_;
};

class KeyshardProcess : public Process {
 public:
  // Extra flags are appended to `keyshard --port 0 --shards 8 --dir <tmp> --save ""`.
  explicit KeyshardProcess(std::vector<std::string> extra = {});
};

class RedisProcess : public Process {
 public:
  explicit RedisProcess(std::vector<std::string> extra = {});
};

class Client {
 public:
  explicit Client(int port, const char* host = "127.0.0.1");
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return ctx_ != nullptr; }
  std::string Run(std::initializer_list<std::string_view> args);
  std::string Run(const std::vector<std::string>& args);
  // Sends raw bytes and returns everything read until `replies` replies arrived or the peer
  // closed (decoded).
  std::string RunRaw(std::string_view bytes, int replies);
  // True if the server closed the connection (a read returns EOF).
  bool PeerClosed();

 private:
  redisContext* ctx_ = nullptr;
};

std::string DecodeHiredis(const redisReply* r);

// The integer field `name` of INFO <section>, or -1 if there is none.
int64_t InfoInt(Client& c, const std::string& section, const std::string& name);

}  // namespace ks::test
