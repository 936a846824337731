#pragma once
// Retention (policy ComplianceRetentionDays): runs and events older than the limit are deleted,
// except what newer records still need (the latest run, the last known good policy, a run whose
// findings a newer run refers to, the last event). The hash of the last pruned event is kept as
// the chain's checkpoint, and a "history pruned" event inside the chain records it, so the
// remaining chain still verifies and the checkpoint itself is covered by the chain.
#include <cstdint>
#include <string>

#include "store/sqlite_connection.hpp"
#include "util/status.hpp"

namespace mpa {

struct RetentionResult {
    std::int64_t runsPruned = 0;
    std::int64_t eventsPruned = 0;
};

// Within the caller's transaction. `now` is ISO-8601 UTC (the pass's time, so a simulated year
// in the benchmark prunes as a real one would).
Status applyRetention(SqliteConnection& db, const std::string& now, std::int64_t retentionDays,
                      RetentionResult* result);

}  // namespace mpa
