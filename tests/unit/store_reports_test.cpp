// The read side of the compliance store: the auditor's report in text, JSON and CSV (parsed
// back with Poco JSON and an RFC 4180 reader), and the flat compliance summary for Intune.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <sstream>

#include "store/compliance_summary.hpp"
#include "store/compliance_timeline.hpp"
#include "store/event_kinds.hpp"
#include "store/event_report.hpp"
#include "store/sqlite_compliance_store.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "support/store_samples.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

// RFC 4180: fields separated by commas, records by CRLF, quoted fields may hold commas, quotes
// (doubled) and line breaks.
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false, wasQuoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"' && field.empty() && !wasQuoted) {
            quoted = wasQuoted = true;
        } else if (c == ',') {
            rows.back().push_back(field);
            field.clear();
            wasQuoted = false;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.back().push_back(field);
            field.clear();
            wasQuoted = false;
            rows.emplace_back();
            ++i;
        } else {
            field += c;
        }
    }
    EXPECT_FALSE(quoted) << "unterminated quoted field";
    if (rows.back().empty() && field.empty()) rows.pop_back();
    return rows;
}

// A store whose events hold what breaks naive formats: commas, quotes, line breaks, non-ASCII.
std::string trickyStore(const test::ScratchDir& scratch) {
    const auto path = scratch.abs("compliance.db");
    auto store = test::openStore(path);
    auto pass = test::samplePass("2026-03-01T10:00:00Z");
    test::editFindings(pass, [](auto& f) {
        f[1].reason = "cannot read \"telemetry.json\", line 2:\nunexpected ','; Zoë's file";
    });
    std::string error;
    EXPECT_TRUE(succeeded(store->recordPass(pass)));
    EXPECT_TRUE(
        succeeded(store->recordEvent(event_kind::kAgentStarted, "", "version 0.1.0, pid 42")));
    return path;
}

std::vector<ChainEvent> eventsOf(const std::string& path) {
    Status opened;
    auto store = SqliteComplianceStore::open(path, StoreMode::ReadOnly, builtinCatalog(), &opened);
    std::vector<ChainEvent> events;
    EXPECT_TRUE(store) << opened.error;
    if (store) {
        EXPECT_TRUE(succeeded(readEvents(store->connection(), "", "", &events)));
    }
    return events;
}

TEST(EventReport, JsonRoundTripsThroughAJsonParser) {
    test::ScratchDir scratch;
    const auto events = eventsOf(trickyStore(scratch));
    ASSERT_GE(events.size(), 5u);
    std::ostringstream out;
    writeEventReport(out, events, {"db", "", "", "intact"}, ReportFormat::Json);
    Poco::JSON::Parser parser;
    const auto root = parser.parse(out.str()).extract<Poco::JSON::Object::Ptr>();
    EXPECT_NE(root->getValue<std::string>("license_audit").find("No policy can disable"),
              std::string::npos);
    const auto list = root->getArray("events");
    ASSERT_EQ(list->size(), events.size());
    for (unsigned i = 0; i < list->size(); ++i) {
        const auto item = list->getObject(i);
        EXPECT_EQ(item->getValue<Poco::Int64>("id"), events[i].id);
        EXPECT_EQ(item->getValue<std::string>("at"), events[i].event.at);
        EXPECT_EQ(item->getValue<std::string>("kind"), events[i].event.kind);
        EXPECT_EQ(item->getValue<std::string>("subject"), events[i].event.subject);
        EXPECT_EQ(item->getValue<std::string>("details"), events[i].event.details);
        EXPECT_EQ(item->getValue<std::string>("hash"), events[i].hash);
        EXPECT_TRUE(item->isObject("data")) << i;
    }
}

