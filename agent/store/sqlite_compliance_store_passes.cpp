// SqliteComplianceStore, part two (sqlite_compliance_store.cpp opens the store and holds the
// ledger and events): recording passes (recordPass) and reading them back. A pass stores only
// what changed (schema 2): a run row always; the policy rows when the policy differs from the
// previous run's (else runs.policy_run points at the run that holds them); finding rows only for
// the findings that differ from the previous run, while current_findings holds the whole latest
// set. A pass identical to the previous one is a small run row with same_as set. This keeps a
// year of hourly passes over 100 profiles within a few megabytes (docs/performance.md).
#include <Poco/JSON/Object.h>
#include <sqlite3.h>

#include <map>
#include <sstream>
#include <string_view>

#include "store/current_findings_update.hpp"
#include "store/event_kinds.hpp"
#include "store/event_log.hpp"
#include "store/pass_events.hpp"
#include "store/policy_record_json.hpp"
#include "store/sealed_state.hpp"
#include "store/sha256.hpp"
#include "store/sqlite_compliance_store.hpp"
#include "store/store_retention.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

void addPolicy(CanonicalFields& fields, const PolicySet& policy) {
    fields.add(static_cast<std::int64_t>(policy.values.size()));
    for (const auto& [name, p] : policy.values)
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
    fields.add(static_cast<std::int64_t>(policy.issues.size()));
    for (const auto& i : policy.issues)
        fields.add(i.origin).add(i.policy).add(i.message).add(i.blocksSource ? 1 : 0);
    fields.add(stringListToJson(policy.informational));
}

// The seven fields a finding is stored and fingerprinted by, in column order (target, subject,
// user, desired, observed, outcome, reason): the one list for the findings and current_findings
// rows and for passFingerprint.
template <typename Visit>
void forEachFindingField(const Finding& f, Visit&& visit) {
    visit(std::string_view(f.target));
    visit(std::string_view(f.subject));
    visit(std::string_view(f.user));
    visit(std::string_view(f.desired));
    visit(std::string_view(f.observed));
    visit(std::string_view(toString(f.outcome)));
    visit(std::string_view(f.reason));
}

// Binds those fields to the statement's columns `first` to `first + 6`.
void bindFinding(SqliteStatement& s, int first, const Finding& f) {
    forEachFindingField(f, [&](std::string_view field) { s.bind(first++, field); });
}

// passFingerprint's fields in their order, fed one finding at a time so that a reader need not
// hold the findings: the pass and the number of findings, each finding's seven fields, then,
// only when some finding names a tool, "tools" and every finding's tool in a second round.
class PassFingerprinter {
  public:
    PassFingerprinter(const PassReport& pass, std::int64_t findings)
        : fields_(CanonicalFields::Keep::DigestOnly) {
        fields_.add(toString(pass.mode)).add(toString(pass.verdict));
        addPolicy(fields_, pass.policy);
        fields_.add(stringListToJson(pass.notes));
        fields_.add(findings);
    }
    void add(const Finding& f) {
        forEachFindingField(f, [&](std::string_view field) { fields_.add(field); });
        anyTool_ = anyTool_ || !f.tool.empty();
    }
    // Each finding's tool (schema 5), after all of them and only when one is set: a pass with
    // Metalama's findings only keeps the fingerprint schema 4 sealed, so an upgraded store
    // still verifies. The marker and the known count keep the two forms apart.
    bool needsTools() const { return anyTool_; }
    void startTools() { fields_.add("tools"); }
    void addTool(std::string_view tool) { fields_.add(tool); }
    std::string sha256() const { return fields_.sha256(); }

  private:
    CanonicalFields fields_;
    bool anyTool_ = false;
};

