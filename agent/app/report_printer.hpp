#pragma once
// How passes and policy are shown to people (text) and to tools (JSON). One place, so `apply`,
// `status` and `revert` say the same thing the same way.
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "model/pass_report.hpp"

namespace mpa {

struct PrintOptions {
    bool listCompliant = false;  // list every finding, not only the ones that need attention
    bool showDiffs = false;      // print each finding's diff (dry run)
};

void printPolicy(std::ostream& out, const PolicySet& policy);
void printFindings(std::ostream& out, const FindingLog& findings, const PrintOptions& options);

// The whole pass for tools: one JSON object indented by two spaces (no final line break), with
// `extra` members (name, text) after the pass's own, in the order given. Written here, so no
// caller needs the JSON library's types.
void printPassJson(std::ostream& out, const PassReport& report,
                   const std::vector<std::pair<std::string, std::string>>& extra = {});
// The whole pass for people: policy, findings, notes, verdict.
void printPass(std::ostream& out, const PassReport& report, const PrintOptions& options);

int exitCodeFor(Verdict verdict);

}  // namespace mpa
