#pragma once
// The compliance database's schema, versioned with PRAGMA user_version. Opening read-write runs
// every forward migration from the file's version to this agent's, in one transaction; a file
// written by a newer agent is refused for writing (its version is unknown here) but stays
// readable, because migrations only ever add tables, columns and views.
#include <cstdint>
#include <optional>
#include <string>

#include "store/sqlite_connection.hpp"
#include "util/status.hpp"

namespace mpa {

// The schema version this agent writes. docs/compliance-database.md describes every version.
std::int64_t storeSchemaVersion();

// Brings the database at `path` (open read-write on `db`) to storeSchemaVersion().
Status migrateStoreSchema(SqliteConnection& db, const std::string& path);

// The version the file holds (0 for a new, empty file); nullopt with *status failed when it
// cannot be read.
std::optional<std::int64_t> readStoreSchemaVersion(const SqliteConnection& db, Status* status);

}  // namespace mpa
