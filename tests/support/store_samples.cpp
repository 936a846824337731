#include "support/store_samples.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "model/tool_compliance.hpp"
#include "store/sqlite_compliance_store.hpp"

namespace mpa::test {

PassReport samplePass(const std::string& startedAt, bool withPolicy) {
    PassReport r;
    r.startedAt = startedAt;
    r.finishedAt = startedAt;
    r.trigger = "timer";
    r.mode = RunMode::Enforce;
    if (withPolicy) {
        EffectivePolicy optOut;
        optOut.value = true;
        optOut.from = {"Linux policy file", "/etc/metalama/policies/managed/10-it.json",
                       PolicyLevel::Mandatory, SourcePrecedence::EtcFile, 1};
        optOut.overridden.push_back(
            {false,
             {"Linux policy file", "/etc/metalama/policies/recommended/a.yaml",
              PolicyLevel::Recommended, SourcePrecedence::EtcFile, 0},
             false});
        r.policy.values.emplace("TelemetryOptOut", optOut);
        EffectivePolicy mode;
        mode.value = std::string("AuditOnly");
        mode.from = {"Registry", "HKLM\\SOFTWARE\\Policies\\PostSharp\\Metalama",
                     PolicyLevel::Mandatory, SourcePrecedence::PlatformChannel, 0};
        mode.keptFromLastKnownGood = true;
        mode.keptBecause = "the registry key could not be read";
        r.policy.values.emplace("EnforcementMode", mode);
        EffectivePolicy days;
        days.value = std::int64_t{30};
        days.from = {"Group Policy file", "Registry.pol", PolicyLevel::Mandatory,
                     SourcePrecedence::GroupPolicyFile, 2};
        r.policy.values.emplace("DeviceIdRotationDays", days);
        r.policy.issues.push_back(
            {"/etc/metalama/policies/managed/20-bad.json", "", "not a map", true});
        r.policy.informational.push_back("user plist ignored");
    }
    r.findings.push_back({"etc-environment", "/etc/environment", "", "METALAMA_TELEMETRY_OPT_OUT=1",
                          "absent", Outcome::Remediated, "", "+METALAMA_TELEMETRY_OPT_OUT=1", ""});
    r.findings.push_back({"telemetry-json", "/home/ann/.local/share/Metalama/telemetry.json", "ann",
                          "actions 2", "unreadable", Outcome::Failed, "permission denied", "", ""});
    r.verdict = computeVerdict(r.policy, r.findings);
    r.notes.push_back("a note");
    return r;
}

PassReport toolsPass(const std::string& startedAt, bool nameTools) {
    PassReport r;
    r.startedAt = r.finishedAt = startedAt;
    r.trigger = "timer";
    EffectivePolicy optOut;
    optOut.value = true;
    optOut.from = {"Linux policy file", "/etc/metalama/policies/managed/10-it.json",
                   PolicyLevel::Mandatory, SourcePrecedence::EtcFile, 0};
    r.policy.values.emplace("TelemetryOptOut", optOut);
    r.desired = decideDesiredState(r.policy, builtinCatalog());
    if (nameTools) {
        r.desired.environment.push_back(
            {"DOTNET_CLI_TELEMETRY_OPTOUT", "1", "dotnet-sdk", "DotnetSdkTelemetryOptOut"});
        r.desired.environment.push_back(
            {"POWERSHELL_TELEMETRY_OPTOUT", "1", "powershell", "PowershellTelemetryOptOut"});
    }
    const auto add = [&](const char* tool, const char* target, std::string subject,
                         const char* desired, Outcome outcome, const char* reason,
                         const char* user = "") {
        auto f = Finding::about(target, std::move(subject), user, desired);
        f.observed = isCompliantOutcome(outcome) ? desired : "absent";
        f.outcome = outcome;
        f.reason = reason;
        f.tool = tool;
        r.findings.push_back(std::move(f));
    };
    add("", "etc-environment", "/etc/environment", "METALAMA_TELEMETRY_OPT_OUT=1",
        Outcome::Compliant, "");
    add("", "telemetry-json", "/home/ann/.local/share/Metalama/telemetry.json", "actions 2",
        Outcome::Remediated, "", "ann");
    add("dotnet-sdk", "etc-environment", "/etc/environment DOTNET_CLI_TELEMETRY_OPTOUT",
        "DOTNET_CLI_TELEMETRY_OPTOUT=1", Outcome::Compliant, "");
    add("dotnet-sdk", "profile-d",
        "/etc/profile.d/metalama-telemetry.sh DOTNET_CLI_TELEMETRY_OPTOUT",
        "DOTNET_CLI_TELEMETRY_OPTOUT=1", Outcome::Remediated, "");
    add("powershell", "etc-environment", "/etc/environment POWERSHELL_TELEMETRY_OPTOUT",
        "POWERSHELL_TELEMETRY_OPTOUT=1", Outcome::Compliant, "");
    add("powershell", "profile-d",
        "/etc/profile.d/metalama-telemetry.sh POWERSHELL_TELEMETRY_OPTOUT",
        "POWERSHELL_TELEMETRY_OPTOUT=1", Outcome::Failed, "permission denied");
    r.verdict = machineVerdict(r.policy, r.desired, r.findings);
    return r;
}

std::unique_ptr<ComplianceStore> openStore(const std::string& path, StoreMode mode) {
    Status opened;
    auto store = ComplianceStore::open(path, mode, builtinCatalog(), &opened);
    EXPECT_TRUE(store) << opened.error;
    return store;
}

std::unique_ptr<SqliteComplianceStore> openSqliteStore(const std::string& path,
                                                       IntegrityCheck check, StoreMode mode) {
    Status opened;
    auto store = SqliteComplianceStore::open(path, mode, builtinCatalog(), &opened, check);
    EXPECT_TRUE(store) << opened.error;
    return store;
}

std::int64_t countRows(const std::string& path, const std::string& tableAndWhere) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + tableAndWhere).c_str(), -1, &stmt, nullptr);
    std::int64_t n = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
}

std::string readError(const ComplianceStore& store) {
    const auto* sqlite = dynamic_cast<const SqliteComplianceStore*>(&store);
    return sqlite ? sqlite->lastReadError() : std::string();
}

void execSql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
}

SealVerification verifySealFile(const std::string& path) {
    Status opened;
    auto store = SqliteComplianceStore::open(path, StoreMode::ReadOnly, builtinCatalog(), &opened);
    if (!store) return {false, opened.error, {opened.error}};
    std::optional<std::string> latest;
    if (const auto pass = store->lastPass()) latest = passFingerprint(pass->report);
    return verifySealedState(store->connection(), latest);
}

ChainVerification verifyFile(const std::string& path) {
    Status opened;
    auto store = SqliteComplianceStore::open(path, StoreMode::ReadOnly, builtinCatalog(), &opened);
    if (!store) {
        ChainVerification v;
        v.message = opened.error;
        return v;
    }
    return verifyEventChain(store->connection());
}

}  // namespace mpa::test
