#pragma once
// Resilience at open: cheap checks always, PRAGMA quick_check at service start and daily, and when
// the database is corrupt (garbage header, truncated file, damaged pages) it is moved aside as
// <db>.corrupt-<UTC timestamp> (with its -wal and -shm files) so the agent can start a new one,
// after salvaging what it can of the prior-state ledger and agent state (without them, a later
// policy removal could not restore).
#include <string>
#include <vector>

#include "model/ledger.hpp"
#include "store/sqlite_connection.hpp"
#include "util/status.hpp"

namespace mpa {

enum class IntegrityResult { Ok, Corrupt, Unavailable };

// Unavailable: the check could not run for a reason that is not corruption (locked, I/O error);
// the database must then be left alone. *detail says what quick_check or SQLite reported.
IntegrityResult checkStoreIntegrity(const SqliteConnection& db, std::string* detail);

// What every read-write open checks, in well under a millisecond: the file is not shorter than
// its header says (when no WAL holds pages), and page 1 and the schema read. Damage elsewhere
// is for checkStoreIntegrity (service start, then daily).
IntegrityResult checkStoreCheaply(const SqliteConnection& db, const std::string& path,
                                  std::string* detail);

struct SalvagedState {
    std::vector<PriorState> ledger;
    std::vector<std::pair<std::string, std::string>> agentState;
    std::string problem;  // why some or all could not be read (empty when all was read)
};
SalvagedState salvageLedger(SqliteConnection& corrupt);

// Renames path (and path-wal, path-shm when present) to path.corrupt-<stamp>[-wal|-shm].
// Returns the new name of the database file.
Status moveCorruptStoreAside(const std::string& path, const std::string& stamp,
                             std::string* movedTo);

// The agent's own database is recognised before anything is written or moved: a file that
// exists, is not empty and does not start with SQLite's header is not ours (a failure that names
// it and says that it was left as it is).
Status looksLikeSqliteFile(const std::string& path);
// True when a file at `path` holds at least one byte (a database that existed before this open).
bool hasContent(const std::string& path);
// An intact database is ours when it is empty (a new file) or has the agent's tables; another
// program's database is refused, not written into.
Status isAgentSchemaOrEmpty(const SqliteConnection& db, const std::string& path);

}  // namespace mpa
