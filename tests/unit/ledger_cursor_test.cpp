// The ledger look-ups of a pass go on from where the previous one stopped (store/ledger_cursor):
// whatever order they come in, they return what a query of their own returns, and in a pass's
// order they search the index once.
#include "store/ledger_cursor.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/pending_queue.hpp"
#include "store/sqlite_compliance_store.hpp"
#include "store/write_ahead_ledger.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "support/store_samples.hpp"

namespace mpa {
namespace {

using test::openSqliteStore;

// Subjects chosen to meet the cursor's edges: a prefix that another file's name extends
// ("/h/a#" and "/h/a#b#"), bytes above 0x7F, neighbours that differ in their last byte.
std::vector<std::string> sampleFiles() {
    std::vector<std::string> files;
    for (int i = 0; i < 60; ++i) files.push_back("/home/u" + std::to_string(100 + i) + "/t.json");
    files.push_back("/h/a");
    files.push_back("/h/a#b");
    files.push_back("/h/\xc3\xa9t\xc3\xa9/t.json");
    files.push_back("/h/b");
    files.push_back("/h/c");
    return files;
}

std::vector<std::string> subjectsOf(const std::vector<PriorState>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.subject + "=" + e.value);
    return out;
}

class LedgerCursorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        store_ = openSqliteStore(scratch_.abs("compliance.db"));
        ASSERT_TRUE(store_);
        ASSERT_TRUE(succeeded(store_->beginBatch()));
        for (const auto& file : sampleFiles())
            for (const char* key : {"file", "k1", "k2"})
                ASSERT_TRUE(
                    succeeded(store_->record({"t", file + "#" + key, true, file + key, ""})));
        // Another target's entries sit beside them in the index and are never returned.
        ASSERT_TRUE(succeeded(store_->record({"u", "/home/u100/t.json#k1", true, "other", ""})));
        ASSERT_TRUE(succeeded(store_->commitBatch()));
    }

    // What a query of its own returns: the store outside its shared reads.
    std::vector<std::string> alone(const std::string& target, const std::string& prefix) {
        return subjectsOf(store_->listPrefix(target, prefix));
    }

    test::ScratchDir scratch_;
    std::unique_ptr<SqliteComplianceStore> store_;
};

TEST_F(LedgerCursorTest, AnyOrderOfLookUpsReturnsWhatEachReturnsAlone) {
    std::vector<std::string> prefixes;
    for (const auto& file : sampleFiles()) prefixes.push_back(file + "#");
    prefixes.insert(prefixes.end(), {"/h/", "/h/a#b#", "/home/u1", "/home/u15", "/nothing#", "/",
                                     "/home/u100/t.json#k1", "/zzz#"});
    std::vector<std::pair<std::string, std::vector<std::string>>> expected;
    for (const auto& p : prefixes)
        for (const char* target : {"t", "u"}) expected.push_back({target + p, alone(target, p)});
    ASSERT_EQ(alone("t", "/h/a#").size(), 6u) << "the extension's entries match the prefix too";

    // In order, reversed, shuffled three ways: each look-up as if alone.
    std::vector<std::size_t> order(expected.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::mt19937 random(20261206);
    for (int round = 0; round < 5; ++round) {
        if (round == 1) std::reverse(order.begin(), order.end());
        if (round >= 2) std::shuffle(order.begin(), order.end(), random);
        store_->beginSharedReads();
        for (const auto i : order) {
            const auto& [key, want] = expected[i];
            const std::string target(1, key[0]);
            EXPECT_EQ(subjectsOf(store_->listPrefix(target, key.substr(1))), want)
                << "round " << round << ", " << key;
        }
        store_->endSharedReads();
    }
}

TEST_F(LedgerCursorTest, APassInSubjectOrderSearchesTheIndexOnceAndFarJumpsSearchAgain) {
    std::vector<std::string> files;  // no name here extends another's
    for (const auto& file : sampleFiles())
        if (file.rfind("/home/", 0) == 0) files.push_back(file);
    std::sort(files.begin(), files.end());
    sqlite3* db = store_->connection().handle();
    ASSERT_EQ(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), SQLITE_OK);
    LedgerCursor cursor(store_->connection());
    std::size_t rows = 0;
    const auto count = [&](const SqliteStatement&) { ++rows; };
    std::string error;
    for (const auto& file : files) ASSERT_TRUE(cursor.read("t", file + "#", count, &error));
    EXPECT_EQ(rows, files.size() * 3);
    EXPECT_EQ(cursor.seeks(), 1u) << "each look-up searched the index again";

    // Every other file skipped: still one search.
    cursor.drop();
    for (std::size_t i = 0; i < files.size(); i += 2)
        ASSERT_TRUE(cursor.read("t", files[i] + "#", count, &error));
    EXPECT_EQ(cursor.seeks(), 2u);
    // Backwards, far ahead (more entries between than it steps over) or another target: a
    // search each.
    ASSERT_TRUE(cursor.read("t", files[0] + "#", count, &error));
    EXPECT_EQ(cursor.seeks(), 3u);
    ASSERT_TRUE(cursor.read("t", files[30] + "#", count, &error));
    EXPECT_EQ(cursor.seeks(), 4u);
    ASSERT_TRUE(cursor.read("u", "/home/", count, &error));
    EXPECT_EQ(cursor.seeks(), 5u);
    cursor.drop();
    EXPECT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
}

