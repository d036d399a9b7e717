// MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 user pw] [KEYS k...]:
// Redis's DUMP + RESTORE to another instance + DEL, with the keys' engines held meanwhile (as
// Redis blocks while it migrates). Each MIGRATE opens its own connection (Redis keeps one
// cached for 10 s; INFO migrate_cached_sockets stays 0 here).
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "common/strconv.h"
#include "persistence/rdb_writer.h"
#include "server/core/command_context.h"
#include "server/core/command_registry.h"
#include "server/core/errors.h"
#include "server/core/families.h"

namespace ks {
namespace {

// A blocking connection with a deadline per operation, closed on destruction.
class SyncConn {
 public:
  ~SyncConn() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool Connect(const std::string& host, const std::string& port, int timeout_ms) {
    addrinfo hints{}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) return false;
    for (addrinfo* a = res; a && fd_ < 0; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      int r = ::connect(fd, a->ai_addr, a->ai_addrlen);
      if (r != 0 && errno == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        int err = 0;
        socklen_t len = sizeof err;
        if (::poll(&p, 1, timeout_ms) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) r = 0;
      }
      if (r == 0) {
        fd_ = fd;
      } else {
        ::close(fd);
      }
    }
    freeaddrinfo(res);
    timeout_ms_ = timeout_ms;
    return fd_ >= 0;
  }
  bool WriteAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && Wait(POLLOUT)) continue;
      return false;
    }
    return true;
  }
  // One reply line without its CRLF (Redis's syncReadLine); false on error or timeout.
  bool ReadLine(std::string* line) {
    for (;;) {
      size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        *line = buf_.substr(0, nl);
        if (!line->empty() && line->back() == '\r') line->pop_back();
        buf_.erase(0, nl + 1);
        return true;
      }
      char tmp[4096];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n > 0) {
        buf_.append(tmp, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && Wait(POLLIN)) continue;
      return false;
    }
  }

 private:
  bool Wait(short events) {
    pollfd p{fd_, events, 0};
    return ::poll(&p, 1, timeout_ms_) == 1;
  }
  int fd_ = -1;
  int timeout_ms_ = 1000;
  std::string buf_;
};

void AppendBulk(std::string& out, std::string_view s) {
  out += "$" + std::to_string(s.size()) + "\r\n";
  out.append(s);
  out += "\r\n";
}

void AppendCommand(std::string& out, std::initializer_list<std::string_view> args) {
  out += "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view a : args) AppendBulk(out, a);
}

