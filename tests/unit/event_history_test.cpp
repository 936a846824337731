// The hash-chained event history: events from passes, verification and every kind of tampering,
// retention with its checkpoint, migration from the previous schema, corruption recovery, a
// reader holding a snapshot during a write, and a file-size limit.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <map>

#include "store/chain_verify.hpp"
#include "store/event_chain.hpp"
#include "store/event_kinds.hpp"
#include "store/sealed_state.hpp"
#include "store/sqlite_compliance_store.hpp"
#include "store/store_schema.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "support/store_samples.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

using test::countRows;
using test::execSql;
using test::openStore;
using test::samplePass;
using test::verifyFile;
using test::verifySealFile;

std::vector<ChainEvent> allEvents(const std::string& path) {
    Status opened;
    auto store = SqliteComplianceStore::open(path, StoreMode::ReadOnly, builtinCatalog(), &opened);
    std::vector<ChainEvent> events;
    EXPECT_TRUE(store) << opened.error;
    if (store) {
        EXPECT_TRUE(succeeded(readEvents(store->connection(), "", "", &events)));
    }
    return events;
}

std::vector<std::string> kinds(const std::vector<ChainEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.event.kind);
    return out;
}

// A store with a few passes: first pass, a repeat, a change (ann's file fixed, a policy changed).
std::string storeWithHistory(const test::ScratchDir& scratch) {
    const auto path = scratch.abs("compliance.db");
    auto store = openStore(path);
    std::string error;
    EXPECT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T10:00:00Z"))));
    EXPECT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T11:00:00Z"))));
    auto fixed = samplePass("2026-01-01T12:00:00Z");
    test::editFindings(fixed, [](auto& f) {
        f[1].outcome = Outcome::Remediated;
        f[1].reason.clear();
        f[0].outcome = Outcome::Compliant;
    });
    fixed.policy.values.at("DeviceIdRotationDays").value = std::int64_t{90};
    fixed.verdict = computeVerdict(fixed.policy, fixed.findings);
    EXPECT_TRUE(succeeded(store->recordPass(fixed)));
    EXPECT_TRUE(succeeded(store->recordEvent(event_kind::kAgentStopped, "", "SIGTERM")));
    return path;
}

// Every table a reader uses, edited as a forger would: the sealed state names the row.
TEST(SealedState, EveryEditedRowIsNamedAndTheViewKeepsTheSealedValue) {
    test::ScratchDir scratch;
    const auto path = storeWithHistory(scratch);
    auto v = verifySealFile(path);
    ASSERT_TRUE(v.intact) << v.message;
    EXPECT_EQ(countRows(path, "compliance_current WHERE state = 'non-compliant'"), 0);
    const auto views = countRows(path, "compliance_current");
    ASSERT_GT(views, 0);
    const struct {
        const char* edit;
        const char* named;
    } forgeries[] = {
        {"UPDATE current_findings SET observed = 'x' WHERE seq = 0",
         "current_findings row 0 (etc-environment /etc/environment): observed is 'x'"},
        {"DELETE FROM current_findings WHERE seq = 1", "current_findings has 1 rows"},
        {"UPDATE runs SET verdict = 'not managed' WHERE id = 2", "runs row 2: verdict"},
        {"UPDATE runs SET content_hash = 'ab' WHERE id = 3", "runs row 3: content_hash"},
        {"UPDATE effective_policy SET value = '7' WHERE name = 'DeviceIdRotationDays'",
         "effective_policy of run 3"},
        {"UPDATE policy_issues SET message = 'x'", "the latest pass as status reads it"},
        {"INSERT INTO runs (started_at, finished_at, trigger, mode, verdict) VALUES "
         "('2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z', 'timer', 'enforce', 'compliant')",
         "runs row 4: no \"state sealed\" event covers it"},
        {"UPDATE sealed_state SET findings = replace(findings, 'remediated', 'compliant')",
         "sealed_state (what compliance_current, compliance_pass and compliance_tools show) does "
         "not have"},
        // The tool a finding is about, and the per-tool verdicts the view compliance_tools shows.
        {"UPDATE current_findings SET tool = 'powershell' WHERE seq = 0",
         "current_findings row 0 (etc-environment /etc/environment): tool is 'powershell', the "
         "sealed state says ''"},
        {"UPDATE sealed_state SET tools = replace(tools, '\"findings\":2', '\"findings\":3')",
         "sealed_state (what compliance_current, compliance_pass and compliance_tools show) does "
         "not have"},
        {"UPDATE sealed_state SET findings = replace(findings, '\"\"]', '\"dotnet-sdk\"]')",
         "sealed_state (what compliance_current, compliance_pass and compliance_tools show) does "
         "not have"},
        {"DELETE FROM sealed_state", "sealed_state is empty"},
    };
    for (const auto& f : forgeries) {
        test::ScratchDir copy;
        const auto forged = copy.abs("compliance.db");
        std::filesystem::copy_file(path, forged);
        execSql(forged, f.edit);
        v = verifySealFile(forged);
        EXPECT_FALSE(v.intact) << f.edit;
        bool named = false;
        for (const auto& p : v.problems) named = named || p.find(f.named) != std::string::npos;
        EXPECT_TRUE(named) << f.edit << ": " << v.message;
        EXPECT_TRUE(verifyFile(forged).intact) << "the chain alone cannot see " << f.edit;
        if (std::string(f.edit).rfind("UPDATE current_findings", 0) == 0 ||
            std::string(f.edit).rfind("UPDATE sealed_state SET tools", 0) == 0 ||
            std::string(f.edit).rfind("UPDATE runs", 0) == 0) {
            EXPECT_EQ(countRows(forged, "compliance_current"), views) << f.edit;
        }
    }
}

