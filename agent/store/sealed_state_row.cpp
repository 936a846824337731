#include "store/sealed_state_row.hpp"

#include <functional>

#include "store/sha256.hpp"
#include "util/json_document.hpp"

namespace mpa {

void addSealedRowHead(CanonicalFields& fields, const SealedRow& row) {
    fields.add(row.runId)
        .add(row.finishedAt)
        .add(row.mode)
        .add(row.verdict)
        .add(row.policy)
        .add(row.policyValues);
}

// Each column as length:bytes (CanonicalFields), so no two different rows hash alike.
std::string sealedRowHash(const SealedRow& row) {
    CanonicalFields fields(CanonicalFields::Keep::DigestOnly);
    addSealedRowHead(fields, row);
    fields.add(row.findings);
    if (!row.tools.empty()) fields.add(row.tools);  // the last field: no ambiguity either way
    return fields.sha256();
}

// The policy as the view shows it ("Name=value, ...", values as stored JSON) and as an object
// of name -> stored JSON text (what fleet queries extract one policy from).
void describeSealedPolicy(const std::map<std::string, std::string>& values, std::string* text,
                          std::string* object) {
    *text = "";
    *object = "{";
    for (const auto& [name, value] : values) {
        if (!text->empty()) *text += ", ";
        *text += name + "=" + value;
        if (object->size() > 1) *object += ",";
        *object += json::quote(name) + ":" + json::quote(value);
    }
    *object += "}";
}

bool storeHasToolColumns(const SqliteConnection& db) {
    const auto n = db.queryInt(
        "SELECT count(*) FROM pragma_table_info('current_findings') WHERE name = 'tool'", nullptr);
    return n && *n > 0;
}

namespace {

// current_findings in the order sealed (by seq), each row's nine columns (FindingRow).
Status forEachCurrentFindingRow(const SqliteConnection& db,
                                const std::function<void(const SqliteStatement&)>& visit) {
    SqliteStatement s;
    if (auto prepared = db.prepare(
            storeHasToolColumns(db) ? "SELECT target, subject, user, desired, observed, outcome, "
                                      "reason, state_since, tool FROM current_findings ORDER BY seq"
                                    : "SELECT target, subject, user, desired, observed, outcome, "
                                      "reason, state_since, '' FROM current_findings ORDER BY seq",
            &s);
        !prepared)
        return prepared;
    while (s.step()) visit(s);
    if (s.failed()) return Status::failure(s.errorMessage());
    return Status::success();
}

}  // namespace

Status readCurrentFindingRows(const SqliteConnection& db, std::vector<FindingRow>* out) {
    return forEachCurrentFindingRow(db, [&](const SqliteStatement& s) {
        FindingRow row;
        for (int i = 0; i < 9; ++i) row[static_cast<std::size_t>(i)] = s.text(i);
        out->push_back(std::move(row));
    });
}

Status forEachSealedFindingsPiece(const SqliteConnection& db,
                                  const std::function<Status(std::string_view)>& piece) {
    if (auto open = piece("["); !open) return open;
    std::string text;  // one row's array, reused
    bool first = true;
    Status sent;
    auto read = forEachCurrentFindingRow(db, [&](const SqliteStatement& s) {
        if (!sent) return;  // after a failure the rest of the rows are read but not sent
        text = first ? "[" : ",[";
        first = false;
        for (int i = 0; i < 9; ++i) {
            if (i) text += ",";
            json::appendQuoted(text, s.textView(i));
        }
        text += "]";
        sent = piece(text);
    });
    if (!read) return read;
    if (!sent) return sent;
    return piece("]");
}

std::string sealedToolsJson(const std::vector<ToolCompliance>& tools) {
    std::string text = "[";
    for (const auto& t : tools) {
        if (text.size() > 1) text += ",";
        text += "{\"tool\":" + json::quote(t.tool) + ",\"policy\":" + json::quote(t.policy) +
                ",\"verdict\":" + json::quote(std::string(toString(t.verdict))) +
                ",\"findings\":" + std::to_string(t.findings) +
                ",\"compliant\":" + std::to_string(t.compliant) +
                ",\"non_compliant\":" + std::to_string(t.nonCompliant) +
                ",\"reason\":" + json::quote(t.reason) + "}";
    }
    return text + "]";
}

}  // namespace mpa
