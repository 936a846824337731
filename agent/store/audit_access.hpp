#pragma once
// Auditor access that survives: when agent.yaml names an `audit_group`, every recorded pass gives
// the database's directory, the database and its -wal and -shm read access for that group
// (platform/private_file.hpp), so a package upgrade, a recovered database or a hand-made change
// loses it for one pass at most. Without the setting, the packages' own group is used as the
// directory says (docs/compliance-database.md).
#include <string>

#include "util/status.hpp"

namespace mpa {

// Nothing to do (success) when `group` is empty.
Status shareStoreWithAuditGroup(const std::string& databasePath, const std::string& group);

}  // namespace mpa