TEST(EventHistory, PassesProduceEventsOnlyWhenSomethingChanged) {
    test::ScratchDir scratch;
    const auto path = storeWithHistory(scratch);
    const auto events = allEvents(path);
    const std::vector<std::string> expected{
        // first pass: three policies appear, env remediated, ann failed, verdict set
        event_kind::kPolicyChanged, event_kind::kPolicyChanged, event_kind::kPolicyChanged,
        event_kind::kRemediated, event_kind::kFailed, event_kind::kVerdictChanged,
        // and the state it recorded, sealed
        event_kind::kStateSealed,
        // the repeat adds nothing; the change: one policy, ann remediated, verdict, the seal
        event_kind::kPolicyChanged, event_kind::kRemediated, event_kind::kVerdictChanged,
        event_kind::kStateSealed, event_kind::kAgentStopped};
    EXPECT_EQ(kinds(events), expected);
    const auto& policy = events[7].event;
    EXPECT_EQ(policy.subject, "DeviceIdRotationDays");
    EXPECT_NE(policy.details.find("30 (mandatory, Group Policy file Registry.pol) -> 90"),
              std::string::npos)
        << policy.details;
    EXPECT_NE(policy.data.find("\"old\":{\"value\":30"), std::string::npos) << policy.data;
    EXPECT_EQ(events[8].event.subject, "ann /home/ann/.local/share/Metalama/telemetry.json");
    EXPECT_EQ(events[9].event.details, "non-compliant -> compliant");
    EXPECT_NE(events[10].event.data.find("\"fingerprint\":\""), std::string::npos);
    EXPECT_EQ(countRows(path, "runs"), 3);
}

TEST(EventHistory, AFailureThatPersistsIsRecordedOnce) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openStore(path);
    std::string error;
    for (int hour = 10; hour < 14; ++hour) {
        auto pass = samplePass("2026-01-01T" + std::to_string(hour) + ":00:00Z");
        test::editFindings(pass, [&](auto& f) {
            f[0].outcome = hour % 2 ? Outcome::Compliant : Outcome::DriftRepaired;
        });
        ASSERT_TRUE(succeeded(store->recordPass(pass)));
    }
    EXPECT_EQ(countRows(path, "events WHERE kind = 'failed'"), 1);
    EXPECT_EQ(countRows(path, "events WHERE kind = 'drift repaired'"), 2);
}

TEST(EventHistory, DeviceIdResetsAndRepairsHaveTheirOwnKinds) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openStore(path);
    auto pass = samplePass("2026-01-01T10:00:00Z");
    pass.findings = {
        {"telemetry-json", "/home/bob/.config/.metalama/telemetry.json", "bob", "valid JSON",
         "malformed", Outcome::Repaired, "kept as telemetry.json.invalid-20260101T100000Z", "", ""},
        {"device-id", "/home/bob/.config/.metalama/telemetry.json", "bob", "new DeviceId",
         "DeviceId set 400 days ago", Outcome::Remediated, "", "", ""},
        {"etc-environment", "/etc/environment", "", "no agent line", "agent line",
         Outcome::Restored, "", "", ""},
        // Settings changed and a new DeviceId: both events.
        {"telemetry-json", "/home/ann/.local/share/Metalama/telemetry.json", "ann", "actions 2",
         "actions 1", Outcome::Remediated, "new DeviceId: DeviceIdResetToken changed to \"7\"", "",
         ""},
        // Only the DeviceId changed: only the reset.
        {"telemetry-json", "/home/zoe/.local/share/Metalama/telemetry.json", "zoe", "actions 2",
         "actions 2", Outcome::Remediated, "new DeviceId: DeviceIdResetToken changed to \"7\"", "",
         ""}};
    std::string error;
    ASSERT_TRUE(succeeded(store->recordPass(pass)));
    EXPECT_EQ(countRows(path, "events WHERE kind = 'repaired malformed file'"), 1);
    EXPECT_EQ(countRows(path, "events WHERE kind = 'device id reset'"), 3);
    EXPECT_EQ(countRows(path, "events WHERE kind = 'remediated'"), 1);
    EXPECT_EQ(countRows(path, "events WHERE kind = 'restored'"), 1);
}