TEST_F(LedgerCursorTest, AWriteOrTheEndOfThePassReadsEndsTheCursorsRead) {
    sqlite3* db = store_->connection().handle();
    const auto busy = [&] {
        for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s))
            if (sqlite3_stmt_busy(s)) return true;
        return false;
    };
    store_->beginSharedReads();
    ASSERT_EQ(store_->listPrefix("t", "/h/a#").size(), 6u);
    EXPECT_TRUE(busy()) << "the cursor was not kept between look-ups";
    // A write in the middle: the cursor lets go first, and the look-ups after it see the write.
    ASSERT_TRUE(succeeded(store_->record({"t", "/h/b#k3", true, "new", ""})));
    EXPECT_FALSE(busy());
    EXPECT_EQ(store_->listPrefix("t", "/h/b#").size(), 4u);
    ASSERT_TRUE(succeeded(store_->forget("t", "/h/c#k1")));
    EXPECT_EQ(store_->listPrefix("t", "/h/c#").size(), 2u);
    store_->endSharedReads();
    EXPECT_FALSE(busy());
    EXPECT_TRUE(sqlite3_get_autocommit(db)) << "the pass's reads left a read open";
}

TEST_F(LedgerCursorTest, SubjectsAloneAreVisitedAndTheWriteAheadLedgerAddsWhatItHolds) {
    std::multiset<std::string> fromStore;
    store_->forEachSubject("t", [&](std::string_view s) { fromStore.emplace(s); });
    std::multiset<std::string> all;
    store_->forEach("t", [&](const PriorState& e) { all.insert(e.subject); });
    EXPECT_EQ(fromStore, all);
    EXPECT_EQ(fromStore.size(), sampleFiles().size() * 3);

    // A ledger the store cannot take writes for holds them: its forget hides a subject and its
    // record adds one.
    PendingQueue queue(scratch_.abs("compliance.db"));
    WriteAheadLedger diverted(store_.get(), nullptr, queue);
    ASSERT_TRUE(succeeded(diverted.forget("t", "/h/a#k1")));
    ASSERT_TRUE(succeeded(diverted.record({"t", "/h/new#file", false, "", ""})));
    std::multiset<std::string> seen;
    diverted.forEachSubject("t", [&](std::string_view s) { seen.emplace(s); });
    auto want = all;
    want.erase("/h/a#k1");
    want.insert("/h/new#file");
    EXPECT_EQ(seen, want);
}

}  // namespace
}  // namespace mpa
