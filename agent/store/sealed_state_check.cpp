// verify's second half: the rows readers use, checked against the state the chain sealed.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <map>

#include "store/event_kinds.hpp"
#include "store/sealed_state.hpp"
#include "store/sealed_state_row.hpp"

namespace mpa {
namespace {

struct Seal {
    std::int64_t eventId = 0, runId = 0;
    std::string fingerprint, verdict, snapshot;
};

class Checker {
  public:
    explicit Checker(const SqliteConnection& db) : db_(db) {}
    SealVerification run(const std::optional<std::string>& latestFingerprint);

  private:
    // The first disagreements are named; the rest counted (every row of a large machine forged
    // is one line each otherwise).
    void problem(std::string text) {
        if (result_.problems.size() < kNamedProblems)
            result_.problems.push_back(std::move(text));
        else
            ++unnamed_;
    }
    static constexpr std::size_t kNamedProblems = 50;
    std::size_t unnamed_ = 0;
    bool readSeals();
    void checkRow(const Seal& last);
    void checkRuns(const Seal& last);
    void checkFindings();
    void checkPolicy();

    const SqliteConnection& db_;
    SealVerification result_;
    std::map<std::int64_t, Seal> seals_;  // by the run they seal
    std::optional<SealedRow> row_;
    std::int64_t latestPolicyRun_ = 0;
};

bool Checker::readSeals() {
    SqliteStatement s;
    if (const auto prepared = db_.prepare(
            "SELECT id, run_id, json_extract(body, '$.data.fingerprint'), "
            "json_extract(body, '$.data.verdict'), json_extract(body, '$.data.snapshot') "
            "FROM events WHERE kind = ? ORDER BY id",
            &s);
        !prepared) {
        problem("cannot read the seal events: " + prepared.error);
        return false;
    }
    s.bind(1, std::string(event_kind::kStateSealed));
    while (s.step()) {
        Seal seal{s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4)};
        seals_[seal.runId] = seal;
    }
    if (s.failed()) problem("cannot read the seal events: " + s.errorMessage());
    return !s.failed();
}

// The row itself: its hash must be the one the last seal carries.
void Checker::checkRow(const Seal& last) {
    SqliteStatement s;
    if (const auto prepared =
            db_.prepare(storeHasToolColumns(db_)
                            ? "SELECT run_id, finished_at, mode, verdict, policy, policy_values, "
                              "findings, tools FROM sealed_state WHERE id = 1"
                            : "SELECT run_id, finished_at, mode, verdict, policy, policy_values, "
                              "findings, '' FROM sealed_state WHERE id = 1",
                        &s);
        !prepared)
        return problem("cannot read sealed_state: " + prepared.error);
    if (s.step())
        row_ = SealedRow{s.integer(0), s.text(1), s.text(2), s.text(3),
                         s.text(4),    s.text(5), s.text(6), s.text(7)};
    if (last.snapshot.empty()) return;  // sealed before the row existed (schema 3)
    if (!row_)
        return problem("sealed_state is empty, but event " + std::to_string(last.eventId) +
                       " sealed its content; the row was deleted outside the agent");
    if (sealedRowHash(*row_) != last.snapshot) {
        problem(
            "sealed_state (what compliance_current, compliance_pass and compliance_tools show) "
            "does not have "
            "the SHA-256 sealed by event " +
            std::to_string(last.eventId) + "; the row was edited outside the agent");
        row_.reset();  // nothing else can be compared with it
    } else if (row_->runId != last.runId) {
        problem("sealed_state holds run " + std::to_string(row_->runId) + ", event " +
                std::to_string(last.eventId) + " sealed run " + std::to_string(last.runId));
    }
}

// Every run from the first sealed one: the run whose content it has must be sealed, with the
// same verdict and content hash.
void Checker::checkRuns(const Seal& last) {
    SqliteStatement s;
    if (const auto prepared =
            db_.prepare("SELECT r.id, r.verdict, c.id, c.content_hash, "
                        "COALESCE(r.policy_run, c.policy_run, c.id) FROM runs AS r "
                        "JOIN runs AS c ON c.id = COALESCE(r.same_as, r.id) "
                        "WHERE c.id >= ? ORDER BY r.id",
                        &s);
        !prepared)
        return problem("cannot read runs: " + prepared.error);
    s.bind(1, seals_.begin()->first);
    std::int64_t latestContent = 0;
    while (s.step()) {
        const auto id = s.integer(0), content = s.integer(2);
        const std::string run = "runs row " + std::to_string(id);
        latestContent = content;
        latestPolicyRun_ = s.integer(4);
        const auto seal = seals_.find(content);
        if (seal == seals_.end()) {
            problem(run + ": no \"state sealed\" event covers " +
                    (content == id ? "it" : "run " + std::to_string(content) + " it repeats") +
                    "; the row was inserted or renumbered outside the agent");
            continue;
        }
        const std::string event = "event " + std::to_string(seal->second.eventId);
        if (s.text(1) != seal->second.verdict)
            problem(run + ": verdict '" + s.text(1) + "', but " + event + " sealed '" +
                    seal->second.verdict + "'");
        if (s.text(3) != seal->second.fingerprint)
            problem("runs row " + std::to_string(content) +
                    ": content_hash differs from the "
                    "fingerprint sealed by " +
                    event);
    }
    if (s.failed()) return problem("cannot read runs: " + s.errorMessage());
    if (latestContent != last.runId)
        problem("the latest run has the content of run " + std::to_string(latestContent) +
                ", but the last seal (event " + std::to_string(last.eventId) + ") is of run " +
                std::to_string(last.runId));
}

void Checker::checkFindings() {
    std::vector<FindingRow> rows;
    if (const auto read = readCurrentFindingRows(db_, &rows); !read)
        return problem("cannot read current_findings: " + read.error);
    Poco::JSON::Array::Ptr sealed;
    try {
        sealed = Poco::JSON::Parser().parse(row_->findings).extract<Poco::JSON::Array::Ptr>();
    } catch (const Poco::Exception& e) {
        return problem("sealed_state.findings is not JSON: " + e.displayText());
    }
    if (sealed->size() != rows.size())
        problem("current_findings has " + std::to_string(rows.size()) + " rows, the sealed state " +
                std::to_string(sealed->size()));
    for (std::size_t i = 0; i < rows.size() && i < sealed->size(); ++i) {
        const auto want = sealed->getArray(static_cast<unsigned>(i));
        for (std::size_t c = 0; c < kSealedFindingColumns.size(); ++c) {
            const auto sealedText =
                want ? want->optElement<std::string>(static_cast<unsigned>(c), "") : "";
            if (rows[i][c] == sealedText) continue;
            problem("current_findings row " + std::to_string(i) + " (" + rows[i][0] + " " +
                    rows[i][1] + "): " + kSealedFindingColumns[c] + " is '" + rows[i][c] +
                    "', the sealed state says '" + sealedText + "'");
        }
    }
}

void Checker::checkPolicy() {
    SqliteStatement s;
    if (const auto prepared = db_.prepare(
            "SELECT name, value FROM effective_policy WHERE run_id = ? ORDER BY name", &s);
        !prepared)
        return problem("cannot read effective_policy: " + prepared.error);
    s.bind(1, latestPolicyRun_);
    std::map<std::string, std::string> values;
    while (s.step()) values[s.text(0)] = s.text(1);
    std::string text, object;
    describeSealedPolicy(values, &text, &object);
    if (object != row_->policyValues)
        problem("effective_policy of run " + std::to_string(latestPolicyRun_) + " (" + text +
                ") differs from the sealed policy (" + row_->policy + ")");
}

SealVerification Checker::run(const std::optional<std::string>& latestFingerprint) {
    const auto hasTable = db_.queryInt(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sealed_state'",
        nullptr);
    if (!hasTable || *hasTable == 0) {
        result_.message = "no sealed state in this schema version; only the chain was checked";
        return result_;
    }
    if (!readSeals() || seals_.empty()) {
        result_.intact = result_.problems.empty();
        result_.message = result_.intact ? "no pass sealed yet" : result_.problems.front();
        return result_;
    }
    Seal last;
    for (const auto& [run, seal] : seals_)
        if (seal.eventId > last.eventId) last = seal;
    checkRow(last);
    checkRuns(last);
    if (row_ && row_->runId == last.runId) {
        checkFindings();
        checkPolicy();
    }
    if (latestFingerprint && *latestFingerprint != last.fingerprint)
        problem(
            "the latest pass as status reads it (runs, effective_policy, policy_issues, "
            "current_findings) does not have the fingerprint sealed by event " +
            std::to_string(last.eventId));
    if (unnamed_ > 0)
        result_.problems.push_back("and " + std::to_string(unnamed_) + " more disagreements");
    result_.intact = result_.problems.empty();
    result_.message = result_.intact ? "the recorded state matches the state sealed by event " +
                                           std::to_string(last.eventId) + " (run " +
                                           std::to_string(last.runId) + ")"
                                     : result_.problems.front();
    return result_;
}

}  // namespace

SealVerification verifySealedState(const SqliteConnection& db,
                                   const std::optional<std::string>& latestPassFingerprint) {
    return Checker(db).run(latestPassFingerprint);
}

}  // namespace mpa
