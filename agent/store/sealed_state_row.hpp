#pragma once
// The sealed_state row's format, shared by the pass that writes it and by verify: its columns,
// the SHA-256 the seal carries, the policy text the views show, the findings as JSON.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "store/sqlite_connection.hpp"
#include "util/status.hpp"

namespace mpa {

// The columns of sealed_state after id, in the order they are hashed.
struct SealedRow {
    std::int64_t runId = 0;
    std::string finishedAt, mode, verdict, policy, policyValues, findings;
};

// One current_findings row: target, subject, user, desired, observed, outcome, reason,
// state_since (the order of the sealed findings' arrays).
using FindingRow = std::array<std::string, 8>;
inline constexpr std::array<const char*, 8> kSealedFindingColumns{
    {"target", "subject", "user", "desired", "observed", "outcome", "reason", "state_since"}};

// SHA-256 over the columns, each as its length in bytes, a colon and its bytes.
std::string sealedRowHash(const SealedRow& row);
// "Name=value, ..." (the views' policy column) and {"Name":"value",...} (policy_values), from
// name -> stored value JSON text.
void describeSealedPolicy(const std::map<std::string, std::string>& values, std::string* text,
                          std::string* object);
Status readCurrentFindingRows(const SqliteConnection& db, std::vector<FindingRow>* out);
std::string sealedFindingsJson(const std::vector<FindingRow>& rows);

}  // namespace mpa
