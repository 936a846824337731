#pragma once
// The one error type of the floors below the engine (util, platform, policy, model, sources,
// targets, store, templates): an operation that produces no value returns a Status; one that
// produces a value returns it beside a Status (a field of its result, or a `Status*` argument,
// which may be null when the caller does not need the reason). `error` says what and where,
// e.g. "/home/bob/.local/share/Metalama/telemetry.json: is a symbolic link; refusing to follow
// it", so a caller can put it in a finding as it is.
#include <string>
#include <utility>

namespace mpa {

struct Status {
    bool ok = true;
    std::string error;

    static Status success() { return Status{}; }
    static Status failure(std::string message) { return Status{false, std::move(message)}; }
    explicit operator bool() const { return ok; }
};

}  // namespace mpa
