#pragma once
// How passes and policy are shown to people (text) and to tools (JSON). One place, so `apply`,
// `status` and `revert` say the same thing the same way.
#include <Poco/JSON/Object.h>

#include <ostream>

#include "model/pass_report.hpp"

namespace mpa {

struct PrintOptions {
    bool listCompliant = false;  // list every finding, not only the ones that need attention
    bool showDiffs = false;      // print each finding's diff (dry run)
};

void printPolicy(std::ostream& out, const PolicySet& policy);
void printFindings(std::ostream& out, const std::vector<Finding>& findings,
                   const PrintOptions& options);
void printVerdict(std::ostream& out, Verdict verdict, const std::vector<Finding>& findings);

Poco::SharedPtr<Poco::JSON::Object> policyToJson(const PolicySet& policy);
Poco::SharedPtr<Poco::JSON::Object> findingToJson(const Finding& finding);

Poco::SharedPtr<Poco::JSON::Object> passToJson(const PassReport& report);
// The whole pass for people: policy, findings, notes, verdict.
void printPass(std::ostream& out, const PassReport& report, const PrintOptions& options);

int exitCodeFor(Verdict verdict);

}  // namespace mpa
