#include "targets/device_id_reset.hpp"

#include "platform/random_guid.hpp"
#include "targets/telemetry_ledger_keys.hpp"
#include "util/text.hpp"
#include "util/time_text.hpp"

namespace mpa {

void DeviceIdResetRule::addTemplateId(std::string_view id, const std::string& templatePath) {
    if (id.empty()) return;
    templatePath_ = templatePath;
    templateIds_.insert(lowerAscii(id));
}

DeviceIdDecision DeviceIdResetRule::decide(bool isTemplate, const std::string& subject,
                                           const json::ObjectDocument& doc,
                                           const Ledger& ledger) const {
    auto decision = reason(isTemplate, subject, doc, ledger);
    if (decision.reset) {
        // A reset is the vendor's reset: a new Salt too, in the files that have one. 52 random
        // bits of a fresh GUID keep it a positive integer that every JSON reader holds exactly.
        const auto guid = platform::newRandomGuid();
        std::string hex;
        for (char c : guid)
            if (c != '-') hex += c;
        decision.newSalt = static_cast<std::int64_t>(std::stoull(hex.substr(0, 13), nullptr, 16));
        decision.saltChangeTime = isoUtc(now_);
    }
    return decision;
}

DeviceIdDecision DeviceIdResetRule::reason(bool isTemplate, const std::string& subject,
                                           const json::ObjectDocument& doc,
                                           const Ledger& ledger) const {
    if (!desired_.manageProfiles) return {};
    if (!isTemplate && !templateIds_.empty()) {
        const auto id = doc.getString("DeviceId");
        if (id && templateIds_.count(lowerAscii(*id)))
            return {true,
                    "it was the DeviceId of the new-profile template " + templatePath_ +
                        ", which every account created from it shares",
                    std::nullopt, ""};
    }
    const auto& token = desired_.deviceIdResetToken;
    if (!token.empty()) {
        const auto seen = ledger.state(deviceIdTokenState(subject));
        if (!seen || *seen != token)
            return {true, "DeviceIdResetToken changed to \"" + token + "\"", std::nullopt, ""};
    }
    if (desired_.deviceIdRotationDays > 0) {
        const auto last = ledger.state(deviceIdSetState(subject));
        const auto when = last ? parseIsoUtc(*last) : std::nullopt;
        const auto maxAge = std::chrono::hours(24 * desired_.deviceIdRotationDays);
        if (!when)
            return {true, "DeviceIdRotationDays: the agent has not set this DeviceId yet",
                    std::nullopt, ""};
        if (now_ - *when >= maxAge)
            return {true, "DeviceIdRotationDays: last set " + *last, std::nullopt, ""};
    }
    return {};
}

}  // namespace mpa
