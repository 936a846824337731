#include "templates/policies_doc_writer.hpp"

#include <sstream>
#include <variant>

#include "policy/coercion_rules.hpp"
#include "policy/policy_names.hpp"
#include "policy/policy_set.hpp"
#include "policy/registry_names.hpp"
#include "policy/tool_policies.hpp"
#include "templates/admx_reader.hpp"
#include "templates/admx_writer.hpp"
#include "templates/markdown_text.hpp"
#include "templates/plist_xml.hpp"
#include "templates/xml_text.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

std::string cell(const std::string& text) {
    return markdownCell(text);
}

std::string code(const std::string& text) {
    return markdownCode(text);
}

std::string range(const PolicyDefinition& def) {
    switch (def.type) {
        case PolicyType::Boolean:
            return "true, false";
        case PolicyType::Integer:
            return std::to_string(def.min) + " to " + std::to_string(def.max);
        case PolicyType::String:
            return "at most " + std::to_string(def.maxLength) + " characters";
        case PolicyType::Enum: {
            std::string out;
            for (const auto& item : def.items)
                out += (out.empty() ? "" : ", ") + code(item.name) + " (" +
                       std::to_string(item.value) + ")";
            return out;
        }
    }
    return {};
}

const PolicyDefinition* definitionForValueName(const PolicyCatalog& catalog,
                                               const std::string& valueName) {
    for (const auto& def : catalog.policies)
        if (registryValueName(def) == valueName) return &def;
    return nullptr;
}

// The data an administrator pastes into an Intune custom profile to set the example value.
std::string intunePayload(const PolicyDefinition& def, const AdmxPolicyModel& policy) {
    if (policy.elements.empty()) {
        const auto* b = std::get_if<bool>(&def.example);
        return (b && !*b) ? "<disabled/>" : "<enabled/>";
    }
    std::string out = "<enabled/>";
    for (const auto& element : policy.elements) {
        std::string value;
        if (const auto* i = std::get_if<std::int64_t>(&def.example)) {
            value = std::to_string(*i);
        } else if (const auto* s = std::get_if<std::string>(&def.example)) {
            const auto* item = def.type == PolicyType::Enum ? def.findItem(*s) : nullptr;
            value = item ? std::to_string(item->value) : *s;
        }
        out += "<data id=\"" + xmlEscape(element.id) + "\" value=\"" + xmlEscape(value) + "\"/>";
    }
    return out;
}

void writeTable(std::ostream& out, const PolicyCatalog& catalog) {
    out << "| Policy | Type | Range | Default | Registry value | macOS key | Linux key | "
           "What the agent does |\n"
        << "|---|---|---|---|---|---|---|---|\n";
    for (const auto& def : catalog.policies) {
        out << "| [" << def.name << "](#" << lowerAscii(def.name) << ") | " << toString(def.type)
            << " | " << cell(range(def)) << " | " << code(describeValue(def.defaultValue)) << " | "
            << code(registryValueName(def)) << " (" << registryValueType(def) << ") | "
            << code(def.name) << " (" << plistTypeName(def) << ") | " << code(def.name) << " | "
            << cell(def.caption) << " |\n";
    }
}

void writeDetails(std::ostream& out, const PolicyCatalog& catalog) {
    for (const auto& def : catalog.policies) {
        out << "\n### " << def.name << "\n\n"
            << "**" << def.caption << "** (" << def.describeType() << ", default "
            << code(describeValue(def.defaultValue)) << ", example "
            << code(describeValue(def.example)) << ")\n\n";
        for (const auto line : splitLines(def.explanation))
            if (!line.empty()) out << line << "\n\n";
        const auto mandatory = registryLocation(catalog, def, PolicyLevel::Mandatory);
        out << "- Registry: " << code("HKLM\\" + mandatory.key) << ", value "
            << code(mandatory.valueName) << " (" << registryValueType(def) << ")\n";
        if (def.recommendable) {
            const auto recommended = registryLocation(catalog, def, PolicyLevel::Recommended);
            out << "- Recommended form: " << code("HKLM\\" + recommended.key) << ", value "
                << code(recommended.valueName) << "; in the Group Policy editor under the "
                << "\"(Recommended)\" category; on Linux in "
                << code("/etc/metalama/policies/recommended/") << "\n";
        } else {
            out << "- No recommended form: set it as a mandatory policy only.\n";
        }
        out << "- macOS: key " << code(def.name) << " (" << plistTypeName(def) << ") of "
            << code(catalog.macosDomain) << "\n"
            << "- Linux: key " << code(def.name) << " in "
            << code("/etc/metalama/policies/managed/*.json") << " (or " << code(".yaml") << ", "
            << code(".yml") << ")\n";
        if (def.type == PolicyType::Enum) {
            out << "- Values:";
            for (const auto& item : def.items)
                out << " " << code(item.name) << " (registry " << item.value
                    << "): " << item.caption << ";";
            out << "\n";
        }
    }
}

