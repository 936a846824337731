#include "targets/license_audit_target.hpp"

#include "model/target_names.hpp"
#include "targets/metalama_license_key.hpp"
#include "targets/metalama_profiles.hpp"
#include "targets/owned_directories.hpp"
#include "targets/profile_directories.hpp"
#include "util/json_document.hpp"

namespace mpa {
namespace {

constexpr const char* kTargetName = target_name::kLicenseAudit;
constexpr const char* kLicensingFile = "licensing.json";
// A licensing file far beyond this is not one.
constexpr std::uint64_t kMaxLicensingBytes = 4 * 1024 * 1024;

// The key strings of a JSON array of strings (already validated), or nullopt when an element is
// not a string.
std::optional<std::vector<std::string>> stringArray(const std::string& raw) {
    std::vector<std::string> out;
    std::size_t i = raw.find_first_not_of(" \t\r\n", 1);
    while (i != std::string::npos && i < raw.size() && raw[i] != ']') {
        if (raw[i] != '"') return std::nullopt;
        std::size_t end = i + 1;
        while (end < raw.size() && raw[end] != '"') end += raw[end] == '\\' ? 2 : 1;
        const auto one =
            json::ObjectDocument::parse("{\"k\": " + raw.substr(i, end - i + 1) + "}", nullptr);
        if (!one || !one->getString("k")) return std::nullopt;
        out.push_back(*one->getString("k"));
        i = raw.find_first_not_of(" \t\r\n,", end + 1);
    }
    return out;
}

// What licensing.json says about the audit: `license` (a key string) and, from 2025.1,
// `licenses` (an array of key strings). The audit applies while any key does not carry the
// waiver (metalama_license_key.hpp); anything unreadable is "unknown", never "no key".
struct LicenseState {
    std::string observed;
    std::string reason;
};
LicenseState licenseKeyState(const json::ObjectDocument& doc) {
    std::vector<std::string> keys;
    std::string unknown;
    if (const auto* license = doc.find("license"); license && license->rawValue != "null") {
        if (const auto text = doc.getString("license")) {
            if (!text->empty()) keys.push_back(*text);
        } else {
            unknown = "\"license\" is " + license->rawValue.substr(0, 20) + ", not a key string";
        }
    }
    if (const auto* licenses = doc.find("licenses"); licenses && licenses->rawValue != "null") {
        const auto list =
            licenses->rawValue.front() == '[' ? stringArray(licenses->rawValue) : std::nullopt;
        if (!list)
            unknown = "\"licenses\" is not an array of key strings";
        else
            for (const auto& k : *list)
                if (!k.empty()) keys.push_back(k);
    }
    if (keys.empty())
        return {unknown.empty() ? "no license key" : "unknown: licensing.json: " + unknown, ""};
    std::size_t waived = 0;
    std::string why;
    for (const auto& k : keys) {
        const auto audit = readLicenseKeyAudit(k);
        if (audit.waiver == AuditWaiver::Waived) ++waived;
        if (audit.waiver == AuditWaiver::Unknown && why.empty()) why = audit.detail;
    }
    if (waived == keys.size())
        return {"license key registered, audit waived",
                "every registered key carries the audit-waiver flag (read from the key; its "
                "signature is Metalama's to verify)"};
    return {kLicenseKeyRegistered, why.empty()
                                       ? std::string()
                                       : "audit-waiver flag: unknown for a key (" + why +
                                             "); the audit applies unless the key waives it"};
}

Finding audit(const MetalamaProfile& p, const ProfileDataDirectory& d) {
    // The explanation (no policy can disable the audit) is said once in the pass summary, not
    // repeated in every profile's finding.
    auto f = Finding::notApplicable(kTargetName, d.logical, "").withUser(p.account);
    if (!d.exists()) {  // the telemetry target makes it in this pass: nothing in it yet
        f.observed = "no license key";
        return f;
    }
    auto read = d.dir.readFile(kLicensingFile, kMaxLicensingBytes);
    if (read.missing) {
        f.observed = "no license key";
    } else if (!read.status) {
        f.observed = "unknown: " + read.status.error;
    } else if (auto doc = json::ObjectDocument::parse(read.data, nullptr)) {
        auto state = licenseKeyState(*doc);
        f.observed = std::move(state.observed);
        f.reason = std::move(state.reason);
    } else {
        f.observed = "unknown: licensing.json is not valid JSON";
    }
    return f;
}

// The one data directory Metalama reads the keys from: the old .metalama when it exists (newer
// versions keep using it), else the newest that exists.
const ProfileDataDirectory& usedDirectory(const std::vector<ProfileDataDirectory>& dirs) {
    const ProfileDataDirectory* used = &dirs.front();
    for (const auto& d : dirs)
        if (baseNameOf(d.logical) == ".metalama") used = &d;
    return *used;
}

// A profile's finding from its data directories that exist (none: no finding).
std::optional<Finding> auditDirectories(const MetalamaProfile& p,
                                        const std::vector<ProfileDataDirectory>& dirs) {
    if (p.isTemplate || dirs.empty()) return std::nullopt;  // a template has no keys of its own
    return audit(p, usedDirectory(dirs));
}

FindingLog auditProfiles(TargetRun& run, PassProfiles& pass) {
    // The telemetry-json target's walk of this pass, read as it went (metalama_profiles.hpp).
    if (auto read = pass.takeReadFindings()) return std::move(*read);
    const auto list = pass.take(run.context);  // problems listing: telemetry-json reports them
    const auto& profiles = *list;
    auto findings = run.newFindingLog();
    ProfileHomes homes(run.context);
    auto stopped =
        visitProfilesUntilStopped(run, kTargetName, profiles, [&](const MetalamaProfile& p) {
            if (p.isTemplate) return;  // a template has no keys of its own
            Status opened;
            bool missing = false;
            const auto home = homes.open(p.home, &opened, &missing);
            if (!home || isLockedEcryptfsHome(*home) || home->self().uid != p.uid) return;
            if (auto f = auditDirectories(p, existingDataDirectories(p, *home, nullptr)))
                findings.push_back(std::move(*f));
        });
    if (stopped) findings.push_back(std::move(*stopped));
    return findings;
}

}  // namespace

LicenseAuditTarget::LicenseAuditTarget(std::shared_ptr<PassProfiles> profiles)
    : profiles_(std::move(profiles)) {
    profiles_->setDirectoryReader(auditDirectories);
}

FindingLog LicenseAuditTarget::reconcile(TargetRun& run, const DesiredState&) {
    return auditProfiles(run, *profiles_);
}

FindingLog LicenseAuditTarget::revert(TargetRun& run) {
    return auditProfiles(run, *profiles_);
}

}  // namespace mpa
