// The per-user settings-file editors: one key of a JSON, INI or YAML file set and taken back,
// every other byte kept.
#include "targets/settings_key_editor.hpp"

#include <gtest/gtest.h>

#include "targets/ini_settings_key.hpp"
#include "targets/json_settings_key.hpp"
#include "targets/yaml_settings_key.hpp"
#include "util/json_document.hpp"

namespace mpa {
namespace {

const std::vector<std::string> kAnalytics{"cli", "analytics"};

std::string setJson(std::string text, std::size_t* firstCreated,
                    const std::vector<std::string>& path = kAnalytics) {
    EXPECT_TRUE(setJsonKey(&text, path, "false", firstCreated));
    EXPECT_TRUE(json::validate(text, nullptr)) << text;
    return text;
}

TEST(JsonSettingsKey, CreatesTheFileWithTheNestedKey) {
    std::size_t created = 9;
    const auto text = setJson("", &created);
    EXPECT_EQ(text, "{\n  \"cli\": {\n    \"analytics\": false\n  }\n}\n");
    EXPECT_EQ(created, 0u);
    std::optional<std::string> raw;
    ASSERT_TRUE(readJsonKey(text, kAnalytics, &raw));
    EXPECT_EQ(raw, "false");
}

TEST(JsonSettingsKey, InsertsIntoTheToolsLayoutAndRemovesItByteForByte) {
    // As `ng config` writes it: two-space indentation, other members the agent knows nothing of.
    const std::string before =
        "{\n  \"version\": 1,\n  \"cli\": {\n    \"packageManager\": \"pnpm\",\n"
        "    \"completion\": {\"prompted\": true}\n  },\n  \"x-unknown\": [1, 2.50, "
        "\"\\u00e9\"]\n}\n";
    std::size_t created = 9;
    auto text = setJson(before, &created);
    EXPECT_EQ(created, 1u);
    EXPECT_NE(text.find("\"completion\": {\"prompted\": true},\n    \"analytics\": false\n  },"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("\"x-unknown\": [1, 2.50, \"\\u00e9\"]"), std::string::npos);
    ASSERT_TRUE(removeJsonKey(&text, kAnalytics, created));
    EXPECT_EQ(text, before);
}

TEST(JsonSettingsKey, CreatesTheParentObjectAndTakesItBackWhole) {
    const std::string before = "{\r\n\t\"version\": 1\r\n}";
    std::size_t created = 9;
    auto text = setJson(before, &created);
    EXPECT_EQ(created, 0u);
    EXPECT_EQ(text,
              "{\r\n\t\"version\": 1,\r\n\t\"cli\": {\r\n\t\t\"analytics\": false\r\n\t}\r\n}");
    ASSERT_TRUE(removeJsonKey(&text, kAnalytics, created));
    EXPECT_EQ(text, before);
}

TEST(JsonSettingsKey, ReplacesAValueInPlaceAndPutsThePriorBack) {
    const std::string before = "{\"cli\": {\"analytics\": \"a1b2\", \"warnings\": {}}, \"v\": 1}";
    std::optional<std::string> raw;
    ASSERT_TRUE(readJsonKey(before, kAnalytics, &raw));
    EXPECT_EQ(raw, "\"a1b2\"");
    std::size_t created = 0;
    auto text = setJson(before, &created);
    EXPECT_EQ(created, 2u);
    EXPECT_EQ(text, "{\"cli\": {\"analytics\": false, \"warnings\": {}}, \"v\": 1}");
    ASSERT_TRUE(setJsonKey(&text, kAnalytics, *raw, &created));
    EXPECT_EQ(text, before);
}

TEST(JsonSettingsKey, TheCreatedParentStaysWhenTheUserAddedToIt) {
    std::size_t created = 9;
    auto text = setJson("{}", &created);
    ASSERT_EQ(created, 0u);
    ASSERT_TRUE(setJsonKey(&text, {"cli", "packageManager"}, "\"npm\"", &created));
    ASSERT_TRUE(removeJsonKey(&text, kAnalytics, 0));
    std::optional<std::string> raw;
    ASSERT_TRUE(readJsonKey(text, {"cli", "packageManager"}, &raw));
    EXPECT_EQ(raw, "\"npm\"");
    ASSERT_TRUE(readJsonKey(text, kAnalytics, &raw));
    EXPECT_FALSE(raw);
}

TEST(JsonSettingsKey, MalformedTextAndAParentThatIsNoObjectAreErrors) {
    std::optional<std::string> raw;
    const auto comment = readJsonKey("{\"cli\": {}, // x\n}", kAnalytics, &raw);
    EXPECT_FALSE(comment);
    EXPECT_NE(comment.error.find("line 1"), std::string::npos) << comment.error;
    const auto scalar = readJsonKey("{\"cli\": true}", kAnalytics, &raw);
    EXPECT_FALSE(scalar);
    EXPECT_NE(scalar.error.find("cli is not an object"), std::string::npos) << scalar.error;
    std::string text = "[1]";
    std::size_t created = 0;
    EXPECT_FALSE(setJsonKey(&text, kAnalytics, "false", &created));
    EXPECT_EQ(text, "[1]");
}

TEST(JsonSettingsKey, TheLastOfRepeatedMembersCountsAndKeysAreMatchedExactly) {
    std::optional<std::string> raw;
    ASSERT_TRUE(readJsonKey("{\"cli\": {\"analytics\": 1, \"analytics\": 2}}", kAnalytics, &raw));
    EXPECT_EQ(raw, "2");
    ASSERT_TRUE(readJsonKey("{\"CLI\": {\"analytics\": 1}}", kAnalytics, &raw));
    EXPECT_FALSE(raw);
}

TEST(JsonSettingsKey, CatalogValuesBecomeJson) {
    EXPECT_EQ(jsonValueFor("false"), "false");
    EXPECT_EQ(jsonValueFor("0"), "0");
    EXPECT_EQ(jsonValueFor("off"), "\"off\"");
    EXPECT_EQ(jsonValueFor("\"x\""), "\"x\"");
}

// The Azure CLI's ~/.azure/config as `az config set` and `az login` leave it.
const std::string kAzureConfig =
    "# written by az\r\n[cloud]\r\nname = AzureCloud\r\n\r\n[core]\r\nfirst_run = yes\r\n"
    "output = jsonc\r\n\r\n[extension]\r\n; a comment\r\nuse_dynamic_install = yes_without_prompt"
    "\r\n";

TEST(IniSettingsKey, AddsTheKeyAtTheEndOfItsSectionKeepingEveryOtherLine) {
    std::string text = kAzureConfig;
    std::string added = "x";
    ASSERT_TRUE(setIniKey(&text, "core", "collect_telemetry", "false", &added));
    EXPECT_EQ(added, "");
    EXPECT_EQ(text,
              "# written by az\r\n[cloud]\r\nname = AzureCloud\r\n\r\n[core]\r\nfirst_run = yes\r\n"
              "output = jsonc\r\ncollect_telemetry = false\r\n\r\n[extension]\r\n; a comment\r\n"
              "use_dynamic_install = yes_without_prompt\r\n");
    std::optional<IniKey> key;
    ASSERT_TRUE(readIniKey(text, "core", "collect_telemetry", &key));
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "false");
    ASSERT_TRUE(restoreIniKey(&text, "core", "collect_telemetry", std::nullopt, added));
    EXPECT_EQ(text, kAzureConfig);
}

TEST(IniSettingsKey, ReplacesTheUsersValueAndPutsTheLineBack) {
    const std::string before = "[core]\nCollect_Telemetry=  yes  \noutput = json";
    std::optional<IniKey> key;
    ASSERT_TRUE(readIniKey(before, "core", "collect_telemetry", &key));
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "yes");
    EXPECT_EQ(key->lines, "Collect_Telemetry=  yes  ");
    std::string text = before;
    std::string added;
    ASSERT_TRUE(setIniKey(&text, "core", "collect_telemetry", "false", &added));
    EXPECT_EQ(text, "[core]\nCollect_Telemetry=  false\noutput = json");
    ASSERT_TRUE(restoreIniKey(&text, "core", "collect_telemetry", key->lines, added));
    EXPECT_EQ(text, before);
}

TEST(IniSettingsKey, AddsTheSectionAndTakesItBackByteForByte) {
    for (const std::string& before :
         {std::string(), std::string("[cloud]\nname = AzureCloud"),
          std::string("[cloud]\nname = AzureCloud\n"), std::string("[cloud]\nname = x\n\n")}) {
        std::string text = before;
        std::string added;
        ASSERT_TRUE(setIniKey(&text, "core", "collect_telemetry", "false", &added));
        std::optional<IniKey> key;
        ASSERT_TRUE(readIniKey(text, "core", "collect_telemetry", &key)) << text;
        ASSERT_TRUE(key) << text;
        EXPECT_NE(text.find("[core]\ncollect_telemetry = false\n"), std::string::npos) << text;
        ASSERT_TRUE(restoreIniKey(&text, "core", "collect_telemetry", std::nullopt, added));
        EXPECT_EQ(text, before);
    }
}

TEST(IniSettingsKey, TheSectionAddedToAWindowsFileUsesItsLineEndingsAndGoesExactly) {
    for (const std::string& before :
         {std::string("[cloud]\r\nname = x"), std::string("[cloud]\r\nname = x\r"),
          std::string("[cloud]\r")}) {
        std::string text = before;
        std::string added;
        ASSERT_TRUE(setIniKey(&text, "core", "collect_telemetry", "false", &added));
        std::optional<IniKey> key;
        ASSERT_TRUE(readIniKey(text, "core", "collect_telemetry", &key)) << text;
        ASSERT_TRUE(key && key->value == "false") << text;
        ASSERT_TRUE(restoreIniKey(&text, "core", "collect_telemetry", std::nullopt, added));
        EXPECT_EQ(text, before);
    }
    std::string text = "[cloud]\r\nname = x";
    std::string added;
    ASSERT_TRUE(setIniKey(&text, "core", "collect_telemetry", "false", &added));
    EXPECT_EQ(text, "[cloud]\r\nname = x\r\n\r\n[core]\r\ncollect_telemetry = false\r\n");
}

TEST(IniSettingsKey, AKeyOnTheLastLineWithoutLineEndingComesAndGoes) {
    const std::string before = "[core]\noutput = json";
    std::string text = before;
    std::string added;
    ASSERT_TRUE(setIniKey(&text, "core", "collect_telemetry", "false", &added));
    EXPECT_EQ(text, "[core]\noutput = json\ncollect_telemetry = false");
    ASSERT_TRUE(restoreIniKey(&text, "core", "collect_telemetry", std::nullopt, added));
    EXPECT_EQ(text, before);
    // A last line that ends in a lone '\r' keeps it: only the ending the agent added goes.
    for (const std::string& crBefore :
         {std::string("[core]\noutput = json\r"), std::string("[core]\r\noutput = json\r")}) {
        text = crBefore;
        ASSERT_TRUE(setIniKey(&text, "core", "collect_telemetry", "false", &added));
        ASSERT_TRUE(restoreIniKey(&text, "core", "collect_telemetry", std::nullopt, added));
        EXPECT_EQ(text, crBefore);
    }
}

TEST(IniSettingsKey, AKeyIsNotAddedWhereItWouldSwallowAnIndentedLine) {
    // configparser reads an indented line after a key as that key's value.
    // Here an indented header: after [core]'s header, read as a section; after a new key, read
    // as its value.
    const std::string before = "[core]\n\t[other]\nx = 1\n";
    std::string text = before;
    std::string added;
    const auto status = setIniKey(&text, "core", "collect_telemetry", "false", &added);
    EXPECT_FALSE(status);
    EXPECT_NE(status.error.find("line 2"), std::string::npos) << status.error;
    EXPECT_EQ(text, before);
    // A key continued on indented lines is read with them, and set without them.
    std::optional<IniKey> key;
    ASSERT_TRUE(readIniKey("[core]\ncollect_telemetry = false\n\n  more\n", "core",
                           "collect_telemetry", &key));
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "false\nmore");
    EXPECT_EQ(key->lines, "collect_telemetry = false\n\n  more");
}

