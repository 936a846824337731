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

// Walks events in chain order from an expected id and previous hash: the per-event checks both
// the full and the incremental check make.
struct ChainWalk {
    ChainWalk(std::int64_t firstId, std::string prev, std::int64_t startId, std::string logged)
        : expectedId(firstId),
          expectedPrev(std::move(prev)),
          chainStartId(startId),
          loggedHead(std::move(logged)),
          loggedHeadSeen(loggedHead.empty() || loggedHead == expectedPrev) {}

    std::int64_t expectedId;
    std::string expectedPrev;
    std::int64_t chainStartId;  // the first event after genesis or the checkpoint
    std::string loggedHead;
    bool loggedHeadSeen;
    std::int64_t checked = 0;
    std::optional<ChainEvent> lastPruneEvent;
    std::optional<ChainVerification> failure;

    bool visit(ChainEvent& e) {
        const auto id = [&e] { return "event " + std::to_string(e.id); };  // on failure only
        if (e.id != expectedId) {
            failure = broken(e.id, checked,
                             id() + ": expected event " + std::to_string(expectedId) +
                                 " here; events were deleted, inserted or renumbered");
            return false;
        }
        if (e.prevHash != expectedPrev) {
            failure = broken(
                e.id, checked,
                id() + ": its previous hash does not match " +
                    (e.id == 1 || e.id == chainStartId ? std::string("the start of the chain")
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
    }
};

}  // namespace

ChainVerification verifyEventChain(const SqliteConnection& db, const std::string& loggedHead) {
    Status read;
    const auto checkpoint = readChainCheckpoint(db, &read);
    if (!read) return broken(0, 0, "cannot read the chain checkpoint: " + read.error);
    const std::int64_t start = checkpoint ? checkpoint->lastPrunedId + 1 : 1;
    ChainWalk walk(start, checkpoint ? checkpoint->lastPrunedHash : kGenesisHash, start,
                   loggedHead);
    // One event at a time: the history of a machine with thousands of profiles is tens of MB.
    if (read = forEachEvent(db, "", "", [&walk](ChainEvent& e) { return walk.visit(e); }); !read)
        return broken(0, 0, "cannot read the event history: " + read.error);
    if (walk.failure) return *walk.failure;
    const auto checked = walk.checked;
    if (checkpoint) {
        std::string why;
        if (!walk.lastPruneEvent)
            return broken(0, checked,
                          "the chain starts at a checkpoint (event " +
                              std::to_string(checkpoint->lastPrunedId) +
                              ") but no \"history pruned\" event confirms it");
        if (!checkpointConfirmed(*checkpoint, *walk.lastPruneEvent, &why))
            return broken(walk.lastPruneEvent->id, checked, why);
    }
    if (!walk.loggedHeadSeen)
        return broken(0, checked,
                      "the chain head logged earlier (" + loggedHead +
                          ") is not in the history: events were removed or rewritten after it "
                          "was logged, or it belongs to another machine's store");
    ChainVerification v;
    v.intact = true;
    v.eventsChecked = checked;
    v.headEventId = walk.expectedId - 1;
    v.headHash = walk.expectedPrev;
    v.message =
        "intact: " + std::to_string(checked) + " events checked" +
        (checkpoint ? " after the checkpoint at event " + std::to_string(checkpoint->lastPrunedId)
                    : std::string()) +
        ", head event " + std::to_string(v.headEventId) + " " + v.headHash;
    return v;
}

std::optional<ChainVerification> verifyEventChainAfter(const SqliteConnection& db,
                                                       const ChainPoint& from) {
    // The point must still be there as it was verified: gone (pruned, the history cut back, a
    // new or recovered database) or changed, only the whole chain can say what holds.
    std::optional<ChainEvent> point;
    if (from.eventId <= 0 || !readEvent(db, from.eventId, &point) || !point ||
        point->hash != from.hash)
        return std::nullopt;
    ChainWalk walk(from.eventId + 1, from.hash, 0, {});
    if (!forEachEventAfter(db, from.eventId, [&walk](ChainEvent& e) { return walk.visit(e); }))
        return std::nullopt;
    if (walk.failure) return *walk.failure;
    // Pruning moved the checkpoint, which only the full check confirms.
    if (walk.lastPruneEvent) return std::nullopt;
    ChainVerification v;
    v.intact = true;
    v.eventsChecked = walk.checked;
    v.headEventId = walk.expectedId - 1;
    v.headHash = walk.expectedPrev;
    v.message = "intact: " + std::to_string(walk.checked) + " events checked after event " +
                std::to_string(from.eventId) + " (verified earlier), head event " +
                std::to_string(v.headEventId) + " " + v.headHash;
    return v;
}

}  // namespace mpa