TEST(EventHistory, VerifiesAnIntactChainAndMatchesTheHead) {
    test::ScratchDir scratch;
    const auto path = storeWithHistory(scratch);
    const auto v = verifyFile(path);
    EXPECT_TRUE(v.intact) << v.message;
    EXPECT_EQ(v.eventsChecked, 12);
    auto store = openStore(path, StoreMode::ReadOnly);
    EXPECT_EQ(store->chainHead(), "event 12 " + v.headHash);
    // The documented independent check: sha256(prev_hash + "\n" + body) == hash.
    for (const auto& e : allEvents(path)) EXPECT_EQ(chainHash(e.prevHash, e.body), e.hash);
}

TEST(EventHistory, ALoggedHeadDetectsACutHistory) {
    test::ScratchDir scratch;
    const auto path = storeWithHistory(scratch);
    const auto head = verifyFile(path).headHash;
    execSql(path, "DELETE FROM events WHERE id >= 9");  // the last events, cleanly cut
    EXPECT_TRUE(verifyFile(path).intact) << "a clean cut at the end is invisible without the log";
    Status opened;
    auto store = SqliteComplianceStore::open(path, StoreMode::ReadOnly, builtinCatalog(), &opened);
    ASSERT_TRUE(store) << opened.error;
    const auto v = verifyEventChain(store->connection(), head);
    EXPECT_FALSE(v.intact);
    EXPECT_NE(v.message.find(head), std::string::npos) << v.message;
    EXPECT_TRUE(verifyEventChain(store->connection(), allEvents(path).back().hash).intact);
}

struct Tamper {
    const char* name;
    const char* sql;
    std::int64_t firstBad;
};

class EventTampering : public testing::TestWithParam<Tamper> {};

TEST_P(EventTampering, VerifyNamesTheFirstBadEvent) {
    test::ScratchDir scratch;
    const auto path = storeWithHistory(scratch);
    execSql(path, GetParam().sql);
    const auto v = verifyFile(path);
    EXPECT_FALSE(v.intact) << v.message;
    EXPECT_EQ(v.firstBadEventId, GetParam().firstBad) << v.message;
    EXPECT_NE(v.message.find("event " + std::to_string(GetParam().firstBad)), std::string::npos)
        << v.message;
}

INSTANTIATE_TEST_SUITE_P(
    EveryKind, EventTampering,
    testing::Values(
        Tamper{"EditColumn", "UPDATE events SET kind = 'compliant' WHERE id = 5", 5},
        Tamper{"EditBody",
               "UPDATE events SET body = replace(body, 'permission denied', 'all fine') "
               "WHERE id = 5",
               5},
        Tamper{"EditBodyAndColumn",
               "UPDATE events SET kind = 'compliant', body = replace(body, '\"kind\":\"failed\"', "
               "'\"kind\":\"compliant\"') WHERE id = 5",
               5},
        Tamper{"Delete", "DELETE FROM events WHERE id = 4", 5},
        Tamper{"DeleteFirst", "DELETE FROM events WHERE id = 1", 2},
        Tamper{"InsertForged",
               "UPDATE events SET id = id + 100 WHERE id >= 7; "
               "UPDATE events SET id = id - 99 WHERE id >= 107; "
               "INSERT INTO events (id, at, kind, body, prev_hash, hash) "
               "SELECT 7, at, 'remediated', body, hash, hash FROM events "
               "WHERE id = 6",
               7},
        Tamper{"Reorder",
               "UPDATE events SET id = -2 WHERE id = 2; UPDATE events SET id = 2 WHERE id = 3; "
               "UPDATE events SET id = 3 WHERE id = -2",
               2}),
    [](const testing::TestParamInfo<Tamper>& param) { return param.param.name; });

