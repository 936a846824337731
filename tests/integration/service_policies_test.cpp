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
    // No further pass for four settle times.
    void expectIdle(const std::string& when) {
        std::this_thread::sleep_for(400ms);
        EXPECT_EQ(service->countOutput("pass ", mark), 0u) << when << "\n"
                                                           << service->output().substr(mark);
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
    expectIdle("after the start pass");
    if (GetParam().name != "AuditOnly")
        EXPECT_EQ(dryRunChanges(), std::set<std::string>{})
            << "left to change after the service's start pass";
    else  // it records and changes nothing
        EXPECT_EQ(describeNotRestored(original, snapshotTree(dir(), {kDatabase})), "");

    // Removing a managed and a recommended file is two changes: a second pass may follow the
    // first, finding nothing left to do; then quiet.
    writePolicies(dir(), "", "");
    ASSERT_TRUE(waitPass(2));
    if (!GetParam().managed.empty() && !GetParam().recommended.empty()) {
        std::this_thread::sleep_for(400ms);
        const auto extra = service->output().substr(mark);
        if (extra.find("pass 3: ") != std::string::npos) {
            EXPECT_NE(extra.find(", 0 changed, "), std::string::npos) << extra;
            ASSERT_TRUE(waitPass(3));
        }
    }
    expectIdle("after the policy was removed");
    EXPECT_EQ(describeNotRestored(original, snapshotTree(dir(), {kDatabase})), "");
    service->signal(SIGTERM);
    EXPECT_EQ(service->waitForExit(10), 0) << service->output();
}

INSTANTIATE_TEST_SUITE_P(EveryKindOfPolicy, ServicePolicies, ::testing::ValuesIn(policySets()),
                         nameOf);

}  // namespace
}  // namespace mpa::test