TEST(IniSettingsKey, WhatConfigparserRefusesIsRefusedNamingTheLine) {
    std::optional<IniKey> key;
    auto status = readIniKey("[core]\na = 1\n[core]\n", "core", "a", &key);
    EXPECT_FALSE(status);
    EXPECT_NE(status.error.find("line 3"), std::string::npos) << status.error;
    status = readIniKey("a = 1\n[core]\n", "core", "a", &key);
    EXPECT_NE(status.error.find("line 1: a key before any section"), std::string::npos);
    status = readIniKey("[core]\nA = 1\na = 2\n", "core", "a", &key);
    EXPECT_NE(status.error.find("line 3: key a appears twice"), std::string::npos);
    status = readIniKey("[core]\njust words\n", "core", "a", &key);
    EXPECT_NE(status.error.find("line 2"), std::string::npos);
}

TEST(IniSettingsKey, AContinuedValueIsPartOfTheKey) {
    const std::string before = "[core]\ncollect_telemetry = yes\n  still yes\nnext = 1\n";
    std::optional<IniKey> key;
    ASSERT_TRUE(readIniKey(before, "core", "collect_telemetry", &key));
    ASSERT_TRUE(key);
    EXPECT_EQ(key->lines, "collect_telemetry = yes\n  still yes");
    std::string text = before;
    std::string added;
    ASSERT_TRUE(setIniKey(&text, "core", "collect_telemetry", "false", &added));
    EXPECT_EQ(text, "[core]\ncollect_telemetry = false\nnext = 1\n");
    ASSERT_TRUE(restoreIniKey(&text, "core", "collect_telemetry", key->lines, added));
    EXPECT_EQ(text, before);
}

