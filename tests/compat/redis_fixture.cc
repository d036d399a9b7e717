#include "redis_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace keyshard::compat::testing {

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string MakeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "keyshard-compat-XXXXXX").string();
  char* d = ::mkdtemp(tmpl.data());
  return d ? std::string(d) : std::string();
}

RedisServer::RedisServer(std::vector<std::string> extra_args) {
  ::signal(SIGPIPE, SIG_IGN);
  dir_ = MakeTempDir();
  // The free port may be taken between probe and bind by someone else: retry a few times.
  for (int attempt = 0; attempt < 3 && pid_ <= 0; ++attempt) Start(extra_args);
}

RedisServer::~RedisServer() {
  Stop();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

Endpoint RedisServer::endpoint() const {
  Endpoint ep;
  ep.port = port_;
  ep.timeout_ms = 10000;
  return ep;
}

bool RedisServer::Start(const std::vector<std::string>& extra_args) {
  port_ = FreePort();
  std::vector<std::string> args = {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no", "--daemonize", "no",
                                   "--dir", dir_, "--logfile", dir_ + "/redis.log"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("redis-server", argv.data());
    ::_exit(127);
  }
  if (pid < 0) {
    error_ = "fork failed";
    return false;
  }
  pid_ = pid;
  // Poll until the server answers PING, with a deadline.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      error_ = "redis-server exited early (port " + std::to_string(port_) + ")";
      pid_ = -1;
      return false;
    }
    Connection c(endpoint());
    std::string err;
    if (c.Connect(&err)) {
      auto r = c.Call({"PING"}, &err);
      if (r && r->type == ReplyType::kStatus) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_ = "redis-server did not answer within 10 s";
  Stop();
  return false;
}

void RedisServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace keyshard::compat::testing
