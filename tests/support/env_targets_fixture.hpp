// The Linux machine-environment targets over a scratch root, for their unit tests and for the
// integration tests that run the real readers of their files (systemd's tools).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/built_in_components.hpp"
#include "model/agent_context.hpp"
#include "model/ledger.hpp"
#include "model/target.hpp"
#include "platform/process_identity.hpp"
#include "platform/safe_fs.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {

inline constexpr const char* kEtcEnvironment = "etc/environment";
inline constexpr const char* kEnvironmentD = "etc/environment.d/zz-metalama-telemetry.conf";
inline constexpr const char* kSystemConfD = "etc/systemd/system.conf.d/zz-metalama-telemetry.conf";
inline constexpr const char* kProfileD = "etc/profile.d/zz-metalama-telemetry.sh";
inline const std::vector<std::string> kAllFiles = {kEtcEnvironment, kEnvironmentD, kSystemConfD,
                                                   kProfileD};

// Metalama's variable, as decideDesiredState gives it for a mandatory TelemetryOptOut.
inline EnvironmentAssignment metalamaVariable() {
    return {"METALAMA_TELEMETRY_OPT_OUT", "1", kMetalamaTool, "TelemetryOptOut"};
}

inline DesiredState optOut() {
    DesiredState desired;
    desired.managed = true;
    desired.environment.push_back(metalamaVariable());
    return desired;
}

// A desired state naming these variables (Metalama's among them is environmentOptOut()), in
// name order as decideDesiredState gives them.
inline DesiredState withVariables(std::vector<EnvironmentAssignment> variables) {
    DesiredState desired;
    desired.managed = !variables.empty();
    std::sort(variables.begin(), variables.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    desired.environment = std::move(variables);
    return desired;
}

class EnvTargetsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!platform::isPrivileged())
            GTEST_SKIP() << "needs root: the agent gives the files it creates to root";
        context.settings.root = scratch.path();
        context.platform = PlatformProfile::Linux;
        scratch.mkdirs("etc/profile.d");
        // Only the machine-environment targets: the per-user targets have their own tests.
        for (auto& t : makeTargets(context))
            if (t->name() != "telemetry-json" && t->name() != "license-audit" &&
                t->name() != "user-settings-file")
                targets.push_back(std::move(t));
    }

    std::vector<Finding> pass(const DesiredState& desired, RunMode mode = RunMode::Enforce) {
        TargetRun run{context, ledger, mode};
        std::vector<Finding> all;
        for (auto& target : targets)
            for (auto& f : target->reconcile(run, desired)) all.push_back(std::move(f));
        return all;
    }

    std::vector<Finding> revertAll() {
        TargetRun run{context, ledger, RunMode::Enforce};
        std::vector<Finding> all;
        for (auto& target : targets)
            for (auto& f : target->revert(run)) all.push_back(std::move(f));
        return all;
    }

    Target& target(const std::string& name) {
        for (auto& t : targets)
            if (t->name() == name) return *t;
        throw std::runtime_error("no target " + name);
    }

    std::vector<Finding> passOne(const std::string& name, const DesiredState& desired,
                                 RunMode mode = RunMode::Enforce) {
        TargetRun run{context, ledger, mode};
        return target(name).reconcile(run, desired).toVector();
    }

    static const Finding& subject(const std::vector<Finding>& findings, const std::string& s) {
        for (const auto& f : findings)
            if (f.subject == s) return f;
        throw std::runtime_error("no finding for " + s);
    }

    platform::FileInfo info(const std::string& rel) const {
        return platform::readFileNoFollow(scratch.abs(rel), 1 << 20).info;
    }

    bool ledgerEmpty() const {
        for (const auto& t : targets)
            if (!ledger.list(t->name()).empty()) return false;
        return true;
    }

    ScratchDir scratch;
    AgentContext context;
    MemoryLedger ledger;
    std::vector<std::unique_ptr<Target>> targets;
};

}  // namespace mpa::test
