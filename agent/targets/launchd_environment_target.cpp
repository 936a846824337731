// launchd's environment (macOS): what GUI apps, IDEs and everything else launchd starts inherit.
// Two subjects:
//   - the persistent user-domain configuration, `launchctl config user setenv`: observed in
//     launchd's configuration file (kLaunchdUserConfig) under the agent's root, changed through
//     launchctl. Applies to each user session from its next login; sessions already running are
//     "pending until next login", except the console session:
//   - the session of the user at the console, `launchctl asuser <uid> launchctl setenv`:
//     observed with `getenv`, applies at once to what that session starts from now on.
// Prior values go to the ledger first, so removing the policy restores them (or unsets the
// variable) instead of tattooing the machine. Each variable of DesiredState::environment is its
// own subject in both places (Metalama's named as before, another's "<subject>#<NAME>").
#include <cstdio>

#include "platform/safe_fs.hpp"
#include "targets/environment_variables.hpp"
#include "targets/live_environment_variable.hpp"
#include "targets/macos_environment_targets.hpp"
#include "targets/target_common.hpp"
#include "util/plist_tree.hpp"

namespace mpa {
namespace {

constexpr const char* kTargetName = "launchd-environment";
constexpr const char* kSessionPrefix = "launchd session of uid ";
constexpr const char* kPendingSessions =
    "each user session gets it from its next login; sessions already running: pending until "
    "next login (the console session is set at once)";

// The variable in launchd's persistent user configuration. Which key `config user setenv` files
// variables under has not been verified on a Mac, so the variable is looked for as a key at the
// top level and in every dictionary one level down (docs/deploy-macos.md).
Status observeUserConfig(const AgentContext& context, const std::string& name, LiveValue* o) {
    const auto read =
        platform::readFileNoFollow(context.resolve(kLaunchdUserConfig), kMaxEtcFileBytes);
    if (!read.status) return read.status;
    if (read.missing) {
        o->description = "no persistent launchd user configuration";
        return {};
    }
#ifdef MPA_HAVE_PLIST
    Status parsed;
    const auto tree = plist::parse(read.data, &parsed);
    if (!tree || !plist::isDict(tree.get())) {
        return Status::failure(
            std::string(kLaunchdUserConfig) + ": " +
            (tree ? "the root is " + plist::typeName(tree.get()) + ", not a dictionary"
                  : parsed.error));
    }
    auto lookIn = [&](plist::Node dict) {
        if (auto value = plist::stringValue(plist::dictItem(dict, name))) o->text = value;
    };
    lookIn(tree.get());
    for (const auto& [key, node] : plist::dictEntries(tree.get()))
        if (!o->text && plist::isDict(node)) lookIn(node);
#else
    return Status::failure("this build cannot read property lists (no libplist)");
#endif
    o->description = o->text ? name + "=" + *o->text : name + " not set";
    return {};
}

Finding findingFor(const std::string& base, const EnvironmentAssignment& variable, bool wanted) {
    auto f = Finding::about(kTargetName, variableSubject(base, variable.name), "",
                            wanted ? variable.name + "=" + variable.value : "as before the agent");
    f.tool = findingTool(variable);
    return f;
}

class LaunchdEnvironmentTarget final : public Target {
  public:
    explicit LaunchdEnvironmentTarget(std::shared_ptr<platform::Launchd> launchd)
        : launchd_(std::move(launchd)) {}
    std::string name() const override { return kTargetName; }

    FindingLog reconcile(TargetRun& run, const DesiredState& desired) override {
        const auto plan =
            planVariables(desired, recordedVariables(run.ledger, kTargetName, kLaunchdUserConfig));
        std::vector<Finding> out;
        for (const auto& variable : plan.wanted) out.push_back(userConfig(run, variable, true));
        for (const auto& name : plan.restored)
            out.push_back(userConfig(run,
                                     setAssignment(run.ledger, kTargetName,
                                                   variableSubject(kLaunchdUserConfig, name), name),
                                     false));
        for (auto& f : sessions(run, desired)) out.push_back(std::move(f));
        return out;
    }
    FindingLog revert(TargetRun& run) override { return reconcile(run, DesiredState{}); }
    std::vector<std::string> watchPaths(const AgentContext& context) const override {
        return {context.resolve(kLaunchdUserConfig)};
    }

