#pragma once
// Every event appended to the compliance chain also goes to the agent's log, after its
// transaction committed, as one record with structured fields (Poco::Message parameters) that the
// JSON log format and the journald channel turn into fields a SIEM can filter on
// (docs/logging.md). Logger "event"; level warning for failed, non-compliant, drift detected and
// store recovered, information for the others.
#include <cstdint>

#include "store/sqlite_connection.hpp"

namespace mpa {

// The parameter names, shared by the writers of the log formats.
namespace log_field {
inline constexpr const char* kEventKind = "event_kind";
inline constexpr const char* kSubject = "subject";
inline constexpr const char* kOutcome = "outcome";
inline constexpr const char* kDetails = "details";
inline constexpr const char* kPassId = "pass_id";
inline constexpr const char* kEventId = "event_id";
inline constexpr const char* kChainHead = "chain_head";
inline constexpr const char* kMessageId = "message_id";
inline constexpr const char* kAll[] = {kEventKind, kSubject, kOutcome,   kDetails,
                                       kPassId,    kEventId, kChainHead, kMessageId};
}  // namespace log_field

// The id of the newest event (0 when none), to pass to logEventsAfter once the write committed.
std::int64_t newestEventId(const SqliteConnection& db);

// Logs the events with an id greater than `afterId`, in chain order. Best effort: a read error
// is logged, never returned (the events are recorded either way).
void logEventsAfter(const SqliteConnection& db, std::int64_t afterId);

}  // namespace mpa
