#include "store/store_schema.hpp"

#include <array>

namespace mpa {
namespace {

// kMigrations[i] takes a database from version i to version i + 1. Never edit a step that has
// shipped: add a new one (and describe it in docs/compliance-database.md).
constexpr std::array<const char*, 7> kMigrations{{
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
    // 1 -> 2: the hash-chained event history, its retention checkpoint, and the read-only view
    // for fleet tools (osquery). See docs/compliance-database.md for the hash's canonical form.
    R"sql(
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    details    TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL DEFAULT '{}',
    run_id     INTEGER,
    body       TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX events_at ON events(at);
CREATE TABLE chain_checkpoint (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    last_pruned_id   INTEGER NOT NULL,
    last_pruned_hash TEXT NOT NULL,
    pruned_at        TEXT NOT NULL
);
CREATE INDEX runs_started_at ON runs(started_at);
CREATE VIEW compliance_current AS
SELECT f.target AS target,
       f.subject AS subject,
       f.user AS user,
       (SELECT group_concat(p.name || '=' || p.value, ', ')
          FROM (SELECT name, value FROM effective_policy
                 WHERE run_id = COALESCE(r.same_as, r.id) ORDER BY name) AS p) AS policy,
       f.desired AS desired,
       f.observed AS observed,
       f.outcome AS state,
       f.reason AS reason,
       r.finished_at AS checked_at
  FROM runs AS r
  JOIN findings AS f ON f.run_id = COALESCE(r.same_as, r.id)
 WHERE r.id = (SELECT max(id) FROM runs)
 ORDER BY f.seq;
)sql",
    // 2 -> 3: bounded growth. A run stores only what changed: its findings rows are the
    // findings that differ from the previous run (removed = 1 for a subject that disappeared),
    // the whole latest set lives in current_findings, and the policy rows are shared through
    // runs.policy_run. Events keep subject, details and data only in the hashed body (view
    // event_history). Rows written by schemas 1 and 2 (full finding sets per run) stay.
    R"sql(
DROP VIEW compliance_current;
ALTER TABLE runs ADD COLUMN policy_run INTEGER REFERENCES runs(id);
ALTER TABLE runs ADD COLUMN policy_hash TEXT NOT NULL DEFAULT '';
UPDATE runs SET policy_run = COALESCE(same_as, id);
ALTER TABLE findings ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
CREATE TABLE current_findings (
    seq          INTEGER PRIMARY KEY,
    target       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    user         TEXT NOT NULL DEFAULT '',
    desired      TEXT NOT NULL DEFAULT '',
    observed     TEXT NOT NULL DEFAULT '',
    outcome      TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    state_since  TEXT NOT NULL DEFAULT ''
);
INSERT INTO current_findings (seq, target, subject, user, desired, observed, outcome, reason,
                              state_since)
SELECT f.seq, f.target, f.subject, f.user, f.desired, f.observed, f.outcome, f.reason,
       r.started_at
  FROM findings AS f JOIN runs AS r ON r.id = f.run_id
 WHERE f.run_id = (SELECT COALESCE(same_as, id) FROM runs ORDER BY id DESC LIMIT 1);
CREATE TABLE events_v3 (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    run_id     INTEGER,
    body       TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
INSERT INTO events_v3 (id, at, kind, run_id, body, prev_hash, hash)
SELECT id, at, kind, run_id, body, prev_hash, hash FROM events;
DROP TABLE events;
ALTER TABLE events_v3 RENAME TO events;
CREATE INDEX events_at ON events(at);
CREATE VIEW event_history AS
SELECT id, at, kind,
       json_extract(body, '$.subject') AS subject,
       json_extract(body, '$.details') AS details,
       json_extract(body, '$.data') AS data,
       run_id, hash
  FROM events;
DROP INDEX runs_lkg;
DROP INDEX runs_started_at;
CREATE VIEW compliance_current AS
SELECT c.target AS target,
       c.subject AS subject,
       c.user AS user,
       (SELECT group_concat(p.name || '=' || p.value, ', ')
          FROM (SELECT name, value FROM effective_policy
                 WHERE run_id = r.policy_run ORDER BY name) AS p) AS policy,
       c.desired AS desired,
       c.observed AS observed,
       c.outcome AS state,
       c.reason AS reason,
       c.state_since AS state_since,
       r.finished_at AS checked_at
  FROM current_findings AS c
  JOIN runs AS r ON r.id = (SELECT max(id) FROM runs)
 ORDER BY c.seq;
)sql",
    // 3 -> 4: the sealed state. What fleet tools read comes from one row whose SHA-256 the
    // pass's "state sealed" event carries (store/sealed_state.hpp): osquery cannot hash, so the
    // views read nothing the chain does not cover, and verify checks the other tables against
    // it. checked_at / finished_at are the latest run's time (a repeat pass appends no event).
    R"sql(
CREATE TABLE sealed_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    run_id       INTEGER NOT NULL,
    finished_at  TEXT NOT NULL,
    mode         TEXT NOT NULL,
    verdict      TEXT NOT NULL,
    policy       TEXT NOT NULL,
    policy_values TEXT NOT NULL,
    findings     TEXT NOT NULL
);
DROP VIEW compliance_current;
CREATE VIEW compliance_current AS
SELECT json_extract(f.value, '$[0]') AS target,
       json_extract(f.value, '$[1]') AS subject,
       json_extract(f.value, '$[2]') AS user,
       s.policy AS policy,
       json_extract(f.value, '$[3]') AS desired,
       json_extract(f.value, '$[4]') AS observed,
       json_extract(f.value, '$[5]') AS state,
       json_extract(f.value, '$[6]') AS reason,
       json_extract(f.value, '$[7]') AS state_since,
       (SELECT finished_at FROM runs ORDER BY id DESC LIMIT 1) AS checked_at
  FROM sealed_state AS s, json_each(s.findings) AS f
 ORDER BY f.key;
CREATE VIEW compliance_pass AS
SELECT s.verdict AS verdict,
       s.mode AS mode,
       COALESCE((SELECT finished_at FROM runs ORDER BY id DESC LIMIT 1), s.finished_at)
           AS finished_at,
       s.finished_at AS sealed_at,
       s.run_id AS sealed_run,
       s.policy AS policy,
       s.policy_values AS policy_values
  FROM sealed_state AS s;
)sql",
    // 4 -> 5: compliance per tool. Findings name their tool (empty: Metalama's own, so every
    // row written before reads as Metalama's); the sealed state gains the per-tool verdicts
    // (sealed_state.tools, hashed with the row when set; empty in a row sealed before, which the
    // next pass seals again); the fleet views show a finding's tool and each tool's verdict.
    R"sql(
ALTER TABLE findings ADD COLUMN tool TEXT NOT NULL DEFAULT '';
ALTER TABLE current_findings ADD COLUMN tool TEXT NOT NULL DEFAULT '';
ALTER TABLE sealed_state ADD COLUMN tools TEXT NOT NULL DEFAULT '';
DROP VIEW compliance_current;
CREATE VIEW compliance_current AS
SELECT json_extract(f.value, '$[0]') AS target,
       json_extract(f.value, '$[1]') AS subject,
       json_extract(f.value, '$[2]') AS user,
       s.policy AS policy,
       json_extract(f.value, '$[3]') AS desired,
       json_extract(f.value, '$[4]') AS observed,
       json_extract(f.value, '$[5]') AS state,
       json_extract(f.value, '$[6]') AS reason,
       json_extract(f.value, '$[7]') AS state_since,
       (SELECT finished_at FROM runs ORDER BY id DESC LIMIT 1) AS checked_at,
       COALESCE(NULLIF(json_extract(f.value, '$[8]'), ''), 'metalama') AS tool
  FROM sealed_state AS s, json_each(s.findings) AS f
 ORDER BY f.key;
CREATE VIEW compliance_tools AS
SELECT json_extract(t.value, '$.tool') AS tool,
       json_extract(t.value, '$.policy') AS policy,
       json_extract(t.value, '$.verdict') AS verdict,
       json_extract(t.value, '$.findings') AS findings,
       json_extract(t.value, '$.compliant') AS compliant,
       json_extract(t.value, '$.non_compliant') AS non_compliant,
       json_extract(t.value, '$.reason') AS reason,
       s.verdict AS machine_verdict,
       COALESCE((SELECT finished_at FROM runs ORDER BY id DESC LIMIT 1), s.finished_at)
           AS checked_at
  FROM sealed_state AS s, json_each(NULLIF(s.tools, '')) AS t
 ORDER BY t.key;
)sql",
    // 5 -> 6: the sealed findings are written in pieces (SQLite's incremental blob I/O into a
    // zeroblob placeholder), so a pass over many profiles never holds the text whole; the value
    // is then a BLOB holding the same UTF-8 JSON text, hashed the same way. JSON functions of
    // SQLite before 3.45 refuse a BLOB (later ones would read it as JSONB), so the view casts it.
    // A row sealed as TEXT before the upgrade reads the same through the cast.
    R"sql(
