#include "store/compliance_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <filesystem>

#include "store/sqlite_compliance_store.hpp"
#include "store/store_schema.hpp"
#include "support/hang_guard.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "support/store_samples.hpp"

namespace mpa {
namespace {

using StoreScratch = test::ScratchDir;

using test::countRows;
using test::execSql;
using test::openStore;
using test::readError;
using test::samplePass;

const PolicyCatalog& catalog() {
    return builtinCatalog();
}

TEST(ComplianceStore, CreatesAPrivateWalDatabaseAndItsDirectory) {
    StoreScratch scratch;
    const auto path = scratch.abs("var/lib/mpa/compliance.db");
    auto store = openStore(path);
    ASSERT_TRUE(store);
#ifndef _WIN32  // modes; the Windows ACL is checked by compliance_store_win_test.cpp
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(::stat(scratch.abs("var/lib/mpa").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
#endif
    auto* sqlite = dynamic_cast<SqliteComplianceStore*>(store.get());
    ASSERT_NE(sqlite, nullptr);
    Status read;
    EXPECT_EQ(sqlite->connection().queryText("PRAGMA journal_mode", &read).value_or(read.error),
              "wal");
    EXPECT_EQ(readStoreSchemaVersion(sqlite->connection(), &read), storeSchemaVersion());
    EXPECT_EQ(sqlite->connection().queryText("PRAGMA page_size", &read).value_or(read.error),
              "8192");
    store.reset();
    // The WAL companions stay (empty) so that read-only readers can open the file later.
    EXPECT_TRUE(std::filesystem::exists(path + "-shm"));
    ASSERT_TRUE(std::filesystem::exists(path + "-wal"));
    EXPECT_EQ(std::filesystem::file_size(path + "-wal"), 0u);
#ifndef _WIN32
    ASSERT_EQ(::stat((path + "-shm").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
#endif
}

// A database made with SQLite's 4 KB pages (every store before the 8 KB pages) keeps them: it
// opens, records and reads back as before, and is not rewritten.
TEST(ComplianceStore, ADatabaseWithOtherPagesKeepsThem) {
    StoreScratch scratch;
    const auto path = scratch.abs("compliance.db");
    {
        SqliteConnection db;
        ASSERT_TRUE(db.open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
        ASSERT_TRUE(
            db.exec("PRAGMA page_size=4096; PRAGMA journal_mode=WAL; "
                    "CREATE TABLE t (x); DROP TABLE t"));
    }
#ifndef _WIN32
    ::chmod(path.c_str(), 0600);
#endif
    {
        auto store = test::openSqliteStore(path);
        ASSERT_TRUE(store);
        ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T10:00:00Z"))));
        Status read;
        EXPECT_EQ(store->connection().queryText("PRAGMA page_size", &read).value_or(read.error),
                  "4096");
    }
    auto reopened = openStore(path);
    ASSERT_TRUE(reopened);
    EXPECT_TRUE(reopened->lastPass());
}

TEST(ComplianceStore, RoundTripsAPassReport) {
    StoreScratch scratch;
    const auto path = scratch.abs("compliance.db");
    const auto pass = samplePass("2026-01-01T10:00:00Z");
    {
        auto store = openStore(path);
        std::string error;
        ASSERT_TRUE(succeeded(store->recordPass(pass)));
    }
    auto store = openStore(path, StoreMode::ReadOnly);
    ASSERT_TRUE(store);
    const auto stored = store->lastPass();
    ASSERT_TRUE(stored) << readError(*store);
    const auto& r = stored->report;
    EXPECT_EQ(r.startedAt, pass.startedAt);
    EXPECT_EQ(r.trigger, "timer");
    EXPECT_EQ(r.mode, RunMode::Enforce);
    EXPECT_EQ(r.verdict, Verdict::NonCompliant);
    EXPECT_EQ(r.notes, pass.notes);
    EXPECT_EQ(r.policy.informational, pass.policy.informational);
    ASSERT_EQ(r.findings.size(), 2u);
    EXPECT_EQ(r.findings[1].user, "ann");
    EXPECT_EQ(r.findings[1].outcome, Outcome::Failed);
    EXPECT_EQ(r.findings[1].reason, "permission denied");
    EXPECT_EQ(r.findings[0].outcome, Outcome::Remediated);
    ASSERT_EQ(r.policy.values.size(), 3u);
    const auto* optOut = r.policy.find("TelemetryOptOut");
    ASSERT_NE(optOut, nullptr);
    EXPECT_EQ(optOut->value, PolicyValue(true));
    EXPECT_EQ(optOut->from.origin, "/etc/metalama/policies/managed/10-it.json");
    EXPECT_EQ(optOut->from.order, 1);
    ASSERT_EQ(optOut->overridden.size(), 1u);
    EXPECT_EQ(optOut->overridden[0].value, PolicyValue(false));
    EXPECT_EQ(optOut->overridden[0].from.level, PolicyLevel::Recommended);
    const auto* mode = r.policy.find("EnforcementMode");
    ASSERT_NE(mode, nullptr);
    EXPECT_EQ(mode->value, PolicyValue(std::string("AuditOnly")));
    EXPECT_EQ(mode->from.precedence, SourcePrecedence::PlatformChannel);
    EXPECT_TRUE(mode->keptFromLastKnownGood);
    EXPECT_EQ(mode->keptBecause, "the registry key could not be read");
    EXPECT_EQ(r.policy.find("DeviceIdRotationDays")->value, PolicyValue(std::int64_t{30}));
    ASSERT_EQ(r.policy.issues.size(), 1u);
    EXPECT_TRUE(r.policy.issues[0].blocksSource);
    EXPECT_EQ(r.policy.issues[0].message, "not a map");
    // Values are JSON typed by the catalog, readable without the agent.
    EXPECT_EQ(countRows(path, "effective_policy WHERE name = 'TelemetryOptOut' AND value = 'true'"),
              1);
    EXPECT_EQ(countRows(path, "effective_policy WHERE value = '\"AuditOnly\"'"), 1);
    EXPECT_EQ(countRows(path, "effective_policy WHERE value = '30'"), 1);
}

TEST(ComplianceStore, LedgerKeepsTheFirstPriorStateDurably) {
    StoreScratch scratch;
    const auto path = scratch.abs("compliance.db");
    {
        auto store = openStore(path);
        std::string error;
        ASSERT_TRUE(succeeded(
            store->record({"etc-environment", "/etc/environment", true, "LANG=C\n", ""})));
        // The second record describes the agent's own change: it must not replace the first.
        ASSERT_TRUE(succeeded(store->record({"etc-environment", "/etc/environment", true,
                                             "LANG=C\nMETALAMA_TELEMETRY_OPT_OUT=1\n", ""})));
        ASSERT_TRUE(succeeded(
            store->record({"profile-d", "/etc/profile.d/metalama-telemetry.sh", false, "", ""})));
        ASSERT_TRUE(succeeded(store->setState("device-id-set:ann", "2026-01-01T00:00:00Z")));
        ASSERT_TRUE(succeeded(store->setState("device-id-set:ann", "2026-02-01T00:00:00Z")));
        // No close: another connection must already see the committed rows.
        EXPECT_EQ(countRows(path, "ledger"), 2);
    }
    auto store = openStore(path);
    const auto prior = store->find("etc-environment", "/etc/environment");
    ASSERT_TRUE(prior);
    EXPECT_TRUE(prior->existed);
    EXPECT_EQ(prior->value, "LANG=C\n");
    EXPECT_EQ(prior->recordedAt.size(), 20u) << prior->recordedAt;
    EXPECT_EQ(store->list("profile-d").size(), 1u);
    EXPECT_FALSE(store->list("profile-d")[0].existed);
    EXPECT_EQ(store->state("device-id-set:ann"), "2026-02-01T00:00:00Z");
    EXPECT_FALSE(store->state("nothing"));
    std::string error;
    ASSERT_TRUE(succeeded(store->forget("etc-environment", "/etc/environment")));
    EXPECT_FALSE(store->find("etc-environment", "/etc/environment"));
}

TEST(ComplianceStore, LastKnownGoodIsTheLatestEnforcedPassWithAPolicy) {
    StoreScratch scratch;
    auto store = openStore(scratch.abs("compliance.db"));
    EXPECT_FALSE(store->lastKnownGoodPolicy());
    std::string error;
    auto first = samplePass("2026-01-01T10:00:00Z");
    ASSERT_TRUE(succeeded(store->recordPass(first)));
    auto second = samplePass("2026-01-01T11:00:00Z");
    second.policy.values.at("DeviceIdRotationDays").value = std::int64_t{90};
    ASSERT_TRUE(succeeded(store->recordPass(second)));
    auto dryRun = samplePass("2026-01-01T12:00:00Z");
    dryRun.mode = RunMode::DryRun;
    dryRun.policy.values.at("DeviceIdRotationDays").value = std::int64_t{7};
    ASSERT_TRUE(succeeded(store->recordPass(dryRun)));
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T13:00:00Z", false))));

    const auto lkg = store->lastKnownGoodPolicy();
    ASSERT_TRUE(lkg) << readError(*store);
    EXPECT_EQ(lkg->find("DeviceIdRotationDays")->value, PolicyValue(std::int64_t{90}));
    EXPECT_EQ(lkg->find("TelemetryOptOut")->from.source, "Linux policy file");
    // The latest pass itself had no policy.
    EXPECT_TRUE(store->lastPass()->report.policy.empty());
}

TEST(ComplianceStore, ANoOpPassAddsOnlyASmallRunRow) {
    StoreScratch scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openStore(path);
    std::string error;
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T10:00:00Z"))));
    for (int hour = 11; hour < 15; ++hour) {
        auto again = samplePass("2026-01-01T" + std::to_string(hour) + ":00:00Z");
        again.trigger = "drift";
        ASSERT_TRUE(succeeded(store->recordPass(again)));
    }
    EXPECT_EQ(countRows(path, "runs"), 5);
    EXPECT_EQ(countRows(path, "findings"), 2);
    EXPECT_EQ(countRows(path, "effective_policy"), 3);
    EXPECT_EQ(countRows(path, "runs WHERE same_as = 1"), 4);
    auto last = store->lastPass();
    ASSERT_TRUE(last) << readError(*store);
    EXPECT_EQ(last->runId, 5);
    EXPECT_EQ(last->report.startedAt, "2026-01-01T14:00:00Z");
    EXPECT_EQ(last->report.trigger, "drift");
    EXPECT_EQ(last->report.findings.size(), 2u);
    EXPECT_EQ(last->report.policy.values.size(), 3u);
    EXPECT_EQ(last->report.notes, std::vector<std::string>{"a note"});
    EXPECT_TRUE(store->lastKnownGoodPolicy());

    // A change records the finding that changed, not the whole set; the policy rows are shared.
    auto changed = samplePass("2026-01-01T15:00:00Z");
    test::editFindings(changed, [](auto& f) { f[1].outcome = Outcome::Remediated; });
    changed.verdict = computeVerdict(changed.policy, changed.findings);
    ASSERT_TRUE(succeeded(store->recordPass(changed)));
    EXPECT_EQ(countRows(path, "findings"), 3);
    EXPECT_EQ(countRows(path, "effective_policy"), 3);
    EXPECT_EQ(countRows(path, "runs WHERE id = 6 AND policy_run = 1"), 1);
    const auto now = store->lastPass();
    ASSERT_TRUE(now) << readError(*store);
    EXPECT_EQ(now->report.verdict, Verdict::Compliant);
    ASSERT_EQ(now->report.findings.size(), 2u);
    EXPECT_EQ(now->report.findings[1].outcome, Outcome::Remediated);
    EXPECT_EQ(now->report.findings[0].outcome, Outcome::Remediated);

    // A subject that disappears is recorded as removed.
    test::editFindings(changed, [](auto& f) { f.pop_back(); });
    changed.startedAt = "2026-01-01T16:00:00Z";
    ASSERT_TRUE(succeeded(store->recordPass(changed)));
    EXPECT_EQ(countRows(path, "findings WHERE run_id = 7 AND removed = 1"), 1);
    EXPECT_EQ(store->lastPass()->report.findings.size(), 1u);
}

#ifndef _WIN32  // modes, uids and symbolic links: POSIX only
TEST(ComplianceStore, RefusesADatabaseOthersCanWrite) {
    StoreScratch scratch;
    const auto path = scratch.abs("db/compliance.db");
    openStore(path).reset();
    ASSERT_EQ(::chmod(path.c_str(), 0666), 0);
    Status opened;
    EXPECT_FALSE(ComplianceStore::open(path, StoreMode::ReadWrite, catalog(), &opened));
    EXPECT_NE(opened.error.find(path), std::string::npos) << opened.error;
    EXPECT_NE(opened.error.find("0666"), std::string::npos) << opened.error;

    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    ASSERT_EQ(::chmod(scratch.abs("db").c_str(), 0777), 0);
    opened = Status::success();
    EXPECT_FALSE(ComplianceStore::open(path, StoreMode::ReadWrite, catalog(), &opened));
    EXPECT_NE(opened.error.find(scratch.abs("db") + ":"), std::string::npos) << opened.error;
}

TEST(ComplianceStore, RefusesADatabaseAnotherAccountOwns) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the file away";
    StoreScratch scratch;
    const auto path = scratch.abs("compliance.db");
    openStore(path).reset();
    ASSERT_EQ(::chown(path.c_str(), 12345, 12345), 0);
    Status opened;
    EXPECT_FALSE(ComplianceStore::open(path, StoreMode::ReadWrite, catalog(), &opened));
    EXPECT_NE(opened.error.find("owned by uid 12345"), std::string::npos) << opened.error;
}

TEST(ComplianceStore, RefusesASymbolicLinkInPlaceOfTheDatabase) {
    StoreScratch scratch;
    const auto real = scratch.abs("real.db");
    openStore(real).reset();
    const auto link = scratch.abs("compliance.db");
    ASSERT_EQ(::symlink(real.c_str(), link.c_str()), 0);
    Status opened;
    EXPECT_FALSE(ComplianceStore::open(link, StoreMode::ReadWrite, catalog(), &opened));
    EXPECT_NE(opened.error.find("symbolic link"), std::string::npos) << opened.error;
}
#endif

TEST(ComplianceStore, ReadOnlyOpenOfAMissingFileFailsAndCreatesNothing) {
    StoreScratch scratch;
    const auto path = scratch.abs("missing/compliance.db");
    Status opened;
    EXPECT_FALSE(ComplianceStore::open(path, StoreMode::ReadOnly, catalog(), &opened));
    EXPECT_NE(opened.error.find(path), std::string::npos) << opened.error;
    EXPECT_FALSE(std::filesystem::exists(scratch.abs("missing")));
}

TEST(ComplianceStore, ReadOnlyStoreRefusesWrites) {
    StoreScratch scratch;
    const auto path = scratch.abs("compliance.db");
    openStore(path).reset();
    auto store = openStore(path, StoreMode::ReadOnly);
    const auto refused = store->recordPass(samplePass("2026-01-01T10:00:00Z"));
    EXPECT_FALSE(refused);
    EXPECT_NE(refused.error.find("read-only"), std::string::npos) << refused.error;
    EXPECT_FALSE(store->record({"t", "s", false, "", ""}));
}

TEST(ComplianceStore, ANewerSchemaIsRefusedForWritingButStillReadable) {
    StoreScratch scratch;
    const auto path = scratch.abs("compliance.db");
    {
        auto store = openStore(path);
        Status opened;
        ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T10:00:00Z"))));
    }
    execSql(path, "PRAGMA user_version = " + std::to_string(storeSchemaVersion() + 1));
    Status opened;
    EXPECT_FALSE(ComplianceStore::open(path, StoreMode::ReadWrite, catalog(), &opened));
    EXPECT_NE(opened.error.find("newer agent"), std::string::npos) << opened.error;
    EXPECT_NE(opened.error.find(path), std::string::npos) << opened.error;
    auto reader = openStore(path, StoreMode::ReadOnly);
    ASSERT_TRUE(reader);
    EXPECT_TRUE(reader->lastPass()) << readError(*reader);
}

TEST(ComplianceStore, AWriteBlockedPastTheBoundedWaitKeepsThePassForTheNextOne) {
    StoreScratch scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openStore(path);
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T10:00:00Z"))));
    // Another writer holds the write lock longer than the bounded busy timeout.
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    // The wait is bounded: the pass returns while the lock is still held (the guard releases it
    // only after a generous patience, to fail rather than hang; how long the bounded wait lasts
    // is kStoreBusyTimeoutMs, not a clock read here).
    auto blocked = samplePass("2026-01-01T11:00:00Z", false);
    bool recorded = true;
    std::string error;
    ASSERT_TRUE(test::returnsWithoutHanging(
        [&] {
            const auto written = store->recordPass(blocked);
            recorded = written.ok;
            error = written.error;
        },
        [&] { sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr); }))
        << "the write waited for the lock without a bound";
    EXPECT_FALSE(recorded);
    EXPECT_NE(error.find("locked"), std::string::npos) << error;
    EXPECT_NE(error.find("kept in memory"), std::string::npos) << error;
    EXPECT_EQ(store->pendingPasses(), 1u);
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    // The next pass writes the kept one first: nothing is lost.
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T12:00:00Z"))));
    EXPECT_EQ(store->pendingPasses(), 0u);
    EXPECT_EQ(countRows(path, "runs"), 3);
    EXPECT_EQ(countRows(path, "runs WHERE started_at = '2026-01-01T11:00:00Z'"), 1);
}

}  // namespace
}  // namespace mpa
