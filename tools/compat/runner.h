// run mode (case files against one endpoint and their expectations) and diff mode over case
// files (the same files against a target and a reference, compared with each other).
#pragma once

#include <string>
#include <vector>

#include "tools/compat/connection.h"
#include "tools/compat/results.h"

namespace keyshard::compat {

// Each file starts on fresh state (FLUSHALL, SELECT 0). Steps without an expectation are sent
// but not checked.
RunReport RunCaseFiles(const Endpoint& endpoint, const std::vector<std::string>& paths);

// Steps whose expectation is loose (any, int, float, regex) must satisfy it on both endpoints;
// all others must agree under the command's comparison policy (compare.h).
RunReport DiffCaseFiles(const Endpoint& target, const Endpoint& reference,
                        const std::vector<std::string>& paths);

// record mode: runs a case file against an endpoint (normally a real redis-server) and returns
// its text with an expectation filled in for every step that has none. Lines are otherwise
// kept as written. *error is set when the file cannot be loaded or the endpoint reset.
std::string RecordCaseFile(const Endpoint& endpoint, const std::string& path, std::string* error);

}  // namespace keyshard::compat