DROP VIEW compliance_current;
CREATE VIEW compliance_current AS
SELECT json_extract(f.value, '$[0]') AS target,
       json_extract(f.value, '$[1]') AS subject,
       json_extract(f.value, '$[2]') AS user,
       s.policy AS policy,
       json_extract(f.value, '$[3]') AS desired,
       json_extract(f.value, '$[4]') AS observed,
       json_extract(f.value, '$[5]') AS state,
       json_extract(f.value, '$[6]') AS reason,
       json_extract(f.value, '$[7]') AS state_since,
       (SELECT finished_at FROM runs ORDER BY id DESC LIMIT 1) AS checked_at,
       COALESCE(NULLIF(json_extract(f.value, '$[8]'), ''), 'metalama') AS tool
  FROM sealed_state AS s, json_each(CAST(s.findings AS TEXT)) AS f
 ORDER BY f.key;
)sql",
    // 6 -> 7: the sealed findings become the row's last column. SQLite writes a zeroblob
    // placeholder without allocating it only when nothing with content follows it in the row;
    // with `tools` after it, sealing a pass held the whole placeholder in memory twice (10 MB at
    // 10,000 profiles). Columns are read by name everywhere, so only their order changes. The
    // table is rebuilt as SQLite's documented procedure does it: legacy_alter_table keeps the
    // rename from checking the views against the table just dropped, and the views, which name
    // the table and its columns, read the new one unchanged.
    R"sql(
