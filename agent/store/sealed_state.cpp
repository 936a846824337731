#include "store/sealed_state.hpp"

#include <map>

#include "store/event_chain.hpp"
#include "store/event_kinds.hpp"
#include "store/policy_record_json.hpp"
#include "store/sealed_state_row.hpp"
#include "util/json_document.hpp"

namespace mpa {

Status sealState(SqliteConnection& db, std::int64_t runId, const PassReport& report,
                 const std::string& fingerprint) {
    std::vector<FindingRow> rows;
    if (auto read = readCurrentFindingRows(db, &rows); !read) return read;
    SealedRow row;
    row.runId = runId;
    row.finishedAt = report.finishedAt.empty() ? report.startedAt : report.finishedAt;
    row.mode = std::string(toString(report.mode));
    row.verdict = std::string(toString(report.verdict));
    std::map<std::string, std::string> values;
    for (const auto& [name, p] : report.policy.values) values[name] = policyValueToJson(p.value);
    describeSealedPolicy(values, &row.policy, &row.policyValues);
    row.findings = sealedFindingsJson(rows);
    row.tools = sealedToolsJson(complianceByTool(report.desired, report.findings));
    SqliteStatement s;
    if (auto prepared = db.prepare("INSERT OR REPLACE INTO sealed_state (id, run_id, finished_at, "
                                   "mode, verdict, policy, policy_values, findings, tools) "
                                   "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   &s);
        !prepared)
        return prepared;
    s.bind(1, row.runId)
        .bind(2, row.finishedAt)
        .bind(3, row.mode)
        .bind(4, row.verdict)
        .bind(5, row.policy)
        .bind(6, row.policyValues)
        .bind(7, row.findings)
        .bind(8, row.tools);
    if (const auto ran = s.run(); !ran)
        return Status::failure("recording the sealed state failed: " + ran.error);
    EventDraft seal;
    seal.at = row.finishedAt;
    seal.kind = event_kind::kStateSealed;
    seal.details =
        "verdict " + row.verdict + ", " + std::to_string(report.findings.size()) + " findings";
    seal.data = "{\"fingerprint\":" + json::quote(fingerprint) +
                ",\"verdict\":" + json::quote(row.verdict) +
                ",\"snapshot\":" + json::quote(sealedRowHash(row)) + "}";
    seal.runId = runId;
    return appendEvent(db, seal);
}

bool sealedStateIsFor(const SqliteConnection& db, std::int64_t runId) {
    SqliteStatement s;
    // A row sealed before schema 5 has no compliance per tool: the next pass seals it again.
    if (!db.prepare("SELECT 1 FROM sealed_state WHERE id = 1 AND run_id = ? AND tools <> ''", &s))
        return false;
    s.bind(1, runId);
    return s.step();
}

}  // namespace mpa
