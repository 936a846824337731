#include "policy/telemetry_catalog.hpp"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <set>

#include "policy/yaml_subset.hpp"
#include "util/text.hpp"
#include "util/time_text.hpp"

namespace mpa {

std::string_view mpa_embedded_telemetry_catalog();

std::string_view toString(SettingsFormat format) {
    switch (format) {
        case SettingsFormat::Json:
            return "json";
        case SettingsFormat::Ini:
            return "ini";
        case SettingsFormat::Yaml:
            return "yaml";
        case SettingsFormat::Text:
            return "text";
    }
    return "?";
}

const CatalogTool* TelemetryCatalog::find(std::string_view id) const {
    for (const auto& tool : tools)
        if (tool.id == id) return &tool;
    return nullptr;
}

namespace {

// Where an error is: the line, then the tool (by id once known) and the field.
class Place {
  public:
    Place(const YAML::Node& node, std::string tool, std::string field)
        : line_(node.Mark().line + 1), tool_(std::move(tool)), field_(std::move(field)) {}

    Place field(const YAML::Node& node, const std::string& name) const {
        return Place(node, tool_, field_.empty() ? name : field_ + "." + name);
    }
    Place item(const YAML::Node& node, std::size_t index) const {
        return Place(node, tool_, field_ + "[" + std::to_string(index) + "]");
    }
    [[noreturn]] void fail(const std::string& reason) const {
        std::string where = "telemetry catalog, line " + std::to_string(line_) + ": ";
        if (!tool_.empty()) where += "tool " + tool_ + ", ";
        if (!field_.empty()) where += "field '" + field_ + "': ";
        throw TelemetryCatalogError(where + reason);
    }

