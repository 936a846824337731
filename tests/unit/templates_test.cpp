// The generated templates (ADMX/ADML, macOS profile, Linux and .reg examples, policies.md) are
// checked with the tools administrators' systems use: xmllint against Microsoft's schema, the
// extra rules of the GP editor and Intune, libplist and plistutil, yaml-cpp and the agent's own
// coercion; and the committed copies must be byte-equal to the generator's output.
#include <gtest/gtest.h>
#include <plist/plist.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "model/desired_state.hpp"
#include "policy/coercion.hpp"
#include "policy/coercion_rules.hpp"
#include "policy/registry_names.hpp"
#include "policy/tool_policies.hpp"
#include "sources/dropin_directory_source.hpp"
#include "support/admx_checks.hpp"
#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"
#include "templates/adml_writer.hpp"
#include "templates/admx_reader.hpp"
#include "templates/admx_writer.hpp"
#include "templates/linux_examples_writer.hpp"
#include "templates/mobileconfig_writer.hpp"
#include "templates/policies_doc_writer.hpp"
#include "templates/reg_file_writer.hpp"
#include "templates/template_tree.hpp"
#include "util/json_document.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

using test::ScratchDir;

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return in ? text.str() : std::string();
}

const PolicyCatalog& catalog() {
    return builtinCatalog();
}

// The definitions with one more policy, as a maintainer would add it.
PolicyCatalog catalogWithAddedPolicy() {
    auto yaml = readFile(std::string(MPA_SOURCE_DIR) + "/policies/metalama.yaml");
    yaml += R"(
  - name: AddedQuotaPolicy
    type: integer
    default: 3
    min: 1
    max: 9
    category: PolicyAgent
    recommendable: true
    example: 4
    caption: A policy added by the test
    explanation: >-
      Added to check that one new definition reaches every artefact.
)";
    return loadCatalog(yaml);
}

// The telemetry catalog with exactly one entry appended, as a maintainer adds a tool: a
// fictitious tool with one variable and one JSON per-user file. Nothing else changes.
const char* const kAddedTool = "FictitiousCliTelemetryOptOut";
const std::string kAddedToolEntry = R"(
  - id: fictitious-cli
    name: Fictitious CLI
    vendor: Example Vendor
    environment:
      - name: FICTITIOUS_CLI_NO_TELEMETRY
        value: "1"
    user_files:
      - linux: ~/.fictitious/settings.json
        macos: ~/Library/Application Support/Fictitious/settings.json
        windows: "%APPDATA%\\Fictitious\\settings.json"
        format: json
        key: telemetry.enabled
        value: "false"
    machine_wide: true
    source: https://example.com/fictitious/telemetry
    checked: 2026-11-30
)";

PolicyCatalog catalogWithAddedTool() {
    return loadCatalogWithTools(
        readFile(std::string(MPA_SOURCE_DIR) + "/policies/metalama.yaml"),
        readFile(std::string(MPA_SOURCE_DIR) + "/policies/telemetry-catalog.yaml") +
            kAddedToolEntry);
}

void expectValidAgainstSchema(const std::string& admx, const std::string& adml) {
    const auto schema = test::findAdmxSchema();
    ASSERT_FALSE(schema.empty())
        << "PolicyDefinitionFiles.xsd not found: the shared directory (shared/schemas/admx) must "
           "sit beside the repository, or MPA_SHARED_DIR must point to it";
    ScratchDir dir;
    dir.write("Metalama.admx", admx);
    dir.write("en-US/Metalama.adml", adml);
    for (const auto* file : {"Metalama.admx", "en-US/Metalama.adml"}) {
        const auto result =
            test::runProcess({"/usr/bin/xmllint", "--noout", "--schema", schema, dir.abs(file)});
        EXPECT_EQ(result.exitCode, 0) << file << ":\n" << result.err;
        EXPECT_NE(result.err.find("validates"), std::string::npos) << result.err;
    }
}

// --- ADMX/ADML -----------------------------------------------------------------------------

TEST(AdmxTemplates, ValidateAgainstTheGroupPolicySchemaWithXmllint) {
    expectValidAgainstSchema(writeAdmx(catalog()), writeAdml(catalog()));
}

TEST(AdmxTemplates, FollowTheRulesOfTheGroupPolicyEditorAndIntune) {
    const auto problems =
        test::admxRuleViolations(writeAdmx(catalog()), writeAdml(catalog()), catalog().registryKey);
    EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
}

