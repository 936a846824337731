// The one rule every live-store subject follows (running systemd manager, launchd, the Windows
// machine environment), against a store held in memory: what is recorded before a change, what a
// revert puts back, and what each store's variations (non-variable values, a store that cannot be
// changed here, a store that is gone) do.
#include "targets/live_environment_variable.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "model/agent_context.hpp"
#include "model/ledger.hpp"

namespace mpa::test {
namespace {

using ::testing::HasSubstr;

constexpr const char* kTarget = "live-test";
constexpr const char* kSubject = "the store";

class LiveVariableTest : public ::testing::Test {
  protected:
    LiveVariableTest() {
        store.label = "store";
        store.read = [this](LiveValue* out) {
            if (unreadable) return Status::failure("gone");
            out->text = value;
            out->isVariable = isVariable;
            return Status::success();
        };
        store.set = [this](const std::string& v) {
            ++changes;
            if (failSet) return Status::failure("refused");
            value = v;
            isVariable = true;
            return Status::success();
        };
        store.unset = [this] {
            ++changes;
            value.reset();
            return Status::success();
        };
    }
    Finding run(bool wanted, RunMode mode = RunMode::Enforce) {
        TargetRun r{context, ledger, mode};
        Finding f;
        f.target = kTarget;
        f.subject = kSubject;
        return reconcileLiveVariable(r, store, f, wanted);
    }

    AgentContext context;
    MemoryLedger ledger;
    LiveVariableStore store;
    std::optional<std::string> value;
    bool isVariable = true;
    bool unreadable = false;
    bool failSet = false;
    int changes = 0;
};

TEST_F(LiveVariableTest, RecordsThePriorValueSetsItAndPutsItBack) {
    value = "0";
    auto f = run(true);
    EXPECT_EQ(f.outcome, Outcome::Remediated);
    EXPECT_EQ(f.observed, "METALAMA_TELEMETRY_OPT_OUT=0");
    EXPECT_THAT(f.diff, HasSubstr("-METALAMA_TELEMETRY_OPT_OUT=0"));
    EXPECT_THAT(f.diff, HasSubstr("+METALAMA_TELEMETRY_OPT_OUT=1"));
    const auto prior = ledger.find(kTarget, kSubject);
    ASSERT_TRUE(prior);
    EXPECT_TRUE(prior->existed);
    EXPECT_EQ(prior->value, "0");
    EXPECT_EQ(run(true).outcome, Outcome::Compliant);
    EXPECT_EQ(run(false).outcome, Outcome::Restored);
    EXPECT_EQ(value, "0");
    EXPECT_FALSE(ledger.find(kTarget, kSubject));
    EXPECT_EQ(run(false).reason, "the agent has not set it");
}

TEST_F(LiveVariableTest, AValueReadersDoNotTakeAsTheVariableIsReplacedAndRemovedOnRevert) {
    value = "1";
    isVariable = false;  // e.g. a REG_DWORD 1: Metalama never sees it
    EXPECT_EQ(run(true).outcome, Outcome::Remediated);
    const auto prior = ledger.find(kTarget, kSubject);
    ASSERT_TRUE(prior);
    EXPECT_FALSE(prior->existed) << "recorded as absent, so a restore removes it";
    EXPECT_EQ(run(false).outcome, Outcome::Restored);
    EXPECT_FALSE(value);
}

TEST_F(LiveVariableTest, AValueSomeoneElseChangedIsLeftAsFoundAndForgotten) {
    EXPECT_EQ(run(true).outcome, Outcome::Remediated);
    value = "2";
    const auto f = run(false);
    EXPECT_EQ(f.outcome, Outcome::NotApplicable);
    EXPECT_THAT(f.reason, HasSubstr("changed by someone else"));
    EXPECT_EQ(value, "2");
    EXPECT_FALSE(ledger.find(kTarget, kSubject));
}

TEST_F(LiveVariableTest, AStoreThatCannotBeChangedHereRecordsNothing) {
    store.cannotChange = [] { return std::optional<std::string>("not here"); };
    const auto f = run(true);
    EXPECT_EQ(f.outcome, Outcome::NotApplicable);
    EXPECT_EQ(f.reason, "not here");
    EXPECT_EQ(changes, 0);
    EXPECT_FALSE(ledger.find(kTarget, kSubject));
}

TEST_F(LiveVariableTest, AFailedSetForgetsThePriorAndIsFailedOrPending) {
    failSet = true;
    auto f = run(true);
    EXPECT_EQ(f.outcome, Outcome::Failed);
    EXPECT_EQ(f.reason, "refused");
    EXPECT_FALSE(ledger.find(kTarget, kSubject));
    store.pendingWhenSetFails = [](const std::string& error) { return "later (" + error + ")"; };
    f = run(true);
    EXPECT_EQ(f.outcome, Outcome::Pending);
    EXPECT_EQ(f.reason, "later (refused)");
    EXPECT_FALSE(ledger.find(kTarget, kSubject));
}

TEST_F(LiveVariableTest, AStoreThatIsGoneOnRevertHasNothingToRestore) {
    EXPECT_EQ(run(true).outcome, Outcome::Remediated);
    unreadable = true;
    EXPECT_EQ(run(false).outcome, Outcome::Failed) << "by default an unreadable store is a failure";
    ASSERT_TRUE(ledger.find(kTarget, kSubject));
    store.goneWhenUnreadable = [](const std::string& error) { return "ended (" + error + ")"; };
    const auto f = run(false);
    EXPECT_EQ(f.outcome, Outcome::NotApplicable);
    EXPECT_EQ(f.reason, "ended (gone)");
    EXPECT_FALSE(ledger.find(kTarget, kSubject));
}

TEST_F(LiveVariableTest, AuditOnlyShowsThePlanAndChangesNothing) {
    const auto f = run(true, RunMode::AuditOnly);
    EXPECT_EQ(f.outcome, Outcome::NonCompliant);
    EXPECT_THAT(f.diff, HasSubstr("+METALAMA_TELEMETRY_OPT_OUT=1"));
    EXPECT_EQ(changes, 0);
    EXPECT_FALSE(ledger.find(kTarget, kSubject));
}

TEST_F(LiveVariableTest, AfterChangeRunsOnSetAndOnRestore) {
    std::vector<bool> calls;
    store.afterChange = [&calls](Finding&, bool wanted) { calls.push_back(wanted); };
    store.appliedReason = "next login";
    EXPECT_EQ(run(true).reason, "next login");
    EXPECT_EQ(run(false).outcome, Outcome::Restored);
    EXPECT_EQ(calls, (std::vector<bool>{true, false}));
}

}  // namespace
}  // namespace mpa::test
