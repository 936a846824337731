// Reading `launchctl print system` (service_manager_mac.cpp): the domain's own environment
// block, not those of the services printed inside it. The sample is shaped as launchctl(1)
// prints a domain (blocks "name = {" ... "}", entries "KEY => VALUE"); it was not captured on a
// Mac (docs/deploy-macos.md, "Not verified").
#include <gtest/gtest.h>

#include "platform/launchd.hpp"

namespace mpa {
namespace {

TEST(LaunchctlOutput, TheDomainsEnvironmentBlockBecomesKeyValueEntries) {
    const std::string printed =
        "system = {\n"
        "\ttype = system\n"
        "\thandle = 0\n"
        "\tenvironment = {\n"
        "\t\tPATH => /usr/bin:/bin:/usr/sbin:/sbin\n"
        "\t\tMETALAMA_TELEMETRY_OPT_OUT => 1\n"
        "\t\tWITH_ARROW => a => b\n"
        "\t}\n"
        "\tservices = {\n"
        "\t\tcom.example.job = {\n"
        "\t\t\tenvironment = {\n"
        "\t\t\t\tNOT_THE_DOMAINS => 1\n"
        "\t\t\t}\n"
        "\t\t}\n"
        "\t}\n"
        "}\n";
    EXPECT_EQ(platform::parseLaunchctlEnvironment(printed),
              (std::vector<std::string>{"PATH=/usr/bin:/bin:/usr/sbin:/sbin",
                                        "METALAMA_TELEMETRY_OPT_OUT=1", "WITH_ARROW=a => b"}));
}

TEST(LaunchctlOutput, NoEnvironmentBlockIsAnEmptyEnvironment) {
    EXPECT_TRUE(platform::parseLaunchctlEnvironment("system = {\n\ttype = system\n}\n").empty());
    EXPECT_TRUE(platform::parseLaunchctlEnvironment("").empty());
}

}  // namespace
}  // namespace mpa
