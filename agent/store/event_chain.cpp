#include "store/event_chain.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "store/sha256.hpp"
#include "util/json_document.hpp"

namespace mpa {

namespace {

// Everything of the body before the data member's value.
std::string bodyPrefix(std::int64_t id, const EventDraft& event) {
    std::string body = "{\"seq\":" + std::to_string(id);
    body += ",\"at\":" + json::quote(event.at);
    body += ",\"kind\":" + json::quote(event.kind);
    body += ",\"subject\":" + json::quote(event.subject);
    body += ",\"details\":" + json::quote(event.details);
    body += ",\"run\":" + (event.runId ? std::to_string(*event.runId) : std::string("null"));
    return body + ",\"data\":";
}

}  // namespace

std::string canonicalEventBody(std::int64_t id, const EventDraft& event) {
    return bodyPrefix(id, event) + event.data + "}";
}

bool parseEventBody(const std::string& body, std::int64_t* seq, EventDraft* out) {
    try {
        Poco::JSON::Parser parser;
        const auto object = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
        EventDraft e;
        *seq = object->getValue<Poco::Int64>("seq");
        e.at = object->getValue<std::string>("at");
        e.kind = object->getValue<std::string>("kind");
        e.subject = object->getValue<std::string>("subject");
        e.details = object->getValue<std::string>("details");
        if (!object->isNull("run")) e.runId = object->getValue<Poco::Int64>("run");
        // The data member is kept byte for byte: it is what follows the canonical prefix.
        const auto prefix = bodyPrefix(*seq, e);
        if (body.size() < prefix.size() + 1 || body.compare(0, prefix.size(), prefix) != 0 ||
            body.back() != '}')
            return false;
        e.data = body.substr(prefix.size(), body.size() - prefix.size() - 1);
        *out = std::move(e);
        return true;
    } catch (const Poco::Exception&) {
        return false;
    }
}

std::string chainHash(const std::string& prevHash, const std::string& body) {
    return sha256Hex(prevHash + "\n" + body);
}

std::optional<ChainCheckpoint> readChainCheckpoint(const SqliteConnection& db, Status* status) {
    *status = Status::success();
    SqliteStatement s;
    if (*status = db.prepare("SELECT last_pruned_id, last_pruned_hash, pruned_at FROM "
                             "chain_checkpoint WHERE id = 1",
                             &s);
        !*status)
        return std::nullopt;
    if (!s.step()) {
        if (s.failed()) *status = Status::failure(s.errorMessage());
        return std::nullopt;
    }
    return ChainCheckpoint{s.integer(0), s.text(1), s.text(2)};
}

std::optional<ChainHead> readChainHead(const SqliteConnection& db, Status* status) {
    SqliteStatement s;
    if (auto prepared = db.prepare("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", &s);
        !prepared) {
        *status = std::move(prepared);
        return std::nullopt;
    }
    if (s.step()) return ChainHead{s.integer(0), s.text(1)};
    if (s.failed()) {
        *status = Status::failure(s.errorMessage());
        return std::nullopt;
    }
    const auto checkpoint = readChainCheckpoint(db, status);
    if (!*status) return std::nullopt;
    if (checkpoint) return ChainHead{checkpoint->lastPrunedId, checkpoint->lastPrunedHash};
    return ChainHead{0, kGenesisHash};
}

Status appendEvent(SqliteConnection& db, const EventDraft& event) {
    Status read;
    const auto head = readChainHead(db, &read);
    if (!head) return read;
    const std::int64_t id = head->eventId + 1;
    const std::string body = canonicalEventBody(id, event);
    SqliteStatement s;
    if (auto prepared = db.prepare("INSERT INTO events (id, at, kind, run_id, body, prev_hash, "
                                   "hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   &s);
        !prepared)
        return prepared;
    s.bind(1, id)
        .bind(2, event.at)
        .bind(3, event.kind)
        .bindOptional(4, event.runId)
        .bind(5, body)
        .bind(6, head->hash)
        .bind(7, chainHash(head->hash, body));
    if (const auto ran = s.run(); !ran)
        return Status::failure("appending event \"" + event.kind + "\" failed: " + ran.error);
    return Status::success();
}

Status readEvents(const SqliteConnection& db, const std::string& since, const std::string& until,
                  std::vector<ChainEvent>* out) {
    SqliteStatement s;
    if (auto prepared =
            db.prepare("SELECT id, at, kind, run_id, body, prev_hash, hash "
                       "FROM events WHERE (?1 = '' OR at >= ?1) AND (?2 = '' OR at < ?2) "
                       "ORDER BY id",
                       &s);
        !prepared)
        return prepared;
    s.bind(1, since).bind(2, until);
    while (s.step()) {
        ChainEvent e;
        e.id = s.integer(0);
        e.body = s.text(4);
        e.prevHash = s.text(5);
        e.hash = s.text(6);
        // Subject, details and data live only in the hashed body; the id, time, kind and run
        // columns (for queries) must agree with it, which verify checks.
        std::int64_t seq = 0;
        e.columnsMatchBody = parseEventBody(e.body, &seq, &e.event);
        const std::optional<std::int64_t> run =
            s.isNull(3) ? std::nullopt : std::optional<std::int64_t>(s.integer(3));
        if (!e.columnsMatchBody || seq != e.id || e.event.at != s.text(1) ||
            e.event.kind != s.text(2) || e.event.runId != run) {
            e.columnsMatchBody = false;
            e.event.at = s.text(1);
            e.event.kind = s.text(2);
            e.event.runId = run;
        }
        out->push_back(std::move(e));
    }
    if (s.failed()) return Status::failure(s.errorMessage());
    return Status::success();
}

}  // namespace mpa
