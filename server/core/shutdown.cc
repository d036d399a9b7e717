#include "server/core/shutdown.h"

#include <cstdio>
#include <limits>
#include <mutex>

#include "persistence/aof_log.h"
#include "server/core/server_state.h"
#include "server/persist/snapshots.h"

namespace ks {

ShutdownFlags ParseShutdownFlags(std::string_view words) {
  ShutdownFlags f;
  for (size_t p = 0; p < words.size();) {
    size_t q = words.find(' ', p);
    if (q == std::string_view::npos) q = words.size();
    std::string_view w = words.substr(p, q - p);
    p = q + 1;
    if (w == "save") f.save = true;
    if (w == "nosave") f.nosave = true;
    if (w == "now") f.now = true;
    if (w == "force") f.force = true;
  }
  return f;
}

std::optional<std::string> Shutdown(ServerState& state, ShutdownFlags flags, int self_thread) {
  // One shutdown at a time: a second SHUTDOWN (or a signal) while one is saving waits for it.
  std::lock_guard serial(state.shutdown_mu());
  if (state.shutdown_prepared().load()) return std::nullopt;
  std::fprintf(stderr, "keyshard: User requested shutdown...\n");
  // No client may change data from here on; commands already past the dispatcher finish.
  state.pause().Pause(PauseType::kAll, std::numeric_limits<int64_t>::max());
  state.QuiesceIoThreads(self_thread);
  // A background save or AOF rewrite in progress is let finish (Redis kills its child; ours
  // writes the same files from this process).
  state.snapshots().Wait();
  if (AofSet* aof = state.aof()) {
    std::fprintf(stderr, "keyshard: Calling fsync() on the AOF file.\n");
    for (int e = 0; e < aof->engines(); ++e) {
      aof->log(e).Write();
      aof->log(e).Sync();
    }
  }
  bool save_points;
  {
    std::lock_guard lk(state.config_mu());
    save_points = !state.config().save.empty();
  }
  if ((save_points && !flags.nosave) || flags.save) {
    std::fprintf(stderr, "keyshard: Saving the final RDB snapshot before exiting.\n");
    std::string err = state.snapshots().SaveNow();
    if (!err.empty()) {
      if (!flags.force) {
        std::fprintf(stderr, "keyshard: Error trying to save the DB, can't exit: %s\n", err.c_str());
        std::fprintf(stderr, "keyshard: Errors trying to shut down the server. Check the logs for more information.\n");
        state.pause().Unpause();
        return "Error trying to save the DB, can't exit.";
      }
      std::fprintf(stderr, "keyshard: Error trying to save the DB (%s). Exit anyway.\n", err.c_str());
    }
  }
  std::fprintf(stderr, "keyshard: keyshard is now ready to exit, bye bye...\n");
  state.shutdown_prepared().store(true);
  state.StopServer();
  return std::nullopt;
}

}  // namespace ks