// The rule checker must be able to fail, or the test above proves nothing.
TEST(AdmxTemplates, RuleCheckerCatchesEachBrokenRule) {
    const auto admx = writeAdmx(catalog());
    const auto adml = writeAdml(catalog());
    const auto violations = [&](std::string a, std::string l) {
        return test::admxRuleViolations(a, l, catalog().registryKey);
    };
    const auto replaced = [](std::string text, const std::string& from, const std::string& to) {
        const auto at = text.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return at == std::string::npos ? text : text.replace(at, from.size(), to);
    };
    EXPECT_FALSE(
        violations(replaced(admx, "name=\"TelemetryOptOut\"", "name=\"Telemetry.OptOut\""), adml)
            .empty());
    EXPECT_FALSE(violations(admx, replaced(adml, "<string id=\"Metalama\">Metalama</string>", ""))
                     .empty());  // used, not defined
    EXPECT_FALSE(violations(admx, replaced(adml, "<stringTable>",
                                           "<stringTable><string id=\"Unused\">x</string>"))
                     .empty());  // defined, not used
    EXPECT_FALSE(
        violations(admx, replaced(adml, ">Metalama</string>", ">Metalama &lt;beta&gt;</string>"))
            .empty());
    EXPECT_FALSE(violations(admx, replaced(adml, "<decimalTextBox refId=\"DeviceIdRotationDays\"",
                                           "<comboBox refId=\"DeviceIdRotationDays\""))
                     .empty());
    EXPECT_FALSE(violations(replaced(admx, "</policyNamespaces>",
                                     "<using prefix=\"windows\" namespace=\"Microsoft.Policies."
                                     "Windows\"/></policyNamespaces>"),
                            adml)
                     .empty());
    EXPECT_FALSE(violations(replaced(admx, "key=\"SOFTWARE\\Policies\\PostSharp\\Metalama\"",
                                     "key=\"SOFTWARE\\Microsoft\\Metalama\""),
                            adml)
                     .empty());
    EXPECT_FALSE(violations(admx + std::string(1024 * 1024, ' '), adml).empty());
}

TEST(AdmxTemplates, DeclareExactlyTheCatalog) {
    const auto model = parseAdmx(writeAdmx(catalog()));
    EXPECT_EQ(model.targetNamespace, catalog().admxNamespace);
    EXPECT_EQ(model.targetPrefix, "metalama");
    EXPECT_EQ(model.revision, catalog().admxRevision);
    EXPECT_TRUE(model.usingNamespaces.empty());
    ASSERT_EQ(model.supportedOnDefinitions.size(), 1u);

    std::size_t expectedPolicies = 0;
    for (const auto& def : catalog().policies) expectedPolicies += def.recommendable ? 2 : 1;
    EXPECT_EQ(model.policies.size(), expectedPolicies);

    for (const auto& def : catalog().policies) {
        SCOPED_TRACE(def.name);
        for (const auto level : {PolicyLevel::Mandatory, PolicyLevel::Recommended}) {
            const bool recommended = level == PolicyLevel::Recommended;
            const auto name = recommended ? def.name + "_Recommended" : def.name;
            const AdmxPolicyModel* policy = nullptr;
            for (const auto& p : model.policies)
                if (p.name == name) policy = &p;
            if (recommended && !def.recommendable) {
                EXPECT_EQ(policy, nullptr);
                continue;
            }
            ASSERT_NE(policy, nullptr) << name;
            const auto where = registryLocation(catalog(), def, level);
            EXPECT_EQ(policy->policyClass, "Machine");
            EXPECT_EQ(policy->key, where.key);
            EXPECT_EQ(policy->supportedOn, model.supportedOnDefinitions.front());
            const auto path = model.categoryPath(*policy);
            ASSERT_EQ(path.size(), 2u);
            EXPECT_EQ(path[0], catalog().product);
            EXPECT_EQ(path[1], recommended ? def.category + "_Recommended" : def.category);
            if (def.type == PolicyType::Boolean) {
                EXPECT_EQ(policy->valueName, where.valueName);
                EXPECT_EQ(policy->enabledValue, 1);
                EXPECT_EQ(policy->disabledValue, 0);
                EXPECT_TRUE(policy->elements.empty());
                continue;
            }
            ASSERT_EQ(policy->elements.size(), 1u);
            const auto& element = policy->elements.front();
            EXPECT_EQ(element.valueName, where.valueName);
            EXPECT_EQ(element.key, where.key);
            EXPECT_FALSE(policy->presentation.empty());
            switch (def.type) {
                case PolicyType::Integer:
                    EXPECT_EQ(element.kind, "decimal");
                    EXPECT_EQ(element.minValue, def.min);
                    EXPECT_EQ(element.maxValue, def.max);
                    break;
                case PolicyType::String:
                    EXPECT_EQ(element.kind, "text");
                    EXPECT_EQ(element.maxLength, static_cast<std::int64_t>(def.maxLength));
                    break;
                case PolicyType::Enum: {
                    EXPECT_EQ(element.kind, "enum");
                    ASSERT_EQ(element.items.size(), def.items.size());
                    for (std::size_t i = 0; i < def.items.size(); ++i)
                        EXPECT_EQ(element.items[i].value, def.items[i].value);
                    break;
                }
                case PolicyType::Boolean:
                    break;
            }
        }
    }
}

