// Accounts on Windows: profiles come from the registry's ProfileList; there is no passwd
// database (listLoginUsers still reads <root>/etc/passwd for a Linux layout under a scratch
// root, see users_common.cpp).
#include <algorithm>

#include "platform/users.hpp"
#include "platform/win32_support.hpp"
#include "util/status.hpp"

namespace mpa::platform {
namespace {

constexpr const wchar_t* kProfileList =
    L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList";

// A REG_SZ or REG_EXPAND_SZ value of any length (sized by a first query), expanded.
Status readPathValue(HKEY key, const wchar_t* name, std::wstring* out) {
    DWORD type = 0, bytes = 0;
    LSTATUS rc = ::RegQueryValueExW(key, name, nullptr, &type, nullptr, &bytes);
    if (rc != ERROR_SUCCESS) {
        return Status::failure(win32::errorText(static_cast<unsigned long>(rc)));
    }
    if (type != REG_SZ && type != REG_EXPAND_SZ) {
        return Status::failure("not a string value (type " + std::to_string(type) + ")");
    }
    std::wstring text(bytes / sizeof(wchar_t) + 1, L'\0');
    rc =
        ::RegQueryValueExW(key, name, nullptr, &type, reinterpret_cast<BYTE*>(text.data()), &bytes);
    if (rc != ERROR_SUCCESS) {
        return Status::failure(win32::errorText(static_cast<unsigned long>(rc)));
    }
    text.resize(wcsnlen(text.c_str(), text.size()));
    if (type == REG_EXPAND_SZ) {
        const DWORD needed = ::ExpandEnvironmentStringsW(text.c_str(), nullptr, 0);
        std::wstring expanded(needed, L'\0');
        ::ExpandEnvironmentStringsW(text.c_str(), expanded.data(), needed);
        expanded.resize(wcsnlen(expanded.c_str(), expanded.size()));
        text = expanded;
    }
    *out = text;
    return Status::success();
}

}  // namespace

AccountList enumerateUserDatabase(std::vector<std::string>* errors) {
    errors->push_back("there is no passwd database on Windows (profiles: ProfileList)");
    return {};
}

UserList listWindowsProfiles() {
    UserList list;
    const std::string where = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList";
    win32::KeyGuard key;
    LSTATUS rc =
        ::RegOpenKeyExW(HKEY_LOCAL_MACHINE, kProfileList, 0, KEY_READ | KEY_WOW64_64KEY, key.out());
    if (rc != ERROR_SUCCESS) {
        list.errors.push_back(where + ": " + win32::errorText(static_cast<unsigned long>(rc)));
        return list;
    }
    std::vector<std::pair<std::string, UserAccount>> bySid;  // a machine's few profiles
    for (DWORD index = 0;; ++index) {
        wchar_t sidName[256];
        DWORD length = 256;
        rc =
            ::RegEnumKeyExW(key.get(), index, sidName, &length, nullptr, nullptr, nullptr, nullptr);
        if (rc == ERROR_NO_MORE_ITEMS) break;
        if (rc != ERROR_SUCCESS) {
            list.errors.push_back(where + ": " + win32::errorText(static_cast<unsigned long>(rc)));
            break;
        }
        const std::string sid = win32::narrow(std::wstring_view(sidName, length));
        if (isServiceProfileSid(sid)) continue;
        win32::KeyGuard profile;
        rc = ::RegOpenKeyExW(key.get(), sidName, 0, KEY_READ | KEY_WOW64_64KEY, profile.out());
        std::wstring image;
        std::string error;
        if (rc != ERROR_SUCCESS) {
            error = win32::errorText(static_cast<unsigned long>(rc));
        } else if (Status read = readPathValue(profile.get(), L"ProfileImagePath", &image); !read) {
            error = read.error;
        } else if (image.size() < 3 || image[1] != L':') {
            error = "ProfileImagePath '" + win32::narrow(image) + "' is not a local path";
        }
        if (!error.empty()) {
            list.errors.push_back(where + "\\" + sid + ": " + error + "; skipped");
            continue;
        }
        UserAccount account;
        account.home = win32::logicalPath(image);
        account.name = account.home.substr(account.home.find_last_of('/') + 1);
        bySid.emplace_back(sid, std::move(account));
    }
    std::sort(bySid.begin(), bySid.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& entry : bySid)
        if (!list.users.add(entry.second))
            list.errors.push_back(where + "\\" + entry.first +
                                  ": profile path longer than 64 KiB; skipped");
    return list;
}

}  // namespace mpa::platform
