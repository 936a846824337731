// Account enumeration on Linux and macOS: NSS for the live system, files for a scratch root.
#include <pwd.h>

#include <cerrno>
#include <cstring>

#include "platform/safe_fs.hpp"
#include "platform/users.hpp"

namespace mpa::platform {

namespace {

constexpr uint64_t kMaxAccountFileBytes = 64ull * 1024 * 1024;

// Reads a root-owned system file; a missing one is reported by *missing, other failures in
// `errors`.
std::string readSystemFile(const std::string& path, bool* missing,
                           std::vector<std::string>* errors) {
    ReadResult read = readFileNoFollow(path, kMaxAccountFileBytes);
    *missing = read.missing;
    if (!read.status) errors->push_back(read.status.error);
    return std::move(read.data);
}

bool isFileSystemRoot(const std::string& root) {
    return !root.empty() && root.find_first_not_of('/') == std::string::npos;
}

std::string underRoot(const std::string& root, const std::string& path) {
    std::string trimmed = root;
    while (!trimmed.empty() && trimmed.back() == '/') trimmed.pop_back();
    return trimmed + path;
}

}  // namespace

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
        account.shell = entry->pw_shell ? entry->pw_shell : "";
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

UserList listLoginUsers(const std::string& root) {
    UserList list;
    bool missing = false;
    const std::string loginDefs =
        readSystemFile(underRoot(root, "/etc/login.defs"), &missing, &list.errors);
    list.range = parseLoginDefs(loginDefs);

    std::vector<UserAccount> accounts;
    if (isFileSystemRoot(root)) {
        accounts = enumerateUserDatabase(&list.errors);
    } else {
        const std::string passwdPath = underRoot(root, "/etc/passwd");
        const std::string passwd = readSystemFile(passwdPath, &missing, &list.errors);
        if (missing) list.errors.push_back(passwdPath + ": does not exist");
        std::vector<std::string> lineErrors;
        accounts = parsePasswd(passwd, &lineErrors);
        for (const std::string& error : lineErrors)
            list.errors.push_back(passwdPath + ": " + error);
    }
    list.users = selectLoginUsers(std::move(accounts), list.range);
    return list;
}

}  // namespace mpa::platform
