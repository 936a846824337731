#pragma once
// The sealed state: one row (table sealed_state, id 1) with what the latest pass that recorded
// something new found, in columns plain SQL can read (the views compliance_current and
// compliance_pass and compliance_tools read only this row, and the latest run's time), and whose
// SHA-256 that pass's "state sealed" event carries inside the hash chain. Fleet tools (osquery)
// cannot hash, so they read nothing that the chain does not cover; `verify` recomputes the hash,
// and checks the rows status and Intune read (runs, current_findings, effective_policy) against the
// chain.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/pass_report.hpp"
#include "store/sqlite_connection.hpp"
#include "util/status.hpp"

namespace mpa {

// Seals the state of `runId` within the caller's transaction, after current_findings was
// written (its state_since values are copied from there): replaces the row, and appends the
// "state sealed" event whose data holds the pass fingerprint (passFingerprint, checked by every
// reader of the last pass), the verdict and the row's SHA-256 ("snapshot").
Status sealState(SqliteConnection& db, std::int64_t runId, const PassReport& report,
                 const std::string& fingerprint);

// Whether the row holds the state of `runId` with its compliance per tool (a pass that repeats
// it needs no new seal; one upgraded from schema 4 is sealed again, with the tools).
bool sealedStateIsFor(const SqliteConnection& db, std::int64_t runId);

struct SealVerification {
    bool intact = true;
    std::string message;                // one line: what was checked, or the first problem
    std::vector<std::string> problems;  // every disagreement found, each naming table and row
};

// `latestPassFingerprint`: passFingerprint() of the latest pass as status reads it (runs,
// effective_policy, policy_issues, current_findings), when it could be read.
SealVerification verifySealedState(const SqliteConnection& db,
                                   const std::optional<std::string>& latestPassFingerprint);

}  // namespace mpa
