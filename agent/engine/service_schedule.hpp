#pragma once
// When the service runs its next pass, and why. Pure timing logic, no I/O, so every rule is
// unit-tested with a fake clock:
//   - a change while a file is still being written starts (or restarts) the settle period;
//     the pass runs once the watched paths have been quiet for it, so a burst of writes gives
//     one pass and a half-written file is not read;
//   - a change that is complete on arrival (a file renamed into place or closed after writing,
//     a registry value set) when no write is in progress runs the pass at once;
//   - a pass requested now (start, SIGHUP) runs at once;
//   - after a good pass the timer is armed for the policy's interval plus a random spread of up
//     to 10%, so a fleet does not pass in lock-step;
//   - after a failed pass a retry is armed, doubling from the first delay up to a cap, and
//     changes wait for it too: a failing service never spins.
#include <chrono>
#include <optional>
#include <set>
#include <string>

#include "model/agent_context.hpp"

namespace mpa {

class ServiceSchedule {
  public:
    using Clock = std::chrono::steady_clock;
    using Duration = std::chrono::milliseconds;

    // Triggers, as recorded with the pass (PassReport::trigger).
    static constexpr const char* kStart = "start";
    static constexpr const char* kPolicyChange = "policy change";
    static constexpr const char* kDrift = "drift";
    static constexpr const char* kTimer = "timer";
    static constexpr const char* kSignal = "signal";
    static constexpr const char* kRetry = "retry";

    struct Timing {
        Duration settle{kDefaultSettleMilliseconds};
        Duration firstRetry{1000};
        Duration maxRetry{std::chrono::minutes(5)};
    };
    explicit ServiceSchedule(Timing timing) : timing_(timing) {}

    void passNow(const std::string& trigger);
    // Something watched changed (trigger: kPolicyChange or kDrift) and a file is still being
    // written: restarts the settle period.
    void changed(const std::string& trigger, Clock::time_point now);
    // Something watched changed and every write is complete: the pass is due at once (a
    // settle period still running for an earlier write ends, since that write is over too).
    void completed(const std::string& trigger, Clock::time_point now);

    struct Due {
        std::string trigger;     // what the pass is for ("policy change", "drift", "timer"...)
        bool onlyDrift = false;  // nothing but target changes: the caller may find nothing changed
    };
    // The pass due at `now`, if any.
    std::optional<Due> due(Clock::time_point now) const;
    // The next moment something is due (nullopt: nothing is scheduled, wait for events).
    std::optional<Clock::time_point> nextDeadline() const;

    // The pass that was due ran (or, for onlyDrift, was found unnecessary: dismissed).
    // spreadFraction in [0, 1) chooses where in the 10% spread the next timer falls.
    void passSucceeded(Clock::time_point now, std::chrono::minutes interval, double spreadFraction);
    void passFailed(Clock::time_point now);
    void dismissed();

    bool failing() const { return failures_ > 0; }
    Duration currentRetryDelay() const { return retryDelay_; }
    void setSettle(Duration settle) { timing_.settle = settle; }
    Duration settle() const { return timing_.settle; }

  private:
    void clearRequests();

    Timing timing_;
    std::set<std::string> pendingChanges_;
    std::optional<Clock::time_point> settledAt_;  // when the pending changes have settled
    std::optional<std::string> immediate_;        // a pass requested now
    std::optional<Clock::time_point> timerAt_;
    std::optional<Clock::time_point> retryAt_;
    Duration retryDelay_{0};
    int failures_ = 0;
};

}  // namespace mpa
