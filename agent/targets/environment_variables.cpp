#include "targets/environment_variables.hpp"

#include <algorithm>

#include "targets/target_common.hpp"

namespace mpa {

bool isMetalamaVariable(const std::string& name) {
    return name == kOptOutVariable;
}

EnvironmentAssignment metalamaAssignment() {
    return {kOptOutVariable, kOptOutValue, kMetalamaTool, ""};
}

std::string findingTool(const EnvironmentAssignment& assignment) {
    return isMetalamaVariable(assignment.name) || assignment.tool == kMetalamaTool
               ? std::string()
               : assignment.tool;
}

std::string variableSubject(const std::string& base, const std::string& name) {
    return isMetalamaVariable(name) ? base : base + "#" + name;
}

std::optional<std::string> variableOfSubject(const std::string& base, const std::string& subject) {
    if (subject == base) return std::string(kOptOutVariable);
    if (subject.size() > base.size() + 1 && subject.compare(0, base.size(), base) == 0 &&
        subject[base.size()] == '#')
        return subject.substr(base.size() + 1);
    return std::nullopt;
}

std::vector<std::string> recordedVariables(const Ledger& ledger, const std::string& target,
                                           const std::string& base) {
    std::vector<std::string> names;
    for (const auto& entry : ledger.listPrefix(target, base))
        if (auto name = variableOfSubject(base, entry.subject)) names.push_back(*name);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

EnvironmentAssignment setAssignment(const Ledger& ledger, const std::string& target,
                                    const std::string& subject, const std::string& name) {
    if (isMetalamaVariable(name)) return metalamaAssignment();
    EnvironmentAssignment a{name, "", "", ""};
    PriorRecord record;
    if (auto entry = ledger.find(target, subject);
        entry && decodePriorRecord(entry->value, &record)) {
        a.value = record.field(kSetValueField);
        a.tool = record.field(kToolField);
    }
    return a;
}

void recordSetAssignment(PriorRecord& record, const EnvironmentAssignment& assignment) {
    record.setField(kSetValueField, assignment.value);
    if (!findingTool(assignment).empty()) record.setField(kToolField, assignment.tool);
}

const EnvironmentAssignment* desiredVariable(const DesiredState& desired, const std::string& name) {
    for (const auto& a : desired.environment)
        if (a.name == name) return &a;
    return nullptr;
}

VariablePlan planVariables(const DesiredState& desired, const std::vector<std::string>& recorded) {
    VariablePlan plan;
    plan.wanted = desired.environment;
    std::sort(plan.wanted.begin(), plan.wanted.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    std::vector<std::string> gone = recorded;
    if (!desiredVariable(desired, kOptOutVariable)) gone.push_back(kOptOutVariable);
    std::sort(gone.begin(), gone.end());
    gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
    for (auto it = gone.rbegin(); it != gone.rend(); ++it)
        if (!desiredVariable(desired, *it)) plan.restored.push_back(*it);
    return plan;
}

}  // namespace mpa
