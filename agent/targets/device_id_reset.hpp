#pragma once
// When a profile's Metalama DeviceId is renewed: the rule behind DeviceIdRotationDays,
// DeviceIdResetToken and the ids cloned from the new-profile template, kept apart from the
// target that writes the files so that it can be read, and tested, as one decision.
#include <chrono>
#include <set>
#include <string>
#include <string_view>

#include "model/desired_state.hpp"
#include "model/ledger.hpp"
#include "targets/telemetry_settings.hpp"
#include "util/json_document.hpp"

namespace mpa {

class DeviceIdResetRule {
  public:
    DeviceIdResetRule(const DesiredState& desired, std::chrono::system_clock::time_point now)
        : desired_(desired), now_(now) {}

    // A DeviceId found in the new-profile template (/etc/skel) at `templatePath`: every account
    // created from it starts with that id, and so does every machine cloned from the same
    // image, so a profile still holding it gets a new one.
    void addTemplateId(std::string_view id, const std::string& templatePath);

    // Whether the telemetry.json `doc` (ledger subject `subject`) needs a new DeviceId, and why.
    // The ledger holds when the agent last set it and the reset token it last honoured. A
    // reset also carries a new Salt and its change time, as the vendor's own reset does.
    DeviceIdDecision decide(bool isTemplate, const std::string& subject,
                            const json::ObjectDocument& doc, const Ledger& ledger) const;

  private:
    DeviceIdDecision reason(bool isTemplate, const std::string& subject,
                            const json::ObjectDocument& doc, const Ledger& ledger) const;

    const DesiredState& desired_;
    std::chrono::system_clock::time_point now_;
    std::set<std::string, std::less<>> templateIds_;  // lower case
    std::string templatePath_;
};

}  // namespace mpa
