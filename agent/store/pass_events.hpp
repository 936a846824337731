#pragma once
// Which history events a pass produces, compared with the previous pass. Changes the agent made
// (remediated, drift repaired, repaired malformed file, restored, device id reset) are always
// events; states that persist (failed, pending, non-compliant) are events only when they begin or
// their reason changes, so a machine that stays broken does not grow the history every hour.
#include <cstdint>
#include <vector>

#include "model/pass_report.hpp"
#include "store/event_chain.hpp"

namespace mpa {

// `previous` is the last recorded pass (policy, findings, verdict), or null for the first.
std::vector<EventDraft> eventsForPass(const PassReport& current, const PassReport* previous,
                                      std::int64_t runId);

// True for a change that reset a DeviceId: a finding of target "device-id", or one whose reason
// says "new DeviceId: <why>" (what the telemetry-json target writes) or "device id reset". Such
// a finding gives a "device id reset" event besides its own (e.g. "remediated").
bool isDeviceIdReset(const Finding& finding);

}  // namespace mpa
