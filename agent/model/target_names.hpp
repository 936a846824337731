#pragma once
// Names of the per-profile targets and the license audit's finding that readers above the targets
// (the compliance summary, the report printer) count by. One definition: the targets write them,
// the readers match them.
namespace mpa {

namespace target_name {
inline constexpr const char* kTelemetryJson = "telemetry-json";
inline constexpr const char* kLicenseAudit = "license-audit";
inline constexpr const char* kUserSettingsFile = "user-settings-file";
}  // namespace target_name

// Finding.observed of a license-audit finding when a key without the audit waiver is registered.
inline constexpr const char* kLicenseKeyRegistered = "license key registered";

}  // namespace mpa
