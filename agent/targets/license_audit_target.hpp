#pragma once
// Per user: whether Metalama's license audit applies to the profile, read from licensing.json in
// the data directory Metalama uses (a registered license key without the audit-waiver flag). The
// telemetry opt-out does not stop the audit and no policy can, so this target changes nothing:
// every finding is NotApplicable, and its `observed` says what the profile holds ("license key
// registered", "license key registered, audit waived", "no license key", "unknown: ...").
//
// It reads the profiles the telemetry-json target manages, the same way (profile_directories),
// and after it in the registry, so that a data directory that target created is read too: when
// both share a PassProfiles, it reads licensing.json while that target has the directories open
// (one walk of the homes per pass), and walks them itself only when no walk of this pass
// finished. A profile whose home or data directory cannot be used is the telemetry-json target's
// to report; here it has no finding.
#include <memory>

#include "model/target.hpp"
#include "model/target_names.hpp"
#include "targets/metalama_profiles.hpp"

namespace mpa {

class LicenseAuditTarget : public Target {
  public:
    // `profiles`: the list the telemetry-json target of the same pass made, taken rather than
    // listed again, and the directories it opened (metalama_profiles.hpp).
    explicit LicenseAuditTarget(
        std::shared_ptr<PassProfiles> profiles = std::make_shared<PassProfiles>());
    std::string name() const override { return target_name::kLicenseAudit; }
    FindingLog reconcile(TargetRun& run, const DesiredState& desired) override;
    // Nothing to restore: it reports the same as a pass, as it did when the telemetry-json
    // target reported it.
    FindingLog revert(TargetRun& run) override;

  private:
    std::shared_ptr<PassProfiles> profiles_;
};

}  // namespace mpa
