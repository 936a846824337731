#include "policy/tool_policies.hpp"

#include <set>
#include <utility>

#include "util/text.hpp"

namespace mpa {

bool hasToolPolicy(const CatalogTool& tool) {
    return (tool.machineWide && !tool.environment.empty()) || !tool.userFiles.empty();
}

std::string toolWithoutPolicyReason(const CatalogTool& tool) {
    if (hasToolPolicy(tool)) return {};
    return "its opt-out cannot be set machine-wide and it has no per-user settings file the agent "
           "could set";
}

std::string toolPolicyName(const CatalogTool& tool) {
    if (!tool.policy.empty()) return tool.policy;
    std::string name;
    bool upper = true;
    for (char c : tool.id) {
        if (c == '-') {
            upper = true;
            continue;
        }
        name += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        upper = false;
    }
    return name + "TelemetryOptOut";
}

bool toolPolicyRecommendable(const CatalogTool& tool) {
    return !tool.userFiles.empty();
}

namespace {

std::string joined(const std::vector<std::string>& parts, const std::string& last = " and ") {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i == 0 ? "" : i + 1 == parts.size() ? last : ", ") + parts[i];
    return out;
}

std::string variables(const CatalogTool& tool) {
    std::vector<std::string> out;
    for (const auto& v : tool.environment)
        out.push_back(v.name + "=" + v.value +
                      (v.versions == "all" ? "" : " (" + v.versions + ")"));
    return joined(out);
}

std::string fileSetting(const CatalogUserFile& file) {
    switch (file.format) {
        case SettingsFormat::Ini:
            return "the key " + file.key + " of section [" + file.section + "] to " + file.value;
        case SettingsFormat::Json:
            return "the JSON key " + file.key + " to " + file.value;
        case SettingsFormat::Yaml:
            return "the YAML key " + file.key + " to " + file.value;
        case SettingsFormat::Text:
            return "the content to " + file.value;
    }
    return {};
}

std::string filePaths(const CatalogUserFile& file) {
    std::vector<std::string> out;
    const std::pair<const char*, const std::string*> systems[] = {
        {"Linux", &file.linuxPath}, {"macOS", &file.macosPath}, {"Windows", &file.windowsPath}};
    for (const auto& [system, path] : systems)
        if (!path->empty()) out.push_back(std::string(system) + " " + *path);
    return joined(out, ", ");
}

// Paragraphs are lines: the ADML and policies.md writers turn each line into a paragraph.
std::string toolExplanation(const CatalogTool& tool) {
    std::string text = "Opts this machine out of the telemetry of " + tool.name + ", by " +
                       tool.vendor + " (telemetry catalog entry " + tool.id +
                       "). The opt-out was checked against " + tool.source + " on " + tool.checked +
                       ".\n";
    if (!tool.environment.empty() && tool.machineWide)
        text += "Enabled as a mandatory policy, the agent sets " + variables(tool) +
                " machine-wide, for every user and service. An environment variable is "
                "machine-wide and a user cannot choose otherwise, so only the mandatory policy "
                "sets it; the recommended form does not.\n";
    else if (!tool.environment.empty())
        text += "The agent does not set " + variables(tool) +
                ": the opt-out cannot be set machine-wide. " + tool.machineWideReason + "\n";
    else if (!tool.machineWide)
        text += "No machine-wide variable opts it out: " + tool.machineWideReason + "\n";
    for (const auto& file : tool.userFiles)
        text += "In every user profile the agent sets " + fileSetting(file) + " in the file " +
                filePaths(file) +
                ". Mandatory: the setting always holds this value. Recommended: the agent sets "
                "it only where the user has not set it, and keeps a user's own choice.\n";
    if (!toolPolicyRecommendable(tool))
        text += "This policy has no recommended form: the tool has no per-user setting.\n";
    text += std::string(
                "Disabled or not configured: the agent sets nothing for this tool and "
                "restores what it changed, unless ") +
            kAllToolsPolicy +
            " is enabled: that switch opts out every tool of the catalog, and disabling this "
            "policy does not exempt the tool from it.\n";
    if (!tool.notes.empty()) text += "Notes: " + tool.notes + "\n";
    return text;
}

std::string allToolsExplanation(const TelemetryCatalog& tools) {
    std::vector<std::string> names;
    for (const auto& tool : tools.tools)
        if (hasToolPolicy(tool)) names.push_back(toolPolicyName(tool));
    return "Opts this machine out of the telemetry of every developer tool of the agent's "
           "telemetry catalog at once: the same as enabling, at the same level, each of the " +
           std::to_string(names.size()) + " policies of this category (" + joined(names) +
           "). A tool added to the catalog by a later version of the agent is included once the "
           "agent is updated.\n"
           "Mandatory: the agent sets every tool's environment variables machine-wide and every "
           "tool's per-user settings. Recommended: the agent sets only the per-user settings, "
           "where the user has not set them; environment variables are machine-wide, so only the "
           "mandatory form sets them.\n"
           "Disabled or not configured: each tool follows its own policy.\n"
           "docs/telemetry-catalog.md lists every tool with its variables, files, the vendor's "
           "documentation and the date it was checked.\n";
}

PolicyDefinition booleanPolicy(std::string name, std::string caption, std::string explanation,
                               bool recommendable) {
    PolicyDefinition def;
    def.name = std::move(name);
    def.type = PolicyType::Boolean;
    def.defaultValue = false;
    // The examples do not opt other tools out: an administrator copying an example policy turns
    // on only what the product's own examples show.
    def.example = false;
    def.category = kToolTelemetryCategory;
    def.recommendable = recommendable;
    def.caption = std::move(caption);
    def.explanation = std::move(explanation);
    return def;
}

}  // namespace

PolicyCatalog mergeToolPolicies(PolicyCatalog product, const TelemetryCatalog& tools) {
    std::set<std::string> taken;
    for (const auto& def : product.policies) taken.insert(lowerAscii(def.name));
    const auto add = [&](PolicyDefinition def, const std::string& what) {
        if (!taken.insert(lowerAscii(def.name)).second)
            throw DefinitionError("telemetry catalog: the policy name '" + def.name + "' of " +
                                  what +
                                  " is already taken (names are case-insensitive); give the "
                                  "entry a 'policy' name");
        product.policies.push_back(std::move(def));
    };
    for (const auto& tool : tools.tools) {
        if (!hasToolPolicy(tool)) continue;
        auto def = booleanPolicy(toolPolicyName(tool), "Opt out of telemetry: " + tool.name,
                                 toolExplanation(tool), toolPolicyRecommendable(tool));
        def.tool = tool.id;
        add(std::move(def), "tool " + tool.id);
    }
    auto all =
        booleanPolicy(kAllToolsPolicy, "Opt out of telemetry: every developer tool in the catalog",
                      allToolsExplanation(tools), true);
    all.allTools = true;
    add(std::move(all), "the all-tools switch");
    product.tools = tools;
    return product;
}

PolicyCatalog loadCatalogWithTools(std::string_view definitionsYaml, std::string_view catalogYaml) {
    return mergeToolPolicies(loadCatalog(definitionsYaml), loadTelemetryCatalog(catalogYaml));
}

}  // namespace mpa
