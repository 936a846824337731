// The live user database on Linux and macOS (NSS / Open Directory through getpwent).
#include <pwd.h>

#include <cerrno>
#include <cstring>

#include "platform/users.hpp"

namespace mpa::platform {

AccountList enumerateUserDatabase(std::vector<std::string>* errors) {
    AccountList accounts;
    ::setpwent();
    while (true) {
        errno = 0;
        const passwd* entry = ::getpwent();
        if (entry == nullptr) {
            // errno 0 (or ENOENT, which some NSS modules leave behind) marks the normal end.
            if (errno != 0 && errno != ENOENT)
                errors->push_back(std::string("passwd database: ") + std::strerror(errno));
            break;
        }
        const std::string_view name = entry->pw_name ? entry->pw_name : "";
        const std::string_view home = entry->pw_dir ? entry->pw_dir : "";
        const auto uid = static_cast<uint32_t>(entry->pw_uid);
        if (name.empty() || home.empty() || home[0] != '/') {
            errors->push_back("passwd database: account '" + std::string(name) + "' (uid " +
                              std::to_string(uid) + ") has no absolute home directory; skipped");
            continue;
        }
        if (!accounts.add(name, uid, static_cast<uint32_t>(entry->pw_gid), home))
            errors->push_back("passwd database: account '" + std::string(name.substr(0, 64)) +
                              "': " + AccountList::kTooLong + "; skipped");
    }
    ::endpwent();
    return accounts;
}
UserList listWindowsProfiles() {
    UserList list;
    list.errors.push_back("the Windows profile list is read from the registry; not available here");
    return list;
}

}  // namespace mpa::platform
