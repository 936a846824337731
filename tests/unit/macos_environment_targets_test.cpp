// The macOS machine-environment targets: launchd (through a recording stand-in for launchctl,
// which does not exist on this machine; launchd's configuration file itself is real) and
// /etc/zshenv (real files in a scratch root).
#include "targets/macos_environment_targets.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <set>

#include "app/built_in_components.hpp"
#include "model/ledger.hpp"
#include "model/target.hpp"
#include "platform/safe_fs.hpp"
#include "support/macos_tree.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kConfig = "private/var/db/com.apple.xpc.launchd/config/user.plist";
constexpr const char* kZshenv = "private/etc/zshenv";
constexpr const char* kConfigSubject = "/private/var/db/com.apple.xpc.launchd/config/user.plist";

// Records what the agent asks launchctl to do, as the launchctl command line, and keeps session
// environments in memory. The persistent configuration is NOT simulated: tests write launchd's
// file themselves when they need launchd to "have stored" something.
class RecordingLaunchd : public platform::Launchd {
  public:
    bool running = true;
    std::optional<uint32_t> console = 501;
    std::map<uint32_t, std::map<std::string, std::string>> sessionEnv;
    std::set<uint32_t> endedSessions;
    bool failSessionSet = false;
    std::vector<std::string> commands;

    bool isRunning() const override { return running; }
    Status setUserConfigEnvironment(const std::string& n, const std::string& v) override {
        commands.push_back("config user setenv " + n + " " + v);
        return Status::success();
    }
    Status unsetUserConfigEnvironment(const std::string& n) override {
        commands.push_back("config user unsetenv " + n);
        return Status::success();
    }
    std::optional<uint32_t> consoleUser() const override { return console; }
    Status getSessionEnvironment(uint32_t uid, const std::string& n,
                                 std::optional<std::string>* value) override {
        if (endedSessions.count(uid)) return Status::failure("no such session");
        const auto& env = sessionEnv[uid];
        const auto it = env.find(n);
        *value = it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
        return Status::success();
    }
    Status setSessionEnvironment(uint32_t uid, const std::string& n,
                                 const std::string& v) override {
        commands.push_back("asuser " + std::to_string(uid) + " setenv " + n + " " + v);
        if (failSessionSet) return Status::failure("Operation not permitted");
        sessionEnv[uid][n] = v;
        return Status::success();
    }
    Status unsetSessionEnvironment(uint32_t uid, const std::string& n) override {
        commands.push_back("asuser " + std::to_string(uid) + " unsetenv " + n);
        sessionEnv[uid].erase(n);
        return Status::success();
    }
};

DesiredState optOut(bool on = true) {
    DesiredState desired;
    desired.managed = on;
    if (on)
        desired.environment.push_back(
            {"METALAMA_TELEMETRY_OPT_OUT", "1", kMetalamaTool, "TelemetryOptOut"});
    return desired;
}

// Metalama's variable and two other tools' (as the telemetry catalog's policies give them).
DesiredState variables(bool metalama, bool doNotTrack, bool dotnet) {
    DesiredState desired = optOut(metalama);
    if (dotnet)
        desired.environment.insert(desired.environment.begin(),
                                   {"DOTNET_CLI_TELEMETRY_OPTOUT", "1", "dotnet-sdk", "p1"});
    if (doNotTrack)
        desired.environment.insert(desired.environment.begin() + (dotnet ? 1 : 0),
                                   {"DO_NOT_TRACK", "1", "do-not-track", "p2"});
    desired.managed = !desired.environment.empty();
    return desired;
}

// launchd's configuration as a Mac might hold it, with the variable under `key` ("" = top level).
std::string launchdConfig(const std::string& key, const std::string& value) {
    const std::string var = "<key>METALAMA_TELEMETRY_OPT_OUT</key><string>" + value + "</string>\n";
    return xmlPlist("<dict>\n<key>PathEnvironmentVariable</key><string>/usr/bin:/bin</string>\n" +
                    (key.empty() ? var : "<key>" + key + "</key><dict>" + var + "</dict>\n") +
                    "</dict>\n");
}