TEST(AdmxTemplates, AdmlExplainsEveryPolicyWithItsDefinitionText) {
    const auto adml = writeAdml(catalog());
    for (const auto& def : catalog().policies) {
        EXPECT_NE(adml.find(">" + def.caption + "</string>"), std::string::npos) << def.name;
        const auto firstLine = std::string(splitLines(def.explanation).front());
        EXPECT_NE(adml.find(firstLine), std::string::npos) << def.name;
    }
}

// A recommended opt-out does not set the machine-wide variable and leaves a user's Yes alone
// (DesiredState.RecommendedOptOutIsAPerProfileDefaultWithoutTheVariable): every place an
// administrator reads about the setting must say so, not promise the machine-wide opt-out.
TEST(AdmxTemplates, TheRecommendedOptOutSaysItLeavesTheVariableAndAUsersYes) {
    const std::string notTheVariable = "so the agent does not set it";
    const std::string usersYes = "A user who chose Yes (1) keeps that choice and keeps sending";
    const auto adml = readFile(std::string(MPA_SOURCE_DIR) + "/admx/en-US/Metalama.adml");
    const auto start = adml.find("<string id=\"TelemetryOptOut_Recommended_Explain\">");
    ASSERT_NE(start, std::string::npos);
    const auto explain = adml.substr(start, adml.find("</string>", start) - start);
    EXPECT_NE(explain.find(notTheVariable), std::string::npos) << explain;
    EXPECT_NE(explain.find(usersYes), std::string::npos) << explain;
    for (const auto* file :
         {"/installer/macos/com.postsharp.metalama.manifest.plist", "/docs/policies.md"}) {
        const auto text = readFile(std::string(MPA_SOURCE_DIR) + file);
        EXPECT_NE(text.find(notTheVariable), std::string::npos) << file;
        EXPECT_NE(text.find(usersYes), std::string::npos) << file;
    }
}

TEST(AdmxTemplates, ACatalogThatCannotBeExpressedIsRefusedWithTheReason) {
    auto broken = catalog();
    auto twin = broken.policies.front();
    twin.name =
        broken.policies.front().name + "_Recommended";  // collides with the recommended form
    twin.recommendable = false;
    broken.policies.push_back(twin);
    try {
        writeAdmx(broken);
        FAIL() << "expected a DefinitionError";
    } catch (const DefinitionError& e) {
        EXPECT_NE(std::string(e.what()).find(twin.name), std::string::npos) << e.what();
    }
}

// --- macOS -----------------------------------------------------------------------------------

struct PlistDeleter {
    void operator()(plist_t p) const { plist_free(p); }
};
using PlistPtr = std::unique_ptr<void, PlistDeleter>;

PlistPtr parsePlist(const std::string& xml) {
    plist_t root = nullptr;
    plist_from_xml(xml.data(), static_cast<uint32_t>(xml.size()), &root);
    return PlistPtr(root);
}

std::string plistString(plist_t node) {
    if (!node || plist_get_node_type(node) != PLIST_STRING) return {};
    char* value = nullptr;
    plist_get_string_val(node, &value);
    std::string out = value ? value : "";
    std::free(value);
    return out;
}

std::map<std::string, plist_t> plistDict(plist_t dict) {
    std::map<std::string, plist_t> out;
    if (!dict || plist_get_node_type(dict) != PLIST_DICT) return out;
    plist_dict_iter it = nullptr;
    plist_dict_new_iter(dict, &it);
    for (;;) {
        char* key = nullptr;
        plist_t value = nullptr;
        plist_dict_next_item(dict, it, &key, &value);
        if (!key) break;
        out[key] = value;
        std::free(key);
    }
    std::free(it);
    return out;
}

