#include "store/audit_access.hpp"

#include <filesystem>

#include "platform/private_file.hpp"

namespace mpa {

Status shareStoreWithAuditGroup(const std::string& databasePath, const std::string& group) {
    if (group.empty()) return Status::success();
    const auto directory = std::filesystem::path(databasePath).parent_path().string();
    if (auto granted = grantDirectoryToAuditGroup(directory.empty() ? "." : directory, group);
        !granted)
        return granted;
    return shareWithDirectoryGroup(databasePath);
}

}  // namespace mpa
