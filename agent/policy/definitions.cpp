#include "policy/definitions.hpp"

#include <yaml-cpp/yaml.h>

#include <set>

#include "policy/coercion.hpp"
#include "policy/tool_policies.hpp"
#include "policy/yaml_subset.hpp"
#include "util/text.hpp"

namespace mpa {

std::string_view mpa_embedded_definitions();

std::string_view toString(PolicyType type) {
    switch (type) {
        case PolicyType::Boolean:
            return "boolean";
        case PolicyType::Integer:
            return "integer";
        case PolicyType::Enum:
            return "enum";
        case PolicyType::String:
            return "string";
    }
    return "?";
}

const EnumItem* PolicyDefinition::findItem(std::string_view itemName) const {
    for (const auto& item : items)
        if (equalsIgnoringCase(item.name, itemName)) return &item;
    return nullptr;
}

const EnumItem* PolicyDefinition::findItemByValue(std::int64_t value) const {
    for (const auto& item : items)
        if (item.value == value) return &item;
    return nullptr;
}

std::string PolicyDefinition::describeType() const {
    switch (type) {
        case PolicyType::Boolean:
            return "boolean";
        case PolicyType::Integer:
            return "integer " + std::to_string(min) + "-" + std::to_string(max);
        case PolicyType::String:
            return "string of at most " + std::to_string(maxLength) + " characters";
        case PolicyType::Enum: {
            std::string out = "one of ";
            for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i].name;
            return out;
        }
    }
    return "?";
}

const PolicyDefinition* PolicyCatalog::find(std::string_view name) const {
    for (const auto& p : policies)
        if (p.name == name) return &p;
    return nullptr;
}

const PolicyDefinition* PolicyCatalog::findIgnoringCase(std::string_view name) const {
    for (const auto& p : policies)
        if (equalsIgnoringCase(p.name, name)) return &p;
    return nullptr;
}

namespace {

[[noreturn]] void fail(const YAML::Node& node, const std::string& message) {
    const auto mark = node.Mark();
    throw DefinitionError("policy definitions, line " + std::to_string(mark.line + 1) + ": " +
                          message);
}

std::string required(const YAML::Node& node, const char* key) {
    if (!node[key] || !node[key].IsScalar()) fail(node, std::string("missing '") + key + "'");
    return node[key].as<std::string>();
}

bool isIdentifier(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!isAsciiAlnum(c) && c != '_') return false;
    return true;
}

RawValue rawFromYaml(const YAML::Node& node) {
    // Definitions are typed by the schema below, so a scalar is read as the type it must be.
    const auto& text = node.Scalar();
    if (node.Tag() == "!") return RawValue::ofString(text);  // quoted in the YAML
    bool b;
    if (YAML::convert<bool>::decode(node, b)) return RawValue::ofBool(b);
    long long i;
    if (YAML::convert<long long>::decode(node, i)) return RawValue::ofInt(i);
    return RawValue::ofString(text);
}

PolicyValue typedValue(const PolicyDefinition& def, const YAML::Node& node, const char* what) {
    if (!node || !node.IsScalar()) fail(node, def.name + ": missing '" + what + "'");
    auto coerced = coercePolicyValue(def, rawFromYaml(node));
    if (!coerced.value) fail(node, def.name + ": invalid " + what + ": " + coerced.error);
    return *coerced.value;
}

PolicyDefinition loadDefinition(const YAML::Node& node) {
    PolicyDefinition def;
    def.name = required(node, "name");
    if (!isIdentifier(def.name)) fail(node, "policy name '" + def.name + "' must be [A-Za-z0-9_]");
    const auto type = required(node, "type");
    if (type == "boolean") {
        def.type = PolicyType::Boolean;
    } else if (type == "integer") {
        def.type = PolicyType::Integer;
        def.min = node["min"].as<std::int64_t>();
        def.max = node["max"].as<std::int64_t>();
        if (def.min > def.max) fail(node, def.name + ": min greater than max");
        if (def.min < 0 || def.max > 0xFFFFFFFFLL)
            fail(node, def.name + ": range must fit a REG_DWORD (0-4294967295)");
    } else if (type == "string") {
        def.type = PolicyType::String;
        def.maxLength = node["max_length"].as<std::size_t>();
        if (def.maxLength == 0 || def.maxLength > 1023)
            fail(node, def.name + ": max_length must be 1-1023 (ADMX text limit)");
    } else if (type == "enum") {
        def.type = PolicyType::Enum;
        std::set<std::int64_t> seen;
        for (const auto& item : node["items"]) {
            EnumItem e{required(item, "name"), item["value"].as<std::int64_t>(),
                       required(item, "caption")};
            if (!isIdentifier(e.name))
                fail(item, def.name + ": enum item name must be [A-Za-z0-9_]");
            if (!seen.insert(e.value).second) fail(item, def.name + ": duplicate enum value");
            def.items.push_back(std::move(e));
        }
        if (def.items.empty()) fail(node, def.name + ": an enum needs items");
    } else {
        fail(node, def.name + ": unknown type '" + type + "'");
    }
    def.category = required(node, "category");
    if (def.category != "Telemetry" && def.category != "PolicyAgent")
        fail(node, def.name + ": category must be Telemetry or PolicyAgent");
    def.recommendable = node["recommendable"] && node["recommendable"].as<bool>();
    def.caption = required(node, "caption");
    def.explanation = required(node, "explanation");
    for (const auto* text : {&def.caption, &def.explanation})
        if (text->find_first_of("<>") != std::string::npos)
            fail(node, def.name + ": no '<' or '>' in captions and explanations (breaks ADML)");
    def.defaultValue = typedValue(def, node["default"], "default");
    def.example = typedValue(def, node["example"], "example");
    return def;
}

PolicyCatalog catalogFrom(const YAML::Node& root) {
    PolicyCatalog catalog;
    catalog.product = required(root, "product");
    catalog.vendor = required(root, "vendor");
    catalog.registryKey = required(root, "registry_key");
    catalog.admxNamespace = required(root, "admx_namespace");
    catalog.admxRevision = required(root, "admx_revision");
    catalog.macosDomain = required(root, "macos_domain");
    std::set<std::string> names;
    for (const auto& node : root["policies"]) {
        auto def = loadDefinition(node);
        if (!names.insert(lowerAscii(def.name)).second)
            fail(node, "duplicate policy name '" + def.name + "' (names are case-insensitive)");
        catalog.policies.push_back(std::move(def));
    }
    if (catalog.policies.empty()) throw DefinitionError("policy definitions: no policies");
    return catalog;
}

}  // namespace

PolicyCatalog loadCatalog(std::string_view yamlText) {
    try {
        return loadYamlText(yamlText, catalogFrom);
    } catch (const YAML::Exception& e) {
        throw DefinitionError(std::string("policy definitions: ") + e.what());
    }
}

const PolicyCatalog& builtinProductCatalog() {
    static const PolicyCatalog catalog = loadCatalog(mpa_embedded_definitions());
    return catalog;
}

const PolicyCatalog& builtinCatalog() {
    static const PolicyCatalog catalog =
        mergeToolPolicies(builtinProductCatalog(), builtinTelemetryCatalog());
    return catalog;
}

}  // namespace mpa
