#pragma once
// A thin RAII layer over the SQLite C API: one connection, prepared statements with typed binds
// and reads, and transactions that roll back unless committed. Errors are values (a Status whose
// text names the database and the SQL that failed), never exceptions.
#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.hpp"

namespace mpa {

class SqliteStatement;
class SqliteCachedStatement;

class SqliteConnection {
  public:
    SqliteConnection() = default;
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;
    SqliteConnection(SqliteConnection&& other) noexcept;
    SqliteConnection& operator=(SqliteConnection&& other) noexcept;

    // `target` is a file path, or a "file:" URI when `flags` holds SQLITE_OPEN_URI.
    Status open(const std::string& target, int flags);
    void close();
    bool isOpen() const { return db_ != nullptr; }
    sqlite3* handle() const { return db_; }

    // Runs one or more statements that return no rows we need.
    Status exec(std::string_view sql);
    Status prepare(std::string_view sql, SqliteStatement* statement) const;
    // The statement for `sql`, compiled on first use and kept until the connection closes:
    // compiling the same look-up for each of ten thousand profiles was a fifth of a pass. The
    // lease resets it (and clears its bindings) when it goes, so a cached statement never keeps
    // a read open. A statement already leased (a nested use of the same SQL) is compiled anew.
    // An empty lease with *status failed (status may be null) when it cannot be compiled.
    SqliteCachedStatement cached(std::string_view sql, Status* status) const;
    // Prepares and steps once: success when the statement produced a row (read it from
    // statement); no row is a failure too ("no row from: <sql>").
    Status prepareFirstRow(std::string_view sql, SqliteStatement* statement) const;
    // The single integer a statement like "PRAGMA user_version" returns; nullopt with *status
    // failed (status may be null) when there is none.
    std::optional<std::int64_t> queryInt(std::string_view sql, Status* status) const;
    std::optional<std::string> queryText(std::string_view sql, Status* status) const;
    std::int64_t lastInsertRowId() const;
    int changes() const;
    std::string lastErrorMessage() const;
    int lastErrorCode() const;  // primary result code (SQLITE_CORRUPT, SQLITE_NOTADB, ...)
    void setBusyTimeout(int milliseconds);

  private:
    struct CacheEntry;
    sqlite3* db_ = nullptr;
    mutable std::map<std::string, std::unique_ptr<CacheEntry>, std::less<>> cache_;
};

class SqliteStatement {
  public:
    SqliteStatement() = default;
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&& other) noexcept;

    // Binds are 1-based, as in SQLite. Text is copied (SQLITE_TRANSIENT).
    SqliteStatement& bind(int index, std::string_view text);
    SqliteStatement& bind(int index, std::int64_t value);
    SqliteStatement& bindNull(int index);
    SqliteStatement& bindOptional(int index, const std::optional<std::int64_t>& value);

    // One step: true when a row is available; false when done or on error (see failed()).
    bool step();
    // Runs a statement that returns no row (a row is a failure too).
    Status run();
    bool failed() const { return failed_; }
    std::string errorMessage() const;
    void reset();

    std::string text(int column) const;
    // The column's text without a copy: valid until the next step, reset or destruction.
    std::string_view textView(int column) const;
    std::int64_t integer(int column) const;
    bool isNull(int column) const;

  private:
    friend class SqliteConnection;
    sqlite3_stmt* stmt_ = nullptr;
    sqlite3* db_ = nullptr;
    bool failed_ = false;
    int lastCode_ = SQLITE_OK;
};

struct SqliteConnection::CacheEntry {
    SqliteStatement statement;
    bool leased = false;
};

// A statement from SqliteConnection::cached: use it as a SqliteStatement (`->`, `*`); false when
// it could not be compiled. Reset and handed back to the cache when it goes out of scope.
class SqliteCachedStatement {
  public:
    SqliteCachedStatement() = default;
    ~SqliteCachedStatement();
    SqliteCachedStatement(const SqliteCachedStatement&) = delete;
    SqliteCachedStatement& operator=(const SqliteCachedStatement&) = delete;
    SqliteCachedStatement(SqliteCachedStatement&& other) noexcept;
    SqliteCachedStatement& operator=(SqliteCachedStatement&& other) = delete;

    explicit operator bool() const { return statement_ != nullptr; }
    SqliteStatement& operator*() const { return *statement_; }
    SqliteStatement* operator->() const { return statement_; }

  private:
    friend class SqliteConnection;
    SqliteStatement* statement_ = nullptr;
    bool* leased_ = nullptr;                // the cache entry's flag; null for a one-off
    std::unique_ptr<SqliteStatement> own_;  // a one-off (nested use of the same SQL)
};

// BEGIN IMMEDIATE on construction (takes the write lock now, within the busy timeout, so the
// transaction never fails half-way on a lock); rolls back in the destructor unless committed.
class SqliteTransaction {
  public:
    explicit SqliteTransaction(SqliteConnection& connection) : connection_(connection) {}
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;
    Status begin();
    Status commit();

  private:
    SqliteConnection& connection_;
    bool active_ = false;
};

// "file:/path%3Fwith%23odd%25chars?mode=ro": a URI for sqlite3_open_v2 with SQLITE_OPEN_URI.
std::string sqliteFileUri(const std::string& path, std::string_view query);

}  // namespace mpa
