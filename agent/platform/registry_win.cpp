// The registry through the real Win32 API (advapi32), 64-bit view.
#include "platform/registry.hpp"
#include "platform/win32_support.hpp"

namespace mpa::platform {
namespace {

using win32::errorText;
using win32::KeyGuard;
using win32::widen;

HKEY root(RegistryHive hive) {
    return hive == RegistryHive::LocalMachine ? HKEY_LOCAL_MACHINE : HKEY_USERS;
}

std::string describe(RegistryHive hive, const std::string& key) {
    return hiveName(hive) + "\\" + key;
}

LSTATUS openKey(RegistryHive hive, const std::string& key, REGSAM access, KeyGuard* out) {
    return ::RegOpenKeyExW(root(hive), widen(key).c_str(), 0, access | KEY_WOW64_64KEY, out->out());
}

bool isMissing(LSTATUS rc) {
    return rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND;
}

// Reads one value, its buffer sized by a first query (and again if it grew in between).
LSTATUS queryValue(HKEY key, const std::wstring& name, RegistryValue* out) {
    DWORD type = 0, bytes = 0;
    LSTATUS rc = ::RegQueryValueExW(key, name.c_str(), nullptr, &type, nullptr, &bytes);
    std::vector<BYTE> data;
    for (int attempt = 0; rc == ERROR_SUCCESS && attempt < 4; ++attempt) {
        data.assign(bytes + sizeof(wchar_t), 0);  // room for a NUL the writer left out
        DWORD size = bytes;
        rc = ::RegQueryValueExW(key, name.c_str(), nullptr, &type, data.data(), &size);
        if (rc == ERROR_MORE_DATA) {
            rc = ::RegQueryValueExW(key, name.c_str(), nullptr, &type, nullptr, &bytes);
            continue;
        }
        bytes = size;
        break;
    }
    if (rc != ERROR_SUCCESS) return rc;
    out->name = win32::narrow(name);
    out->type = type;
    out->size = bytes;
    if (type == REG_SZ || type == REG_EXPAND_SZ) {
        const auto* chars = reinterpret_cast<const wchar_t*>(data.data());
        const std::size_t count = bytes / sizeof(wchar_t);
        out->text = win32::narrow(std::wstring_view(chars, wcsnlen(chars, count)));
    } else if (type == REG_DWORD && bytes == 4) {
        out->number = static_cast<std::uint64_t>(data[0]) |
                      (static_cast<std::uint64_t>(data[1]) << 8) |
                      (static_cast<std::uint64_t>(data[2]) << 16) |
                      (static_cast<std::uint64_t>(data[3]) << 24);
    } else if (type == REG_QWORD && bytes == 8) {
        for (int i = 7; i >= 0; --i)
            out->number = (out->number << 8) | data[static_cast<std::size_t>(i)];
    }
    return ERROR_SUCCESS;
}

}  // namespace

std::string hiveName(RegistryHive hive) {
    return hive == RegistryHive::LocalMachine ? "HKLM" : "HKU";
}

RegistryKeyValues readRegistryValues(RegistryHive hive, const std::string& key) {
    RegistryKeyValues out;
    KeyGuard handle;
    LSTATUS rc = openKey(hive, key, KEY_QUERY_VALUE, &handle);
    if (rc != ERROR_SUCCESS) {
        if (isMissing(rc))
            out.missing = true;
        else
            out.status = Status::failure(describe(hive, key) + ": " +
                                         errorText(static_cast<unsigned long>(rc)));
        return out;
    }
    DWORD count = 0, longestName = 0;
    rc = ::RegQueryInfoKeyW(handle.get(), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                            &count, &longestName, nullptr, nullptr, nullptr);
    if (rc != ERROR_SUCCESS) {
        out.status =
            Status::failure(describe(hive, key) + ": " + errorText(static_cast<unsigned long>(rc)));
        return out;
    }
    for (DWORD index = 0;; ++index) {
        std::wstring name(longestName + 2, L'\0');
        DWORD length = static_cast<DWORD>(name.size());
        rc = ::RegEnumValueW(handle.get(), index, name.data(), &length, nullptr, nullptr, nullptr,
                             nullptr);
        if (rc == ERROR_NO_MORE_ITEMS) break;
        if (rc == ERROR_MORE_DATA) {  // a longer name was added since RegQueryInfoKeyW
            longestName = longestName * 2 + 256;
            --index;
            continue;
        }
        if (rc != ERROR_SUCCESS) {
            out.status = Status::failure(describe(hive, key) + ": " +
                                         errorText(static_cast<unsigned long>(rc)));
            break;
        }
        name.resize(length);
        RegistryValue value;
        rc = queryValue(handle.get(), name, &value);
        if (rc == ERROR_SUCCESS)
            out.values.push_back(std::move(value));
        else if (!isMissing(rc))  // deleted since the enumeration: not an error
            out.status = Status::failure(describe(hive, key) + "\\" + win32::narrow(name) + ": " +
                                         errorText(static_cast<unsigned long>(rc)));
    }
    return out;
}

std::optional<RegistryValue> readRegistryValue(RegistryHive hive, const std::string& key,
                                               const std::string& name, Status* status) {
    *status = Status::success();
    KeyGuard handle;
    LSTATUS rc = openKey(hive, key, KEY_QUERY_VALUE, &handle);
    if (rc == ERROR_SUCCESS) {
        RegistryValue value;
        rc = queryValue(handle.get(), widen(name), &value);
        if (rc == ERROR_SUCCESS) return value;
    }
    if (!isMissing(rc))
        *status = Status::failure(describe(hive, key) + "\\" + name + ": " +
                                  errorText(static_cast<unsigned long>(rc)));
    return std::nullopt;
}

std::vector<std::string> registrySubkeys(RegistryHive hive, const std::string& key,
                                         Status* status) {
    *status = Status::success();
    std::vector<std::string> names;
    KeyGuard handle;
    LSTATUS rc = openKey(hive, key, KEY_ENUMERATE_SUB_KEYS, &handle);
    if (rc != ERROR_SUCCESS) {
        if (!isMissing(rc))
            *status = Status::failure(describe(hive, key) + ": " +
                                      errorText(static_cast<unsigned long>(rc)));
        return names;
    }
    for (DWORD index = 0;; ++index) {
        wchar_t name[256];  // key names are at most 255 characters
        DWORD length = 256;
        rc =
            ::RegEnumKeyExW(handle.get(), index, name, &length, nullptr, nullptr, nullptr, nullptr);
        if (rc == ERROR_NO_MORE_ITEMS) break;
        if (rc != ERROR_SUCCESS) {
            *status = Status::failure(describe(hive, key) + ": " +
                                      errorText(static_cast<unsigned long>(rc)));
            break;
        }
        names.push_back(win32::narrow(std::wstring_view(name, length)));
    }
    return names;
}

Status writeRegistryString(RegistryHive hive, const std::string& key, const std::string& name,
                           const std::string& value, bool expand) {
    KeyGuard handle;
    LSTATUS rc =
        ::RegCreateKeyExW(root(hive), widen(key).c_str(), 0, nullptr, REG_OPTION_NON_VOLATILE,
                          KEY_SET_VALUE | KEY_WOW64_64KEY, nullptr, handle.out(), nullptr);
    if (rc == ERROR_SUCCESS) {
        const std::wstring data = widen(value);
        rc = ::RegSetValueExW(handle.get(), widen(name).c_str(), 0, expand ? REG_EXPAND_SZ : REG_SZ,
                              reinterpret_cast<const BYTE*>(data.c_str()),
                              static_cast<DWORD>((data.size() + 1) * sizeof(wchar_t)));
    }
    if (rc != ERROR_SUCCESS)
        return Status::failure(describe(hive, key) + "\\" + name +
                               ": cannot write: " + errorText(static_cast<unsigned long>(rc)));
    return Status::success();
}

Status deleteRegistryValue(RegistryHive hive, const std::string& key, const std::string& name) {
    KeyGuard handle;
    LSTATUS rc = openKey(hive, key, KEY_SET_VALUE, &handle);
    if (rc == ERROR_SUCCESS) rc = ::RegDeleteValueW(handle.get(), widen(name).c_str());
    if (rc != ERROR_SUCCESS && !isMissing(rc))
        return Status::failure(describe(hive, key) + "\\" + name +
                               ": cannot delete: " + errorText(static_cast<unsigned long>(rc)));
    return Status::success();
}

Status broadcastEnvironmentChange(std::chrono::milliseconds timeout) {
    DWORD_PTR result = 0;
    if (!::SendMessageTimeoutW(HWND_BROADCAST, WM_SETTINGCHANGE, 0,
                               reinterpret_cast<LPARAM>(L"Environment"), SMTO_ABORTIFHUNG,
                               static_cast<UINT>(timeout.count()), &result))
        return Status::failure("WM_SETTINGCHANGE broadcast: " + errorText(::GetLastError()));
    return Status::success();
}

std::optional<std::chrono::system_clock::time_point> lastBootTime() {
    const auto uptime = std::chrono::milliseconds(::GetTickCount64());
    return std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        std::chrono::system_clock::now() - uptime);
}

}  // namespace mpa::platform
