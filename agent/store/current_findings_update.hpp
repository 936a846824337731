#pragma once
// Replaces current_findings (the whole latest set of findings) with a new pass's findings without
// loading the previous set or holding the new one: the previous rows are read in chunks of a few
// hundred alongside the new findings, in order. While each row is the same subject at the same
// position (passes over a machine give their findings in the same order), they are compared
// field by field and nothing is held; from the first that is not, the rest are matched subject
// by subject by digest, about 32 bytes per finding from there (digests, the row each replaces).
// A pass with no previous rows left writes the rest as they come. Rows that did not change and
// kept their position are not written at all.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/finding.hpp"
#include "model/finding_log.hpp"
#include "store/sqlite_connection.hpp"
#include "util/status.hpp"

namespace mpa {

// What the previous pass recorded for the subject of one finding of this pass: all that the
// events of a pass compare with (store/pass_events.hpp), so the previous findings need not be
// kept.
struct PreviousFinding {
    Outcome outcome = Outcome::Compliant;
    bool present = false;     // the previous pass had this subject
    bool sameReason = false;  // with the same reason as this pass's finding
};

// Called for a finding that is new or differs from the previous pass's (removed = false, seq its
// position in the pass) and for a subject the previous pass had and this one has not (removed =
// true, seq after the pass's findings): the rows of the findings table for this run.
using FindingDelta = std::function<Status(std::int64_t seq, const Finding&, bool removed)>;

// Within the caller's transaction: current_findings becomes `findings`, seq = position in the
// pass; a row whose outcome is unchanged keeps its state_since, any other gets `startedAt`.
// `previous` (one per finding) receives what the previous set held for each subject. Two
// findings of one pass with the same target and subject are matched with the previous rows of
// that subject in order.
Status updateCurrentFindings(SqliteConnection& db, const FindingLog& findings,
                             const std::string& startedAt, const FindingDelta& delta,
                             std::vector<PreviousFinding>* previous);

}  // namespace mpa
