#include "store/event_chain.hpp"

#include "store/sha256.hpp"
#include "util/json_document.hpp"

namespace mpa {

std::string canonicalEventBody(std::int64_t id, const EventDraft& event) {
    std::string body = "{\"seq\":" + std::to_string(id);
    body += ",\"at\":" + json::quote(event.at);
    body += ",\"kind\":" + json::quote(event.kind);
    body += ",\"subject\":" + json::quote(event.subject);
    body += ",\"details\":" + json::quote(event.details);
    body += ",\"run\":" + (event.runId ? std::to_string(*event.runId) : std::string("null"));
    body += ",\"data\":" + event.data + "}";
    return body;
}

std::string chainHash(const std::string& prevHash, const std::string& body) {
    return sha256Hex(prevHash + "\n" + body);
}

std::optional<ChainCheckpoint> readChainCheckpoint(const SqliteConnection& db, std::string* error) {
    error->clear();
    SqliteStatement s;
    if (!db.prepare("SELECT last_pruned_id, last_pruned_hash, pruned_at FROM chain_checkpoint "
                    "WHERE id = 1",
                    &s, error))
        return std::nullopt;
    if (!s.step()) {
        if (s.failed()) *error = s.errorMessage();
        return std::nullopt;
    }
    return ChainCheckpoint{s.integer(0), s.text(1), s.text(2)};
}

std::optional<ChainHead> readChainHead(const SqliteConnection& db, std::string* error) {
    SqliteStatement s;
    if (!db.prepare("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", &s, error))
        return std::nullopt;
    if (s.step()) return ChainHead{s.integer(0), s.text(1)};
    if (s.failed()) {
        *error = s.errorMessage();
        return std::nullopt;
    }
    const auto checkpoint = readChainCheckpoint(db, error);
    if (!error->empty()) return std::nullopt;
    if (checkpoint) return ChainHead{checkpoint->lastPrunedId, checkpoint->lastPrunedHash};
    return ChainHead{0, kGenesisHash};
}

bool appendEvent(SqliteConnection& db, const EventDraft& event, std::string* error) {
    const auto head = readChainHead(db, error);
    if (!head) return false;
    const std::int64_t id = head->eventId + 1;
    const std::string body = canonicalEventBody(id, event);
    SqliteStatement s;
    if (!db.prepare("INSERT INTO events (id, at, kind, subject, details, data, run_id, body, "
                    "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    &s, error))
        return false;
    s.bind(1, id)
        .bind(2, event.at)
        .bind(3, event.kind)
        .bind(4, event.subject)
        .bind(5, event.details)
        .bind(6, event.data)
        .bindOptional(7, event.runId)
        .bind(8, body)
        .bind(9, head->hash)
        .bind(10, chainHash(head->hash, body));
    if (!s.run(error)) {
        *error = "appending event \"" + event.kind + "\" failed: " + *error;
        return false;
    }
    return true;
}

bool readEvents(const SqliteConnection& db, const std::string& since, const std::string& until,
                std::vector<ChainEvent>* out, std::string* error) {
    SqliteStatement s;
    if (!db.prepare("SELECT id, at, kind, subject, details, data, run_id, body, prev_hash, hash "
                    "FROM events WHERE (?1 = '' OR at >= ?1) AND (?2 = '' OR at < ?2) "
                    "ORDER BY id",
                    &s, error))
        return false;
    s.bind(1, since).bind(2, until);
    while (s.step()) {
        ChainEvent e;
        e.id = s.integer(0);
        e.event.at = s.text(1);
        e.event.kind = s.text(2);
        e.event.subject = s.text(3);
        e.event.details = s.text(4);
        e.event.data = s.text(5);
        if (!s.isNull(6)) e.event.runId = s.integer(6);
        e.body = s.text(7);
        e.prevHash = s.text(8);
        e.hash = s.text(9);
        out->push_back(std::move(e));
    }
    if (s.failed()) {
        *error = s.errorMessage();
        return false;
    }
    return true;
}

}  // namespace mpa
