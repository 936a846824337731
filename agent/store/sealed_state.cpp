#include "store/sealed_state.hpp"

#include <map>

#include "store/event_chain.hpp"
#include "store/event_kinds.hpp"
#include "store/policy_record_json.hpp"
#include "store/sealed_state_row.hpp"
#include "store/sha256.hpp"
#include "store/sqlite_blob_writer.hpp"
#include "util/json_document.hpp"

namespace mpa {

namespace {

// Flushes the findings' pieces to the hash and to the row's placeholder in 64 KB writes.
constexpr std::size_t kFindingsWriteBytes = 64 * 1024;

// Writes the findings (forEachSealedFindingsPiece) into the sealed row's placeholder of
// `length` bytes and into `fields`, as one field of that length.
Status writeSealedFindings(SqliteConnection& db, std::uint64_t length, CanonicalFields& fields) {
    SqliteBlobWriter blob;
    if (auto opened = blob.open(db, "sealed_state", "findings", 1); !opened) return opened;
    fields.beginField(length);
    std::string buffer;
    const auto flush = [&]() {
        fields.appendToField(buffer);
        auto written = blob.append(buffer);
        buffer.clear();
        return written;
    };
    auto pieces = forEachSealedFindingsPiece(db, [&](std::string_view piece) {
        buffer.append(piece.data(), piece.size());
        return buffer.size() < kFindingsWriteBytes ? Status::success() : flush();
    });
    if (pieces) pieces = flush();
    if (!pieces) return pieces;
    // The rows cannot change between the two reads (one transaction, one connection).
    if (blob.written() != length)
        return Status::failure("the sealed findings came to " + std::to_string(blob.written()) +
                               " bytes, " + std::to_string(length) + " were reserved");
    return blob.close();
}

}  // namespace

Status sealState(SqliteConnection& db, std::int64_t runId, const PassReport& report,
                 const std::string& fingerprint) {
    // The findings column (a JSON array of every current finding: megabytes on a large machine)
    // is never held: its length is counted over the rows, the row inserted with a placeholder
    // of that length, and the text written into it and hashed as the rows are read again.
    std::uint64_t length = 0;
    if (auto counted = forEachSealedFindingsPiece(db,
                                                  [&](std::string_view piece) {
                                                      length += piece.size();
                                                      return Status::success();
                                                  });
        !counted)
        return counted;
    SealedRow row;
    row.runId = runId;
    row.finishedAt = report.finishedAt.empty() ? report.startedAt : report.finishedAt;
    row.mode = std::string(toString(report.mode));
    row.verdict = std::string(toString(report.verdict));
    std::map<std::string, std::string> values;
    for (const auto& [name, p] : report.policy.values) values[name] = policyValueToJson(p.value);
    describeSealedPolicy(values, &row.policy, &row.policyValues);
    row.tools = sealedToolsJson(complianceByTool(report.desired, report.findings));
    SqliteStatement s;
    if (auto prepared = db.prepare("INSERT OR REPLACE INTO sealed_state (id, run_id, finished_at, "
                                   "mode, verdict, policy, policy_values, findings, tools) "
                                   "VALUES (1, ?, ?, ?, ?, ?, ?, zeroblob(?), ?)",
                                   &s);
        !prepared)
        return prepared;
    s.bind(1, row.runId)
        .bind(2, row.finishedAt)
        .bind(3, row.mode)
        .bind(4, row.verdict)
        .bind(5, row.policy)
        .bind(6, row.policyValues)
        .bind(7, static_cast<std::int64_t>(length))
        .bind(8, row.tools);
    if (const auto ran = s.run(); !ran)
        return Status::failure("recording the sealed state failed: " + ran.error);
    // The same hash as sealedRowHash() of the row read back (what verify recomputes).
    CanonicalFields fields(CanonicalFields::Keep::DigestOnly);
    addSealedRowHead(fields, row);
    if (auto written = writeSealedFindings(db, length, fields); !written)
        return Status::failure("recording the sealed findings failed: " + written.error);
    if (!row.tools.empty()) fields.add(row.tools);
    EventDraft seal;
    seal.at = row.finishedAt;
    seal.kind = event_kind::kStateSealed;
    seal.details =
        "verdict " + row.verdict + ", " + std::to_string(report.findings.size()) + " findings";
    seal.data = "{\"fingerprint\":" + json::quote(fingerprint) +
                ",\"verdict\":" + json::quote(row.verdict) +
                ",\"snapshot\":" + json::quote(fields.sha256()) + "}";
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
