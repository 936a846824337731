#include "store/sqlite_connection.hpp"

#include <cstdio>
#include <utility>

namespace mpa {

SqliteConnection::~SqliteConnection() {
    close();
}

SqliteConnection::SqliteConnection(SqliteConnection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {}

SqliteConnection& SqliteConnection::operator=(SqliteConnection&& other) noexcept {
    if (this != &other) {
        close();
        db_ = std::exchange(other.db_, nullptr);
        cache_ = std::move(other.cache_);
    }
    return *this;
}

Status SqliteConnection::open(const std::string& target, int flags) {
    close();
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(target.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        auto failed = Status::failure(std::string("cannot open ") + target + ": " +
                                      (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
        sqlite3_close_v2(db);
        return failed;
    }
    // Extended codes tell SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_* apart in messages.
    sqlite3_extended_result_codes(db, 1);
    db_ = db;
    return Status::success();
}

void SqliteConnection::close() {
    cache_.clear();  // finalized before the connection they belong to
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
}

Status SqliteConnection::exec(std::string_view sql) {
    char* message = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return Status::success();
    auto failed = Status::failure(std::string(message ? message : sqlite3_errstr(rc)));
    sqlite3_free(message);
    return failed;
}

Status SqliteConnection::prepare(std::string_view sql, SqliteStatement* statement) const {
    *statement = SqliteStatement();
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        auto failed =
            Status::failure(std::string(sqlite3_errmsg(db_)) + " in: " + std::string(sql));
        sqlite3_finalize(stmt);
        return failed;
    }
    statement->stmt_ = stmt;
    statement->db_ = db_;
    return Status::success();
}

SqliteCachedStatement SqliteConnection::cached(std::string_view sql, Status* status) const {
    SqliteCachedStatement lease;
    auto found = cache_.find(sql);
    if (found == cache_.end()) {
        auto entry = std::make_unique<CacheEntry>();
        if (auto prepared = prepare(sql, &entry->statement); !prepared) {
            if (status) *status = std::move(prepared);
            return lease;
        }
        found = cache_.emplace(std::string(sql), std::move(entry)).first;
    }
    CacheEntry& entry = *found->second;
    if (entry.leased) {  // in use further up the stack: a statement of its own
        lease.own_ = std::make_unique<SqliteStatement>();
        if (auto prepared = prepare(sql, lease.own_.get()); !prepared) {
            if (status) *status = std::move(prepared);
            lease.own_.reset();
        }
        lease.statement_ = lease.own_.get();
        return lease;
    }
    entry.leased = true;
    lease.statement_ = &entry.statement;
    lease.leased_ = &entry.leased;
    return lease;
}

SqliteCachedStatement::~SqliteCachedStatement() {
    if (statement_) statement_->reset();
    if (leased_) *leased_ = false;
}

SqliteCachedStatement::SqliteCachedStatement(SqliteCachedStatement&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)),
      leased_(std::exchange(other.leased_, nullptr)),
      own_(std::move(other.own_)) {}

Status SqliteConnection::prepareFirstRow(std::string_view sql, SqliteStatement* statement) const {
    if (auto prepared = prepare(sql, statement); !prepared) return prepared;
    if (statement->step()) return Status::success();
    return Status::failure(statement->failed() ? statement->errorMessage()
                                               : "no row from: " + std::string(sql));
}

std::optional<std::int64_t> SqliteConnection::queryInt(std::string_view sql, Status* status) const {
    SqliteStatement s;
    if (auto row = prepareFirstRow(sql, &s); !row) {
        if (status) *status = std::move(row);
        return std::nullopt;
    }
    return s.integer(0);
}

std::optional<std::string> SqliteConnection::queryText(std::string_view sql, Status* status) const {
    SqliteStatement s;
    if (auto row = prepareFirstRow(sql, &s); !row) {
        if (status) *status = std::move(row);
        return std::nullopt;
    }
    return s.text(0);
}

std::int64_t SqliteConnection::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(db_);
}

int SqliteConnection::changes() const {
    return sqlite3_changes(db_);
}

std::string SqliteConnection::lastErrorMessage() const {
    return db_ ? sqlite3_errmsg(db_) : "database not open";
}

int SqliteConnection::lastErrorCode() const {
    return db_ ? (sqlite3_extended_errcode(db_) & 0xff) : SQLITE_MISUSE;
}

void SqliteConnection::setBusyTimeout(int milliseconds) {
    sqlite3_busy_timeout(db_, milliseconds);
}

SqliteStatement::~SqliteStatement() {
    sqlite3_finalize(stmt_);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      db_(std::exchange(other.db_, nullptr)),
      failed_(other.failed_),
      lastCode_(other.lastCode_) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        stmt_ = std::exchange(other.stmt_, nullptr);
        db_ = std::exchange(other.db_, nullptr);
        failed_ = other.failed_;
        lastCode_ = other.lastCode_;
    }
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
    sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

SqliteStatement& SqliteStatement::bindNull(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
}

SqliteStatement& SqliteStatement::bindOptional(int index,
                                               const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bindNull(index);
}

bool SqliteStatement::step() {
    lastCode_ = sqlite3_step(stmt_);
    if (lastCode_ == SQLITE_ROW) return true;
    failed_ = lastCode_ != SQLITE_DONE;
    return false;
}

Status SqliteStatement::run() {
    const bool row = step();
    if (failed_ || row)
        return Status::failure(row ? "statement returned a row unexpectedly" : errorMessage());
    return Status::success();
}

std::string SqliteStatement::errorMessage() const {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(lastCode_);
    if (stmt_) {
        const char* sql = sqlite3_sql(stmt_);
        if (sql) message += std::string(" (in: ") + sql + ")";
    }
    return message;
}

void SqliteStatement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    failed_ = false;
}

std::string SqliteStatement::text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string();
}

std::string_view SqliteStatement::textView(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
             : std::string_view();
}

std::int64_t SqliteStatement::integer(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

bool SqliteStatement::isNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

SqliteTransaction::~SqliteTransaction() {
    if (active_) connection_.exec("ROLLBACK");
}

Status SqliteTransaction::begin() {
    auto begun = connection_.exec("BEGIN IMMEDIATE");
    if (begun) active_ = true;
    return begun;
}

Status SqliteTransaction::commit() {
    auto committed = connection_.exec("COMMIT");
    if (committed) active_ = false;  // on failure still active: the dtor rolls back
    return committed;
}

std::string sqliteFileUri(const std::string& path, std::string_view query) {
    // RFC 3986 as SQLite reads it: only '%', '?' and '#' must be escaped in the path part.
    std::string uri = "file:";
    for (const char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            char buffer[4];
            std::snprintf(buffer, sizeof buffer, "%%%02X", static_cast<unsigned char>(c));
            uri += buffer;
        } else {
            uri += c;
        }
    }
    if (!query.empty()) uri += "?" + std::string(query);
    return uri;
}

}  // namespace mpa