// One snapshot for a read made of several queries, when no transaction is open already (a
// shared read or a batch serves then): a pass recorded between them must not mix two passes.
class ReadSnapshot {
  public:
    explicit ReadSnapshot(const SqliteConnection& db)
        : db_(db.handle()),
          begun_(sqlite3_get_autocommit(db_) != 0 &&
                 sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK) {}
    ~ReadSnapshot() {
        if (begun_) sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  private:
    sqlite3* db_;
    bool begun_;
};

}  // namespace

std::string policyFingerprint(const PolicySet& policy) {
    CanonicalFields fields;
    addPolicy(fields, policy);
    return fields.sha256();
}

std::string passFingerprint(const PassReport& report) {
    // Hashed as it goes: over ten thousand profiles the text would be a 15 MB string.
    PassFingerprinter print(report, static_cast<std::int64_t>(report.findings.size()));
    for (const auto& f : report.findings) print.add(f);
    if (print.needsTools()) {
        print.startTools();
        for (const auto& f : report.findings) print.addTool(f.tool);
    }
    return print.sha256();
}

Status SqliteComplianceStore::recordPass(const PassReport& report) {
    if (auto writing = startWriting(); !writing) return writing;
    // Waiting passes first, then this one, in one transaction. This pass is written from the
    // caller's report and copied into the queue only if the write fails: over ten thousand
    // profiles a copy is a second set of every finding.
    std::vector<const PassReport*> batch;
    for (const auto& waiting : pending_) batch.push_back(&waiting);
    batch.push_back(&report);
    if (droppedPasses_ > 0 && !pending_.empty())
        pending_.front().notes.push_back(
            std::to_string(droppedPasses_) +
            " earlier passes could not be recorded (the store was unavailable) and were dropped");
    const auto eventsBefore = newestEventId(db_);
    if (const auto written = writePasses(batch); !written) {
        if (droppedPasses_ > 0 && !pending_.empty()) pending_.front().notes.pop_back();
        if (pending_.size() >= kMaxPendingPasses) {
            pending_.erase(pending_.begin());
            ++droppedPasses_;
        }
        pending_.push_back(report);
        return Status::failure(path_ + ": " + written.error +
                               "; the pass is kept in memory for the next attempt (" +
                               std::to_string(pending_.size()) + " waiting)");
    }
    pending_.clear();
    droppedPasses_ = 0;
    logEventsAfter(db_, eventsBefore);  // committed: now the log may say so
    anchorHead();
    return Status::success();
}

bool SqliteComplianceStore::onlyRepeats(const std::vector<std::string>& fingerprints) const {
    const auto last = db_.queryText(
        "SELECT c.content_hash FROM runs AS r JOIN runs AS c ON c.id = COALESCE(r.same_as, r.id) "
        "ORDER BY r.id DESC LIMIT 1",
        nullptr);
    if (!last) return false;
    for (const auto& fingerprint : fingerprints)
        if (fingerprint != *last) return false;
    return true;
}

Status SqliteComplianceStore::writePasses(const std::vector<const PassReport*>& reports) {
    // A pass that observed nothing new commits without waiting for the disk (synchronous=NORMAL:
    // atomic, and durable at the next checkpoint); losing it to a power cut loses no evidence of
    // a change. Everything else, the ledger included, commits with synchronous=FULL.
    std::vector<std::string> fingerprints;
    fingerprints.reserve(reports.size());
    for (const auto* report : reports) fingerprints.push_back(passFingerprint(*report));
    const bool relaxed = onlyRepeats(fingerprints);
    if (relaxed) db_.exec("PRAGMA synchronous=NORMAL");
    auto written = writePassesTransaction(reports, fingerprints);
    if (relaxed) db_.exec("PRAGMA synchronous=FULL");
    return written;
}

Status SqliteComplianceStore::writePassesTransaction(const std::vector<const PassReport*>& reports,
                                                     const std::vector<std::string>& fingerprints) {
    SqliteTransaction transaction(db_);
    if (const auto begun = transaction.begin(); !begun)
        return Status::failure("cannot start writing (" + begun.error + ")");
    for (std::size_t i = 0; i < reports.size(); ++i)
        if (auto written = writePass(*reports[i], fingerprints[i]); !written) return written;
    if (auto retained = retainIfDue(*reports.back()); !retained) return retained;
    if (const auto committed = transaction.commit(); !committed)
        return Status::failure("committing the pass failed (" + committed.error + ")");
    return Status::success();
}

