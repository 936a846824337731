#include "store/event_chain.hpp"

#include <charconv>
#include <utility>

#include "store/sha256.hpp"
#include "util/json_document.hpp"

namespace mpa {

namespace {

// Everything of the body before the data member's value.
std::string bodyPrefix(std::int64_t id, const EventDraft& event) {
    std::string body = "{\"seq\":" + std::to_string(id);
    body += ",\"at\":";
    json::appendQuoted(body, event.at);
    body += ",\"kind\":";
    json::appendQuoted(body, event.kind);
    body += ",\"subject\":";
    json::appendQuoted(body, event.subject);
    body += ",\"details\":";
    json::appendQuoted(body, event.details);
    body += ",\"run\":" + (event.runId ? std::to_string(*event.runId) : std::string("null"));
    return body + ",\"data\":";
}

}  // namespace

std::string canonicalEventBody(std::int64_t id, const EventDraft& event) {
    return bodyPrefix(id, event) + event.data + "}";
}

bool parseEventBody(const std::string& body, std::int64_t* seq, EventDraft* out) {
    // The strict parser of util/json_document (no object tree built): `verify` and the summary
    // read the whole history, and a tree per event was most of their time.
    json::ParseError error;
    const auto members = json::parseObjectRanges(body, &error);
    if (!members) return false;
    const auto raw = [&](std::string_view key) -> std::optional<std::string_view> {
        for (const auto& m : *members)
            if (m.key == key)
                return std::string_view(body).substr(m.valueBegin, m.valueEnd - m.valueBegin);
        return std::nullopt;
    };
    const auto integer = [](std::string_view text, std::int64_t* value) {
        const auto end = text.data() + text.size();
        const auto [last, fault] = std::from_chars(text.data(), end, *value);
        return fault == std::errc() && last == end;
    };
    EventDraft e;
    const auto seqText = raw("seq");
    if (!seqText || !integer(*seqText, seq)) return false;
    for (auto [key, field] : {std::pair<const char*, std::string*>{"at", &e.at},
                              {"kind", &e.kind},
                              {"subject", &e.subject},
                              {"details", &e.details}}) {
        const auto text = raw(key);
        auto decoded = text ? json::decodeStringValue(*text) : std::nullopt;
        if (!decoded) return false;
        *field = std::move(*decoded);
    }
    const auto run = raw("run");
    if (!run) return false;
    if (*run != "null") {
        std::int64_t id = 0;
        if (!integer(*run, &id)) return false;
        e.runId = id;
    }
    // The data member is kept byte for byte: it is what follows the canonical prefix (which
    // also fixes the members' order and spelling: anything else is not a canonical body).
    const auto prefix = bodyPrefix(*seq, e);
    if (body.size() < prefix.size() + 1 || body.compare(0, prefix.size(), prefix) != 0 ||
        body.back() != '}')
        return false;
    e.data = body.substr(prefix.size(), body.size() - prefix.size() - 1);
    *out = std::move(e);
    return true;
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
    // Cached: read before every event appended, a few thousand times in a first pass.
    auto s = db.cached("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", status);
    if (!s) return std::nullopt;
    if (s->step()) return ChainHead{s->integer(0), s->text(1)};
    if (s->failed()) {
        *status = Status::failure(s->errorMessage());
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
    Status prepared;
    auto s = db.cached(
        "INSERT INTO events (id, at, kind, run_id, body, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        &prepared);
    if (!s) return prepared;
    s->bind(1, id)
        .bind(2, event.at)
        .bind(3, event.kind)
        .bindOptional(4, event.runId)
        .bind(5, body)
        .bind(6, head->hash)
        .bind(7, chainHash(head->hash, body));
    if (const auto ran = s->run(); !ran)
        return Status::failure("appending event \"" + event.kind + "\" failed: " + ran.error);
    return Status::success();
}

namespace {

// One row of SELECT id, at, kind, run_id, body, prev_hash, hash.
ChainEvent eventFromRow(const SqliteStatement& s) {
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
    if (!e.columnsMatchBody || seq != e.id || e.event.at != s.textView(1) ||
        e.event.kind != s.textView(2) || e.event.runId != run) {
        e.columnsMatchBody = false;
        e.event.at = s.text(1);
        e.event.kind = s.text(2);
        e.event.runId = run;
    }
    return e;
}

}  // namespace

Status forEachEvent(const SqliteConnection& db, const std::string& since, const std::string& until,
                    const std::function<bool(ChainEvent&)>& visit) {
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
        auto event = eventFromRow(s);
        if (!visit(event)) return Status::success();
    }
    if (s.failed()) return Status::failure(s.errorMessage());
    return Status::success();
}

Status forEachEventAfter(const SqliteConnection& db, std::int64_t afterId,
                         const std::function<bool(ChainEvent&)>& visit) {
    SqliteStatement s;
    if (auto prepared = db.prepare(
            "SELECT id, at, kind, run_id, body, prev_hash, hash FROM events WHERE id > ? "
            "ORDER BY id",
            &s);
        !prepared)
        return prepared;
    s.bind(1, afterId);
    while (s.step()) {
        auto event = eventFromRow(s);
        if (!visit(event)) return Status::success();
    }
    if (s.failed()) return Status::failure(s.errorMessage());
    return Status::success();
}

Status readEvents(const SqliteConnection& db, const std::string& since, const std::string& until,
                  std::vector<ChainEvent>* out) {
    return forEachEvent(db, since, until, [out](ChainEvent& e) {
        out->push_back(std::move(e));
        return true;
    });
}

Status readEvent(const SqliteConnection& db, std::int64_t id, std::optional<ChainEvent>* out) {
    SqliteStatement s;
    if (auto prepared = db.prepare(
            "SELECT id, at, kind, run_id, body, prev_hash, hash FROM events WHERE id = ?", &s);
        !prepared)
        return prepared;
    s.bind(1, id);
    if (s.step()) *out = eventFromRow(s);
    if (s.failed()) return Status::failure(s.errorMessage());
    return Status::success();
}

}  // namespace mpa