PassReport passAt(std::chrono::system_clock::time_point when, int changeNumber,
                  std::int64_t retentionDays) {
    auto pass = samplePass(isoUtc(when));
    pass.desired.complianceRetentionDays = retentionDays;
    pass.policy.values.at("DeviceIdRotationDays").value = std::int64_t{changeNumber % 7 + 1};
    return pass;
}

TEST(EventHistory, RetentionPrunesOldRecordsAndTheChainStillVerifies) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openStore(path);
    std::string error;
    auto when = *parseIsoUtc("2026-01-01T00:00:00Z");
    // 60 days, a policy change every day (4 passes a day), 10-day retention.
    for (int i = 0; i < 240; ++i) {
        ASSERT_TRUE(succeeded(store->recordPass(passAt(when, i / 4, 10))));
        when += std::chrono::hours(6);
    }
    EXPECT_GT(countRows(path, "chain_checkpoint"), 0);
    EXPECT_LE(countRows(path, "runs WHERE started_at < '2026-02-18T00:00:00Z'"), 2);
    EXPECT_LT(countRows(path, "events"), 60);
    // One pruning a day at most, and those older than the retention are pruned in turn.
    EXPECT_GE(countRows(path, "events WHERE kind = 'history pruned'"), 1);
    EXPECT_LE(countRows(path, "events WHERE kind = 'history pruned'"), 12);
    const auto v = verifyFile(path);
    EXPECT_TRUE(v.intact) << v.message;
    EXPECT_TRUE(store->lastKnownGoodPolicy());
    EXPECT_TRUE(store->lastPass());

    // A checkpoint rewritten to hide more pruning is caught by the signed-off pruning event.
    execSql(path,
            "UPDATE chain_checkpoint SET last_pruned_hash = '" + std::string(kGenesisHash) + "'");
    EXPECT_FALSE(verifyFile(path).intact);
}

// A machine whose clock was wrong for a while (a dead CMOS battery before NTP corrects it, a VM
// restored from a snapshot): events recorded in the middle of the chain with times years in the
// past. Retention goes along the chain and stops at the first event inside the retention: it
// never cuts out the months before such an event because that event looks old.
TEST(EventHistory, RetentionStopsAtTheFirstRecentEventWhateverTheClockSaidLater) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openStore(path);
    auto when = *parseIsoUtc("2026-03-01T00:00:00Z");
    for (int day = 0; day < 30; ++day) {  // a month of daily changes, a year's retention
        ASSERT_TRUE(succeeded(store->recordPass(passAt(when, day, 365))));
        when += std::chrono::hours(24);
    }
    const auto recent = countRows(path, "events WHERE at >= '2026-03-01T00:00:00Z'");
    const auto runs = countRows(path, "runs");
    // Booted with the clock in 2020: a pass that changed something, recorded then.
    ASSERT_TRUE(
        succeeded(store->recordPass(passAt(*parseIsoUtc("2020-01-01T00:05:00Z"), 30, 365))));
    // The clock corrected: the next passes, a day apart, run retention.
    for (int day = 0; day < 2; ++day) {
        ASSERT_TRUE(succeeded(store->recordPass(passAt(when, 31 + day, 365))));
        when += std::chrono::hours(24);
    }
    EXPECT_EQ(countRows(path, "events WHERE at >= '2026-03-01T00:00:00Z' AND at < '2026-03-31'"),
              recent)
        << "events inside the retention were pruned";
    EXPECT_EQ(countRows(path,
                        "runs WHERE started_at >= '2026-03-01T00:00:00Z' AND "
                        "started_at < '2026-03-31'"),
              runs);
    EXPECT_EQ(countRows(path, "events WHERE kind = 'history pruned'"), 0);
    EXPECT_TRUE(verifyFile(path).intact);
}

// A machine that stays the same for longer than the retention: the seal of its state is kept,
// so the state read back is still checked against the chain.
TEST(SealedState, RetentionKeepsTheLatestSealHoweverOld) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openStore(path);
    std::string error;
    auto when = *parseIsoUtc("2026-01-01T00:00:00Z");
    ASSERT_TRUE(succeeded(store->recordPass(passAt(when, 0, 10))));
    for (int day = 1; day <= 40; ++day) {  // restarts, and daily passes that repeat the first
        when += std::chrono::hours(24);
        ASSERT_TRUE(succeeded(store->recordEvent(event_kind::kAgentStarted, "", "")));
        auto same = passAt(when, 0, 10);
        ASSERT_TRUE(succeeded(store->recordPass(same)));
    }
    EXPECT_GT(countRows(path, "events WHERE kind = 'history pruned'"), 0) << "retention ran";
    EXPECT_EQ(countRows(path, "events WHERE kind = 'state sealed'"), 1);
    EXPECT_TRUE(verifyFile(path).intact);
    const auto v = verifySealFile(path);
    EXPECT_TRUE(v.intact) << v.message;
    EXPECT_NE(v.message.find("matches the state sealed by event"), std::string::npos) << v.message;
    execSql(path, "UPDATE current_findings SET outcome = 'compliant'");
    EXPECT_FALSE(verifySealFile(path).intact);
}

