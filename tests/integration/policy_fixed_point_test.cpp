// Every policy an administrator can set reaches its state in one pass and stays there: the real
// binary on the demo root, the policy set replaced, `apply` run again and again. The second pass
// must change nothing (no file, mode or owner; no finding that says it changed something), and
// the same once the policy is removed and the machine restored. A recommended telemetry setting
// once flipped back and forth every pass (the agent took its own No for the user's choice),
// which a test of one pass could not see.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/demo_root_test.hpp"
#include "support/policy_sets.hpp"
#include "support/report_findings.hpp"
#include "support/restored_tree.hpp"
#include "support/tree_snapshot.hpp"

namespace mpa::test {
namespace {

constexpr const char* kDatabase = "var/lib/metalama-policy-agent";

// What a pass's text report says when it changed something.
std::vector<std::string> changesIn(const std::string& report) {
    std::vector<std::string> found;
    for (const char* word : {"[remediated]", "[drift repaired]", "[repaired]", "[restored]",
                             " remediated;", " repaired;", " restored;"})
        if (report.find(word) != std::string::npos) found.emplace_back(word);
    return found;
}

class PolicyPasses : public DemoRootTest {
  protected:
    void setPolicies(const std::string& managed, const std::string& recommended) {
        writePolicies(dir(), managed, recommended);
    }
    // One pass to reach the state, then two that must leave it as it is.
    void expectFixedPoint(const std::string& when) {
        const auto first = agent({"apply"});
        ASSERT_NE(first.exitCode, 2) << when << "\n" << first.out << first.err;
        for (int pass = 2; pass <= 3; ++pass) {
            const auto before = snapshotTree(dir(), {kDatabase});
            const auto again = agent({"apply"});
            EXPECT_NE(again.exitCode, 2) << again.err;
            EXPECT_EQ(describeDifferences(before, snapshotTree(dir(), {kDatabase})), "")
                << when << ", pass " << pass << "\n"
                << again.out;
            EXPECT_EQ(changesIn(again.out), std::vector<std::string>{})
                << when << ", pass " << pass << "\n"
                << again.out;
        }
    }
};

class PolicyFixedPoint : public PolicyPasses, public ::testing::WithParamInterface<PolicySet> {};

TEST_P(PolicyFixedPoint, OnePassReachesTheStateAndTheNextChangeNothing) {
    if (setUpStopped()) return;
    setPolicies(GetParam().managed, GetParam().recommended);
    expectFixedPoint("with the policy");
    setPolicies("", "");
    expectFixedPoint("once the policy is removed");
}

// The database lost under a policy in force: the next pass finds the machine as the policy
// wants it and settles again in one pass (no file rewritten over and over for want of a record).
TEST_P(PolicyFixedPoint, OnceTheDatabaseIsLostOnePassSettlesAgain) {
    if (setUpStopped()) return;
    setPolicies(GetParam().managed, GetParam().recommended);
    ASSERT_NE(agent({"apply"}).exitCode, 2);
    std::filesystem::remove_all(dir() + "/" + kDatabase);
    expectFixedPoint("with " + GetParam().name + ", the database lost");
}

INSTANTIATE_TEST_SUITE_P(EveryKindOfPolicy, PolicyFixedPoint, ::testing::ValuesIn(policySets()),
                         nameOf);

// `revert` (what uninstalling runs), with the policy still in place: the machine as it began.
class PolicyRevert : public PolicyPasses, public ::testing::WithParamInterface<PolicySet> {};

TEST_P(PolicyRevert, RevertPutsTheMachineBackAsItWas) {
    if (setUpStopped()) return;
    const auto original = snapshotTree(dir(), {kDatabase});
    setPolicies(GetParam().managed, GetParam().recommended);
    ASSERT_NE(agent({"apply"}).exitCode, 2);
    const auto reverted = agent({"revert"});
    EXPECT_EQ(reverted.exitCode, 0) << reverted.out << reverted.err;
    EXPECT_EQ(describeNotRestored(original, snapshotTree(dir(), {kDatabase})), "");
}

INSTANTIATE_TEST_SUITE_P(EveryKindOfPolicy, PolicyRevert, ::testing::ValuesIn(policySets()),
                         nameOf);

// A dry run changes nothing and names exactly what the pass then changes: every subject it
// reports as one it would change is changed, and nothing else is, applying the policy and
// removing it. An administrator who reviews `apply --dry-run` before rolling a policy out is
// shown the whole of it.
class PolicyDryRun : public PolicyPasses, public ::testing::WithParamInterface<PolicySet> {
  protected:
    // "target subject" of each finding whose outcome is one of `outcomes`, from `apply --json`.
    std::set<std::string> subjects(const std::vector<std::string>& args,
                                   const std::set<std::string>& outcomes) {
        const auto result = agent(args);
        EXPECT_NE(result.exitCode, 2) << result.err;
        return findingsWithOutcome(result.out, outcomes);
    }
    // What users and other tools do between passes: alice turns every report back on and drops
    // her DeviceId, bob chose Ask, a developer edits /etc/environment by hand (the agent's line
    // gone) and an Azure CLI setting is changed (when the policy made the file).
    void drift() {
        root.write("r/home/alice/.local/share/Metalama/telemetry.json",
                   R"({"ExceptionReportingAction": 1, "PerformanceProblemReportingAction": 1,)"
                   R"( "UsageReportingAction": 1, "Issues": {}})");
        ASSERT_EQ(::chown((dir() + "/home/alice/.local/share/Metalama/telemetry.json").c_str(),
                          1001, 1001),
                  0);
        root.write("r/home/bob/.local/share/Metalama/telemetry.json",
                   R"({"UsageReportingAction": 0})");
        ASSERT_EQ(
            ::chown((dir() + "/home/bob/.local/share/Metalama/telemetry.json").c_str(), 1002, 1002),
            0);
        root.write("r/etc/environment", "LANG=C.UTF-8\n");
        const auto azure = dir() + "/home/alice/.azure/config";
        if (std::filesystem::exists(azure)) {
            root.write("r/home/alice/.azure/config", "[core]\n");
            ASSERT_EQ(::chown(azure.c_str(), 1001, 1001), 0);
        }
    }
    // The dry run changes nothing, and what it reports as not compliant is what the pass then
    // changes (or, auditing only, reports as not compliant too).
    void expectDryRunNamesWhatChanges(const std::string& when) {
        const auto before = snapshotTree(dir(), {kDatabase});
        const auto wouldChange = subjects({"apply", "--dry-run", "--json"}, {"non-compliant"});
        EXPECT_EQ(describeDifferences(before, snapshotTree(dir(), {kDatabase})), "")
            << when << ": the dry run changed the machine";
        const auto changed =
            subjects({"apply", "--json"},
                     {"remediated", "repaired", "drift repaired", "restored", "non-compliant"});
        EXPECT_EQ(wouldChange, changed) << when;
    }
};

TEST_P(PolicyDryRun, TheDryRunNamesExactlyWhatThePassChanges) {
    if (setUpStopped()) return;
    setPolicies(GetParam().managed, GetParam().recommended);
    expectDryRunNamesWhatChanges("applying " + GetParam().name);
    drift();
    expectDryRunNamesWhatChanges("after the users' edits, under " + GetParam().name);
    expectFixedPoint("after the users' edits, under " + GetParam().name);
    setPolicies("", "");
    expectDryRunNamesWhatChanges("removing " + GetParam().name);
}

// The database lost (a disk replaced, the state directory wiped) and then the policy removed:
// what the pass still recognises as the agent's own and removes, the dry run names.
TEST_P(PolicyDryRun, TheDryRunNamesWhatThePassRemovesOnceTheDatabaseIsLost) {
    if (setUpStopped()) return;
    setPolicies(GetParam().managed, GetParam().recommended);
    ASSERT_NE(agent({"apply"}).exitCode, 2);
    std::filesystem::remove_all(dir() + "/" + kDatabase);
    setPolicies("", "");
    expectDryRunNamesWhatChanges("removing " + GetParam().name + " without the database");
}

INSTANTIATE_TEST_SUITE_P(EveryKindOfPolicy, PolicyDryRun, ::testing::ValuesIn(policySets()),
                         nameOf);

// EnforcementMode AuditOnly beside any policy: the pass records and changes nothing, from the
// machine as it began and from the machine the policy was enforced on.
class PolicyAuditOnly : public PolicyPasses, public ::testing::WithParamInterface<PolicySet> {
  protected:
    void auditOnly(bool on) {
        const auto path = dir() + "/etc/metalama/policies/managed/90-audit.json";
        if (on)
            root.write("r/etc/metalama/policies/managed/90-audit.json",
                       R"({"EnforcementMode": "AuditOnly"})");
        else
            std::filesystem::remove(path);
    }
    void expectNoChange(const std::string& when) {
        const auto before = snapshotTree(dir(), {kDatabase});
        const auto audit = agent({"apply"});
        EXPECT_NE(audit.exitCode, 2) << audit.err;
        EXPECT_EQ(describeDifferences(before, snapshotTree(dir(), {kDatabase})), "") << when << "\n"
                                                                                     << audit.out;
    }
};

TEST_P(PolicyAuditOnly, AnAuditOnlyPassChangesNothing) {
    if (setUpStopped()) return;
    setPolicies(GetParam().managed, GetParam().recommended);
    auditOnly(true);
    expectNoChange("auditing " + GetParam().name + " on the machine as it began");
    auditOnly(false);
    ASSERT_NE(agent({"apply"}).exitCode, 2);
    auditOnly(true);
    expectNoChange("auditing " + GetParam().name + " once enforced");
    setPolicies("", "");
    auditOnly(true);
    expectNoChange("auditing with " + GetParam().name + " removed");
}

INSTANTIATE_TEST_SUITE_P(EveryKindOfPolicy, PolicyAuditOnly, ::testing::ValuesIn(policySets()),
                         nameOf);

// From one policy to another, then none: the second is reached in one pass and holds, and once
// every policy is gone the machine is as it was before the first pass (no tattooing), whatever
// the first one changed and the second took over or let go.
class PolicyTransition : public PolicyPasses,
                         public ::testing::WithParamInterface<std::pair<std::size_t, std::size_t>> {
};

TEST_P(PolicyTransition, TheNextPolicyHoldsAndRemovingItRestoresTheMachine) {
    if (setUpStopped()) return;
    const auto original = snapshotTree(dir(), {kDatabase});
    const auto& first = policySets()[GetParam().first];
    const auto& second = policySets()[GetParam().second];
    setPolicies(first.managed, first.recommended);
    ASSERT_NE(agent({"apply"}).exitCode, 2);
    setPolicies(second.managed, second.recommended);
    expectFixedPoint("after " + first.name + ", with " + second.name);
    setPolicies("", "");
    expectFixedPoint("once " + second.name + " is removed");
    EXPECT_EQ(describeNotRestored(original, snapshotTree(dir(), {kDatabase})), "")
        << first.name << " then " << second.name;
    // Seven passes of both kinds later, the history and the sealed state still verify.
    const auto verified = agent({"verify"});
    EXPECT_EQ(verified.exitCode, 0) << verified.out << verified.err;
}

std::vector<std::pair<std::size_t, std::size_t>> everyTransition() {
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    for (std::size_t a = 0; a < policySets().size(); ++a)
        for (std::size_t b = 0; b < policySets().size(); ++b)
            if (a != b) pairs.emplace_back(a, b);
    return pairs;
}

INSTANTIATE_TEST_SUITE_P(
    BetweenEveryKindOfPolicy, PolicyTransition, ::testing::ValuesIn(everyTransition()),
    [](const ::testing::TestParamInfo<std::pair<std::size_t, std::size_t>>& param) {
        return policySets()[param.param.first].name + "_then_" +
               policySets()[param.param.second].name;
    });

}  // namespace
}  // namespace mpa::test
