#pragma once
// Writes the head of the compliance event chain to the system log, once per pass (apply, and
// the service after each pass). A history rewritten on the machine then disagrees with the heads
// that the log collector already holds; `verify --head <hash>` checks one such head.
#include <string>

#include "store/compliance_store.hpp"

namespace mpa {

// "compliance chain head: event 42 <sha-256>" (the text written to the log).
std::string chainHeadLogLine(const ComplianceStore& store);
// Also kept beside the database (chain_head_sidecar.hpp) at every commit. When the system log
// is known not to have received it (no /dev/log), a warning says so: never dropped silently.
void logChainHeadToSystemLog(const ComplianceStore& store);

}  // namespace mpa