  private:
    int line_;
    std::string tool_, field_;
};

// Strict: a key the schema does not know is a typo that would silently drop an opt-out.
void onlyKeys(const YAML::Node& map, const Place& place, std::initializer_list<const char*> keys) {
    if (!map.IsMap()) place.fail("must be a mapping");
    for (const auto& entry : map) {
        const auto key = entry.first.as<std::string>();
        bool known = false;
        for (const char* k : keys) known = known || key == k;
        if (!known) place.field(entry.first, key).fail("unknown key");
    }
}

std::string text(const YAML::Node& map, const char* key, const Place& place, bool required) {
    const auto node = map[key];
    if (!node) {
        if (required) place.field(map, key).fail("missing");
        return {};
    }
    if (!node.IsScalar()) place.field(node, key).fail("must be a single value");
    auto value = node.as<std::string>();
    if (trim(value).empty()) place.field(node, key).fail("must not be empty");
    // '|' would break the generated table, '<' and '>' the ADML the policies reach (notes and
    // the machine-wide reason are folded paragraphs: line breaks allowed, still no '<' or '>').
    const bool paragraph = key == std::string("notes") || key == std::string("machine_wide_reason");
    if (value.find_first_of(paragraph ? "<>" : "<>|\n") != std::string::npos)
        place.field(node, key).fail(paragraph ? "no '<' or '>'" : "no '<', '>', '|' or line break");
    return value;
}

bool isVariableName(std::string_view s) {
    if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

bool isPolicyName(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!isAsciiAlnum(c) && c != '_') return false;
    return true;
}

bool isToolId(std::string_view s) {
    if (s.empty() || s.front() == '-' || s.back() == '-') return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

bool isDate(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9') return false;
    // A real calendar day: parsing normalises 2026-02-30 to March, so it must read back equal.
    const auto parsed = parseIsoUtc(s + "T00:00:00Z");
    return parsed && isoUtc(*parsed).substr(0, 10) == s;
}

bool isHttpsLink(std::string_view s) {
    return startsWith(s, "https://") && s.size() > 8 && s.find_first_of(" \t") == s.npos;
}

CatalogVariable loadVariable(const YAML::Node& node, const Place& place) {
    onlyKeys(node, place, {"name", "value", "versions"});
    CatalogVariable v;
    v.name = text(node, "name", place, true);
    if (!isVariableName(v.name))
        place.field(node["name"], "name").fail("'" + v.name + "' must match [A-Z_][A-Z0-9_]*");
    // Metalama's own variables are set by Metalama's policies (policies/metalama.yaml).
    if (startsWith(v.name, "METALAMA_"))
        place.field(node["name"], "name").fail("'" + v.name + "' is Metalama's own variable");
    // The value is required and may not be empty: an empty variable opts nothing out.
    v.value = text(node, "value", place, true);
    v.versions = node["versions"] ? text(node, "versions", place, true) : "all";
    return v;
}

CatalogUserFile loadUserFile(const YAML::Node& node, const Place& place) {
    onlyKeys(node, place, {"linux", "macos", "windows", "format", "section", "key", "value"});
    CatalogUserFile f;
    f.linuxPath = text(node, "linux", place, false);
    f.macosPath = text(node, "macos", place, false);
    f.windowsPath = text(node, "windows", place, false);
    if (f.linuxPath.empty() && f.macosPath.empty() && f.windowsPath.empty())
        place.fail("needs a path for at least one of linux, macos, windows");
    for (const auto* path : {&f.linuxPath, &f.macosPath})
        if (!path->empty() && !startsWith(*path, "~/"))
            place.fail("'" + *path + "': a Linux or macOS path starts with ~/");
    if (!f.windowsPath.empty() && !startsWith(f.windowsPath, "%USERPROFILE%\\") &&
        !startsWith(f.windowsPath, "%APPDATA%\\") && !startsWith(f.windowsPath, "%LOCALAPPDATA%\\"))
        place.field(node["windows"], "windows")
            .fail("'" + f.windowsPath +
                  "' starts with %USERPROFILE%\\, %APPDATA%\\ or %LOCALAPPDATA%\\");
    const auto format = text(node, "format", place, true);
    if (format == "json") {
        f.format = SettingsFormat::Json;
    } else if (format == "ini") {
        f.format = SettingsFormat::Ini;
    } else if (format == "yaml") {
        f.format = SettingsFormat::Yaml;
    } else if (format == "text") {
        f.format = SettingsFormat::Text;
    } else {
        place.field(node["format"], "format")
            .fail("'" + format + "' is not json, ini, yaml or text");
    }
    f.section = text(node, "section", place, f.format == SettingsFormat::Ini);
    if (!f.section.empty() && f.format != SettingsFormat::Ini)
        place.field(node["section"], "section").fail("only an ini file has sections");
    f.key = text(node, "key", place, f.format != SettingsFormat::Text);
    if (!f.key.empty() && f.format == SettingsFormat::Text)
        place.field(node["key"], "key").fail("a text file has no key: the value is its content");
    f.value = text(node, "value", place, true);
    return f;
}

CatalogTool loadTool(const YAML::Node& node, std::size_t index) {
    // Until its id is read, an entry is named by its position.
    const Place entry(node, "#" + std::to_string(index + 1), "");
    if (!node.IsMap()) entry.fail("must be a mapping");
    CatalogTool tool;
    tool.id = text(node, "id", entry, true);
    if (!isToolId(tool.id))
        entry.field(node["id"], "id").fail("'" + tool.id + "' must be lower-case [a-z0-9-]");
    const Place place(node, "'" + tool.id + "'", "");
    onlyKeys(node, place,
             {"id", "name", "vendor", "environment", "user_files", "machine_wide",
              "machine_wide_reason", "source", "checked", "notes", "policy"});
    tool.name = text(node, "name", place, true);
    tool.vendor = text(node, "vendor", place, true);
    if (const auto env = node["environment"]) {
        if (!env.IsSequence()) place.field(env, "environment").fail("must be a list");
        std::set<std::string> seen;
        for (std::size_t i = 0; i < env.size(); ++i) {
            auto v = loadVariable(env[i], place.field(env, "environment").item(env[i], i));
            if (!seen.insert(v.name).second)
                place.field(env[i], "environment").item(env[i], i).fail("duplicate " + v.name);
            tool.environment.push_back(std::move(v));
        }
    }
    if (const auto files = node["user_files"]) {
        if (!files.IsSequence()) place.field(files, "user_files").fail("must be a list");
        for (std::size_t i = 0; i < files.size(); ++i)
            tool.userFiles.push_back(
                loadUserFile(files[i], place.field(files, "user_files").item(files[i], i)));
    }
    if (tool.environment.empty() && tool.userFiles.empty())
        place.fail("needs at least one of environment, user_files");
    const auto machineWide = node["machine_wide"];
    bool parsed = false;
    if (!machineWide) place.field(node, "machine_wide").fail("missing");
    if (!machineWide.IsScalar() || !YAML::convert<bool>::decode(machineWide, parsed))
        place.field(machineWide, "machine_wide").fail("must be true or false");
    tool.machineWide = parsed;
    tool.machineWideReason = text(node, "machine_wide_reason", place, !tool.machineWide);
    if (tool.machineWide && !tool.machineWideReason.empty())
        place.field(node["machine_wide_reason"], "machine_wide_reason")
            .fail("only for machine_wide: false");
    // Machine-wide means one environment variable for every user; without one it cannot be.
    if (tool.machineWide && tool.environment.empty())
        place.field(machineWide, "machine_wide").fail("true needs an environment variable");
    tool.source = text(node, "source", place, true);
    if (!isHttpsLink(tool.source))
        place.field(node["source"], "source").fail("'" + tool.source + "' is not an https:// link");
    tool.checked = text(node, "checked", place, true);
    if (!isDate(tool.checked))
        place.field(node["checked"], "checked").fail("'" + tool.checked + "' is not YYYY-MM-DD");
    tool.notes = text(node, "notes", place, false);
    tool.policy = text(node, "policy", place, false);
    if (node["policy"] && !isPolicyName(tool.policy))
        place.field(node["policy"], "policy").fail("'" + tool.policy + "' must be [A-Za-z0-9_]");
    return tool;
}

TelemetryCatalog catalogFrom(const YAML::Node& root) {
    TelemetryCatalog catalog;
    // An empty document has no position to report.
    if (!root.IsMap())
        throw TelemetryCatalogError("telemetry catalog: must be a mapping with a 'tools' list");
    const Place top(root, "", "");
    onlyKeys(root, top, {"tools"});
    const auto tools = root["tools"];
    if (!tools || !tools.IsSequence() || tools.size() == 0)
        top.field(root, "tools").fail("must be a non-empty list");
    std::set<std::string> ids;
    // A variable belongs to one entry: the machine environment holds one value per name, and
    // the policy that set it is the one its line, ledger entry and findings name.
    std::map<std::string, std::string> variableOwner;
    for (std::size_t i = 0; i < tools.size(); ++i) {
        auto tool = loadTool(tools[i], i);
        if (!ids.insert(tool.id).second)
            Place(tools[i], "'" + tool.id + "'", "id").fail("duplicate id");
        for (std::size_t v = 0; v < tool.environment.size(); ++v) {
            const auto& name = tool.environment[v].name;
            const auto [owner, fresh] = variableOwner.emplace(name, tool.id);
            if (!fresh)
                Place(tools[i]["environment"][v], "'" + tool.id + "'",
                      "environment[" + std::to_string(v) + "]")
                    .fail(name + " is already the opt-out of tool " + owner->second +
                          ": a variable belongs to one entry");
        }
        catalog.tools.push_back(std::move(tool));
    }
    return catalog;
}

}  // namespace

TelemetryCatalog loadTelemetryCatalog(std::string_view yamlText) {
    try {
        return loadYamlText(yamlText, catalogFrom);
    } catch (const YAML::Exception& e) {
        throw TelemetryCatalogError(std::string("telemetry catalog: ") + e.what());
    }
}

const TelemetryCatalog& builtinTelemetryCatalog() {
    static const TelemetryCatalog catalog = loadTelemetryCatalog(mpa_embedded_telemetry_catalog());
    return catalog;
}

}  // namespace mpa