TEST(SettingsKeyEditor, ATextFileIsReadByItsFirstWordAndComesBackWhole) {
    CatalogUserFile mode;  // the Go toolchain's telemetry mode file
    mode.format = SettingsFormat::Text;
    mode.value = "off";
    std::string why;
    const auto editor = makeSettingsKeyEditor(mode, &why);
    ASSERT_NE(editor, nullptr) << why;
    KeyObservation o;
    ASSERT_TRUE(editor->observe("off 2026-01-31\n", &o));
    EXPECT_TRUE(o.present);
    EXPECT_EQ(o.value, "off");
    ASSERT_TRUE(editor->observe(" \n", &o));
    EXPECT_FALSE(o.present);
    const std::string before = "local 2025-11-02";
    ASSERT_TRUE(editor->observe(before, &o));
    EXPECT_EQ(o.value, "local");
    std::string text = before, undo;
    ASSERT_TRUE(editor->set(&text, &undo));
    EXPECT_EQ(text, "off\n");
    ASSERT_TRUE(editor->restore(&text, o.raw, undo));
    EXPECT_EQ(text, before);
    ASSERT_TRUE(editor->restore(&text, std::nullopt, undo));
    EXPECT_TRUE(editor->isEmpty(text));
}

// Yarn's ~/.yarnrc.yml as `yarn config set` leaves it.
const std::string kYarnrc =
    "# Yarn settings\nnodeLinker: node-modules\nnpmScopes:\n  corp:\n    npmRegistryServer: "
    "\"https://npm.corp.example\"\n\nyarnPath: .yarn/releases/yarn-4.5.0.cjs\n";

