#pragma once
// Connection: one client socket served by one coroutine on one I/O thread. It reads whatever
// has arrived, runs every complete command in it (pipelining), and writes all their replies
// in one write.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <vector>

#include "resp/reply_builder.h"
#include "resp/resp_parser.h"
#include "server/core/client_state.h"
#include "server/core/service.h"
#include "proxy/ordered_replies.h"
#include "proxy/push_queue.h"

namespace ks {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, Service& service, int thread_index);
  ~Connection();

  // Serves the client until it disconnects, QUITs, is killed or breaks the protocol.
  boost::asio::awaitable<void> Run();

 private:
  // Parses and runs the commands buffered in in_[0, in_len_). Returns false when the
  // connection must close after flushing output.
  bool ProcessInput();
  // Waits while a blocking command (BLPOP...) holds the client, then queues its reply.
  // Returns false if the client went away meanwhile.
  boost::asio::awaitable<bool> WaitWhileBlocked();
  // Waits while CLIENT PAUSE holds the client's next command (client_.held). Returns false
  // if the client went away meanwhile.
  boost::asio::awaitable<bool> WaitWhileHeld();
  // Waits until every forwarded command's reply has arrived (writing them as they come), for
  // a blocking command forwarded to a remote (client_.remote_wait). False if the client left.
  boost::asio::awaitable<bool> WaitRemoteReplies();
  // Waits while a slot fence (a move to or from a remote shard) holds the next command.
  boost::asio::awaitable<bool> WaitWhileFenced();
  // The hold both of them are: registers a wake-up with waiters (ClientPause, SlotFence),
  // then waits up to wait_ms() (read after registering) unless woken first. False if the
  // client went away meanwhile.
  template <class Waiters, class WaitMs>
  boost::asio::awaitable<bool> WaitUntilWoken(Waiters& waiters, WaitMs wait_ms);
  // What ended a WaitTimerOrPeerGone.
  enum class WaitResult { kTimer, kInput, kGone };
  // The wait of a client held between commands: until the timer expires or is cancelled, or
  // (with watch_socket) the socket turns readable, whichever comes first. Readable is told
  // apart with a one-byte MSG_PEEK: the peer left (kGone), or it sent more (kInput), which
  // stays unread in the socket buffer until the hold ends (as in Redis). Without
  // watch_socket (more input already seen) only the timer ends it.
  boost::asio::awaitable<WaitResult> WaitTimerOrPeerGone(boost::asio::steady_timer& timer, bool watch_socket = true);
  // Writes out_ to the socket; false on error.
  boost::asio::awaitable<bool> Flush();
  void UpdateParserLimits();
  // While the client may receive messages (subscribed) or waits for remote replies: waits
  // until it sent something or output is ready for it. Returns true when read_ has bytes (or
  // the socket's error) to take.
  boost::asio::awaitable<bool> WaitInputOrPush();
  // Starts the read WaitInputOrPush leaves running into in_[in_len_, in_.size()): nothing
  // may move in_ or change in_len_ until it is ready and taken.
  void StartRead();
  // Whether WaitInputOrPush may leave the read unstarted until the remote replies are out.
  bool ReadCanWait() const;

  class Deferred;
  // Puts a forwarded command's reply in its place and wakes the coroutine to write it.
  void FillRemoteReply(uint64_t id, std::string_view reply);
  // Writes out_ without blocking while the coroutine is parked; wakes it for what is left.
  void SendWhileParked();
  // Counts a write of bytes to the client in INFO stats.
  void CountWrite(size_t bytes);
  // Puts a RESP-encoded command at the front of the unread input (dispatched again next).
  void PutBackInInput(std::string_view request);

  boost::asio::ip::tcp::socket socket_;
  Service& service_;
  ClientState client_;
  RequestParser parser_;
  std::vector<char> in_;
  size_t in_len_ = 0;
  std::string out_;      // replies ready to write (OrderedReplies keeps the ones that wait)
  std::string writing_;  // what Flush is writing: remote replies may arrive meanwhile
  OrderedReplies replies_{&out_};
  std::string discard_;  // replies dropped under CLIENT REPLY OFF/SKIP
  ReplyBuilder rb_;
  ArgVector args_;
  std::shared_ptr<PushQueue> push_;
  boost::asio::steady_timer wake_;  // cancelled to wake WaitInputOrPush
  struct PendingRead {
    bool busy = false;   // started, not completed
    bool ready = false;  // completed, not yet taken by Run
    boost::system::error_code ec;
    size_t n = 0;
    size_t space = 0;  // the room it was given
  } read_;
  bool last_read_full_ = false;  // the last read filled the room it had (more may be waiting)
  bool parked_ = false;       // the coroutine waits in WaitInputOrPush (nothing else to do)
  bool send_posted_ = false;  // a SendWhileParked is posted
};

}  // namespace ks
