#include "store/sqlite_compliance_store.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "platform/private_file.hpp"
#include "store/chain_check.hpp"
#include "store/chain_head_sidecar.hpp"
#include "store/event_chain.hpp"
#include "store/event_kinds.hpp"
#include "store/event_log.hpp"
#include "store/pass_events.hpp"
#include "store/policy_record_json.hpp"
#include "store/sha256.hpp"
#include "store/store_recovery.hpp"
#include "store/store_retention.hpp"
#include "store/store_schema.hpp"
#include "util/time_text.hpp"

namespace mpa {

std::unique_ptr<ComplianceStore> ComplianceStore::open(const std::string& path, StoreMode mode,
                                                       const PolicyCatalog& catalog, Status* status,
                                                       IntegrityCheck check) {
    return SqliteComplianceStore::open(path, mode, catalog, status, check);
}

std::unique_ptr<SqliteComplianceStore> SqliteComplianceStore::open(const std::string& path,
                                                                   StoreMode mode,
                                                                   const PolicyCatalog& catalog,
                                                                   Status* status,
                                                                   IntegrityCheck check) {
    std::unique_ptr<SqliteComplianceStore> store(new SqliteComplianceStore(path, mode, catalog));
    auto opened =
        mode == StoreMode::ReadWrite ? store->openReadWrite(check) : store->openReadOnly();
    if (!opened) {
        if (status) *status = std::move(opened);
        return nullptr;
    }
    return store;
}

Status SqliteComplianceStore::openReadOnly() {
    if (!pathExists(path_))
        return Status::failure(path_ +
                               ": no compliance database here (the agent has not recorded a pass "
                               "yet, or --db names another file)");
    if (auto opened =
            db_.open(sqliteFileUri(path_, "mode=ro"), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
        !opened)
        return opened;
    db_.setBusyTimeout(kStoreBusyTimeoutMs);
    Status versionRead;
    const auto version = readStoreSchemaVersion(db_, &versionRead);
    if (!version)
        return Status::failure(path_ +
                               ": not a readable compliance database: " + versionRead.error);
    schemaVersion_ = *version;
    return Status::success();
}

Status SqliteComplianceStore::openReadWrite(IntegrityCheck check) {
    // Configuration must never aim the agent at another file (`database: /etc/passwd`): a file
    // that is not an SQLite database is refused, never moved aside or replaced.
    if (auto looks = looksLikeSqliteFile(path_); !looks) return looks;
    const bool isNew = !hasContent(path_);
    if (auto prepared = preparePrivateFile(path_); !prepared) return prepared;
    if (auto opened = db_.open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW); !opened)
        return opened;
    db_.setBusyTimeout(kStoreBusyTimeoutMs);
    // The cheap checks always; PRAGMA quick_check over the whole database (32 MB at ten
    // thousand profiles) when asked (service start) or when the last one is a day old.
    std::string detail;
    auto result = IntegrityResult::Ok;
    if (check == IntegrityCheck::WhenDue) result = checkStoreCheaply(db_, path_, &detail);
    const bool full =
        result == IntegrityResult::Ok &&
        (check == IntegrityCheck::Full || fullCheckDue(std::chrono::system_clock::now()));
    if (full) result = checkStoreIntegrity(db_, &detail);
    switch (result) {
        case IntegrityResult::Ok:
            if (auto ours = isAgentSchemaOrEmpty(db_, path_); !ours) return ours;
            break;
        case IntegrityResult::Unavailable:
            return Status::failure(path_ + ": cannot check the database's integrity: " + detail);
        case IntegrityResult::Corrupt:
            return recoverFromCorruption(detail);
    }
    if (auto configured = configureAndMigrate(); !configured) return configured;
    if (full)
        if (auto noted = noteFullCheck(std::chrono::system_clock::now()); !noted) return noted;
    return isNew ? recordLostHistory() : Status::success();
}

bool SqliteComplianceStore::fullCheckDue(std::chrono::system_clock::time_point now) const {
    // Read without the store's look-up machinery: before the migration the table may be missing
    // (a new or older database), and then the check is due.
    SqliteStatement s;
    if (!db_.prepare("SELECT value FROM agent_state WHERE key = 'integrity_checked_at'", &s) ||
        !s.step())
        return true;
    const auto last = parseIsoUtc(s.text(0));
    return !last || now < *last || now - *last >= kFullIntegrityCheckInterval;
}

Status SqliteComplianceStore::noteFullCheck(std::chrono::system_clock::time_point now) {
    // The event chain is checked whole on the same schedule: without a verified point the next
    // summary reads the whole chain (chain_check.hpp).
    if (auto cleared = setState(kChainVerifiedState, ""); !cleared) return cleared;
    return setState("integrity_checked_at", isoUtc(now));
}

Status SqliteComplianceStore::checkIntegrityIfDue(std::string* note) {
    const auto now = std::chrono::system_clock::now();
    if (mode_ != StoreMode::ReadWrite || !fullCheckDue(now)) return Status::success();
    if (auto writing = startWriting(); !writing) return writing;
    std::string detail;
    switch (checkStoreIntegrity(db_, &detail)) {
        case IntegrityResult::Ok:
            return noteFullCheck(now);
        case IntegrityResult::Unavailable:
            return Status::failure(path_ + ": cannot check the database's integrity: " + detail);
        case IntegrityResult::Corrupt:
            break;
    }
    const auto notesBefore = openNotes_.size();
    if (auto recovered = recoverFromCorruption(detail); !recovered) return recovered;
    if (openNotes_.size() > notesBefore) *note = openNotes_.back();
    return noteFullCheck(now);
}

Status SqliteComplianceStore::configureAndMigrate() {
    // WAL: readers (status, osquery) never block the writer. synchronous=FULL: a commit is on
    // disk before it returns, which is what Ledger::record promises. A 512 KB page cache, not
    // SQLite's 2 MB, which was the largest part of a pass's heap: a pass reads the ledger in
    // order, about once, so past a few thousand profiles the larger cache saved no read (a no-op
    // at 10,000 profiles made 9,367 preads with either; at 1,000, 964 against 490, with no
    // measurable CPU cost). docs/performance.md has the figures.
    // 8 KB pages for a database this opening creates (a page size is set before the first write
    // and then fixed: an existing database keeps its own). A first pass writes the ledger, the
    // findings and the events of every profile, and every page is a WAL frame (two writes), a
    // read back when the cache no longer holds it, and a read and a write at the checkpoint:
    // at 8 KB a first pass over 1,000 profiles made 35,505 system calls instead of 38,063, the
    // database a year on is the same size, and a commit's few pages cost nothing measurable.
    if (auto sized = db_.exec("PRAGMA page_size=8192"); !sized) return sized;
    Status read;
    const auto journal = db_.queryText("PRAGMA journal_mode=WAL", &read);
    if (!journal) return Status::failure(path_ + ": " + read.error);
    if (*journal != "wal")
        return Status::failure(path_ + ": cannot switch to WAL mode (journal mode is " + *journal +
                               ")");
    if (auto set = db_.exec(
            "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA journal_size_limit=0; "
            "PRAGMA cache_size=-512");
        !set)
        return set;
    // Keep the -wal and -shm files after the last connection closes (emptied at checkpoints by
    // journal_size_limit=0): a read-only reader that cannot create them (an audit group with read
    // access only, osquery) can then still open the database.
    int persist = 1;
    sqlite3_file_control(db_.handle(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    if (auto migrated = migrateStoreSchema(db_, path_); !migrated) return migrated;
    schemaVersion_ = storeSchemaVersion();
    // After the migration wrote, so -wal and -shm exist: a new or recovered database gets the
    // audit group's read access like the one it replaces (private_file.hpp).
    return shareWithDirectoryGroup(path_);
}

Status SqliteComplianceStore::recoverFromCorruption(const std::string& detail) {
    const auto salvaged = salvageLedger(db_);
    ledgerCursor_.drop();
    db_.close();
    const auto now = std::chrono::system_clock::now();
    std::string movedTo;
    if (auto moved = moveCorruptStoreAside(path_, compactUtc(now), &movedTo); !moved) return moved;
    if (auto prepared = preparePrivateFile(path_); !prepared) return prepared;
    if (auto opened = db_.open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW); !opened)
        return opened;
    db_.setBusyTimeout(kStoreBusyTimeoutMs);
    if (auto configured = configureAndMigrate(); !configured) return configured;

    SqliteTransaction transaction(db_);
    if (auto begun = transaction.begin(); !begun) return begun;
    for (const auto& prior : salvaged.ledger)
        if (auto recorded = record(prior); !recorded) return recorded;
    for (const auto& [key, value] : salvaged.agentState)
        if (auto saved = setState(key, value); !saved) return saved;
    EventDraft event;
    event.at = isoUtc(now);
    event.kind = event_kind::kStoreRecovered;
    event.subject = path_;
    event.details = "the database was corrupt (" + detail + "); moved aside as " + movedTo +
                    " and a new one started; salvaged " + std::to_string(salvaged.ledger.size()) +
                    " prior-state entries" +
                    (salvaged.problem.empty() ? "" : " (not all: " + salvaged.problem + ")");
    Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
    data.set("moved_to", movedTo);
    data.set("problem", detail);
    data.set("ledger_entries_salvaged", static_cast<Poco::Int64>(salvaged.ledger.size()));
    data.set("salvage_problem", salvaged.problem);
    std::ostringstream text;
    data.stringify(text);
    event.data = text.str();
    auto recorded = appendEvent(db_, event);
    if (recorded) recorded = transaction.commit();
    if (!recorded)
        return Status::failure(path_ + ": recording the recovery failed: " + recorded.error);
    logEventsAfter(db_, 0);  // a new database: its events are the recovery's
    anchorHead();
    openNotes_.push_back("compliance store: " + event.details);
    return Status::success();
}

void SqliteComplianceStore::anchorHead() {
    Status read;
    const auto head = readChainHead(db_, &read);
    std::string e = read.error;
    if (head && head->eventId > 0) {
        const auto written = writeChainHeadSidecar(path_, *head);
        if (written) return;
        e = written.error;
    }
    if (!head || head->eventId > 0)
        Poco::Logger::get("store").warning("cannot keep the chain head beside the database: %s", e);
}

Status SqliteComplianceStore::recordLostHistory() {
    const auto previous = readChainHeadSidecar(path_, nullptr);
    // No history before (or an unreadable sidecar, verify says so).
    if (!previous) return Status::success();
    const auto now = std::chrono::system_clock::now();
    EventDraft event;
    event.at = isoUtc(now);
    event.kind = event_kind::kHistoryLost;
    event.subject = path_;
    event.details = "a previous history existed (" + chainHeadText(*previous) + ", from " +
                    chainHeadSidecarPath(path_) +
                    ") and is gone: the database was deleted or emptied; a new history starts here";
    Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
    data.set("lost_head_event", static_cast<Poco::Int64>(previous->eventId));
    data.set("lost_head_hash", previous->hash);
    std::ostringstream text;
    data.stringify(text);
    event.data = text.str();
    SqliteTransaction transaction(db_);
    auto recorded = transaction.begin();
    if (recorded) recorded = appendEvent(db_, event);
    if (recorded) recorded = setState(kHistoryLossState, event.details);
    if (recorded) recorded = transaction.commit();
    if (!recorded)
        return Status::failure(path_ + ": recording the lost history failed: " + recorded.error);
    logEventsAfter(db_, 0);
    anchorHead();
    openNotes_.push_back("compliance store: " + event.details);
    return Status::success();
}

Status SqliteComplianceStore::requireWritable() const {
    if (mode_ == StoreMode::ReadWrite) return Status::success();
    return Status::failure(path_ + ": the compliance store was opened read-only");
}

Status SqliteComplianceStore::startWriting() {
    ledgerCursor_.drop();  // its read must not see, or outlive, what is written
    // A write inside the read transaction would upgrade it (and fail on a snapshot another
    // connection has moved past) and would not be durable when it returns: end it first.
    if (inSharedRead_) {
        inSharedRead_ = false;
        db_.exec("COMMIT");  // ends a read: nothing to lose if it fails
    }
    return requireWritable();
}

void SqliteComplianceStore::startLookUp() const {
    // Only when no transaction is open: inside a batch the batch's write transaction serves.
    if (!shareReads_ || inSharedRead_ || !sqlite3_get_autocommit(db_.handle())) return;
    // BEGIN (deferred) takes no lock until the first read; failing it leaves autocommit reads.
    inSharedRead_ = sqlite3_exec(db_.handle(), "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
}

void SqliteComplianceStore::endSharedReads() {
    shareReads_ = false;
    ledgerCursor_.drop();
    if (!inSharedRead_) return;
    inSharedRead_ = false;
    db_.exec("COMMIT");
}

void SqliteComplianceStore::releaseCache() {
    sqlite3_db_release_memory(db_.handle());
}

void SqliteComplianceStore::readFailed(const std::string& what) const {
    lastReadError_ = path_ + ": " + what;
}

bool SqliteComplianceStore::prepareForRead(std::string_view sql, SqliteStatement* s) const {
    const auto prepared = db_.prepare(sql, s);
    if (!prepared) readFailed(prepared.error);
    return prepared.ok;
}

SqliteCachedStatement SqliteComplianceStore::cachedForRead(std::string_view sql) const {
    Status compiled;
    auto s = db_.cached(sql, &compiled);
    if (!s) readFailed(compiled.error);
    return s;
}

SqliteCachedStatement SqliteComplianceStore::cachedForWrite(std::string_view sql,
                                                            Status* status) const {
    Status compiled;
    auto s = db_.cached(sql, &compiled);
    if (!s && status) *status = Status::failure(path_ + ": " + compiled.error);
    return s;
}

Status SqliteComplianceStore::prepareForWrite(std::string_view sql, SqliteStatement* s) const {
    if (const auto prepared = db_.prepare(sql, s); !prepared)
        return Status::failure(path_ + ": " + prepared.error);
    return Status::success();
}

bool SqliteComplianceStore::firstRow(SqliteStatement& s) const {
    if (s.step()) return true;
    if (s.failed()) readFailed(s.errorMessage());
    return false;
}

std::size_t SqliteComplianceStore::pendingPasses() const {
    return pending_.size();
}

Status SqliteComplianceStore::recordEvent(const std::string& kind, const std::string& subject,
                                          const std::string& details) {
    if (auto writing = startWriting(); !writing) return writing;
    EventDraft event;
    event.at = isoUtc(std::chrono::system_clock::now());
    event.kind = kind;
    event.subject = subject;
    event.details = details;
    SqliteTransaction transaction(db_);
    const auto eventsBefore = newestEventId(db_);
    auto recorded = transaction.begin();
    if (recorded) recorded = appendEvent(db_, event);
    if (recorded) recorded = transaction.commit();
    if (!recorded)
        return Status::failure(path_ + ": recording the event \"" + kind +
                               "\" failed: " + recorded.error);
    logEventsAfter(db_, eventsBefore);
    anchorHead();
    return Status::success();
}

Status SqliteComplianceStore::noteAgentVersion(const std::string& version) {
    const auto known = state("agent_version");
    if (known && *known == version) return Status::success();
    if (known)
        if (auto recorded = recordEvent(event_kind::kAgentUpgraded, "", *known + " -> " + version);
            !recorded)
            return recorded;
    return setState("agent_version", version);
}

std::string SqliteComplianceStore::chainHead() const {
    Status read;
    const auto head = readChainHead(db_, &read);
    if (!head) return "unavailable (" + read.error + ")";
    return "event " + std::to_string(head->eventId) + " " + head->hash;
}

std::vector<std::string> SqliteComplianceStore::openNotes() const {
    return openNotes_;
}

std::optional<PriorState> SqliteComplianceStore::find(const std::string& target,
                                                      const std::string& subject) const {
    startLookUp();
    auto s = cachedForRead(
        "SELECT existed, value, recorded_at FROM ledger WHERE target = ? AND subject = ?");
    if (!s) return std::nullopt;
    s->bind(1, target).bind(2, subject);
    if (!firstRow(*s)) return std::nullopt;
    return PriorState{target, subject, s->integer(0) != 0, s->text(1), s->text(2)};
}

std::vector<PriorState> SqliteComplianceStore::list(const std::string& target) const {
    std::vector<PriorState> out;
    startLookUp();
    auto s = cachedForRead(
        "SELECT subject, existed, value, recorded_at FROM ledger WHERE target = ? ORDER BY rowid");
    if (!s) return out;
    s->bind(1, target);
    while (s->step())
        out.push_back({target, s->text(0), s->integer(1) != 0, s->text(2), s->text(3)});
    if (s->failed()) readFailed(s->errorMessage());
    return out;
}

std::vector<PriorState> SqliteComplianceStore::listPrefix(const std::string& target,
                                                          const std::string& prefix) const {
    std::vector<PriorState> out;
    startLookUp();
    // The entries come back in the order they were recorded: sorted here by rowid, since an
    // ORDER BY rowid on the index range builds a temporary B-tree for every look-up (one per
    // settings file in a pass).
    std::vector<std::pair<std::int64_t, PriorState>> rows;
    const auto take = [&](const SqliteStatement& s) {
        rows.push_back(
            {s.integer(4), {target, s.text(0), s.integer(1) != 0, s.text(2), s.text(3)}});
    };
    // One way to read them: the cursor (ledger_cursor.hpp). Inside the pass's read transaction
    // nothing writes until startWriting drops it, so it goes on from the previous look-up;
    // outside it (a batch's write transaction, autocommit) it lets go at once.
    std::string error;
    const bool read = ledgerCursor_.read(target, prefix, take, &error);
    if (!inSharedRead_) ledgerCursor_.drop();
    if (!read) {
        readFailed(error);
        return out;
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    out.reserve(rows.size());
    for (auto& row : rows) out.push_back(std::move(row.second));
    return out;
}

void SqliteComplianceStore::forEach(const std::string& target,
                                    const std::function<void(const PriorState&)>& visit) const {
    startLookUp();
    // No ORDER BY: a visit needs no order, and sorting ten thousand rows costs a sorter's memory.
    auto s =
        cachedForRead("SELECT subject, existed, value, recorded_at FROM ledger WHERE target = ?");
    if (!s) return;
    s->bind(1, target);
    // One entry reused for every row: a visit over every file's entries (tens of thousands)
    // then allocates only when a value is longer than any before it.
    PriorState row{target, {}, false, {}, {}};
    while (s->step()) {
        row.subject.assign(s->textView(0));
        row.existed = s->integer(1) != 0;
        row.value.assign(s->textView(2));
        row.recordedAt.assign(s->textView(3));
        visit(row);
    }
    if (s->failed()) readFailed(s->errorMessage());
}

void SqliteComplianceStore::forEachSubject(
    const std::string& target, const std::function<void(std::string_view)>& visit) const {
    startLookUp();
    // Only the subject: the unique index on (target, subject) answers it without the table.
    auto s = cachedForRead("SELECT subject FROM ledger WHERE target = ?");
    if (!s) return;
    s->bind(1, target);
    while (s->step()) visit(s->textView(0));
    if (s->failed()) readFailed(s->errorMessage());
}

Status SqliteComplianceStore::beginBatch() {
    if (auto writing = startWriting(); !writing) return writing;
    if (const auto begun = db_.exec("BEGIN IMMEDIATE"); !begun)
        return Status::failure(path_ + ": cannot start a transaction: " + begun.error);
    return Status::success();
}

Status SqliteComplianceStore::commitBatch() {
    if (const auto committed = db_.exec("COMMIT"); !committed) {
        db_.exec("ROLLBACK");
        return Status::failure(path_ + ": cannot commit: " + committed.error);
    }
    return Status::success();
}

Status SqliteComplianceStore::record(const PriorState& prior) {
    if (auto writing = startWriting(); !writing) return writing;
    // The FIRST prior state is the one to restore: a later record for the same subject would
    // describe the agent's own change, so it is ignored (ON CONFLICT DO NOTHING).
    // Cached: the first pass records one entry per profile, ten thousand in a few batches.
    Status compiled;
    auto s = cachedForWrite(
        "INSERT INTO ledger (target, subject, existed, value, recorded_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (target, subject) DO NOTHING",
        &compiled);
    if (!s) return compiled;
    const std::string at =
        prior.recordedAt.empty() ? isoUtc(std::chrono::system_clock::now()) : prior.recordedAt;
    s->bind(1, prior.target)
        .bind(2, prior.subject)
        .bind(3, std::int64_t{prior.existed ? 1 : 0})
        .bind(4, prior.value)
        .bind(5, at);
    // Autocommit with synchronous=FULL: durable when step() returns.
    if (const auto ran = s->run(); !ran)
        return Status::failure(path_ + ": recording the prior state of " + prior.target + " " +
                               prior.subject + " failed: " + ran.error);
    return Status::success();
}

Status SqliteComplianceStore::forget(const std::string& target, const std::string& subject) {
    if (auto writing = startWriting(); !writing) return writing;
    Status compiled;
    auto s = cachedForWrite("DELETE FROM ledger WHERE target = ? AND subject = ?", &compiled);
    if (!s) return compiled;
    s->bind(1, target).bind(2, subject);
    if (const auto ran = s->run(); !ran)
        return Status::failure(path_ + ": forgetting the prior state of " + target + " " + subject +
                               " failed: " + ran.error);
    return Status::success();
}

std::optional<std::string> SqliteComplianceStore::state(const std::string& key) const {
    startLookUp();
    auto s = cachedForRead("SELECT value FROM agent_state WHERE key = ?");
    if (!s) return std::nullopt;
    s->bind(1, key);
    if (!firstRow(*s)) return std::nullopt;
    return s->text(0);
}

Status SqliteComplianceStore::setState(const std::string& key, const std::string& value) {
    if (auto writing = startWriting(); !writing) return writing;
    Status compiled;
    auto s = cachedForWrite(
        "INSERT INTO agent_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &compiled);
    if (!s) return compiled;
    s->bind(1, key).bind(2, value);
    if (const auto ran = s->run(); !ran)
        return Status::failure(path_ + ": saving agent state " + key + " failed: " + ran.error);
    return Status::success();
}

}  // namespace mpa
