// Directory (SSSD, winbind) accounts found by their home directory and their login session,
// resolved with NSS (getpwuid_r): those services answer look-ups but do not enumerate.
#include <pwd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>

#include "platform/safe_fs.hpp"
#include "platform/users.hpp"
#include "util/path_text.hpp"

namespace mpa::platform {
namespace {

std::optional<UserAccount> lookupUid(uint32_t uid) {
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    while (::getpwuid_r(static_cast<uid_t>(uid), &entry, buffer.data(), buffer.size(), &found) ==
               ERANGE &&
           buffer.size() < (1u << 20))
        buffer.resize(buffer.size() * 2);
    if (!found || !found->pw_name || !found->pw_dir || found->pw_dir[0] != '/') return std::nullopt;
    UserAccount account;
    account.name = found->pw_name;
    account.uid = static_cast<uint32_t>(found->pw_uid);
    account.gid = static_cast<uint32_t>(found->pw_gid);
    account.home = found->pw_dir;
    return account;
}

bool parseUid(const std::string& text, uint32_t* uid) {
    if (text.empty() || text.size() > 10) return false;
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    if (value > 0xFFFFFFFEu) return false;
    *uid = static_cast<uint32_t>(value);
    return true;
}

}  // namespace

std::vector<DirectoryUser> findDirectoryUsers(const std::string& root, const LoginRange& range,
                                              std::vector<std::string>* errors,
                                              const KnownAccounts& known) {
    std::string base = root;
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::vector<DirectoryUser> found;
    std::set<uint32_t> seen;
    const auto add = [&](UserAccount account, std::string how) {
        if (account.uid < range.uidMin || !seen.insert(account.uid).second) return;
        found.push_back({std::move(account), std::move(how)});
    };
    for (const auto& homeRoot : directoryHomeRoots(readHomeRootConfig(root))) {
        Status status;
        bool missing = false;
        const auto dir = SafeDir::open(base + homeRoot, &status, &missing);
        if (!dir) {
            if (!missing) errors->push_back(homeRoot + ": " + status.error);
            continue;
        }
        // Entry by entry, not listed whole: the home root of a machine with many accounts holds
        // one directory for each, nearly all of them known homes.
        const std::string prefix = homeRoot == "/" ? "" : homeRoot;
        std::string home;
        status = dir->forEachEntry([&](std::string_view entry) {
            home.assign(prefix).append("/").append(entry);
            if (known.hasHome(home)) return;
            const std::string name(entry);
            const auto info = dir->stat(name);
            if (info.kind != FileKind::Directory || info.uid < range.uidMin ||
                known.hasUid(info.uid))
                return;
            // The owner's own passwd entry must name this directory: a directory someone else
            // owns, or an account homed elsewhere, is not this account's profile.
            auto account = lookupUid(info.uid);
            if (account && withoutTrailingSlashes(account->home) == home)
                add(std::move(*account), "home directory " + home);
        });
        if (!status) errors->push_back(homeRoot + ": " + status.error);
    }
    bool missing = false;
    if (const auto runUser = SafeDir::open(base + "/run/user", nullptr, &missing)) {
        for (const auto& name : runUser->list(nullptr)) {
            uint32_t uid = 0;
            if (!parseUid(name, &uid) || known.hasUid(uid) ||
                runUser->stat(name).kind != FileKind::Directory)
                continue;
            if (auto account = lookupUid(uid))
                add(std::move(*account), "login session /run/user/" + name);
        }
    }
    // In the order of their uids, whatever order the directories were listed in.
    std::sort(found.begin(), found.end(), [](const DirectoryUser& a, const DirectoryUser& b) {
        return a.account.uid < b.account.uid;
    });
    return found;
}

}  // namespace mpa::platform
