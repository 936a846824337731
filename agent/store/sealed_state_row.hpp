#pragma once
// The sealed_state row's format, shared by the pass that writes it and by verify: its columns,
// the SHA-256 the seal carries, the policy text the views show, the findings as JSON.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/tool_compliance.hpp"
#include "store/sha256.hpp"
#include "store/sqlite_connection.hpp"
#include "util/status.hpp"

namespace mpa {

// The columns of sealed_state after id, in the order they are hashed.
struct SealedRow {
    std::int64_t runId = 0;
    std::string finishedAt, mode, verdict, policy, policyValues, findings;
    // Compliance per tool (schema 5, sealedToolsJson); empty in a row sealed before it.
    std::string tools;
};

// One current_findings row: target, subject, user, desired, observed, outcome, reason,
// state_since, tool (the order of the sealed findings' arrays). A row sealed by schema 4 has
// no ninth element: its tool reads as empty (Metalama).
using FindingRow = std::array<std::string, 9>;
inline constexpr std::array<const char*, 9> kSealedFindingColumns{
    {"target", "subject", "user", "desired", "observed", "outcome", "reason", "state_since",
     "tool"}};

// Whether the file has schema 5's tool columns (a read-only open does not migrate: verify and
// status read a schema 4 file as it is, every tool empty).
bool storeHasToolColumns(const SqliteConnection& db);

// SHA-256 over the columns, each as its length in bytes, a colon and its bytes. `tools` is
// hashed only when not empty, so a row sealed before schema 5 keeps the hash its seal carries.
std::string sealedRowHash(const SealedRow& row);
// The columns hashed before findings (run_id to policy_values), for a hash whose findings are
// streamed (CanonicalFields::beginField).
void addSealedRowHead(CanonicalFields& fields, const SealedRow& row);
// "Name=value, ..." (the views' policy column) and {"Name":"value",...} (policy_values), from
// name -> stored value JSON text.
void describeSealedPolicy(const std::map<std::string, std::string>& values, std::string* text,
                          std::string* object);
Status readCurrentFindingRows(const SqliteConnection& db, std::vector<FindingRow>* out);
// The sealed findings column, current_findings as a JSON array of FindingRow arrays, in the
// pieces it is made of (a row's array at a time) as the rows are read: never held whole.
Status forEachSealedFindingsPiece(const SqliteConnection& db,
                                  const std::function<Status(std::string_view)>& piece);
// [{"tool":..,"policy":..,"verdict":..,"findings":n,"compliant":n,"non_compliant":n,
// "reason":..},...]: complianceByTool() of the pass, what the view compliance_tools shows.
std::string sealedToolsJson(const std::vector<ToolCompliance>& tools);

}  // namespace mpa
