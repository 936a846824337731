#pragma once
// Which history events a pass produces, compared with the previous pass. Changes the agent made
// (remediated, drift repaired, repaired malformed file, restored, device id reset) are always
// events; states that persist (failed, pending, non-compliant) are events only when they begin or
// their reason changes, so a machine that stays broken does not grow the history every hour.
#include <cstdint>
#include <functional>
#include <vector>

#include "model/pass_report.hpp"
#include "store/current_findings_update.hpp"
#include "store/event_chain.hpp"
#include "util/status.hpp"

namespace mpa {

// `previous` is the last recorded pass (policy, findings, verdict), or null for the first.
std::vector<EventDraft> eventsForPass(const PassReport& current, const PassReport* previous,
                                      std::int64_t runId);

// The previous pass as the store compares with it while recording: its policy and verdict, and
// for each finding of the current pass what the previous pass had for that subject
// (updateCurrentFindings), so its findings need not be held.
struct PreviousPass {
    const PolicySet& policy;
    Verdict verdict;
    const std::vector<PreviousFinding>& findings;  // one per finding of the current pass
};

// The same events, handed to `sink` one at a time in the same order (a first pass over many
// profiles has one per profile); stops at the first failure of the sink and returns it.
Status forEachPassEvent(const PassReport& current, const PreviousPass* previous, std::int64_t runId,
                        const std::function<Status(const EventDraft&)>& sink);

// True for a change that reset a DeviceId: a finding of target "device-id", or one whose reason
// says "new DeviceId: <why>" (what the telemetry-json target writes) or "device id reset". Such
// a finding gives a "device id reset" event besides its own (e.g. "remediated").
bool isDeviceIdReset(const Finding& finding);

}  // namespace mpa
