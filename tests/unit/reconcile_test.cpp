// One pass (engine/reconcile.hpp) with sources and targets made for the test, handed to the
// engine as its Components, and a real SQLite compliance store in a scratch directory: what the
// sources say is merged and reaches every target as its desired state, the findings are
// recorded, a target that throws fails alone, a stop request ends the pass early, a dry run
// records nothing, audit-only mode reaches the targets, and revert reverts.
#include "engine/reconcile.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/pending_queue.hpp"
#include "support/scratch_dir.hpp"
#include "support/store_samples.hpp"

namespace mpa {
namespace {

// A source that reads nothing from disk: it returns the values it was given.
class FixedSource : public PolicySource {
  public:
    FixedSource(std::string name, std::vector<RawPolicyValue> values)
        : name_(std::move(name)), values_(std::move(values)) {}
    std::string name() const override { return name_; }
    SourceResult read(const AgentContext&) const override {
        SourceResult result;
        result.sourceName = name_;
        result.values = values_;
        return result;
    }
    std::vector<std::string> watchPaths(const AgentContext&) const override { return {}; }

  private:
    std::string name_;
    std::vector<RawPolicyValue> values_;
};

RawPolicyValue value(const std::string& name, RawValue raw, PolicyLevel level,
                     SourcePrecedence precedence, const std::string& origin) {
    return {name, std::move(raw), {"test source", origin, level, precedence, 0}};
}

// What every target of one pass saw and did: shared by the targets the engine asks for (it may
// create them more than once in a pass) and read by the test afterwards.
struct Journal {
    std::vector<std::string> reconciled;  // target names, in order
    std::vector<std::string> reverted;
    std::optional<DesiredState> desired;
    std::optional<RunMode> mode;
};

// A target with one subject. Enforcing, it records a prior state in the ledger (as every real
// target must before it changes anything) and reports the subject remediated; auditing or
// dry-running, it reports it non-compliant; reverting, it forgets its ledger entry.
class JournalTarget : public Target {
  public:
    JournalTarget(std::string name, Journal& journal, bool throws = false)
        : name_(std::move(name)), journal_(journal), throws_(throws) {}
    std::string name() const override { return name_; }
    FindingLog reconcile(TargetRun& run, const DesiredState& desired) override {
        journal_.reconciled.push_back(name_);
        journal_.desired = desired;
        journal_.mode = run.mode;
        if (throws_) throw std::runtime_error("the test target gave up");
        if (!run.changesAllowed())
            return {{name_, subject(), "", "opted out", "not opted out", Outcome::NonCompliant,
                     "would opt out", "", ""}};
        if (const auto recorded = run.ledger.record({name_, subject(), true, "before", ""});
            !recorded)
            return {
                {name_, subject(), "", "opted out", "", Outcome::Failed, recorded.error, "", ""}};
        return {{name_, subject(), "", "opted out", "opted out", Outcome::Remediated, "", "", ""}};
    }
    FindingLog revert(TargetRun& run) override {
        journal_.reverted.push_back(name_);
        std::vector<Finding> findings;
        for (const auto& prior : run.ledger.list(name_)) {
            const auto forgotten = run.ledger.forget(name_, prior.subject);
            findings.push_back({name_, prior.subject, "", "as before", prior.value,
                                forgotten ? Outcome::Restored : Outcome::Failed, forgotten.error,
                                "", ""});
        }
        return findings;
    }
    std::string subject() const { return "/" + name_ + "/subject"; }

  private:
    std::string name_;
    Journal& journal_;
    bool throws_;
};

class Reconcile : public ::testing::Test {
  protected:
    void SetUp() override {
        context.settings.root = scratch.abs("root");
        context.settings.database = scratch.abs("db/compliance.db");
        context.platform = PlatformProfile::Linux;
        scratch.mkdirs("root");
        store = test::openStore(context.settings.database);
        ASSERT_TRUE(store);
    }

