// The policies generated from the telemetry catalog (policy/tool_policies.hpp): one per tool whose
// opt-out the agent can set, with a stable name derived from the id (or the entry's own), the
// all-tools switch, appended after the product's own policies without changing any of them; and
// the desired state they ask for (decideDesiredState): the variables machine-wide for a mandatory
// policy only, the per-user files forced when mandatory and set where the user has not chosen
// when recommended.
#include "policy/tool_policies.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "model/desired_state.hpp"
#include "policy/policy_set.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

// Two tools: one with a variable and a per-user file, one with a variable only.
const std::string kTools =
    "tools:\n"
    "  - id: tool-a\n"
    "    name: Tool A\n"
    "    vendor: Vendor A\n"
    "    environment:\n"
    "      - name: TOOL_A_OPTOUT\n"
    "        value: \"1\"\n"
    "    user_files:\n"
    "      - linux: ~/.a/settings.json\n"
    "        windows: \"%APPDATA%\\\\a\\\\settings.json\"\n"
    "        format: json\n"
    "        key: telemetry.enabled\n"
    "        value: \"false\"\n"
    "    machine_wide: true\n"
    "    source: https://example.com/a\n"
    "    checked: 2026-12-06\n"
    "  - id: b-2-cli\n"
    "    name: B2 CLI\n"
    "    vendor: Vendor B\n"
    "    environment:\n"
    "      - name: AAA_B_NO_TELEMETRY\n"
    "        value: \"false\"\n"
    "      - name: ZZZ_B_NO_TELEMETRY\n"
    "        value: \"no\"\n"
    "    machine_wide: true\n"
    "    source: https://example.com/b\n"
    "    checked: 2026-12-01\n";

PolicyCatalog scratchCatalog(const std::string& tools = kTools) {
    return mergeToolPolicies(builtinProductCatalog(), loadTelemetryCatalog(tools));
}

SourceResult values(std::vector<std::pair<std::string, PolicyLevel>> enabled) {
    SourceResult result{"test", {}, {}, {}};
    int order = 0;
    for (const auto& [name, level] : enabled)
        result.values.push_back({name,
                                 RawValue::ofBool(true),
                                 {"test source", "f", level, SourcePrecedence::EtcFile, order++}});
    return result;
}

DesiredState decide(const PolicyCatalog& catalog,
                    std::vector<std::pair<std::string, PolicyLevel>> enabled) {
    const auto policy = mergePolicy(catalog, {values(std::move(enabled))});
    EXPECT_TRUE(policy.issues.empty()) << policy.issues.front().describe();
    return decideDesiredState(policy, catalog);
}

// --- names and definitions -------------------------------------------------------------------

TEST(ToolPolicies, NamesAreDerivedFromTheIdUnlessTheEntryNamesItsPolicy) {
    const auto tools = loadTelemetryCatalog(kTools);
    EXPECT_EQ(toolPolicyName(tools.tools[0]), "ToolATelemetryOptOut");
    EXPECT_EQ(toolPolicyName(tools.tools[1]), "B2CliTelemetryOptOut");
    const auto& builtin = builtinTelemetryCatalog();
    EXPECT_EQ(toolPolicyName(*builtin.find("dotnet-sdk")), "DotnetSdkTelemetryOptOut");
    EXPECT_EQ(toolPolicyName(*builtin.find("azure-cli")), "AzureCliTelemetryOptOut");
    EXPECT_EQ(toolPolicyName(*builtin.find("do-not-track")), "SetDoNotTrack");
    for (const auto& tool : builtin.tools) {
        const auto name = toolPolicyName(tool);
        for (char c : name) EXPECT_TRUE(isAsciiAlnum(c) || c == '_') << name;
    }
}

