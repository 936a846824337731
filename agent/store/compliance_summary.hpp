#pragma once
// The machine's compliance in a few flat values, for Intune custom compliance (one line of
// compressed JSON from the discovery script) and other fleet tools. The setting names are an
// interface: installer/intune/compliance-rules.json refers to them, and a test checks that every
// rule's SettingName is in this output.
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "policy/policy_names.hpp"
#include "store/chain_check.hpp"
#include "store/sqlite_compliance_store.hpp"

namespace mpa {

struct ComplianceSummary {
    bool agentHealthy = false;  // a recent pass, recorded without store problems, chain intact
    std::string verdict = "no record";
    std::string enforcementMode = policy_default::kEnforcementMode;
    bool telemetryOptOutEnforced = false;  // TelemetryOptOut=true (mandatory), enforced
    bool environmentVariableSet = false;   // every machine-environment target has the variable
    std::int64_t profilesTotal = 0;
    std::int64_t profilesCompliant = 0;
    // -1 until a pass is recorded, so that no rule passes on a machine with no record.
    std::int64_t profilesCompliantPercent = -1;
    std::int64_t licenseAuditProfiles = 0;  // profiles with a registered license key
    std::int64_t failedFindings = 0;
    std::int64_t lastPassAgeMinutes = -1;  // -1: no pass recorded
    // A pass recorded in the last 24 hours: what a rule tests, since "LastPassAgeMinutes <= 1440"
    // would also pass for -1.
    bool lastPassWithinDay = false;
    std::int64_t healthLimitMinutes = 0;  // a pass older than this makes the agent unhealthy
    std::string lastPassAt;
    std::string compliantSince;  // see compliance_timeline.hpp
    std::string lastChange;      // "2026-01-31T12:00:00Z remediated /etc/environment"
    bool chainIntact = false;
    // When the whole event chain was last checked (ISO-8601 UTC): ChainIntact covers the whole
    // history as of then and, after it, the events appended since (chain_check.hpp).
    std::string chainCheckedAt;
    // Compliance per tool (model/tool_compliance.hpp). ToolsCompliant: every tool the policy
    // names is compliant, false until a pass is recorded. ToolsNonCompliant: their ids, ", "-
    // joined. One ToolCompliant_<id> setting per tool ('-' in the id written '_'), true unless
    // the tool is non-compliant, so a rule can single out one tool.
    bool toolsCompliant = false;
    std::int64_t toolsNamed = 0;
    std::string toolsNonCompliant;
    std::vector<std::pair<std::string, bool>> toolCompliant;  // setting name, value
    std::string agentVersion;
    std::string problem;  // why the agent is not healthy (for text output and logs)
};

// `store` may be null (no database, or unreadable): the summary then says so.
// Sets lastPassAgeMinutes, lastPassWithinDay and (past healthLimitMinutes) agentHealthy from
// lastPassAt: used at summary time and again when a published summary is read later.
void ageCompliance(ComplianceSummary& summary, std::chrono::system_clock::time_point now);

// `chain`: the chain check already made (the published summary's incremental one); when null the
// whole chain is checked now.
ComplianceSummary summarizeCompliance(const SqliteComplianceStore* store,
                                      std::chrono::system_clock::time_point now,
                                      const std::string& agentVersion,
                                      const std::string& storeProblem,
                                      const ChainCheck* chain = nullptr);

// "ToolCompliant_" + the catalog id with '-' written '_': the per-tool Intune setting's name.
std::string toolSettingName(const std::string& tool);
inline constexpr const char* kToolSettingPrefix = "ToolCompliant_";

// {"AgentHealthy":true,"Verdict":"compliant",...}: one line, no spaces, flat.
std::string complianceToIntuneJson(const ComplianceSummary& summary);
std::string complianceToText(const ComplianceSummary& summary);

}  // namespace mpa