// The value as the agent's macOS source will hand it to coercion.
RawValue rawFromPlist(plist_t node) {
    switch (plist_get_node_type(node)) {
        case PLIST_BOOLEAN: {
            uint8_t b = 0;
            plist_get_bool_val(node, &b);
            return RawValue::ofBool(b != 0);
        }
        case PLIST_UINT: {
            uint64_t v = 0;
            plist_get_uint_val(node, &v);
            return RawValue::ofInt(static_cast<std::int64_t>(v));
        }
        case PLIST_STRING:
            return RawValue::ofString(plistString(node));
        default:
            return RawValue::other("another plist type");
    }
}

// An RFC 4122 name-based UUID (version 5) in upper case: 8-4-4-4-12 digits of [0-9A-F], the
// version digit 5 and the variant digit 8, 9, A or B.
bool isUpperCaseUuidV5(const std::string& s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        const bool digit = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F');
        if (dash ? s[i] != '-' : !digit) return false;
    }
    return s[14] == '5' && std::string_view("89AB").find(s[19]) != std::string_view::npos;
}

TEST(MacosProfile, ParsesWithLibplistAndItsPayloadHoldsExactlyTheCatalog) {
    const auto root = parsePlist(writeMobileconfig(catalog()));
    ASSERT_TRUE(root);
    const auto profile = plistDict(root.get());
    EXPECT_EQ(plistString(profile.at("PayloadType")), "Configuration");
    EXPECT_EQ(plistString(profile.at("PayloadIdentifier")), profilePayloadIdentifier(catalog()));
    const auto content = profile.at("PayloadContent");
    ASSERT_EQ(plist_array_get_size(content), 1u);
    const auto payload = plistDict(plist_array_get_item(content, 0));
    EXPECT_EQ(plistString(payload.at("PayloadType")), catalog().macosDomain);

    const auto profileUuid = plistString(profile.at("PayloadUUID"));
    const auto payloadUuid = plistString(payload.at("PayloadUUID"));
    EXPECT_TRUE(isUpperCaseUuidV5(profileUuid)) << profileUuid;
    EXPECT_TRUE(isUpperCaseUuidV5(payloadUuid)) << payloadUuid;
    EXPECT_NE(profileUuid, payloadUuid);

    std::set<std::string> keys, expected;
    for (const auto& [key, value] : payload) {
        if (startsWith(key, "Payload")) continue;
        keys.insert(key);
        const auto* def = catalog().find(key);
        ASSERT_NE(def, nullptr) << key;
        const auto coerced = coercePolicyValue(*def, rawFromPlist(value));
        ASSERT_TRUE(coerced.value) << key << ": " << coerced.error;
        EXPECT_EQ(*coerced.value, def->example) << key;
    }
    for (const auto& def : catalog().policies) expected.insert(def.name);
    EXPECT_EQ(keys, expected);
}

TEST(MacosProfile, IsTheSameBytesOnEveryRun) {
    EXPECT_EQ(writeMobileconfig(catalog()), writeMobileconfig(catalog()));
    // The UUIDs depend on the identifiers only, not on anything else in the catalog.
    auto other = catalog();
    other.policies.pop_back();
    const auto rootA = parsePlist(writeMobileconfig(catalog()));
    const auto rootB = parsePlist(writeMobileconfig(other));
    const auto a = plistDict(rootA.get());  // points into rootA: keep it alive
    const auto b = plistDict(rootB.get());
    EXPECT_EQ(plistString(a.at("PayloadUUID")), plistString(b.at("PayloadUUID")));
}

TEST(MacosProfile, PlistutilReadsTheProfileAndTheManifest) {
    ScratchDir dir;
    dir.write("profile.mobileconfig", writeMobileconfig(catalog()));
    dir.write("manifest.plist", writeProfileManifest(catalog()));
    // The profile holds each policy as a key, the manifest names each one in a string.
    const std::vector<std::pair<std::string, std::string>> files = {{"profile.mobileconfig", "key"},
                                                                    {"manifest.plist", "string"}};
    for (const auto& [file, element] : files) {
        const auto binary = dir.abs(file + ".bin");
        auto result = test::runProcess({"/usr/bin/plistutil", "-i", dir.abs(file), "-o", binary});
        ASSERT_EQ(result.exitCode, 0) << file << ": " << result.err;
        // Back to XML from the binary form (what an MDM installs on the Mac).
        result = test::runProcess({"/usr/bin/plistutil", "-i", binary, "-o", "-"});
        ASSERT_EQ(result.exitCode, 0) << result.err;
        for (const auto& def : catalog().policies) {
            const auto wanted = "<" + element + ">" + def.name + "</" + element + ">";
            EXPECT_NE(result.out.find(wanted), std::string::npos) << file << ": " << wanted;
        }
    }
}