TEST(ToolPolicies, EveryBuiltinToolWithASettableOptOutHasOneBooleanPolicyInItsOwnCategory) {
    const auto& catalog = builtinCatalog();
    std::set<std::string> names;
    for (const auto& tool : builtinTelemetryCatalog().tools) {
        SCOPED_TRACE(tool.id);
        const auto* def = catalog.find(toolPolicyName(tool));
        ASSERT_EQ(def != nullptr, hasToolPolicy(tool));
        if (!def) continue;
        names.insert(def->name);
        EXPECT_EQ(def->tool, tool.id);
        EXPECT_FALSE(def->allTools);
        EXPECT_EQ(def->type, PolicyType::Boolean);
        EXPECT_EQ(def->category, kToolTelemetryCategory);
        EXPECT_EQ(def->defaultValue, PolicyValue(false));
        EXPECT_EQ(def->recommendable, !tool.userFiles.empty());
        EXPECT_NE(def->caption.find(tool.name), std::string::npos) << def->caption;
        // The explanation says what is set, where it was checked and when.
        for (const auto& v : tool.environment)
            EXPECT_NE(def->explanation.find(v.name + "=" + v.value), std::string::npos);
        for (const auto& file : tool.userFiles) {
            EXPECT_NE(def->explanation.find(file.value), std::string::npos);
            for (const auto* path : {&file.linuxPath, &file.macosPath, &file.windowsPath})
                if (!path->empty()) {
                    EXPECT_NE(def->explanation.find(*path), std::string::npos) << *path;
                }
        }
        EXPECT_NE(def->explanation.find(tool.source), std::string::npos);
        EXPECT_NE(def->explanation.find(tool.checked), std::string::npos);
    }
    EXPECT_EQ(names.size(), builtinTelemetryCatalog().tools.size());  // every entry has one today
    const auto* all = catalog.find(kAllToolsPolicy);
    ASSERT_NE(all, nullptr);
    EXPECT_TRUE(all->allTools);
    EXPECT_TRUE(all->recommendable);
    EXPECT_EQ(all->category, kToolTelemetryCategory);
    for (const auto& name : names) EXPECT_NE(all->explanation.find(name), std::string::npos);
}

// The Go toolchain's variable cannot be set machine-wide: its policy sets only the mode file,
// and says why.
TEST(ToolPolicies, GosPolicySetsOnlyThePerUserFileAndSaysWhy) {
    const auto* go = builtinCatalog().find("GoToolchainTelemetryOptOut");
    ASSERT_NE(go, nullptr);
    EXPECT_TRUE(go->recommendable);
    EXPECT_NE(go->explanation.find("GOTELEMETRY is not read from the environment"),
              std::string::npos)
        << go->explanation;
    EXPECT_EQ(go->explanation.find("machine-wide, for every user"), std::string::npos);
}

TEST(ToolPolicies, AnEntryWithNoSettableOptOutGetsNoPolicy) {
    const auto tools = loadTelemetryCatalog(kTools +
                                            "  - id: c-tool\n"
                                            "    name: C\n"
                                            "    vendor: C\n"
                                            "    environment:\n"
                                            "      - name: C_OPTOUT\n"
                                            "        value: \"1\"\n"
                                            "    machine_wide: false\n"
                                            "    machine_wide_reason: Read from a login file.\n"
                                            "    source: https://example.com/c\n"
                                            "    checked: 2026-12-06\n");
    EXPECT_FALSE(hasToolPolicy(tools.tools[2]));
    EXPECT_NE(toolWithoutPolicyReason(tools.tools[2]), "");
    const auto catalog = mergeToolPolicies(builtinProductCatalog(), tools);
    EXPECT_EQ(catalog.find("CToolTelemetryOptOut"), nullptr);
    EXPECT_NE(catalog.find("ToolATelemetryOptOut"), nullptr);
}

// Existing deployments change nothing: the product's policies come first, as they were.
TEST(ToolPolicies, TheProductsOwnPoliciesAreKeptAsTheyAreAndComeFirst) {
    const auto& product = builtinProductCatalog();
    const auto& merged = builtinCatalog();
    ASSERT_GT(merged.policies.size(), product.policies.size());
    for (std::size_t i = 0; i < product.policies.size(); ++i) {
        const auto& a = product.policies[i];
        const auto& b = merged.policies[i];
        EXPECT_EQ(a.name, b.name);
        EXPECT_EQ(a.type, b.type);
        EXPECT_EQ(a.category, b.category);
        EXPECT_EQ(a.defaultValue, b.defaultValue);
        EXPECT_EQ(a.recommendable, b.recommendable);
        EXPECT_EQ(a.caption, b.caption);
        EXPECT_EQ(a.explanation, b.explanation);
        EXPECT_FALSE(b.isToolPolicy());
    }
    EXPECT_EQ(merged.registryKey, product.registryKey);
    EXPECT_EQ(merged.macosDomain, product.macosDomain);
    EXPECT_EQ(merged.admxNamespace, product.admxNamespace);
    EXPECT_EQ(merged.tools.tools.size(), builtinTelemetryCatalog().tools.size());
}

