// keyshard: a Redis-compatible server spreading keys over embedded engines.
#include <malloc.h>
#include <unistd.h>

#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <iostream>
#include <random>
#include <thread>

#include "persistence/aof_log.h"
#include "persistence/loading_clock.h"
#include "proxy/admin_server.h"
#include "proxy/remote_pool.h"
#include "proxy/server.h"
#include "server/persist/aof_feed.h"
#include "server/persist/rdb_startup.h"
#include "server/core/config.h"
#include "server/core/housekeeper.h"
#include "server/core/server_state.h"
#include "server/core/service.h"
#include "server/core/shutdown.h"
#include "server/persist/snapshots.h"
#include "server/pubsub/tracking.h"
#include "server/resharding/resharder.h"

namespace {

void Usage() {
  std::fprintf(stderr,
               "usage: keyshard [--config FILE] [--port N] [--bind ADDR] [--shards N] [--threads N]\n"
               "                [--dir DIR] [--requirepass PASS] [--<option> VALUE ...]\n"
               "Any option of proxy.toml can be given as --name value; flags override the file.\n");
}

std::string RandomRunId() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 40; ++i) s += hex[gen() % 16];
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ks;
  Config config;
  std::string config_path;
  std::vector<std::pair<std::string, std::string>> overrides;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      Usage();
      return 0;
    }
    if (a.rfind("--", 0) != 0 || i + 1 >= argc) {
      std::fprintf(stderr, "keyshard: bad argument '%s'\n", a.c_str());
      Usage();
      return 1;
    }
    std::string value = argv[++i];
    if (a == "--config")
      config_path = value;
    else
      overrides.emplace_back(a.substr(2), value);
  }
  if (!config_path.empty()) {
    if (auto err = LoadConfigFile(config_path, config)) {
      std::fprintf(stderr, "keyshard: %s\n", err->c_str());
      return 1;
    }
  }
  for (auto& [name, value] : overrides) {
    const OptionDef* o = FindOption(name);
    if (!o) {
      std::fprintf(stderr, "keyshard: unknown option '--%s'\n", name.c_str());
      return 1;
    }
    if (auto err = SetOption(config, *o, value)) {
      std::fprintf(stderr, "keyshard: bad value for '--%s': %s\n", name.c_str(), err->c_str());
      return 1;
    }
  }
  if (auto err = ValidateConfig(config)) {
    std::fprintf(stderr, "keyshard: %s\n", err->c_str());
    return 1;
  }
  int threads = static_cast<int>(config.threads);
  if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  SystemClock system_clock;
  LoadingClock clock(&system_clock);
  ServerState state(config, &clock);
  state.set_run_id(RandomRunId());
  if (!config_path.empty()) {
    // Absolute, as Redis reports it (and as CONFIG REWRITE needs after a chdir).
    char buf[4096];
    state.set_config_path(config_path[0] == '/' || !getcwd(buf, sizeof buf) ? config_path
                                                                            : std::string(buf) + "/" + config_path);
  }
  Service service(state);
  // The admin port is taken before anything is loaded, so a clash (two servers started from
  // one proxy.toml) stops the start-up at once with the option named; it serves once ready.
  AdminServer admin(state);
  if (config.admin_port) {
    if (std::string err = admin.Bind(config.admin_bind, static_cast<int>(config.admin_port)); !err.empty()) {
      std::fprintf(stderr, "keyshard: %s\n", err.c_str());
      return 1;
    }
  }
  // The slot map first: loading routes every key by slot.
  if (auto err = LoadSlotMapAtStartup(state)) {
    std::fprintf(stderr, "keyshard: %s\n", err->c_str());
    return 1;
  }
  // A move to or from a remote cut short by a crash may have left keys there for slots the
  // remote does not own; they go before any command can reach that remote.
  if (std::string err = state.resharder().CleanRemotesAfterCrash(); !err.empty())
    std::fprintf(stderr, "keyshard: warning: cleaning remote shards after a cut-short move: %s\n", err.c_str());
  if (config.appendonly != "yes") {  // as in Redis, the AOF (when on) wins over the RDB
    uint64_t keys = 0;
    if (auto err = LoadRdbSnapshots(state, &keys)) {
      std::fprintf(stderr, "keyshard: %s\n", err->c_str());
      return 1;
    }
    if (keys) std::fprintf(stderr, "keyshard: loaded %llu keys from RDB snapshots\n", static_cast<unsigned long long>(keys));
    // Keys of slots that remote shards own now (a dump from before they were configured)
    // would sit unreachable in an engine: they are the remote's business.
    if (state.shards().slots().has_remotes())
      if (size_t n = DropUnownedKeys(state.shards()))
        std::fprintf(stderr, "keyshard: dropped %zu loaded keys of slots owned by remote shards\n", n);
    state.rdb_keys_loaded().store(static_cast<int64_t>(keys));
  }
  std::unique_ptr<AofSet> aof;
  if (config.appendonly == "yes") {
    if (auto err = StartAof(service, [&](bool f) { clock.set_frozen(f); }, &aof)) {
      std::fprintf(stderr, "keyshard: %s\n", err->c_str());
      return 1;
    }
    // Replay ran through the dispatcher; Redis does not count loading in commandstats.
    state.command_stats().Reset();
  }
  if (!config.import_rdb.empty()) {
    uint64_t keys = 0;
    if (auto err = ImportRdb(state, config.import_rdb, &keys)) {
      std::fprintf(stderr, "keyshard: %s\n", err->c_str());
      return 1;
    }
    std::fprintf(stderr, "keyshard: imported %llu keys from %s\n", static_cast<unsigned long long>(keys),
                 config.import_rdb.c_str());
    // The imported data goes into keyshard's own files at once, so the next start needs no
    // import (and refuses a second one of the same keys).
    std::string err = aof ? state.snapshots().RewriteAofNow(*aof) : state.snapshots().SaveNow();
    if (!err.empty()) {
      std::fprintf(stderr, "keyshard: saving the imported data failed: %s\n", err.c_str());
      return 1;
    }
  }
  // Loading read whole files into buffers now freed; glibc keeps such memory resident unless
  // asked (13 MB at 1M keys, docs/BENCHMARKS.md).
  malloc_trim(0);
  Server server(service, threads);
  if (std::string err = server.Listen(config.bind, static_cast<int>(config.port), static_cast<int>(config.tcp_backlog));
      !err.empty()) {
    std::fprintf(stderr, "keyshard: %s\n", err.c_str());
    return 1;
  }
  state.port() = server.port();
  // Remote shards: their connections run on the I/O threads (proxy/remote_pool.h).
  std::unique_ptr<RemotePool> remotes;
  if (!config.remotes.empty()) {
    std::vector<boost::asio::io_context*> contexts;
    for (int i = 0; i < server.threads(); ++i) contexts.push_back(&server.context(i));
    RemotePool::Options o;
    o.timeout_ms = config.remote_timeout;
    o.pool_size = static_cast<int>(config.remote_pool_size);
    remotes = std::make_unique<RemotePool>(config.remotes, std::move(contexts), o);
    remotes->AttachEvents(state);
    state.set_remotes(remotes.get());
    // A BCAST client coming or the last one going changes what the remotes report.
    state.tracking().set_on_bcast_change([&state] {
      if (RemoteShards* r = state.remotes()) r->EventsChanged();
    });
    remotes->Start();
  }
  if (config.admin_port) {
    admin.Serve(config.admin_token);
    std::printf("keyshard admin page: http://%s:%d/\n", config.admin_bind.c_str(), admin.port());
  }
  Housekeeper housekeeper(state);
  housekeeper.Start();

  std::printf("keyshard ready: listening on %s port %d (%lld engines, %d threads)\n", config.bind.c_str(),
              server.port(), static_cast<long long>(config.shards), threads);
  std::fflush(stdout);

  // SHUTDOWN and SIGINT/SIGTERM go through the same shutdown (server/core/shutdown.h): save
  // and sync as configured, then stop the I/O threads. A signal whose shutdown fails (a
  // failed save without FORCE) leaves the server running, as in Redis.
  state.set_quiesce([&server](int except) { server.Quiesce(except); });
  state.set_stop_server([&server] { server.Stop(); });
  boost::asio::io_context signals_ctx;
  boost::asio::signal_set signals(signals_ctx, SIGINT, SIGTERM);
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec,
                                                                              int sig) {
    if (ec) return;
    std::string words;
    {
      std::lock_guard lk(state.config_mu());
      words = sig == SIGINT ? state.config().shutdown_on_sigint : state.config().shutdown_on_sigterm;
    }
    std::fprintf(stderr, "keyshard: Received %s scheduling shutdown...\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    if (Shutdown(state, ParseShutdownFlags(words), -1))
      signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);
  std::thread signal_thread([&] { signals_ctx.run(); });
  server.Run();
  if (remotes) {
    remotes->Stop();
    // Connections still alive (destroyed with the I/O contexts, after `remotes`) must not
    // reach the pool: they see no remotes.
    state.set_remotes(nullptr);
  }
  signals_ctx.stop();
  signal_thread.join();
  housekeeper.Stop();
  admin.Stop();
  state.snapshots().Wait();
  state.set_aof(nullptr);
  aof.reset();  // writes and fsyncs what is left of the logs
  return 0;
}
