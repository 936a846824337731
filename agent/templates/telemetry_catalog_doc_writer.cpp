#include "templates/telemetry_catalog_doc_writer.hpp"

#include <sstream>
#include <utility>

#include "policy/tool_policies.hpp"
#include "templates/markdown_text.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

std::string variables(const CatalogTool& tool) {
    if (tool.environment.empty()) return "none";
    std::string out;
    for (const auto& v : tool.environment) {
        if (!out.empty()) out += "<br>";
        out += markdownCode(v.name + "=" + v.value);
        if (v.versions != "all") out += " (" + v.versions + ")";
    }
    return out;
}

std::string setting(const CatalogUserFile& file) {
    switch (file.format) {
        case SettingsFormat::Ini:
            return "ini " + markdownCode("[" + file.section + "] " + file.key + " = " + file.value);
        case SettingsFormat::Json:
            return "json " + markdownCode(file.key + ": " + file.value);
        case SettingsFormat::Yaml:
            return "yaml " + markdownCode(file.key + ": " + file.value);
        case SettingsFormat::Text:
            return "content " + markdownCode(file.value);
    }
    return {};
}

std::string userFiles(const CatalogTool& tool) {
    if (tool.userFiles.empty()) return "none";
    std::string out;
    for (const auto& file : tool.userFiles) {
        if (!out.empty()) out += "<br>";
        std::string paths;
        const std::pair<const char*, const std::string*> systems[] = {
            {"Linux", &file.linuxPath}, {"macOS", &file.macosPath}, {"Windows", &file.windowsPath}};
        for (const auto& [system, path] : systems)
            if (!path->empty())
                paths +=
                    std::string(paths.empty() ? "" : ", ") + system + " " + markdownCode(*path);
        out += paths + ": " + setting(file);
    }
    return out;
}

std::string policy(const CatalogTool& tool) {
    if (!hasToolPolicy(tool)) return "none, see [notes](#notes)";
    return "[" + toolPolicyName(tool) + "](policies.md#" + lowerAscii(toolPolicyName(tool)) + ")";
}

// The link text is the host, so a reader sees whose text an entry was checked against.
std::string sourceLink(const std::string& url) {
    const auto start = url.find("://") + 3;
    const auto end = url.find('/', start);
    return "[" + url.substr(start, end == std::string::npos ? end : end - start) + "](" + url + ")";
}

}  // namespace

std::string writeTelemetryCatalogDoc(const TelemetryCatalog& catalog) {
    std::ostringstream out;
    out << "<!-- Generated from policies/telemetry-catalog.yaml by `metalama-policy-agent "
           "templates`. Do not edit: change the catalog and regenerate. -->\n"
        << "# Telemetry opt-outs of other developer tools\n\n"
        << "Metalama runs in builds next to other developer tools, each with its own telemetry "
           "and its own way to opt out. This catalog lists, for "
        << catalog.tools.size()
        << " of them, the environment variables and per-user settings that turn telemetry off, "
           "each checked against the vendor's own documentation or source on the date shown.\n\n"
        << "The catalog is data (`policies/telemetry-catalog.yaml`, embedded in the agent). Each "
           "tool whose opt-out the agent can set has its own policy (the Policy column, one "
           "boolean each, in the category \"Other developer tools' telemetry\" of the ADMX), and "
           "the switch "
        << markdownCode(kAllToolsPolicy)
        << " opts every tool below out at once; see [policies.md](policies.md). Enabled as a "
           "mandatory policy, a tool's policy sets its variables machine-wide and its per-user "
           "setting in every profile; the recommended form sets only the per-user setting, where "
           "the user has not set it (a machine-wide variable is not a user's choice). A value is "
           "the exact text to write: some tools take `1`, others `false`, `no` or `0`.\n\n"
        << "| Tool | Vendor | Policy | Environment variables | Per-user file | Machine-wide | "
           "Source | Checked |\n"
        << "|---|---|---|---|---|---|---|---|\n";
    for (const auto& tool : catalog.tools) {
        out << "| " << markdownCell(tool.name) << " (" << markdownCode(tool.id) << ") | "
            << markdownCell(tool.vendor) << " | " << markdownCell(policy(tool)) << " | "
            << markdownCell(variables(tool)) << " | " << markdownCell(userFiles(tool)) << " | "
            << (tool.machineWide ? "yes" : "no, see [notes](#notes)") << " | "
            << sourceLink(tool.source) << " | " << tool.checked << " |\n";
    }
    out << "\n## Notes\n\n";
    for (const auto& tool : catalog.tools) {
        if (tool.notes.empty() && tool.machineWide) continue;
        std::string line;
        if (!tool.machineWide) line = "not settable machine-wide. " + tool.machineWideReason;
        if (!hasToolPolicy(tool)) line += " No policy: " + toolWithoutPolicyReason(tool) + ".";
        if (!tool.notes.empty()) line += (line.empty() ? "" : " ") + tool.notes;
        out << "- **" << tool.name << "**: " << markdownCell(line) << "\n";
    }
    return out.str();
}

}  // namespace mpa
