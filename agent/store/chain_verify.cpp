#include "store/chain_verify.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "store/event_chain.hpp"
#include "store/event_kinds.hpp"

namespace mpa {
namespace {

ChainVerification broken(std::int64_t eventId, std::int64_t checked, std::string message) {
    ChainVerification v;
    v.firstBadEventId = eventId;
    v.eventsChecked = checked;
    v.message = std::move(message);
    return v;
}

// The checkpoint is trusted only when the latest "history pruned" event (inside the chain)
// recorded the same id and hash.
bool checkpointConfirmed(const ChainCheckpoint& checkpoint, const ChainEvent& pruned,
                         std::string* why) {
    try {
        Poco::JSON::Parser parser;
        const auto data = parser.parse(pruned.event.data).extract<Poco::JSON::Object::Ptr>();
        const auto id = data->optValue<Poco::Int64>("last_pruned_id", -1);
        const auto hash = data->optValue<std::string>("last_pruned_hash", "");
        if (id == checkpoint.lastPrunedId && hash == checkpoint.lastPrunedHash) return true;
        *why = "the checkpoint (event " + std::to_string(checkpoint.lastPrunedId) + ", hash " +
               checkpoint.lastPrunedHash + ") differs from what \"history pruned\" event " +
               std::to_string(pruned.id) + " recorded (event " + std::to_string(id) + ", hash " +
               hash + ")";
    } catch (const Poco::Exception& e) {
        *why = "\"history pruned\" event " + std::to_string(pruned.id) +
               " has unreadable data: " + e.displayText();
    }
    return false;
}

}  // namespace

ChainVerification verifyEventChain(const SqliteConnection& db, const std::string& loggedHead) {
    Status read;
    const auto checkpoint = readChainCheckpoint(db, &read);
    if (!read) return broken(0, 0, "cannot read the chain checkpoint: " + read.error);
    std::string expectedPrev = checkpoint ? checkpoint->lastPrunedHash : kGenesisHash;
    std::int64_t expectedId = checkpoint ? checkpoint->lastPrunedId + 1 : 1;
    std::optional<ChainEvent> lastPruneEvent;
    bool loggedHeadSeen = loggedHead.empty() || loggedHead == expectedPrev;
    std::int64_t checked = 0;
    std::optional<ChainVerification> failure;
    // One event at a time: the history of a machine with thousands of profiles is tens of MB.
    const auto check = [&](ChainEvent& e) {
        const auto id = [&e] { return "event " + std::to_string(e.id); };  // on failure only
        if (e.id != expectedId) {
            failure = broken(e.id, checked,
                             id() + ": expected event " + std::to_string(expectedId) +
                                 " here; events were deleted, inserted or renumbered");
            return false;
        }
        if (e.prevHash != expectedPrev) {
            failure = broken(e.id, checked,
                             id() + ": its previous hash does not match " +
                                 (e.id == 1 || (checkpoint && e.id == checkpoint->lastPrunedId + 1)
                                      ? std::string("the start of the chain")
                                      : "event " + std::to_string(e.id - 1)) +
                                 "; an event before it was deleted, inserted or edited");
            return false;
        }
        // columnsMatchBody also says the body is canonical: reading the event found it to be
        // the canonical prefix of this id and these columns followed by the data member.
        if (!e.columnsMatchBody) {
            failure = broken(e.id, checked,
                             id() +
                                 ": its columns (id, at, kind, run_id) no longer match its "
                                 "hashed body, or the body is not canonical; the row was edited");
            return false;
        }
        if (chainHash(e.prevHash, e.body) != e.hash) {
            failure = broken(e.id, checked, id() + ": its hash does not match its content; edited");
            return false;
        }
        if (e.hash == loggedHead) loggedHeadSeen = true;
        expectedPrev = e.hash;
        ++expectedId;
        ++checked;
        if (e.event.kind == event_kind::kHistoryPruned) lastPruneEvent = std::move(e);
        return true;
    };
    if (read = forEachEvent(db, "", "", check); !read)
        return broken(0, 0, "cannot read the event history: " + read.error);
    if (failure) return *failure;
    if (checkpoint) {
        std::string why;
        if (!lastPruneEvent)
            return broken(0, checked,
                          "the chain starts at a checkpoint (event " +
                              std::to_string(checkpoint->lastPrunedId) +
                              ") but no \"history pruned\" event confirms it");
        if (!checkpointConfirmed(*checkpoint, *lastPruneEvent, &why))
            return broken(lastPruneEvent->id, checked, why);
    }
    if (!loggedHeadSeen)
        return broken(0, checked,
                      "the chain head logged earlier (" + loggedHead +
                          ") is not in the history: events were removed or rewritten after it "
                          "was logged, or it belongs to another machine's store");
    ChainVerification v;
    v.intact = true;
    v.eventsChecked = checked;
    v.headEventId = expectedId - 1;
    v.headHash = expectedPrev;
    v.message =
        "intact: " + std::to_string(checked) + " events checked" +
        (checkpoint ? " after the checkpoint at event " + std::to_string(checkpoint->lastPrunedId)
                    : std::string()) +
        ", head event " + std::to_string(v.headEventId) + " " + v.headHash;
    return v;
}

}  // namespace mpa