    // Two sources that disagree: the mandatory value from the /etc file beats the recommended
    // one from the platform channel; the second also asks for `mode`.
    void policySources(const std::string& mode = "Enforce") {
        sources = {
            value("TelemetryOptOut", RawValue::ofBool(true), PolicyLevel::Mandatory,
                  SourcePrecedence::EtcFile, "/etc/metalama/policies/managed/10.json"),
            value("TelemetryOptOut", RawValue::ofBool(false), PolicyLevel::Recommended,
                  SourcePrecedence::PlatformChannel, "registry"),
            value("EnforcementMode", RawValue::ofString(mode), PolicyLevel::Mandatory,
                  SourcePrecedence::PlatformChannel, "registry"),
        };
    }
    Components components(const std::vector<std::string>& names, const std::string& throwing = "") {
        Components c;
        const auto values = sources;
        c.sources = [values](const AgentContext&) {
            std::vector<std::unique_ptr<PolicySource>> list;
            list.reserve(values.size());
            // One value per source, so the merge, not one source, decides.
            for (std::size_t i = 0; i < values.size(); ++i)
                list.push_back(std::make_unique<FixedSource>("source " + std::to_string(i),
                                                             std::vector{values[i]}));
            return list;
        };
        c.targets = [this, names, throwing](const AgentContext&) {
            std::vector<std::unique_ptr<Target>> list;
            list.reserve(names.size());
            for (const auto& name : names)
                list.push_back(std::make_unique<JournalTarget>(name, journal, name == throwing));
            return list;
        };
        return c;
    }
    // A copy: a pass's findings are read from its log, not held.
    static std::shared_ptr<const Finding> find(const FindingLog& findings,
                                               const std::string& target) {
        for (const auto& f : findings)
            if (f.target == target) return std::make_shared<const Finding>(f);
        return nullptr;
    }
    std::optional<StoredPass> recorded() const {
        auto reader = test::openStore(context.settings.database, StoreMode::ReadOnly);
        return reader ? reader->lastPass() : std::nullopt;
    }

    test::ScratchDir scratch;
    AgentContext context;
    std::unique_ptr<ComplianceStore> store;
    std::vector<RawPolicyValue> sources;
    Journal journal;
};

TEST_F(Reconcile, PolicyMergedFromTheSourcesReachesTheTargetsAndTheFindingsAreRecorded) {
    policySources();
    const auto report = runPass(context, components({"first", "second"}), store.get(), {});
    EXPECT_EQ(journal.reconciled, (std::vector<std::string>{"first", "second"}));
    ASSERT_TRUE(journal.desired);
    // Mandatory beat recommended: the machine-wide variable and every action are forced.
    EXPECT_TRUE(journal.desired->managed);
    EXPECT_TRUE(journal.desired->environmentOptOut());
    EXPECT_EQ(journal.desired->usage, ActionRequirement::ForceNo);
    EXPECT_EQ(journal.desired->exception, ActionRequirement::ForceNo);
    EXPECT_EQ(journal.desired->performance, ActionRequirement::ForceNo);
    EXPECT_EQ(journal.mode, RunMode::Enforce);
    const auto* optOut = report.policy.find("TelemetryOptOut");
    ASSERT_NE(optOut, nullptr);
    EXPECT_EQ(optOut->from.origin, "/etc/metalama/policies/managed/10.json");
    ASSERT_EQ(optOut->overridden.size(), 1u);
    EXPECT_EQ(optOut->overridden[0].from.origin, "registry");
    EXPECT_EQ(report.verdict, Verdict::Compliant);

    // In the store, as an auditor reads it: the pass, its findings, its policy, the ledger.
    const auto stored = recorded();
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->report.trigger, "apply");
    EXPECT_EQ(stored->report.verdict, Verdict::Compliant);
    ASSERT_EQ(stored->report.findings.size(), 2u);
    for (const char* name : {"first", "second"}) {
        const auto f = find(stored->report.findings, name);
        ASSERT_NE(f, nullptr) << name;
        EXPECT_EQ(f->outcome, Outcome::Remediated) << name;
        EXPECT_EQ(f->subject, "/" + std::string(name) + "/subject");
    }
    ASSERT_NE(stored->report.policy.find("TelemetryOptOut"), nullptr);
    EXPECT_TRUE(store->find("first", "/first/subject"));
    EXPECT_TRUE(store->find("second", "/second/subject"));
}

TEST_F(Reconcile, ATargetThatThrowsIsAFailedFindingAndTheOthersStillRun) {
    policySources();
    const auto report =
        runPass(context, components({"first", "broken", "last"}, "broken"), store.get(), {});
    EXPECT_EQ(journal.reconciled, (std::vector<std::string>{"first", "broken", "last"}));
    const auto broken = find(report.findings, "broken");
    ASSERT_NE(broken, nullptr);
    EXPECT_EQ(broken->outcome, Outcome::Failed);
    EXPECT_EQ(broken->subject, "(every subject)");
    EXPECT_NE(broken->reason.find("the test target gave up"), std::string::npos) << broken->reason;
    EXPECT_EQ(find(report.findings, "first")->outcome, Outcome::Remediated);
    EXPECT_EQ(find(report.findings, "last")->outcome, Outcome::Remediated);
    EXPECT_EQ(report.verdict, Verdict::NonCompliant);
    const auto stored = recorded();
    ASSERT_TRUE(stored);
    ASSERT_NE(find(stored->report.findings, "broken"), nullptr);
    EXPECT_EQ(find(stored->report.findings, "broken")->outcome, Outcome::Failed);
    EXPECT_EQ(stored->report.verdict, Verdict::NonCompliant);
}

TEST_F(Reconcile, AStopRequestEndsThePassAndTheRestIsNotCheckedNeverCompliant) {
    policySources();
    PassRequest request;
    request.trigger = "timer";
    request.stopRequested = [this] { return !journal.reconciled.empty(); };
    const auto report =
        runPass(context, components({"first", "second", "third"}), store.get(), request);
    EXPECT_EQ(journal.reconciled, std::vector<std::string>{"first"});
    for (const char* name : {"second", "third"}) {
        const auto f = find(report.findings, name);
        ASSERT_NE(f, nullptr) << name;
        EXPECT_EQ(f->outcome, Outcome::Failed) << name;
        EXPECT_EQ(f->reason, "not checked: the service stopped during the pass") << name;
    }
    EXPECT_EQ(report.verdict, Verdict::NonCompliant);
    const auto stored = recorded();
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->report.trigger, "timer");
    EXPECT_EQ(stored->report.findings.size(), 3u);
    EXPECT_EQ(stored->report.verdict, Verdict::NonCompliant);
}