void Migrate(CommandContext& ctx) {
  bool copy = false, replace = false;
  std::string_view user, password;
  bool auth = false, auth2 = false;
  size_t first_key = 3, num_keys = 1;
  for (size_t j = 6; j < ctx.argc(); ++j) {
    const size_t more = ctx.argc() - 1 - j;
    std::string_view a = ctx.arg(j);
    if (EqualsNoCase(a, "copy")) {
      copy = true;
    } else if (EqualsNoCase(a, "replace")) {
      replace = true;
    } else if (EqualsNoCase(a, "auth")) {
      if (!more) return ctx.rb.Error(err::kSyntax);
      password = ctx.arg(++j);
      auth = true;
    } else if (EqualsNoCase(a, "auth2")) {
      if (more < 2) return ctx.rb.Error(err::kSyntax);
      user = ctx.arg(++j);
      password = ctx.arg(++j);
      auth = auth2 = true;
    } else if (EqualsNoCase(a, "keys")) {
      if (!ctx.arg(3).empty())
        return ctx.rb.Error("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
      first_key = j + 1;
      num_keys = ctx.argc() - j - 1;
      break;
    } else {
      return ctx.rb.Error(err::kSyntax);
    }
  }
  int64_t timeout, dbid;
  if (!StrToLL(ctx.arg(5), &timeout) || !StrToLL(ctx.arg(4), &dbid)) return ctx.rb.Error(err::kNotInteger);
  if (timeout <= 0) timeout = 1000;

  // ctx.keys holds the command's keys in argument order: "key" (maybe "") then KEYS ones.
  struct Item {
    const KeyRef* ref;
    Entry* entry;
  };
  std::vector<Item> items;
  const size_t skip = first_key == 3 ? 0 : 1;  // with KEYS, the first located key is the empty one
  for (size_t j = skip; j < ctx.keys.size() && items.size() < num_keys; ++j) {
    Entry* e = ctx.FindRead(ctx.keys[j]);
    if (e) items.push_back({&ctx.keys[j], e});
  }
  if (items.empty()) return ctx.rb.Simple("NOKEY");

  SyncConn conn;
  if (!conn.Connect(std::string(ctx.arg(1)), std::string(ctx.arg(2)), static_cast<int>(timeout)))
    return ctx.rb.Error("IOERR error or timeout connecting to the client");
  std::string cmd;
  if (auth2)
    AppendCommand(cmd, {"AUTH", user, password});
  else if (auth)
    AppendCommand(cmd, {"AUTH", password});
  const std::string db_text = std::to_string(dbid);
  AppendCommand(cmd, {"SELECT", db_text});
  const bool compress = ctx.server.limits().rdbcompression.load(std::memory_order_relaxed);
  std::vector<Item> sent;
  for (const Item& it : items) {
    int64_t ttl = 0;
    if (it.entry->has_expire()) {
      ttl = it.entry->expire_ms() - ctx.NowMs();
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    const std::string ttl_text = std::to_string(ttl);
    const std::string payload = DumpPayload(it.entry, compress);
    if (replace)
      AppendCommand(cmd, {"RESTORE", it.ref->key, ttl_text, payload, "REPLACE"});
    else
      AppendCommand(cmd, {"RESTORE", it.ref->key, ttl_text, payload});
    sent.push_back(it);
  }
  if (!conn.WriteAll(cmd)) return ctx.rb.Error("IOERR error or timeout writing to target instance");
  std::string auth_reply, select_reply, line;
  if (auth && !conn.ReadLine(&auth_reply)) return ctx.rb.Error("IOERR error or timeout reading to target instance");
  if (!conn.ReadLine(&select_reply)) return ctx.rb.Error("IOERR error or timeout reading to target instance");
  bool target_error = false;
  for (const Item& it : sent) {
    if (!conn.ReadLine(&line)) {
      if (!target_error) ctx.rb.Error("IOERR error or timeout reading to target instance");
      return;
    }
    const std::string* err = (auth && !auth_reply.empty() && auth_reply[0] == '-') ? &auth_reply
                             : (!select_reply.empty() && select_reply[0] == '-') ? &select_reply
                             : (!line.empty() && line[0] == '-')                  ? &line
                                                                                  : nullptr;
    if (err) {
      if (!target_error) ctx.rb.Error("ERR Target instance replied with error: " + err->substr(1));
      target_error = true;
    } else if (!copy) {
      ctx.Delete(*it.ref);
    }
  }
  if (!target_error) ctx.rb.Ok();
}

}  // namespace

void RegisterMigrateCommand(CommandRegistry& reg) {
  reg.Add({.name = "migrate",
           .arity = -6,
           .flags = "write movablekeys",
           .first_key = 3, .last_key = 3, .step = 1,
           .acl = "@keyspace @write @slow @dangerous",
           .tips = "nondeterministic_output",
           .key_specs = {{.flags = "RW access delete", .begin_index = 3, .last_key = 0, .key_step = 1, .limit = 0},
                         {.flags = "RW access delete incomplete", .begin_keyword = "KEYS", .begin_startfrom = -2,
                          .last_key = -1, .key_step = 1, .limit = 0}},
           .handler = Migrate,
           .group = "generic", .since = "2.6.0",
           .summary = "Atomically transfers a key from one Redis instance to another.",
           .complexity = "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the "
                         "target instance. See the pages of these commands for time complexity. Also an O(N) data "
                         "transfer between the two instances is performed."});
}

}  // namespace ks
