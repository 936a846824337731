// Enforce first, record after: the write-ahead ledger on a real store and a real queue file. What
// the store does not take is durable in the queue before record() returns, visible to reads, read
// back by the next ledger, and recorded in order (the pass with its own time) once the store is
// back.
#include "store/write_ahead_ledger.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/pass_report_json.hpp"
#include "store/pending_queue.hpp"
#include "store/sqlite_compliance_store.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "support/store_samples.hpp"

namespace mpa {
namespace {

TEST(WriteAheadLedger, WithoutAWritableStoreChangesGoToTheQueueAndAreRecordedLater) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = test::openStore(path);
    ASSERT_TRUE(store);
    std::string error;
    ASSERT_TRUE(succeeded(store->record({"t", "kept", true, "before", ""})));

    PendingQueue queue(path);
    {
        WriteAheadLedger ledger(store.get(), nullptr, queue);  // the store cannot be written
        EXPECT_TRUE(ledger.diverted());
        ASSERT_TRUE(succeeded(ledger.beginBatch()));
        ASSERT_TRUE(succeeded(ledger.record({"t", "a", false, "", ""})));
        ASSERT_TRUE(succeeded(ledger.record({"t", "kept", true, "later value", ""})));
        ASSERT_TRUE(succeeded(ledger.setState("k", "v")));
        ASSERT_TRUE(succeeded(ledger.commitBatch()));
        ASSERT_TRUE(succeeded(ledger.forget("t", "kept")));
        // record a, state k, forget kept (the second record of kept is ignored: the first wins)
        EXPECT_EQ(ledger.queuedEntries(), 3u);
        EXPECT_TRUE(ledger.find("t", "a"));
        EXPECT_FALSE(ledger.find("t", "kept"));
        EXPECT_EQ(ledger.state("k"), "v");
        EXPECT_EQ(ledger.list("t").size(), 1u);
    }
    ASSERT_TRUE(queue.exists());
#ifndef _WIN32  // POSIX modes; on Windows the queue inherits the database directory's ACL
    EXPECT_EQ(std::filesystem::status(queue.path()).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
#endif
    EXPECT_EQ(test::countRows(path, "ledger WHERE subject = 'a'"), 0);

    // A later ledger sees what is queued, and keeps queueing behind it.
    {
        WriteAheadLedger ledger(store.get(), store.get(), queue);
        EXPECT_TRUE(ledger.diverted());
        EXPECT_TRUE(ledger.find("t", "a"));
        EXPECT_FALSE(ledger.find("t", "kept"));
    }
    const auto pass = QueuedEntry::pass(passReportToJson(test::samplePass("2026-03-01T10:00:00Z")));
    ASSERT_TRUE(succeeded(queue.append({pass})));

    std::vector<std::string> notes;
    ASSERT_TRUE(succeeded(drainPendingQueue(*store, queue, builtinCatalog(), &notes)));
    EXPECT_FALSE(queue.exists());
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("1 pass(es) with their own times"), std::string::npos) << notes[0];
    EXPECT_EQ(test::countRows(path, "ledger WHERE subject = 'a'"), 1);
    EXPECT_EQ(test::countRows(path, "ledger WHERE subject = 'kept'"), 0);
    EXPECT_EQ(store->state("k"), "v");
    EXPECT_EQ(test::countRows(path, "runs WHERE started_at = '2026-03-01T10:00:00Z'"), 1);
}

TEST(WriteAheadLedger, AWritableStoreTakesTheChangesAndNothingIsQueued) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = test::openStore(path);
    ASSERT_TRUE(store);
    PendingQueue queue(path);
    WriteAheadLedger ledger(store.get(), store.get(), queue);
    std::string error;
    ASSERT_TRUE(succeeded(ledger.beginBatch()));
    ASSERT_TRUE(succeeded(ledger.record({"t", "a", false, "", ""})));
    ASSERT_TRUE(succeeded(ledger.commitBatch()));
    EXPECT_FALSE(ledger.diverted());
    EXPECT_FALSE(queue.exists());
    EXPECT_EQ(test::countRows(path, "ledger WHERE subject = 'a'"), 1);
}

