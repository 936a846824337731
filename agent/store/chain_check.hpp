#pragma once
// The event chain check behind the published summary's ChainIntact. Checking the whole history at
// every pass costs more as the history grows (a tenth of a no-op's CPU at ten thousand
// profiles), so a pass checks only the events appended since the last verified point, kept in the
// store's own state table (never a user-writable place). The whole chain is checked again when
// the point is gone: no point recorded, the history cut back, pruned past it or replaced, and
// after every full integrity check (service start and the integrity schedule, which clear the
// point). `verify` always checks the whole chain.
#include <chrono>
#include <string>

#include "store/chain_verify.hpp"
#include "store/sqlite_compliance_store.hpp"

namespace mpa {

// agent_state keys: "<event id> <hash>" of the last verified event, and when the whole chain was
// last checked.
inline constexpr const char* kChainVerifiedState = "chain_verified";
inline constexpr const char* kChainCheckedAtState = "chain_checked_at";

struct ChainCheck {
    ChainVerification verification;
    bool whole = false;        // this check read the whole chain
    std::string wholeCheckAt;  // when the whole chain was last checked (ISO-8601 UTC)
};

// Checks the chain from the verified point when it can, else whole, and moves the point (in a
// writable store) to the head it found intact.
ChainCheck checkChainSinceVerified(SqliteComplianceStore& store,
                                   std::chrono::system_clock::time_point now);

}  // namespace mpa