std::string copyFixture(const test::ScratchDir& scratch, const std::string& name) {
    const auto path = scratch.abs("compliance.db");
    std::filesystem::copy_file(std::string(MPA_FIXTURES_DIR) + "/store/" + name, path);
    ::chmod(path.c_str(), 0600);
    return path;
}

// Fixtures written by earlier schemas' code (tests/fixtures/store/README.md): the same three
// passes, ledger and state; schema 2 also has its events.
class StoreMigration : public testing::TestWithParam<const char*> {};

INSTANTIATE_TEST_SUITE_P(EveryEarlierSchema, StoreMigration,
                         testing::Values("compliance-v1.db", "compliance-v2.db"));

TEST_P(StoreMigration, AnOlderStoreUpgradesWithoutLosingRows) {
    test::ScratchDir scratch;
    const auto path = copyFixture(scratch, GetParam());
    const auto eventsBefore = std::string(GetParam()) == "compliance-v2.db" ? 5 : 0;
    EXPECT_TRUE(eventsBefore == 0 || verifyFile(path).intact);
    EXPECT_EQ(countRows(path, "runs"), 3);
    {
        auto reader = openStore(path, StoreMode::ReadOnly);  // an older file reads as it is
        ASSERT_TRUE(reader);
        EXPECT_TRUE(reader->lastPass());
    }
    auto store = openStore(path);
    ASSERT_TRUE(store);
    auto* sqlite = dynamic_cast<SqliteComplianceStore*>(store.get());
    Status read;
    EXPECT_EQ(readStoreSchemaVersion(sqlite->connection(), &read), storeSchemaVersion());
    EXPECT_EQ(countRows(path, "runs"), 3);
    EXPECT_EQ(countRows(path, "findings"), 4);
    const auto prior = store->find("etc-environment", "/etc/environment");
    ASSERT_TRUE(prior);
    EXPECT_EQ(prior->value, "LANG=C.UTF-8\n");
    const auto last = store->lastPass();
    ASSERT_TRUE(last) << test::readError(*store);
    EXPECT_EQ(last->report.verdict, Verdict::Compliant);
    // The fleet view reads only the sealed state, which the first pass after the upgrade writes.
    EXPECT_EQ(countRows(path, "compliance_current"), 0);
    EXPECT_EQ(countRows(path, "events"), eventsBefore);
    EXPECT_TRUE(verifyFile(path).intact) << "the events survive the migration intact";
    // The first pass after the upgrade repeats the last recorded one: a small row that still
    // knows its policy.
    auto repeat = last->report;
    repeat.startedAt = "2026-01-06T07:00:00Z";
    ASSERT_TRUE(succeeded(store->recordPass(repeat)));
    EXPECT_EQ(countRows(path, "runs WHERE id = 4 AND same_as = 2 AND policy_run = 2"), 1);
    EXPECT_EQ(countRows(path, "compliance_current"), 2);
    EXPECT_EQ(countRows(path, "sealed_state WHERE run_id = 2"), 1);
    EXPECT_TRUE(verifyFile(path).intact);
    const auto sealed = verifySealFile(path);
    EXPECT_TRUE(sealed.intact) << sealed.message;
    ASSERT_TRUE(store->lastKnownGoodPolicy());
    EXPECT_TRUE(store->lastKnownGoodPolicy()->find("TelemetryOptOut"));
    auto pass = samplePass("2026-01-06T08:00:00Z");
    ASSERT_TRUE(succeeded(store->recordPass(pass)));
    EXPECT_TRUE(verifyFile(path).intact);
    EXPECT_GT(countRows(path, "events"), 0);
}

