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

    SqliteStatement runs;
    if (auto prepared = db.prepare(
            // Kept: the latest run and what it refers to, what newer runs refer to (their
            // repeated content, their policy rows), and the last known good policy.
            "DELETE FROM runs WHERE started_at < ?1 "
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

    // The newest event older than the cutoff, never the chain's head, and never the latest
    // "state sealed" event: readers and verify check the current state against it, however old
    // (a machine that stayed compliant for longer than the retention).
    // Found through the index on the time, so only the events older than the cutoff are read,
    // and the latest seal by walking back from the newest event (one is sealed at every pass
    // that observed a change). Searched by id, both read every event: a first pass over 1,000
    // profiles read its 1,100 events back twice, and a year's history was read once a day.
    SqliteStatement last;
    if (auto prepared = db.prepare(
            "SELECT id, hash FROM events WHERE id = (SELECT max(id) FROM events "
            "INDEXED BY events_at WHERE at < ?1 AND id < (SELECT max(id) FROM events) AND "
            "id < COALESCE((SELECT id FROM events WHERE kind = ?2 ORDER BY id DESC LIMIT 1), "
            "9223372036854775807))",
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