TEST(MacosProfile, ManifestDescribesEveryKey) {
    const auto root = parsePlist(writeProfileManifest(catalog()));
    ASSERT_TRUE(root);
    const auto manifest = plistDict(root.get());
    EXPECT_EQ(plistString(manifest.at("pfm_domain")), catalog().macosDomain);
    const auto subkeys = manifest.at("pfm_subkeys");
    std::vector<std::string> names;
    for (uint32_t i = 0; i < plist_array_get_size(subkeys); ++i) {
        const auto entry = plistDict(plist_array_get_item(subkeys, i));
        names.push_back(plistString(entry.at("pfm_name")));
        EXPECT_FALSE(plistString(entry.at("pfm_description")).empty());
    }
    std::vector<std::string> expected;
    for (const auto& def : catalog().policies) expected.push_back(def.name);
    EXPECT_EQ(names, expected);
}

// --- Linux and .reg examples -----------------------------------------------------------------

// As the agent's drop-in source reads YAML scalars: quoted means string.
RawValue rawFromYaml(const YAML::Node& node) {
    if (!node.IsScalar()) return RawValue::other("not a scalar");
    if (node.Tag() == "!") return RawValue::ofString(node.Scalar());
    bool b;
    if (YAML::convert<bool>::decode(node, b)) return RawValue::ofBool(b);
    long long i;
    if (YAML::convert<long long>::decode(node, i)) return RawValue::ofInt(i);
    return RawValue::ofString(node.Scalar());
}

void expectFlatMapOfExamples(const std::string& text, PolicyLevel level) {
    const auto root = YAML::Load(text);
    ASSERT_TRUE(root.IsMap());
    std::set<std::string> keys, expected;
    for (const auto& entry : root) {
        const auto key = entry.first.as<std::string>();
        keys.insert(key);
        const auto* def = catalog().find(key);
        ASSERT_NE(def, nullptr) << key;
        const auto coerced = coercePolicyValue(*def, rawFromYaml(entry.second));
        ASSERT_TRUE(coerced.value) << key << ": " << coerced.error;
        EXPECT_EQ(*coerced.value, def->example) << key;
    }
    for (const auto& def : catalog().policies)
        if (level == PolicyLevel::Mandatory || def.recommendable) expected.insert(def.name);
    EXPECT_EQ(keys, expected);
}

TEST(LinuxExamples, AreFlatMapsOfCatalogNamesWhoseValuesCoerce) {
    for (const auto level : {PolicyLevel::Mandatory, PolicyLevel::Recommended}) {
        const auto json = writeLinuxExampleJson(catalog(), level);
        json::ParseError error;
        EXPECT_TRUE(json::validate(json, &error)) << json;
        expectFlatMapOfExamples(json, level);
        expectFlatMapOfExamples(writeLinuxExampleYaml(catalog(), level), level);
    }
}

// The agent's own Linux source parses the examples with no issue and merges them to the examples.
TEST(LinuxExamples, AreAcceptedByTheAgentsDropinSource) {
    for (const auto level : {PolicyLevel::Mandatory, PolicyLevel::Recommended}) {
        for (const auto& [text, origin] :
             {std::pair{writeLinuxExampleJson(catalog(), level), "example.json"},
              std::pair{writeLinuxExampleYaml(catalog(), level), "example.yaml"}}) {
            SourceResult read;
            int order = 0;
            parsePolicyDocument(text, origin, level, order, read);
            EXPECT_TRUE(read.issues.empty()) << read.issues.front().describe();
            const auto merged = mergePolicy(catalog(), {read});
            EXPECT_TRUE(merged.issues.empty()) << merged.issues.front().describe();
            for (const auto& def : catalog().policies) {
                const auto* effective = merged.find(def.name);
                if (level == PolicyLevel::Recommended && !def.recommendable) {
                    EXPECT_EQ(effective, nullptr) << def.name;
                    continue;
                }
                ASSERT_NE(effective, nullptr) << def.name;
                EXPECT_EQ(effective->value, def.example) << def.name;
                EXPECT_EQ(effective->from.level, level) << def.name;
            }
        }
    }
}

