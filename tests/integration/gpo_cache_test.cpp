// End to end: a scratch root holding a Samba GPO cache with two GPOs that disagree. `apply`
// enforces the policy they set; `status` shows both, the winner and the overridden value.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "sources/registry_pol.hpp"
#include "support/registry_pol_builder.hpp"
#include "support/scratch_dir.hpp"

namespace mpa {
namespace {

struct Result {
    int code;
    std::string out;
};

Result run(const std::string& args) {
    const std::string command = std::string(MPA_AGENT_BINARY) + " " + args + " 2>&1";
    FILE* p = popen(command.c_str(), "r");
    if (!p) return {-1, {}};
    std::string out;
    char buffer[4096];
    while (const auto n = fread(buffer, 1, sizeof buffer, p)) out.append(buffer, n);
    const int status = pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

const char* kKey = "SOFTWARE\\Policies\\PostSharp\\Metalama";
const std::string kGpoA = "{AAAAAAAA-1111-2222-3333-444444444444}";
const std::string kGpoB = "{BBBBBBBB-1111-2222-3333-444444444444}";

TEST(GpoCacheEndToEnd, ApplyEnforcesAndStatusShowsBothGposWithTheConflict) {
    test::ScratchDir root;
    root.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
    root.write("etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\n");
    // The direct cache reader is a fallback that must be configured.
    root.write("etc/metalama/agent.yaml", "samba_gpo_cache: /var/cache/samba/gpo_cache\n", 0644);
    const std::string policies = "var/cache/samba/gpo_cache/EXAMPLE.COM/POLICIES/";
    using test::dwordBytes;
    using test::pregRecord;
    // GPO A: machine version 5 (ranks above B's 2): opts out, sets the reset token.
    root.write(policies + kGpoA + "/GPT.INI", "[General]\r\nVersion=5\r\n", 0600);
    root.write(policies + kGpoA + "/MACHINE/REGISTRY.POL",
               test::pregHeader() + pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(1)) +
                   pregRecord(kKey, "DeviceIdResetToken", kRegSz, test::pregSz("gpo-a")),
               0600);
    // GPO B: disagrees on TelemetryOptOut, adds another policy.
    root.write(policies + kGpoB + "/GPT.INI", "[General]\r\nVersion=2\r\n", 0600);
    root.write(policies + kGpoB + "/MACHINE/REGISTRY.POL",
               test::pregHeader() + pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(0)) +
                   pregRecord(kKey, "DisableUsageReporting", kRegDword, dwordBytes(1)),
               0600);

    const auto apply = run("--root '" + root.path() + "' apply");
    EXPECT_EQ(apply.code, 0) << apply.out;
    EXPECT_NE(root.read("etc/environment").find("METALAMA_TELEMETRY_OPT_OUT=1"), std::string::npos)
        << apply.out;

    const auto status = run("--root '" + root.path() + "' status");
    EXPECT_EQ(status.code, 0) << status.out;
    const auto winner = status.out.find("TelemetryOptOut = true  (mandatory, Group Policy file");
    ASSERT_NE(winner, std::string::npos) << status.out;
    const auto winnerLineEnd = status.out.find('\n', winner);
    EXPECT_NE(status.out.substr(winner, winnerLineEnd - winner).find(kGpoA), std::string::npos);
    const auto overridden = status.out.find("overrides false", winnerLineEnd);
    ASSERT_NE(overridden, std::string::npos) << status.out;
    EXPECT_NE(
        status.out.substr(overridden, status.out.find('\n', overridden) - overridden).find(kGpoB),
        std::string::npos)
        << status.out;
    EXPECT_NE(status.out.find("DisableUsageReporting = true"), std::string::npos);
    EXPECT_NE(status.out.find("DeviceIdResetToken = \"gpo-a\""), std::string::npos);

    // The same files inspected one by one.
    const auto inspect =
        run("gpo inspect '" + root.abs(policies + kGpoB + "/MACHINE/REGISTRY.POL") + "' --json");
    EXPECT_EQ(inspect.code, 0) << inspect.out;
    EXPECT_NE(inspect.out.find("\"DisableUsageReporting\""), std::string::npos) << inspect.out;
}

}  // namespace
}  // namespace mpa