std::optional<YamlKey> readYarn(std::string_view text) {
    std::optional<YamlKey> key;
    EXPECT_TRUE(readYamlKey(text, "enableTelemetry", &key)) << text;
    return key;
}

Status refusal(const std::string& text) {
    std::optional<YamlKey> key;
    auto status = readYamlKey(text, "enableTelemetry", &key);
    EXPECT_FALSE(status) << text;
    std::string edited = text, added;
    EXPECT_FALSE(setYamlKey(&edited, "enableTelemetry", "false", &added)) << text;
    EXPECT_EQ(edited, text);
    return status;
}

TEST(YamlSettingsKey, AnAbsentFileOrKeyGetsTheKeyAppendedAndTakenBackByteForByte) {
    for (const std::string& before :
         {std::string(), kYarnrc, std::string("nodeLinker: pnp"), std::string("---\n# c\n")}) {
        std::string text = before, added = "x";
        EXPECT_FALSE(readYarn(before));
        ASSERT_TRUE(setYamlKey(&text, "enableTelemetry", "false", &added));
        const auto key = readYarn(text);
        ASSERT_TRUE(key) << text;
        EXPECT_EQ(key->value, "false");
        EXPECT_EQ(key->line, "enableTelemetry: false");
        ASSERT_TRUE(restoreYamlKey(&text, "enableTelemetry", std::nullopt, added));
        EXPECT_EQ(text, before);
    }
    std::string text, added;
    ASSERT_TRUE(setYamlKey(&text, "enableTelemetry", "false", &added));
    EXPECT_EQ(text, "enableTelemetry: false\n");
    EXPECT_EQ(added, "");
    text = kYarnrc;
    ASSERT_TRUE(setYamlKey(&text, "enableTelemetry", "false", &added));
    EXPECT_EQ(text, kYarnrc + "enableTelemetry: false\n");
    text = "nodeLinker: pnp";  // no final line ending: the agent adds one and remembers it
    ASSERT_TRUE(setYamlKey(&text, "enableTelemetry", "false", &added));
    EXPECT_EQ(text, "nodeLinker: pnp\nenableTelemetry: false");
    EXPECT_EQ(added, "+eol");
}

