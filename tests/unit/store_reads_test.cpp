// What makes a pass's store cost small without changing what it records: statements compiled once
// per connection and handed back reset, the ledger look-ups of a pass sharing one read
// transaction that every write ends first.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/sqlite_compliance_store.hpp"
#include "store/sqlite_connection.hpp"
#include "support/scratch_dir.hpp"
#include "support/store_samples.hpp"

namespace mpa {
namespace {

using test::countRows;
using test::execSql;
using test::samplePass;

// True when some statement of the connection is still stepping (it would keep a read open).
bool anyStatementBusy(sqlite3* db) {
    for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s))
        if (sqlite3_stmt_busy(s)) return true;
    return false;
}

std::unique_ptr<SqliteComplianceStore> openSqlite(const std::string& path) {
    std::string error;
    auto store = SqliteComplianceStore::open(path, StoreMode::ReadWrite, builtinCatalog(), &error);
    EXPECT_TRUE(store) << error;
    return store;
}

TEST(StoreStatementCache, AStatementIsCompiledOnceAndHandedBackReset) {
    test::ScratchDir scratch;
    SqliteConnection db;
    std::string error;
    ASSERT_TRUE(db.open(scratch.abs("c.db"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &error));
    ASSERT_TRUE(db.exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3)", &error));
    const char* sql = "SELECT v FROM t WHERE v >= ? ORDER BY v";
    SqliteStatement* first = nullptr;
    {
        auto s = db.cached(sql, &error);
        ASSERT_TRUE(s) << error;
        first = &*s;
        s->bind(1, std::int64_t{2});
        ASSERT_TRUE(s->step());  // one row of two: left mid-way
        EXPECT_EQ(s->integer(0), 2);
        // The same SQL while leased (a nested use): a statement of its own, from the start.
        auto nested = db.cached(sql, &error);
        ASSERT_TRUE(nested) << error;
        EXPECT_NE(&*nested, first);
        nested->bind(1, std::int64_t{1});
        ASSERT_TRUE(nested->step());
        EXPECT_EQ(nested->integer(0), 1);
    }
    EXPECT_FALSE(anyStatementBusy(db.handle())) << "a cached statement kept its read open";
    EXPECT_TRUE(sqlite3_get_autocommit(db.handle()));
    auto again = db.cached(sql, &error);
    ASSERT_TRUE(again) << error;
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
    std::string error;
    ASSERT_TRUE(db.open(scratch.abs("c.db"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &error));
    auto s = db.cached("SELECT nothing FROM nowhere", &error);
    EXPECT_FALSE(s);
    EXPECT_NE(error.find("nowhere"), std::string::npos) << error;
}

TEST(StoreSharedReads, LookUpsShareOneReadAndEveryWriteEndsItFirst) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openSqlite(path);
    ASSERT_TRUE(store);
    std::string error;
    ASSERT_TRUE(store->record({"t", "/a#k", true, "1", ""}, &error)) << error;
    sqlite3* db = store->connection().handle();

    store->beginSharedReads();
    ASSERT_TRUE(store->find("t", "/a#k"));
    EXPECT_FALSE(sqlite3_get_autocommit(db)) << "the look-up did not open the shared read";
    EXPECT_FALSE(anyStatementBusy(db));
    EXPECT_EQ(store->listPrefix("t", "/a#").size(), 1u);

    // A write inside the shared reads is durable at once (another connection sees it) and the
    // look-ups after it see it.
    ASSERT_TRUE(store->record({"t", "/b#k", false, "", ""}, &error)) << error;
    EXPECT_TRUE(sqlite3_get_autocommit(db));
    EXPECT_EQ(countRows(path, "ledger WHERE subject = '/b#k'"), 1);
    EXPECT_TRUE(store->find("t", "/b#k"));
    EXPECT_FALSE(sqlite3_get_autocommit(db));

    // A batch (the per-user target's) ends it too and commits as before.
    ASSERT_TRUE(store->beginBatch(&error)) << error;
    ASSERT_TRUE(store->setState("k", "v", &error)) << error;
    EXPECT_EQ(store->state("k").value_or(""), "v");  // inside the batch's own transaction
    ASSERT_TRUE(store->commitBatch(&error)) << error;
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
    ASSERT_TRUE(store->recordPass(samplePass("2026-01-01T10:00:00Z"), &error)) << error;
    EXPECT_TRUE(sqlite3_get_autocommit(db));
    store->endSharedReads();
    EXPECT_EQ(countRows(path, "runs"), 1);
}

}  // namespace
}  // namespace mpa
