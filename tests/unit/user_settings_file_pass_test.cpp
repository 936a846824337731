// The user-settings-file target in a whole pass: the built-in registry's targets (the one the
// binary runs), the engine's runPass and runRevert, and a real SQLite compliance store holding
// the prior states. The policies that fill DesiredState::userFiles from the catalog are not in
// this tree yet, so the binary cannot be asked for these keys; the registry's target is wrapped
// to receive a hand-built list of assignments (the Azure CLI's and the Angular CLI's catalog
// entries) in the desired state the engine made, and everything else is the real pass.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>

#include "app/built_in_components.hpp"
#include "engine/reconcile.hpp"
#include "support/scratch_dir.hpp"
#include "support/store_samples.hpp"

namespace mpa {
namespace {

// The registry's target, given the assignments the per-tool policies will make.
class WithUserFiles : public Target {
  public:
    WithUserFiles(std::unique_ptr<Target> inner, const std::vector<UserFileAssignment>& files)
        : inner_(std::move(inner)), files_(files) {}
    std::string name() const override { return inner_->name(); }
    FindingLog reconcile(TargetRun& run, const DesiredState& desired) override {
        auto withFiles = desired;
        withFiles.userFiles = files_;
        return inner_->reconcile(run, withFiles);
    }
    FindingLog revert(TargetRun& run) override { return inner_->revert(run); }

  private:
    std::unique_ptr<Target> inner_;
    const std::vector<UserFileAssignment>& files_;
};

class UserSettingsPass : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto uid = std::to_string(::geteuid()), gid = std::to_string(::getegid());
        root.write("root/etc/passwd", "alice:x:" + uid + ":" + gid + "::/home/alice:/bin/bash\n");
        root.write("root/etc/login.defs", "UID_MIN 0\nUID_MAX 4294967294\n");
        root.mkdirs("root/home/alice", 0750);
        context.settings.root = root.abs("root");
        context.settings.database = root.abs("db/compliance.db");
        context.platform = PlatformProfile::Linux;
        store = test::openStore(context.settings.database);
        ASSERT_TRUE(store);
        const auto& catalog = builtinTelemetryCatalog();
        files = {
            {"azure-cli", "AzureCliTelemetryOptOut", catalog.find("azure-cli")->userFiles.at(0)},
            {"angular-cli", "AngularCliTelemetryOptOut",
             catalog.find("angular-cli")->userFiles.at(0)}};
        components.sources = [](const AgentContext&) {
            return std::vector<std::unique_ptr<PolicySource>>{};
        };
        components.targets = [this](const AgentContext& c) {
            auto targets = builtInComponents().targets(c);
            for (auto& t : targets)
                if (t->name() == "user-settings-file")
                    t = std::make_unique<WithUserFiles>(std::move(t), files);
            return targets;
        };
    }
    // A copy: a pass's findings are read from its log, not held.
    static std::shared_ptr<const Finding> find(const PassReport& report,
                                               const std::string& subject) {
        for (const auto& f : report.findings)
            if (f.target == "user-settings-file" && f.subject == subject)
                return std::make_shared<const Finding>(f);
        return nullptr;
    }

    test::ScratchDir root;
    AgentContext context;
    std::unique_ptr<ComplianceStore> store;
    std::vector<UserFileAssignment> files;
    Components components;
};

const std::string kAzure = "/home/alice/.azure/config#[core] collect_telemetry";
const std::string kAngular = "/home/alice/.angular-config.json#cli.analytics";

TEST_F(UserSettingsPass, TheRegistryRunsTheTarget) {
    const auto targets = builtInComponents().targets(context);
    EXPECT_TRUE(std::any_of(targets.begin(), targets.end(),
                            [](const auto& t) { return t->name() == "user-settings-file"; }));
}

TEST_F(UserSettingsPass, APassSetsBothKeysAndRemovingThemOrRevertingRestores) {
    root.write("root/home/alice/.azure/config", "[cloud]\nname = AzureCloud\n");
    auto report = runPass(context, components, store.get(), {});
    ASSERT_NE(find(report, kAzure), nullptr);
    EXPECT_EQ(find(report, kAzure)->outcome, Outcome::Remediated) << find(report, kAzure)->reason;
    EXPECT_EQ(find(report, kAzure)->tool, "azure-cli");
    ASSERT_NE(find(report, kAngular), nullptr);
    EXPECT_EQ(find(report, kAngular)->outcome, Outcome::Remediated);
    EXPECT_EQ(find(report, kAngular)->tool, "angular-cli");
    EXPECT_EQ(root.read("root/home/alice/.azure/config"),
              "[cloud]\nname = AzureCloud\n\n[core]\ncollect_telemetry = false\n");
    // The prior states are in the store, as a revert after a restart needs them.
    EXPECT_EQ(store->list("user-settings-file").size(), 2u);

    // The next pass finds both compliant.
    report = runPass(context, components, store.get(), {});
    EXPECT_EQ(find(report, kAzure)->outcome, Outcome::Compliant);
    EXPECT_EQ(find(report, kAngular)->outcome, Outcome::Compliant);

    // The Angular policy goes: only its file comes back.
    files.pop_back();
    report = runPass(context, components, store.get(), {});
    EXPECT_EQ(find(report, kAngular)->outcome, Outcome::Restored);
    EXPECT_FALSE(root.exists("root/home/alice/.angular-config.json"));
    EXPECT_EQ(find(report, kAzure)->outcome, Outcome::Compliant);

    // Revert: the Azure CLI's file as the user had it, byte for byte.
    report = runRevert(context, components, *store);
    EXPECT_EQ(find(report, kAzure)->outcome, Outcome::Restored);
    EXPECT_EQ(root.read("root/home/alice/.azure/config"), "[cloud]\nname = AzureCloud\n");
    EXPECT_TRUE(store->list("user-settings-file").empty());
}

TEST_F(UserSettingsPass, ADryRunChangesNothingAndRecordsNothing) {
    PassRequest request;
    request.dryRun = true;
    const auto report = runPass(context, components, store.get(), request);
    EXPECT_EQ(find(report, kAzure)->outcome, Outcome::NonCompliant);
    EXPECT_FALSE(root.exists("root/home/alice/.azure"));
    EXPECT_FALSE(root.exists("root/home/alice/.angular-config.json"));
    EXPECT_TRUE(store->list("user-settings-file").empty());
}

}  // namespace
}  // namespace mpa
