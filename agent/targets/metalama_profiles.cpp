#include "targets/metalama_profiles.hpp"

#include <utility>

#include "platform/safe_fs.hpp"
#include "platform/users.hpp"
#include "util/path_text.hpp"

namespace mpa {

DataDirectories metalamaDataDirectories(PlatformProfile platform) {
    switch (platform) {
        case PlatformProfile::Linux:
            // 2024.1.9+: $XDG_DATA_HOME/Metalama; up to 2024.1.8: $XDG_CONFIG_HOME/.metalama.
            // A service cannot see a user's XDG variables, so the defaults are used (documented).
            return {{".local", "share", "Metalama"}, {".config", ".metalama"}};
        case PlatformProfile::MacOS:
            // 2025.1+ uses Application Support; older builds on .NET 6/7 used the Linux paths.
            return {{"Library", "Application Support", "Metalama"},
                    {".local", "share", "Metalama"},
                    {".config", ".metalama"}};
        case PlatformProfile::Windows:
            return {{"AppData", "Local", "Metalama"}, {"AppData", "Roaming", ".metalama"}};
    }
    return {};
}

std::string newProfileTemplate(PlatformProfile platform) {
    switch (platform) {
        case PlatformProfile::Linux:
            return "/etc/skel";
        case PlatformProfile::Windows:
            return "C:/Users/Default";
        case PlatformProfile::MacOS:
            return {};
    }
    return {};
}

std::string joinPath(const std::string& base, const std::vector<std::string>& components) {
    std::string out = base;
    for (const auto& c : components) appendPathComponent(out, c);
    return out;
}

void appendPathComponent(std::string& path, const std::string& component) {
    if (path.empty() || path.back() != '/') path += '/';
    path += component;
}

namespace {

// Windows: the ProfileList of the registry (the registry is not relocated by --root; the
// directories are). ProfileList keeps entries of deleted profiles: a missing directory is
// skipped, not an error.
platform::UserList windowsProfiles(const AgentContext& context) {
    platform::UserList list = platform::listWindowsProfiles();
    list.users.keepIf([&](const platform::AccountList::View& user, std::size_t) {
        bool missing = false;
        return platform::SafeDir::open(context.resolve(user.home), nullptr, &missing) || !missing;
    });
    return list;
}

}  // namespace

ProfileList listMetalamaProfiles(const AgentContext& context, std::vector<std::string>& errors) {
    // macOS: local accounts homed under /Users (uid 501 and up); Windows: ProfileList;
    // elsewhere the login range.
    auto users = context.platform == PlatformProfile::MacOS
                     ? platform::listMacLoginUsers(context.settings.root)
                 : context.platform == PlatformProfile::Windows
                     ? windowsProfiles(context)
                     : platform::listLoginUsers(context.settings.root);
    errors.insert(errors.end(), users.errors.begin(), users.errors.end());
    // Two names for one uid and home (an alias account) are one person's files: one profile,
    // under the first name. The same uid with another home is another profile.
    auto& accounts = users.users;
    if (context.platform != PlatformProfile::Windows)
        accounts.dropLaterDuplicates(
            [](const platform::AccountList::View& v) { return std::make_pair(v.uid, v.home); });
    accounts.keepIf([&](const platform::AccountList::View& user, std::size_t) {
        if (isAbsoluteLogicalPath(user.home)) return true;
        errors.push_back("account " + std::string(user.name) + ": home directory '" +
                         std::string(user.home) + "' is not an absolute path; skipped");
        return false;
    });
    // The listing's own list becomes the pass's: nothing is copied.
    ProfileList profiles(
        std::make_shared<const DataDirectories>(metalamaDataDirectories(context.platform)),
        std::move(accounts));
    // In the order of the paths under the homes, which is the order of the ledger's index: each
    // profile's look-up then goes on from the one before it (store/ledger_cursor.hpp) instead of
    // searching the whole index, whatever order the accounts' uids give.
    profiles.sortByHome();
    const auto skel = newProfileTemplate(context.platform);
    if (!skel.empty()) profiles.add(kTemplateAccount, 0, 0, skel, true);
    return profiles;
}

PassProfiles::List PassProfiles::list(const AgentContext& context, std::vector<std::string>& errors,
                                      FindingLog::SpillFile spill) {
    offered_.reset();  // never a list of an earlier pass, even if listing throws
    read_ = FindingLog(std::move(spill));  // nor what was read in its walk
    walkFinished_ = false;
    offered_ = std::make_shared<const ProfileList>(listMetalamaProfiles(context, errors));
    return offered_;
}

void PassProfiles::walked(const MetalamaProfile& p, const std::vector<ProfileDataDirectory>& dirs) {
    if (!reader_) return;
    if (auto f = reader_(p, dirs)) read_.push_back(std::move(*f));
}

std::optional<FindingLog> PassProfiles::takeReadFindings() {
    if (!walkFinished_) return std::nullopt;
    walkFinished_ = false;
    return std::exchange(read_, {});
}

PassProfiles::List PassProfiles::take(const AgentContext& context) {
    if (offered_) return std::move(offered_);
    std::vector<std::string> errors;
    return std::make_shared<const ProfileList>(listMetalamaProfiles(context, errors));
}

PassProfiles::List PassProfiles::share(const AgentContext& context) {
    if (offered_) return offered_;
    std::vector<std::string> errors;
    return std::make_shared<const ProfileList>(listMetalamaProfiles(context, errors));
}

std::vector<std::string> profileWatchPaths(const AgentContext& context) {
    std::vector<std::string> paths;
    switch (context.platform) {
        case PlatformProfile::Linux:
            paths.push_back(context.resolve("/etc/passwd"));
            // Directory users arrive with their home or their login session.
            for (const auto& path : platform::directoryUserWatchPaths(context.settings.root))
                paths.push_back(context.resolve(path));
            break;
        case PlatformProfile::MacOS:
            paths.push_back(context.resolve(platform::kMacLocalUserRecords));
            break;
        case PlatformProfile::Windows:
            paths.push_back(
                "registry:HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList");
            break;
    }
    std::vector<std::string> errors;  // reported by the pass itself
    // Not the directories that hold the homes: the service stamps a watched directory with its
    // whole tree, so every write in any home would count as a change there.
    const auto profiles = listMetalamaProfiles(context, errors);
    for (std::size_t i = 0; i < profiles.size(); ++i)
        for (const auto& dir : *profiles.dataDirectories())
            paths.push_back(context.resolve(
                joinPath(joinPath(std::string(profiles.home(i)), dir), {"telemetry.json"})));
    return paths;
}

std::optional<Finding> visitProfilesUntilStopped(
    const TargetRun& run, const std::string& target, const ProfileList& profiles,
    const std::function<void(const MetalamaProfile&)>& visit) {
    for (std::size_t i = 0; i < profiles.size(); ++i) {
        if (run.stopping()) {
            const auto left = std::to_string(profiles.size() - i);
            return Finding::notChecked(target, "(" + left + " more profiles)",
                                       "not checked: the service stopped during the pass with " +
                                           left + " of " + std::to_string(profiles.size()) +
                                           " profiles left");
        }
        visit(profiles[i]);
    }
    return std::nullopt;
}

}  // namespace mpa
