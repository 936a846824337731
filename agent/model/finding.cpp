#include "model/finding.hpp"

#include <array>
#include <utility>

namespace mpa {
namespace {
constexpr std::array<std::pair<Outcome, std::string_view>, 9> kNames{{
    {Outcome::Compliant, "compliant"},
    {Outcome::Remediated, "remediated"},
    {Outcome::DriftRepaired, "drift repaired"},
    {Outcome::Repaired, "repaired"},
    {Outcome::Restored, "restored"},
    {Outcome::Pending, "pending"},
    {Outcome::NonCompliant, "non-compliant"},
    {Outcome::NotApplicable, "not applicable"},
    {Outcome::Failed, "failed"},
}};
}  // namespace

std::string_view toString(Outcome outcome) {
    for (const auto& [o, name] : kNames)
        if (o == outcome) return name;
    return "?";
}

bool outcomeFromString(std::string_view text, Outcome* out) {
    for (const auto& [o, name] : kNames)
        if (name == text) {
            *out = o;
            return true;
        }
    return false;
}

bool isCompliantOutcome(Outcome outcome) {
    switch (outcome) {
        case Outcome::Compliant:
        case Outcome::Remediated:
        case Outcome::DriftRepaired:
        case Outcome::Repaired:
        case Outcome::Restored:
        case Outcome::NotApplicable:
            return true;
        default:
            return false;
    }
}

bool isChange(Outcome outcome) {
    return outcome == Outcome::Remediated || outcome == Outcome::DriftRepaired ||
           outcome == Outcome::Repaired || outcome == Outcome::Restored;
}

Finding Finding::about(std::string target, std::string subject, std::string user,
                       std::string desired) {
    Finding f;
    f.target = std::move(target);
    f.subject = std::move(subject);
    f.user = std::move(user);
    f.desired = std::move(desired);
    return f;
}

Finding Finding::failed(std::string target, std::string subject, std::string reason) {
    auto f = about(std::move(target), std::move(subject));
    f.outcome = Outcome::Failed;
    f.reason = std::move(reason);
    return f;
}

Finding Finding::notChecked(std::string target, std::string subject, std::string reason) {
    auto f = failed(std::move(target), std::move(subject), std::move(reason));
    f.observed = "not checked";
    return f;
}

Finding Finding::notApplicable(std::string target, std::string subject, std::string reason) {
    auto f = about(std::move(target), std::move(subject));
    f.outcome = Outcome::NotApplicable;
    f.reason = std::move(reason);
    return f;
}

Finding Finding::withUser(std::string value) && {
    user = std::move(value);
    return std::move(*this);
}

Finding Finding::withDesired(std::string value) && {
    desired = std::move(value);
    return std::move(*this);
}

Finding Finding::withObserved(std::string value) && {
    observed = std::move(value);
    return std::move(*this);
}

}  // namespace mpa
