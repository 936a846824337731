#pragma once
// Recomputes the event history's hash chain (see event_chain.hpp) and names the first event that
// does not match: an edited row (its columns or body no longer give its hash), a deleted or
// inserted row (the sequence or the previous hash breaks), a reordered row, or a checkpoint that
// the signed-off "history pruned" event does not confirm.
#include <cstdint>
#include <optional>
#include <string>

#include "store/sqlite_connection.hpp"

namespace mpa {

struct ChainVerification {
    bool intact = false;
    std::int64_t eventsChecked = 0;
    std::int64_t firstBadEventId = 0;  // 0 when intact, or when the checkpoint is what is bad
    std::string headHash;              // hash of the last event checked
    std::int64_t headEventId = 0;
    std::string message;  // "intact: 42 events, head 42 ab12..." or what is wrong, naming the event
};

// `loggedHead`, when not empty, is a chain-head hash collected from the system log earlier: it
// must still be in the chain (an event's hash, or the checkpoint's), else the history was
// rewritten or cut after it was logged.
ChainVerification verifyEventChain(const SqliteConnection& db, const std::string& loggedHead = {});

// An event an earlier check verified, with everything before it.
struct ChainPoint {
    std::int64_t eventId = 0;
    std::string hash;
};

// The incremental check: only the events after `from`, each linking to the one before (the first
// to `from`) and matching its hash. nullopt when it cannot continue from there and only
// verifyEventChain can say: `from` is no longer there with that hash (pruned, the history cut
// back, a new or recovered database), the events cannot be read, or pruning moved the checkpoint.
std::optional<ChainVerification> verifyEventChainAfter(const SqliteConnection& db,
                                                       const ChainPoint& from);

}  // namespace mpa
