// installer/intune/: the rules JSON uses only what Intune documents (fields, operators, data
// types, limits), every SettingName is in `compliance --format intune`'s output with the type
// the rule declares, no rule passes on a machine with no record, and the discovery scripts call
// that command.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "store/compliance_summary.hpp"

namespace mpa {
namespace {

std::string readSource(const std::string& relative) {
    std::ifstream in(std::string(MPA_SOURCE_DIR) + "/" + relative, std::ios::binary);
    EXPECT_TRUE(in) << relative;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Whether a JSON value has the type an Intune DataType names (Double, DateTime: not used here).
bool hasDataType(const Poco::Dynamic::Var& value, const std::string& type) {
    if (type == "Boolean") return value.isBoolean();
    if (type == "Int64") return value.isInteger() && !value.isBoolean();
    if (type == "String" || type == "Version") return value.isString();
    return false;
}

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

TEST(IntuneRules, UseOnlyDocumentedFieldsOperatorsAndDataTypes) {
    const auto text = readSource("installer/intune/compliance-rules.json");
    EXPECT_LE(text.size(), 100u * 1024u);
    const auto root = parseObject(text);
    EXPECT_EQ(root->getNames(), std::vector<std::string>{"Rules"});
    const auto rules = root->getArray("Rules");
    ASSERT_GT(rules->size(), 0u);
    EXPECT_LE(rules->size(), 100u);
    const std::set<std::string> fields{"SettingName", "Operator",    "DataType",
                                       "Operand",     "MoreInfoUrl", "RemediationStrings"};
    const std::set<std::string> operators{"IsEquals",      "NotEquals", "GreaterThan",
                                          "GreaterEquals", "LessThan",  "LessEquals"};
    const std::set<std::string> types{"Boolean", "Int64",    "Double",
                                      "String",  "DateTime", "Version"};
    for (unsigned i = 0; i < rules->size(); ++i) {
        const auto rule = rules->getObject(i);
        ASSERT_TRUE(rule) << "rule " << i << " is not an object";
        for (const auto& name : rule->getNames())
            EXPECT_TRUE(fields.count(name)) << "rule " << i << ": undocumented field " << name;
        for (const auto& name : fields)
            EXPECT_TRUE(rule->has(name)) << "rule " << i << ": missing " << name;
        EXPECT_TRUE(operators.count(rule->getValue<std::string>("Operator"))) << i;
        const auto type = rule->getValue<std::string>("DataType");
        EXPECT_TRUE(types.count(type)) << i;
        EXPECT_TRUE(hasDataType(rule->get("Operand"), type)) << "rule " << i << ": operand";
        const auto op = rule->getValue<std::string>("Operator");
        EXPECT_TRUE(type != "Boolean" || op == "IsEquals" || op == "NotEquals") << i;
        const auto strings = rule->getArray("RemediationStrings");
        ASSERT_TRUE(strings) << i;
        bool english = false;
        for (unsigned j = 0; j < strings->size(); ++j) {
            const auto s = strings->getObject(j);
            EXPECT_EQ(s->size(), 3u) << i;
            english = english || s->getValue<std::string>("Language") == "en_US";
            EXPECT_FALSE(s->getValue<std::string>("Title").empty());
            EXPECT_FALSE(s->getValue<std::string>("Description").empty());
        }
        EXPECT_TRUE(english) << "rule " << i << " has no en_US remediation string";
    }
}

TEST(IntuneRules, EverySettingNameIsInTheCommandOutputWithItsType) {
    ComplianceSummary summary;
    summary.agentVersion = "0.1.0";
    const auto output = parseObject(complianceToIntuneJson(summary));
    const auto rules =
        parseObject(readSource("installer/intune/compliance-rules.json"))->getArray("Rules");
    for (unsigned i = 0; i < rules->size(); ++i) {
        const auto rule = rules->getObject(i);
        const auto name = rule->getValue<std::string>("SettingName");
        ASSERT_TRUE(output->has(name)) << name << " is not in compliance --format intune";
        EXPECT_TRUE(hasDataType(output->get(name), rule->getValue<std::string>("DataType")))
            << name;
    }
}

// Intune's evaluation of one rule against the discovery output: a missing setting, or one of
// another type, is not compliant.
bool rulePasses(const Poco::JSON::Object::Ptr& rule, const Poco::JSON::Object::Ptr& output) {
    const auto name = rule->getValue<std::string>("SettingName");
    const auto type = rule->getValue<std::string>("DataType");
    if (!output->has(name) || !hasDataType(output->get(name), type)) return false;
    const auto op = rule->getValue<std::string>("Operator");
    if (type == "Boolean") {
        const bool equal = output->getValue<bool>(name) == rule->getValue<bool>("Operand");
        return op == "IsEquals" ? equal : !equal;
    }
    const auto value = output->getValue<Poco::Int64>(name);
    const auto operand = rule->getValue<Poco::Int64>("Operand");
    if (op == "IsEquals") return value == operand;
    if (op == "NotEquals") return value != operand;
    if (op == "GreaterThan") return value > operand;
    if (op == "GreaterEquals") return value >= operand;
    if (op == "LessThan") return value < operand;
    if (op == "LessEquals") return value <= operand;
    ADD_FAILURE() << "operator " << op;
    return false;
}

TEST(IntuneRules, NoRulePassesOnAMachineWithNoRecord) {
    const auto rules =
        parseObject(readSource("installer/intune/compliance-rules.json"))->getArray("Rules");
    // What the command prints without a database, and what the discovery script prints when
    // the agent is missing.
    const auto noRecord =
        parseObject(complianceToIntuneJson(summarizeCompliance(nullptr, {}, "0.1.0", "")));
    const auto notInstalled =
        parseObject(R"({"AgentHealthy":false,"Verdict":"agent not installed"})");
    // Control: a healthy, compliant machine passes every rule, so the evaluator can pass.
    ComplianceSummary healthy;
    healthy.agentHealthy = healthy.telemetryOptOutEnforced = healthy.environmentVariableSet = true;
    healthy.chainIntact = healthy.lastPassWithinDay = healthy.toolsCompliant = true;
    healthy.profilesCompliantPercent = 100;
    healthy.lastPassAgeMinutes = 30;
    const auto good = parseObject(complianceToIntuneJson(healthy));
    for (unsigned i = 0; i < rules->size(); ++i) {
        const auto rule = rules->getObject(i);
        const auto name = rule->getValue<std::string>("SettingName");
        EXPECT_FALSE(rulePasses(rule, noRecord)) << name << " passes with no record";
        EXPECT_FALSE(rulePasses(rule, notInstalled)) << name << " passes without the agent";
        EXPECT_TRUE(rulePasses(rule, good)) << name << " fails on a healthy machine";
    }
}

TEST(IntuneRules, DiscoveryScriptsCallTheComplianceCommand) {
    for (const char* script :
         {"installer/intune/discovery-linux.sh", "installer/intune/discovery-windows.ps1",
          "installer/intune/remediation-detect.ps1"}) {
        const auto text = readSource(script);
        EXPECT_NE(text.find("compliance --format intune"), std::string::npos) << script;
        EXPECT_LE(text.size(), 1024u * 1024u) << script;
    }
    // The detection script tests what the rules test, by the same names.
    const auto detect = readSource("installer/intune/remediation-detect.ps1");
    for (const char* name : {"AgentHealthy", "LastPassWithinDay", "TelemetryOptOutEnforced"})
        EXPECT_NE(detect.find("$s." + std::string(name)), std::string::npos) << name;
    EXPECT_NE(readSource("installer/intune/remediation-remediate.ps1").find("& $agent apply"),
              std::string::npos);
}

}  // namespace
}  // namespace mpa
