#include "store/compliance_summary.hpp"

#include <Poco/JSON/Object.h>

#include <sstream>

#include "model/desired_state.hpp"
#include "model/target_names.hpp"
#include "model/tool_compliance.hpp"
#include "policy/policy_names.hpp"
#include "store/chain_verify.hpp"
#include "store/compliance_timeline.hpp"
#include "store/event_report.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

bool environmentInPlace(Outcome outcome) {
    // Pending: the variable is written and takes effect at the next restart; it is in place.
    return outcome == Outcome::Pending ||
           (isCompliantOutcome(outcome) && outcome != Outcome::Restored);
}

}  // namespace

ComplianceSummary summarizeCompliance(const SqliteComplianceStore* store,
                                      std::chrono::system_clock::time_point now,
                                      const std::string& agentVersion,
                                      const std::string& storeProblem, const ChainCheck* chain) {
    ComplianceSummary s;
    s.agentVersion = agentVersion;
    if (!store) {
        s.problem = storeProblem.empty() ? "no compliance database" : storeProblem;
        return s;
    }
    const auto verification = chain ? chain->verification : verifyEventChain(store->connection());
    s.chainIntact = verification.intact;
    s.chainCheckedAt = chain ? chain->wholeCheckAt : isoUtc(now);
    // The findings are counted as they are read, not held: over ten thousand profiles they were
    // ~10 MB read back after every pass only to be counted.
    std::int64_t environmentTargets = 0, environmentSet = 0;
    ToolTally tally;
    const auto count = [&](Finding&& f) {
        tally.add(f);
        if (f.outcome == Outcome::Failed) ++s.failedFindings;
        if (f.target == target_name::kLicenseAudit) {
            if (f.observed == kLicenseKeyRegistered) ++s.licenseAuditProfiles;
        } else if (f.target == target_name::kTelemetryJson) {
            if (f.outcome == Outcome::NotApplicable) return;
            ++s.profilesTotal;
            if (isCompliantOutcome(f.outcome)) ++s.profilesCompliant;
        } else if (f.target == target_name::kUserSettingsFile) {
            return;  // another tool's per-user setting, not the machine's variable
        } else if (f.outcome != Outcome::NotApplicable) {  // e.g. the running manager off-line
            ++environmentTargets;
            if (environmentInPlace(f.outcome)) ++environmentSet;
        }
    };
    const auto last = store->lastPass(count);
    if (!last) {
        // A read that failed part-way counted some findings: none of them stands.
        s.failedFindings = s.licenseAuditProfiles = s.profilesTotal = s.profilesCompliant = 0;
        s.problem =
            store->lastReadError().empty() ? "no pass recorded yet" : store->lastReadError();
        return s;
    }
    const auto& r = last->report;
    Status timelineRead;
    const auto timeline = readComplianceTimeline(store->connection(), &timelineRead);
    s.compliantSince = timeline.compliantSince;
    if (timeline.lastChange)
        s.lastChange =
            timeline.lastChange->event.at + " " + timeline.lastChange->event.kind +
            (timeline.lastChange->event.subject.empty() ? ""
                                                        : " " + timeline.lastChange->event.subject);
    s.verdict = std::string(toString(r.verdict));
    s.lastPassAt = r.finishedAt.empty() ? r.startedAt : r.finishedAt;
    if (const auto* mode = r.policy.find(policy_name::kEnforcementMode))
        if (const auto* text = std::get_if<std::string>(&mode->value)) s.enforcementMode = *text;
    // The engine's own rule and the policy definitions' defaults: what the pass decided.
    const auto desired = decideDesiredState(r.policy, store->catalog());
    s.telemetryOptOutEnforced = desired.environmentOptOut() && !desired.auditOnly;

    s.environmentVariableSet = environmentTargets > 0 && environmentSet == environmentTargets;
    // Per tool, from the findings read back (sealed through the pass fingerprint) and the policy.
    s.toolsCompliant = true;
    const auto tools = std::move(tally).result(desired);
    for (const auto& t : tools) {
        if (t.named) ++s.toolsNamed;
        const bool compliant = t.verdict != Verdict::NonCompliant;
        s.toolsCompliant = s.toolsCompliant && compliant;
        s.toolCompliant.emplace_back(toolSettingName(t.tool), compliant);
    }
    s.toolsNonCompliant = nonCompliantTools(tools);
    s.profilesCompliantPercent =
        s.profilesTotal == 0 ? 100 : s.profilesCompliant * 100 / s.profilesTotal;

    s.healthLimitMinutes = 2 * desired.reconcileIntervalMinutes + 15;
    if (!s.chainIntact)
        s.problem = "event history does not verify: " + verification.message;
    else if (!r.notes.empty())
        s.problem = "the last pass reported: " + r.notes.front();
    s.agentHealthy = s.problem.empty();
    ageCompliance(s, now);
    return s;
}

