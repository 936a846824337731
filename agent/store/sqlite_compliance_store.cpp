#include "store/sqlite_compliance_store.hpp"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <sstream>

#include "platform/private_file.hpp"
#include "store/event_kinds.hpp"
#include "store/pass_events.hpp"
#include "store/policy_record_json.hpp"
#include "store/sha256.hpp"
#include "store/store_recovery.hpp"
#include "store/store_retention.hpp"
#include "store/store_schema.hpp"
#include "util/time_text.hpp"

namespace mpa {

std::unique_ptr<ComplianceStore> ComplianceStore::open(const std::string& path, StoreMode mode,
                                                       const PolicyCatalog& catalog,
                                                       std::string* error) {
    return SqliteComplianceStore::open(path, mode, catalog, error);
}

std::unique_ptr<SqliteComplianceStore> SqliteComplianceStore::open(const std::string& path,
                                                                   StoreMode mode,
                                                                   const PolicyCatalog& catalog,
                                                                   std::string* error) {
    std::unique_ptr<SqliteComplianceStore> store(new SqliteComplianceStore(path, mode, catalog));
    if (mode == StoreMode::ReadWrite ? !store->openReadWrite(error) : !store->openReadOnly(error))
        return nullptr;
    return store;
}

bool SqliteComplianceStore::openReadOnly(std::string* error) {
    if (!pathExists(path_)) {
        *error = path_ +
                 ": no compliance database here (the agent has not recorded a pass yet, or "
                 "--db names another file)";
        return false;
    }
    if (!db_.open(sqliteFileUri(path_, "mode=ro"), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, error))
        return false;
    db_.setBusyTimeout(kStoreBusyTimeoutMs);
    std::string versionError;
    if (!readStoreSchemaVersion(db_, &versionError)) {
        *error = path_ + ": not a readable compliance database: " + versionError;
        return false;
    }
    return true;
}

bool SqliteComplianceStore::openReadWrite(std::string* error) {
    if (!preparePrivateFile(path_, error)) return false;
    if (!db_.open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, error)) return false;
    db_.setBusyTimeout(kStoreBusyTimeoutMs);
    std::string detail;
    switch (checkStoreIntegrity(db_, &detail)) {
        case IntegrityResult::Ok:
            break;
        case IntegrityResult::Unavailable:
            *error = path_ + ": cannot check the database's integrity: " + detail;
            return false;
        case IntegrityResult::Corrupt:
            return recoverFromCorruption(detail, error);
    }
    return configureAndMigrate(error);
}

bool SqliteComplianceStore::configureAndMigrate(std::string* error) {
    // WAL: readers (status, osquery) never block the writer. synchronous=FULL: a commit is on
    // disk before it returns, which is what Ledger::record promises.
    const auto journal = db_.queryText("PRAGMA journal_mode=WAL", error);
    if (!journal) {
        *error = path_ + ": " + *error;
        return false;
    }
    if (*journal != "wal") {
        *error = path_ + ": cannot switch to WAL mode (journal mode is " + *journal + ")";
        return false;
    }
    if (!db_.exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", error)) return false;
    return migrateStoreSchema(db_, path_, error);
}

bool SqliteComplianceStore::recoverFromCorruption(const std::string& detail, std::string* error) {
    const auto salvaged = salvageLedger(db_);
    db_.close();
    const auto now = std::chrono::system_clock::now();
    std::string movedTo;
    if (!moveCorruptStoreAside(path_, compactUtc(now), &movedTo, error)) return false;
    if (!preparePrivateFile(path_, error)) return false;
    if (!db_.open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, error)) return false;
    db_.setBusyTimeout(kStoreBusyTimeoutMs);
    if (!configureAndMigrate(error)) return false;

    SqliteTransaction transaction(db_);
    if (!transaction.begin(error)) return false;
    for (const auto& prior : salvaged.ledger)
        if (!record(prior, error)) return false;
    for (const auto& [key, value] : salvaged.agentState)
        if (!setState(key, value, error)) return false;
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
    if (!appendEvent(db_, event, error) || !transaction.commit(error)) {
        *error = path_ + ": recording the recovery failed: " + *error;
        return false;
    }
    openNotes_.push_back("compliance store: " + event.details);
    return true;
}

