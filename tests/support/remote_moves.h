#pragma once
// Slot moves in tests against real processes: start one with KEYSHARD MOVE and wait for it.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/support/processes.h"

namespace ks::test {

// The move id in KEYSHARD MOVE's reply ("\"id\"").
inline std::string MoveId(const std::string& reply) {
  EXPECT_FALSE(reply.empty());
  EXPECT_EQ(reply.front(), '"') << reply;
  return reply.size() > 2 ? reply.substr(1, reply.size() - 2) : reply;
}

// Polls (bounded) until the move is no longer running; returns its KEYSHARD MOVES reply.
inline std::string WaitMove(Client& c, const std::string& id, int timeout_ms = 60000) {
  std::string r;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    r = c.Run({"KEYSHARD", "MOVES", id});
    if (r.find("\"running\"") == std::string::npos) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ADD_FAILURE() << "move " << id << " still running: " << r;
  return r;
}

// Cancels a move just started and waits for its end: "cancelled" if the cancel came in time,
// "done" if the move had already finished. Returns its KEYSHARD MOVES reply.
inline std::string CancelAndWaitMove(Client& c, const std::string& id) {
  const std::string cancel = c.Run({"KEYSHARD", "CANCEL", id});
  std::string r = WaitMove(c, id);
  if (cancel == "OK")
    EXPECT_NE(r.find("\"cancelled\""), std::string::npos) << r;
  else
    EXPECT_NE(r.find("\"done\""), std::string::npos) << r;
  return r;
}

}  // namespace ks::test
