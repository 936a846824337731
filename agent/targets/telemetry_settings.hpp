#pragma once
// Pure planning for one Metalama telemetry.json: given the file's members, what the policy
// requires and what the agent changed before (ledger), decide the new members. No I/O here.
//
// Metalama's rules a writer must follow (shared/reference/metalama.md): actions are numbers
// (0 Ask, 1 Yes, 2 No), a DeviceId GUID must stay present (2025.1.4-2026.1.18 rewrite a file
// without one with every action set to Yes), `version` is incremented on every write, and every
// key the agent does not manage keeps its exact value.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/desired_state.hpp"
#include "util/json_document.hpp"

namespace mpa {

inline constexpr std::array<const char*, 3> kReportingActionKeys{
    "ExceptionReportingAction", "PerformanceProblemReportingAction", "UsageReportingAction"};
inline constexpr std::int64_t kActionAsk = 0;
inline constexpr std::int64_t kActionNo = 2;

// What the ledger keeps for one telemetry.json: the raw JSON each managed key had before the
// agent first changed it (nullopt = the key did not exist), and what the agent created. Each key
// is its own ledger entry ("<path>#<key>"), so the first prior value of every key is kept even
// when policies are added one by one; the file itself is "<path>#file".
struct TelemetryPrior {
    std::vector<std::pair<std::string, std::optional<std::string>>> keys;  // key -> prior raw
    bool fileCreated = false;
    bool replacedMalformed = false;
    std::vector<std::string> createdDirectories;  // outermost first, logical paths

    // The "#file" entry's value: JSON with fileCreated, replacedMalformed, createdDirectories.
    std::string serializeFileEntry() const;
    void parseFileEntry(const std::string& text);  // tolerant: bad text leaves defaults
    const std::optional<std::string>* find(const std::string& key) const;
};

struct DeviceIdDecision {
    bool reset = false;
    std::string reason;  // "rotation after 30 days", "reset token changed", "missing"
    // What `metalama telemetry reset-device-id` also writes from 2025.1: a new Salt and its
    // LastSaltChangeTime. Written on a reset when the file has the 2025.1 shape (either key
    // present) and newSalt is set; older shapes get only the new DeviceId, as the vendor's
    // command of that version does.
    std::optional<std::int64_t> newSalt;
    std::string saltChangeTime;  // ISO-8601 UTC
};

struct TelemetryPlan {
    std::vector<std::string> diff;         // "- \"UsageReportingAction\": 0", "+ ..."
    std::vector<std::string> changedKeys;  // managed keys set by this plan
    std::vector<std::string> restoredKeys;
    bool deviceIdWritten = false;
    // Prior values the ledger holds that cannot be written back (not valid JSON): the key is
    // left as it is and its entry kept, and the subject's finding fails with this text.
    std::vector<std::string> problems;
    bool changed() const { return !diff.empty(); }
};

std::vector<std::pair<std::string, ActionRequirement>> actionRequirements(const DesiredState& d);

// Applies the policy to `doc` in place and returns what changed. `prior` is updated with the
// prior raw value of every key the agent changes for the first time. `newDeviceId` is called
// only when a DeviceId is written (a no-op pass makes no random GUIDs).
TelemetryPlan planTelemetry(json::ObjectDocument& doc, const DesiredState& desired,
                            TelemetryPrior& prior, const DeviceIdDecision& deviceId,
                            const std::function<std::string()>& newDeviceId);

// Whether planTelemetry leaves `doc` as it is whatever the prior state: the profiles are managed,
// every reporting action is managed and already No, and the DeviceId is there (a DeviceId reset,
// decided apart, aside). A pass need not read such a file's prior state from the ledger.
bool plansNothingWhateverThePrior(const json::ObjectDocument& doc, const DesiredState& desired);

// Human text of the managed keys, for findings: "ExceptionReportingAction=2, ..., DeviceId set".
std::string describeTelemetry(const json::ObjectDocument& doc);
std::string describeDesired(const DesiredState& desired);

}  // namespace mpa
