// What makes a pass's store cost small without changing what it records: statements compiled once
// per connection and handed back reset, the ledger look-ups of a pass sharing one read
// transaction that every write ends first, and the full integrity check only when it is due.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "store/sqlite_compliance_store.hpp"
#include "store/sqlite_connection.hpp"
#include "store/store_recovery.hpp"
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

// True when some statement of the connection is still stepping (it would keep a read open).
bool anyStatementBusy(sqlite3* db) {
    for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s))
        if (sqlite3_stmt_busy(s)) return true;
    return false;
}

TEST(StoreStatementCache, AStatementIsCompiledOnceAndHandedBackReset) {
    test::ScratchDir scratch;
    SqliteConnection db;
    ASSERT_TRUE(
        succeeded(db.open(scratch.abs("c.db"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)));
    ASSERT_TRUE(
        succeeded(db.exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3)")));
    const char* sql = "SELECT v FROM t WHERE v >= ? ORDER BY v";
    SqliteStatement* first = nullptr;
    Status compiled;
    {
        auto s = db.cached(sql, &compiled);
        ASSERT_TRUE(s) << compiled.error;
        first = &*s;
        s->bind(1, std::int64_t{2});
        ASSERT_TRUE(s->step());  // one row of two: left mid-way
        EXPECT_EQ(s->integer(0), 2);
        // The same SQL while leased (a nested use): a statement of its own, from the start.
        auto nested = db.cached(sql, &compiled);
        ASSERT_TRUE(nested) << compiled.error;
        EXPECT_NE(&*nested, first);
        nested->bind(1, std::int64_t{1});
        ASSERT_TRUE(nested->step());
        EXPECT_EQ(nested->integer(0), 1);
    }
    EXPECT_FALSE(anyStatementBusy(db.handle())) << "a cached statement kept its read open";
    EXPECT_TRUE(sqlite3_get_autocommit(db.handle()));
    auto again = db.cached(sql, &compiled);
    ASSERT_TRUE(again) << compiled.error;
    EXPECT_EQ(&*again, first) << "compiled again instead of reused";
    again->bind(1, std::int64_t{3});  // the earlier binding was cleared, the cursor reset
    ASSERT_TRUE(again->step());
    EXPECT_EQ(again->integer(0), 3);
    EXPECT_FALSE(again->step());
    EXPECT_FALSE(again->failed());
}

TEST(StoreStatementCache, SqlThatDoesNotCompileIsAnErrorNamingIt) {
    test::ScratchDir scratch;
    SqliteConnection db;
    ASSERT_TRUE(
        succeeded(db.open(scratch.abs("c.db"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)));
    Status compiled;
    auto s = db.cached("SELECT nothing FROM nowhere", &compiled);
    EXPECT_FALSE(s);
    EXPECT_NE(compiled.error.find("nowhere"), std::string::npos) << compiled.error;
}

TEST(StoreSharedReads, LookUpsShareOneReadAndEveryWriteEndsItFirst) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openSqliteStore(path);
    ASSERT_TRUE(store);
    std::string error;
    ASSERT_TRUE(succeeded(store->record({"t", "/a#k", true, "1", ""})));
    sqlite3* db = store->connection().handle();

    store->beginSharedReads();
    ASSERT_TRUE(store->find("t", "/a#k"));
    EXPECT_FALSE(sqlite3_get_autocommit(db)) << "the look-up did not open the shared read";
    EXPECT_FALSE(anyStatementBusy(db));
    EXPECT_EQ(store->listPrefix("t", "/a#").size(), 1u);

    // A write inside the shared reads is durable at once (another connection sees it) and the
    // look-ups after it see it.
    ASSERT_TRUE(succeeded(store->record({"t", "/b#k", false, "", ""})));
    EXPECT_TRUE(sqlite3_get_autocommit(db));
    EXPECT_EQ(countRows(path, "ledger WHERE subject = '/b#k'"), 1);
    EXPECT_TRUE(store->find("t", "/b#k"));
    EXPECT_FALSE(sqlite3_get_autocommit(db));

    // A batch (the per-user target's) ends it too and commits as before.
    ASSERT_TRUE(succeeded(store->beginBatch()));
    ASSERT_TRUE(succeeded(store->setState("k", "v")));
    EXPECT_EQ(store->state("k").value_or(""), "v");  // inside the batch's own transaction
    ASSERT_TRUE(succeeded(store->commitBatch()));
    EXPECT_EQ(countRows(path, "agent_state WHERE key = 'k'"), 1);

    // What another connection writes meanwhile is seen once the pass's reads end.
    EXPECT_TRUE(store->state("k"));
    execSql(path, "UPDATE agent_state SET value = 'w' WHERE key = 'k'");
    EXPECT_EQ(store->state("k").value_or(""), "v") << "the shared read is one snapshot";
    store->endSharedReads();
    EXPECT_TRUE(sqlite3_get_autocommit(db));
    EXPECT_EQ(store->state("k").value_or(""), "w");
    EXPECT_TRUE(sqlite3_get_autocommit(db)) << "a look-up outside shared reads left one open";

    // recordPass ends it as well.
    store->beginSharedReads();
    EXPECT_TRUE(store->find("t", "/a#k"));
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T10:00:00Z"))));
    EXPECT_TRUE(sqlite3_get_autocommit(db));
    store->endSharedReads();
    EXPECT_EQ(countRows(path, "runs"), 1);
}

// Overwrites the first page of `table`'s b-tree with garbage, on a closed database whose WAL is
// empty: damage that only a check of the whole database finds.
void damageTable(const std::string& path, const std::string& table) {
    std::int64_t root = 0, pageSize = 0;
    {
        SqliteConnection db;
        ASSERT_TRUE(succeeded(db.open(path, SQLITE_OPEN_READONLY)));
        root =
            db.queryInt("SELECT rootpage FROM sqlite_master WHERE name = '" + table + "'", nullptr)
                .value_or(0);
        pageSize = db.queryInt("PRAGMA page_size", nullptr).value_or(0);
    }
    ASSERT_GT(root, 1);
    ASSERT_GT(pageSize, 0);
    ASSERT_EQ(std::filesystem::file_size(path + "-wal"), 0u) << "the WAL still holds pages";
    std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
    file.seekp((root - 1) * pageSize);
    const std::string garbage(static_cast<std::size_t>(pageSize), '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    ASSERT_TRUE(file.good());
}

bool anyCorruptSibling(const test::ScratchDir& scratch) {
    for (const auto& entry : std::filesystem::directory_iterator(scratch.path()))
        if (entry.path().filename().string().rfind("compliance.db.corrupt-", 0) == 0) return true;
    return false;
}

// A store opened with the full check (the service's start) holding three recorded passes.
std::unique_ptr<SqliteComplianceStore> storeWithThreePasses(const std::string& path) {
    auto store = openSqliteStore(path, IntegrityCheck::Full);
    if (!store) return nullptr;
    for (int i = 0; i < 3; ++i)
        if (const auto recorded =
                store->recordPass(samplePass("2026-01-0" + std::to_string(i + 1) + "T10:00:00Z"));
            !recorded) {
            ADD_FAILURE() << recorded.error;
            return nullptr;
        }
    return store;
}

TEST(StoreIntegritySchedule, TheFullCheckRunsWhenDueAndFindsDamageTheCheapOnesCannot) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    {
        auto store = storeWithThreePasses(path);
        ASSERT_TRUE(store);
        // The full check at open was recorded.
        const auto at = store->state("integrity_checked_at");
        ASSERT_TRUE(at);
        ASSERT_TRUE(parseIsoUtc(*at));
    }
    damageTable(path, "events");

    // Checked within the day: the open (what `apply` does) reads no more than the cheap checks.
    {
        auto store = openSqliteStore(path);
        ASSERT_TRUE(store);
        EXPECT_FALSE(anyCorruptSibling(scratch));
        EXPECT_TRUE(store->openNotes().empty());
        std::string note, error;
        EXPECT_TRUE(succeeded(store->checkIntegrityIfDue(&note)));
        EXPECT_TRUE(note.empty()) << "not due, yet checked: " << note;
        EXPECT_FALSE(anyCorruptSibling(scratch));
    }

    // A day later the service's check before a pass finds it, moves it aside, starts anew and
    // keeps the prior states.
    {
        auto store = openSqliteStore(path);
        ASSERT_TRUE(store);
        std::string error;
        ASSERT_TRUE(succeeded(store->record({"t", "/kept", true, "x", ""})));
        const auto dayAgo = isoUtc(std::chrono::system_clock::now() - std::chrono::hours(25));
        ASSERT_TRUE(succeeded(store->setState("integrity_checked_at", dayAgo)));
        std::string note;
        ASSERT_TRUE(succeeded(store->checkIntegrityIfDue(&note)));
        EXPECT_NE(note.find("moved aside"), std::string::npos) << note;
        EXPECT_TRUE(anyCorruptSibling(scratch));
        EXPECT_TRUE(store->find("t", "/kept"));
        EXPECT_EQ(countRows(path, "events WHERE kind = 'store recovered'"), 1);
        ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-05T10:00:00Z"))));
        // Checked now: not due again.
        EXPECT_TRUE(succeeded(store->checkIntegrityIfDue(&note)));
    }
}

TEST(StoreIntegritySchedule, TheServiceStartChecksTheWholeDatabase) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    { ASSERT_TRUE(storeWithThreePasses(path)); }
    damageTable(path, "events");
    auto store = openSqliteStore(path, IntegrityCheck::Full);
    ASSERT_TRUE(store);
    EXPECT_TRUE(anyCorruptSibling(scratch));
    ASSERT_EQ(store->openNotes().size(), 1u);
    EXPECT_NE(store->openNotes()[0].find("was corrupt"), std::string::npos)
        << store->openNotes()[0];
}

TEST(StoreIntegritySchedule, TheCheapCheckFindsAFileCutShortWithoutReadingIt) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    {
        auto store = openSqliteStore(path, IntegrityCheck::Full);
        ASSERT_TRUE(store);
        std::string error;
        for (int i = 0; i < 20; ++i) {
            auto pass = samplePass("2026-01-01T10:00:00Z");
            pass.notes.push_back(std::string(2000, 'n') + std::to_string(i));
            ASSERT_TRUE(succeeded(store->recordPass(pass)));
        }
    }
    SqliteConnection db;
    std::string detail;
    ASSERT_TRUE(succeeded(db.open(path, SQLITE_OPEN_READONLY)));
    EXPECT_EQ(checkStoreCheaply(db, path, &detail), IntegrityResult::Ok) << detail;
    db.close();
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    ASSERT_TRUE(succeeded(db.open(path, SQLITE_OPEN_READONLY)));
    EXPECT_EQ(checkStoreCheaply(db, path, &detail), IntegrityResult::Corrupt);
    EXPECT_NE(detail.find("truncated"), std::string::npos) << detail;
}

