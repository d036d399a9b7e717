#pragma once
// A keyshard with two engines and two redis-server remotes (r1, r2) on free ports, and the
// helpers tests of moves to and from them share: start a move, poll it to its end, poll a
// server's blocked clients, count a server's keys.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/processes.h"
#include "tests/support/remote_moves.h"  // MoveId, WaitMove

namespace ks::test {

// keyshard with engines and the remotes r1 and r2 (redis-server on free ports), from a
// proxy.toml in its directory.
struct Cluster {
  // Extra proxy.toml lines (before the remotes' tables), e.g. "remote-timeout = 5000".
  std::string toml;
  RedisProcess r1, r2;
  std::unique_ptr<KeyshardProcess> ks;
  std::string conf_dir = MakeTempDir("remote-move-conf");
  std::string data_dir = MakeTempDir("remote-move-data");

  explicit Cluster(std::vector<std::string> extra = {}, std::string toml_lines = "") : toml(std::move(toml_lines)) {
    WriteConf();
    Start(std::move(extra));
  }
  void WriteConf() {
    std::ofstream f(conf_dir + "/proxy.toml");
    f << toml << "\n";
    f << "[remote.r1]\naddress = \"127.0.0.1:" << r1.port() << "\"\n";
    f << "[remote.r2]\naddress = \"127.0.0.1:" << r2.port() << "\"\n";
  }
  void Start(std::vector<std::string> extra) {
    std::vector<std::string> args{"--config", conf_dir + "/proxy.toml", "--shards", "2", "--dir", data_dir};
    args.insert(args.end(), extra.begin(), extra.end());
    ks = std::make_unique<KeyshardProcess>(args);
  }
};

inline int64_t Dbsize(int port) {
  Client c(port);
  std::string r = c.Run({"DBSIZE"});
  return std::stoll(r.substr(r.find(' ') + 1));
}

// Polls INFO clients on port until it shows `blocked` blocked clients (10 s at most).
inline bool WaitBlocked(int port, int blocked) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  const std::string want = "blocked_clients:" + std::to_string(blocked) + "\r\n";
  while (std::chrono::steady_clock::now() < deadline) {
    Client c(port);
    if (c.Run({"INFO", "clients"}).find(want) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace ks::test
