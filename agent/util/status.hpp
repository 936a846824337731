#pragma once
// The one error type of the floors below the engine (util, platform, policy, sources, targets):
// an operation that produces no value returns a Status; one that produces a value returns it
// beside a Status (a field of its result, or a `Status*` argument). `error` says what and where,
// e.g. "/home/bob/.local/share/Metalama/telemetry.json: is a symbolic link; refusing to follow
// it", so a caller can put it in a finding as it is.
//
// Known remaining convention to convert: the compliance store (store/) and the Ledger contract
// (model/ledger.hpp) still report errors as `bool f(..., std::string* error)`; their internals
// are being reworked and they move to Status after that. In platform/, SafeDir::open, openChild
// and list (and the directory walks behind them) still take a std::string* for the reason.
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

// The bridge for callers that still report errors as bool + std::string* (the store, the Ledger
// contract; see above): false with *error set when `status` failed. Goes with them.
inline bool reportTo(const Status& status, std::string* error) {
    if (!status && error) *error = status.error;
    return status.ok;
}

}  // namespace mpa