TEST(YamlSettingsKey, TrueIsReplacedFalseInAnyCoreSchemaSpellingIsRead) {
    const std::string before = "nodeLinker: pnp\nenableTelemetry: true\nyarnPath: x.cjs\n";
    auto key = readYarn(before);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "true");
    std::string text = before, added;
    ASSERT_TRUE(setYamlKey(&text, "enableTelemetry", "false", &added));
    EXPECT_EQ(text, "nodeLinker: pnp\nenableTelemetry: false\nyarnPath: x.cjs\n");
    ASSERT_TRUE(restoreYamlKey(&text, "enableTelemetry", key->line, added));
    EXPECT_EQ(text, before);
    for (const char* spelling : {"false", "False", "FALSE"}) {
        key = readYarn(std::string("enableTelemetry: ") + spelling + "\n");
        ASSERT_TRUE(key);
        EXPECT_EQ(key->value, "false") << spelling;
    }
    key = readYarn("enableTelemetry: fALSE\n");  // not a boolean to YAML: a string
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "fALSE");
    key = readYarn("enableTelemetry:\n");  // null: present, no value
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "");
    text = "enableTelemetry:\n";
    ASSERT_TRUE(setYamlKey(&text, "enableTelemetry", "false", &added));
    EXPECT_EQ(text, "enableTelemetry: false\n");
}

TEST(YamlSettingsKey, QuotedKeysAndValuesAreReadAndTheCommentStays) {
    const std::string before = "'enableTelemetry': 'yes' # set by me\n";
    auto key = readYarn(before);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "yes");
    EXPECT_EQ(key->line, "'enableTelemetry': 'yes' # set by me");
    std::string text = before, added;
    ASSERT_TRUE(setYamlKey(&text, "enableTelemetry", "false", &added));
    EXPECT_EQ(text, "'enableTelemetry': false # set by me\n");
    ASSERT_TRUE(restoreYamlKey(&text, "enableTelemetry", key->line, added));
    EXPECT_EQ(text, before);
    key = readYarn("\"enableTelemetry\" : \"false\"\n");
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "false");
    key = readYarn("enableTelemetry: 'it''s on'\n");
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "it's on");
    text = "enableTelemetry: # off please\n";
    ASSERT_TRUE(setYamlKey(&text, "enableTelemetry", "false", &added));
    EXPECT_EQ(text, "enableTelemetry: false # off please\n");
    // A '#' inside a plain value is no comment: the value is the whole of it.
    key = readYarn("enableTelemetry: a#b\n");
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "a#b");
}

TEST(YamlSettingsKey, AWindowsFileKeepsItsLineEndingsAndComesBackExactly) {
    const std::string before = "nodeLinker: pnp\r\nenableTelemetry: TRUE # on\r\nx: 1";
    auto key = readYarn(before);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->value, "true");
    std::string text = before, added;
    ASSERT_TRUE(setYamlKey(&text, "enableTelemetry", "false", &added));
    EXPECT_EQ(text, "nodeLinker: pnp\r\nenableTelemetry: false # on\r\nx: 1");
    ASSERT_TRUE(restoreYamlKey(&text, "enableTelemetry", key->line, added));
    EXPECT_EQ(text, before);
    for (const std::string& absent : {std::string("x: 1\r\ny: 2"), std::string("x: 1\r\n")}) {
        text = absent;
        ASSERT_TRUE(setYamlKey(&text, "enableTelemetry", "false", &added));
        EXPECT_NE(text.find("\r\nenableTelemetry: false"), std::string::npos) << text;
        ASSERT_TRUE(readYarn(text));
        ASSERT_TRUE(restoreYamlKey(&text, "enableTelemetry", std::nullopt, added));
        EXPECT_EQ(text, absent);
    }
    text = "x: 1\r\ny: 2";
    ASSERT_TRUE(setYamlKey(&text, "enableTelemetry", "false", &added));
    EXPECT_EQ(text, "x: 1\r\ny: 2\r\nenableTelemetry: false");
    EXPECT_EQ(added, "+crlf");
}

