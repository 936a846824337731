// The catalog of other tools' telemetry opt-outs (policies/telemetry-catalog.yaml): the loader
// refuses every malformed entry with a message naming the line, the tool and the field; the real
// catalog loads with the tools the product promises; and every entry reaches the generated
// docs/telemetry-catalog.md table.
#include "policy/telemetry_catalog.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "templates/telemetry_catalog_doc_writer.hpp"

namespace mpa {
namespace {

// One valid tool; each test breaks one thing in it. Line numbers are the YAML's (1-based).
const std::string kValid =
    "tools:\n"                             // 1
    "  - id: tool-a\n"                     // 2
    "    name: Tool A\n"                   // 3
    "    vendor: Vendor A\n"               // 4
    "    environment:\n"                   // 5
    "      - name: TOOL_A_OPTOUT\n"        // 6
    "        value: \"1\"\n"               // 7
    "    machine_wide: true\n"             // 8
    "    source: https://example.com/a\n"  // 9
    "    checked: 2026-12-06\n";           // 10

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

// The loader's message for bad input, or "" when it loads.
std::string errorOf(const std::string& yaml) {
    try {
        loadTelemetryCatalog(yaml);
    } catch (const TelemetryCatalogError& e) {
        return e.what();
    }
    return "";
}

TEST(TelemetryCatalogLoader, ReadsEveryFieldOfAValidEntry) {
    const auto yaml = kValid +
                      "    notes: Read at start.\n"
                      "    user_files:\n"
                      "      - linux: ~/.a/config\n"
                      "        windows: \"%APPDATA%\\\\a\\\\config\"\n"
                      "        format: ini\n"
                      "        section: core\n"
                      "        key: collect\n"
                      "        value: \"false\"\n";
    const auto catalog = loadTelemetryCatalog(yaml);
    ASSERT_EQ(catalog.tools.size(), 1u);
    const auto& tool = catalog.tools[0];
    EXPECT_EQ(tool.id, "tool-a");
    EXPECT_EQ(tool.name, "Tool A");
    EXPECT_EQ(tool.vendor, "Vendor A");
    ASSERT_EQ(tool.environment.size(), 1u);
    EXPECT_EQ(tool.environment[0].name, "TOOL_A_OPTOUT");
    EXPECT_EQ(tool.environment[0].value, "1");
    EXPECT_EQ(tool.environment[0].versions, "all");
    ASSERT_EQ(tool.userFiles.size(), 1u);
    EXPECT_EQ(tool.userFiles[0].linuxPath, "~/.a/config");
    EXPECT_EQ(tool.userFiles[0].macosPath, "");
    EXPECT_EQ(tool.userFiles[0].windowsPath, "%APPDATA%\\a\\config");
    EXPECT_EQ(tool.userFiles[0].format, SettingsFormat::Ini);
    EXPECT_EQ(tool.userFiles[0].section, "core");
    EXPECT_EQ(tool.userFiles[0].key, "collect");
    EXPECT_EQ(tool.userFiles[0].value, "false");
    EXPECT_TRUE(tool.machineWide);
    EXPECT_EQ(tool.source, "https://example.com/a");
    EXPECT_EQ(tool.checked, "2026-12-06");
    EXPECT_EQ(tool.notes, "Read at start.");
    EXPECT_EQ(catalog.find("tool-a"), &tool);
    EXPECT_EQ(catalog.find("tool-b"), nullptr);
}

TEST(TelemetryCatalogLoader, AnUnknownKeyIsAnErrorNamingTheToolAndKey) {
    EXPECT_EQ(errorOf(kValid + "    colour: blue\n"),
              "telemetry catalog, line 11: tool 'tool-a', field 'colour': unknown key");
    EXPECT_EQ(errorOf(replaced(kValid, "        value: \"1\"\n",
                               "        value: \"1\"\n        since: \"2\"\n")),
              "telemetry catalog, line 8: tool 'tool-a', field 'environment[0].since': "
              "unknown key");
    EXPECT_EQ(errorOf("tool:\n  - id: a\n"),
              "telemetry catalog, line 1: field 'tool': unknown key");
}

TEST(TelemetryCatalogLoader, AMissingFieldIsAnErrorNamingIt) {
    EXPECT_EQ(errorOf(replaced(kValid, "    vendor: Vendor A\n", "")),
              "telemetry catalog, line 2: tool 'tool-a', field 'vendor': missing");
    EXPECT_EQ(errorOf(replaced(kValid, "    source: https://example.com/a\n", "")),
              "telemetry catalog, line 2: tool 'tool-a', field 'source': missing");
    EXPECT_EQ(errorOf(replaced(kValid, "    checked: 2026-12-06\n", "")),
              "telemetry catalog, line 2: tool 'tool-a', field 'checked': missing");
    EXPECT_EQ(errorOf(replaced(kValid, "    machine_wide: true\n", "")),
              "telemetry catalog, line 2: tool 'tool-a', field 'machine_wide': missing");
    EXPECT_EQ(errorOf(replaced(kValid, "        value: \"1\"\n", "")),
              "telemetry catalog, line 6: tool 'tool-a', field 'environment[0].value': missing");
    EXPECT_EQ(errorOf(replaced(kValid, "  - id: tool-a\n", "  - ident: tool-a\n")),
              "telemetry catalog, line 2: tool #1, field 'id': missing");
    EXPECT_EQ(errorOf("tools: []\n"),
              "telemetry catalog, line 1: field 'tools': must be a non-empty list");
}

TEST(TelemetryCatalogLoader, AnEmptyValueOptsNothingOutAndIsRefused) {
    EXPECT_EQ(errorOf(replaced(kValid, "value: \"1\"", "value: \"\"")),
              "telemetry catalog, line 7: tool 'tool-a', field 'environment[0].value': "
              "must not be empty");
    EXPECT_EQ(errorOf(replaced(kValid, "name: Tool A", "name: Tool | A")),
              "telemetry catalog, line 3: tool 'tool-a', field 'name': "
              "no '<', '>', '|' or line break");
}

TEST(TelemetryCatalogLoader, BadIdsAndDuplicateIdsAreRefused) {
    EXPECT_EQ(errorOf(replaced(kValid, "id: tool-a", "id: Tool_A")),
              "telemetry catalog, line 2: tool #1, field 'id': 'Tool_A' must be lower-case "
              "[a-z0-9-]");
    const auto twice = kValid + kValid.substr(std::string("tools:\n").size());
    EXPECT_EQ(errorOf(twice),
              "telemetry catalog, line 11: tool 'tool-a', field 'id': duplicate id");
}

TEST(TelemetryCatalogLoader, VariableNamesMustBeEnvironmentNames) {
    for (const std::string bad : {"tool_a_optout", "1TOOL", "TOOL-A", "TOOL A"}) {
        EXPECT_EQ(errorOf(replaced(kValid, "name: TOOL_A_OPTOUT", "name: \"" + bad + "\"")),
                  "telemetry catalog, line 6: tool 'tool-a', field 'environment[0].name': '" + bad +
                      "' must match [A-Z_][A-Z0-9_]*")
            << bad;
    }
    EXPECT_EQ(errorOf(replaced(kValid, "name: TOOL_A_OPTOUT", "name: _TOOL_A2")), "");
    EXPECT_EQ(errorOf(replaced(kValid, "        value: \"1\"\n",
                               "        value: \"1\"\n      - name: TOOL_A_OPTOUT\n"
                               "        value: \"2\"\n")),
              "telemetry catalog, line 8: tool 'tool-a', field 'environment[1]': duplicate "
              "TOOL_A_OPTOUT");
}

TEST(TelemetryCatalogLoader, SourcesMustBeHttpsLinks) {
    for (const std::string bad : {"http://example.com/a", "example.com/a", "https://", "ftp://x"})
        EXPECT_EQ(errorOf(replaced(kValid, "source: https://example.com/a", "source: " + bad)),
                  "telemetry catalog, line 9: tool 'tool-a', field 'source': '" + bad +
                      "' is not an https:// link")
            << bad;
}

TEST(TelemetryCatalogLoader, CheckedDatesMustBeRealYyyyMmDdDays) {
    for (const std::string bad : {"2026-13-01", "2026-02-30", "6.12.2026", "2026-1-06", "today"})
        EXPECT_EQ(errorOf(replaced(kValid, "checked: 2026-12-06", "checked: " + bad)),
                  "telemetry catalog, line 10: tool 'tool-a', field 'checked': '" + bad +
                      "' is not YYYY-MM-DD")
            << bad;
    EXPECT_EQ(errorOf(replaced(kValid, "checked: 2026-12-06", "checked: 2028-02-29")), "");
}

TEST(TelemetryCatalogLoader, MachineWideNeedsAVariableAndItsAbsenceAReason) {
    EXPECT_EQ(errorOf(replaced(kValid, "machine_wide: true", "machine_wide: false")),
              "telemetry catalog, line 2: tool 'tool-a', field 'machine_wide_reason': missing");
    EXPECT_EQ(errorOf(replaced(kValid, "machine_wide: true", "machine_wide: maybe")),
              "telemetry catalog, line 8: tool 'tool-a', field 'machine_wide': must be true or "
              "false");
    EXPECT_EQ(errorOf(kValid + "    machine_wide_reason: because\n"),
              "telemetry catalog, line 11: tool 'tool-a', field 'machine_wide_reason': only for "
              "machine_wide: false");
    // A tool with only a per-user file cannot claim to be machine-wide.
    const auto fileOnly = replaced(kValid,
                                   "    environment:\n      - name: TOOL_A_OPTOUT\n"
                                   "        value: \"1\"\n",
                                   "    user_files:\n      - linux: ~/.a/mode\n"
                                   "        format: text\n        value: \"off\"\n");
    EXPECT_EQ(errorOf(fileOnly),
              "telemetry catalog, line 9: tool 'tool-a', field 'machine_wide': true needs an "
              "environment variable");
    EXPECT_EQ(errorOf(replaced(fileOnly, "machine_wide: true",
                               "machine_wide: false\n    machine_wide_reason: per user only")),
              "");
    EXPECT_EQ(errorOf(replaced(kValid,
                               "    environment:\n      - name: TOOL_A_OPTOUT\n"
                               "        value: \"1\"\n",
                               "")),
              "telemetry catalog, line 2: tool 'tool-a', needs at least one of environment, "
              "user_files");
}

TEST(TelemetryCatalogLoader, UserFilesAreCheckedForPathFormatSectionAndKey) {
    const std::string file =
        "    user_files:\n"             // 11
        "      - linux: ~/.a/config\n"  // 12
        "        format: ini\n"         // 13
        "        section: core\n"       // 14
        "        key: collect\n"        // 15
        "        value: \"false\"\n";   // 16
    ASSERT_EQ(errorOf(kValid + file), "");
    EXPECT_EQ(errorOf(kValid + replaced(file, "        section: core\n", "")),
              "telemetry catalog, line 12: tool 'tool-a', field 'user_files[0].section': missing");
    EXPECT_EQ(errorOf(kValid + replaced(file, "format: ini", "format: toml")),
              "telemetry catalog, line 13: tool 'tool-a', field 'user_files[0].format': 'toml' "
              "is not json, ini, yaml or text");
    EXPECT_EQ(errorOf(kValid + replaced(file, "format: ini", "format: json")),
              "telemetry catalog, line 14: tool 'tool-a', field 'user_files[0].section': only "
              "an ini file has sections");
    EXPECT_EQ(errorOf(kValid + replaced(replaced(file, "format: ini", "format: text"),
                                        "        section: core\n", "")),
              "telemetry catalog, line 14: tool 'tool-a', field 'user_files[0].key': a text "
              "file has no key: the value is its content");
    EXPECT_EQ(errorOf(kValid + replaced(file, "linux: ~/.a/config", "linux: /etc/a/config")),
              "telemetry catalog, line 12: tool 'tool-a', field 'user_files[0]': '/etc/a/config': "
              "a Linux or macOS path starts with ~/");
    EXPECT_EQ(errorOf(kValid + replaced(file, "linux: ~/.a/config",
                                        "windows: \"C:\\\\Users\\\\a\\\\config\"")),
              "telemetry catalog, line 12: tool 'tool-a', field 'user_files[0].windows': "
              "'C:\\Users\\a\\config' starts with %USERPROFILE%\\, %APPDATA%\\ or "
              "%LOCALAPPDATA%\\");
    EXPECT_EQ(errorOf(kValid + replaced(file, "      - linux: ~/.a/config\n        format",
                                        "      - format")),
              "telemetry catalog, line 12: tool 'tool-a', field 'user_files[0]': needs a path for "
              "at least one of linux, macos, windows");
}

TEST(TelemetryCatalogLoader, APolicyNameOverrideMustBeAnIdentifier) {
    const auto named = loadTelemetryCatalog(kValid + "    policy: SetToolA\n");
    EXPECT_EQ(named.tools.front().policy, "SetToolA");
    EXPECT_EQ(loadTelemetryCatalog(kValid).tools.front().policy, "");
    EXPECT_EQ(errorOf(kValid + "    policy: Set-Tool-A\n"),
              "telemetry catalog, line 11: tool 'tool-a', field 'policy': 'Set-Tool-A' must be "
              "[A-Za-z0-9_]");
}

// The machine environment holds one value per name: two entries asking for one variable (with
// the same value or not) would make the line, its ledger entry and its findings name two tools.
TEST(TelemetryCatalogLoader, AVariableBelongsToOneEntry) {
    const auto second = replaced(kValid.substr(std::string("tools:\n").size()), "tool-a", "tool-b");
    EXPECT_EQ(errorOf(kValid + replaced(second, "value: \"1\"", "value: \"true\"")),
              "telemetry catalog, line 15: tool 'tool-b', field 'environment[0]': TOOL_A_OPTOUT is "
              "already the opt-out of tool tool-a: a variable belongs to one entry");
    EXPECT_NE(errorOf(kValid + second), "");  // the same value is refused too
    EXPECT_EQ(errorOf(kValid + replaced(second, "TOOL_A_OPTOUT", "TOOL_B_OPTOUT")), "");
}

TEST(TelemetryCatalogLoader, MetalamasOwnVariableIsNotACatalogEntrys) {
    EXPECT_EQ(errorOf(replaced(kValid, "name: TOOL_A_OPTOUT", "name: METALAMA_TELEMETRY_OPT_OUT")),
              "telemetry catalog, line 6: tool 'tool-a', field 'environment[0].name': "
              "'METALAMA_TELEMETRY_OPT_OUT' is Metalama's own variable");
}

// Notes and reasons reach the ADML explanations of the generated policies.
TEST(TelemetryCatalogLoader, NotesMayBreakLinesButNotHoldAngleBrackets) {
    EXPECT_EQ(errorOf(kValid + "    notes: >-\n      two\n\n      paragraphs\n"), "");
    EXPECT_EQ(errorOf(kValid + "    notes: a <b> tag\n"),
              "telemetry catalog, line 11: tool 'tool-a', field 'notes': no '<' or '>'");
}

TEST(TelemetryCatalogLoader, TextThatIsNotYamlIsAnError) {
    const auto error = errorOf("tools: [\n");
    EXPECT_EQ(error.rfind("telemetry catalog: ", 0), 0u) << error;
    EXPECT_EQ(errorOf(""), "telemetry catalog: must be a mapping with a 'tools' list");
    EXPECT_EQ(errorOf("- a\n"), "telemetry catalog: must be a mapping with a 'tools' list");
}

// --- the real catalog ---------------------------------------------------------------------

const CatalogVariable* variable(const CatalogTool& tool, const std::string& name) {
    for (const auto& v : tool.environment)
        if (v.name == name) return &v;
    return nullptr;
}

TEST(TelemetryCatalogBuiltin, LoadsWithAtLeastTwentyFiveCheckedEntries) {
    const auto& catalog = builtinTelemetryCatalog();
    EXPECT_GE(catalog.tools.size(), 25u);
    for (const auto& tool : catalog.tools) {
        EXPECT_FALSE(tool.source.empty()) << tool.id;
        EXPECT_EQ(tool.checked.size(), 10u) << tool.id;
    }
}

TEST(TelemetryCatalogBuiltin, HoldsTheToolsThatShareMetalamasBuildsWithTheirExactValues) {
    const auto& catalog = builtinTelemetryCatalog();
    const std::pair<const char*, std::pair<const char*, const char*>> expected[] = {
        {"dotnet-sdk", {"DOTNET_CLI_TELEMETRY_OPTOUT", "1"}},
        {"dotnet-interactive", {"DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT", "1"}},
        {"microsoft-testing-platform", {"TESTINGPLATFORM_TELEMETRY_OPTOUT", "1"}},
        {"powershell", {"POWERSHELL_TELEMETRY_OPTOUT", "1"}},
        // A switch to collect: the opt-out is false / no / 0, never 1.
        {"azure-cli", {"AZURE_CORE_COLLECT_TELEMETRY", "false"}},
        {"azure-developer-cli", {"AZURE_DEV_COLLECT_TELEMETRY", "no"}},
        {"azure-functions-core-tools", {"FUNCTIONS_CORE_TOOLS_TELEMETRY_OPTOUT", "1"}},
        {"aws-sam-cli", {"SAM_CLI_TELEMETRY", "0"}},
        {"hashicorp-checkpoint", {"CHECKPOINT_DISABLE", "1"}},
        {"homebrew", {"HOMEBREW_NO_ANALYTICS", "1"}},
        {"nextjs", {"NEXT_TELEMETRY_DISABLED", "1"}},
        {"nuxt", {"NUXT_TELEMETRY_DISABLED", "1"}},
        {"gatsby", {"GATSBY_TELEMETRY_DISABLED", "1"}},
        {"astro", {"ASTRO_TELEMETRY_DISABLED", "1"}},
        {"angular-cli", {"NG_CLI_ANALYTICS", "false"}},
        {"turborepo", {"TURBO_TELEMETRY_DISABLED", "1"}},
        {"yarn", {"YARN_ENABLE_TELEMETRY", "0"}},
        {"stripe-cli", {"STRIPE_CLI_TELEMETRY_OPTOUT", "1"}},
        {"github-cli", {"GH_TELEMETRY", "false"}},
        {"cloudflare-wrangler", {"WRANGLER_SEND_METRICS", "false"}},
        {"do-not-track", {"DO_NOT_TRACK", "1"}},
    };
    for (const auto& [id, nameValue] : expected) {
        const auto* tool = catalog.find(id);
        ASSERT_NE(tool, nullptr) << id;
        const auto* v = variable(*tool, nameValue.first);
        ASSERT_NE(v, nullptr) << id << " " << nameValue.first;
        EXPECT_EQ(v->value, nameValue.second) << id;
        EXPECT_TRUE(tool->machineWide) << id;
    }
}

TEST(TelemetryCatalogBuiltin, NamesThePerUserFilesOfTheAzureCliAndAngular) {
    const auto& catalog = builtinTelemetryCatalog();
    const auto* azure = catalog.find("azure-cli");
    ASSERT_NE(azure, nullptr);
    ASSERT_FALSE(azure->userFiles.empty());
    const auto& config = azure->userFiles[0];
    EXPECT_EQ(config.linuxPath, "~/.azure/config");
    EXPECT_EQ(config.windowsPath, "%USERPROFILE%\\.azure\\config");
    EXPECT_EQ(config.format, SettingsFormat::Ini);
    EXPECT_EQ(config.section, "core");
    EXPECT_EQ(config.key, "collect_telemetry");
    EXPECT_EQ(config.value, "false");
    const auto* angular = catalog.find("angular-cli");
    ASSERT_NE(angular, nullptr);
    ASSERT_FALSE(angular->userFiles.empty());
    EXPECT_EQ(angular->userFiles[0].linuxPath, "~/.angular-config.json");
    EXPECT_EQ(angular->userFiles[0].format, SettingsFormat::Json);
    EXPECT_EQ(angular->userFiles[0].key, "cli.analytics");
    EXPECT_EQ(angular->userFiles[0].value, "false");
}

TEST(TelemetryCatalogBuiltin, TheGoToolchainIsNotClaimedMachineWide) {
    const auto* go = builtinTelemetryCatalog().find("go-toolchain");
    ASSERT_NE(go, nullptr);
    EXPECT_FALSE(go->machineWide);
    EXPECT_NE(go->machineWideReason.find("GOTELEMETRY"), std::string::npos);
    EXPECT_EQ(variable(*go, "GOTELEMETRY"), nullptr);  // not settable by environment
    ASSERT_EQ(go->userFiles.size(), 1u);
    EXPECT_EQ(go->userFiles[0].format, SettingsFormat::Text);
    EXPECT_EQ(go->userFiles[0].value, "off");
}

// --- the generated table ------------------------------------------------------------------

// The table row of a tool: the line that starts with its name and id.
std::string rowOf(const std::string& doc, const CatalogTool& tool) {
    const auto start = doc.find("\n| " + tool.name + " (`" + tool.id + "`) |");
    if (start == std::string::npos) return {};
    return doc.substr(start + 1, doc.find('\n', start + 1) - start - 1);
}

TEST(TelemetryCatalogDoc, EveryEntryReachesTheTableWithItsValuesSourceAndDate) {
    const auto& catalog = builtinTelemetryCatalog();
    const auto doc = writeTelemetryCatalogDoc(catalog);
    std::size_t rows = 0;
    for (std::size_t at = doc.find("\n| "); at != std::string::npos; at = doc.find("\n| ", at + 1))
        ++rows;
    EXPECT_EQ(rows, catalog.tools.size() + 1);  // and the header
    for (const auto& tool : catalog.tools) {
        const auto row = rowOf(doc, tool);
        ASSERT_FALSE(row.empty()) << tool.id;
        EXPECT_NE(row.find("| " + tool.vendor + " |"), std::string::npos) << row;
        for (const auto& v : tool.environment)
            EXPECT_NE(row.find("`" + v.name + "=" + v.value + "`"), std::string::npos) << row;
        for (const auto& file : tool.userFiles)
            for (const auto* path : {&file.linuxPath, &file.macosPath, &file.windowsPath})
                if (!path->empty()) {
                    EXPECT_NE(row.find("`" + *path + "`"), std::string::npos) << row;
                }
        EXPECT_NE(row.find("](" + tool.source + ") |"), std::string::npos) << row;
        EXPECT_NE(row.find("| " + tool.checked + " |"), std::string::npos) << row;
        EXPECT_NE(row.find(tool.machineWide ? "| yes |" : "| no, see"), std::string::npos) << row;
    }
}

TEST(TelemetryCatalogDoc, ATableFromAScratchCatalogShowsItsOwnEntries) {
    const auto catalog =
        loadTelemetryCatalog(kValid +
                             "  - id: tool-b\n"
                             "    name: Tool B\n"
                             "    vendor: Vendor B\n"
                             "    user_files:\n"
                             "      - linux: ~/.b/settings.json\n"
                             "        format: json\n"
                             "        key: telemetry.enabled\n"
                             "        value: \"false\"\n"
                             "    machine_wide: false\n"
                             "    machine_wide_reason: Only read from the user's settings.\n"
                             "    source: https://example.org/b/telemetry\n"
                             "    checked: 2026-11-30\n");
    const auto doc = writeTelemetryCatalogDoc(catalog);
    EXPECT_NE(doc.find("| Tool A (`tool-a`) | Vendor A | "
                       "[ToolATelemetryOptOut](policies.md#toolatelemetryoptout) | "
                       "`TOOL_A_OPTOUT=1` | none | yes | "
                       "[example.com](https://example.com/a) | 2026-12-06 |"),
              std::string::npos)
        << doc;
    EXPECT_NE(doc.find("| Tool B (`tool-b`) | Vendor B | "
                       "[ToolBTelemetryOptOut](policies.md#toolbtelemetryoptout) | none | "
                       "Linux `~/.b/settings.json`: json "
                       "`telemetry.enabled: false` | no, see [notes](#notes) | "
                       "[example.org](https://example.org/b/telemetry) | 2026-11-30 |"),
              std::string::npos)
        << doc;
    EXPECT_NE(doc.find("- **Tool B**: not settable machine-wide. Only read from the user's "
                       "settings.\n"),
              std::string::npos)
        << doc;
    EXPECT_NE(doc.find("for 2 of them"), std::string::npos);
}

}  // namespace
}  // namespace mpa
