#pragma once
// A whole pass as one JSON document, for the durable queue of what the store could not take yet
// (store/pending_queue.hpp): read back, it records exactly as the pass would have, with its own
// times. The desired state is not written: it is a pure function of the policy.
#include <string>

#include "model/pass_report.hpp"
#include "util/status.hpp"

namespace mpa {

std::string passReportToJson(const PassReport& report);
// Fails naming what is wrong; `catalog` types the policy values and derives the desired state.
Status passReportFromJson(const std::string& json, const PolicyCatalog& catalog, PassReport* out);

}  // namespace mpa
