// Compliance per tool in the store (schema 5), with real SQLite files read the way an auditor
// and osquery would: every finding keeps its tool in current_findings, the delta rows, the
// events, the pass fingerprint and the queued-pass JSON; the sealed state carries each tool's
// verdict, which the view compliance_tools shows; and status's summary for Intune gives one
// setting per tool.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "store/compliance_summary.hpp"
#include "store/pass_report_json.hpp"
#include "store/sealed_state.hpp"
#include "store/sqlite_compliance_store.hpp"
#include "store/summary_file.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "support/store_samples.hpp"

namespace mpa {
namespace {

using test::countRows;
using test::openStore;
using test::toolsPass;

// A new store in `scratch` holding `pass`.
std::unique_ptr<ComplianceStore> storeWith(const test::ScratchDir& scratch,
                                           const PassReport& pass) {
    auto store = openStore(scratch.abs("compliance.db"));
    EXPECT_TRUE(store && succeeded(store->recordPass(pass)));
    return store;
}

TEST(ToolStore, EveryFindingKeepsItsToolAndTheSealedViewHasEachToolsVerdict) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    const auto pass = toolsPass("2026-03-01T10:00:00Z", true);
    ASSERT_EQ(pass.verdict, Verdict::NonCompliant);
    auto store = storeWith(scratch, pass);
    ASSERT_TRUE(store);

    EXPECT_EQ(countRows(path, "current_findings WHERE tool = ''"), 2) << "Metalama's own";
    EXPECT_EQ(countRows(path, "current_findings WHERE tool = 'dotnet-sdk'"), 2);
    EXPECT_EQ(countRows(path, "findings WHERE tool = 'powershell'"), 2);
    // The fleet view of the findings names Metalama rather than leaving the tool empty.
    EXPECT_EQ(countRows(path, "compliance_current WHERE tool = 'metalama'"), 2);
    EXPECT_EQ(countRows(path, "compliance_current WHERE tool = 'powershell' AND state = 'failed'"),
              1);
    // compliance_tools: one row per tool, from the sealed state only.
    EXPECT_EQ(countRows(path, "compliance_tools"), 3);
    EXPECT_EQ(countRows(path,
                        "compliance_tools WHERE tool = 'metalama' AND verdict = 'compliant' AND "
                        "findings = 2 AND compliant = 2 AND policy = 'TelemetryOptOut'"),
              1);
    EXPECT_EQ(countRows(path,
                        "compliance_tools WHERE tool = 'dotnet-sdk' AND verdict = 'compliant' AND "
                        "policy = 'DotnetSdkTelemetryOptOut' AND non_compliant = 0"),
              1);
    EXPECT_EQ(countRows(path,
                        "compliance_tools WHERE tool = 'powershell' AND verdict = "
                        "'non-compliant' AND findings = 2 AND compliant = 1 AND non_compliant = 1 "
                        "AND machine_verdict = 'non-compliant'"),
              1);
    // Its failure's event names the tool (inside the hashed body).
    EXPECT_EQ(countRows(path,
                        "event_history WHERE kind = 'failed' AND json_extract(data, '$.tool') = "
                        "'powershell'"),
              1);