// What a device id reset writes, whichever rule caused it (DeviceIdResetToken,
// DeviceIdRotationDays, or a profile created from the template): the vendor's own
// `reset-device-id` for the file's shape.
void writeDeviceIdResets(std::ostream& out) {
    out << "\n## Device id resets\n\n"
        << "A device id reset is what " << code("metalama telemetry reset-device-id")
        << " does, for the shape of the file it finds. Every profile gets a new random "
        << code("DeviceId") << ". A file in the 2025.1 shape (it has " << code("Salt") << " or "
        << code("LastSaltChangeTime") << ") also gets a new random " << code("Salt")
        << " (a positive integer) and " << code("LastSaltChangeTime")
        << " set to the time of the pass, as the vendor's command writes from 2025.1; an older "
           "file gets only the new id. The salts 2026.1.19 adds ("
        << code("UsageTrackingSalt") << ", " << code("ExceptionReportingSalt") << ", "
        << code("LicenseAuditSalt") << ") are kept as they are. Every other key is kept, and "
        << code("version") << " is incremented.\n\n"
        << "Three things cause a reset: a new value of " << code(policy_name::kDeviceIdResetToken)
        << ", a DeviceId older than " << code(policy_name::kDeviceIdRotationDays)
        << ", and a profile whose DeviceId is the one of the template for new profiles ("
        << code("/etc/skel")
        << "): every account created from the template, on every machine "
           "cloned from the same image, starts with that id, so the agent gives such a profile "
           "its own at its first pass. The template keeps its DeviceId (Metalama 2025.1.4 to "
           "2026.1.18 rewrite a file without one with every report turned on). Each reset is "
           "recorded as a "
        << code("device id reset") << " event naming its cause.\n";
}

void writeIntune(std::ostream& out, const PolicyCatalog& catalog) {
    const auto admx = parseAdmx(writeAdmx(catalog));
    out << "Intune sets these policies on Windows through ADMX ingestion (a custom configuration "
           "profile with OMA-URI settings). First install the ADMX, then set each policy. "
           "The URIs below assume the application name "
        << code(intuneAppName(catalog))
        << " in the install URI; if you choose another, use it in every policy URI too. "
           "See [deploy-intune.md](deploy-intune.md) for the steps.\n\n"
        << "### Install the ADMX\n\n"
        << "- OMA-URI:\n\n```text\n"
        << intuneAdmxInstallUri(catalog) << "\n```\n\n"
        << "- Data type: String\n"
        << "- Value: the whole content of " << code("admx/Metalama.admx") << "\n\n"
        << "### Set a policy\n\n"
        << "Data type: String. " << code("<enabled/>")
        << " with one `<data id=\"...\" value=\"...\"/>` per value element sets the policy; "
        << code("<disabled/>")
        << " disables it; deleting the setting makes it not configured. The values shown are the "
           "examples; enum values are the numbers in the table above.\n";
    for (const auto& policy : admx.policies) {
        const auto valueName =
            policy.elements.empty() ? policy.valueName : policy.elements.front().valueName;
        const auto* def = definitionForValueName(catalog, valueName);
        if (!def) continue;  // cannot happen for a generated ADMX: the round-trip test checks it
        std::string path;
        for (const auto& category : admx.categoryPath(policy)) path += "~" + category;
        out << "\n#### " << policy.name << "\n\n```text\n"
            << "./Device/Vendor/MSFT/Policy/Config/" << intuneAppName(catalog) << "~Policy" << path
            << "/" << policy.name << "\n```\n\n```xml\n"
            << intunePayload(*def, policy) << "\n```\n";
    }
}

}  // namespace

std::string intuneAppName(const PolicyCatalog& catalog) {
    return catalog.product;
}

std::string intuneAdmxInstallUri(const PolicyCatalog& catalog) {
    return "./Device/Vendor/MSFT/Policy/ConfigOperations/ADMXInstall/" + intuneAppName(catalog) +
           "/Policy/" + catalog.product + "Admx";
}

std::string writePoliciesDoc(const PolicyCatalog& catalog) {
    std::ostringstream out;
    out << "<!-- Generated from policies/metalama.yaml and policies/telemetry-catalog.yaml by "
           "`metalama-policy-agent templates`. "
           "Do not edit: change the definitions and regenerate. -->\n"
        << "# " << catalog.product << " telemetry policies\n\n"
        << "The " << catalog.product
        << " policy agent reads these policies from every channel an administrator already "
           "uses, and enforces the result machine-wide:\n\n"
        << "- Windows (Group Policy, Intune ADMX ingestion, a .reg file): "
        << code("HKLM\\" + registryKeyFor(catalog, PolicyLevel::Mandatory))
        << " for mandatory values, "
        << code("HKLM\\" + registryKeyFor(catalog, PolicyLevel::Recommended))
        << " for recommended values. Templates: " << code("admx/Metalama.admx") << " and "
        << code("admx/en-US/Metalama.adml") << ".\n"
        << "- macOS: the managed preferences domain " << code(catalog.macosDomain)
        << ", set by a configuration profile (" << code("installer/macos/") << ").\n"
        << "- Linux: drop-in files " << code("/etc/metalama/policies/managed/*.json")
        << " (or .yaml/.yml) for mandatory values and "
        << code("/etc/metalama/policies/recommended/")
        << " for recommended values, a flat map of policy name to value (examples in "
        << code("policies/examples/") << ").\n\n"
        << "A mandatory value beats a recommended one. At the same level the platform's own "
           "channel (registry, managed preferences) beats Group Policy files, which beat files "
           "under /etc. "
        << code("metalama-policy-agent status")
        << " shows the effective value of every policy and where it came from.\n\n"
        << "The policies of the category " << code(kToolTelemetryCategory)
        << " (\"Other developer tools' telemetry\") are generated from "
        << code("policies/telemetry-catalog.yaml")
        << ": one per tool whose telemetry opt-out the agent can set, and " << code(kAllToolsPolicy)
        << " for every tool at once. See [telemetry-catalog.md](telemetry-catalog.md) for each "
           "tool's variables, files, source and check date.\n\n"
        << "## Reference\n\n";
    writeTable(out, catalog);
    out << "\n## Policies in detail\n";
    writeDetails(out, catalog);
    writeDeviceIdResets(out);
    out << "\n## How values are read\n\n" << coercionRulesMarkdown() << "\n## Intune OMA-URIs\n\n";
    writeIntune(out, catalog);
    return out.str();
}

}  // namespace mpa