// One value line of a .reg file, whole: "Name"=dword:0000001e (eight lower-case hex digits) or
// "Name"="text" (the text without a line break). Nothing for any other line.
struct RegValueLine {
    std::string name;
    std::optional<std::string> dwordHex;  // set for a dword, else `text` holds the string
    std::string text;
};
std::optional<RegValueLine> parseRegValueLine(std::string_view s) {
    if (s.empty() || s[0] != '"') return std::nullopt;
    RegValueLine out;
    std::size_t i = 1;
    while (i < s.size() && (isAsciiAlnum(s[i]) || s[i] == '_')) ++i;
    if (i == 1 || s.substr(i, 2) != "\"=") return std::nullopt;
    out.name = std::string(s.substr(1, i - 1));
    const auto value = s.substr(i + 2);
    const auto isLowerHex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
    if (value.size() == 14 && startsWith(value, "dword:")) {
        const auto hex = value.substr(6);
        for (char c : hex)
            if (!isLowerHex(c)) return std::nullopt;
        out.dwordHex = std::string(hex);
        return out;
    }
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::nullopt;
    out.text = std::string(value.substr(1, value.size() - 2));
    if (out.text.find_first_of("\r\n") != std::string::npos) return std::nullopt;
    return out;
}

TEST(RegFile, SetsEveryPolicyAtItsExampleUnderThePolicyKey) {
    const auto reg = writeRegFile(catalog());
    EXPECT_TRUE(startsWith(reg, "Windows Registry Editor Version 5.00\r\n\r\n"));
    EXPECT_EQ(reg.find('\n'), reg.find("\r\n") + 1);  // CRLF throughout
    std::size_t bareLf = 0;
    for (std::size_t i = 0; i < reg.size(); ++i)
        if (reg[i] == '\n' && (i == 0 || reg[i - 1] != '\r')) ++bareLf;
    EXPECT_EQ(bareLf, 0u);
    EXPECT_NE(reg.find("\r\n[HKEY_LOCAL_MACHINE\\" + catalog().registryKey + "]\r\n"),
              std::string::npos);
    std::set<std::string> seen;
    for (const auto text : splitLines(reg)) {
        const std::string s(trim(text));
        const auto line = parseRegValueLine(s);
        if (!line) continue;
        const auto* def = catalog().find(line->name);
        ASSERT_NE(def, nullptr) << s;
        seen.insert(def->name);
        const auto raw = line->dwordHex ? RawValue::ofInt(std::stoll(*line->dwordHex, nullptr, 16))
                                        : RawValue::ofString(line->text);
        EXPECT_EQ(registryValueType(*def) == "REG_SZ", !line->dwordHex) << s;
        const auto coerced = coercePolicyValue(*def, raw);
        ASSERT_TRUE(coerced.value) << s << ": " << coerced.error;
        EXPECT_EQ(*coerced.value, def->example) << s;
    }
    EXPECT_EQ(seen.size(), catalog().policies.size());
}

// --- docs/policies.md ------------------------------------------------------------------------

TEST(PoliciesDoc, ListsEveryPolicyTheCoercionRulesAndEveryIntuneUri) {
    const auto doc = writePoliciesDoc(catalog());
    EXPECT_NE(doc.find(std::string(coercionRulesMarkdown())), std::string::npos);
    EXPECT_NE(doc.find(intuneAdmxInstallUri(catalog())), std::string::npos);
    for (const auto& def : catalog().policies) {
        EXPECT_NE(doc.find("| [" + def.name + "](#" + lowerAscii(def.name) + ") |"),
                  std::string::npos)
            << def.name;
        EXPECT_NE(doc.find("\n### " + def.name + "\n"), std::string::npos) << def.name;
    }
    // One URI per ADMX policy, with the category path Intune derives from the ADMX.
    const auto model = parseAdmx(writeAdmx(catalog()));
    for (const auto& policy : model.policies) {
        std::string path;
        for (const auto& c : model.categoryPath(policy)) path += "~" + c;
        const auto uri = "./Device/Vendor/MSFT/Policy/Config/" + intuneAppName(catalog()) +
                         "~Policy" + path + "/" + policy.name;
        EXPECT_NE(doc.find("```text\n" + uri + "\n```"), std::string::npos) << uri;
    }
    EXPECT_NE(doc.find("<enabled/><data id=\"DeviceIdRotationDays\" value=\"30\"/>"),
              std::string::npos);
    EXPECT_NE(doc.find("<enabled/><data id=\"EnforcementMode\" value=\"0\"/>"), std::string::npos);
}

