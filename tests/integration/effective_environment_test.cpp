// Compliance is what processes get: other people's drop-ins that set the variable after ours
// (environment.d, system.conf.d, profile.d, pam_env.conf) make `apply` non-compliant, naming the
// file and line, and the Intune summary says the variable is not set. The agent's verdict is
// checked against the real readers on this machine: systemd's environment.d generator and a real
// `su -l` login (pam_env), each run in a private mount namespace where the scratch root's files
// are bind-mounted over the machine's, so the machine itself is never changed.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "support/agent_process.hpp"
#include "support/missing_tool.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

constexpr const char* kGenerator =
    "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator";

class EffectiveEnvironment : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the demo root gives files to users: needs root";
        const auto made = runProcess({sourceDir() + "/scripts/make-demo-root.sh", dir()});
        ASSERT_EQ(made.exitCode, 0) << made.err;
    }
    std::string dir() const { return root.abs("r"); }
    void write(const std::string& rel, const std::string& content) {
        root.write("r/" + rel, content, 0644);
    }
    void remove(const std::string& rel) { ::unlink(root.abs("r/" + rel).c_str()); }
    ProcessResult agent(const std::vector<std::string>& args) { return runAgent(dir(), args); }
    // `command` in a private mount namespace with each (scratch file, machine path) bound.
    ProcessResult isolated(const std::vector<std::pair<std::string, std::string>>& binds,
                           const std::string& command) {
        std::string script = "set -e\n";
        for (const auto& [from, to] : binds)
            script += "mount --bind '" + root.abs("r/" + from) + "' '" + to + "'\n";
        script += command + "\n";
        return runProcess(
            {"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c", script});
    }
    // Empty when private mount namespaces work here; else what is missing.
    static std::string missingNamespaces() {
        if (auto missing = missingTool("/usr/bin/unshare", "util-linux"); !missing.empty())
            return missing;
        const auto probe = runProcess({"/usr/bin/unshare", "-m", "true"});
        if (probe.exitCode == 0) return "";
        return "unshare -m fails: the tests need CAP_SYS_ADMIN: " + probe.err;
    }

    ScratchDir root;
};

TEST_F(EffectiveEnvironment, LaterDropInsOverrideAndAreNamedWithFileAndLine) {
    write("etc/environment.d/zzz-dev.conf", "# a developer's\nMETALAMA_TELEMETRY_OPT_OUT=0\n");
    write("etc/systemd/system.conf.d/zzz-dev.conf",
          "[Manager]\nDefaultEnvironment=LANG=C METALAMA_TELEMETRY_OPT_OUT=0\n");
    write("etc/profile.d/zzz-dev.sh", "export METALAMA_TELEMETRY_OPT_OUT=0\n");
    write("etc/security/pam_env.conf", "METALAMA_TELEMETRY_OPT_OUT DEFAULT=0\n");
    // A second line in /etc/environment is the agent's to fix: it keeps exactly one.
    write("etc/environment", "LANG=C\nMETALAMA_TELEMETRY_OPT_OUT=0\n");

    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 3) << applied.out << applied.err;
    for (const char* origin : {"overridden by /etc/environment.d/zzz-dev.conf:2",
                               "overridden by /etc/systemd/system.conf.d/zzz-dev.conf:2",
                               "overridden by /etc/profile.d/zzz-dev.sh:1",
                               "overridden by /etc/security/pam_env.conf:1"})
        EXPECT_NE(applied.out.find(origin), std::string::npos) << origin << "\n" << applied.out;
    EXPECT_EQ(root.read("r/etc/environment"), "LANG=C\nMETALAMA_TELEMETRY_OPT_OUT=1\n");

    const auto intune = agent({"compliance", "--format", "intune"});
    const auto summary = Poco::JSON::Parser().parse(intune.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_FALSE(summary->getValue<bool>("EnvironmentVariableSet")) << intune.out;

    // Every override gone: compliant, and the Intune summary agrees.
    for (const char* rel :
         {"etc/environment.d/zzz-dev.conf", "etc/systemd/system.conf.d/zzz-dev.conf",
          "etc/profile.d/zzz-dev.sh", "etc/security/pam_env.conf"})
        remove(rel);
    const auto again = agent({"apply"});
    EXPECT_EQ(again.exitCode, 0) << again.out << again.err;
    const auto after = Poco::JSON::Parser()
                           .parse(agent({"compliance", "--format", "intune"}).out)
                           .extract<Poco::JSON::Object::Ptr>();
    EXPECT_TRUE(after->getValue<bool>("EnvironmentVariableSet"));
}