class MacEnvironment : public ::testing::Test {
  protected:
    void SetUp() override {
        context.settings.root = scratch.path();
        context.platform = PlatformProfile::MacOS;
        launchd = std::make_shared<RecordingLaunchd>();
        target = makeLaunchdEnvironmentTarget(launchd);
    }
    std::vector<Finding> pass(const DesiredState& desired, RunMode mode = RunMode::Enforce) {
        TargetRun run{context, ledger, mode};
        return target->reconcile(run, desired).toVector();
    }
    static const Finding& subject(const std::vector<Finding>& findings, const std::string& s) {
        for (const auto& f : findings)
            if (f.subject == s) return f;
        throw std::runtime_error("no finding for " + s);
    }

    ScratchDir scratch;
    AgentContext context;
    MemoryLedger ledger;
    std::shared_ptr<RecordingLaunchd> launchd;
    std::unique_ptr<Target> target;
};

TEST_F(MacEnvironment, RegistryHoldsTheMacosTargetsOnlyForMacos) {
    std::vector<std::string> names;
    for (const auto& t : makeTargets(context)) names.push_back(t->name());
    EXPECT_THAT(names, ElementsAre("launchd-environment", "zshenv", "telemetry-json",
                                   "user-settings-file", "license-audit"));
}

TEST_F(MacEnvironment, SetsThePersistentConfigAndTheConsoleSessionThenIsCompliant) {
    const auto first = pass(optOut());
    ASSERT_EQ(first.size(), 2u);
    const auto& config = subject(first, kConfigSubject);
    EXPECT_EQ(config.outcome, Outcome::Remediated) << config.reason;
    EXPECT_EQ(config.observed, "no persistent launchd user configuration");
    EXPECT_THAT(config.reason, HasSubstr("pending until next login"));
    const auto& session = subject(first, "launchd session of uid 501");
    EXPECT_EQ(session.outcome, Outcome::Remediated) << session.reason;
    EXPECT_THAT(launchd->commands, ElementsAre("config user setenv METALAMA_TELEMETRY_OPT_OUT 1",
                                               "asuser 501 setenv METALAMA_TELEMETRY_OPT_OUT 1"));

    // launchd has stored it (binary, as launchd writes its files): nothing more to do.
    scratch.write(kConfig, launchdConfig("EnvironmentVariables", "1"));
    ASSERT_EQ(convertToBinaryPlist(scratch, kConfig), "");
    launchd->commands.clear();
    for (const auto& f : pass(optOut())) EXPECT_EQ(f.outcome, Outcome::Compliant) << f.subject;
    EXPECT_THAT(launchd->commands, IsEmpty());
}

TEST_F(MacEnvironment, RemovingThePolicyRestoresThePriorValuesOrUnsets) {
    // Someone had set 0 (which stopped opting out in Metalama 2025.1) in the console session;
    // the persistent configuration had nothing.
    launchd->sessionEnv[501]["METALAMA_TELEMETRY_OPT_OUT"] = "0";
    pass(optOut());
    scratch.write(kConfig, launchdConfig("", "1"));
    launchd->commands.clear();

    const auto restored = pass(optOut(false));
    for (const auto& f : restored) EXPECT_EQ(f.outcome, Outcome::Restored) << f.subject;
    EXPECT_THAT(launchd->commands, ElementsAre("config user unsetenv METALAMA_TELEMETRY_OPT_OUT",
                                               "asuser 501 setenv METALAMA_TELEMETRY_OPT_OUT 0"));
    EXPECT_THAT(ledger.list("launchd-environment"), IsEmpty());

    // Nothing left to restore: a second removal pass changes nothing.
    launchd->commands.clear();
    for (const auto& f : pass(optOut(false)))
        EXPECT_EQ(f.outcome, Outcome::NotApplicable) << f.subject;
    EXPECT_THAT(launchd->commands, IsEmpty());
}

