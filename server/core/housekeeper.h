#pragma once
// Housekeeper: a background thread doing Redis's serverCron work that no client triggers:
// the active expiry cycle of every engine, at `hz` ticks per second, and, like Redis's
// evictionTimeProc, eviction that carries on while an engine stays over its budget after a
// command's eviction hit its time limit (maxmemory-eviction-tenacity).
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string_view>
#include <thread>

#include "server/core/server_state.h"

namespace ks {

class Housekeeper {
 public:
  explicit Housekeeper(ServerState& state) : state_(state) {}
  ~Housekeeper() { Stop(); }
  void Start();
  void Stop();

  // One tick's expiry work over all engines; public so tests can drive it without the thread.
  static void ActiveExpireCycle(ShardSet& shards);
  // Evicts on every engine over its budget, a few keys per lock hold, until all are within
  // budget (false) or `budget` time has passed (true: some engine is still over and nothing
  // stopped it). An engine with nothing evictable does not count as still over.
  static bool EvictInBackground(ShardSet& shards, std::chrono::microseconds budget);
  // Closes clients idle for longer than `timeout` seconds (0 = never), as Redis does.
  static void CloseIdleClients(ServerState& state);

 private:
  void Loop();
  void NoteLatency(std::string_view event, std::chrono::steady_clock::duration took);

  ServerState& state_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace ks
