#pragma once
// Runs the built agent (or any program) the way an administrator would, capturing stdout,
// stderr and the exit code. The one helper integration tests use to run processes.
#include <memory>
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

// A program started in the background (the service), with stdout and stderr going to one log
// file that the test reads while it runs. The destructor kills it if it still runs.
class BackgroundProcess {
  public:
    explicit BackgroundProcess(const std::vector<std::string>& argv);
    ~BackgroundProcess();
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    int pid() const { return pid_; }
    bool started() const { return pid_ > 0; }
    void signal(int signalNumber) const;
    // Everything it has written so far.
    std::string output() const;
    // Waits until the output after position `from` holds `text`; returns the position just
    // after the match, or std::string::npos on timeout.
    std::size_t waitForOutput(const std::string& text, double timeoutSeconds,
                              std::size_t from = 0) const;
    // Times `text` occurs in the output after `from`.
    std::size_t countOutput(const std::string& text, std::size_t from = 0) const;
    // Waits for it to end: its exit code, -1 when killed by a signal, -2 on timeout.
    int waitForExit(double timeoutSeconds);
    bool running();

  private:
    int pid_ = -1;
    std::string logPath_;
    bool reaped_ = false;
    int status_ = 0;
};

// The agent with a scratch root, in the background: startAgent(root, {"run"}).
std::unique_ptr<BackgroundProcess> startAgent(const std::string& root,
                                              const std::vector<std::string>& args);

// Path of the built agent (MPA_AGENT_BINARY) and of the repository (MPA_SOURCE_DIR).
std::string agentBinary();
std::string sourceDir();

}  // namespace mpa::test