PRAGMA legacy_alter_table = ON;
CREATE TABLE sealed_state_7 (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    run_id       INTEGER NOT NULL,
    finished_at  TEXT NOT NULL,
    mode         TEXT NOT NULL,
    verdict      TEXT NOT NULL,
    policy       TEXT NOT NULL,
    policy_values TEXT NOT NULL,
    tools        TEXT NOT NULL DEFAULT '',
    findings     TEXT NOT NULL
);
INSERT INTO sealed_state_7 (id, run_id, finished_at, mode, verdict, policy, policy_values, tools,
                            findings)
SELECT id, run_id, finished_at, mode, verdict, policy, policy_values, tools, findings
  FROM sealed_state;
DROP TABLE sealed_state;
ALTER TABLE sealed_state_7 RENAME TO sealed_state;
PRAGMA legacy_alter_table = OFF;
)sql",
}};

}  // namespace

std::int64_t storeSchemaVersion() {
    return static_cast<std::int64_t>(kMigrations.size());
}

std::optional<std::int64_t> readStoreSchemaVersion(const SqliteConnection& db, Status* status) {
    return db.queryInt("PRAGMA user_version", status);
}

Status migrateStoreSchema(SqliteConnection& db, const std::string& path) {
    SqliteTransaction transaction(db);
    if (auto begun = transaction.begin(); !begun) return begun;
    Status read;
    const auto version = readStoreSchemaVersion(db, &read);
    if (!version) return read;
    if (*version > storeSchemaVersion())
        return Status::failure(
            path + ": schema version " + std::to_string(*version) +
            " was written by a newer agent; this agent knows versions up to " +
            std::to_string(storeSchemaVersion()) +
            ", so it refuses to write to it (it can still be read, e.g. by status); "
            "upgrade the agent");
    // Nothing to do; the destructor ends the transaction.
    if (*version == storeSchemaVersion()) return Status::success();
    for (auto v = *version; v < storeSchemaVersion(); ++v) {
        if (const auto step = db.exec(kMigrations[static_cast<std::size_t>(v)]); !step)
            return Status::failure(path + ": migrating the schema from version " +
                                   std::to_string(v) + " to " + std::to_string(v + 1) +
                                   " failed: " + step.error);
    }
    if (auto set = db.exec("PRAGMA user_version = " + std::to_string(storeSchemaVersion())); !set)
        return set;
    if (const auto committed = transaction.commit(); !committed)
        return Status::failure(path +
                               ": committing the schema migration failed: " + committed.error);
    return Status::success();
}

}  // namespace mpa
