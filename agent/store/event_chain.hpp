#pragma once
// The append-only, hash-chained event history. Each event's hash is SHA-256 over the previous
// event's hash, a newline, and the event's canonical body (compact JSON with a fixed member
// order, stored verbatim in events.body so anyone can recompute it with sqlite3 and sha256sum).
// Subject, details and data are stored only in the body (the view event_history extracts them);
// the id, at, kind and run_id columns repeat what queries filter on and must agree with it.
// The first event chains to 64 zeros, or, after retention pruned the start of the history, to
// the hash of the last pruned event kept in chain_checkpoint.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite_connection.hpp"
#include "util/status.hpp"

namespace mpa {

inline constexpr const char* kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct EventDraft {
    std::string at;           // ISO-8601 UTC
    std::string kind;         // event_kind::*
    std::string subject;      // policy name, path, user and path; empty for agent events
    std::string details;      // one human line
    std::string data = "{}";  // JSON object with the machine-readable details
    std::optional<std::int64_t> runId;
};

struct ChainEvent {
    std::int64_t id = 0;
    EventDraft event;
    std::string body;
    std::string prevHash;
    std::string hash;
    bool columnsMatchBody = true;  // the id, at, kind, run_id columns agree with the body
};

struct ChainHead {
    std::int64_t eventId = 0;  // 0 when there is no event yet
    std::string hash;          // kGenesisHash (or the checkpoint's) when there is no event
};

struct ChainCheckpoint {
    std::int64_t lastPrunedId = 0;
    std::string lastPrunedHash;
    std::string prunedAt;
};

// {"seq":N,"at":"...","kind":"...","subject":"...","details":"...","run":N|null,"data":{...}}
std::string canonicalEventBody(std::int64_t id, const EventDraft& event);
std::string chainHash(const std::string& prevHash, const std::string& body);
// Reads a canonical body back (false when it is not one).
bool parseEventBody(const std::string& body, std::int64_t* seq, EventDraft* out);

// Appends within the caller's transaction (so a pass and its events commit together).
Status appendEvent(SqliteConnection& db, const EventDraft& event);
// nullopt with *status failed when the head cannot be read.
std::optional<ChainHead> readChainHead(const SqliteConnection& db, Status* status);
// nullopt with a successful *status: no checkpoint (nothing was ever pruned).
std::optional<ChainCheckpoint> readChainCheckpoint(const SqliteConnection& db, Status* status);

// Events with since <= at < until (either bound empty = open), in chain order.
Status readEvents(const SqliteConnection& db, const std::string& since, const std::string& until,
                  std::vector<ChainEvent>* out);
// The same events, one at a time without holding them all (the whole history is checked after
// every pass); a visit returning false stops the reading.
Status forEachEvent(const SqliteConnection& db, const std::string& since, const std::string& until,
                    const std::function<bool(ChainEvent&)>& visit);
// Events with an id above `afterId`, in chain order, one at a time (the incremental check).
Status forEachEventAfter(const SqliteConnection& db, std::int64_t afterId,
                         const std::function<bool(ChainEvent&)>& visit);
// The event `id`; *out stays empty when there is none.
Status readEvent(const SqliteConnection& db, std::int64_t id, std::optional<ChainEvent>* out);

}  // namespace mpa
