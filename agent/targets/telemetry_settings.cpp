#include "targets/telemetry_settings.hpp"

#include <algorithm>
#include <sstream>
#include <string_view>

namespace mpa {

std::string TelemetryPrior::serializeFileEntry() const {
    // JSON, so an auditor reading the ledger table sees what will be undone.
    std::ostringstream out;
    out << "{\"fileCreated\":" << (fileCreated ? "true" : "false")
        << ",\"replacedMalformed\":" << (replacedMalformed ? "true" : "false")
        << ",\"createdDirectories\":[";
    for (std::size_t i = 0; i < createdDirectories.size(); ++i)
        out << (i ? "," : "") << json::quote(createdDirectories[i]);
    out << "]}";
    return out.str();
}

namespace {

// The strings of a JSON array of strings (validated); nullopt when it is anything else.
std::optional<std::vector<std::string>> stringArray(std::string_view raw) {
    if (!json::validate(raw, nullptr)) return std::nullopt;
    const auto space = [&](std::size_t i) {
        while (i < raw.size() &&
               (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r'))
            ++i;
        return i;
    };
    std::vector<std::string> out;
    std::size_t i = space(0);
    if (i == raw.size() || raw[i] != '[') return std::nullopt;
    i = space(i + 1);
    if (i < raw.size() && raw[i] == ']') return out;
    while (i < raw.size() && raw[i] == '"') {
        // Valid JSON: the string ends at the first quote not escaped.
        std::size_t end = i + 1;
        while (raw[end] != '"') end += raw[end] == '\\' ? 2 : 1;
        auto text = json::decodeStringValue(raw.substr(i, end + 1 - i));
        if (!text) return std::nullopt;
        out.push_back(std::move(*text));
        i = space(end + 1);
        if (i < raw.size() && raw[i] == ']') return out;
        if (i == raw.size() || raw[i] != ',') return std::nullopt;
        i = space(i + 1);
    }
    return std::nullopt;
}

}  // namespace

void TelemetryPrior::parseFileEntry(const std::string& text) {
    // Read for every settings file at every pass: the strict parser's member ranges, no object
    // tree (a tree per file was a few per cent of a no-op pass).
    const auto members = json::parseObjectRanges(text, nullptr);
    if (!members) return;  // a damaged entry means less to undo, never a crash
    for (const auto& m : *members) {
        const auto raw = std::string_view(text).substr(m.valueBegin, m.valueEnd - m.valueBegin);
        if (m.key == "fileCreated")
            fileCreated = raw == "true";
        else if (m.key == "replacedMalformed")
            replacedMalformed = raw == "true";
        else if (m.key == "createdDirectories")
            if (auto dirs = stringArray(raw)) createdDirectories = std::move(*dirs);
    }
}

const std::optional<std::string>* TelemetryPrior::find(const std::string& key) const {
    for (const auto& entry : keys)
        if (entry.first == key) return &entry.second;
    return nullptr;
}

std::vector<std::pair<std::string, ActionRequirement>> actionRequirements(const DesiredState& d) {
    return {{kReportingActionKeys[0], d.exception},
            {kReportingActionKeys[1], d.performance},
            {kReportingActionKeys[2], d.usage}};
}

namespace {

std::string rawOrAbsent(const json::ObjectDocument& doc, const std::string& key) {
    const auto* member = doc.find(key);
    return member ? member->rawValue : "(absent)";
}

void noteChange(TelemetryPlan& plan, const json::ObjectDocument& before, const std::string& key,
                const std::string& newRaw) {
    plan.diff.push_back("- " + json::quote(key) + ": " + rawOrAbsent(before, key));
    plan.diff.push_back("+ " + json::quote(key) + ": " + newRaw);
}

}  // namespace

TelemetryPlan planTelemetry(json::ObjectDocument& doc, const DesiredState& desired,
                            TelemetryPrior& prior, const DeviceIdDecision& deviceId,
                            const std::function<std::string()>& newDeviceId) {
    TelemetryPlan plan;
    const auto before = doc;
    const bool enforcing = desired.manageProfiles;
    for (const auto& [key, requirement] : actionRequirements(desired)) {
        const auto current = doc.getInteger(key);
        const auto* priorRaw = prior.find(key);
        // Recommended: unset or Ask is no choice, and No with a prior state recorded is the
        // agent's own value, not a choice the user made (taken for one, it was restored on the
        // next pass and set again on the one after).
        const bool noChoice =
            !current || *current == kActionAsk || (*current == kActionNo && priorRaw);
        const bool wanted =
            enforcing && (requirement == ActionRequirement::ForceNo ||
                          (requirement == ActionRequirement::NoUnlessUserChose && noChoice));
        if (wanted) {
            if (current == kActionNo) continue;
            if (!priorRaw) {
                const auto* member = doc.find(key);
                prior.keys.emplace_back(
                    key, member ? std::optional<std::string>(member->rawValue) : std::nullopt);
            }
            noteChange(plan, before, key, std::to_string(kActionNo));
            doc.setInteger(key, kActionNo);
            plan.changedKeys.push_back(key);
        } else if (priorRaw) {
            // The policy no longer asks for this key: the user's own choice comes back, unless
            // the user changed it themselves since (then it is theirs already).
            const bool stillOurs = current == kActionNo;
            json::ParseError bad;
            if (stillOurs && *priorRaw && !json::validate(**priorRaw, &bad)) {
                // A damaged ledger entry fails this subject only; the key stays as it is.
                plan.problems.push_back("the recorded prior value of " + key +
                                        " is not valid JSON (" + bad.describe() +
                                        "); not restored, its ledger entry kept");
                continue;
            }
            if (stillOurs) {
                if (*priorRaw) {
                    noteChange(plan, before, key, **priorRaw);
                    doc.setRaw(key, **priorRaw);
                } else {
                    plan.diff.push_back("- " + json::quote(key) + ": " + rawOrAbsent(before, key));
                    doc.remove(key);
                }
            }
            plan.restoredKeys.push_back(key);
        }
    }
    for (const auto& key : plan.restoredKeys)
        prior.keys.erase(std::remove_if(prior.keys.begin(), prior.keys.end(),
                                        [&](const auto& e) { return e.first == key; }),
                         prior.keys.end());

    // A managed file must carry a DeviceId even when the actions are already right: Metalama
    // 2025.1.4-2026.1.18 resets every action to Yes in a file without one.
    const auto* id = doc.find("DeviceId");
    const bool missingId = !id || id->rawValue == "null";
    const bool managed = enforcing && desired.anyActionManaged();
    if (deviceId.reset || (missingId && (managed || plan.changed()))) {
        const auto fresh = newDeviceId();
        noteChange(plan, before, "DeviceId", json::quote(fresh));
        doc.setString("DeviceId", fresh);
        plan.deviceIdWritten = true;
        const bool saltShape = doc.find("Salt") || doc.find("LastSaltChangeTime");
        if (deviceId.reset && saltShape && deviceId.newSalt) {
            noteChange(plan, before, "Salt", std::to_string(*deviceId.newSalt));
            doc.setInteger("Salt", *deviceId.newSalt);
            noteChange(plan, before, "LastSaltChangeTime", json::quote(deviceId.saltChangeTime));
            doc.setString("LastSaltChangeTime", deviceId.saltChangeTime);
        }
    }
    if (plan.changed()) {
        if (const auto version = doc.getInteger("version")) {
            noteChange(plan, before, "version", std::to_string(*version + 1));
            doc.setInteger("version", *version + 1);
        }
    }
    return plan;
}

bool plansNothingWhateverThePrior(const json::ObjectDocument& doc, const DesiredState& desired) {
    // Each key is then wanted (a forced No; a recommended No with a prior state) and left as it
    // is, or not wanted without a prior state (a recommended No the user chose): no restore.
    if (!desired.manageProfiles) return false;
    for (const auto& [key, requirement] : actionRequirements(desired))
        if (requirement == ActionRequirement::None || doc.getInteger(key) != kActionNo)
            return false;
    const auto* id = doc.find("DeviceId");
    return id && id->rawValue != "null";
}

std::string describeTelemetry(const json::ObjectDocument& doc) {
    // Appended in place: made for every file of every pass.
    std::string out;
    out.reserve(112);
    for (const char* key : kReportingActionKeys) {
        const auto* member = doc.find(key);
        if (!out.empty()) out += ", ";
        out += key;
        out += '=';
        out += member ? std::string_view(member->rawValue) : std::string_view("absent");
    }
    const auto* id = doc.find("DeviceId");
    out += (id && id->rawValue != "null") ? ", DeviceId set" : ", DeviceId missing";
    return out;
}

std::string describeDesired(const DesiredState& desired) {
    std::string out;
    for (const auto& [key, requirement] : actionRequirements(desired)) {
        if (requirement == ActionRequirement::None || !desired.manageProfiles) continue;
        out += std::string(out.empty() ? "" : ", ") + key +
               (requirement == ActionRequirement::ForceNo ? "=2" : "=2 unless the user chose");
    }
    return out.empty() ? "not managed" : out + ", DeviceId set";
}

}  // namespace mpa
