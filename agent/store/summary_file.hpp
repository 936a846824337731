#pragma once
// The published compliance summary: a small world-readable JSON file beside the database,
// rewritten after every recorded pass, for tools that run without root (Intune's Linux discovery
// script runs as the signed-in user). It carries counts, the verdict, the pass time and the chain
// head, never a user name or a path: the database stays the evidence, readable by root and the
// audit group only. Its keys are those of `compliance --format intune` plus LastPassAt,
// HealthLimitMinutes and ChainHead; the age-dependent values are recomputed when it is read.
#include <chrono>
#include <string>

#include "store/compliance_summary.hpp"
#include "util/status.hpp"

namespace mpa {

// "<directory of the database>/summary.json".
std::string summaryPathFor(const std::string& databasePath);

// Summarises `store` and replaces the summary file atomically (mode 0644). Fails with the
// reason. A store that is not the SQLite one (a test double) has nothing to publish.
Status publishComplianceSummary(ComplianceStore& store, std::chrono::system_clock::time_point now,
                                const std::string& agentVersion);

// Reads a published summary and ages it to `now` (a summary whose pass is too old reads as an
// unhealthy agent). Fails with the reason (file and key) when it is missing or malformed.
Status readPublishedSummary(const std::string& path, std::chrono::system_clock::time_point now,
                            ComplianceSummary* summary);

}  // namespace mpa
