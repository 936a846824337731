#include "support/tool_policy_report.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace mpa::test {

const std::vector<std::string>& mandatoryToolPolicies() {
    static const std::vector<std::string> names = {"DotnetSdkTelemetryOptOut",
                                                   "AzureCliTelemetryOptOut", "SetDoNotTrack"};
    return names;
}

const std::string& recommendedToolPolicy() {
    static const std::string name = "AngularCliTelemetryOptOut";
    return name;
}

Poco::JSON::Object::Ptr parsePassJson(const std::string& text) {
    try {
        return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << text;
        return {};
    }
}

void expectToolPoliciesInEffect(const Poco::JSON::Object::Ptr& report, const std::string& origin) {
    ASSERT_TRUE(report);
    const auto values = report->getObject("policy")->getObject("values");
    auto names = mandatoryToolPolicies();
    names.push_back(recommendedToolPolicy());
    for (const auto& name : names) {
        SCOPED_TRACE(name);
        const auto value = values->getObject(name);
        ASSERT_TRUE(value) << "not in effect";
        EXPECT_TRUE(value->getValue<bool>("value"));
        const auto from = value->getObject("from");
        EXPECT_EQ(from->getValue<std::string>("level"),
                  name == recommendedToolPolicy() ? "recommended" : "mandatory");
        EXPECT_NE(from->getValue<std::string>("origin").find(origin), std::string::npos)
            << from->getValue<std::string>("origin");
    }
    EXPECT_EQ(report->getObject("policy")->getArray("errors")->size(), 0u);
}

void expectToolPoliciesDesired(const Poco::JSON::Object::Ptr& report, const std::string& system) {
    ASSERT_TRUE(report);
    const auto desired = report->getObject("desired");
    ASSERT_TRUE(desired);
    std::vector<std::string> environment;
    const auto env = desired->getArray("environment");
    for (std::size_t i = 0; i < env->size(); ++i) {
        const auto e = env->getObject(static_cast<unsigned>(i));
        environment.push_back(
            e->getValue<std::string>("name") + "=" + e->getValue<std::string>("value") + " " +
            e->getValue<std::string>("tool") + " " + e->getValue<std::string>("policy"));
    }
    EXPECT_EQ(environment,
              (std::vector<std::string>{
                  "AZURE_CORE_COLLECT_TELEMETRY=false azure-cli AzureCliTelemetryOptOut",
                  "DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet-sdk DotnetSdkTelemetryOptOut",
                  "DO_NOT_TRACK=1 do-not-track SetDoNotTrack"}));
    std::vector<std::string> files;
    const auto userFiles = desired->getArray("userFiles");
    for (std::size_t i = 0; i < userFiles->size(); ++i) {
        const auto f = userFiles->getObject(static_cast<unsigned>(i));
        files.push_back(f->getValue<std::string>("tool") + " " + f->getValue<std::string>(system) +
                        " " + f->getValue<std::string>("key") + "=" +
                        f->getValue<std::string>("value") +
                        (f->getValue<bool>("force") ? " forced" : " unless chosen"));
    }
    const bool windows = system == "windows";
    std::vector<std::string> expected = {
        std::string("azure-cli ") +
            (windows ? "%USERPROFILE%\\.azure\\config" : "~/.azure/config") +
            " collect_telemetry=false forced",
        std::string("angular-cli ") +
            (windows ? "%USERPROFILE%\\.angular-config.json" : "~/.angular-config.json") +
            " cli.analytics=false unless chosen",
        // The second Angular file has no Windows path: the target skips it there.
        std::string("angular-cli ") + (windows ? "" : "~/.config/angular/config.json") +
            " cli.analytics=false unless chosen"};
    EXPECT_EQ(files, expected);
}

std::string fileDifferences(const std::map<std::string, std::string>& before,
                            const std::map<std::string, std::string>& after) {
    std::string out;
    for (const auto& [path, bytes] : before) {
        const auto found = after.find(path);
        if (found == after.end())
            out += "gone: " + path + "\n";
        else if (found->second != bytes)
            out += "changed: " + path + "\n" + found->second + "\n";
    }
    for (const auto& [path, bytes] : after)
        if (!before.count(path)) out += "new: " + path + "\n" + bytes + "\n";
    return out;
}

}  // namespace mpa::test