// tests/fixtures/store/compliance-v4.db, written by schema 4's code: four passes (the last a
// repeat), their events and seals, a ledger entry and a state key. The upgrade to schema 5
// keeps every row, reads every finding as Metalama's, and the chain and the sealed state still
// verify; the next pass seals the state again with its compliance per tool.
TEST(StoreMigration, ASchema4StoreKeepsItsRowsAndVerifiesAfterTheUpgrade) {
    test::ScratchDir scratch;
    const auto path = copyFixture(scratch, "compliance-v4.db");
    // agent_state without the daily integrity check's own keys: the open runs the check when the
    // fixture's last one is a day old, which depends on today's date, not on the upgrade.
    const char* const tables[] = {
        "runs",
        "findings",
        "current_findings",
        "effective_policy",
        "events",
        "policy_issues",
        "ledger",
        "agent_state WHERE key NOT IN ('integrity_checked_at', 'chain_verified')"};
    std::map<std::string, std::int64_t> before;
    for (const auto* table : tables) before[table] = countRows(path, table);
    EXPECT_EQ(before["runs"], 4);
    EXPECT_GT(before["events"], 0);
    const auto viewBefore = countRows(path, "compliance_current");
    ASSERT_EQ(viewBefore, 2);
    ASSERT_TRUE(verifyFile(path).intact);
    {
        auto sealed = verifySealFile(path);  // read as it is, without the tool columns
        EXPECT_TRUE(sealed.intact) << sealed.message;
    }

    auto store = openStore(path);
    ASSERT_TRUE(store);
    auto* sqlite = dynamic_cast<SqliteComplianceStore*>(store.get());
    Status read;
    EXPECT_EQ(readStoreSchemaVersion(sqlite->connection(), &read), storeSchemaVersion());
    for (const auto* table : tables) EXPECT_EQ(countRows(path, table), before[table]) << table;
    EXPECT_EQ(countRows(path, "current_findings WHERE tool = ''"), before["current_findings"]);
    EXPECT_EQ(countRows(path, "findings WHERE tool = ''"), before["findings"]);
    EXPECT_EQ(countRows(path, "compliance_current WHERE tool = 'metalama'"), viewBefore);
    EXPECT_EQ(countRows(path, "compliance_tools"), 0) << "sealed before compliance per tool";
    EXPECT_TRUE(verifyFile(path).intact);
    auto sealed = verifySealFile(path);
    EXPECT_TRUE(sealed.intact) << sealed.message;
    const auto last = store->lastPass();
    ASSERT_TRUE(last) << test::readError(*store);
    EXPECT_TRUE(last->report.notes.empty() ||
                last->report.notes.back().find("does not match") == std::string::npos)
        << last->report.notes.back();
    EXPECT_EQ(last->report.verdict, Verdict::Compliant);

    // A repeat of the last pass: the same content run, sealed again with the tools.
    auto repeat = last->report;
    repeat.startedAt = repeat.finishedAt = "2026-01-06T07:00:00Z";
    ASSERT_TRUE(succeeded(store->recordPass(repeat)));
    EXPECT_EQ(countRows(path, "runs"), before["runs"] + 1);
    EXPECT_EQ(countRows(path, "compliance_tools WHERE tool = 'metalama'"), 1);
    EXPECT_TRUE(verifyFile(path).intact);
    sealed = verifySealFile(path);
    EXPECT_TRUE(sealed.intact) << sealed.message;

    // And a pass about three tools after it.
    ASSERT_TRUE(succeeded(store->recordPass(test::toolsPass("2026-01-06T08:00:00Z", true))));
    EXPECT_EQ(countRows(path, "compliance_tools"), 3);
    EXPECT_TRUE(verifyFile(path).intact);
    sealed = verifySealFile(path);
    EXPECT_TRUE(sealed.intact) << sealed.message;
}