TEST(EventReport, CsvRoundTripsThroughAnRfc4180Reader) {
    test::ScratchDir scratch;
    const auto events = eventsOf(trickyStore(scratch));
    std::ostringstream out;
    writeEventReport(out, events, {"db", "", "", "intact"}, ReportFormat::Csv);
    const auto rows = parseCsv(out.str());
    ASSERT_EQ(rows.size(), events.size() + 1);
    EXPECT_EQ(rows[0],
              (std::vector<std::string>{"id", "at", "kind", "subject", "details", "hash"}));
    bool sawLineBreak = false;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& row = rows[i + 1];
        ASSERT_EQ(row.size(), 6u) << i;
        EXPECT_EQ(row[0], std::to_string(events[i].id));
        EXPECT_EQ(row[2], events[i].event.kind);
        EXPECT_EQ(row[3], events[i].event.subject);
        EXPECT_EQ(row[4], events[i].event.details);
        EXPECT_EQ(row[5], events[i].hash);
        sawLineBreak = sawLineBreak || row[4].find('\n') != std::string::npos;
    }
    EXPECT_TRUE(sawLineBreak) << "the tricky details did not reach the report";
}

TEST(EventReport, TextHasOneLinePerEventAndTheLicenseAuditStatement) {
    test::ScratchDir scratch;
    auto events = eventsOf(trickyStore(scratch));
    std::ostringstream out;
    writeEventReport(out, events, {"db", "2026-03-01T00:00:00Z", "", "intact"}, ReportFormat::Text);
    const auto text = out.str();
    EXPECT_NE(text.find("2026-03-01T10:00:00Z  remediated  /etc/environment"), std::string::npos)
        << text;
    EXPECT_NE(text.find("No policy can disable Metalama's license audit"), std::string::npos);
}

PassReport passWithProfiles(const std::string& at) {
    auto pass = test::samplePass(at);
    pass.findings = {
        {"etc-environment", "/etc/environment", "", "", "", Outcome::Compliant, "", "", ""},
        {"systemd-manager", "/etc/systemd/system.conf.d/90-metalama-telemetry.conf", "", "", "",
         Outcome::Pending, "until systemd re-executes", "", ""},
        {"systemd-manager", "running systemd manager", "", "", "", Outcome::NotApplicable, "", "",
         ""},
        {"telemetry-json", "/home/a/.local/share/Metalama/telemetry.json", "a", "", "",
         Outcome::Compliant, "", "", ""},
        {"telemetry-json", "/home/b/.local/share/Metalama/telemetry.json", "b", "", "",
         Outcome::Failed, "permission denied", "", ""},
        {"telemetry-json", "/home/c/.config/.metalama/telemetry.json", "c", "", "",
         Outcome::Remediated, "", "", ""},
        {"license-audit", "/home/a/.local/share/Metalama", "a", "informational",
         "license key registered", Outcome::NotApplicable, "", "", ""},
        {"license-audit", "/home/b/.local/share/Metalama", "b", "informational", "no license key",
         Outcome::NotApplicable, "", "", ""},
        {"license-audit", "/home/c/.config/.metalama", "c", "informational",
         "license key registered", Outcome::NotApplicable, "", "", ""},
    };
    pass.notes.clear();
    pass.verdict = computeVerdict(pass.policy, pass.findings);
    return pass;
}