TEST_F(Reconcile, ADryRunRecordsNothing) {
    policySources();
    PassRequest request;
    request.dryRun = true;
    const auto report = runPass(context, components({"first"}), store.get(), request);
    EXPECT_EQ(report.mode, RunMode::DryRun);
    EXPECT_EQ(journal.mode, RunMode::DryRun);
    EXPECT_EQ(find(report.findings, "first")->outcome, Outcome::NonCompliant);
    EXPECT_FALSE(recorded()) << "a dry run must leave no pass in the store";
    EXPECT_TRUE(store->list("first").empty());
    EXPECT_FALSE(PendingQueue(context.settings.database).exists()) << "nor anything queued";
}

TEST_F(Reconcile, ADryRunWithoutAStoreWorks) {
    policySources();
    PassRequest request;
    request.dryRun = true;
    const auto report = runPass(context, components({"first"}), nullptr, request);
    EXPECT_EQ(journal.mode, RunMode::DryRun);
    EXPECT_EQ(find(report.findings, "first")->outcome, Outcome::NonCompliant);
    EXPECT_FALSE(recorded());
}

TEST_F(Reconcile, AuditOnlyPolicyRunsTheTargetsInAuditOnlyModeAndRecordsThePass) {
    policySources("AuditOnly");
    const auto report = runPass(context, components({"first"}), store.get(), {});
    EXPECT_EQ(report.mode, RunMode::AuditOnly);
    EXPECT_EQ(journal.mode, RunMode::AuditOnly);
    ASSERT_TRUE(journal.desired);
    EXPECT_TRUE(journal.desired->auditOnly);
    EXPECT_TRUE(store->list("first").empty()) << "audit-only changes nothing, so records no prior";
    const auto stored = recorded();
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->report.mode, RunMode::AuditOnly);
    EXPECT_EQ(find(stored->report.findings, "first")->outcome, Outcome::NonCompliant);
}

TEST_F(Reconcile, RevertCallsEveryTargetsRevertAndRecordsThePass) {
    policySources();
    runPass(context, components({"first", "second"}), store.get(), {});
    ASSERT_TRUE(store->find("first", "/first/subject"));
    const auto report = runRevert(context, components({"first", "second"}), *store);
    EXPECT_EQ(journal.reverted, (std::vector<std::string>{"first", "second"}));
    EXPECT_EQ(report.trigger, "revert");
    EXPECT_EQ(find(report.findings, "first")->outcome, Outcome::Restored);
    EXPECT_EQ(find(report.findings, "second")->outcome, Outcome::Restored);
    EXPECT_FALSE(store->find("first", "/first/subject"));
    EXPECT_FALSE(store->find("second", "/second/subject"));
    const auto stored = recorded();
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->report.trigger, "revert");
    EXPECT_EQ(stored->report.findings.size(), 2u);
}

}  // namespace
}  // namespace mpa