// recordAbsent skips the look before recording (the caller has just listed the subject as
// absent): the entry is recorded, in the store or, without one, in the queue; and an entry the
// store already holds stays the first even so (its insert keeps what it has).
TEST(WriteAheadLedger, AnEntryRecordedAsAbsentIsRecordedAndTheStoresFirstEntryStays) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = test::openStore(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(succeeded(store->record({"t", "kept", true, "before", ""})));
    PendingQueue queue(path);
    {
        WriteAheadLedger ledger(store.get(), store.get(), queue);
        ASSERT_TRUE(succeeded(ledger.beginBatch()));
        ASSERT_TRUE(succeeded(ledger.recordAbsent({"t", "new", true, "value", ""})));
        ASSERT_TRUE(succeeded(ledger.recordAbsent({"t", "kept", true, "later value", ""})));
        ASSERT_TRUE(succeeded(ledger.commitBatch()));
        EXPECT_FALSE(queue.exists());
        const auto found = ledger.find("t", "new");
        ASSERT_TRUE(found);
        EXPECT_EQ(found->value, "value");
        EXPECT_FALSE(found->recordedAt.empty()) << "the ledger fills the time";
        EXPECT_EQ(ledger.find("t", "kept")->value, "before");
    }
    EXPECT_EQ(test::countRows(path, "ledger WHERE subject = 'new'"), 1);
    EXPECT_EQ(test::countRows(path, "ledger WHERE subject = 'kept' AND value = 'before'"), 1);
    {
        WriteAheadLedger ledger(store.get(), nullptr, queue);  // the store cannot be written
        ASSERT_TRUE(succeeded(ledger.recordAbsent({"t", "queued", false, "", ""})));
        EXPECT_TRUE(ledger.find("t", "queued"));
        EXPECT_EQ(ledger.queuedEntries(), 1u);
    }
    EXPECT_EQ(test::countRows(path, "ledger WHERE subject = 'queued'"), 0);
}

// What the store takes is read from the store, not held a second time in memory, and reads see
// the same: inside a batch its open transaction answers. Once it refuses, everything is held.
TEST(WriteAheadLedger, WhatTheStoreTookIsNotHeldInMemoryAndReadsStillSeeIt) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = test::openStore(path);
    ASSERT_TRUE(store);
    PendingQueue queue(path);
    WriteAheadLedger ledger(store.get(), store.get(), queue);
    std::string error;
    ASSERT_TRUE(succeeded(ledger.beginBatch()));
    ASSERT_TRUE(succeeded(ledger.record({"t", "a", true, "first", ""})));
    ASSERT_TRUE(succeeded(ledger.setState("k", "v")));
    EXPECT_EQ(ledger.heldInMemory(), 0u);  // the open transaction answers
    ASSERT_TRUE(ledger.find("t", "a"));
    EXPECT_EQ(ledger.find("t", "a")->value, "first");
    EXPECT_EQ(ledger.state("k"), "v");
    ASSERT_TRUE(succeeded(ledger.record({"t", "a", true, "the agent's own", ""})));
    EXPECT_EQ(ledger.find("t", "a")->value, "first");  // the first still wins inside the batch
    ASSERT_TRUE(succeeded(ledger.commitBatch()));
    EXPECT_EQ(ledger.heldInMemory(), 0u);
    ASSERT_TRUE(succeeded(ledger.record({"t", "b", false, "", ""})));
    EXPECT_EQ(ledger.heldInMemory(), 0u);
    // The first prior state still wins, read from the store.
    ASSERT_TRUE(succeeded(ledger.record({"t", "a", true, "the agent's own", ""})));
    ASSERT_TRUE(ledger.find("t", "a"));
    EXPECT_EQ(ledger.find("t", "a")->value, "first");
    EXPECT_EQ(ledger.list("t").size(), 2u);
    EXPECT_EQ(ledger.state("k"), "v");
    ASSERT_TRUE(succeeded(ledger.forget("t", "b")));
    EXPECT_FALSE(ledger.find("t", "b"));
    EXPECT_EQ(ledger.heldInMemory(), 0u);
    EXPECT_FALSE(queue.exists());

    // A store that cannot be written: everything is held (and queued).
    WriteAheadLedger diverted(store.get(), nullptr, queue);
    ASSERT_TRUE(succeeded(diverted.record({"t", "c", false, "", ""})));
    ASSERT_TRUE(succeeded(diverted.forget("t", "a")));
    EXPECT_EQ(diverted.heldInMemory(), 2u);
    EXPECT_TRUE(diverted.find("t", "c"));
    EXPECT_FALSE(diverted.find("t", "a"));
}