// tests/fixtures/store/compliance-v5.db, written by schema 5's agent: three passes over a root
// of three profiles (the first remediated them, the second found them compliant, the third
// repeated the second), with their events and seals. Schema 6 writes the sealed findings in
// pieces as a BLOB of the same JSON text: the upgrade keeps every row and the TEXT row sealed
// before it, the view reads both, and verify checks both and still finds an edit.
TEST(StoreMigration, ASchema5StoreKeepsItsRowsAndVerifiesAfterTheUpgrade) {
    test::ScratchDir scratch;
    const auto path = copyFixture(scratch, "compliance-v5.db");
    const char* const tables[] = {"runs",   "findings",      "current_findings", "effective_policy",
                                  "events", "policy_issues", "ledger",           "sealed_state"};
    std::map<std::string, std::int64_t> before;
    for (const auto* table : tables) before[table] = countRows(path, table);
    EXPECT_EQ(before["runs"], 3);
    EXPECT_EQ(before["events"], 13);
    const auto viewBefore = countRows(path, "compliance_current");
    ASSERT_EQ(viewBefore, before["current_findings"]);
    ASSERT_TRUE(verifyFile(path).intact);
    ASSERT_TRUE(verifySealFile(path).intact);

    auto store = openStore(path);
    ASSERT_TRUE(store);
    auto& db = dynamic_cast<SqliteComplianceStore&>(*store).connection();
    Status read;
    EXPECT_EQ(readStoreSchemaVersion(db, &read), storeSchemaVersion());
    for (const auto* table : tables) EXPECT_EQ(countRows(path, table), before[table]) << table;
    EXPECT_EQ(countRows(path, "sealed_state WHERE typeof(findings) = 'text'"), 1);
    EXPECT_EQ(countRows(path, "compliance_current"), viewBefore);
    EXPECT_EQ(countRows(path, "compliance_current WHERE state = 'compliant'"), 9);
    EXPECT_TRUE(verifyFile(path).intact);
    auto sealed = verifySealFile(path);
    EXPECT_TRUE(sealed.intact) << sealed.message;

    // The next pass that records something new seals its findings as a BLOB.
    const auto last = store->lastPass();
    ASSERT_TRUE(last) << test::readError(*store);
    auto changed = last->report;
    changed.startedAt = changed.finishedAt = "2026-12-07T07:00:00Z";
    test::editFindings(changed, [](auto& f) { f.front().outcome = Outcome::DriftRepaired; });
    ASSERT_TRUE(succeeded(store->recordPass(changed)));
    EXPECT_EQ(countRows(path, "sealed_state WHERE typeof(findings) = 'blob'"), 1);
    EXPECT_EQ(countRows(path, "compliance_current"), viewBefore);
    EXPECT_EQ(countRows(path, "compliance_current WHERE state = 'drift repaired'"), 1);
    EXPECT_TRUE(verifyFile(path).intact);
    sealed = verifySealFile(path);
    EXPECT_TRUE(sealed.intact) << sealed.message;
    // The same bytes the whole-text form held: the JSON the rows give, read back as text.
    SqliteStatement s;
    ASSERT_TRUE(db.prepare("SELECT CAST(findings AS TEXT) FROM sealed_state", &s));
    ASSERT_TRUE(s.step());
    const auto text = s.text(0);
    EXPECT_EQ(text.front(), '[');
    EXPECT_EQ(text.back(), ']');
    EXPECT_NE(text.find("\"drift repaired\""), std::string::npos);
    EXPECT_EQ(text.find('\0'), std::string::npos) << "every reserved byte was written";

    // An edit of the BLOB is found.
    store.reset();
    execSql(path,
            "UPDATE sealed_state SET findings = CAST(replace(CAST(findings AS TEXT), "
            "'drift repaired', 'compliant') AS BLOB)");
    sealed = verifySealFile(path);
    EXPECT_FALSE(sealed.intact);
    EXPECT_NE(sealed.message.find("sealed_state"), std::string::npos) << sealed.message;
}

bool anyCorruptSibling(const test::ScratchDir& scratch) {
    for (const auto& entry : std::filesystem::directory_iterator(scratch.path()))
        if (entry.path().filename().string().rfind("compliance.db.corrupt-", 0) == 0) return true;
    return false;
}

// Only a file recognisable as an SQLite database is ever moved aside: anything else at the
// database's path (`database: /etc/passwd`) is refused and left exactly as it was.
TEST(StoreRecovery, AFileThatIsNotAnSqliteDatabaseIsRefusedAndLeftAlone) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("passwd");
    const std::string text = "root:x:0:0:root:/root:/bin/bash\n";
    scratch.write("passwd", text, 0600);
    Status opened;
    EXPECT_FALSE(ComplianceStore::open(path, StoreMode::ReadWrite, builtinCatalog(), &opened));
    EXPECT_NE(opened.error.find("passwd: is not an SQLite database"), std::string::npos)
        << opened.error;
    EXPECT_EQ(scratch.read("passwd"), text);
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(scratch.path()),
                            std::filesystem::directory_iterator()),
              1);
}

TEST(StoreRecovery, AnotherProgramsSqliteDatabaseIsNotWrittenInto) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("other.db");
    {
        SqliteConnection other;
        ASSERT_TRUE(succeeded(other.open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)));
        ASSERT_TRUE(succeeded(other.exec("CREATE TABLE accounts (name TEXT)")));
    }
    ::chmod(path.c_str(), 0600);
    Status opened;
    EXPECT_FALSE(ComplianceStore::open(path, StoreMode::ReadWrite, builtinCatalog(), &opened));
    EXPECT_NE(opened.error.find("an SQLite database of another program"), std::string::npos)
        << opened.error;
    EXPECT_EQ(countRows(path, "sqlite_master"), 1);
}