TEST(ToolPolicies, ANameTakenTwiceIsRefusedWithTheEntryToRename) {
    // A tool whose policy is named like one of the product's (names are case-insensitive).
    try {
        scratchCatalog(kTools +
                       "  - id: x\n    name: X\n    vendor: X\n    policy: "
                       "TELEMETRYOPTOUT\n    environment:\n      - name: X_OFF\n"
                       "        value: \"1\"\n    machine_wide: true\n"
                       "    source: https://example.com/x\n    checked: 2026-12-06\n");
        FAIL() << "expected a DefinitionError";
    } catch (const DefinitionError& e) {
        EXPECT_NE(std::string(e.what()).find("'TELEMETRYOPTOUT' of tool x is already taken"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(scratchCatalog(kTools + "  - id: y\n    name: Y\n    vendor: Y\n    policy: "
                                         "AllCatalogToolsTelemetryOptOut\n    environment:\n"
                                         "      - name: Y_OFF\n        value: \"1\"\n"
                                         "    machine_wide: true\n"
                                         "    source: https://example.com/y\n"
                                         "    checked: 2026-12-06\n"),
                 DefinitionError);
}

TEST(ToolPolicies, TheSourcesReadAToolPolicyByItsName) {
    // mergePolicy validates against the catalog: a tool policy is a known boolean.
    const auto catalog = scratchCatalog();
    SourceResult read{"test", {}, {}, {}};
    read.values.push_back(
        {"ToolATelemetryOptOut",
         RawValue::ofString("maybe"),
         {"test source", "f", PolicyLevel::Mandatory, SourcePrecedence::EtcFile, 0}});
    read.values.push_back(
        {"B2CliTelemetryOptOut",
         RawValue::ofBool(true),
         {"test source", "f", PolicyLevel::Recommended, SourcePrecedence::EtcFile, 1}});
    const auto merged = mergePolicy(catalog, {read});
    EXPECT_EQ(merged.find("ToolATelemetryOptOut"), nullptr);  // invalid: an issue, not a value
    // No recommended form (no per-user file): refused as such.
    EXPECT_EQ(merged.find("B2CliTelemetryOptOut"), nullptr);
    EXPECT_EQ(merged.issues.size(), 2u);
}

// --- desired state ---------------------------------------------------------------------------

TEST(ToolDesiredState, AMandatoryToolPolicySetsItsVariablesAndForcesItsFiles) {
    const auto catalog = scratchCatalog();
    const auto d = decide(catalog, {{"ToolATelemetryOptOut", PolicyLevel::Mandatory}});
    ASSERT_EQ(d.environment.size(), 1u);
    EXPECT_EQ(d.environment[0].name, "TOOL_A_OPTOUT");
    EXPECT_EQ(d.environment[0].value, "1");
    EXPECT_EQ(d.environment[0].tool, "tool-a");
    EXPECT_EQ(d.environment[0].policy, "ToolATelemetryOptOut");
    ASSERT_EQ(d.userFiles.size(), 1u);
    EXPECT_EQ(d.userFiles[0].tool, "tool-a");
    EXPECT_EQ(d.userFiles[0].policy, "ToolATelemetryOptOut");
    EXPECT_EQ(d.userFiles[0].file.key, "telemetry.enabled");
    EXPECT_EQ(d.userFiles[0].file.value, "false");
    EXPECT_TRUE(d.userFiles[0].force);
    EXPECT_FALSE(d.environmentOptOut());  // Metalama's own is not asked for
}

TEST(ToolDesiredState, ARecommendedToolPolicySetsOnlyItsFilesWhereTheUserHasNotChosen) {
    const auto catalog = scratchCatalog();
    const auto d = decide(catalog, {{"ToolATelemetryOptOut", PolicyLevel::Recommended}});
    EXPECT_TRUE(d.environment.empty());
    ASSERT_EQ(d.userFiles.size(), 1u);
    EXPECT_FALSE(d.userFiles[0].force);
}

TEST(ToolDesiredState, TheAllToolsSwitchAsksForEveryToolSortedByNameWithMetalamasOwn) {
    const auto catalog = scratchCatalog();
    const auto d = decide(catalog, {{kAllToolsPolicy, PolicyLevel::Mandatory},
                                    {"TelemetryOptOut", PolicyLevel::Mandatory}});
    std::vector<std::string> names, tools, policies;
    for (const auto& e : d.environment) {
        names.push_back(e.name + "=" + e.value);
        tools.push_back(e.tool);
        policies.push_back(e.policy);
    }
    EXPECT_EQ(names,
              (std::vector<std::string>{"AAA_B_NO_TELEMETRY=false", "METALAMA_TELEMETRY_OPT_OUT=1",
                                        "TOOL_A_OPTOUT=1", "ZZZ_B_NO_TELEMETRY=no"}));
    EXPECT_EQ(tools, (std::vector<std::string>{"b-2-cli", kMetalamaTool, "tool-a", "b-2-cli"}));
    // Each line names the tool's own policy, the one an administrator looks up.
    EXPECT_EQ(policies, (std::vector<std::string>{"B2CliTelemetryOptOut", "TelemetryOptOut",
                                                  "ToolATelemetryOptOut", "B2CliTelemetryOptOut"}));
    ASSERT_EQ(d.userFiles.size(), 1u);
    EXPECT_TRUE(d.userFiles[0].force);
    EXPECT_TRUE(d.environmentOptOut());
}

TEST(ToolDesiredState, TheStrongerOfTheToolsPolicyAndTheSwitchWins) {
    const auto catalog = scratchCatalog();
    // A recommended switch does not weaken a mandatory tool policy, nor the reverse.
    for (const auto& enabled : {std::vector<std::pair<std::string, PolicyLevel>>{
                                    {kAllToolsPolicy, PolicyLevel::Recommended},
                                    {"ToolATelemetryOptOut", PolicyLevel::Mandatory}},
                                std::vector<std::pair<std::string, PolicyLevel>>{
                                    {kAllToolsPolicy, PolicyLevel::Mandatory}}}) {
        const auto d = decide(catalog, enabled);
        ASSERT_EQ(d.userFiles.size(), 1u);
        EXPECT_TRUE(d.userFiles[0].force);
        EXPECT_FALSE(d.environment.empty());
    }
    // The recommended switch alone: files only, and tools without files ask for nothing.
    const auto d = decide(catalog, {{kAllToolsPolicy, PolicyLevel::Recommended}});
    EXPECT_TRUE(d.environment.empty());
    ASSERT_EQ(d.userFiles.size(), 1u);
    EXPECT_FALSE(d.userFiles[0].force);
    EXPECT_EQ(d.userFiles[0].policy, "ToolATelemetryOptOut");
}

TEST(ToolDesiredState, ADisabledToolPolicyDoesNotExemptItFromTheSwitch) {
    const auto catalog = scratchCatalog();
    SourceResult read = values({{kAllToolsPolicy, PolicyLevel::Mandatory}});
    read.values.push_back(
        {"ToolATelemetryOptOut",
         RawValue::ofBool(false),
         {"test source", "f", PolicyLevel::Mandatory, SourcePrecedence::EtcFile, 5}});
    const auto d = decideDesiredState(mergePolicy(catalog, {read}), catalog);
    EXPECT_EQ(d.environment.size(), 3u);
    EXPECT_EQ(d.userFiles.size(), 1u);
}

TEST(ToolDesiredState, NothingEnabledAsksForNothing) {
    const auto catalog = scratchCatalog();
    const auto d = decide(catalog, {{"DisableUsageReporting", PolicyLevel::Mandatory}});
    EXPECT_TRUE(d.environment.empty());
    EXPECT_TRUE(d.userFiles.empty());
}

// The real catalog: the switch asks for every variable of every machine-wide entry, each once,
// sorted, and every per-user file.
TEST(ToolDesiredState, TheBuiltinSwitchAsksForEveryCatalogVariableAndFile) {
    const auto& catalog = builtinCatalog();
    const auto d = decide(catalog, {{kAllToolsPolicy, PolicyLevel::Mandatory}});
    std::set<std::string> expected, files;
    std::size_t expectedFiles = 0;
    for (const auto& tool : builtinTelemetryCatalog().tools) {
        if (tool.machineWide)
            for (const auto& v : tool.environment) expected.insert(v.name + "=" + v.value);
        expectedFiles += tool.userFiles.size();
    }
    std::set<std::string> got;
    for (std::size_t i = 0; i < d.environment.size(); ++i) {
        got.insert(d.environment[i].name + "=" + d.environment[i].value);
        if (i) {
            EXPECT_LT(d.environment[i - 1].name, d.environment[i].name);
        }
    }
    EXPECT_EQ(got, expected);
    EXPECT_TRUE(got.count("DOTNET_CLI_TELEMETRY_OPTOUT=1"));
    EXPECT_TRUE(got.count("DO_NOT_TRACK=1"));
    EXPECT_TRUE(got.count("AZURE_CORE_COLLECT_TELEMETRY=false"));
    EXPECT_EQ(d.userFiles.size(), expectedFiles);
    for (const auto& file : d.userFiles) EXPECT_NE(file.tool, "");
}

}  // namespace
}  // namespace mpa