    const auto last = store->lastPass();
    ASSERT_TRUE(last) << test::readError(*store);
    ASSERT_EQ(last->report.findings.size(), pass.findings.size());
    for (std::size_t i = 0; i < pass.findings.size(); ++i)
        EXPECT_EQ(last->report.findings[i].tool, pass.findings[i].tool) << i;
    EXPECT_TRUE(last->report.notes.empty()) << last->report.notes.front();
    const auto sealed = verifySealedState(dynamic_cast<SqliteComplianceStore&>(*store).connection(),
                                          passFingerprint(last->report));
    EXPECT_TRUE(sealed.intact) << sealed.message;
}

// The tool is part of what a pass is: the same findings about another tool are a different pass
// (a new seal), not a repeat; Metalama-only passes keep the fingerprint schema 4 gave them.
// The compliance summary reads the latest pass one finding at a time (it only counts): the same
// findings in the same order as lastPass() holds them, none kept in the report, and the seal
// checked the same way, with tools and without, so an edited row is still caught.
TEST(ToolStore, ALastPassReadOneFindingAtATimeIsTheSameAndChecksTheSeal) {
    for (const bool withTools : {true, false}) {
        SCOPED_TRACE(withTools ? "tools" : "Metalama only");
        test::ScratchDir scratch;
        const auto path = scratch.abs("compliance.db");
        const auto pass = withTools ? toolsPass("2026-03-01T10:00:00Z", true)
                                    : test::samplePass("2026-03-01T10:00:00Z");
        ASSERT_TRUE(storeWith(scratch, pass));
        auto store = test::openSqliteStore(path);
        ASSERT_TRUE(store);
        const auto held = store->lastPass();
        ASSERT_TRUE(held) << test::readError(*store);
        std::vector<Finding> streamed;
        const auto read =
            store->lastPass([&streamed](Finding&& f) { streamed.push_back(std::move(f)); });
        ASSERT_TRUE(read) << test::readError(*store);
        EXPECT_TRUE(read->report.findings.empty());
        EXPECT_EQ(read->report.notes, held->report.notes);  // the pass's own: no seal note
        EXPECT_EQ(read->report.notes, pass.notes);
        EXPECT_EQ(read->report.verdict, held->report.verdict);
        ASSERT_EQ(streamed.size(), held->report.findings.size());
        ASSERT_EQ(streamed.size(), pass.findings.size());
        for (std::size_t i = 0; i < streamed.size(); ++i) {
            EXPECT_EQ(streamed[i].subject, held->report.findings[i].subject) << i;
            EXPECT_EQ(streamed[i].outcome, held->report.findings[i].outcome) << i;
            EXPECT_EQ(streamed[i].tool, held->report.findings[i].tool) << i;
        }

        const auto compliant = std::string(toString(Outcome::Compliant));
        test::execSql(path, "UPDATE current_findings SET outcome = '" + compliant +
                                "', reason = 'edited' WHERE seq = (SELECT max(seq) FROM "
                                "current_findings)");
        std::size_t count = 0;
        const auto edited = store->lastPass([&count](Finding&&) { ++count; });
        ASSERT_TRUE(edited) << test::readError(*store);
        EXPECT_EQ(count, pass.findings.size());
        EXPECT_EQ(edited->report.verdict, Verdict::NonCompliant);
        ASSERT_EQ(edited->report.notes.size(), pass.notes.size() + 1);
        EXPECT_NE(edited->report.notes.back().find("does not match the state sealed"),
                  std::string::npos)
            << edited->report.notes.back();
    }
}

TEST(ToolStore, TheToolIsInThePassFingerprint) {
    auto a = toolsPass("2026-03-01T10:00:00Z", true);
    auto b = a;
    test::editFindings(b, [](auto& f) { f[2].tool = "powershell"; });
    EXPECT_NE(passFingerprint(a), passFingerprint(b));
    auto metalama = test::samplePass("2026-03-01T10:00:00Z");
    auto named = metalama;
    test::editFindings(named, [](auto& findings) {
        for (auto& f : findings) f.tool = "metalama";
    });
    EXPECT_NE(passFingerprint(metalama), passFingerprint(named));
}

TEST(ToolStore, AQueuedPassKeepsItsToolsAndOneQueuedBeforeToolsStillReads) {
    const auto pass = toolsPass("2026-03-01T10:00:00Z", false);
    PassReport back;
    ASSERT_TRUE(succeeded(passReportFromJson(passReportToJson(pass), builtinCatalog(), &back)));
    ASSERT_EQ(back.findings.size(), pass.findings.size());
    EXPECT_EQ(back.findings[4].tool, "powershell");
    EXPECT_EQ(passFingerprint(back), passFingerprint(pass));
    // A queue file an earlier agent wrote: eight fields per finding, all Metalama's.
    const std::string old =
        R"({"started_at":"2026-03-01T10:00:00Z","finished_at":"2026-03-01T10:00:00Z",)"
        R"("trigger":"timer","mode":"enforce","verdict":"compliant","notes":[],"policy":[],)"
        R"("issues":[],"informational":[],"findings":[["etc-environment","/etc/environment",)"
        R"("","METALAMA_TELEMETRY_OPT_OUT=1","METALAMA_TELEMETRY_OPT_OUT=1","compliant","",""]]})";
    ASSERT_TRUE(succeeded(passReportFromJson(old, builtinCatalog(), &back)));
    ASSERT_EQ(back.findings.size(), 1u);
    EXPECT_EQ(back.findings[0].tool, "");
    const std::string seven = R"({"started_at":"","finished_at":"","trigger":"","mode":"enforce",)"
                              R"("verdict":"compliant","notes":[],"policy":[],"issues":[],)"
                              R"("informational":[],"findings":[["a","b","c","d","e","f","g"]]})";
    const auto refused = passReportFromJson(seven, builtinCatalog(), &back);
    EXPECT_FALSE(refused);
    EXPECT_NE(refused.error.find("finding 1 is not 8 or 9 fields"), std::string::npos)
        << refused.error;
}

// The Intune summary: ToolsCompliant is false while one tool is not, and each tool has its own
// setting; the published summary read back keeps them.
TEST(ToolStore, TheIntuneSummaryHasOneSettingPerTool) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = storeWith(scratch, toolsPass("2026-03-01T10:00:00Z", false));
    ASSERT_TRUE(store);
    const auto now = std::chrono::system_clock::now();
    const auto summary =
        summarizeCompliance(dynamic_cast<SqliteComplianceStore*>(store.get()), now, "1.0", "");
    EXPECT_FALSE(summary.toolsCompliant);
    EXPECT_EQ(summary.toolsNamed, 1) << "only Metalama: no catalog policy names the others";
    EXPECT_EQ(summary.toolsNonCompliant, "powershell");
    const auto intune = Poco::JSON::Parser()
                            .parse(complianceToIntuneJson(summary))
                            .extract<Poco::JSON::Object::Ptr>();
    EXPECT_FALSE(intune->getValue<bool>("ToolsCompliant"));
    EXPECT_EQ(intune->getValue<std::string>("ToolsNonCompliant"), "powershell");
    EXPECT_TRUE(intune->getValue<bool>("ToolCompliant_metalama"));
    EXPECT_TRUE(intune->getValue<bool>("ToolCompliant_dotnet_sdk"));
    EXPECT_FALSE(intune->getValue<bool>("ToolCompliant_powershell"));
    EXPECT_NE(complianceToText(summary).find("Tools compliant:            no (1 named by the "
                                             "policy; not compliant: powershell)"),
              std::string::npos)
        << complianceToText(summary);

    ASSERT_TRUE(succeeded(publishComplianceSummary(*store, now, "1.0")));
    ComplianceSummary published;
    ASSERT_TRUE(succeeded(readPublishedSummary(summaryPathFor(path), now, &published)));
    EXPECT_FALSE(published.toolsCompliant);
    EXPECT_EQ(published.toolsNonCompliant, "powershell");
    EXPECT_EQ(published.toolCompliant.size(), 3u);
    const auto republished = Poco::JSON::Parser()
                                 .parse(complianceToIntuneJson(published))
                                 .extract<Poco::JSON::Object::Ptr>();
    EXPECT_FALSE(republished->getValue<bool>("ToolCompliant_powershell"));
    EXPECT_TRUE(republished->getValue<bool>("ToolCompliant_dotnet_sdk"));
}

}  // namespace
}  // namespace mpa
