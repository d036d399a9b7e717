#include "tests/support/processes.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <vector>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/direct_client.h"

namespace ks::test {

std::string KeyshardBinary() {
  if (const char* p = std::getenv("KEYSHARD_BIN")) return p;
#ifdef KEYSHARD_BIN_PATH
  return KEYSHARD_BIN_PATH;
#else
  return "build/keyshard";
#endif
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

namespace {

// Directories MakeTempDir made, removed when the test process exits (servers are stopped by
// then: each Process kills its child when it goes out of scope). KS_KEEP_TEST_DIRS=1 keeps
// them for a look after a failure.
struct TempDirs {
  std::mutex mu;
  std::vector<std::string> dirs;
  ~TempDirs() {
    if (std::getenv("KS_KEEP_TEST_DIRS")) return;
    std::error_code ec;
    for (const std::string& d : dirs) std::filesystem::remove_all(d, ec);
  }
};
TempDirs& TempDirRegistry() {
  static TempDirs dirs;
  return dirs;
}

}  // namespace

std::string MakeTempDir(std::string_view prefix) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);  // $TMPDIR, else /tmp
  if (ec) base = "/tmp";
  std::string tmpl = (base / (std::string(prefix) + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) {
    // Carrying on without a directory of its own would make a test share files with others.
    std::fprintf(stderr, "MakeTempDir: cannot create %s: %s\n", tmpl.c_str(), std::strerror(errno));
    std::abort();
  }
  TempDirs& reg = TempDirRegistry();
  std::lock_guard lk(reg.mu);
  reg.dirs.push_back(tmpl);
  return tmpl;
}

bool Process::Spawn(const std::vector<std::string>& argv) {
  log_ = dir_ + "/out.log";
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> av;
    for (auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
    av.push_back(nullptr);
    ::execvp(av[0], av.data());
    ::_exit(127);
  }
  return pid_ > 0;
}

bool Process::WaitForPort(int port, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool Process::Answers(int port) {
  Client probe(port);
  // Any reply will do (a server with requirepass answers NOAUTH); an I/O error will not.
  if (!probe.connected() || probe.Run({"PING"}).starts_with("<")) return false;
  int status;
  return ::waitpid(pid_, &status, WNOHANG) == 0;
}

void Process::Signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

bool Process::WaitForExit(int timeout_ms, int* status) {
  if (pid_ <= 0) return true;
  int st = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (::waitpid(pid_, &st, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  if (status) *status = st;
  return true;
}

void Process::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
}

void Process::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

KeyshardProcess::KeyshardProcess(std::vector<std::string> extra) {
  dir_ = MakeTempDir();
  // Without save points unless the test asks for them (extra flags come later and win), as
  // the reference redis-servers run: FLUSHALL then saves nothing.
  std::vector<std::string> argv = {KeyshardBinary(), "--port", "0", "--shards", "8", "--dir", dir_, "--save", ""};
  argv.insert(argv.end(), extra.begin(), extra.end());
  if (!Spawn(argv)) return;
  // The start-up line names the port it picked.
  std::regex re("port ([0-9]+)");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    std::smatch m;
    std::string text = ss.str();
    if (std::regex_search(text, m, re)) {
      port_ = std::stoi(m[1]);
      break;
    }
    int status;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

RedisProcess::RedisProcess(std::vector<std::string> extra) {
  dir_ = MakeTempDir();
  // A test that restarts a server on the same port gives "--port N" in extra.
  int fixed = 0;
  for (size_t i = 0; i + 1 < extra.size(); ++i)
    if (extra[i] == "--port") fixed = std::stoi(extra[i + 1]);
  for (int attempt = 0; attempt < 5 && port_ == 0; ++attempt) {
    int port = fixed ? fixed : FreePort();
    std::vector<std::string> argv = {"redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no", "--dir", dir_, "--daemonize", "no"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    // A cluster node also listens on a bus port, port + 10000 by default: past 55535 that does
    // not exist and otherwise it may be taken, and the node exits just after opening its client
    // port. Give it a free bus port of its own.
    if (std::find(extra.begin(), extra.end(), "--cluster-enabled") != extra.end()) {
      argv.insert(argv.end(), {"--cluster-port", std::to_string(FreePort())});
    }
    if (!Spawn(argv)) return;
    if (WaitForPort(port, 10000) && Answers(port)) {
      port_ = port;
    } else {
      Kill();
    }
  }
}

std::string DecodeHiredis(const redisReply* r) {
  if (!r) return "<no reply>";
  switch (r->type) {
    case REDIS_REPLY_STATUS: return std::string(r->str, r->len);
    case REDIS_REPLY_ERROR: return "(error) " + std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER: return "(integer) " + std::to_string(r->integer);
    case REDIS_REPLY_NIL: return "(nil)";
    case REDIS_REPLY_STRING: return "\"" + std::string(r->str, r->len) + "\"";
    case REDIS_REPLY_ARRAY: {
      std::string out = "[";
      for (size_t i = 0; i < r->elements; ++i) {
        if (i) out += ", ";
        out += DecodeHiredis(r->element[i]);
      }
      return out + "]";
    }
  }
  return "<unknown reply>";
}

Client::Client(int port, const char* host) {
  timeval tv{10, 0};
  ctx_ = redisConnectWithTimeout(host, port, tv);
  if (ctx_ && ctx_->err) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
  if (ctx_) redisSetTimeout(ctx_, tv);
}

Client::~Client() {
  if (ctx_) redisFree(ctx_);
}

std::string Client::Run(std::initializer_list<std::string_view> args) {
  std::vector<std::string> v(args.begin(), args.end());
  return Run(v);
}

std::string Client::Run(const std::vector<std::string>& args) {
  if (!ctx_) return "<not connected>";
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(redisCommandArgv(ctx_, static_cast<int>(args.size()), argv.data(), lens.data()));
  if (!r) return "<io error>";
  std::string out = DecodeHiredis(r);
  freeReplyObject(r);
  return out;
}

std::string Client::RunRaw(std::string_view bytes, int replies) {
  if (!ctx_) return "<not connected>";
  ::send(ctx_->fd, bytes.data(), bytes.size(), 0);
  std::string out;
  for (int i = 0; i < replies; ++i) {
    void* r = nullptr;
    if (redisGetReply(ctx_, &r) != REDIS_OK || !r) {
      out += out.empty() ? "<closed>" : " | <closed>";
      break;
    }
    if (!out.empty()) out += " | ";
    out += DecodeHiredis(static_cast<redisReply*>(r));
    freeReplyObject(r);
  }
  return out;
}

bool Client::PeerClosed() {
  if (!ctx_) return true;
  char c;
  ssize_t n = ::recv(ctx_->fd, &c, 1, 0);
  return n == 0;
}

int64_t InfoInt(Client& c, const std::string& section, const std::string& name) {
  std::string info = c.Run({"INFO", section});
  size_t p = info.find("\r\n" + name + ":");
  if (p == std::string::npos) p = info.find("\n" + name + ":");
  if (p == std::string::npos) return -1;
  p = info.find(':', p) + 1;
  return std::stoll(info.substr(p, info.find_first_of("\r\n", p) - p));
}

}  // namespace ks::test