bool SqliteComplianceStore::requireWritable(std::string* error) const {
    if (mode_ == StoreMode::ReadWrite) return true;
    if (error) *error = path_ + ": the compliance store was opened read-only";
    return false;
}

void SqliteComplianceStore::readFailed(const std::string& what) const {
    lastReadError_ = path_ + ": " + what;
}

bool SqliteComplianceStore::prepareForRead(std::string_view sql, SqliteStatement* s) const {
    std::string e;
    if (db_.prepare(sql, s, &e)) return true;
    readFailed(e);
    return false;
}

bool SqliteComplianceStore::prepareForWrite(std::string_view sql, SqliteStatement* s,
                                            std::string* error) const {
    std::string e;
    if (db_.prepare(sql, s, &e)) return true;
    *error = path_ + ": " + e;
    return false;
}

bool SqliteComplianceStore::firstRow(SqliteStatement& s) const {
    if (s.step()) return true;
    if (s.failed()) readFailed(s.errorMessage());
    return false;
}

std::string passFingerprint(const PassReport& report) {
    CanonicalFields fields;
    fields.add(toString(report.mode)).add(toString(report.verdict));
    fields.add(static_cast<std::int64_t>(report.policy.values.size()));
    for (const auto& [name, p] : report.policy.values)
        fields.add(name)
            .add(policyValueToJson(p.value))
            .add(p.from.source)
            .add(p.from.origin)
            .add(toString(p.from.level))
            .add(static_cast<std::int64_t>(p.from.precedence))
            .add(p.from.order)
            .add(p.keptFromLastKnownGood ? 1 : 0)
            .add(p.keptBecause)
            .add(overriddenValuesToJson(p.overridden));
    fields.add(static_cast<std::int64_t>(report.policy.issues.size()));
    for (const auto& i : report.policy.issues)
        fields.add(i.origin).add(i.policy).add(i.message).add(i.blocksSource ? 1 : 0);
    fields.add(stringListToJson(report.policy.informational)).add(stringListToJson(report.notes));
    fields.add(static_cast<std::int64_t>(report.findings.size()));
    for (const auto& f : report.findings)
        fields.add(f.target)
            .add(f.subject)
            .add(f.user)
            .add(f.desired)
            .add(f.observed)
            .add(toString(f.outcome))
            .add(f.reason);
    return fields.sha256();
}

bool SqliteComplianceStore::recordPass(const PassReport& report, std::string* error) {
    if (!requireWritable(error)) return false;
    if (pending_.size() >= kMaxPendingPasses) {
        pending_.erase(pending_.begin());
        ++droppedPasses_;
    }
    pending_.push_back(report);
    if (droppedPasses_ > 0)
        pending_.front().notes.push_back(
            std::to_string(droppedPasses_) +
            " earlier passes could not be recorded (the store was unavailable) and were dropped");
    std::string e;
    if (!writePending(&e)) {
        if (droppedPasses_ > 0) pending_.front().notes.pop_back();
        *error = path_ + ": " + e + "; the pass is kept in memory for the next attempt (" +
                 std::to_string(pending_.size()) + " waiting)";
        return false;
    }
    pending_.clear();
    droppedPasses_ = 0;
    return true;
}

bool SqliteComplianceStore::writePending(std::string* error) {
    SqliteTransaction transaction(db_);
    if (!transaction.begin(error)) {
        *error = "cannot start writing (" + *error + ")";
        return false;
    }
    for (const auto& report : pending_)
        if (!writePass(report, error)) return false;
    if (!retainIfDue(pending_.back(), error)) return false;
    if (!transaction.commit(error)) {
        *error = "committing the pass failed (" + *error + ")";
        return false;
    }
    return true;
}

