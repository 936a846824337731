#pragma once
// Which history events a pass produces, compared with the previous pass. Changes the agent made
// (remediated, drift repaired, repaired malformed file, restored, device id reset) are always
// events; states that persist (failed, pending, non-compliant) are events only when they begin or
// their reason changes, so a machine that stays broken does not grow the history every hour.
#include <cstdint>
#include <vector>

#include "engine/pass_report.hpp"
#include "store/event_chain.hpp"

namespace mpa {

// `previous` is the last recorded pass (policy, findings, verdict), or null for the first.
std::vector<EventDraft> eventsForPass(const PassReport& current, const PassReport* previous,
                                      std::int64_t runId);

// True for a finding that reports a DeviceId reset: the per-user target names it with target
// "device-id", or says "device id reset" / "DeviceId reset" in its reason or desired text.
bool isDeviceIdReset(const Finding& finding);

}  // namespace mpa
