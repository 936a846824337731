#include "model/pass_report.hpp"

namespace mpa {

std::string_view toString(RunMode mode) {
    switch (mode) {
        case RunMode::Enforce:
            return "enforce";
        case RunMode::AuditOnly:
            return "audit-only";
        case RunMode::DryRun:
            return "dry-run";
    }
    return "?";
}

std::string_view toString(Verdict verdict) {
    switch (verdict) {
        case Verdict::Compliant:
            return "compliant";
        case Verdict::NonCompliant:
            return "non-compliant";
        case Verdict::NotManaged:
            return "not managed";
    }
    return "?";
}

bool verdictFromString(std::string_view text, Verdict* out) {
    for (auto v : {Verdict::Compliant, Verdict::NonCompliant, Verdict::NotManaged})
        if (toString(v) == text) {
            *out = v;
            return true;
        }
    return false;
}

Verdict computeVerdict(const PolicySet& policy, const FindingLog& findings) {
    bool allCompliant = true;
    for (const auto& f : findings)
        if (!isCompliantOutcome(f.outcome)) allCompliant = false;
    return verdictOf(policy, allCompliant);
}

Verdict verdictOf(const PolicySet& policy, bool everyFindingCompliant) {
    if (policy.empty() && everyFindingCompliant) return Verdict::NotManaged;
    return everyFindingCompliant ? Verdict::Compliant : Verdict::NonCompliant;
}

}  // namespace mpa
