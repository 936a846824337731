#pragma once
// The text a machine-environment target keeps in PriorState::value: a few "name: value" fields
// (bookkeeping needed to undo exactly, such as directories the agent created) and a body (the
// prior file content or the prior lines), so one ledger column holds both without guessing.
//
//   created-dirs: /etc/environment.d
//   <empty line>
//   <body, byte for byte>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.hpp"

namespace mpa {

struct PriorRecord {
    std::vector<std::pair<std::string, std::string>> fields;  // values hold no newline
    std::string body;

    std::string field(std::string_view name) const;  // "" when absent
    void setField(std::string name, std::string value);
};

std::string encodePriorRecord(const PriorRecord& record);
// A failure when the text has no header terminator: a ledger entry this code did not
// write, which must not be "restored" from.
Status decodePriorRecord(std::string_view text, PriorRecord* out);

// Lists of absolute paths in a single field (paths the agent uses never contain a tab).
std::string joinPaths(const std::vector<std::string>& paths);
std::vector<std::string> splitPaths(std::string_view joined);

}  // namespace mpa
