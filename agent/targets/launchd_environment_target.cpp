// launchd's environment (macOS): what GUI apps, IDEs and everything else launchd starts inherit.
// Two subjects:
//   - the persistent user-domain configuration, `launchctl config user setenv`: observed in
//     launchd's configuration file (kLaunchdUserConfig) under the agent's root, changed through
//     launchctl. Applies to each user session from its next login; sessions already running are
//     "pending until next login", except the console session:
//   - the session of the user at the console, `launchctl asuser <uid> launchctl setenv`:
//     observed with `getenv`, applies at once to what that session starts from now on.
// Prior values go to the ledger first, so removing the policy restores them (or unsets the
// variable) instead of tattooing the machine.
#include <cstdio>

#include "platform/safe_fs.hpp"
#include "targets/macos_environment_targets.hpp"
#include "targets/target_common.hpp"
#include "util/plist_tree.hpp"
#include "util/unified_diff.hpp"

namespace mpa {
namespace {

constexpr const char* kTargetName = "launchd-environment";
constexpr const char* kSessionPrefix = "launchd session of uid ";
constexpr const char* kPendingSessions =
    "each user session gets it from its next login; sessions already running: pending until "
    "next login (the console session is set at once)";

struct Observed {
    platform::Status status;
    std::optional<std::string> value;
    std::string description;  // for Finding::observed
};

// The variable in launchd's persistent user configuration. Which key `config user setenv` files
// variables under has not been verified on a Mac, so the variable is looked for as a key at the
// top level and in every dictionary one level down (docs/deploy-macos.md).
Observed observeUserConfig(const AgentContext& context) {
    Observed o;
    const auto read =
        platform::readFileNoFollow(context.resolve(kLaunchdUserConfig), kMaxEtcFileBytes);
    if (!read.status) {
        o.status = read.status;
        return o;
    }
    if (read.missing) {
        o.description = "no persistent launchd user configuration";
        return o;
    }
#ifdef MPA_HAVE_PLIST
    std::string error;
    const auto tree = plist::parse(read.data, &error);
    if (!tree || !plist::isDict(tree.get())) {
        o.status = platform::Status::failure(
            std::string(kLaunchdUserConfig) + ": " +
            (tree ? "the root is " + plist::typeName(tree.get()) + ", not a dictionary" : error));
        return o;
    }
    auto lookIn = [&](plist::Node dict) {
        if (auto value = plist::stringValue(plist::dictItem(dict, kOptOutVariable)))
            o.value = value;
    };
    lookIn(tree.get());
    for (const auto& [key, node] : plist::dictEntries(tree.get()))
        if (!o.value && plist::isDict(node)) lookIn(node);
#else
    o.status = platform::Status::failure("this build cannot read property lists (no libplist)");
    return o;
#endif
    o.description = o.value ? std::string(kOptOutVariable) + "=" + *o.value
                            : std::string(kOptOutVariable) + " not set";
    return o;
}

std::string entryText(const std::optional<std::string>& value) {
    return value ? std::string(kOptOutVariable) + "=" + *value + "\n" : std::string();
}

Finding findingFor(const std::string& subject, bool wanted) {
    return Finding::about(
        kTargetName, subject, "",
        wanted ? std::string(kOptOutVariable) + "=" + kOptOutValue : "as before the agent");
}

class LaunchdEnvironmentTarget final : public Target {
  public:
    explicit LaunchdEnvironmentTarget(std::shared_ptr<platform::Launchd> launchd)
        : launchd_(std::move(launchd)) {}
    std::string name() const override { return kTargetName; }

    std::vector<Finding> reconcile(TargetRun& run, const DesiredState& desired) override {
        std::vector<Finding> out{userConfig(run, desired.environmentOptOut)};
        for (auto& f : sessions(run, desired.environmentOptOut)) out.push_back(std::move(f));
        return out;
    }
    std::vector<Finding> revert(TargetRun& run) override {
        std::vector<Finding> out{userConfig(run, false)};
        for (auto& f : sessions(run, false)) out.push_back(std::move(f));
        return out;
    }
    std::vector<std::string> watchPaths(const AgentContext& context) const override {
        return {context.resolve(kLaunchdUserConfig)};
    }

  private:
    Finding userConfig(TargetRun& run, bool wanted);
    std::vector<Finding> sessions(TargetRun& run, bool wanted);
    Finding session(TargetRun& run, uint32_t uid, bool wanted);