  private:
    Finding userConfig(TargetRun& run, const EnvironmentAssignment& variable, bool wanted);
    std::vector<Finding> sessions(TargetRun& run, const DesiredState& desired);
    Finding session(TargetRun& run, uint32_t uid, const EnvironmentAssignment& variable,
                    bool wanted);

    std::shared_ptr<platform::Launchd> launchd_;
};

Finding LaunchdEnvironmentTarget::userConfig(TargetRun& run, const EnvironmentAssignment& variable,
                                             bool wanted) {
    const std::string name = variable.name;
    LiveVariableStore store;
    store.label = "launchctl config user";
    store.name = name;
    store.value = variable.value;
    store.read = [&run, name](LiveValue* out) { return observeUserConfig(run.context, name, out); };
    store.set = [this, name](const std::string& value) {
        return launchd_->setUserConfigEnvironment(name, value);
    };
    store.unset = [this, name] { return launchd_->unsetUserConfigEnvironment(name); };
    // Observed in the file under the agent's root, changed only through the running launchd.
    store.cannotChange = [this]() -> std::optional<std::string> {
        if (launchd_->isRunning()) return std::nullopt;
        return "not the running macOS system: launchd cannot be changed here";
    };
    store.appliedReason = kPendingSessions;
    return reconcileLiveVariable(run, store, findingFor(kLaunchdUserConfig, variable, wanted),
                                 wanted);
}

std::vector<Finding> LaunchdEnvironmentTarget::sessions(TargetRun& run,
                                                        const DesiredState& desired) {
    std::vector<Finding> out;
    std::optional<uint32_t> console;
    if (launchd_->isRunning()) console = launchd_->consoleUser();
    for (const auto& variable : desired.environment) {
        if (console) {
            out.push_back(session(run, *console, variable, true));
        } else {
            out.push_back(
                notApplicable(findingFor("launchd session at the console", variable, true),
                              launchd_->isRunning() ? "no user is logged in at the console"
                                                    : "not the running macOS system"));
        }
    }
    // Variables the agent set in a session and the policy no longer asks for (a variable still
    // asked for stays in the sessions of users who have left the console since: they keep the
    // value until they log out).
    for (const auto& entry : run.ledger.list(kTargetName)) {
        if (entry.subject.rfind(kSessionPrefix, 0) != 0) continue;
        const std::string rest =
            entry.subject.substr(std::char_traits<char>::length(kSessionPrefix));
        unsigned long uid = 0;
        if (std::sscanf(rest.c_str(), "%lu", &uid) != 1) continue;
        const auto name = variableOfSubject(rest.substr(0, rest.find('#')), rest);
        if (!name || desiredVariable(desired, *name)) continue;
        out.push_back(session(run, static_cast<uint32_t>(uid),
                              setAssignment(run.ledger, kTargetName, entry.subject, *name), false));
    }
    return out;
}

Finding LaunchdEnvironmentTarget::session(TargetRun& run, uint32_t uid,
                                          const EnvironmentAssignment& variable, bool wanted) {
    Finding f = findingFor(kSessionPrefix + std::to_string(uid), variable, wanted);
    if (!launchd_->isRunning()) return notApplicable(std::move(f), "not the running macOS system");
    const std::string name = variable.name;
    LiveVariableStore store;
    store.label = "launchctl getenv";
    store.name = name;
    store.value = variable.value;
    store.read = [this, uid, name](LiveValue* out) {
        return launchd_->getSessionEnvironment(uid, name, &out->text);
    };
    store.set = [this, uid, name](const std::string& value) {
        return launchd_->setSessionEnvironment(uid, name, value);
    };
    store.unset = [this, uid, name] { return launchd_->unsetSessionEnvironment(uid, name); };
    // The session is gone (logged out): it took the value with it; nothing to restore.
    store.goneWhenUnreadable = [](const std::string& error) {
        return "the session can no longer be reached (" + error +
               "); a session that ended has nothing to restore";
    };
    store.pendingWhenSetFails = [](const std::string& error) {
        return "the session could not be updated (" + error +
               "): pending until next login, when the persistent configuration applies";
    };
    store.appliedReason =
        "applies to what this session starts from now on; running apps keep the "
        "environment they started with";
    return reconcileLiveVariable(run, store, std::move(f), wanted);
}

}  // namespace

std::unique_ptr<Target> makeLaunchdEnvironmentTarget(std::shared_ptr<platform::Launchd> launchd) {
    return std::make_unique<LaunchdEnvironmentTarget>(std::move(launchd));
}

}  // namespace mpa
