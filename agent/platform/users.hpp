// The user accounts whose profiles the agent looks after.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mpa::platform {

struct UserAccount {
    std::string name;
    uint32_t uid = 0, gid = 0;
    std::string home;  // as in passwd, e.g. /home/alice (not prefixed with the agent's root)
    std::string shell;
};

// UID range of human accounts, from login.defs (the defaults are shadow-utils' own).
struct LoginRange {
    uint32_t uidMin = 1000, uidMax = 60000;
};

struct UserList {
    std::vector<UserAccount> users;
    std::vector<std::string> errors;
    LoginRange range;
};

// UID_MIN / UID_MAX from login.defs text; comments, blank lines, tabs and other keys are ignored;
// a missing or unparsable value keeps its default.
LoginRange parseLoginDefs(std::string_view text);

// Every well-formed line of a passwd file, in order. A malformed line is skipped and reported as
// "line N: reason"; blank lines, comments and NIS compat lines ("+", "-") are skipped silently.
std::vector<UserAccount> parsePasswd(std::string_view text, std::vector<std::string>* errors);

// Keeps accounts with uid in [range.uidMin, range.uidMax], drops later duplicates of a name (the
// first source wins, as in NSS), and sorts by uid then name.
std::vector<UserAccount> selectLoginUsers(std::vector<UserAccount> accounts,
                                          const LoginRange& range);

// Accounts in the login range. `root` is the agent's --root: when it is "/", the NSS passwd
// database is enumerated with getpwent (so LDAP/SSSD accounts count) and /etc/login.defs read;
// otherwise <root>/etc/passwd and <root>/etc/login.defs are parsed. Whether a home directory
// exists is left to the caller, which must open it safely anyway. Not thread-safe (getpwent).
UserList listLoginUsers(const std::string& root);

}  // namespace mpa::platform
