#include "store/audit_access.hpp"

#include <filesystem>

#include "platform/private_file.hpp"

namespace mpa {

bool shareStoreWithAuditGroup(const std::string& databasePath, const std::string& group,
                              std::string* error) {
    if (group.empty()) return true;
    const auto directory = std::filesystem::path(databasePath).parent_path().string();
    return reportTo(grantDirectoryToAuditGroup(directory.empty() ? "." : directory, group),
                    error) &&
           reportTo(shareWithDirectoryGroup(databasePath), error);
}

}  // namespace mpa