    std::shared_ptr<platform::Launchd> launchd_;
};

Finding LaunchdEnvironmentTarget::userConfig(TargetRun& run, bool wanted) {
    const std::string subject = kLaunchdUserConfig;
    Finding f = findingFor(subject, wanted);
    const auto prior = run.ledger.find(kTargetName, subject);
    if (!wanted && !prior) return notApplicable(std::move(f), "the agent has not set it");
    const auto observed = observeUserConfig(run.context);
    if (!observed.status) return failed(std::move(f), observed.status.error);
    f.observed = observed.description;
    const auto& current = observed.value;
    const char* label = "launchctl config user";

    if (wanted) {
        if (current && *current == kOptOutValue) {
            f.outcome = Outcome::Compliant;
            return f;
        }
        f.diff =
            unifiedDiff(entryText(current), entryText(std::string(kOptOutValue)), label, label);
        if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
        if (!launchd_->isRunning())
            return notApplicable(std::move(f),
                                 "not the running macOS system: launchd cannot be changed here");
        std::string error;
        if (!prior && !recordPrior(run, kTargetName, subject, current.has_value(),
                                   current.value_or(""), &error))
            return failed(std::move(f), error);
        if (auto set = launchd_->setUserConfigEnvironment(kOptOutVariable, kOptOutValue); !set) {
            if (!prior) forgetPrior(run, kTargetName, subject);
            return failed(std::move(f), set.error);
        }
        f.outcome = prior ? Outcome::DriftRepaired : Outcome::Remediated;
        f.reason = kPendingSessions;
        return f;
    }

    if (!current || *current != kOptOutValue) {
        f = notApplicable(std::move(f),
                          "changed by someone else since the agent set it; left as found");
        if (run.changesAllowed()) forgetPrior(run, kTargetName, subject, &f);
        return f;
    }
    const std::optional<std::string> before =
        prior->existed ? std::optional<std::string>(prior->value) : std::nullopt;
    f.diff = unifiedDiff(entryText(current), entryText(before), label, label);
    if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
    if (!launchd_->isRunning())
        return notApplicable(std::move(f),
                             "not the running macOS system: launchd cannot be changed here");
    const auto undone = before ? launchd_->setUserConfigEnvironment(kOptOutVariable, *before)
                               : launchd_->unsetUserConfigEnvironment(kOptOutVariable);
    if (!undone) return failed(std::move(f), undone.error);
    forgetPrior(run, kTargetName, subject, &f);
    f.outcome = Outcome::Restored;
    return f;
}

std::vector<Finding> LaunchdEnvironmentTarget::sessions(TargetRun& run, bool wanted) {
    std::vector<Finding> out;
    std::optional<uint32_t> console;
    if (launchd_->isRunning()) console = launchd_->consoleUser();
    if (wanted) {
        if (console) {
            out.push_back(session(run, *console, true));
        } else {
            out.push_back(notApplicable(findingFor("launchd session at the console", true),
                                        launchd_->isRunning()
                                            ? "no user is logged in at the console"
                                            : "not the running macOS system"));
        }
    }
    // Sessions the agent changed and the policy no longer wants changed (or, when wanted, those
    // of users who have left the console since: they keep the value until they log out).
    for (const auto& entry : run.ledger.list(kTargetName)) {
        if (entry.subject.rfind(kSessionPrefix, 0) != 0) continue;
        unsigned long uid = 0;
        if (std::sscanf(entry.subject.c_str() + std::char_traits<char>::length(kSessionPrefix),
                        "%lu", &uid) != 1)
            continue;
        if (wanted) continue;
        out.push_back(session(run, static_cast<uint32_t>(uid), false));
    }
    return out;
}

Finding LaunchdEnvironmentTarget::session(TargetRun& run, uint32_t uid, bool wanted) {
    const std::string subject = kSessionPrefix + std::to_string(uid);
    Finding f = findingFor(subject, wanted);
    const auto prior = run.ledger.find(kTargetName, subject);
    if (!launchd_->isRunning()) return notApplicable(std::move(f), "not the running macOS system");
    std::optional<std::string> current;
    if (auto got = launchd_->getSessionEnvironment(uid, kOptOutVariable, &current); !got) {
        if (wanted) return failed(std::move(f), got.error);
        // The session is gone (logged out): it took the value with it; nothing to restore.
        f = notApplicable(std::move(f), "the session can no longer be reached (" + got.error +
                                            "); a session that ended has nothing to restore");
        if (run.changesAllowed()) forgetPrior(run, kTargetName, subject, &f);
        return f;
    }
    f.observed = current ? std::string(kOptOutVariable) + "=" + *current : "absent";
    const char* label = "launchctl getenv";
    if (wanted) {
        if (current && *current == kOptOutValue) {
            f.outcome = Outcome::Compliant;
            return f;
        }
        f.diff =
            unifiedDiff(entryText(current), entryText(std::string(kOptOutValue)), label, label);
        if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
        std::string error;
        if (!prior && !recordPrior(run, kTargetName, subject, current.has_value(),
                                   current.value_or(""), &error))
            return failed(std::move(f), error);
        if (auto set = launchd_->setSessionEnvironment(uid, kOptOutVariable, kOptOutValue); !set) {
            if (!prior) forgetPrior(run, kTargetName, subject, &f);
            f.outcome = Outcome::Pending;
            f.reason = "the session could not be updated (" + set.error +
                       "): pending until next login, when the persistent configuration applies";
            return f;
        }
        f.outcome = prior ? Outcome::DriftRepaired : Outcome::Remediated;
        f.reason =
            "applies to what this session starts from now on; running apps keep the "
            "environment they started with";
        return f;
    }
    if (!prior) return notApplicable(std::move(f), "the agent has not set it");
    if (!current || *current != kOptOutValue) {
        f = notApplicable(std::move(f),
                          "changed by someone else since the agent set it; left as found");
        if (run.changesAllowed()) forgetPrior(run, kTargetName, subject, &f);
        return f;
    }
    const std::optional<std::string> before =
        prior->existed ? std::optional<std::string>(prior->value) : std::nullopt;
    f.diff = unifiedDiff(entryText(current), entryText(before), label, label);
    if (!run.changesAllowed()) return notChanged(std::move(f), run.mode);
    const auto undone = before ? launchd_->setSessionEnvironment(uid, kOptOutVariable, *before)
                               : launchd_->unsetSessionEnvironment(uid, kOptOutVariable);
    if (!undone) return failed(std::move(f), undone.error);
    forgetPrior(run, kTargetName, subject, &f);
    f.outcome = Outcome::Restored;
    return f;
}

}  // namespace

std::unique_ptr<Target> makeLaunchdEnvironmentTarget(std::shared_ptr<platform::Launchd> launchd) {
    return std::make_unique<LaunchdEnvironmentTarget>(std::move(launchd));
}

}  // namespace mpa
