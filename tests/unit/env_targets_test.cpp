// The Linux machine-environment targets against real files in a scratch root, and the POSIX
// shells that source what they write.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/built_in_components.hpp"
#include "model/agent_context.hpp"
#include "model/ledger.hpp"
#include "model/target.hpp"
#include "platform/process_identity.hpp"
#include "platform/safe_fs.hpp"
#include "platform/service_manager.hpp"
#include "support/env_targets_fixture.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "targets/machine_environment_targets.hpp"

namespace mpa::test {
namespace {

using ::testing::HasSubstr;

// A stand-in for the running systemd manager: an environment block in memory. Used only for the
// "running systemd manager" subject, which on a real machine talks to PID 1.
class StandInManager : public platform::ServiceManager {
  public:
    std::map<std::string, std::string> env;
    bool running = true;
    bool failSet = false;
    int sets = 0;

    bool isRunning() const override { return running; }
    Status readEnvironment(std::vector<std::string>* entries) override {
        entries->clear();
        for (const auto& [k, v] : env) entries->push_back(k + "=" + v);
        return Status::success();
    }
    Status setEnvironment(const std::string& name, const std::string& value) override {
        ++sets;
        if (failSet) return Status::failure("Access denied");
        env[name] = value;
        return Status::success();
    }
    Status unsetEnvironment(const std::string& name) override {
        env.erase(name);
        return Status::success();
    }
};

// A ledger whose writes fail (a full or read-only database).
class FailingLedger : public MemoryLedger {
  public:
    Status record(const PriorState&) override { return Status::failure("database is locked"); }
};

TEST_F(EnvTargetsTest, RegistryHoldsTheFourLinuxTargetsOnlyForLinux) {
    std::vector<std::string> names;
    for (const auto& t : targets) names.push_back(t->name());
    EXPECT_THAT(names, ::testing::ElementsAre("etc-environment", "environment-d", "systemd-manager",
                                              "profile-d"));
    AgentContext windows = context;
    windows.platform = PlatformProfile::Windows;
    names.clear();
    for (const auto& t : makeTargets(windows)) names.push_back(t->name());
    EXPECT_THAT(names, ::testing::ElementsAre("windows-environment", "telemetry-json",
                                              "user-settings-file", "license-audit"));
}

TEST_F(EnvTargetsTest, FirstPassRemediatesSecondPassIsCompliantAndWritesNothing) {
    const auto first = pass(optOut());
    ASSERT_EQ(first.size(), 5u);
    for (const auto& f : first) {
        if (f.subject == "running systemd manager") {
            EXPECT_EQ(f.outcome, Outcome::NotApplicable);
            EXPECT_EQ(f.reason, "not the running system");
        } else {
            EXPECT_EQ(f.outcome, Outcome::Remediated) << f.subject << ": " << f.reason;
        }
    }
    EXPECT_EQ(scratch.read(kEtcEnvironment), "METALAMA_TELEMETRY_OPT_OUT=1\n");
    EXPECT_THAT(scratch.read(kEnvironmentD), HasSubstr("\nMETALAMA_TELEMETRY_OPT_OUT=1\n"));
    EXPECT_THAT(scratch.read(kSystemConfD),
                HasSubstr("\n[Manager]\nDefaultEnvironment=METALAMA_TELEMETRY_OPT_OUT=1\n"));
    EXPECT_THAT(scratch.read(kProfileD), HasSubstr("\nexport METALAMA_TELEMETRY_OPT_OUT=1\n"));

    std::map<std::string, std::pair<int64_t, std::string>> before;
    for (const auto& rel : kAllFiles) {
        const auto i = info(rel);
        EXPECT_EQ(i.mode, 0644u) << rel;
        EXPECT_EQ(i.uid, 0u) << rel;
        EXPECT_EQ(i.gid, 0u) << rel;
        before[rel] = {i.mtimeNs, scratch.read(rel)};
    }
    const auto second = pass(optOut());
    for (const auto& f : second)
        EXPECT_TRUE(f.outcome == Outcome::Compliant ||
                    (f.subject == "running systemd manager" && f.outcome == Outcome::NotApplicable))
            << f.subject << ": " << toString(f.outcome);
    for (const auto& rel : kAllFiles) {
        EXPECT_EQ(info(rel).mtimeNs, before[rel].first) << rel;
        EXPECT_EQ(scratch.read(rel), before[rel].second) << rel;
    }
}

TEST_F(EnvTargetsTest, EtcEnvironmentEditsOneLineKeepsTheRestAndRestoresExactly) {
    // CRLF endings, comments, a blank line, no final newline, and an earlier `=0` (which stopped
    // opting out in Metalama 2025.1).
    const std::string original =
        "# set by the image\r\nPATH=\"/usr/local/bin:/usr/bin\"\r\n\r\n"
        "METALAMA_TELEMETRY_OPT_OUT=0\r\n  # trailing comment\r\nLANG=C.UTF-8";
    scratch.write(kEtcEnvironment, original, 0640);

    const auto enforced = passOne("etc-environment", optOut());
    ASSERT_EQ(enforced.size(), 1u);
    EXPECT_EQ(enforced[0].outcome, Outcome::Remediated) << enforced[0].reason;
    EXPECT_EQ(enforced[0].observed, "METALAMA_TELEMETRY_OPT_OUT=0");
    EXPECT_EQ(scratch.read(kEtcEnvironment),
              "# set by the image\r\nPATH=\"/usr/local/bin:/usr/bin\"\r\n\r\n"
              "METALAMA_TELEMETRY_OPT_OUT=1\r\n  # trailing comment\r\nLANG=C.UTF-8");
    EXPECT_EQ(info(kEtcEnvironment).mode, 0640u) << "an edited file keeps its mode";

    const auto restored = passOne("etc-environment", DesiredState{});
    EXPECT_EQ(restored[0].outcome, Outcome::Restored) << restored[0].reason;
    EXPECT_EQ(scratch.read(kEtcEnvironment), original);
    EXPECT_EQ(info(kEtcEnvironment).mode, 0640u);
    EXPECT_TRUE(ledger.list("etc-environment").empty());

    const auto again = passOne("etc-environment", DesiredState{});
    EXPECT_EQ(again[0].outcome, Outcome::NotApplicable);
    EXPECT_EQ(scratch.read(kEtcEnvironment), original);
}

TEST_F(EnvTargetsTest, EtcEnvironmentAppendsAfterALastLineWithoutNewlineAndUndoesBoth) {
    const std::string original = "A=1\nB=2";
    scratch.write(kEtcEnvironment, original);
    EXPECT_EQ(passOne("etc-environment", optOut())[0].outcome, Outcome::Remediated);
    EXPECT_EQ(scratch.read(kEtcEnvironment), "A=1\nB=2\nMETALAMA_TELEMETRY_OPT_OUT=1\n");
    EXPECT_EQ(passOne("etc-environment", DesiredState{})[0].outcome, Outcome::Restored);
    EXPECT_EQ(scratch.read(kEtcEnvironment), original);
}

// A last line ending in a lone CR: the newline the agent adds reads back as CRLF, and only the
// agent's "\n" may go on restore (found by tests/fuzz/env_file_fuzz).
TEST_F(EnvTargetsTest, EtcEnvironmentKeepsALoneCarriageReturnOnTheLastLine) {
    for (const std::string original : {"A=1\n\r", "\r", "A=1\r\nB=2\r"}) {
        SCOPED_TRACE(original);
        scratch.write(kEtcEnvironment, original);
        EXPECT_EQ(passOne("etc-environment", optOut())[0].outcome, Outcome::Remediated);
        EXPECT_EQ(passOne("etc-environment", DesiredState{})[0].outcome, Outcome::Restored);
        EXPECT_EQ(scratch.read(kEtcEnvironment), original);
    }
}

TEST_F(EnvTargetsTest, EtcEnvironmentCollapsesDuplicatesAndExportAndPutsThemBack) {
    const std::string original =
        "export METALAMA_TELEMETRY_OPT_OUT=1\nX=1\nMETALAMA_TELEMETRY_OPT_OUT=\"false\"\n";
    scratch.write(kEtcEnvironment, original);
    const auto f = passOne("etc-environment", optOut())[0];
    EXPECT_EQ(f.outcome, Outcome::Remediated);
    EXPECT_THAT(f.reason, HasSubstr("2 lines assign METALAMA_TELEMETRY_OPT_OUT"));
    EXPECT_EQ(scratch.read(kEtcEnvironment), "METALAMA_TELEMETRY_OPT_OUT=1\nX=1\n");
    EXPECT_EQ(passOne("etc-environment", DesiredState{})[0].outcome, Outcome::Restored);
    EXPECT_EQ(scratch.read(kEtcEnvironment), original);
}

TEST_F(EnvTargetsTest, EtcEnvironmentQuotedOneIsAlreadyCompliant) {
    scratch.write(kEtcEnvironment, "METALAMA_TELEMETRY_OPT_OUT=\"1\"\n");
    EXPECT_EQ(passOne("etc-environment", optOut())[0].outcome, Outcome::Compliant);
    EXPECT_TRUE(ledgerEmpty());
}

TEST_F(EnvTargetsTest, WithoutPolicyAVariableTheAgentDidNotSetIsNeverTouched) {
    const std::string adminsOwn = "METALAMA_TELEMETRY_OPT_OUT=1\n";
    scratch.write(kEtcEnvironment, adminsOwn);
    scratch.write(kProfileD, "export METALAMA_TELEMETRY_OPT_OUT=true\n");
    for (const auto& f : pass(DesiredState{})) {
        EXPECT_EQ(f.outcome, Outcome::NotApplicable) << f.subject;
        EXPECT_TRUE(f.diff.empty());
    }
    EXPECT_EQ(scratch.read(kEtcEnvironment), adminsOwn);
    EXPECT_EQ(scratch.read(kProfileD), "export METALAMA_TELEMETRY_OPT_OUT=true\n");
}

TEST_F(EnvTargetsTest, PolicyRemovalDeletesCreatedFilesAndDirectoriesAndRestoresPriorOnes) {
    scratch.write(kProfileD, "# the admin's own\nexport METALAMA_TELEMETRY_OPT_OUT=0\n", 0600);
    pass(optOut());
    EXPECT_EQ(info(kProfileD).mode, 0600u);
    for (const auto& f : pass(DesiredState{})) {
        if (f.subject != "running systemd manager") {
            EXPECT_EQ(f.outcome, Outcome::Restored) << f.subject << ": " << f.reason;
        }
    }
    EXPECT_FALSE(scratch.exists(kEtcEnvironment));
    EXPECT_FALSE(scratch.exists("etc/environment.d")) << "created by the agent, empty again";
    EXPECT_FALSE(scratch.exists("etc/systemd")) << "created by the agent, empty again";
    EXPECT_EQ(scratch.read(kProfileD), "# the admin's own\nexport METALAMA_TELEMETRY_OPT_OUT=0\n");
    EXPECT_EQ(info(kProfileD).mode, 0600u);
    EXPECT_TRUE(ledgerEmpty());
}

// What an earlier version left: its drop-ins under their former names (which sort before a
// developer's 99-*.conf), with the ledger's record. The first pass of this version removes each
// and writes today's, which sorts after them; afterwards the former names are not mentioned.
TEST_F(EnvTargetsTest, DropInsUnderTheirFormerNamesMoveToNamesThatSortLast) {
    const std::vector<std::pair<std::string, std::string>> renamed = {
        {kEnvironmentD, "etc/environment.d/90-metalama-telemetry.conf"},
        {kSystemConfD, "etc/systemd/system.conf.d/90-metalama-telemetry.conf"},
        {kProfileD, "etc/profile.d/metalama-telemetry.sh"}};
    pass(optOut());
    for (const auto& [now, former] : renamed) {
        ASSERT_EQ(::rename(scratch.abs(now).c_str(), scratch.abs(former).c_str()), 0);
        for (const auto& t : targets) {
            auto prior = ledger.find(t->name(), "/" + now);
            if (!prior) continue;
            std::string error;
            // That version kept no per-variable entries ("<path>#<NAME>").
            for (const auto& entry : ledger.listPrefix(t->name(), "/" + now + "#"))
                ASSERT_TRUE(succeeded(ledger.forget(t->name(), entry.subject)));
            ASSERT_TRUE(succeeded(ledger.forget(t->name(), "/" + now)));
            prior->subject = "/" + former;
            ASSERT_TRUE(succeeded(ledger.record(*prior)));
        }
    }
    const auto moved = pass(optOut());
    for (const auto& [now, former] : renamed) {
        EXPECT_FALSE(scratch.exists(former)) << former;
        EXPECT_THAT(scratch.read(now), HasSubstr("METALAMA_TELEMETRY_OPT_OUT=1")) << now;
        EXPECT_EQ(subject(moved, "/" + former).outcome, Outcome::Restored) << former;
        EXPECT_THAT(subject(moved, "/" + former).reason, HasSubstr("former name"));
        EXPECT_EQ(subject(moved, "/" + now).outcome, Outcome::Remediated) << now;
    }
    for (const auto& f : pass(optOut())) {
        EXPECT_EQ(f.subject.find("90-metalama"), std::string::npos) << f.subject;
        EXPECT_NE(f.subject, "/etc/profile.d/metalama-telemetry.sh");
    }

    // Without the ledger (a lost database), a former file holding exactly what the agent wrote
    // is recognised and moved too; one someone edited is theirs and stays.
    ledger = MemoryLedger();
    const auto ours = scratch.read(kEnvironmentD);
    scratch.write("etc/environment.d/90-metalama-telemetry.conf", ours);
    scratch.write("etc/profile.d/metalama-telemetry.sh",
                  "export METALAMA_TELEMETRY_OPT_OUT=1 # mine\n");
    pass(optOut());
    EXPECT_FALSE(scratch.exists("etc/environment.d/90-metalama-telemetry.conf"));
    EXPECT_TRUE(scratch.exists("etc/profile.d/metalama-telemetry.sh"));
}

TEST_F(EnvTargetsTest, RestoreKeepsADirectoryThatAnotherPackageUsesSince) {
    pass(optOut());
    scratch.write("etc/environment.d/50-other.conf", "OTHER=1\n");
    pass(DesiredState{});
    EXPECT_FALSE(scratch.exists(kEnvironmentD));
    EXPECT_EQ(scratch.read("etc/environment.d/50-other.conf"), "OTHER=1\n");
}

TEST_F(EnvTargetsTest, AFileSomeoneChangedSinceIsLeftAsFoundOnRestore) {
    pass(optOut());
    scratch.write(kProfileD, "export METALAMA_TELEMETRY_OPT_OUT=yes # mine now\n");
    const auto f = passOne("profile-d", DesiredState{})[0];
    EXPECT_EQ(f.outcome, Outcome::NotApplicable);
    EXPECT_THAT(f.reason, HasSubstr("changed by someone else"));
    EXPECT_EQ(scratch.read(kProfileD), "export METALAMA_TELEMETRY_OPT_OUT=yes # mine now\n");
    EXPECT_TRUE(ledger.list("profile-d").empty());
}

TEST_F(EnvTargetsTest, AuditOnlyAndDryRunChangeNothingAndShowTheDiff) {
    scratch.write(kEtcEnvironment, "LANG=C\nMETALAMA_TELEMETRY_OPT_OUT=0\n");
    for (RunMode mode : {RunMode::AuditOnly, RunMode::DryRun}) {
        for (const auto& f : pass(optOut(), mode)) {
            if (f.subject == "running systemd manager") continue;
            EXPECT_EQ(f.outcome, Outcome::NonCompliant) << f.subject;
            EXPECT_THAT(f.diff, HasSubstr("+"));
        }
        EXPECT_EQ(scratch.read(kEtcEnvironment), "LANG=C\nMETALAMA_TELEMETRY_OPT_OUT=0\n");
        EXPECT_FALSE(scratch.exists("etc/environment.d"));
        EXPECT_FALSE(scratch.exists("etc/systemd"));
        EXPECT_FALSE(scratch.exists(kProfileD));
        EXPECT_TRUE(ledgerEmpty());
    }
    const auto f = passOne("etc-environment", optOut(), RunMode::AuditOnly)[0];
    EXPECT_EQ(f.diff,
              "--- /etc/environment\n+++ /etc/environment\n@@ -1,2 +1,2 @@\n LANG=C\n"
              "-METALAMA_TELEMETRY_OPT_OUT=0\n+METALAMA_TELEMETRY_OPT_OUT=1\n");
    EXPECT_THAT(f.reason, HasSubstr("audit only"));
}

TEST_F(EnvTargetsTest, DriftIsRepairedAndSaidSo) {
    scratch.write(kEtcEnvironment, "LANG=C\n");
    pass(optOut());
    scratch.write(kEtcEnvironment, "LANG=C\n");  // someone deleted the line
    scratch.write(kProfileD, "export METALAMA_TELEMETRY_OPT_OUT=0\n");
    const auto findings = pass(optOut());
    EXPECT_EQ(subject(findings, "/etc/environment").outcome, Outcome::DriftRepaired);
    EXPECT_EQ(subject(findings, "/etc/profile.d/zz-metalama-telemetry.sh").outcome,
              Outcome::DriftRepaired);
    EXPECT_EQ(subject(findings, "/etc/environment.d/zz-metalama-telemetry.conf").outcome,
              Outcome::Compliant);
    EXPECT_EQ(scratch.read(kEtcEnvironment), "LANG=C\nMETALAMA_TELEMETRY_OPT_OUT=1\n");
    // The prior state stays the one from before the agent's first change.
    pass(DesiredState{});
    EXPECT_EQ(scratch.read(kEtcEnvironment), "LANG=C\n");
    EXPECT_FALSE(scratch.exists(kProfileD));
}

TEST_F(EnvTargetsTest, ASymlinkAtTheManagedPathIsRefusedAndItsTargetUntouched) {
    scratch.write("root-only/shadow", "root:secret\n", 0600);
    scratch.symlink(scratch.abs("root-only/shadow"), kProfileD);
    scratch.symlink("../root-only/shadow", kEtcEnvironment);
    const auto findings = pass(optOut());
    const auto& profile = subject(findings, "/etc/profile.d/zz-metalama-telemetry.sh");
    EXPECT_EQ(profile.outcome, Outcome::Failed);
    EXPECT_THAT(profile.reason, HasSubstr(scratch.abs(kProfileD)));
    const auto& env = subject(findings, "/etc/environment");
    EXPECT_EQ(env.outcome, Outcome::Failed);
    EXPECT_THAT(env.reason, HasSubstr(scratch.abs(kEtcEnvironment)));
    EXPECT_EQ(scratch.read("root-only/shadow"), "root:secret\n");
    struct stat st {};
    ASSERT_EQ(::lstat(scratch.abs(kProfileD).c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode)) << "the planted link itself stays as it was";
    EXPECT_TRUE(ledger.list("profile-d").empty());
    EXPECT_TRUE(ledger.list("etc-environment").empty());
}

TEST_F(EnvTargetsTest, NoChangeWhenThePriorStateCannotBeRecorded) {
    FailingLedger failing;
    TargetRun run{context, failing, RunMode::Enforce};
    for (auto& t : targets)
        for (const auto& f : t->reconcile(run, optOut())) {
            if (f.subject == "running systemd manager") continue;
            EXPECT_EQ(f.outcome, Outcome::Failed) << f.subject;
            EXPECT_THAT(f.reason, HasSubstr("database is locked"));
        }
    EXPECT_FALSE(scratch.exists(kEtcEnvironment));
    EXPECT_FALSE(scratch.exists("etc/environment.d"));
    EXPECT_FALSE(scratch.exists("etc/systemd"));
    EXPECT_FALSE(scratch.exists(kProfileD));
}

TEST_F(EnvTargetsTest, RevertRestoresEverythingInTheLedger) {
    const std::string original = "# keep\nMETALAMA_TELEMETRY_OPT_OUT=false\n";
    scratch.write(kEtcEnvironment, original);
    pass(optOut());
    for (const auto& f : revertAll()) {
        if (f.subject != "running systemd manager") {
            EXPECT_EQ(f.outcome, Outcome::Restored) << f.subject << ": " << f.reason;
        }
    }
    EXPECT_EQ(scratch.read(kEtcEnvironment), original);
    EXPECT_FALSE(scratch.exists(kEnvironmentD));
    EXPECT_FALSE(scratch.exists(kSystemConfD));
    EXPECT_FALSE(scratch.exists(kProfileD));
    EXPECT_TRUE(scratch.exists("etc/profile.d"));
    EXPECT_TRUE(ledgerEmpty());
}

TEST_F(EnvTargetsTest, WatchPathsAreTheFilesAndTheirDirectoriesUnderTheRoot) {
    std::vector<std::string> all;
    for (const auto& t : targets)
        for (auto& p : t->watchPaths(context)) all.push_back(p);
    EXPECT_THAT(all, ::testing::UnorderedElementsAre(
                         scratch.abs(kEtcEnvironment), scratch.abs("etc"),
                         scratch.abs(kEnvironmentD), scratch.abs("etc/environment.d"),
                         scratch.abs(kSystemConfD), scratch.abs("etc/systemd/system.conf.d"),
                         scratch.abs(kProfileD), scratch.abs("etc/profile.d")));
}

// --- The running systemd manager (stand-in manager; the live-system gate is the root "/") ---

class RunningManagerTest : public ::testing::Test {
  protected:
    RunningManagerTest() { live.settings.root = "/"; }
    Finding run(bool wanted, RunMode mode = RunMode::Enforce) {
        TargetRun r{live, ledger, mode};
        return reconcileRunningManager(r, manager, wanted);
    }
    AgentContext live;
    MemoryLedger ledger;
    StandInManager manager;
};

TEST_F(RunningManagerTest, UnderAScratchRootItIsNotApplicable) {
    AgentContext scratchRoot;
    scratchRoot.settings.root = "/tmp/some-root";
    TargetRun r{scratchRoot, ledger, RunMode::Enforce};
    const auto f = reconcileRunningManager(r, manager, true);
    EXPECT_EQ(f.outcome, Outcome::NotApplicable);
    EXPECT_EQ(f.reason, "not the running system");
    EXPECT_EQ(manager.sets, 0);
}

TEST_F(RunningManagerTest, SetsTheVariableThenIsCompliantThenRestoresByUnsetting) {
    manager.env["LANG"] = "C.UTF-8";
    EXPECT_EQ(run(true).outcome, Outcome::Remediated);
    EXPECT_EQ(manager.env["METALAMA_TELEMETRY_OPT_OUT"], "1");
    EXPECT_EQ(run(true).outcome, Outcome::Compliant);
    manager.env.erase("METALAMA_TELEMETRY_OPT_OUT");  // e.g. someone ran unset-environment
    EXPECT_EQ(run(true).outcome, Outcome::DriftRepaired);
    EXPECT_EQ(run(false).outcome, Outcome::Restored);
    EXPECT_EQ(manager.env.count("METALAMA_TELEMETRY_OPT_OUT"), 0u);
    EXPECT_EQ(manager.env["LANG"], "C.UTF-8");
    EXPECT_EQ(run(false).outcome, Outcome::NotApplicable);
}

TEST_F(RunningManagerTest, APriorValueComesBack) {
    manager.env["METALAMA_TELEMETRY_OPT_OUT"] = "0";
    EXPECT_EQ(run(true).outcome, Outcome::Remediated);
    EXPECT_EQ(run(false).outcome, Outcome::Restored);
    EXPECT_EQ(manager.env["METALAMA_TELEMETRY_OPT_OUT"], "0");
}

TEST_F(RunningManagerTest, WhenTheManagerRefusesItIsPendingNeverCompliant) {
    manager.failSet = true;
    const auto f = run(true);
    EXPECT_EQ(f.outcome, Outcome::Pending);
    EXPECT_THAT(f.reason, HasSubstr("until systemd re-executes or the machine restarts"));
    EXPECT_THAT(f.reason, HasSubstr("Access denied"));
    EXPECT_FALSE(ledger.find("systemd-manager", "running systemd manager"))
        << "nothing changed, so nothing to restore";
}

TEST_F(RunningManagerTest, AuditOnlyShowsTheChangeAndMakesNone) {
    const auto f = run(true, RunMode::AuditOnly);
    EXPECT_EQ(f.outcome, Outcome::NonCompliant);
    EXPECT_THAT(f.diff, HasSubstr("+METALAMA_TELEMETRY_OPT_OUT=1"));
    EXPECT_EQ(manager.sets, 0);
    EXPECT_FALSE(ledger.find("systemd-manager", "running systemd manager"));
}

TEST_F(RunningManagerTest, NotRunningSystemdIsNotApplicable) {
    manager.running = false;
    EXPECT_EQ(run(true).outcome, Outcome::NotApplicable);
}

// --- The real readers of these files ---

// Runs a command line through the shell (test only; the agent never uses a shell) and returns its
// standard output; *exitCode gets the exit status.
std::string capture(const std::string& command, int* exitCode) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) {
        *exitCode = -1;
        return out;
    }
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    const int status = ::pclose(pipe);
    *exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

bool executable(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IXUSR);
}

// The systemd tools that read these files (the user environment generator, systemd-analyze) are
// run by tests/integration/systemd_tools_test.cpp.

TEST_F(EnvTargetsTest, PosixShellsSourcingTheProfileDFileGetTheVariable) {
    pass(optOut());
    for (const std::string shell : {"/bin/sh", "/bin/bash", "/bin/dash"}) {
        if (!executable(shell)) continue;
        int rc = 0;
        const std::string out = capture("env -i " + shell + " -c '. " + scratch.abs(kProfileD) +
                                            " && sh -c \"printenv METALAMA_TELEMETRY_OPT_OUT\"'",
                                        &rc);
        EXPECT_EQ(rc, 0) << shell;
        EXPECT_EQ(out, "1\n") << shell;
    }
}

}  // namespace
}  // namespace mpa::test
