// The user accounts whose profiles the agent looks after.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "platform/account_list.hpp"
#include "util/status.hpp"

namespace mpa::platform {

// UID range of human accounts, from login.defs (the defaults are shadow-utils' own).
struct LoginRange {
    uint32_t uidMin = 1000, uidMax = 60000;
};

struct UserList {
    AccountList users;
    // How an account (by name) was found when not as `foundByDefault`: "home directory
    // /home/EXAMPLE/bob", "login session /run/user/3000017". The database's accounts are not
    // listed one by one: on a machine with many they were a map entry each.
    std::map<std::string, std::string> foundBy;
    std::string foundByDefault = "user database";  // or "passwd file" under a --root
    const std::string& howFound(const std::string& name) const {
        const auto it = foundBy.find(name);
        return it == foundBy.end() ? foundByDefault : it->second;
    }
    std::vector<std::string> errors;
    LoginRange range;
};

// UID_MIN / UID_MAX from login.defs text; comments, blank lines, tabs and other keys are ignored;
// a missing or unparsable value keeps its default.
LoginRange parseLoginDefs(std::string_view text);

// Every well-formed line of a passwd file, in order. A malformed line is skipped and reported as
// "line N: reason"; blank lines, comments and NIS compat lines ("+", "-") are skipped silently.
AccountList parsePasswd(std::string_view text, std::vector<std::string>* errors);

// Keeps accounts with uid in [range.uidMin, range.uidMax], drops later duplicates of a name (the
// first source wins, as in NSS), and sorts by uid then name.
AccountList selectLoginUsers(AccountList accounts, const LoginRange& range);

// Accounts in the login range. `root` is the agent's --root: when it is "/", the NSS passwd
// database is enumerated with getpwent (so LDAP/SSSD accounts count) and /etc/login.defs read;
// otherwise <root>/etc/passwd and <root>/etc/login.defs are parsed. Whether a home directory
// exists is left to the caller, which must open it safely anyway. Then the directory users
// (findDirectoryUsers) the database did not list. Each account says how it was found. Not
// thread-safe (getpwent).
UserList listLoginUsers(const std::string& root);

// Every account of the live user database (getpwent: NSS on Linux, Open Directory on macOS),
// unfiltered. POSIX only. Not thread-safe.
AccountList enumerateUserDatabase(std::vector<std::string>* errors);

// --- Directory users (SSSD, winbind) ------------------------------------------------------------
// SSSD and winbind do not enumerate by default, so getpwent never returns the domain users who
// use the machine. They are found the way the machine knows them: by their home directory under
// the configured home roots and by their login session, each resolved with NSS (getpwuid).

// The configuration that says where directory users' homes are (file texts, empty if absent).
struct HomeRootConfig {
    std::string smbConf;   // /etc/samba/smb.conf: workgroup, realm, template homedir
    std::string sssdConf;  // /etc/sssd/sssd.conf: [domain/X] override_homedir, fallback_homedir
    std::string useradd;   // /etc/default/useradd: HOME (the local accounts' root)
};

// The directories that hold one home per user: each homedir template cut before its first
// per-user component, with the domain substituted (smb.conf's `/home/%D/%U` gives
// /home/<WORKGROUP>); /home/<domain> for every domain named; useradd's HOME (default /home).
// Templates whose root cannot be known (an unknown % code before the user part) are left out.
std::vector<std::string> directoryHomeRoots(const HomeRootConfig& config);

// The config files above, read under the agent's root (missing files count as empty).
HomeRootConfig readHomeRootConfig(const std::string& root);

// Accounts with uid >= range.uidMin found (1) as the owner of a directory directly under a home
// root whose passwd entry (getpwuid, NSS) names that directory as its home, and (2) from a login
// session, <root>/run/user/<uid>. UID_MAX does not apply: directory id ranges (winbind, SSSD)
// lie far above it. POSIX only; an empty list elsewhere.
struct DirectoryUser {
    UserAccount account;
    std::string foundBy;  // "home directory /home/EXAMPLE/bob", "login session /run/user/N"
};
// What the user database already listed, so that findDirectoryUsers leaves it alone: its uids
// are not looked up again (an NSS look-up is a dozen system calls, per profile of every pass),
// and a directory that is one of its homes is not even stat'ed for its owner (one system call
// per profile of every pass; the profile's own walk opens that home anyway). A directory
// account homed in a listed account's home would be that home's second owner: the listed
// account's profile reports the home's owner when it is not its own. Sorted lists, not sets:
// 4 bytes an account for a uid and 8 for a home (a 64-bit hash of its path), where a set node
// was 40.
struct KnownAccounts {
    std::vector<uint32_t> uids;   // sorted
    std::vector<uint64_t> homes;  // sorted homeKey of each home, trailing slashes removed
    static uint64_t homeKey(std::string_view home);
    bool hasUid(uint32_t uid) const;
    bool hasHome(std::string_view home) const;
};
std::vector<DirectoryUser> findDirectoryUsers(const std::string& root, const LoginRange& range,
                                              std::vector<std::string>* errors,
                                              const KnownAccounts& known = {});

// What the service watches to see directory users arrive (logical paths): the home roots and
// /run/user (a login creates the user's runtime directory there, and often the home).
std::vector<std::string> directoryUserWatchPaths(const std::string& root);

// --- macOS ------------------------------------------------------------------------------------
// Local accounts with a home under /Users: uid 501 and up (macOS gives the first user 501;
// system accounts, named _www and so on, sit below), except nobody (-2) and -1, and a home
// "/Users/<name>" (accounts homed elsewhere are service accounts). Sorted by uid then name.
inline constexpr uint32_t kMacFirstUserUid = 501;
AccountList selectMacUsers(AccountList accounts);

// The directory under a scratch root that holds macOS's local user records: one plist per
// account, as opendirectoryd keeps them on a Mac (/private/var/db/dslocal/nodes/Default/users).
inline constexpr const char* kMacLocalUserRecords = "/private/var/db/dslocal/nodes/Default/users";

// One local user record (a dictionary whose values are arrays of strings: name, uid, gid, home,
// shell). nullopt with a failed *status ("no name", "no valid uid", "not a readable XML property
// list") when it is not a usable account.
std::optional<UserAccount> parseMacUserRecord(std::string_view data, Status* status);

// macOS accounts for the agent's root: when it is "/", the user database through getpwent
// (Open Directory answers it on a Mac); otherwise every <name>.plist in <root> +
// kMacLocalUserRecords. Then selectMacUsers. Problems per record go to `errors`.
UserList listMacLoginUsers(const std::string& root);

// --- Windows ----------------------------------------------------------------------------------
// The profiles of HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList (the 64-bit
// view): one account per SID subkey with its ProfileImagePath (environment references expanded,
// spelled "C:/Users/bob"), except the service accounts S-1-5-18, -19 and -20, in the order of
// their SIDs. `name` is the profile folder's name. On other systems: an empty list and an error.
// Whether each directory exists is left to the caller (under --root it is looked up below the
// root).
UserList listWindowsProfiles();

// True for the well-known service SIDs whose profiles are not people's (LocalSystem,
// LocalService, NetworkService).
bool isServiceProfileSid(std::string_view sid);

}  // namespace mpa::platform