TEST(YamlSettingsKey, WhatTheAgentCannotEditSafelyIsRefusedNamingTheLine) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"x: 1\nenableTelemetry:\n  false\n", "line 3: the value of enableTelemetry (line 2)"},
        {"enableTelemetry:\n- a\n", "line 2: a sequence entry"},
        {"enableTelemetry: [false]\n", "line 1: enableTelemetry holds a value starting with '['"},
        {"enableTelemetry: {a: 1}\n", "line 1: enableTelemetry holds a value starting with '{'"},
        {"enableTelemetry: |\n  false\n",
         "line 1: enableTelemetry holds a value starting with '|'"},
        {"enableTelemetry: >\n", "line 1: enableTelemetry holds a value starting with '>'"},
        {"enableTelemetry: &a false\n", "line 1: enableTelemetry holds a value starting with '&'"},
        {"enableTelemetry: *a\n", "line 1: enableTelemetry holds a value starting with '*'"},
        {"enableTelemetry: !!bool false\n",
         "line 1: enableTelemetry holds a value starting with '!'"},
        {"x: 1\n---\nenableTelemetry: true\n", "line 2: a second document"},
        {"x: 1\n...\n", "line 2: a document end marker"},
        {"enableTelemetry: true\nx: 2\nenableTelemetry: false\n",
         "line 3: enableTelemetry appears twice (first on line 1)"},
        {"x:\n\t y: 1\n", "line 2: a tab in the indentation"},
        {"# c\n- enableTelemetry: false\n", "line 2: a sequence entry at the top level"},
        {"just words\n", "line 1: not a key: value line"},
        {"  enableTelemetry: true\n", "line 1: indented content before any top-level key"},
        {"x: 1\renableTelemetry: true\n", "line 1: a carriage return without a line feed"},
        {"x: \"a\nenableTelemetry: true\"\n", "line 1: a quoted value goes on past its line"},
        {"? enableTelemetry\n: true\n", "line 1: an explicit key"},
        {"\"enable\\x54elemetry\": true\n", "line 1: a quoted key with escapes"},
        {"enableTelemetry: a: b\n", "line 1: the value of enableTelemetry holds a mapping"},
        {"[enableTelemetry]\n", "line 1: the top level starts with '['"},
    };
    for (const auto& [text, error] : cases) {
        const auto status = refusal(text);
        EXPECT_NE(status.error.find(error), std::string::npos) << text << "\n" << status.error;
    }
}

TEST(SettingsKeyEditor, YarnsCatalogEntryGetsTheYamlEditor) {
    CatalogUserFile yaml;
    yaml.format = SettingsFormat::Yaml;
    yaml.key = "enableTelemetry";
    yaml.value = "false";
    std::string why;
    const auto editor = makeSettingsKeyEditor(yaml, &why);
    ASSERT_NE(editor, nullptr) << why;
    EXPECT_EQ(editor->keyName(), "enableTelemetry");
    KeyObservation o;
    ASSERT_TRUE(editor->observe("enableTelemetry: False # mine\n", &o));
    EXPECT_TRUE(o.present);
    EXPECT_EQ(o.value, editor->desiredValue());
    EXPECT_EQ(o.raw, "enableTelemetry: False # mine");
    yaml.key.clear();
    EXPECT_EQ(makeSettingsKeyEditor(yaml, &why), nullptr);
    EXPECT_NE(why.find("names no key"), std::string::npos) << why;
    CatalogUserFile ini;
    ini.format = SettingsFormat::Ini;
    ini.section = "core";
    ini.key = "collect_telemetry";
    ini.value = "false";
    const auto iniEditor = makeSettingsKeyEditor(ini, &why);
    ASSERT_NE(iniEditor, nullptr);
    EXPECT_EQ(iniEditor->keyName(), "[core] collect_telemetry");
}

}  // namespace
}  // namespace mpa
