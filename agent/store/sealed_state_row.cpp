#include "store/sealed_state_row.hpp"

#include "store/sha256.hpp"
#include "util/json_document.hpp"

namespace mpa {

// Each column as length:bytes (CanonicalFields), so no two different rows hash alike.
std::string sealedRowHash(const SealedRow& row) {
    CanonicalFields fields(CanonicalFields::Keep::DigestOnly);
    fields.add(row.runId)
        .add(row.finishedAt)
        .add(row.mode)
        .add(row.verdict)
        .add(row.policy)
        .add(row.policyValues)
        .add(row.findings);
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

Status readCurrentFindingRows(const SqliteConnection& db, std::vector<FindingRow>* out) {
    SqliteStatement s;
    if (auto prepared = db.prepare(
            storeHasToolColumns(db) ? "SELECT target, subject, user, desired, observed, outcome, "
                                      "reason, state_since, tool FROM current_findings ORDER BY seq"
                                    : "SELECT target, subject, user, desired, observed, outcome, "
                                      "reason, state_since, '' FROM current_findings ORDER BY seq",
            &s);
        !prepared)
        return prepared;
    while (s.step()) {
        FindingRow row;
        for (int i = 0; i < 9; ++i) row[static_cast<std::size_t>(i)] = s.text(i);
        out->push_back(std::move(row));
    }
    if (s.failed()) return Status::failure(s.errorMessage());
    return Status::success();
}

std::string sealedFindingsJson(const std::vector<FindingRow>& rows) {
    std::string text = "[";
    for (const auto& row : rows) {
        if (text.size() > 1) text += ",";
        text += "[";
        for (std::size_t i = 0; i < row.size(); ++i) text += (i ? "," : "") + json::quote(row[i]);
        text += "]";
    }
    return text + "]";
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