Status SqliteComplianceStore::writePass(const PassReport& report, const std::string& fingerprint) {
    const std::string policyHash = policyFingerprint(report.policy);
    // The previous run and the run that holds its content (itself, or the one it repeats).
    struct Previous {
        std::int64_t contentRun = 0, policyRun = 0;
        std::string contentHash, policyHash;
        Verdict verdict = Verdict::NotManaged;
    };
    std::optional<Previous> previous;
    {
        SqliteStatement s;
        if (auto prepared =
                prepareForWrite("SELECT c.id, c.content_hash, c.policy_hash, "
                                "COALESCE(r.policy_run, c.policy_run, c.id), r.verdict "
                                "FROM runs AS r JOIN runs AS c ON c.id = COALESCE(r.same_as, r.id) "
                                "ORDER BY r.id DESC LIMIT 1",
                                &s);
            !prepared)
            return prepared;
        if (s.step()) {
            previous.emplace();
            previous->contentRun = s.integer(0);
            previous->contentHash = s.text(1);
            previous->policyHash = s.text(2);
            previous->policyRun = s.integer(3);
            verdictFromString(s.text(4), &previous->verdict);
        }
        if (s.failed()) return Status::failure(s.errorMessage());
    }
    const bool repeat = previous && previous->contentHash == fingerprint;
    const bool samePolicy = previous && previous->policyHash == policyHash;
    SqliteStatement insert;
    if (auto prepared =
            prepareForWrite("INSERT INTO runs (started_at, finished_at, trigger, mode, verdict, "
                            "notes, informational, has_policy, content_hash, policy_hash, same_as, "
                            "policy_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            &insert);
        !prepared)
        return prepared;
    insert.bind(1, report.startedAt)
        .bind(2, report.finishedAt)
        .bind(3, report.trigger)
        .bind(4, toString(report.mode))
        .bind(5, toString(report.verdict))
        .bind(6, repeat ? "[]" : stringListToJson(report.notes))
        .bind(7, repeat ? "[]" : stringListToJson(report.policy.informational))
        .bind(8, std::int64_t{report.policy.empty() ? 0 : 1})
        .bind(9, repeat ? "" : fingerprint)
        .bind(10, repeat ? "" : policyHash)
        .bindOptional(11, repeat ? std::optional<std::int64_t>(previous->contentRun) : std::nullopt)
        .bindOptional(12, repeat || samePolicy ? std::optional<std::int64_t>(previous->policyRun)
                                               : std::nullopt);
    if (const auto ran = insert.run(); !ran)
        return Status::failure("recording the run failed: " + ran.error);
    const auto runId = db_.lastInsertRowId();
    // Nothing new observed: no rows, no events; but a store upgraded to the sealed state (schema
    // 4) has no sealed row for the run this repeats until one is written.
    if (repeat)
        return sealedStateIsFor(db_, previous->contentRun)
                   ? Status::success()
                   : sealState(db_, previous->contentRun, report, fingerprint);
    if (!samePolicy) {
        SqliteStatement own;
        if (auto prepared = prepareForWrite("UPDATE runs SET policy_run = id WHERE id = ?", &own);
            !prepared)
            return prepared;
        own.bind(1, runId);
        auto recorded = own.run();
        if (recorded) recorded = insertPolicy(runId, report.policy);
        if (!recorded)
            return Status::failure("recording the effective policy failed: " + recorded.error);
    }
    // Events compare with the previous pass: what it had for each subject is worked out while
    // current_findings is replaced, a few bytes per finding instead of a copy of its findings.
    std::vector<PreviousFinding> before;
    if (const auto written = writeFindings(runId, report, &before); !written)
        return Status::failure("recording the findings failed: " + written.error);
    PolicySet previousPolicy;
    if (previous && !samePolicy && !readPolicy(previous->policyRun, &previousPolicy, false))
        return Status::failure("reading the previous policy failed: " + lastReadError_);
    const auto append = [&](const EventDraft& event) { return appendEvent(db_, event); };
    if (previous) {
        const PreviousPass last{samePolicy ? report.policy : previousPolicy, previous->verdict,
                                before};
        if (auto events = forEachPassEvent(report, &last, runId, append); !events) return events;
    } else if (auto events = forEachPassEvent(report, nullptr, runId, append); !events) {
        return events;
    }
    // The seal: what readers derive the verdict and findings from is covered by the chain.
    return sealState(db_, runId, report, fingerprint);
}

Status SqliteComplianceStore::writeFindings(std::int64_t runId, const PassReport& report,
                                            std::vector<PreviousFinding>* before) {
    SqliteStatement delta;
    if (auto prepared = prepareForWrite(
            "INSERT INTO findings (run_id, seq, target, subject, user, desired, "
            "observed, outcome, reason, removed, tool) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &delta);
        !prepared)
        return prepared;
    const auto addDelta = [&](std::int64_t seq, const Finding& f, bool removed) {
        delta.reset();
        delta.bind(1, runId).bind(2, seq).bind(10, std::int64_t{removed ? 1 : 0}).bind(11, f.tool);
        bindFinding(delta, 3, f);
        return delta.run();
    };
    return updateCurrentFindings(db_, report.findings, report.startedAt, addDelta, before);
}

Status SqliteComplianceStore::retainIfDue(const PassReport& latest) {
    const auto now = parseIsoUtc(latest.startedAt);
    // A pass without a usable time: retention waits for the next one.
    if (!now) return Status::success();
    const auto last = state("retention_checked_at");
    const auto lastTime = last ? parseIsoUtc(*last) : std::nullopt;
    if (lastTime && *now - *lastTime < std::chrono::hours(24) && *now >= *lastTime)
        return Status::success();
    RetentionResult result;
    if (const auto retained =
            applyRetention(db_, latest.startedAt, latest.desired.complianceRetentionDays, &result);
        !retained)
        return Status::failure("retention failed: " + retained.error);
    return setState("retention_checked_at", latest.startedAt);
}

Status SqliteComplianceStore::insertPolicy(std::int64_t runId, const PolicySet& set) {
    SqliteStatement policy;
    if (auto prepared =
            prepareForWrite("INSERT INTO effective_policy (run_id, name, value, source, origin, "
                            "level, precedence, source_order, kept_from_lkg, kept_because, "
                            "overridden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            &policy);
        !prepared)
        return prepared;
    for (const auto& [name, p] : set.values) {
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
        if (auto ran = policy.run(); !ran) return ran;
    }
    SqliteStatement issue;
    if (auto prepared =
            prepareForWrite("INSERT INTO policy_issues (run_id, seq, origin, policy, message, "
                            "blocks_source) VALUES (?, ?, ?, ?, ?, ?)",
                            &issue);
        !prepared)
        return prepared;
    std::int64_t seq = 0;
    for (const auto& i : set.issues) {
        issue.reset();
        issue.bind(1, runId)
            .bind(2, seq++)
            .bind(3, i.origin)
            .bind(4, i.policy)
            .bind(5, i.message)
            .bind(6, std::int64_t{i.blocksSource ? 1 : 0});
        if (auto ran = issue.run(); !ran) return ran;
    }
    return Status::success();
}

bool SqliteComplianceStore::readPolicy(std::int64_t policyRunId, PolicySet* out,
                                       bool withIssues) const {
    SqliteStatement s;
    if (!prepareForRead("SELECT name, value, source, origin, level, precedence, source_order, "
                        "kept_from_lkg, kept_because, overridden FROM effective_policy "
                        "WHERE run_id = ? ORDER BY name",
                        &s))
        return false;
    s.bind(1, policyRunId);
    while (s.step()) {
        const std::string name = s.text(0);
        const auto* definition = catalog_.find(name);
        EffectivePolicy p;
        Status read = policyValueFromJson(s.text(1), definition, &p.value);
        if (read && !policyLevelFromString(s.text(4), &p.from.level))
            read = Status::failure("unknown level " + s.text(4));
        if (read) read = overriddenValuesFromJson(s.text(9), definition, &p.overridden);
        if (!read) {
            readFailed("run " + std::to_string(policyRunId) + ", policy " + name + ": " +
                       read.error);
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
    if (!withIssues) return true;
    SqliteStatement issues;
    if (!prepareForRead("SELECT origin, policy, message, blocks_source FROM policy_issues "
                        "WHERE run_id = ? ORDER BY seq",
                        &issues))
        return false;
    issues.bind(1, policyRunId);
    while (issues.step())
        out->issues.push_back(
            {issues.text(0), issues.text(1), issues.text(2), issues.integer(3) != 0});
    if (issues.failed()) {
        readFailed(issues.errorMessage());
        return false;
    }
    return true;
}

bool SqliteComplianceStore::prepareCurrentFindings(SqliteStatement* s) const {
    // A schema 4 file read as it is (read-only) has no tool column: every finding is Metalama's.
    return prepareForRead(schemaVersion_ >= 5
                              ? "SELECT target, subject, user, desired, observed, outcome, reason, "
                                "tool FROM current_findings ORDER BY seq"
                              : "SELECT target, subject, user, desired, observed, outcome, reason, "
                                "'' FROM current_findings ORDER BY seq",
                          s);
}

bool SqliteComplianceStore::readFindingRows(SqliteStatement& s, const FindingSink& each) const {
    // One finding refilled for every row: a reader that only counts (the compliance summary,
    // over every profile's finding) then allocates only for a field longer than any before it.
    // A reader that keeps the finding moves it away, and the next row fills it anew.
    Finding f;
    while (s.step()) {
        // Every field is set again below, so a finding a reader moved away is whole again.
        f.target.assign(s.textView(0));  // NOLINT(bugprone-use-after-move)
        f.subject.assign(s.textView(1));
        f.user.assign(s.textView(2));
        f.desired.assign(s.textView(3));
        f.observed.assign(s.textView(4));
        if (!outcomeFromString(s.textView(5), &f.outcome)) {
            readFailed("unknown outcome \"" + s.text(5) + "\" for " + f.target + " " + f.subject);
            return false;
        }
        f.reason.assign(s.textView(6));
        f.diff.clear();
        f.tool.assign(s.textView(7));
        each(std::move(f));
    }
    if (s.failed()) {
        readFailed(s.errorMessage());
        return false;
    }
    return true;
}

std::optional<PolicySet> SqliteComplianceStore::lastKnownGoodPolicy() const {
    SqliteStatement s;
    if (!prepareForRead(
            schemaVersion_ >= 3
                ? "SELECT COALESCE(policy_run, same_as, id) FROM runs WHERE has_policy = 1 "
                  "AND mode <> 'dry-run' ORDER BY id DESC LIMIT 1"
                : "SELECT COALESCE(same_as, id) FROM runs WHERE has_policy = 1 "
                  "AND mode <> 'dry-run' ORDER BY id DESC LIMIT 1",
            &s))
        return std::nullopt;
    if (!firstRow(s)) return std::nullopt;
    PolicySet policy;
    if (!readPolicy(s.integer(0), &policy, false)) return std::nullopt;
    return policy;
}

// What readers get is derived from the chain at read time: the state read back must have the
// fingerprint the chain sealed (event_kind::kStateSealed). An edited runs, current_findings or
// policy row makes it differ: the verdict read is then non-compliant and a note says why.
void SqliteComplianceStore::checkSeal(PassReport& report, const std::string& fingerprint) const {
    SqliteStatement s;
    if (!prepareForRead("SELECT json_extract(body, '$.data.fingerprint'), id FROM events "
                        "WHERE kind = ? ORDER BY id DESC LIMIT 1",
                        &s))
        return;
    s.bind(1, std::string(event_kind::kStateSealed));
    if (!firstRow(s)) return;  // a history from before seals: nothing to compare with
    if (s.text(0) == fingerprint) return;
    report.notes.push_back(
        "the recorded state does not match the state sealed in the event chain (event " +
        std::to_string(s.integer(1)) +
        "): rows were changed outside the agent; the verdict read is not trusted (run verify)");
    report.verdict = Verdict::NonCompliant;
}

std::optional<StoredPass> SqliteComplianceStore::lastPass() const {
    FindingLog findings;
    auto pass = lastPass([&findings](Finding&& f) { findings.push_back(std::move(f)); });
    if (pass) pass->report.findings = std::move(findings);
    return pass;
}

bool SqliteComplianceStore::streamCurrentFindings(PassReport& header,
                                                  const FindingSink& each) const {
    SqliteStatement count;
    if (!prepareForRead("SELECT count(*) FROM current_findings", &count) || !firstRow(count))
        return false;
    PassFingerprinter print(header, count.integer(0));
    SqliteStatement s;
    if (!prepareCurrentFindings(&s)) return false;
    const auto read = [&](Finding&& f) {
        print.add(f);
        each(std::move(f));
    };
    if (!readFindingRows(s, read)) return false;
    if (print.needsTools()) {
        print.startTools();
        SqliteStatement tools;
        if (!prepareForRead("SELECT tool FROM current_findings ORDER BY seq", &tools)) return false;
        while (tools.step()) print.addTool(tools.text(0));
        if (tools.failed()) {
            readFailed(tools.errorMessage());
            return false;
        }
    }
    checkSeal(header, print.sha256());
    return true;
}

std::optional<StoredPass> SqliteComplianceStore::lastPass(const FindingSink& each) const {
    const ReadSnapshot snapshot(db_);
    SqliteStatement s;
    // Schemas 1 and 2 (a read-only open of an old file): policy and findings sit with the
    // content run.
    if (!prepareForRead(schemaVersion_ >= 3
                            ? "SELECT r.id, r.started_at, r.finished_at, r.trigger, r.mode, "
                              "r.verdict, c.notes, c.informational, "
                              "COALESCE(r.policy_run, c.policy_run, c.id) FROM runs r "
                              "JOIN runs c ON c.id = COALESCE(r.same_as, r.id) "
                              "ORDER BY r.id DESC LIMIT 1"
                            : "SELECT r.id, r.started_at, r.finished_at, r.trigger, r.mode, "
                              "r.verdict, c.notes, c.informational, c.id FROM runs r "
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
    Status lists = stringListFromJson(s.text(6), &r.notes);
    if (lists) lists = stringListFromJson(s.text(7), &r.policy.informational);
    if (!lists) {
        readFailed("run " + std::to_string(pass.runId) + ": " + lists.error);
        return std::nullopt;
    }
    const auto policyRun = s.integer(8);
    if (!readPolicy(policyRun, &r.policy, true)) return std::nullopt;
    // A pure function of the policy, as the pass decided it: what compliance per tool needs.
    r.desired = decideDesiredState(r.policy, catalog_);
    if (schemaVersion_ >= 3) {
        if (!streamCurrentFindings(r, each)) return std::nullopt;
    } else {
        SqliteStatement f;
        if (!prepareForRead("SELECT target, subject, user, desired, observed, outcome, reason, "
                            "'' FROM findings WHERE run_id = ? ORDER BY seq",
                            &f))
            return std::nullopt;
        f.bind(1, policyRun);
        if (!readFindingRows(f, each)) return std::nullopt;
    }
    return pass;
}

}  // namespace mpa