// A store that fills up in the middle of a batch (a real SQLITE_FULL: the database may grow by no
// page) refuses the rest, and what it took of the batch may be rolled back with it: every change
// of the batch is then held for reads and queued, in order, and reaches the store when the queue
// is drained.
TEST(WriteAheadLedger, ABatchTheStoreCannotFinishIsHeldAndQueued) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = test::openStore(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(succeeded(store->record({"t", "gone", true, "old", ""})));
    auto& sqlite = dynamic_cast<SqliteComplianceStore&>(*store);
    PendingQueue queue(path);
    {
        WriteAheadLedger ledger(store.get(), store.get(), queue);
        ASSERT_TRUE(succeeded(ledger.beginBatch()));
        ASSERT_TRUE(succeeded(ledger.record({"t", "a", true, "first", ""})));
        ASSERT_TRUE(succeeded(ledger.forget("t", "gone")));
        EXPECT_EQ(ledger.heldInMemory(), 0u);  // the store's open transaction answers
        // No page more than the database has now (SQLite raises a lower limit to that): an entry
        // that needs pages of its own cannot be stored.
        ASSERT_TRUE(succeeded(sqlite.connection().exec("PRAGMA max_page_count = 1")));
        ASSERT_TRUE(succeeded(ledger.record({"t", "big", true, std::string(64 * 1024, 'x'), ""})));
        EXPECT_TRUE(ledger.diverted()) << "the store took an entry it has no room for";
        ASSERT_TRUE(succeeded(ledger.setState("k", "v")));
        ASSERT_TRUE(succeeded(ledger.commitBatch()));  // durable in the queue
        EXPECT_EQ(ledger.queuedEntries(), 4u);
        EXPECT_EQ(ledger.heldInMemory(), 4u);
        ASSERT_TRUE(ledger.find("t", "a"));
        EXPECT_EQ(ledger.find("t", "a")->value, "first");
        ASSERT_TRUE(ledger.find("t", "big"));
        EXPECT_FALSE(ledger.find("t", "gone"));
        EXPECT_EQ(ledger.state("k"), "v");
        EXPECT_EQ(ledger.list("t").size(), 2u);
    }
    ASSERT_TRUE(queue.exists());
    ASSERT_TRUE(succeeded(sqlite.connection().exec("PRAGMA max_page_count = 1073741823")));
    std::vector<std::string> notes;
    ASSERT_TRUE(succeeded(drainPendingQueue(*store, queue, builtinCatalog(), &notes)));
    EXPECT_FALSE(queue.exists());
    EXPECT_EQ(test::countRows(path, "ledger WHERE subject IN ('a', 'big')"), 2);
    EXPECT_EQ(test::countRows(path, "ledger WHERE subject = 'gone'"), 0);
    EXPECT_EQ(store->state("k"), "v");
}

TEST(PassReportJson, APassReadsBackAsItWasWritten) {
    const auto pass = test::samplePass("2026-03-01T10:00:00Z");
    PassReport back;
    ASSERT_TRUE(succeeded(passReportFromJson(passReportToJson(pass), builtinCatalog(), &back)));
    EXPECT_EQ(back.startedAt, pass.startedAt);
    EXPECT_EQ(back.verdict, pass.verdict);
    EXPECT_EQ(back.findings.size(), pass.findings.size());
    EXPECT_EQ(back.policy.values.size(), pass.policy.values.size());
    EXPECT_EQ(back.policy.issues.size(), pass.policy.issues.size());
    EXPECT_EQ(passReportToJson(back), passReportToJson(pass));
    EXPECT_FALSE(passReportFromJson("{\"started_at\": 1}", builtinCatalog(), &back));
}

}  // namespace
}  // namespace mpa