#ifndef _WIN32
// The chain head beside the database (store/chain_head_sidecar.hpp) is rewritten when the head
// moves or the file was changed, not by a pass that appended nothing (two flushes saved).
TEST(StoreChainHeadSidecar, ANoOpPassLeavesItAndADifferentOneIsRewritten) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    const auto sidecar = path + ".head";
    auto store = openSqliteStore(path);
    ASSERT_TRUE(store);
    std::string error;
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T10:00:00Z"))));
    struct stat before {};
    ASSERT_EQ(::stat(sidecar.c_str(), &before), 0);
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T11:00:00Z"))));
    ASSERT_EQ(countRows(path, "runs WHERE same_as IS NOT NULL"), 1) << "not a no-op pass";
    struct stat after {};
    ASSERT_EQ(::stat(sidecar.c_str(), &after), 0);
    EXPECT_EQ(after.st_ino, before.st_ino) << "rewritten although the head did not move";

    const std::string head = store->chainHead() + "\n";
    {
        std::ofstream tampered(sidecar, std::ios::trunc);
        tampered << "event 1 " << std::string(64, '0') << "\n";
    }
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T12:00:00Z"))));
    std::ifstream in(sidecar);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, head);
    ::chmod(sidecar.c_str(), 0644);
    ASSERT_TRUE(succeeded(store->recordPass(samplePass("2026-01-01T13:00:00Z"))));
    ASSERT_EQ(::stat(sidecar.c_str(), &after), 0);
    EXPECT_EQ(after.st_mode & 07777, 0600u);
}
#endif

}  // namespace
}  // namespace mpa
