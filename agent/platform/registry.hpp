#pragma once
// The Windows registry, always through the 64-bit view (KEY_WOW64_64KEY) so a 32-bit build
// reads what 64-bit Group Policy and Intune write. Keys are given without the hive, with
// backslashes: "SOFTWARE\Policies\PostSharp\Metalama". Other systems have no registry: every
// call there fails with a message saying so (registry_posix.cpp).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/status.hpp"

namespace mpa::platform {

enum class RegistryHive { LocalMachine, Users };
std::string hiveName(RegistryHive hive);  // "HKLM", "HKU"

struct RegistryValue {
    std::string name;
    std::uint32_t type = 0;    // REG_SZ 1, REG_EXPAND_SZ 2, REG_BINARY 3, REG_DWORD 4, ...
    std::string text;          // REG_SZ, REG_EXPAND_SZ (not expanded): UTF-8, up to the first NUL
    std::uint64_t number = 0;  // REG_DWORD, REG_QWORD
    std::size_t size = 0;      // bytes of data as stored
};

struct RegistryKeyValues {
    Status status;
    bool missing = false;  // the key does not exist (status ok)
    std::vector<RegistryValue> values;
};

// Every value of a key; strings of any length (each read is sized by a first query).
RegistryKeyValues readRegistryValues(RegistryHive hive, const std::string& key);
// One value; nullopt (status ok) when it or its key is missing.
std::optional<RegistryValue> readRegistryValue(RegistryHive hive, const std::string& key,
                                               const std::string& name, Status* status);
// Names of the subkeys; an empty list when the key is missing.
std::vector<std::string> registrySubkeys(RegistryHive hive, const std::string& key, Status* status);
// Creates the key when missing. `expand`: REG_EXPAND_SZ instead of REG_SZ.
Status writeRegistryString(RegistryHive hive, const std::string& key, const std::string& name,
                           const std::string& value, bool expand);
// A missing value (or key) counts as deleted.
Status deleteRegistryValue(RegistryHive hive, const std::string& key, const std::string& name);

// WM_SETTINGCHANGE "Environment" to every top-level window, abort-if-hung, bounded wait.
Status broadcastEnvironmentChange(std::chrono::milliseconds timeout);

// When the system last started (now minus the tick count); nullopt where unknown.
std::optional<std::chrono::system_clock::time_point> lastBootTime();

}  // namespace mpa::platform
