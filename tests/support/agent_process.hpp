#pragma once
// Runs the built agent (or any program) the way an administrator would, capturing stdout,
// stderr and the exit code. The one helper integration tests use to run processes.
#include <string>
#include <vector>

namespace mpa::test {

struct ProcessResult {
    int exitCode = -1;  // -1 when killed by a signal or on timeout
    std::string out, err;
};

// argv[0] is the program path. Waits at most timeoutSeconds, then kills it.
ProcessResult runProcess(const std::vector<std::string>& argv, double timeoutSeconds = 60);

// The agent binary with a scratch root: runAgent(root, {"apply", "--dry-run"}).
ProcessResult runAgent(const std::string& root, const std::vector<std::string>& args);

// Path of the built agent (MPA_AGENT_BINARY) and of the repository (MPA_SOURCE_DIR).
std::string agentBinary();
std::string sourceDir();

}  // namespace mpa::test