// --- the tree as a whole ---------------------------------------------------------------------

TEST(TemplateTree, CommittedFilesAreByteEqualToTheGeneratorOutput) {
    for (const auto& file : generateTemplateTree(catalog())) {
        const auto committed = readFile(std::string(MPA_SOURCE_DIR) + "/" + file.path);
        EXPECT_TRUE(committed == file.content)
            << file.path << " differs from the generator's output (" << committed.size() << " vs "
            << file.content.size()
            << " bytes). Do not edit generated files: change policies/metalama.yaml, "
               "policies/telemetry-catalog.yaml or the writer, then run `metalama-policy-agent "
               "templates --out .` at the repository root.";
    }
}

TEST(TemplateTree, WritesEveryFileAndRewritesIdentically) {
    ScratchDir dir;
    const auto files = generateTemplateTree(catalog());
    ASSERT_EQ(writeTemplateTree(files, dir.path()), "");
    ASSERT_EQ(writeTemplateTree(files, dir.path()), "");  // over existing files
    for (const auto& file : files) EXPECT_EQ(dir.read(file.path), file.content) << file.path;
}

TEST(TemplateTree, APolicyAddedToTheDefinitionsAppearsInEveryArtefact) {
    const auto added = catalogWithAddedPolicy();
    const std::string name = "AddedQuotaPolicy";
    const auto files = generateTemplateTree(added);
    for (const auto& file : files) {
        if (file.path == kTelemetryCatalogDocPath) continue;  // generated from the tool catalog
        EXPECT_NE(file.content.find(name), std::string::npos) << file.path;
    }
    const auto model = parseAdmx(writeAdmx(added));
    std::set<std::string> policies;
    for (const auto& p : model.policies) policies.insert(p.name);
    EXPECT_TRUE(policies.count(name) && policies.count(name + "_Recommended"));
    // The recommended PolicyAgent category appears because the new policy needs it.
    EXPECT_NE(model.findCategory("PolicyAgent_Recommended"), nullptr);
    expectValidAgainstSchema(writeAdmx(added), writeAdml(added));
    EXPECT_TRUE(
        test::admxRuleViolations(writeAdmx(added), writeAdml(added), added.registryKey).empty());
}

