#pragma once
// Auditor access that survives: when agent.yaml names an `audit_group`, every recorded pass gives
// the database's directory, the database and its -wal and -shm read access for that group
// (platform/private_file.hpp), so a package upgrade, a recovered database or a hand-made change
// loses it for one pass at most. Without the setting, the packages' own group is used as the
// directory says (docs/compliance-database.md).
#include <string>

namespace mpa {

// Nothing to do (true) when `group` is empty.
bool shareStoreWithAuditGroup(const std::string& databasePath, const std::string& group,
                              std::string* error);

}  // namespace mpa
