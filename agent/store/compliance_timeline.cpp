#include "store/compliance_timeline.hpp"

#include "store/event_kinds.hpp"

namespace mpa {

ComplianceTimeline readComplianceTimeline(const SqliteConnection& db, Status* status) {
    ComplianceTimeline timeline;
    *status = Status::success();
    SqliteStatement since;
    if (*status =
            db.prepare("SELECT min(started_at) FROM runs WHERE id > "
                       "(SELECT COALESCE(max(id), 0) FROM runs WHERE verdict <> 'compliant') "
                       "AND (SELECT verdict FROM runs ORDER BY id DESC LIMIT 1) = 'compliant'",
                       &since);
        !*status)
        return timeline;
    if (since.step() && !since.isNull(0)) timeline.compliantSince = since.text(0);
    if (since.failed()) {
        *status = Status::failure(since.errorMessage());
        return timeline;
    }
    SqliteStatement last;
    if (*status = db.prepare("SELECT id, at FROM events WHERE kind IN (?, ?, ?, ?, ?, ?) "
                             "ORDER BY id DESC LIMIT 1",
                             &last);
        !*status)
        return timeline;
    int i = 1;
    for (const char* kind :
         {event_kind::kRemediated, event_kind::kDriftRepaired, event_kind::kRepairedMalformedFile,
          event_kind::kRestored, event_kind::kDeviceIdReset, event_kind::kPolicyChanged})
        last.bind(i++, kind);
    if (!last.step()) {
        if (last.failed()) *status = Status::failure(last.errorMessage());
        return timeline;
    }
    // Read the one event through the chain reader, which knows where its fields live.
    *status = readEvent(db, last.integer(0), &timeline.lastChange);
    return timeline;
}

}  // namespace mpa
