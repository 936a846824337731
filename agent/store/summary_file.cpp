#include "store/summary_file.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "platform/process_identity.hpp"
#include "platform/safe_fs.hpp"

namespace mpa {
namespace {

constexpr const char* kSummaryName = "summary.json";
constexpr std::uint64_t kMaxSummaryBytes = 64 * 1024;
// Bumped only when a key changes meaning; readers refuse a version they do not know.
constexpr int kSummaryFormat = 1;

}  // namespace

std::string summaryPathFor(const std::string& databasePath) {
    const auto slash = databasePath.find_last_of("/\\");
    return (slash == std::string::npos ? std::string(".") : databasePath.substr(0, slash)) + "/" +
           kSummaryName;
}

Status publishComplianceSummary(ComplianceStore& anyStore,
                                std::chrono::system_clock::time_point now,
                                const std::string& agentVersion) {
    auto* sqlite = dynamic_cast<SqliteComplianceStore*>(&anyStore);
    if (!sqlite) return Status::success();
    auto& store = *sqlite;
    // Only the events appended since the last verified point; the whole chain on the integrity
    // schedule (chain_check.hpp).
    const auto chain = checkChainSinceVerified(store, now);
    const auto s = summarizeCompliance(&store, now, agentVersion, "", &chain);
    // The Intune line's keys (so a reader prints the same line), then what ageing needs. The
    // free-text `problem` and `lastChange` are left out: they may name a home or a user.
    std::string intune = complianceToIntuneJson(s);
    Poco::JSON::Parser parser;
    auto o = parser.parse(intune).extract<Poco::JSON::Object::Ptr>();
    o->set("LastPassAt", s.lastPassAt);
    o->set("HealthLimitMinutes", static_cast<Poco::Int64>(s.healthLimitMinutes));
    o->set("CompliantSince", s.compliantSince);
    o->set("ChainHead", store.chainHead());
    o->set("SummaryFormat", kSummaryFormat);
    std::ostringstream out;
    o->stringify(out);
    out << "\n";
    const auto path = summaryPathFor(store.path());
    const platform::Ownership owner{platform::effectiveUserId(), 0, 0644};
    return platform::writeFileAtomic(path, out.str(), owner, platform::RenameDurability::WholeOnly);
}

Status readPublishedSummary(const std::string& path, std::chrono::system_clock::time_point now,
                            ComplianceSummary* summary) {
    // Opened by name, not through platform::readFileNoFollow: that opens the directory itself,
    // which an account that may only traverse it (0751) cannot. The reader is unprivileged and
    // only reads, so a link here could show it nothing it could not read anyway.
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Status::failure(path + ": no published summary (" + std::strerror(errno) + ")");
    }
    std::string data(kMaxSummaryBytes + 1, '\0');
    in.read(&data[0], static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<std::size_t>(in.gcount()));
    if (data.size() > kMaxSummaryBytes) {
        return Status::failure(path + ": larger than " + std::to_string(kMaxSummaryBytes) +
                               " bytes");
    }
    Poco::JSON::Object::Ptr o;
    try {
        o = Poco::JSON::Parser().parse(data).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        return Status::failure(path + ": not a JSON object: " + e.displayText());
    }
    if (!o || o->optValue<int>("SummaryFormat", 0) != kSummaryFormat) {
        return Status::failure(path + ": SummaryFormat: expected " +
                               std::to_string(kSummaryFormat));
    }
    ComplianceSummary s;
    std::string key;
    try {
        const auto text = [&](const char* name) {
            key = name;
            return o->getValue<std::string>(name);
        };
        const auto flag = [&](const char* name) {
            key = name;
            return o->getValue<bool>(name);
        };
        const auto number = [&](const char* name) {
            key = name;
            return static_cast<std::int64_t>(o->getValue<Poco::Int64>(name));
        };
        s.agentHealthy = flag("AgentHealthy");
        s.verdict = text("Verdict");
        s.enforcementMode = text("EnforcementMode");
        s.telemetryOptOutEnforced = flag("TelemetryOptOutEnforced");
        s.environmentVariableSet = flag("EnvironmentVariableSet");
        s.profilesTotal = number("ProfilesTotal");
        s.profilesCompliant = number("ProfilesCompliant");
        s.profilesCompliantPercent = number("ProfilesCompliantPercent");
        s.licenseAuditProfiles = number("LicenseAuditProfiles");
        s.failedFindings = number("FailedFindings");
        s.chainIntact = flag("ChainIntact");
        // Absent from a summary published before the incremental chain check.
        s.chainCheckedAt = o->optValue<std::string>("ChainCheckedAt", "");
        s.agentVersion = text("AgentVersion");
        s.lastPassAt = text("LastPassAt");
        s.healthLimitMinutes = number("HealthLimitMinutes");
        s.compliantSince = text("CompliantSince");
        // Absent from a summary published before compliance per tool: not compliant until the
        // next pass publishes them, so no rule passes on a value nobody computed.
        s.toolsCompliant = o->optValue<bool>("ToolsCompliant", false);
        s.toolsNamed = o->optValue<Poco::Int64>("ToolsNamed", 0);
        s.toolsNonCompliant = o->optValue<std::string>("ToolsNonCompliant", "");
        for (const auto& name : o->getNames())
            if (name.rfind(kToolSettingPrefix, 0) == 0)
                s.toolCompliant.emplace_back(name, flag(name.c_str()));
    } catch (const Poco::Exception& e) {
        return Status::failure(path + ": " + key + ": missing or of the wrong type (" +
                               e.displayText() + ")");
    }
    if (!s.agentHealthy) s.problem = "the agent's last pass was not healthy (see its log)";
    ageCompliance(s, now);
    *summary = s;
    return Status::success();
}

}  // namespace mpa
