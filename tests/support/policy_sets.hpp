#pragma once
// Every kind of policy an administrator can set, as drop-in files of the demo root
// (scripts/make-demo-root.sh): the cases the end-to-end policy tests run the real binary
// through (tests/integration/policy_fixed_point_test.cpp, service_policies_test.cpp).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace mpa::test {

struct PolicySet {
    std::string name;
    std::string managed;      // etc/metalama/policies/managed/10-policy.json, empty: none
    std::string recommended;  // etc/metalama/policies/recommended/50-policy.json, empty: none
};

inline std::ostream& operator<<(std::ostream& out, const PolicySet& set) {
    return out << set.name;
}

inline const std::vector<PolicySet>& policySets() {
    static const std::vector<PolicySet> sets = {
        PolicySet{"MandatoryOptOut", R"({"TelemetryOptOut": true})", ""},
        PolicySet{"RecommendedOptOut", "", R"({"TelemetryOptOut": true})"},
        PolicySet{"RecommendedSomeActions", "",
                  R"({"DisableUsageReporting": true, "DisableExceptionReporting": true})"},
        PolicySet{"MandatoryOneAction", R"({"DisableUsageReporting": true})", ""},
        PolicySet{"MandatoryAndRecommended", R"({"DisablePerformanceProblemReporting": true})",
                  R"({"TelemetryOptOut": true, "DisableUsageReporting": true})"},
        PolicySet{"DeviceIdRotationAndReset",
                  R"({"TelemetryOptOut": true, "DeviceIdRotationDays": 30,
                      "DeviceIdResetToken": "2026-12"})",
                  ""},
        PolicySet{"ProfilesNotManaged", R"({"TelemetryOptOut": true, "ManageUserProfiles": false})",
                  ""},
        PolicySet{"AuditOnly", R"({"TelemetryOptOut": true, "EnforcementMode": "AuditOnly"})", ""},
        PolicySet{"EveryCatalogTool", R"({"AllCatalogToolsTelemetryOptOut": true})", ""},
        PolicySet{"RecommendedUserSettingsFiles", "",
                  R"({"AzureCliTelemetryOptOut": true, "AngularCliTelemetryOptOut": true,
                      "YarnTelemetryOptOut": true, "GoToolchainTelemetryOptOut": true,
                      "TurborepoTelemetryOptOut": true})"},
        PolicySet{"MandatoryUserSettingsFilesAndDoNotTrack",
                  R"({"AzureCliTelemetryOptOut": true, "AngularCliTelemetryOptOut": true,
                      "YarnTelemetryOptOut": true, "GoToolchainTelemetryOptOut": true,
                      "TurborepoTelemetryOptOut": true, "SetDoNotTrack": true})",
                  ""}};
    return sets;
}

inline std::string nameOf(const ::testing::TestParamInfo<PolicySet>& param) {
    return param.param.name;
}

// Replaces the policy drop-ins of the root `root` with these (empty: none at that level).
inline void writePolicies(const std::string& root, const std::string& managed,
                          const std::string& recommended) {
    const auto policies = root + "/etc/metalama/policies/";
    for (const char* level : {"managed", "recommended"})
        for (const auto& e : std::filesystem::directory_iterator(policies + level))
            std::filesystem::remove(e.path());
    const auto write = [](const std::string& path, const std::string& content) {
        FILE* f = std::fopen(path.c_str(), "w");
        ASSERT_NE(f, nullptr) << path;
        std::fputs(content.c_str(), f);
        std::fclose(f);
        ::chmod(path.c_str(), 0644);  // whatever the umask: a policy others can write is refused
    };
    if (!managed.empty()) write(policies + "managed/10-policy.json", managed);
    if (!recommended.empty()) write(policies + "recommended/50-policy.json", recommended);
}

}  // namespace mpa::test
