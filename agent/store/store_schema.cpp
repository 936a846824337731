#include "store/store_schema.hpp"

#include <array>

namespace mpa {
namespace {

// kMigrations[i] takes a database from version i to version i + 1. Never edit a step that has
// shipped: add a new one (and describe it in docs/compliance-database.md).
constexpr std::array<const char*, 1> kMigrations{{
    // 0 -> 1: runs, findings, effective policy, policy issues, prior-state ledger, agent state.
    R"sql(
CREATE TABLE runs (
    id             INTEGER PRIMARY KEY,
    started_at     TEXT NOT NULL,
    finished_at    TEXT NOT NULL,
    trigger        TEXT NOT NULL,
    mode           TEXT NOT NULL,
    verdict        TEXT NOT NULL,
    notes          TEXT NOT NULL DEFAULT '[]',
    informational  TEXT NOT NULL DEFAULT '[]',
    has_policy     INTEGER NOT NULL DEFAULT 0,
    content_hash   TEXT NOT NULL DEFAULT '',
    same_as        INTEGER REFERENCES runs(id)
);
CREATE INDEX runs_lkg ON runs(has_policy, mode, id);
CREATE TABLE findings (
    run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    target    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    user      TEXT NOT NULL DEFAULT '',
    desired   TEXT NOT NULL DEFAULT '',
    observed  TEXT NOT NULL DEFAULT '',
    outcome   TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE effective_policy (
    run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    value          TEXT NOT NULL,
    source         TEXT NOT NULL,
    origin         TEXT NOT NULL,
    level          TEXT NOT NULL,
    precedence     INTEGER NOT NULL,
    source_order   INTEGER NOT NULL DEFAULT 0,
    kept_from_lkg  INTEGER NOT NULL DEFAULT 0,
    kept_because   TEXT NOT NULL DEFAULT '',
    overridden     TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, name)
);
CREATE TABLE policy_issues (
    run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    origin         TEXT NOT NULL,
    policy         TEXT NOT NULL DEFAULT '',
    message        TEXT NOT NULL,
    blocks_source  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE ledger (
    target       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    existed      INTEGER NOT NULL,
    value        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    UNIQUE (target, subject)
);
CREATE TABLE agent_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
)sql",
}};

}  // namespace

std::int64_t storeSchemaVersion() {
    return static_cast<std::int64_t>(kMigrations.size());
}

std::optional<std::int64_t> readStoreSchemaVersion(const SqliteConnection& db, std::string* error) {
    return db.queryInt("PRAGMA user_version", error);
}

bool migrateStoreSchema(SqliteConnection& db, const std::string& path, std::string* error) {
    SqliteTransaction transaction(db);
    if (!transaction.begin(error)) return false;
    const auto version = readStoreSchemaVersion(db, error);
    if (!version) return false;
    if (*version > storeSchemaVersion()) {
        *error = path + ": schema version " + std::to_string(*version) +
                 " was written by a newer agent; this agent knows versions up to " +
                 std::to_string(storeSchemaVersion()) +
                 ", so it refuses to write to it (it can still be read, e.g. by status); "
                 "upgrade the agent";
        return false;
    }
    if (*version == storeSchemaVersion()) return true;  // nothing to do; the dtor ends the txn
    for (auto v = *version; v < storeSchemaVersion(); ++v) {
        std::string stepError;
        if (!db.exec(kMigrations[static_cast<std::size_t>(v)], &stepError)) {
            *error = path + ": migrating the schema from version " + std::to_string(v) + " to " +
                     std::to_string(v + 1) + " failed: " + stepError;
            return false;
        }
    }
    if (!db.exec("PRAGMA user_version = " + std::to_string(storeSchemaVersion()), error))
        return false;
    if (!transaction.commit(error)) {
        *error = path + ": committing the schema migration failed: " + *error;
        return false;
    }
    return true;
}

}  // namespace mpa
