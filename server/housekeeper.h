#pragma once
// Housekeeper: a background thread doing Redis's serverCron work that no client triggers:
// the active expiry cycle of every engine, at `hz` ticks per second.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/server_state.h"

namespace ks {

class Housekeeper {
 public:
  explicit Housekeeper(ServerState& state) : state_(state) {}
  ~Housekeeper() { Stop(); }
  void Start();
  void Stop();

  // One tick's expiry work over all engines; public so tests can drive it without the thread.
  static void ActiveExpireCycle(ShardSet& shards);
  // Closes clients idle for longer than `timeout` seconds (0 = never), as Redis does.
  static void CloseIdleClients(ServerState& state);

 private:
  void Loop();

  ServerState& state_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace ks
