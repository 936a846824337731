// The service (`run`) with every kind of policy (tests/support/policy_sets.hpp): its start pass
// reaches what the policy asks for (a dry run then finds nothing to change) and it goes idle;
// the policy removed, the one pass that event triggers puts the machine back as it began and it
// goes idle again. The same promises as policy_fixed_point_test.cpp's, held by the long-running
// process through its own watches, not by one `apply` after another.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "support/agent_process.hpp"
#include "support/demo_root_test.hpp"
#include "support/policy_sets.hpp"
#include "support/report_findings.hpp"
#include "support/restored_tree.hpp"
#include "support/tree_snapshot.hpp"

namespace mpa::test {
namespace {

using namespace std::chrono_literals;
constexpr double kPatience = 30;
constexpr const char* kDatabase = "var/lib/metalama-policy-agent";

class ServicePolicies : public DemoRootTest, public ::testing::WithParamInterface<PolicySet> {
  protected:
    void TearDown() override {
        if (service && service->running()) {
            service->signal(SIGTERM);
            service->waitForExit(5);
        }
    }
    // Waits for pass `n`; false (and a failure) when it does not come.
    bool waitPass(int n) {
        const auto at = service->waitForOutput("pass " + std::to_string(n) + ": ", kPatience, mark);
        EXPECT_NE(at, std::string::npos) << "no pass " << n << " in:\n" << service->output();
        if (at == std::string::npos) return false;
        mark = service->waitForOutput("\n", kPatience, at);
        return true;
    }
    // No pass starts for four settle times, after at most `allowed` more passes.
    void expectQuietAfterAtMost(int allowed, const std::string& when) {
        for (int more = 0;; ++more) {
            std::this_thread::sleep_for(400ms);
            const auto next = service->output().find("pass ", mark);
            if (next == std::string::npos) return;
            if (more == allowed) {
                ADD_FAILURE() << when << ": still passing\n" << service->output().substr(mark);
                return;
            }
            mark = service->waitForOutput("\n", kPatience, next);
        }
    }
    // What a dry run would still change now: nothing, once the service has done its pass.
    std::set<std::string> dryRunChanges() {
        return findingsWithOutcome(agent({"apply", "--dry-run", "--json"}).out, {"non-compliant"});
    }

    std::unique_ptr<BackgroundProcess> service;
    std::size_t mark = 0;
};

TEST_P(ServicePolicies, TheServiceReachesThePolicyAndRestoresTheMachineWhenItGoes) {
    if (setUpStopped()) return;
    const auto original = snapshotTree(dir(), {kDatabase});
    writePolicies(dir(), GetParam().managed, GetParam().recommended);
    service = startAgent(dir(), {"run", "--settle-ms", "100"});
    ASSERT_TRUE(waitPass(1));
    expectQuietAfterAtMost(0, "after the start pass");
    if (GetParam().name != "AuditOnly")
        EXPECT_EQ(dryRunChanges(), std::set<std::string>{})
            << "left to change after the service's start pass";
    else  // it records and changes nothing
        EXPECT_EQ(describeNotRestored(original, snapshotTree(dir(), {kDatabase})), "");

    // Removing a managed and a recommended file is two changes: when the first pass runs
    // between them it sees only the first (the recommended policy still in force), and one more
    // pass follows for the other. Then quiet, and the machine as it began.
    writePolicies(dir(), "", "");
    ASSERT_TRUE(waitPass(2));
    const bool twoFiles = !GetParam().managed.empty() && !GetParam().recommended.empty();
    expectQuietAfterAtMost(twoFiles ? 1 : 0, "after the policy was removed");
    EXPECT_EQ(describeNotRestored(original, snapshotTree(dir(), {kDatabase})), "");
    service->signal(SIGTERM);
    EXPECT_EQ(service->waitForExit(10), 0) << service->output();
}

INSTANTIATE_TEST_SUITE_P(EveryKindOfPolicy, ServicePolicies, ::testing::ValuesIn(policySets()),
                         nameOf);

}  // namespace
}  // namespace mpa::test