// The agent's drop-ins sort after the usual numbered ones: a developer's 99-*.conf and a
// profile script named like most are read before them, so the machine stays compliant.
TEST_F(EffectiveEnvironment, NumberedDropInsNoLongerWin) {
    write("etc/environment.d/99-dev.conf", "METALAMA_TELEMETRY_OPT_OUT=0\n");
    write("etc/systemd/system.conf.d/99-dev.conf",
          "[Manager]\nDefaultEnvironment=METALAMA_TELEMETRY_OPT_OUT=0\n");
    write("etc/profile.d/vendor-tools.sh", "export METALAMA_TELEMETRY_OPT_OUT=0\n");
    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 0) << applied.out << applied.err;
    EXPECT_EQ(applied.out.find("overridden by"), std::string::npos) << applied.out;
}

TEST_F(EffectiveEnvironment, SystemdsOwnGeneratorAgreesWithTheAgent) {
    MPA_SKIP_IF_MISSING(missingNamespaces());
    MPA_SKIP_IF_MISSING(missingTool(kGenerator, "systemd"));
    // Debian's own layout: /usr/lib/environment.d/99-environment.conf -> /etc/environment.
    root.mkdirs("r/usr/lib/environment.d");
    root.symlink("/etc/environment", "r/usr/lib/environment.d/99-environment.conf");
    // After 99-environment.conf (which is /etc/environment, =1 once applied) in name order.
    write("etc/environment.d/zzz-local.conf", "METALAMA_TELEMETRY_OPT_OUT=0\n");
    // The whole scratch /etc over the machine's (a machine may have no /etc/environment.d to
    // bind onto); /usr/lib/environment.d too when the machine has one.
    std::vector<std::pair<std::string, std::string>> binds = {{"etc", "/etc"}};
    if (::access("/usr/lib/environment.d", F_OK) == 0)
        binds.push_back({"usr/lib/environment.d", "/usr/lib/environment.d"});
    const std::string generate = std::string("env -i XDG_CONFIG_HOME=/nonexistent ") + kGenerator;

    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 3) << applied.out;
    EXPECT_NE(applied.out.find("systemd user sessions get METALAMA_TELEMETRY_OPT_OUT=0"),
              std::string::npos)
        << applied.out;
    auto generated = isolated(binds, generate);
    ASSERT_EQ(generated.exitCode, 0) << generated.err;
    EXPECT_NE(generated.out.find("\nMETALAMA_TELEMETRY_OPT_OUT=0\n"), std::string::npos)
        << "the generator gives what the agent reported:\n"
        << generated.out;

    remove("etc/environment.d/zzz-local.conf");
    const auto fixed = agent({"apply"});
    EXPECT_EQ(fixed.exitCode, 0) << fixed.out;
    generated = isolated(binds, generate);
    EXPECT_NE(("\n" + generated.out).find("\nMETALAMA_TELEMETRY_OPT_OUT=1\n"), std::string::npos)
        << generated.out;
}

TEST_F(EffectiveEnvironment, ARealSuLoginAgreesWithTheAgent) {
    MPA_SKIP_IF_MISSING(missingNamespaces());
    MPA_SKIP_IF_MISSING(missingTool("/usr/bin/su", "util-linux"));
    root.mkdirs("r/etc/security");
    write("etc/security/pam_env.conf", "METALAMA_TELEMETRY_OPT_OUT DEFAULT=0\n");
    const std::vector<std::pair<std::string, std::string>> binds = {
        {"etc/environment", "/etc/environment"},
        {"etc/security/pam_env.conf", "/etc/security/pam_env.conf"}};
    // root may su to itself without a password; -l starts from an empty environment and runs
    // PAM's session stack (pam_env) and a login shell, as any login does.
    const std::string login = "su -l root -c 'printenv METALAMA_TELEMETRY_OPT_OUT'";

    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 3) << applied.out;
    EXPECT_NE(applied.out.find("overridden by /etc/security/pam_env.conf:1"), std::string::npos)
        << applied.out;
    auto su = isolated(binds, login);
    EXPECT_EQ(su.out, "0\n") << su.err;

    write("etc/security/pam_env.conf", "# nothing here any more\n");
    const auto fixed = agent({"apply"});
    EXPECT_EQ(fixed.exitCode, 0) << fixed.out;
    su = isolated(binds, login);
    EXPECT_EQ(su.out, "1\n") << su.err;
}

TEST_F(EffectiveEnvironment, ALoginShellRunsTheLaterProfileScript) {
    MPA_SKIP_IF_MISSING(missingNamespaces());
    MPA_SKIP_IF_MISSING(missingTool("/bin/bash", "bash"));
    write("etc/profile.d/zzz-dev.sh", "if true; then export METALAMA_TELEMETRY_OPT_OUT=0; fi\n");
    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 3) << applied.out;
    EXPECT_NE(applied.out.find("overridden by /etc/profile.d/zzz-dev.sh:1"), std::string::npos)
        << applied.out;
    const auto shell = isolated({{"etc/profile.d", "/etc/profile.d"}},
                                "env -i bash -l -c 'printenv METALAMA_TELEMETRY_OPT_OUT'");
    EXPECT_EQ(shell.out, "0\n") << shell.err;
}

}  // namespace
}  // namespace mpa::test
