#pragma once
// Reads an ADMX file back into a small model. docs/policies.md computes Intune's OMA-URIs from
// the generated ADMX through it (so the documented URIs are the ones Intune derives), and the
// round-trip test checks the ADMX against the catalog with it.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mpa {

struct AdmxEnumItemModel {
    std::string displayName;  // "$(string.X)"
    std::int64_t value = 0;
};

struct AdmxElementModel {
    std::string kind;  // boolean | decimal | text | enum | list | multiText
    std::string id, key, valueName;
    std::optional<std::int64_t> minValue, maxValue;  // decimal
    std::optional<std::int64_t> maxLength;           // text
    std::vector<AdmxEnumItemModel> items;            // enum
};

struct AdmxPolicyModel {
    std::string name, policyClass, key, valueName, displayName, explainText, presentation;
    std::string parentCategory, supportedOn;
    std::optional<std::int64_t> enabledValue, disabledValue;  // decimal values only
    std::vector<AdmxElementModel> elements;
};

struct AdmxCategoryModel {
    std::string name, displayName, parent;
};

struct AdmxModel {
    std::string targetPrefix, targetNamespace, revision;
    std::vector<std::string> usingNamespaces;
    std::vector<std::string> supportedOnDefinitions;
    std::vector<AdmxCategoryModel> categories;
    std::vector<AdmxPolicyModel> policies;

    const AdmxCategoryModel* findCategory(const std::string& name) const;
    // Category names from the root down to the policy's category: Intune's <CategoryPath>.
    std::vector<std::string> categoryPath(const AdmxPolicyModel& policy) const;
};

struct AdmxParseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

AdmxModel parseAdmx(const std::string& xml);

}  // namespace mpa
