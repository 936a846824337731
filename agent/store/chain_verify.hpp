#pragma once
// Recomputes the event history's hash chain (see event_chain.hpp) and names the first event that
// does not match: an edited row (its columns or body no longer give its hash), a deleted or
// inserted row (the sequence or the previous hash breaks), a reordered row, or a checkpoint that
// the signed-off "history pruned" event does not confirm.
#include <cstdint>
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

}  // namespace mpa
