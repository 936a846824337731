// No registry on Linux or macOS: the Windows sources and targets report that, and are only
// registered for the Windows platform anyway.
#include "platform/registry.hpp"

namespace mpa::platform {
namespace {

Status unavailable() {
    return Status::failure("the Windows registry is not available on this system");
}

}  // namespace

std::string hiveName(RegistryHive hive) {
    return hive == RegistryHive::LocalMachine ? "HKLM" : "HKU";
}

RegistryKeyValues readRegistryValues(RegistryHive, const std::string&) {
    RegistryKeyValues out;
    out.status = unavailable();
    return out;
}

std::optional<RegistryValue> readRegistryValue(RegistryHive, const std::string&, const std::string&,
                                               Status* status) {
    *status = unavailable();
    return std::nullopt;
}

std::vector<std::string> registrySubkeys(RegistryHive, const std::string&, Status* status) {
    *status = unavailable();
    return {};
}

Status writeRegistryString(RegistryHive, const std::string&, const std::string&, const std::string&,
                           bool) {
    return unavailable();
}

Status deleteRegistryValue(RegistryHive, const std::string&, const std::string&) {
    return unavailable();
}

Status broadcastEnvironmentChange(std::chrono::milliseconds) {
    return unavailable();
}

std::optional<std::chrono::system_clock::time_point> lastBootTime() {
    return std::nullopt;
}

}  // namespace mpa::platform