TEST_F(MacEnvironment, EachVariableIsItsOwnSubjectAndGoesWithItsPolicy) {
    launchd->sessionEnv[501]["DO_NOT_TRACK"] = "0";
    const auto first = pass(variables(true, true, true));
    ASSERT_EQ(first.size(), 6u);
    for (const auto& f : first) EXPECT_EQ(f.outcome, Outcome::Remediated) << f.subject;
    EXPECT_EQ(subject(first, std::string(kConfigSubject) + "#DO_NOT_TRACK").tool, "do-not-track");
    EXPECT_EQ(subject(first, "launchd session of uid 501#DOTNET_CLI_TELEMETRY_OPTOUT").tool,
              "dotnet-sdk");
    EXPECT_EQ(subject(first, kConfigSubject).tool, "");
    EXPECT_EQ(launchd->sessionEnv[501]["DO_NOT_TRACK"], "1");
    // launchd has stored the three in its configuration.
    scratch.write(kConfig,
                  xmlPlist("<dict>\n<key>DOTNET_CLI_TELEMETRY_OPTOUT</key><string>1</string>\n"
                           "<key>DO_NOT_TRACK</key><string>1</string>\n"
                           "<key>METALAMA_TELEMETRY_OPT_OUT</key><string>1</string>\n</dict>\n"));

    // DO_NOT_TRACK's policy goes: only it is restored, in both places.
    launchd->commands.clear();
    const auto dropped = pass(variables(true, false, true));
    EXPECT_EQ(subject(dropped, std::string(kConfigSubject) + "#DO_NOT_TRACK").outcome,
              Outcome::Restored);
    EXPECT_EQ(subject(dropped, "launchd session of uid 501#DO_NOT_TRACK").outcome,
              Outcome::Restored);
    EXPECT_THAT(launchd->commands, ::testing::IsSupersetOf({"config user unsetenv DO_NOT_TRACK",
                                                            "asuser 501 setenv DO_NOT_TRACK 0"}));
    for (const auto& c : launchd->commands) EXPECT_THAT(c, HasSubstr("DO_NOT_TRACK"));
    EXPECT_EQ(launchd->sessionEnv[501]["DO_NOT_TRACK"], "0");
    EXPECT_EQ(launchd->sessionEnv[501]["METALAMA_TELEMETRY_OPT_OUT"], "1");

    // Revert restores every variable the ledger holds.
    TargetRun run{context, ledger, RunMode::Enforce};
    target->revert(run);
    EXPECT_THAT(ledger.list("launchd-environment"), IsEmpty());
    EXPECT_EQ(launchd->sessionEnv[501].count("DOTNET_CLI_TELEMETRY_OPTOUT"), 0u);
    EXPECT_EQ(launchd->sessionEnv[501].count("METALAMA_TELEMETRY_OPT_OUT"), 0u);
}

TEST_F(MacEnvironment, AValueSomeoneChangedSinceIsLeftAsFoundAndAnEndedSessionForgotten) {
    scratch.write(kConfig, launchdConfig("", "0"));
    pass(optOut());
    EXPECT_EQ(ledger.find("launchd-environment", kConfigSubject)->value, "0");
    scratch.write(kConfig, launchdConfig("", "yes-by-admin"));
    launchd->endedSessions.insert(501);
    launchd->commands.clear();
    const auto findings = pass(optOut(false));
    EXPECT_THAT(subject(findings, kConfigSubject).reason, HasSubstr("left as found"));
    EXPECT_THAT(subject(findings, "launchd session of uid 501").reason,
                HasSubstr("a session that ended has nothing to restore"));
    EXPECT_THAT(launchd->commands, IsEmpty());
    EXPECT_THAT(ledger.list("launchd-environment"), IsEmpty());
}

TEST_F(MacEnvironment, ASessionThatCannotBeSetIsPendingUntilNextLogin) {
    launchd->failSessionSet = true;
    const auto findings = pass(optOut());
    const auto& session = subject(findings, "launchd session of uid 501");
    EXPECT_EQ(session.outcome, Outcome::Pending);
    EXPECT_THAT(session.reason, HasSubstr("pending until next login"));
    EXPECT_FALSE(ledger.find("launchd-environment", "launchd session of uid 501"));
}

TEST_F(MacEnvironment, NoConsoleUserAuditOnlyAndNotALiveMac) {
    launchd->console.reset();
    auto findings = pass(optOut());
    EXPECT_EQ(subject(findings, "launchd session at the console").reason,
              "no user is logged in at the console");

    launchd->commands.clear();
    ledger = MemoryLedger();
    launchd->console = 501;
    findings = pass(optOut(), RunMode::AuditOnly);
    for (const auto& f : findings) EXPECT_EQ(f.outcome, Outcome::NonCompliant) << f.subject;
    EXPECT_THAT(launchd->commands, IsEmpty());
    EXPECT_THAT(ledger.list("launchd-environment"), IsEmpty());

    launchd->running = false;
    findings = pass(optOut());
    for (const auto& f : findings) EXPECT_EQ(f.outcome, Outcome::NotApplicable) << f.subject;
    EXPECT_THAT(launchd->commands, IsEmpty());
}

