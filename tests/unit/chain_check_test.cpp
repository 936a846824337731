// The published summary checks the event chain from the last verified point at each pass, and
// the whole chain on the integrity schedule (service start, daily) or when it cannot continue;
// `verify` always checks the whole chain.
#include "store/chain_check.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "store/chain_verify.hpp"
#include "store/sqlite_compliance_store.hpp"
#include "store/sqlite_connection.hpp"
#include "store/store_retention.hpp"
#include "store/summary_file.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "support/store_samples.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

using test::countRows;
using test::execSql;
using test::openSqliteStore;
using test::samplePass;
using test::verifyFile;

ComplianceSummary publishAndRead(SqliteComplianceStore& store,
                                 std::chrono::system_clock::time_point now) {
    ComplianceSummary read;
    EXPECT_TRUE(succeeded(publishComplianceSummary(store, now, "1.0")));
    EXPECT_TRUE(succeeded(readPublishedSummary(summaryPathFor(store.path()), now, &read)));
    return read;
}

// An edit that keeps the body canonical: only the hash can tell.
std::string editEvent(const std::string& which) {
    return "UPDATE events SET body = replace(body, '\"details\":\"', '\"details\":\"edited ') "
           "WHERE id = " +
           which;
}

const auto kStart = *parseIsoUtc("2026-12-01T08:00:00Z");

// Opened as at the service's start, one pass recorded and its summary published (a whole check).
std::unique_ptr<SqliteComplianceStore> storeWithAPassPublished(const std::string& path) {
    auto store = openSqliteStore(path, IntegrityCheck::Full);
    if (!store || !succeeded(store->recordPass(samplePass("2026-12-01T08:00:00Z"))) ||
        !publishAndRead(*store, kStart).chainIntact)
        return nullptr;
    return store;
}

TEST(ComplianceSummaryChain, AnEventEditedAfterTheVerifiedPointShowsAtTheNextPass) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openSqliteStore(path, IntegrityCheck::Full);
    ASSERT_TRUE(store);
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-12-01T08:00:00Z"))));
    const auto first = publishAndRead(*store, kStart);
    EXPECT_TRUE(first.chainIntact);
    EXPECT_EQ(first.chainCheckedAt, isoUtc(kStart)) << "the first summary checks the whole chain";
    const auto point = store->state(kChainVerifiedState);
    ASSERT_TRUE(point && !point->empty());

    const auto eventsBefore = countRows(path, "events");
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-12-01T09:00:00Z", false))));
    ASSERT_GT(countRows(path, "events"), eventsBefore);
    execSql(path, editEvent("(SELECT max(id) FROM events)"));

    const auto later = kStart + std::chrono::hours(1);
    const auto check = checkChainSinceVerified(*store, later);
    EXPECT_FALSE(check.whole) << "the point was there: only the new events are read";
    EXPECT_FALSE(check.verification.intact);
    const auto second = publishAndRead(*store, later);
    EXPECT_FALSE(second.chainIntact);
    EXPECT_FALSE(second.agentHealthy);
    EXPECT_EQ(second.chainCheckedAt, isoUtc(kStart));
    EXPECT_EQ(store->state(kChainVerifiedState), point) << "a broken event does not move it";
}

TEST(ComplianceSummaryChain, AnEditDeepInHistoryShowsAtTheNextWholeCheckAndAlwaysInVerify) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = storeWithAPassPublished(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-12-01T09:00:00Z", false))));
    EXPECT_TRUE(publishAndRead(*store, kStart + std::chrono::hours(1)).chainIntact);

    execSql(path, editEvent("1"));
    EXPECT_FALSE(verifyFile(path).intact) << "verify reads the whole chain at once";
    // The trade: between whole checks a pass reads only what was appended.
    const auto between = publishAndRead(*store, kStart + std::chrono::hours(2));
    EXPECT_TRUE(between.chainIntact);
    EXPECT_EQ(between.chainCheckedAt, isoUtc(kStart));

    // Not due yet: an `apply` within the day reads no more.
    store = openSqliteStore(path);
    ASSERT_TRUE(store);
    EXPECT_TRUE(publishAndRead(*store, kStart + std::chrono::hours(3)).chainIntact);
    // Due (the integrity schedule's state says the last full check is a day old): the open
    // checks the database whole, and the chain with it at the next summary.
    ASSERT_TRUE(succeeded(
        store->setState("integrity_checked_at",
                        isoUtc(std::chrono::system_clock::now() - std::chrono::hours(25)))));
    store = openSqliteStore(path);
    ASSERT_TRUE(store);
    const auto due = kStart + std::chrono::hours(26);
    const auto caught = publishAndRead(*store, due);
    EXPECT_FALSE(caught.chainIntact);
    EXPECT_EQ(caught.chainCheckedAt, isoUtc(due));
}

TEST(ComplianceSummaryChain, TheServiceStartChecksTheWholeChain) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = storeWithAPassPublished(path);
    ASSERT_TRUE(store);
    execSql(path, editEvent("1"));
    store = openSqliteStore(path, IntegrityCheck::Full);
    ASSERT_TRUE(store);
    EXPECT_FALSE(publishAndRead(*store, kStart + std::chrono::hours(1)).chainIntact);
}

TEST(ComplianceSummaryChain, AHistoryCutBackPrunedOrReplacedIsCheckedWhole) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openSqliteStore(path, IntegrityCheck::Full);
    ASSERT_TRUE(store);
    for (const char* at : {"2026-01-01T08:00:00Z", "2026-01-02T08:00:00Z", "2026-01-03T08:00:00Z"})
        ASSERT_TRUE(succeeded(store->recordPass(samplePass(at, at[9] != '2'))));
    EXPECT_TRUE(checkChainSinceVerified(*store, kStart).whole);
    EXPECT_FALSE(checkChainSinceVerified(*store, kStart).whole);

    // The head moved back past the point.
    execSql(path, "DELETE FROM events WHERE id = (SELECT max(id) FROM events)");
    auto check = checkChainSinceVerified(*store, kStart);
    EXPECT_TRUE(check.whole);
    EXPECT_TRUE(check.verification.intact) << check.verification.message;

    // Retention pruned the start of the history (and the point with it).
    {
        SqliteTransaction transaction(store->connection());
        ASSERT_TRUE(succeeded(transaction.begin()));
        RetentionResult pruned;
        ASSERT_TRUE(
            succeeded(applyRetention(store->connection(), "2026-12-01T00:00:00Z", 10, &pruned)));
        ASSERT_GT(pruned.eventsPruned, 0);
        ASSERT_TRUE(succeeded(transaction.commit()));
    }
    check = checkChainSinceVerified(*store, kStart);
    EXPECT_TRUE(check.whole);
    EXPECT_TRUE(check.verification.intact) << check.verification.message;

    // A point the store does not hold (a database replaced, or recovered with its state
    // salvaged): the same.
    ASSERT_TRUE(succeeded(store->setState(kChainVerifiedState, "999 " + std::string(64, 'a'))));
    EXPECT_TRUE(checkChainSinceVerified(*store, kStart).whole);
    ASSERT_TRUE(succeeded(store->setState(kChainVerifiedState, "1 " + std::string(64, 'a'))));
    EXPECT_TRUE(checkChainSinceVerified(*store, kStart).whole);
}

}  // namespace
}  // namespace mpa
