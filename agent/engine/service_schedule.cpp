#include "engine/service_schedule.hpp"

#include <algorithm>

namespace mpa {

void ServiceSchedule::passNow(const std::string& trigger) {
    if (!immediate_) immediate_ = trigger;
}

void ServiceSchedule::changed(const std::string& trigger, Clock::time_point now) {
    pendingChanges_.insert(trigger);
    settledAt_ = now + timing_.settle;
}

void ServiceSchedule::completed(const std::string& trigger, Clock::time_point now) {
    pendingChanges_.insert(trigger);
    settledAt_ = now;
}

std::optional<ServiceSchedule::Due> ServiceSchedule::due(Clock::time_point now) const {
    // An explicit request (start, SIGHUP) runs at once, even while retries back off: the
    // administrator may just have fixed the cause.
    if (immediate_) return Due{*immediate_, false};
    const bool retryDue = retryAt_ && now >= *retryAt_;
    if (settledAt_ && now >= *settledAt_ && (!retryAt_ || retryDue)) {
        const bool policy = pendingChanges_.count(kPolicyChange) > 0;
        return Due{policy ? kPolicyChange : kDrift, !policy};
    }
    if (retryDue) return Due{kRetry, false};
    if (timerAt_ && now >= *timerAt_) return Due{kTimer, false};
    return std::nullopt;
}

std::optional<ServiceSchedule::Clock::time_point> ServiceSchedule::nextDeadline() const {
    if (immediate_) return Clock::time_point{};
    std::optional<Clock::time_point> next;
    const auto consider = [&next](Clock::time_point t) {
        if (!next || t < *next) next = t;
    };
    if (settledAt_) consider(retryAt_ ? std::max(*settledAt_, *retryAt_) : *settledAt_);
    if (retryAt_) consider(*retryAt_);
    if (timerAt_) consider(*timerAt_);
    return next;
}

void ServiceSchedule::clearRequests() {
    pendingChanges_.clear();
    settledAt_.reset();
    immediate_.reset();
}

void ServiceSchedule::passSucceeded(Clock::time_point now, std::chrono::minutes interval,
                                    double spreadFraction) {
    clearRequests();
    failures_ = 0;
    retryDelay_ = Duration{0};
    retryAt_.reset();
    const auto base =
        std::chrono::duration_cast<Duration>(std::max(interval, std::chrono::minutes(1)));
    const auto spread = std::clamp(spreadFraction, 0.0, 1.0) * 0.1;
    timerAt_ = now + base +
               Duration(static_cast<Duration::rep>(static_cast<double>(base.count()) * spread));
}

void ServiceSchedule::passFailed(Clock::time_point now) {
    clearRequests();
    ++failures_;
    retryDelay_ = failures_ == 1 ? timing_.firstRetry : std::min(retryDelay_ * 2, timing_.maxRetry);
    retryAt_ = now + retryDelay_;
}

void ServiceSchedule::dismissed() {
    pendingChanges_.clear();
    settledAt_.reset();
}

}  // namespace mpa
