// systemd's own tools read what the machine-environment targets wrote to a scratch root: the
// user environment generator parses the environment.d drop-in, and systemd-analyze finds the
// system.conf drop-in where PID 1 looks; a real `su -l` login gets each variable of
// /etc/environment as the agent reports it. Integration tests: they run the host's tools, where
// installed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "support/agent_process.hpp"
#include "support/env_targets_fixture.hpp"
#include "support/missing_tool.hpp"

namespace mpa::test {
namespace {

using ::testing::HasSubstr;

TEST_F(EnvTargetsTest, SystemdEnvironmentGeneratorReadsTheEnvironmentDFile) {
    const std::string generator =
        "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator";
    MPA_SKIP_IF_MISSING(missingTool(generator, "systemd"));
    pass(optOut());
    // The generator takes no root; it does read $XDG_CONFIG_HOME/environment.d/*.conf (the
    // user's own directory) with the same parser as /etc/environment.d, so pointing
    // XDG_CONFIG_HOME at <root>/etc makes it parse exactly the file the agent wrote.
    const auto before =
        runProcess({"/usr/bin/env", "-i", "XDG_CONFIG_HOME=/nonexistent", generator});
    ASSERT_EQ(before.exitCode, 0) << before.err;
    if (before.out.find("METALAMA_TELEMETRY_OPT_OUT=") != std::string::npos)
        GTEST_SKIP() << "the host's own environment.d already sets the variable";
    const auto after =
        runProcess({"/usr/bin/env", "-i", "XDG_CONFIG_HOME=" + scratch.abs("etc"), generator});
    ASSERT_EQ(after.exitCode, 0) << after.err;
    EXPECT_THAT(after.out, HasSubstr("METALAMA_TELEMETRY_OPT_OUT=1\n"));
}

// Each variable the policy names is its own line of the drop-in, and the generator gets each.
TEST_F(EnvTargetsTest, SystemdEnvironmentGeneratorGetsEveryVariableOfTheDropIn) {
    const std::string generator =
        "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator";
    MPA_SKIP_IF_MISSING(missingTool(generator, "systemd"));
    pass(withVariables({metalamaVariable(),
                        {"DOTNET_CLI_TELEMETRY_OPTOUT", "1", "dotnet-sdk", "p1"},
                        {"DO_NOT_TRACK", "1", "do-not-track", "p2"}}));
    const auto result =
        runProcess({"/usr/bin/env", "-i", "XDG_CONFIG_HOME=" + scratch.abs("etc"), generator});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    for (const char* line :
         {"METALAMA_TELEMETRY_OPT_OUT=1\n", "DOTNET_CLI_TELEMETRY_OPTOUT=1\n", "DO_NOT_TRACK=1\n"})
        EXPECT_THAT(result.out, HasSubstr(line));
}

TEST_F(EnvTargetsTest, SystemdAnalyzeFindsTheSystemConfDropIn) {
    MPA_SKIP_IF_MISSING(missingTool("/usr/bin/systemd-analyze", "systemd"));
    pass(optOut());
    // cat-config lists the drop-ins systemd would read for system.conf under --root: proof that
    // the file sits where PID 1 looks (DefaultEnvironment's parsing is PID 1's own).
    const auto result = runProcess({"/usr/bin/systemd-analyze", "cat-config", "--no-pager",
                                    "--root=" + scratch.path(), "systemd/system.conf"});
    const auto out = result.out + result.err;
    EXPECT_THAT(out, HasSubstr("# " + scratch.abs(kSystemConfD) + "\n"));
    EXPECT_THAT(out, HasSubstr("\n[Manager]\nDefaultEnvironment=METALAMA_TELEMETRY_OPT_OUT=1"));
}

// pam_env per variable: a real `su -l` login, in a private mount namespace where the scratch
// root's /etc/environment and pam_env.conf are bound over the machine's, gets every variable the
// agent reports compliant, and the overridden one with the value the agent reports.
TEST_F(EnvTargetsTest, ARealSuLoginGetsEachVariableAsTheAgentReports) {
    for (const char* tool : {"/usr/bin/unshare", "/usr/bin/su"})
        MPA_SKIP_IF_MISSING(missingTool(tool, "util-linux"));
    if (runProcess({"/usr/bin/unshare", "-m", "true"}).exitCode != 0)
        GTEST_SKIP() << "unshare -m needs CAP_SYS_ADMIN";
    scratch.write("etc/security/pam_env.conf", "DO_NOT_TRACK DEFAULT=0\n");
    const auto findings =
        pass(withVariables({metalamaVariable(),
                            {"DOTNET_CLI_TELEMETRY_OPTOUT", "1", "dotnet-sdk", "p1"},
                            {"DO_NOT_TRACK", "1", "do-not-track", "p2"}}));
    EXPECT_EQ(subject(findings, "/etc/environment#DO_NOT_TRACK").outcome, Outcome::NonCompliant);
    EXPECT_EQ(subject(findings, "/etc/environment#DOTNET_CLI_TELEMETRY_OPTOUT").outcome,
              Outcome::Remediated);
    EXPECT_EQ(subject(findings, "/etc/environment").outcome, Outcome::Remediated);
    const std::string script =
        "set -e\nmount --bind '" + scratch.abs(kEtcEnvironment) +
        "' /etc/environment\nmount --bind '" + scratch.abs("etc/security/pam_env.conf") +
        "' /etc/security/pam_env.conf\nsu -l root -c 'printenv METALAMA_TELEMETRY_OPT_OUT "
        "DOTNET_CLI_TELEMETRY_OPTOUT DO_NOT_TRACK'\n";
    const auto su =
        runProcess({"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c", script});
    EXPECT_EQ(su.out, "1\n1\n0\n") << su.err;
}

}  // namespace
}  // namespace mpa::test