// A new tool is one catalog entry and nothing else: its policy reaches every artefact (the ADMX
// valid against Microsoft's schema and the editor's rules, the ADML, the profile and its
// manifest, the Linux and .reg examples, policies.md, telemetry-catalog.md) and the desired
// state the targets enforce.
TEST(TemplateTree, AToolAddedToTheCatalogReachesEveryArtefactAndTheDesiredState) {
    const auto added = catalogWithAddedTool();
    const auto* def = added.find(kAddedTool);
    ASSERT_NE(def, nullptr);
    EXPECT_EQ(def->tool, "fictitious-cli");
    EXPECT_TRUE(def->recommendable);  // it has a per-user file
    // The switch for every tool names it too.
    EXPECT_NE(added.find(kAllToolsPolicy)->explanation.find(kAddedTool), std::string::npos);

    const auto files = generateTemplateTree(added);
    const auto builtinFiles = generateTemplateTree(catalog());
    ASSERT_EQ(files.size(), builtinFiles.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        SCOPED_TRACE(files[i].path);
        EXPECT_NE(files[i].content.find(kAddedTool), std::string::npos);
        EXPECT_EQ(builtinFiles[i].content.find(kAddedTool), std::string::npos);
    }
    const auto file = [&](const std::string& path) {
        for (const auto& f : files)
            if (f.path == path) return f.content;
        ADD_FAILURE() << path;
        return std::string();
    };
    // ADMX and ADML: both forms, in the tools' category, valid, with the generated texts.
    const auto admx = file("admx/Metalama.admx");
    const auto adml = file("admx/en-US/Metalama.adml");
    const auto model = parseAdmx(admx);
    std::map<std::string, const AdmxPolicyModel*> policies;
    for (const auto& p : model.policies) policies[p.name] = &p;
    ASSERT_TRUE(policies.count(kAddedTool));
    ASSERT_TRUE(policies.count(std::string(kAddedTool) + "_Recommended"));
    EXPECT_EQ(model.categoryPath(*policies[kAddedTool]),
              (std::vector<std::string>{catalog().product, kToolTelemetryCategory}));
    EXPECT_EQ(policies[kAddedTool]->valueName, kAddedTool);
    EXPECT_EQ(policies[kAddedTool]->key, catalog().registryKey);
    expectValidAgainstSchema(admx, adml);
    EXPECT_TRUE(test::admxRuleViolations(admx, adml, added.registryKey).empty());
    EXPECT_NE(adml.find(">Opt out of telemetry: Fictitious CLI</string>"), std::string::npos);
    for (const auto* text : {"FICTITIOUS_CLI_NO_TELEMETRY=1", "~/.fictitious/settings.json",
                             "%APPDATA%\\Fictitious\\settings.json",
                             "https://example.com/fictitious/telemetry", "2026-11-30"})
        EXPECT_NE(adml.find(text), std::string::npos) << text;
    // The profile holds the key and the manifest describes it, both read by libplist.
    const auto profile = parsePlist(file("installer/macos/com.postsharp.metalama.mobileconfig"));
    ASSERT_TRUE(profile);
    const auto payload =
        plistDict(plist_array_get_item(plistDict(profile.get()).at("PayloadContent"), 0));
    EXPECT_TRUE(payload.count(kAddedTool));
    const auto manifest = parsePlist(file("installer/macos/com.postsharp.metalama.manifest.plist"));
    ASSERT_TRUE(manifest);
    const auto subkeys = plistDict(manifest.get()).at("pfm_subkeys");
    bool described = false;
    for (uint32_t i = 0; i < plist_array_get_size(subkeys); ++i)
        described =
            described ||
            plistString(plistDict(plist_array_get_item(subkeys, i)).at("pfm_name")) == kAddedTool;
    EXPECT_TRUE(described);
    // The Linux examples name it at both levels; the documents give it a section and a row.
    for (const auto* path :
         {"policies/examples/managed/metalama.json", "policies/examples/recommended/metalama.json"})
        EXPECT_NE(file(path).find(std::string("\"") + kAddedTool + "\": false"), std::string::npos)
            << path;
    EXPECT_NE(file("policies/examples/managed/metalama.yaml")
                  .find("\n" + std::string(kAddedTool) + ": false\n"),
              std::string::npos);
    EXPECT_NE(file("policies/examples/metalama-policy.reg")
                  .find("\"" + std::string(kAddedTool) + "\"=dword:00000000"),
              std::string::npos);
    EXPECT_NE(file("docs/policies.md").find(std::string("\n### ") + kAddedTool + "\n"),
              std::string::npos);
    EXPECT_NE(file(kTelemetryCatalogDocPath)
                  .find("| Fictitious CLI (`fictitious-cli`) | Example Vendor | [" +
                        std::string(kAddedTool) + "]"),
              std::string::npos);
    EXPECT_NE(file(kTelemetryCatalogDocPath)
                  .find("[example.com](https://example.com/fictitious/telemetry) | 2026-11-30 |"),
              std::string::npos);

    // The agent enforces it: a mandatory value asks for the variable and the forced file key.
    SourceResult read{"test", {}, {}, {}};
    read.values.push_back(
        {kAddedTool,
         RawValue::ofBool(true),
         {"test source", "f", PolicyLevel::Mandatory, SourcePrecedence::EtcFile, 0}});
    const auto merged = mergePolicy(added, {read});
    ASSERT_TRUE(merged.issues.empty()) << merged.issues.front().describe();
    const auto desired = decideDesiredState(merged, added);
    ASSERT_EQ(desired.environment.size(), 1u);
    EXPECT_EQ(desired.environment[0].name, "FICTITIOUS_CLI_NO_TELEMETRY");
    EXPECT_EQ(desired.environment[0].value, "1");
    EXPECT_EQ(desired.environment[0].tool, "fictitious-cli");
    ASSERT_EQ(desired.userFiles.size(), 1u);
    EXPECT_EQ(desired.userFiles[0].file.key, "telemetry.enabled");
    EXPECT_EQ(desired.userFiles[0].file.linuxPath, "~/.fictitious/settings.json");
    EXPECT_TRUE(desired.userFiles[0].force);
}

}  // namespace
}  // namespace mpa
