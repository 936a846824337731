// Windows has no SSSD or winbind: directory accounts come with their ProfileList entry.
#include "platform/users.hpp"

namespace mpa::platform {

std::vector<DirectoryUser> findDirectoryUsers(const std::string&, const LoginRange&,
                                              std::vector<std::string>*, const KnownAccounts&) {
    return {};
}

}  // namespace mpa::platform