void ageCompliance(ComplianceSummary& s, std::chrono::system_clock::time_point now) {
    const auto when = parseIsoUtc(s.lastPassAt);
    s.lastPassAgeMinutes =
        when ? std::chrono::duration_cast<std::chrono::minutes>(now - *when).count() : -1;
    s.lastPassWithinDay = s.lastPassAgeMinutes >= 0 && s.lastPassAgeMinutes <= 24 * 60;
    if (s.lastPassAgeMinutes < 0 || s.lastPassAgeMinutes > s.healthLimitMinutes) {
        s.agentHealthy = false;
        if (s.problem.empty())
            s.problem = "the last pass (" + (s.lastPassAt.empty() ? "none" : s.lastPassAt) +
                        ") is older than " + std::to_string(s.healthLimitMinutes) + " minutes";
    }
}

std::string toolSettingName(const std::string& tool) {
    std::string name = kToolSettingPrefix + tool;
    for (auto& c : name)
        if (c == '-') c = '_';
    return name;
}

std::string complianceToIntuneJson(const ComplianceSummary& s) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("AgentHealthy", s.agentHealthy);
    o.set("Verdict", s.verdict);
    o.set("EnforcementMode", s.enforcementMode);
    o.set("TelemetryOptOutEnforced", s.telemetryOptOutEnforced);
    o.set("EnvironmentVariableSet", s.environmentVariableSet);
    o.set("ProfilesTotal", static_cast<Poco::Int64>(s.profilesTotal));
    o.set("ProfilesCompliant", static_cast<Poco::Int64>(s.profilesCompliant));
    o.set("ProfilesCompliantPercent", static_cast<Poco::Int64>(s.profilesCompliantPercent));
    o.set("LicenseAuditProfiles", static_cast<Poco::Int64>(s.licenseAuditProfiles));
    o.set("FailedFindings", static_cast<Poco::Int64>(s.failedFindings));
    o.set("LastPassAgeMinutes", static_cast<Poco::Int64>(s.lastPassAgeMinutes));
    o.set("LastPassWithinDay", s.lastPassWithinDay);
    o.set("ChainIntact", s.chainIntact);
    o.set("ChainCheckedAt", s.chainCheckedAt);
    o.set("ToolsCompliant", s.toolsCompliant);
    o.set("ToolsNamed", static_cast<Poco::Int64>(s.toolsNamed));
    o.set("ToolsNonCompliant", s.toolsNonCompliant);
    for (const auto& [name, compliant] : s.toolCompliant) o.set(name, compliant);
    o.set("AgentVersion", s.agentVersion);
    std::ostringstream out;
    o.stringify(out);  // compact: no spaces or line breaks
    return out.str();
}

std::string complianceToText(const ComplianceSummary& s) {
    std::ostringstream out;
    out << "Agent healthy:              " << (s.agentHealthy ? "yes" : "no")
        << (s.problem.empty() ? "" : " (" + s.problem + ")") << "\n"
        << "Verdict:                    " << s.verdict
        << (s.compliantSince.empty() ? "" : " since " + s.compliantSince) << "\n"
        << "Last change:                " << (s.lastChange.empty() ? "none" : s.lastChange) << "\n"
        << "Enforcement mode:           " << s.enforcementMode << "\n"
        << "Telemetry opt-out enforced: " << (s.telemetryOptOutEnforced ? "yes" : "no") << "\n"
        << "Environment variable set:   " << (s.environmentVariableSet ? "yes" : "no") << "\n"
        << "Profiles compliant:         " << s.profilesCompliant << " of " << s.profilesTotal
        << " (" << s.profilesCompliantPercent << "%)\n"
        << "Failed findings:            " << s.failedFindings << "\n"
        << "Last pass:                  " << (s.lastPassAt.empty() ? "none" : s.lastPassAt) << "\n"
        << "Event history:              " << (s.chainIntact ? "intact" : "DOES NOT VERIFY")
        << (s.chainCheckedAt.empty() ? ""
                                     : " (whole chain checked " + s.chainCheckedAt +
                                           ", events appended since then at every pass)")
        << "\n"
        << "Tools compliant:            " << (s.toolsCompliant ? "yes" : "no") << " ("
        << s.toolsNamed << " named by the policy"
        << (s.toolsNonCompliant.empty() ? "" : "; not compliant: " + s.toolsNonCompliant) << ")\n"
        << "License audit applies to:   " << s.licenseAuditProfiles
        << " profiles (a license key is registered)\n\n"
        << kLicenseAuditStatement << "\n";
    return out.str();
}

}  // namespace mpa
