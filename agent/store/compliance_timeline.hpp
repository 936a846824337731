#pragma once
// "Compliant since" and "the last change", for status and the compliance summary: what an
// auditor asks first after "is it compliant now".
#include <optional>
#include <string>

#include "store/event_chain.hpp"
#include "util/status.hpp"

namespace mpa {

struct ComplianceTimeline {
    // Start of the unbroken run of compliant passes that ends with the latest pass; empty when
    // the latest pass is not compliant. Bounded by retention: the oldest kept pass at most.
    std::string compliantSince;
    // The latest event that records a change: the agent changing the machine (remediated, drift
    // repaired, repaired malformed file, restored, device id reset) or the policy changing.
    std::optional<ChainEvent> lastChange;
};

// Reads a store of schema 2 or later; on a read error the fields stay empty and *status says
// why.
ComplianceTimeline readComplianceTimeline(const SqliteConnection& db, Status* status);

}  // namespace mpa
