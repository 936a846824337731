#include "targets/profile_directories.hpp"

#include <cstdio>

#include "targets/owned_directories.hpp"
#include "util/path_text.hpp"

namespace mpa {

std::string userCannotWrite(const MetalamaProfile& p, const platform::FileInfo& dir) {
    // Inside a home the agent writes only where its user could, so root never creates files in
    // a place the user was kept out of.
    if (p.isTemplate) return {};
    const std::uint32_t bits = dir.uid == p.uid   ? (dir.mode >> 6) & 7
                               : dir.gid == p.gid ? (dir.mode >> 3) & 7
                                                  : dir.mode & 7;
    if ((bits & 3) == 3) return {};  // write and search
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(dir.mode & 07777));
    return "its user (uid " + std::to_string(p.uid) +
           ") cannot write this directory (owned by uid " + std::to_string(dir.uid) + ", gid " +
           std::to_string(dir.gid) + ", mode " + mode +
           "); inside a home the agent writes only where the user could";
}

platform::Ownership replacementInHome(const MetalamaProfile& p, const platform::FileInfo& old) {
    if (p.isTemplate) return {old.uid, old.gid, old.mode & 07777};
    return {p.uid, old.uid == p.uid ? old.gid : p.gid, old.mode & 0777};
}

bool isLockedEcryptfsHome(const platform::SafeDir& home) {
    // The lower directory holds the links ecryptfs-setup-private leaves there (.Private to the
    // encrypted data), on the file system of the directory holding it; mounted, the home is a
    // file system of its own.
    const auto priv = home.stat(".Private").kind;
    if (priv != platform::FileKind::Symlink && priv != platform::FileKind::Directory) return false;
    if (home.stat(".ecryptfs").kind == platform::FileKind::Missing) return false;
    const auto slash = home.path().find_last_of('/');
    if (slash == std::string::npos) return false;
    const auto above =
        platform::SafeDir::open(slash == 0 ? "/" : home.path().substr(0, slash), nullptr);
    return above && above->device() == home.device();
}

std::optional<platform::SafeDir> ProfileHomes::open(const std::string& home, Status* status,
                                                    bool* missing) {
    const auto parent = parentOf(home);
    const auto name = baseNameOf(home);
    if (name.empty() || name == "." || name == "..")
        return platform::SafeDir::open(context_.resolve(home), status, missing);
    if (parent != parentPath_) {
        parentPath_ = parent;
        parent_ = platform::SafeDir::open(context_.resolve(parent), nullptr);
    }
    if (!parent_) return platform::SafeDir::open(context_.resolve(home), status, missing);
    // The no-follow open first (it refuses a link); what the entry is, only when it fails.
    if (auto opened = parent_->openChild(name, false, {}, std::nullopt, nullptr, status))
        return opened;
    const auto kind = parent_->stat(name).kind;
    *missing = kind == platform::FileKind::Missing;
    if (*missing) return std::nullopt;
    // A home that is a link is followed only when root made it where only root can change it
    // (SafeDir::open's rule); links inside the home never are.
    if (kind == platform::FileKind::Symlink)
        return platform::SafeDir::open(context_.resolve(home), status, missing);
    if (kind != platform::FileKind::Directory)
        *status = Status::failure(context_.resolve(home) + ": is not a directory");
    return std::nullopt;
}

std::vector<ProfileDataDirectory> existingDataDirectories(
    const MetalamaProfile& p, const platform::SafeDir& home,
    std::vector<ProfilePathProblem>* problems) {
    const auto problem = [&](const std::string& logical, std::string reason) {
        if (problems) problems->push_back({logical, std::move(reason)});
    };
    std::vector<ProfileDataDirectory> found;
    for (const auto& components : *p.dataDirectories) {
        std::optional<platform::SafeDir> current;
        std::string logical = p.home;
        bool exists = true;
        for (const auto& component : components) {
            const auto& parent = current ? *current : home;
            appendPathComponent(logical, component);
            // One no-follow open per component (it refuses a link); what the entry is, and so
            // which problem to report, is asked only when the open fails for another reason
            // than a missing entry.
            Status opened;
            bool missing = false;
            auto next = parent.openChild(component, false, {}, p.uid, nullptr, &opened, &missing);
            if (!next) {
                const auto kind =
                    missing ? platform::FileKind::Missing : parent.stat(component).kind;
                if (kind == platform::FileKind::Symlink)
                    problem(logical,
                            "is a symbolic link; the agent never follows links in a profile");
                else if (kind == platform::FileKind::Directory)
                    problem(logical, opened.error);
                else if (kind != platform::FileKind::Missing)
                    problem(logical, "is not a directory");
                exists = false;
                break;
            }
            current = std::move(next);
        }
        if (exists && current) found.push_back({std::move(*current), logical, {}, {}});
    }
    return found;
}

std::optional<ProfileDataDirectory> planDataDirectory(const MetalamaProfile& p,
                                                      platform::SafeDir home,
                                                      ProfilePathProblem* problem) {
    platform::SafeDir current = std::move(home);
    std::string logical = p.home;
    std::vector<std::string> toMake, created;
    for (const auto& component : p.dataDirectories->front()) {
        appendPathComponent(logical, component);
        if (!toMake.empty()) {  // below a directory still to make
            toMake.push_back(component);
            created.push_back(logical);
            continue;
        }
        Status opened;
        bool missing = false;
        auto next = current.openChild(component, false, {}, p.uid, nullptr, &opened, &missing);
        if (next) {
            current = std::move(*next);
            continue;
        }
        if (!missing) {
            *problem = {logical, "cannot create the Metalama data directory: " + opened.error};
            return std::nullopt;
        }
        // The agent creates only what the user could have created.
        if (const auto why = userCannotWrite(p, current.infoWhenOpened()); !why.empty()) {
            *problem = {logical, "cannot create the Metalama data directory: " + parentOf(logical) +
                                     ": " + why};
            return std::nullopt;
        }
        toMake.push_back(component);
        created.push_back(logical);
    }
    return ProfileDataDirectory{std::move(current),
                                logical,
                                std::move(created),
                                std::move(toMake),
                                {p.uid, p.gid, kCreatedDataDirectoryMode}};
}

std::optional<platform::SafeDir> makeDirectoriesInHome(const platform::SafeDir& from,
                                                       const std::vector<std::string>& components,
                                                       const platform::Ownership& owner,
                                                       Status* status) {
    std::optional<platform::SafeDir> current;
    for (const auto& component : components) {
        const auto& parent = current ? *current : from;
        auto next = parent.openChild(component, true, owner, owner.uid, nullptr, status);
        if (!next) return std::nullopt;
        current = std::move(next);
    }
    return current;
}

Status makeDataDirectory(ProfileDataDirectory& d) {
    if (d.exists()) return Status::success();
    Status made;
    auto dir = makeDirectoriesInHome(d.dir, d.toMake, d.makeAs, &made);
    if (!dir) return Status::failure("cannot create the Metalama data directory: " + made.error);
    d.dir = std::move(*dir);
    d.toMake.clear();
    return Status::success();
}

}  // namespace mpa
