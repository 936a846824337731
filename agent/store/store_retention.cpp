#include "store/store_retention.hpp"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <sstream>

#include "store/event_chain.hpp"
#include "store/event_kinds.hpp"
#include "util/time_text.hpp"

namespace mpa {

Status applyRetention(SqliteConnection& db, const std::string& now, std::int64_t retentionDays,
                      RetentionResult* result) {
    const auto nowTime = parseIsoUtc(now);
    if (!nowTime)
        return Status::failure("retention: the pass time \"" + now + "\" is not ISO-8601 UTC");
    const std::string cutoff = isoUtc(*nowTime - std::chrono::hours(24 * retentionDays));

    // Old means old in the order things happened, not by the time written on them: retention
    // goes along the history from its start and stops at the first record inside the
    // retention. A record with a time years back in the middle of it (the clock was wrong at
    // boot until NTP corrected it, a VM came back from a snapshot) is kept with what follows
    // it; pruned by its time, it took every record before it, months inside the retention.
    // The first recent record is found walking the ids up (NOT INDEXED: the walk reads only
    // what is pruned, where the index on the time would read every recent record).
    SqliteStatement runs;
    if (auto prepared = db.prepare(
            // Kept: the latest run and what it refers to, what newer runs refer to (their
            // repeated content, their policy rows), and the last known good policy.
            "DELETE FROM runs WHERE started_at < ?1 "
            "AND id < COALESCE((SELECT id FROM runs NOT INDEXED WHERE started_at >= ?1 "
            "ORDER BY id LIMIT 1), 9223372036854775807) "
            "AND id <> (SELECT max(id) FROM runs) "
            "AND id NOT IN (SELECT same_as FROM runs WHERE same_as IS NOT NULL AND "
            "(started_at >= ?1 OR id = (SELECT max(id) FROM runs))) "
            "AND id NOT IN (SELECT policy_run FROM runs WHERE policy_run IS NOT NULL AND "
            "(started_at >= ?1 OR id = (SELECT max(id) FROM runs))) "
            "AND id NOT IN (SELECT policy_run FROM (SELECT policy_run FROM runs "
            "WHERE has_policy = 1 AND mode <> 'dry-run' ORDER BY id DESC LIMIT 1))",
            &runs);
        !prepared)
        return prepared;
    runs.bind(1, cutoff);
    if (auto ran = runs.run(); !ran) return ran;
    result->runsPruned = db.changes();

    // The last event before the first one inside the retention, never the chain's head, and
    // never the latest "state sealed" event: readers and verify check the current state
    // against it, however old (a machine that stayed compliant for longer than the retention).
    // The latest seal is found walking back from the newest event (one is sealed at every pass
    // that observed a change), so neither search reads the history that stays: a first pass
    // over 1,000 profiles once read its 1,100 events back twice, and a year's history was read
    // once a day.
    SqliteStatement last;
    if (auto prepared = db.prepare(
            "SELECT id, hash FROM events WHERE id < min("
            "COALESCE((SELECT id FROM events NOT INDEXED WHERE at >= ?1 ORDER BY id LIMIT 1), "
            "9223372036854775807), (SELECT max(id) FROM events), "
            "COALESCE((SELECT id FROM events WHERE kind = ?2 ORDER BY id DESC LIMIT 1), "
            "9223372036854775807)) ORDER BY id DESC LIMIT 1",
            &last);
        !prepared)
        return prepared;
    last.bind(1, cutoff).bind(2, std::string(event_kind::kStateSealed));
    if (!last.step()) {
        if (!last.failed()) return Status::success();  // no event old enough
        return Status::failure(last.errorMessage());
    }
    const auto lastId = last.integer(0);
    const auto lastHash = last.text(1);

    SqliteStatement prune;
    if (auto prepared = db.prepare("DELETE FROM events WHERE id <= ?", &prune); !prepared)
        return prepared;
    prune.bind(1, lastId);
    if (auto ran = prune.run(); !ran) return ran;
    result->eventsPruned = db.changes();

    SqliteStatement checkpoint;
    if (auto prepared = db.prepare(
            "INSERT INTO chain_checkpoint (id, last_pruned_id, last_pruned_hash, "
            "pruned_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "last_pruned_id = excluded.last_pruned_id, "
            "last_pruned_hash = excluded.last_pruned_hash, pruned_at = excluded.pruned_at",
            &checkpoint);
        !prepared)
        return prepared;
    checkpoint.bind(1, lastId).bind(2, lastHash).bind(3, now);
    if (auto ran = checkpoint.run(); !ran) return ran;

    EventDraft event;
    event.at = now;
    event.kind = event_kind::kHistoryPruned;
    event.details = std::to_string(result->eventsPruned) + " events and " +
                    std::to_string(result->runsPruned) + " runs older than " + cutoff +
                    " pruned (ComplianceRetentionDays " + std::to_string(retentionDays) +
                    "); the chain continues from event " + std::to_string(lastId);
    Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
    data.set("last_pruned_id", static_cast<Poco::Int64>(lastId));
    data.set("last_pruned_hash", lastHash);
    data.set("cutoff", cutoff);
    data.set("retention_days", static_cast<Poco::Int64>(retentionDays));
    std::ostringstream text;
    data.stringify(text);
    event.data = text.str();
    return appendEvent(db, event);
}

}  // namespace mpa