TEST_F(MacEnvironment, AnUnreadableConfigurationFailsNamingTheFile) {
    scratch.write(kConfig, xmlPlist("<array/>\n"));
    const auto findings = pass(optOut());
    const auto& config = subject(findings, kConfigSubject);
    EXPECT_EQ(config.outcome, Outcome::Failed);
    EXPECT_THAT(config.reason, HasSubstr("user.plist: the root is array"));
    EXPECT_THAT(launchd->commands, ::testing::Not(::testing::Contains(HasSubstr("config"))));
}

// /etc/zshenv ------------------------------------------------------------------------------------

class Zshenv : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: the agent gives new files to root";
        context.settings.root = scratch.path();
        context.platform = PlatformProfile::MacOS;
        target = makeZshenvTarget();
    }
    Finding pass(bool wanted) {
        TargetRun run{context, ledger, RunMode::Enforce};
        auto findings = target->reconcile(run, optOut(wanted));
        EXPECT_EQ(findings.size(), 1u);
        return findings[0];
    }

    ScratchDir scratch;
    AgentContext context;
    MemoryLedger ledger;
    std::unique_ptr<Target> target;
};

TEST_F(Zshenv, AddsAnExportedLineAndRemovesItWithTheFileItCreated) {
    auto f = pass(true);
    EXPECT_EQ(f.outcome, Outcome::Remediated) << f.reason;
    EXPECT_EQ(f.subject, "/private/etc/zshenv");
    EXPECT_EQ(scratch.read(kZshenv), "export METALAMA_TELEMETRY_OPT_OUT=1\n");
    const auto info = platform::readFileNoFollow(scratch.abs(kZshenv), 4096).info;
    EXPECT_EQ(info.uid, 0u);
    EXPECT_EQ(info.mode, 0644u);
    EXPECT_EQ(pass(true).outcome, Outcome::Compliant);
    EXPECT_EQ(pass(false).outcome, Outcome::Restored);
    EXPECT_FALSE(scratch.exists(kZshenv));
}

TEST_F(Zshenv, OneExportedLinePerVariableEachRestoredWithItsPolicy) {
    const std::string original = "# site\nexport DO_NOT_TRACK=0\n";
    scratch.write(kZshenv, original, 0644);
    TargetRun run{context, ledger, RunMode::Enforce};
    const auto set = target->reconcile(run, variables(true, true, true));
    ASSERT_EQ(set.size(), 3u);
    for (const auto& f : set) EXPECT_EQ(f.outcome, Outcome::Remediated) << f.subject;
    EXPECT_EQ(scratch.read(kZshenv),
              "# site\nexport DO_NOT_TRACK=1\nexport DOTNET_CLI_TELEMETRY_OPTOUT=1\n"
              "export METALAMA_TELEMETRY_OPT_OUT=1\n");
    const auto dropped = target->reconcile(run, variables(true, false, true));
    EXPECT_EQ(scratch.read(kZshenv),
              "# site\nexport DO_NOT_TRACK=0\nexport DOTNET_CLI_TELEMETRY_OPTOUT=1\n"
              "export METALAMA_TELEMETRY_OPT_OUT=1\n");
    target->reconcile(run, DesiredState{});
    EXPECT_EQ(scratch.read(kZshenv), original);
    EXPECT_THAT(ledger.list("zshenv"), IsEmpty());
}

TEST_F(Zshenv, EditsOneLineOfAnAdministratorsFileAndPutsItBackByteForByte) {
    // A plain assignment without export is not enough for zsh's children: it is replaced.
    const std::string original =
        "# site shell settings\nexport PATH=\"/opt/tools/bin:$PATH\"\n"
        "METALAMA_TELEMETRY_OPT_OUT=1\nsetopt no_beep";
    scratch.write(kZshenv, original, 0644);
    const auto f = pass(true);
    EXPECT_EQ(f.outcome, Outcome::Remediated) << f.reason;
    EXPECT_EQ(f.observed, "METALAMA_TELEMETRY_OPT_OUT=1");
    EXPECT_EQ(scratch.read(kZshenv),
              "# site shell settings\nexport PATH=\"/opt/tools/bin:$PATH\"\n"
              "export METALAMA_TELEMETRY_OPT_OUT=1\nsetopt no_beep");
    EXPECT_EQ(pass(false).outcome, Outcome::Restored);
    EXPECT_EQ(scratch.read(kZshenv), original);
}

}  // namespace
}  // namespace mpa::test
