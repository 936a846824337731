#include "templates/admx_layout.hpp"

#include <set>

#include "policy/tool_policies.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

std::string categoryDisplayName(const std::string& id) {
    // Category ids are identifiers; the editor shows words.
    if (id == "PolicyAgent") return "Policy agent";
    if (id == kToolTelemetryCategory) return "Other developer tools' telemetry";
    return id;
}

// The GP editor shows explanations as typed, so paragraphs (single newlines in the folded YAML)
// become blank-line separated.
std::string paragraphs(const std::string& text) {
    std::string out;
    for (const auto line : splitLines(text)) {
        if (line.empty()) continue;
        if (!out.empty()) out += "\n\n";
        out += std::string(line);
    }
    return out;
}

std::string recommendedPreamble() {
    return "This is the recommended form of the policy: the agent applies this value only when no "
           "mandatory value is set for the same policy (by Group Policy, Intune, a configuration "
           "profile or a managed policy file).";
}

class Builder {
  public:
    explicit Builder(const PolicyCatalog& catalog) : catalog_(catalog) {}

    AdmxLayout build() {
        layout_.prefix = lowerAscii(catalog_.product);
        layout_.supportedOn = "SUPPORTED_" + catalog_.product + "PolicyAgent";
        layout_.displayName = catalog_.product + " telemetry policy";
        layout_.description = "Policies of the " + catalog_.product +
                              " telemetry policy agent, generated from its policy definitions.";
        addString(layout_.supportedOn,
                  "Machines where the " + catalog_.product + " policy agent is installed");
        addCategory(catalog_.product, "", catalog_.product);
        for (const auto& def : catalog_.policies) ensureCategory(def.category, false);
        for (const auto& def : catalog_.policies)
            if (def.recommendable) ensureCategory(def.category, true);
        for (const auto& def : catalog_.policies) addPolicy(def, PolicyLevel::Mandatory);
        for (const auto& def : catalog_.policies)
            if (def.recommendable) addPolicy(def, PolicyLevel::Recommended);
        return std::move(layout_);
    }

  private:
    void claimId(const std::string& kind, const std::string& id) {
        if (!ids_.insert(kind + ":" + id).second)
            throw DefinitionError("ADMX: the " + kind + " id '" + id +
                                  "' would be defined twice; rename a policy");
    }

    void addString(const std::string& id, const std::string& text) {
        if (text.find_first_of("<>") != std::string::npos)
            throw DefinitionError("ADML: string '" + id + "' contains '<' or '>'");
        claimId("string", id);
        layout_.strings.push_back({id, text});
    }

    void addCategory(const std::string& id, const std::string& parent, const std::string& text) {
        claimId("category", id);
        addString(id, text);
        layout_.categories.push_back({id, parent});
    }

    static std::string categoryId(const std::string& category, bool recommended) {
        return recommended ? category + "_Recommended" : category;
    }

    void ensureCategory(const std::string& category, bool recommended) {
        const auto id = categoryId(category, recommended);
        for (const auto& c : layout_.categories)
            if (c.id == id) return;
        addCategory(id, catalog_.product,
                    categoryDisplayName(category) + (recommended ? " (Recommended)" : ""));
    }

    void addPolicy(const PolicyDefinition& def, PolicyLevel level) {
        const bool recommended = level == PolicyLevel::Recommended;
        AdmxPolicy policy;
        policy.id = recommended ? def.name + "_Recommended" : def.name;
        policy.definition = &def;
        policy.level = level;
        policy.category = categoryId(def.category, recommended);
        policy.displayName = policy.id;
        policy.explainText = policy.id + "_Explain";
        claimId("policy", policy.id);
        addString(policy.displayName, recommended ? def.caption + " (recommended)" : def.caption);
        addString(policy.explainText,
                  recommended ? recommendedPreamble() + "\n\n" + paragraphs(def.explanation)
                              : paragraphs(def.explanation));
        if (def.type != PolicyType::Boolean) {
            policy.presentation = admxElementId(def);
            if (!recommended) claimId("presentation", policy.presentation);
            if (!recommended && def.type == PolicyType::Enum)
                for (const auto& item : def.items)
                    addString(admxEnumItemStringId(def, item), item.caption);
        }
        layout_.policies.push_back(std::move(policy));
    }

    const PolicyCatalog& catalog_;
    AdmxLayout layout_;
    std::set<std::string> ids_;
};

}  // namespace

AdmxLayout buildAdmxLayout(const PolicyCatalog& catalog) {
    return Builder(catalog).build();
}

std::string admxElementId(const PolicyDefinition& def) {
    return def.name;
}

std::string admxEnumItemStringId(const PolicyDefinition& def, const EnumItem& item) {
    return def.name + "_" + item.name;
}

std::string admxPresentationLabel(const PolicyDefinition& def) {
    switch (def.type) {
        case PolicyType::Integer:
            return "Value (" + std::to_string(def.min) + " to " + std::to_string(def.max) + "):";
        case PolicyType::String:
            return "Text (at most " + std::to_string(def.maxLength) + " characters):";
        case PolicyType::Enum:
            return "Choose:";
        case PolicyType::Boolean:
            break;
    }
    return {};
}

}  // namespace mpa