TEST(ComplianceSummary, CountsProfilesLicenseAuditsAndTheEnvironment) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    Status opened;
    const auto now = std::chrono::system_clock::now();
    {
        auto store = test::openStore(path);
        auto pass = passWithProfiles(isoUtc(now - std::chrono::minutes(30)));
        // Another tool's settings file in a profile says nothing about the machine's variable.
        pass.findings.push_back({"user-settings-file",
                                 "/home/a/.azure/config#[core] collect_telemetry", "a",
                                 "[core] collect_telemetry = false", "malformed", Outcome::Failed,
                                 "line 1: a key before any section header", "", "azure-cli"});
        pass.verdict = computeVerdict(pass.policy, pass.findings);
        ASSERT_TRUE(succeeded(store->recordPass(pass)));
    }
    auto store = SqliteComplianceStore::open(path, StoreMode::ReadOnly, builtinCatalog(), &opened);
    ASSERT_TRUE(store) << opened.error;
    const auto s = summarizeCompliance(store.get(), now, "0.1.0", "");
    EXPECT_EQ(s.verdict, "non-compliant");
    EXPECT_EQ(s.profilesTotal, 3);
    EXPECT_EQ(s.profilesCompliant, 2);
    EXPECT_EQ(s.profilesCompliantPercent, 66);
    EXPECT_EQ(s.licenseAuditProfiles, 2);
    EXPECT_EQ(s.failedFindings, 2);
    EXPECT_TRUE(s.environmentVariableSet) << "a pending systemd drop-in is in place";
    EXPECT_EQ(s.lastPassAgeMinutes, 30);
    EXPECT_TRUE(s.chainIntact);
    EXPECT_TRUE(s.agentHealthy) << s.problem;
    EXPECT_TRUE(s.compliantSince.empty()) << "the pass is not compliant";
    EXPECT_NE(s.lastChange.find("remediated c /home/c/.config/.metalama/telemetry.json"),
              std::string::npos)
        << s.lastChange;
    // The sample's TelemetryOptOut is mandatory but EnforcementMode is AuditOnly.
    EXPECT_EQ(s.enforcementMode, "AuditOnly");
    EXPECT_FALSE(s.telemetryOptOutEnforced);

    const auto stale = summarizeCompliance(store.get(), now + std::chrono::hours(5), "0.1.0", "");
    EXPECT_FALSE(stale.agentHealthy);
    EXPECT_NE(stale.problem.find("older than 135 minutes"), std::string::npos) << stale.problem;
}

TEST(ComplianceSummary, CompliantSinceIsTheStartOfTheCompliantStreak) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = test::openStore(path);
    std::string error;
    auto pass = passWithProfiles("2026-02-01T10:00:00Z");
    ASSERT_TRUE(succeeded(store->recordPass(pass)));
    test::editFindings(pass, [](auto& f) {
        f[1].outcome = Outcome::Compliant;   // systemd re-executed
        f[4].outcome = Outcome::Remediated;  // b's file fixed
        f[4].reason.clear();
        f[5].outcome = Outcome::Compliant;  // c stays as fixed
    });
    pass.verdict = computeVerdict(pass.policy, pass.findings);
    for (const char* at : {"2026-02-01T11:00:00Z", "2026-02-01T12:00:00Z"}) {
        pass.startedAt = pass.finishedAt = at;
        ASSERT_TRUE(succeeded(store->recordPass(pass)));
    }
    auto* sqlite = dynamic_cast<SqliteComplianceStore*>(store.get());
    Status read;
    const auto timeline = readComplianceTimeline(sqlite->connection(), &read);
    EXPECT_EQ(timeline.compliantSince, "2026-02-01T11:00:00Z") << read.error;
    ASSERT_TRUE(timeline.lastChange);
    EXPECT_EQ(timeline.lastChange->event.kind, "remediated");
    EXPECT_EQ(timeline.lastChange->event.subject, "b /home/b/.local/share/Metalama/telemetry.json");
}

TEST(ComplianceSummary, IntuneOutputIsOneFlatLineOfJson) {
    ComplianceSummary s;
    s.verdict = "compliant";
    s.agentVersion = "0.1.0";
    const auto line = complianceToIntuneJson(s);
    EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos);
    EXPECT_EQ(line.find(": "), std::string::npos) << "compressed: no spaces after colons";
    Poco::JSON::Parser parser;
    const auto object = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
    for (const auto& name : object->getNames()) {
        EXPECT_FALSE(object->isObject(name)) << name;
        EXPECT_FALSE(object->isArray(name)) << name;
    }
    EXPECT_TRUE(object->has("LicenseAuditProfiles"));
}

TEST(ComplianceSummary, AMissingDatabaseStillGivesALine) {
    const auto s = summarizeCompliance(nullptr, std::chrono::system_clock::now(), "0.1.0",
                                       "/var/lib/x/compliance.db: no compliance database here");
    EXPECT_FALSE(s.agentHealthy);
    EXPECT_EQ(s.verdict, "no record");
    EXPECT_NE(complianceToIntuneJson(s).find("\"AgentHealthy\":false"), std::string::npos);
}

}  // namespace
}  // namespace mpa