TEST(StoreRecovery, AGarbageHeaderIsMovedAsideAndANewStoreStarted) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    // The agent's file (SQLite's header) with everything after the header destroyed.
    scratch.write("compliance.db", std::string("SQLite format 3", 16) + std::string(8176, 'x'),
                  0600);
    auto store = openStore(path);
    ASSERT_TRUE(store);
    EXPECT_TRUE(anyCorruptSibling(scratch));
    ASSERT_EQ(store->openNotes().size(), 1u);
    EXPECT_NE(store->openNotes()[0].find("moved aside"), std::string::npos);
    EXPECT_EQ(countRows(path, "events WHERE kind = 'store recovered'"), 1);
    std::string error;
    EXPECT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T10:00:00Z"))));
    EXPECT_TRUE(verifyFile(path).intact);
}

TEST(StoreRecovery, ATruncatedFileIsMovedAsideAndThePriorStatesSalvagedWhenReadable) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    {
        auto store = openStore(path);
        std::string error;
        ASSERT_TRUE(
            succeeded(store->record({"etc-environment", "/etc/environment", true, "A=1\n", ""})));
        for (int i = 0; i < 40; ++i) {
            auto pass = samplePass("2026-01-01T10:00:00Z");
            pass.notes.push_back(std::string(2000, 'n') + std::to_string(i));
            ASSERT_TRUE(succeeded(store->recordPass(pass)));
        }
    }
    const auto size = std::filesystem::file_size(path);
    std::filesystem::resize_file(path, size / 2);
    auto store = openStore(path);
    ASSERT_TRUE(store);
    EXPECT_TRUE(anyCorruptSibling(scratch));
    EXPECT_EQ(countRows(path, "events WHERE kind = 'store recovered'"), 1);
    // The ledger's pages sit early in the file, so this truncation leaves them readable.
    const auto prior = store->find("etc-environment", "/etc/environment");
    ASSERT_TRUE(prior) << allEvents(path).at(0).event.details;
    EXPECT_EQ(prior->value, "A=1\n");
}

TEST(StoreConcurrency, AReaderHoldingASnapshotNeverBlocksAPass) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openStore(path);
    std::string error;
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T10:00:00Z"))));
    // osquery-style reader: read-only URI, a transaction left open across the pass.
    sqlite3* reader = nullptr;
    ASSERT_EQ(sqlite3_open_v2(("file:" + path + "?mode=ro").c_str(), &reader,
                              SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM compliance_current;", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    // The reader keeps its transaction open until after the pass: had its snapshot blocked the
    // writer, the pass would have waited out the store's busy timeout and failed, so success is
    // the proof (and no clock is read: how long a pass takes is measured in bench/).
    auto changed = samplePass("2026-01-01T11:00:00Z", false);
    EXPECT_TRUE(succeeded(store->recordPass(changed)));
    EXPECT_EQ(store->pendingPasses(), 0u) << "the pass was written, not kept for later";
    // The reader still sees its snapshot; after it ends, the new pass.
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(reader, "SELECT count(*) FROM runs", -1, &stmt, nullptr);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(stmt, 0), 1);
    sqlite3_finalize(stmt);
    sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(reader);
    EXPECT_EQ(countRows(path, "runs"), 2);
}

// A full disk on a real (tmpfs) file system is an integration test
// (tests/integration/store_full_disk_test.cpp): it mounts one. Here, the file-size limit.
TEST(StoreResilience, AFileSizeLimitFailsThePassClearly) {
    // The stand-in where no tmpfs can be mounted: RLIMIT_FSIZE (ulimit -f) in a child process.
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    openStore(path).reset();
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);  // write() then fails with EFBIG instead of a signal
        const auto current = std::filesystem::file_size(path);
        rlimit limit{current + 16384, current + 16384};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        Status opened;
        auto store = ComplianceStore::open(path, StoreMode::ReadWrite, builtinCatalog(), &opened);
        if (!store) ::_exit(2);
        for (int i = 0; i < 50; ++i) {
            auto pass = samplePass("2026-01-01T10:00:00Z");
            pass.notes.push_back(std::string(20000, 'n') + std::to_string(i));
            if (const auto recorded = store->recordPass(pass); !recorded)
                ::_exit(recorded.error.find("kept in memory") != std::string::npos &&
                                store->pendingPasses() == 1
                            ? 0
                            : 3);
        }
        ::_exit(4);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_TRUE(verifyFile(path).intact);
}

}  // namespace
}  // namespace mpa
