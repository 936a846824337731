// The live user database on Linux and macOS (NSS / Open Directory through getpwent).
#include <pwd.h>

#include <cerrno>
#include <cstring>

#include "platform/users.hpp"

namespace mpa::platform {

std::vector<UserAccount> enumerateUserDatabase(std::vector<std::string>* errors) {
    std::vector<UserAccount> accounts;
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
        UserAccount account;
        account.name = entry->pw_name ? entry->pw_name : "";
        account.uid = static_cast<uint32_t>(entry->pw_uid);
        account.gid = static_cast<uint32_t>(entry->pw_gid);
        account.home = entry->pw_dir ? entry->pw_dir : "";
        if (account.name.empty() || account.home.empty() || account.home[0] != '/') {
            errors->push_back("passwd database: account '" + account.name + "' (uid " +
                              std::to_string(account.uid) +
                              ") has no absolute home directory; skipped");
            continue;
        }
        accounts.push_back(std::move(account));
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