bool SqliteComplianceStore::writePass(const PassReport& report, std::string* error) {
    const std::string fingerprint = passFingerprint(report);
    // The previous run, and the run that holds its rows (itself, or the one it repeats).
    std::optional<std::int64_t> sameAs, previousContent;
    Verdict previousVerdict = Verdict::NotManaged;
    {
        SqliteStatement previous;
        if (!prepareForWrite("SELECT id, content_hash, COALESCE(same_as, id), verdict FROM runs "
                             "ORDER BY id DESC LIMIT 1",
                             &previous, error))
            return false;
        if (previous.step()) {
            previousContent = previous.integer(2);
            verdictFromString(previous.text(3), &previousVerdict);
            if (previous.text(1) == fingerprint) sameAs = previousContent;
        }
        if (previous.failed()) {
            *error = previous.errorMessage();
            return false;
        }
    }
    SqliteStatement insert;
    if (!prepareForWrite("INSERT INTO runs (started_at, finished_at, trigger, mode, verdict, "
                         "notes, informational, has_policy, content_hash, same_as) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         &insert, error))
        return false;
    insert.bind(1, report.startedAt)
        .bind(2, report.finishedAt)
        .bind(3, report.trigger)
        .bind(4, toString(report.mode))
        .bind(5, toString(report.verdict))
        .bind(6, sameAs ? "[]" : stringListToJson(report.notes))
        .bind(7, sameAs ? "[]" : stringListToJson(report.policy.informational))
        .bind(8, std::int64_t{report.policy.empty() ? 0 : 1})
        .bind(9, fingerprint)
        .bindOptional(10, sameAs);
    if (!insert.run(error)) {
        *error = "recording the run failed: " + *error;
        return false;
    }
    const auto runId = db_.lastInsertRowId();
    if (sameAs) return true;  // nothing new observed: no rows, no events
    if (!insertPassContent(runId, report, error)) {
        *error = "recording the pass's findings and policy failed: " + *error;
        return false;
    }
    // Events compare with the previous pass's content, read back only when something changed.
    std::optional<PassReport> previous;
    if (previousContent) {
        previous.emplace();
        previous->verdict = previousVerdict;
        if (!readPolicy(*previousContent, &previous->policy) ||
            !readFindings(*previousContent, &previous->findings)) {
            *error = "reading the previous pass to compare failed: " + lastReadError_;
            return false;
        }
    }
    for (const auto& event : eventsForPass(report, previous ? &*previous : nullptr, runId))
        if (!appendEvent(db_, event, error)) return false;
    return true;
}

bool SqliteComplianceStore::retainIfDue(const PassReport& latest, std::string* error) {
    const auto now = parseIsoUtc(latest.startedAt);
    if (!now) return true;  // a pass without a usable time: retention waits for the next one
    const auto last = state("retention_checked_at");
    const auto lastTime = last ? parseIsoUtc(*last) : std::nullopt;
    if (lastTime && *now - *lastTime < std::chrono::hours(24) && *now >= *lastTime) return true;
    RetentionResult result;
    if (!applyRetention(db_, latest.startedAt, latest.desired.complianceRetentionDays, &result,
                        error)) {
        *error = "retention failed: " + *error;
        return false;
    }
    return setState("retention_checked_at", latest.startedAt, error);
}

std::size_t SqliteComplianceStore::pendingPasses() const {
    return pending_.size();
}

bool SqliteComplianceStore::recordEvent(const std::string& kind, const std::string& subject,
                                        const std::string& details, std::string* error) {
    if (!requireWritable(error)) return false;
    EventDraft event;
    event.at = isoUtc(std::chrono::system_clock::now());
    event.kind = kind;
    event.subject = subject;
    event.details = details;
    SqliteTransaction transaction(db_);
    std::string e;
    if (!transaction.begin(&e) || !appendEvent(db_, event, &e) || !transaction.commit(&e)) {
        *error = path_ + ": recording the event \"" + kind + "\" failed: " + e;
        return false;
    }
    return true;
}

bool SqliteComplianceStore::noteAgentVersion(const std::string& version, std::string* error) {
    const auto known = state("agent_version");
    if (known && *known == version) return true;
    if (known && !recordEvent(event_kind::kAgentUpgraded, "", *known + " -> " + version, error))
        return false;
    return setState("agent_version", version, error);
}

std::string SqliteComplianceStore::chainHead() const {
    std::string e;
    const auto head = readChainHead(db_, &e);
    if (!head) return "unavailable (" + e + ")";
    return "event " + std::to_string(head->eventId) + " " + head->hash;
}

std::vector<std::string> SqliteComplianceStore::openNotes() const {
    return openNotes_;
}

bool SqliteComplianceStore::insertPassContent(std::int64_t runId, const PassReport& report,
                                              std::string* error) {
    SqliteStatement finding;
    if (!db_.prepare("INSERT INTO findings (run_id, seq, target, subject, user, desired, "
                     "observed, outcome, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &finding, error))
        return false;
    std::int64_t seq = 0;
    for (const auto& f : report.findings) {
        finding.reset();
        finding.bind(1, runId)
            .bind(2, seq++)
            .bind(3, f.target)
            .bind(4, f.subject)
            .bind(5, f.user)
            .bind(6, f.desired)
            .bind(7, f.observed)
            .bind(8, toString(f.outcome))
            .bind(9, f.reason);
        if (!finding.run(error)) return false;
    }
    SqliteStatement policy;
    if (!db_.prepare("INSERT INTO effective_policy (run_id, name, value, source, origin, level, "
                     "precedence, source_order, kept_from_lkg, kept_because, overridden) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &policy, error))
        return false;
    for (const auto& [name, p] : report.policy.values) {
        policy.reset();
        policy.bind(1, runId)
            .bind(2, name)
            .bind(3, policyValueToJson(p.value))
            .bind(4, p.from.source)
            .bind(5, p.from.origin)
            .bind(6, toString(p.from.level))
            .bind(7, static_cast<std::int64_t>(p.from.precedence))
            .bind(8, std::int64_t{p.from.order})
            .bind(9, std::int64_t{p.keptFromLastKnownGood ? 1 : 0})
            .bind(10, p.keptBecause)
            .bind(11, overriddenValuesToJson(p.overridden));
        if (!policy.run(error)) return false;
    }
    SqliteStatement issue;
    if (!db_.prepare("INSERT INTO policy_issues (run_id, seq, origin, policy, message, "
                     "blocks_source) VALUES (?, ?, ?, ?, ?, ?)",
                     &issue, error))
        return false;
    seq = 0;
    for (const auto& i : report.policy.issues) {
        issue.reset();
        issue.bind(1, runId)
            .bind(2, seq++)
            .bind(3, i.origin)
            .bind(4, i.policy)
            .bind(5, i.message)
            .bind(6, std::int64_t{i.blocksSource ? 1 : 0});
        if (!issue.run(error)) return false;
    }
    return true;
}

bool SqliteComplianceStore::readPolicy(std::int64_t contentRunId, PolicySet* out) const {
    std::string e;
    SqliteStatement s;
    if (!prepareForRead("SELECT name, value, source, origin, level, precedence, source_order, "
                        "kept_from_lkg, kept_because, overridden FROM effective_policy "
                        "WHERE run_id = ? ORDER BY name",
                        &s))
        return false;
    s.bind(1, contentRunId);
    while (s.step()) {
        const std::string name = s.text(0);
        const auto* definition = catalog_.find(name);
        EffectivePolicy p;
        if (!policyValueFromJson(s.text(1), definition, &p.value, &e) ||
            !policyLevelFromString(s.text(4), &p.from.level) ||
            !overriddenValuesFromJson(s.text(9), definition, &p.overridden, &e)) {
            readFailed("run " + std::to_string(contentRunId) + ", policy " + name + ": " +
                       (e.empty() ? "unknown level " + s.text(4) : e));
            return false;
        }
        p.from.source = s.text(2);
        p.from.origin = s.text(3);
        p.from.precedence = sourcePrecedenceFromInt(s.integer(5));
        p.from.order = static_cast<int>(s.integer(6));
        p.keptFromLastKnownGood = s.integer(7) != 0;
        p.keptBecause = s.text(8);
        out->values.emplace(name, std::move(p));
    }
    if (s.failed()) {
        readFailed(s.errorMessage());
        return false;
    }
    return true;
}

bool SqliteComplianceStore::readFindings(std::int64_t contentRunId,
                                         std::vector<Finding>* out) const {
    SqliteStatement s;
    if (!prepareForRead("SELECT target, subject, user, desired, observed, outcome, reason "
                        "FROM findings WHERE run_id = ? ORDER BY seq",
                        &s))
        return false;
    s.bind(1, contentRunId);
    while (s.step()) {
        Finding f;
        f.target = s.text(0);
        f.subject = s.text(1);
        f.user = s.text(2);
        f.desired = s.text(3);
        f.observed = s.text(4);
        if (!outcomeFromString(s.text(5), &f.outcome)) {
            readFailed("run " + std::to_string(contentRunId) + ": unknown outcome " + s.text(5));
            return false;
        }
        f.reason = s.text(6);
        out->push_back(std::move(f));
    }
    if (s.failed()) {
        readFailed(s.errorMessage());
        return false;
    }
    return true;
}

std::optional<PolicySet> SqliteComplianceStore::lastKnownGoodPolicy() const {
    SqliteStatement s;
    if (!prepareForRead("SELECT COALESCE(same_as, id) FROM runs WHERE has_policy = 1 "
                        "AND mode <> 'dry-run' ORDER BY id DESC LIMIT 1",
                        &s))
        return std::nullopt;
    if (!firstRow(s)) return std::nullopt;
    PolicySet policy;
    if (!readPolicy(s.integer(0), &policy)) return std::nullopt;
    return policy;
}

std::optional<StoredPass> SqliteComplianceStore::lastPass() const {
    SqliteStatement s;
    if (!prepareForRead("SELECT r.id, r.started_at, r.finished_at, r.trigger, r.mode, r.verdict, "
                        "c.id, c.notes, c.informational FROM runs r "
                        "JOIN runs c ON c.id = COALESCE(r.same_as, r.id) "
                        "ORDER BY r.id DESC LIMIT 1",
                        &s))
        return std::nullopt;
    if (!firstRow(s)) return std::nullopt;
    StoredPass pass;
    pass.runId = s.integer(0);
    auto& r = pass.report;
    r.startedAt = s.text(1);
    r.finishedAt = s.text(2);
    r.trigger = s.text(3);
    const std::string mode = s.text(4);
    r.mode = mode == toString(RunMode::AuditOnly) ? RunMode::AuditOnly
             : mode == toString(RunMode::DryRun)  ? RunMode::DryRun
                                                  : RunMode::Enforce;
    if (!verdictFromString(s.text(5), &r.verdict)) {
        readFailed("run " + std::to_string(pass.runId) + ": unknown verdict " + s.text(5));
        return std::nullopt;
    }
    const auto contentRunId = s.integer(6);
    std::string e;
    if (!stringListFromJson(s.text(7), &r.notes, &e) ||
        !stringListFromJson(s.text(8), &r.policy.informational, &e)) {
        readFailed("run " + std::to_string(contentRunId) + ": " + e);
        return std::nullopt;
    }
    if (!readPolicy(contentRunId, &r.policy) || !readFindings(contentRunId, &r.findings))
        return std::nullopt;
    SqliteStatement issues;
    if (!prepareForRead("SELECT origin, policy, message, blocks_source FROM policy_issues "
                        "WHERE run_id = ? ORDER BY seq",
                        &issues))
        return std::nullopt;
    issues.bind(1, contentRunId);
    while (issues.step())
        r.policy.issues.push_back(
            {issues.text(0), issues.text(1), issues.text(2), issues.integer(3) != 0});
    if (issues.failed()) {
        readFailed(issues.errorMessage());
        return std::nullopt;
    }
    return pass;
}

std::optional<PriorState> SqliteComplianceStore::find(const std::string& target,
                                                      const std::string& subject) const {
    SqliteStatement s;
    if (!prepareForRead("SELECT existed, value, recorded_at FROM ledger "
                        "WHERE target = ? AND subject = ?",
                        &s))
        return std::nullopt;
    s.bind(1, target).bind(2, subject);
    if (!firstRow(s)) return std::nullopt;
    return PriorState{target, subject, s.integer(0) != 0, s.text(1), s.text(2)};
}

std::vector<PriorState> SqliteComplianceStore::list(const std::string& target) const {
    std::vector<PriorState> out;
    SqliteStatement s;
    if (!prepareForRead("SELECT subject, existed, value, recorded_at FROM ledger "
                        "WHERE target = ? ORDER BY rowid",
                        &s))
        return out;
    s.bind(1, target);
    while (s.step()) out.push_back({target, s.text(0), s.integer(1) != 0, s.text(2), s.text(3)});
    if (s.failed()) readFailed(s.errorMessage());
    return out;
}

bool SqliteComplianceStore::record(const PriorState& prior, std::string* error) {
    if (!requireWritable(error)) return false;
    // The FIRST prior state is the one to restore: a later record for the same subject would
    // describe the agent's own change, so it is ignored (ON CONFLICT DO NOTHING).
    std::string e;
    SqliteStatement s;
    if (!prepareForWrite("INSERT INTO ledger (target, subject, existed, value, recorded_at) "
                         "VALUES (?, ?, ?, ?, ?) ON CONFLICT (target, subject) DO NOTHING",
                         &s, error))
        return false;
    const std::string at =
        prior.recordedAt.empty() ? isoUtc(std::chrono::system_clock::now()) : prior.recordedAt;
    s.bind(1, prior.target)
        .bind(2, prior.subject)
        .bind(3, std::int64_t{prior.existed ? 1 : 0})
        .bind(4, prior.value)
        .bind(5, at);
    // Autocommit with synchronous=FULL: durable when step() returns.
    if (!s.run(&e)) {
        *error = path_ + ": recording the prior state of " + prior.target + " " + prior.subject +
                 " failed: " + e;
        return false;
    }
    return true;
}

bool SqliteComplianceStore::forget(const std::string& target, const std::string& subject,
                                   std::string* error) {
    if (!requireWritable(error)) return false;
    std::string e;
    SqliteStatement s;
    if (!prepareForWrite("DELETE FROM ledger WHERE target = ? AND subject = ?", &s, error))
        return false;
    s.bind(1, target).bind(2, subject);
    if (!s.run(&e)) {
        *error =
            path_ + ": forgetting the prior state of " + target + " " + subject + " failed: " + e;
        return false;
    }
    return true;
}

std::optional<std::string> SqliteComplianceStore::state(const std::string& key) const {
    SqliteStatement s;
    if (!prepareForRead("SELECT value FROM agent_state WHERE key = ?", &s)) return std::nullopt;
    s.bind(1, key);
    if (!firstRow(s)) return std::nullopt;
    return s.text(0);
}

bool SqliteComplianceStore::setState(const std::string& key, const std::string& value,
                                     std::string* error) {
    if (!requireWritable(error)) return false;
    std::string e;
    SqliteStatement s;
    if (!prepareForWrite("INSERT INTO agent_state (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         &s, error))
        return false;
    s.bind(1, key).bind(2, value);
    if (!s.run(&e)) {
        *error = path_ + ": saving agent state " + key + " failed: " + e;
        return false;
    }
    return true;
}

}  // namespace mpa
