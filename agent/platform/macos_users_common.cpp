// macOS account selection, compiled everywhere so it is tested on Linux. On a live Mac the
// accounts come from getpwent (Open Directory); under a scratch root from the local node's user
// records, the plists opendirectoryd keeps in /private/var/db/dslocal/nodes/Default/users: the
// same data a Mac holds on disk, so a scratch tree can be copied from a real machine.
#include <algorithm>
#include <charconv>
#include <set>
#include <string_view>

#include "platform/safe_fs.hpp"
#include "platform/users.hpp"
#include "util/plist_tree.hpp"

namespace mpa::platform {
namespace {

constexpr uint64_t kMaxRecordBytes = 1024 * 1024;  // records hold a password hash and a picture
constexpr const char* kUsersPrefix = "/Users/";

bool isUnderUsers(std::string_view home) {
    if (home.substr(0, 7) != kUsersPrefix || home.size() == 7) return false;
    const auto rest = home.substr(7);
    return rest.find('/') == std::string_view::npos && rest != "." && rest != "..";
}

#ifdef MPA_HAVE_PLIST  // only the plist record reader needs it
bool parseUid(const std::string& text, uint32_t* value) {
    // Open Directory keeps ids as decimal strings; nobody is -2 on macOS.
    int64_t parsed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec != std::errc() || end != text.data() + text.size() || parsed < 0 ||
        parsed >= 0xFFFFFFFFll)
        return false;
    *value = static_cast<uint32_t>(parsed);
    return true;
}
#endif

}  // namespace

AccountList selectMacUsers(AccountList accounts) {
    std::set<std::string_view> seen;  // views into `accounts`, which keepIf does not move
    accounts.keepIf([&](const AccountList::View& a, std::size_t) {
        if (a.uid < kMacFirstUserUid || a.uid >= 0xFFFFFFFEu) return false;
        if (a.name.empty() || a.name.front() == '_') return false;
        if (!isUnderUsers(a.home)) return false;
        return seen.insert(a.name).second;
    });
    accounts.sortByUid();
    return accounts;
}

#ifdef MPA_HAVE_PLIST
std::optional<UserAccount> parseMacUserRecord(std::string_view data, Status* status) {
    const auto tree = plist::parse(data, status);
    if (!tree) return std::nullopt;
    if (!plist::isDict(tree.get())) {
        *status =
            Status::failure("the root is " + plist::typeName(tree.get()) + ", not a user record");
        return std::nullopt;
    }
    // Every attribute is an array of strings; the first value is the one that counts.
    auto first = [&](const char* key) -> std::optional<std::string> {
        const auto items = plist::arrayItems(plist::dictItem(tree.get(), key));
        if (items.empty()) return std::nullopt;
        return plist::stringValue(items.front());
    };
    UserAccount account;
    account.name = first("name").value_or("");
    if (account.name.empty()) {
        *status = Status::failure("no name");
        return std::nullopt;
    }
    const auto uid = first("uid");
    if (!uid || !parseUid(*uid, &account.uid)) {
        *status = Status::failure("no valid uid" + (uid ? " ('" + *uid + "')" : std::string()));
        return std::nullopt;
    }
    const auto gid = first("gid");
    if (!gid || !parseUid(*gid, &account.gid)) {
        *status = Status::failure("no valid gid" + (gid ? " ('" + *gid + "')" : std::string()));
        return std::nullopt;
    }
    account.home = first("home").value_or("");
    return account;
}
#else
std::optional<UserAccount> parseMacUserRecord(std::string_view, Status* status) {
    *status = Status::failure("this build has no property-list support (libplist)");
    return std::nullopt;
}
#endif

UserList listMacLoginUsers(const std::string& root) {
    UserList list;
    list.range = {kMacFirstUserUid, 0xFFFFFFFDu};
    AccountList accounts;
    if (!root.empty() && root.find_first_not_of('/') == std::string::npos) {
#ifndef _WIN32
        accounts = enumerateUserDatabase(&list.errors);
#else
        list.errors.push_back("the macOS user database is not available on Windows");
#endif
    } else {
        std::string trimmed = root;
        while (!trimmed.empty() && trimmed.back() == '/') trimmed.pop_back();
        const std::string directory = trimmed + kMacLocalUserRecords;
        Status status;
        bool missing = false;
        auto dir = SafeDir::open(directory, &status, &missing);
        if (!dir) {
            list.errors.push_back(missing ? std::string(kMacLocalUserRecords) + ": does not exist"
                                          : status.error);
            return list;
        }
        for (const auto& name : dir->list(&status)) {
            if (name.size() <= 6 || name.compare(name.size() - 6, 6, ".plist") != 0) continue;
            const auto logical = std::string(kMacLocalUserRecords) + "/" + name;
            auto read = dir->readFile(name, kMaxRecordBytes);
            if (!read.status || read.missing) {
                if (!read.status) list.errors.push_back(read.status.error);
                continue;
            }
            Status parsed;
            if (auto account = parseMacUserRecord(read.data, &parsed)) {
                if (!accounts.add(*account))
                    list.errors.push_back(logical + ": " + AccountList::kTooLong + "; skipped");
            } else
                list.errors.push_back(logical + ": " + parsed.error + "; skipped");
        }
        if (!status) list.errors.push_back(status.error);
    }
    list.users = selectMacUsers(std::move(accounts));
    return list;
}

}  // namespace mpa::platform
